package sim

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFixtureInvariants(t *testing.T) {
	w := newWorld()

	// sizes: at least 150 real ones, unique names, sane figures
	if len(w.sizes) < 150 {
		t.Errorf("%d sizes", len(w.sizes))
	}
	seen := map[string]bool{}
	for _, s := range w.sizes {
		if seen[s.Name] {
			t.Errorf("duplicate size %s", s.Name)
		}
		seen[s.Name] = true
		if s.VCPUs < 1 || s.MemoryGB <= 0 || !strings.HasPrefix(s.Name, "Standard_") || !strings.HasPrefix(s.Family, "standard") ||
			!strings.HasSuffix(s.Family, "Family") || s.HyperV == "" {
			t.Errorf("size %+v", s)
		}
		for _, r := range s.Regions {
			if w.physical(r) == nil {
				t.Errorf("%s offered in unknown region %s", s.Name, r)
			}
		}
	}
	for name, want := range map[string]struct {
		vcpus int
		mem   float64
		gpus  int
		fam   string
	}{
		"Standard_D3_v2":           {4, 14, 0, "standardDv2Family"},
		"Standard_DS3_v2":          {4, 14, 0, "standardDSv2Family"},
		"Standard_D4s_v3":          {4, 16, 0, "standardDSv3Family"},
		"Standard_B2s":             {2, 4, 0, "standardBSFamily"},
		"Standard_E64_v3":          {64, 432, 0, "standardEv3Family"},
		"Standard_F4s_v2":          {4, 8, 0, "standardFSv2Family"},
		"Standard_NC4as_T4_v3":     {4, 28, 1, "standardNCASv3_T4Family"},
		"Standard_NC24ads_A100_v4": {24, 220, 1, "standardNCADSA100v4Family"},
		"Standard_ND40rs_v2":       {40, 672, 8, "standardNDSv2Family"},
		"Standard_NV12s_v3":        {12, 112, 1, "standardNVSv3Family"},
		"Standard_M8ms":            {8, 218.75, 0, "standardMSFamily"},
	} {
		s := w.size(name)
		if s == nil || s.VCPUs != want.vcpus || s.MemoryGB != want.mem || s.GPUs != want.gpus || s.Family != want.fam {
			t.Errorf("%s: %+v, want %+v", name, s, want)
		}
	}
	if pb := w.size("Standard_PB6s"); pb == nil || pb.FPGAs != 1 || pb.GPUs != 0 {
		t.Errorf("Standard_PB6s: %+v", pb)
	}

	// regions: ≥ 30 physical, pairs real (symmetric, or one of the known one-way pairs)
	oneWay := map[string]string{"westus3": "eastus", "brazilsouth": "southcentralus", "brazilsoutheast": "brazilsouth", "westindia": "southindia"}
	physical := 0
	for _, r := range w.regions {
		if r.Logical {
			continue
		}
		physical++
		if r.DisplayName == "" || !strings.HasSuffix(r.RegionalDisplayName, r.DisplayName) || r.Versions == "" || w.versions[r.Versions] == nil {
			t.Errorf("region %+v", r)
		}
		for _, p := range r.Pairs {
			pr := w.physical(p)
			if pr == nil {
				t.Errorf("%s paired with unknown %s", r.Name, p)
				continue
			}
			if !contains(pr.Pairs, r.Name) && oneWay[r.Name] != p {
				t.Errorf("%s → %s is not symmetric nor a known one-way pair", r.Name, p)
			}
		}
	}
	if physical < 30 {
		t.Errorf("%d physical regions", physical)
	}

	// versions: four minors, exactly one default, one preview, one LTS-only; never 1.24
	for profile, vs := range w.versions {
		def, prev, lts := 0, 0, 0
		for _, m := range vs {
			if m.Default {
				def++
			}
			if m.Preview {
				prev++
			}
			if len(m.Plans) == 1 && m.Plans[0] == planLTS {
				lts++
			}
			if m.Version == "1.24" || len(m.Patches) == 0 {
				t.Errorf("%s: %+v", profile, m)
			}
		}
		// December 2026: 1.35-1.37 generally available, 1.34 on LTS only;
		// only the regions ahead have the next minor in preview
		wantMinors, wantPrev := 4, 0
		if profile == "ahead" {
			wantMinors, wantPrev = 5, 1
		}
		if len(vs) != wantMinors || def != 1 || prev != wantPrev || lts != 1 {
			t.Errorf("%s: %d minors, %d default, %d preview, %d LTS-only", profile, len(vs), def, prev, lts)
		}
	}

	// quotas: GPU and FPGA families at 0 in eastus; one tight family; the default create fits
	s1 := w.sub(DefaultSubscriptionID)
	for _, fam := range w.families {
		if c := w.famClass[fam]; (c == "gpu" || c == "fpga") && w.limit(s1, "eastus", fam) != 0 {
			t.Errorf("%s limit %d in eastus", fam, w.limit(s1, "eastus", fam))
		}
	}
	u := w.baseUsage(s1, "eastus")
	tight := 0
	for _, fam := range w.families {
		if lim := w.limit(s1, "eastus", fam); lim > 0 && lim-u[fam] < 12 {
			tight++
		}
	}
	if tight != 1 || w.limit(s1, "eastus", "standardFSv2Family")-u["standardFSv2Family"] != 4 {
		t.Errorf("%d tight families in eastus", tight)
	}
	if w.limit(s1, "eastus", "standardDv2Family")-u["standardDv2Family"] < 12 || w.limit(s1, "eastus", "cores")-u["cores"] < 12 {
		t.Error("the default create (3 × Standard_D3_v2) does not fit in eastus")
	}

	// clusters: every size known, names unique per subscription, attached fixture points at aks-shared
	names := map[string]bool{}
	for _, c := range w.clusters {
		key := c.Sub + "/" + c.Name
		if names[key] {
			t.Errorf("duplicate cluster %s", key)
		}
		names[key] = true
		for _, p := range c.Pools {
			if s := w.size(p.VMSize); s == nil || !w.offered(s, c.Location) {
				t.Errorf("%s: size %s not offered in %s", c.Name, p.VMSize, c.Location)
			}
		}
		if w.physical(c.Location) == nil {
			t.Errorf("%s in %s", c.Name, c.Location)
		}
	}
	for _, c := range initialComputes() {
		if c.Name == "aks-inference" && !strings.HasSuffix(c.ResourceID, "/managedClusters/aks-shared") {
			t.Errorf("aks-inference → %s", c.ResourceID)
		}
	}
}

// FuzzServeHTTP: no input panics the handler or gives a non-JSON error.
func FuzzServeHTTP(f *testing.F) {
	f.Add("GET", "/subscriptions?api-version=1", "")
	f.Add("PUT", mlw+"/computes/aks-x?api-version=1", `{"location":"eastus","properties":{"computeType":"AKS","properties":{"agentCount":3,"agentVmSize":"Standard_D3_v2"}}}`)
	f.Add("PUT", mlw+"/computes/aks-y?api-version=1", `{"location":"eastus","properties":{"computeType":"AKS","resourceId":"/subscriptions/x/resourceGroups/y/providers/Microsoft.ContainerService/managedClusters/"}}`)
	f.Add("PUT", mlw+"/computes/aks-z?api-version=1", `{"location":null,"properties":{"computeType":"AKS","properties":{"agentCount":-9999999999,"agentVmSize":"Standard_D3_v2"}}}`)
	f.Add("PUT", mlw+"/computes/aks-q?api-version=1", `{"properties":{"computeType":"AKS","properties":{"sslConfiguration":{"status":7}}}}`)
	f.Add("DELETE", mlw+"/computes/aks-inference?api-version=1&underlyingResourceAction=Detach", "")
	f.Add("GET", "/subscriptions/"+sub1+"/providers/Microsoft.Compute/skus?api-version=1&$filter=location%20eq%20%27", "")
	f.Add("GET", "/subscriptions/%2F/providers/Microsoft.MachineLearningServices/locations/%00/computeOperationsStatus/x?api-version=1", "")
	f.Add("GET", "//subscriptions///locations?api-version=1&$skiptoken=-1", "")
	aks := "/subscriptions/" + sub1 + "/resourceGroups/rg-ml-prod/providers/Microsoft.ContainerService/managedClusters/"
	f.Add("PUT", aks+"c1?api-version=1", `{"location":"eastus","identity":{"type":"SystemAssigned"},"properties":{"dnsPrefix":"c1","agentPoolProfiles":[{"name":"system","mode":"System","count":3,"vmSize":"Standard_D4s_v5"}]}}`)
	f.Add("PUT", aks+"c2?api-version=1", `{"location":"eastus","properties":{"dnsPrefix":"c","agentPoolProfiles":[null,{"count":-1}],"apiServerAccessProfile":{"authorizedIPRanges":[""]}}}`)
	f.Add("DELETE", aks+"c1?api-version=1", "")
	f.Add("PUT", mlRG+ClusterNoExt+extPath+"azureml?api-version=1", `{"properties":{"extensionType":"Microsoft.AzureML.Kubernetes","configurationSettings":{"enableInference":null},"configurationProtectedSettings":{"scoringFe.sslCert":"%%%"}}}`)
	f.Add("GET", mlRG+ClusterNoExt+extPath+"azureml/operations/x?api-version=1", "")
	f.Add("POST", "/subscriptions/"+sub2+"/providers/Microsoft.KubernetesConfiguration/register?api-version=1", "")
	f.Add("PUT", mlw+"/computes/k8s-x?api-version=1", `{"location":"eastus","identity":{"type":"UserAssigned"},"properties":{"computeType":"Kubernetes","resourceId":"`+mlRG+ClusterExtReady+`","properties":{"namespace":7}}}`)
	h, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, target, body string) {
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		req, err := http.NewRequest(method, "https://management.azure.com"+target, bytes.NewReader([]byte(body)))
		if err != nil {
			return
		}
		req.RequestURI = target
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Errorf("%s %s: %d %s", method, target, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && !strings.Contains(rec.Body.String(), `"error":{"code":`) {
			t.Errorf("%s %s: %d without an ARM error body: %s", method, target, rec.Code, rec.Body)
		}
	})
}

// BenchmarkSKUList serves one region's SKU list, every page.
func BenchmarkSKUList(b *testing.B) {
	h, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	tr := NewTransport(h)
	first := endpoint + "/subscriptions/" + sub1 + "/providers/Microsoft.Compute/skus?api-version=2021-07-01&$filter=location+eq+%27eastus%27"
	b.ReportAllocs()
	bytesPerList := 0
	for i := 0; i < b.N; i++ {
		n := 0
		for next := first; next != ""; {
			req, _ := http.NewRequest("GET", next, nil)
			resp, err := tr.Do(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("%v %v", resp, err)
			}
			var m struct {
				NextLink string `json:"nextLink"`
			}
			buf := new(bytes.Buffer)
			buf.ReadFrom(resp.Body)
			n += buf.Len()
			// the nextLink is near the end: find it cheaply
			if k := bytes.LastIndex(buf.Bytes(), []byte(`"nextLink":"`)); k >= 0 {
				rest := buf.Bytes()[k+len(`"nextLink":"`):]
				m.NextLink = string(rest[:bytes.IndexByte(rest, '"')])
			}
			next = m.NextLink
		}
		bytesPerList = n
	}
	b.SetBytes(int64(bytesPerList))
}
