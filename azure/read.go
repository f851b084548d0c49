package azure

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v8"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// Subscriptions lists the subscriptions the credential can see, marking
// Options.DefaultSubscription (ID or name).
func (c *Client) Subscriptions(ctx context.Context) ([]wizard.Subscription, error) {
	const op = "list subscriptions"
	v, err := c.short.do(ctx, "subscriptions", c.fetchSubscriptions)
	if err != nil {
		return nil, mapError(op, err)
	}
	return slices.Clone(v.([]wizard.Subscription)), nil
}

func (c *Client) fetchSubscriptions(ctx context.Context) (any, error) {
	var out []wizard.Subscription
	p := c.acct.NewListPager(nil)
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range page.Value {
			if s == nil {
				continue
			}
			x := wizard.Subscription{ID: str(s.SubscriptionID), Name: str(s.DisplayName), TenantID: str(s.TenantID)}
			if s.State != nil {
				x.State = string(*s.State)
			}
			if x.ID == "" {
				x.ID = lastSegment(str(s.ID))
			}
			out = append(out, x)
		}
	}
	if d := c.opts.DefaultSubscription; d != "" {
		if m, err := MatchSubscription(out, d); err == nil {
			for i := range out {
				out[i].Default = out[i].ID == m.ID
			}
		}
	}
	return out, nil
}

// Regions lists the physical regions of sub, sorted by display name
// (cached).
func (c *Client) Regions(ctx context.Context, sub string) ([]wizard.Region, error) {
	const op = "list regions"
	v, err := c.cache.do(ctx, "regions|"+sub, func(ctx context.Context) (any, error) {
		var out []wizard.Region
		key := "regions|" + sub
		if c.disk.get(key, RegionsLifetime, &out) {
			return out, nil
		}
		p := c.acct.NewListLocationsPager(sub, nil)
		for p.More() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, l := range page.Value {
				if l == nil || l.Metadata == nil || l.Metadata.RegionType == nil ||
					*l.Metadata.RegionType != armsubscriptions.RegionTypePhysical {
					continue
				}
				if l.Type != nil && *l.Type != armsubscriptions.LocationTypeRegion {
					continue
				}
				r := wizard.Region{Name: str(l.Name), DisplayName: str(l.DisplayName)}
				for _, pr := range l.Metadata.PairedRegion {
					if pr != nil && str(pr.Name) != "" {
						r.Paired = append(r.Paired, str(pr.Name))
					}
				}
				out = append(out, r)
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].DisplayName < out[j].DisplayName })
		c.disk.put(key, out)
		return out, nil
	})
	if err != nil {
		return nil, mapError(op, err)
	}
	return v.([]wizard.Region), nil
}

// Workspaces lists the AML workspaces of sub (all pages).
func (c *Client) Workspaces(ctx context.Context, sub string) ([]wizard.Workspace, error) {
	const op = "list workspaces"
	s, err := c.forSub(sub)
	if err != nil {
		return nil, err
	}
	v, err := c.short.do(ctx, "workspaces|"+sub, func(ctx context.Context) (any, error) { return fetchWorkspaces(ctx, s, sub, c.opts.OnNote) })
	if err != nil {
		return nil, mapError(op, err)
	}
	return slices.Clone(v.([]wizard.Workspace)), nil
}

func fetchWorkspaces(ctx context.Context, s *subClients, sub string, note func(string)) ([]wizard.Workspace, error) {
	var out []wizard.Workspace
	var left []string
	p := s.workspaces.NewListBySubscriptionPager(nil)
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, w := range page.Value {
			if w == nil {
				continue
			}
			id := str(w.ID)
			x := wizard.Workspace{
				WorkspaceRef: wizard.WorkspaceRef{SubscriptionID: sub, ResourceGroup: idPart(id, "resourceGroups"), Name: str(w.Name)},
				ID:           id,
				Region:       normRegion(str(w.Location)),
				Kind:         str(w.Kind),
				// a workspace reached through a private endpoint needs its
				// AKS cluster in its region
				PrivateEndpoint: w.Properties != nil && len(w.Properties.PrivateEndpointConnections) > 0,
			}
			if x.Name == "" || x.ResourceGroup == "" || !strings.EqualFold(idPart(id, "workspaces"), x.Name) {
				// no resource group or name to call it by: unusable, and
				// not a reason to fail the others
				left = append(left, rules.Cut(rules.Inert(fmt.Sprintf("workspace %q has no usable resource ID (%q)", rules.Cut(x.Name, 40), rules.Cut(id, 120))), 200))
				continue
			}
			out = append(out, x)
		}
	}
	if len(left) > 0 && note != nil {
		note(leftOutNote("workspace", left))
	}
	return out, nil
}

// Computes lists the compute targets of a workspace (all pages, any type).
// VCPUs is filled for AKS computes from the SKUs of their regions.
func (c *Client) Computes(ctx context.Context, ws wizard.WorkspaceRef) ([]wizard.Compute, error) {
	op := "list computes of " + ws.Name
	s, err := c.forSub(ws.SubscriptionID)
	if err != nil {
		return nil, err
	}
	var out []wizard.Compute
	p := s.computes.NewListPager(ws.ResourceGroup, ws.Name, nil)
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, mapError(op, err)
		}
		for _, r := range page.Value {
			if r != nil {
				out = append(out, toCompute(r))
			}
		}
	}
	var regions []string
	for _, x := range out {
		if x.VMSize != "" && x.Region != "" && x.Nodes > 0 {
			regions = append(regions, x.Region)
		}
	}
	lists := c.sizeLists(ctx, ws.SubscriptionID, regions, true)
	for i := range out {
		fillVCPUs(&out[i], lists)
	}
	return out, nil
}

// Compute gets one compute by name; a missing one is ErrNotFound. VCPUs is
// filled only when the region's sizes are already cached (this call backs
// the name check as the user types and must stay fast).
func (c *Client) Compute(ctx context.Context, ws wizard.WorkspaceRef, name string) (wizard.Compute, error) {
	op := "get compute " + name
	s, err := c.forSub(ws.SubscriptionID)
	if err != nil {
		return wizard.Compute{}, err
	}
	r, err := s.computes.Get(ctx, ws.ResourceGroup, ws.Name, name, nil)
	if err != nil {
		return wizard.Compute{}, mapError(op, err)
	}
	x := toCompute(&r.ComputeResource)
	if x.VMSize != "" && x.Region != "" {
		fillVCPUs(&x, c.sizeLists(ctx, ws.SubscriptionID, []string{x.Region}, false))
	}
	return x, nil
}

func fillVCPUs(x *wizard.Compute, lists map[string]wizard.SizeList) {
	if x.VMSize == "" || x.Nodes <= 0 {
		return
	}
	if l, ok := lists[normRegion(x.Region)]; ok {
		if sz, ok := l.Find(x.VMSize); ok {
			x.VCPUs = x.Nodes * sz.VCPUs
		}
	}
}

// canonicalClusterID spells an AKS cluster's ID the one way amlaks shows and
// sends it ("/resourceGroups/", "/managedClusters/"): AKS answers with
// "/resourcegroups/" while Azure ML keeps what it was given, so the same
// cluster would otherwise appear under two spellings. An ID that does not
// parse is kept as it came.
func canonicalClusterID(id string) string {
	if c, err := rules.ParseClusterID(id); err == nil {
		return c.String()
	}
	return id
}

// toCompute converts any compute type; AKS fields are filled for AKS.
func toCompute(r *armmachinelearning.ComputeResource) wizard.Compute {
	x := wizard.Compute{ID: str(r.ID), Name: str(r.Name)}
	if r.Properties == nil {
		return x
	}
	b := r.Properties.GetCompute()
	if b != nil {
		if b.ComputeType != nil {
			x.Type = string(*b.ComputeType)
		}
		if b.ProvisioningState != nil {
			x.State = string(*b.ProvisioningState)
		}
		x.Region = normRegion(str(b.ComputeLocation))
		x.ClusterID = canonicalClusterID(str(b.ResourceID))
		x.Attached = b.IsAttachedCompute != nil && *b.IsAttachedCompute
		x.Description = str(b.Description)
		x.Errors = flattenSDK(b.ProvisioningErrors)
		if b.CreatedOn != nil {
			x.CreatedOn = *b.CreatedOn
		}
	}
	switch v := r.Properties.(type) {
	case *armmachinelearning.AKS:
		x.Type = string(armmachinelearning.ComputeTypeAKS)
		if p := v.Properties; p != nil {
			if p.AgentCount != nil {
				x.Nodes = int(*p.AgentCount)
			}
			x.VMSize = str(p.AgentVMSize)
			x.FQDN = str(p.ClusterFqdn)
			if p.ClusterPurpose != nil {
				x.Purpose = rules.Purpose(*p.ClusterPurpose)
			}
			if p.LoadBalancerType != nil {
				x.LoadBalancerType = string(*p.LoadBalancerType)
			}
			if s := p.SSLConfiguration; s != nil && s.Status != nil && !strings.EqualFold(string(*s.Status), "Disabled") {
				x.SSLCname = str(s.Cname)
				if x.SSLCname == "" {
					x.SSLCname = str(s.LeafDomainLabel) // Microsoft-issued (status Auto)
				}
				x.SSLStatus = string(*s.Status)
			}
		}
	case *armmachinelearning.Kubernetes:
		x.Type = string(armmachinelearning.ComputeTypeKubernetes)
		if p := v.Properties; p != nil {
			x.Namespace = str(p.Namespace)
		}
		if x.Namespace == "" {
			x.Namespace = "default"
		}
	case *armmachinelearning.AmlCompute:
		if p := v.Properties; p != nil {
			x.VMSize = str(p.VMSize)
			if p.CurrentNodeCount != nil {
				x.Nodes = int(*p.CurrentNodeCount)
			}
		}
	}
	return x
}

// Versions lists the AKS Kubernetes versions of a region, newest first
// (cached).
func (c *Client) Versions(ctx context.Context, sub, region string) ([]rules.Version, error) {
	op := "list Kubernetes versions of " + region
	s, err := c.forSub(sub)
	if err != nil {
		return nil, err
	}
	region = normRegion(region)
	key := "versions|" + sub + "|" + region
	v, err := c.cache.do(ctx, key, func(ctx context.Context) (any, error) {
		var kept []rules.Version
		if c.disk.get(key, VersionsLifetime, &kept) {
			return kept, nil
		}
		r, err := s.clusters.ListKubernetesVersions(ctx, region, nil)
		if err != nil {
			return nil, err
		}
		var out []rules.Version
		for _, k := range r.Values {
			if k == nil {
				continue
			}
			v := rules.Version{Version: str(k.Version), Default: boolv(k.IsDefault), Preview: boolv(k.IsPreview)}
			if k.Capabilities != nil {
				for _, sp := range k.Capabilities.SupportPlan {
					if sp != nil {
						v.SupportPlans = append(v.SupportPlans, string(*sp))
					}
				}
			}
			if len(k.PatchVersions) > 0 {
				v.Patches = map[string][]string{}
				for pv, up := range k.PatchVersions {
					var ups []string
					if up != nil {
						for _, u := range up.Upgrades {
							if u != nil {
								ups = append(ups, *u)
							}
						}
					}
					v.Patches[pv] = ups
				}
			}
			out = append(out, v)
		}
		sort.SliceStable(out, func(i, j int) bool { return rules.CompareVersions(out[j].Version, out[i].Version) < 0 })
		c.disk.put(key, out)
		return out, nil
	})
	if err != nil {
		return nil, mapError(op, err)
	}
	return v.([]rules.Version), nil
}

// Clusters lists the AKS managed clusters of sub (all pages). Pool vCPUs
// come from the SKUs of each cluster's region, fetched in parallel through
// the Sizes cache; a region whose sizes cannot be read leaves VCPUs 0.
func (c *Client) Clusters(ctx context.Context, sub string) ([]wizard.Cluster, error) {
	const op = "list AKS clusters"
	s, err := c.forSub(sub)
	if err != nil {
		return nil, err
	}
	var out []wizard.Cluster
	var left []string
	p := s.clusters.NewListPager(nil)
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, mapError(op, err)
		}
		for _, m := range page.Value {
			if m == nil {
				continue
			}
			x := toCluster(m)
			if why := unusableCluster(x); why != "" {
				// one entry amlaks cannot use (a name no cluster can have) must
				// not fail the list, nor every attach
				left = append(left, why)
				continue
			}
			out = append(out, x)
		}
	}
	if len(left) > 0 && c.opts.OnNote != nil {
		c.opts.OnNote(leftOutNote("AKS cluster", left))
	}
	var regions []string
	for _, x := range out {
		regions = append(regions, x.Region)
	}
	lists := c.sizeLists(ctx, sub, regions, true)
	for i := range out {
		l, ok := lists[out[i].Region]
		if !ok {
			continue
		}
		for j := range out[i].Pools {
			if sz, ok := l.Find(out[i].Pools[j].Size); ok {
				out[i].Pools[j].VCPUs, out[i].Pools[j].MemoryGB, out[i].Pools[j].GPUs = sz.VCPUs, sz.MemoryGB, sz.GPUs
			}
		}
	}
	return out, nil
}

func toCluster(m *armcontainerservice.ManagedCluster) wizard.Cluster {
	id := canonicalClusterID(str(m.ID))
	x := wizard.Cluster{ID: id, Name: str(m.Name), ResourceGroup: idPart(id, "resourceGroups"), Region: normRegion(str(m.Location))}
	if len(m.Tags) > 0 {
		x.Tags = map[string]string{}
		for k, v := range m.Tags {
			if v != nil {
				x.Tags[k] = *v
			}
		}
	}
	if m.Identity != nil && m.Identity.Type != nil && *m.Identity.Type != armcontainerservice.ResourceIdentityTypeNone {
		x.Identity = string(*m.Identity.Type)
	}
	p := m.Properties
	if p == nil {
		return x
	}
	// A cluster without a managed identity runs on a service principal:
	// servicePrincipalProfile.clientId is its client id ("msi" on
	// managed-identity clusters).
	if x.Identity == "" {
		if sp := p.ServicePrincipalProfile; sp != nil && str(sp.ClientID) != "" && !strings.EqualFold(str(sp.ClientID), "msi") {
			x.Identity = "ServicePrincipal"
		}
	}
	x.Version = str(p.CurrentKubernetesVersion)
	if x.Version == "" {
		x.Version = str(p.KubernetesVersion)
	}
	for _, ap := range p.AgentPoolProfiles {
		if ap == nil {
			continue
		}
		pool := rules.Pool{Name: str(ap.Name), Size: str(ap.VMSize)}
		if ap.Count != nil {
			pool.Count = int(*ap.Count)
		}
		x.Pools = append(x.Pools, pool)
	}
	if a := p.APIServerAccessProfile; a != nil {
		x.RunCommandDisabled = boolv(a.DisableRunCommand)
		x.Private = boolv(a.EnablePrivateCluster)
		x.PrivatePublicFQDN = x.Private && boolv(a.EnablePrivateClusterPublicFQDN)
		for _, r := range a.AuthorizedIPRanges {
			if r != nil {
				x.AuthorizedIPRanges = append(x.AuthorizedIPRanges, *r)
			}
		}
	}
	if n := p.NetworkProfile; n != nil && n.LoadBalancerSKU != nil {
		x.LoadBalancerSKU = strings.ToLower(string(*n.LoadBalancerSKU))
	}
	if p.PowerState != nil && p.PowerState.Code != nil {
		x.PowerState = string(*p.PowerState.Code)
	}
	x.ProvisioningState = str(p.ProvisioningState)
	x.LocalAccountsDisabled = boolv(p.DisableLocalAccounts)
	x.FQDN = str(p.Fqdn)
	if x.FQDN == "" {
		x.FQDN = str(p.PrivateFQDN)
	}
	return x
}

// sizeLists returns the size lists of the given regions, fetched in
// parallel (fetch) or only what the cache holds (!fetch). Failures are
// left out.
func (c *Client) sizeLists(ctx context.Context, sub string, regions []string, fetch bool) map[string]wizard.SizeList {
	out := map[string]wizard.SizeList{}
	seen := map[string]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, r := range regions {
		r = normRegion(r)
		if r == "" || seen[r] {
			continue
		}
		seen[r] = true
		if !fetch {
			if v, ok := c.cache.peek(sizesKey(sub, r)); ok {
				out[r] = v.(wizard.SizeList)
			}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l, err := c.Sizes(ctx, sub, r); err == nil {
				mu.Lock()
				out[r] = l
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

// unusableCluster says why a listed cluster cannot be used ("" when it
// can): its ID must be an AKS cluster's, and name it.
func unusableCluster(x wizard.Cluster) string {
	if _, err := rules.ParseClusterID(x.ID); err != nil {
		msg := err.Error()
		var v rules.Violation
		if errors.As(err, &v) {
			msg = v.Message
		}
		if len(x.Name) > 40 {
			msg = strings.ReplaceAll(msg, x.Name, rules.Cut(x.Name, 40))
		}
		return rules.Cut(rules.Inert(msg), 200)
	}
	if !strings.EqualFold(idPart(x.ID, "managedClusters"), x.Name) {
		return rules.Cut(rules.Inert(fmt.Sprintf("cluster %q has the ID of another (%s)", rules.Cut(x.Name, 40), x.ID)), 200)
	}
	return ""
}

// leftOutNote is the one note for the entries of a list left out.
func leftOutNote(what string, why []string) string {
	if len(why) == 1 {
		return "note: 1 " + what + " that Azure listed cannot be read and is left out: " + why[0]
	}
	return fmt.Sprintf("note: %d %ss that Azure listed cannot be read and are left out: %s (and %d more)", len(why), what, why[0], len(why)-1)
}

// ---- small helpers ----

// str reads a string of an SDK model. The value is kept as Azure sent it
// (JSON output carries it exactly); what shows it to a terminal escapes it
// (rules.Inert).
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func boolv(p *bool) bool { return p != nil && *p }

// normRegion turns "East US" or "eastus" into "eastus".
func normRegion(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "")) }

// idPart returns the segment after key in an ARM ID (case-insensitive key;
// a leading "/" is optional, as some AML answers omit it).
func idPart(id, key string) string {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], key) {
			return parts[i+1]
		}
	}
	return ""
}

func lastSegment(id string) string {
	id = strings.TrimRight(id, "/")
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		return id[i+1:]
	}
	return id
}
