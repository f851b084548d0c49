package wizard

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/amlaks/amlaks/rules"
)

// Missing is a Violation for a required flag nobody gave.
func Missing(f Field, why string) rules.Violation {
	return rules.Violation{Field: string(f), Code: "missing", Message: "missing: " + why}
}

// ResolveSubscription fills p.Subscription from the given value (GUID or
// display name) or, when empty, the default or only subscription.
func ResolveSubscription(ctx context.Context, c Cloud, p *Plan) ([]rules.Violation, error) {
	subs, err := c.Subscriptions(ctx)
	if err != nil {
		return nil, err
	}
	if p.Subscription != "" {
		for _, s := range subs {
			if strings.EqualFold(s.ID, p.Subscription) || strings.EqualFold(s.Name, p.Subscription) {
				p.Subscription = s.ID
				return nil, nil
			}
		}
		return []rules.Violation{{Field: string(FSubscription), Code: "unknown",
			Message: fmt.Sprintf("no subscription %q for this sign-in (have: %s)", p.Subscription, subNames(subs))}}, nil
	}
	if len(subs) == 1 {
		p.Subscription = subs[0].ID
		p.Mark(FSubscription, Only)
		return nil, nil
	}
	for _, s := range subs {
		if s.Default {
			p.Subscription = s.ID
			p.Mark(FSubscription, AzCLI)
			return nil, nil
		}
	}
	if len(subs) == 0 {
		return []rules.Violation{{Field: string(FSubscription), Code: "none", Message: "this sign-in sees no subscription: run `az login` with another account"}}, nil
	}
	return []rules.Violation{Missing(FSubscription, "pick one of "+subNames(subs))}, nil
}

func subNames(subs []Subscription) string {
	var n []string
	for _, s := range subs {
		n = append(n, s.Name+" ("+s.ID+")")
	}
	return strings.Join(n, ", ")
}

// ResolveWorkspace fills p.Workspace from the given name (and resource
// group) or, when none was given, the only workspace of the subscription.
func ResolveWorkspace(ctx context.Context, c Cloud, p *Plan) ([]rules.Violation, error) {
	all, err := c.Workspaces(ctx, p.Subscription)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, w := range all {
		names = append(names, w.Name)
	}
	if p.Workspace.Name == "" {
		if len(all) == 1 {
			p.Workspace = all[0]
			p.Mark(FWorkspace, Only)
			return nil, nil
		}
		if len(all) == 0 {
			return []rules.Violation{{Field: string(FWorkspace), Code: "none", Message: "the subscription has no Azure ML workspace: create one first"}}, nil
		}
		return []rules.Violation{Missing(FWorkspace, "pick one of "+strings.Join(names, ", "))}, nil
	}
	w, ok := FindWorkspace(all, p.Workspace.Name, p.Workspace.ResourceGroup)
	if !ok {
		return []rules.Violation{{Field: string(FWorkspace), Code: "unknown",
			Message: fmt.Sprintf("no workspace %q in this subscription (have: %s)", p.Workspace.Name, strings.Join(names, ", "))}}, nil
	}
	p.Workspace = w
	return nil, nil
}

// Resolve completes a plan without asking anybody (line mode): it resolves
// subscription and workspace, applies defaults (the workspace's region),
// reads the TLS files and checks every answer. It returns one Violation per
// missing or bad flag, with the same messages the TUI shows.
func Resolve(ctx context.Context, c Cloud, p *Plan) ([]rules.Violation, error) {
	// what can be checked without Azure is checked first, so one message
	// names every bad or missing flag
	var out []rules.Violation
	if p.Name == "" {
		out = append(out, Missing(FName, "give the compute a name with --name"))
	} else {
		out = append(out, rules.ComputeName(p.Name, nil)...)
	}
	if err := p.LoadTLSFilesContext(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out = append(out, violationsOf(err)...)
	} else {
		out = append(out, rules.CheckTLS(p.TLS, p.Network.LoadBalancer == rules.InternalLoadBalancer, time.Now())...)
	}
	vs, err := ResolveSubscription(ctx, c, p)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		if vs, err = ResolveWorkspace(ctx, c, p); err != nil {
			return nil, err
		}
	}
	if len(vs) > 0 {
		if p.Mode == ModeCreate {
			out = append(out, offlineCreate(p)...)
		}
		return append(vs, out...), nil
	}
	if p.Mode == ModeAttach {
		more, err := resolveCluster(ctx, c, p)
		if err != nil {
			return nil, err
		}
		return append(out, more...), nil
	}
	more, err := resolveCreate(ctx, c, p)
	if err != nil {
		return nil, err
	}
	return append(out, more...), nil
}

// offlineCreate checks what needs no Azure answer when the workspace is
// not known yet.
func offlineCreate(p *Plan) []rules.Violation {
	return append(nodesCount(p), rules.CheckNetwork(p.Network)...)
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

func resolveCreate(ctx context.Context, c Cloud, p *Plan) ([]rules.Violation, error) {
	var out []rules.Violation
	if p.Region == "" {
		p.Region = p.Workspace.Region
		p.Mark(FRegion, Default)
	}
	regions, err := c.Regions(ctx, p.Subscription)
	if err != nil {
		return nil, err
	}
	if r, ok := findRegion(regions, p.Region); ok {
		p.Region = r.Name
	} else {
		return append(out, rules.Violation{Field: "region", Code: "unknown", Message: fmt.Sprintf("unknown region %q: see the Name column of `az account list-locations -o table`", p.Region)}), nil
	}
	sizes, err := c.Sizes(ctx, p.Subscription, p.Region)
	if err != nil {
		return nil, err
	}
	size, ok := sizes.Find(p.VMSize)
	switch {
	case !ok:
		out = append(out, rules.Violation{Field: string(FVMSize), Code: "unknown", Message: fmt.Sprintf("%s is not offered in %s: list sizes with `amlaks sizes -l %s`", p.VMSize, p.Region, p.Region)})
		out = append(out, nodesCount(p)...)
	case size.Restricted != "":
		p.VMSize = size.Name
		out = append(out, rules.Violation{Field: string(FVMSize), Code: "restricted", Message: fmt.Sprintf("%s: %s; pick another size or region", size.Name, size.Restricted)})
		out = append(out, nodesCount(p)...)
	default:
		p.VMSize = size.Name
		out = append(out, rules.CheckSize(p.Purpose, size.Name, p.Nodes, size.VCPUs).Violations...)
	}
	out = append(out, rules.CheckNetwork(p.Network)...)
	return out, nil
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

// resolveCluster fills p.ClusterID/p.Cluster from --cluster-id or from
// --cluster NAME (+ --cluster-resource-group).
func resolveCluster(ctx context.Context, c Cloud, p *Plan) ([]rules.Violation, error) {
	if p.ClusterID == "" && p.ClusterName == "" {
		return []rules.Violation{Missing(FCluster, "give --cluster-id ID, or --cluster NAME --cluster-resource-group RG")}, nil
	}
	var id rules.ClusterID
	if p.ClusterID != "" {
		var err error
		if id, err = rules.ParseClusterID(p.ClusterID); err != nil {
			return violationsOf(err), nil
		}
	}
	clusters, err := c.Clusters(ctx, p.Subscription)
	if err != nil {
		return nil, err
	}
	if p.ClusterID == "" {
		return p.ResolveClusterName(clusters), nil
	}
	cl, ok := FindCluster(clusters, id.String())
	if !ok {
		return []rules.Violation{{Field: string(FCluster), Code: "unknown", Message: fmt.Sprintf("no AKS cluster %s in resource group %s of subscription %s", id.Name, id.ResourceGroup, id.SubscriptionID)}}, nil
	}
	p.ClusterID = cl.ID
	p.Cluster = &cl
	return nil, nil
}

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
