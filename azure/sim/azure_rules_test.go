package sim

import (
	"net/http"
	"strings"
	"testing"
)

func withNetworking(body map[string]any, svc, dns, bridge string) map[string]any {
	inner := body["properties"].(map[string]any)["properties"].(map[string]any)
	inner["aksNetworkingConfiguration"] = map[string]any{
		"subnetId":    "/subscriptions/" + sub1 + "/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks",
		"serviceCidr": svc, "dnsServiceIP": dns, "dockerBridgeCidr": bridge,
	}
	return body
}

// TestSimRejectsWhatAzureRejects: values the API's IPv4 patterns refuse,
// ranges AKS reserves, sizes below the AKS node minimum and AI Foundry
// workspaces are refused synchronously, and nothing is created.
func TestSimRejectsWhatAzureRejects(t *testing.T) {
	e := newEnv(t, Options{})
	cases := []struct {
		name string
		body map[string]any
		code string
		msg  []string
	}{
		{"B1s below the AKS minimum", createBody("Standard_B1s", 12, "FastProd"), "BadRequest", []string{"Standard_B1s does not have enough CPU/memory to run as an AKS node"}},
		{"B1ms below the AKS minimum", createBody("Standard_B1ms", 12, "FastProd"), "BadRequest", []string{"Standard_B1ms"}},
		{"service CIDR reserved", withNetworking(createBody("Standard_D3_v2", 3, "FastProd"), "169.254.0.0/16", "169.254.0.10", "172.17.0.1/16"), "BadRequest",
			[]string{"serviceCidr 169.254.0.0/16 overlaps the reserved range 169.254.0.0/16"}},
		{"docker bridge reserved", withNetworking(createBody("Standard_D3_v2", 3, "FastProd"), "10.0.0.0/16", "10.0.0.10", "172.31.0.1/16"), "BadRequest",
			[]string{"dockerBridgeCidr 172.31.0.1/16 overlaps the reserved range 172.31.0.0/16"}},
		{"dns in 192.0.2", withNetworking(createBody("Standard_D3_v2", 3, "FastProd"), "10.0.0.0/16", "192.0.2.10", "172.17.0.1/16"), "BadRequest", []string{"192.0.2.0/24"}},
		{"IPv6 service CIDR", withNetworking(createBody("Standard_D3_v2", 3, "FastProd"), "fd00::/108", "10.0.0.10", "172.17.0.1/16"), "InvalidRequestContent",
			[]string{"aksNetworkingConfiguration.serviceCidr does not match the pattern"}},
		{"IPv6 DNS IP", withNetworking(createBody("Standard_D3_v2", 3, "FastProd"), "10.0.0.0/16", "fd00::a", "172.17.0.1/16"), "InvalidRequestContent", []string{"dnsServiceIP"}},
		{"IPv6 bridge", withNetworking(createBody("Standard_D3_v2", 3, "FastProd"), "10.0.0.0/16", "10.0.0.10", "fd01::1/64"), "InvalidRequestContent", []string{"dockerBridgeCidr"}},
		{"attach with a reserved range", func() map[string]any {
			b := attachBody("rg-aks", "aks-private", "FastProd")
			b["properties"].(map[string]any)["properties"].(map[string]any)["aksNetworkingConfiguration"] = map[string]any{"serviceCidr": "172.30.0.0/16"}
			return b
		}(), "BadRequest", []string{"172.30.0.0/16"}},
	}
	for i, tc := range cases {
		name := "aks-bad-" + string(rune('a'+i))
		_, m := e.put(name, tc.body, http.StatusBadRequest)
		if errCode(m) != tc.code {
			t.Errorf("%s: code %q, want %q: %v", tc.name, errCode(m), tc.code, m)
		}
		for _, w := range tc.msg {
			if !strings.Contains(jstr(m, "error", "message"), w) {
				t.Errorf("%s: message lacks %q: %v", tc.name, w, m)
			}
		}
		e.get(mlw+"/computes/"+name, http.StatusNotFound)
	}
	// the same body with ranges AKS takes is accepted
	e.put("aks-vnet-ok", withNetworking(createBody("Standard_D3_v2", 3, "FastProd"), "10.0.0.0/16", "10.0.0.10", "172.17.0.1/16"), http.StatusCreated)
}

func TestSimRefusesAKSComputeInHubAndProject(t *testing.T) {
	e := newEnv(t, Options{})
	for _, ws := range []string{"aif-hub", "aif-project"} {
		path := "/subscriptions/" + sub1 + "/resourceGroups/rg-ai-foundry/providers/Microsoft.MachineLearningServices/workspaces/" + ws + "/computes/aks-x?api-version=2024-04-01"
		resp, m := e.do(http.MethodPut, path, createBody("Standard_D3_v2", 3, "FastProd"))
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(jstr(m, "error", "message"), "Azure Machine Learning workspace") {
			t.Errorf("%s: %d %v", ws, resp.StatusCode, m)
		}
	}
}
