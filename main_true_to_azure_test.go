package main

// True to Azure on the current path, shown through the whole program: in
// demo mode and against the simulator over real HTTPS with the fake `az`
// (realpath_test.go): the extension body of each router type, TLS mode
// and a GPU size; an LTS-only version's cluster body with tier and plan;
// a private create without a public FQDN; a private authorized range
// refused (exit 2); 2 × Standard_D8s_v5 for production allowed with a
// Warn on the Kubernetes compute and refused on the legacy AKS compute.

import (
	"strings"
	"testing"
)

type runFunc func(args ...string) result

// phasesOf runs a dry run as JSON and returns its phases and findings.
func phasesOf(t *testing.T, run runFunc, args ...string) (phases []map[string]any, findings []map[string]any, blocked bool) {
	t.Helper()
	r := run(append(args, "--dry-run", "-o", "json")...)
	if r.code != 0 && (r.code != 2 || !strings.Contains(r.out, `"blocked": true`)) { // a blocked dry run still prints what it would send
		t.Fatalf("%v: %s", args, r)
	}
	m := mustJSON(t, r.out)
	for _, p := range m["phases"].([]any) {
		phases = append(phases, p.(map[string]any))
	}
	if fs, ok := m["findings"].([]any); ok {
		for _, f := range fs {
			findings = append(findings, f.(map[string]any))
		}
	}
	b, _ := m["blocked"].(bool)
	return phases, findings, b
}

func bodyAt(ph map[string]any, path ...string) any {
	var v any = ph["request"].(map[string]any)["body"]
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func trueToAzure(t *testing.T, run runFunc) {
	ws := []string{"-w", "mlw-prod"}
	certFile, keyFile, _, _ := tlsFiles(t, t.TempDir(), "ml.contoso.com")
	t.Run("extension per router, TLS and GPU", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			want map[string]any // configurationSettings; nil: absent
		}{
			{[]string{"--router", "loadbalancer", "--allow-insecure-connections"}, map[string]any{"inferenceRouterServiceType": "LoadBalancer",
				"scoringFe.serviceType.internalLoadBalancer": nil, "scoringFe.serviceType.nodePort": nil, "allowInsecureConnections": "True", "installNvidiaDevicePlugin": nil}},
			{[]string{"--router", "internal", "--allow-insecure-connections"}, map[string]any{"inferenceRouterServiceType": "LoadBalancer",
				"internalLoadBalancerProvider": "azure", "scoringFe.serviceType.internalLoadBalancer": "True"}},
			{[]string{"--router", "nodeport", "--allow-insecure-connections"}, map[string]any{"inferenceRouterServiceType": "NodePort",
				"scoringFe.serviceType.nodePort": "True", "internalLoadBalancerProvider": nil}},
			{[]string{"--router", "clusterip", "--allow-insecure-connections"}, map[string]any{"inferenceRouterServiceType": "ClusterIP",
				"scoringFe.serviceType.nodePort": nil, "scoringFe.serviceType.internalLoadBalancer": nil}},
			{[]string{"--ssl-cert-file", certFile, "--ssl-key-file", keyFile, "--ssl-cname", "ml.contoso.com"}, map[string]any{
				"sslCname": "ml.contoso.com", "allowInsecureConnections": "False"}},
			{[]string{"--vm-size", "Standard_NC4as_T4_v3", "--allow-insecure-connections"}, map[string]any{"installNvidiaDevicePlugin": "True"}},
		} {
			phases, _, _ := phasesOf(t, run, append(append([]string{"create", "-n", "k8s-ext"}, ws...), c.args...)...)
			ext := phases[1]
			for k, v := range map[string]any{"relayserver.enabled": "false", "servicebus.enabled": "false", "nginxIngress.enabled": "true",
				"enableInference": "True", "enableTraining": "False"} {
				c.want[k] = v
			}
			id := bodyAt(ext, "properties", "configurationSettings", "clusterId")
			if id == nil || bodyAt(ext, "properties", "configurationSettings", "prometheus.prometheusSpec.externalLabels.cluster_name") != id {
				t.Errorf("%v: cluster ids: %v", c.args, bodyAt(ext, "properties", "configurationSettings"))
			}
			for k, v := range c.want {
				if got := bodyAt(ext, "properties", "configurationSettings", k); got != v {
					t.Errorf("%v: configurationSettings.%s = %v, want %v", c.args, k, got, v)
				}
			}
			tls := c.want["sslCname"] != nil
			if prot := bodyAt(ext, "properties", "configurationProtectedSettings"); tls != (prot != nil) {
				t.Errorf("%v: protected settings %v", c.args, prot)
			}
		}
	})
	t.Run("LTS-only version", func(t *testing.T) {
		phases, findings, _ := phasesOf(t, run, append([]string{"create", "-n", "k8s-lts", "--kubernetes-version", "1.34", "--allow-insecure-connections"}, ws...)...)
		cl := phases[0]
		if bodyAt(cl, "sku", "name") != "Base" || bodyAt(cl, "sku", "tier") != "Premium" || bodyAt(cl, "properties", "supportPlan") != "AKSLongTermSupport" {
			t.Errorf("cluster body %v", bodyAt(cl))
		}
		if az := cl["az"].(string); !strings.Contains(az, "--tier premium") || !strings.Contains(az, "--k8s-support-plan AKSLongTermSupport") {
			t.Errorf("equivalent:\n%s", az)
		}
		var warned bool
		for _, f := range findings {
			if f["code"] == "version-lts" && f["severity"] == "warn" && strings.Contains(f["message"].(string), "LTS only (Premium tier)") &&
				strings.Contains(f["message"].(string), "$0.600 per hour for the cluster ($438 a month, Azure's price list)") && strings.Contains(f["fix"].(string), "the region's default is 1.36") {
				warned = true
			}
		}
		if !warned {
			t.Errorf("no Premium tier warning with its price: %v", findings)
		}
		v := run("versions", "-l", "eastus")
		if !strings.Contains(v.out, "AKSLongTermSupport: LTS only (Premium tier)") {
			t.Errorf("versions:\n%s", v)
		}
	})
	t.Run("private create", func(t *testing.T) {
		phases, _, _ := phasesOf(t, run, append([]string{"create", "-n", "k8s-priv", "--api-access", "private", "--allow-insecure-connections"}, ws...)...)
		if bodyAt(phases[0], "properties", "apiServerAccessProfile", "enablePrivateClusterPublicFQDN") != false ||
			!strings.Contains(phases[0]["az"].(string), "--disable-public-fqdn") {
			t.Errorf("private cluster: %v\n%s", bodyAt(phases[0], "properties", "apiServerAccessProfile"), phases[0]["az"])
		}
	})
	t.Run("private authorized range", func(t *testing.T) {
		r := run(append([]string{"create", "-n", "k8s-rng", "--api-access", "authorized", "--authorized-ip-ranges", "10.0.0.0/8", "--allow-insecure-connections", "--yes"}, ws...)...)
		if r.code != 2 || !strings.Contains(r.err, "--authorized-ip-ranges: must be global non-reserved addresses or CIDRs: 10.0.0.0/8 is a private range") {
			t.Errorf("10.0.0.0/8: %s", r)
		}
	})
	t.Run("purpose on each compute type", func(t *testing.T) {
		args := append([]string{"create", "-n", "k8s-two", "--vm-size", "Standard_D8s_v5", "--nodes", "2", "--purpose", "production", "--allow-insecure-connections"}, ws...)
		_, findings, blocked := phasesOf(t, run, args...)
		var warn bool
		for _, f := range findings {
			if f["severity"] == "block" {
				t.Errorf("Block on the Kubernetes compute: %v", f)
			}
			if f["code"] == "below-recommendation" && f["severity"] == "warn" && strings.Contains(f["message"].(string), "Azure accepts it") {
				warn = true
			}
		}
		if blocked || !warn {
			t.Errorf("2 × D8s_v5 for production on Kubernetes: blocked %v, warned %v: %v", blocked, warn, findings)
		}
		r := run(append([]string{"create", "--compute-type", "AKS", "-n", "aks-two", "--vm-size", "Standard_D8s_v5", "--nodes", "2", "--purpose", "production", "--yes"}, ws...)...)
		if r.code != 2 || !strings.Contains(r.err, "--nodes: production needs 3 nodes at least (now 2)") {
			t.Errorf("the same on the legacy AKS compute: %s", r)
		}
	})
}

func TestTrueToAzureDemo(t *testing.T) {
	demoEnv(t)
	trueToAzure(t, func(args ...string) result { return runArgs(t, "", append([]string{"--demo"}, args...)...) })
}

func TestTrueToAzureRealPath(t *testing.T) {
	rp := newRealPath(t)
	// (the simulator's acceptance of the Premium tier is
	// TestClusterLTSAndPrivateFQDN's: a create here would poll for 30 s)
	trueToAzure(t, func(args ...string) result { r, _ := rp.run(args...); return r })
}
