package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/azure/sim"
)

func TestDoctorUnhealthyExtension(t *testing.T) {
	rp := newRealPath(t)
	r, _ := rp.run("attach", "-w", "mlw-prod", "-n", "k8s-sick", "--cluster", sim.ClusterUnhealthy, "--cluster-resource-group", sim.ClusterMLGroup, "--no-instance-types", "--yes")
	if r.code != 0 {
		t.Fatalf("attach: %s", r)
	}
	r, _ = rp.run("doctor", "k8s-sick", "-w", "mlw-prod")
	for _, want := range []string{"BLOCK: healthcheck E45006", "InstanceType check failed", "reinstall the Azure ML extension"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("doctor lacks %q:\n%s", want, r)
		}
	}
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	r, _ = rp.run("doctor", "k8s-sick", "-w", "mlw-prod", "-o", "json")
	if r.code != 1 || !strings.Contains(r.out, `"healthy": false`) || !strings.Contains(r.out, `"code": "healthcheck"`) {
		t.Errorf("json: %s", r)
	}
}

func TestDoctorHealthyCompute(t *testing.T) {
	rp := newRealPath(t)
	rp.attachReady("k8s-fine")
	r, _ := rp.run("doctor", "k8s-fine", "-w", "mlw-prod")
	if r.code != 0 || strings.Contains(r.out, "BLOCK") || !strings.Contains(r.out, "healthcheck passed every checker") {
		t.Fatalf("doctor: %s", r)
	}
	// no instance types: the doctor says what to create
	if !strings.Contains(r.out, "WARN: no instance types") || !strings.Contains(r.out, "cpu-mlflow: requests 2 CPU, 4Gi") {
		t.Errorf("doctor: %s", r)
	}
}

// TestDoctorTrustedAccess: a cluster with local accounts disabled is
// reached through the workspace's Trusted Access binding; without it the
// doctor blocks.
func TestDoctorTrustedAccess(t *testing.T) {
	rp := newRealPath(t)
	r, _ := rp.run("attach", "-w", "mlw-prod", "-n", "k8s-ta", "--cluster", sim.ClusterNoLocal, "--cluster-resource-group", sim.ClusterMLGroup, "--no-instance-types", "--yes")
	if r.code != 0 {
		t.Fatalf("attach: %s", r)
	}
	r, _ = rp.run("doctor", "k8s-ta", "-w", "mlw-prod")
	if r.code != 0 || !strings.Contains(r.out, "INFO: Trusted Access role binding") {
		t.Fatalf("doctor with the binding: %s", r)
	}
	bindings := rp.srv.URL + clusterIDOf(sim.ClusterMLGroup, sim.ClusterNoLocal) + "/trustedAccessRoleBindings"
	resp, err := rp.srv.Client().Get(bindings + "?api-version=2025-09-01")
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Value []struct{ Name string } }
	json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	for _, b := range page.Value {
		req, _ := http.NewRequest("DELETE", bindings+"/"+b.Name+"?api-version=2025-09-01", nil)
		if resp, err := rp.srv.Client().Do(req); err == nil {
			resp.Body.Close()
		}
	}
	time.Sleep(200 * time.Millisecond) // the simulator's delete (speed 200)
	r, _ = rp.run("doctor", "k8s-ta", "-w", "mlw-prod")
	if r.code != 1 || !strings.Contains(r.out, "BLOCK: the cluster needs Trusted Access (local accounts disabled") {
		t.Fatalf("doctor without the binding: %s", r)
	}
}
