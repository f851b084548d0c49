package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// runLine runs amlaks without a terminal (line mode).
func runLine(t *testing.T, c *wizardtest.Cloud, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	code := Run(context.Background(), args, s, fakeFactory(c), "test")
	return code, out.String(), errb.String()
}

func sent(c *wizardtest.Cloud) int {
	return len(c.Specs) + len(c.ClusterSpecs) + len(c.ExtensionSpecs) + len(c.Deleted) + len(c.Registered)
}

type dryRun struct {
	DryRun      bool   `json:"dryRun"`
	ComputeType string `json:"computeType"`
	Blocked     bool   `json:"blocked"`
	Findings    []struct {
		Code, Severity, Message, Fix string
	} `json:"findings"`
	Phases []struct {
		Kind    string `json:"kind"`
		Request struct {
			Method string         `json:"method"`
			Path   string         `json:"path"`
			Body   map[string]any `json:"body"`
		} `json:"request"`
		Az     string `json:"az"`
		Python string `json:"python"`
	} `json:"phases"`
}

func parseDryRun(t *testing.T, out string) dryRun {
	t.Helper()
	var d dryRun
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("dry run is not JSON: %v\n%s", err, out)
	}
	return d
}

func get(m any, path ...string) any {
	for _, k := range path {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[k]
	}
	return m
}

// TestKubernetesCreateDryRunBodies checks every phase's body field by
// field: the chosen version, pool size and count, identity, LB SKU
// standard, extension type and settings, protected settings present but
// never printed, computeType Kubernetes, resourceId, namespace.
func TestKubernetesCreateDryRunBodies(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	wizardtest.WriteCert(t, cert, key)
	c := wizardtest.New()
	code, out, errs := runLine(t, c, "create", "-w", "mlw-prod", "-n", "k8s-prod", "--kubernetes-version", "1.31", "--vm-size", "Standard_D4s_v3",
		"--nodes", "4", "--cluster", "aks-k8s-prod", "--cluster-resource-group", "rg-aks-new", "--namespace", "team-a",
		"--router", "internal", "--ssl-cert-file", cert, "--ssl-key-file", key, "--ssl-cname", "ml.contoso.com", "--dry-run", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	d := parseDryRun(t, out)
	if !d.DryRun || d.ComputeType != "Kubernetes" || d.Blocked || len(d.Phases) != 3 {
		t.Fatalf("dry run %+v", d)
	}
	if sent(c) != 0 {
		t.Fatal("a dry run sent something")
	}
	cl, ext, att := d.Phases[0], d.Phases[1], d.Phases[2]
	if cl.Kind != "cluster" || ext.Kind != "extension" || att.Kind != "attach" {
		t.Fatalf("phase order %s %s %s", cl.Kind, ext.Kind, att.Kind)
	}
	id := "/subscriptions/" + wizardtest.Sub + "/resourceGroups/rg-aks-new/providers/Microsoft.ContainerService/managedClusters/aks-k8s-prod"
	// cluster
	b := cl.Request.Body
	if cl.Request.Method != "PUT" || !strings.HasPrefix(cl.Request.Path, id+"?api-version=") {
		t.Errorf("cluster request %s %s", cl.Request.Method, cl.Request.Path)
	}
	pool, _ := get(b, "properties", "agentPoolProfiles").([]any)
	if len(pool) != 1 || get(pool[0], "vmSize") != "Standard_D4s_v3" || get(pool[0], "count") != 4.0 || get(pool[0], "mode") != "System" {
		t.Errorf("pool %v", pool)
	}
	for path, want := range map[string]any{"properties/kubernetesVersion": "1.31", "identity/type": "SystemAssigned", "location": "eastus",
		"properties/networkProfile/loadBalancerSku": "standard", "properties/dnsPrefix": "aks-k8s-prod", "tags/created-by": "amlaks"} {
		if got := get(b, strings.Split(path, "/")...); got != want {
			t.Errorf("cluster %s = %v, want %v", path, got, want)
		}
	}
	if !strings.Contains(cl.Az, "az aks create") || !strings.Contains(cl.Az, "--kubernetes-version 1.31 ") || !strings.Contains(cl.Az, "--node-count 4") {
		t.Errorf("cluster az:\n%s", cl.Az)
	}
	// extension
	e := ext.Request.Body
	if !strings.HasPrefix(ext.Request.Path, id+"/providers/Microsoft.KubernetesConfiguration/extensions/azureml?") {
		t.Errorf("extension path %s", ext.Request.Path)
	}
	if get(e, "properties", "extensionType") != "Microsoft.AzureML.Kubernetes" {
		t.Errorf("extension type %v", get(e, "properties", "extensionType"))
	}
	for k, want := range map[string]string{"enableInference": "True", "inferenceRouterServiceType": "LoadBalancer", "internalLoadBalancerProvider": "azure",
		"inferenceRouterHA": "True", "allowInsecureConnections": "False", "sslCname": "ml.contoso.com"} {
		if got := get(e, "properties", "configurationSettings", k); got != want {
			t.Errorf("setting %s = %v, want %s", k, got, want)
		}
	}
	prot, _ := get(e, "properties", "configurationProtectedSettings").(map[string]any)
	if len(prot) == 0 {
		t.Error("no protected settings for the certificate")
	}
	for k, v := range prot {
		if v != wizard.Redacted {
			t.Errorf("protected %s printed: %v", k, v)
		}
	}
	if strings.Contains(out, "BEGIN") {
		t.Fatal("a PEM block is in the output")
	}
	if !strings.Contains(ext.Az, "az k8s-extension create") || !strings.Contains(ext.Az, "inferenceRouterServiceType=LoadBalancer") ||
		!strings.Contains(ext.Az, "internalLoadBalancerProvider=azure") || !strings.Contains(ext.Az, "--config-protected sslCertPemFile=") {
		t.Errorf("extension az:\n%s", ext.Az)
	}
	// attach
	a := att.Request.Body
	for path, want := range map[string]any{"properties/computeType": "Kubernetes", "properties/resourceId": id, "properties/properties/namespace": "team-a",
		"identity/type": "SystemAssigned", "location": "eastus"} {
		if got := get(a, strings.Split(path, "/")...); got != want {
			t.Errorf("attach %s = %v, want %v", path, got, want)
		}
	}
	if !strings.Contains(att.Request.Path, "/workspaces/mlw-prod/computes/k8s-prod?") {
		t.Errorf("attach path %s", att.Request.Path)
	}
	if !strings.Contains(att.Az, "az ml compute attach") || !strings.Contains(att.Az, "--type Kubernetes") || !strings.Contains(att.Az, "--namespace team-a") {
		t.Errorf("attach az:\n%s", att.Az)
	}
	if !strings.Contains(att.Python, "KubernetesCompute(") || !strings.Contains(att.Python, `namespace="team-a"`) || !strings.Contains(att.Python, "ml_client.begin_create_or_update(compute)") {
		t.Errorf("python:\n%s", att.Python)
	}
}

// TestKubernetesBlockExit2NothingSent: every Block of the current path
// exits 2 and sends nothing.
func TestKubernetesBlockExit2NothingSent(t *testing.T) {
	tests := []struct {
		name  string
		setup func(c *wizardtest.Cloud)
		args  []string
		want  string
	}{
		{"no TLS and no explicit insecure", nil, []string{"create", "-n", "k8s-a"}, "--allow-insecure-connections: without TLS"},
		{"HA router on 2 nodes", nil, []string{"create", "-n", "k8s-a", "--allow-insecure-connections", "--purpose", "devtest", "--nodes", "2", "--router-ha"},
			"the high-availability inference router needs 3 nodes (now 2): use 3 nodes or more, or turn HA off"},
		{"provider not registered", func(c *wizardtest.Cloud) {
			c.Provs[wizardtest.Sub]["Microsoft.KubernetesConfiguration"] = "NotRegistered"
		},
			[]string{"create", "-n", "k8s-a", "--allow-insecure-connections"}, "Microsoft.KubernetesConfiguration is not registered"},
		{"cluster on a service principal", nil, []string{"attach", "-n", "k8s-a", "--cluster", wizardtest.ClusterSP}, "aks-ml-sp runs on a service principal"},
		{"extension missing without --install-extension", nil, []string{"attach", "-n", "k8s-a", "--cluster", wizardtest.ClusterBare},
			"the Azure ML extension is not installed on aks-ml-plain — add --install-extension"},
		{"extension failed without --install-extension", nil, []string{"attach", "-n", "k8s-a", "--cluster", wizardtest.ClusterBroken},
			"the Azure ML extension on aks-ml-failed failed (ExtensionOperationFailed: helm install failed"},
		{"cluster attached as an AKS compute", nil, []string{"attach", "-n", "k8s-a", "--cluster", "aks-shared"}, "aks-shared is attached as an AKS (v1) compute: aks-inference in mlw-prod"},
		{"stopped cluster", nil, []string{"attach", "-n", "k8s-a", "--cluster", "aks-stopped", "--install-extension", "--allow-insecure-connections"}, "aks-stopped is stopped"},
		{"existing cluster not made by amlaks", nil, []string{"create", "-n", "k8s-a", "--cluster", "aks-shared", "--cluster-resource-group", "rg-aks", "--allow-insecure-connections"},
			"aks-shared is attached as an AKS (v1) compute: aks-inference in mlw-prod"},
		{"bad AKS name", nil, []string{"create", "-n", "k8s-a", "--cluster", "aks_", "--allow-insecure-connections"}, "--cluster: AKS cluster name must start and end with a letter or digit"},
		{"bad namespace", nil, []string{"create", "-n", "k8s-a", "--namespace", "Team", "--allow-insecure-connections"}, "--namespace: a Kubernetes namespace holds only lower-case"},
		{"bad ranges", nil, []string{"create", "-n", "k8s-a", "--authorized-ip-ranges", "10.0.0.1/8", "--allow-insecure-connections"}, "--authorized-ip-ranges: 10.0.0.1/8 has host bits set: use 10.0.0.0/8"},
		{"private ranges", nil, []string{"create", "-n", "k8s-a", "--authorized-ip-ranges", "10.0.0.0/8", "--allow-insecure-connections"},
			"--authorized-ip-ranges: must be global non-reserved addresses or CIDRs: 10.0.0.0/8 is a private range (10.0.0.0/8)"},
		{"agent nodes with other ranges", nil, []string{"create", "-n", "k8s-a", "--authorized-ip-ranges", "0.0.0.0/32,20.12.34.0/24", "--allow-insecure-connections"},
			"--authorized-ip-ranges: 0.0.0.0/32 (the agent nodes only) is not allowed with other IP ranges"},
		{"legacy flag on Kubernetes", nil, []string{"create", "-n", "k8s-a", "--vnet", "v", "--allow-insecure-connections"}, "--vnet: is for the legacy AKS compute"},
		{"Kubernetes flag on legacy", nil, []string{"create", "-n", "aks-a", "--compute-type", "AKS", "--namespace", "x"}, "--namespace: is for Kubernetes computes"},
		{"Microsoft certificate on Kubernetes", nil, []string{"create", "-n", "k8s-a", "--ssl-leaf-domain-label", "leaf"}, "--ssl-leaf-domain-label: is for the legacy AKS compute"},
		{"bad identity on create", nil, []string{"create", "-n", "k8s-a", "--identity", "id-ml", "--allow-insecure-connections"}, "--identity: must be system or a user-assigned identity's resource ID"},
		{"bad identity on attach", nil, []string{"attach", "-n", "k8s-a", "--cluster", wizardtest.ClusterReady, "--identity", "id-ml"}, "--identity: must be system or a user-assigned"},
		{"bad compute type", nil, []string{"create", "-n", "k8s-a", "--compute-type", "v1"}, `--compute-type: must be Kubernetes or AKS (got "v1")`},
		{"unsupported version", nil, []string{"create", "-n", "k8s-a", "--kubernetes-version", "1.20", "--allow-insecure-connections"}, "--kubernetes-version: 1.20 is not offered in eastus"},
		{"node below AKS minimum size", func(c *wizardtest.Cloud) {
			l := c.SizeL["eastus"]
			l.Sizes = append(l.Sizes, wizard.VMSize{Name: "Standard_B1s", Family: "standardBSFamily", VCPUs: 1, MemoryGB: 1, FamilyQuota: l.Sizes[0].FamilyQuota})
			c.SetSizes("eastus", l)
		}, []string{"create", "-n", "k8s-a", "--purpose", "devtest", "--vm-size", "Standard_B1s", "--nodes", "2", "--allow-insecure-connections"}, "an AKS node needs at least 2 vCPUs and 4 GiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := wizardtest.New()
			if tt.setup != nil {
				tt.setup(c)
			}
			args := append([]string{"-w", "mlw-prod"}, tt.args...)
			args = append(args, "--yes")
			code, out, errs := runLine(t, c, args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2\n%s\n%s", code, out, errs)
			}
			if !strings.Contains(errs, tt.want) {
				t.Fatalf("stderr lacks %q:\n%s", tt.want, errs)
			}
			if n := sent(c); n != 0 {
				t.Fatalf("%d requests sent", n)
			}
		})
	}
}

func TestKubernetesCreateRunsThreePhases(t *testing.T) {
	c := wizardtest.New()
	c.Progress = []string{"Creating"}
	code, out, errs := runLine(t, c, "create", "-w", "mlw-prod", "-n", "k8s-dev", "--purpose", "devtest", "--nodes", "1", "--allow-insecure-connections", "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"[1/3 cluster] Creating", "[1/3 cluster] Succeeded", "[2/3 extension] Succeeded", "[3/3 attach] Succeeded",
		"WARN: scoring requests go over plain HTTP"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if len(c.ClusterSpecs) != 1 || len(c.ExtensionSpecs) != 1 || len(c.Specs) != 1 {
		t.Fatalf("sent %d clusters, %d extensions, %d computes", len(c.ClusterSpecs), len(c.ExtensionSpecs), len(c.Specs))
	}
	cs, es, sp := c.ClusterSpecs[0], c.ExtensionSpecs[0], c.Specs[0]
	if cs.Name != "k8s-dev" || cs.ResourceGroup != "rg-ml-prod" || cs.Nodes != 1 || cs.KubernetesVersion != "1.32.4" || cs.Tags[wizard.TagCreatedBy] != "amlaks" {
		t.Errorf("cluster spec %+v", cs)
	}
	if es.RouterHA || !es.AllowInsecure || es.Router != wizard.RouterLoadBalancer || es.Purpose != "DevTest" {
		t.Errorf("extension spec %+v (HA must be off on 1 node)", es)
	}
	if sp.Type != wizard.ComputeKubernetes || sp.Namespace != "default" || sp.ClusterID != cs.ID() {
		t.Errorf("compute spec %+v", sp)
	}
	// list: the type and the extension state, table and JSON
	code, out, _ = runLine(t, c, "list", "-w", "mlw-prod")
	if code != 0 || !strings.Contains(out, "AKS (legacy)") || !regexpLine(out, "k8s-dev", "Kubernetes", "Succeeded 1.1.64") {
		t.Fatalf("list:\n%s", out)
	}
	code, out, _ = runLine(t, c, "list", "-w", "mlw-prod", "-o", "json")
	var l struct{ Computes []map[string]any }
	if code != 0 || json.Unmarshal([]byte(out), &l.Computes) != nil {
		t.Fatalf("list json: %d\n%s", code, out)
	}
	var found bool
	for _, m := range l.Computes {
		if m["name"] == "k8s-dev" {
			found = m["type"] == "Kubernetes" && get(m, "extension", "state") == "Succeeded" && m["namespace"] == "default"
		}
		if m["name"] == "aks-inference" && m["legacy"] != true {
			t.Errorf("aks-inference legacy %v", m["legacy"])
		}
	}
	if !found {
		t.Fatalf("list json lacks k8s-dev with its type and extension:\n%s", out)
	}
	// status shows every phase
	code, out, _ = runLine(t, c, "status", "k8s-dev", "-w", "mlw-prod")
	if code != 0 || !strings.Contains(out, "cluster    Succeeded, Running (created by amlaks)") || !strings.Contains(out, "extension  Succeeded 1.1.64") ||
		!strings.Contains(out, "attach     Succeeded (namespace default)") {
		t.Fatalf("status:\n%s", out)
	}
	code, out, _ = runLine(t, c, "status", "k8s-dev", "-w", "mlw-prod", "-o", "json")
	var st struct {
		Phases []map[string]string `json:"phases"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || len(st.Phases) != 3 || st.Phases[0]["createdBy"] != "amlaks" ||
		st.Phases[1]["state"] != "Succeeded" || st.Phases[2]["namespace"] != "default" {
		t.Fatalf("status json: %d\n%s", code, out)
	}
}

// regexpLine reports a line holding every part, in order.
func regexpLine(out string, parts ...string) bool {
	for _, l := range strings.Split(out, "\n") {
		i := 0
		ok := true
		for _, p := range parts {
			j := strings.Index(l[i:], p)
			if j < 0 {
				ok = false
				break
			}
			i += j + len(p)
		}
		if ok {
			return true
		}
	}
	return false
}

// TestKubernetesStopMidExtensionThenContinue: Ctrl+C during the extension
// phase exits 130 and keeps the cluster; the same command continues with
// the extension (finished in Azure meanwhile) and the attach, sending no
// second cluster create.
func TestKubernetesStopMidExtensionThenContinue(t *testing.T) {
	c := wizardtest.New()
	c.PhaseProgress = map[wizard.OpKind][]string{wizard.OpExtension: {"Creating", "Creating"}}
	c.StopAfter = func(op wizard.Operation, state string) bool { return op.Kind == wizard.OpExtension }
	args := []string{"create", "-w", "mlw-prod", "-n", "k8s-resume", "--allow-insecure-connections", "--yes"}
	code, out, errs := runLine(t, c, args...)
	if code != ExitInterrupted || !strings.Contains(errs, "interrupted: the extension install goes on in Azure; the attach is not done yet: amlaks --demo status k8s-resume -w mlw-prod -g rg-ml-prod continues them") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if len(c.Specs) != 0 || len(c.ClusterSpecs) != 1 || len(c.ExtensionSpecs) != 1 {
		t.Fatalf("after the stop: %d clusters, %d extensions, %d computes", len(c.ClusterSpecs), len(c.ExtensionSpecs), len(c.Specs))
	}
	// status shows the phases of the unfinished create
	code, out, _ = runLine(t, c, "status", "k8s-resume", "-w", "mlw-prod")
	if code != 1 || !strings.Contains(out, "k8s-resume is not attached yet") || !strings.Contains(out, "cluster    Succeeded, Running (created by amlaks)") ||
		!strings.Contains(out, "attach     missing") {
		t.Fatalf("status of the unfinished create: exit %d\n%s", code, out)
	}
	c.StopAfter = nil
	// the cluster's vCPUs now count in the usage: the re-run is not
	// refused for the quota it already used
	l := c.SizeL["eastus"]
	l.RegionQuota.Used = l.RegionQuota.Limit
	c.SetSizes("eastus", l)
	code, out, errs = runLine(t, c, args...)
	if code != 0 {
		t.Fatalf("re-run: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "[1/3 cluster] done already") || !strings.Contains(errs, "[3/3 attach] Succeeded") {
		t.Fatalf("re-run progress:\n%s", errs)
	}
	if len(c.ClusterSpecs) != 1 || len(c.ExtensionSpecs) != 1 || len(c.Specs) != 1 {
		t.Fatalf("re-run sent again: %d clusters, %d extensions, %d computes", len(c.ClusterSpecs), len(c.ExtensionSpecs), len(c.Specs))
	}
}

// TestKubernetesExtensionFailureKeepsCluster: the cluster stays, the
// message says what exists and what to do; a re-run retries the extension
// only.
func TestKubernetesExtensionFailureKeepsCluster(t *testing.T) {
	c := wizardtest.New()
	c.PhaseOutcome = map[wizard.OpKind]error{wizard.OpExtension: errors.New("helm install failed")}
	args := []string{"create", "-w", "mlw-prod", "-n", "k8s-fail", "--allow-insecure-connections", "--yes"}
	code, _, errs := runLine(t, c, args...)
	if code != 1 || !strings.Contains(errs, "exists now: cluster k8s-fail created") || !strings.Contains(errs, "next: `amlaks status k8s-fail` (or the same command) retries the extension only") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	code, out, _ := runLine(t, c, append(args, "-o", "json")...)
	if code != 1 || !strings.Contains(out, `"phase": "extension"`) {
		t.Fatalf("json: exit %d\n%s", code, out)
	}
	c.PhaseOutcome = nil
	code, _, errs = runLine(t, c, args...)
	if code != 0 || len(c.ClusterSpecs) != 1 || len(c.ExtensionSpecs) != 3 || len(c.Specs) != 1 {
		t.Fatalf("retry: exit %d, %d clusters %d extensions %d computes\n%s", code, len(c.ClusterSpecs), len(c.ExtensionSpecs), len(c.Specs), errs)
	}
}

func TestKubernetesAttachInstallsExtension(t *testing.T) {
	c := wizardtest.New()
	code, out, errs := runLine(t, c, "attach", "-w", "mlw-prod", "-n", "k8s-bare", "--cluster", wizardtest.ClusterBare, "--install-extension",
		"--allow-insecure-connections", "--namespace", "team-b", "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if len(c.ClusterSpecs) != 0 || len(c.ExtensionSpecs) != 1 || len(c.Specs) != 1 {
		t.Fatalf("sent %d clusters, %d extensions, %d computes", len(c.ClusterSpecs), len(c.ExtensionSpecs), len(c.Specs))
	}
	if !strings.Contains(errs, "INFO: the Azure ML extension is not installed on aks-ml-plain: it will be installed") || !strings.Contains(errs, "[1/2 extension] Succeeded") {
		t.Fatalf("stderr:\n%s", errs)
	}
	if sp := c.Specs[0]; sp.Namespace != "team-b" || sp.ClusterID != wizardtest.K8sClusterID(wizardtest.ClusterBare) || sp.Type != wizard.ComputeKubernetes {
		t.Fatalf("spec %+v", sp)
	}
	// a healthy extension: only the attach; a second attach of the same
	// cluster in another namespace is allowed (Info)
	c2 := wizardtest.New()
	code, _, errs = runLine(t, c2, "attach", "-w", "mlw-prod", "-n", "k8s-ok", "--cluster", wizardtest.ClusterReady, "--yes")
	if code != 0 || len(c2.ExtensionSpecs) != 0 || len(c2.Specs) != 1 || !strings.Contains(errs, "INFO: the Azure ML extension 1.1.64 is installed on aks-ml-ready") {
		t.Fatalf("exit %d, %d extensions\n%s", code, len(c2.ExtensionSpecs), errs)
	}
	code, _, errs = runLine(t, c2, "attach", "-w", "mlw-prod", "-n", "k8s-ok2", "--cluster", wizardtest.ClusterReady, "--namespace", "team-c", "--yes")
	if code != 0 || !strings.Contains(errs, "INFO: aks-ml-ready is also attached as k8s-ok in mlw-prod (namespace default): allowed") {
		t.Fatalf("second attach: exit %d\n%s", code, errs)
	}
	code, _, errs = runLine(t, c2, "attach", "-w", "mlw-prod", "-n", "k8s-ok3", "--cluster", wizardtest.ClusterReady, "--yes")
	if code != 0 || !strings.Contains(errs, "WARN: aks-ml-ready is already attached as k8s-ok in mlw-prod, in namespace default too") {
		t.Fatalf("same namespace: exit %d\n%s", code, errs)
	}
}

func TestRegisterProvidersFlag(t *testing.T) {
	c := wizardtest.New()
	c.Provs[wizardtest.Sub]["Microsoft.KubernetesConfiguration"] = "NotRegistered"
	code, _, errs := runLine(t, c, "create", "-w", "mlw-prod", "-n", "k8s-reg", "--allow-insecure-connections", "--register-providers", "--yes")
	if code != 0 || len(c.Registered) != 1 || c.Registered[0] != "Microsoft.KubernetesConfiguration" || !strings.Contains(errs, "amlaks registers it first") ||
		!strings.Contains(errs, "[providers] Microsoft.KubernetesConfiguration Registering") || !strings.Contains(errs, "[providers] Registered") {
		t.Fatalf("exit %d, registered %v\n%s", code, c.Registered, errs)
	}
}

func TestKubernetesDetachKeepsOrDeletesCluster(t *testing.T) {
	c := wizardtest.New()
	if code, _, errs := runLine(t, c, "create", "-w", "mlw-prod", "-n", "k8s-tmp", "--allow-insecure-connections", "--yes"); code != 0 {
		t.Fatalf("create: %s", errs)
	}
	code, out, errs := runLine(t, c, "detach", "k8s-tmp", "-w", "mlw-prod", "--yes")
	if code != 0 || !strings.Contains(out, "k8s-tmp detached; the AKS cluster rg-ml-prod/k8s-tmp was kept and keeps costing") || len(c.Deleted) != 0 {
		t.Fatalf("detach: exit %d\n%s\n%s", code, out, errs)
	}
	// --delete-cluster refuses a cluster amlaks did not create, before anything is sent
	if code, _, errs := runLine(t, c, "attach", "-w", "mlw-prod", "-n", "k8s-ok", "--cluster", wizardtest.ClusterReady, "--yes"); code != 0 {
		t.Fatalf("attach: %s", errs)
	}
	calls := c.CallCount("Detach")
	code, _, errs = runLine(t, c, "detach", "k8s-ok", "-w", "mlw-prod", "--delete-cluster", "--yes")
	if code != 2 || !strings.Contains(errs, "aks-ml-ready was not created by amlaks") || c.CallCount("Detach") != calls || len(c.Deleted) != 0 {
		t.Fatalf("delete of a foreign cluster: exit %d\n%s", code, errs)
	}
	// needs confirmation without --yes
	if code, _, errs := runLine(t, c, "detach", "k8s-ok", "-w", "mlw-prod"); code != 2 || !strings.Contains(errs, "--yes") {
		t.Fatalf("no confirmation: exit %d\n%s", code, errs)
	}
	// a cluster amlaks created is deleted after the detach
	if code, _, errs := runLine(t, c, "create", "-w", "mlw-prod", "-n", "k8s-gone", "--allow-insecure-connections", "--yes"); code != 0 {
		t.Fatalf("create: %s", errs)
	}
	code, out, errs = runLine(t, c, "detach", "k8s-gone", "-w", "mlw-prod", "--delete-cluster", "--yes")
	if code != 0 || len(c.Deleted) != 1 || !strings.HasSuffix(c.Deleted[0], "/k8s-gone") || !strings.Contains(out, "AKS cluster rg-ml-prod/k8s-gone deleted") {
		t.Fatalf("delete: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestLegacyComputeTypeSaysWhy(t *testing.T) {
	c := wizardtest.New()
	code, _, errs := runLine(t, c, "create", "-w", "mlw-prod", "-n", "aks-old", "--compute-type", "AKS", "--yes")
	if code != 0 || strings.Count(errs, "legacy v1 path: Azure ML SDK v1 support ended 2026-06-30, CLI v1 on 2025-09-30") != 1 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if len(c.Specs) != 1 || c.Specs[0].Type == wizard.ComputeKubernetes || len(c.ClusterSpecs) != 0 {
		t.Fatalf("legacy create sent %+v", c.Specs)
	}
	_, out, _ := runLine(t, c, "create", "--help")
	if strings.Count(out, "SDK v1 support ended 2026-06-30") < 1 || !strings.Contains(out, "--compute-type") {
		t.Fatalf("help:\n%s", out)
	}
}

func TestAccessibleKubernetesCreateAsksTypeAndInsecure(t *testing.T) {
	c := wizardtest.New()
	// workspace 1, compute type 1 (Kubernetes), then the offers of purpose,
	// region, version, size, nodes, router and its HA, TLS (off: plain
	// HTTP) and namespace; the name; the cluster's name (the compute's) and
	// group, API access; confirm
	code, out, errs := runTTY(t, c, "1\n1\n"+strings.Repeat("\n", 9)+"k8s-acc\n\n\n\ny\n", "create", "--accessible")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"Compute type", "1. Kubernetes compute (current, recommended): an AKS cluster created in AKS",
		"2. AKS compute (legacy v1, as in the 2020 article): AKS compute is the legacy v1 path", "Kubernetes version", "AKS cluster name",
		"scoring requests go over plain HTTP", "Phase 1 of 3: create AKS cluster", "Submit the create of k8s-acc?"} {
		if !strings.Contains(errs, want) {
			t.Errorf("prompts lack %q:\n%s", want, errs)
		}
	}
	if len(c.ClusterSpecs) != 1 || len(c.ExtensionSpecs) != 1 || !c.ExtensionSpecs[0].AllowInsecure || len(c.Specs) != 1 {
		t.Fatalf("sent %d clusters %d extensions %d computes", len(c.ClusterSpecs), len(c.ExtensionSpecs), len(c.Specs))
	}
}

func TestAccessibleKubernetesAttachAsksToInstall(t *testing.T) {
	c := wizardtest.New()
	idx := 0
	for i, cl := range c.Clus {
		if cl.Name == wizardtest.ClusterBare {
			idx = i + 1
		}
	}
	// workspace 1, compute type 1, purpose default, the cluster without the
	// extension (--install-extension installs it), router and its HA, TLS,
	// namespace, identity offers, the name, confirm
	in := "1\n1\n\n" + itoa(idx) + "\n\n\n\n\n\nk8s-att\ny\n"
	code, out, errs := runTTY(t, c, in, "attach", "--accessible", "--install-extension")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"Inference router", "Identity", "Phase 1 of 2: install the Azure ML extension"} {
		if !strings.Contains(errs, want) {
			t.Errorf("prompts lack %q:\n%s", want, errs)
		}
	}
	if len(c.ExtensionSpecs) != 1 || len(c.Specs) != 1 || c.Specs[0].ClusterID != wizardtest.K8sClusterID(wizardtest.ClusterBare) {
		t.Fatalf("sent %d extensions %+v", len(c.ExtensionSpecs), c.Specs)
	}
}

func TestKubernetesDryRunTable(t *testing.T) {
	c := wizardtest.New()
	code, out, errs := runLine(t, c, "create", "-w", "mlw-prod", "-n", "k8s-t", "--allow-insecure-connections", "--api-access", "private", "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	// a private API server: the workspace's Trusted Access binding is made
	// after the cluster and before the attach
	for _, want := range []string{"# phase 1/4: create AKS cluster k8s-t in rg-ml-prod", `"enablePrivateCluster": true`, "--enable-private-cluster",
		"# phase 2/4: let mlw-prod reach k8s-t (a private API server): Trusted Access role binding aml-mlw-prod-",
		`"sourceResourceId": "/subscriptions/` + wizardtest.Sub + `/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod"`,
		"az aks trustedaccess rolebinding create", "--roles Microsoft.MachineLearningServices/workspaces/mlworkload",
		"# phase 3/4: install the Azure ML extension on k8s-t", `"allowInsecureConnections": "True"`,
		"# phase 4/4: attach k8s-t to mlw-prod as Kubernetes compute k8s-t", `"computeType": "Kubernetes"`, "# azure-ai-ml (Python SDK v2):"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	if sent(c) != 0 {
		t.Fatal("a dry run sent something")
	}
	// blocked dry run: exit 2, still prints the phases
	code, out, _ = runLine(t, c, "attach", "-w", "mlw-prod", "-n", "k8s-u", "--cluster", wizardtest.ClusterBare, "--dry-run")
	if code != 2 || !strings.Contains(out, "# phase 1/1: attach aks-ml-plain") || sent(c) != 0 {
		t.Fatalf("blocked dry run: exit %d\n%s", code, out)
	}
}

// TestKubernetesAttachFailureThenRetry: a failed attach phase keeps the
// cluster and the extension; the same command retries the attach (the
// failed compute of the earlier run does not block its own name).
func TestKubernetesAttachFailureThenRetry(t *testing.T) {
	c := wizardtest.New()
	c.Outcome = errors.New("InternalServerError: attach failed")
	args := []string{"create", "-w", "mlw-prod", "-n", "k8s-att", "--allow-insecure-connections", "--yes"}
	code, _, errs := runLine(t, c, args...)
	if code != 1 || !strings.Contains(errs, "exists now: cluster k8s-att created, extension installed") || !strings.Contains(errs, "retries the attach only") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	c.Outcome = nil
	code, _, errs = runLine(t, c, args...)
	if code != 0 || !strings.Contains(errs, "INFO: compute k8s-att already points at this cluster (Failed) from an earlier run: a re-run retries the attach") ||
		!strings.Contains(errs, "[1/3 cluster] done already") || !strings.Contains(errs, "[2/3 extension] done already") {
		t.Fatalf("retry: exit %d\n%s", code, errs)
	}
	if len(c.ClusterSpecs) != 1 || len(c.ExtensionSpecs) != 1 || len(c.Specs) != 2 {
		t.Fatalf("sent %d clusters %d extensions %d computes", len(c.ClusterSpecs), len(c.ExtensionSpecs), len(c.Specs))
	}
	// a compute of that name on another cluster still blocks the name
	code, _, errs = runLine(t, c, "create", "-w", "mlw-prod", "-n", "k8s-att", "--cluster", "other-cluster", "--allow-insecure-connections", "--yes")
	if code != 2 || !strings.Contains(errs, "already used in mlw-prod") {
		t.Fatalf("name of another cluster's compute: exit %d\n%s", code, errs)
	}
}

// TestNextStepFollowsTheComputeType: line mode's advice after a create is
// the type's own: a v2 online endpoint for a Kubernetes compute, the v1
// tools (and why not v2) for a legacy AKS compute.
func TestNextStepFollowsTheComputeType(t *testing.T) {
	cases := []struct {
		args      []string
		want, not string
	}{
		{[]string{"create", "-w", "mlw-prod", "-n", "k8s-next", "--allow-insecure-connections", "--yes"},
			"next: deploy a model to a Kubernetes online endpoint whose YAML says compute: azureml:k8s-next (az ml online-endpoint create", "az ml model deploy"},
		{[]string{"create", "-w", "mlw-prod", "-n", "aks-next", "--compute-type", "AKS", "--yes"},
			"next: deploy a model with the v1 tools: az ml model deploy --compute-target aks-next (CLI v1), or AksWebservice in azureml-core (SDK v1); v2 (az ml online-endpoint, azure-ai-ml) cannot use an AKS compute", "online endpoint whose"},
	}
	for _, tc := range cases {
		code, out, errs := runLine(t, wizardtest.New(), tc.args...)
		if code != 0 || !strings.Contains(errs, tc.want) || strings.Contains(errs, tc.not) {
			t.Errorf("%v: exit %d, want %q, not %q\n%s\n%s", tc.args, code, tc.want, tc.not, out, errs)
		}
	}
}

// TestAccessibleAttachTakesAUserAssignedIdentity: the identity step asks
// the resource ID after User-assigned, as the wizard's form does, and an
// empty ID is asked again rather than taken as system-assigned.
func TestAccessibleAttachTakesAUserAssignedIdentity(t *testing.T) {
	c := wizardtest.New()
	idx := 0
	for i, cl := range c.Clus {
		if cl.Name == wizardtest.ClusterBare {
			idx = i + 1
		}
	}
	const id = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-ml"
	// workspace, Kubernetes, purpose, the cluster, router and HA, TLS,
	// namespace; User-assigned, an empty ID (refused), the ID; name; confirm
	in := "1\n1\n\n" + itoa(idx) + "\n\n\n\n\n2\n\n" + id + "\nk8s-uai\ny\n"
	code, out, errs := runTTY(t, c, in, "attach", "--accessible", "--install-extension")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if len(c.Specs) != 1 || c.Specs[0].Identity != id {
		t.Fatalf("sent %+v, want the user-assigned identity", c.Specs)
	}
	if !strings.Contains(errs, "give the user-assigned identity's resource ID") {
		t.Errorf("an empty ID was not refused:\n%s", errs)
	}
}

// TestAccessibleCreateOnAnExistingClusterAttachesIt: in the accessible
// mode, naming an existing cluster amlaks did not make at the cluster
// step says it attaches it, and the create sends an attach only.
func TestAccessibleCreateOnAnExistingClusterAttachesIt(t *testing.T) {
	c := wizardtest.New()
	in := "1\n1\n" + strings.Repeat("\n", 9) + "k8s-acc\n" + wizardtest.ClusterReady + "\n" + wizardtest.K8sGroup + "\ny\n"
	code, out, errs := runTTY(t, c, in, "create", "--accessible")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "aks-ml-ready exists (not made by amlaks): this attaches it") {
		t.Errorf("prompts lack the attach note:\n%s", errs)
	}
	if len(c.ClusterSpecs)+len(c.ExtensionSpecs) != 0 || len(c.Specs) != 1 || !strings.HasSuffix(c.Specs[0].ClusterID, "/"+wizardtest.ClusterReady) {
		t.Fatalf("sent %d clusters, %d extensions, computes %+v", len(c.ClusterSpecs), len(c.ExtensionSpecs), c.Specs)
	}
}
