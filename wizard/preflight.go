package wizard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard/files"
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
// call in parallel, and applies the create and attach rules. inFlight is the
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
	network := p.Network
	var subnet []rules.Finding
	g.Go(func() error { subnet = subnetFindings(ctx, c, p, &network); return nil })
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
		Network:        network,
		TLS:            p.TLS,
		Now:            time.Now(),
		DefaultVersion: r.Facts.Default,
	}
	r.Findings = append(rules.CreateFindings(f), subnet...)
	return r, nil
}

func attachPreflight(ctx context.Context, c Cloud, p *Plan, inFlight *Guard) (Report, error) {
	r, f, _, err := attachFacts(ctx, c, p, inFlight, nil)
	if err != nil {
		return r, err
	}
	f.TLS = p.TLS
	f.Network = rules.Network{LoadBalancer: p.Network.LoadBalancer, LoadBalancerSubnet: p.Network.LoadBalancerSubnet}
	r.Findings = rules.AttachFindings(f)
	return r, nil
}

// attachFacts gathers what an attach's preflight looks at, every call in
// parallel (more adds the caller's own calls to the same group): the
// workspace's computes, whether the name is taken, the regions, the
// cluster, where it is attached already, and its region's versions. It
// returns the report with its facts, the attach facts of the cluster and
// the name, and the attachments ("NAME in WORKSPACE").
func attachFacts(ctx context.Context, c Cloud, p *Plan, inFlight *Guard, more func(g *group)) (Report, rules.AttachFacts, []string, error) {
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
	if more != nil {
		more(&g)
	}
	if err := g.Wait(); err != nil {
		return r, rules.AttachFacts{}, nil, err
	}
	cl, ok := FindCluster(clusters, p.ClusterID)
	if why := p.CrossSubscription(p.ClusterID); !ok && why != "" {
		return r, rules.AttachFacts{}, nil, &Error{Kind: ErrBadRequest, Op: "find cluster", Message: why,
			Hint: "attach a cluster of the workspace's subscription"}
	}
	if !ok {
		return r, rules.AttachFacts{}, nil, &Error{Kind: ErrNotFound, Op: "find cluster", Message: "no AKS cluster " + p.ClusterID + " in this subscription",
			Hint: "check --cluster-id, or pick one from `amlaks attach` without it"}
	}
	r.Facts.Cluster = &cl
	vs, err := c.Versions(ctx, p.Subscription, cl.Region)
	if err != nil {
		return r, rules.AttachFacts{}, nil, err
	}
	r.Facts.Versions = vs
	f := clusterFacts(cl, p, vs, PairsOf(r.Facts.Regions, p.Workspace.Region), attachedAs)
	f.Name = p.Name
	f.ExistingNames = ExistingNames(r.Facts.Computes)
	f.NameTaken = taken
	f.InFlight = inFlight.Busy(cl.ID)
	return r, f, attachedAs, nil
}

// ClusterFacts evaluates a cluster for the cluster picker's badge without
// a name or TLS (those come later): the findings that are about the
// cluster itself.
func ClusterFacts(cl Cluster, p *Plan, versions []rules.Version, pairs []string, attachedAs []string) []rules.Finding {
	if p.Kubernetes() {
		return ClusterFindings(cl, p, versions, pairs, attachedAs, Extension{}, false, false, nil, false)
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
		// the current path weighs local accounts with Trusted Access
		LocalAccountsDisabled:    cl.LocalAccountsDisabled && !p.Kubernetes(),
		WorkspacePrivateEndpoint: p.Workspace.PrivateEndpoint,
		LoadBalancerSKU:          cl.LoadBalancerSKU,
		PowerState:               cl.PowerState,
		ProvisioningState:        cl.ProvisioningState,
		AttachedAs:               attachedAs,
		Now:                      time.Now(),
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

// MaxPEMFile caps a TLS certificate or key file: 1 MiB is ample for a PEM
// pair.
const MaxPEMFile = 1 << 20

// ReadPEMFile reads a TLS certificate or key file: a regular file of at
// most MaxPEMFile bytes, read under ctx (a FIFO or /dev/zero fails at
// once). The error is the violation of flag, naming the file.
func ReadPEMFile(ctx context.Context, flag, path string) ([]byte, error) {
	b, err := files.ReadRegular(ctx, path, MaxPEMFile)
	var nr *files.NotRegularError
	switch {
	case err == nil:
		return b, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.As(err, &nr):
		return nil, rules.Violation{Field: flag, Code: "file", Message: fmt.Sprintf("%s is %s, not a PEM file: give a regular file", path, nr.What)}
	case errors.Is(err, files.ErrTooLarge):
		return nil, rules.Violation{Field: flag, Code: "file", Message: fmt.Sprintf("%s is larger than 1 MiB, far more than a PEM certificate or key: check the path", path)}
	}
	return nil, rules.Violation{Field: flag, Code: "file", Message: fmt.Sprintf("cannot read %s: %v", path, unwrapPath(err))}
}

// LoadTLSFiles is LoadTLSFilesContext without a context.
func (p *Plan) LoadTLSFiles() error { return p.LoadTLSFilesContext(context.Background()) }

// LoadTLSFilesContext reads the certificate and key files named in the
// plan into the PEM fields (custom TLS only) with ReadPEMFile. Errors name
// the flag.
func (p *Plan) LoadTLSFilesContext(ctx context.Context) error {
	if p.TLS.Mode != rules.TLSCustom {
		return nil
	}
	var errs []error
	if p.TLS.CertFile != "" {
		b, err := ReadPEMFile(ctx, "ssl-cert-file", p.TLS.CertFile)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs = append(errs, err)
		}
		p.TLS.CertPEM = b
	}
	if p.TLS.KeyFile != "" {
		b, err := ReadPEMFile(ctx, "ssl-key-file", p.TLS.KeyFile)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs = append(errs, err)
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
// compute) at once: within this process by a set of busy keys, and across
// processes on this machine by an OS file lock per cluster (see Submit).
// The zero value is ready; a nil Guard is never busy and takes no lock.
type Guard struct {
	// LockDir holds the cross-process lock files; "" means
	// os.UserCacheDir()/amlaks/locks.
	LockDir string
	// RecordDir keeps the records of the current path's operations
	// (Records); "" keeps none.
	RecordDir string

	mu   sync.Mutex
	busy map[string]bool
}

// Records are the operation records of g (none for a nil Guard or an
// empty RecordDir).
func (g *Guard) Records() *Records {
	if g == nil || g.RecordDir == "" {
		return nil
	}
	return &Records{Dir: g.RecordDir}
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

// LockPath is the lock file of key: the lower-case key hashed (SHA-256)
// into a file name under LockDir.
func (g *Guard) LockPath(key string) (string, error) {
	dir := ""
	if g != nil {
		dir = g.LockDir
	}
	if dir == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(d, "amlaks", "locks")
	}
	sum := sha256.Sum256([]byte(strings.ToLower(key)))
	return filepath.Join(dir, hex.EncodeToString(sum[:16])+".lock"), nil
}

// BlockedError is a submit refused by the final re-check made under the
// cluster's lock: nothing was sent. Findings are Block findings (e.g.
// rules.CodeAlreadyAttached when another process attached the cluster
// meanwhile).
type BlockedError struct{ Findings []rules.Finding }

func (e *BlockedError) Error() string {
	var n []string
	for _, f := range e.Findings {
		n = append(n, f.Message)
	}
	return "blocked by the final check: " + strings.Join(n, "; ") + ": nothing was sent"
}

// Submit sends the plan's create or attach once: the guard refuses a
// second submit of the same cluster (attach) or name (create) while the
// first is running. The caller releases the key (GuardKey) when the
// operation ends.
//
// An attach also holds the cluster's OS file lock (Guard.LockPath; flock
// or LockFileEx, released by the kernel if the process dies) from a final
// re-read of the attachment index through the PUT, so two processes on
// this machine cannot both attach one cluster: the second waits, then
// finds the first's attachment and gets the already-attached BLOCK
// (*BlockedError). Right after the PUT, still under the lock, the index is
// read again: attachments of the cluster other than this one (another
// machine, which no local lock can stop) are returned in
// Operation.Concurrent.
func Submit(ctx context.Context, c Cloud, p *Plan, g *Guard) (Operation, error) {
	key := p.GuardKey()
	if !g.Acquire(key) {
		return Operation{}, &Error{Kind: ErrConflict, Op: "submit", Message: "an attach or create of " + key + " is already running from this session",
			Hint: "wait for it to finish; two attachments of one cluster break the first"}
	}
	op, err := submit(ctx, c, p, g)
	if err != nil {
		g.Release(key)
		return op, err
	}
	return op, nil
}

func submit(ctx context.Context, c Cloud, p *Plan, g *Guard) (Operation, error) {
	if p.Mode != ModeAttach || g == nil {
		return c.Submit(ctx, p.WorkspaceRef(), p.Spec())
	}
	label := "attach compute " + p.Name
	path, err := g.LockPath(p.GuardKey())
	if err != nil {
		return Operation{}, &Error{Kind: ErrBadRequest, Op: label, Message: "no place for the cluster's lock file: " + err.Error(),
			Hint: "set XDG_CACHE_HOME (or HOME) to a writable directory"}
	}
	lk, err := files.Lock(ctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return Operation{}, ctx.Err()
		}
		return Operation{}, &Error{Kind: ErrBadRequest, Op: label, Message: "cannot take the cluster's lock " + path + ": " + err.Error(),
			Hint: "check that the directory is writable (or set XDG_CACHE_HOME)"}
	}
	defer lk.Unlock()
	// The final preflight re-check, under the lock: the attachment index as
	// it is now (another process may have attached the cluster since the
	// preflight).
	attached, err := AttachedAs(ctx, c, p.Subscription, p.ClusterID)
	if err != nil {
		return Operation{}, err
	}
	if fs := alreadyAttached(p, attached); len(fs) > 0 {
		return Operation{}, &BlockedError{Findings: fs}
	}
	op, err := c.Submit(ctx, p.WorkspaceRef(), p.Spec())
	if err != nil {
		return op, err
	}
	if after, err := AttachedAs(ctx, c, p.Subscription, p.ClusterID); err == nil {
		self := strings.ToLower(p.Name + " in " + p.Workspace.Name)
		for _, a := range after {
			if strings.ToLower(a) != self {
				op.Concurrent = append(op.Concurrent, "the cluster is also attached as "+a+
					" (from elsewhere, at the same time): two attachments break each other; detach one (amlaks detach)")
			}
		}
	}
	return op, nil
}

// alreadyAttached is the already-attached Block finding of the plan's
// cluster, as the preflight words it.
func alreadyAttached(p *Plan, attachedAs []string) []rules.Finding {
	if len(attachedAs) == 0 {
		return nil
	}
	f := rules.AttachFacts{ClusterID: p.ClusterID, ClusterName: p.ClusterName, AttachedAs: attachedAs, Name: p.Name}
	if p.Cluster != nil {
		f.ClusterName = p.Cluster.Name
	}
	var out []rules.Finding
	for _, x := range rules.AttachFindings(f) {
		if x.Code == rules.CodeAlreadyAttached {
			out = append(out, x)
		}
	}
	return out
}

// ClusterGuardKey is the OS lock key of one cluster: held while its
// extension is installed and while it is deleted, so a create that joins a
// cluster and a detach that deletes it cannot both go ahead.
func ClusterGuardKey(clusterID string) string { return "cluster/" + strings.ToLower(clusterID) }

// GuardKey is the double-submit key: the cluster ID for attach, the
// workspace and name for create.
func (p Plan) GuardKey() string {
	if p.Mode == ModeAttach {
		if id, err := rules.ParseClusterID(p.ClusterID); err == nil {
			return id.String()
		}
		return p.ClusterID
	}
	return p.Workspace.ID + "/computes/" + p.Name
}
