package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

func writeJSON(w io.Writer, v any) { w.Write(wizard.JSON(v)) }

type table struct{ tw *tabwriter.Writer }

func newTable(w io.Writer, head ...string) *table {
	t := &table{tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	t.row(head...)
	return t
}

// maxCell is the widest a table cell gets: a name Azure returns may be
// thousands of characters long, and would pad every row to its width.
const maxCell = 80

// row prints one line of cells, each escaped (a name from Azure cannot
// drive the terminal or reorder the line) and cut to maxCell.
func (t *table) row(cells ...string) {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = rules.Cut(rules.Inert(c), maxCell)
	}
	fmt.Fprintln(t.tw, strings.Join(out, "\t"))
}
func (t *table) flush() { t.tw.Flush() }

// planFor resolves the subscription (and, withWorkspace, the workspace)
// of a command that needs no other answer (versions, sizes, list, status,
// detach).
func (a *app) planFor(cmd *cobra.Command, mode wizard.Mode, withWorkspace bool) (*wizard.Plan, error) {
	s, err := a.session()
	if err != nil {
		return nil, err
	}
	p := wizard.NewPlan(mode)
	a.applyGlobals(cmd, p, s)
	if withWorkspace {
		a.prefetch(p, "", readWorkspaces)
	}
	vs, err := wizard.ResolveSubscription(a.ctx, s.Cloud, p)
	if err == nil && len(vs) == 0 && withWorkspace {
		vs, err = wizard.ResolveWorkspace(a.ctx, s.Cloud, p)
	}
	if err != nil {
		return nil, err
	}
	if len(vs) > 0 {
		return nil, &Invalid{vs}
	}
	a.lastWS = p.WorkspaceRef()
	return p, nil
}

// workspacePlan resolves subscription and workspace.
func (a *app) workspacePlan(cmd *cobra.Command) (*wizard.Plan, error) {
	return a.planFor(cmd, wizard.ModeList, true)
}

// subscriptionOf resolves only the subscription.
func (a *app) subscriptionOf(cmd *cobra.Command) (string, error) {
	p, err := a.planFor(cmd, wizard.ModeBrowse, false)
	if err != nil {
		return "", err
	}
	return p.Subscription, nil
}

func (a *app) regionOf(sub, region string) (string, error) {
	if region == "" {
		return "", &Invalid{[]rules.Violation{wizard.Missing("region", "give the region with -l, e.g. -l eastus")}}
	}
	regions, err := a.sess.Cloud.Regions(a.ctx, sub)
	if err != nil {
		return "", err
	}
	r, ok := wizard.FindRegion(regions, region)
	if !ok {
		return "", &Invalid{[]rules.Violation{{Field: "region", Code: "unknown", Message: fmt.Sprintf("unknown region %q: see the Name column of `az account list-locations -o table`", region)}}}
	}
	return r.Name, nil
}

func (a *app) versionsCmd() *cobra.Command {
	var b *boundFlags
	cmd := &cobra.Command{
		Use:     "versions",
		Short:   "Kubernetes versions AKS offers in a region",
		Example: "  amlaks versions -l eastus\n  amlaks versions -l westeurope -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			region := *b.strs["region"]
			a.prefetchFor(region, readRegions, readVersions)
			sub, err := a.subscriptionOf(cmd)
			if err != nil {
				return err
			}
			return a.printVersions(sub, region)
		},
	}
	b = bindInputs(cmd, "versions")
	return cmd
}

// printVersions prints a region's Kubernetes versions (table or JSON).
func (a *app) printVersions(sub, region string) error {
	region, err := a.regionOf(sub, region)
	if err != nil {
		return err
	}
	vs, err := a.sess.Cloud.Versions(a.ctx, sub, region)
	if err != nil {
		return err
	}
	vs = rules.SortVersions(vs)
	out := []map[string]any{}
	for _, v := range vs {
		out = append(out, map[string]any{"version": v.Version, "isDefault": v.Default, "isPreview": v.Preview,
			"supportPlan": v.SupportPlans, "ltsOnly": v.LTSOnly(), "patchVersions": v.Patches, "region": region})
	}
	return a.emit(out, func(w io.Writer) { versionsTable(w, vs) })
}

// versionsTable is az aks get-versions -o table: a row per patch version.
// supportPlanCell is the plans as AKS names them, an LTS-only version
// marked as in every version list.
func supportPlanCell(v rules.Version) string {
	s := strings.Join(v.SupportPlans, ", ")
	if v.LTSOnly() {
		s += ": " + rules.LTSOnlyLabel
	}
	return s
}

func versionsTable(w io.Writer, vs []rules.Version) {
	t := newTable(w, "KubernetesVersion", "Default", "IsPreview", "SupportPlan", "Upgrades")
	for _, v := range vs {
		for i, pv := range sortedPatches(v) {
			up := strings.Join(v.Patches[pv], ", ")
			if up == "" {
				up = "None available"
			}
			// a create on the default minor gets its newest patch
			t.row(pv, yesNo(v.Default && i == 0), yesNo(v.Preview), supportPlanCell(v), up)
		}
		if len(v.Patches) == 0 {
			t.row(v.Version, yesNo(v.Default), yesNo(v.Preview), supportPlanCell(v), "None available")
		}
	}
	t.flush()
}

// sortedPatches orders patch versions newest first numerically.
func sortedPatches(v rules.Version) []string {
	out := v.PatchList()
	slices.Reverse(out)
	return out
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func (a *app) sizesCmd() *cobra.Command {
	var b *boundFlags
	var minVCPUs int
	var gpu, all bool
	cmd := &cobra.Command{
		Use:     "sizes",
		Short:   "VM sizes usable in a region, with quota left and price",
		Example: "  amlaks sizes -l eastus --min-vcpus 4\n  amlaks sizes -l eastus --gpu --all -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			region := *b.strs["region"]
			if minVCPUs < 0 {
				return &Invalid{[]rules.Violation{{Field: "min-vcpus", Code: "negative", Message: fmt.Sprintf("must be 0 or more (got %d)", minVCPUs)}}}
			}
			a.prefetchFor(region, readRegions, readSizes)
			sub, err := a.subscriptionOf(cmd)
			if err != nil {
				return err
			}
			if region, err = a.regionOf(sub, region); err != nil {
				return err
			}
			l, err := a.sess.Cloud.Sizes(a.ctx, sub, region)
			if err != nil {
				return err
			}
			var rows []wizard.VMSize
			for _, s := range l.Sizes {
				if s.VCPUs < minVCPUs || gpu && s.GPUs == 0 && !s.FPGA || !all && s.Restricted != "" {
					continue
				}
				rows = append(rows, s)
			}
			slices.SortStableFunc(rows, func(x, y wizard.VMSize) int { return wizard.NaturalCompare(x.Name, y.Name) })
			return a.printSizes(l, rows, all)
		},
	}
	fl := cmd.Flags()
	b = bindInputs(cmd, "sizes")
	fl.IntVar(&minVCPUs, "min-vcpus", 0, "only sizes with at least N vCPUs")
	fl.BoolVar(&gpu, "gpu", false, "only GPU and FPGA sizes")
	fl.BoolVar(&all, "all", false, "include sizes restricted for this subscription, with the reason")
	return cmd
}

func clusterShort(id string) string {
	if c, err := rules.ParseClusterID(id); err == nil {
		return c.ResourceGroup + "/" + c.Name
	}
	return id
}

func (a *app) listCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "Compute targets of the workspace",
		Example: "  amlaks list -w mlw-prod\n  amlaks list -w mlw-prod -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := a.workspacePlan(cmd)
			if err != nil {
				return err
			}
			return a.printList(p)
		},
	}
}

// printList prints the computes of the plan's workspace.
func (a *app) printList(p *wizard.Plan) error {
	cs, err := a.sess.Cloud.Computes(a.ctx, p.WorkspaceRef())
	if err != nil {
		return err
	}
	// each Kubernetes compute's cluster and extension, read in parallel
	ds := wizard.DescribeComputes(a.ctx, a.sess.Cloud, cs)
	var anyK8s bool
	for i, d := range ds {
		cs[i] = d.Compute
		anyK8s = anyK8s || strings.EqualFold(d.Type, string(wizard.ComputeKubernetes))
	}
	out := []map[string]any{}
	for i, c := range cs {
		m := computeJSON(c, nil)
		m["workspace"] = p.Workspace.Name
		m["resourceGroup"] = p.Workspace.ResourceGroup
		if ds[i].ExtensionKnown {
			m["extension"] = extensionJSON(ds[i].Extension, ds[i].ExtensionFound)
		}
		if wizard.IsLegacy(c) {
			m["migrate"] = a.migrateHint(p.WorkspaceRef(), c.Name)
		}
		out = append(out, m)
	}
	// creates and attaches of this machine stopped before their attach
	// are not in Azure's list: rows of their own in the table; for the
	// formats scripts read, stdout stays Azure's list and stderr says so
	recs, err := (&wizard.Records{Dir: a.sess.RecordDir}).InWorkspace(a.ctx, p.WorkspaceRef())
	if err != nil {
		return err
	}
	unf := wizard.NotListed(recs, cs)
	if len(cs) == 0 && len(unf) == 0 && a.g.Output != fmtNone {
		fmt.Fprintf(a.s.Err, "no compute targets in %s yet: create one with `%s`\n", p.Workspace.Name, a.command("create", p.WorkspaceRef()))
	}
	if a.g.Output != fmtNone && (a.g.Output != fmtTable || a.query != nil) {
		for _, r := range unf {
			fmt.Fprintf(a.s.Err, "%s is not in Azure's list yet: %s — %s continues it\n", r.Name, r.Next(), a.command("status "+r.Name, r.Ref()))
		}
	}
	return a.emit(out, func(w io.Writer) {
		if len(cs) == 0 && len(unf) == 0 {
			return
		}
		head := []string{"NAME", "TYPE", "STATE", "PURPOSE", "NODES", "VCPUS", "CLUSTER"}
		if anyK8s {
			head = append(head, "EXTENSION")
		}
		t := newTable(w, head...)
		for i, c := range cs {
			cells := []string{c.Name, wizard.VariantOf(c.Type).Label, c.State, purposeLabel(c.Purpose), itoa(c.Nodes), itoa(c.VCPUs), clusterShort(c.ClusterID)}
			if anyK8s {
				cells = append(cells, extensionLabel(ds[i].Extension, ds[i].ExtensionFound, ds[i].ExtensionKnown))
			}
			t.row(cells...)
		}
		for _, r := range unf {
			q := r.RebuildPlan()
			cells := []string{r.Name, wizard.VariantOf(string(q.ComputeType)).Label, "Unfinished", purposeLabel(q.Purpose), itoa(q.Nodes), "", clusterShort(r.Cluster.ID)}
			if anyK8s {
				cells = append(cells, "")
			}
			t.row(cells...)
		}
		t.flush()
		for _, r := range unf {
			fmt.Fprintf(w, "%s: %s — %s continues it\n", r.Name, r.Next(), a.command("status "+r.Name, r.Ref()))
		}
		a.legacyMarks(cs, p.WorkspaceRef())
	})
}

func (a *app) statusCmd() *cobra.Command {
	var noWait, noContinue bool
	cmd := &cobra.Command{
		Use:   "status NAME|ID",
		Short: "State of a compute; follows a running create, attach or detach to the end, and continues an unfinished one",
		Long: `Status shows a compute's state. A create, attach or detach still running in Azure is
followed to its end. An unfinished create or attach of a Kubernetes compute (stopped, or
stopped watching, in any of its phases) is continued: the running phase is followed, then
the remaining phases run (--no-continue only follows the running phase).`,
		Example: "  amlaks status aks-prod-01 -w mlw-prod",
		Args:    nameArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			name, err := a.computeArg(args[0])
			if err != nil {
				return err
			}
			p, err := a.workspacePlan(cmd)
			if err != nil {
				return err
			}
			ws := p.WorkspaceRef()
			if !noWait {
				recs := &wizard.Records{Dir: a.sess.RecordDir}
				rec, ok, err := recs.Find(a.ctx, p.Subscription, ws.ResourceGroup, ws.Name, name)
				if err != nil {
					return err
				}
				if ok {
					return a.continueRecord(rec, noContinue)
				}
			}
			op, ok, err := a.sess.Cloud.Pending(a.ctx, ws, name)
			if err != nil {
				return err
			}
			c, cerr := a.sess.Cloud.Compute(a.ctx, ws, name)
			if errors.Is(cerr, wizard.ErrNotFound) && !ok {
				if done, err := a.unfinishedCreate(p, name); done || err != nil {
					return err
				}
			}
			if cerr != nil && !(ok && errors.Is(cerr, wizard.ErrNotFound)) {
				return cerr
			}
			running := c.State == "Creating" || c.State == "Updating" || c.State == "Deleting"
			if !noWait && ok {
				return a.follow(op, nil)
			}
			if !noWait && running {
				// started elsewhere (no token here): poll the compute itself
				return a.follow(wizard.Operation{Kind: opKindOf(c.State), Workspace: ws, Name: c.Name}, nil)
			}
			if strings.EqualFold(c.Type, string(wizard.ComputeKubernetes)) {
				ph := a.phaseStatus(c, p.WorkspaceID())
				m := computeJSON(a.describe(c).Compute, nil)
				m["phases"] = ph
				if err := a.emit(m, func(w io.Writer) {
					t := newTable(w, "NAME", "TYPE", "STATE", "NAMESPACE", "CLUSTER")
					t.row(c.Name, wizard.VariantOf(c.Type).Label, c.State, c.Namespace, clusterShort(c.ClusterID))
					t.flush()
				}); err != nil {
					return err
				}
				if !a.jsonOut() {
					a.printPhaseStatus(ph)
				}
				if err := a.clusterGone(c, ph, ws); err != nil {
					return err
				}
				if !noWait && c.State == "Succeeded" {
					a.removeVerifyLeftovers(ws, c.Name)
				}
			} else if err := a.printCompute(c, nil); err != nil {
				return err
			}
			if c.State == "Failed" {
				for _, e := range c.Errors {
					fmt.Fprintf(a.s.Err, "error: %s: %s\n", e.Code, e.Message)
				}
				return exit(ExitFailure, errSilent)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&noWait, "no-wait", false, "print the state and return, even while an operation runs")
	cmd.Flags().BoolVar(&noContinue, "no-continue", false, "follow the running phase of an unfinished create or attach, without running the phases after it")
	return cmd
}

// continueRecord is status on an unfinished current-path operation: the
// running phase followed, then the remaining ones run (only followed
// with noContinue).
func (a *app) continueRecord(rec wizard.Record, noContinue bool) error {
	if rec.Migrate != nil && !noContinue {
		return a.continueMigration(rec)
	}
	p := rec.RebuildPlan()
	if rec.Migrate != nil {
		p.TLS = rules.TLS{} // a migration reads its certificate again
	} else if err := p.LoadTLSFilesContext(a.ctx); err != nil {
		return err
	}
	status := a.command("status "+rec.Name, rec.Ref())
	if noContinue {
		left := rec.Remaining()
		// the first unfinished phase, followed when Azure runs it (its
		// operation recorded), with the lines a run prints
		if i := slices.IndexFunc(rec.Phases, func(ph wizard.RecordPhase) bool { return ph.State != wizard.PhaseDone }); i >= 0 && rec.Phases[i].Op != nil {
			ph := rec.Phases[i]
			on, _ := a.phaseLines(nil)
			var final wizard.Progress
			for pr := range a.sess.Cloud.Follow(a.ctx, *ph.Op, a.sess.PollEvery) {
				on(wizard.PhaseProgress{Phase: ph.Kind, Progress: pr})
				final = pr
			}
			switch {
			case !final.Done:
				return exit(ExitInterrupted, errSilent)
			case errors.Is(final.Err, wizard.ErrStoppedWatching):
				return a.lostTrack(rec.Name, rec.Ref(), final.Err)
			case final.Err != nil:
				return final.Err
			}
			left = left[1:] // the phase followed is done
		}
		names := phaseNames(left)
		return a.emit(map[string]any{"name": rec.Name, "state": "Unfinished", "mode": string(rec.Mode), "phasesLeft": names, "continue": status},
			func(w io.Writer) {
				if len(left) == 0 {
					fmt.Fprintf(w, "%s: every phase is done; %s finishes it\n", rec.Name, status)
					return
				}
				fmt.Fprintf(w, "%s is unfinished: %s left; %s continues it\n", rec.Name, strings.Join(names, ", "), status)
			})
	}
	if !a.jsonOut() {
		fmt.Fprintf(a.s.Err, "continuing %s (phases left: %s)\n", rec.What(), phaseList(rec.Remaining()))
	}
	guard := &wizard.Guard{LockDir: a.sess.LockDir, RecordDir: a.sess.RecordDir}
	cp, err := a.runPhases(p, guard)
	if err != nil {
		return err
	}
	if cp == nil {
		return nil
	}
	return a.printCompute(*cp, nil)
}

func opKindOf(state string) wizard.OpKind {
	switch state {
	case "Creating":
		return wizard.OpCreate
	case "Deleting":
		return wizard.OpDetach
	}
	return wizard.OpAttach
}

func (a *app) detachCmd() *cobra.Command {
	var yes, noWait, deleteCluster bool
	cmd := &cobra.Command{
		Use:   "detach NAME|ID",
		Short: "Detach an AKS or Kubernetes compute from the workspace (the cluster is kept unless --delete-cluster)",
		Long: `Detach removes the compute target from the workspace. The AKS cluster is kept (and keeps
costing) unless --delete-cluster is given for a Kubernetes compute whose cluster amlaks
created (tagged created-by=amlaks) and no other compute of the subscription uses (otherwise a
BLOCK, exit 2, nothing done); that delete is confirmed like the detach.
Before attaching an AKS compute's cluster again, remove the azureml-fe leftovers from it.`,
		Example: "  amlaks detach aks-old -w mlw-prod --yes\n  amlaks detach k8s-dev -w mlw-prod --delete-cluster --yes",
		Args:    nameArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			name, err := a.computeArg(args[0])
			if err != nil {
				return err
			}
			p, err := a.workspacePlan(cmd)
			if err != nil {
				return err
			}
			ws := p.WorkspaceRef()
			c, err := a.sess.Cloud.Compute(a.ctx, ws, name)
			if err != nil {
				return err
			}
			k8s := strings.EqualFold(c.Type, string(wizard.ComputeKubernetes))
			if !wizard.VariantOf(c.Type).Ours() {
				return exit(ExitInvalid, fmt.Errorf("%s is %s %s compute; amlaks detaches AKS and Kubernetes computes only", c.Name, wizard.Article(c.Type), c.Type))
			}
			if deleteCluster && !k8s {
				return &Invalid{[]rules.Violation{{Field: "delete-cluster", Code: "legacy", Message: c.Name + " is a legacy AKS compute: amlaks deletes only the clusters it created for Kubernetes computes"}}}
			}
			self := p.Workspace.Name + "/" + c.Name
			gone := false
			if k8s && c.ClusterID != "" {
				// a cluster deleted in AKS is neither kept nor deleted
				_, err := a.sess.Cloud.Cluster(a.ctx, c.ClusterID)
				gone = errors.Is(err, wizard.ErrNotFound)
			}
			if deleteCluster && gone {
				deleteCluster = false
				fmt.Fprintf(a.s.Err, "the AKS cluster %s is gone already: there is nothing to delete, only the detach\n", clusterShort(c.ClusterID))
			}
			if deleteCluster {
				// checked before anything is sent: a cluster amlaks did not
				// make, or one another compute uses, is never deleted
				_, fs, err := wizard.ClusterDeleteCheck(a.ctx, a.sess.Cloud, p.Subscription, c.ClusterID, self)
				if err != nil {
					return err
				}
				if rules.Blocked(fs) {
					a.printFindings(fs)
					return exit(ExitInvalid, &blockedError{fs})
				}
			}
			kept := "The AKS cluster " + clusterShort(c.ClusterID) + " is kept"
			if k8s && !deleteCluster {
				kept += " (it keeps costing; --delete-cluster removes a cluster amlaks created)"
			}
			if deleteCluster {
				kept = "Then the AKS cluster " + clusterShort(c.ClusterID) + " will be deleted (amlaks created it and no other compute uses it)"
			}
			if gone {
				kept = "Its AKS cluster " + clusterShort(c.ClusterID) + " is gone already"
			}
			if !yes {
				if !a.canPrompt() {
					return &Invalid{[]rules.Violation{wizard.Missing("yes", "detaching needs confirmation: add --yes")}}
				}
				ok, err := a.confirmLine(fmt.Sprintf("Detach %s from %s? %s.", c.Name, p.Workspace.Name, kept))
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(a.s.Err, "not detached")
					return nil
				}
			} else if deleteCluster && !a.jsonOut() {
				fmt.Fprintf(a.s.Err, "detaching %s from %s; then the AKS cluster %s will be deleted\n", c.Name, p.Workspace.Name, clusterShort(c.ClusterID))
			}
			op, err := a.sess.Cloud.Detach(a.ctx, ws, c.Name)
			if err != nil {
				return err
			}
			if noWait && !deleteCluster {
				return a.printAccepted(op, wizard.Report{})
			}
			switch {
			case gone:
				a.goneCluster = c.ClusterID
			case deleteCluster:
				a.deletingCluster = c.ClusterID
			case k8s:
				a.keptNote = c.ClusterID
			}
			if err := a.follow(op, nil); err != nil {
				return err
			}
			if !deleteCluster {
				if id, err := rules.ParseClusterID(c.ClusterID); err == nil && !a.jsonOut() && !gone {
					fmt.Fprintf(a.s.Err, "to stop paying for it: az aks delete -g %s -n %s --subscription %s\n", id.ResourceGroup, id.Name, id.SubscriptionID)
				}
				return nil
			}
			return a.deleteCluster(p, c.ClusterID, self)
		},
	}
	cmd.Flags().BoolVar(&deleteCluster, "delete-cluster", false, "Kubernetes compute: also delete its AKS cluster, when amlaks created it and no other compute uses it")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&noWait, "no-wait", false, "return once Azure accepted the request")
	return cmd
}

// readLine reads one line without buffering ahead (so later prompts still
// see their lines on piped input).
func readLine(r io.Reader) (string, error) {
	var b []byte
	one := make([]byte, 1)
	for {
		n, err := r.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				return strings.TrimRight(string(b), "\r"), nil
			}
			b = append(b, one[0])
		}
		if err != nil {
			return string(b), err
		}
	}
}

// nameArg makes a command take exactly one compute name, saying so when
// it is missing.
func nameArg(cmd *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		// the name is an argument, not a flag: no "--name" in the message
		return &Invalid{[]rules.Violation{{Code: "missing", Message: "give the compute name: amlaks " + cmd.Name() + " NAME"}}}
	case len(args) > 1:
		return &Invalid{[]rules.Violation{{Field: "name", Code: "extra", Message: fmt.Sprintf("one compute name only (got %d: %s)", len(args), strings.Join(args, " "))}}}
	}
	return nil
}

// printSizes prints the sizes of a region. A quota or price that could not
// be read is said so: a note on stderr and no column (table), null values
// and quotaUnknown/pricesUnknown (structured).
func (a *app) printSizes(l wizard.SizeList, rows []wizard.VMSize, all bool) error {
	out := []map[string]any{}
	for _, s := range rows {
		m := map[string]any{"name": s.Name, "vCPUs": s.VCPUs, "memoryGB": s.MemoryGB, "gpus": s.GPUs, "fpga": s.FPGA, "family": s.Family,
			"region": l.Region, "quotaLeft": nil, "quotaLimit": nil, "regionalQuotaLeft": nil, "regionalQuotaLimit": nil, "pricePerHour": nil}
		if l.QuotaUnknown {
			m["quotaUnknown"] = true
		} else {
			m["quotaLeft"], m["quotaLimit"] = s.FamilyQuota.Free(), s.FamilyQuota.Limit
			m["regionalQuotaLeft"], m["regionalQuotaLimit"] = l.RegionQuota.Free(), l.RegionQuota.Limit
		}
		if l.PricesUnknown {
			m["pricesUnknown"] = true
		} else if s.PricePerHour > 0 {
			m["pricePerHour"] = s.PricePerHour
		}
		if s.Restricted != "" {
			m["restricted"] = s.Restricted
		}
		out = append(out, m)
	}
	if a.g.Output != fmtNone {
		if l.QuotaUnknown {
			fmt.Fprintf(a.s.Err, "note: the vCPU quota of %s could not be read (compute usages failed): quota is not shown; check it with `az vm list-usage -l %s -o table`\n", l.Region, l.Region)
		}
		if l.PricesUnknown {
			fmt.Fprintf(a.s.Err, "note: prices of %s could not be read (Azure ML VM sizes failed): prices are not shown\n", l.Region)
		}
	}
	return a.emit(out, func(w io.Writer) {
		head := []string{"NAME", "VCPUS", "MEMORY GIB", "GPUS", "FAMILY"}
		if !l.QuotaUnknown {
			head = append(head, "QUOTA LEFT")
		}
		if !l.PricesUnknown {
			head = append(head, "PRICE/H")
		}
		if all {
			head = append(head, "RESTRICTED")
		}
		t := newTable(w, head...)
		for _, s := range rows {
			gp := fmt.Sprint(s.GPUs)
			if s.FPGA {
				gp = "FPGA"
			}
			cells := []string{s.Name, fmt.Sprint(s.VCPUs), wizard.Decimal(s.MemoryGB), gp, s.Family}
			if !l.QuotaUnknown {
				cells = append(cells, fmt.Sprintf("%d/%d", s.FamilyQuota.Free(), s.FamilyQuota.Limit))
			}
			if !l.PricesUnknown {
				price := "-" // not in Azure ML's price list
				if s.PricePerHour > 0 {
					price = fmt.Sprintf("$%.3f", s.PricePerHour)
				}
				cells = append(cells, price)
			}
			if all {
				cells = append(cells, s.Restricted)
			}
			t.row(cells...)
		}
		t.flush()
		if !l.QuotaUnknown {
			fmt.Fprintf(a.s.Err, "%d sizes; regional vCPU quota left in %s: %d of %d\n", len(rows), l.Region, l.RegionQuota.Free(), l.RegionQuota.Limit)
		}
	})
}
