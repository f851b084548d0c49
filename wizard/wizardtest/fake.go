// Package wizardtest provides an in-memory wizard.Cloud for model tests of
// the wizard and ui packages: small fixed data named like the simulator's
// fixtures, call counting, injectable errors and latency, and operations
// that finish when the test says so. It imports wizard and rules only.
package wizardtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// Sub is the fake's default subscription.
const Sub = "00000000-0000-4000-8000-000000000001"

// Cloud is a fake wizard.Cloud. Zero value is not usable: call New.
type Cloud struct {
	mu       sync.Mutex
	Subs     []wizard.Subscription
	Regs     []wizard.Region
	WSs      []wizard.Workspace
	Comps    map[string][]wizard.Compute // by workspace name
	Vers     map[string][]rules.Version  // by region
	SizeL    map[string]wizard.SizeList  // by region
	Clus     []wizard.Cluster
	Errs     map[string]error // by method name: "Sizes", "Compute", ...
	Delay    map[string]time.Duration
	Calls    map[string]int
	Specs    []wizard.ComputeSpec // bodies submitted
	Outcome  error                // returned by Follow at the end (nil = success)
	Progress []string             // states Follow sends before the end
	// Running holds unfinished operations by compute name, returned by
	// Pending (nil: none).
	Running map[string]wizard.Operation

	// The current path (kubernetes.go).
	Provs          map[string]map[string]string    // registrationState by subscription (lower case) and namespace
	Exts           map[string]wizard.Extension     // the Azure ML extension by cluster ID (lower case)
	ClusterSpecs   []wizard.ClusterSpec            // AKS creates sent
	ExtensionSpecs []wizard.ExtensionSpec          // extension installs sent
	Bindings       map[string][]wizard.RoleBinding // Trusted Access role bindings by cluster ID (lower case)
	BindingSpecs   []wizard.RoleBindingSpec        // role binding creates sent
	Deleted        []string                        // clusters whose delete was sent
	Registered     []string                        // providers registered
	// PhaseOutcome fails the cluster, extension or delete operation of
	// that kind at its end; PhaseProgress overrides Progress per kind.
	PhaseOutcome  map[wizard.OpKind]error
	PhaseProgress map[wizard.OpKind][]string
	// StopAfter, when it returns true for an operation and a state, stops
	// watching there (as Ctrl+C would); the operation finishes "in Azure".
	StopAfter func(op wizard.Operation, state string) bool
	bg        []wizard.Operation
}

var _ wizard.Cloud = (*Cloud)(nil)

// WS is the fake's mlw-prod workspace.
var WS = wizard.Workspace{WorkspaceRef: wizard.WorkspaceRef{SubscriptionID: Sub, ResourceGroup: "rg-ml-prod", Name: "mlw-prod"},
	ID: "/subscriptions/" + Sub + "/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod", Region: "eastus"}

func clusterID(rg, name string) string {
	return "/subscriptions/" + Sub + "/resourceGroups/" + rg + "/providers/Microsoft.ContainerService/managedClusters/" + name
}

// New returns a fake with data shaped like the simulator's fixtures.
func New() *Cloud {
	vers := []rules.Version{
		{Version: "1.30", SupportPlans: []string{rules.PlanLTS}, Patches: map[string][]string{"1.30.10": {"1.31.7"}}},
		{Version: "1.31", SupportPlans: []string{rules.PlanOfficial}, Patches: map[string][]string{"1.31.7": {"1.32.4"}}},
		{Version: "1.32", Default: true, SupportPlans: []string{rules.PlanOfficial, rules.PlanLTS}, Patches: map[string][]string{"1.32.4": {"1.33.1"}}},
		{Version: "1.33", Preview: true, SupportPlans: []string{rules.PlanOfficial}, Patches: map[string][]string{"1.33.1": nil}},
	}
	dv2 := rules.Quota{Name: "standardDv2Family", Label: "Standard Dv2 Family vCPUs", Used: 8, Limit: 100}
	bs := rules.Quota{Name: "standardBSFamily", Label: "Standard BS Family vCPUs", Used: 0, Limit: 20}
	fs := rules.Quota{Name: "standardFSv2Family", Label: "Standard FSv2 Family vCPUs", Used: 6, Limit: 10}
	nc := rules.Quota{Name: "standardNCSv3Family", Label: "Standard NCSv3 Family vCPUs", Used: 0, Limit: 0}
	ds := rules.Quota{Name: "standardDSv3Family", Label: "Standard DSv3 Family vCPUs", Used: 12, Limit: 100}
	sizes := wizard.SizeList{Region: "eastus", RegionQuota: rules.Quota{Name: "cores", Label: "Total Regional vCPUs", Used: 26, Limit: 100}, Sizes: []wizard.VMSize{
		{Name: "Standard_B2s", Family: "standardBSFamily", VCPUs: 2, MemoryGB: 4, PricePerHour: 0.0416, FamilyQuota: bs},
		{Name: "Standard_D2_v2", Family: "standardDv2Family", VCPUs: 2, MemoryGB: 7, PricePerHour: 0.114, FamilyQuota: dv2},
		{Name: "Standard_D3_v2", Family: "standardDv2Family", VCPUs: 4, MemoryGB: 14, PricePerHour: 0.229, FamilyQuota: dv2},
		{Name: "Standard_D4s_v3", Family: "standardDSv3Family", VCPUs: 4, MemoryGB: 16, PricePerHour: 0.192, FamilyQuota: ds},
		{Name: "Standard_F4s_v2", Family: "standardFSv2Family", VCPUs: 4, MemoryGB: 8, PricePerHour: 0.169, FamilyQuota: fs},
		{Name: "Standard_NC6s_v3", Family: "standardNCSv3Family", VCPUs: 6, MemoryGB: 112, GPUs: 1, PricePerHour: 3.06, FamilyQuota: nc},
		{Name: "Standard_M8ms", Family: "standardMSFamily", VCPUs: 8, MemoryGB: 218.75, Restricted: "not available for this subscription in eastus"},
	}}
	west := sizes
	west.Region = "westeurope"
	c := &Cloud{
		Subs: []wizard.Subscription{{ID: Sub, Name: "Contoso ML (demo)", State: "Enabled", Default: true},
			{ID: "00000000-0000-4000-8000-000000000002", Name: "Contoso Sandbox (demo)", State: "Enabled"}},
		Regs: []wizard.Region{{Name: "eastus", DisplayName: "East US", Paired: []string{"westus"}},
			{Name: "westus", DisplayName: "West US", Paired: []string{"eastus"}},
			{Name: "westeurope", DisplayName: "West Europe", Paired: []string{"northeurope"}},
			{Name: "northeurope", DisplayName: "North Europe", Paired: []string{"westeurope"}}},
		WSs: []wizard.Workspace{WS, {WorkspaceRef: wizard.WorkspaceRef{SubscriptionID: Sub, ResourceGroup: "rg-research", Name: "mlw-research"}, Region: "westeurope",
			ID: "/subscriptions/" + Sub + "/resourceGroups/rg-research/providers/Microsoft.MachineLearningServices/workspaces/mlw-research"}},
		Comps: map[string][]wizard.Compute{"mlw-prod": {
			{Name: "cpu-cluster", Type: "AmlCompute", State: "Succeeded"},
			{Name: "aks-inference", Type: "AKS", State: "Succeeded", Purpose: rules.Production, Nodes: 3, VMSize: "Standard_D4s_v3", VCPUs: 12, Region: "eastus", ClusterID: clusterID("rg-aks", "aks-shared"), Attached: true},
		}},
		Vers:  map[string][]rules.Version{"eastus": vers, "westeurope": vers, "westus": vers, "northeurope": vers},
		SizeL: map[string]wizard.SizeList{"eastus": sizes, "westeurope": west},
		Clus: []wizard.Cluster{
			{ID: clusterID("rg-aks", "aks-shared"), Name: "aks-shared", ResourceGroup: "rg-aks", Region: "eastus", Version: "1.32.4", Pools: []rules.Pool{{Name: "nodepool1", Size: "Standard_D4s_v3", Count: 3, VCPUs: 4}}, LoadBalancerSKU: "standard", PowerState: "Running", ProvisioningState: "Succeeded"},
			{ID: clusterID("rg-aks", "aks-private"), Name: "aks-private", ResourceGroup: "rg-aks", Region: "eastus", Version: "1.32.4", Private: true, Pools: []rules.Pool{{Name: "nodepool1", Size: "Standard_D4s_v3", Count: 3, VCPUs: 4}}, LoadBalancerSKU: "standard", PowerState: "Running", ProvisioningState: "Succeeded"},
			{ID: clusterID("rg-aks", "aks-small"), Name: "aks-small", ResourceGroup: "rg-aks", Region: "eastus", Version: "1.31.7", Pools: []rules.Pool{{Name: "nodepool1", Size: "Standard_B2s", Count: 2, VCPUs: 2}}, LoadBalancerSKU: "standard", PowerState: "Running", ProvisioningState: "Succeeded"},
			{ID: clusterID("rg-aks", "aks-legacy"), Name: "aks-legacy", ResourceGroup: "rg-aks", Region: "eastus", Version: "1.24.10", Pools: []rules.Pool{{Name: "nodepool1", Size: "Standard_D4s_v3", Count: 3, VCPUs: 4}}, LoadBalancerSKU: "standard", PowerState: "Running", ProvisioningState: "Succeeded"},
			// added for the ui tests: the remaining attach outcomes of issue 5
			{ID: clusterID("rg-aks", "aks-locked"), Name: "aks-locked", ResourceGroup: "rg-aks", Region: "eastus", Version: "1.32.4", AuthorizedIPRanges: []string{"203.0.113.0/24"}, Pools: []rules.Pool{{Name: "nodepool1", Size: "Standard_D4s_v3", Count: 3, VCPUs: 4}}, LoadBalancerSKU: "standard", PowerState: "Running", ProvisioningState: "Succeeded"},
			{ID: clusterID("rg-aks", "aks-stopped"), Name: "aks-stopped", ResourceGroup: "rg-aks", Region: "eastus", Version: "1.32.4", Pools: []rules.Pool{{Name: "nodepool1", Size: "Standard_D4s_v3", Count: 3, VCPUs: 4}}, LoadBalancerSKU: "standard", PowerState: "Stopped", ProvisioningState: "Succeeded"},
			{ID: clusterID("rg-gpu", "aks-gpu-weu"), Name: "aks-gpu-weu", ResourceGroup: "rg-gpu", Region: "westeurope", Version: "1.32.4", Pools: []rules.Pool{{Name: "gpupool", Size: "Standard_NC6s_v3", Count: 3, VCPUs: 6}}, LoadBalancerSKU: "standard", PowerState: "Running", ProvisioningState: "Succeeded"},
			{ID: clusterID("rg-aks", "aks-preview"), Name: "aks-preview", ResourceGroup: "rg-aks", Region: "eastus", Version: "1.33.1", Pools: []rules.Pool{{Name: "nodepool1", Size: "Standard_D4s_v3", Count: 3, VCPUs: 4}}, LoadBalancerSKU: "standard", PowerState: "Running", ProvisioningState: "Succeeded"},
		},
		Errs:  map[string]error{},
		Delay: map[string]time.Duration{},
		Calls: map[string]int{},
	}
	k8sFixtures(c)
	return c
}

func (c *Cloud) enter(ctx context.Context, method string) error {
	c.mu.Lock()
	c.Calls[method]++
	err := c.Errs[method]
	d := c.Delay[method]
	c.mu.Unlock()
	if d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

// CallCount returns how often method was called.
func (c *Cloud) CallCount(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Calls[method]
}

// SetErr makes method fail with err (nil clears).
func (c *Cloud) SetErr(method string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Errs[method] = err
}

// Subscriptions implements wizard.Cloud.
func (c *Cloud) Subscriptions(ctx context.Context) ([]wizard.Subscription, error) {
	if err := c.enter(ctx, "Subscriptions"); err != nil {
		return nil, err
	}
	return c.Subs, nil
}

// Regions implements wizard.Cloud.
func (c *Cloud) Regions(ctx context.Context, sub string) ([]wizard.Region, error) {
	if err := c.enter(ctx, "Regions"); err != nil {
		return nil, err
	}
	return c.Regs, nil
}

// Workspaces implements wizard.Cloud.
func (c *Cloud) Workspaces(ctx context.Context, sub string) ([]wizard.Workspace, error) {
	if err := c.enter(ctx, "Workspaces"); err != nil {
		return nil, err
	}
	var out []wizard.Workspace
	for _, w := range c.WSs {
		if w.SubscriptionID == sub {
			out = append(out, w)
		}
	}
	return out, nil
}

// Computes implements wizard.Cloud.
func (c *Cloud) Computes(ctx context.Context, ws wizard.WorkspaceRef) ([]wizard.Compute, error) {
	if err := c.enter(ctx, "Computes"); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]wizard.Compute(nil), c.Comps[ws.Name]...), nil
}

// Compute implements wizard.Cloud.
func (c *Cloud) Compute(ctx context.Context, ws wizard.WorkspaceRef, name string) (wizard.Compute, error) {
	if err := c.enter(ctx, "Compute"); err != nil {
		return wizard.Compute{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cp := range c.Comps[ws.Name] {
		if strings.EqualFold(cp.Name, name) {
			return cp, nil
		}
	}
	return wizard.Compute{}, &wizard.Error{Kind: wizard.ErrNotFound, Code: "NotFound", Message: "compute " + name + " not found"}
}

// Versions implements wizard.Cloud.
func (c *Cloud) Versions(ctx context.Context, sub, region string) ([]rules.Version, error) {
	if err := c.enter(ctx, "Versions"); err != nil {
		return nil, err
	}
	v, ok := c.Vers[region]
	if !ok {
		return nil, &wizard.Error{Kind: wizard.ErrNotFound, Code: "NoRegisteredProviderFound", Message: "no versions in " + region}
	}
	return v, nil
}

// Sizes implements wizard.Cloud.
func (c *Cloud) Sizes(ctx context.Context, sub, region string) (wizard.SizeList, error) {
	if err := c.enter(ctx, "Sizes"); err != nil {
		return wizard.SizeList{}, err
	}
	c.mu.Lock()
	l, ok := c.SizeL[region]
	c.mu.Unlock()
	if !ok {
		return wizard.SizeList{Region: region}, nil
	}
	return l, nil
}

// Clusters implements wizard.Cloud.
func (c *Cloud) Clusters(ctx context.Context, sub string) ([]wizard.Cluster, error) {
	if err := c.enter(ctx, "Clusters"); err != nil {
		return nil, err
	}
	return c.Clus, nil
}

// Submit implements wizard.Cloud: records the spec and adds the compute
// in state Creating/Updating.
func (c *Cloud) Submit(ctx context.Context, ws wizard.WorkspaceRef, spec wizard.ComputeSpec) (wizard.Operation, error) {
	if err := c.enter(ctx, "Submit"); err != nil {
		return wizard.Operation{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Specs = append(c.Specs, spec)
	kind, state := wizard.OpCreate, "Creating"
	if spec.Attach() {
		kind, state = wizard.OpAttach, "Updating"
	}
	typ := "AKS"
	if spec.Type == wizard.ComputeKubernetes {
		typ = "Kubernetes"
		if _, ok := c.Exts[c.key(spec.ClusterID)]; !ok || !c.Exts[c.key(spec.ClusterID)].Healthy() {
			// Azure refuses a Kubernetes attach without a healthy extension
			return wizard.Operation{}, &wizard.Error{Kind: wizard.ErrBadRequest, Code: "BadRequest", Status: 400,
				Message: "the Azure ML extension is not installed or not healthy on " + spec.ClusterID}
		}
	}
	cp := wizard.Compute{Name: spec.Name, Type: typ, State: state, Purpose: spec.Purpose,
		Nodes: spec.Nodes, VMSize: spec.VMSize, Region: spec.ComputeLocation, ClusterID: spec.ClusterID, Namespace: spec.Namespace, Attached: spec.Attach()}
	replaced := false
	for i := range c.Comps[ws.Name] {
		if strings.EqualFold(c.Comps[ws.Name][i].Name, spec.Name) && typ == "Kubernetes" { // a PUT again (a re-run's retry)
			c.Comps[ws.Name][i], replaced = cp, true
		}
	}
	if !replaced {
		c.Comps[ws.Name] = append(c.Comps[ws.Name], cp)
	}
	return wizard.Operation{Kind: kind, Workspace: ws, Name: spec.Name, Token: "fake-token", Started: time.Now()}, nil
}

// Request implements wizard.Cloud with a stand-in: a small JSON summary of
// the spec (not Azure's body shape, which only the azure package builds),
// TLS contents never included. Tests of the screens that show a request
// assert that they show exactly what this returns. Errs["Request"] makes
// it fail.
func (c *Cloud) Request(ws wizard.WorkspaceRef, spec wizard.ComputeSpec) (wizard.Request, error) {
	if err := c.enter(context.Background(), "Request"); err != nil {
		return wizard.Request{}, err
	}
	if spec.Type == wizard.ComputeKubernetes {
		// a Kubernetes attach in the real body's shape;
		// the bytes Azure gets are asserted in azure's own tests
		ns := spec.Namespace
		if ns == "" {
			ns = "default"
		}
		id := `{"type": "SystemAssigned"}`
		if !wizard.IsSystemIdentity(spec.Identity) {
			id = fmt.Sprintf(`{"type": "UserAssigned", "userAssignedIdentities": {%q: {}}}`, spec.Identity)
		}
		body := fmt.Sprintf(`{"location": %q, "identity": %s, "properties": {"computeType": "Kubernetes", "resourceId": %q, "properties": {"namespace": %q}}}`,
			spec.Location, id, spec.ClusterID, ns)
		return wizard.Request{Method: "PUT", Endpoint: "https://management.example",
			Path: "/subscriptions/" + ws.SubscriptionID + "/resourceGroups/" + ws.ResourceGroup + "/workspaces/" + ws.Name + "/computes/" + spec.Name + "?api-version=fake",
			Body: []byte(body)}, nil
	}
	tls := spec.TLS.Mode.String()
	if spec.TLS.Mode == rules.TLSCustom {
		tls += " " + wizard.Redacted
	}
	body := fmt.Sprintf("{\n  \"fake\": \"wizardtest\",\n  \"name\": %q,\n  \"purpose\": %q,\n  \"cluster\": %q,\n  \"tls\": %q\n}",
		spec.Name, spec.Purpose, spec.ClusterID, tls)
	return wizard.Request{Method: "PUT", Endpoint: "https://management.example",
		Path: "/subscriptions/" + ws.SubscriptionID + "/resourceGroups/" + ws.ResourceGroup + "/workspaces/" + ws.Name + "/computes/" + spec.Name + "?api-version=fake",
		Body: []byte(body)}, nil
}

// Detach implements wizard.Cloud.
func (c *Cloud) Detach(ctx context.Context, ws wizard.WorkspaceRef, name string) (wizard.Operation, error) {
	if err := c.enter(ctx, "Detach"); err != nil {
		return wizard.Operation{}, err
	}
	return wizard.Operation{Kind: wizard.OpDetach, Workspace: ws, Name: name, Token: "fake-token", Started: time.Now()}, nil
}

// DetachRequest implements wizard.Cloud.
func (c *Cloud) DetachRequest(ws wizard.WorkspaceRef, name string) (wizard.Request, error) {
	return wizard.Request{Method: "DELETE", Endpoint: "https://management.example",
		Path: "/subscriptions/" + ws.SubscriptionID + "/resourceGroups/" + ws.ResourceGroup + "/workspaces/" + ws.Name + "/computes/" + name + "?api-version=fake&underlyingResourceAction=Detach"}, nil
}

// Pending implements wizard.Cloud.
func (c *Cloud) Pending(ctx context.Context, ws wizard.WorkspaceRef, name string) (wizard.Operation, bool, error) {
	if err := c.enter(ctx, "Pending"); err != nil {
		return wizard.Operation{}, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if op, ok := c.Running[name]; ok {
		return op, true, nil
	}
	return wizard.Operation{}, false, nil
}

// Follow implements wizard.Cloud: sends c.Progress states, then the end
// (c.Outcome), setting the compute's final state.
func (c *Cloud) Follow(ctx context.Context, op wizard.Operation, every time.Duration) <-chan wizard.Progress {
	ch := make(chan wizard.Progress, len(c.Progress)+1)
	switch op.Kind {
	case wizard.OpCluster, wizard.OpExtension, wizard.OpDelete, wizard.OpExtensionUpdate, wizard.OpTrustedAccess:
		go func() {
			defer close(ch)
			_ = c.enter(ctx, "Follow")
			c.followTarget(ctx, op, ch)
		}()
		return ch
	}
	go func() {
		defer close(ch)
		_ = c.enter(ctx, "Follow")
		for _, s := range c.Progress {
			select {
			case ch <- wizard.Progress{State: s, Elapsed: time.Since(op.Started), Expected: op.Kind.Expected()}:
			case <-ctx.Done():
				return
			}
		}
		c.mu.Lock()
		out := c.Outcome
		var final *wizard.Compute
		comps := c.Comps[op.Workspace.Name]
		for i := range comps {
			if comps[i].Name == op.Name {
				if op.Kind == wizard.OpDetach {
					c.Comps[op.Workspace.Name] = append(comps[:i:i], comps[i+1:]...)
					break
				}
				if out == nil {
					comps[i].State = "Succeeded"
				} else {
					comps[i].State = "Failed"
				}
				cp := comps[i]
				final = &cp
				break
			}
		}
		c.mu.Unlock()
		p := wizard.Progress{State: "Succeeded", Done: true, Compute: final, Elapsed: time.Since(op.Started), Expected: op.Kind.Expected()}
		if out != nil {
			p.State, p.Err, p.Compute = "Failed", out, nil
		}
		select {
		case ch <- p:
		case <-ctx.Done():
		}
	}()
	return ch
}

// SetSizes replaces a region's sizes while calls may be running (a
// command's prefetch can outlive it in an in-process test).
func (c *Cloud) SetSizes(region string, l wizard.SizeList) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.SizeL[region] = l
}
