package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/azure/sim"
)

// The readiness phase against the HTTPS simulator with the fake az: what
// is asserted is the cluster's state in the simulator, not the output.

func clusterIDOf(rg, name string) string {
	return "/subscriptions/" + sim.DefaultSubscriptionID + "/resourceGroups/" + rg + "/providers/Microsoft.ContainerService/managedClusters/" + name
}

func (rp *realPath) kube(clusterID, kind string) []string {
	rp.t.Helper()
	names, err := rp.sim.KubeObjects(clusterID, kind)
	if err != nil {
		rp.t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

func TestReadyCreateMakesNamespaceAndInstanceTypes(t *testing.T) {
	rp := newRealPath(t)
	r, _ := rp.run("create", "-w", "mlw-prod", "-n", "k8s-team", "--namespace", "ml-team", "--allow-insecure-connections", "--yes")
	if r.code != 0 {
		t.Fatalf("create: %s", r)
	}
	id := clusterIDOf("rg-ml-prod", "k8s-team")
	if ns := rp.kube(id, "namespace"); !hasName(ns, "ml-team") {
		t.Errorf("namespaces %v lack ml-team", ns)
	}
	if got := strings.Join(rp.kube(id, "instancetype"), ","); got != "cpu-mlflow,cpu-small" {
		t.Errorf("instance types %q", got)
	}
	ml, _ := rp.sim.KubeObject(id, "instancetype", "", "cpu-mlflow")
	req := ml["spec"].(map[string]any)["resources"].(map[string]any)["requests"].(map[string]any)
	if req["cpu"] != "2" || req["memory"] != "4Gi" {
		t.Errorf("cpu-mlflow requests %v, want MLflow's 2 CPU / 4Gi", req)
	}
}

func TestReadyGPUCreateHasAGPUType(t *testing.T) {
	rp := newRealPath(t)
	r, _ := rp.run("create", "-w", "mlw-prod", "-n", "k8s-gpu", "--region", "westus2", "--vm-size", "Standard_NC4as_T4_v3", "--nodes", "1", "--purpose", "dev-test",
		"--allow-insecure-connections", "--yes")
	if r.code != 0 {
		t.Fatalf("create: %s", r)
	}
	id := clusterIDOf("rg-ml-prod", "k8s-gpu")
	gpu, _ := rp.sim.KubeObject(id, "instancetype", "", "gpu-system")
	if gpu == nil {
		t.Fatalf("no GPU type among %v", rp.kube(id, "instancetype"))
	}
	spec := gpu["spec"].(map[string]any)
	if sel := spec["nodeSelector"].(map[string]any); sel["kubernetes.azure.com/agentpool"] != "system" {
		t.Errorf("node selector %v", sel)
	}
	if lim := spec["resources"].(map[string]any)["limits"].(map[string]any); lim["nvidia.com/gpu"] != float64(1) {
		t.Errorf("limits %v", lim)
	}
}

func TestReadyNoInstanceTypes(t *testing.T) {
	rp := newRealPath(t)
	trace := filepath.Join(t.TempDir(), "trace.txt")
	r, _ := rp.run("attach", "-w", "mlw-prod", "-n", "k8s-none", "--cluster", sim.ClusterGPU, "--cluster-resource-group", sim.ClusterMLGroup,
		"--namespace", "team-b", "--no-instance-types", "--yes", "--debug-file", trace)
	if r.code != 0 {
		t.Fatalf("attach: %s", r)
	}
	// aks-ml-gpu has AKS-managed Entra integration: the run command carried
	// the caller's token (the namespace exists), which the trace hides
	if b, _ := os.ReadFile(trace); !strings.Contains(string(b), "/runCommand") || strings.Contains(string(b), "fake-arm-token") {
		t.Errorf("trace: a run command is missing or a token shows")
	}
	id := clusterIDOf(sim.ClusterMLGroup, sim.ClusterGPU)
	if got := rp.kube(id, "instancetype"); len(got) != 0 {
		t.Errorf("instance types %v, want none", got)
	}
	if !hasName(rp.kube(id, "namespace"), "team-b") {
		t.Error("the namespace was not made")
	}
}

func TestReadyFlagInstanceTypes(t *testing.T) {
	rp := newRealPath(t)
	r, _ := rp.run("attach", "-w", "mlw-prod", "-n", "k8s-flag", "--cluster", sim.ClusterExtReady, "--cluster-resource-group", sim.ClusterMLGroup,
		"--instance-type", "big=3,8Gi", "--instance-type", "tiny=250m,512Mi", "--yes")
	if r.code != 0 {
		t.Fatalf("attach: %s", r)
	}
	if got := strings.Join(rp.kube(clusterIDOf(sim.ClusterMLGroup, sim.ClusterExtReady), "instancetype"), ","); got != "big,tiny" {
		t.Errorf("instance types %q", got)
	}
	r, _ = rp.run("attach", "-w", "mlw-prod", "-n", "k8s-flag2", "--cluster", sim.ClusterExtReady, "--cluster-resource-group", sim.ClusterMLGroup,
		"--instance-type", "big=3", "--yes")
	if r.code != 2 || !strings.Contains(r.err, "--instance-type") || !strings.Contains(r.err, "CPU,MEMORY") {
		t.Errorf("bad --instance-type: %s", r)
	}
}

func TestReadyWithoutRunCommandPrintsTheYAML(t *testing.T) {
	rp := newRealPath(t)
	r, _ := rp.run("attach", "-w", "mlw-prod", "-n", "k8s-norun", "--cluster", sim.ClusterNoRunCommand, "--cluster-resource-group", sim.ClusterMLGroup,
		"--namespace", "ml-team", "--yes")
	if r.code != 0 {
		t.Fatalf("attach: %s", r)
	}
	for _, want := range []string{"disableRunCommand", "kind: Namespace\nmetadata:\n  name: ml-team", "kind: InstanceType", "name: cpu-mlflow",
		"kubectl apply -f amlaks-ready.yaml", "az aks command invoke -g rg-aks-ml -n aks-ml-norun"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.err)
		}
	}
	if hasName(rp.kube(clusterIDOf(sim.ClusterMLGroup, sim.ClusterNoRunCommand), "namespace"), "ml-team") {
		t.Error("the namespace exists although the run command is disabled")
	}
}

func TestReadyFullClusterPrintsTheYAML(t *testing.T) {
	rp := newRealPath(t)
	r, _ := rp.run("attach", "-w", "mlw-prod", "-n", "k8s-full", "--cluster", sim.ClusterFull, "--cluster-resource-group", sim.ClusterMLGroup,
		"--namespace", "ml-team", "--router-ha=false", "--purpose", "dev-test", "--yes")
	if r.code != 0 {
		t.Fatalf("attach: %s", r)
	}
	if !strings.Contains(r.err, "0/1 nodes are available") || !strings.Contains(r.err, "name: ml-team") {
		t.Errorf("stderr:\n%s", r.err)
	}
}

func hasName(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
