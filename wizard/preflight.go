package wizard

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/amlaks/amlaks/rules"
)

// Facts is what a preflight looked at, kept for the review screen and the
// JSON output.
type Facts struct {
	Computes []Compute
	Sizes    SizeList
	Size     VMSize
	Versions []rules.Version
	Default  string // the version a create gets
	Regions  []Region
	Cluster  *Cluster
}

// Report is the outcome of a preflight.
type Report struct {
	Findings []rules.Finding
	Facts    Facts
}

// Blocked reports whether any finding blocks the submit.
func (r Report) Blocked() bool { return rules.Blocked(r.Findings) }

// group runs independent calls in parallel and keeps the first error.
type group struct {
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error
}

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.mu.Lock()
			if g.err == nil {
				g.err = err
			}
			g.mu.Unlock()
		}
	}()
}

func (g *group) Wait() error { g.wg.Wait(); return g.err }

// NameTaken asks Azure for the name: 404 means free. Names that break the
// naming rules are not asked about.
func NameTaken(ctx context.Context, c Cloud, ws WorkspaceRef, name string) (bool, error) {
	if name == "" || len(rules.ComputeName(name, nil)) > 0 {
		return false, nil
	}
	_, err := c.Compute(ctx, ws, name)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// Preflight gathers the facts of the plan from Azure, every independent
// call in parallel, and applies the rules of SPEC §4.5. inFlight is the
// double-submit guard (may be nil).
//
// A workspace that takes no AKS compute (an Azure AI Foundry hub or
// project, see WorkspaceUsable) is the first Block finding.
func Preflight(ctx context.Context, c Cloud, p *Plan, inFlight *Guard) (Report, error) {
	var r Report
	var err error
	switch {
	case p.Kubernetes():
		r, err = kubernetesPreflight(ctx, c, p, inFlight)
	case p.Mode == ModeAttach:
		r, err = attachPreflight(ctx, c, p, inFlight)
	default:
		r, err = createPreflight(ctx, c, p)
	}
	if ok, why := WorkspaceUsable(p.Workspace); !ok && err == nil {
		r.Findings = append([]rules.Finding{{Code: rules.CodeWorkspaceKind, Severity: rules.Block, Message: why,
			Fix: "pick an Azure Machine Learning workspace (kind Default) of the subscription"}}, r.Findings...)
	}
	return r, err
}

func createPreflight(ctx context.Context, c Cloud, p *Plan) (Report, error) {
	var r Report
	var taken bool
	ws := p.WorkspaceRef()
	var g group
	g.Go(func() (err error) { r.Facts.Computes, err = c.Computes(ctx, ws); return })
	g.Go(func() (err error) { taken, err = NameTaken(ctx, c, ws, p.Name); return })
	g.Go(func() (err error) { r.Facts.Sizes, err = c.Sizes(ctx, p.Subscription, p.Region); return })
	g.Go(func() (err error) { r.Facts.Versions, err = c.Versions(ctx, p.Subscription, p.Region); return })
	if err := g.Wait(); err != nil {
		return r, err
	}
	if d, ok := rules.DefaultVersion(r.Facts.Versions); ok {
		r.Facts.Default = d.Version
	}
	size, known := r.Facts.Sizes.Find(p.VMSize)
	r.Facts.Size = size
	f := rules.CreateFacts{
		Name:           p.Name,
		ExistingNames:  ExistingNames(r.Facts.Computes),
		NameTaken:      taken,
		Purpose:        p.Purpose,
		Region:         p.Region,
		VMSize:         p.VMSize,
		SizeKnown:      known,
		VCPUs:          size.VCPUs,
		MemoryGB:       size.MemoryGB,
		GPUs:           size.GPUs,
		FPGA:           size.FPGA,
		Restricted:     size.Restricted,
		Nodes:          p.Nodes,
		FamilyQuota:    size.FamilyQuota,
		RegionQuota:    r.Facts.Sizes.RegionQuota,
		QuotaUnknown:   r.Facts.Sizes.QuotaUnknown,
		Network:        p.Network,
		TLS:            p.TLS,
		Now:            time.Now(),
		DefaultVersion: r.Facts.Default,
	}
	r.Findings = rules.CreateFindings(f)
	return r, nil
}

func attachPreflight(ctx context.Context, c Cloud, p *Plan, inFlight *Guard) (Report, error) {
	var r Report
	var taken bool
	var clusters []Cluster
	var attachedAs []string
	ws := p.WorkspaceRef()
	var g group
	g.Go(func() (err error) { r.Facts.Computes, err = c.Computes(ctx, ws); return })
	g.Go(func() (err error) { taken, err = NameTaken(ctx, c, ws, p.Name); return })
	g.Go(func() (err error) { r.Facts.Regions, err = c.Regions(ctx, p.Subscription); return })
	g.Go(func() (err error) {
		if p.Cluster != nil && strings.EqualFold(p.Cluster.ID, p.ClusterID) {
			clusters = []Cluster{*p.Cluster}
			return nil
		}
		clusters, err = c.Clusters(ctx, p.Subscription)
		return
	})
	g.Go(func() (err error) { attachedAs, err = AttachedAs(ctx, c, p.Subscription, p.ClusterID); return })
	if err := g.Wait(); err != nil {
		return r, err
	}
	cl, ok := FindCluster(clusters, p.ClusterID)
	if !ok {
		return r, &Error{Kind: ErrNotFound, Op: "find cluster", Message: "no AKS cluster " + p.ClusterID + " in this subscription",
			Hint: "check --cluster-id, or pick one from `amlaks attach` without it"}
	}
	r.Facts.Cluster = &cl
	vs, err := c.Versions(ctx, p.Subscription, cl.Region)
	if err != nil {
		return r, err
	}
	r.Facts.Versions = vs
	f := clusterFacts(cl, p, vs, PairsOf(r.Facts.Regions, p.Workspace.Region), attachedAs)
	f.Name = p.Name
	f.ExistingNames = ExistingNames(r.Facts.Computes)
	f.NameTaken = taken
	f.InFlight = inFlight.Busy(cl.ID)
	f.TLS = p.TLS
	f.Network = rules.Network{LoadBalancer: p.Network.LoadBalancer, LoadBalancerSubnet: p.Network.LoadBalancerSubnet}
	r.Findings = rules.AttachFindings(f)
	return r, nil
}

// ClusterFacts evaluates a cluster for the cluster picker's badge without
// a name or TLS (those come later): the findings that are about the
// cluster itself.
func ClusterFacts(cl Cluster, p *Plan, versions []rules.Version, pairs []string, attachedAs []string) []rules.Finding {
	if p.Kubernetes() {
		return ClusterFindings(cl, p, versions, pairs, attachedAs, Extension{}, false, false)
	}
	f := clusterFacts(cl, p, versions, pairs, attachedAs)
	f.Name = "placeholder"
	return rules.AttachFindings(f)
}

// clusterFacts fills the attach facts that come from the cluster, the
// purpose and the workspace region.
func clusterFacts(cl Cluster, p *Plan, versions []rules.Version, pairs []string, attachedAs []string) rules.AttachFacts {
	return rules.AttachFacts{
		Purpose:           p.Purpose,
		ClusterID:         cl.ID,
		ClusterName:       cl.Name,
		ClusterRegion:     cl.Region,
		WorkspaceRegion:   p.Workspace.Region,
		PairedRegions:     pairs,
		Version:           cl.Version,
		RegionVersions:    versions,
		Pools:             cl.Pools,
		Private:           cl.Private,
		PrivatePublicFQDN: cl.PrivatePublicFQDN,
		AuthorizedRanges:  cl.AuthorizedIPRanges,
		LoadBalancerSKU:   cl.LoadBalancerSKU,
		PowerState:        cl.PowerState,
		ProvisioningState: cl.ProvisioningState,
		AttachedAs:        attachedAs,
		Now:               time.Now(),
	}
}

// AttachedAs lists the computes of every AML workspace of the subscription
// that point at clusterID, as "NAME in WORKSPACE". Workspaces are read in
// parallel.
func AttachedAs(ctx context.Context, c Cloud, sub, clusterID string) ([]string, error) {
	idx, err := AttachmentIndex(ctx, c, sub)
	if err != nil {
		return nil, err
	}
	return idx.Of(clusterID), nil
}

// Attachments maps cluster IDs (lower case) to "NAME in WORKSPACE".
type Attachments map[string][]string

// Of returns the attachments of a cluster.
func (a Attachments) Of(clusterID string) []string {
	if id, err := rules.ParseClusterID(clusterID); err == nil {
		clusterID = id.String()
	}
	return a[strings.ToLower(clusterID)]
}

// AttachmentIndex reads the computes of every workspace of the
// subscription (in parallel) and indexes AKS computes by cluster.
func AttachmentIndex(ctx context.Context, c Cloud, sub string) (Attachments, error) {
	wss, err := c.Workspaces(ctx, sub)
	if err != nil {
		return nil, err
	}
	out := Attachments{}
	var mu sync.Mutex
	var g group
	for _, w := range wss {
		g.Go(func() error {
			cs, err := c.Computes(ctx, w.WorkspaceRef)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			for _, cp := range cs {
				if cp.ClusterID == "" || !strings.EqualFold(cp.Type, "AKS") && !strings.EqualFold(cp.Type, string(ComputeKubernetes)) {
					continue
				}
				key := cp.ClusterID
				if id, err := rules.ParseClusterID(key); err == nil {
					key = id.String()
				}
				key = strings.ToLower(key)
				out[key] = append(out[key], attachmentEntry(cp, w.Name))
			}
			return nil
		})
	}
	return out, g.Wait()
}

// FindCluster returns the cluster with the given resource ID.
func FindCluster(all []Cluster, id string) (Cluster, bool) {
	for _, cl := range all {
		if rules.SameCluster(cl.ID, id) {
			return cl, true
		}
	}
	return Cluster{}, false
}

// PairsOf returns the paired regions of region.
func PairsOf(regions []Region, region string) []string {
	for _, r := range regions {
		if strings.EqualFold(r.Name, region) {
			return r.Paired
		}
	}
	return nil
}

// LoadTLSFiles reads the certificate and key files named in the plan into
// the PEM fields (custom TLS only). Errors name the flag.
func (p *Plan) LoadTLSFiles() error {
	if p.TLS.Mode != rules.TLSCustom {
		return nil
	}
	var errs []error
	if p.TLS.CertFile != "" {
		b, err := os.ReadFile(p.TLS.CertFile)
		if err != nil {
			errs = append(errs, rules.Violation{Field: "ssl-cert-file", Code: "file", Message: fmt.Sprintf("cannot read %s: %v", p.TLS.CertFile, unwrapPath(err))})
		}
		p.TLS.CertPEM = b
	}
	if p.TLS.KeyFile != "" {
		b, err := os.ReadFile(p.TLS.KeyFile)
		if err != nil {
			errs = append(errs, rules.Violation{Field: "ssl-key-file", Code: "file", Message: fmt.Sprintf("cannot read %s: %v", p.TLS.KeyFile, unwrapPath(err))})
		}
		p.TLS.KeyPEM = b
	}
	return errors.Join(errs...)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Guard prevents two attachments of one cluster (or two submits of one
// compute) from this process at once. The zero value is ready; a nil
// Guard is never busy.
type Guard struct {
	mu   sync.Mutex
	busy map[string]bool
}

// Acquire marks key busy; false when it already was.
func (g *Guard) Acquire(key string) bool {
	if g == nil {
		return true
	}
	key = strings.ToLower(key)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.busy[key] {
		return false
	}
	if g.busy == nil {
		g.busy = map[string]bool{}
	}
	g.busy[key] = true
	return true
}

// Release frees key.
func (g *Guard) Release(key string) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.busy, strings.ToLower(key))
}

// Busy reports whether key is held.
func (g *Guard) Busy(key string) bool {
	if g == nil {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.busy[strings.ToLower(key)]
}

// Submit sends the plan's create or attach once: the guard refuses a
// second submit of the same cluster (attach) or name (create) while the
// first is running. The caller releases the key (GuardKey) when the
// operation ends.
func Submit(ctx context.Context, c Cloud, p *Plan, g *Guard) (Operation, error) {
	key := p.GuardKey()
	if !g.Acquire(key) {
		return Operation{}, &Error{Kind: ErrConflict, Op: "submit", Message: "an attach or create of " + key + " is already running from this session",
			Hint: "wait for it to finish; two attachments of one cluster break the first"}
	}
	op, err := c.Submit(ctx, p.WorkspaceRef(), p.Spec())
	if err != nil {
		g.Release(key)
		return op, err
	}
	return op, nil
}

// GuardKey is the double-submit key: the cluster ID for attach, the
// workspace and name for create.
func (p *Plan) GuardKey() string {
	if p.Mode == ModeAttach {
		if id, err := rules.ParseClusterID(p.ClusterID); err == nil {
			return id.String()
		}
		return p.ClusterID
	}
	return p.Workspace.ID + "/computes/" + p.Name
}
