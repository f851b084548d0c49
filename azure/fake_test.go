package azure

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7"
	computefake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v8"
	aksfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v8/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"
	mlfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
	subfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions/fake"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// fakes are the SDK's fake servers behind one transport that routes by
// resource provider.
type fakes struct {
	ml      mlfake.ServerFactory
	compute computefake.ServerFactory
	aks     aksfake.ServerFactory
	subs    subfake.ServerFactory
}

func (f *fakes) transport() policy.Transporter {
	ml := mlfake.NewServerFactoryTransport(&f.ml)
	co := computefake.NewServerFactoryTransport(&f.compute)
	ak := aksfake.NewServerFactoryTransport(&f.aks)
	su := subfake.NewServerFactoryTransport(&f.subs)
	return transportFunc(func(req *http.Request) (*http.Response, error) {
		p := strings.ToLower(req.URL.Path)
		switch {
		case strings.Contains(p, "/microsoft.machinelearningservices/"):
			return ml.Do(req)
		case strings.Contains(p, "/microsoft.compute/"):
			return co.Do(req)
		case strings.Contains(p, "/microsoft.containerservice/"):
			return ak.Do(req)
		}
		return su.Do(req)
	})
}

type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func fakeClient(t testing.TB, tr policy.Transporter, mod func(*Options)) *Client {
	t.Helper()
	o := Options{
		Credential:            &azfake.TokenCredential{},
		Transport:             tr,
		StateDir:              t.TempDir(),
		Retry:                 policy.RetryOptions{MaxRetries: -1},
		PollEvery:             time.Millisecond,
		DisableRPRegistration: true,
	}
	if mod != nil {
		mod(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var testWS = wizard.WorkspaceRef{SubscriptionID: "00000000-0000-4000-8000-000000000001", ResourceGroup: "rg-ml-prod", Name: "mlw-prod"}

// canon turns any JSON-marshalable value into generic JSON for comparison.
func canon(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func canonJSON(t *testing.T, s string) any {
	t.Helper()
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatalf("bad expected JSON: %v\n%s", err, s)
	}
	return out
}

// submitSpecs are the bodies every Submit test checks: the spec and the
// JSON the service must receive.
var submitSpecs = []struct {
	name string
	spec wizard.ComputeSpec
	body string
}{
	{"create default", wizard.ComputeSpec{Name: "aks-new", Location: "eastus", ComputeLocation: "eastus", Purpose: rules.Production, Nodes: 3, VMSize: "Standard_D3_v2"},
		`{"location":"eastus","properties":{"computeType":"AKS","computeLocation":"eastus","properties":{
			"agentCount":3,"agentVmSize":"Standard_D3_v2","clusterPurpose":"FastProd","loadBalancerType":"PublicIp"}}}`},
	{"create devtest vnet internal custom tls", wizard.ComputeSpec{Name: "aks-dev", Location: "eastus", ComputeLocation: "westus2", Description: "dev cluster",
		Purpose: rules.DevTest, Nodes: 1, VMSize: "Standard_D2s_v3",
		Network: rules.Network{VNetResourceGroup: "rg-net", VNet: "vnet-ml", Subnet: "snet-aks", ServiceCIDR: "10.0.0.0/16", DNSServiceIP: "10.0.0.10",
			DockerBridgeCIDR: "172.17.0.1/16", LoadBalancer: rules.InternalLoadBalancer, LoadBalancerSubnet: "snet-ilb"},
		TLS: rules.TLS{Mode: rules.TLSCustom, CertPEM: []byte("CERT"), KeyPEM: []byte("KEY"), CNAME: "ml.contoso.example"}},
		`{"location":"eastus","properties":{"computeType":"AKS","computeLocation":"westus2","description":"dev cluster","properties":{
			"agentCount":1,"agentVmSize":"Standard_D2s_v3","clusterPurpose":"DevTest","loadBalancerType":"InternalLoadBalancer","loadBalancerSubnet":"snet-ilb",
			"aksNetworkingConfiguration":{"subnetId":"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ml/subnets/snet-aks",
				"serviceCidr":"10.0.0.0/16","dnsServiceIP":"10.0.0.10","dockerBridgeCidr":"172.17.0.1/16"},
			"sslConfiguration":{"status":"Enabled","cert":"CERT","key":"KEY","cname":"ml.contoso.example"}}}}`},
	{"create microsoft tls", wizard.ComputeSpec{Name: "aks-tls", Location: "eastus", ComputeLocation: "eastus", Nodes: 3, VMSize: "Standard_D3_v2",
		TLS: rules.TLS{Mode: rules.TLSMicrosoft, LeafDomainLabel: "contoso", Overwrite: true}},
		`{"location":"eastus","properties":{"computeType":"AKS","computeLocation":"eastus","properties":{
			"agentCount":3,"agentVmSize":"Standard_D3_v2","clusterPurpose":"FastProd","loadBalancerType":"PublicIp",
			"sslConfiguration":{"status":"Auto","leafDomainLabel":"contoso","overwriteExistingDomain":true}}}}`},
	{"attach", wizard.ComputeSpec{Name: "aks-att", Location: "eastus", Purpose: rules.DevTest, Nodes: 9, VMSize: "ignored",
		ClusterID: "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-small"},
		`{"location":"eastus","properties":{"computeType":"AKS",
			"resourceId":"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-small",
			"properties":{"clusterPurpose":"DevTest"}}}`},
	// an attach may ask for an internal load balancer (AKSSchema applies to attach too)
	{"attach internal load balancer", wizard.ComputeSpec{Name: "aks-ilb", Location: "eastus", Purpose: rules.Production,
		ClusterID: "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-private",
		Network:   rules.Network{LoadBalancer: rules.InternalLoadBalancer, LoadBalancerSubnet: "snet-ilb"}},
		`{"location":"eastus","properties":{"computeType":"AKS",
			"resourceId":"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-private",
			"properties":{"clusterPurpose":"FastProd","loadBalancerType":"InternalLoadBalancer","loadBalancerSubnet":"snet-ilb"}}}`},
}

func TestSubmitBodyFake(t *testing.T) {
	for _, c := range submitSpecs {
		t.Run(c.name, func(t *testing.T) {
			var f fakes
			var got armmachinelearning.ComputeResource
			var gotName, gotRG, gotWS string
			f.ml.ComputeServer.BeginCreateOrUpdate = func(ctx context.Context, rg, ws, name string, p armmachinelearning.ComputeResource,
				_ *armmachinelearning.ComputeClientBeginCreateOrUpdateOptions) (r azfake.PollerResponder[armmachinelearning.ComputeClientCreateOrUpdateResponse], e azfake.ErrorResponder) {
				got, gotName, gotRG, gotWS = p, name, rg, ws
				r.AddNonTerminalResponse(http.StatusCreated, nil)
				r.SetTerminalResponse(http.StatusOK, armmachinelearning.ComputeClientCreateOrUpdateResponse{}, nil)
				return
			}
			cl := fakeClient(t, f.transport(), nil)
			op, err := cl.Submit(context.Background(), testWS, c.spec)
			if err != nil {
				t.Fatal(err)
			}
			if gotName != c.spec.Name || gotRG != "rg-ml-prod" || gotWS != "mlw-prod" {
				t.Errorf("path: %s %s %s", gotRG, gotWS, gotName)
			}
			if g, w := canon(t, got), canonJSON(t, c.body); !reflect.DeepEqual(g, w) {
				gb, _ := json.Marshal(g)
				t.Errorf("body\n got %s\nwant %s", gb, strings.Join(strings.Fields(c.body), ""))
			}
			aks, ok := got.Properties.(*armmachinelearning.AKS)
			if !ok {
				t.Fatalf("properties %T", got.Properties)
			}
			if c.spec.Attach() != (aks.ResourceID != nil) {
				t.Errorf("resourceId present=%v on attach=%v", aks.ResourceID != nil, c.spec.Attach())
			}
			wantKind := wizard.OpCreate
			if c.spec.Attach() {
				wantKind = wizard.OpAttach
			}
			if op.Kind != wantKind || op.Name != c.spec.Name || op.Token == "" || op.Started.IsZero() || op.Workspace != testWS {
				t.Errorf("operation %+v", op)
			}
			p, ok, err := cl.Pending(context.Background(), testWS, c.spec.Name)
			if err != nil || !ok || p.Token != op.Token || p.Kind != op.Kind || !p.Started.Equal(op.Started) {
				t.Errorf("pending %+v %v %v", p, ok, err)
			}
			fi, err := os.Stat(cl.opPath(testWS, c.spec.Name))
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("token file: %v %v", fi, err)
			}
			di, err := os.Stat(cl.stateDir + "/ops")
			if err != nil || di.Mode().Perm() != 0o700 {
				t.Errorf("ops dir: %v %v", di, err)
			}
		})
	}
}

func aksResource(name, state string, errs ...string) armmachinelearning.ComputeResource {
	a := &armmachinelearning.AKS{
		ComputeType:       to.Ptr(armmachinelearning.ComputeTypeAKS),
		ComputeLocation:   to.Ptr("eastus"),
		ProvisioningState: to.Ptr(armmachinelearning.ProvisioningState(state)),
		Properties: &armmachinelearning.AKSSchemaProperties{AgentCount: to.Ptr[int32](3), AgentVMSize: to.Ptr("Standard_D3_v2"),
			ClusterPurpose: to.Ptr(armmachinelearning.ClusterPurposeFastProd), ClusterFqdn: to.Ptr(name + "-abc.hcp.eastus.azmk8s.io")},
	}
	for i := 0; i+1 < len(errs); i += 2 {
		a.ProvisioningErrors = append(a.ProvisioningErrors, &armmachinelearning.ErrorResponse{Error: &armmachinelearning.ErrorDetail{
			Code: to.Ptr(errs[i]), Message: to.Ptr(errs[i+1])}})
	}
	return armmachinelearning.ComputeResource{
		ID:         to.Ptr("/subscriptions/s/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod/computes/" + name),
		Name:       to.Ptr(name),
		Location:   to.Ptr("eastus"),
		Properties: a,
	}
}

func drain(t *testing.T, ch <-chan wizard.Progress) []wizard.Progress {
	t.Helper()
	var out []wizard.Progress
	timeout := time.After(20 * time.Second)
	for {
		select {
		case p, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, p)
		case <-timeout:
			t.Fatalf("Follow did not end; got %+v", out)
		}
	}
}

func TestFollowSuccessFake(t *testing.T) {
	var f fakes
	f.ml.ComputeServer.BeginCreateOrUpdate = func(ctx context.Context, rg, ws, name string, p armmachinelearning.ComputeResource,
		_ *armmachinelearning.ComputeClientBeginCreateOrUpdateOptions) (r azfake.PollerResponder[armmachinelearning.ComputeClientCreateOrUpdateResponse], e azfake.ErrorResponder) {
		r.AddNonTerminalResponse(http.StatusCreated, nil)
		r.AddNonTerminalResponse(http.StatusOK, nil)
		r.AddNonTerminalResponse(http.StatusOK, nil)
		r.SetTerminalResponse(http.StatusOK, armmachinelearning.ComputeClientCreateOrUpdateResponse{ComputeResource: aksResource(name, "Succeeded")}, nil)
		return
	}
	cl := fakeClient(t, f.transport(), func(o *Options) { o.Expected = map[wizard.OpKind]time.Duration{wizard.OpCreate: 20 * time.Second} })
	op, err := cl.Submit(context.Background(), testWS, submitSpecs[0].spec)
	if err != nil {
		t.Fatal(err)
	}
	ps := drain(t, cl.Follow(context.Background(), op, time.Millisecond))
	if len(ps) < 2 {
		t.Fatalf("progress %+v", ps)
	}
	last := ps[len(ps)-1]
	if !last.Done || last.Err != nil || last.Compute == nil || last.Compute.Name != "aks-new" || last.Compute.State != "Succeeded" {
		t.Fatalf("final %+v", last)
	}
	for _, p := range ps[:len(ps)-1] {
		if p.Done || p.Expected != 20*time.Second || p.State == "" {
			t.Errorf("intermediate %+v", p)
		}
	}
	if _, ok, _ := cl.Pending(context.Background(), testWS, "aks-new"); ok {
		t.Error("token kept after success")
	}
}

func TestFollowFailureFake(t *testing.T) {
	var f fakes
	f.ml.ComputeServer.BeginCreateOrUpdate = func(ctx context.Context, rg, ws, name string, p armmachinelearning.ComputeResource,
		_ *armmachinelearning.ComputeClientBeginCreateOrUpdateOptions) (r azfake.PollerResponder[armmachinelearning.ComputeClientCreateOrUpdateResponse], e azfake.ErrorResponder) {
		r.AddNonTerminalResponse(http.StatusCreated, nil)
		r.SetTerminalError(http.StatusBadRequest, "QuotaExceeded")
		return
	}
	f.ml.ComputeServer.Get = func(ctx context.Context, rg, ws, name string, _ *armmachinelearning.ComputeClientGetOptions) (r azfake.Responder[armmachinelearning.ComputeClientGetResponse], e azfake.ErrorResponder) {
		r.SetResponse(http.StatusOK, armmachinelearning.ComputeClientGetResponse{ComputeResource: aksResource(name, "Failed",
			"QuotaExceeded", "Operation could not be completed as it results in exceeding approved standardDv2Family Cores quota. Current Limit: 10, Current Usage: 8, Additional Required: 12.")}, nil)
		return
	}
	cl := fakeClient(t, f.transport(), nil)
	op, err := cl.Submit(context.Background(), testWS, submitSpecs[0].spec)
	if err != nil {
		t.Fatal(err)
	}
	ps := drain(t, cl.Follow(context.Background(), op, time.Millisecond))
	last := ps[len(ps)-1]
	if !last.Done || last.Compute != nil || !errors.Is(last.Err, wizard.ErrQuota) {
		t.Fatalf("final %+v", last)
	}
	var we *wizard.Error
	errors.As(last.Err, &we)
	if len(we.Details) == 0 || we.Details[len(we.Details)-1].Code != "QuotaExceeded" || !strings.Contains(we.Hint, "allows 10 vCPUs") {
		t.Errorf("error %+v", *we)
	}
	if _, ok, _ := cl.Pending(context.Background(), testWS, "aks-new"); ok {
		t.Error("token kept after failure")
	}
}

func TestFollowCancelKeepsToken(t *testing.T) {
	var f fakes
	f.ml.ComputeServer.BeginCreateOrUpdate = func(ctx context.Context, rg, ws, name string, p armmachinelearning.ComputeResource,
		_ *armmachinelearning.ComputeClientBeginCreateOrUpdateOptions) (r azfake.PollerResponder[armmachinelearning.ComputeClientCreateOrUpdateResponse], e azfake.ErrorResponder) {
		for range 100 {
			r.AddNonTerminalResponse(http.StatusOK, nil)
		}
		r.SetTerminalResponse(http.StatusOK, armmachinelearning.ComputeClientCreateOrUpdateResponse{}, nil)
		return
	}
	cl := fakeClient(t, f.transport(), func(o *Options) { o.PollEvery = 50 * time.Millisecond })
	op, err := cl.Submit(context.Background(), testWS, submitSpecs[0].spec)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch := cl.Follow(ctx, op, 0)
	if p := <-ch; p.Done {
		t.Fatalf("first progress done: %+v", p)
	}
	cancel()
	for p := range ch {
		if p.Done {
			t.Errorf("done after cancel: %+v", p)
		}
	}
	if _, ok, _ := cl.Pending(context.Background(), testWS, "aks-new"); !ok {
		t.Error("token lost on cancel")
	}
}

func TestDetachFake(t *testing.T) {
	var f fakes
	var action armmachinelearning.UnderlyingResourceAction
	f.ml.ComputeServer.BeginDelete = func(ctx context.Context, rg, ws, name string, a armmachinelearning.UnderlyingResourceAction,
		_ *armmachinelearning.ComputeClientBeginDeleteOptions) (r azfake.PollerResponder[armmachinelearning.ComputeClientDeleteResponse], e azfake.ErrorResponder) {
		action = a
		r.AddNonTerminalResponse(http.StatusAccepted, nil)
		r.SetTerminalResponse(http.StatusOK, armmachinelearning.ComputeClientDeleteResponse{}, nil)
		return
	}
	cl := fakeClient(t, f.transport(), nil)
	op, err := cl.Detach(context.Background(), testWS, "aks-inference")
	if err != nil {
		t.Fatal(err)
	}
	if action != armmachinelearning.UnderlyingResourceActionDetach || op.Kind != wizard.OpDetach {
		t.Fatalf("action %q op %+v", action, op)
	}
	ps := drain(t, cl.Follow(context.Background(), op, 0))
	if last := ps[len(ps)-1]; !last.Done || last.Err != nil || last.Compute != nil || last.State != "Succeeded" {
		t.Errorf("final %+v", last)
	}
}

func TestErrorsThroughFakes(t *testing.T) {
	var f fakes
	f.ml.ComputeServer.Get = func(ctx context.Context, rg, ws, name string, _ *armmachinelearning.ComputeClientGetOptions) (r azfake.Responder[armmachinelearning.ComputeClientGetResponse], e azfake.ErrorResponder) {
		e.SetResponseError(http.StatusNotFound, "NotFound")
		return
	}
	f.ml.ComputeServer.BeginCreateOrUpdate = func(ctx context.Context, rg, ws, name string, p armmachinelearning.ComputeResource,
		_ *armmachinelearning.ComputeClientBeginCreateOrUpdateOptions) (r azfake.PollerResponder[armmachinelearning.ComputeClientCreateOrUpdateResponse], e azfake.ErrorResponder) {
		e.SetResponseError(http.StatusConflict, "Conflict")
		return
	}
	cl := fakeClient(t, f.transport(), nil)
	if _, err := cl.Compute(context.Background(), testWS, "nope"); !errors.Is(err, wizard.ErrNotFound) {
		t.Errorf("get: %v", err)
	}
	if _, err := cl.Submit(context.Background(), testWS, submitSpecs[0].spec); !errors.Is(err, wizard.ErrConflict) {
		t.Errorf("submit: %v", err)
	}
	if _, ok, _ := cl.Pending(context.Background(), testWS, submitSpecs[0].spec.Name); ok {
		t.Error("a refused submit saved a token")
	}

	// Credential failure.
	cred := &azfake.TokenCredential{}
	cred.SetError(azidentity.NewCredentialUnavailableError("AzureCLICredential: please run 'az login' to set up an account"))
	cl = fakeClient(t, f.transport(), func(o *Options) { o.Credential = cred })
	if _, err := cl.Compute(context.Background(), testWS, "x"); !errors.Is(err, wizard.ErrNoCredential) {
		t.Errorf("credential: %v", err)
	}
	// Network failure.
	cl = fakeClient(t, transportFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("dial tcp: lookup management.azure.com: no such host")
	}), nil)
	if _, err := cl.Workspaces(context.Background(), testWS.SubscriptionID); !errors.Is(err, wizard.ErrNetwork) {
		t.Errorf("network: %v", err)
	}
}

// sizeFakes serves 4 SKUs over two pages, AML sizes with prices, and usages.
func sizeFakes(f *fakes, calls *atomic.Int32, usagesFail bool) {
	sku := func(name, family, vcpus, mem, gpus string, restrict ...string) *armcompute.ResourceSKU {
		k := &armcompute.ResourceSKU{ResourceType: to.Ptr("virtualMachines"), Name: to.Ptr(name), Family: to.Ptr(family),
			Locations: []*string{to.Ptr("eastus")}}
		for _, c := range [][2]string{{"vCPUs", vcpus}, {"MemoryGB", mem}, {"GPUs", gpus}} {
			if c[1] != "" {
				k.Capabilities = append(k.Capabilities, &armcompute.ResourceSKUCapabilities{Name: to.Ptr(c[0]), Value: to.Ptr(c[1])})
			}
		}
		if len(restrict) == 2 {
			k.Restrictions = []*armcompute.ResourceSKURestrictions{{
				Type: to.Ptr(armcompute.ResourceSKURestrictionsType(restrict[0])), Values: []*string{to.Ptr("eastus")},
				ReasonCode: to.Ptr(armcompute.ResourceSKURestrictionsReasonCode(restrict[1]))}}
		}
		return k
	}
	f.compute.ResourceSKUsServer.NewListPager = func(o *armcompute.ResourceSKUsClientListOptions) (r azfake.PagerResponder[armcompute.ResourceSKUsClientListResponse]) {
		calls.Add(1)
		if o == nil || o.Filter == nil || *o.Filter != "location eq 'eastus'" {
			r.AddResponseError(http.StatusBadRequest, "BadFilter")
			return
		}
		r.AddPage(http.StatusOK, armcompute.ResourceSKUsClientListResponse{ResourceSKUsResult: armcompute.ResourceSKUsResult{Value: []*armcompute.ResourceSKU{
			sku("Standard_D3_v2", "standardDv2Family", "4", "14", ""),
			{ResourceType: to.Ptr("disks"), Name: to.Ptr("Premium_LRS")},
			sku("Standard_NC6s_v3", "standardNCSv3Family", "6", "112", "1"),
		}}}, nil)
		r.AddPage(http.StatusOK, armcompute.ResourceSKUsClientListResponse{ResourceSKUsResult: armcompute.ResourceSKUsResult{Value: []*armcompute.ResourceSKU{
			sku("Standard_PB6s", "standardPBSFamily", "6", "112", "", "Location", "NotAvailableForSubscription"),
			sku("Standard_D2s_v3", "standardDSv3Family", "2", "8", "", "Zone", "NotAvailableForSubscription"),
			sku("Standard_A1", "standardA0_A7Family", "", "", ""), // capabilities only from AML
		}}}, nil)
		return
	}
	f.compute.UsageServer.NewListPager = func(loc string, _ *armcompute.UsageClientListOptions) (r azfake.PagerResponder[armcompute.UsageClientListResponse]) {
		calls.Add(1)
		if usagesFail {
			r.AddResponseError(http.StatusForbidden, "AuthorizationFailed")
			return
		}
		u := func(name, label string, used int32, limit int64) *armcompute.Usage {
			return &armcompute.Usage{Name: &armcompute.UsageName{Value: to.Ptr(name), LocalizedValue: to.Ptr(label)}, CurrentValue: to.Ptr(used), Limit: to.Ptr(limit), Unit: to.Ptr("Count")}
		}
		r.AddPage(http.StatusOK, armcompute.UsageClientListResponse{ListUsagesResult: armcompute.ListUsagesResult{Value: []*armcompute.Usage{
			u("cores", "Total Regional vCPUs", 12, 100), u("StandardDv2Family", "Standard Dv2 Family vCPUs", 8, 10)}}}, nil)
		r.AddPage(http.StatusOK, armcompute.UsageClientListResponse{ListUsagesResult: armcompute.ListUsagesResult{Value: []*armcompute.Usage{
			u("standardNCSv3Family", "Standard NCSv3 Family vCPUs", 0, 0)}}}, nil)
		return
	}
	f.ml.VirtualMachineSizesServer.List = func(ctx context.Context, loc string, _ *armmachinelearning.VirtualMachineSizesClientListOptions) (r azfake.Responder[armmachinelearning.VirtualMachineSizesClientListResponse], e azfake.ErrorResponder) {
		calls.Add(1)
		price := func(p float64) *armmachinelearning.EstimatedVMPrices {
			return &armmachinelearning.EstimatedVMPrices{BillingCurrency: to.Ptr(armmachinelearning.BillingCurrencyUSD), UnitOfMeasure: to.Ptr(armmachinelearning.UnitOfMeasureOneHour),
				Values: []*armmachinelearning.EstimatedVMPrice{
					{OSType: to.Ptr(armmachinelearning.VMPriceOSTypeWindows), VMTier: to.Ptr(armmachinelearning.VMTierStandard), RetailPrice: to.Ptr(p * 2)},
					{OSType: to.Ptr(armmachinelearning.VMPriceOSTypeLinux), VMTier: to.Ptr(armmachinelearning.VMTierLowPriority), RetailPrice: to.Ptr(p / 5)},
					{OSType: to.Ptr(armmachinelearning.VMPriceOSTypeLinux), VMTier: to.Ptr(armmachinelearning.VMTierStandard), RetailPrice: to.Ptr(p)},
				}}
		}
		r.SetResponse(http.StatusOK, armmachinelearning.VirtualMachineSizesClientListResponse{VirtualMachineSizeListResult: armmachinelearning.VirtualMachineSizeListResult{
			Value: []*armmachinelearning.VirtualMachineSize{
				{Name: to.Ptr("Standard_D3_v2"), Family: to.Ptr("standardDv2Family"), VCPUs: to.Ptr[int32](4), MemoryGB: to.Ptr(14.0), EstimatedVMPrices: price(0.229)},
				{Name: to.Ptr("Standard_A1"), Family: to.Ptr("standardA0_A7Family"), VCPUs: to.Ptr[int32](1), MemoryGB: to.Ptr(1.75)},
			}}}, nil)
		return
	}
}

func TestSizesJoinFake(t *testing.T) {
	var f fakes
	var calls atomic.Int32
	sizeFakes(&f, &calls, false)
	cl := fakeClient(t, f.transport(), nil)
	l, err := cl.Sizes(context.Background(), testWS.SubscriptionID, "eastus")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range l.Sizes {
		names = append(names, s.Name)
	}
	if want := []string{"Standard_A1", "Standard_D2s_v3", "Standard_D3_v2", "Standard_NC6s_v3", "Standard_PB6s"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("sizes %v, want %v", names, want)
	}
	if l.Region != "eastus" || l.QuotaUnknown || l.RegionQuota != (rules.Quota{Name: "cores", Label: "Total Regional vCPUs", Used: 12, Limit: 100}) {
		t.Errorf("list %+v", l)
	}
	d3, _ := l.Find("standard_d3_v2")
	if d3.VCPUs != 4 || d3.MemoryGB != 14 || d3.PricePerHour != 0.229 || d3.Restricted != "" || d3.FPGA ||
		d3.FamilyQuota != (rules.Quota{Name: "StandardDv2Family", Label: "Standard Dv2 Family vCPUs", Used: 8, Limit: 10}) {
		t.Errorf("D3_v2 %+v", d3)
	}
	nc, _ := l.Find("Standard_NC6s_v3")
	if nc.GPUs != 1 || nc.FamilyQuota.Limit != 0 || nc.FamilyQuota.Name != "standardNCSv3Family" || nc.PricePerHour != 0 {
		t.Errorf("NC6s_v3 %+v", nc)
	}
	pb, _ := l.Find("Standard_PB6s")
	if !pb.FPGA || pb.Restricted != "not available for this subscription in eastus" {
		t.Errorf("PB6s %+v", pb)
	}
	if d2, _ := l.Find("Standard_D2s_v3"); d2.Restricted != "" {
		t.Errorf("zone restriction hides the size: %+v", d2)
	}
	if a1, _ := l.Find("Standard_A1"); a1.VCPUs != 1 || a1.MemoryGB != 1.75 {
		t.Errorf("A1 AML fallback %+v", a1)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
	// Cached: no new calls; concurrent callers share one fetch.
	if _, err := cl.Sizes(context.Background(), testWS.SubscriptionID, "East US"); err != nil || calls.Load() != 3 {
		t.Errorf("cache: %d calls %v", calls.Load(), err)
	}
	cl = fakeClient(t, f.transport(), nil)
	calls.Store(0)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := cl.Sizes(context.Background(), testWS.SubscriptionID, "eastus"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := calls.Load(); n != 3 {
		t.Errorf("concurrent: %d calls, want 3", n)
	}
}

func TestSizesQuotaUnknownFake(t *testing.T) {
	var f fakes
	var calls atomic.Int32
	sizeFakes(&f, &calls, true)
	cl := fakeClient(t, f.transport(), nil)
	l, err := cl.Sizes(context.Background(), testWS.SubscriptionID, "eastus")
	if err != nil {
		t.Fatal(err)
	}
	if !l.QuotaUnknown || len(l.Sizes) != 5 {
		t.Errorf("list %+v", l)
	}
	if _, err := cl.Sizes(context.Background(), testWS.SubscriptionID, "westus"); !errors.Is(err, wizard.ErrBadRequest) {
		t.Errorf("SKU failure: %v", err)
	}
}

func TestReadsFake(t *testing.T) {
	var f fakes
	var calls atomic.Int32
	sizeFakes(&f, &calls, false)
	sub := testWS.SubscriptionID
	f.subs.Server.NewListPager = func(*armsubscriptions.ClientListOptions) (r azfake.PagerResponder[armsubscriptions.ClientListResponse]) {
		r.AddPage(http.StatusOK, armsubscriptions.ClientListResponse{SubscriptionListResult: armsubscriptions.SubscriptionListResult{Value: []*armsubscriptions.Subscription{
			{SubscriptionID: to.Ptr(sub), DisplayName: to.Ptr("Contoso ML (demo)"), TenantID: to.Ptr("t"), State: to.Ptr(armsubscriptions.SubscriptionStateEnabled)}}}}, nil)
		r.AddPage(http.StatusOK, armsubscriptions.ClientListResponse{SubscriptionListResult: armsubscriptions.SubscriptionListResult{Value: []*armsubscriptions.Subscription{
			{SubscriptionID: to.Ptr("00000000-0000-4000-8000-000000000002"), DisplayName: to.Ptr("Contoso Sandbox (demo)"), State: to.Ptr(armsubscriptions.SubscriptionStateWarned)}}}}, nil)
		return
	}
	loc := func(name, display string, rt armsubscriptions.RegionType, pairs ...string) *armsubscriptions.Location {
		l := &armsubscriptions.Location{Name: to.Ptr(name), DisplayName: to.Ptr(display), Type: to.Ptr(armsubscriptions.LocationTypeRegion),
			Metadata: &armsubscriptions.LocationMetadata{RegionType: to.Ptr(rt)}}
		for _, p := range pairs {
			l.Metadata.PairedRegion = append(l.Metadata.PairedRegion, &armsubscriptions.PairedRegion{Name: to.Ptr(p)})
		}
		return l
	}
	f.subs.Server.NewListLocationsPager = func(s string, _ *armsubscriptions.ClientListLocationsOptions) (r azfake.PagerResponder[armsubscriptions.ClientListLocationsResponse]) {
		r.AddPage(http.StatusOK, armsubscriptions.ClientListLocationsResponse{LocationListResult: armsubscriptions.LocationListResult{Value: []*armsubscriptions.Location{
			loc("westus", "West US", armsubscriptions.RegionTypePhysical, "eastus"),
			loc("global", "Global", armsubscriptions.RegionTypeLogical),
			loc("eastus", "East US", armsubscriptions.RegionTypePhysical, "westus"),
			loc("eastus2", "East US 2", armsubscriptions.RegionTypePhysical, "centralus"),
		}}}, nil)
		return
	}
	f.aks.ManagedClustersServer.ListKubernetesVersions = func(ctx context.Context, location string, _ *armcontainerservice.ManagedClustersClientListKubernetesVersionsOptions) (r azfake.Responder[armcontainerservice.ManagedClustersClientListKubernetesVersionsResponse], e azfake.ErrorResponder) {
		r.SetResponse(http.StatusOK, armcontainerservice.ManagedClustersClientListKubernetesVersionsResponse{KubernetesVersionListResult: armcontainerservice.KubernetesVersionListResult{
			Values: []*armcontainerservice.KubernetesVersion{
				{Version: to.Ptr("1.9"), Capabilities: &armcontainerservice.KubernetesVersionCapabilities{SupportPlan: []*armcontainerservice.KubernetesSupportPlan{to.Ptr(armcontainerservice.KubernetesSupportPlanAKSLongTermSupport)}}},
				{Version: to.Ptr("1.31"), IsDefault: to.Ptr(true), PatchVersions: map[string]*armcontainerservice.KubernetesPatchVersion{"1.31.2": {Upgrades: []*string{to.Ptr("1.32.0")}}}},
				{Version: to.Ptr("1.32"), IsPreview: to.Ptr(true)},
				{Version: to.Ptr("1.10")},
			}}}, nil)
		return
	}
	f.aks.ManagedClustersServer.NewListPager = func(*armcontainerservice.ManagedClustersClientListOptions) (r azfake.PagerResponder[armcontainerservice.ManagedClustersClientListResponse]) {
		r.AddPage(http.StatusOK, armcontainerservice.ManagedClustersClientListResponse{ManagedClusterListResult: armcontainerservice.ManagedClusterListResult{Value: []*armcontainerservice.ManagedCluster{{
			ID:       to.Ptr("/subscriptions/" + sub + "/resourcegroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-locked"),
			Name:     to.Ptr("aks-locked"),
			Location: to.Ptr("eastus"),
			Properties: &armcontainerservice.ManagedClusterProperties{
				KubernetesVersion: to.Ptr("1.31"), CurrentKubernetesVersion: to.Ptr("1.31.2"),
				AgentPoolProfiles: []*armcontainerservice.ManagedClusterAgentPoolProfile{
					{Name: to.Ptr("system"), Count: to.Ptr[int32](3), VMSize: to.Ptr("Standard_D3_v2")},
					{Name: to.Ptr("gpu"), Count: to.Ptr[int32](1), VMSize: to.Ptr("Standard_NC6s_v3")},
				},
				APIServerAccessProfile: &armcontainerservice.ManagedClusterAPIServerAccessProfile{AuthorizedIPRanges: []*string{to.Ptr("203.0.113.0/24")}},
				NetworkProfile:         &armcontainerservice.NetworkProfile{LoadBalancerSKU: to.Ptr(armcontainerservice.LoadBalancerSKUStandard)},
				PowerState:             &armcontainerservice.PowerState{Code: to.Ptr(armcontainerservice.CodeRunning)},
				ProvisioningState:      to.Ptr("Succeeded"),
				Fqdn:                   to.Ptr("aks-locked-dns.hcp.eastus.azmk8s.io"),
			}}}}}, nil)
		return
	}
	f.ml.WorkspacesServer.NewListBySubscriptionPager = func(*armmachinelearning.WorkspacesClientListBySubscriptionOptions) (r azfake.PagerResponder[armmachinelearning.WorkspacesClientListBySubscriptionResponse]) {
		for _, w := range [][3]string{{"mlw-prod", "rg-ml-prod", "eastus"}, {"mlw-research", "rg-research", "West Europe"}} {
			r.AddPage(http.StatusOK, armmachinelearning.WorkspacesClientListBySubscriptionResponse{WorkspaceListResult: armmachinelearning.WorkspaceListResult{Value: []*armmachinelearning.Workspace{{
				ID:   to.Ptr("/subscriptions/" + sub + "/resourceGroups/" + w[1] + "/providers/Microsoft.MachineLearningServices/workspaces/" + w[0]),
				Name: to.Ptr(w[0]), Location: to.Ptr(w[2])}}}}, nil)
		}
		return
	}
	f.ml.ComputeServer.NewListPager = func(rg, ws string, _ *armmachinelearning.ComputeClientListOptions) (r azfake.PagerResponder[armmachinelearning.ComputeClientListResponse]) {
		r.AddPage(http.StatusOK, armmachinelearning.ComputeClientListResponse{PaginatedComputeResourcesList: armmachinelearning.PaginatedComputeResourcesList{Value: []*armmachinelearning.ComputeResource{
			{Name: to.Ptr("cpu-cluster"), Properties: &armmachinelearning.AmlCompute{ComputeType: to.Ptr(armmachinelearning.ComputeTypeAmlCompute),
				ProvisioningState: to.Ptr(armmachinelearning.ProvisioningStateSucceeded),
				Properties:        &armmachinelearning.AmlComputeProperties{VMSize: to.Ptr("STANDARD_DS3_V2")}}}}}}, nil)
		r.AddPage(http.StatusOK, armmachinelearning.ComputeClientListResponse{PaginatedComputeResourcesList: armmachinelearning.PaginatedComputeResourcesList{Value: []*armmachinelearning.ComputeResource{
			to.Ptr(aksResource("aks-inference", "Succeeded"))}}}, nil)
		return
	}
	ctx := context.Background()
	cl := fakeClient(t, f.transport(), func(o *Options) { o.DefaultSubscription = "contoso sandbox (demo)" })

	subs, err := cl.Subscriptions(ctx)
	if err != nil || len(subs) != 2 || subs[0].Default || !subs[1].Default || subs[1].State != "Warned" || subs[0].Name != "Contoso ML (demo)" {
		t.Errorf("subscriptions %+v %v", subs, err)
	}
	regions, err := cl.Regions(ctx, sub)
	want := []wizard.Region{{Name: "eastus", DisplayName: "East US", Paired: []string{"westus"}},
		{Name: "eastus2", DisplayName: "East US 2", Paired: []string{"centralus"}}, {Name: "westus", DisplayName: "West US", Paired: []string{"eastus"}}}
	if err != nil || !reflect.DeepEqual(regions, want) {
		t.Errorf("regions %+v %v", regions, err)
	}
	vs, err := cl.Versions(ctx, sub, "eastus")
	if err != nil || len(vs) != 4 {
		t.Fatalf("versions %+v %v", vs, err)
	}
	var order []string
	for _, v := range vs {
		order = append(order, v.Version)
	}
	if !reflect.DeepEqual(order, []string{"1.32", "1.31", "1.10", "1.9"}) || !vs[1].Default || !vs[0].Preview ||
		!reflect.DeepEqual(vs[1].Patches, map[string][]string{"1.31.2": {"1.32.0"}}) || !reflect.DeepEqual(vs[3].SupportPlans, []string{rules.PlanLTS}) {
		t.Errorf("versions %+v", vs)
	}
	wss, err := cl.Workspaces(ctx, sub)
	if err != nil || len(wss) != 2 || wss[0].WorkspaceRef != testWS || wss[1].Region != "westeurope" || wss[1].ResourceGroup != "rg-research" {
		t.Errorf("workspaces %+v %v", wss, err)
	}
	cs, err := cl.Computes(ctx, testWS)
	if err != nil || len(cs) != 2 {
		t.Fatalf("computes %+v %v", cs, err)
	}
	if cs[0].Type != "AmlCompute" || cs[0].VMSize != "STANDARD_DS3_V2" || cs[1].Type != "AKS" || cs[1].Nodes != 3 || cs[1].VCPUs != 12 ||
		cs[1].Purpose != rules.Production || cs[1].Region != "eastus" || cs[1].FQDN == "" || cs[1].State != "Succeeded" {
		t.Errorf("computes %+v", cs)
	}
	cls, err := cl.Clusters(ctx, sub)
	if err != nil || len(cls) != 1 {
		t.Fatalf("clusters %+v %v", cls, err)
	}
	c := cls[0]
	if c.ResourceGroup != "rg-aks" || c.Version != "1.31.2" || c.Private || c.LoadBalancerSKU != "standard" || c.PowerState != "Running" ||
		!reflect.DeepEqual(c.AuthorizedIPRanges, []string{"203.0.113.0/24"}) || c.Nodes() != 4 || c.VCPUs() != 3*4+6 {
		t.Errorf("cluster %+v", c)
	}
}

func TestRetryNoteFake(t *testing.T) {
	var n atomic.Int32
	tr := transportFunc(func(req *http.Request) (*http.Response, error) {
		if n.Add(1) <= 2 {
			return &http.Response{StatusCode: 429, Header: http.Header{"Retry-After-Ms": {"20"}, "Content-Type": {"application/json"}},
				Body: http.NoBody, Request: req}, nil
		}
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: bodyOf(`{"values":[{"version":"1.31","isDefault":true}]}`), Request: req}, nil
	})
	var mu sync.Mutex
	var notes []string
	cl := fakeClient(t, tr, func(o *Options) {
		o.Retry = policy.RetryOptions{MaxRetries: 3, RetryDelay: time.Millisecond}
		o.OnNote = func(s string) { mu.Lock(); notes = append(notes, s); mu.Unlock() }
	})
	start := time.Now()
	vs, err := cl.Versions(context.Background(), testWS.SubscriptionID, "eastus")
	if err != nil || len(vs) != 1 {
		t.Fatalf("%v %v", vs, err)
	}
	if n.Load() != 3 || time.Since(start) < 40*time.Millisecond {
		t.Errorf("%d calls in %v", n.Load(), time.Since(start))
	}
	if len(notes) != 2 || notes[0] != "throttled by Azure: retrying in 20 ms" {
		t.Errorf("notes %q", notes)
	}
}

func bodyOf(s string) *readCloser { return &readCloser{strings.NewReader(s)} }

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

// TestFollowStaleToken: when the status URL of an old operation is gone,
// the compute's own state decides.
func TestFollowStaleToken(t *testing.T) {
	var f fakes
	f.ml.ComputeServer.BeginCreateOrUpdate = func(ctx context.Context, rg, ws, name string, p armmachinelearning.ComputeResource,
		_ *armmachinelearning.ComputeClientBeginCreateOrUpdateOptions) (r azfake.PollerResponder[armmachinelearning.ComputeClientCreateOrUpdateResponse], e azfake.ErrorResponder) {
		r.AddNonTerminalResponse(http.StatusCreated, nil)
		r.AddPollingError(respErr(http.StatusNotFound, "NotFound", armBody("NotFound", "operation not found")))
		r.SetTerminalResponse(http.StatusOK, armmachinelearning.ComputeClientCreateOrUpdateResponse{}, nil)
		return
	}
	state := "Succeeded"
	f.ml.ComputeServer.Get = func(ctx context.Context, rg, ws, name string, _ *armmachinelearning.ComputeClientGetOptions) (r azfake.Responder[armmachinelearning.ComputeClientGetResponse], e azfake.ErrorResponder) {
		r.SetResponse(http.StatusOK, armmachinelearning.ComputeClientGetResponse{ComputeResource: aksResource(name, state)}, nil)
		return
	}
	cl := fakeClient(t, f.transport(), nil)
	op, err := cl.Submit(context.Background(), testWS, submitSpecs[0].spec)
	if err != nil {
		t.Fatal(err)
	}
	ps := drain(t, cl.Follow(context.Background(), op, 0))
	if last := ps[len(ps)-1]; !last.Done || last.Err != nil || last.Compute == nil || last.Compute.State != "Succeeded" {
		t.Fatalf("succeeded compute: %+v", last)
	}

	state = "Failed"
	op, err = cl.Submit(context.Background(), testWS, submitSpecs[0].spec)
	if err != nil {
		t.Fatal(err)
	}
	ps = drain(t, cl.Follow(context.Background(), op, 0))
	if last := ps[len(ps)-1]; !last.Done || last.Err == nil {
		t.Fatalf("failed compute: %+v", last)
	}
}
