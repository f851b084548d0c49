package sim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestKubernetesEndpointLifecycle(t *testing.T) {
	score := httptest.NewServer(nil)
	defer score.Close()
	e := newEnv(t, Options{ScoringURL: score.URL})
	score.Config.Handler = http.HandlerFunc(e.h.ServeScoring)

	// attach aks-ml-ready as a Kubernetes compute
	resp, m := e.do("PUT", mlw+"/computes/k8s-serve", map[string]any{"location": "eastus", "identity": map[string]any{"type": "SystemAssigned"},
		"properties": map[string]any{"computeType": "Kubernetes", "resourceId": mlRG + ClusterExtReady}})
	if resp.StatusCode != 201 {
		t.Fatalf("attach: %d %v", resp.StatusCode, m)
	}
	e.clock.Advance(time.Minute)

	endpoint := func(compute string) map[string]any {
		return map[string]any{"location": "eastus", "tags": map[string]string{"amlaks-smoke-test": "1"},
			"identity":   map[string]any{"type": "SystemAssigned"},
			"properties": map[string]any{"authMode": "Key", "compute": mlw + "/computes/" + compute}}
	}
	// the legacy AKS compute is refused with Azure's words
	resp, m = e.do("PUT", mlw+"/onlineEndpoints/ep-legacy", endpoint("aks-inference"))
	if resp.StatusCode != 400 || jstr(jget(m, "error", "details", 0), "code") != "NotSupported" ||
		!strings.Contains(jstr(jget(m, "error", "details", 0), "message"), "AKS compute type is no longer supported") {
		t.Fatalf("legacy: %d %v", resp.StatusCode, m)
	}

	resp, m = e.do("PUT", mlw+"/onlineEndpoints/ep-smoke", endpoint("k8s-serve"))
	if resp.StatusCode != 201 || jstr(m, "properties", "provisioningState") != "Creating" || resp.Header.Get("Azure-AsyncOperation") == "" {
		t.Fatalf("endpoint: %d %v", resp.StatusCode, m)
	}
	e.clock.Advance(time.Minute)
	resp, _ = e.do("PUT", mlw+"/environments/smoke/versions/1", smokeEnvironment("docker.io/library/nginx:alpine"))
	if resp.StatusCode != 201 {
		t.Fatalf("environment: %d", resp.StatusCode)
	}
	dep := map[string]any{"location": "eastus", "sku": map[string]any{"name": "Default", "capacity": 1},
		"properties": map[string]any{"endpointComputeType": "Kubernetes", "environmentId": mlw + "/environments/smoke/versions/1", "instanceType": "defaultinstancetype"}}
	resp, m = e.do("PUT", mlw+"/onlineEndpoints/ep-smoke/deployments/smoke", dep)
	if resp.StatusCode != 201 {
		t.Fatalf("deployment: %d %v", resp.StatusCode, m)
	}
	e.clock.Advance(time.Minute)
	ep := e.get(mlw+"/onlineEndpoints/ep-smoke", 200)
	uri := jstr(ep, "properties", "scoringUri")
	if !strings.HasPrefix(uri, score.URL+"/api/v1/endpoint/ep-smoke/score") {
		t.Fatalf("scoringUri %q", uri)
	}
	_, keys := e.do("POST", mlw+"/onlineEndpoints/ep-smoke/listKeys", nil)
	key := jstr(keys, "primaryKey")
	call := func(key, deployment string) int {
		req, _ := http.NewRequest("POST", uri, strings.NewReader(`{"ping":1}`))
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		if deployment != "" {
			req.Header.Set("azureml-model-deployment", deployment)
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		return r.StatusCode
	}
	if c := call("", "smoke"); c != 401 {
		t.Errorf("without the key: %d", c)
	}
	if c := call(key, ""); c != 404 {
		t.Errorf("no traffic, no header: %d", c)
	}
	if c := call(key, "smoke"); c != 200 {
		t.Errorf("with the key: %d", c)
	}
	resp, _ = e.do("DELETE", mlw+"/onlineEndpoints/ep-smoke", nil)
	if resp.StatusCode != 202 || resp.Header.Get("Location") == "" {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	e.clock.Advance(time.Minute)
	e.get(mlw+"/onlineEndpoints/ep-smoke", 404)
}

func TestDeploymentFailsWhereTheClusterSaysSo(t *testing.T) {
	e := newEnv(t, Options{ScoringURL: "http://127.0.0.1:9"})
	resp, _ := e.do("PUT", mlw+"/computes/k8s-team", map[string]any{"location": "eastus",
		"properties": map[string]any{"computeType": "Kubernetes", "resourceId": mlRG + ClusterExtReady, "properties": map[string]any{"namespace": "ml-team"}}})
	if resp.StatusCode != 201 {
		t.Fatal(resp.StatusCode)
	}
	e.clock.Advance(time.Minute)
	e.do("PUT", mlw+"/onlineEndpoints/ep-team", map[string]any{"location": "eastus", "properties": map[string]any{"authMode": "Key", "compute": mlw + "/computes/k8s-team"}})
	e.clock.Advance(time.Minute)
	e.do("PUT", mlw+"/environments/smoke/versions/1", smokeEnvironment("x"))
	put := func(it string) string {
		resp, m := e.do("PUT", mlw+"/onlineEndpoints/ep-team/deployments/dep1", map[string]any{"location": "eastus",
			"properties": map[string]any{"endpointComputeType": "Kubernetes", "environmentId": mlw + "/environments/smoke/versions/1", "instanceType": it}})
		if resp.StatusCode != 201 {
			t.Fatalf("%d %v", resp.StatusCode, m)
		}
		st := e.get(resp.Header.Get("Azure-AsyncOperation"), 200)
		e.clock.Advance(time.Minute)
		st = e.get(resp.Header.Get("Azure-AsyncOperation"), 200)
		return jstr(st, "status") + " " + jstr(st, "error", "message")
	}
	if got := put("defaultinstancetype"); !strings.Contains(got, `namespaces "ml-team" not found`) {
		t.Errorf("missing namespace: %s", got)
	}
	e.runCmd(ClusterExtReady, "kubectl create namespace ml-team", nil)
	if got := put("gpu-big"); !strings.Contains(got, "instance type 'gpu-big' was not found") {
		t.Errorf("missing type: %s", got)
	}
	e.runCmd(ClusterExtReady, "kubectl apply -f t.yaml", map[string]string{"t.yaml": "apiVersion: amlarc.azureml.com/v1alpha1\nkind: InstanceType\nmetadata:\n  name: huge\n" +
		"spec:\n  resources:\n    requests:\n      cpu: \"64\"\n      memory: 100Gi\n    limits:\n      cpu: \"64\"\n      memory: 100Gi\n"})
	if got := put("huge"); !strings.Contains(got, "exceeded the node size") {
		t.Errorf("too big: %s", got)
	}
	if got := put("defaultinstancetype"); got != "Succeeded " {
		t.Errorf("default: %s", got)
	}
}

// smokeEnvironment is an environment version of a custom container: an
// image with its three inference routes.
func smokeEnvironment(image string) map[string]any {
	route := func(path string) map[string]any { return map[string]any{"path": path, "port": 80} }
	return map[string]any{"properties": map[string]any{"image": image, "osType": "Linux",
		"inferenceConfig": map[string]any{"livenessRoute": route("/"), "readinessRoute": route("/"), "scoringRoute": route("/score")}}}
}

// A deployment without model and code is a custom container: its
// environment must give the inference routes (each with a path and a
// port); its resources section is checked against the instance type as
// how-to-manage-kubernetes-instance-types.md says, the smoke test's own
// (requests 0.1 / 0.1Gi, limits 0.2 / 200Mi) passing.
func TestDeploymentWithoutModelOrCodeIsACustomContainer(t *testing.T) {
	e := newEnv(t, Options{ScoringURL: "http://127.0.0.1:9"})
	resp, _ := e.do("PUT", mlw+"/computes/k8s-cc", map[string]any{"location": "eastus",
		"properties": map[string]any{"computeType": "Kubernetes", "resourceId": mlRG + ClusterExtReady}})
	if resp.StatusCode != 201 {
		t.Fatal(resp.StatusCode)
	}
	e.clock.Advance(time.Minute)
	e.do("PUT", mlw+"/onlineEndpoints/ep-cc", map[string]any{"location": "eastus", "properties": map[string]any{"authMode": "Key", "compute": mlw + "/computes/k8s-cc"}})
	e.clock.Advance(time.Minute)

	// a route without its port is refused
	bad := smokeEnvironment("x")
	bad["properties"].(map[string]any)["inferenceConfig"].(map[string]any)["scoringRoute"] = map[string]any{"path": "/score"}
	if resp, m := e.do("PUT", mlw+"/environments/noport/versions/1", bad); resp.StatusCode != 400 || !strings.Contains(jstr(m, "error", "message"), "inferenceConfig.scoringRoute") {
		t.Errorf("a route without a port: %d %v", resp.StatusCode, m)
	}
	e.do("PUT", mlw+"/environments/plain/versions/1", map[string]any{"properties": map[string]any{"image": "x"}})
	e.do("PUT", mlw+"/environments/cc/versions/1", smokeEnvironment("x"))

	put := func(env string, res map[string]any) (int, string) {
		props := map[string]any{"endpointComputeType": "Kubernetes", "environmentId": mlw + "/environments/" + env + "/versions/1", "instanceType": "defaultinstancetype"}
		if res != nil {
			props["containerResourceRequirements"] = res
		}
		resp, m := e.do("PUT", mlw+"/onlineEndpoints/ep-cc/deployments/dep1", map[string]any{"location": "eastus", "sku": map[string]any{"name": "Default", "capacity": 1}, "properties": props})
		if resp.StatusCode != 201 {
			return resp.StatusCode, jstr(m, "error", "message")
		}
		e.clock.Advance(time.Minute)
		st := e.get(resp.Header.Get("Azure-AsyncOperation"), 200)
		return 201, jstr(st, "status") + " " + jstr(st, "error", "message")
	}
	if code, msg := put("plain", nil); code != 400 || !strings.Contains(msg, "has no inferenceConfig") {
		t.Errorf("no model, no code, no routes: %d %s", code, msg)
	}
	rr := func(reqCPU, reqMem, limCPU, limMem string) map[string]any {
		return map[string]any{"containerResourceRequests": map[string]any{"cpu": reqCPU, "memory": reqMem},
			"containerResourceLimits": map[string]any{"cpu": limCPU, "memory": limMem}}
	}
	for _, tc := range []struct {
		res  map[string]any
		want string
	}{
		{nil, "Succeeded "},
		{rr("0.1", "0.1Gi", "0.2", "200Mi"), "Succeeded "}, // the smoke test's, from azureml-examples' kubernetes-blue-deployment.yml
		{rr("0.1", "", "0.2", "200Mi"), "Failed Invalid resource definition: containerResourceRequests needs cpu and memory."},
		{rr("0", "0.1Gi", "0.2", "200Mi"), "Failed Invalid resource definition: requests cpu"},
		{rr("0.1", "0.1Gi", "3", "200Mi"), "Failed Invalid resource definition: the cpu limit \"3\" must be above zero and within instance type defaultinstancetype's limit."},
		{rr("0.1", "0.1Gi", "0.2", "4Gi"), "Failed Invalid resource definition: the memory limit \"4Gi\""},
	} {
		if code, got := put("cc", tc.res); code != 201 || !strings.HasPrefix(got, tc.want) {
			t.Errorf("resources %v: %d %q, want %q", tc.res, code, got, tc.want)
		}
	}
}
