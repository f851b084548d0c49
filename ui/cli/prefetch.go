package cli

import (
	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// What a command will read once its subscription is resolved.
type read int

const (
	readWorkspaces read = iota
	readRegions
	readVersions // of the region (the workspace's when none is given)
	readSizes    // of the region (the workspace's when none is given)
)

// prefetch starts, in the background, the reads a command will make after
// resolving the subscription, so that they run in parallel with it instead
// of one after the other. The Cloud shares a read in flight with the
// command's own call for it, so nothing is fetched twice. It needs the
// subscription's ID (flag, AZURE_SUBSCRIPTION_ID or the az CLI default);
// a name must be resolved first, and then nothing is started.
func (a *app) prefetch(p *wizard.Plan, region string, reads ...read) {
	s := a.sess
	sub := p.Subscription
	if s == nil || !rules.IsGUID(sub) {
		return
	}
	// the goroutines read copies: the command goes on filling p
	c, ctx := s.Cloud, a.ctx
	name, rg := p.Workspace.Name, p.Workspace.ResourceGroup
	var versions, sizes bool
	for _, r := range reads {
		switch r {
		case readWorkspaces:
			go c.Workspaces(ctx, sub)
		case readRegions:
			go c.Regions(ctx, sub)
		case readVersions:
			versions = true
		case readSizes:
			sizes = true
		}
	}
	regional := func(region string) {
		if versions {
			go c.Versions(ctx, sub, region)
		}
		if sizes {
			go c.Sizes(ctx, sub, region)
		}
	}
	switch {
	case !versions && !sizes:
	case region != "":
		regional(region)
	case name != "":
		go func() {
			all, err := c.Workspaces(ctx, sub)
			if err != nil {
				return
			}
			if w, ok := wizard.FindWorkspace(all, name, rg); ok && w.Region != "" {
				regional(w.Region)
			}
		}()
	}
}

// prefetchFor starts the reads of a command that needs only its
// subscription (and the region's catalogs).
func (a *app) prefetchFor(region string, reads ...read) {
	s, err := a.session()
	if err != nil {
		return
	}
	p := wizard.NewPlan(wizard.ModeBrowse)
	p.Subscription = a.g.Subscription
	if p.Subscription == "" {
		p.Subscription = s.DefaultSubscription
	}
	p.Workspace.Name, p.Workspace.ResourceGroup = a.g.Workspace, a.g.ResourceGroup
	a.prefetch(p, region, reads...)
}
