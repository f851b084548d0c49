package ui

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// Request keys: one per thing the user is looking at. A newer request under
// the same key makes older answers stale.
const (
	reqSubs        = "subs"
	reqWorkspaces  = "workspaces"
	reqRegions     = "regions"
	reqComputes    = "computes"
	reqVersions    = "versions" // the region being looked at (create, browse)
	reqSizes       = "sizes"    // the region being looked at (create)
	reqClusters    = "clusters"
	reqAttachments = "attachments"
	reqExtensions  = "extensions"
	reqBindings    = "bindings"
)

// cacheKey is a cache key that carries the type of what is stored under it:
// the fetch that fills it and the read that takes it out must agree on
// the type, or the code does not compile (the store itself keeps any).
type cacheKey[T any] string

// Cache keys: one builder each, used by the fetch and by the read.
func keySubs() cacheKey[[]wizard.Subscription] { return "subs" }
func keyWorkspaces(sub string) cacheKey[[]wizard.Workspace] {
	return cacheKey[[]wizard.Workspace]("workspaces:" + sub)
}
func keyRegions(sub string) cacheKey[[]wizard.Region] {
	return cacheKey[[]wizard.Region]("regions:" + sub)
}
func keyComputes(ws wizard.WorkspaceRef) cacheKey[[]wizard.Compute] {
	return cacheKey[[]wizard.Compute]("computes:" + wsKey(ws))
}
func keyVersions(region string) cacheKey[[]rules.Version] {
	return cacheKey[[]rules.Version]("versions:" + strings.ToLower(region))
}
func keySizes(region string) cacheKey[wizard.SizeList] {
	return cacheKey[wizard.SizeList]("sizes:" + strings.ToLower(region))
}
func keyClusters(sub string) cacheKey[[]wizard.Cluster] {
	return cacheKey[[]wizard.Cluster]("clusters:" + sub)
}
func keyAttachments(sub string) cacheKey[wizard.Attachments] {
	return cacheKey[wizard.Attachments]("attachments:" + sub)
}
func keyExtensions(sub string) cacheKey[map[string]wizard.Extension] {
	return cacheKey[map[string]wizard.Extension]("extensions:" + sub)
}
func keyBindings(sub string) cacheKey[map[string][]wizard.RoleBinding] {
	return cacheKey[map[string][]wizard.RoleBinding]("bindings:" + sub)
}

// fetchOf issues a typed Cloud call under a request key and a cache key.
func fetchOf[T any](m *Model, reqKey string, k cacheKey[T], force bool, fn func(context.Context) (T, error)) tea.Cmd {
	req, ok := m.data.begin(reqKey, string(k), force)
	if !ok {
		return nil
	}
	ctx := m.ctx
	return func() tea.Msg {
		v, err := fn(ctx)
		return fetched[T]{req: req, reqKey: reqKey, key: k, val: v, err: err}
	}
}

// loaded reads a typed answer from the store (the zero value until it
// arrives).
func loaded[T any](m *Model, k cacheKey[T]) (T, *slot) {
	sl := m.data.get(string(k))
	v, _ := sl.val.(T)
	return v, sl
}

func (m *Model) fetchSubs(force bool) tea.Cmd {
	c := m.cloud
	return fetchOf(m, reqSubs, keySubs(), force, c.Subscriptions)
}

func (m *Model) fetchWorkspaces(force bool) tea.Cmd {
	c, sub := m.cloud, m.plan.Subscription
	return fetchOf(m, reqWorkspaces, keyWorkspaces(sub), force, func(ctx context.Context) ([]wizard.Workspace, error) { return c.Workspaces(ctx, sub) })
}

func (m *Model) fetchRegions(force bool) tea.Cmd {
	c, sub := m.cloud, m.plan.Subscription
	return fetchOf(m, reqRegions, keyRegions(sub), force, func(ctx context.Context) ([]wizard.Region, error) { return c.Regions(ctx, sub) })
}

func (m *Model) fetchComputes(force bool) tea.Cmd {
	c, ws, list := m.cloud, m.plan.WorkspaceRef(), m.plan.Mode == wizard.ModeList
	return fetchOf(m, reqComputes, keyComputes(ws), force, func(ctx context.Context) ([]wizard.Compute, error) {
		cs, err := c.Computes(ctx, ws)
		if err != nil || !list {
			return cs, err
		}
		// the list shows a Kubernetes compute's nodes, size, vCPUs and
		// purpose from its cluster and extension, as line mode's does
		for i, d := range wizard.DescribeComputes(ctx, c, cs) {
			cs[i] = d.Compute
		}
		return cs, nil
	})
}

// fetchVersions loads a region's versions; reqKey is reqVersions for the
// region being looked at, "versions@REGION" for the cluster picker.
func (m *Model) fetchVersions(region, reqKey string, force bool) tea.Cmd {
	if region == "" {
		return nil
	}
	c, sub := m.cloud, m.plan.Subscription
	return fetchOf(m, reqKey, keyVersions(region), force, func(ctx context.Context) ([]rules.Version, error) { return c.Versions(ctx, sub, region) })
}

func (m *Model) fetchSizes(region string, force bool) tea.Cmd {
	if region == "" {
		return nil
	}
	c, sub := m.cloud, m.plan.Subscription
	return fetchOf(m, reqSizes, keySizes(region), force, func(ctx context.Context) (wizard.SizeList, error) { return c.Sizes(ctx, sub, region) })
}

func (m *Model) fetchClusters(force bool) tea.Cmd {
	c, sub := m.cloud, m.plan.Subscription
	return fetchOf(m, reqClusters, keyClusters(sub), force, func(ctx context.Context) ([]wizard.Cluster, error) { return c.Clusters(ctx, sub) })
}

func (m *Model) fetchAttachments(force bool) tea.Cmd {
	c, sub := m.cloud, m.plan.Subscription
	return fetchOf(m, reqAttachments, keyAttachments(sub), force, func(ctx context.Context) (wizard.Attachments, error) {
		return wizard.AttachmentIndex(ctx, c, sub)
	})
}

func wsKey(ws wizard.WorkspaceRef) string {
	return strings.ToLower(ws.SubscriptionID + "/" + ws.ResourceGroup + "/" + ws.Name)
}

// fetchExtensions reads the Azure ML extension of every cluster of the
// subscription (the current path's picker badges), once the clusters are
// known.
func (m *Model) fetchExtensions(force bool) tea.Cmd {
	cls, sl := m.clustersData()
	// a create reads them too: naming an existing cluster attaches it
	if !sl.ok || !m.plan.Kubernetes() || m.plan.Mode != wizard.ModeAttach && m.plan.Mode != wizard.ModeCreate {
		return nil
	}
	c, sub := m.cloud, m.plan.Subscription
	return fetchOf(m, reqExtensions, keyExtensions(sub), force, func(ctx context.Context) (map[string]wizard.Extension, error) {
		return wizard.ExtensionIndex(ctx, c, cls)
	})
}

func (m *Model) extensionsData() (map[string]wizard.Extension, *slot) {
	return loaded(m, keyExtensions(m.plan.Subscription))
}

// fetchBindings reads the Trusted Access role bindings of the clusters
// that need them (the picker's Block when a cluster's 8 are taken), once
// the clusters are known.
func (m *Model) fetchBindings(force bool) tea.Cmd {
	cls, sl := m.clustersData()
	if !sl.ok || !m.plan.Kubernetes() || m.plan.Mode != wizard.ModeAttach {
		return nil
	}
	c := m.cloud
	return fetchOf(m, reqBindings, keyBindings(m.plan.Subscription), force, func(ctx context.Context) (map[string][]wizard.RoleBinding, error) {
		return wizard.BindingIndex(ctx, c, cls), nil
	})
}

func (m *Model) bindingsData() (map[string][]wizard.RoleBinding, *slot) {
	return loaded(m, keyBindings(m.plan.Subscription))
}

// Typed views of the store.

func (m *Model) subsData() ([]wizard.Subscription, *slot) {
	return loaded(m, keySubs())
}

func (m *Model) workspacesData() ([]wizard.Workspace, *slot) {
	return loaded(m, keyWorkspaces(m.plan.Subscription))
}

func (m *Model) regionsData() ([]wizard.Region, *slot) {
	return loaded(m, keyRegions(m.plan.Subscription))
}

func (m *Model) computesData() ([]wizard.Compute, *slot) {
	return loaded(m, keyComputes(m.plan.WorkspaceRef()))
}

func (m *Model) versionsData(region string) ([]rules.Version, *slot) {
	return loaded(m, keyVersions(region))
}

func (m *Model) sizesData(region string) (wizard.SizeList, *slot) {
	return loaded(m, keySizes(region))
}

func (m *Model) clustersData() ([]wizard.Cluster, *slot) {
	return loaded(m, keyClusters(m.plan.Subscription))
}

func (m *Model) attachmentsData() (wizard.Attachments, *slot) {
	return loaded(m, keyAttachments(m.plan.Subscription))
}

// regionLabel is "East US (eastus)" when the display name is known.
func (m *Model) regionLabel(name string) string {
	regs, _ := m.regionsData()
	if r, ok := wizard.FindRegion(regs, name); ok && r.DisplayName != "" {
		return r.DisplayName + " (" + r.Name + ")"
	}
	return name
}

// onData reacts to fresh data: resolving the subscription and workspace
// and prefetching what later steps need.
func (m *Model) onData(msg dataAnswer) tea.Cmd {
	reqKey, err := msg.request()
	if err != nil {
		return nil
	}
	switch reqKey {
	case reqSubs:
		return m.resolveSub()
	case reqWorkspaces:
		return m.resolveWorkspace()
	case reqClusters:
		m.resolveClusterFlag()
		return tea.Batch(m.fetchClusterVersions(), m.fetchExtensions(false), m.fetchBindings(false))
	}
	return nil
}

// resolveSub decides the subscription (wizard.DecideSubscription: the
// plan's ID or name, the only one, or the az CLI default); otherwise the
// step asks.
func (m *Model) resolveSub() tea.Cmd {
	subs, _ := m.subsData()
	p := m.plan
	given := p.Subscription
	if vs := wizard.DecideSubscription(p, subs); len(vs) > 0 {
		if given != "" {
			m.flash = "no subscription " + quoteUI(given) + " for this sign-in: pick one"
			p.Subscription = ""
		}
		return nil
	}
	return m.subChosen()
}

// subChosen fetches the subscription's workspaces and moves on.
func (m *Model) subChosen() tea.Cmd {
	m.subResolved = true
	cmds := []tea.Cmd{m.fetchWorkspaces(false)}
	if m.step == wizard.StepSubscription {
		cmds = append(cmds, m.advance())
	}
	return tea.Batch(cmds...)
}

// resolveWorkspace decides the workspace (wizard.DecideWorkspace: the
// one named by a flag, or the only one).
func (m *Model) resolveWorkspace() tea.Cmd {
	all, _ := m.workspacesData()
	p := m.plan
	if m.wsResolved {
		return nil
	}
	given, before := p.Workspace.Name, p.Workspace.ID
	if vs := wizard.DecideWorkspace(p, all); len(vs) > 0 {
		if given != "" {
			m.flash = "no workspace " + quoteUI(given) + " in this subscription: pick one"
			p.Workspace = wizard.Workspace{}
			p.Mark(wizard.FWorkspace, wizard.Unset)
		}
		return nil
	}
	return m.workspaceChosen(before)
}

// workspaceChosen defaults the region to the workspace's and prefetches
// everything the next steps need, in parallel.
func (m *Model) workspaceChosen(before string) tea.Cmd {
	m.wsResolved = true
	wizard.DefaultRegion(m.plan, !strings.EqualFold(before, m.plan.Workspace.ID))
	cmds := []tea.Cmd{m.prefetch()}
	if m.step == wizard.StepWorkspace && m.plan.From(wizard.FWorkspace) != wizard.Asked {
		cmds = append(cmds, m.advance())
	}
	return tea.Batch(cmds...)
}

// prefetch starts, in parallel, the calls of the later steps: regions,
// computes, versions and sizes of the plan's region, and in attach mode
// clusters and the attachment index.
func (m *Model) prefetch() tea.Cmd {
	cmds := []tea.Cmd{
		m.fetchRegions(false),
		m.fetchComputes(false),
		m.fetchVersions(m.plan.Region, reqVersions, false),
		m.fetchSizes(m.plan.Region, false),
	}
	if m.plan.Mode == wizard.ModeAttach {
		cmds = append(cmds, m.fetchClusters(false), m.fetchAttachments(false))
	}
	return tea.Batch(cmds...)
}

// fetchClusterVersions loads the versions of every cluster region.
func (m *Model) fetchClusterVersions() tea.Cmd {
	cls, _ := m.clustersData()
	seen := map[string]bool{}
	var cmds []tea.Cmd
	for _, cl := range cls {
		r := strings.ToLower(cl.Region)
		if r == "" || seen[r] {
			continue
		}
		seen[r] = true
		cmds = append(cmds, m.fetchVersions(r, "versions@"+r, false))
	}
	return tea.Batch(cmds...)
}
