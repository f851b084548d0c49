package wizard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/amlaks/amlaks/wizard/files"
)

// A Record is one create or attach of the current path, kept on this
// machine from before its first request until every phase is done: the
// answers (enough to rebuild the plan), what it owns in Azure, and each
// phase's state and resume token. Every entry point finds it by
// subscription, workspace and compute name (Records.Find): a re-run of
// create or attach, `status NAME`, the wizard. When the file is lost, what
// Azure's tags say rebuilds what can be (RecoverCreate).
type Record struct {
	Version       int       `json:"version"`
	Subscription  string    `json:"subscription"`
	ResourceGroup string    `json:"resourceGroup"`
	Workspace     string    `json:"workspace"`
	Name          string    `json:"name"`
	Mode          Mode      `json:"mode"`
	Started       time.Time `json:"started"`
	Updated       time.Time `json:"updated"`
	// Holder is the process running it now ("pid 1234 on host"), for the
	// words of a second process that waits for it.
	Holder string `json:"holder,omitempty"`
	// Plan is the plan's answers (secrets left out: a certificate's PEM is
	// read again from its file) and Sources where each came from.
	Plan    Plan             `json:"plan"`
	Sources map[Field]Source `json:"sources,omitempty"`
	// Owns are the resources this operation makes or changes.
	Cluster   Owned `json:"cluster"`
	Extension Owned `json:"extension"`
	Compute   Owned `json:"compute"`
	// Phases are the phases' states, in order.
	Phases []RecordPhase `json:"phases"`
	// Migrate is a migration's answers and path (Mode migrate; Name is
	// the Kubernetes compute it makes).
	Migrate *MigrateRecord `json:"migrate,omitempty"`
	// Recovered: rebuilt from Azure's tags, not read from this machine.
	Recovered bool `json:"-"`
}

// Owned is one resource of a record.
type Owned struct {
	Name string `json:"name,omitempty"`
	ID   string `json:"id,omitempty"`
	// Made: this operation creates it (false: it existed before).
	Made bool `json:"made,omitempty"`
}

// RecordPhase is one phase of a record: its state (PhaseSending before
// the request, PhaseAccepted once Azure answered, PhaseDone, PhaseFailed)
// and the operation Azure accepted (its resume token), read back by the
// run that continues it.
type RecordPhase struct {
	Kind  PhaseKind  `json:"kind"`
	State string     `json:"state"`
	Op    *Operation `json:"op,omitempty"`
}

// States of a record's phase.
const (
	PhasePending  = "pending"
	PhaseSending  = "sending" // the request is on its way: Azure has not answered
	PhaseAccepted = "accepted"
	PhaseDone     = "done"
	PhaseFailed   = "failed"
)

// recordVersion is the file format's version.
const recordVersion = 1

// NewRecord is the record of a plan about to be submitted: every phase
// pending.
func NewRecord(p *Plan, phases []PhaseKind) Record {
	now := time.Now().UTC()
	r := Record{Version: recordVersion, Subscription: p.Subscription, ResourceGroup: p.Workspace.ResourceGroup, Workspace: p.Workspace.Name,
		Name: p.Name, Mode: p.Mode, Started: now, Updated: now}
	r.SetPlan(p)
	id := p.TargetClusterID()
	r.Cluster = Owned{Name: clusterName(p), ID: id, Made: p.Mode == ModeCreate}
	r.Extension = Owned{Name: p.ExtensionSpec().Name, ID: id + "/providers/Microsoft.KubernetesConfiguration/extensions/" + extensionNameOr(p.ExtensionSpec().Name),
		Made: p.Mode == ModeCreate || p.InstallExtension}
	r.Compute = Owned{Name: p.Name, ID: p.Workspace.ID + "/computes/" + p.Name, Made: true}
	for _, k := range phases {
		r.Phases = append(r.Phases, RecordPhase{Kind: k, State: PhasePending})
	}
	return r
}

func extensionNameOr(n string) string {
	if n == "" {
		return ExtensionName
	}
	return n
}

// SetPlan keeps p's answers in the record: the facts read from Azure (the
// cluster, the extension) and the certificate's PEM are left out.
func (r *Record) SetPlan(p *Plan) {
	q := p.Clone()
	q.TLS.CertPEM, q.TLS.KeyPEM = nil, nil
	q.Cluster, q.Extension, q.sizes = nil, nil, nil
	r.Plan = *q
	r.Sources = q.from
}

// RebuildPlan is the plan the record was made from (the certificate's
// PEM is read again from its files by LoadTLSFiles).
func (r Record) RebuildPlan() *Plan {
	p := r.Plan.Clone()
	p.from = map[Field]Source{}
	for k, v := range r.Sources {
		p.from[k] = v
	}
	return p
}

// Ref is the record's workspace.
func (r Record) Ref() WorkspaceRef {
	return WorkspaceRef{SubscriptionID: r.Subscription, ResourceGroup: r.ResourceGroup, Name: r.Workspace}
}

// Phase is the record's phase of kind k (nil when the plan has none).
func (r *Record) Phase(k PhaseKind) *RecordPhase {
	for i := range r.Phases {
		if r.Phases[i].Kind == k {
			return &r.Phases[i]
		}
	}
	return nil
}

// Remaining are the phases not done yet, in order.
func (r Record) Remaining() []PhaseKind {
	var out []PhaseKind
	for _, ph := range r.Phases {
		if ph.State != PhaseDone {
			out = append(out, ph.Kind)
		}
	}
	return out
}

// What says what the operation is ("the create of k8s-dev1 on cluster
// aks-dev1").
func (r Record) What() string {
	if r.Migrate != nil {
		return fmt.Sprintf("the migration of %s to %s in %s (cluster %s)", r.Migrate.Options.Legacy, r.Name, r.Workspace, r.Cluster.Name)
	}
	return fmt.Sprintf("the %s of %s in %s (cluster %s)", r.Mode, r.Name, r.Workspace, r.Cluster.Name)
}

// ContinueHint says how an unfinished migration is continued: the
// wizard's Move a legacy AKS compute, or status on its new compute.
func (r Record) ContinueHint() string {
	return "continue it from " + MigrateChoice.Label + " (Mode step), or with `amlaks status " + r.Name + "`"
}

// Records keeps the records of this machine, one file per operation
// under Dir (0700; files 0600). A nil or Dir-less Records keeps none.
type Records struct{ Dir string }

func (s *Records) enabled() bool { return s != nil && s.Dir != "" }

func (s *Records) path(sub, rg, ws, name string) string {
	f := files.CleanName(sub) + "_" + files.CleanName(rg) + "_" + files.CleanName(ws) + "_" + files.CleanName(name) + ".json"
	return filepath.Join(s.Dir, f)
}

// maxRecordFile caps a record file's size.
const maxRecordFile = 1 << 20

// Load reads the record of one compute (ok false when there is none).
func (s *Records) Load(ctx context.Context, ws WorkspaceRef, name string) (Record, bool, error) {
	if !s.enabled() {
		return Record{}, false, nil
	}
	return s.read(ctx, s.path(ws.SubscriptionID, ws.ResourceGroup, ws.Name, name))
}

func (s *Records) read(ctx context.Context, path string) (Record, bool, error) {
	b, err := files.ReadPrivate(ctx, path, maxRecordFile)
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("read the operation record %s: %w", path, err)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil || r.Name == "" || r.Version != recordVersion {
		return Record{}, false, fmt.Errorf("read the operation record %s: not an amlaks record (remove it to start again)", path)
	}
	return r, true, nil
}

// Find looks for the record of compute name in workspace ws (its
// subscription and resource group when known: "" matches any). It is
// how an entry point that has only the names finds the operation; a
// migration is found by its legacy compute's name as well. Two
// matches (same workspace name in two groups) are an error naming both.
func (s *Records) Find(ctx context.Context, sub, rg, ws, name string) (Record, bool, error) {
	if name == "" {
		return Record{}, false, nil
	}
	found, err := s.scan(ctx, sub, rg, ws, name)
	if err != nil {
		return Record{}, false, err
	}
	switch len(found) {
	case 0:
		return Record{}, false, nil
	case 1:
		return found[0], true, nil
	}
	return Record{}, false, &Error{Kind: ErrBadRequest, Op: "find the unfinished operation of " + name,
		Message: fmt.Sprintf("%s has unfinished operations in workspaces %s named %s (groups %s and %s)", name, ws, ws, found[0].ResourceGroup, found[1].ResourceGroup),
		Hint:    "name the workspace's resource group with -g"}
}

// InWorkspace are the unfinished records of workspace ws (its
// subscription and resource group when known: "" matches any), by name:
// what the list views show besides Azure's computes.
func (s *Records) InWorkspace(ctx context.Context, ws WorkspaceRef) ([]Record, error) {
	out, err := s.scan(ctx, ws.SubscriptionID, ws.ResourceGroup, ws.Name, "")
	slices.SortFunc(out, func(a, b Record) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, err
}

// scan reads the records of workspace ws, of compute name ("": any);
// files that are not records are passed over.
func (s *Records) scan(ctx context.Context, sub, rg, ws, name string) ([]Record, error) {
	if !s.enabled() || ws == "" {
		return nil, nil
	}
	ents, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// (a migration's file is named by its new compute; it is found by its
	// legacy compute's name as well)
	in := "_" + files.CleanName(ws) + "_"
	var found []Record
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || !strings.Contains(e.Name(), in) {
			continue
		}
		r, ok, err := s.read(ctx, filepath.Join(s.Dir, e.Name()))
		if err != nil || !ok {
			continue
		}
		named := name == "" || strings.EqualFold(r.Name, name) || r.Migrate != nil && strings.EqualFold(r.Migrate.Options.Legacy, name)
		if !strings.EqualFold(r.Workspace, ws) || !named ||
			sub != "" && !strings.EqualFold(r.Subscription, sub) || rg != "" && !strings.EqualFold(r.ResourceGroup, rg) {
			continue
		}
		found = append(found, r)
	}
	return found, nil
}

// Next says where the record stands, for the list views: "unfinished
// create: extension phase next".
func (r Record) Next() string {
	left := r.Remaining()
	if len(left) == 0 {
		return "unfinished " + string(r.Mode) + ": every phase done"
	}
	return fmt.Sprintf("unfinished %s: %s phase next", r.Mode, left[0])
}

// NotListed are the records of recs whose compute is not in cs (Azure's
// list): a create or attach stopped before its attach, which the list
// views show as rows of their own.
func NotListed(recs []Record, cs []Compute) []Record {
	var out []Record
	for _, r := range recs {
		if !slices.ContainsFunc(cs, func(c Compute) bool { return strings.EqualFold(c.Name, r.Name) }) {
			out = append(out, r)
		}
	}
	return out
}

// Save writes the record (atomically: a temporary file renamed).
func (s *Records) Save(r *Record) error {
	if !s.enabled() {
		return nil
	}
	r.Updated = time.Now().UTC()
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return files.WritePrivate(s.path(r.Subscription, r.ResourceGroup, r.Workspace, r.Name), b)
}

// Remove deletes the record of one compute (none is fine).
func (s *Records) Remove(ws WorkspaceRef, name string) error {
	if !s.enabled() {
		return nil
	}
	err := os.Remove(s.path(ws.SubscriptionID, ws.ResourceGroup, ws.Name, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// RecordGuardKey is the OS lock of one record: one process runs an
// operation at a time.
func RecordGuardKey(ws WorkspaceRef, name string) string {
	return "record/" + strings.ToLower(ws.SubscriptionID+"/"+ws.ResourceGroup+"/"+ws.Name+"/"+name)
}

// holder names this process for the words of another one that waits.
func holder() string {
	h, _ := os.Hostname()
	if h == "" {
		h = "this machine"
	}
	return fmt.Sprintf("pid %d on %s", os.Getpid(), h)
}

// Disagreements are the answers given now (flags, marked Flag or Env in
// now) that differ from the record's: each names the field and both
// values. A re-run must agree with the operation it continues.
func (r Record) Disagreements(now *Plan) []string {
	was := r.RebuildPlan()
	var out []string
	for f, src := range now.from {
		if src != Flag && src != Env {
			continue
		}
		a, b := now.Value(f), was.Value(f)
		if f == FCluster || f == FNewCluster {
			a, b = clusterWord(now), clusterWord(was)
		}
		if a == "" || strings.EqualFold(a, b) {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %q now, %q in %s, which is unfinished", f, a, b, r.What()))
	}
	slices.Sort(out) // the same order each run (from is a map)
	return out
}

func clusterWord(p *Plan) string {
	if id := p.TargetClusterID(); id != "" {
		return strings.ToLower(clusterName(p))
	}
	return strings.ToLower(p.ClusterName)
}
