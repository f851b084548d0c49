package rules

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAKSClusterName(t *testing.T) {
	tests := []struct {
		name string
		code string // "" = valid
		msg  string
	}{
		{"a", "", ""},
		{"aks-prod_01", "", ""},
		{"A1", "", ""},
		{strings.Repeat("a", 63), "", ""},
		{strings.Repeat("a", 64), "cluster-name-invalid", "63 characters at most (now 64)"},
		{"", "cluster-name-empty", "give the AKS cluster a name"},
		{"-aks", "cluster-name-invalid", "must start and end with a letter or digit"},
		{"aks_", "cluster-name-invalid", "must start and end with a letter or digit"},
		{"aks.prod", "cluster-name-invalid", "found '.'"},
		{"aks prod", "cluster-name-invalid", "(space)"},
		{"aksé", "cluster-name-invalid", "'é'"},
	}
	for _, tt := range tests {
		vs := AKSClusterName(tt.name)
		if tt.code == "" {
			if len(vs) != 0 {
				t.Errorf("%q: unexpected %v", tt.name, vs)
			}
			continue
		}
		if len(vs) != 1 || vs[0].Code != tt.code || !strings.Contains(vs[0].Message, tt.msg) || vs[0].Field != "cluster" {
			t.Errorf("%q: got %+v, want %s %q", tt.name, vs, tt.code, tt.msg)
		}
	}
}

var aksNameRE = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?$`)

func FuzzAKSClusterName(f *testing.F) {
	for _, s := range []string{"a", "aks-1", "-a", "a_", "é", strings.Repeat("x", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		vs := AKSClusterName(name)
		want := aksNameRE.MatchString(name)
		if want != (len(vs) == 0) {
			t.Fatalf("%q: regexp says %v, rule says %v", name, want, vs)
		}
		if len(vs) > 0 && !utf8.ValidString(vs[0].Message) {
			t.Fatalf("message not UTF-8: %q", vs[0].Message)
		}
		if d := DNSPrefix(name); want && (len(d) > 54 || !regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$`).MatchString(d)) {
			t.Fatalf("DNSPrefix(%q) = %q breaks the dnsPrefix rule", name, d)
		}
	})
}

func TestDNSPrefix(t *testing.T) {
	for in, want := range map[string]string{"aks_prod": "aks-prod", strings.Repeat("a", 60): strings.Repeat("a", 54), "a" + strings.Repeat("_", 53) + "b": "a", "": "aks"} {
		if got := DNSPrefix(in); got != want {
			t.Errorf("DNSPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNamespace(t *testing.T) {
	tests := []struct{ ns, code, msg string }{
		{"default", "", ""},
		{"team-a", "", ""},
		{"a", "", ""},
		{"0ns9", "", ""},
		{strings.Repeat("n", 63), "", ""},
		{strings.Repeat("n", 64), "namespace-too-long", "63 characters at most (now 64)"},
		{"", "namespace-empty", "default: default"},
		{"Team", "namespace-chars", "use lower case"},
		{"team_a", "namespace-chars", "'_'"},
		{"team.a", "namespace-chars", "'.'"},
		{"-team", "namespace-dash", "start and end"},
		{"team-", "namespace-dash", "start and end"},
	}
	for _, tt := range tests {
		vs := Namespace(tt.ns)
		if tt.code == "" {
			if len(vs) != 0 {
				t.Errorf("%q: unexpected %v", tt.ns, vs)
			}
			continue
		}
		if len(vs) != 1 || vs[0].Code != tt.code || !strings.Contains(vs[0].Message, tt.msg) || vs[0].Field != "namespace" {
			t.Errorf("%q: got %+v, want %s %q", tt.ns, vs, tt.code, tt.msg)
		}
	}
}

var rfc1123 = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)

func FuzzNamespace(f *testing.F) {
	for _, s := range []string{"default", "a-b", "-", "A", "é", strings.Repeat("a", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ns string) {
		if want, got := rfc1123.MatchString(ns), len(Namespace(ns)) == 0; want != got {
			t.Fatalf("%q: RFC 1123 says %v, rule says %v (%v)", ns, want, got, Namespace(ns))
		}
	})
}

func TestParseIPRanges(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		code string
		msg  string
	}{
		{"20.12.34.0/24", []string{"20.12.34.0/24"}, "", ""},
		{"20.12.34.0/24, 52.168.1.7", []string{"20.12.34.0/24", "52.168.1.7/32"}, "", ""},
		{" 20.0.0.0/8 ,, 52.168.1.0/24 ", []string{"20.0.0.0/8", "52.168.1.0/24"}, "", ""},
		{"0.0.0.0/32", []string{"0.0.0.0/32"}, "", ""},  // the agent nodes only
		{"192.0.0.9", []string{"192.0.0.9/32"}, "", ""}, // Python's exception in 192.0.0.0/24
		{"", nil, "range-empty", "at least one range"},
		{",", nil, "range-empty", "at least one range"},
		{"20.12.34.5/24", nil, "range-host-bits", "use 20.12.34.0/24"},
		// az: "must be global non-reserved addresses or CIDRs"
		{"10.0.0.0/8", nil, "range-not-global", "must be global non-reserved addresses or CIDRs: 10.0.0.0/8 is a private range"},
		{"192.168.1.0/24", nil, "range-not-global", "192.168.1.0/24 is a private range (192.168.0.0/16)"},
		{"172.20.0.0/16", nil, "range-not-global", "private range (172.16.0.0/12)"},
		{"100.64.1.0/24", nil, "range-not-global", "shared address space"},
		{"127.0.0.1", nil, "range-not-global", "loopback"},
		{"169.254.169.254", nil, "range-not-global", "link-local"},
		{"203.0.113.0/24", nil, "range-not-global", "reserved for documentation"},
		{"198.51.100.7", nil, "range-not-global", "reserved for documentation"},
		{"192.0.2.0/24", nil, "range-not-global", "reserved for documentation"},
		{"198.18.0.0/15", nil, "range-not-global", "benchmarking"},
		{"240.0.0.0/4", nil, "range-not-global", "reserved"},
		{"0.0.0.0/8", nil, "range-not-global", "this network"},
		{"0.0.0.0/32, 20.12.34.0/24", nil, "range-agent-nodes", "0.0.0.0/32 (the agent nodes only) is not allowed with other IP ranges"},
		{"2001:db8::/32", nil, "range-invalid", "not an IPv4 range"},
		{"300.1.1.1", nil, "range-invalid", "not an IPv4 address"},
		{"office", nil, "range-invalid", "'office'"},
	}
	for _, tt := range tests {
		got, vs := ParseIPRanges(tt.in)
		if tt.code == "" {
			if len(vs) != 0 || strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("%q: got %v %v, want %v", tt.in, got, vs, tt.want)
			}
			continue
		}
		if len(vs) == 0 || vs[0].Code != tt.code || !strings.Contains(vs[0].Message, tt.msg) || vs[0].Field != "authorized-ip-ranges" {
			t.Errorf("%q: got %+v, want %s %q", tt.in, vs, tt.code, tt.msg)
		}
	}
	many := strings.Repeat("20.0.0.1,", 201)
	if _, vs := ParseIPRanges(many); len(vs) != 1 || vs[0].Code != "range-too-many" {
		t.Errorf("201 ranges: %v", vs)
	}
}

func FuzzParseIPRanges(f *testing.F) {
	for _, s := range []string{"20.12.34.0/24", "1.2.3.4, 5.6.7.8/32", "::1", "x", "", "10.0.0.0/8", "0.0.0.0/32", "192.0.0.9", "100.64.0.0/9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, vs := ParseIPRanges(s)
		if len(got) == 0 && len(vs) == 0 {
			t.Fatalf("%q: neither ranges nor violations", s)
		}
		for _, r := range got { // every accepted range is global (or the agent nodes alone) and round-trips
			p := netip.MustParsePrefix(r)
			if p != agentNodesOnly && (netip.MustParsePrefix("10.0.0.0/8").Overlaps(p) && p.Bits() >= 8 ||
				netip.MustParsePrefix("192.168.0.0/16").Overlaps(p) && p.Bits() >= 16) {
				t.Fatalf("%q: accepted the private range %s", s, r)
			}
			again, vs2 := ParseIPRanges(r)
			if len(vs2) != 0 || len(again) != 1 || again[0] != r {
				t.Fatalf("%q: accepted %q does not round-trip (%v %v)", s, r, again, vs2)
			}
		}
	})
}

func TestNodeSizeAndCount(t *testing.T) {
	if fs := NodeSize("Standard_B1s", 1, 1); len(fs) != 1 || fs[0].Severity != Block || !strings.Contains(fs[0].Message, "at least 2 vCPUs and 4 GiB") {
		t.Errorf("B1s: %v", fs)
	}
	if fs := NodeSize("Standard_B2s", 2, 4); len(fs) != 1 || fs[0].Severity != Warn || !strings.Contains(fs[0].Message, "recommends 4 vCPUs and 14 GiB") {
		t.Errorf("B2s: %v", fs)
	}
	if fs := NodeSize("Standard_F4s_v2", 4, 8); len(fs) != 1 || fs[0].Code != CodeNodeSmall {
		t.Errorf("F4s_v2 (8 GiB): %v", fs)
	}
	if fs := NodeSize("Standard_D3_v2", 4, 14); len(fs) != 0 {
		t.Errorf("D3_v2: %v", fs)
	}
	for n, code := range map[int]string{0: "nodes-invalid", -1: "nodes-invalid", 1: "", 1000: "", 1001: "nodes-too-many"} {
		vs := NodeCount(n)
		if (code == "") != (len(vs) == 0) || code != "" && vs[0].Code != code {
			t.Errorf("NodeCount(%d) = %v, want %q", n, vs, code)
		}
	}
	if vs := RouterHA(true, 2); len(vs) != 1 || !strings.Contains(vs[0].Message, "use 3 nodes or more, or turn HA off") {
		t.Errorf("HA on 2 nodes: %v", vs)
	}
	if vs := RouterHA(true, 3); len(vs) != 0 {
		t.Errorf("HA on 3 nodes: %v", vs)
	}
	if vs := RouterHA(false, 1); len(vs) != 0 {
		t.Errorf("no HA on 1 node: %v", vs)
	}
}

func TestKubernetesFindings(t *testing.T) {
	reg := map[string]string{"Microsoft.ContainerService": "Registered", "Microsoft.KubernetesConfiguration": "Registered"}
	tests := []struct {
		name string
		f    KubernetesFacts
		code string
		sev  Severity
		msg  string // part of message + fix
	}{
		{"provider missing", KubernetesFacts{Providers: map[string]string{"Microsoft.ContainerService": "Registered", "Microsoft.KubernetesConfiguration": "NotRegistered"}},
			CodeProviders, Block, "Microsoft.KubernetesConfiguration is not registered in this subscription — run the same command with --register-providers, or `az provider register -n Microsoft.KubernetesConfiguration`"},
		{"both providers missing", KubernetesFacts{Providers: map[string]string{}},
			CodeProviders, Block, "providers Microsoft.ContainerService and Microsoft.KubernetesConfiguration are not registered"},
		{"provider registered on the way", KubernetesFacts{Providers: map[string]string{"Microsoft.ContainerService": "Registering"}, RegisterProviders: true},
			CodeProviders, Info, "amlaks registers them first"},
		{"service principal", KubernetesFacts{Providers: reg, Cluster: "aks-sp", Identity: "ServicePrincipal"},
			CodeServicePrincipal, Block, "aks-sp runs on a service principal, not a managed identity"},
		{"extension missing, not asked", KubernetesFacts{Cluster: "c", ExtensionKnown: true},
			CodeExtensionMissing, Block, "not installed on c — add --install-extension"},
		{"extension missing, install", KubernetesFacts{Cluster: "c", ExtensionKnown: true, InstallExtension: true},
			CodeExtensionMissing, Info, "it will be installed"},
		{"extension failed", KubernetesFacts{Cluster: "c", ExtensionKnown: true, ExtensionPresent: true, ExtensionState: "Failed", ExtensionError: "X: y"},
			CodeExtensionFailed, Block, "failed (X: y) — add --install-extension to reinstall it"},
		{"extension failed, reinstall", KubernetesFacts{Cluster: "c", ExtensionKnown: true, ExtensionPresent: true, ExtensionState: "Failed", InstallExtension: true},
			CodeExtensionFailed, Warn, "it will be reinstalled"},
		{"extension healthy", KubernetesFacts{Cluster: "c", ExtensionKnown: true, ExtensionPresent: true, ExtensionState: "Succeeded", ExtensionVersion: "1.1.64"},
			CodeExtensionInstalled, Info, "extension 1.1.64 is installed on c (Succeeded)"},
		{"HA on 2 nodes", KubernetesFacts{Create: true, Cluster: "c", Nodes: 2, RouterHA: true},
			CodeRouterHA, Block, "needs 3 nodes and c has 2 — use 3 nodes or more, or turn HA off"},
		{"authorized ranges", KubernetesFacts{Create: true, AuthorizedRanges: []string{"203.0.113.0/24"}, WorkspaceRegion: "eastus", PairedRegions: []string{"westus"}},
			CodeAuthorizedRanges, Warn, "control plane in eastus and westus"},
		{"attached as AKS", KubernetesFacts{Cluster: "c", LegacyAttached: []string{"aks-1 in mlw"}},
			CodeAttachedLegacy, Block, "c is attached as an AKS (v1) compute: aks-1 in mlw — detach it first"},
		{"attached as Kubernetes elsewhere", KubernetesFacts{Cluster: "c", Workspace: "mlw", Namespace: "default", KubernetesAttached: []KubernetesAttachment{{"k1", "mlw-2", "default"}}},
			CodeAttachedKubernetes, Info, "also attached as k1 in mlw-2 (namespace default): allowed"},
		{"same workspace and namespace", KubernetesFacts{Cluster: "c", Workspace: "mlw", Namespace: "default", KubernetesAttached: []KubernetesAttachment{{"k1", "mlw", "default"}}},
			CodeAttachedKubernetes, Warn, "in namespace default too: both computes would share it — give another --namespace"},
		{"insecure", KubernetesFacts{Create: true, TLSOff: true, AllowInsecure: true},
			CodeInsecure, Warn, "plain HTTP"},
		{"preview version", KubernetesFacts{Create: true, Version: "1.33", VersionPreview: true},
			CodeVersionPreview, Warn, "Kubernetes 1.33 is a preview"},
		{"foreign cluster exists", KubernetesFacts{Create: true, Cluster: "c", ClusterExists: true},
			CodeClusterExists, Block, "c already exists and amlaks did not create it"},
		{"own cluster exists", KubernetesFacts{Create: true, Cluster: "c", ClusterExists: true, ClusterOurs: true},
			CodeClusterExists, Info, "a re-run continues"},
		{"node too small", KubernetesFacts{Create: true, VMSize: "Standard_B1s", VCPUs: 1, MemoryGB: 1},
			CodeNodeTooSmall, Block, "at least 2 vCPUs and 4 GiB"},
		{"trusted access, binding made", KubernetesFacts{Cluster: "c", Workspace: "mlw", TrustedAccessNeeds: []string{"local accounts disabled"}, NewBinding: "aml-mlw-1"},
			CodeTrustedAccess, Info, "c has local accounts disabled: amlaks creates Trusted Access role binding aml-mlw-1 (role Microsoft.MachineLearningServices/workspaces/mlworkload) for mlw before the attach"},
		{"trusted access, binding exists", KubernetesFacts{Cluster: "c", Workspace: "mlw", TrustedAccessNeeds: []string{"authorized IP ranges", "a private API server"},
			BindingsKnown: true, Bindings: []string{"theirs"}, WorkspaceBinding: "theirs"},
			CodeTrustedAccess, Info, "c has authorized IP ranges and a private API server: Azure ML reaches it through Trusted Access role binding theirs of mlw, which exists"},
		{"trusted access, 8 taken", KubernetesFacts{Cluster: "c", Workspace: "mlw", ClusterGroup: "rg", TrustedAccessNeeds: []string{"local accounts disabled"},
			BindingsKnown: true, Bindings: []string{"b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"}},
			CodeTrustedAccess, Block, "already has the 8 bindings AKS allows: b1, b2, b3, b4, b5, b6, b7 and b8 — delete one it no longer needs (az aks trustedaccess rolebinding delete --cluster-name c --resource-group rg --name NAME)"},
		{"trusted access, 7 taken", KubernetesFacts{Cluster: "c", Workspace: "mlw", TrustedAccessNeeds: []string{"local accounts disabled"},
			BindingsKnown: true, Bindings: []string{"b1", "b2", "b3", "b4", "b5", "b6", "b7"}, NewBinding: "aml-mlw-1"},
			CodeTrustedAccess, Info, "amlaks creates Trusted Access role binding aml-mlw-1"},
		{"training only, not asked", KubernetesFacts{Cluster: "c", ExtensionKnown: true, ExtensionPresent: true, ExtensionState: "Succeeded",
			ExtensionTrainingOnly: true, ExtensionName: "ml-train"},
			CodeTrainingOnly, Block, "the Azure ML extension ml-train on c is installed for training only (enableInference=False): every online deployment on it would fail — add --install-extension to add inference to it"},
		{"training only, add inference", KubernetesFacts{Cluster: "c", ExtensionKnown: true, ExtensionPresent: true, ExtensionState: "Succeeded",
			ExtensionTrainingOnly: true, InstallExtension: true, TLSOff: true, AllowInsecure: true},
			CodeTrainingOnly, Warn, "amlaks adds inference to it (a PATCH of its settings; its protected settings are left as they are)"},
		{"training only, add inference with TLS", KubernetesFacts{Cluster: "c", ExtensionKnown: true, ExtensionPresent: true, ExtensionState: "Succeeded",
			ExtensionTrainingOnly: true, InstallExtension: true},
			CodeTrainingOnly, Warn, "a patch with protected settings replaces them all"},
		{"training only, add inference on 2 nodes", KubernetesFacts{Cluster: "c", ExtensionKnown: true, ExtensionPresent: true, ExtensionState: "Succeeded",
			ExtensionTrainingOnly: true, InstallExtension: true, Nodes: 2, RouterHA: true},
			CodeRouterHA, Block, "needs 3 nodes and c has 2"},
		{"private endpoint, other region", KubernetesFacts{Create: true, Cluster: "c", WorkspacePrivateEndpoint: true, ClusterRegion: "eastus", WorkspaceRegion: "westeurope"},
			CodePrivateEndpointRegion, Block, "the workspace has a private endpoint, so Azure ML needs its AKS cluster in the workspace's region (westeurope); c is in eastus — create the cluster in westeurope (--region westeurope)"},
		{"ClusterIP router", KubernetesFacts{Create: true, Router: "ClusterIP"},
			CodeRouterReach, Info, "reachable only from inside the cluster"},
		{"NodePort router", KubernetesFacts{Router: "NodePort"},
			CodeRouterReach, Info, "reachable only at the nodes' addresses"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := KubernetesFindings(tt.f)
			for _, f := range fs {
				if f.Code == tt.code && f.Severity == tt.sev && strings.Contains(f.String(), tt.msg) {
					return
				}
			}
			t.Fatalf("want %s %s %q in %v", tt.sev, tt.code, tt.msg, fs)
		})
	}
	// nothing to say about a healthy, registered, managed-identity cluster
	if fs := KubernetesFindings(KubernetesFacts{Providers: reg, Identity: "SystemAssigned", Nodes: 3, RouterHA: true}); len(fs) != 0 {
		t.Fatalf("unexpected %v", fs)
	}
	// none of them when they do not apply
	for _, f := range KubernetesFindings(KubernetesFacts{Create: true, Router: "LoadBalancer", WorkspacePrivateEndpoint: true, ClusterRegion: "westeurope",
		WorkspaceRegion: "westeurope", AuthorizedRanges: []string{"1.2.3.4/32"}, TrustedAccessNeeds: []string{"authorized IP ranges"}}) {
		switch f.Code {
		case CodeRouterReach, CodePrivateEndpointRegion, CodeAuthorizedRanges:
			t.Errorf("unexpected %v", f)
		}
	}
	// Block first
	fs := KubernetesFindings(KubernetesFacts{Create: true, TLSOff: true, AllowInsecure: true, Cluster: "c", Nodes: 1, RouterHA: true})
	if len(fs) < 2 || fs[0].Severity != Block {
		t.Fatalf("order %v", fs)
	}
}

func TestClusterDeleteFindings(t *testing.T) {
	if fs := ClusterDeleteFindings(ClusterDeleteFacts{Cluster: "aks-x", Ours: true}); len(fs) != 0 {
		t.Fatalf("ours, alone: %v", fs)
	}
	fs := ClusterDeleteFindings(ClusterDeleteFacts{Cluster: "aks-x", Ours: true, Others: []string{"mlw-prod/k8s-y", "mlw-research/k8s-z"}})
	if !Blocked(fs) || !strings.Contains(fs[0].Message, "aks-x is also used by mlw-prod/k8s-y and mlw-research/k8s-z") {
		t.Fatalf("shared: %v", fs)
	}
	fs = ClusterDeleteFindings(ClusterDeleteFacts{Cluster: "aks-f"})
	if !Blocked(fs) || !strings.Contains(fs[0].Message, "aks-f was not created by amlaks") {
		t.Fatalf("not ours: %v", fs)
	}
}

// A production compute on a cluster whose installed extension runs with
// clusterPurpose DevTest is a Block; not when the extension is being
// (re)installed, nor for a dev-test compute.
func TestExtensionPurposeFinding(t *testing.T) {
	base := KubernetesFacts{Cluster: "aks-prod", ExtensionKnown: true, ExtensionPresent: true, ExtensionState: "Succeeded", Nodes: 1,
		ExtensionPurpose: DevTest, Purpose: Production}
	has := func(f KubernetesFacts) bool {
		for _, x := range KubernetesFindings(f) {
			if x.Code == CodeExtensionPurpose && x.Severity == Block {
				return true
			}
		}
		return false
	}
	if !has(base) {
		t.Fatal("production on a DevTest extension must block")
	}
	dev := base
	dev.Purpose = DevTest
	fast := base
	fast.ExtensionPurpose = Production
	failed := base
	failed.ExtensionState, failed.InstallExtension = "Failed", true
	for name, f := range map[string]KubernetesFacts{"dev-test compute": dev, "FastProd extension": fast, "reinstalled": failed} {
		if has(f) {
			t.Errorf("%s: blocked", name)
		}
	}
}
