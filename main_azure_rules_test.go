package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// Line-mode tests of issue 13: Azure's own rules checked before anything
// is sent, cost shown, words and flag errors a first-time user can act on.

func TestCreateB1sRefusedBeforeSubmit(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-b1s", "--vm-size", "Standard_B1s", "--nodes", "12", "--yes")
	if r.code != 2 || !strings.Contains(r.err, "--vm-size: too small for AKS: Standard_B1s has 1 vCPU and 1 GiB: AKS needs at least 2 vCPUs and 4 GiB per node") ||
		!strings.Contains(r.err, "pick a bigger size") {
		t.Fatal(r)
	}
	if l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod"); strings.Contains(l.out, "aks-b1s") {
		t.Fatal("a refused create reached Azure")
	}
}

func TestCreateReservedAndIPv6NetworkRefused(t *testing.T) {
	demoEnv(t)
	vnet := func(svc, dns, bridge string) []string {
		return []string{"--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-net", "--vnet-resource-group", "rg-net", "--vnet", "vnet", "--subnet", "aks",
			"--service-cidr", svc, "--dns-service-ip", dns, "--docker-bridge-cidr", bridge, "--yes"}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{vnet("169.254.0.0/16", "169.254.0.10", "172.17.0.1/16"), "--service-cidr: 169.254.0.0/16 overlaps 169.254.0.0/16, which AKS reserves"},
		{vnet("10.0.0.0/16", "10.0.0.10", "172.31.0.1/16"), "--docker-bridge-cidr: 172.31.0.1/16 overlaps 172.31.0.0/16"},
		{vnet("10.0.0.0/16", "192.0.2.10", "172.17.0.1/16"), "--dns-service-ip: 192.0.2.10 lies in 192.0.2.0/24"},
		{vnet("fd00::/108", "10.0.0.10", "172.17.0.1/16"), "--service-cidr: fd00::/108 is an IPv6 range: Azure ML takes IPv4 only"},
		{vnet("10.0.0.0/16", "fd00::a", "172.17.0.1/16"), "--dns-service-ip: fd00::a is an IPv6 address"},
	} {
		r := runArgs(t, "", tc.args...)
		if r.code != 2 || !strings.Contains(r.err, tc.want) {
			t.Errorf("want exit 2 with %q\n%s", tc.want, r)
		}
	}
}

func TestCreateCNAMENotCoveredByCertificateRefused(t *testing.T) {
	demoEnv(t)
	cert, key := writeDemoCert(t) // covers ml.contoso.com
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-tls", "--ssl-cert-file", cert, "--ssl-key-file", key, "--ssl-cname", "scoring.contoso.com", "--yes")
	if r.code != 2 || !strings.Contains(r.err, "--ssl-cname: the certificate in") || !strings.Contains(r.err, "covers ml.contoso.com; not scoring.contoso.com") {
		t.Fatal(r)
	}
}

func TestCreateInHubOrProjectRefusedWithReason(t *testing.T) {
	demoEnv(t)
	for _, ws := range []string{"aif-hub", "aif-project"} {
		r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", ws, "-n", "aks-ai", "--yes")
		if r.code != 2 || !strings.Contains(r.err, "--workspace: "+ws+" is an Azure AI Foundry") || !strings.Contains(r.err, "take no AKS inference cluster") ||
			!strings.Contains(r.err, "mlw-prod") {
			t.Errorf("%s: %s", ws, r)
		}
	}
	r := runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", "aif-hub", "-n", "aks-ai", "--cluster", "aks-shared", "--yes", "-o", "json")
	if m := mustJSON(t, r.out); r.code != 2 || !strings.Contains(r.out, "workspace-kind") || m["error"] == nil {
		t.Fatal(r)
	}
}

func TestCreateDryRunShowsMonthlyCost(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-cost", "--dry-run")
	if r.code != 0 || !strings.Contains(r.out, "# cost: ≈ $502/month for 3 × Standard_D3_v2 at $0.229/h") {
		t.Fatal(r)
	}
	j := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-cost", "--nodes", "4", "--dry-run", "-o", "json")
	cost, _ := mustJSON(t, j.out)["cost"].(map[string]any)
	if j.code != 0 || cost == nil || cost["monthly"].(float64) != 668.68 || cost["hoursPerMonth"].(float64) != 730 || cost["currency"] != "USD" ||
		cost["text"] != "≈ $669/month for 4 × Standard_D3_v2 at $0.229/h" {
		t.Fatalf("cost %v\n%s", cost, j)
	}
	// an attach has no price to show
	a := runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "att-cost", "--cluster", "aks-private", "--dry-run", "-o", "json")
	if _, ok := mustJSON(t, a.out)["cost"]; ok || a.code != 0 {
		t.Fatal(a)
	}
}

func TestDetachSaysTheClusterKeepsCosting(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "detach", "aks-inference", "-w", "mlw-prod", "--yes")
	if r.code != 0 || !strings.Contains(r.out, "the AKS cluster itself was kept: it keeps running, and costing, until you delete it in AKS") ||
		!strings.Contains(r.err, "to stop paying for it: az aks delete -g rg-aks -n aks-shared") {
		t.Fatal(r)
	}
}

func TestAttachInternalLoadBalancerBody(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "att-ilb", "--cluster", "aks-private", "--load-balancer", "internal", "--load-balancer-subnet", "snet-ilb", "--dry-run", "-o", "json")
	if r.code != 0 {
		t.Fatal(r)
	}
	inner := mustJSON(t, r.out)["request"].(map[string]any)["body"].(map[string]any)["properties"].(map[string]any)["properties"].(map[string]any)
	if inner["loadBalancerType"] != "InternalLoadBalancer" || inner["loadBalancerSubnet"] != "snet-ilb" {
		t.Fatalf("body %v", inner)
	}
	// without the subnet: refused, nothing sent
	r = runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "att-ilb", "--cluster", "aks-private", "--load-balancer", "internal", "--yes")
	if r.code != 2 || !strings.Contains(r.err, "--load-balancer-subnet: an internal load balancer needs a subnet") {
		t.Fatal(r)
	}
	// and it goes through to the simulator
	r = runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "att-ilb", "--cluster", "aks-private", "--load-balancer", "internal", "--load-balancer-subnet", "snet-ilb", "--yes", "-o", "json")
	if r.code != 0 || mustJSON(t, r.out)["state"] != "Succeeded" {
		t.Fatal(r)
	}
}

func TestBlockedClusterFlagReportedAtOnceNothingSent(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "att-stopped", "--cluster", "aks-stopped", "--yes")
	if r.code != 2 || !strings.Contains(r.err, "BLOCK: aks-stopped is stopped") || !strings.Contains(r.err, "nothing was sent") || strings.Contains(r.err, "accepted") {
		t.Fatal(r)
	}
	j := runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "att-stopped", "--cluster", "aks-stopped", "--yes", "-o", "json")
	if e, _ := mustJSON(t, j.out)["error"].(map[string]any); j.code != 2 || e["code"] != "Blocked" {
		t.Fatal(j)
	}
	if l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod"); strings.Contains(l.out, "att-stopped") {
		t.Fatal("a blocked attach reached Azure")
	}
}

func TestFlagErrorNamesFlagNotStrconv(t *testing.T) {
	demoEnv(t)
	for _, args := range [][]string{
		{"--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-x", "--nodes", "abc", "-o", "json"},
		{"--demo", "-o", "json", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-x", "--nodes=abc"},
		{"--demo", "create", "--compute-type", "AKS", "--nodes", "abc", "--output=json"},
	} {
		r := runArgs(t, "", args...)
		if r.code != 2 || strings.Contains(r.out+r.err, "strconv") || strings.Contains(r.out+r.err, "invalid syntax") {
			t.Errorf("%v: %s", args, r)
			continue
		}
		e, _ := mustJSON(t, r.out)["error"].(map[string]any)
		if e == nil || e["code"] != "InvalidInput" || !strings.Contains(r.out, `--nodes: must be a whole number from 1 to 1000 (got \"abc\")`) {
			t.Errorf("%v: %s", args, r)
		}
	}
	r := runArgs(t, "", "--demo", "sizes", "-l", "eastus", "--min-vcpus", "x2")
	if r.code != 2 || r.out != "" || !strings.Contains(r.err, `--min-vcpus: "x2" is not a whole number`) || strings.Contains(r.err, "strconv") {
		t.Fatal(r)
	}
}

func TestStatusAndDetachWithoutNameSayHow(t *testing.T) {
	demoEnv(t)
	for _, cmd := range []string{"status", "detach"} {
		r := runArgs(t, "", "--demo", cmd, "-w", "mlw-prod")
		if r.code != 2 || !strings.Contains(r.err, "give the compute name: amlaks "+cmd+" NAME") || strings.Contains(r.err, "--name") {
			t.Errorf("%s: %s", cmd, r)
		}
	}
}

func TestPurposeAcceptsEverySpellingSaysOne(t *testing.T) {
	demoEnv(t)
	for _, p := range []string{"production", "prod", "FastProd", "dev-test", "devtest", "DevTest"} {
		want := "FastProd"
		if strings.Contains(strings.ToLower(p), "dev") {
			want = "DevTest"
		}
		r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-p", "--purpose", p, "--dry-run", "-o", "json")
		inner := mustJSON(t, r.out)["request"].(map[string]any)["body"].(map[string]any)["properties"].(map[string]any)["properties"].(map[string]any)
		if r.code != 0 || inner["clusterPurpose"] != want {
			t.Errorf("--purpose %s: %s", p, r)
		}
	}
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-p", "--purpose", "bogus", "--yes")
	if r.code != 2 || !strings.Contains(r.err, "--purpose: use production or dev-test (found 'bogus')") {
		t.Fatal(r)
	}
	h := runArgs(t, "", "create", "--compute-type", "AKS", "--help")
	if !strings.Contains(h.out, "dev-test") || strings.Contains(h.out, "--purpose devtest") {
		t.Fatal(h)
	}
}

func TestNameWithAccentGetsOnlyTheRealError(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-né", "--yes")
	if r.code != 2 || !strings.Contains(r.err, "--name: only letters, digits and - are allowed (found 'é')") || strings.Contains(r.err, "must end with a letter or digit") {
		t.Fatal(r)
	}
}

func TestNextStepSaysComputeTarget(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-next", "--yes")
	if r.code != 0 || !strings.Contains(r.err, "az ml model deploy --compute-target aks-next (CLI v1)") || strings.Contains(r.out+r.err, "--ct ") {
		t.Fatal(r)
	}
}

// writeDemoCert writes a certificate for ml.contoso.com and its key.
func writeDemoCert(t *testing.T) (cert, key string) {
	t.Helper()
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	wizardtest.WriteCert(t, cert, key)
	return cert, key
}

// TestCreateWithMissingSubnetRefusedBeforeSending: a custom VNet or subnet
// that does not exist is a Block of the preflight (one read of the
// subnet), not a create AML accepts and fails later; an existing one
// passes and its address range is what the overlap checks use.
func TestCreateWithMissingSubnetRefusedBeforeSending(t *testing.T) {
	demoEnv(t)
	create := func(name, vnet, subnet, svc string) result {
		return runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", name, "--vnet-resource-group", "rg-net",
			"--vnet", vnet, "--subnet", subnet, "--service-cidr", svc, "--dns-service-ip", strings.TrimSuffix(svc, "0/16")+"10",
			"--docker-bridge-cidr", "172.17.0.1/16", "--dry-run")
	}
	for _, tc := range []struct{ vnet, subnet, want string }{
		{"vnet-ml", "snet-nope", "subnet snet-nope of VNet vnet-ml (resource group rg-net) does not exist"},
		{"vnet-nope", "aks", "subnet aks of VNet vnet-nope (resource group rg-net) does not exist"},
	} {
		r := create("aks-sub", tc.vnet, tc.subnet, "10.0.0.0/16")
		if r.code != 2 || !strings.Contains(r.err+r.out, tc.want) || !strings.Contains(r.err+r.out, "az network vnet subnet list -g rg-net --vnet-name "+tc.vnet) {
			t.Errorf("want exit 2 with %q\n%s", tc.want, r)
		}
	}
	if r := create("aks-sub", "vnet-ml", "snet-aks", "10.0.0.0/16"); r.code != 0 || strings.Contains(r.err+r.out, "does not exist") {
		t.Errorf("an existing subnet:\n%s", r)
	}
	// the subnet's own range (10.1.4.0/22) is now known: a service range
	// over it is refused
	if r := create("aks-sub", "vnet-ml", "snet-aks", "10.1.0.0/16"); r.code != 2 || !strings.Contains(r.err+r.out, "10.1.4.0/22") {
		t.Errorf("service range over the subnet:\n%s", r)
	}
}
