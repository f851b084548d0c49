package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/azure/sim"
)

// simJSON sends one ARM request to the real-path simulator and decodes
// its answer.
func (rp *realPath) simJSON(method, path, body string) (int, map[string]any) {
	rp.t.Helper()
	req, err := http.NewRequest(method, rp.srv.URL+path, strings.NewReader(body))
	if err != nil {
		rp.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer fake-arm-token-test")
	req.Header.Set("Content-Type", "application/json")
	resp, err := rp.srv.Client().Do(req)
	if err != nil {
		rp.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	_ = json.Unmarshal(b, &v)
	return resp.StatusCode, v
}

const taCluster = "/subscriptions/" + sim.DefaultSubscriptionID + "/resourceGroups/" + sim.ClusterMLGroup +
	"/providers/Microsoft.ContainerService/managedClusters/"

const mlwProdID = "/subscriptions/" + sim.DefaultSubscriptionID + "/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod"

// TestRealPathTrustedAccessAttach: over HTTPS with the az sign-in, a
// cluster with local accounts disabled is attached through the
// workspace's Trusted Access role binding, created (PUT, then its
// operation followed) before the compute's PUT; the simulator then holds
// the binding with the workspace as source and the Azure ML role, and the
// compute Succeeded (Azure ML could reach the cluster). A cluster whose 8
// bindings are taken is blocked before anything is sent, naming them, and
// AKS itself refuses a 9th.
func TestRealPathTrustedAccessAttach(t *testing.T) {
	rp := newRealPath(t)
	r, _ := rp.run("attach", "-w", "mlw-prod", "-n", "k8s-ta", "--cluster", sim.ClusterNoLocal, "--yes")
	if r.code != 0 {
		t.Fatalf("attach of %s:\n%s", sim.ClusterNoLocal, r)
	}
	if !strings.Contains(r.out+r.err, sim.ClusterNoLocal+" has local accounts disabled: amlaks creates Trusted Access role binding aml-mlw-prod-") {
		t.Errorf("no Trusted Access finding:\n%s", r)
	}
	var bindingPut, computePut = -1, -1
	for i, h := range rp.requests() {
		switch {
		case strings.HasPrefix(h, "PUT ") && strings.Contains(h, "/managedClusters/"+sim.ClusterNoLocal+"/trustedAccessRoleBindings/aml-mlw-prod-"):
			bindingPut = i
		case strings.HasPrefix(h, "PUT ") && strings.HasSuffix(h, "/computes/k8s-ta"):
			computePut = i
		}
	}
	if bindingPut < 0 || computePut < 0 || bindingPut > computePut {
		t.Fatalf("binding PUT at %d, compute PUT at %d: the binding must come first", bindingPut, computePut)
	}
	code, list := rp.simJSON("GET", taCluster+sim.ClusterNoLocal+"/trustedAccessRoleBindings?api-version=2025-09-01", "")
	items, _ := list["value"].([]any)
	if code != 200 || len(items) != 1 {
		t.Fatalf("bindings of %s: %d %v", sim.ClusterNoLocal, code, list)
	}
	b := items[0].(map[string]any)
	props := b["properties"].(map[string]any)
	roles, _ := props["roles"].([]any)
	if !strings.EqualFold(props["sourceResourceId"].(string), mlwProdID) || len(roles) != 1 ||
		roles[0] != "Microsoft.MachineLearningServices/workspaces/mlworkload" || props["provisioningState"] != "Succeeded" {
		t.Errorf("binding %v", b)
	}
	r, _ = rp.run("list", "-w", "mlw-prod", "-o", "json")
	if r.code != 0 || !strings.Contains(r.out, `"k8s-ta"`) {
		t.Fatalf("list:\n%s", r)
	}
	var cps []map[string]any
	if err := json.Unmarshal([]byte(r.out), &cps); err == nil {
		for _, cp := range cps {
			if cp["name"] == "k8s-ta" && cp["state"] != "Succeeded" {
				t.Errorf("k8s-ta is %v", cp["state"])
			}
		}
	}

	// the cluster's 8 bindings are taken: blocked, nothing sent
	rp.requests()
	r, _ = rp.run("attach", "-w", "mlw-prod", "-n", "k8s-full", "--cluster", sim.ClusterBindingsFull, "--yes")
	if r.code != 2 || !strings.Contains(r.out+r.err, "already has the 8 bindings AKS allows: ta-bv-aks, ta-bv-aks-dr, ta-mlw-team-a") {
		t.Fatalf("attach of %s:\n%s", sim.ClusterBindingsFull, r)
	}
	for _, h := range rp.requests() {
		if !strings.HasPrefix(h, "GET ") {
			t.Errorf("a blocked attach sent %s", h)
		}
	}
	// and AKS refuses the 9th
	code, e := rp.simJSON("PUT", taCluster+sim.ClusterBindingsFull+"/trustedAccessRoleBindings/ninth?api-version=2025-09-01",
		`{"properties":{"sourceResourceId":"`+mlwProdID+`","roles":["Microsoft.MachineLearningServices/workspaces/mlworkload"]}}`)
	if msg, _ := e["error"].(map[string]any); code != 400 || msg == nil || !strings.Contains(msg["message"].(string), "already has 8 trusted access role bindings") {
		t.Errorf("9th binding: %d %v", code, e)
	}
}

// TestRealPathTrainingOnlyExtension: over HTTPS, a cluster whose extension
// serves training only is not attached as it is (exit 2, nothing sent);
// with --install-extension its extension is patched (under its own name)
// before the compute's PUT, and then serves inference with its training
// settings kept.
func TestRealPathTrainingOnlyExtension(t *testing.T) {
	rp := newRealPath(t)
	r, _ := rp.run("attach", "-w", "mlw-prod", "-n", "k8s-tr", "--cluster", sim.ClusterTraining, "--allow-insecure-connections", "--yes")
	if r.code != 2 || !strings.Contains(r.out+r.err, "installed for training only (enableInference=False)") {
		t.Fatalf("as it is:\n%s", r)
	}
	for _, h := range rp.requests() {
		if !strings.HasPrefix(h, "GET ") {
			t.Errorf("a blocked attach sent %s", h)
		}
	}
	r, _ = rp.run("attach", "-w", "mlw-prod", "-n", "k8s-tr", "--cluster", sim.ClusterTraining, "--allow-insecure-connections", "--install-extension", "--yes")
	if r.code != 0 {
		t.Fatalf("with --install-extension:\n%s", r)
	}
	patch, put := -1, -1
	for i, h := range rp.requests() {
		switch {
		case strings.HasPrefix(h, "PATCH ") && strings.HasSuffix(h, "/extensions/azureml-training"):
			patch = i
		case strings.HasPrefix(h, "PUT ") && strings.Contains(h, "/extensions/"):
			t.Errorf("an install was sent: %s", h)
		case strings.HasPrefix(h, "PUT ") && strings.HasSuffix(h, "/computes/k8s-tr"):
			put = i
		}
	}
	if patch < 0 || put < 0 || patch > put {
		t.Fatalf("PATCH at %d, compute PUT at %d", patch, put)
	}
	code, e := rp.simJSON("GET", taCluster+sim.ClusterTraining+"/providers/Microsoft.KubernetesConfiguration/extensions/azureml-training?api-version=2022-11-01", "")
	cs, _ := e["properties"].(map[string]any)["configurationSettings"].(map[string]any)
	if code != 200 || cs["enableInference"] != "True" || cs["enableTraining"] != "True" || cs["inferenceRouterServiceType"] != "LoadBalancer" {
		t.Errorf("extension after: %d %v", code, e)
	}
}

// TestRealPathStopThenStatusContinues: over HTTPS with the az sign-in, a
// create stopped watching in its extension phase (exit 3, the continue
// command) is finished by `status NAME`, which follows the extension by
// its recorded token and then attaches: exactly one PUT of the cluster,
// of the extension and of the compute over both runs, and no token or
// record left.
func TestRealPathStopThenStatusContinues(t *testing.T) {
	rp := newRealPathWith(t, sim.Options{Speed: 200, Faults: sim.Faults{Slow: map[string]float64{"extension": 20}}})
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("AMLAKS_POLL_INTERVAL", "20ms")
	r, _ := rp.run("create", "-w", "mlw-prod", "-n", "k8s-rp", "--purpose", "dev-test", "--nodes", "1", "--allow-insecure-connections", "--yes", "--timeout", "600ms")
	if r.code != 3 || !strings.Contains(r.err, "the extension install goes on in Azure; the attach is not done yet: amlaks status k8s-rp -w mlw-prod -g rg-ml-prod continues them") {
		t.Fatalf("create:\n%s", r)
	}
	r, _ = rp.run("status", "k8s-rp", "-w", "mlw-prod")
	if r.code != 0 || !strings.Contains(r.out, "Succeeded") {
		t.Fatalf("status:\n%s", r)
	}
	puts := map[string]int{}
	for _, h := range rp.requests() {
		if !strings.HasPrefix(h, "PUT ") {
			continue
		}
		switch {
		case strings.HasSuffix(h, "/managedClusters/k8s-rp"):
			puts["cluster"]++
		case strings.Contains(h, "/managedClusters/k8s-rp/providers/Microsoft.KubernetesConfiguration/extensions/"):
			puts["extension"]++
		case strings.HasSuffix(h, "/computes/k8s-rp"):
			puts["compute"]++
		}
	}
	if puts["cluster"] != 1 || puts["extension"] != 1 || puts["compute"] != 1 {
		t.Errorf("PUTs over both runs: %v, want one of each", puts)
	}
	left, _ := filepath.Glob(filepath.Join(state, "amlaks", "*", "*.json"))
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestRealPathFaultMatrixCurrentPath is the current path's fault matrix
// over HTTPS with the fake az, on each phase of a create: a connection
// dropped after an accepted PUT (over a real connection azcore's retry
// policy sends the same, idempotent PUT once more, and Azure answers it as
// the resource it already has; never a false failure), sign-in failing while polling (retried), and an operation
// that fails (exit 1, then status retries the phase, never a Conflict).
// The end is always one cluster, one extension, one compute, and no
// token or record left.
func TestRealPathFaultMatrixCurrentPath(t *testing.T) {
	phases := []struct{ phase, route, kind, put string }{
		{"cluster", "cluster", "cluster", "/managedClusters/%s"},
		{"extension", "extension", "extension", "/managedClusters/%s/providers/Microsoft.KubernetesConfiguration/extensions/"},
		{"attach", "compute", "attach", "/computes/%s"}}
	faults := []struct {
		name, faults string
		code, puts   int // exit of the create; PUTs of the phase over both runs
	}{
		{"drop", "drop-after-put=%r:1", 0, 2},
		{"signin", "unauthorized=operations:3", 0, 1},
		{"fail", "fail=%k", 1, 2},
	}
	for _, ph := range phases {
		for _, f := range faults {
			if f.name == "signin" && ph.phase != "cluster" {
				continue // one route polls them all
			}
			t.Run(ph.phase+"/"+f.name, func(t *testing.T) {
				fs, err := sim.ParseFaults(strings.NewReplacer("%r", ph.route, "%k", ph.kind).Replace(f.faults))
				if err != nil {
					t.Fatal(err)
				}
				rp := newRealPathWith(t, sim.Options{Speed: 200, Faults: fs})
				state := t.TempDir()
				t.Setenv("XDG_STATE_HOME", state)
				t.Setenv("AMLAKS_POLL_INTERVAL", "20ms")
				name := "k8s-h-" + ph.phase[:3] + "-" + f.name
				r, _ := rp.run("create", "-w", "mlw-prod", "-n", name, "--purpose", "dev-test", "--nodes", "1", "--allow-insecure-connections", "--yes", "--timeout", "20s")
				if r.code != f.code {
					t.Fatalf("create: exit %d, want %d\n%s", r.code, f.code, r)
				}
				if f.code != 0 { // the fault fails one operation: the retry runs clean
					if s, _ := rp.run("status", name, "-w", "mlw-prod"); s.code != 0 || !strings.Contains(s.out, "Succeeded") {
						t.Fatalf("status after the failure:\n%s", s)
					}
				}
				for _, bad := range []string{"Conflict", "Unknown", "OperationNotAllowed"} {
					if strings.Contains(r.err, bad) {
						t.Errorf("stderr says %q\n%s", bad, r)
					}
				}
				puts := 0
				suffix := strings.Replace(ph.put, "%s", name, 1)
				hits := rp.requests()
				for _, h := range hits {
					if strings.HasPrefix(h, "PUT ") && (strings.HasSuffix(h, suffix) || strings.Contains(h, suffix) && strings.HasSuffix(suffix, "/")) {
						puts++
					}
				}
				if puts != f.puts {
					t.Errorf("%d PUTs of the %s phase, want %d: %v", puts, ph.phase, f.puts, hits)
				}
				cluster := "/subscriptions/" + sim.DefaultSubscriptionID + "/resourceGroups/rg-ml-prod/providers/Microsoft.ContainerService/managedClusters/" + name
				for what, path := range map[string]string{"cluster": cluster + "?api-version=2025-09-01",
					"extension": cluster + "/providers/Microsoft.KubernetesConfiguration/extensions/azureml?api-version=2022-11-01",
					"compute":   mlwProd + "/computes/" + name + "?api-version=2024-04-01"} {
					code, body := rp.simJSON("GET", path, "")
					props, _ := body["properties"].(map[string]any)
					if code != 200 || props["provisioningState"] != "Succeeded" {
						t.Errorf("%s: %d %v", what, code, props["provisioningState"])
					}
				}
				if left, _ := filepath.Glob(filepath.Join(state, "amlaks", "*", "*.json")); len(left) > 0 {
					t.Errorf("left behind: %v", left)
				}
			})
		}
	}
}
