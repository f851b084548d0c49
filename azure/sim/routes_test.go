package sim

import (
	"net/http"
	"strings"
	"testing"
)

func TestSubscriptions(t *testing.T) {
	e := newEnv(t, Options{})
	m := e.get("/subscriptions?api-version=2022-12-01", 200)
	subs := m["value"].([]any)
	if len(subs) != 2 {
		t.Fatalf("got %d subscriptions", len(subs))
	}
	for i, want := range []struct{ id, name string }{{sub1, "Contoso ML (demo)"}, {sub2, "Contoso Sandbox (demo)"}} {
		s := subs[i]
		if jstr(s, "subscriptionId") != want.id || jstr(s, "displayName") != want.name || jstr(s, "id") != "/subscriptions/"+want.id ||
			jstr(s, "state") != "Enabled" || jstr(s, "tenantId") != TenantID || jstr(s, "subscriptionPolicies", "quotaId") == "" {
			t.Errorf("subscription %d: %v", i, s)
		}
	}
	if got := e.get("/subscriptions/"+sub2, 200); jstr(got, "displayName") != "Contoso Sandbox (demo)" {
		t.Errorf("GET subscription: %v", got)
	}
	if got := e.get("/subscriptions/nope", 404); errCode(got) != "SubscriptionNotFound" {
		t.Errorf("unknown subscription: %v", got)
	}
}

func TestLocations(t *testing.T) {
	e := newEnv(t, Options{})
	m := e.get("/subscriptions/"+sub1+"/locations?api-version=2022-12-01", 200)
	if _, ok := m["nextLink"]; ok {
		t.Error("locations must not be paged")
	}
	locs := map[string]any{}
	physical, logical := 0, 0
	for _, l := range m["value"].([]any) {
		locs[jstr(l, "name")] = l
		switch jstr(l, "metadata", "regionType") {
		case "Physical":
			physical++
		case "Logical":
			logical++
		default:
			t.Errorf("%s: regionType %q", jstr(l, "name"), jstr(l, "metadata", "regionType"))
		}
	}
	if physical < 30 || logical < 2 {
		t.Errorf("physical %d, logical %d", physical, logical)
	}
	east := locs["eastus"]
	if jstr(east, "id") != "/subscriptions/"+sub1+"/locations/eastus" || jstr(east, "displayName") != "East US" ||
		jstr(east, "regionalDisplayName") != "(US) East US" || jstr(east, "type") != "Region" ||
		jstr(east, "metadata", "regionCategory") != "Recommended" || jstr(east, "metadata", "geographyGroup") != "US" ||
		jstr(east, "metadata", "pairedRegion", 0, "name") != "westus" ||
		jstr(east, "metadata", "pairedRegion", 0, "id") != "/subscriptions/"+sub1+"/locations/westus" {
		t.Errorf("eastus: %v", east)
	}
	if jstr(locs["westeurope"], "metadata", "pairedRegion", 0, "name") != "northeurope" {
		t.Errorf("westeurope pair: %v", locs["westeurope"])
	}
	if jstr(locs["eastusstg"], "metadata", "regionType") != "Logical" {
		t.Errorf("eastusstg: %v", locs["eastusstg"])
	}
}

func TestWorkspacesPaging(t *testing.T) {
	e := newEnv(t, Options{})
	items, pages := e.list("/subscriptions/" + sub1 + "/providers/Microsoft.MachineLearningServices/workspaces")
	if len(items) != 5 || pages < 2 {
		t.Fatalf("%d workspaces in %d pages", len(items), pages)
	}
	ws := byName(items)
	for name, kind := range map[string]string{"mlw-prod": "Default", "mlw-research": "Default", "aif-hub": "Hub", "aif-project": "Project"} {
		if got := jstr(ws[name], "kind"); got != kind {
			t.Errorf("%s: kind %q, want %q", name, got, kind)
		}
	}
	prod := ws["mlw-prod"]
	if jstr(prod, "id") != mlw || jstr(prod, "location") != "eastus" || jstr(prod, "type") != "Microsoft.MachineLearningServices/workspaces" ||
		jstr(prod, "properties", "friendlyName") == "" || jstr(prod, "properties", "provisioningState") != "Succeeded" {
		t.Errorf("mlw-prod: %v", prod)
	}
	if jstr(ws["mlw-research"], "location") != "westeurope" {
		t.Errorf("mlw-research: %v", ws["mlw-research"])
	}
	if sec := ws["mlw-secure"]; jstr(sec, "properties", "publicNetworkAccess") != "Disabled" ||
		jstr(sec, "properties", "privateEndpointConnections", 0, "properties", "privateLinkServiceConnectionState", "status") != "Approved" {
		t.Errorf("mlw-secure has no approved private endpoint: %v", sec)
	}
	items, _ = e.list("/subscriptions/" + sub2 + "/providers/Microsoft.MachineLearningServices/workspaces")
	if len(items) != 1 || jstr(items[0], "name") != "mlw-sandbox" || jstr(items[0], "location") != "westus2" {
		t.Errorf("sandbox workspaces: %v", items)
	}
	items, _ = e.list("/subscriptions/" + sub1 + "/resourceGroups/RG-RESEARCH/providers/Microsoft.MachineLearningServices/workspaces")
	if len(items) != 1 || jstr(items[0], "name") != "mlw-research" {
		t.Errorf("by resource group: %v", items)
	}
	if got := e.get(mlw, 200); jstr(got, "name") != "mlw-prod" {
		t.Errorf("GET workspace: %v", got)
	}
	if got := e.get(strings.Replace(mlw, "mlw-prod", "mlw-nope", 1), 404); errCode(got) != "ResourceNotFound" {
		t.Errorf("missing workspace: %v", got)
	}
}

func TestComputesListAndGet(t *testing.T) {
	e := newEnv(t, Options{})
	items, pages := e.list(mlw + "/computes")
	if len(items) != 3 || pages < 2 {
		t.Fatalf("%d computes in %d pages", len(items), pages)
	}
	cs := byName(items)
	aks := cs["aks-inference"]
	if jstr(aks, "id") != mlw+"/computes/aks-inference" || jstr(aks, "type") != "Microsoft.MachineLearningServices/workspaces/computes" ||
		jstr(aks, "properties", "computeType") != "AKS" || jstr(aks, "properties", "provisioningState") != "Succeeded" ||
		jget(aks, "properties", "isAttachedCompute") != true || jstr(aks, "properties", "computeLocation") != "eastus" ||
		!strings.HasSuffix(jstr(aks, "properties", "resourceId"), "/managedClusters/aks-shared") ||
		jnum(aks, "properties", "properties", "agentCount") != 3 || jstr(aks, "properties", "properties", "agentVmSize") != "Standard_D4s_v3" ||
		jstr(aks, "properties", "properties", "clusterPurpose") != "FastProd" || jstr(aks, "properties", "createdOn") == "" ||
		jstr(aks, "properties", "properties", "clusterFqdn") == "" ||
		jstr(aks, "properties", "properties", "systemServices", 0, "systemServiceType") == "" {
		t.Errorf("aks-inference: %v", aks)
	}
	cpu := cs["cpu-cluster"]
	if jstr(cpu, "properties", "computeType") != "AmlCompute" || jnum(cpu, "properties", "properties", "scaleSettings", "maxNodeCount") != 4 {
		t.Errorf("cpu-cluster: %v", cpu)
	}
	got := e.get(mlw+"/computes/AKS-INFERENCE", 200)
	if jstr(got, "name") != "aks-inference" {
		t.Errorf("case-insensitive GET: %v", got)
	}
	if got := e.get(mlw+"/computes/nope", 404); errCode(got) != "ResourceNotFound" {
		t.Errorf("missing compute: %v", got)
	}
}

func TestVMSizes(t *testing.T) {
	e := newEnv(t, Options{})
	m := e.get("/subscriptions/"+sub1+"/providers/Microsoft.MachineLearningServices/locations/eastus/vmSizes", 200)
	if _, ok := m["nextLink"]; ok {
		t.Error("vmSizes must not be paged")
	}
	sizes := map[string]any{}
	for _, v := range m["value"].([]any) {
		sizes[jstr(v, "name")] = v
	}
	if len(sizes) < 150 {
		t.Errorf("%d sizes in eastus", len(sizes))
	}
	d3 := sizes["Standard_D3_v2"]
	if jnum(d3, "vCPUs") != 4 || jnum(d3, "memoryGB") != 14 || jstr(d3, "family") != "standardDv2Family" || jnum(d3, "gpus") != 0 ||
		jnum(d3, "maxResourceVolumeMB") != 204800 || jnum(d3, "osVhdSizeMB") != 1047552 ||
		jstr(d3, "estimatedVMPrices", "billingCurrency") != "USD" || jstr(d3, "estimatedVMPrices", "unitOfMeasure") != "OneHour" ||
		jnum(d3, "estimatedVMPrices", "values", 0, "retailPrice") != 0.229 || jstr(d3, "estimatedVMPrices", "values", 1, "vmTier") != "LowPriority" ||
		jstr(d3, "supportedComputeTypes", 0) != "AmlCompute" {
		t.Errorf("Standard_D3_v2: %v", d3)
	}
	if nc := sizes["Standard_NC4as_T4_v3"]; jnum(nc, "gpus") != 1 || jnum(nc, "vCPUs") != 4 || jstr(nc, "family") != "standardNCASv3_T4Family" {
		t.Errorf("Standard_NC4as_T4_v3: %v", nc)
	}
	for _, retired := range []string{"Standard_NC6s_v3", "Standard_NC12s_v3", "Standard_NC24s_v3", "Standard_NC24rs_v3"} {
		if sizes[retired] != nil {
			t.Errorf("%s (NCv3, retired 2025-09-30) is offered", retired)
		}
	}
	if pb := sizes["Standard_PB6s"]; pb == nil {
		t.Error("FPGA size Standard_PB6s missing in eastus")
	}
	if np := sizes["Standard_NP10s"]; jget(np, "estimatedVMPrices") != nil {
		t.Errorf("Standard_NP10s should have no price: %v", np)
	}
	if got := e.get("/subscriptions/"+sub1+"/providers/Microsoft.MachineLearningServices/locations/unitedstates/vmSizes", 400); errCode(got) != "NoRegisteredProviderFound" {
		t.Errorf("logical region: %v", got)
	}
}

func TestKubernetesVersions(t *testing.T) {
	e := newEnv(t, Options{})
	get := func(region string) []any {
		m := e.get("/subscriptions/"+sub1+"/providers/Microsoft.ContainerService/locations/"+region+"/kubernetesVersions?api-version=2025-09-01", 200)
		return m["values"].([]any)
	}
	east := get("eastus")
	if len(east) != 4 {
		t.Fatalf("eastus: %d minors", len(east))
	}
	def := east[2]
	if jstr(def, "version") != "1.36" || jget(def, "isDefault") != true || jget(def, "isPreview") != false ||
		len(jget(def, "capabilities", "supportPlan").([]any)) != 2 {
		t.Errorf("default: %v", def)
	}
	if ups := jget(def, "patchVersions", "1.36.5", "upgrades").([]any); len(ups) != 5 || ups[0] != "1.36.6" || ups[2] != "1.37.0" {
		t.Errorf("1.36.5 upgrades: %v", ups)
	}
	if jstr(east[0], "capabilities", "supportPlan", 0) != "AKSLongTermSupport" || len(jget(east[0], "capabilities", "supportPlan").([]any)) != 1 {
		t.Errorf("LTS-only: %v", east[0])
	}
	preview := func(vs []any) string {
		for _, v := range vs {
			if jget(v, "isPreview") == true {
				return jstr(v, "version")
			}
		}
		return ""
	}
	if p, w := preview(east), preview(get("westus2")); p != "" || w != "1.38" {
		t.Errorf("previews: eastus %s, westus2 %s", p, w)
	}
	if got := e.get("/subscriptions/"+sub1+"/providers/Microsoft.ContainerService/locations/nowhere/kubernetesVersions", 400); errCode(got) != "NoRegisteredProviderFound" {
		t.Errorf("unknown region: %v", got)
	}
}

func TestClustersPaging(t *testing.T) {
	e := newEnv(t, Options{})
	items, pages := e.list("/subscriptions/" + sub1 + "/providers/Microsoft.ContainerService/managedClusters?api-version=2025-09-01")
	if pages < 3 {
		t.Errorf("%d pages", pages)
	}
	cs := byName(items)
	for _, n := range []string{"aks-shared", "aks-legacy", "aks-locked", "aks-private", "aks-small", "aks-stopped", "aks-gpu-weu", "aks-preview"} {
		c := cs[n]
		if c == nil {
			t.Errorf("cluster %s missing", n)
			continue
		}
		if jstr(c, "properties", "agentPoolProfiles", 0, "vmSize") == "" || jstr(c, "properties", "currentKubernetesVersion") == "" ||
			jstr(c, "sku", "name") != "Base" || jstr(c, "properties", "networkProfile", "loadBalancerSku") == "" ||
			!strings.Contains(jstr(c, "id"), "/providers/Microsoft.ContainerService/managedClusters/"+n) ||
			jstr(c, "properties", "nodeResourceGroup") == "" || jstr(c, "properties", "powerState", "code") == "" {
			t.Errorf("%s: %v", n, c)
		}
	}
	if _, ok := cs["aks-sandbox"]; ok {
		t.Error("sandbox cluster listed in the default subscription")
	}
	if c := cs["aks-shared"]; jnum(c, "properties", "agentPoolProfiles", 0, "count") != 3 || jstr(c, "location") != "eastus" ||
		jstr(c, "properties", "agentPoolProfiles", 0, "vmSize") != "Standard_D4s_v3" || jstr(c, "properties", "kubernetesVersion") != "1.36.7" {
		t.Errorf("aks-shared: %v", c)
	}
	if c := cs["aks-legacy"]; !strings.HasPrefix(jstr(c, "properties", "currentKubernetesVersion"), "1.24.") {
		t.Errorf("aks-legacy: %v", c)
	}
	if c := cs["aks-locked"]; len(jget(c, "properties", "apiServerAccessProfile", "authorizedIPRanges").([]any)) == 0 ||
		jstr(c, "properties", "networkProfile", "loadBalancerSku") != "standard" {
		t.Errorf("aks-locked: %v", c)
	}
	if c := cs["aks-private"]; jget(c, "properties", "apiServerAccessProfile", "enablePrivateCluster") != true ||
		jstr(c, "properties", "privateFQDN") == "" || jstr(c, "properties", "fqdn") != "" {
		t.Errorf("aks-private: %v", c)
	}
	if c := cs["aks-small"]; jnum(c, "properties", "agentPoolProfiles", 0, "count") != 2 || jstr(c, "properties", "agentPoolProfiles", 0, "vmSize") != "Standard_B2s" {
		t.Errorf("aks-small: %v", c)
	}
	if c := cs["aks-stopped"]; jstr(c, "properties", "powerState", "code") != "Stopped" {
		t.Errorf("aks-stopped: %v", c)
	}
	if c := cs["aks-gpu-weu"]; jstr(c, "location") != "westeurope" || jstr(c, "properties", "agentPoolProfiles", 0, "vmSize") != "Standard_NC8as_T4_v3" {
		t.Errorf("aks-gpu-weu: %v", c)
	}
	if c := cs["aks-preview"]; jstr(c, "location") != "westus2" || !strings.HasPrefix(jstr(c, "properties", "kubernetesVersion"), "1.38.") {
		t.Errorf("aks-preview: %v", c)
	}
	got := e.get("/subscriptions/"+sub1+"/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-shared?api-version=2025-09-01", 200)
	if jstr(got, "name") != "aks-shared" {
		t.Errorf("GET cluster: %v", got)
	}
	e.get("/subscriptions/"+sub1+"/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-nope", 404)
	byRG, _ := e.list("/subscriptions/" + sub1 + "/resourceGroups/rg-gpu/providers/Microsoft.ContainerService/managedClusters")
	if len(byRG) != 1 || jstr(byRG[0], "name") != "aks-gpu-weu" {
		t.Errorf("by resource group: %v", byRG)
	}
}

func TestSKUs(t *testing.T) {
	e := newEnv(t, Options{})
	items, pages := e.list("/subscriptions/" + sub1 + "/providers/Microsoft.Compute/skus?api-version=2021-07-01&$filter=location%20eq%20%27eastus%27")
	if pages < 3 {
		t.Errorf("%d pages", pages)
	}
	vms := map[string]map[string]any{}
	others := 0
	for _, s := range items {
		if jstr(s, "locations", 0) != "eastus" || jstr(s, "locationInfo", 0, "location") != "eastus" {
			t.Fatalf("SKU outside the filter: %v", s)
		}
		if jstr(s, "resourceType") != "virtualMachines" {
			others++
			continue
		}
		vms[jstr(s, "name")] = s
	}
	if others == 0 || len(vms) < 150 {
		t.Errorf("%d VM SKUs, %d others", len(vms), others)
	}
	caps := func(s map[string]any) map[string]string {
		out := map[string]string{}
		for _, c := range jget(s, "capabilities").([]any) {
			out[jstr(c, "name")] = jstr(c, "value")
		}
		return out
	}
	d3 := vms["Standard_D3_v2"]
	if c := caps(d3); c["vCPUs"] != "4" || c["MemoryGB"] != "14" || jstr(d3, "family") != "standardDv2Family" ||
		jstr(d3, "size") != "D3_v2" || jstr(d3, "tier") != "Standard" || len(jget(d3, "restrictions").([]any)) != 0 {
		t.Errorf("Standard_D3_v2: %v", d3)
	}
	if c := caps(vms["Standard_NC4as_T4_v3"]); c["GPUs"] != "1" {
		t.Errorf("Standard_NC4as_T4_v3 GPUs: %v", c)
	}
	m8 := vms["Standard_M8ms"]
	if jstr(m8, "restrictions", 0, "type") != "Location" || jstr(m8, "restrictions", 0, "reasonCode") != "NotAvailableForSubscription" ||
		jstr(m8, "restrictions", 0, "values", 0) != "eastus" || jstr(m8, "restrictions", 0, "restrictionInfo", "locations", 0) != "eastus" {
		t.Errorf("Standard_M8ms restriction: %v", m8)
	}
	if z := vms["Standard_D64s_v5"]; jstr(z, "restrictions", 0, "type") != "Zone" || jstr(z, "restrictions", 0, "restrictionInfo", "zones", 0) != "2" {
		t.Errorf("zone restriction: %v", z)
	}
	// other regions and subscriptions
	west, _ := e.list("/subscriptions/" + sub1 + "/providers/Microsoft.Compute/skus?$filter=" + "location+eq+%27westeurope%27")
	for _, s := range west {
		if jstr(s, "name") == "Standard_M8ms" && len(jget(s, "restrictions").([]any)) != 0 {
			t.Errorf("Standard_M8ms restricted in westeurope too: %v", s)
		}
	}
	sand, _ := e.list("/subscriptions/" + sub2 + "/providers/Microsoft.Compute/skus?$filter=" + "location+eq+%27westus2%27")
	for _, s := range sand {
		if jstr(s, "name") == "Standard_NC4as_T4_v3" && jstr(s, "restrictions", 0, "reasonCode") != "NotAvailableForSubscription" {
			t.Errorf("sandbox GPU not restricted: %v", s)
		}
	}
	if got := e.get("/subscriptions/"+sub1+"/providers/Microsoft.Compute/skus?$filter=name%20eq%20%27x%27", 400); errCode(got) == "" {
		t.Errorf("bad filter: %v", got)
	}
	if empty, _ := e.list("/subscriptions/" + sub1 + "/providers/Microsoft.Compute/skus?$filter=location+eq+%27nowhere%27"); len(empty) != 0 {
		t.Errorf("unknown location: %d SKUs", len(empty))
	}
}

func TestSKUsUnfiltered(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	e := newEnv(t, Options{})
	m := e.get("/subscriptions/"+sub1+"/providers/Microsoft.Compute/skus?api-version=2021-07-01", 200)
	if len(m["value"].([]any)) != skuPageAll || jstr(m, "nextLink") == "" {
		t.Errorf("unfiltered first page: %d items, nextLink %q", len(m["value"].([]any)), jstr(m, "nextLink"))
	}
}

func TestUsages(t *testing.T) {
	e := newEnv(t, Options{})
	items, pages := e.list("/subscriptions/" + sub1 + "/providers/Microsoft.Compute/locations/eastus/usages?api-version=2024-07-01")
	if pages < 2 {
		t.Errorf("%d pages", pages)
	}
	u := map[string]map[string]any{}
	for _, it := range items {
		u[jstr(it, "name", "value")] = it
		if jstr(it, "unit") != "Count" || jstr(it, "name", "localizedValue") == "" {
			t.Errorf("usage shape: %v", it)
		}
	}
	if f := u["standardFSv2Family"]; jnum(f, "limit") != 10 || jnum(f, "currentValue") != 6 || jstr(f, "name", "localizedValue") != "Standard FSv2 Family vCPUs" {
		t.Errorf("tight family: %v", f)
	}
	if c := u["cores"]; jnum(c, "limit") != 196 || jnum(c, "currentValue") <= 0 || jstr(c, "name", "localizedValue") != "Total Regional vCPUs" {
		t.Errorf("cores: %v", c)
	}
	if d := u["standardDv2Family"]; jnum(d, "limit")-jnum(d, "currentValue") < 12 {
		t.Errorf("the default create (3 × Standard_D3_v2) must fit: %v", d)
	}
	if d := u["standardDSv3Family"]; jnum(d, "currentValue") < 12 {
		t.Errorf("aks-shared's usage missing: %v", d)
	}
	for _, fam := range []string{"standardNCASv3_T4Family", "standardNDSv2Family", "standardNVSv3Family", "standardPBSFamily"} {
		if g := u[fam]; g == nil || jnum(g, "limit") != 0 {
			t.Errorf("GPU/FPGA family %s in eastus: %v", fam, g)
		}
	}
	items, _ = e.list("/subscriptions/" + sub1 + "/providers/Microsoft.Compute/locations/westeurope/usages")
	for _, it := range items {
		if jstr(it, "name", "value") == "standardNCASv3_T4Family" && (jnum(it, "limit") != 32 || jnum(it, "currentValue") != 24) {
			t.Errorf("westeurope NCASv3_T4: %v", it)
		}
	}
}

func TestErrorsAndRouting(t *testing.T) {
	e := newEnv(t, Options{})
	resp, m := e.do("GET", "/subscriptions/"+sub1+"/providers/Microsoft.Foo/bars", nil)
	if resp.StatusCode != 404 || errCode(m) == "" || jstr(m, "error", "message") == "" {
		t.Errorf("unknown route: %d %v", resp.StatusCode, m)
	}
	req, _ := http.NewRequest("GET", endpoint+"/subscriptions", nil)
	r2, err := e.tr.Do(req)
	if err != nil || r2.StatusCode != 400 || r2.Header.Get("x-ms-error-code") != "MissingApiVersionParameter" {
		t.Errorf("missing api-version: %v %v", r2, err)
	}
	resp, m = e.do("POST", "/subscriptions", "{}")
	if resp.StatusCode != 405 || errCode(m) != "MethodNotAllowed" {
		t.Errorf("POST /subscriptions: %d %v", resp.StatusCode, m)
	}
	// case-insensitive paths and trailing slash
	e.get("/SUBSCRIPTIONS/"+sub1+"/PROVIDERS/microsoft.machinelearningservices/WORKSPACES/", 200)
	if got := e.get("/subscriptions/"+sub1+"/resourceGroups/rg-nope/providers/Microsoft.MachineLearningServices/workspaces/x/computes", 404); errCode(got) != "ResourceGroupNotFound" {
		t.Errorf("unknown resource group: %v", got)
	}
	if got := e.get("/subscriptions/"+sub1+"/providers/Microsoft.ContainerService/managedClusters?$skiptoken=zz", 400); errCode(got) != "InvalidSkipToken" {
		t.Errorf("bad skiptoken: %v", got)
	}
}
