package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// demoEnv points the demo state at a fresh file and speeds the simulator
// up so a create takes a fraction of a second.
func demoEnv(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	state := filepath.Join(dir, "demo-state.json")
	t.Setenv("AMLAKS_DEMO_STATE", state)
	t.Setenv("AMLAKS_SIM_SPEED", "200")
	t.Setenv("AMLAKS_SIM_FAULTS", "")
	t.Setenv("AZURE_SUBSCRIPTION_ID", "")
	t.Setenv("NO_COLOR", "")
	t.Setenv("ACCESSIBLE", "")
	t.Setenv("AMLAKS_DEMO", "")
	return state
}

type result struct {
	code     int
	out, err string
}

func runArgs(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func (r result) String() string {
	return "exit " + itoa(r.code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func mustJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return m
}

func mustJSONArray(t *testing.T, s string) []any {
	t.Helper()
	var a []any
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, s)
	}
	return a
}

func TestVersionFlag(t *testing.T) {
	r := runArgs(t, "", "--version")
	if r.code != 0 || !strings.HasPrefix(r.out, "amlaks ") || !strings.Contains(r.out, "commit") {
		t.Fatal(r)
	}
}

func TestWizardWithoutTerminalExits2(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo")
	if r.code != 2 || !strings.Contains(r.err, "amlaks create --help") {
		t.Fatal(r)
	}
}

func TestVersionsTableAndJSON(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "versions", "-l", "eastus")
	if r.code != 0 {
		t.Fatal(r)
	}
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if !strings.HasPrefix(lines[0], "KubernetesVersion") || len(lines) < 5 {
		t.Fatal(r)
	}
	if !strings.Contains(r.out, "Yes") {
		t.Fatalf("no default row:\n%s", r.out)
	}
	j := runArgs(t, "", "--demo", "versions", "-l", "East US", "-o", "json")
	vals := mustJSONArray(t, j.out)
	defaults, previews, ltsOnly := 0, 0, ""
	for _, v := range vals {
		v := v.(map[string]any)
		if v["isDefault"] == true {
			defaults++
		}
		if v["isPreview"] == true {
			previews++
		}
		if v["ltsOnly"] == true {
			ltsOnly += v["version"].(string)
		}
	}
	// December 2026: 1.35-1.37 generally available, 1.34 on LTS only
	if len(vals) != 4 || defaults != 1 || previews != 0 || ltsOnly != "1.34" {
		t.Fatalf("versions of eastus: %d values, %d default, %d preview\n%s", len(vals), defaults, previews, j.out)
	}
}

func TestSizesFilters(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "sizes", "-l", "eastus", "-o", "json")
	if r.code != 0 {
		t.Fatal(r)
	}
	all := mustJSONArray(t, r.out)
	var d3 map[string]any
	for _, s := range all {
		s := s.(map[string]any)
		if s["name"] == "Standard_D3_v2" {
			d3 = s
		}
		if s["restricted"] != nil {
			t.Fatalf("restricted size listed without --all: %v", s)
		}
	}
	if d3 == nil || d3["vCPUs"].(float64) != 4 {
		t.Fatalf("Standard_D3_v2: %v", d3)
	}
	g := runArgs(t, "", "--demo", "sizes", "-l", "eastus", "--gpu", "--min-vcpus", "6", "-o", "json")
	for _, s := range mustJSONArray(t, g.out) {
		s := s.(map[string]any)
		if s["gpus"].(float64) == 0 && s["fpga"] != true || s["vCPUs"].(float64) < 6 {
			t.Fatalf("filter let through %v", s)
		}
	}
	a := runArgs(t, "", "--demo", "sizes", "-l", "eastus", "--all")
	if !strings.Contains(a.out, "RESTRICTED") {
		t.Fatal(a)
	}
}

func TestListShowsFixtures(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "list", "-w", "mlw-prod")
	if r.code != 0 || !strings.Contains(r.out, "cpu-cluster") || !strings.Contains(r.out, "aks-inference") || !strings.Contains(r.out, "aks-shared") {
		t.Fatal(r)
	}
}

func TestCreateDryRunBody(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-dry", "--dry-run", "-o", "json")
	if r.code != 0 {
		t.Fatal(r)
	}
	m := mustJSON(t, r.out)
	req := m["request"].(map[string]any)
	if !strings.HasSuffix(strings.Split(req["path"].(string), "?")[0], "/workspaces/mlw-prod/computes/aks-dry") {
		t.Fatalf("path %v", req["path"])
	}
	if want := "https://management.azure.com" + req["path"].(string); req["method"] != "PUT" || req["url"] != want || !strings.HasSuffix(want, "?api-version=2024-04-01") {
		t.Errorf("request %v %v, want PUT %s", req["method"], req["url"], want)
	}
	// The whole body, as TestDryRunPrintsTheBodySent sees it go out.
	var wire map[string]any
	if err := json.Unmarshal([]byte(`{"location":"eastus","properties":{"computeLocation":"eastus","computeType":"AKS",
		"properties":{"agentCount":3,"agentVmSize":"Standard_D3_v2","clusterPurpose":"FastProd","loadBalancerType":"PublicIp"}}}`), &wire); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(req["body"], any(wire)) {
		b, _ := json.Marshal(req["body"])
		t.Errorf("body %s", b)
	}
	body := req["body"].(map[string]any)
	props := body["properties"].(map[string]any)
	inner := props["properties"].(map[string]any)
	checks := map[string]any{"computeType": "AKS", "computeLocation": "eastus"}
	for k, v := range checks {
		if props[k] != v {
			t.Errorf("properties.%s = %v, want %v", k, props[k], v)
		}
	}
	if body["location"] != "eastus" || props["resourceId"] != nil {
		t.Errorf("envelope: %v", body)
	}
	if inner["agentCount"].(float64) != 3 || inner["agentVmSize"] != "Standard_D3_v2" || inner["clusterPurpose"] != "FastProd" || inner["loadBalancerType"] != "PublicIp" {
		t.Errorf("inner properties: %v", inner)
	}
	if !strings.Contains(m["az"].(string), "az ml computetarget create aks") {
		t.Errorf("az: %v", m["az"])
	}
	// nothing was sent
	l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod")
	if strings.Contains(l.out, "aks-dry") {
		t.Fatal("dry run created the compute")
	}
}

func TestCreateBadFlagsExit2NamingEachFlag(t *testing.T) {
	demoEnv(t)
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"-n", "1abc"}, []string{"--name: must start with a letter"}},
		{[]string{"-n", "abcdefghijklmnopqrstuvwxyz"}, []string{"--name: 24 characters at most (now 26)"}},
		{[]string{"-n", "aks-ok", "--nodes", "2"}, []string{"--nodes:"}},
		{[]string{"-n", "aks-ok", "--vm-size", "Standard_Nope"}, []string{"--vm-size: Standard_Nope is not offered in eastus"}},
		{[]string{"-n", "aks-ok", "-l", "marsnorth"}, []string{"--region: unknown region"}},
		{[]string{"-n", "aks-ok", "--vnet-resource-group", "rg", "--vnet", "v", "--subnet", "s", "--service-cidr", "10.0.0.0/33", "--dns-service-ip", "10.0.0.10", "--docker-bridge-cidr", "172.17.0.1/16"}, []string{"--service-cidr"}},
		{[]string{"-n", "aks-ok", "--purpose", "bogus"}, []string{"--purpose"}},
		{[]string{"--nodes", "1"}, []string{"--name: missing", "--nodes:"}},
	}
	for _, tc := range cases {
		args := append([]string{"--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "--yes"}, tc.args...)
		r := runArgs(t, "", args...)
		if r.code != 2 {
			t.Errorf("%v: %s", tc.args, r)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(r.err, w) {
				t.Errorf("%v: stderr lacks %q\n%s", tc.args, w, r.err)
			}
		}
	}
}

func TestCreateThresholdBoundary(t *testing.T) {
	demoEnv(t)
	// Standard_D2_v2 has 2 vCPUs (the AKS minimum per node): 5 nodes = 10 vCPUs fails, 6 = 12 passes.
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-d2", "--vm-size", "Standard_D2_v2", "--nodes", "5", "--dry-run")
	if r.code != 2 || !strings.Contains(r.err, "12") {
		t.Fatalf("10 vCPUs: %s", r)
	}
	r = runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-d2", "--vm-size", "Standard_D2_v2", "--nodes", "6", "--dry-run")
	if r.code != 0 {
		t.Fatalf("12 vCPUs: %s", r)
	}
	// 12 × 1 vCPU meets the threshold but not the AKS minimum per node
	r = runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-a1", "--vm-size", "Standard_A1_v2", "--nodes", "12", "--dry-run")
	if r.code != 2 || !strings.Contains(r.err, "AKS needs at least 2 vCPUs and 4 GiB per node") {
		t.Fatalf("12 × A1_v2: %s", r)
	}
	// dev-test: 1 × 2 vCPUs passes
	r = runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-dev", "--purpose", "devtest", "--vm-size", "Standard_D2_v2", "--nodes", "1", "--dry-run")
	if r.code != 0 {
		t.Fatalf("dev-test 1×2: %s", r)
	}
}

func TestCreateThenListAndStatus(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-e2e-one", "--yes", "-o", "json")
	if r.code != 0 {
		t.Fatal(r)
	}
	m := mustJSON(t, r.out)
	if m["name"] != "aks-e2e-one" || m["state"] != "Succeeded" || m["type"] != "AKS" || m["purpose"] != "FastProd" || m["vmSize"] != "Standard_D3_v2" {
		t.Fatalf("result %v", m)
	}
	if !strings.Contains(r.err, "accepted") {
		t.Fatalf("no progress on stderr: %s", r.err)
	}
	l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod", "-o", "json")
	if !strings.Contains(l.out, `"aks-e2e-one"`) {
		t.Fatal(l)
	}
	s := runArgs(t, "", "--demo", "status", "aks-e2e-one", "-w", "mlw-prod")
	if s.code != 0 || !strings.Contains(s.out, "Succeeded") {
		t.Fatal(s)
	}
	again := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "AKS-E2E-ONE", "--yes")
	if again.code != 2 || !strings.Contains(again.err, "aks-e2e-one") {
		t.Fatalf("same name again: %s", again)
	}
}

func TestAttachOutcomes(t *testing.T) {
	demoEnv(t)
	cases := []struct {
		cluster, purpose string
		code             int
		want             string
	}{
		{"aks-shared", "production", 2, "aks-inference"},
		{"aks-legacy", "production", 2, "supported"},
		{"aks-stopped", "production", 2, "Stopped"},
		{"aks-small", "production", 2, "dev-test"},
		{"aks-locked", "production", 0, "westus"},
		{"aks-private", "production", 0, "private"},
		{"aks-gpu-weu", "production", 0, "westeurope"},
	}
	for _, tc := range cases {
		r := runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "att-"+strings.TrimPrefix(tc.cluster, "aks-"), "--cluster", tc.cluster, "--purpose", tc.purpose, "--dry-run")
		if r.code != tc.code || !strings.Contains(strings.ToLower(r.err), strings.ToLower(tc.want)) {
			t.Errorf("%s as %s: want exit %d mentioning %q\n%s", tc.cluster, tc.purpose, tc.code, tc.want, r)
		}
	}
	r := runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "att-small", "--cluster", "aks-small", "--purpose", "devtest", "--yes", "-o", "json")
	if r.code != 0 {
		t.Fatal(r)
	}
	if m := mustJSON(t, r.out); m["purpose"] != "DevTest" || !strings.HasSuffix(m["clusterId"].(string), "/aks-small") {
		t.Fatalf("attach result %v", m)
	}
}

func TestAttachBadResourceID(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "att-x", "--cluster-id", "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGrups/rg/providers/Microsoft.ContainerService/managedClusters/x", "--yes")
	if r.code != 2 || !strings.Contains(r.err, "--cluster-id") || !strings.Contains(r.err, "resourceGrups") {
		t.Fatal(r)
	}
}

func TestDetachKeepsCluster(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "detach", "aks-inference", "-w", "mlw-prod")
	if r.code != 2 || !strings.Contains(r.err, "--yes") {
		t.Fatalf("detach without --yes and no terminal: %s", r)
	}
	r = runArgs(t, "", "--demo", "detach", "aks-inference", "-w", "mlw-prod", "--yes")
	if r.code != 0 || !strings.Contains(r.out, "kept") {
		t.Fatal(r)
	}
	l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod")
	if strings.Contains(l.out, "aks-inference") {
		t.Fatal(l)
	}
	// the cluster is attachable again now
	a := runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-again", "--cluster", "aks-shared", "--dry-run")
	if a.code != 0 {
		t.Fatal(a)
	}
}

func TestJSONErrorOnFailure(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "status", "nope", "-w", "mlw-prod", "-o", "json")
	if r.code != 1 {
		t.Fatal(r)
	}
	m := mustJSON(t, r.out)
	if e, ok := m["error"].(map[string]any); !ok || e["message"] == "" {
		t.Fatalf("error object: %v", m)
	}
}

func TestResetRestoresFixtures(t *testing.T) {
	state := demoEnv(t)
	runArgs(t, "", "--demo", "detach", "aks-inference", "-w", "mlw-prod", "--yes")
	if r := runArgs(t, "", "--demo", "reset"); r.code != 0 {
		t.Fatal(r)
	}
	l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod")
	if !strings.Contains(l.out, "aks-inference") {
		t.Fatal(l)
	}
	if fi, err := os.Stat(state); err == nil && fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v", fi.Mode().Perm())
	}
	if r := runArgs(t, "", "reset"); r.code != 2 {
		t.Fatalf("reset without --demo: %s", r)
	}
}

func TestDebugTraceRedactsSecrets(t *testing.T) {
	demoEnv(t)
	dir := t.TempDir()
	trace := filepath.Join(dir, "trace.log")
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	wizardtest.WriteCert(t, cert, key)
	r := runArgs(t, "", "--demo", "--debug-file", trace, "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-tls", "--ssl-cert-file", cert, "--ssl-key-file", key, "--ssl-cname", "ml.contoso.com", "--yes")
	if r.code != 0 {
		t.Fatal(r)
	}
	fi, err := os.Stat(trace)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("trace: %v %v", fi, err)
	}
	b, _ := os.ReadFile(trace)
	s := string(b)
	if !strings.Contains(s, "PUT https://management.azure.com/subscriptions/") || !strings.Contains(s, "Authorization: REDACTED") {
		t.Fatalf("trace lacks the PUT or the redacted header:\n%.2000s", s)
	}
	state, _ := os.ReadFile(os.Getenv("AMLAKS_DEMO_STATE"))
	if !strings.Contains(string(state), "aks-tls") {
		t.Fatal("state file lacks the compute")
	}
	for _, secret := range []string{"amlaks-demo", "BEGIN CERTIFICATE", "PRIVATE KEY"} {
		if strings.Contains(s, secret) || strings.Contains(r.out+r.err, secret) || strings.Contains(string(state), secret) {
			t.Errorf("%q leaked into the trace, the output or the demo state", secret)
		}
	}
}

// TestReadmeMatchesTheBinary: the README's install line must work from a
// clone (the module is not published), and it explains every exit code
// that --help lists.
func TestReadmeMatchesTheBinary(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	if strings.Contains(readme, "\ngo install github.com/amlaks/amlaks@") || !strings.Contains(readme, "\ngo install .\n") {
		t.Error("README's install block does not install from a clone (go install .)")
	}
	r := runArgs(t, "", "--help")
	_, codes, ok := strings.Cut(r.out, "Exit codes:\n")
	if !ok {
		t.Fatalf("--help lists no exit codes:\n%s", r.out)
	}
	for _, l := range strings.Split(strings.TrimSpace(codes), "\n") {
		code := strings.Fields(l)[0]
		if !strings.Contains(readme, "| `"+code+"` |") {
			t.Errorf("README does not explain exit %s", code)
		}
	}
}

// TestKubernetesComputeListedWithItsCluster: against the simulator, a
// Kubernetes compute is listed with its cluster's nodes, size and vCPUs
// and its extension's purpose (Azure ML records none of them on the
// compute), and its cluster's ID in the one spelling.
func TestKubernetesComputeListedWithItsCluster(t *testing.T) {
	demoEnv(t)
	if r := runArgs(t, "", "--demo", "create", "-w", "mlw-prod", "-n", "k8s-list", "--purpose", "devtest", "--nodes", "2",
		"--vm-size", "Standard_D4s_v3", "--allow-insecure-connections", "--yes"); r.code != 0 {
		t.Fatal(r)
	}
	r := runArgs(t, "", "--demo", "list", "-w", "mlw-prod", "-o", "json")
	var found bool
	for _, e := range mustJSONArray(t, r.out) {
		m := e.(map[string]any)
		if m["name"] != "k8s-list" {
			continue
		}
		found = true
		if m["nodes"] != 2.0 || m["vmSize"] != "Standard_D4s_v3" || m["vCPUs"] != 8.0 || m["purpose"] != "DevTest" || m["legacy"] != false ||
			!strings.Contains(m["clusterId"].(string), "/resourceGroups/") {
			t.Errorf("k8s-list: %v", m)
		}
	}
	if !found {
		t.Fatalf("k8s-list not listed:\n%s", r)
	}
}
