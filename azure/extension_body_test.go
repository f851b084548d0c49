package azure

import (
	"encoding/base64"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// The configuration keys `az k8s-extension create --cluster-type
// managedClusters` sends for an inference install (azure-facts, the
// extension's checklist; Azure/azure-cli-extensions
// src/k8s-extension/azext_k8s_extension/partner_extensions/AzureMLKubernetes.py
// at 3f6c0dae, Create and __validate_scoring_fe_settings): wantSettings
// writes the list out for one case.
func wantSettings(clusterID, region string, router wizard.Router, tls bool, gpu, ha bool, purpose string) map[string]string {
	w := map[string]string{
		// always
		"enableInference": "True", "enableTraining": "False",
		"cluster_name": clusterID, "clusterId": clusterID, "prometheus.prometheusSpec.externalLabels.cluster_name": clusterID,
		"cluster_name_friendly": clusterID[strings.LastIndex(clusterID, "/")+1:],
		"domain":                region + ".cloudapp.azure.com", "location": region, "jobSchedulerLocation": region,
		"servicebus.enabled": "false", "relayserver.enabled": "false", "nginxIngress.enabled": "true",
		// typed in the printed command
		"inferenceRouterHA": pyTF(ha), "clusterPurpose": purpose,
	}
	switch router {
	case wizard.RouterLoadBalancer:
		w["inferenceRouterServiceType"] = "LoadBalancer"
	case wizard.RouterInternal:
		w["inferenceRouterServiceType"] = "LoadBalancer"
		w["internalLoadBalancerProvider"] = "azure"
		w["scoringFe.serviceType.internalLoadBalancer"] = "True"
	case wizard.RouterNodePort:
		w["inferenceRouterServiceType"] = "NodePort"
		w["scoringFe.serviceType.nodePort"] = "True"
	case wizard.RouterClusterIP:
		w["inferenceRouterServiceType"] = "ClusterIP"
	}
	if tls {
		w["sslCname"] = "scoring.contoso.com"
		w["allowInsecureConnections"] = "False"
	} else {
		w["allowInsecureConnections"] = "True"
	}
	if gpu {
		w["installNvidiaDevicePlugin"] = "True"
	}
	return w
}

func pyTF(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// azBuild is what az's Create makes of the printed --config pairs for an
// AKS cluster of nodes nodes in region: it adds the keys az adds, the
// router mapping and, under 3 nodes, DevTest and no HA unless typed.
func azBuild(t *testing.T, config []string, clusterID, region string, nodes int) map[string]string {
	t.Helper()
	s := map[string]string{}
	for _, kv := range config {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("--config %q is not key=value", kv)
		}
		s[k] = v
	}
	setDefault := func(k, v string) {
		if _, ok := s[k]; !ok {
			s[k] = v
		}
	}
	if strings.EqualFold(s["enableInference"], "true") {
		switch strings.ToLower(s["inferenceRouterServiceType"]) {
		case "nodeport":
			s["scoringFe.serviceType.nodePort"] = "True"
		default:
			if strings.EqualFold(s["internalLoadBalancerProvider"], "azure") {
				s["scoringFe.serviceType.internalLoadBalancer"] = "True"
			}
		}
	}
	setDefault("enableTraining", "False")
	if nodes < 3 {
		setDefault("clusterPurpose", "DevTest")
		setDefault("inferenceRouterHA", "false")
	}
	setDefault("cluster_name", clusterID)
	s["domain"] = region + ".cloudapp.azure.com" // az reads the misspelt "doamin": always overwritten
	setDefault("location", region)
	setDefault("jobSchedulerLocation", region)
	setDefault("cluster_name_friendly", clusterID[strings.LastIndex(clusterID, "/")+1:])
	setDefault("servicebus.enabled", "false")
	setDefault("relayserver.enabled", "false")
	setDefault("nginxIngress.enabled", "true")
	s["clusterId"] = s["cluster_name"]
	s["prometheus.prometheusSpec.externalLabels.cluster_name"] = s["cluster_name"]
	return s
}

// TestExtensionBodyAsAzBuildsIt: for each router type, TLS mode and a GPU
// and a CPU size, the extension body amlaks sends carries exactly the keys
// of az's list with their values, and equals what az builds from the
// printed `az k8s-extension create --config` pairs.
func TestExtensionBodyAsAzBuildsIt(t *testing.T) {
	c := memClient(t, newSim(t, simSpeedy), nil)
	routers := []wizard.Router{wizard.RouterLoadBalancer, wizard.RouterInternal, wizard.RouterNodePort, wizard.RouterClusterIP}
	for _, router := range routers {
		for _, tls := range []bool{false, true} {
			for _, size := range []string{"Standard_D8s_v5", "Standard_NC4as_T4_v3"} {
				for _, nodes := range []int{2, 3} {
					name := fmt.Sprintf("%s/tls=%v/%s/%d", router, tls, size, nodes)
					t.Run(name, func(t *testing.T) {
						p := wizard.NewPlan(wizard.ModeCreate)
						p.Subscription = sub1
						p.Workspace = wizard.Workspace{WorkspaceRef: wsProd, Region: "eastus"}
						p.Name, p.Region, p.VMSize, p.Nodes, p.Router = "k8s-x", "EastUS", size, nodes, router
						purpose := "FastProd"
						if nodes < 3 {
							p.Purpose, purpose = rules.DevTest, "DevTest"
						}
						if tls {
							p.TLS = rules.TLS{Mode: rules.TLSCustom, CertPEM: certPEM, KeyPEM: keyPEM, CNAME: "scoring.contoso.com",
								CertFile: "cert.pem", KeyFile: "key.pem"}
						} else {
							p.AllowInsecure = true
						}
						gpu := strings.HasPrefix(size, "Standard_NC")
						id := p.TargetClusterID()
						req, err := c.ExtensionRequest(p.ExtensionSpec())
						if err != nil {
							t.Fatal(err)
						}
						b := decodeJSON(t, req.Body)
						got := map[string]string{}
						for k, v := range jpath(b, "properties", "configurationSettings").(map[string]any) {
							got[k] = v.(string)
						}
						want := wantSettings(id, "eastus", router, tls, gpu, nodes >= 3, purpose)
						for _, k := range slices.Sorted(maps.Keys(want)) {
							if got[k] != want[k] {
								t.Errorf("configurationSettings.%s = %q, want %q", k, got[k], want[k])
							}
						}
						for _, k := range slices.Sorted(maps.Keys(got)) {
							if _, ok := want[k]; !ok {
								t.Errorf("configurationSettings.%s = %q is not on az's list", k, got[k])
							}
						}
						if az := azBuild(t, wizard.ExtensionConfig(p), id, "eastus", nodes); !reflect.DeepEqual(az, got) {
							t.Errorf("az builds from the printed --config\n%v\namlaks sends\n%v", az, got)
						}
						prot, _ := jpath(b, "properties", "configurationProtectedSettings").(map[string]any)
						if tls != (len(prot) == 2 && prot["scoringFe.sslCert"] != nil && prot["scoringFe.sslKey"] != nil) {
							t.Errorf("protected settings %v (tls %v)", prot, tls)
						}
						for k, v := range map[string]any{"extensionType": wizard.ExtensionType, "releaseTrain": "stable", "autoUpgradeMinorVersion": nil, "version": nil} {
							if got := jpath(b, "properties", k); got != v {
								t.Errorf("properties.%s = %v, want %v", k, got, v)
							}
						}
						if jpath(b, "properties", "scope", "cluster", "releaseNamespace") != "azureml" || jpath(b, "identity") != nil {
							t.Errorf("scope/identity: %s", req.Body)
						}
						eq := wizard.ExtensionAz(p)
						if gpu != strings.Contains(eq, "installNvidiaDevicePlugin=True") {
							t.Errorf("printed command and GPU %v:\n%s", gpu, eq)
						}
					})
				}
			}
		}
	}
	// the protected settings themselves: base64 of the PEM text, as az
	// reads the files
	p := wizard.NewPlan(wizard.ModeCreate)
	p.TLS = rules.TLS{Mode: rules.TLSCustom, CertPEM: certPEM, KeyPEM: keyPEM, CNAME: "scoring.contoso.com"}
	body := extensionBody(p.ExtensionSpec())
	if *body.Properties.ConfigurationProtectedSettings["scoringFe.sslCert"] != base64.StdEncoding.EncodeToString(certPEM) ||
		*body.Properties.ConfigurationProtectedSettings["scoringFe.sslKey"] != base64.StdEncoding.EncodeToString(keyPEM) {
		t.Error("protected settings are not base64 of the PEM files")
	}
}
