package sim

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func createBody(size string, count int, purpose string) map[string]any {
	return map[string]any{"location": "eastus", "properties": map[string]any{
		"computeType": "AKS", "computeLocation": "eastus", "description": "test",
		"properties": map[string]any{"agentCount": count, "agentVmSize": size, "clusterPurpose": purpose, "loadBalancerType": "PublicIp"}}}
}

func attachBody(rg, cluster, purpose string) map[string]any {
	return map[string]any{"location": "eastus", "properties": map[string]any{
		"computeType": "AKS",
		"resourceId":  "/subscriptions/" + sub1 + "/resourceGroups/" + rg + "/providers/Microsoft.ContainerService/managedClusters/" + cluster,
		"properties":  map[string]any{"clusterPurpose": purpose}}}
}

// put sends a PUT and expects want.
func (e *env) put(name string, body any, want int) (*http.Response, map[string]any) {
	e.t.Helper()
	resp, m := e.do("PUT", mlw+"/computes/"+name, body)
	if resp.StatusCode != want {
		e.t.Fatalf("PUT %s: status %d, want %d: %v", name, resp.StatusCode, want, m)
	}
	return resp, m
}

// status polls the Azure-AsyncOperation URL of resp.
func (e *env) status(resp *http.Response) map[string]any {
	e.t.Helper()
	u := resp.Header.Get("Azure-AsyncOperation")
	if !strings.HasPrefix(u, endpoint+"/subscriptions/"+sub1+"/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/") {
		e.t.Fatalf("Azure-AsyncOperation %q", u)
	}
	return e.get(u, 200)
}

func TestPutValidation(t *testing.T) {
	e := newEnv(t, Options{})
	aml := createBody("Standard_D3_v2", 3, "FastProd")
	aml["properties"].(map[string]any)["computeType"] = "AmlCompute"
	noLoc := createBody("Standard_D3_v2", 3, "FastProd")
	delete(noLoc, "location")
	noSize := createBody("Standard_D3_v2", 3, "FastProd")
	delete(noSize["properties"].(map[string]any)["properties"].(map[string]any), "agentVmSize")
	noProps := map[string]any{"location": "eastus", "properties": map[string]any{"computeType": "AKS"}}
	for _, tc := range []struct {
		name, compute string
		body          any
		status        int
		code, msg     string
	}{
		{"not json", "c-json", "{", 400, "InvalidRequestContent", "could not be deserialized"},
		{"empty body", "c-empty", "", 400, "InvalidRequestContent", "empty"},
		{"wrong types", "c-types", `{"location":"eastus","properties":{"computeType":"AKS","properties":{"agentCount":"three"}}}`, 400, "InvalidRequestContent", ""},
		{"no computeType", "c-type", map[string]any{"location": "eastus", "properties": map[string]any{}}, 400, "BadRequest", "computeType"},
		{"AmlCompute", "c-aml", aml, 400, "BadRequest", "AmlCompute"},
		{"no location", "c-loc", noLoc, 400, "LocationRequired", ""},
		{"no size", "c-size", noSize, 400, "BadRequest", "agentVmSize"},
		{"no properties", "c-props", noProps, 400, "BadRequest", "agentVmSize"},
		{"unknown size", "c-unknown", createBody("Standard_Nope", 3, "FastProd"), 400, "BadRequest", "Standard_Nope"},
		{"size not offered", "c-offered", func() map[string]any {
			b := createBody("Standard_NC4as_T4_v3", 3, "FastProd")
			b["properties"].(map[string]any)["computeLocation"] = "francesouth"
			return b
		}(), 400, "BadRequest", "not available"},
		{"tiny node", "c-tiny", createBody("Standard_B1ms", 3, "DevTest"), 400, "BadRequest", "does not have enough CPU/memory"},
		{"bad purpose", "c-purpose", createBody("Standard_D3_v2", 3, "Huge"), 400, "BadRequest", "clusterPurpose"},
		{"zero nodes", "c-zero", createBody("Standard_D3_v2", 0, "DevTest"), 400, "BadRequest", "agentCount"},
		{"cores", "c-cores", createBody("Standard_D2_v2", 3, "FastProd"), 400, "BadRequest", "Cluster should have at least 12 cores to operate"},
		{"machines", "c-machines", createBody("Standard_D8_v3", 2, "FastProd"), 400, "BadRequest",
			"At least 3 machine(s) are required for cluster with purpose 'FastProd'. Available machine(s) : 2"},
		{"bad name", "1bad", createBody("Standard_D3_v2", 3, "FastProd"), 400, "BadRequest",
			"Compute name is invalid. It can include letters, digits and dashes. It must start with a letter, end with a letter or digit, and be between 3 and 24 characters"},
		{"long name", "a234567890123456789012345", createBody("Standard_D3_v2", 3, "FastProd"), 400, "BadRequest", "Compute name is invalid"},
		{"dash digits", "aks-12", createBody("Standard_D3_v2", 3, "FastProd"), 400, "BadRequest", "Compute name is invalid"},
		{"exists", "aks-inference", createBody("Standard_D3_v2", 3, "FastProd"), 409, "Conflict",
			"Compute with this name already exists. Compute name needs to be unique across all existing computes within an Azure region"},
		{"exists other case", "CPU-Cluster", createBody("Standard_D3_v2", 3, "FastProd"), 409, "Conflict", ""},
		{"unknown cluster", "c-nocluster", attachBody("rg-aks", "aks-nope", "FastProd"), 404, "ResourceNotFound", "aks-nope"},
		{"bad resource id", "c-badid", map[string]any{"location": "eastus", "properties": map[string]any{"computeType": "AKS", "resourceId": "/subscriptions/x/whatever"}},
			400, "BadRequest", "Invalid resource ID"},
		{"small for production", "c-small", attachBody("rg-aks", "aks-small", "FastProd"), 400, "BadRequest", "Cluster should have at least 12 cores"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, m := e.do("PUT", mlw+"/computes/"+tc.compute, tc.body)
			if resp.StatusCode != tc.status || errCode(m) != tc.code || !strings.Contains(jstr(m, "error", "message"), tc.msg) {
				t.Errorf("status %d, body %v; want %d %s %q", resp.StatusCode, m, tc.status, tc.code, tc.msg)
			}
			if resp.Header.Get("x-ms-error-code") != tc.code {
				t.Errorf("x-ms-error-code %q", resp.Header.Get("x-ms-error-code"))
			}
		})
	}
	if items, _ := e.list(mlw + "/computes"); len(items) != 3 {
		t.Errorf("rejected PUTs left computes behind: %d", len(items))
	}
}

func TestCreateLifecycle(t *testing.T) {
	e := newEnv(t, Options{})
	before := usageOf(e, "eastus")
	resp, m := e.put("aks-new", createBody("Standard_D3_v2", 3, "FastProd"), 201)
	if jstr(m, "properties", "provisioningState") != "Creating" || jstr(m, "properties", "computeType") != "AKS" ||
		jnum(m, "properties", "properties", "agentCount") != 3 || jget(m, "properties", "isAttachedCompute") != false {
		t.Errorf("201 body: %v", m)
	}
	if st := e.status(resp); jstr(st, "status") != "InProgress" || jget(st, "error") != nil {
		t.Errorf("status at start: %v", st)
	}
	e.clock.Advance(19 * time.Second)
	if st := e.status(resp); jstr(st, "status") != "InProgress" || jnum(st, "percentComplete") < 90 {
		t.Errorf("status at 19 s: %v", st)
	}
	if c := e.get(mlw+"/computes/aks-new", 200); jstr(c, "properties", "provisioningState") != "Creating" {
		t.Errorf("compute while creating: %v", c)
	}
	e.clock.Advance(time.Second)
	if st := e.status(resp); jstr(st, "status") != "Succeeded" || jstr(st, "endTime") == "" {
		t.Errorf("status at 20 s: %v", st)
	}
	c := e.get(mlw+"/computes/aks-new", 200)
	fqdn := jstr(c, "properties", "properties", "clusterFqdn")
	if jstr(c, "properties", "provisioningState") != "Succeeded" || !strings.HasPrefix(fqdn, "aks-new") ||
		!strings.HasSuffix(fqdn, ".eastus.cloudapp.azure.com") || jstr(c, "properties", "resourceId") == "" {
		t.Errorf("compute after create: %v", c)
	}
	clusters, _ := e.list("/subscriptions/" + sub1 + "/resourceGroups/rg-ml-prod/providers/Microsoft.ContainerService/managedClusters")
	if len(clusters) != 1 || !strings.HasPrefix(jstr(clusters[0], "name"), "aks-new") ||
		!strings.EqualFold(jstr(clusters[0], "id"), jstr(c, "properties", "resourceId")) ||
		jstr(clusters[0], "properties", "kubernetesVersion") != "1.36.7" {
		t.Errorf("created cluster: %v", clusters)
	}
	after := usageOf(e, "eastus")
	if after["standardDv2Family"]-before["standardDv2Family"] != 12 || after["cores"]-before["cores"] != 12 {
		t.Errorf("usage: before %v after %v", before, after)
	}

	// Delete removes the cluster AML created, and its usage.
	resp, _ = e.do("DELETE", mlw+"/computes/aks-new?underlyingResourceAction=Delete", nil)
	if resp.StatusCode != 202 || resp.Header.Get("Location") == "" || resp.Header.Get("Azure-AsyncOperation") == "" {
		t.Fatalf("DELETE: %d %v", resp.StatusCode, resp.Header)
	}
	if c := e.get(mlw+"/computes/aks-new", 200); jstr(c, "properties", "provisioningState") != "Deleting" {
		t.Errorf("compute while deleting: %v", c)
	}
	if res := e.get(resp.Header.Get("Location"), 202); res != nil {
		t.Errorf("result while running: %v", res)
	}
	e.clock.Advance(6 * time.Second)
	if st := e.status(resp); jstr(st, "status") != "Succeeded" {
		t.Errorf("delete status: %v", st)
	}
	e.get(resp.Header.Get("Location"), 204)
	e.get(mlw+"/computes/aks-new", 404)
	if cl, _ := e.list("/subscriptions/" + sub1 + "/resourceGroups/rg-ml-prod/providers/Microsoft.ContainerService/managedClusters"); len(cl) != 0 {
		t.Errorf("cluster survived delete: %v", cl)
	}
	if u := usageOf(e, "eastus"); u["cores"] != before["cores"] || u["standardDv2Family"] != before["standardDv2Family"] {
		t.Errorf("usage after delete %v, want %v", u, before)
	}
}

func usageOf(e *env, region string) map[string]float64 {
	items, _ := e.list("/subscriptions/" + sub1 + "/providers/Microsoft.Compute/locations/" + region + "/usages")
	out := map[string]float64{}
	for _, it := range items {
		out[jstr(it, "name", "value")] = jnum(it, "currentValue")
	}
	return out
}

// failedWith runs an operation to its end and returns the status body.
func (e *env) finish(resp *http.Response, d time.Duration) map[string]any {
	e.t.Helper()
	e.clock.Advance(d)
	return e.status(resp)
}

func TestCreateQuotaExceeded(t *testing.T) {
	e := newEnv(t, Options{})
	resp, _ := e.put("aks-fsv2", createBody("Standard_F4s_v2", 3, "FastProd"), 201)
	st := e.finish(resp, 20*time.Second)
	want := "Operation could not be completed as it results in exceeding approved standardFSv2Family Cores quota. Additional details - " +
		"Deployment Model: Resource Manager, Location: eastus, Current Limit: 10, Current Usage: 6, Additional Required: 12, (Minimum) New Limit Required: 18."
	// Azure's real shape: AKS's QuotaExceeded inside the template
	// deployment AML runs, under BadArgument, all in one message
	msg := jstr(st, "error", "message")
	if jstr(st, "status") != "Failed" || jstr(st, "error", "code") != "BadArgument" || !strings.HasPrefix(msg, "InvalidTemplateDeployment: Details: RequestId: ") ||
		!strings.Contains(msg, "Error code: 'QuotaExceeded'") || !strings.Contains(msg, `"code": "QuotaExceeded"`) ||
		!strings.Contains(msg, "Provisioning of resource(s) for container service aks-fsv2") || !strings.Contains(msg, want) {
		t.Errorf("status: %v", st)
	}
	c := e.get(mlw+"/computes/aks-fsv2", 200)
	if jstr(c, "properties", "provisioningState") != "Failed" || jstr(c, "properties", "provisioningErrors", 0, "error", "code") != "BadArgument" ||
		!strings.Contains(jstr(c, "properties", "provisioningErrors", 0, "error", "message"), want) {
		t.Errorf("compute: %v", c)
	}
	// GPU families have no quota in eastus; the regional limit binds too.
	resp, _ = e.put("aks-gpu", createBody("Standard_NC4as_T4_v3", 3, "FastProd"), 201)
	if st := e.finish(resp, 20*time.Second); jstr(st, "error", "code") != "BadArgument" ||
		!strings.Contains(jstr(st, "error", "message"), "standardNCASv3_T4Family Cores quota") {
		t.Errorf("GPU: %v", st)
	}
	resp, _ = e.put("aks-big", createBody("Standard_D32_v3", 3, "FastProd"), 201)
	if st := e.finish(resp, 20*time.Second); !strings.Contains(jstr(st, "error", "message"), "Total Regional Cores quota") {
		t.Errorf("regional: %v", st)
	}
	// A restricted size fails too.
	resp, _ = e.put("aks-m", createBody("Standard_F72s_v2", 1, "DevTest"), 201)
	if st := e.finish(resp, 20*time.Second); jstr(st, "error", "details", 0, "code") != "SkuNotAvailable" {
		t.Errorf("restricted: %v", st)
	}
}

func TestAttachOutcomes(t *testing.T) {
	e := newEnv(t, Options{})
	for _, tc := range []struct {
		compute, rg, cluster, purpose string
		status, detail, msg           string
	}{
		{"att-legacy", "rg-aks", "aks-legacy", "FastProd", "Failed", "BadRequestFormat",
			"Specified kubernetes version 1.24.10 is not supported. Supported versions are between 1.34.0 - 1.37.2"},
		{"att-stopped", "rg-aks", "aks-stopped", "FastProd", "Failed", "BadArgument", "Stopped"},
		{"att-failed", "rg-aks", "aks-failed", "FastProd", "Failed", "BadArgument", "Failed"},
		{"att-pubfqdn", "rg-aks", "aks-private-fqdn", "FastProd", "Failed", "BadArgument", "public FQDN"},
		{"att-shared", "rg-aks", "aks-shared", "FastProd", "Succeeded", "", ""}, // already attached as aks-inference: succeeds
		{"att-locked", "rg-aks", "aks-locked", "FastProd", "Succeeded", "", ""},
		{"att-private", "rg-aks", "aks-private", "FastProd", "Succeeded", "", ""},
		{"att-small", "rg-aks", "aks-small", "DevTest", "Succeeded", "", ""},
		{"att-gpu", "rg-gpu", "aks-gpu-weu", "FastProd", "Succeeded", "", ""},
		{"att-preview", "rg-aks-preview", "aks-preview", "FastProd", "Succeeded", "", ""},
	} {
		t.Run(tc.cluster, func(t *testing.T) {
			resp, m := e.put(tc.compute, attachBody(tc.rg, tc.cluster, tc.purpose), 201)
			if jstr(m, "properties", "provisioningState") != "Updating" || jget(m, "properties", "isAttachedCompute") != true {
				t.Errorf("201 body: %v", m)
			}
			if st := e.status(resp); jstr(st, "status") != "InProgress" {
				t.Errorf("at start: %v", st)
			}
			st := e.finish(resp, 10*time.Second)
			if jstr(st, "status") != tc.status {
				t.Fatalf("status: %v", st)
			}
			c := e.get(mlw+"/computes/"+tc.compute, 200)
			if tc.status == "Failed" {
				if jstr(st, "error", "code") != "BadRequest" || jstr(st, "error", "message") != "The request is invalid" ||
					jstr(st, "error", "details", 0, "code") != tc.detail || !strings.Contains(jstr(st, "error", "details", 0, "message"), tc.msg) {
					t.Errorf("error: %v", jget(st, "error"))
				}
				if jstr(c, "properties", "provisioningState") != "Failed" ||
					jstr(c, "properties", "provisioningErrors", 0, "error", "details", 0, "code") != tc.detail {
					t.Errorf("compute: %v", c)
				}
				return
			}
			if jstr(c, "properties", "provisioningState") != "Succeeded" || jnum(c, "properties", "properties", "agentCount") == 0 ||
				jstr(c, "properties", "properties", "clusterFqdn") == "" || jstr(c, "properties", "properties", "clusterPurpose") != tc.purpose {
				t.Errorf("compute: %v", c)
			}
		})
	}
	if c := e.get(mlw+"/computes/att-gpu", 200); jstr(c, "properties", "computeLocation") != "westeurope" {
		t.Errorf("attached compute keeps the cluster's region: %v", c)
	}
}

func TestDetachKeepsCluster(t *testing.T) {
	e := newEnv(t, Options{})
	resp, m := e.do("DELETE", mlw+"/computes/aks-inference?underlyingResourceAction=Detach", nil)
	if resp.StatusCode != 202 || m != nil {
		t.Fatalf("DELETE: %d %v", resp.StatusCode, m)
	}
	again, _ := e.do("DELETE", mlw+"/computes/aks-inference?underlyingResourceAction=Detach", nil)
	if again.StatusCode != 202 || again.Header.Get("Azure-AsyncOperation") != resp.Header.Get("Azure-AsyncOperation") {
		t.Errorf("repeated detach: %d %v", again.StatusCode, again.Header)
	}
	if st := e.finish(resp, 2*time.Second); jstr(st, "status") != "InProgress" {
		t.Errorf("at 2 s: %v", st)
	}
	if st := e.finish(resp, time.Second); jstr(st, "status") != "Succeeded" {
		t.Errorf("at 3 s: %v", st)
	}
	e.get(mlw+"/computes/aks-inference", 404)
	e.get("/subscriptions/"+sub1+"/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-shared", 200)
	// detaching something that does not exist: 204
	if resp, _ := e.do("DELETE", mlw+"/computes/aks-inference?underlyingResourceAction=Detach", nil); resp.StatusCode != 204 {
		t.Errorf("second detach: %d", resp.StatusCode)
	}
	// the name is free again
	e.put("aks-inference", attachBody("rg-aks", "aks-shared", "FastProd"), 201)
}

func TestDeleteValidation(t *testing.T) {
	e := newEnv(t, Options{})
	for _, q := range []string{"", "?underlyingResourceAction=Remove"} {
		resp, m := e.do("DELETE", mlw+"/computes/aks-inference"+q, nil)
		if resp.StatusCode != 400 || !strings.Contains(jstr(m, "error", "message"), "underlyingResourceAction") {
			t.Errorf("DELETE%s: %d %v", q, resp.StatusCode, m)
		}
	}
	if resp, m := e.do("DELETE", mlw+"/computes/cpu-cluster?underlyingResourceAction=Detach", nil); resp.StatusCode != 400 {
		t.Errorf("detach AmlCompute: %d %v", resp.StatusCode, m)
	}
	resp, _ := e.put("aks-busy", createBody("Standard_D3_v2", 3, "FastProd"), 201)
	if r2, m := e.do("DELETE", mlw+"/computes/aks-busy?underlyingResourceAction=Delete", nil); r2.StatusCode != 409 {
		t.Errorf("delete while creating: %d %v", r2.StatusCode, m)
	}
	e.finish(resp, 20*time.Second)
	if r2, _ := e.do("DELETE", mlw+"/computes/aks-busy?underlyingResourceAction=detach", nil); r2.StatusCode != 202 {
		t.Errorf("detach after create: %d", r2.StatusCode)
	}
	e.clock.Advance(3 * time.Second)
	// detach keeps the cluster AML created
	if cl, _ := e.list("/subscriptions/" + sub1 + "/resourceGroups/rg-ml-prod/providers/Microsoft.ContainerService/managedClusters"); len(cl) != 1 {
		t.Errorf("clusters after detach: %d", len(cl))
	}
	// deleting an attached compute only detaches it
	r3, _ := e.do("DELETE", mlw+"/computes/aks-inference?underlyingResourceAction=Delete", nil)
	e.finish(r3, 6*time.Second)
	e.get("/subscriptions/"+sub1+"/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-shared", 200)
}

func TestSecretsNeverEchoed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	e := newEnv(t, Options{StatePath: path})
	body := createBody("Standard_D3_v2", 3, "FastProd")
	body["properties"].(map[string]any)["properties"].(map[string]any)["sslConfiguration"] = map[string]any{
		"status": "Enabled", "cert": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
		"cname": "score.contoso.example"}
	_, m := e.put("aks-tls", body, 201)
	ssl := jget(m, "properties", "properties", "sslConfiguration")
	if jstr(ssl, "status") != "Enabled" || jstr(ssl, "cname") != "score.contoso.example" || jget(ssl, "cert") != nil || jget(ssl, "key") != nil {
		t.Errorf("sslConfiguration: %v", ssl)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "BEGIN") {
		t.Error("certificate or key stored in the state file")
	}
}
