package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/azure/sim"
)

const mlwProd = "/subscriptions/" + sim.DefaultSubscriptionID + "/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod"

// attachReady attaches aks-ml-ready as Kubernetes compute NAME.
func (rp *realPath) attachReady(name string) {
	rp.t.Helper()
	r, _ := rp.run("attach", "-w", "mlw-prod", "-n", name, "--cluster", sim.ClusterExtReady, "--cluster-resource-group", sim.ClusterMLGroup, "--no-instance-types", "--yes")
	if r.code != 0 {
		rp.t.Fatalf("attach: %s", r)
	}
}

func (rp *realPath) endpoints() []string {
	rp.t.Helper()
	req, _ := http.NewRequest("GET", rp.srv.URL+mlwProd+"/onlineEndpoints?api-version=2024-04-01", nil)
	resp, err := rp.srv.Client().Do(req)
	if err != nil {
		rp.t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Value []struct {
			Name string `json:"name"`
		} `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		rp.t.Fatal(err)
	}
	var out []string
	for _, v := range page.Value {
		out = append(out, v.Name)
	}
	return out
}

func TestVerifyHealthyCompute(t *testing.T) {
	rp := newRealPath(t)
	rp.attachReady("k8s-ok")
	rp.requests()
	trace := filepath.Join(t.TempDir(), "trace.txt")
	r, _ := rp.run("verify", "k8s-ok", "-w", "mlw-prod", "--debug-file", trace)
	if r.code != 0 || !strings.Contains(r.out, "answered 200") || !strings.Contains(r.out, "/api/v1/endpoint/amlaks-verify-") {
		t.Fatalf("verify: %s", r)
	}
	// the endpoint's keys are secrets: the trace has the listKeys call, never a key
	b, _ := os.ReadFile(trace)
	if !strings.Contains(string(b), "/listKeys") || regexp.MustCompile(`(?i)"?primaryKey"?\s*[:=]\s*"?[0-9a-f]{8}`).Match(b) {
		t.Errorf("the trace lacks listKeys or shows a key")
	}
	var sent []string
	for _, h := range rp.requests() {
		switch {
		case strings.HasPrefix(h, "PUT ") && strings.Contains(h, "/onlineEndpoints/") && strings.Contains(h, "/deployments/"):
			sent = append(sent, "PUT deployment")
		case strings.HasPrefix(h, "PUT ") && strings.Contains(h, "/onlineEndpoints/"):
			sent = append(sent, "PUT endpoint")
		case strings.HasPrefix(h, "POST ") && strings.HasSuffix(h, "/listKeys"):
			sent = append(sent, "POST listKeys")
		case strings.HasPrefix(h, "DELETE ") && strings.Contains(h, "/onlineEndpoints/"):
			sent = append(sent, "DELETE endpoint")
		}
	}
	if got := strings.Join(sent, ", "); got != "PUT endpoint, PUT deployment, POST listKeys, DELETE endpoint" {
		t.Errorf("requests: %s", got)
	}
	if eps := rp.endpoints(); len(eps) != 0 {
		t.Errorf("endpoints left: %v", eps)
	}
}

func TestVerifyLegacyCompute(t *testing.T) {
	rp := newRealPath(t)
	r, _ := rp.run("verify", "aks-inference", "-w", "mlw-prod")
	if r.code != 1 || !strings.Contains(r.err, "v2 endpoints cannot use a legacy AKS compute") {
		t.Fatalf("verify: %s", r)
	}
}

func TestVerifyRemovesALeftover(t *testing.T) {
	rp := newRealPath(t)
	rp.attachReady("k8s-left")
	// what a verify stopped after its endpoint leaves behind
	body := `{"location":"eastus","tags":{"amlaks-verify":"k8s-left"},"properties":{"authMode":"Key","compute":"` + mlwProd + `/computes/k8s-left"}}`
	req, _ := http.NewRequest("PUT", rp.srv.URL+mlwProd+"/onlineEndpoints/amlaks-verify-0dead0?api-version=2024-04-01", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := rp.srv.Client().Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("leftover: %v %v", resp, err)
	}
	resp.Body.Close()
	r, _ := rp.run("verify", "k8s-left", "-w", "mlw-prod", "-o", "json")
	if r.code != 0 || !strings.Contains(r.out, `"removedLeftovers": [`) || !strings.Contains(r.out, "amlaks-verify-0dead0") {
		t.Fatalf("verify: %s", r)
	}
	if eps := rp.endpoints(); len(eps) != 0 {
		t.Errorf("endpoints left: %v", eps)
	}
}

// putVerifyEndpoint makes the endpoint a smoke test of compute leaves in
// mlw-prod, with extra tags.
func (rp *realPath) putVerifyEndpoint(name, compute, extraTags string) {
	rp.t.Helper()
	body := `{"location":"eastus","tags":{"amlaks-verify":"` + compute + `"` + extraTags + `},"properties":{"authMode":"Key","compute":"` + mlwProd + `/computes/` + compute + `"}}`
	req, _ := http.NewRequest("PUT", rp.srv.URL+mlwProd+"/onlineEndpoints/"+name+"?api-version=2024-04-01", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := rp.srv.Client().Do(req)
	if err != nil || resp.StatusCode != 201 {
		rp.t.Fatalf("endpoint %s: %v %v", name, resp, err)
	}
	resp.Body.Close()
}

// status removes what a stopped verify left, but not an endpoint kept on
// purpose (--keep), and not with --no-wait (it only looks).
func TestStatusRemovesAStoppedVerifysLeftover(t *testing.T) {
	rp := newRealPath(t)
	rp.attachReady("k8s-left")
	rp.putVerifyEndpoint("amlaks-verify-0dead0", "k8s-left", "")
	rp.putVerifyEndpoint("amlaks-verify-0kept0", "k8s-left", `,"amlaks-verify-kept":"true"`)
	r, _ := rp.run("status", "k8s-left", "-w", "mlw-prod", "--no-wait")
	if r.code != 0 || len(rp.endpoints()) != 2 {
		t.Fatalf("status --no-wait removed something: %s %v", r, rp.endpoints())
	}
	r, _ = rp.run("status", "k8s-left", "-w", "mlw-prod")
	if r.code != 0 || !strings.Contains(r.err, "removed endpoint amlaks-verify-0dead0, left by a stopped amlaks verify k8s-left") {
		t.Fatalf("status: %s", r)
	}
	if eps := rp.endpoints(); len(eps) != 1 || eps[0] != "amlaks-verify-0kept0" {
		t.Errorf("endpoints left: %v, want only the kept one", eps)
	}
}
