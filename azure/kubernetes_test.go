package azure

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amlaks/amlaks/azure/sim"
	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// wire records every request (method, request URI, body) and every
// answer body the simulator gives.
type wire struct {
	h    http.Handler
	mu   sync.Mutex
	reqs []wireReq
}

type wireReq struct {
	method, uri string
	body, resp  []byte
}

func (w *wire) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	cw := &captureWriter{ResponseWriter: rw}
	w.h.ServeHTTP(cw, r)
	w.mu.Lock()
	w.reqs = append(w.reqs, wireReq{method: r.Method, uri: r.URL.RequestURI(), body: body, resp: cw.buf.Bytes()})
	w.mu.Unlock()
}

type captureWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (c *captureWriter) Write(b []byte) (int, error) {
	c.buf.Write(b)
	return c.ResponseWriter.Write(b)
}

// put returns the last PUT whose path ends with suffix.
func (w *wire) put(suffix string) (wireReq, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := len(w.reqs) - 1; i >= 0; i-- {
		r := w.reqs[i]
		path, _, _ := strings.Cut(r.uri, "?")
		if r.method == "PUT" && strings.HasSuffix(strings.ToLower(path), strings.ToLower(suffix)) {
			return r, true
		}
	}
	return wireReq{}, false
}

// answers is every answer body of GETs so far.
func (w *wire) answers() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var b strings.Builder
	for _, r := range w.reqs {
		if r.method == "GET" {
			b.Write(r.resp)
		}
	}
	return b.String()
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

func jpath(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

const mlGroup = "/subscriptions/" + sub1 + "/resourceGroups/rg-aks-ml/providers/Microsoft.ContainerService/managedClusters/"

var (
	certPEM = []byte("-----BEGIN CERTIFICATE-----\nMIIBcertificatebytes\n-----END CERTIFICATE-----\n")
	keyPEM  = []byte("-----BEGIN PRIVATE KEY-----\nMIIEprivatekeybytes\n-----END PRIVATE KEY-----\n")
)

func TestKubernetesCreatePhases(t *testing.T) {
	for _, w := range wirings {
		t.Run(w.name, func(t *testing.T) {
			rec := &wire{h: newSim(t, simSpeedy)}
			c := w.mk(t, rec, nil)
			ctx := context.Background()
			sizesBefore, err := c.Sizes(ctx, sub1, "eastus")
			if err != nil {
				t.Fatal(err)
			}

			// Phase 1: the cluster.
			spec := wizard.ClusterSpec{SubscriptionID: sub1, ResourceGroup: "rg-ml-prod", Name: "aks-cur", Location: "eastus",
				KubernetesVersion: "1.36", VMSize: "Standard_D4s_v5", Nodes: 3, APIAccess: wizard.APIAuthorized,
				AuthorizedRanges: []string{"203.0.113.0/24", "198.51.100.7/32"}, Tags: map[string]string{"env": "prod"}}
			req, err := c.ClusterRequest(spec)
			if err != nil {
				t.Fatal(err)
			}
			op, err := c.CreateCluster(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			if op.Kind != wizard.OpCluster || op.Target != spec.ID() || op.Token == "" {
				t.Errorf("operation %+v", op)
			}
			sent, ok := rec.put("/managedClusters/aks-cur")
			if !ok {
				t.Fatal("no cluster PUT seen")
			}
			if !reflect.DeepEqual(decodeJSON(t, sent.body), decodeJSON(t, req.Body)) {
				t.Errorf("sent body\n%s\nprinted Request\n%s", sent.body, req.Body)
			}
			if req.Method != "PUT" || !strings.EqualFold(req.Path, sent.uri) {
				t.Errorf("printed %s %s, sent PUT %s", req.Method, req.Path, sent.uri)
			}
			b := decodeJSON(t, sent.body)
			checks := map[string][2]any{
				"location":      {jpath(b, "location"), "eastus"},
				"version":       {jpath(b, "properties", "kubernetesVersion"), "1.36"},
				"dnsPrefix":     {jpath(b, "properties", "dnsPrefix"), "aks-cur-dns"},
				"pool name":     {jpath(b, "properties", "agentPoolProfiles", 0, "name"), "system"},
				"pool mode":     {jpath(b, "properties", "agentPoolProfiles", 0, "mode"), "System"},
				"pool count":    {jpath(b, "properties", "agentPoolProfiles", 0, "count"), 3.0},
				"pool size":     {jpath(b, "properties", "agentPoolProfiles", 0, "vmSize"), "Standard_D4s_v5"},
				"pool os":       {jpath(b, "properties", "agentPoolProfiles", 0, "osType"), "Linux"},
				"identity":      {jpath(b, "identity", "type"), "SystemAssigned"},
				"lb sku":        {jpath(b, "properties", "networkProfile", "loadBalancerSku"), "standard"},
				"range":         {jpath(b, "properties", "apiServerAccessProfile", "authorizedIPRanges", 1), "198.51.100.7/32"},
				"created-by":    {jpath(b, "tags", wizard.TagCreatedBy), "amlaks"},
				"own tag":       {jpath(b, "tags", "env"), "prod"},
				"pools":         {len(jpath(b, "properties", "agentPoolProfiles").([]any)), 1},
				"not private":   {jpath(b, "properties", "apiServerAccessProfile", "enablePrivateCluster"), nil},
				"api version":   {strings.Contains(sent.uri, "api-version=2025-09-01"), true},
				"no sp profile": {jpath(b, "properties", "servicePrincipalProfile"), nil},
			}
			for name, c := range checks {
				if !reflect.DeepEqual(c[0], c[1]) {
					t.Errorf("cluster body %s = %#v, want %#v", name, c[0], c[1])
				}
			}
			ps := drain(t, c.Follow(ctx, op, time.Millisecond))
			last := ps[len(ps)-1]
			if !last.Done || last.Err != nil || last.State != "Succeeded" {
				t.Fatalf("cluster final %+v", last)
			}
			if !slices.ContainsFunc(ps, func(p wizard.Progress) bool { return p.State == "Creating" && !p.Done }) {
				t.Errorf("no Creating while following: %+v", ps)
			}
			cl, err := c.Cluster(ctx, spec.ID())
			if err != nil {
				t.Fatal(err)
			}
			if cl.ProvisioningState != "Succeeded" || cl.Version != "1.36.7" || cl.Identity != "SystemAssigned" || cl.Tags[wizard.TagCreatedBy] != "amlaks" ||
				cl.Nodes() != 3 || cl.LoadBalancerSKU != "standard" || len(cl.AuthorizedIPRanges) != 2 {
				t.Errorf("cluster %+v", cl)
			}
			all, err := c.Clusters(ctx, sub1)
			if err != nil || !slices.ContainsFunc(all, func(x wizard.Cluster) bool { return x.Name == "aks-cur" && x.VCPUs() == 12 }) {
				t.Errorf("Clusters: aks-cur missing (%v)", err)
			}
			c.cache = newMemo(-1) // usages are cached: read them again
			sizesAfter, err := c.Sizes(ctx, sub1, "eastus")
			if err != nil {
				t.Fatal(err)
			}
			b1, _ := sizesBefore.Find("Standard_D4s_v5")
			a1, _ := sizesAfter.Find("Standard_D4s_v5")
			if a1.FamilyQuota.Used-b1.FamilyQuota.Used != 12 || sizesAfter.RegionQuota.Used-sizesBefore.RegionQuota.Used != 12 {
				t.Errorf("usage %d → %d (region %d → %d)", b1.FamilyQuota.Used, a1.FamilyQuota.Used, sizesBefore.RegionQuota.Used, sizesAfter.RegionQuota.Used)
			}

			// Phase 2: the extension, with TLS as protected settings.
			es := wizard.ExtensionSpec{ClusterID: spec.ID(), Region: "eastus", Purpose: rules.Production, Router: wizard.RouterInternal,
				RouterHA: true, TLS: rules.TLS{Mode: rules.TLSCustom, CertPEM: certPEM, KeyPEM: keyPEM, CNAME: "scoring.contoso.com"}}
			ereq, err := c.ExtensionRequest(es)
			if err != nil {
				t.Fatal(err)
			}
			certB64, keyB64 := base64.StdEncoding.EncodeToString(certPEM), base64.StdEncoding.EncodeToString(keyPEM)
			for _, secret := range []string{certB64, keyB64, "MIIEprivatekeybytes", "BEGIN PRIVATE KEY"} {
				if bytes.Contains(ereq.Body, []byte(secret)) {
					t.Errorf("printed Request shows a secret: %s", ereq.Body)
				}
			}
			eop, err := c.InstallExtension(ctx, es)
			if err != nil {
				t.Fatal(err)
			}
			if eop.Kind != wizard.OpExtension || eop.Target != spec.ID() || eop.Name != wizard.ExtensionName {
				t.Errorf("extension op %+v", eop)
			}
			esent, ok := rec.put("/providers/Microsoft.KubernetesConfiguration/extensions/azureml")
			if !ok {
				t.Fatal("no extension PUT seen")
			}
			eb := decodeJSON(t, esent.body)
			if jpath(eb, "properties", "configurationProtectedSettings", "scoringFe.sslCert") != certB64 ||
				jpath(eb, "properties", "configurationProtectedSettings", "scoringFe.sslKey") != keyB64 {
				t.Errorf("protected settings not sent: %s", esent.body)
			}
			// What was sent, secrets replaced, is what was printed.
			jpath(eb, "properties", "configurationProtectedSettings").(map[string]any)["scoringFe.sslCert"] = "<redacted>"
			jpath(eb, "properties", "configurationProtectedSettings").(map[string]any)["scoringFe.sslKey"] = "<redacted>"
			if !reflect.DeepEqual(eb, decodeJSON(t, ereq.Body)) {
				t.Errorf("sent (redacted)\n%s\nprinted\n%s", esent.body, ereq.Body)
			}
			if !strings.EqualFold(ereq.Path, esent.uri) {
				t.Errorf("printed path %s, sent %s", ereq.Path, esent.uri)
			}
			settings := map[string]string{"enableInference": "True", "enableTraining": "False", "inferenceRouterServiceType": "LoadBalancer",
				"internalLoadBalancerProvider": "azure", "inferenceRouterHA": "True", "allowInsecureConnections": "False",
				"clusterPurpose": "FastProd", "sslCname": "scoring.contoso.com", "domain": "eastus.cloudapp.azure.com", "clusterId": spec.ID()}
			for k, v := range settings {
				if got := jpath(eb, "properties", "configurationSettings", k); got != v {
					t.Errorf("configurationSettings.%s = %v, want %s", k, got, v)
				}
			}
			for k, v := range map[string]any{"extensionType": "Microsoft.AzureML.Kubernetes", "releaseTrain": "stable", "autoUpgradeMinorVersion": nil} {
				if got := jpath(eb, "properties", k); got != v {
					t.Errorf("%s = %v", k, got)
				}
			}
			// as az for managedClusters: no identity (AKS assigns the extension's)
			if jpath(eb, "identity") != nil || jpath(eb, "properties", "scope", "cluster", "releaseNamespace") != "azureml" {
				t.Errorf("identity/scope: %s", esent.body)
			}
			ps = drain(t, c.Follow(ctx, eop, time.Millisecond))
			if last := ps[len(ps)-1]; !last.Done || last.Err != nil || last.State != "Succeeded" {
				t.Fatalf("extension final %+v", last)
			}
			ext, ok, err := c.Extension(ctx, spec.ID())
			if err != nil || !ok || !ext.Healthy() || ext.Version == "" || ext.Type != wizard.ExtensionType || ext.Settings["sslCname"] != "scoring.contoso.com" {
				t.Errorf("extension %+v %v %v", ext, ok, err)
			}
			for k := range ext.Settings {
				if k == "scoringFe.sslCert" || k == "scoringFe.sslKey" {
					t.Errorf("a protected setting came back: %s", k)
				}
			}
			if a := rec.answers(); strings.Contains(a, certB64) || strings.Contains(a, keyB64) {
				t.Error("a GET answer carries a protected setting")
			}

			// Phase 3: attach as a Kubernetes compute.
			cs := wizard.ComputeSpec{Type: wizard.ComputeKubernetes, Name: "k8s-cur", Location: "eastus", ClusterID: spec.ID(), Namespace: "default",
				Identity: "SystemAssigned"}
			cop, err := c.Submit(ctx, wsProd, cs)
			if err != nil {
				t.Fatal(err)
			}
			csent, _ := rec.put("/computes/k8s-cur")
			want := `{"location":"eastus","identity":{"type":"SystemAssigned"},"properties":{"computeType":"Kubernetes",
				"resourceId":"` + spec.ID() + `","properties":{"namespace":"default"}}}`
			if !reflect.DeepEqual(decodeJSON(t, csent.body), canonJSON(t, want)) {
				t.Errorf("attach body %s", csent.body)
			}
			ps = drain(t, c.Follow(ctx, cop, time.Millisecond))
			last = ps[len(ps)-1]
			if !last.Done || last.Err != nil || last.Compute == nil || last.Compute.Type != "Kubernetes" || last.Compute.Namespace != "default" ||
				!strings.EqualFold(last.Compute.ClusterID, spec.ID()) {
				t.Fatalf("attach final %+v %+v", last, last.Compute)
			}
			cps, err := c.Computes(ctx, wsProd)
			if err != nil || !slices.ContainsFunc(cps, func(x wizard.Compute) bool { return x.Name == "k8s-cur" && x.Type == "Kubernetes" && x.Attached }) {
				t.Errorf("Computes: %v %v", cps, err)
			}

			// detach keeps the cluster; --delete-cluster: the cluster amlaks created goes.
			xop, err := c.Detach(ctx, wsProd, "k8s-cur")
			if err != nil {
				t.Fatal(err)
			}
			if last := drain(t, c.Follow(ctx, xop, time.Millisecond)); !last[len(last)-1].Done || last[len(last)-1].Err != nil {
				t.Fatalf("detach final %+v", last[len(last)-1])
			}
			if _, err := c.Compute(ctx, wsProd, "k8s-cur"); !errors.Is(err, wizard.ErrNotFound) {
				t.Errorf("after detach: %v", err)
			}
			if _, err := c.Cluster(ctx, spec.ID()); err != nil {
				t.Errorf("detach removed the cluster: %v", err)
			}
			dop, err := c.DeleteCluster(ctx, spec.ID())
			if err != nil {
				t.Fatal(err)
			}
			if last := drain(t, c.Follow(ctx, dop, time.Millisecond)); !last[len(last)-1].Done || last[len(last)-1].Err != nil {
				t.Fatalf("delete final %+v", last[len(last)-1])
			}
			if _, err := c.Cluster(ctx, spec.ID()); !errors.Is(err, wizard.ErrNotFound) {
				t.Errorf("after delete: %v", err)
			}
		})
	}
}

func TestKubernetesRequestsRedacted(t *testing.T) {
	c := memClient(t, newSim(t, simSpeedy), nil)
	es := wizard.ExtensionSpec{ClusterID: mlGroup + sim.ClusterNoExt, Router: wizard.RouterNodePort, AllowInsecure: true}
	r, err := c.ExtensionRequest(es)
	if err != nil {
		t.Fatal(err)
	}
	b := decodeJSON(t, r.Body)
	if jpath(b, "properties", "configurationProtectedSettings") != nil || jpath(b, "properties", "configurationSettings", "allowInsecureConnections") != "True" ||
		jpath(b, "properties", "configurationSettings", "inferenceRouterServiceType") != "NodePort" ||
		jpath(b, "properties", "configurationSettings", "internalLoadBalancerProvider") != nil ||
		jpath(b, "properties", "configurationSettings", "inferenceRouterHA") != "False" ||
		jpath(b, "properties", "configurationSettings", "sslCname") != nil {
		t.Errorf("insecure NodePort request %s", r.Body)
	}
	// A PEM anywhere is redacted, also outside the protected settings.
	es.TLS = rules.TLS{Mode: rules.TLSCustom, CertPEM: certPEM, KeyPEM: keyPEM, CNAME: string(certPEM)}
	r, err = c.ExtensionRequest(es)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(r.Body, []byte("BEGIN")) || !bytes.Contains(r.Body, []byte(`"scoringFe.sslKey": "<redacted>"`)) {
		t.Errorf("request %s", r.Body)
	}
	if _, err := c.ExtensionRequest(wizard.ExtensionSpec{ClusterID: "nope"}); !errors.Is(err, wizard.ErrBadRequest) {
		t.Errorf("bad cluster id: %v", err)
	}
	cr, err := c.ClusterRequest(wizard.ClusterSpec{SubscriptionID: sub1, ResourceGroup: "rg", Name: "My_Cluster.1", Location: "eastus",
		VMSize: "Standard_D4s_v5", Nodes: 2, APIAccess: wizard.APIPrivate})
	if err != nil {
		t.Fatal(err)
	}
	cb := decodeJSON(t, cr.Body)
	if jpath(cb, "properties", "dnsPrefix") != "My-Cluster-1-dns" || jpath(cb, "properties", "apiServerAccessProfile", "enablePrivateCluster") != true ||
		jpath(cb, "properties", "kubernetesVersion") != nil {
		t.Errorf("private cluster request %s", cr.Body)
	}
}

func TestKubernetesReads(t *testing.T) {
	c := memClient(t, newSim(t, simSpeedy), nil)
	ctx := context.Background()
	for name, want := range map[string]string{sim.ClusterExtReady: "SystemAssigned", sim.ClusterSP: "ServicePrincipal"} {
		cl, err := c.Cluster(ctx, mlGroup+name)
		if err != nil || cl.Identity != want {
			t.Errorf("%s identity %q (%v), want %s", name, cl.Identity, err, want)
		}
	}
	if _, err := c.Cluster(ctx, mlGroup+"aks-nope"); !errors.Is(err, wizard.ErrNotFound) {
		t.Errorf("missing cluster: %v", err)
	}
	cls, err := c.Clusters(ctx, sub1)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(cls, func(x wizard.Cluster) bool { return x.Name == sim.ClusterSP })
	if i < 0 || cls[i].Identity != "ServicePrincipal" {
		t.Errorf("Clusters: service principal cluster not marked")
	}
	if i := slices.IndexFunc(cls, func(x wizard.Cluster) bool { return x.Name == sim.ClusterExtReady }); i < 0 || cls[i].Tags["team"] != "ml-platform" {
		t.Errorf("Clusters: tags missing")
	}
	ext, ok, err := c.Extension(ctx, mlGroup+sim.ClusterExtReady)
	if err != nil || !ok || !ext.Healthy() || ext.Name != "azureml" {
		t.Errorf("ready: %+v %v %v", ext, ok, err)
	}
	ext, ok, err = c.Extension(ctx, mlGroup+sim.ClusterExtFailed)
	if err != nil || !ok || ext.Healthy() || ext.State != "Failed" || len(ext.Errors) == 0 || ext.Errors[0].Code != "ExtensionOperationFailed" {
		t.Errorf("failed: %+v %v %v", ext, ok, err)
	}
	if _, ok, err := c.Extension(ctx, mlGroup+sim.ClusterNoExt); ok || err != nil {
		t.Errorf("plain: %v %v", ok, err)
	}
	sandbox := "/subscriptions/" + sub2 + "/resourceGroups/rg-sandbox/providers/Microsoft.ContainerService/managedClusters/aks-sandbox"
	_, _, err = c.Extension(ctx, sandbox)
	if !errors.Is(err, wizard.ErrNotRegistered) || !strings.Contains(wizard.HintOf(err), "az provider register -n Microsoft.KubernetesConfiguration") {
		t.Errorf("sandbox extension: %v (%s)", err, wizard.HintOf(err))
	}
}

func TestKubernetesProviders(t *testing.T) {
	c := memClient(t, newSim(t, sim.Options{Speed: 100}), nil) // registration ≈ 50 ms
	ctx := context.Background()
	ns := []string{"Microsoft.ContainerService", "Microsoft.KubernetesConfiguration"}
	got, err := c.Providers(ctx, sub2, ns)
	if err != nil || got["Microsoft.ContainerService"] != "Registered" || got["Microsoft.KubernetesConfiguration"] != "NotRegistered" {
		t.Fatalf("sandbox %v %v", got, err)
	}
	if got, err := c.Providers(ctx, sub1, ns); err != nil || got["Microsoft.KubernetesConfiguration"] != "Registered" {
		t.Errorf("default %v %v", got, err)
	}
	if err := c.RegisterProvider(ctx, sub2, "Microsoft.KubernetesConfiguration"); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Providers(ctx, sub2, ns); got["Microsoft.KubernetesConfiguration"] != "Registering" {
		t.Errorf("right after register: %v", got)
	}
	time.Sleep(80 * time.Millisecond)
	if got, _ := c.Providers(ctx, sub2, ns); got["Microsoft.KubernetesConfiguration"] != "Registered" {
		t.Errorf("after a while: %v", got)
	}
	if _, err := c.Providers(ctx, sub1, []string{"Microsoft.Nope"}); !errors.Is(err, wizard.ErrNotFound) {
		t.Errorf("unknown namespace: %v", err)
	}
}

func TestKubernetesFailures(t *testing.T) {
	ctx := context.Background()
	final := func(t *testing.T, c *Client, op wizard.Operation) wizard.Progress {
		t.Helper()
		ps := drain(t, c.Follow(ctx, op, time.Millisecond))
		return ps[len(ps)-1]
	}
	t.Run("attach without extension", func(t *testing.T) {
		c := memClient(t, newSim(t, simSpeedy), nil)
		for _, cl := range []string{sim.ClusterNoExt, sim.ClusterExtFailed} {
			op, err := c.Submit(ctx, wsProd, wizard.ComputeSpec{Type: wizard.ComputeKubernetes, Name: "k-" + cl[len(cl)-5:], Location: "eastus", ClusterID: mlGroup + cl})
			if err != nil {
				t.Fatal(err)
			}
			last := final(t, c, op)
			if !last.Done || last.State != "Failed" || !errors.Is(last.Err, wizard.ErrFailed) || !strings.Contains(wizard.HintOf(last.Err), "Azure ML extension") {
				t.Errorf("%s: %+v (%s)", cl, last, wizard.HintOf(last.Err))
			}
		}
	})
	t.Run("extension fault", func(t *testing.T) {
		o := simSpeedy
		o.Faults = sim.Faults{Fail: map[string]int{"extension": 1}}
		c := memClient(t, newSim(t, o), nil)
		op, err := c.InstallExtension(ctx, wizard.ExtensionSpec{ClusterID: mlGroup + sim.ClusterNoExt, Region: "eastus", RouterHA: true, AllowInsecure: true})
		if err != nil {
			t.Fatal(err)
		}
		last := final(t, c, op)
		var we *wizard.Error
		if !last.Done || last.State != "Failed" || !errors.As(last.Err, &we) || we.Code != "ExtensionOperationFailed" || !errors.Is(last.Err, wizard.ErrFailed) ||
			!strings.Contains(we.Hint, "retry the extension only") {
			t.Fatalf("final %+v", last)
		}
		ext, ok, _ := c.Extension(ctx, mlGroup+sim.ClusterNoExt)
		if !ok || ext.State != "Failed" {
			t.Errorf("extension %+v", ext)
		}
		// Reinstall over the failed one: it succeeds (the fault was used).
		op, err = c.InstallExtension(ctx, wizard.ExtensionSpec{ClusterID: mlGroup + sim.ClusterNoExt, Region: "eastus", RouterHA: true, AllowInsecure: true})
		if err != nil {
			t.Fatal(err)
		}
		if last := final(t, c, op); last.Err != nil || last.State != "Succeeded" {
			t.Errorf("reinstall %+v", last)
		}
	})
	t.Run("HA on two nodes", func(t *testing.T) {
		c := memClient(t, newSim(t, simSpeedy), nil)
		op, err := c.InstallExtension(ctx, wizard.ExtensionSpec{ClusterID: aksSmall, Region: "eastus", RouterHA: true, AllowInsecure: true})
		if err != nil {
			t.Fatal(err)
		}
		if last := final(t, c, op); !strings.Contains(wizard.HintOf(last.Err), "healthcheck E40002: the HA inference router needs at least 3 nodes") {
			t.Errorf("final %+v (%s)", last, wizard.HintOf(last.Err))
		}
	})
	t.Run("cluster validation", func(t *testing.T) {
		c := memClient(t, newSim(t, simSpeedy), nil)
		base := wizard.ClusterSpec{SubscriptionID: sub1, ResourceGroup: "rg-ml-prod", Name: "aks-v", Location: "eastus", VMSize: "Standard_D4s_v5", Nodes: 3}
		cases := []struct {
			mod  func(*wizard.ClusterSpec)
			kind error
			hint string
		}{
			{func(s *wizard.ClusterSpec) { s.Nodes = 30 }, wizard.ErrQuota, "standardDSv5Family quota in eastus has 76 vCPUs left and the nodes need 120"},
			{func(s *wizard.ClusterSpec) { s.KubernetesVersion = "1.99" }, wizard.ErrVersion, "amlaks versions -l REGION"},
			{func(s *wizard.ClusterSpec) { s.Name = "-bad" }, wizard.ErrBadRequest, "aks-naming-rules"},
			{func(s *wizard.ClusterSpec) { s.VMSize = "Standard_M8ms" }, wizard.ErrBadRequest, "pick another size"},
			{func(s *wizard.ClusterSpec) { s.ResourceGroup = "rg-nope" }, wizard.ErrNotFound, "does not exist"},
		}
		for _, cs := range cases {
			s := base
			cs.mod(&s)
			_, err := c.CreateCluster(ctx, s)
			if !errors.Is(err, cs.kind) || !strings.Contains(wizard.HintOf(err), cs.hint) {
				t.Errorf("%+v: %v (%s)", s, err, wizard.HintOf(err))
			}
		}
	})
	t.Run("cluster fault and refused delete", func(t *testing.T) {
		o := simSpeedy
		o.Faults = sim.Faults{Fail: map[string]int{"cluster": 1}}
		c := memClient(t, newSim(t, o), nil)
		op, err := c.CreateCluster(ctx, wizard.ClusterSpec{SubscriptionID: sub1, ResourceGroup: "rg-ml-prod", Name: "aks-f", Location: "eastus",
			VMSize: "Standard_D4s_v5", Nodes: 3})
		if err != nil {
			t.Fatal(err)
		}
		if last := final(t, c, op); !errors.Is(last.Err, wizard.ErrFailed) || !strings.Contains(wizard.HintOf(last.Err), "outbound") {
			t.Errorf("final %+v (%s)", last, wizard.HintOf(last.Err))
		}
		if _, err := c.DeleteCluster(ctx, mlGroup+sim.ClusterExtReady); !errors.Is(err, wizard.ErrBadRequest) || !strings.Contains(err.Error(), "not created by amlaks") {
			t.Errorf("delete of a cluster amlaks did not create: %v", err)
		}
	})
	t.Run("unregistered provider", func(t *testing.T) {
		c := memClient(t, newSim(t, simSpeedy), nil)
		sandbox := "/subscriptions/" + sub2 + "/resourceGroups/rg-sandbox/providers/Microsoft.ContainerService/managedClusters/aks-sandbox"
		_, err := c.InstallExtension(ctx, wizard.ExtensionSpec{ClusterID: sandbox, AllowInsecure: true})
		if !errors.Is(err, wizard.ErrNotRegistered) || !strings.Contains(wizard.HintOf(err), "Microsoft.KubernetesConfiguration") {
			t.Errorf("install on the sandbox: %v", err)
		}
	})
}

// A stop while the extension installs, then a new process follows the
// same operation to its end: by its token, or without one by the
// extension's state.
func TestKubernetesResume(t *testing.T) {
	h := newSim(t, sim.Options{Speed: 50}) // extension ≈ 240 ms
	ctx := context.Background()
	first := memClient(t, h, nil)
	spec := wizard.ExtensionSpec{ClusterID: mlGroup + sim.ClusterNoExt, Region: "eastus", RouterHA: true, AllowInsecure: true}
	op, err := first.InstallExtension(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	ch := first.Follow(wctx, op, time.Millisecond)
	if p := <-ch; p.Done {
		t.Fatalf("done at once: %+v", p)
	}
	cancel()
	for range ch {
	}
	ext, ok, err := first.Extension(ctx, spec.ClusterID)
	if err != nil || !ok || ext.State != "Creating" {
		t.Fatalf("mid-install %+v %v %v", ext, ok, err)
	}
	second := memClient(t, h, nil)
	noToken := op
	noToken.Token = ""
	ps := drain(t, second.Follow(ctx, noToken, time.Millisecond))
	if last := ps[len(ps)-1]; !last.Done || last.Err != nil || last.State != "Succeeded" {
		t.Fatalf("without token %+v", last)
	}
	if !slices.ContainsFunc(ps, func(p wizard.Progress) bool { return p.State == "Creating" }) {
		t.Errorf("states %+v", ps)
	}
	third := memClient(t, h, nil)
	ps = drain(t, third.Follow(ctx, op, time.Millisecond))
	if last := ps[len(ps)-1]; !last.Done || last.Err != nil || last.State != "Succeeded" {
		t.Fatalf("with token %+v", last)
	}
}

// BenchmarkKubernetesRequests builds the printed cluster and extension
// requests (review redraws them).
func BenchmarkKubernetesRequests(b *testing.B) {
	c := memClient(b, newSim(b, simSpeedy), nil)
	cs := wizard.ClusterSpec{SubscriptionID: sub1, ResourceGroup: "rg-ml-prod", Name: "aks-cur", Location: "eastus", KubernetesVersion: "1.36",
		VMSize: "Standard_D4s_v5", Nodes: 3, APIAccess: wizard.APIAuthorized, AuthorizedRanges: []string{"203.0.113.0/24"}}
	es := wizard.ExtensionSpec{ClusterID: cs.ID(), Region: "eastus", Router: wizard.RouterLoadBalancer, RouterHA: true,
		TLS: rules.TLS{Mode: rules.TLSCustom, CertPEM: certPEM, KeyPEM: keyPEM, CNAME: "scoring.contoso.com"}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := c.ClusterRequest(cs); err != nil {
			b.Fatal(err)
		}
		if _, err := c.ExtensionRequest(es); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKubernetesExtensionRead is one Extension call (list of a
// cluster's extensions) through the SDK and the in-memory simulator.
func BenchmarkKubernetesExtensionRead(b *testing.B) {
	c := memClient(b, newSim(b, simSpeedy), nil)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, ok, err := c.Extension(ctx, mlGroup+sim.ClusterExtReady); err != nil || !ok {
			b.Fatal(err)
		}
	}
}
