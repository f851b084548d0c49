package wizard

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/amlaks/amlaks/rules"
)

// Missing is a Violation for a required flag nobody gave.
func Missing(f Field, why string) rules.Violation {
	return rules.Violation{Field: string(f), Code: "missing", Message: "missing: " + why}
}

// DecideSubscription is the pure decider of the subscription step: it
// turns the plan's subscription (ID or display name) into the ID from the
// list, or takes the only one, or the az CLI default, marking where it came
// from. It returns the step's violations afterwards (none when decided).
func DecideSubscription(p *Plan, subs []Subscription) []rules.Violation {
	k := Known{Subscriptions: subs, HaveSubscriptions: true}
	if p.Subscription != "" {
		for _, s := range subs {
			if strings.EqualFold(s.ID, p.Subscription) || strings.EqualFold(s.Name, p.Subscription) {
				p.Subscription = s.ID
				if p.From(FSubscription) == Unset {
					p.Mark(FSubscription, Flag)
				}
				return nil
			}
		}
		return checkSubscription(p, k)
	}
	if len(subs) == 1 {
		p.Subscription = subs[0].ID
		p.Mark(FSubscription, Only)
		return nil
	}
	for _, s := range subs {
		if s.Default {
			p.Subscription = s.ID
			p.Mark(FSubscription, AzCLI)
			return nil
		}
	}
	return checkSubscription(p, k)
}

func subNames(subs []Subscription) string {
	var n []string
	for _, s := range subs {
		n = append(n, s.Name+" ("+s.ID+")")
	}
	return strings.Join(n, ", ")
}

// DecideWorkspace is the pure decider of the workspace step: the
// workspace named in the plan (narrowed by its resource group), or the only
// one. It keeps where the name came from (a flag stays a flag) and returns
// the step's violations afterwards.
func DecideWorkspace(p *Plan, all []Workspace) []rules.Violation {
	k := Known{Workspaces: all, HaveWorkspaces: true}
	if p.Workspace.Name == "" {
		// a create or attach can only go to a workspace that takes an
		// AKS compute: hubs and projects are not candidates
		candidates := all
		if p.Mode == ModeCreate || p.Mode == ModeAttach {
			candidates = nil
			for _, w := range all {
				if ok, _ := WorkspaceUsable(w); ok {
					candidates = append(candidates, w)
				}
			}
			if len(candidates) == 0 && len(all) > 0 {
				_, why := WorkspaceUsable(all[0])
				return []rules.Violation{{Field: string(FWorkspace), Code: "workspace-kind",
					Message: "the subscription has no Azure Machine Learning workspace that takes an AKS compute: " + why}}
			}
		}
		if len(candidates) == 1 {
			p.Workspace = candidates[0]
			p.Mark(FWorkspace, Only)
			return nil
		}
		return checkWorkspace(p, k)
	}
	if w, ok := FindWorkspace(all, p.Workspace.Name, p.Workspace.ResourceGroup); ok {
		p.Workspace = w
		if p.From(FWorkspace) == Unset {
			p.Mark(FWorkspace, Flag)
		}
	}
	return checkWorkspace(p, k)
}

// DefaultRegion makes the workspace's region the plan's region unless the
// user chose one (a flag, or an answer for this same workspace).
func DefaultRegion(p *Plan, changedWorkspace bool) {
	if s := p.From(FRegion); (s == Unset && p.Region == "") || s == Default || (changedWorkspace && s == Asked) {
		p.Region = p.Workspace.Region
		p.Mark(FRegion, Default)
	}
}

// Needs lists the loads of p's flow whose inputs are known (the
// subscription for its lists, the workspace for its computes, the region
// for its sizes), in table order without repeats.
func Needs(p *Plan) []Load {
	var out []Load
	for _, id := range FlowFor(p) {
		for _, l := range StepOf(id).Loads {
			if !slices.Contains(out, l) && ready(p, l) {
				out = append(out, l)
			}
		}
	}
	return out
}

func ready(p *Plan, l Load) bool {
	switch l {
	case LoadSubscriptions:
		return true
	case LoadWorkspaces, LoadRegions, LoadClusters, LoadAttachments:
		return p.Subscription != ""
	case LoadComputes:
		return p.Workspace.ID != ""
	case LoadVersions, LoadSizes:
		return p.Subscription != "" && p.Region != ""
	case LoadExtensions, LoadProviders:
		return p.Subscription != "" && p.Kubernetes() && (p.Mode == ModeCreate || p.Mode == ModeAttach)
	}
	return false
}

// Fetch makes the Cloud calls of loads into k, in parallel (the
// synchronous front ends: line mode and the accessible mode; the TUI issues
// each as a Cmd). Loads whose inputs are not known are left out.
func Fetch(ctx context.Context, c Cloud, p *Plan, loads []Load, k *Known) error {
	var g group
	var sizes SizeList
	var haveSizes bool
	wantExt := slices.Contains(loads, LoadExtensions) && ready(p, LoadExtensions)
	if wantExt && !slices.Contains(loads, LoadClusters) {
		loads = append(slices.Clone(loads), LoadClusters)
	}
	for _, l := range loads {
		if !ready(p, l) {
			continue
		}
		switch l {
		case LoadSubscriptions:
			g.Go(func() (err error) {
				k.Subscriptions, err = c.Subscriptions(ctx)
				k.HaveSubscriptions = err == nil
				return
			})
		case LoadWorkspaces:
			g.Go(func() (err error) {
				k.Workspaces, err = c.Workspaces(ctx, p.Subscription)
				k.HaveWorkspaces = err == nil
				return
			})
		case LoadRegions:
			g.Go(func() (err error) { k.Regions, err = c.Regions(ctx, p.Subscription); return })
		case LoadSizes:
			g.Go(func() (err error) {
				sizes, err = c.Sizes(ctx, p.Subscription, p.Region)
				haveSizes = err == nil
				return
			})
		case LoadComputes:
			g.Go(func() (err error) {
				k.Computes, err = c.Computes(ctx, p.WorkspaceRef())
				k.HaveComputes = err == nil
				return
			})
		case LoadClusters:
			g.Go(func() error {
				cls, err := c.Clusters(ctx, p.Subscription)
				if err != nil {
					return err
				}
				vers, err := ClusterVersions(ctx, c, p.Subscription, cls)
				k.Clusters, k.ClusterVersions, k.HaveClusters = cls, vers, err == nil
				if err != nil || !wantExt {
					return err
				}
				k.Extensions, err = ExtensionIndex(ctx, c, cls)
				k.HaveExtensions = err == nil
				if err == nil {
					k.Bindings = BindingIndex(ctx, c, cls)
				}
				return err
			})
		case LoadProviders:
			g.Go(func() (err error) {
				k.Providers, err = c.Providers(ctx, p.Subscription, Providers)
				k.HaveProviders = err == nil
				return err
			})
		case LoadAttachments:
			g.Go(func() (err error) {
				k.Attachments, err = AttachmentIndex(ctx, c, p.Subscription)
				k.HaveAttachments = err == nil
				return
			})
		case LoadVersions:
			if !p.Kubernetes() || p.Mode != ModeCreate {
				continue // the legacy version step only shows them
			}
			g.Go(func() error {
				vs, err := c.Versions(ctx, p.Subscription, p.Region)
				// an error leaves them unknown: an unknown region is the
				// region step's message, and the preflight asks again
				k.Versions, k.HaveVersions = vs, err == nil
				return nil
			})
		}
	}
	err := g.Wait()
	if haveSizes {
		k.Sizes = &sizes
		p.sizes = &sizes // the review's instance types are sized from them
	}
	return err
}

// DefaultKubernetesVersion makes the region's default version the plan's
// unless the user chose one.
func DefaultKubernetesVersion(p *Plan, vs []rules.Version) {
	if s := p.From(FKubernetesVer); s == Unset || s == Default {
		if d, ok := rules.DefaultVersion(vs); ok {
			p.KubernetesVersion = newestPatch(d)
			p.Mark(FKubernetesVer, Default)
		}
	}
}

// DefaultVMSize replaces a default size the region does not offer (or
// does not let this subscription use) with the region's own default
// (SizeList.DefaultSize); a size the user gave is kept, for its check to
// name it.
func DefaultVMSize(p *Plan, l SizeList) {
	if s := p.From(FVMSize); s != Unset && s != Default {
		return
	}
	if z, ok := l.Find(p.VMSize); ok && z.Restricted == "" {
		return
	}
	if z, ok := l.DefaultSize(); ok {
		p.VMSize = z.Name
		p.Mark(FVMSize, Default)
	}
}

func newestPatch(v rules.Version) string {
	l := v.PatchList()
	if len(l) == 0 {
		return v.Version
	}
	return l[len(l)-1]
}

// ClusterVersions loads the versions of every cluster region, in parallel.
func ClusterVersions(ctx context.Context, c Cloud, sub string, cls []Cluster) (map[string][]rules.Version, error) {
	var regions []string
	for _, cl := range cls {
		if r := strings.ToLower(cl.Region); r != "" && !slices.Contains(regions, r) {
			regions = append(regions, r)
		}
	}
	got := make([][]rules.Version, len(regions))
	var g group
	for i, r := range regions {
		g.Go(func() (err error) { got[i], err = c.Versions(ctx, sub, r); return })
	}
	err := g.Wait()
	out := make(map[string][]rules.Version, len(regions))
	for i, r := range regions {
		out[r] = got[i]
	}
	return out, err
}

// Resolve completes a plan without asking anybody (line mode): it fetches
// what the flow's steps need, applies the deciders (subscription,
// workspace, the workspace's region, --cluster NAME), reads the TLS files
// and runs every step's check over the table. It returns one Violation per
// missing or bad flag, with the same messages the TUI shows; what can be
// checked without Azure is checked even when the workspace is unknown, so
// one message names every bad flag.
func Resolve(ctx context.Context, c Cloud, p *Plan) ([]rules.Violation, error) {
	var out []rules.Violation
	if err := p.LoadTLSFilesContext(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out = append(out, violationsOf(err)...)
	}
	k, err := Gather(ctx, c, p)
	if err != nil {
		return nil, err
	}
	for _, id := range FlowFor(p) {
		if id == StepTLS && len(out) > 0 {
			continue // the files could not be read: that is the message
		}
		for _, v := range Check(p, id, k) {
			// "unresolved" is a waiting state of the TUI; a Block is the
			// preflight's to report
			if v.Code != "unresolved" && !strings.HasPrefix(v.Code, CodeBlocked) {
				out = append(out, v)
			}
		}
	}
	return dedupe(out), nil
}

// Gather fetches, stage by stage, what the plan's flow needs and applies
// the deciders in between: subscriptions → the subscription; workspaces →
// the workspace and its region; then the rest in parallel. A stage that
// cannot be decided stops the gathering (its check says why).
func Gather(ctx context.Context, c Cloud, p *Plan) (Known, error) {
	var k Known
	if !rules.IsGUID(p.Subscription) || !p.Given(FSubscription) {
		if err := Fetch(ctx, c, p, []Load{LoadSubscriptions}, &k); err != nil {
			return k, err
		}
		if vs := DecideSubscription(p, k.Subscriptions); len(vs) > 0 {
			return k, nil
		}
	}
	if err := Fetch(ctx, c, p, []Load{LoadWorkspaces}, &k); err != nil {
		return k, err
	}
	if vs := DecideWorkspace(p, k.Workspaces); len(vs) > 0 {
		return k, nil
	}
	if p.Mode == ModeCreate {
		DefaultRegion(p, false)
	}
	var rest []Load
	for _, l := range Needs(p) {
		if l != LoadSubscriptions && l != LoadWorkspaces {
			rest = append(rest, l)
		}
	}
	if err := Fetch(ctx, c, p, rest, &k); err != nil {
		return k, err
	}
	if p.Mode == ModeCreate {
		if r, ok := FindRegion(k.Regions, p.Region); ok {
			p.Region = r.Name
		}
		if p.Kubernetes() && k.HaveVersions {
			DefaultKubernetesVersion(p, k.Versions)
			DecideLTS(p, k)
		}
		if k.Sizes != nil {
			DefaultVMSize(p, *k.Sizes)
			if z, ok := k.Sizes.Find(p.VMSize); ok {
				p.VMSize = z.Name
			}
		}
	}
	if _, ok := adoptable(p, k.Clusters); ok && k.HaveClusters {
		// a create naming a cluster that is not its own attaches it: what
		// the attach looks at besides the clusters
		if err := Fetch(ctx, c, p, []Load{LoadExtensions, LoadAttachments}, &k); err != nil {
			return k, err
		}
		AdoptCluster(p, k)
	}
	if p.Mode == ModeAttach && k.HaveClusters {
		if p.ClusterID == "" && p.ClusterName != "" {
			p.ResolveClusterName(k.Clusters)
		} else if cl, ok := FindCluster(k.Clusters, p.ClusterID); ok {
			p.ClusterID, p.Cluster = cl.ID, &cl
		}
		if p.Cluster != nil && k.HaveExtensions {
			p.Extension = nil
			if e, ok := k.Extensions[strings.ToLower(p.Cluster.ID)]; ok {
				p.Extension = &e
			}
		}
	}
	return k, nil
}

func dedupe(vs []rules.Violation) []rules.Violation {
	var out []rules.Violation
	for _, v := range vs {
		if !slices.ContainsFunc(out, func(o rules.Violation) bool { return o.Field == v.Field && o.Message == v.Message }) {
			out = append(out, v)
		}
	}
	return out
}

// nodesCount checks what the node count needs whatever the size.
func nodesCount(p *Plan) []rules.Violation {
	return rules.CheckNodeCount(int64(p.Nodes))
}

func violationsOf(err error) []rules.Violation {
	var out []rules.Violation
	type multi interface{ Unwrap() []error }
	if m, ok := err.(multi); ok {
		for _, e := range m.Unwrap() {
			out = append(out, violationsOf(e)...)
		}
		return out
	}
	if v, ok := err.(rules.Violation); ok {
		return []rules.Violation{v}
	}
	return []rules.Violation{{Field: "input", Code: "error", Message: err.Error()}}
}

func findRegion(all []Region, name string) (Region, bool) {
	n := strings.ReplaceAll(strings.ToLower(name), " ", "")
	for _, r := range all {
		if strings.EqualFold(r.Name, n) || strings.EqualFold(strings.ReplaceAll(r.DisplayName, " ", ""), n) {
			return r, true
		}
	}
	return Region{}, false
}

// FindRegion looks a region up by name or display name.
func FindRegion(all []Region, name string) (Region, bool) { return findRegion(all, name) }

// ResolveClusterName turns ClusterName (and ClusterGroup, when given) into
// ClusterID and Cluster using the subscription's clusters; it returns a
// Violation when no cluster or several match.
func (p *Plan) ResolveClusterName(clusters []Cluster) []rules.Violation {
	var hits []Cluster
	for _, cl := range clusters {
		if strings.EqualFold(cl.Name, p.ClusterName) && (p.ClusterGroup == "" || strings.EqualFold(cl.ResourceGroup, p.ClusterGroup)) {
			hits = append(hits, cl)
		}
	}
	switch len(hits) {
	case 1:
		p.ClusterID = hits[0].ID
		p.Cluster = &hits[0]
		return nil
	case 0:
		where := "this subscription"
		if p.ClusterGroup != "" {
			where = "resource group " + p.ClusterGroup
		}
		return []rules.Violation{{Field: "cluster", Code: "unknown", Message: fmt.Sprintf("no AKS cluster %q in %s: list them with `az aks list -o table`", p.ClusterName, where)}}
	}
	return []rules.Violation{{Field: "cluster-resource-group", Code: "ambiguous", Message: fmt.Sprintf("%d clusters are named %q: add --cluster-resource-group", len(hits), p.ClusterName)}}
}

// ResolveSubscription fetches the subscriptions and decides (line mode's
// and the accessible mode's synchronous composition of
// DecideSubscription).
func ResolveSubscription(ctx context.Context, c Cloud, p *Plan) ([]rules.Violation, error) {
	subs, err := c.Subscriptions(ctx)
	if err != nil {
		return nil, err
	}
	return DecideSubscription(p, subs), nil
}

// ResolveWorkspace fetches the subscription's workspaces and decides (see
// DecideWorkspace).
func ResolveWorkspace(ctx context.Context, c Cloud, p *Plan) ([]rules.Violation, error) {
	all, err := c.Workspaces(ctx, p.Subscription)
	if err != nil {
		return nil, err
	}
	return DecideWorkspace(p, all), nil
}
