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

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
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
		// azureml-core's attach payload does (azure-facts §9): the
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
func (c *Client) Submit(ctx context.Context, ws wizard.WorkspaceRef, spec wizard.ComputeSpec) (wizard.Operation, error) {
	kind := wizard.OpCreate
	if spec.Attach() {
		kind = wizard.OpAttach
	}
	label := opLabel(kind, spec.Name)
	s, err := c.forSub(ws.SubscriptionID)
	if err != nil {
		return wizard.Operation{}, err
	}
	started := time.Now()
	p, err := s.computes.BeginCreateOrUpdate(ctx, ws.ResourceGroup, ws.Name, spec.Name, computeBody(ws.SubscriptionID, spec), nil)
	if err != nil {
		return wizard.Operation{}, mapError(label, err)
	}
	op := wizard.Operation{Kind: kind, Workspace: ws, Name: spec.Name, Started: started}
	if !p.Done() {
		tok, err := p.ResumeToken()
		if err != nil {
			return op, mapError(label, err)
		}
		op.Token = tok
		c.save(op)
	}
	return op, nil
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
	if !p.Done() {
		tok, err := p.ResumeToken()
		if err != nil {
			return op, mapError(label, err)
		}
		op.Token = tok
		c.save(op)
	}
	return op, nil
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
func cleanName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '.':
			return r
		}
		return '-'
	}, strings.ToLower(s))
}

// save writes the operation's resume token (dir 0700, file 0600). A failure
// does not fail the operation, which runs in Azure anyway: it is reported
// through OnNote.
func (c *Client) save(op wizard.Operation) {
	if err := c.writeOp(op); err != nil && c.opts.OnNote != nil {
		c.opts.OnNote("could not save the operation for `amlaks status " + op.Name + "`: " + err.Error())
	}
}

func (c *Client) writeOp(op wizard.Operation) error {
	path := c.pathOf(op)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(savedOp{Kind: op.Kind, Subscription: op.Workspace.SubscriptionID, ResourceGroup: op.Workspace.ResourceGroup,
		Workspace: op.Workspace.Name, Name: op.Name, Started: op.Started, Token: op.Token, Target: op.Target})
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".op-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// forget deletes the saved operation if it is still op (a newer one on the
// same name is kept).
func (c *Client) forget(op wizard.Operation) {
	path := c.pathOf(op)
	saved, ok, err := c.readOp(path)
	if err != nil || !ok || saved.Token == op.Token {
		_ = os.Remove(path)
	}
}

func (c *Client) readOp(path string) (wizard.Operation, bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return wizard.Operation{}, false, nil
	}
	if err != nil {
		return wizard.Operation{}, false, fmt.Errorf("read the saved operation: %w", err)
	}
	var s savedOp
	if err := json.Unmarshal(b, &s); err != nil || s.Token == "" {
		return wizard.Operation{}, false, fmt.Errorf("read the saved operation %s: not an amlaks operation file", path)
	}
	return wizard.Operation{Kind: s.Kind, Name: s.Name, Token: s.Token, Started: s.Started, Target: s.Target,
		Workspace: wizard.WorkspaceRef{SubscriptionID: s.Subscription, ResourceGroup: s.ResourceGroup, Name: s.Workspace}}, true, nil
}

// Pending returns the saved, unfinished operation on a compute, if any.
func (c *Client) Pending(ctx context.Context, ws wizard.WorkspaceRef, name string) (wizard.Operation, bool, error) {
	if err := ctx.Err(); err != nil {
		return wizard.Operation{}, false, err
	}
	return c.readOp(c.opPath(ws, name))
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

// maxPollWait caps a Retry-After on a poll answer.
const maxPollWait = 60 * time.Second

// Follow polls op every `every` (at least Options.PollEvery) and sends one
// Progress per poll, then a final one with Done set, then closes the
// channel. The saved token is deleted once the operation ended. Cancelling
// ctx closes the channel only: the operation goes on in Azure and its token
// is kept for Pending.
func (c *Client) Follow(ctx context.Context, op wizard.Operation, every time.Duration) <-chan wizard.Progress {
	ch := make(chan wizard.Progress, 1)
	go c.follow(ctx, op, every, ch)
	return ch
}

func (c *Client) follow(ctx context.Context, op wizard.Operation, every time.Duration, ch chan<- wizard.Progress) {
	defer close(ch)
	if every < c.opts.PollEvery {
		every = c.opts.PollEvery
	}
	label := opLabel(op.Kind, op.Name)
	if k8sKind(op.Kind) {
		label = k8sLabel(op)
	}
	var mu sync.Mutex
	var note string
	ctx = withNoteSink(ctx, func(s string) { mu.Lock(); note = s; mu.Unlock() })
	send := func(p wizard.Progress) bool {
		p.Elapsed = time.Since(op.Started)
		if op.Started.IsZero() {
			p.Elapsed = 0
		}
		p.Expected = c.expected(op.Kind)
		mu.Lock()
		if p.Note == "" {
			p.Note = note
		}
		note = ""
		mu.Unlock()
		select {
		case ch <- p:
			return true
		case <-ctx.Done():
			return false
		}
	}
	wait := func(d time.Duration) bool {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return true
		case <-ctx.Done():
			return false
		}
	}

	if k8sKind(op.Kind) {
		c.followK8s(ctx, op, every, send, wait)
		return
	}
	s, err := c.forSub(op.Workspace.SubscriptionID)
	if err != nil {
		send(wizard.Progress{Done: true, State: "Failed", Err: err})
		return
	}
	if op.Token == "" {
		// No poller to resume: Azure finished the operation in its first
		// answer, or it was started elsewhere (another machine, the studio).
		// The compute's own provisioning state tells how it goes.
		c.followCompute(ctx, s, op, every, send, wait)
		return
	}
	l, err := c.resume(ctx, s, op)
	if err != nil {
		if ctx.Err() == nil {
			send(wizard.Progress{Done: true, State: "Failed", Err: mapError(label, err)})
		}
		return
	}
	state := "InProgress"
	for {
		resp, err := l.Poll(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			m := mapError(label, err)
			if errors.Is(m, wizard.ErrNetwork) || errors.Is(m, wizard.ErrServer) || errors.Is(m, wizard.ErrThrottled) {
				// The operation goes on in Azure; poll again.
				if !send(wizard.Progress{State: state, Note: "could not poll the operation (" + m.Error() + "): trying again"}) || !wait(every) {
					return
				}
				continue
			}
			// The operation failed (some services answer the poll with the error).
			c.finish(ctx, s, op, nil, err, send)
			return
		}
		if st := stateOf(resp); st != "" {
			state = st
		}
		if l.Done() {
			res, err := l.result(ctx)
			if ctx.Err() != nil {
				return
			}
			c.finish(ctx, s, op, res, err, send)
			return
		}
		if strings.EqualFold(state, "InProgress") {
			// The async status says only InProgress; the compute says
			// Creating, Updating or Deleting, which the user understands.
			ws := op.Workspace
			if g, err := s.computes.Get(ctx, ws.ResourceGroup, ws.Name, op.Name, nil); err == nil {
				if ps := toCompute(&g.ComputeResource).State; ps != "" {
					state = ps
				}
			}
			if ctx.Err() != nil {
				return
			}
		}
		if !send(wizard.Progress{State: state}) {
			return
		}
		d := every
		if ra := retryAfter(resp); ra > d {
			d = min(ra, maxPollWait)
		}
		if !wait(d) {
			return
		}
	}
}

// finish sends the final Progress of an operation that ended with result
// res or error lroErr, and forgets its token.
func (c *Client) finish(ctx context.Context, s *subClients, op wizard.Operation, res *armmachinelearning.ComputeResource,
	lroErr error, send func(wizard.Progress) bool) {
	label := opLabel(op.Kind, op.Name)
	ws := op.Workspace
	if lroErr != nil {
		// The compute keeps the reasons in provisioningErrors.
		var details []wizard.OpError
		g, gerr := s.computes.Get(ctx, ws.ResourceGroup, ws.Name, op.Name, nil)
		if ctx.Err() != nil {
			return
		}
		// A status URL that is gone (an old token) says nothing about the
		// outcome: the compute does.
		statusGone := errors.Is(mapError(label, lroErr), wizard.ErrNotFound)
		switch {
		case gerr == nil:
			x := toCompute(&g.ComputeResource)
			if statusGone && op.Kind != wizard.OpDetach && x.State == string(armmachinelearning.ProvisioningStateSucceeded) {
				c.finish(ctx, s, op, &g.ComputeResource, nil, send)
				return
			}
			details = x.Errors
		case statusGone && op.Kind == wizard.OpDetach && errors.Is(mapError(label, gerr), wizard.ErrNotFound):
			c.finish(ctx, s, op, nil, nil, send)
			return
		}
		c.forget(op)
		state := "Failed"
		if strings.Contains(strings.ToLower(lroErr.Error()), "canceled") {
			state = "Canceled"
		}
		send(wizard.Progress{Done: true, State: state, Err: failedOp(label, lroErr, details)})
		return
	}
	if op.Kind == wizard.OpDetach {
		c.forget(op)
		send(wizard.Progress{Done: true, State: "Succeeded"})
		return
	}
	if res == nil || res.Properties == nil {
		g, err := s.computes.Get(ctx, ws.ResourceGroup, ws.Name, op.Name, nil)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			send(wizard.Progress{Done: true, State: "Unknown", Err: mapError(label, err)})
			return
		}
		res = &g.ComputeResource
	}
	x := toCompute(res)
	if x.Region != "" {
		fillVCPUs(&x, c.sizeLists(ctx, ws.SubscriptionID, []string{x.Region}, false))
	}
	c.forget(op)
	if x.State == string(armmachinelearning.ProvisioningStateFailed) || x.State == string(armmachinelearning.ProvisioningStateCanceled) {
		// Finished without an LRO error, but the compute says otherwise.
		e := &wizard.Error{Op: label, Code: "ProvisioningFailed", Message: "the compute's provisioning state is " + x.State, Details: x.Errors}
		classify(e, true)
		send(wizard.Progress{Done: true, State: x.State, Err: e})
		return
	}
	state := x.State
	if state == "" {
		state = "Succeeded"
	}
	send(wizard.Progress{Done: true, State: state, Compute: &x})
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
func (c *Client) followCompute(ctx context.Context, s *subClients, op wizard.Operation, every time.Duration,
	send func(wizard.Progress) bool, wait func(time.Duration) bool) {
	label := opLabel(op.Kind, op.Name)
	ws := op.Workspace
	for {
		g, err := s.computes.Get(ctx, ws.ResourceGroup, ws.Name, op.Name, nil)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			m := mapError(label, err)
			switch {
			case errors.Is(m, wizard.ErrNotFound) && op.Kind == wizard.OpDetach:
				c.finish(ctx, s, op, nil, nil, send)
				return
			case errors.Is(m, wizard.ErrNetwork) || errors.Is(m, wizard.ErrServer) || errors.Is(m, wizard.ErrThrottled):
				if !send(wizard.Progress{State: "InProgress", Note: "could not read the compute (" + m.Error() + "): trying again"}) || !wait(every) {
					return
				}
				continue
			}
			send(wizard.Progress{Done: true, State: "Unknown", Err: m})
			return
		}
		x := toCompute(&g.ComputeResource)
		switch x.State {
		case string(armmachinelearning.ProvisioningStateSucceeded):
			if op.Kind != wizard.OpDetach {
				c.finish(ctx, s, op, &g.ComputeResource, nil, send)
				return
			}
		case string(armmachinelearning.ProvisioningStateFailed), string(armmachinelearning.ProvisioningStateCanceled):
			c.forget(op)
			err := &wizard.Error{Kind: wizard.ErrFailed, Op: label, Code: x.State, Message: "the compute ended " + x.State}
			if len(x.Errors) > 0 {
				err.Code, err.Message = x.Errors[0].Code, x.Errors[0].Message
				classify(err, true)
				err.Details = dedupe(err, x.Errors)
			}
			send(wizard.Progress{Done: true, State: x.State, Err: err})
			return
		}
		if !send(wizard.Progress{State: x.State}) || !wait(every) {
			return
		}
	}
}
