package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/amlaks/amlaks/wizard/files"
)

// stateVersion changes when the state file format or the fixtures change
// incompatibly; an older file is replaced by fresh fixtures.
const stateVersion = 3

// maxOperations bounds the finished operations kept in the state file.
const maxOperations = 200

// state is everything that changes: computes (seeded with the fixture
// ones), operations, clusters AML created, and usage deltas. It is the
// content of the state file.
type state struct {
	Version    int            `json:"version"`
	Computes   []*computeRec  `json:"computes"`
	Operations []*operation   `json:"operations"`
	Clusters   []*cluster     `json:"clusters"`   // created by AML or by a managedClusters PUT
	Usage      map[string]int `json:"usageDelta"` // "sub|region|name" → change
	// Deleted lists fixture clusters deleted by a managedClusters DELETE
	// (lower-case ids).
	Deleted []string `json:"deletedClusters,omitempty"`
	// Extensions are the cluster extensions (fixture ones included).
	Extensions []*extensionRec `json:"extensions"`
	// Providers are the resource provider registrations that differ from
	// the fixtures ("sub|namespace", lower case).
	Providers map[string]*providerRec `json:"providers,omitempty"`
	// RoleBindings are the clusters' Trusted Access role bindings
	// (fixture ones included).
	RoleBindings []*roleBindingRec `json:"trustedAccessRoleBindings"`
}

func freshState() *state {
	return &state{Version: stateVersion, Computes: initialComputes(), Operations: []*operation{},
		Clusters: []*cluster{}, Usage: map[string]int{}, Extensions: initialExtensions(), Providers: map[string]*providerRec{},
		RoleBindings: initialRoleBindings()}
}

// computeRec is a compute as stored. Certificates and keys are never
// stored (stripped from PUT bodies).
type computeRec struct {
	Sub              string            `json:"subscription"`
	RG               string            `json:"resourceGroup"`
	Workspace        string            `json:"workspace"`
	Name             string            `json:"name"`
	Location         string            `json:"location"`
	Type             string            `json:"computeType"`
	ComputeLocation  string            `json:"computeLocation"`
	Description      *string           `json:"description,omitempty"`
	ResourceID       string            `json:"resourceId,omitempty"`
	Attached         bool              `json:"isAttachedCompute"`
	DisableLocalAuth bool              `json:"disableLocalAuth,omitempty"`
	State            string            `json:"provisioningState"`
	Errors           []armError        `json:"provisioningErrors,omitempty"`
	CreatedOn        time.Time         `json:"createdOn"`
	ModifiedOn       time.Time         `json:"modifiedOn"`
	OpID             string            `json:"operation,omitempty"`
	AKS              *aksProps         `json:"aks,omitempty"`
	K8s              *k8sProps         `json:"kubernetes,omitempty"`
	Identity         *identityJSON     `json:"identity,omitempty"`
	AML              json.RawMessage   `json:"amlCompute,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
}

// aksProps is the AKS compute's inner properties (stored and served).
type aksProps struct {
	AgentCount         *int            `json:"agentCount,omitempty"`
	AgentVMSize        string          `json:"agentVmSize,omitempty"`
	ClusterPurpose     string          `json:"clusterPurpose,omitempty"`
	ClusterFqdn        string          `json:"clusterFqdn,omitempty"`
	LoadBalancerType   string          `json:"loadBalancerType,omitempty"`
	LoadBalancerSubnet string          `json:"loadBalancerSubnet,omitempty"`
	Networking         *aksNet         `json:"aksNetworkingConfiguration,omitempty"`
	SSL                *sslConf        `json:"sslConfiguration,omitempty"`
	SystemServices     []systemService `json:"systemServices,omitempty"`
}

type aksNet struct {
	SubnetID         string `json:"subnetId,omitempty"`
	ServiceCidr      string `json:"serviceCidr,omitempty"`
	DNSServiceIP     string `json:"dnsServiceIP,omitempty"`
	DockerBridgeCidr string `json:"dockerBridgeCidr,omitempty"`
}

// sslConf has no cert or key on purpose: they are never echoed or stored.
type sslConf struct {
	Status                  string `json:"status,omitempty"`
	Cname                   string `json:"cname,omitempty"`
	LeafDomainLabel         string `json:"leafDomainLabel,omitempty"`
	OverwriteExistingDomain *bool  `json:"overwriteExistingDomain,omitempty"`
}

type systemService struct {
	SystemServiceType string `json:"systemServiceType"`
	PublicIPAddress   string `json:"publicIpAddress"`
	Version           string `json:"version"`
}

// armError is the ARM error shape ({"code","message","details"}).
type armError struct {
	Code    string     `json:"code"`
	Message string     `json:"message"`
	Target  string     `json:"target,omitempty"`
	Details []armError `json:"details,omitempty"`
}

// operation is a long-running create, attach, detach or delete. Its
// outcome is decided when it starts; it ends at Start+Duration by the
// clock, whichever process looks.
type operation struct {
	ID        string        `json:"id"`
	Kind      string        `json:"kind"`
	Sub       string        `json:"subscription"`
	RG        string        `json:"resourceGroup"`
	Workspace string        `json:"workspace"`
	Compute   string        `json:"compute"`
	Location  string        `json:"location"`
	Start     time.Time     `json:"start"`
	Duration  time.Duration `json:"duration"` // nanoseconds
	Outcome   string        `json:"outcome"`  // Succeeded | Failed
	Error     *armError     `json:"error,omitempty"`
	Cluster   *cluster      `json:"cluster,omitempty"` // create: appears on success; delete: removed on success
	Done      bool          `json:"done"`
	// Target is the cluster (lower-case id) of a cluster or extension
	// operation; Extension names the extension of an extension operation.
	Target    string `json:"target,omitempty"`
	Extension string `json:"extension,omitempty"`
	// Binding names the Trusted Access role binding of a binding operation.
	Binding string `json:"binding,omitempty"`
}

func (o *operation) end() time.Time { return o.Start.Add(o.Duration) }

// errStateCorrupt: the state file cannot be used (not JSON, truncated, not
// a regular file, unreadable); `amlaks --demo reset` replaces it.
var errStateCorrupt = errors.New("run `amlaks --demo reset` to restore the fixtures")

// errStateNotSaved: the state file could not be written (a full disk, a
// read-only directory); the change is dropped, not reported done.
var errStateNotSaved = errors.New("the demo state could not be saved: nothing was changed")

// errStateUntrusted: the state file is not one amlaks wrote for this user
// (files.ReadPrivate refused it); it is set aside.
var errStateUntrusted = errors.New("the demo state is not the user's own regular file")

type untrustedState struct{ err error }

func (e *untrustedState) Error() string        { return "sim: demo state: " + e.err.Error() }
func (e *untrustedState) Unwrap() error        { return e.err }
func (e *untrustedState) Is(target error) bool { return target == errStateUntrusted }

// errStateConflict: another Handler wrote the state file meanwhile.
var errStateConflict = errors.New("sim: the demo state changed meanwhile (another amlaks process); retry")

// maxStateFile caps what is read of the demo state.
const maxStateFile = 64 << 20

// readState loads path; (nil, nil, nil) if it does not exist. A file of
// another format version yields fresh fixtures.
func readState(path string) (*state, os.FileInfo, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sim: demo state %s: %w (%w)", path, err, errStateCorrupt)
	}
	// only the user's own regular file, read with a cap and a deadline: a
	// FIFO or /dev/zero put there must not hang or exhaust every command
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	b, err := files.ReadPrivate(ctx, path, maxStateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if files.Untrusted(err) {
		return nil, nil, &untrustedState{err}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sim: demo state %s: %w (%w)", path, err, errStateCorrupt)
	}
	var probe struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, nil, fmt.Errorf("sim: demo state %s is corrupt (%w): %v", path, errStateCorrupt, err)
	}
	if probe.Version != stateVersion {
		return freshState(), fi, nil
	}
	st := &state{}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, nil, fmt.Errorf("sim: demo state %s is corrupt (%w): %v", path, errStateCorrupt, err)
	}
	st.normalize()
	return st, fi, nil
}

// normalize drops nil entries and fills nil maps of a loaded state.
func (st *state) normalize() {
	if st.Usage == nil {
		st.Usage = map[string]int{}
	}
	if st.Providers == nil {
		st.Providers = map[string]*providerRec{}
	}
	exts := st.Extensions[:0]
	for _, e := range st.Extensions {
		if e != nil && e.Name != "" && e.Cluster != "" {
			exts = append(exts, e)
		}
	}
	st.Extensions = exts
	bs := st.RoleBindings[:0]
	for _, b := range st.RoleBindings {
		if b != nil && b.Name != "" && b.Cluster != "" {
			bs = append(bs, b)
		}
	}
	st.RoleBindings = bs
	cs := st.Computes[:0]
	for _, c := range st.Computes {
		if c != nil && c.Name != "" {
			cs = append(cs, c)
		}
	}
	st.Computes = cs
	ops := st.Operations[:0]
	for _, o := range st.Operations {
		if o != nil && o.ID != "" {
			ops = append(ops, o)
		}
	}
	st.Operations = ops
	cls := st.Clusters[:0]
	for _, c := range st.Clusters {
		if c != nil && c.Name != "" {
			cls = append(cls, c)
		}
	}
	st.Clusters = cls
}

// writeState writes st to path atomically (temp file + rename), mode 0600
// in a 0700 directory, and returns the new file's info.
func writeState(path string, st *state) (os.FileInfo, error) {
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return nil, fmt.Errorf("sim: demo state: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sim: demo state: %w", err)
	}
	f, err := os.CreateTemp(dir, ".demo-state-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("sim: demo state: %w", err)
	}
	tmp := f.Name()
	fail := func(err error) (os.FileInfo, error) {
		f.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("sim: demo state: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := writeTo(f, b); err != nil {
		return fail(err)
	}
	fi, err := f.Stat() // same inode and mtime after the rename
	if err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("sim: demo state: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("sim: demo state: %w", err)
	}
	return fi, nil
}

// writeTo writes the state's bytes (a test makes it fail as a full disk
// does).
var writeTo = func(f *os.File, b []byte) (int, error) { return f.Write(b) }

func sameFile(a, b os.FileInfo) bool {
	return a != nil && b != nil && os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// lockFile takes the cross-process lock beside the state file (path.lock):
// an OS file lock (flock, LockFileEx), which the kernel releases when the
// holding process dies — a crash or kill -9 never leaves a lock that stalls
// the next command, and a lock file's mtime means nothing.
func lockFile(ctx context.Context, path string) (release func(), err error) {
	l, err := files.Lock(ctx, path+".lock")
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("sim: demo state lock: %w", err)
	}
	return l.Unlock, nil
}

// removeStaleTemps deletes .demo-state-*.tmp files beside the state file.
// The caller holds the lock, and every writer writes its temp file under
// the lock, so any temp file seen now was left by a process that died
// between writing it and renaming it.
func removeStaleTemps(path string) {
	tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".demo-state-*.tmp"))
	for _, t := range tmps {
		_ = os.Remove(t)
	}
}

// begin takes the state for one request: the handler's mutex, the state
// file's lock, and an up-to-date state (syncLocked). end releases it.
func (h *Handler) begin(ctx context.Context) error {
	h.mu.Lock()
	if h.opts.StatePath != "" {
		release, err := lockFile(ctx, h.opts.StatePath)
		if err != nil {
			h.mu.Unlock()
			return err
		}
		h.release = release
		if !h.cleaned {
			removeStaleTemps(h.opts.StatePath)
			h.cleaned = true
		}
	}
	if err := h.syncLocked(); err != nil {
		h.end()
		return err
	}
	return nil
}

func (h *Handler) end() {
	if h.release != nil {
		h.release()
		h.release = nil
	}
	h.mu.Unlock()
}

// syncLocked brings h.st up to date: reloads the state file if another
// Handler (or process) replaced it, then finishes due operations (and
// saves if that changed anything). h.mu must be held.
func (h *Handler) syncLocked() error {
	if path := h.opts.StatePath; path != "" {
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// removed behind our back, or never saved (a change that could
			// not be written is not kept): fixtures again
			if h.seen != nil || h.unsaved {
				h.st, h.seen, h.unsaved = freshState(), nil, false
			}
		case err != nil:
			return fmt.Errorf("sim: demo state: %w", err)
		case !sameFile(h.seen, fi):
			st, fi, err := readState(path)
			if errors.Is(err, errStateUntrusted) {
				// not a file amlaks wrote (another user's, a FIFO, a device):
				// moved aside, and the fixtures take its place
				aside, rerr := files.SetAside(path)
				if rerr != nil {
					return err
				}
				if h.opts.OnNote != nil {
					h.opts.OnNote(fmt.Sprintf("note: the demo state %s could not be trusted (%v); moved aside as %s, the demo starts again from its fixtures", path, errors.Unwrap(err), aside))
				}
				h.st, h.seen, h.unsaved = freshState(), nil, false
				h.dirty = true
				break
			}
			if err != nil {
				return err
			}
			if st != nil {
				h.st, h.seen, h.unsaved = st, fi, false
			}
		}
	}
	h.advanceLocked(h.now())
	return h.saveLocked()
}

// saveLocked writes the state if it changed. On failure the next request
// reloads the file (dropping the unsaved change).
func (h *Handler) saveLocked() error {
	if !h.dirty {
		return nil
	}
	h.dirty = false
	if h.opts.StatePath == "" {
		return nil
	}
	// Optimistic concurrency: if another writer replaced the file since
	// syncLocked read it, drop this change (the next sync reloads theirs)
	// and let the client retry.
	cur, err := os.Stat(h.opts.StatePath)
	switch {
	case err == nil && !sameFile(h.seen, cur), err != nil && h.seen != nil:
		return errStateConflict
	}
	fi, err := writeState(h.opts.StatePath, h.st)
	if err != nil {
		// the next request starts again from the file (or the fixtures):
		// an unsaved change must not be answered as done later
		h.seen, h.unsaved = nil, true
		return fmt.Errorf("%w (%w)", err, errStateNotSaved)
	}
	h.seen = fi
	return nil
}

// advanceLocked applies the effects of every operation that has ended by
// now.
func (h *Handler) advanceLocked(now time.Time) {
	for _, op := range h.st.Operations {
		if op.Done || now.Before(op.end()) {
			continue
		}
		h.finishLocked(op)
		op.Done = true
		h.dirty = true
	}
	h.pruneLocked()
}

// pruneLocked keeps at most maxOperations operations, dropping the oldest
// finished ones.
func (h *Handler) pruneLocked() {
	extra := len(h.st.Operations) - maxOperations
	if extra <= 0 {
		return
	}
	kept := h.st.Operations[:0]
	for _, op := range h.st.Operations {
		if extra > 0 && op.Done {
			extra--
			continue
		}
		kept = append(kept, op)
	}
	h.st.Operations = kept
	h.dirty = true
}

// findComputeLocked returns the index of a compute (names compare
// case-insensitively, as in ARM), or -1.
func (h *Handler) findComputeLocked(sub, rg, ws, name string) int {
	for i, c := range h.st.Computes {
		if strings.EqualFold(c.Sub, sub) && strings.EqualFold(c.RG, rg) && strings.EqualFold(c.Workspace, ws) &&
			strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
}

func (h *Handler) findOpLocked(id string) *operation {
	for _, op := range h.st.Operations {
		if strings.EqualFold(op.ID, id) {
			return op
		}
	}
	return nil
}

// finishLocked applies op's end: the compute's final state, the cluster
// that appears or goes, the usage that follows.
func (h *Handler) finishLocked(op *operation) {
	if op.Target != "" {
		h.finishK8sLocked(op)
		return
	}
	i := h.findComputeLocked(op.Sub, op.RG, op.Workspace, op.Compute)
	var c *computeRec
	if i >= 0 && h.st.Computes[i].OpID == op.ID {
		c = h.st.Computes[i]
	}
	end := op.end().UTC()
	if c == nil {
		return // reset or replaced meanwhile
	}
	c.ModifiedOn = end
	c.OpID = ""
	if op.Outcome != "Succeeded" {
		c.State = "Failed"
		if op.Error != nil {
			c.Errors = []armError{*op.Error}
		}
		return
	}
	switch op.Kind {
	case "create":
		c.State = "Succeeded"
		if op.Cluster != nil {
			cl := *op.Cluster
			h.st.Clusters = append(h.st.Clusters, &cl)
			h.addUsageLocked(&cl, 1)
			c.ResourceID = cl.id()
			if c.AKS != nil {
				c.AKS.ClusterFqdn = fmt.Sprintf("%s.%s.cloudapp.azure.com", cl.Name, cl.Location)
				c.AKS.SystemServices = scoringFront(c.Name, c.AKS.LoadBalancerType)
			}
		}
	case "attach":
		c.State = "Succeeded"
		if cl := h.clusterByIDLocked(c.ResourceID); cl != nil && c.AKS != nil && len(cl.Pools) > 0 {
			n := cl.Pools[0].Count
			c.AKS.AgentCount, c.AKS.AgentVMSize = &n, cl.Pools[0].VMSize
			c.AKS.ClusterFqdn = cl.publicFQDN()
			if c.AKS.ClusterFqdn == "" {
				c.AKS.ClusterFqdn = cl.privateFQDN()
			}
			c.AKS.SystemServices = scoringFront(c.Name, c.AKS.LoadBalancerType)
		}
	case "detach", "delete":
		h.st.Computes = append(h.st.Computes[:i], h.st.Computes[i+1:]...)
		if op.Kind == "delete" && op.Cluster != nil {
			id := op.Cluster.id()
			for j, cl := range h.st.Clusters {
				if strings.EqualFold(cl.id(), id) {
					h.addUsageLocked(cl, -1)
					h.st.Clusters = append(h.st.Clusters[:j], h.st.Clusters[j+1:]...)
					break
				}
			}
		}
	}
}

// addUsageLocked records the usage change of c's pools (sign ±1).
func (h *Handler) addUsageLocked(c *cluster, sign int) {
	u := map[string]int{}
	addClusterUsage(h.w, u, c, sign)
	for k, v := range u {
		h.st.Usage[usageKey(c.Sub, c.Location, k)] += v
	}
}

func usageKey(sub, region, name string) string {
	return strings.ToLower(sub) + "|" + strings.ToLower(region) + "|" + name
}

// clustersLocked returns sub's clusters: fixtures, then those AML created.
func (h *Handler) clustersLocked(sub string) []*cluster {
	var out []*cluster
	for i := range h.w.clusters {
		if strings.EqualFold(h.w.clusters[i].Sub, sub) && !h.deletedLocked(h.w.clusters[i].id()) {
			out = append(out, &h.w.clusters[i])
		}
	}
	for _, c := range h.st.Clusters {
		if strings.EqualFold(c.Sub, sub) {
			out = append(out, c)
		}
	}
	return out
}

// clusterByIDLocked finds a cluster by ARM id (case-insensitive).
func (h *Handler) clusterByIDLocked(id string) *cluster {
	sub, rg, name, ok := parseClusterID(id)
	if !ok {
		return nil
	}
	return h.clusterLocked(sub, rg, name)
}

func (h *Handler) clusterLocked(sub, rg, name string) *cluster {
	for _, c := range h.clustersLocked(sub) {
		if strings.EqualFold(c.RG, rg) && strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// parseClusterID splits /subscriptions/{s}/resourceGroups/{rg}/providers/
// Microsoft.ContainerService/managedClusters/{name} (any case, leading
// slash optional).
func parseClusterID(id string) (sub, rg, name string, ok bool) {
	p := strings.Split(strings.Trim(strings.TrimSpace(id), "/"), "/")
	if len(p) != 8 || !strings.EqualFold(p[0], "subscriptions") || !strings.EqualFold(p[2], "resourcegroups") ||
		!strings.EqualFold(p[4], "providers") || !strings.EqualFold(p[5], "Microsoft.ContainerService") ||
		!strings.EqualFold(p[6], "managedClusters") || p[1] == "" || p[3] == "" || p[7] == "" {
		return "", "", "", false
	}
	return p[1], p[3], p[7], true
}
