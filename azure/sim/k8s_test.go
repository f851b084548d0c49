package sim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	mlRG     = "/subscriptions/" + sub1 + "/resourceGroups/rg-aks-ml/providers/Microsoft.ContainerService/managedClusters/"
	extPath  = "/providers/Microsoft.KubernetesConfiguration/extensions/"
	aksRGsub = "/subscriptions/" + sub1 + "/resourceGroups/rg-ml-prod/providers/Microsoft.ContainerService/managedClusters/"
)

// clusterBody is a valid managedClusters PUT body; mod changes it.
func clusterBody(mod func(m map[string]any)) map[string]any {
	m := map[string]any{
		"location": "eastus",
		"tags":     map[string]any{"created-by": "amlaks"},
		"identity": map[string]any{"type": "SystemAssigned"},
		"properties": map[string]any{
			"dnsPrefix":         "aks-new-dns",
			"kubernetesVersion": "1.36",
			"agentPoolProfiles": []any{map[string]any{"name": "system", "mode": "System", "count": 3, "vmSize": "Standard_D4s_v5", "osType": "Linux"}},
			"networkProfile":    map[string]any{"loadBalancerSku": "standard"},
		},
	}
	if mod != nil {
		mod(m)
	}
	return m
}

func props(m map[string]any) map[string]any { return m["properties"].(map[string]any) }
func pool0(m map[string]any) map[string]any {
	return props(m)["agentPoolProfiles"].([]any)[0].(map[string]any)
}

func TestClusterCreateValidation(t *testing.T) {
	cases := []struct {
		name, cluster string
		mod           func(m map[string]any)
		status        int
		code, msg     string
	}{
		{"bad name", "-bad", nil, 400, "InvalidParameter", "aka.ms/aks-naming-rules"},
		{"no location", "c1", func(m map[string]any) { delete(m, "location") }, 400, "LocationRequired", "location"},
		{"logical region", "c1", func(m map[string]any) { m["location"] = "nowhere" }, 400, "LocationNotAvailableForResourceType", "nowhere"},
		{"dns prefix", "c1", func(m map[string]any) { props(m)["dnsPrefix"] = "-x" }, 400, "InvalidParameter", "dnsPrefix"},
		{"no dns prefix", "c1", func(m map[string]any) { delete(props(m), "dnsPrefix") }, 400, "InvalidParameter", "dnsPrefix"},
		{"version", "c1", func(m map[string]any) { props(m)["kubernetesVersion"] = "1.24.10" }, 400, "K8sVersionNotSupported", "Version 1.24.10 is not supported in this region"},
		{"no system pool", "c1", func(m map[string]any) { delete(pool0(m), "mode") }, 400, "MustDefineAtLeastOneSystemPool", "Must define at least one system pool."},
		{"no pools", "c1", func(m map[string]any) { props(m)["agentPoolProfiles"] = []any{} }, 400, "MustDefineAtLeastOneSystemPool", "system pool"},
		{"pool name", "c1", func(m map[string]any) { pool0(m)["name"] = "System-Pool" }, 400, "InvalidParameter", "agentPoolProfile.name"},
		{"pool name long", "c1", func(m map[string]any) { pool0(m)["name"] = "abcdefghijklm" }, 400, "InvalidParameter", "agentPoolProfile.name"},
		{"unknown size", "c1", func(m map[string]any) { pool0(m)["vmSize"] = "Standard_Nope" }, 400, "InvalidParameter", "vmSize"},
		{"restricted size", "c1", func(m map[string]any) { pool0(m)["vmSize"] = "Standard_M8ms" }, 400, "BadRequest", "is not allowed in your subscription in location 'eastus'"},
		{"too small", "c1", func(m map[string]any) { pool0(m)["vmSize"] = "Standard_B1ms" }, 400, "InvalidParameter", "does not have enough CPU/memory"},
		{"too little memory", "c1", func(m map[string]any) { pool0(m)["vmSize"] = "Standard_B2ats_v2" }, 400, "InvalidParameter", "at least 2 vCPUs and 4 GiB"},
		{"basic lb", "c1", func(m map[string]any) { props(m)["networkProfile"] = map[string]any{"loadBalancerSku": "basic"} }, 400, "InvalidParameter", "retired"},
		{"no identity", "c1", func(m map[string]any) { delete(m, "identity") }, 400, "InvalidParameter", "managed identity"},
		{"bad range", "c1", func(m map[string]any) {
			props(m)["apiServerAccessProfile"] = map[string]any{"authorizedIPRanges": []any{"300.1.1.1/32"}}
		}, 400, "InvalidParameter", "300.1.1.1/32"},
		{"private and ranges", "c1", func(m map[string]any) {
			props(m)["apiServerAccessProfile"] = map[string]any{"authorizedIPRanges": []any{"203.0.113.0/24"}, "enablePrivateCluster": true}
		}, 400, "InvalidParameter", "private cluster"},
		{"family quota", "c1", func(m map[string]any) { pool0(m)["count"] = 30 }, 400, "ErrCode_InsufficientVCPUQuota",
			"Insufficient vcpu quota requested 120, remaining 76 for family standardDSv5Family for region eastus."},
		{"regional quota", "c1", func(m map[string]any) { pool0(m)["count"] = 40; pool0(m)["vmSize"] = "Standard_D2as_v5" }, 400,
			"ErrCode_InsufficientVCPUQuota", "left regional vcpu quota"},
		{"no rg", "c1", nil, 404, "ResourceGroupNotFound", "rg-nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			base := aksRGsub
			if c.code == "ResourceGroupNotFound" {
				base = "/subscriptions/" + sub1 + "/resourceGroups/rg-nope/providers/Microsoft.ContainerService/managedClusters/"
			}
			resp, m := e.do("PUT", base+c.cluster+"?api-version=2025-09-01", clusterBody(c.mod))
			if resp.StatusCode != c.status || errCode(m) != c.code || !strings.Contains(jstr(m, "error", "message"), c.msg) {
				t.Errorf("status %d %v, want %d %s containing %q", resp.StatusCode, m, c.status, c.code, c.msg)
			}
			if resp.Header.Get("x-ms-error-code") != c.code {
				t.Errorf("x-ms-error-code %q", resp.Header.Get("x-ms-error-code"))
			}
		})
	}
}

func TestClusterCreateLRO(t *testing.T) {
	e := newEnv(t, Options{})
	before := usageOf(e, "eastus")
	body := clusterBody(func(m map[string]any) {
		props(m)["apiServerAccessProfile"] = map[string]any{"authorizedIPRanges": []any{"203.0.113.0/24"}}
	})
	resp, m := e.do("PUT", aksRGsub+"aks-new?api-version=2025-09-01", body)
	if resp.StatusCode != 201 || jstr(m, "properties", "provisioningState") != "Creating" ||
		jstr(m, "properties", "kubernetesVersion") != "1.36.7" || jstr(m, "identity", "type") != "SystemAssigned" ||
		jstr(m, "properties", "dnsPrefix") != "aks-new-dns" || jstr(m, "tags", "created-by") != "amlaks" ||
		jstr(m, "properties", "servicePrincipalProfile", "clientId") != "msi" {
		t.Fatalf("PUT: %d %v", resp.StatusCode, m)
	}
	async := resp.Header.Get("Azure-AsyncOperation")
	if !strings.Contains(async, "/providers/Microsoft.ContainerService/locations/eastus/operations/") {
		t.Fatalf("Azure-AsyncOperation %q", async)
	}
	// Visible at once (Creating) in every list, and counted in usages.
	cls, _ := e.list("/subscriptions/" + sub1 + "/providers/Microsoft.ContainerService/managedClusters")
	if c := byName(cls)["aks-new"]; c == nil || jstr(c, "properties", "provisioningState") != "Creating" {
		t.Fatalf("list: %v", c)
	}
	if u := usageOf(e, "eastus"); u["standardDSv5Family"]-before["standardDSv5Family"] != 12 || u["cores"]-before["cores"] != 12 {
		t.Errorf("usage %v → %v", before["standardDSv5Family"], u["standardDSv5Family"])
	}
	if st := e.get(async, 200); jstr(st, "status") != "InProgress" || jnum(st, "percentComplete") != 0 {
		t.Errorf("status at start %v", st)
	}
	e.clock.Advance(clusterCreateDuration / 2)
	if st := e.get(async, 200); jstr(st, "status") != "InProgress" || jnum(st, "percentComplete") != 50 {
		t.Errorf("status half way %v", st)
	}
	e.clock.Advance(clusterCreateDuration)
	if st := e.get(async, 200); jstr(st, "status") != "Succeeded" || jstr(st, "endTime") == "" {
		t.Errorf("status at end %v", st)
	}
	c := e.get(aksRGsub+"aks-new", 200)
	if jstr(c, "properties", "provisioningState") != "Succeeded" || len(jget(c, "properties", "apiServerAccessProfile", "authorizedIPRanges").([]any)) != 1 {
		t.Errorf("GET %v", c)
	}
	// A second PUT is a no-op on the existing cluster.
	if resp, m := e.do("PUT", aksRGsub+"aks-new?api-version=2025-09-01", body); resp.StatusCode != 200 || jstr(m, "name") != "aks-new" {
		t.Errorf("re-PUT %d %v", resp.StatusCode, m)
	}
	// Delete: 202, Deleting, then gone with its usage.
	resp, _ = e.do("DELETE", aksRGsub+"aks-new", nil)
	if resp.StatusCode != 202 || resp.Header.Get("Location") == "" {
		t.Fatalf("DELETE %d", resp.StatusCode)
	}
	if c := e.get(aksRGsub+"aks-new", 200); jstr(c, "properties", "provisioningState") != "Deleting" {
		t.Errorf("deleting: %v", jstr(c, "properties", "provisioningState"))
	}
	e.clock.Advance(clusterDeleteDuration)
	e.get(aksRGsub+"aks-new", 404)
	if u := usageOf(e, "eastus"); u["standardDSv5Family"] != before["standardDSv5Family"] {
		t.Errorf("usage after delete %v, want %v", u["standardDSv5Family"], before["standardDSv5Family"])
	}
	if resp, _ := e.do("DELETE", aksRGsub+"aks-new", nil); resp.StatusCode != 204 {
		t.Errorf("second DELETE %d", resp.StatusCode)
	}
}

func TestClusterCreateFault(t *testing.T) {
	f, err := ParseFaults("fail=cluster")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Options{Faults: f})
	resp, _ := e.do("PUT", aksRGsub+"aks-bad?api-version=2025-09-01", clusterBody(nil))
	if resp.StatusCode != 201 {
		t.Fatalf("PUT %d", resp.StatusCode)
	}
	e.clock.Advance(clusterCreateDuration)
	st := e.get(resp.Header.Get("Azure-AsyncOperation"), 200)
	if jstr(st, "status") != "Failed" || jstr(st, "error", "code") != "OutboundConnFailVMExtensionError" {
		t.Errorf("status %v", st)
	}
	if c := e.get(aksRGsub+"aks-bad", 200); jstr(c, "properties", "provisioningState") != "Failed" {
		t.Errorf("cluster %v", jstr(c, "properties", "provisioningState"))
	}
	before := usageOf(e, "eastus")
	// A refused PUT leaves the failed cluster as it was.
	if resp, _ := e.do("PUT", aksRGsub+"aks-bad?api-version=2025-09-01", clusterBody(func(m map[string]any) { delete(m, "identity") })); resp.StatusCode != 400 {
		t.Errorf("bad re-PUT %d", resp.StatusCode)
	}
	if c := e.get(aksRGsub+"aks-bad", 200); jstr(c, "properties", "provisioningState") != "Failed" {
		t.Errorf("after a refused PUT: %v", jstr(c, "properties", "provisioningState"))
	}
	// A PUT on the failed cluster provisions it again (the fault is used up).
	resp, _ = e.do("PUT", aksRGsub+"aks-bad?api-version=2025-09-01", clusterBody(nil))
	if resp.StatusCode != 201 {
		t.Fatalf("retry PUT %d", resp.StatusCode)
	}
	e.clock.Advance(clusterCreateDuration)
	if c := e.get(aksRGsub+"aks-bad", 200); jstr(c, "properties", "provisioningState") != "Succeeded" {
		t.Errorf("after retry %v", jstr(c, "properties", "provisioningState"))
	}
	if u := usageOf(e, "eastus"); u["cores"] != before["cores"] {
		t.Errorf("usage counted twice: %v → %v", before["cores"], u["cores"])
	}
}

func TestClusterFixtures(t *testing.T) {
	e := newEnv(t, Options{})
	cls, _ := e.list("/subscriptions/" + sub1 + "/providers/Microsoft.ContainerService/managedClusters")
	m := byName(cls)
	for _, n := range []string{ClusterExtReady, ClusterNoExt, ClusterExtFailed} {
		if c := m[n]; c == nil || jstr(c, "identity", "type") != "SystemAssigned" || jstr(c, "properties", "servicePrincipalProfile", "clientId") != "msi" {
			t.Errorf("%s: %v", n, c)
		}
	}
	sp := m[ClusterSP]
	if sp == nil || jget(sp, "identity") != nil || jstr(sp, "properties", "servicePrincipalProfile", "clientId") == "msi" ||
		strings.Contains(strings.ToLower(jstr(sp, "properties", "servicePrincipalProfile", "clientId")), "secret") {
		t.Errorf("service principal cluster: %v", sp)
	}
	exts, _ := e.list(mlRG + ClusterExtReady + extPath)
	if len(exts) != 1 || jstr(exts[0], "properties", "provisioningState") != "Succeeded" || jstr(exts[0], "properties", "extensionType") != "Microsoft.AzureML.Kubernetes" ||
		jstr(exts[0], "properties", "currentVersion") == "" {
		t.Errorf("ready: %v", exts)
	}
	if exts, _ := e.list(mlRG + ClusterNoExt + extPath); len(exts) != 0 {
		t.Errorf("plain: %v", exts)
	}
	f := e.get(mlRG+ClusterExtFailed+extPath+ExtFailedName, 200)
	if jstr(f, "properties", "provisioningState") != "Failed" || jstr(f, "properties", "errorInfo", "code") != "ExtensionOperationFailed" {
		t.Errorf("failed: %v", f)
	}
	e.get(mlRG+ClusterNoExt+extPath+"azureml", 404)
	// The sandbox has not registered Microsoft.KubernetesConfiguration.
	sb := "/subscriptions/" + sub2 + "/resourceGroups/rg-sandbox/providers/Microsoft.ContainerService/managedClusters/aks-sandbox" + extPath
	resp, body := e.do("GET", sb, nil)
	if resp.StatusCode != 409 || errCode(body) != "MissingSubscriptionRegistration" ||
		!strings.Contains(jstr(body, "error", "message"), "'Microsoft.KubernetesConfiguration'") {
		t.Errorf("sandbox extensions: %d %v", resp.StatusCode, body)
	}
}

func TestProviderRegistration(t *testing.T) {
	e := newEnv(t, Options{StatePath: filepath.Join(t.TempDir(), "s.json")})
	p := "/subscriptions/" + sub2 + "/providers/Microsoft.KubernetesConfiguration"
	if m := e.get(p+"?api-version=2021-04-01", 200); jstr(m, "registrationState") != "NotRegistered" || jstr(m, "namespace") != "Microsoft.KubernetesConfiguration" {
		t.Fatalf("before: %v", m)
	}
	if m := e.get("/subscriptions/"+sub1+"/providers/microsoft.kubernetesconfiguration", 200); jstr(m, "registrationState") != "Registered" {
		t.Errorf("default sub: %v", m)
	}
	resp, m := e.do("POST", p+"/register", nil)
	if resp.StatusCode != 200 || jstr(m, "registrationState") != "Registering" {
		t.Fatalf("register: %d %v", resp.StatusCode, m)
	}
	if resp, _ := e.do("GET", p, nil); resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	if m := e.get(p, 200); jstr(m, "registrationState") != "Registering" {
		t.Errorf("right after: %v", m)
	}
	e.clock.Advance(registerDuration)
	if m := e.get(p, 200); jstr(m, "registrationState") != "Registered" {
		t.Errorf("after %v: %v", registerDuration, m)
	}
	// Persisted: another handler on the same state sees it.
	h2, err := New(Options{StatePath: e.h.opts.StatePath, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e2 := &env{t: t, h: h2, tr: NewTransport(h2), clock: e.clock}
	if m := e2.get(p, 200); jstr(m, "registrationState") != "Registered" {
		t.Errorf("other handler: %v", m)
	}
	sb := "/subscriptions/" + sub2 + "/resourceGroups/rg-sandbox/providers/Microsoft.ContainerService/managedClusters/aks-sandbox" + extPath
	if exts, _ := e2.list(sb); len(exts) != 0 {
		t.Errorf("extensions after registration: %v", exts)
	}
	if resp, m := e.do("GET", "/subscriptions/"+sub1+"/providers/Microsoft.Nope", nil); resp.StatusCode != 404 || errCode(m) != "InvalidResourceNamespace" {
		t.Errorf("unknown namespace: %d %v", resp.StatusCode, m)
	}
}

// extBody is an Azure ML extension PUT body.
func extBody(settings map[string]any, protected map[string]any) map[string]any {
	s := map[string]any{"enableInference": "True", "enableTraining": "False", "inferenceRouterServiceType": "LoadBalancer",
		"inferenceRouterHA": "True", "allowInsecureConnections": "True",
		// what az adds for an AKS cluster (values as the simulator checks them)
		"cluster_name": "id", "clusterId": "id", "location": "eastus", "domain": "eastus.cloudapp.azure.com", "jobSchedulerLocation": "eastus",
		"relayserver.enabled": "false", "servicebus.enabled": "false", "nginxIngress.enabled": "true"}
	for k, v := range settings {
		s[k] = v
	}
	p := map[string]any{"extensionType": "Microsoft.AzureML.Kubernetes", "releaseTrain": "stable", "autoUpgradeMinorVersion": true,
		"scope": map[string]any{"cluster": map[string]any{"releaseNamespace": "azureml"}}, "configurationSettings": s}
	if protected != nil {
		p["configurationProtectedSettings"] = protected
	}
	return map[string]any{"identity": map[string]any{"type": "SystemAssigned"}, "properties": p}
}

func TestExtensionInstallProtectedSettings(t *testing.T) {
	e := newEnv(t, Options{StatePath: filepath.Join(t.TempDir(), "s.json")})
	cert := base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"))
	key := base64.StdEncoding.EncodeToString([]byte("-----BEGIN PRIVATE KEY-----\nMIIEsecret\n-----END PRIVATE KEY-----\n"))
	body := extBody(map[string]any{"allowInsecureConnections": "False", "sslCname": "scoring.contoso.com"},
		map[string]any{"scoringFe.sslCert": cert, "scoringFe.sslKey": key})
	resp, m := e.do("PUT", mlRG+ClusterNoExt+extPath+"azureml?api-version=2022-11-01", body)
	if resp.StatusCode != 201 || jstr(m, "properties", "provisioningState") != "Creating" {
		t.Fatalf("PUT %d %v", resp.StatusCode, m)
	}
	async := resp.Header.Get("Azure-AsyncOperation")
	if !strings.Contains(async, "/managedClusters/"+ClusterNoExt+extPath+"azureml/operations/") {
		t.Fatalf("Azure-AsyncOperation %q", async)
	}
	check := func(what string, m map[string]any) {
		t.Helper()
		raw := jsonText(t, m)
		for _, secret := range []string{cert, key, "MIIEsecret"} {
			if strings.Contains(raw, secret) {
				t.Errorf("%s returns a protected setting: %s", what, raw)
			}
		}
		if ps, ok := jget(m, "properties", "configurationProtectedSettings").(map[string]any); !ok || len(ps) != 0 {
			t.Errorf("%s: configurationProtectedSettings %v", what, jget(m, "properties", "configurationProtectedSettings"))
		}
	}
	check("PUT answer", m)
	check("GET while creating", e.get(mlRG+ClusterNoExt+extPath+"azureml", 200))
	if st := e.get(async, 200); jstr(st, "status") != "InProgress" {
		t.Errorf("status %v", st)
	}
	e.clock.Advance(extensionCreateDuration)
	if st := e.get(async, 200); jstr(st, "status") != "Succeeded" {
		t.Errorf("status %v", st)
	}
	g := e.get(mlRG+ClusterNoExt+extPath+"azureml", 200)
	check("GET", g)
	if jstr(g, "properties", "provisioningState") != "Succeeded" || jstr(g, "properties", "configurationSettings", "sslCname") != "scoring.contoso.com" {
		t.Errorf("GET %v", g)
	}
	list, _ := e.list(mlRG + ClusterNoExt + extPath)
	for _, x := range list {
		check("LIST", x)
	}
	// Nothing secret is kept in the state file either.
	raw, err := readFileString(e.h.opts.StatePath)
	if err != nil || strings.Contains(raw, cert) || strings.Contains(raw, key) {
		t.Errorf("state file keeps a protected setting (err %v)", err)
	}
	// A second Azure ML extension under another name is refused.
	if resp, m := e.do("PUT", mlRG+ClusterNoExt+extPath+"azureml2", extBody(nil, nil)); resp.StatusCode != 409 {
		t.Errorf("second instance: %d %v", resp.StatusCode, m)
	}
	// Delete (LRO).
	resp, _ = e.do("DELETE", mlRG+ClusterNoExt+extPath+"azureml", nil)
	if resp.StatusCode != 202 || resp.Header.Get("Azure-AsyncOperation") == "" {
		t.Fatalf("DELETE %d", resp.StatusCode)
	}
	if g := e.get(mlRG+ClusterNoExt+extPath+"azureml", 200); jstr(g, "properties", "provisioningState") != "Deleting" {
		t.Errorf("deleting %v", jstr(g, "properties", "provisioningState"))
	}
	e.clock.Advance(extensionDeleteDuration)
	e.get(mlRG+ClusterNoExt+extPath+"azureml", 404)
}

func TestExtensionInstallFailures(t *testing.T) {
	cases := []struct {
		name, cluster string
		body          map[string]any
		faults        string
		want          string
	}{
		{"fault", ClusterNoExt, extBody(nil, nil), "fail=extension", "pod healthcheck failed"},
		{"service principal", ClusterSP, extBody(nil, nil), "", "managed identity"},
		{"HA on 2 nodes", "aks-small", extBody(nil, nil), "", "ErrorCode: E40002 ErrorMessage: INSUFFICIENT_NODE: inferenceRouterHA needs at least 3 nodes"},
		{"raw install without az's AKS keys", ClusterNoExt, extBody(map[string]any{"relayserver.enabled": nil, "nginxIngress.enabled": "false"}, nil), "",
			"pod healthcheck failed] (arcml-healthcheck reports-pre-install: Status: Failed Name: service ErrorCode: E45001 ErrorMessage: AGENT_UNHEALTHY: " +
				"the extension's agents did not start: the settings az k8s-extension create adds for an AKS cluster are missing or different: " +
				"relayserver.enabled=false, nginxIngress.enabled=true)"},
		{"certificate not for the CNAME", ClusterNoExt, extBody(map[string]any{"allowInsecureConnections": "False", "sslCname": "scoring.fabrikam.com"},
			map[string]any{"scoringFe.sslCert": testCertB64(t, "scoring.contoso.com"), "scoringFe.sslKey": base64.StdEncoding.EncodeToString([]byte("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n"))}),
			"", "ErrorCode: E40007 ErrorMessage: INVALID_SSL_SETTING: the certificate does not cover sslCname scoring.fabrikam.com"},
		{"no TLS, insecure not allowed", ClusterNoExt, extBody(map[string]any{"allowInsecureConnections": "False"}, nil), "", "allowInsecureConnections=true"},
		{"bad router", ClusterNoExt, extBody(map[string]any{"inferenceRouterServiceType": "Ingress"}, nil), "", "inferenceRouterServiceType"},
		{"stopped", "aks-stopped", extBody(nil, nil), "", "power state is Stopped"},
		{"nothing enabled", ClusterNoExt, extBody(map[string]any{"enableInference": "False"}, nil), "", "either for Machine Learning training or inference"},
		{"cert not base64", ClusterNoExt, extBody(map[string]any{"allowInsecureConnections": "False", "sslCname": "a.b"},
			map[string]any{"scoringFe.sslCert": "-----BEGIN CERTIFICATE-----", "scoringFe.sslKey": "x"}), "", "base64"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := ParseFaults(c.faults)
			if err != nil {
				t.Fatal(err)
			}
			e := newEnv(t, Options{Faults: f})
			base := mlRG
			if strings.HasPrefix(c.cluster, "aks-s") && c.cluster != ClusterSP {
				base = "/subscriptions/" + sub1 + "/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/"
			}
			resp, _ := e.do("PUT", base+c.cluster+extPath+"azureml", c.body)
			if resp.StatusCode != 201 {
				t.Fatalf("PUT %d", resp.StatusCode)
			}
			e.clock.Advance(extensionCreateDuration)
			st := e.get(resp.Header.Get("Azure-AsyncOperation"), 200)
			if jstr(st, "status") != "Failed" || jstr(st, "error", "code") != "ExtensionOperationFailed" || !strings.Contains(jstr(st, "error", "message"), c.want) {
				t.Errorf("status %v, want a failure containing %q", st, c.want)
			}
			g := e.get(base+c.cluster+extPath+"azureml", 200)
			if jstr(g, "properties", "provisioningState") != "Failed" || jstr(g, "properties", "errorInfo", "code") != "ExtensionOperationFailed" {
				t.Errorf("GET %v", g)
			}
		})
	}
}

func TestKubernetesComputeAttach(t *testing.T) {
	attach := func(cluster, ns string) map[string]any {
		p := map[string]any{"computeType": "Kubernetes", "resourceId": mlRG + cluster}
		if ns != "" {
			p["properties"] = map[string]any{"namespace": ns}
		}
		return map[string]any{"location": "eastus", "identity": map[string]any{"type": "SystemAssigned"}, "properties": p}
	}
	cases := []struct {
		name, cluster, ns string
		state, detail     string
	}{
		{"healthy", ClusterExtReady, "default", "Succeeded", ""},
		{"no extension", ClusterNoExt, "", "Failed", "is not installed on cluster 'aks-ml-plain'"},
		{"failed extension", ClusterExtFailed, "team-a", "Failed", "is in provisioningState Failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			resp, m := e.do("PUT", mlw+"/computes/k8s-a", attach(c.cluster, c.ns))
			if resp.StatusCode != 201 || jstr(m, "properties", "computeType") != "Kubernetes" || jstr(m, "identity", "type") != "SystemAssigned" {
				t.Fatalf("PUT %d %v", resp.StatusCode, m)
			}
			e.clock.Advance(attachDuration)
			st := e.get(resp.Header.Get("Azure-AsyncOperation"), 200)
			if jstr(st, "status") != c.state {
				t.Errorf("status %v", st)
			}
			if c.detail != "" && !strings.Contains(jstr(st, "error", "details", 0, "message"), c.detail) {
				t.Errorf("error %v, want %q", jget(st, "error"), c.detail)
			}
			g := e.get(mlw+"/computes/k8s-a", 200)
			ns := c.ns
			if ns == "" {
				ns = "default"
			}
			if jstr(g, "properties", "provisioningState") != c.state || jstr(g, "properties", "properties", "namespace") != ns ||
				jstr(g, "properties", "resourceId") != mlRG+c.cluster {
				t.Errorf("GET %v", g)
			}
			list, _ := e.list(mlw + "/computes")
			if x := byName(list)["k8s-a"]; jstr(x, "properties", "computeType") != "Kubernetes" {
				t.Errorf("list %v", x)
			}
		})
	}
	e := newEnv(t, Options{})
	if resp, m := e.do("PUT", mlw+"/computes/k8s-b", map[string]any{"location": "eastus", "properties": map[string]any{"computeType": "Kubernetes"}}); resp.StatusCode != 400 {
		t.Errorf("no resourceId: %d %v", resp.StatusCode, m)
	}
	if resp, _ := e.do("PUT", mlw+"/computes/k8s-b", attach("aks-nope", "")); resp.StatusCode != 404 {
		t.Errorf("unknown cluster: %d", resp.StatusCode)
	}
	if resp, _ := e.do("PUT", mlw+"/computes/k8s-b", attach(ClusterExtReady, "Bad_NS")); resp.StatusCode != 400 {
		t.Errorf("bad namespace: %d", resp.StatusCode)
	}
}

func TestK8sFaultKinds(t *testing.T) {
	f, err := ParseFaults("fail=extension:2,fail=cluster,slow=extension:4")
	if err != nil {
		t.Fatal(err)
	}
	if f.Fail["extension"] != 2 || f.Fail["cluster"] != 1 || f.Slow["extension"] != 4 {
		t.Errorf("%+v", f)
	}
	e := newEnv(t, Options{Faults: f})
	resp, _ := e.do("PUT", mlRG+ClusterNoExt+extPath+"azureml", extBody(nil, nil))
	e.clock.Advance(extensionCreateDuration)
	if st := e.get(resp.Header.Get("Azure-AsyncOperation"), 200); jstr(st, "status") != "InProgress" {
		t.Errorf("slow=extension:4 ended after 1×: %v", st)
	}
	e.clock.Advance(3 * extensionCreateDuration)
	if st := e.get(resp.Header.Get("Azure-AsyncOperation"), 200); jstr(st, "status") != "Failed" {
		t.Errorf("after 4×: %v", st)
	}
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readFileString(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

// testCertB64 is base64 of a self-signed PEM certificate for dnsName.
func testCertB64(t *testing.T, dnsName string) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: dnsName}, DNSNames: []string{dnsName},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
