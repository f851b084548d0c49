package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// The current path in line mode: dry-run phases, phase-by-phase
// submit with progress on stderr, and the Kubernetes parts of list,
// status and detach.

// submitKubernetes is submit's second half for a Kubernetes compute: the
// report is in; print the phases (dry run) or run them.
func (a *app) submitKubernetes(p *wizard.Plan, f *submitFlags, rep wizard.Report, guard *wizard.Guard) error {
	s := a.sess
	phases, err := wizard.Phases(s.Cloud, p)
	if err != nil {
		return err
	}
	if f.dryRun {
		return a.printPhases(p, rep, phases)
	}
	if rep.Blocked() {
		return exit(ExitInvalid, &blockedError{rep.Findings})
	}
	cp, err := a.runPhases(p, guard)
	if err != nil {
		return err
	}
	if cp != nil {
		a.printCompute(*cp, rep.Findings)
	}
	return nil
}

// runPhases runs (or continues) the phases of p with progress on stderr:
// a stop says what goes on in Azure and what is left, with the command
// that continues it (exit 3 when amlaks stopped watching, 130 on a
// signal); a failed phase what exists and what to do (exit 1).
func (a *app) runPhases(p *wizard.Plan, guard *wizard.Guard) (*wizard.Compute, error) {
	s := a.sess
	phases, err := wizard.Phases(s.Cloud, p)
	if err != nil {
		return nil, err
	}
	a.lastWS = p.WorkspaceRef()
	on, manual := a.phaseLines(phases)
	cp, err := wizard.RunPhases(a.ctx, s.Cloud, p, guard, s.PollEvery, on)
	if *manual != "" {
		fmt.Fprintf(a.s.Err, "the cluster is not ready for deployments yet; do it yourself:\n%s", *manual)
	}
	if err := a.phaseFailure(err, a.command("status "+p.Name, p.WorkspaceRef())); err != nil {
		return nil, err
	}
	return cp, nil
}

// phaseLines prints the progress of phases as lines on stderr, each
// numbered among phases; manual is the readiness phase's instructions
// when it could not do its work (said after the other lines).
func (a *app) phaseLines(phases []wizard.Phase) (on func(wizard.PhaseProgress), manual *string) {
	total := len(phases)
	index := map[wizard.PhaseKind]int{}
	for i, ph := range phases {
		index[ph.Kind] = i + 1
	}
	last := map[wizard.PhaseKind]string{}
	manual = new(string)
	return func(pp wizard.PhaseProgress) {
		head := "[" + string(pp.Phase) + "]"
		if n, ok := index[pp.Phase]; ok {
			head = fmt.Sprintf("[%d/%d %s]", n, total, pp.Phase)
		}
		switch {
		case pp.Manual != "":
			fmt.Fprintf(a.s.Err, "%s not done: %s\n", head, pp.Note)
			*manual = pp.Manual // said after the attach's own lines
		case pp.Phase == wizard.PhaseWait:
			fmt.Fprintf(a.s.Err, "%s\n", pp.Note)
		case pp.Phase == wizard.PhaseReady && pp.Done:
			fmt.Fprintf(a.s.Err, "%s %s (%s elapsed)\n", head, pp.Note, round(pp.Elapsed))
		case pp.Skipped:
			fmt.Fprintf(a.s.Err, "%s done already: %s\n", head, pp.Note)
		case pp.State == wizard.StateDone && pp.Done: // migrate's own phases say what they did
			fmt.Fprintf(a.s.Err, "%s %s\n", head, pp.Note)
		case pp.State != last[pp.Phase] || pp.Done:
			extra := ""
			if pp.Expected > 0 {
				extra = fmt.Sprintf(", about %s expected", round(pp.Expected))
			}
			note := ""
			if pp.Note != "" {
				note = " — " + pp.Note
			}
			fmt.Fprintf(a.s.Err, "%s %s (%s elapsed%s)%s\n", head, pp.State, round(pp.Elapsed), extra, note)
		case pp.Note != "":
			fmt.Fprintf(a.s.Err, "%s %s\n", head, pp.Note)
		}
		last[pp.Phase] = pp.State
	}, manual
}

// phaseFailure says what a failed or stopped phase left and what to do
// next, and returns the exit (nil: err was nil); cont is the command that
// continues the operation, as the user would type it.
func (a *app) phaseFailure(err error, cont string) error {
	var ie *wizard.Interrupted
	var pe *wizard.PhaseError
	switch {
	case errors.As(err, &ie):
		// amlaks stopped watching (its deadline, an error it cannot get
		// past): 3; stopped from outside (a signal): 130
		code, word := ExitStoppedWatching, "amlaks"
		if ie.Err == nil {
			code, word = ExitInterrupted, "interrupted"
		}
		if a.jsonOut() {
			writeJSON(a.s.Out, map[string]any{"error": map[string]any{"code": "StoppedWatching", "phase": string(ie.Phase), "sent": ie.Sent,
				"message": ie.Say(cont), "continue": cont}})
			return exit(code, errSilent)
		}
		fmt.Fprintf(a.s.Err, "%s: %s\n", word, ie.Say(cont))
		return exit(code, errSilent)
	case errors.As(err, &pe):
		if a.jsonOut() {
			writeJSON(a.s.Out, map[string]any{"error": map[string]any{"code": "PhaseFailed", "phase": string(pe.Phase), "exists": pe.Exists,
				"next": pe.Next, "message": pe.Err.Error()}})
			return exit(ExitFailure, errSilent)
		}
		if pe.Exists != "" {
			fmt.Fprintf(a.s.Err, "exists now: %s\n", pe.Exists)
		}
		fmt.Fprintf(a.s.Err, "the %s phase failed: %v\n", pe.Phase, pe.Err)
		a.printDetails(pe.Err)
		fmt.Fprintf(a.s.Err, "next: %s\n", pe.Next)
		return exit(ExitFailure, errSilent)
	}
	return err
}

// recorded finds the unfinished current-path operation of p's compute
// (by workspace and name): the plan to continue is the record's. Flags
// given now that disagree with it are a Block naming both values.
func (a *app) recorded(p *wizard.Plan) (*wizard.Plan, bool, error) {
	if !p.Kubernetes() || p.Name == "" || p.Workspace.Name == "" {
		return p, false, nil
	}
	recs := &wizard.Records{Dir: a.sess.RecordDir}
	rec, ok, err := recs.Find(a.ctx, p.Subscription, p.Workspace.ResourceGroup, p.Workspace.Name, p.Name)
	if err != nil || !ok {
		return p, false, err
	}
	if rec.Mode != p.Mode {
		return nil, false, exit(ExitInvalid, &blockedError{[]rules.Finding{{Code: "RecordDisagrees", Severity: rules.Block,
			Message: fmt.Sprintf("%s has an unfinished %s (%s): this %s would not continue it", p.Name, rec.Mode, rec.What(), p.Mode),
			Fix:     "continue it with " + a.command("status "+p.Name, rec.Ref()) + ", or pick another name"}}})
	}
	if ds := rec.Disagreements(p); len(ds) > 0 {
		var fs []rules.Finding
		for _, d := range ds {
			fs = append(fs, rules.Finding{Code: "RecordDisagrees", Severity: rules.Block, Message: d,
				Fix: "drop the flag to continue the unfinished " + string(rec.Mode) + ", or continue it with " + a.command("status "+p.Name, rec.Ref())})
		}
		a.printFindings(fs)
		return nil, false, exit(ExitInvalid, &blockedError{fs})
	}
	q := rec.RebuildPlan()
	if err := q.LoadTLSFilesContext(a.ctx); err != nil {
		return nil, false, err
	}
	if !a.jsonOut() {
		fmt.Fprintf(a.s.Err, "continuing %s, unfinished since %s (phases left: %s)\n", rec.What(), rec.Started.Local().Format("2006-01-02 15:04"), phaseList(rec.Remaining()))
	}
	return q, true, nil
}

func phaseList(ks []wizard.PhaseKind) string { return strings.Join(phaseNames(ks), ", ") }

// phaseNames are the phases' names, as -o json gives them.
func phaseNames(ks []wizard.PhaseKind) []string {
	out := make([]string, 0, len(ks))
	for _, k := range ks {
		out = append(out, string(k))
	}
	return out
}

// taggedCluster rebuilds what a lost record knew of a create: the
// cluster amlaks made for this compute (tagged amlaks-compute=WS/NAME).
// The re-run continues on it; a --cluster naming another is a Block
// naming both.
func (a *app) taggedCluster(p *wizard.Plan) error {
	if !p.Kubernetes() || p.Mode != wizard.ModeCreate {
		return nil
	}
	cls, err := a.sess.Cloud.Clusters(a.ctx, p.Subscription)
	if err != nil {
		return err
	}
	for _, cl := range cls {
		if !wizard.ClusterMadeFor(cl, p.Workspace.Name, p.Name) {
			continue
		}
		same := strings.EqualFold(cl.Name, p.NewClusterName()) && strings.EqualFold(cl.ResourceGroup, p.NewClusterGroup())
		if ns := wizard.TaggedNamespace(cl); !strings.EqualFold(ns, p.Namespace) {
			if p.From(wizard.FNamespace) == wizard.Flag {
				fs := []rules.Finding{{Code: "RecordDisagrees", Severity: rules.Block,
					Message: fmt.Sprintf("namespace: %q now, but the unfinished create of %s chose %q (cluster %s, tagged %s=%s)", p.Namespace, p.Name, ns, cl.Name, wizard.TagNamespace, ns),
					Fix:     "drop --namespace to continue in " + ns + ", or pick another compute name"}}
				a.printFindings(fs)
				return exit(ExitInvalid, &blockedError{fs})
			}
			p.Namespace = ns
		}
		if same {
			return nil
		}
		if p.From(wizard.FNewCluster) == wizard.Flag {
			fs := []rules.Finding{{Code: "RecordDisagrees", Severity: rules.Block,
				Message: fmt.Sprintf("cluster: %q now, but the unfinished create of %s made cluster %s (%s, tagged %s=%s/%s)", p.NewClusterName(), p.Name, cl.Name, cl.ResourceGroup, wizard.TagCompute, p.Workspace.Name, p.Name),
				Fix:     "drop --cluster to continue on " + cl.Name + ", or pick another compute name"}}
			a.printFindings(fs)
			return exit(ExitInvalid, &blockedError{fs})
		}
		p.ClusterName, p.ClusterGroup = cl.Name, cl.ResourceGroup
		if !a.jsonOut() {
			fmt.Fprintf(a.s.Err, "continuing the unfinished create of %s on cluster %s (%s), made for it (tagged %s=%s/%s)\n", p.Name, cl.Name, cl.ResourceGroup, wizard.TagCompute, p.Workspace.Name, p.Name)
		}
		return nil
	}
	return nil
}

// phaseJSON is one phase for -o json: the body parsed, so it nests.
func phaseJSON(ph wizard.Phase) map[string]any {
	var body any
	if err := json.Unmarshal(ph.Request.Body, &body); err != nil {
		body = string(ph.Request.Body)
	}
	m := map[string]any{"kind": string(ph.Kind), "title": ph.Title,
		"request": map[string]any{"method": ph.Request.Method, "path": ph.Request.Path, "body": body}, "az": ph.Equivalent}
	if ph.Python != "" {
		m["python"] = ph.Python
	}
	if ph.Rollback != "" {
		m["rollback"] = ph.Rollback
	}
	return m
}

// printPhases is the dry run of a Kubernetes plan: every phase's request
// and equivalent; exit 2 when blocked.
func (a *app) printPhases(p *wizard.Plan, rep wizard.Report, phases []wizard.Phase) error {
	if a.jsonOut() {
		var out []map[string]any
		for _, ph := range phases {
			out = append(out, phaseJSON(ph))
		}
		m := map[string]any{"dryRun": true, "computeType": string(wizard.ComputeKubernetes), "blocked": rep.Blocked(),
			"findings": findingsJSON(rep.Findings), "phases": out}
		if c := costJSON(p, rep); c != nil {
			m["cost"] = c // as the wizard's review shows it
		}
		writeJSON(a.s.Out, m)
	} else {
		for i, ph := range phases {
			fmt.Fprintf(a.s.Out, "# phase %d/%d: %s\n", i+1, len(phases), ph.Title)
			for _, d := range ph.Details {
				fmt.Fprintf(a.s.Out, "#   %s\n", d)
			}
			if ph.Request.Method != "" {
				fmt.Fprintf(a.s.Out, "%s %s\n", ph.Request.Method, ph.Request.Path)
			}
			var v any
			if json.Unmarshal(ph.Request.Body, &v) == nil {
				writeJSON(a.s.Out, v)
			} else if len(ph.Request.Body) > 0 {
				fmt.Fprintf(a.s.Out, "%s\n", ph.Request.Body)
			}
			fmt.Fprintf(a.s.Out, "# equivalent:\n%s\n", ph.Equivalent)
			if ph.Python != "" {
				fmt.Fprintf(a.s.Out, "# azure-ai-ml (Python SDK v2):\n%s", ph.Python)
			}
			if ph.Rollback != "" {
				fmt.Fprintf(a.s.Out, "# rollback: %s\n", ph.Rollback)
			}
			fmt.Fprintln(a.s.Out)
		}
		if c := costText(p, rep); c != "" {
			fmt.Fprintf(a.s.Out, "# cost: %s\n", c)
		}
	}
	if rep.Blocked() {
		return exit(ExitInvalid, errSilent)
	}
	return nil
}

// describe is a compute as line mode shows it (wizard.DescribeComputes).
func (a *app) describe(c wizard.Compute) wizard.ComputeDetail {
	return wizard.DescribeComputes(a.ctx, a.sess.Cloud, []wizard.Compute{c})[0]
}

func extensionLabel(e wizard.Extension, found, known bool) string {
	switch {
	case !known:
		return "-"
	case !found:
		return "missing"
	case e.TrainingOnly():
		return e.State + " " + e.Version + " (training only)"
	}
	return e.State + " " + e.Version
}

func extensionJSON(e wizard.Extension, found bool) map[string]any {
	if !found {
		return map[string]any{"installed": false}
	}
	m := map[string]any{"installed": true, "state": e.State, "version": e.Version, "type": e.Type, "inference": !e.TrainingOnly()}
	if len(e.Errors) > 0 {
		m["errors"] = e.Errors
	}
	return m
}

// phaseStatus is every phase of a Kubernetes compute: the cluster, the
// workspace's Trusted Access binding when the cluster needs one, the
// extension, the attach.
func (a *app) phaseStatus(c wizard.Compute, workspaceID string) []map[string]string {
	if c.ClusterID == "" {
		return nil
	}
	kc := a.sess.Cloud
	cl, cerr := kc.Cluster(a.ctx, c.ClusterID)
	e, found, eerr := kc.Extension(a.ctx, c.ClusterID)
	cluster := map[string]string{"phase": "cluster", "state": "missing", "id": c.ClusterID}
	switch {
	case cerr == nil:
		cluster["state"] = cl.ProvisioningState
		cluster["power"] = cl.PowerState
		if wizard.ClusterMadeByAmlaks(cl) {
			cluster["createdBy"] = "amlaks"
		}
	case !errors.Is(cerr, wizard.ErrNotFound):
		cluster["state"] = "unknown: " + cerr.Error()
	}
	ext := map[string]string{"phase": "extension", "state": "missing"}
	switch {
	case eerr != nil:
		ext["state"] = "unknown: " + eerr.Error()
	case found:
		ext["state"], ext["version"] = e.State, e.Version
		if e.TrainingOnly() {
			ext["note"] = "training only (enableInference=False): online deployments fail; attach again with --install-extension to add inference"
		}
		if len(e.Errors) > 0 {
			ext["error"] = e.Errors[0].Code + ": " + e.Errors[0].Message
		}
	}
	ns := c.Namespace
	if ns == "" {
		ns = "default"
	}
	out := []map[string]string{cluster}
	if cerr == nil && len(wizard.ClusterTrustedAccessNeeds(cl)) > 0 {
		out = append(out, a.bindingStatus(c.ClusterID, workspaceID, wizard.ClusterTrustedAccessNeeds(cl)))
	}
	return append(out, ext, map[string]string{"phase": "attach", "state": c.State, "namespace": ns})
}

// clusterGone ends the status of a Kubernetes compute whose cluster is
// gone (deleted since the attach): Azure ML may still say Succeeded, but
// nothing can run on it; exit 1 with what to do.
func (a *app) clusterGone(c wizard.Compute, ph []map[string]string, ws wizard.WorkspaceRef) error {
	if len(ph) == 0 || ph[0]["phase"] != "cluster" || ph[0]["state"] != "missing" {
		return nil
	}
	fmt.Fprintf(a.s.Err, "the AKS cluster %s of %s is gone: nothing can be deployed to %s; detach it (%s)\n",
		clusterShort(c.ClusterID), c.Name, c.Name, a.command("detach "+c.Name, ws))
	return exit(ExitFailure, errSilent)
}

// bindingStatus is the Trusted Access phase of a cluster that needs it:
// the workspace's role binding, or "missing".
func (a *app) bindingStatus(clusterID, workspaceID string, needs []string) map[string]string {
	m := map[string]string{"phase": "trusted-access", "state": "missing", "needs": strings.Join(needs, ", ")}
	bs, err := a.sess.Cloud.RoleBindings(a.ctx, clusterID)
	if err != nil {
		m["state"] = "unknown: " + err.Error()
		return m
	}
	for _, b := range bs {
		if b.Binds(workspaceID) {
			m["state"], m["name"] = b.State, b.Name
			break
		}
	}
	return m
}

// printPhaseStatus prints phaseStatus as lines under the compute.
func (a *app) printPhaseStatus(ph []map[string]string) {
	if len(ph) == 0 {
		return
	}
	fmt.Fprintln(a.s.Out, "phases:")
	width := 10
	for _, m := range ph {
		width = max(width, len(m["phase"])+1)
	}
	for _, m := range ph {
		line := m["state"]
		switch m["phase"] {
		case "cluster":
			if m["power"] != "" {
				line += ", " + m["power"]
			}
			if m["createdBy"] != "" {
				line += " (created by amlaks)"
			}
		case "extension":
			if m["version"] != "" {
				line += " " + m["version"]
			}
			if m["error"] != "" {
				line += " — " + m["error"]
			}
			if m["note"] != "" {
				line += " — " + m["note"]
			}
		case "attach":
			line += " (namespace " + m["namespace"] + ")"
		case "trusted-access":
			if m["name"] != "" {
				line += " (role binding " + m["name"] + ")"
			}
			line += " — needed for " + m["needs"]
		}
		fmt.Fprintf(a.s.Out, "  %-*s %s\n", width, m["phase"], line)
	}
}

// unfinishedCreate shows the phases of a Kubernetes create that stopped
// before its attach: the cluster amlaks tagged for this compute, and its
// extension. It reports whether it found one.
func (a *app) unfinishedCreate(p *wizard.Plan, name string) (bool, error) {
	cls, err := a.sess.Cloud.Clusters(a.ctx, p.Subscription)
	if err != nil {
		return false, err
	}
	for _, cl := range cls {
		if !wizard.ClusterMadeFor(cl, p.Workspace.Name, name) {
			continue
		}
		ph := a.phaseStatus(wizard.Compute{Name: name, ClusterID: cl.ID, State: "missing", Namespace: wizard.TaggedNamespace(cl)}, p.WorkspaceID())
		if a.jsonOut() {
			writeJSON(a.s.Out, map[string]any{"name": name, "type": string(wizard.ComputeKubernetes), "state": "Unfinished", "phases": ph})
		} else {
			fmt.Fprintf(a.s.Out, "%s is not attached yet: the create stopped after some of its phases\n", name)
			a.printPhaseStatus(ph)
			fmt.Fprintf(a.s.Out, "next: %s continues on cluster %s from the first unfinished phase (add the answers it needs, such as --allow-insecure-connections or the TLS flags)\n",
				a.command("create -n "+name+" --yes", p.WorkspaceRef()), cl.Name)
		}
		return true, exit(ExitFailure, errSilent)
	}
	return false, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// deleteCluster deletes the cluster of the detached compute self
// ("WORKSPACE/NAME") under the cluster's lock, checking again there that
// amlaks made it and no other compute uses it (wizard.DeleteCluster).
func (a *app) deleteCluster(p *wizard.Plan, id, self string) error {
	var last string
	err := wizard.DeleteCluster(a.ctx, a.sess.Cloud, &wizard.Guard{LockDir: a.sess.LockDir}, p.Subscription, id, self, a.sess.PollEvery, func(pr wizard.Progress) {
		if pr.State != last || pr.Done {
			fmt.Fprintf(a.s.Err, "delete cluster %s: %s (%s elapsed)\n", clusterShort(id), pr.State, round(pr.Elapsed))
		}
		last = pr.State
	})
	var be *wizard.BlockedError
	var ie *wizard.Interrupted
	switch {
	case errors.As(err, &be):
		// attached meanwhile (another process, another machine): kept
		a.printFindings(be.Findings)
		fmt.Fprintf(a.s.Err, "%s is detached; the AKS cluster %s was kept: nothing of it was deleted\n", self, clusterShort(id))
		return exit(ExitInvalid, &blockedError{be.Findings})
	case errors.As(err, &ie):
		return exit(ExitInterrupted, fmt.Errorf("stopped watching the delete of %s; it continues in Azure", clusterShort(id)))
	case err != nil:
		return err
	}
	return a.emit(map[string]any{"name": self[strings.Index(self, "/")+1:], "detached": true, "clusterKept": false, "clusterDeleted": true, "cluster": id},
		func(w io.Writer) { fmt.Fprintf(w, "AKS cluster %s deleted\n", clusterShort(id)) })
}
