package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// prompter asks plain line questions (accessible mode): numbered choices,
// no animation, no colour. It reads one line at a time so piped answers
// reach the right question.
type prompter struct {
	ctx context.Context
	in  io.Reader
	out io.Writer
}

// line asks one question. Ctrl+C (the context) ends the wait at once.
func (q prompter) line(prompt string) (string, error) {
	fmt.Fprint(q.out, prompt)
	type answer struct {
		s   string
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		s, err := readLine(q.in)
		ch <- answer{s, err}
	}()
	var a answer
	select {
	case a = <-ch:
	case <-q.ctx.Done():
		fmt.Fprintln(q.out)
		return "", q.ctx.Err()
	}
	if a.err != nil && a.s == "" {
		return "", fmt.Errorf("no answer to %q: %w", strings.TrimSpace(prompt), a.err)
	}
	return strings.TrimSpace(a.s), nil
}

// choose shows a numbered list and returns the chosen index.
func (q prompter) choose(title string, items []string, def int) (int, error) {
	fmt.Fprintln(q.out, title)
	for i, it := range items {
		fmt.Fprintf(q.out, "  %d. %s\n", i+1, it)
	}
	for {
		prompt := fmt.Sprintf("Enter a number between 1 and %d", len(items))
		if def >= 0 {
			prompt += fmt.Sprintf(" [%d]", def+1)
		}
		s, err := q.line(prompt + ": ")
		if err != nil {
			return 0, err
		}
		if s == "" && def >= 0 {
			return def, nil
		}
		n, err := strconv.Atoi(s)
		if err == nil && n >= 1 && n <= len(items) {
			return n - 1, nil
		}
		fmt.Fprintf(q.out, "%q is not a number between 1 and %d\n", s, len(items))
	}
}

// askCreate asks purpose, region, VM size and node count unless flags
// gave them; Enter keeps the default shown in brackets. Each answer is
// checked before the next question.
func (a *app) askCreate(q prompter, p *wizard.Plan) error {
	c := a.sess.Cloud
	if !p.Given(wizard.FPurpose) {
		i, err := q.choose("Cluster purpose:", []string{
			"Production (FastProd): at least 12 vCPUs and 3 nodes",
			"Dev-test (DevTest): 2 vCPUs are enough; not for production traffic, no fault tolerance"}, 0)
		if err != nil {
			return err
		}
		p.Purpose = []rules.Purpose{rules.Production, rules.DevTest}[i]
		p.Mark(wizard.FPurpose, wizard.Asked)
	}
	regions, err := c.Regions(a.ctx, p.Subscription)
	if err != nil {
		return err
	}
	if p.Region == "" {
		p.Region = p.Workspace.Region
	}
	for !p.Given(wizard.FRegion) {
		s, err := q.line(fmt.Sprintf("Region [%s]: ", p.Region))
		if err != nil {
			return err
		}
		if s == "" {
			s = p.Region
		}
		if r, ok := wizard.FindRegion(regions, s); ok {
			p.Region = r.Name
			p.Mark(wizard.FRegion, wizard.Asked)
			break
		}
		fmt.Fprintf(q.out, "region: unknown region %q: use a name like eastus or westeurope\n", s)
	}
	sizes, err := c.Sizes(a.ctx, p.Subscription, p.Region)
	if err != nil {
		return err
	}
	for {
		if err := a.askSize(q, p, sizes); err != nil {
			return err
		}
		fits, err := a.askNodes(q, p, sizes)
		if err != nil || fits {
			return err
		}
		if p.Given(wizard.FVMSize) {
			return &Invalid{[]rules.Violation{{Field: string(wizard.FVMSize), Code: "no-fit", Message: "no node count of " + p.VMSize + " fits the quota: pick another size or region"}}}
		}
		p.Mark(wizard.FVMSize, wizard.Default)
	}
}

// askSize asks the VM size unless a flag gave it.
func (a *app) askSize(q prompter, p *wizard.Plan, sizes wizard.SizeList) error {
	for asked := p.Given(wizard.FVMSize); !asked; {
		s, err := q.line(fmt.Sprintf("VM size [%s] (`amlaks sizes -l %s` lists them): ", p.VMSize, p.Region))
		if err != nil {
			return err
		}
		if s == "" {
			s = p.VMSize
		}
		z, ok := sizes.Find(s)
		switch {
		case !ok:
			fmt.Fprintf(q.out, "vm-size: %s is not offered in %s\n", s, p.Region)
		case z.Restricted != "":
			fmt.Fprintf(q.out, "vm-size: %s: %s\n", z.Name, z.Restricted)
		default:
			p.VMSize = z.Name
			p.Mark(wizard.FVMSize, wizard.Asked)
			asked = true
			if z.GPUs > 0 || z.FPGA {
				fmt.Fprintln(q.out, "note: GPU/FPGA sizes must be chosen now: a second node pool cannot be added later")
			}
		}
	}
	return nil
}

// askNodes asks the node count unless a flag gave it; false when no node
// count of the size fits the quota (the size must change).
func (a *app) askNodes(q prompter, p *wizard.Plan, sizes wizard.SizeList) (bool, error) {
	z, _ := sizes.Find(p.VMSize)
	first := rules.CheckSize(p.Purpose, z.Name, 1, z.VCPUs)
	if !sizes.QuotaUnknown {
		for _, qu := range []rules.Quota{z.FamilyQuota, sizes.RegionQuota} {
			if qc := rules.CheckQuota(qu, first.MinNodes*z.VCPUs); !qc.OK {
				fmt.Fprintf(q.out, "quota: even the smallest %s cluster (%d × %s) does not fit: %s\n", strings.ToLower(p.Purpose.Label()), first.MinNodes, z.Name, qc.Message)
				return false, nil
			}
		}
	}
	for asked := p.Given(wizard.FNodes); !asked; {
		sc := rules.CheckSize(p.Purpose, z.Name, max(p.Nodes, 1), z.VCPUs)
		fmt.Fprintln(q.out, sc.Rule)
		def := max(p.Nodes, sc.MinNodes)
		s, err := q.line(fmt.Sprintf("Node count [%d]: ", def))
		if err != nil {
			return false, err
		}
		n := def
		if s != "" {
			if n, err = strconv.Atoi(s); err != nil {
				fmt.Fprintf(q.out, "nodes: %q is not a number\n", s)
				continue
			}
		}
		sc = rules.CheckSize(p.Purpose, z.Name, n, z.VCPUs)
		for _, v := range sc.Violations {
			fmt.Fprintln(q.out, "nodes: "+v.Message)
		}
		quotaOK := true
		if !sizes.QuotaUnknown {
			for _, qu := range []rules.Quota{z.FamilyQuota, sizes.RegionQuota} {
				if qc := rules.CheckQuota(qu, sc.TotalVCPUs); !qc.OK {
					fmt.Fprintln(q.out, "quota: "+qc.Message)
					quotaOK = false
				}
			}
		}
		if sc.OK && quotaOK {
			p.Nodes = n
			p.Mark(wizard.FNodes, wizard.Asked)
			asked = true
			fmt.Fprintf(q.out, "%s × %d vCPUs = %d vCPUs: enough for %s\n", rules.Plural(n, "node"), z.VCPUs, sc.TotalVCPUs, strings.ToLower(p.Purpose.Label()))
		}
	}
	return true, nil
}

func (a *app) prompter() prompter { return prompter{ctx: a.ctx, in: a.s.In, out: a.s.Err} }

// runAccessible is the wizard as plain numbered line prompts (accessible
// mode): what to do, then the same questions as the wizard.
func (a *app) runAccessible() error {
	s, err := a.session()
	if err != nil {
		return err
	}
	q := a.prompter()
	if s.Demo {
		fmt.Fprintln(q.out, "SIMULATED Azure (demo mode): nothing here touches a real subscription.")
	}
	i, err := q.choose("What do you want to do?", []string{"Create a new AKS cluster", "Attach an existing AKS cluster", "Browse Kubernetes versions", "List computes"}, 0)
	if err != nil {
		return err
	}
	mode := []wizard.Mode{wizard.ModeCreate, wizard.ModeAttach, wizard.ModeBrowse, wizard.ModeList}[i]
	p := wizard.NewPlan(mode)
	p.Mark(wizard.FMode, wizard.Asked)
	a.applyGlobals(nil, p, s)
	switch mode {
	case wizard.ModeCreate, wizard.ModeAttach:
		return a.submit(nil, p, &submitFlags{}, nil)
	case wizard.ModeBrowse:
		if vs, err := wizard.ResolveSubscription(a.ctx, s.Cloud, p); err != nil || len(vs) > 0 {
			if err != nil {
				return err
			}
			return &Invalid{vs}
		}
		regions, err := s.Cloud.Regions(a.ctx, p.Subscription)
		if err != nil {
			return err
		}
		for {
			r, err := q.line("Region [eastus]: ")
			if err != nil {
				return err
			}
			if r == "" {
				r = "eastus"
			}
			if _, ok := wizard.FindRegion(regions, r); ok {
				return a.printVersions(p.Subscription, r)
			}
			fmt.Fprintf(q.out, "region: unknown region %q: use a name like eastus or westeurope\n", r)
		}
	}
	if err := a.askMissing(p); err != nil {
		return err
	}
	return a.printList(p)
}

// askMissing asks the plan's missing answers as plain numbered line
// prompts (accessible mode); the rest of the run is line mode.
func (a *app) askMissing(p *wizard.Plan) error {
	q := a.prompter()
	c := a.sess.Cloud
	if p.Subscription == "" {
		subs, err := c.Subscriptions(a.ctx)
		if err != nil {
			return err
		}
		if len(subs) > 1 {
			var items []string
			for _, s := range subs {
				items = append(items, s.Name+"  "+s.ID)
			}
			i, err := q.choose("Subscription:", items, -1)
			if err != nil {
				return err
			}
			p.Subscription = subs[i].ID
			p.Mark(wizard.FSubscription, wizard.Asked)
		}
	}
	if vs, err := wizard.ResolveSubscription(a.ctx, c, p); err != nil || len(vs) > 0 {
		if err != nil {
			return err
		}
		return &Invalid{vs}
	}
	if p.Workspace.Name == "" {
		wss, err := c.Workspaces(a.ctx, p.Subscription)
		if err != nil {
			return err
		}
		if len(wss) > 1 {
			var items []string
			for _, w := range wss {
				items = append(items, fmt.Sprintf("%s  (resource group %s, %s)", w.Name, w.ResourceGroup, w.Region))
			}
			i, err := q.choose("Workspace:", items, -1)
			if err != nil {
				return err
			}
			p.Workspace = wss[i]
			p.Mark(wizard.FWorkspace, wizard.Asked)
		}
	}
	if vs, err := wizard.ResolveWorkspace(a.ctx, c, p); err != nil || len(vs) > 0 {
		if err != nil {
			return err
		}
		return &Invalid{vs}
	}
	if p.Mode == wizard.ModeAttach && p.ClusterID == "" && p.ClusterName == "" {
		cls, err := c.Clusters(a.ctx, p.Subscription)
		if err != nil {
			return err
		}
		if len(cls) == 0 {
			return &Invalid{[]rules.Violation{{Field: "cluster", Code: "none", Message: "the subscription has no AKS cluster to attach: create one with `amlaks create`"}}}
		}
		badges, err := a.clusterBadges(p, cls)
		if err != nil {
			return err
		}
		var items []string
		for i, cl := range cls {
			items = append(items, fmt.Sprintf("[%s] %s  (resource group %s, %s, Kubernetes %s, %d nodes, %d vCPUs)", badgeOf(badges[i]), cl.Name, cl.ResourceGroup, cl.Region, cl.Version, cl.Nodes(), cl.VCPUs()))
		}
		var i int
		for {
			if i, err = q.choose("AKS cluster to attach:", items, -1); err != nil {
				return err
			}
			for _, f := range badges[i] {
				fmt.Fprintln(q.out, f.String())
			}
			if !rules.Blocked(badges[i]) {
				break
			}
			fmt.Fprintf(q.out, "%s cannot be attached as %s: pick another cluster\n", cls[i].Name, strings.ToLower(p.Purpose.Label()))
		}
		p.ClusterID = cls[i].ID
		p.Cluster = &cls[i]
		p.Mark(wizard.FCluster, wizard.Asked)
	}
	if p.Mode == wizard.ModeCreate {
		if err := a.askCreate(q, p); err != nil {
			return err
		}
	}
	if p.Mode == wizard.ModeCreate || p.Mode == wizard.ModeAttach {
		if err := a.askAdvanced(q, p); err != nil {
			return err
		}
	}
	if p.Name == "" && (p.Mode == wizard.ModeCreate || p.Mode == wizard.ModeAttach) {
		cs, err := c.Computes(a.ctx, p.WorkspaceRef())
		if err != nil {
			return err
		}
		for {
			s, err := q.line("Compute name (3-24 letters, digits and -, starting with a letter): ")
			if err != nil {
				return err
			}
			vs := rules.ComputeName(s, wizard.ExistingNames(cs))
			if len(vs) == 0 {
				p.Name = s
				p.Mark(wizard.FName, wizard.Asked)
				break
			}
			for _, v := range vs {
				fmt.Fprintln(q.out, "name: "+v.Message)
			}
		}
	}
	return nil
}

// askAdvanced offers the optional steps (custom VNet and load balancer for
// a create, TLS for both) unless flags gave them; every answer is checked
// with the same rules as the wizard and asked again until it passes.
func (a *app) askAdvanced(q prompter, p *wizard.Plan) error {
	askNet := p.Mode == wizard.ModeCreate && !p.Given(wizard.FNetwork)
	askTLS := !p.Given(wizard.FTLS)
	if !askNet && !askTLS {
		return nil
	}
	ans, err := q.line("Advanced settings (custom VNet, internal load balancer, TLS)? [y/N]: ")
	if err != nil || (strings.ToLower(ans) != "y" && strings.ToLower(ans) != "yes") {
		return err
	}
	ask := func(prompt, def string) (string, error) {
		if def != "" {
			prompt += " [" + def + "]"
		}
		s, err := q.line(prompt + ": ")
		if s == "" {
			s = def
		}
		return s, err
	}
	for askNet {
		n := rules.Network{LoadBalancer: rules.PublicIP}
		var err error
		if n.VNetResourceGroup, err = ask("VNet resource group (empty: the basic network AML manages)", ""); err != nil {
			return err
		}
		if n.VNetResourceGroup != "" {
			for _, f := range []struct {
				prompt, def, field string
				dst                *string
			}{{"VNet name", "", "vnet", &n.VNet}, {"Subnet name", "", "subnet", &n.Subnet}, {"Service CIDR", "10.0.0.0/16", "service-cidr", &n.ServiceCIDR},
				{"DNS service IP", "10.0.0.10", "dns-service-ip", &n.DNSServiceIP}, {"Docker bridge CIDR", "172.17.0.1/16", "docker-bridge-cidr", &n.DockerBridgeCIDR}} {
				for {
					if *f.dst, err = ask(f.prompt, f.def); err != nil {
						return err
					}
					// each value is checked as it is given, the relations between them below
					if vs := rules.CheckNetworkValue(f.field, *f.dst); len(vs) > 0 {
						fmt.Fprintln(q.out, vs[0].Error())
						continue
					}
					break
				}
			}
		}
		i, err := q.choose("Load balancer:", []string{"Public IP", "Internal (needs your own TLS certificate if TLS is on)"}, 0)
		if err != nil {
			return err
		}
		if i == 1 {
			n.LoadBalancer = rules.InternalLoadBalancer
			if n.LoadBalancerSubnet, err = ask("Load balancer subnet", n.Subnet); err != nil {
				return err
			}
		}
		vs := rules.CheckNetwork(n)
		for _, v := range vs {
			fmt.Fprintln(q.out, v.Error())
		}
		if len(vs) == 0 {
			p.Network = n
			p.Mark(wizard.FNetwork, wizard.Asked)
			break
		}
	}
	for askTLS {
		i, err := q.choose("TLS for the scoring endpoint:", []string{"Off", "Microsoft certificate for a leaf domain label", "Your own certificate (PEM files) and CNAME"}, 0)
		if err != nil {
			return err
		}
		t := rules.TLS{Mode: []rules.TLSMode{rules.TLSOff, rules.TLSMicrosoft, rules.TLSCustom}[i]}
		if t.Mode == rules.TLSMicrosoft && p.Network.LoadBalancer == rules.InternalLoadBalancer {
			fmt.Fprintln(q.out, "ssl: a Microsoft certificate does not work with an internal load balancer: choose your own certificate, or Off")
			continue
		}
		switch t.Mode {
		case rules.TLSMicrosoft:
			if t.LeafDomainLabel, err = ask("Leaf domain label", ""); err != nil {
				return err
			}
			ow, err := ask("Overwrite an existing domain with that label? [y/N]", "")
			if err != nil {
				return err
			}
			t.Overwrite = strings.HasPrefix(strings.ToLower(ow), "y")
		case rules.TLSCustom:
			for _, f := range []struct {
				prompt string
				dst    *string
			}{{"Certificate PEM file", &t.CertFile}, {"Key PEM file", &t.KeyFile}, {"CNAME", &t.CNAME}} {
				if *f.dst, err = ask(f.prompt, ""); err != nil {
					return err
				}
			}
		}
		trial := *p
		trial.TLS = t
		if err := trial.LoadTLSFiles(); err != nil {
			fmt.Fprintln(q.out, err.Error())
			continue
		}
		vs := rules.CheckTLS(trial.TLS, p.Network.LoadBalancer == rules.InternalLoadBalancer, time.Now())
		for _, v := range vs {
			fmt.Fprintln(q.out, v.Error())
		}
		if len(vs) == 0 {
			p.TLS = trial.TLS
			p.Mark(wizard.FTLS, wizard.Asked)
			break
		}
	}
	return nil
}

// clusterBadges evaluates every cluster for the plan's purpose, as the
// wizard's picker does: versions of each cluster's region and the
// attachments of every workspace are read in parallel.
func (a *app) clusterBadges(p *wizard.Plan, cls []wizard.Cluster) ([][]rules.Finding, error) {
	c := a.sess.Cloud
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
		regions  []wizard.Region
		idx      wizard.Attachments
		versions = map[string][]rules.Version{}
	)
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	run(func() (err error) { regions, err = c.Regions(a.ctx, p.Subscription); return })
	run(func() (err error) { idx, err = wizard.AttachmentIndex(a.ctx, c, p.Subscription); return })
	seen := map[string]bool{}
	for _, cl := range cls {
		if seen[cl.Region] {
			continue
		}
		seen[cl.Region] = true
		region := cl.Region
		run(func() error {
			vs, err := c.Versions(a.ctx, p.Subscription, region)
			mu.Lock()
			versions[region] = vs
			mu.Unlock()
			return err
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	pairs := wizard.PairsOf(regions, p.Workspace.Region)
	out := make([][]rules.Finding, len(cls))
	for i, cl := range cls {
		out[i] = wizard.ClusterFacts(cl, p, versions[cl.Region], pairs, idx.Of(cl.ID))
	}
	return out, nil
}

// badgeOf is block, warn or ok.
func badgeOf(fs []rules.Finding) string {
	worst := "ok"
	for _, f := range fs {
		switch f.Severity {
		case rules.Block:
			return "block"
		case rules.Warn:
			worst = "warn"
		}
	}
	return worst
}
