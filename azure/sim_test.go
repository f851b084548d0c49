package azure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/amlaks/amlaks/azure/sim"
	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

const (
	sub1 = sim.DefaultSubscriptionID
	sub2 = sim.SandboxSubscriptionID
)

var (
	wsProd    = wizard.WorkspaceRef{SubscriptionID: sub1, ResourceGroup: "rg-ml-prod", Name: "mlw-prod"}
	aksSmall  = "/subscriptions/" + sub1 + "/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-small"
	simSpeedy = sim.Options{Speed: 500} // create ≈ 40 ms, attach ≈ 20 ms
)

// recorder wraps the simulator: it counts calls per path and keeps the
// bodies of PUTs and the Authorization headers seen.
type recorder struct {
	h    http.Handler
	mu   sync.Mutex
	puts map[string][]byte // path → body
	hits map[string]int    // method + path → calls
	auth []string
}

func newRecorder(h http.Handler) *recorder {
	return &recorder{h: h, puts: map[string][]byte{}, hits: map[string]int{}}
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.mu.Lock()
	r.hits[req.Method+" "+strings.ToLower(req.URL.Path)]++
	if req.Method == http.MethodPut {
		r.puts[strings.ToLower(req.URL.Path)] = body
	}
	r.auth = append(r.auth, req.Header.Get("Authorization"))
	r.mu.Unlock()
	r.h.ServeHTTP(w, req)
}

func (r *recorder) count(method, pathSuffix string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for k, v := range r.hits {
		if strings.HasPrefix(k, method+" ") && strings.HasSuffix(k, strings.ToLower(pathSuffix)) {
			n += v
		}
	}
	return n
}

func (r *recorder) put(pathSuffix string) []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, v := range r.puts {
		if strings.HasSuffix(k, strings.ToLower(pathSuffix)) {
			return v
		}
	}
	return nil
}

func newSim(t testing.TB, o sim.Options) *sim.Handler {
	t.Helper()
	h, err := sim.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// demoOptions is the wiring --demo uses: the in-memory transport and the
// static credential.
func demoOptions(h http.Handler, stateDir string) Options {
	return Options{
		Credential:            StaticCredential{},
		Transport:             sim.NewTransport(h),
		StateDir:              stateDir,
		Retry:                 policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: 3 * time.Second},
		PollEvery:             5 * time.Millisecond,
		DisableRPRegistration: true,
	}
}

func memClient(t testing.TB, h http.Handler, mod func(*Options)) *Client {
	t.Helper()
	o := demoOptions(h, t.TempDir())
	if mod != nil {
		mod(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tlsCloud points Resource Manager at a loopback server.
func tlsCloud(url string) cloud.Configuration {
	return cloud.Configuration{
		ActiveDirectoryAuthorityHost: "https://login.microsoftonline.com/",
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: url, Audience: "https://management.core.windows.net/"},
		},
	}
}

// tlsClient serves h on an HTTPS loopback server: a real socket and TLS.
func tlsClient(t testing.TB, h http.Handler, cred azcore.TokenCredential, mod func(*Options)) *Client {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	if cred == nil {
		cred = StaticCredential{}
	}
	o := Options{
		Credential:            cred,
		Cloud:                 tlsCloud(srv.URL),
		Transport:             srv.Client(),
		StateDir:              t.TempDir(),
		Retry:                 policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: 3 * time.Second},
		PollEvery:             5 * time.Millisecond,
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

type wiring struct {
	name string
	mk   func(t testing.TB, h http.Handler, mod func(*Options)) *Client
}

var wirings = []wiring{
	{"memory", memClient},
	{"tls", func(t testing.TB, h http.Handler, mod func(*Options)) *Client { return tlsClient(t, h, nil, mod) }},
}

func TestSimReads(t *testing.T) {
	for _, w := range wirings {
		t.Run(w.name, func(t *testing.T) {
			rec := newRecorder(newSim(t, sim.Options{}))
			c := w.mk(t, rec, func(o *Options) { o.DefaultSubscription = sub1 })
			ctx := context.Background()

			subs, err := c.Subscriptions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(subs) != 2 || subs[0].ID != sub1 || subs[0].Name != "Contoso ML (demo)" || !subs[0].Default || subs[1].Default ||
				subs[1].Name != "Contoso Sandbox (demo)" || subs[0].TenantID != sim.TenantID || subs[0].State != "Enabled" {
				t.Errorf("subscriptions %+v", subs)
			}

			regions, err := c.Regions(ctx, sub1)
			if err != nil {
				t.Fatal(err)
			}
			if len(regions) < 30 || !slices.IsSortedFunc(regions, func(a, b wizard.Region) int { return strings.Compare(a.DisplayName, b.DisplayName) }) {
				t.Errorf("%d regions, sorted=%v", len(regions), slices.IsSortedFunc(regions, func(a, b wizard.Region) int { return strings.Compare(a.DisplayName, b.DisplayName) }))
			}
			i := slices.IndexFunc(regions, func(r wizard.Region) bool { return r.Name == "eastus" })
			if i < 0 || regions[i].DisplayName != "East US" || !slices.Contains(regions[i].Paired, "westus") {
				t.Errorf("eastus %+v", regions[max(i, 0)])
			}

			wss, err := c.Workspaces(ctx, sub1)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]wizard.Workspace{}
			for _, w := range wss {
				got[w.Name] = w
			}
			if len(wss) != 5 || got["mlw-prod"].WorkspaceRef != wsProd || got["mlw-prod"].Region != "eastus" || got["mlw-prod"].Kind != "Default" ||
				got["mlw-research"].ResourceGroup != "rg-research" || got["mlw-research"].Region != "westeurope" ||
				got["mlw-prod"].PrivateEndpoint || !got["mlw-secure"].PrivateEndpoint ||
				got["aif-hub"].Kind != "Hub" || got["aif-project"].Kind != "Project" {
				t.Errorf("workspaces %+v", wss)
			}
			wss, err = c.Workspaces(ctx, sub2)
			if err != nil || len(wss) != 1 || wss[0].Name != "mlw-sandbox" || wss[0].ResourceGroup != "rg-sandbox" || wss[0].Region != "westus2" {
				t.Errorf("sandbox workspaces %+v %v", wss, err)
			}

			cs, err := c.Computes(ctx, wsProd)
			if err != nil {
				t.Fatal(err)
			}
			byName := map[string]wizard.Compute{}
			for _, x := range cs {
				byName[x.Name] = x
			}
			if x := byName["cpu-cluster"]; x.Type != "AmlCompute" {
				t.Errorf("cpu-cluster %+v", x)
			}
			inf := byName["aks-inference"]
			if inf.Type != "AKS" || !inf.Attached || inf.State != "Succeeded" || !strings.HasSuffix(strings.ToLower(inf.ClusterID), "/managedclusters/aks-shared") {
				t.Errorf("aks-inference %+v", inf)
			}
			one, err := c.Compute(ctx, wsProd, "aks-inference")
			if err != nil || one.Name != "aks-inference" || one.ClusterID != inf.ClusterID {
				t.Errorf("compute %+v %v", one, err)
			}
			_, err = c.Compute(ctx, wsProd, "no-such-compute")
			if !errors.Is(err, wizard.ErrNotFound) {
				t.Errorf("missing compute: %v", err)
			}

			vs, err := c.Versions(ctx, sub1, "eastus")
			if err != nil {
				t.Fatal(err)
			}
			var def, prev, lts int
			for _, v := range vs {
				if v.Default {
					def++
				}
				if v.Preview {
					prev++
				}
				if len(v.SupportPlans) == 1 && v.SupportPlans[0] == rules.PlanLTS {
					lts++
				}
				if len(v.Patches) == 0 {
					t.Errorf("version %s without patches", v.Version)
				}
			}
			if len(vs) < 4 || def != 1 || prev != 0 || lts < 1 { // eastus, December 2026: no preview
				t.Errorf("versions %+v", vs)
			}

			sizes, err := c.Sizes(ctx, sub1, "eastus")
			if err != nil {
				t.Fatal(err)
			}
			if len(sizes.Sizes) < 150 || sizes.QuotaUnknown || sizes.RegionQuota.Name != "cores" || sizes.RegionQuota.Limit == 0 {
				t.Errorf("sizes: %d, quota %+v unknown=%v", len(sizes.Sizes), sizes.RegionQuota, sizes.QuotaUnknown)
			}
			d3, ok := sizes.Find("Standard_D3_v2")
			if !ok || d3.VCPUs != 4 || d3.MemoryGB != 14 || d3.Family != "standardDv2Family" || d3.FamilyQuota.Limit == 0 || d3.PricePerHour == 0 {
				t.Errorf("Standard_D3_v2 %+v", d3)
			}
			if nc, ok := sizes.Find("Standard_NC4as_T4_v3"); !ok || nc.GPUs != 1 || nc.FamilyQuota.Limit != 0 {
				t.Errorf("Standard_NC4as_T4_v3 %+v", nc)
			}
			if _, ok := sizes.Find("Standard_NC6s_v3"); ok {
				t.Error("the retired Standard_NC6s_v3 is offered")
			}
			if !slices.IsSortedFunc(sizes.Sizes, func(a, b wizard.VMSize) int { return wizard.NaturalCompare(a.Name, b.Name) }) {
				t.Error("sizes not in natural order")
			}
			if n := rec.count("GET", "/providers/Microsoft.Compute/skus"); n < 2 {
				t.Errorf("SKU list in %d page(s), want several", n)
			}

			cls, err := c.Clusters(ctx, sub1)
			if err != nil {
				t.Fatal(err)
			}
			cm := map[string]wizard.Cluster{}
			for _, x := range cls {
				cm[x.Name] = x
			}
			for _, n := range []string{"aks-shared", "aks-legacy", "aks-locked", "aks-private", "aks-small", "aks-stopped", "aks-gpu-weu", "aks-preview"} {
				if _, ok := cm[n]; !ok {
					t.Errorf("cluster %s missing", n)
				}
			}
			if n := rec.count("GET", "/providers/Microsoft.ContainerService/managedClusters"); n < 2 {
				t.Errorf("cluster list in %d page(s), want several", n)
			}
			if x := cm["aks-shared"]; x.ResourceGroup != "rg-aks" || x.Region != "eastus" || x.Nodes() != 3 || x.VCPUs() != 12 ||
				x.PowerState != "Running" || x.ProvisioningState != "Succeeded" || x.Version != "1.36.7" || x.LoadBalancerSKU != "standard" {
				t.Errorf("aks-shared %+v", x)
			}
			if x := cm["aks-small"]; x.VCPUs() != 4 {
				t.Errorf("aks-small %+v", x)
			}
			if x := cm["aks-legacy"]; x.Version != "1.24.10" || x.LoadBalancerSKU != "basic" {
				t.Errorf("aks-legacy %+v", x)
			}
			if x := cm["aks-locked"]; len(x.AuthorizedIPRanges) == 0 {
				t.Errorf("aks-locked %+v", x)
			}
			if x := cm["aks-private"]; !x.Private || x.PrivatePublicFQDN {
				t.Errorf("aks-private %+v", x)
			}
			if x := cm["aks-stopped"]; x.PowerState != "Stopped" {
				t.Errorf("aks-stopped %+v", x)
			}
			if x := cm["aks-gpu-weu"]; x.Region != "westeurope" || x.VCPUs() != 24 || x.ResourceGroup != "rg-gpu" {
				t.Errorf("aks-gpu-weu %+v", x)
			}
			if x := cm["aks-preview"]; x.Region != "westus2" || x.VCPUs() == 0 {
				t.Errorf("aks-preview %+v", x)
			}
		})
	}
}

func TestSimSubmitBodies(t *testing.T) {
	for _, w := range wirings {
		t.Run(w.name, func(t *testing.T) {
			rec := newRecorder(newSim(t, simSpeedy))
			c := w.mk(t, rec, nil)
			ctx := context.Background()
			specs := []struct {
				spec wizard.ComputeSpec
				body string
			}{
				{submitSpecs[0].spec, submitSpecs[0].body},
				{submitSpecs[1].spec, strings.ReplaceAll(submitSpecs[1].body, "00000000-0000-4000-8000-000000000001", sub1)},
				{wizard.ComputeSpec{Name: "aks-att", Location: "eastus", Purpose: rules.DevTest, ClusterID: aksSmall},
					`{"location":"eastus","properties":{"computeType":"AKS","resourceId":"` + aksSmall + `",
						"properties":{"clusterPurpose":"DevTest"}}}`},
			}
			for _, s := range specs {
				op, err := c.Submit(ctx, wsProd, s.spec)
				if err != nil {
					t.Fatalf("%s: %v", s.spec.Name, err)
				}
				b := rec.put("/computes/" + s.spec.Name)
				if b == nil {
					t.Fatalf("%s: no PUT seen", s.spec.Name)
				}
				var got any
				if err := json.Unmarshal(b, &got); err != nil {
					t.Fatal(err)
				}
				if want := canonJSON(t, s.body); !reflect.DeepEqual(got, want) {
					t.Errorf("%s body\n got %s\nwant %s", s.spec.Name, b, strings.Join(strings.Fields(s.body), ""))
				}
				ps := drain(t, c.Follow(ctx, op, time.Millisecond))
				last := ps[len(ps)-1]
				if !last.Done || last.Err != nil || last.Compute == nil || last.Compute.State != "Succeeded" {
					t.Fatalf("%s final %+v", s.spec.Name, last)
				}
				if s.spec.Attach() != last.Compute.Attached {
					t.Errorf("%s attached=%v", s.spec.Name, last.Compute.Attached)
				}
			}
			cs, err := c.Computes(ctx, wsProd)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 6 {
				t.Errorf("%d computes after 3 submits", len(cs))
			}
			for _, x := range cs {
				if x.Name == "aks-new" && (x.Nodes != 3 || x.VMSize != "Standard_D3_v2" || x.VCPUs != 12 || x.Purpose != rules.Production) {
					t.Errorf("aks-new %+v", x)
				}
			}
		})
	}
}

func TestSimLROFailure(t *testing.T) {
	o := simSpeedy
	o.Faults = sim.Faults{Fail: map[string]int{"create": 1}}
	c := memClient(t, newSim(t, o), nil)
	ctx := context.Background()
	op, err := c.Submit(ctx, wsProd, submitSpecs[0].spec)
	if err != nil {
		t.Fatal(err)
	}
	ps := drain(t, c.Follow(ctx, op, time.Millisecond))
	last := ps[len(ps)-1]
	if !last.Done || last.Compute != nil || last.State != "Failed" || !errors.Is(last.Err, wizard.ErrQuota) {
		t.Fatalf("final %+v", last)
	}
	var we *wizard.Error
	errors.As(last.Err, &we)
	if len(we.Details) == 0 || we.Hint == "" {
		t.Errorf("error %+v", *we)
	}
	// the simulator answers in Azure's wrapped shape (BadArgument →
	// InvalidTemplateDeployment … 'QuotaExceeded'); the hint still has the
	// limit, the usage and what is required
	if we.Code != "BadArgument" || !strings.Contains(we.Message, "InvalidTemplateDeployment") ||
		!strings.Contains(we.Hint, "the standardDv2Family quota in eastus allows 100 vCPUs") || !strings.Contains(we.Hint, "12 more are needed") {
		t.Errorf("wrapped quota: code %q hint %q", we.Code, we.Hint)
	}
	if _, ok, _ := c.Pending(ctx, wsProd, "aks-new"); ok {
		t.Error("token kept after failure")
	}
	x, err := c.Compute(ctx, wsProd, "aks-new")
	if err != nil || x.State != "Failed" || len(x.Errors) == 0 {
		t.Errorf("failed compute %+v %v", x, err)
	}
}

func TestSimResumeInNewClient(t *testing.T) {
	h := newSim(t, sim.Options{Speed: 100}) // create ≈ 0.2 s
	dir := t.TempDir()
	ctx := context.Background()
	first := memClient(t, h, func(o *Options) { o.StateDir = dir })
	op, err := first.Submit(ctx, wsProd, submitSpecs[0].spec)
	if err != nil {
		t.Fatal(err)
	}
	// Watch a little, then stop watching: the operation goes on.
	wctx, cancel := context.WithCancel(ctx)
	ch := first.Follow(wctx, op, time.Millisecond)
	if p := <-ch; p.Done {
		t.Fatalf("done at once: %+v", p)
	}
	cancel()
	for range ch {
	}

	second := memClient(t, h, func(o *Options) { o.StateDir = dir })
	got, ok, err := second.Pending(ctx, wsProd, "aks-new")
	if err != nil || !ok || got.Token != op.Token || got.Kind != wizard.OpCreate || got.Workspace != wsProd {
		t.Fatalf("pending %+v %v %v", got, ok, err)
	}
	ps := drain(t, second.Follow(ctx, got, time.Millisecond))
	last := ps[len(ps)-1]
	if !last.Done || last.Err != nil || last.Compute == nil || last.Compute.Name != "aks-new" || last.Elapsed < 150*time.Millisecond {
		t.Fatalf("final %+v", last)
	}
	if !slices.ContainsFunc(ps, func(p wizard.Progress) bool { return p.State == "Creating" && !p.Done }) {
		t.Errorf("no Creating state while following: %+v", ps)
	}
	if _, ok, _ := second.Pending(ctx, wsProd, "aks-new"); ok {
		t.Error("token kept")
	}
	if _, err := os.Stat(filepath.Join(dir, "ops")); err != nil {
		t.Error(err)
	}
}

func TestSimDetach(t *testing.T) {
	c := memClient(t, newSim(t, simSpeedy), nil)
	ctx := context.Background()
	op, err := c.Detach(ctx, wsProd, "aks-inference")
	if err != nil {
		t.Fatal(err)
	}
	ps := drain(t, c.Follow(ctx, op, time.Millisecond))
	if last := ps[len(ps)-1]; !last.Done || last.Err != nil || last.Compute != nil {
		t.Fatalf("final %+v", last)
	}
	if _, err := c.Compute(ctx, wsProd, "aks-inference"); !errors.Is(err, wizard.ErrNotFound) {
		t.Errorf("after detach: %v", err)
	}
	cls, err := c.Clusters(ctx, sub1)
	if err != nil || !slices.ContainsFunc(cls, func(x wizard.Cluster) bool { return x.Name == "aks-shared" }) {
		t.Errorf("detach removed the cluster: %v", err)
	}
}

func TestSimErrors(t *testing.T) {
	c := memClient(t, newSim(t, simSpeedy), nil)
	ctx := context.Background()
	spec := submitSpecs[0].spec
	spec.Name = "aks-inference"
	_, err := c.Submit(ctx, wsProd, spec)
	if !errors.Is(err, wizard.ErrConflict) || !strings.Contains(wizard.HintOf(err), "pick another name") {
		t.Errorf("conflict: %v", err)
	}
	_, err = c.Computes(ctx, wizard.WorkspaceRef{SubscriptionID: sub1, ResourceGroup: "rg-ml-prod", Name: "mlw-nope"})
	if !errors.Is(err, wizard.ErrNotFound) {
		t.Errorf("workspace not found: %v", err)
	}
	if _, ok, err := c.Pending(ctx, wsProd, "aks-inference"); ok || err != nil {
		t.Errorf("pending after refused submit: %v %v", ok, err)
	}
}

func TestSimThrottled(t *testing.T) {
	rec := newRecorder(newSim(t, sim.Options{Faults: sim.Faults{Throttle: map[string]int{"versions": 1}, RetryAfter: 1}}))
	var mu sync.Mutex
	var notes []string
	c := memClient(t, rec, func(o *Options) {
		o.OnNote = func(s string) { mu.Lock(); notes = append(notes, s); mu.Unlock() }
	})
	start := time.Now()
	vs, err := c.Versions(context.Background(), sub1, "eastus")
	if err != nil || len(vs) == 0 {
		t.Fatalf("%v %v", vs, err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("Retry-After not honoured: retried after %v", d)
	}
	if n := rec.count("GET", "/kubernetesVersions"); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(notes) != 1 || notes[0] != "throttled by Azure: retrying in 1 s" {
		t.Errorf("notes %q", notes)
	}
}

func TestSimThrottledExhausted(t *testing.T) {
	c := memClient(t, newSim(t, sim.Options{Faults: sim.Faults{Throttle: map[string]int{"workspaces": 5}}}), func(o *Options) {
		o.Retry = policy.RetryOptions{MaxRetries: 1, RetryDelay: time.Millisecond}
	})
	if _, err := c.Workspaces(context.Background(), sub1); !errors.Is(err, wizard.ErrThrottled) {
		t.Errorf("got %v", err)
	}
}

// fakeAz puts an `az` on PATH that prints a token like the real
// `az account get-access-token -o json`, and selects only the Azure CLI
// credential in DefaultAzureCredential.
func fakeAz(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\necho '{\"accessToken\":\"tok\",\"expires_on\":4070908800,\"tokenType\":\"Bearer\"}'\n"
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "AzureCLICredential")
}

func TestSimCLICredential(t *testing.T) {
	fakeAz(t)
	rec := newRecorder(newSim(t, sim.Options{}))
	srv := httptest.NewTLSServer(rec)
	defer srv.Close()
	cred, err := NewCredential(tlsCloud(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	c := tlsClient(t, rec, cred, func(o *Options) { o.Cloud = tlsCloud(srv.URL); o.Transport = srv.Client() })
	subs, err := c.Subscriptions(context.Background())
	if err != nil || len(subs) != 2 {
		t.Fatalf("%v %v", subs, err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.auth) == 0 || rec.auth[0] != "Bearer tok" {
		t.Error("the CLI token was not sent") // never print the header
	}
}

func TestSimNoCredential(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no az
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "AzureCLICredential")
	cred, err := NewCredential(cloud.AzurePublic)
	if err != nil {
		t.Fatal(err)
	}
	c := tlsClient(t, newSim(t, sim.Options{}), cred, nil)
	if _, err := c.Subscriptions(context.Background()); !errors.Is(err, wizard.ErrNoCredential) || !strings.Contains(wizard.HintOf(err), "az login") {
		t.Errorf("got %v", err)
	}
}

// TestDemoSameCode proves --demo runs the same azure code as a real run:
// the demo wiring (in-memory transport, static credential) and a real one
// (HTTPS loopback server, DefaultAzureCredential through the az CLI)
// return identical results for every read of the port.
func TestDemoSameCode(t *testing.T) {
	fakeAz(t)
	h := newSim(t, sim.Options{})
	demo, err := New(demoOptions(h, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(h)
	defer srv.Close()
	cred, err := NewCredential(tlsCloud(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	real, err := New(Options{Credential: cred, Cloud: tlsCloud(srv.URL), Transport: srv.Client(), StateDir: t.TempDir(), DisableRPRegistration: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	type read func(c *Client) (any, error)
	reads := map[string]read{
		"subscriptions": func(c *Client) (any, error) { return c.Subscriptions(ctx) },
		"regions":       func(c *Client) (any, error) { return c.Regions(ctx, sub1) },
		"workspaces":    func(c *Client) (any, error) { return c.Workspaces(ctx, sub1) },
		"computes":      func(c *Client) (any, error) { return c.Computes(ctx, wsProd) },
		"compute":       func(c *Client) (any, error) { return c.Compute(ctx, wsProd, "aks-inference") },
		"versions":      func(c *Client) (any, error) { return c.Versions(ctx, sub1, "westus2") },
		"sizes":         func(c *Client) (any, error) { return c.Sizes(ctx, sub1, "eastus") },
		"clusters":      func(c *Client) (any, error) { return c.Clusters(ctx, sub1) },
		"not found": func(c *Client) (any, error) {
			_, err := c.Compute(ctx, wsProd, "nope")
			var we *wizard.Error
			errors.As(err, &we)
			return we, nil
		},
	}
	for name, r := range reads {
		a, errA := r(demo)
		b, errB := r(real)
		if errA != nil || errB != nil {
			t.Errorf("%s: demo %v, real %v", name, errA, errB)
			continue
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s differs:\ndemo %+v\nreal %+v", name, a, b)
		}
	}
}

func TestDebugLogRedacted(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return buf.Write(p) })
	t.Cleanup(func() { azlog.SetListener(nil) })
	c := memClient(t, newSim(t, simSpeedy), func(o *Options) { o.DebugLog = w })
	ctx := context.Background()
	spec := submitSpecs[1].spec // custom TLS: cert and key in the body
	op, err := c.Submit(ctx, wsProd, spec)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, c.Follow(ctx, op, time.Millisecond))
	mu.Lock()
	defer mu.Unlock()
	log := buf.String()
	if !strings.Contains(log, "/computes/aks-dev") {
		t.Fatal("no trace written")
	}
	if op.Token == "" {
		t.Fatal("no token")
	}
	for _, secret := range []string{"amlaks-demo", op.Token, `"CERT"`, `"KEY"`} {
		if strings.Contains(log, secret) {
			t.Errorf("the debug log contains a secret (%d bytes long)", len(secret))
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// BenchmarkSizes measures the joined size list of eastus (three calls, the
// SKU list in several pages) through the in-memory simulator, uncached.
func BenchmarkSizes(b *testing.B) {
	c := memClient(b, newSim(b, sim.Options{}), func(o *Options) { o.CacheTTL = -1 })
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		l, err := c.Sizes(ctx, sub1, "eastus")
		if err != nil || len(l.Sizes) < 150 {
			b.Fatal(len(l.Sizes), err)
		}
	}
}

// BenchmarkSizesCached is the prefetched case: the list from the cache.
func BenchmarkSizesCached(b *testing.B) {
	c := memClient(b, newSim(b, sim.Options{}), nil)
	ctx := context.Background()
	if _, err := c.Sizes(ctx, sub1, "eastus"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Sizes(ctx, sub1, "eastus"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSimOutcomes runs creates and attaches the service refuses at once or
// fails later, and checks the mapped kind and hint.
func TestSimOutcomes(t *testing.T) {
	c := memClient(t, newSim(t, simSpeedy), nil)
	ctx := context.Background()
	create := func(name, size string, nodes int, purpose rules.Purpose) wizard.ComputeSpec {
		return wizard.ComputeSpec{Name: name, Location: "eastus", ComputeLocation: "eastus", Purpose: purpose, Nodes: nodes, VMSize: size}
	}
	attach := func(name, rg, cluster string) wizard.ComputeSpec {
		return wizard.ComputeSpec{Name: name, Location: "eastus", Purpose: rules.Production,
			ClusterID: "/subscriptions/" + sub1 + "/resourceGroups/" + rg + "/providers/Microsoft.ContainerService/managedClusters/" + cluster}
	}
	cases := []struct {
		name   string
		spec   wizard.ComputeSpec
		async  bool // refused by the operation, not the PUT
		kind   error
		inHint string
	}{
		{"too few vCPUs", create("aks-tiny", "Standard_D3_v2", 2, rules.Production), false, wizard.ErrThreshold, "12 vCPUs"},
		{"gpu quota 0", create("aks-gpu", "Standard_NC4as_T4_v3", 3, rules.Production), true, wizard.ErrQuota, "quota increase"},
		{"unsupported version", attach("aks-old", "rg-aks", "aks-legacy"), true, wizard.ErrVersion, "amlaks versions -l"},
		{"unknown cluster", attach("aks-none", "rg-aks", "aks-nope"), false, wizard.ErrNotFound, ""},
		{"name taken", create("cpu-cluster", "Standard_D3_v2", 3, rules.Production), false, wizard.ErrConflict, "pick another name"},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			op, err := c.Submit(ctx, wsProd, cs.spec)
			if !cs.async {
				if !errors.Is(err, cs.kind) || !strings.Contains(wizard.HintOf(err), cs.inHint) {
					t.Fatalf("submit: %v (hint %q)", err, wizard.HintOf(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ps := drain(t, c.Follow(ctx, op, time.Millisecond))
			last := ps[len(ps)-1]
			if !last.Done || !errors.Is(last.Err, cs.kind) || !strings.Contains(wizard.HintOf(last.Err), cs.inHint) {
				t.Fatalf("final %+v (hint %q)", last, wizard.HintOf(last.Err))
			}
			var we *wizard.Error
			if errors.As(last.Err, &we); testing.Verbose() {
				t.Logf("%v\n  hint: %s\n  details: %+v", we, we.Hint, we.Details)
			}
			if len(we.Details) == 0 {
				t.Errorf("no provisioning errors: %+v", *we)
			}
		})
	}
}

// TestSimTransientFaults: dropped connections and 503s are retried with a
// visible note; a throttled poll shows in Progress.Note.
func TestSimTransientFaults(t *testing.T) {
	f := sim.Faults{Drop: map[string]int{"workspaces": 1}, Unavailable: map[string]int{"clusters": 1}, Throttle: map[string]int{"operations": 1}}
	o := simSpeedy
	o.Faults = f
	var mu sync.Mutex
	var notes []string
	c := memClient(t, newSim(t, o), func(o *Options) {
		o.OnNote = func(s string) { mu.Lock(); notes = append(notes, s); mu.Unlock() }
	})
	ctx := context.Background()
	if _, err := c.Workspaces(ctx, sub1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Clusters(ctx, sub1); err != nil {
		t.Fatal(err)
	}
	op, err := c.Submit(ctx, wsProd, submitSpecs[0].spec)
	if err != nil {
		t.Fatal(err)
	}
	ps := drain(t, c.Follow(ctx, op, time.Millisecond))
	if last := ps[len(ps)-1]; !last.Done || last.Err != nil {
		t.Fatalf("final %+v", last)
	}
	if !slices.ContainsFunc(ps, func(p wizard.Progress) bool { return strings.HasPrefix(p.Note, "throttled by Azure: retrying in ") }) {
		t.Errorf("no throttle note in progress: %+v", ps)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"network error: retrying in ", "Azure answered 503: retrying in ", "throttled by Azure: retrying in "}
	for _, w := range want {
		if !slices.ContainsFunc(notes, func(n string) bool { return strings.HasPrefix(n, w) }) {
			t.Errorf("no note %q in %q", w, notes)
		}
	}
}

// An operation started elsewhere (no resume token on this machine) is
// followed through the compute's own provisioning state.
func TestSimFollowWithoutToken(t *testing.T) {
	for _, fail := range []bool{false, true} {
		o := sim.Options{Speed: 100}
		if fail {
			o.Faults = sim.Faults{Fail: map[string]int{"create": 1}}
		}
		h := newSim(t, o)
		ctx := context.Background()
		starter := memClient(t, h, func(o *Options) { o.StateDir = t.TempDir() })
		started, err := starter.Submit(ctx, wsProd, submitSpecs[0].spec)
		if err != nil {
			t.Fatal(err)
		}
		other := memClient(t, h, func(o *Options) { o.StateDir = t.TempDir() })
		if _, ok, _ := other.Pending(ctx, wsProd, started.Name); ok {
			t.Fatal("the other machine has a token")
		}
		op := wizard.Operation{Kind: wizard.OpCreate, Workspace: wsProd, Name: started.Name, Started: time.Now()}
		ps := drain(t, other.Follow(ctx, op, time.Millisecond))
		last := ps[len(ps)-1]
		if len(ps) < 2 || ps[0].State != "Creating" {
			t.Errorf("fail=%v: no progress while creating: %+v", fail, ps[0])
		}
		switch {
		case !fail && (!last.Done || last.Err != nil || last.Compute == nil || last.Compute.State != "Succeeded"):
			t.Fatalf("final %+v", last)
		case fail && (!last.Done || !errors.Is(last.Err, wizard.ErrQuota) || wizard.HintOf(last.Err) == ""):
			t.Fatalf("failed final %+v", last)
		}
	}
}
