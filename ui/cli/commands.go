package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// submitFlags are the options of create and attach besides the plan's
// answers (those fill the plan through the field table).
type submitFlags struct {
	yes, dryRun, noWait bool
}

// boundFlags are the field table's flags of one command, declared from
// their rows in one loop.
type boundFlags struct {
	command string
	strs    map[string]*string
	many    map[string]*[]string
	bools   map[string]*bool
}

// inputUsage is a row's flag help, saying the compute type it is for.
func inputUsage(in wizard.Input) string {
	switch {
	case slices.Equal(in.Types, []wizard.ComputeType{wizard.ComputeKubernetes}):
		return "Kubernetes compute: " + in.Usage()
	case slices.Equal(in.Types, []wizard.ComputeType{wizard.ComputeAKS}):
		return "legacy AKS compute: " + in.Usage()
	}
	return in.Usage()
}

// bindInputs declares the flags of command's rows on cmd.
func bindInputs(cmd *cobra.Command, command string) *boundFlags {
	b := &boundFlags{command: command, strs: map[string]*string{}, many: map[string]*[]string{}, bools: map[string]*bool{}}
	fl := cmd.Flags()
	for _, in := range wizard.Inputs(command) {
		usage := inputUsage(in)
		switch {
		case in.Bool:
			b.bools[in.Flag] = fl.BoolP(in.Flag, in.Short, in.Default == "true", usage)
		case in.Many:
			b.many[in.Flag] = fl.StringArrayP(in.Flag, in.Short, nil, usage)
		default:
			b.strs[in.Flag] = fl.StringP(in.Flag, in.Short, in.Default, usage)
		}
	}
	return b
}

// given are the flags given on the command line, as typed.
func (b *boundFlags) given(cmd *cobra.Command) wizard.Given {
	g := wizard.Given{}
	for name, v := range b.strs {
		if cmd.Flags().Changed(name) {
			g[name] = []string{*v}
		}
	}
	for name, v := range b.many {
		if cmd.Flags().Changed(name) {
			g[name] = slices.Clone(*v)
		}
	}
	for name, v := range b.bools {
		if cmd.Flags().Changed(name) {
			g[name] = []string{strconv.FormatBool(*v)}
		}
	}
	return g
}

// fill puts the given flags into the plan (the field table's rows) and
// returns the command's options and the violations of values that are
// wrong whatever Azure says.
func (b *boundFlags) fill(cmd *cobra.Command, p *wizard.Plan) (*submitFlags, []rules.Violation) {
	g := b.given(cmd)
	vs := wizard.FillFlags(p, b.command, g)
	return &submitFlags{yes: g.Get("yes") == "true", dryRun: g.Get("dry-run") == "true", noWait: g.Get("no-wait") == "true"}, vs
}

func asViolation(err error, field string) rules.Violation {
	var v rules.Violation
	if errors.As(err, &v) {
		return v
	}
	return rules.Violation{Field: field, Code: "invalid", Message: err.Error()}
}

func (a *app) createCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a new AKS inference cluster in a workspace",
		Long: `Create a new AKS inference cluster for the workspace. Flags pre-answer the wizard's steps;
with --yes, or without a terminal, nothing is asked and missing or invalid flags are reported
together (exit 2). Defaults: production, 3 × Standard_D3_v2 (where the region does not offer
it, a size it does: D4s_v3, D4s_v5, …), the workspace's region.

--compute-type Kubernetes (the default, current): amlaks creates the AKS cluster in AKS
(--cluster NAME in --cluster-resource-group RG; defaults: the compute's name and the
workspace's group), installs the Azure ML extension on it, then attaches it as a Kubernetes
compute — three phases; after a stop, amlaks status NAME (or create -n NAME again) continues
from the first unfinished one, on the same cluster. Without your own TLS certificate,
--allow-insecure-connections is required.

--compute-type AKS is the legacy v1 path of the 2020 article (AML creates the cluster): Azure
ML SDK v1 support ended 2026-06-30, CLI v1 on 2025-09-30, and SDK v2 cannot use an AKS compute.`,
		Example: `  amlaks create -w mlw-prod -n aks-prod-01 --allow-insecure-connections --yes
  amlaks create -w mlw-prod -n aks-prod-01 --kubernetes-version 1.32 --ssl-cert-file c.pem --ssl-key-file k.pem --ssl-cname ml.contoso.com --yes
  amlaks create -w mlw-prod -n aks-dev --purpose dev-test --vm-size Standard_D3_v2 --nodes 1 --allow-insecure-connections --dry-run -o json
  amlaks create -w mlw-prod -n aks-legacy --compute-type AKS --yes`,
		Args: cobra.NoArgs,
	}
	a.bindSubmit(cmd, wizard.ModeCreate)
	return cmd
}

func (a *app) attachCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "attach",
		Short: "Attach an existing AKS cluster to a workspace",
		Long: `Attach an existing AKS cluster (which may be in another region than the workspace).
Every rule is checked first: supported Kubernetes version, size against the purpose,
authorized IP ranges, private clusters, and whether the cluster is already attached
somewhere.

--compute-type Kubernetes (the default, current): the cluster needs the Azure ML extension;
--install-extension installs (or reinstalls a failed) one first, or adds inference to one
installed for training only — without it such an extension stops here and nothing is changed
on your cluster. A cluster with local accounts disabled, authorized IP ranges or a private API
server gets the workspace's Trusted Access role binding before the attach. The cluster must be
in the workspace's subscription, and in its region when the workspace has a private endpoint.
One cluster may be attached to several workspaces; namespaces (--namespace, default "default")
keep their workloads apart.

--compute-type AKS is the legacy v1 path: Azure ML SDK v1 support ended 2026-06-30, CLI v1 on
2025-09-30, and SDK v2 cannot use an AKS compute; a second AKS attachment breaks the first.`,
		Example: `  amlaks attach -w mlw-prod -n k8s-ml --cluster aks-ml-ready --cluster-resource-group rg-aks-ml --yes
  amlaks attach -w mlw-prod -n k8s-new --cluster aks-ml-plain --install-extension --allow-insecure-connections --yes
  amlaks attach -w mlw-prod -n aks-priv --cluster aks-private --cluster-resource-group rg-aks --compute-type AKS --yes
  amlaks attach -w mlw-prod -n aks-ilb --cluster aks-shared --load-balancer internal --load-balancer-subnet snet-ilb --compute-type AKS --yes`,
		Args: cobra.NoArgs,
	}
	a.bindSubmit(cmd, wizard.ModeAttach)
	return cmd
}

// reBadFlag matches pflag's "invalid argument "abc" for "-n, --nodes" flag: strconv.ParseInt: ...".
var reBadFlag = regexp.MustCompile(`^invalid argument "((?:[^"\\]|\\.)*)" for "(?:-\w, )?--([\w-]+)" flag: `)

// flagError turns a flag that does not parse into an Invalid naming the
// flag and the value expected (`--nodes: "abc" is not a whole number`),
// never Go's strconv text; with -o json anywhere on the line the error
// object goes to stdout as JSON (the flag itself may not be parsed yet).
func (a *app) flagError(cmd *cobra.Command, err error) error {
	if wantsJSON(a.args) {
		a.g.Output = "json"
	}
	m := reBadFlag.FindStringSubmatch(err.Error())
	if m == nil {
		return err // unknown flag, missing value: cobra's words are clear
	}
	val, uerr := strconv.Unquote(`"` + m[1] + `"`)
	if uerr != nil {
		val = m[1]
	}
	what := "is not a valid value"
	if f := cmd.Flags().Lookup(m[2]); f != nil {
		switch f.Value.Type() {
		case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
			what = "is not a whole number"
			if f.DefValue != "" && f.DefValue != "0" {
				what += " (like " + f.DefValue + ")"
			}
		case "bool":
			what = "is not true or false"
		case "duration":
			what = "is not a duration (like 30s or 5m)"
		}
	}
	return &Invalid{[]rules.Violation{{Field: m[2], Code: "flag-invalid", Message: fmt.Sprintf("%q %s", val, what)}}}
}

// wantsJSON reports whether args ask for -o json (in any of pflag's
// spellings), read before the flags are parsed.
func wantsJSON(args []string) bool {
	for i, x := range args {
		switch {
		case x == "--":
			return false
		case x == "-o" || x == "--output":
			if i+1 < len(args) && args[i+1] == "json" {
				return true
			}
		case x == "-ojson" || x == "-o=json" || x == "--output=json":
			return true
		}
	}
	return false
}

// needsAnswers reports whether the plan still has questions for the TUI.
func needsAnswers(p *wizard.Plan) bool {
	if p.Name == "" || p.Subscription == "" || p.Workspace.Name == "" {
		return true
	}
	return p.Mode == wizard.ModeAttach && p.ClusterID == "" && p.ClusterName == ""
}

// bindSubmit declares the flags of create or attach from the field table
// and runs the command: the plan from the flags, then submit.
func (a *app) bindSubmit(cmd *cobra.Command, mode wizard.Mode) {
	b := bindInputs(cmd, string(mode))
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		s, err := a.session()
		if err != nil {
			return err
		}
		p := wizard.NewPlan(mode)
		p.Mark(wizard.FMode, wizard.Flag)
		a.applyGlobals(cmd, p, s)
		f, vs := b.fill(cmd, p)
		return a.submit(cmd, p, f, vs)
	}
}

// submit is the common path of create and attach.
func (a *app) submit(cmd *cobra.Command, p *wizard.Plan, f *submitFlags, early []rules.Violation) error {
	s := a.sess
	if !f.yes && !f.dryRun && !a.jsonOut() && len(early) == 0 {
		if a.canAsk() {
			return a.accessible(p, f)
		}
		if a.canPrompt() && !a.g.Accessible {
			return a.runWizard(p)
		}
	}
	// an unfinished operation of this compute is continued, whatever
	// flags are missing (they are the record's)
	p, continued, err := a.recorded(p)
	if err != nil {
		return err
	}
	if p.Mode == wizard.ModeCreate {
		// the region flag, else the workspace's
		a.prefetch(p, p.Region, readWorkspaces, readRegions, readVersions, readSizes)
	} else {
		a.prefetch(p, "", readWorkspaces)
	}
	// the flags that parsed are checked against Azure even when others did
	// not, so every bad flag is reported in one go, not one round each
	vs, err := wizard.Resolve(a.ctx, s.Cloud, p)
	if err != nil && len(early) == 0 {
		return err
	}
	// a legacy create or attach of this name still running in Azure (its
	// saved operation, from this or an earlier run) is followed, not
	// refused for its name: the legacy path's record is that operation
	if op, ok := a.runningLegacy(p, f); ok {
		if !a.jsonOut() {
			fmt.Fprintf(a.s.Err, "continuing: the %s of %s started %s is still running in Azure; following it\n", op.Kind, op.Name, op.Started.Local().Format("2006-01-02 15:04"))
		}
		return a.follow(op, nil)
	}
	if vs = mergeViolations(early, vs); len(vs) > 0 {
		return &Invalid{vs}
	}
	if !continued {
		if err := a.taggedCluster(p); err != nil {
			return err
		}
	}
	guard := &wizard.Guard{LockDir: s.LockDir, RecordDir: s.RecordDir}
	rep, err := wizard.Preflight(a.ctx, s.Cloud, p, guard)
	if err != nil {
		return err
	}
	a.printFindings(rep.Findings)
	if p.Kubernetes() {
		return a.submitKubernetes(p, f, rep, guard)
	}
	if note := p.Variant().Note; note != "" && p.From(wizard.FComputeType) == wizard.Flag && !a.jsonOut() {
		fmt.Fprintln(a.s.Err, "note: "+note)
	}
	if f.dryRun {
		return a.printDryRun(p, rep)
	}
	if rep.Blocked() {
		return exit(ExitInvalid, &blockedError{rep.Findings})
	}
	op, err := wizard.Submit(a.ctx, s.Cloud, p, guard)
	var be *wizard.BlockedError
	if errors.As(err, &be) {
		// The final re-check under the cluster's lock found what the
		// preflight could not see yet (another process attaching it).
		a.printFindings(be.Findings)
		return exit(ExitInvalid, &blockedError{be.Findings})
	}
	if errors.Is(err, wizard.ErrStoppedWatching) {
		return a.lostTrack(p.Name, p.WorkspaceRef(), err)
	}
	if err != nil {
		return err
	}
	for _, w := range op.Concurrent {
		fmt.Fprintln(a.s.Err, "WARN  "+w)
	}
	defer guard.Release(p.GuardKey())
	fmt.Fprintf(a.s.Err, "%s of %s accepted by Azure\n", title(string(op.Kind)), op.Name)
	if f.noWait {
		return a.printAccepted(op, rep)
	}
	return a.follow(op, rep.Findings)
}

// mergeViolations is first, then those of more that are about a flag
// first does not name (the flag's own error says more than a later check
// of the default that stood in for it).
func mergeViolations(first, more []rules.Violation) []rules.Violation {
	named := map[string]bool{}
	for _, v := range first {
		named[v.Field] = true
	}
	out := append([]rules.Violation(nil), first...)
	for _, v := range more {
		if v.Field == "" || !named[v.Field] {
			out = append(out, v)
		}
	}
	return out
}

// blockedError is a preflight with Block findings: nothing was sent.
type blockedError struct{ findings []rules.Finding }

func (e *blockedError) Error() string {
	var n []string
	for _, f := range e.findings {
		if f.Severity == rules.Block {
			n = append(n, f.Code)
		}
	}
	return "blocked by preflight (" + strings.Join(n, ", ") + "): nothing was sent"
}

// command is an amlaks command line the user can paste: with --demo in
// demo mode and the workspace it is about.
func (a *app) command(args string, ws wizard.WorkspaceRef) string {
	c := "amlaks "
	if a.sess != nil && a.sess.Demo {
		c += "--demo "
	}
	c += args
	if ws.Name != "" {
		c += " -w " + ws.Name
	}
	if ws.ResourceGroup != "" {
		c += " -g " + ws.ResourceGroup
	}
	return c
}

// summary is the plan in one line, for the confirmation in line mode.
func summary(p *wizard.Plan, demo bool) string {
	var out string
	if p.Mode == wizard.ModeAttach {
		name := p.ClusterName
		if p.Cluster != nil {
			name = p.Cluster.Name + " (" + p.Cluster.Region + ")"
		}
		out = fmt.Sprintf("attach %s to %s as %s, %s", name, p.Workspace.Name, p.Name, p.Purpose.Label())
	} else {
		out = fmt.Sprintf("create %s in %s: %s, %s, %d × %s", p.Name, p.Workspace.Name, p.Purpose.Label(), p.Region, p.Nodes, p.VMSize)
		if p.Network.Custom() {
			out += ", custom VNet " + p.Network.VNet + "/" + p.Network.Subnet
		}
	}
	if p.Kubernetes() {
		if p.Mode == wizard.ModeCreate {
			out += fmt.Sprintf(", Kubernetes %s on AKS cluster %s/%s", p.KubernetesVersion, p.NewClusterGroup(), p.NewClusterName())
		}
		out += fmt.Sprintf(", Kubernetes compute in namespace %s, %s identity, router %s", p.Namespace, p.IdentityLabel(), wizard.RouterLabel(p.Router))
		if p.HA() {
			out += " (HA)"
		}
		if p.TLS.Mode == rules.TLSOff && (p.Mode == wizard.ModeCreate || p.InstallExtension) {
			out += ", no TLS (insecure connections allowed)"
		}
	}
	switch p.TLS.Mode {
	case rules.TLSMicrosoft:
		out += ", TLS with a Microsoft certificate"
	case rules.TLSCustom:
		out += ", TLS with your certificate for " + p.TLS.CNAME
	}
	if demo {
		out += " (SIMULATED Azure)"
	}
	return out
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// printFindings writes Block/Warn/Info lines to stderr (table mode) so
// stdout stays the result.
func (a *app) printFindings(fs []rules.Finding) {
	if a.structured() {
		return // they are part of the result
	}
	for _, f := range fs {
		fmt.Fprintln(a.s.Err, f.String())
	}
}

func findingsJSON(fs []rules.Finding) []map[string]string {
	out := []map[string]string{}
	for _, f := range fs {
		out = append(out, map[string]string{"code": f.Code, "severity": f.Severity.String(), "message": f.Message, "fix": f.Fix})
	}
	return out
}

// costText is the monthly cost of a create's nodes ("≈ $502/month for 3 ×
// Standard_D3_v2 at $0.229/h; compute only: 730 hours a month"), "" for an
// attach or when the price is unknown.
func costText(p *wizard.Plan, rep wizard.Report) string {
	if p.Mode != wizard.ModeCreate {
		return ""
	}
	line := rules.CostLine(p.Nodes, p.VMSize, rep.Facts.Size.PricePerHour)
	if line == "" {
		return ""
	}
	return line + "; " + rules.CostScope
}

// costJSON is the cost object of the JSON output (nil when unknown).
func costJSON(p *wizard.Plan, rep wizard.Report) map[string]any {
	if costText(p, rep) == "" {
		return nil
	}
	price := rep.Facts.Size.PricePerHour
	return map[string]any{"monthly": math.Round(rules.MonthlyCost(p.Nodes, price)*100) / 100, "currency": "USD", "hoursPerMonth": rules.HoursPerMonth,
		"nodes": p.Nodes, "vmSize": p.VMSize, "pricePerHour": price, "text": rules.CostLine(p.Nodes, p.VMSize, price)}
}

func (a *app) printDryRun(p *wizard.Plan, rep wizard.Report) error {
	az, py := wizard.Equivalents(p)
	// The request Submit would send, built by the Cloud's own code.
	req, err := a.sess.Cloud.Request(p.WorkspaceRef(), p.Spec())
	if err != nil {
		return err
	}
	out := map[string]any{
		"dryRun": true, "blocked": rep.Blocked(), "findings": findingsJSON(rep.Findings),
		"request": map[string]any{"method": req.Method, "url": req.URL(), "path": req.Path, "body": json.RawMessage(req.Body)},
		"az":      az, "python": py,
	}
	if c := costJSON(p, rep); c != nil {
		out["cost"] = c
	}
	err = a.emit(out, func(w io.Writer) {
		fmt.Fprint(w, req.String())
		fmt.Fprintf(w, "\n# equivalent Azure CLI (v1 ml extension):\n%s\n", az)
		if c := costText(p, rep); c != "" {
			fmt.Fprintf(w, "\n# cost: %s\n", c)
		}
	})
	if err != nil {
		return err
	}
	if rep.Blocked() {
		return exit(ExitInvalid, errSilent)
	}
	return nil
}

func (a *app) printAccepted(op wizard.Operation, rep wizard.Report) error {
	follow := a.command("status "+op.Name, op.Workspace)
	return a.emit(map[string]any{"name": op.Name, "operation": string(op.Kind), "state": "InProgress", "findings": findingsJSON(rep.Findings),
		"follow": follow}, func(w io.Writer) {
		t := newTable(w, "NAME", "OPERATION", "STATE")
		t.row(op.Name, string(op.Kind), "InProgress")
		t.flush()
		fmt.Fprintf(a.s.Err, "the %s of %s goes on in Azure; follow it with: %s\n", op.Kind, op.Name, follow)
	})
}

// follow streams an operation's progress to stderr and prints the result.
// runningLegacy is the saved, unfinished operation of a legacy create or
// attach of p's compute, when there is one of p's own kind (never on a
// dry run).
func (a *app) runningLegacy(p *wizard.Plan, f *submitFlags) (wizard.Operation, bool) {
	if p.Kubernetes() || f.dryRun || p.Name == "" || p.Workspace.Name == "" || p.Workspace.ResourceGroup == "" {
		return wizard.Operation{}, false
	}
	op, ok, err := a.sess.Cloud.Pending(a.ctx, p.WorkspaceRef(), p.Name)
	if err != nil || !ok {
		return wizard.Operation{}, false
	}
	want := wizard.OpCreate
	if p.Mode == wizard.ModeAttach {
		want = wizard.OpAttach
	}
	if op.Kind != want {
		return wizard.Operation{}, false
	}
	// only while Azure still runs it: a saved operation whose compute is
	// gone or done is stale, and the command goes on as a new one
	c, err := a.sess.Cloud.Compute(a.ctx, p.WorkspaceRef(), p.Name)
	if err != nil || !wizard.Running(c.State) {
		return wizard.Operation{}, false
	}
	return op, true
}

func (a *app) follow(op wizard.Operation, fs []rules.Finding) error {
	a.lastWS = op.Workspace
	s := a.sess
	last := ""
	lastLine := time.Now()
	var final wizard.Progress
	for pr := range s.Cloud.Follow(a.ctx, op, s.PollEvery) {
		if pr.Note != "" {
			fmt.Fprintln(a.s.Err, pr.Note)
		}
		if pr.State != last || time.Since(lastLine) >= 30*time.Second {
			slow := ""
			if pr.Expected > 0 && pr.Elapsed > pr.Expected && !pr.Done {
				slow = " — slower than usual"
			}
			fmt.Fprintf(a.s.Err, "%s %s: %s (%s elapsed, about %s expected)%s\n", op.Kind, op.Name, pr.State, round(pr.Elapsed), round(pr.Expected), slow)
			last, lastLine = pr.State, time.Now()
		}
		final = pr
	}
	if !final.Done {
		if a.ctx.Err() != nil {
			fmt.Fprintf(a.s.Err, "interrupted: lost track, the %s of %s may still be running (it continues in Azure without amlaks): %s\n", op.Kind, op.Name, a.command("status "+op.Name, op.Workspace))
			return exit(ExitInterrupted, errSilent)
		}
		return a.lostTrack(op.Name, op.Workspace, errors.New("the operation's progress ended without an outcome"))
	}
	if errors.Is(final.Err, wizard.ErrStoppedWatching) {
		return a.lostTrack(op.Name, op.Workspace, final.Err)
	}
	if final.Err != nil {
		return final.Err
	}
	if op.Kind == wizard.OpDetach && a.goneCluster != "" {
		return a.emit(map[string]any{"name": op.Name, "detached": true, "clusterKept": false, "clusterGone": true, "cluster": a.goneCluster},
			func(w io.Writer) {
				fmt.Fprintf(w, "%s detached; its AKS cluster %s was gone already\n", op.Name, clusterShort(a.goneCluster))
			})
	}
	if op.Kind == wizard.OpDetach && a.deletingCluster != "" {
		if !a.jsonOut() {
			fmt.Fprintf(a.s.Err, "%s detached; the AKS cluster %s will be deleted now\n", op.Name, clusterShort(a.deletingCluster))
		}
		return nil // the delete's outcome is the command's output
	}
	if op.Kind == wizard.OpDetach {
		m := map[string]any{"name": op.Name, "detached": true, "clusterKept": true, "note": wizard.DetachCostNote}
		if a.keptNote != "" {
			m["cluster"] = a.keptNote
		}
		return a.emit(m, func(w io.Writer) {
			if a.keptNote != "" {
				fmt.Fprintf(w, "%s detached; the AKS cluster %s was kept and keeps costing (delete it in AKS, or detach with --delete-cluster when amlaks created it)\n", op.Name, clusterShort(a.keptNote))
				return
			}
			fmt.Fprintf(w, "%s detached; the AKS cluster itself was kept: %s\n", op.Name, wizard.DetachCostNote)
		})
	}
	if final.Compute == nil {
		return nil
	}
	return a.printCompute(*final.Compute, fs)
}

// lostTrack ends a command that stopped watching an operation without an
// outcome (deadline, an error it cannot get past): exit 3, the status
// command to run, the resume token kept.
func (a *app) lostTrack(name string, ws wizard.WorkspaceRef, err error) error {
	hint := "lost track, the operation may still be running: " + a.command("status "+name, ws)
	var we *wizard.Error
	if errors.As(err, &we) {
		cp := *we
		cp.Hint = hint
		return exit(ExitStoppedWatching, &cp)
	}
	return exit(ExitStoppedWatching, &wizard.Error{Kind: wizard.ErrStoppedWatching, Op: name, Message: err.Error(), Hint: hint})
}

func round(d time.Duration) time.Duration {
	if d > time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(100 * time.Millisecond)
}

// computeJSON is a compute's JSON shape: the same keys for every compute
// type (what a type does not have, or what is not known, is null), so -o
// tsv rows line up and a script reads one shape.
func computeJSON(c wizard.Compute, fs []rules.Finding) map[string]any {
	m := map[string]any{"id": c.ID, "name": c.Name, "type": c.Type, "legacy": strings.EqualFold(c.Type, string(wizard.ComputeAKS)),
		"state": c.State, "purpose": orNull(string(c.Purpose)), "nodes": orNull(c.Nodes), "vmSize": orNull(c.VMSize), "vCPUs": orNull(c.VCPUs),
		"region": c.Region, "clusterId": c.ClusterID, "fqdn": c.FQDN, "attached": c.Attached, "namespace": orNull(c.Namespace)}
	if fs != nil {
		m["findings"] = findingsJSON(fs)
	}
	if len(c.Errors) > 0 {
		m["errors"] = c.Errors
	}
	return m
}

// orNull is v, or nil (JSON null) for its zero value: 0 nodes and an empty
// size mean "not known here", not a cluster of none.
func orNull[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

func (a *app) printCompute(c wizard.Compute, fs []rules.Finding) error {
	c = a.describe(c).Compute
	err := a.emit(computeJSON(c, fs), func(w io.Writer) {
		t := newTable(w, "NAME", "TYPE", "STATE", "PURPOSE", "NODES", "VM SIZE", "REGION", "FQDN")
		t.row(c.Name, c.Type, c.State, purposeLabel(c.Purpose), itoa(c.Nodes), c.VMSize, c.Region, c.FQDN)
		t.flush()
		if c.ClusterID != "" {
			fmt.Fprintf(w, "cluster: %s\n", c.ClusterID)
		}
	})
	if next := wizard.VariantOf(c.Type).Next(c.Name); err == nil && c.State == "Succeeded" && a.g.Output == fmtTable && next != "" {
		fmt.Fprintf(a.s.Err, "next: %s; see the workspace's computes with: %s\n", next, a.command("list", a.lastWS))
	}
	return err
}

func purposeLabel(p rules.Purpose) string {
	switch p {
	case rules.Production:
		return "production"
	case rules.DevTest:
		return "dev-test"
	}
	return string(p)
}

func itoa(n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

func (a *app) resetCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "reset",
		Short: "Restore the simulated Azure's fixtures (with --demo only)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !a.g.Demo {
				return &Invalid{[]rules.Violation{{Field: "demo", Code: "missing", Message: "reset only applies to the simulated Azure: run `amlaks --demo reset`"}}}
			}
			s, err := a.session()
			if err != nil {
				return err
			}
			if s.Reset == nil {
				return errors.New("this session cannot reset")
			}
			if err := s.Reset(); err != nil {
				return err
			}
			return a.emit(map[string]any{"reset": true}, func(w io.Writer) {
				fmt.Fprintln(w, "simulated Azure restored to its fixtures")
			})
		},
	}
}

var _ = os.Getenv
