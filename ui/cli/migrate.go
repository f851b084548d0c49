package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// migrate in line mode: a legacy AKS compute becomes a Kubernetes compute.

func (a *app) migrateCmd() *cobra.Command {
	var o wizard.MigrateOptions
	var yes, dryRun bool
	cmd := &cobra.Command{
		Use:   "migrate NAME",
		Short: "Move a legacy AKS compute to a Kubernetes compute on the same cluster, verified",
		Long: `migrate reads the legacy AKS compute's cluster through AKS's run command (the v1 router
azureml-fe, its live v1 web services, the certificate secret azuremlfessl), then takes one
of the two paths Azure ML documents:

  in place (the default when v1 services are live): azureml-fe is annotated
    azureml-fe-enable-upgrade=true and the Azure ML extension is installed with
    scoringFe.enableUpgrade=true; the v1 services keep running and both computes share
    one router and one scoring URL;
  clean cut-over (no live v1 service, or --clean): azuremlfessl is saved to --save-secret
    (mode 0600), the eight v1 router objects are deleted, then the extension is installed.

Either way the extension gets the legacy router's type (public or internal load balancer)
and, with --keep-certificate, its certificate and CNAME; the cluster is attached as a
Kubernetes compute (--to, in --namespace, never azureml-<workspace>), made ready and
verified with a throwaway endpoint. The legacy compute is detached only with
--detach-legacy or when you say so after a green verify: always a detach
(underlyingResourceAction=Detach), never a delete, which would delete a cluster Azure ML
created.

Every phase looks at what exists first: run the same command again after a stop or a
failure and it continues; nothing is done twice. --dry-run prints every phase's request,
its kubectl/az equivalent and its rollback.`,
		Example: "  amlaks migrate aks-inference -w mlw-prod --dry-run\n" +
			"  amlaks migrate aks-inference -w mlw-prod --yes\n" +
			"  amlaks migrate aks-scoring -w mlw-prod --save-secret ./azuremlfessl.json --keep-certificate --yes --detach-legacy",
		Args: nameArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			name, p, err := a.computeAndWorkspace(cmd, args[0])
			if err != nil {
				return err
			}
			o.Legacy = name
			if vs := rules.CheckMigrationAnswers(rules.MigrationAnswers{To: o.To, Namespace: o.Namespace, Workspace: p.Workspace.Name,
				KeepCertificate: o.KeepCertificate, AllowInsecure: o.AllowInsecure}); len(vs) > 0 {
				return &Invalid{vs}
			}
			// an unfinished migration of this compute: its answers, but
			// for the flags given now
			recs := &wizard.Records{Dir: a.sess.RecordDir}
			if rec, ok, err := recs.Find(a.ctx, p.Subscription, p.Workspace.ResourceGroup, p.Workspace.Name, name); err != nil {
				return err
			} else if ok && rec.Migrate != nil && !dryRun {
				o = continuedOptions(cmd, o, rec.MigrationOptions())
				if !a.jsonOut() {
					fmt.Fprintf(a.s.Err, "continuing %s, unfinished since %s (phases left: %s)\n", rec.What(), rec.Started.Local().Format("2006-01-02 15:04"), phaseList(rec.Remaining()))
				}
			}
			return a.migrate(p, o, yes, dryRun, nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.To, "to", "", "name of the Kubernetes compute (default: NAME-k8s)")
	f.StringVar(&o.Namespace, "namespace", "", fieldHelp("namespace"))
	f.BoolVar(&o.Clean, "clean", false, "clean cut-over: delete the v1 router instead of taking it over (only without live v1 services)")
	f.StringVar(&o.SaveSecret, "save-secret", "", "clean cut-over: save the v1 certificate secret azuremlfessl to `FILE` (mode 0600) before deleting it")
	f.BoolVar(&o.KeepCertificate, "keep-certificate", false, "carry the v1 router's certificate and CNAME over to the extension")
	f.BoolVar(&o.AllowInsecure, "allow-insecure-connections", false, fieldHelp("allow-insecure-connections"))
	f.BoolVar(&o.DetachLegacy, "detach-legacy", false, "detach the legacy compute after a green verify (never a delete: the cluster stays)")
	f.BoolVar(&o.NoInstanceTypes, "no-instance-types", false, "create no instance types (the namespace is still made)")
	f.BoolVar(&dryRun, "dry-run", false, "print every phase's request, equivalent and rollback; change nothing")
	f.BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

// continuedOptions are a recorded migration's answers with the flags
// given now (cmd's, changed) over them.
func continuedOptions(cmd *cobra.Command, now, was wizard.MigrateOptions) wizard.MigrateOptions {
	f := cmd.Flags()
	o := was
	o.Legacy = now.Legacy
	for flag, set := range map[string]func(){
		"to": func() { o.To = now.To }, "namespace": func() { o.Namespace = now.Namespace }, "clean": func() { o.Clean = now.Clean },
		"save-secret": func() { o.SaveSecret = now.SaveSecret }, "keep-certificate": func() { o.KeepCertificate = now.KeepCertificate },
		"allow-insecure-connections": func() { o.AllowInsecure = now.AllowInsecure }, "detach-legacy": func() { o.DetachLegacy = now.DetachLegacy },
		"no-instance-types": func() { o.NoInstanceTypes = now.NoInstanceTypes },
	} {
		if f.Changed(flag) {
			set()
		}
	}
	return o
}

// continueMigration continues the unfinished migration of rec, as
// `status NAME` does for a create or an attach.
func (a *app) continueMigration(rec wizard.Record) error {
	base := rec.RebuildPlan()
	base.TLS = rules.TLS{} // the migration reads the certificate again
	if !a.jsonOut() {
		fmt.Fprintf(a.s.Err, "continuing %s (phases left: %s)\n", rec.What(), phaseList(rec.Remaining()))
	}
	return a.migrate(base, rec.MigrationOptions(), true, false, nil)
}

// migrate plans, reviews (--dry-run) and runs a migration under its
// record; yes skips the confirmation. ask asks a yes/no question (nil: on
// the terminal's line, when there is one).
func (a *app) migrate(p *wizard.Plan, o wizard.MigrateOptions, yes, dryRun bool, ask func(string) (bool, error)) error {
	name := o.Legacy
	m, err := wizard.PlanMigration(a.ctx, a.sess.Cloud, p, o)
	if err != nil {
		return err
	}
	phases, err := wizard.MigrationPhases(a.sess.Cloud, m)
	if err != nil {
		return err
	}
	a.printMigration(m)
	a.printFindings(m.Report.Findings)
	if dryRun {
		return a.printPhases(m.Plan, m.Report, phases)
	}
	if m.Report.Blocked() {
		return exit(ExitInvalid, &blockedError{m.Report.Findings})
	}
	if ask == nil && a.canPrompt() {
		ask = a.confirmLine
	}
	if !yes {
		if ask == nil {
			return &Invalid{[]rules.Violation{wizard.Missing("yes", "migrate changes the cluster: review it with --dry-run, then add --yes")}}
		}
		for i, ph := range phases {
			fmt.Fprintf(a.s.Err, "  %d. %s\n", i+1, ph.Title)
		}
		ok, err := ask(fmt.Sprintf("Migrate %s to Kubernetes compute %s (%s, %d phases)?", name, m.Plan.Name, m.Path, len(phases)))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(a.s.Err, "nothing changed")
			return nil
		}
	}
	var confirm func() bool
	if !o.DetachLegacy && !yes && ask != nil {
		confirm = func() bool {
			ok, err := ask(fmt.Sprintf("%s is verified. Detach the legacy compute %s now (a detach: the cluster stays)?", m.Plan.Name, name))
			return err == nil && ok
		}
	}
	a.lastWS = p.WorkspaceRef()
	on, manual := a.phaseLines(phases)
	guard := &wizard.Guard{LockDir: a.sess.LockDir, RecordDir: a.sess.RecordDir}
	rep, err := wizard.RunMigration(a.ctx, a.sess.Cloud, m, guard, a.sess.PollEvery, on, confirm)
	if *manual != "" {
		fmt.Fprintf(a.s.Err, "the cluster is not ready for deployments yet; do it yourself:\n%s", *manual)
	}
	if err := a.phaseFailure(err, a.command("status "+m.Plan.Name, p.WorkspaceRef())); err != nil {
		return err
	}
	return a.emit(migrateJSON(m, rep), func(w io.Writer) {
		fmt.Fprintf(w, "migrated %s to Kubernetes compute %s (%s) in namespace %s\n", name, m.Plan.Name, m.Path, m.Plan.Namespace)
		if rep.Verify.Called {
			fmt.Fprintf(w, "verified: %s answered %d\n", rep.Verify.ScoringURI, rep.Verify.Status)
		} else if rep.Verify.Skipped != "" {
			fmt.Fprintf(w, "verified: deployed; call skipped: %s\n", rep.Verify.Skipped)
		} else if rep.Verified {
			fmt.Fprintln(w, "verified by an earlier run")
		}
		if m.Path == wizard.MigrateInPlace {
			fmt.Fprintf(w, "the scoring URL is shared: %s and %s answer on the same router\n", name, m.Plan.Name)
		}
		if rep.Saved != "" {
			fmt.Fprintf(w, "the v1 certificate secret is saved in %s (mode 0600)\n", rep.Saved)
		}
		if rep.Detached {
			fmt.Fprintf(w, "%s detached (the cluster stays)\n", name)
		}
		for _, n := range rep.Notes {
			fmt.Fprintln(w, n)
		}
	})
}

// printMigration says what was read and the path, on stderr.
func (a *app) printMigration(m *wizard.Migration) {
	if a.structured() {
		return
	}
	id := clusterShort(m.Cluster.ID)
	fmt.Fprintf(a.s.Err, "%s is a legacy AKS compute on %s (Kubernetes %s, %d nodes)\n", m.Legacy.Name, id, m.Cluster.Version, m.Cluster.Nodes())
	if m.Unreadable == "" {
		fmt.Fprintf(a.s.Err, "v1 router: %d of 8 objects in namespace default", len(m.State.Objects))
		if m.State.Annotated {
			fmt.Fprint(a.s.Err, ", annotated "+wizard.LegacyUpgradeAnnotation+"=true")
		}
		fmt.Fprintln(a.s.Err)
		if len(m.State.Services) == 0 {
			fmt.Fprintln(a.s.Err, "live v1 services: none")
		}
		for _, s := range m.State.Services {
			fmt.Fprintf(a.s.Err, "live v1 service: %s (%d ready, %s)\n", s.Name, s.Replicas, orDash(s.Traffic))
		}
	}
	tls := "off"
	if m.Legacy.SSLStatus != "" {
		tls = m.Legacy.SSLStatus + " for " + m.Legacy.SSLCname
		if m.CertSource != "" {
			tls += ", certificate carried over from " + m.CertSource
		}
	}
	path := string(m.Path)
	if m.Unreadable != "" {
		path = "not chosen (the cluster could not be read)"
	}
	fmt.Fprintf(a.s.Err, "path: %s; router %s; TLS %s; to Kubernetes compute %s in namespace %s\n", path, wizard.RouterLabel(m.Plan.Router), tls, m.Plan.Name, m.Plan.Namespace)
}

func migrateJSON(m *wizard.Migration, rep wizard.MigrateReport) map[string]any {
	out := map[string]any{"legacy": m.Legacy.Name, "compute": m.Plan.Name, "namespace": m.Plan.Namespace, "path": string(m.Path),
		"verified": rep.Verified, "detached": rep.Detached, "scoringUri": rep.Verify.ScoringURI, "status": rep.Verify.Status}
	if rep.Saved != "" {
		out["savedSecret"] = rep.Saved
	}
	return out
}

// migrateHint is what list -o json says of a legacy compute, for a
// script: the command that moves it and, when a migration of it is
// unfinished, the command that continues it and the phases left.
func (a *app) migrateHint(ws wizard.WorkspaceRef, name string) map[string]any {
	h := map[string]any{"command": a.command("migrate "+name, ws), "unfinished": false}
	recs := &wizard.Records{Dir: a.sess.RecordDir}
	if rec, ok, err := recs.Find(a.ctx, ws.SubscriptionID, ws.ResourceGroup, ws.Name, name); err == nil && ok && rec.Migrate != nil {
		left := []string{}
		for _, k := range rec.Remaining() {
			left = append(left, string(k))
		}
		h["unfinished"], h["to"], h["continue"], h["phasesLeft"] = true, rec.Name, a.command("status "+rec.Name, rec.Ref()), left
	}
	return h
}

// legacyMarks says, under a table of computes, which are legacy AKS
// computes and how to move them (on stderr: the table stays parseable).
func (a *app) legacyMarks(cs []wizard.Compute, ws wizard.WorkspaceRef) {
	for _, c := range cs {
		if wizard.IsLegacy(c) {
			fmt.Fprintf(a.s.Err, "%s: %s (%s)\n", c.Name, wizard.LegacyNote, a.command("migrate "+c.Name, ws))
		}
	}
}

// fieldHelp is a field flag's help as every command declaring it says it.
func fieldHelp(flag string) string {
	in, _ := wizard.InputOf(flag)
	return inputUsage(in)
}

// confirmLine asks a yes/no question on stderr and reads the answer line:
// y or yes (any case) is yes, anything else no.
func (a *app) confirmLine(question string) (bool, error) {
	fmt.Fprintf(a.s.Err, "%s [y/N] ", question)
	line, err := a.prompter().line("")
	if err != nil {
		return false, err
	}
	l := strings.ToLower(line)
	return l == "y" || l == "yes", nil
}
