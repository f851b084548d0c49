package azure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/files"
)

// computeBody builds the PUT body of a create (no resourceId) or an attach
// (resourceId = the AKS cluster; no size, count or VNet). It is the
// only builder: Submit sends it and Request shows it. Defaults are written
// out (purpose FastProd, a create's load balancer PublicIp) so the body
// shown says what Azure is asked for; an attach names a load balancer only
// when one was chosen; the load balancer subnet goes only with an internal
// load balancer.
func computeBody(sub string, spec wizard.ComputeSpec) armmachinelearning.ComputeResource {
	if spec.Type == wizard.ComputeKubernetes {
		return kubernetesComputeBody(spec)
	}
	purpose := spec.Purpose
	if purpose == "" {
		purpose = rules.Production
	}
	lb := spec.Network.LoadBalancer
	switch {
	case lb == "" || strings.EqualFold(lb, rules.PublicIP):
		lb = rules.PublicIP
	case strings.EqualFold(lb, rules.InternalLoadBalancer):
		lb = rules.InternalLoadBalancer
	}
	props := &armmachinelearning.AKSSchemaProperties{
		ClusterPurpose:   to.Ptr(armmachinelearning.ClusterPurpose(purpose)),
		LoadBalancerType: to.Ptr(armmachinelearning.LoadBalancerType(lb)),
	}
	if spec.Attach() && spec.Network.LoadBalancer == "" {
		// an attach asks for a load balancer only when one was chosen, as
		// azureml-core's attach payload does: the
		// cluster's own stays as it is
		props.LoadBalancerType = nil
	}
	if lb == rules.InternalLoadBalancer && spec.Network.LoadBalancerSubnet != "" {
		props.LoadBalancerSubnet = to.Ptr(spec.Network.LoadBalancerSubnet)
	}
	aks := &armmachinelearning.AKS{
		ComputeType: to.Ptr(armmachinelearning.ComputeTypeAKS),
		Properties:  props,
	}
	if spec.ComputeLocation != "" {
		aks.ComputeLocation = to.Ptr(spec.ComputeLocation)
	}
	if spec.Description != "" {
		aks.Description = to.Ptr(spec.Description)
	}
	if spec.Attach() {
		aks.ResourceID = to.Ptr(spec.ClusterID)
	} else {
		if spec.Nodes > 0 {
			props.AgentCount = to.Ptr(int32(spec.Nodes))
		}
		if spec.VMSize != "" {
			props.AgentVMSize = to.Ptr(spec.VMSize)
		}
		if n := spec.Network; customNetwork(n) {
			props.AksNetworkingConfiguration = &armmachinelearning.AksNetworkingConfiguration{
				SubnetID: to.Ptr("/subscriptions/" + sub + "/resourceGroups/" + n.VNetResourceGroup +
					"/providers/Microsoft.Network/virtualNetworks/" + n.VNet + "/subnets/" + n.Subnet),
				ServiceCidr:      optional(n.ServiceCIDR),
				DNSServiceIP:     optional(n.DNSServiceIP),
				DockerBridgeCidr: optional(n.DockerBridgeCIDR),
			}
		}
	}
	switch spec.TLS.Mode {
	case rules.TLSMicrosoft:
		props.SSLConfiguration = &armmachinelearning.SSLConfiguration{
			Status:                  to.Ptr(armmachinelearning.SSLConfigStatusAuto),
			LeafDomainLabel:         to.Ptr(spec.TLS.LeafDomainLabel),
			OverwriteExistingDomain: to.Ptr(spec.TLS.Overwrite),
		}
	case rules.TLSCustom:
		props.SSLConfiguration = &armmachinelearning.SSLConfiguration{
			Status: to.Ptr(armmachinelearning.SSLConfigStatusEnabled),
			Cert:   to.Ptr(string(spec.TLS.CertPEM)),
			Key:    to.Ptr(string(spec.TLS.KeyPEM)),
			Cname:  to.Ptr(spec.TLS.CNAME),
		}
	}
	return armmachinelearning.ComputeResource{Location: to.Ptr(spec.Location), Properties: aks}
}

// kubernetesComputeBody is the attach of a cluster as a Kubernetes compute
// (KubernetesCompute.json): resourceId, the namespace ("default" unless
// given) and the compute's identity (system-assigned unless a
// user-assigned identity's resource ID is given).
func kubernetesComputeBody(spec wizard.ComputeSpec) armmachinelearning.ComputeResource {
	ns := spec.Namespace
	if ns == "" {
		ns = "default"
	}
	k := &armmachinelearning.Kubernetes{
		ComputeType: to.Ptr(armmachinelearning.ComputeTypeKubernetes),
		ResourceID:  to.Ptr(spec.ClusterID),
		Properties:  &armmachinelearning.KubernetesProperties{Namespace: to.Ptr(ns)},
	}
	if spec.Description != "" {
		k.Description = to.Ptr(spec.Description)
	}
	id := &armmachinelearning.ManagedServiceIdentity{Type: to.Ptr(armmachinelearning.ManagedServiceIdentityTypeSystemAssigned)}
	if ua := spec.Identity; ua != "" && !strings.EqualFold(ua, "SystemAssigned") {
		id = &armmachinelearning.ManagedServiceIdentity{Type: to.Ptr(armmachinelearning.ManagedServiceIdentityTypeUserAssigned),
			UserAssignedIdentities: map[string]*armmachinelearning.UserAssignedIdentity{ua: {}}}
	}
	return armmachinelearning.ComputeResource{Location: to.Ptr(spec.Location), Identity: id, Properties: k}
}

// customNetwork reports whether any custom-VNet field is set (the same test
// as rules.Network.Custom, kept here so the body never depends on it).
func customNetwork(n rules.Network) bool {
	return n.VNetResourceGroup != "" || n.VNet != "" || n.Subnet != "" ||
		n.ServiceCIDR != "" || n.DNSServiceIP != "" || n.DockerBridgeCIDR != ""
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return to.Ptr(s)
}

func opLabel(kind wizard.OpKind, name string) string {
	switch kind {
	case wizard.OpCreate:
		return "create compute " + name
	case wizard.OpAttach:
		return "attach compute " + name
	case wizard.OpDetach:
		return "detach compute " + name
	}
	return string(kind) + " compute " + name
}

// Submit sends the create or attach PUT and returns once Azure accepted it.
// The resume token is saved under StateDir/ops (0600) for Pending.
//
// A PUT whose fate is in doubt — the connection dropped after it was sent,
// or Azure failed (5xx) on a try, and the SDK's retry then got a 409 or
// gave up — is settled by a GET of the compute (settle): if the compute is
// ours and still being created, the submit was accepted and the compute's
// own state is followed; if it belongs to someone else, the conflict is
// reported; if it cannot be read, amlaks says it lost track
// (ErrStoppedWatching) rather than guess.
func (c *Client) Submit(ctx context.Context, ws wizard.WorkspaceRef, spec wizard.ComputeSpec) (wizard.Operation, error) {
	kind := wizard.OpCreate
	if spec.Attach() {
		kind = wizard.OpAttach
	}
	label := opLabel(kind, spec.Name)
	if !spec.Attach() && (spec.Nodes < 0 || spec.Nodes > rules.MaxNodesPerPool) {
		// agentCount is an int32 in the API: never let a larger number be
		// cut to 32 bits on the way (issue 12).
		return wizard.Operation{}, &wizard.Error{Kind: wizard.ErrBadRequest, Op: label, Code: "InvalidNodeCount",
			Message: fmt.Sprintf("%d nodes: AKS allows 1 to %d nodes in a node pool", spec.Nodes, rules.MaxNodesPerPool),
			Hint:    "use --nodes between 1 and " + fmt.Sprint(rules.MaxNodesPerPool)}
	}
	s, err := c.forSub(ws.SubscriptionID)
	if err != nil {
		return wizard.Operation{}, err
	}
	started := time.Now()
	tc := &tryCounter{}
	p, err := s.computes.BeginCreateOrUpdate(context.WithValue(ctx, tryCounterKey{}, tc), ws.ResourceGroup, ws.Name, spec.Name,
		computeBody(ws.SubscriptionID, spec), nil)
	op := wizard.Operation{Kind: kind, Workspace: ws, Name: spec.Name, Started: started}
	if err != nil {
		m := mapError(label, err)
		if ctx.Err() == nil && tc.uncertain && (errors.Is(m, wizard.ErrConflict) || transient(m)) {
			return c.settle(ctx, s, op, spec, m)
		}
		return wizard.Operation{}, m
	}
	return c.started(op, p, label)
}

// createSkew is how much older than the submit a compute may say it was
// created and still count as ours (clocks of this machine and Azure differ).
const createSkew = 10 * time.Minute

// settle decides a PUT whose fate is in doubt (putErr is what the SDK
// returned) by reading the compute.
//
// "Ours" is decided from the body, as nothing else is sent that Azure
// would echo: same compute type (AKS); for an attach the same cluster
// resource ID; for a create the same VM size, node count and region; and,
// when Azure says when the compute was created, not before this submit
// (less createSkew). A compute that matches but is older is someone else's
// (or an earlier run's), so the conflict stands.
func (c *Client) settle(ctx context.Context, s *subClients, op wizard.Operation, spec wizard.ComputeSpec, putErr error) (wizard.Operation, error) {
	label := opLabel(op.Kind, op.Name)
	ws := op.Workspace
	g, err := s.computes.Get(ctx, ws.ResourceGroup, ws.Name, op.Name, nil)
	if err != nil {
		m := mapError(label, err)
		if errors.Is(m, wizard.ErrNotFound) {
			return wizard.Operation{}, putErr // it did not land
		}
		if ctx.Err() != nil {
			return wizard.Operation{}, m
		}
		return wizard.Operation{}, &wizard.Error{Kind: wizard.ErrStoppedWatching, Op: label,
			Message: "the request was sent but its answer was lost (" + putErr.Error() + "), and the compute cannot be read (" + m.Error() + ")",
			Hint:    "lost track, the operation may still be running: `amlaks status " + op.Name + "`"}
	}
	x := toCompute(&g.ComputeResource)
	if !ours(x, spec, op.Started) {
		if errors.Is(putErr, wizard.ErrConflict) {
			return wizard.Operation{}, putErr
		}
		return wizard.Operation{}, &wizard.Error{Kind: wizard.ErrConflict, Op: label, Code: "Conflict",
			Message: "a compute named " + op.Name + " exists and is not the one just requested",
			Hint:    "the name is used in this workspace; pick another name"}
	}
	if c.opts.OnNote != nil {
		c.opts.OnNote("the answer to the request was lost, but Azure has the compute as requested (" + x.State + "): following it")
	}
	op.Token = "" // followed through the compute's own state
	c.save(op)
	return op, nil
}

func ours(x wizard.Compute, spec wizard.ComputeSpec, started time.Time) bool {
	if !strings.EqualFold(x.Type, string(armmachinelearning.ComputeTypeAKS)) {
		return false
	}
	if !x.CreatedOn.IsZero() && x.CreatedOn.Before(started.Add(-createSkew)) {
		return false
	}
	if x.CreatedOn.IsZero() && x.State != "Creating" && x.State != "Updating" {
		return false // nothing tells it is new
	}
	if spec.Attach() {
		return x.Attached && rules.SameCluster(x.ClusterID, spec.ClusterID)
	}
	if x.Attached {
		return false
	}
	if spec.VMSize != "" && x.VMSize != "" && !strings.EqualFold(spec.VMSize, x.VMSize) {
		return false
	}
	if spec.Nodes > 0 && x.Nodes > 0 && spec.Nodes != x.Nodes {
		return false
	}
	if spec.ComputeLocation != "" && x.Region != "" && normRegion(spec.ComputeLocation) != x.Region {
		return false
	}
	return true
}

// Detach starts the detach of a compute (underlyingResourceAction=Detach:
// the AKS cluster is kept).
func (c *Client) Detach(ctx context.Context, ws wizard.WorkspaceRef, name string) (wizard.Operation, error) {
	label := opLabel(wizard.OpDetach, name)
	s, err := c.forSub(ws.SubscriptionID)
	if err != nil {
		return wizard.Operation{}, err
	}
	started := time.Now()
	p, err := s.computes.BeginDelete(ctx, ws.ResourceGroup, ws.Name, name, armmachinelearning.UnderlyingResourceActionDetach, nil)
	if err != nil {
		return wizard.Operation{}, mapError(label, err)
	}
	op := wizard.Operation{Kind: wizard.OpDetach, Workspace: ws, Name: name, Started: started}
	return c.started(op, p, label)
}

// ---- saved operations ----

type savedOp struct {
	Kind          wizard.OpKind `json:"kind"`
	Subscription  string        `json:"subscription"`
	ResourceGroup string        `json:"resourceGroup"`
	Workspace     string        `json:"workspace"`
	Name          string        `json:"name"`
	Started       time.Time     `json:"started"`
	Token         string        `json:"token"`
	Target        string        `json:"target,omitempty"`
}

func (c *Client) opPath(ws wizard.WorkspaceRef, name string) string {
	f := cleanName(ws.SubscriptionID) + "_" + cleanName(ws.ResourceGroup) + "_" + cleanName(ws.Name) + "_" + cleanName(name) + ".json"
	return filepath.Join(c.stateDir, "ops", f)
}

// pathOf is where op's token is kept: compute operations by workspace and
// compute name (Pending), cluster and extension operations by cluster and
// kind.
func (c *Client) pathOf(op wizard.Operation) string {
	if op.Target != "" && k8sKind(op.Kind) {
		return filepath.Join(c.stateDir, "ops", "cluster_"+cleanName(op.Target)+"_"+cleanName(string(op.Kind))+".json")
	}
	return c.opPath(op.Workspace, op.Name)
}

// cleanName keeps a file name portable.
func cleanName(s string) string { return files.CleanName(s) }

// save writes the operation's resume token (dir 0700, file 0600). A failure
// does not fail the operation, which runs in Azure anyway: it is reported
// through OnNote.
func (c *Client) save(op wizard.Operation) {
	if err := c.writeOp(op); err != nil && c.opts.OnNote != nil {
		c.opts.OnNote("could not save the operation for `amlaks status " + op.Name + "`: " + err.Error())
	}
}

func (c *Client) writeOp(op wizard.Operation) error {
	b, err := json.Marshal(savedOp{Kind: op.Kind, Subscription: op.Workspace.SubscriptionID, ResourceGroup: op.Workspace.ResourceGroup,
		Workspace: op.Workspace.Name, Name: op.Name, Started: op.Started, Token: op.Token, Target: op.Target})
	if err != nil {
		return err
	}
	return files.WritePrivate(c.pathOf(op), b)
}

// forget deletes the saved operation if it is still op (a newer one on the
// same name is kept).
func (c *Client) forget(op wizard.Operation) {
	path := c.pathOf(op)
	saved, ok, err := c.readOp(path)
	// an operation followed by its resource's state (its token lost
	// with the record) ended: a saved token of the same kind is stale
	if err != nil || !ok || saved.Token == op.Token || op.Token == "" && saved.Kind == op.Kind {
		_ = os.Remove(path)
	}
}

// maxOpFile caps the size of a saved operation file.
const maxOpFile = 1 << 20

func (c *Client) readOp(path string) (wizard.Operation, bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), diskTimeout)
	defer cancel()
	b, err := files.ReadPrivate(ctx, path, maxOpFile)
	if errors.Is(err, fs.ErrNotExist) {
		return wizard.Operation{}, false, nil
	}
	if err != nil {
		return wizard.Operation{}, false, fmt.Errorf("read the saved operation %s: %w", path, err)
	}
	var s savedOp
	if err := json.Unmarshal(b, &s); err != nil || s.Kind == "" || s.Name == "" {
		return wizard.Operation{}, false, fmt.Errorf("read the saved operation %s: not an amlaks operation file", path)
	}
	return wizard.Operation{Kind: s.Kind, Name: s.Name, Token: s.Token, Started: s.Started, Target: s.Target,
		Workspace: wizard.WorkspaceRef{SubscriptionID: s.Subscription, ResourceGroup: s.ResourceGroup, Name: s.Workspace}}, true, nil
}

// Pending returns the saved, unfinished operation on a compute, if any. A
// saved operation that cannot be read (corrupt, truncated, not a file) is
// reported through OnNote and set aside as NAME.json.corrupt; the caller
// then follows the compute's own state.
func (c *Client) Pending(ctx context.Context, ws wizard.WorkspaceRef, name string) (wizard.Operation, bool, error) {
	if err := ctx.Err(); err != nil {
		return wizard.Operation{}, false, err
	}
	path := c.opPath(ws, name)
	op, ok, err := c.readOp(path)
	if err == nil {
		return op, ok, nil
	}
	aside := path + ".corrupt"
	_ = os.RemoveAll(aside)
	if rerr := os.Rename(path, aside); rerr != nil {
		return wizard.Operation{}, false, &wizard.Error{Kind: wizard.ErrBadRequest, Op: "read the saved operation of " + name,
			Message: err.Error(), Hint: "remove " + path + " and run the command again"}
	}
	if c.opts.OnNote != nil {
		c.opts.OnNote("the saved operation of " + name + " is unreadable (" + err.Error() + "); set aside as " + aside + "; following the compute's own state")
	}
	return wizard.Operation{}, false, nil
}

// ---- following ----

// lro is the part of the SDK pollers Follow needs.
type lro interface {
	Poll(ctx context.Context) (*http.Response, error)
	Done() bool
	// result is the final compute (nil for a detach).
	result(ctx context.Context) (*armmachinelearning.ComputeResource, error)
}

type putLRO struct {
	*runtime.Poller[armmachinelearning.ComputeClientCreateOrUpdateResponse]
}

func (p putLRO) result(ctx context.Context) (*armmachinelearning.ComputeResource, error) {
	r, err := p.Result(ctx)
	if err != nil {
		return nil, err
	}
	return &r.ComputeResource, nil
}

type deleteLRO struct {
	*runtime.Poller[armmachinelearning.ComputeClientDeleteResponse]
}

func (p deleteLRO) result(ctx context.Context) (*armmachinelearning.ComputeResource, error) {
	_, err := p.Result(ctx)
	return nil, err
}

func (c *Client) resume(ctx context.Context, s *subClients, op wizard.Operation) (lro, error) {
	ws := op.Workspace
	if op.Kind == wizard.OpDetach {
		p, err := s.computes.BeginDelete(ctx, ws.ResourceGroup, ws.Name, op.Name, armmachinelearning.UnderlyingResourceActionDetach,
			&armmachinelearning.ComputeClientBeginDeleteOptions{ResumeToken: op.Token})
		if err != nil {
			return nil, err
		}
		return deleteLRO{p}, nil
	}
	p, err := s.computes.BeginCreateOrUpdate(ctx, ws.ResourceGroup, ws.Name, op.Name, armmachinelearning.ComputeResource{},
		&armmachinelearning.ComputeClientBeginCreateOrUpdateOptions{ResumeToken: op.Token})
	if err != nil {
		return nil, err
	}
	return putLRO{p}, nil
}

// maxPollWait caps a Retry-After on a poll answer and the back-off after
// failed polls.
const maxPollWait = 60 * time.Second

// pollDelay is the wait before the next poll of an operation: what Azure
// asked for in the poll's answer (retry-after-ms, x-ms-retry-after-ms or
// Retry-After; shorter or longer than every, as azcore's own pollers do),
// at most maxPollWait; every when Azure asked for nothing.
func pollDelay(resp *http.Response, every time.Duration) time.Duration {
	if ra := retryAfter(resp); ra > 0 {
		return min(ra, maxPollWait)
	}
	return every
}

// Follow stops watching an operation after FollowFactor × its expected
// duration, at least MinFollow, unless Options.FollowTimeout is set.
const (
	FollowFactor = 3
	MinFollow    = 30 * time.Second
)

// FollowTimeout is how long Follow watches an operation of kind k.
func (c *Client) FollowTimeout(k wizard.OpKind) time.Duration {
	if c.opts.FollowTimeout > 0 {
		return c.opts.FollowTimeout
	}
	return max(FollowFactor*c.expected(k), MinFollow)
}

// transient reports errors that say nothing about the operation: the
// network, Azure's servers, throttling, and sign-in (a token that could
// not be refreshed for a while, e.g. az failing).
func transient(err error) bool {
	return errors.Is(err, wizard.ErrNetwork) || errors.Is(err, wizard.ErrServer) || errors.Is(err, wizard.ErrThrottled) ||
		errors.Is(err, wizard.ErrNoCredential)
}

// lroFailed reports an error that is Azure's verdict on the operation
// (the poller read a Failed or Canceled status: an error whose HTTP status
// is the 2xx of the poll), as opposed to an error on the way.
func lroFailed(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode >= 200 && re.StatusCode < 300
}

// Follow polls op every `every` (at least Options.PollEvery), or after the
// wait Azure's answer asks for (pollDelay), and sends one
// Progress per poll, then a final one with Done set, then closes the
// channel. It ends in one of three ways: Azure says Succeeded (Compute
// set), Azure says Failed or Canceled (Err wraps ErrFailed or the mapped
// kind, with Azure's errors), or amlaks stops watching — its deadline
// (FollowTimeout) passed or an error it cannot get past — and Err wraps
// ErrStoppedWatching. The saved token is deleted only in the first two
// cases. Network, server, throttling and sign-in errors are retried with
// back-off until the deadline. Cancelling ctx closes the channel without a
// final Progress: the operation goes on in Azure and its token is kept.
func (c *Client) Follow(ctx context.Context, op wizard.Operation, every time.Duration) <-chan wizard.Progress {
	ch := make(chan wizard.Progress, 1)
	go c.follow(ctx, op, every, ch)
	return ch
}

// watch is one Follow: the caller's ctx (cancelled by a signal), the
// deadline's dctx, and the channel.
type watch struct {
	c     *Client
	s     *subClients
	op    wizard.Operation
	label string
	every time.Duration
	limit time.Duration
	ctx   context.Context
	dctx  context.Context
	ch    chan<- wizard.Progress
	fails int

	mu   sync.Mutex
	note string
	// last is the last state sent ("" before the first).
	last string
}

func (w *watch) send(p wizard.Progress) bool {
	p.Elapsed = time.Since(w.op.Started)
	if w.op.Started.IsZero() {
		p.Elapsed = 0
	}
	p.Expected = w.c.expected(w.op.Kind)
	w.mu.Lock()
	if p.Note == "" {
		p.Note = w.note
	}
	w.note = ""
	if p.State != "" {
		w.last = p.State
	}
	w.mu.Unlock()
	select {
	case w.ch <- p:
		return true
	case <-w.ctx.Done():
		return false
	}
}

// stop sends the final "stopped watching" Progress (the token is kept).
func (w *watch) stop(why string) {
	w.mu.Lock()
	state := w.last
	w.mu.Unlock()
	if state == "" {
		state = wizard.NotReported
	}
	w.send(wizard.Progress{Done: true, State: state, Err: &wizard.Error{Kind: wizard.ErrStoppedWatching, Op: w.label,
		Message: "stopped watching: " + why,
		Hint:    "lost track, the operation may still be running: `amlaks status " + w.op.Name + "`"}})
}

// over reports whether the follow must end now: the caller's ctx is done
// (nothing more is sent) or the deadline passed (a final "stopped
// watching" is sent).
func (w *watch) over() bool {
	if w.ctx.Err() != nil {
		return true
	}
	if w.dctx.Err() != nil {
		w.stop("no end after " + fmtDelay(w.limit) + " (the limit; change it with --timeout)")
		return true
	}
	return false
}

// wait sleeps d or until the deadline or ctx; false when the follow must end.
func (w *watch) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.dctx.Done():
		return !w.over()
	}
}

// retry reports a transient error and waits with back-off (every, 2×, 4×
// … up to maxPollWait); false when the follow must end.
func (w *watch) retry(state, what string, err error) bool {
	if state == "" {
		state = wizard.NotReported
	}
	w.fails++
	d := w.every << min(w.fails-1, 10)
	d = min(max(d, w.every), maxPollWait)
	if !w.send(wizard.Progress{State: state, Note: what + " (" + err.Error() + "): trying again in " + fmtDelay(d)}) {
		return false
	}
	return w.wait(d)
}

func (c *Client) follow(ctx context.Context, op wizard.Operation, every time.Duration, ch chan<- wizard.Progress) {
	defer close(ch)
	if every < c.opts.PollEvery {
		every = c.opts.PollEvery
	}
	w := &watch{c: c, op: op, label: followLabel(op), every: every, limit: c.FollowTimeout(op.Kind), ch: ch}
	w.ctx = withNoteSink(ctx, func(s string) { w.mu.Lock(); w.note = s; w.mu.Unlock() })
	var cancel context.CancelFunc
	w.dctx, cancel = context.WithTimeout(w.ctx, w.limit)
	defer cancel()

	if k8sKind(op.Kind) {
		w.followK8s()
		return
	}
	s, err := c.forSub(op.Workspace.SubscriptionID)
	if err != nil {
		w.stop(err.Error())
		return
	}
	w.s = s
	if op.Token == "" {
		// No poller to resume: Azure finished the operation in its first
		// answer, or it was started elsewhere (another machine, the studio),
		// or the submit was settled by reading the compute. The compute's own
		// provisioning state tells how it goes.
		w.followCompute()
		return
	}
	var l lro
	for {
		l, err = c.resume(w.dctx, s, op)
		if w.over() {
			return
		}
		if err == nil {
			break
		}
		if m := mapError(w.label, err); transient(m) {
			if !w.retry("InProgress", "could not resume the operation", m) {
				return
			}
			continue
		}
		// A token this SDK cannot read: the compute says how it goes.
		w.followCompute()
		return
	}
	state := "InProgress"
	for {
		resp, err := l.Poll(w.dctx)
		if w.over() {
			return
		}
		if err != nil {
			m := mapError(w.label, err)
			if transient(m) {
				// The operation goes on in Azure; poll again.
				if !w.retry(state, "could not poll the operation", m) {
					return
				}
				continue
			}
			// Any other error on the poll (a status URL that is gone, a
			// refusal) says nothing of the outcome: the compute does.
			w.followCompute()
			return
		}
		w.fails = 0
		if st := stateOf(resp); st != "" {
			state = st
		}
		if l.Done() {
			res, err := l.result(w.dctx)
			if w.over() {
				return
			}
			switch {
			case err != nil && lroFailed(err):
				w.failed(err)
			case err != nil, op.Kind != wizard.OpDetach && (res == nil || res.Properties == nil):
				// Ended, but the final read failed or was empty: the
				// compute's own state says how.
				w.followCompute()
			default:
				w.succeeded(res)
			}
			return
		}
		if strings.EqualFold(state, "InProgress") {
			// The async status says only InProgress; the compute says
			// Creating, Updating or Deleting, which the user understands.
			ws := op.Workspace
			if g, err := s.computes.Get(w.dctx, ws.ResourceGroup, ws.Name, op.Name, nil); err == nil {
				if ps := toCompute(&g.ComputeResource).State; ps != "" {
					state = ps
				}
			}
			if w.over() {
				return
			}
		}
		if !w.send(wizard.Progress{State: state}) {
			return
		}
		d := pollDelay(resp, every)
		if !w.wait(d) {
			return
		}
	}
}

// failed sends the final Progress of an operation Azure says failed, with
// the compute's provisioning errors, and forgets its token.
func (w *watch) failed(lroErr error) {
	ws := w.op.Workspace
	var details []wizard.OpError
	if w.op.Kind != wizard.OpDetach {
		// The compute keeps the reasons in provisioningErrors (best effort).
		if g, err := w.s.computes.Get(w.dctx, ws.ResourceGroup, ws.Name, w.op.Name, nil); err == nil {
			details = toCompute(&g.ComputeResource).Errors
		}
		if w.ctx.Err() != nil {
			return
		}
	}
	w.c.forget(w.op)
	state := "Failed"
	if strings.Contains(strings.ToLower(lroErr.Error()), "canceled") {
		state = "Canceled"
	}
	w.send(wizard.Progress{Done: true, State: state, Err: failedOp(w.label, lroErr, details)})
}

// succeeded sends the final Progress of an operation that ended well (res
// is the compute; nil for a detach) and forgets its token.
func (w *watch) succeeded(res *armmachinelearning.ComputeResource) {
	c, op := w.c, w.op
	if op.Kind == wizard.OpDetach {
		c.forget(op)
		w.send(wizard.Progress{Done: true, State: "Succeeded"})
		return
	}
	x := toCompute(res)
	if x.Region != "" {
		fillVCPUs(&x, c.sizeLists(w.dctx, op.Workspace.SubscriptionID, []string{x.Region}, false))
	}
	if w.ctx.Err() != nil {
		return
	}
	c.forget(op)
	if x.State == string(armmachinelearning.ProvisioningStateFailed) || x.State == string(armmachinelearning.ProvisioningStateCanceled) {
		// Finished without an LRO error, but the compute says otherwise.
		e := &wizard.Error{Op: w.label, Code: "ProvisioningFailed", Message: "the compute's provisioning state is " + x.State, Details: x.Errors}
		classify(e, true)
		w.send(wizard.Progress{Done: true, State: x.State, Err: e})
		return
	}
	state := x.State
	if state == "" {
		state = "Succeeded"
	}
	w.send(wizard.Progress{Done: true, State: state, Compute: &x})
}

// stateOf reads the state of a poll answer: the async-operation status, or
// the compute's provisioningState.
func stateOf(resp *http.Response) string {
	if resp == nil {
		return ""
	}
	b, err := runtime.Payload(resp)
	if err != nil || len(b) == 0 {
		return ""
	}
	var v struct {
		Status     string `json:"status"`
		Properties struct {
			ProvisioningState string `json:"provisioningState"`
		} `json:"properties"`
	}
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	if v.Status != "" {
		return v.Status
	}
	return v.Properties.ProvisioningState
}

// followCompute polls the compute itself until its provisioning state is
// terminal (for a detach: until it is gone).
func (w *watch) followCompute() {
	ws, op := w.op.Workspace, w.op
	for {
		g, err := w.s.computes.Get(w.dctx, ws.ResourceGroup, ws.Name, op.Name, nil)
		if w.over() {
			return
		}
		if err != nil {
			m := mapError(w.label, err)
			switch {
			case errors.Is(m, wizard.ErrNotFound) && op.Kind == wizard.OpDetach:
				w.succeeded(nil)
				return
			case transient(m):
				if !w.retry("InProgress", "could not read the compute", m) {
					return
				}
				continue
			case errors.Is(m, wizard.ErrNotFound):
				w.stop("the compute " + op.Name + " does not exist (any more), so the operation cannot be followed")
				return
			}
			w.stop("cannot read the compute: " + m.Error())
			return
		}
		w.fails = 0
		x := toCompute(&g.ComputeResource)
		switch x.State {
		case string(armmachinelearning.ProvisioningStateSucceeded):
			if op.Kind != wizard.OpDetach {
				w.succeeded(&g.ComputeResource)
				return
			}
		case string(armmachinelearning.ProvisioningStateFailed), string(armmachinelearning.ProvisioningStateCanceled):
			w.c.forget(op)
			err := &wizard.Error{Kind: wizard.ErrFailed, Op: w.label, Code: x.State, Message: "the compute ended " + x.State}
			if len(x.Errors) > 0 {
				err.Code, err.Message = x.Errors[0].Code, x.Errors[0].Message
				classify(err, true)
				err.Details = dedupe(err, x.Errors)
			}
			w.send(wizard.Progress{Done: true, State: x.State, Err: err})
			return
		}
		state := x.State
		if state == "" {
			state = "InProgress"
		}
		if !w.send(wizard.Progress{State: state}) || !w.wait(w.every) {
			return
		}
	}
}

// followLabel names what an operation does, for notes and errors.
func followLabel(op wizard.Operation) string {
	if k8sKind(op.Kind) {
		return k8sLabel(op)
	}
	return opLabel(op.Kind, op.Name)
}
