package cli

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// submitFlags are the flags create and attach share.
type submitFlags struct {
	name, purpose, description string
	yes, dryRun, noWait        bool
	leaf, certFile, keyFile    string
	cname                      string
	overwrite                  bool
}

func (f *submitFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.name, "name", "n", "", "compute name: 3-24 letters, digits and -, starting with a letter")
	fl.StringVar(&f.purpose, "purpose", "", "production (FastProd, the default) or devtest (DevTest)")
	fl.StringVar(&f.description, "description", "", "description of the compute")
	fl.StringVar(&f.leaf, "ssl-leaf-domain-label", "", "TLS with a Microsoft certificate for this leaf domain label")
	fl.BoolVar(&f.overwrite, "ssl-overwrite-domain", false, "overwrite an existing domain with the same leaf label")
	fl.StringVar(&f.certFile, "ssl-cert-file", "", "TLS with your own certificate: PEM certificate file")
	fl.StringVar(&f.keyFile, "ssl-key-file", "", "PEM private key file of the certificate")
	fl.StringVar(&f.cname, "ssl-cname", "", "CNAME the certificate is for")
	fl.BoolVarP(&f.yes, "yes", "y", false, "no prompts: fail on missing answers instead of asking")
	fl.BoolVar(&f.dryRun, "dry-run", false, "resolve and preflight only: print findings, REST body and az command")
	fl.BoolVar(&f.noWait, "no-wait", false, "return once Azure accepted the request")
}

// fill puts the shared flags into the plan and returns violations of
// values that are wrong whatever Azure says.
func (f *submitFlags) fill(cmd *cobra.Command, p *wizard.Plan) []rules.Violation {
	var vs []rules.Violation
	ch := cmd.Flags().Changed
	if ch("name") {
		p.Name = strings.TrimSpace(f.name)
		p.Mark(wizard.FName, wizard.Flag)
	}
	if ch("purpose") {
		pp, err := rules.ParsePurpose(f.purpose)
		if err != nil {
			vs = append(vs, asViolation(err, "purpose"))
		} else {
			p.Purpose = pp
			p.Mark(wizard.FPurpose, wizard.Flag)
		}
	}
	if ch("description") {
		p.Description = f.description
		p.Mark(wizard.FDescription, wizard.Flag)
	}
	custom := f.certFile != "" || f.keyFile != "" || f.cname != ""
	switch {
	case f.leaf != "" && custom:
		vs = append(vs, rules.Violation{Field: "ssl-leaf-domain-label", Code: "tls-both", Message: "choose a Microsoft certificate (--ssl-leaf-domain-label) or your own (--ssl-cert-file/--ssl-key-file/--ssl-cname), not both"})
	case f.leaf != "":
		p.TLS = rules.TLS{Mode: rules.TLSMicrosoft, LeafDomainLabel: f.leaf, Overwrite: f.overwrite}
		p.Mark(wizard.FTLS, wizard.Flag)
	case custom:
		p.TLS = rules.TLS{Mode: rules.TLSCustom, CertFile: f.certFile, KeyFile: f.keyFile, CNAME: f.cname}
		p.Mark(wizard.FTLS, wizard.Flag)
	}
	return vs
}

func asViolation(err error, field string) rules.Violation {
	var v rules.Violation
	if errors.As(err, &v) {
		return v
	}
	return rules.Violation{Field: field, Code: "invalid", Message: err.Error()}
}

func (a *app) createCmd() *cobra.Command {
	var f submitFlags
	var region, size, vnetRG, vnet, subnet, svcCIDR, dnsIP, bridge, lb, lbSubnet string
	var nodes string
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a new AKS inference cluster in a workspace",
		Long: `Create a new AKS cluster from the workspace (AML compute type AKS). Flags pre-answer the
wizard's steps; with --yes, or without a terminal, nothing is asked and missing or invalid
flags are reported together (exit 2). Defaults: production, 3 × Standard_D3_v2, the
workspace's region.`,
		Example: `  amlaks create -w mlw-prod -n aks-prod-01 --yes
  amlaks create -w mlw-prod -n aks-dev --purpose devtest --vm-size Standard_D2_v2 --nodes 1 --yes
  amlaks create -w mlw-prod -n aks-prod-01 --dry-run -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.session()
			if err != nil {
				return err
			}
			p := wizard.NewPlan(wizard.ModeCreate)
			p.Mark(wizard.FMode, wizard.Flag)
			a.applyGlobals(cmd, p, s)
			vs := f.fill(cmd, p)
			ch := cmd.Flags().Changed
			if ch("region") {
				p.Region = region
				p.Mark(wizard.FRegion, wizard.Flag)
			}
			if ch("vm-size") {
				p.VMSize = size
				p.Mark(wizard.FVMSize, wizard.Flag)
			}
			if ch("nodes") {
				// Parsed as int64 and range-checked before it becomes an
				// int: 4294967299 is refused, not cut to 3.
				n, err := strconv.ParseInt(strings.TrimSpace(nodes), 10, 64)
				switch {
				case err != nil:
					vs = append(vs, rules.Violation{Field: "nodes", Code: "nodes-invalid", Message: fmt.Sprintf("must be a whole number from 1 to %d (got %q)", rules.MaxNodesPerPool, nodes)})
				case len(rules.CheckNodeCount(n)) > 0:
					vs = append(vs, rules.CheckNodeCount(n)...)
				default:
					p.Nodes = int(n)
					p.Mark(wizard.FNodes, wizard.Flag)
				}
			}
			p.Network = rules.Network{VNetResourceGroup: vnetRG, VNet: vnet, Subnet: subnet, ServiceCIDR: svcCIDR, DNSServiceIP: dnsIP,
				DockerBridgeCIDR: bridge, LoadBalancerSubnet: lbSubnet}
			switch strings.ToLower(lb) {
			case "", "public", "publicip":
				p.Network.LoadBalancer = rules.PublicIP
			case "internal", "internalloadbalancer":
				p.Network.LoadBalancer = rules.InternalLoadBalancer
			default:
				vs = append(vs, rules.Violation{Field: "load-balancer", Code: "bad", Message: fmt.Sprintf("must be public or internal (got %q)", lb)})
			}
			if p.Network.Custom() || ch("load-balancer") || ch("load-balancer-subnet") {
				p.Mark(wizard.FNetwork, wizard.Flag)
			}
			return a.submit(cmd, p, &f, vs)
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&region, "region", "l", "", "region of the cluster (default: the workspace's)")
	fl.StringVar(&size, "vm-size", "Standard_D3_v2", "VM size of the nodes (cannot be changed later)")
	fl.StringVar(&nodes, "nodes", "3", fmt.Sprintf("number of nodes (1 to %d, the AKS limit per node pool)", rules.MaxNodesPerPool))
	fl.StringVar(&vnetRG, "vnet-resource-group", "", "custom VNet: resource group of the virtual network")
	fl.StringVar(&vnet, "vnet", "", "custom VNet: virtual network name")
	fl.StringVar(&subnet, "subnet", "", "custom VNet: subnet name")
	fl.StringVar(&svcCIDR, "service-cidr", "", "custom VNet: Kubernetes service address range, e.g. 10.0.0.0/16")
	fl.StringVar(&dnsIP, "dns-service-ip", "", "custom VNet: DNS service IP inside the service range, e.g. 10.0.0.10")
	fl.StringVar(&bridge, "docker-bridge-cidr", "", "custom VNet: Docker bridge address, e.g. 172.17.0.1/16")
	fl.StringVar(&lb, "load-balancer", "public", "public or internal")
	fl.StringVar(&lbSubnet, "load-balancer-subnet", "", "subnet of the internal load balancer")
	return cmd
}

func (a *app) attachCmd() *cobra.Command {
	var f submitFlags
	var clusterID, cluster, clusterRG string
	cmd := &cobra.Command{
		Use:   "attach",
		Short: "Attach an existing AKS cluster to a workspace",
		Long: `Attach an existing AKS cluster (which may be in another region than the workspace).
Every rule is checked first: supported Kubernetes version, size against the purpose,
authorized IP ranges, private clusters, and whether the cluster is already attached
somewhere (a second attachment breaks the first).`,
		Example: `  amlaks attach -w mlw-prod -n aks-priv --cluster aks-private --cluster-resource-group rg-aks --yes
  amlaks attach -w mlw-prod -n aks-dev --cluster-id /subscriptions/.../managedClusters/aks-small --purpose devtest --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.session()
			if err != nil {
				return err
			}
			p := wizard.NewPlan(wizard.ModeAttach)
			p.Mark(wizard.FMode, wizard.Flag)
			a.applyGlobals(cmd, p, s)
			vs := f.fill(cmd, p)
			switch {
			case clusterID != "" && cluster != "":
				vs = append(vs, rules.Violation{Field: "cluster-id", Code: "both", Message: "give --cluster-id or --cluster, not both"})
			case clusterID != "":
				if _, err := rules.ParseClusterID(clusterID); err != nil {
					vs = append(vs, asViolation(err, "cluster-id"))
				}
				p.ClusterID = strings.TrimSpace(clusterID)
				p.Mark(wizard.FCluster, wizard.Flag)
			case cluster != "":
				p.ClusterName, p.ClusterGroup = cluster, clusterRG
				p.Mark(wizard.FCluster, wizard.Flag)
			case clusterRG != "":
				vs = append(vs, rules.Violation{Field: "cluster", Code: "missing", Message: "missing: --cluster-resource-group needs --cluster NAME"})
			}
			return a.submit(cmd, p, &f, vs)
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&clusterID, "cluster-id", "", "resource ID of the AKS cluster")
	fl.StringVar(&cluster, "cluster", "", "name of the AKS cluster (with --cluster-resource-group when ambiguous)")
	fl.StringVar(&clusterRG, "cluster-resource-group", "", "resource group of the AKS cluster")
	return cmd
}

// needsAnswers reports whether the plan still has questions for the TUI.
func needsAnswers(p *wizard.Plan) bool {
	if p.Name == "" || p.Subscription == "" || p.Workspace.Name == "" {
		return true
	}
	return p.Mode == wizard.ModeAttach && p.ClusterID == "" && p.ClusterName == ""
}

// submit is the common path of create and attach.
func (a *app) submit(cmd *cobra.Command, p *wizard.Plan, f *submitFlags, early []rules.Violation) error {
	s := a.sess
	interactive := a.canPrompt() && !f.yes && !f.dryRun && !a.jsonOut()
	if interactive && len(early) == 0 {
		if a.g.Accessible {
			if err := a.askMissing(p); err != nil {
				return err
			}
		} else {
			return a.runWizard(p)
		}
	}
	if len(early) > 0 {
		return &Invalid{early}
	}
	vs, err := wizard.Resolve(a.ctx, s.Cloud, p)
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		return &Invalid{vs}
	}
	guard := &wizard.Guard{LockDir: s.LockDir}
	rep, err := wizard.Preflight(a.ctx, s.Cloud, p, guard)
	if err != nil {
		return err
	}
	a.printFindings(rep.Findings)
	if f.dryRun {
		return a.printDryRun(p, rep)
	}
	if rep.Blocked() {
		return exit(ExitInvalid, &blockedError{rep.Findings})
	}
	if interactive {
		az, _, _ := wizard.Equivalents(p)
		fmt.Fprintf(a.s.Err, "Summary: %s\nEquivalent command:\n%s\n", summary(p, s.Demo), az)
		ans, err := a.prompter().line(fmt.Sprintf("Submit the %s of %s? [y/N]: ", p.Mode, p.Name))
		if err != nil {
			return err
		}
		if v := strings.ToLower(ans); v != "y" && v != "yes" {
			fmt.Fprintln(a.s.Err, "nothing was sent")
			return nil
		}
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
	if a.jsonOut() {
		return
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

func (a *app) printDryRun(p *wizard.Plan, rep wizard.Report) error {
	az, py, _ := wizard.Equivalents(p)
	body := p.Spec().Body(p.Subscription, false)
	if a.jsonOut() {
		writeJSON(a.s.Out, map[string]any{
			"dryRun": true, "blocked": rep.Blocked(), "findings": findingsJSON(rep.Findings),
			"request": map[string]any{"method": "PUT", "path": p.RESTPath(), "body": body},
			"az":      az, "python": py,
		})
	} else {
		fmt.Fprintf(a.s.Out, "PUT %s\n", p.RESTPath())
		writeJSON(a.s.Out, body)
		fmt.Fprintf(a.s.Out, "\n# equivalent Azure CLI (v1 ml extension):\n%s\n", az)
	}
	if rep.Blocked() {
		return exit(ExitInvalid, errSilent)
	}
	return nil
}

func (a *app) printAccepted(op wizard.Operation, rep wizard.Report) error {
	if a.jsonOut() {
		writeJSON(a.s.Out, map[string]any{"name": op.Name, "operation": string(op.Kind), "state": "InProgress", "findings": findingsJSON(rep.Findings),
			"follow": a.command("status "+op.Name, op.Workspace)})
		return nil
	}
	fmt.Fprintf(a.s.Out, "%s of %s is running in Azure; follow it with: %s\n", op.Kind, op.Name, a.command("status "+op.Name, op.Workspace))
	return nil
}

// follow streams an operation's progress to stderr and prints the result.
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
	if op.Kind == wizard.OpDetach {
		if a.jsonOut() {
			writeJSON(a.s.Out, map[string]any{"name": op.Name, "detached": true})
		} else {
			fmt.Fprintf(a.s.Out, "%s detached; the AKS cluster itself was kept\n", op.Name)
		}
		return nil
	}
	if final.Compute == nil {
		return nil
	}
	a.printCompute(*final.Compute, fs)
	return nil
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

func computeJSON(c wizard.Compute, fs []rules.Finding) map[string]any {
	m := map[string]any{"id": c.ID, "name": c.Name, "type": c.Type, "state": c.State, "purpose": string(c.Purpose),
		"nodes": c.Nodes, "vmSize": c.VMSize, "vCPUs": c.VCPUs, "region": c.Region, "clusterId": c.ClusterID, "fqdn": c.FQDN, "attached": c.Attached}
	if fs != nil {
		m["findings"] = findingsJSON(fs)
	}
	if len(c.Errors) > 0 {
		m["errors"] = c.Errors
	}
	return m
}

func (a *app) printCompute(c wizard.Compute, fs []rules.Finding) {
	if a.jsonOut() {
		writeJSON(a.s.Out, computeJSON(c, fs))
		return
	}
	t := newTable(a.s.Out, "NAME", "TYPE", "STATE", "PURPOSE", "NODES", "VM SIZE", "REGION", "FQDN")
	t.row(c.Name, c.Type, c.State, purposeLabel(c.Purpose), itoa(c.Nodes), c.VMSize, c.Region, c.FQDN)
	t.flush()
	if c.ClusterID != "" {
		fmt.Fprintf(a.s.Out, "cluster: %s\n", c.ClusterID)
	}
	if c.State == "Succeeded" {
		fmt.Fprintf(a.s.Out, "next: deploy a model to it (compute target %q); see the workspace's computes with: %s\n", c.Name, a.command("list", a.lastWS))
	}
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
			fmt.Fprintln(a.s.Out, "simulated Azure restored to its fixtures")
			return nil
		},
	}
}

var _ = os.Getenv
