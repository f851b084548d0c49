package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The demo simulator's resources, read from its state file: what exists
// after a command, not what the command said.
type simResources struct {
	Computes []struct {
		Workspace   string `json:"workspace"`
		Name        string `json:"name"`
		ComputeType string `json:"computeType"`
		ResourceID  string `json:"resourceId"`
	} `json:"computes"`
	Clusters []struct {
		Name string            `json:"name"`
		Tags map[string]string `json:"tags"`
	} `json:"clusters"`
	Operations []struct {
		Kind    string `json:"kind"`
		Compute string `json:"compute"`
	} `json:"operations"`
}

func readSim(t *testing.T, state string) simResources {
	t.Helper()
	b, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var s simResources
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s simResources) clusters() (names []string) {
	for _, c := range s.Clusters {
		names = append(names, c.Name)
	}
	return names
}

// computeOn is the cluster (name) compute ws/name points at, "" when it
// does not exist.
func (s simResources) computeOn(ws, name string) string {
	for _, c := range s.Computes {
		if c.Workspace == ws && c.Name == name {
			return c.ResourceID[strings.LastIndex(c.ResourceID, "/")+1:]
		}
	}
	return ""
}

func (s simResources) kinds() map[string]int {
	n := map[string]int{}
	for _, o := range s.Operations {
		n[o.Kind]++
	}
	return n
}

// TestCreateOnAnotherComputesClusterIsAnAttach: a cluster counts as a
// create's own only when its tags say it was made for that compute. A
// create naming the amlaks-made 1-node dev-test cluster of k8s-c1 is the
// attach of it with every attach rule: a production compute on it is a
// Block (nothing sent); a dev-test one attaches it, sending an attach's
// requests only (no cluster, no extension), and the review says so.
func TestCreateOnAnotherComputesClusterIsAnAttach(t *testing.T) {
	state := demoEnv(t)
	if r := runArgs(t, "", "--demo", "create", "-w", "mlw-prod", "-n", "k8s-c1", "--cluster", "aks-prod", "--purpose", "dev-test", "--nodes", "1",
		"--allow-insecure-connections", "--yes"); r.code != 0 {
		t.Fatal(r)
	}
	before := readSim(t, state)
	if got := strings.Join(before.clusters(), ","); got != "aks-prod" || before.Clusters[0].Tags["amlaks-compute"] != "mlw-prod/k8s-c1" {
		t.Fatalf("clusters %s, tags %v", got, before.Clusters[0].Tags)
	}
	r := runArgs(t, "", "--demo", "create", "-w", "mlw-prod", "-n", "k8s-c2", "--cluster", "aks-prod", "--allow-insecure-connections", "--yes")
	if r.code != 2 || !strings.Contains(r.err, "aks-prod exists (made for mlw-prod/k8s-c1): this attaches it") ||
		!strings.Contains(r.err, "BLOCK: the Azure ML extension on aks-prod runs with clusterPurpose DevTest (1 node)") || strings.Contains(r.err, "re-run continues") {
		t.Fatalf("production compute on a dev-test cluster: %s", r)
	}
	after := readSim(t, state)
	if len(after.Operations) != len(before.Operations) || after.computeOn("mlw-prod", "k8s-c2") != "" || len(after.Clusters) != 1 {
		t.Fatalf("a Block sent something: %+v", after.kinds())
	}
	// a dev-test compute in its own namespace: the phases are an attach's
	d := runArgs(t, "", "--demo", "create", "-w", "mlw-prod", "-n", "k8s-c3", "--cluster", "aks-prod", "--purpose", "dev-test", "--namespace", "team3",
		"--dry-run", "-o", "json")
	if d.code != 0 {
		t.Fatal(d)
	}
	var kinds []string
	for _, ph := range mustJSON(t, d.out)["phases"].([]any) {
		kinds = append(kinds, ph.(map[string]any)["kind"].(string))
	}
	if k := strings.Join(kinds, ","); strings.Contains(k, "cluster") || strings.Contains(k, "extension") || !strings.HasPrefix(k, "attach") {
		t.Fatalf("dry run phases %s, want an attach's", k)
	}
	r = runArgs(t, "", "--demo", "create", "-w", "mlw-prod", "-n", "k8s-c3", "--cluster", "aks-prod", "--purpose", "dev-test", "--namespace", "team3",
		"--allow-insecure-connections", "--yes")
	if r.code != 0 {
		t.Fatal(r)
	}
	after = readSim(t, state)
	k0, k1 := before.kinds(), after.kinds()
	for kind, n := range k1 {
		if strings.Contains(kind, "cluster") && n != k0[kind] || strings.Contains(kind, "extension") && n != k0[kind] {
			t.Errorf("%s operations %d → %d: the attach created a cluster or an extension", kind, k0[kind], n)
		}
	}
	if len(after.Clusters) != 1 || after.computeOn("mlw-prod", "k8s-c3") != "aks-prod" || after.computeOn("mlw-prod", "k8s-c1") != "aks-prod" {
		t.Fatalf("clusters %v, k8s-c3 on %q", after.clusters(), after.computeOn("mlw-prod", "k8s-c3"))
	}
	// list's PURPOSE, NODES and VCPUS of a Kubernetes compute are its
	// extension's and cluster's
	l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod")
	if !strings.Contains(strings.Join(strings.Fields(l.out), " "), "k8s-c3 Kubernetes Succeeded dev-test 1 4 rg-ml-prod/aks-prod") {
		t.Fatalf("list:\n%s", l.out)
	}
}

// TestDetachNeverDeletesWhatIsShared: detach --delete-cluster is a Block
// (exit 2, nothing detached, nothing deleted) while another compute uses
// the cluster, naming it; once nothing else does, the words say it will be
// deleted (never kept) and it is. A cluster amlaks did not make is never
// deleted. status of a compute whose cluster is gone says so, exit 1.
func TestDetachNeverDeletesWhatIsShared(t *testing.T) {
	state := demoEnv(t)
	for _, args := range [][]string{
		{"create", "-n", "k8s-x", "--cluster", "aks-x", "--purpose", "dev-test", "--nodes", "1"},
		{"create", "-n", "k8s-y", "--cluster", "aks-x", "--purpose", "dev-test", "--namespace", "team-y"},
		{"attach", "-n", "k8s-f", "--cluster", "aks-ml-ready"},
	} {
		if r := runArgs(t, "", append(append([]string{"--demo"}, args...), "-w", "mlw-prod", "--allow-insecure-connections", "--yes")...); r.code != 0 {
			t.Fatalf("%v: %s", args, r)
		}
	}
	before := readSim(t, state)
	r := runArgs(t, "", "--demo", "detach", "k8s-x", "-w", "mlw-prod", "--delete-cluster", "--yes")
	if r.code != 2 || !strings.Contains(r.err, "aks-x is also used by mlw-prod/k8s-y") || strings.Contains(r.err+r.out, "kept and keeps costing") {
		t.Fatalf("shared cluster: %s", r)
	}
	after := readSim(t, state)
	if len(after.Operations) != len(before.Operations) || after.computeOn("mlw-prod", "k8s-x") != "aks-x" || len(after.Clusters) != 1 {
		t.Fatalf("a Block sent something: clusters %v", after.clusters())
	}
	// a cluster amlaks did not make
	r = runArgs(t, "", "--demo", "detach", "k8s-f", "-w", "mlw-prod", "--delete-cluster", "--yes")
	if r.code != 2 || !strings.Contains(r.err, "aks-ml-ready was not created by amlaks") || readSim(t, state).computeOn("mlw-prod", "k8s-f") != "aks-ml-ready" {
		t.Fatalf("foreign cluster: %s", r)
	}
	if s := runArgs(t, "", "--demo", "status", "k8s-f", "-w", "mlw-prod"); s.code != 0 {
		t.Fatalf("the foreign cluster must be there: %s", s)
	}
	// k8s-y leaves: now nothing else uses aks-x
	if r := runArgs(t, "", "--demo", "detach", "k8s-y", "-w", "mlw-prod", "--yes"); r.code != 0 {
		t.Fatal(r)
	}
	r = runArgs(t, "", "--demo", "detach", "k8s-x", "-w", "mlw-prod", "--delete-cluster", "--yes")
	if r.code != 0 || !strings.Contains(r.err, "then the AKS cluster rg-ml-prod/aks-x will be deleted") || strings.Contains(r.err+r.out, "kept") ||
		!strings.Contains(r.out, "AKS cluster rg-ml-prod/aks-x deleted") {
		t.Fatalf("delete: %s", r)
	}
	if s := readSim(t, state); len(s.Clusters) != 0 || s.computeOn("mlw-prod", "k8s-x") != "" {
		t.Fatalf("after the delete: clusters %v", s.clusters())
	}
}

// TestStatusOfAComputeWhoseClusterIsGone: a cluster deleted behind
// amlaks's back (in AKS) leaves the compute Succeeded in Azure ML; status
// says the cluster is gone, exit 1.
func TestStatusOfAComputeWhoseClusterIsGone(t *testing.T) {
	state := demoEnv(t)
	if r := runArgs(t, "", "--demo", "create", "-w", "mlw-prod", "-n", "k8s-g", "--purpose", "dev-test", "--nodes", "1",
		"--allow-insecure-connections", "--yes"); r.code != 0 {
		t.Fatal(r)
	}
	if r := runArgs(t, "", "--demo", "status", "k8s-g", "-w", "mlw-prod"); r.code != 0 {
		t.Fatal(r)
	}
	// az aks delete, as the simulator's state has it
	var raw map[string]any
	b, _ := os.ReadFile(state)
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	raw["clusters"] = []any{}
	b, _ = json.Marshal(raw)
	if err := os.WriteFile(state, b, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runArgs(t, "", "--demo", "status", "k8s-g", "-w", "mlw-prod")
	if r.code != 1 || !strings.Contains(r.err, "the AKS cluster rg-ml-prod/k8s-g of k8s-g is gone") || !strings.Contains(r.out, "cluster    missing") {
		t.Fatalf("status: %s", r)
	}
	// its detach neither keeps nor deletes it, and says so
	r = runArgs(t, "", "--demo", "detach", "k8s-g", "-w", "mlw-prod", "--delete-cluster", "--yes")
	if r.code != 0 || !strings.Contains(r.err, "is gone already: there is nothing to delete") || !strings.Contains(r.out, "k8s-g detached; its AKS cluster rg-ml-prod/k8s-g was gone already") ||
		strings.Contains(r.out+r.err, "kept") {
		t.Fatalf("detach: %s", r)
	}
}
