package sim

import (
	"fmt"
	"strings"
	"time"
)

// Fixtures of the current path: clusters with the Azure ML
// extension healthy, without it, with it failed, one on a service
// principal, and provider registrations (the sandbox subscription has not
// registered Microsoft.KubernetesConfiguration).

// Names of the current-path fixture clusters (resource group rg-aks-ml in
// the default subscription, eastus).
const (
	// ClusterExtReady has the Azure ML extension installed and healthy.
	ClusterExtReady = "aks-ml-ready"
	// ClusterNoExt is a healthy cluster with no Azure ML extension.
	ClusterNoExt = "aks-ml-plain"
	// ClusterExtFailed has the Azure ML extension in provisioningState
	// Failed.
	ClusterExtFailed = "aks-ml-failed"
	// ExtFailedName is the name of the failed extension on ClusterExtFailed
	// (not "azureml": a reinstall must reinstall that instance).
	ExtFailedName = "aml-inference"
	// ClusterSP runs on a service principal (no managed identity).
	ClusterSP = "aks-ml-sp"
	// The readiness fixtures below are in southcentralus, away from the
	// quota the create tests measure in eastus.
	//
	// ClusterNoRunCommand has the run command switched off
	// (apiServerAccessProfile.disableRunCommand).
	ClusterNoRunCommand = "aks-ml-norun"
	// ClusterFull is a 1-node cluster whose only node the extension fills:
	// the run command's pod cannot be scheduled.
	ClusterFull = "aks-ml-onenode"
	// ClusterGPU has a system pool and a tainted GPU pool, and AKS-managed
	// Entra integration (the run command needs the caller's clusterToken).
	ClusterGPU = "aks-ml-gpu"
	// ClusterUnhealthy has the extension Succeeded in ARM but failing its
	// healthcheck in the cluster (E45006: no InstanceType CRD).
	ClusterUnhealthy = "aks-ml-unhealthy"
	// ClusterNoLocal has local accounts disabled (disableLocalAccounts) and
	// a healthy extension: Azure ML reaches it only through a Trusted
	// Access role binding of the workspace.
	ClusterNoLocal = "aks-ml-nolocal"
	// ClusterBindingsFull has local accounts disabled and already the 8
	// Trusted Access role bindings AKS allows (none for mlw-prod).
	ClusterBindingsFull = "aks-ml-full"
	// ClusterTraining has the Azure ML extension installed for training
	// only (enableInference=False).
	ClusterTraining = "aks-ml-training"
	// ClusterMLGroup is their resource group.
	ClusterMLGroup = "rg-aks-ml"
)

// extensionVersion is the Azure ML extension version the simulator
// installs.
const extensionVersion = "1.1.64"

// k8sClusters are appended to clusterTable.
func k8sClusters(std func(cluster) cluster) []cluster {
	sub1 := DefaultSubscriptionID
	pools := func(n int, size string) []pool {
		return []pool{{Name: "system", Count: n, VMSize: size, Mode: "System"}}
	}
	return []cluster{
		std(cluster{Sub: sub1, RG: ClusterMLGroup, Name: ClusterExtReady, Location: "eastus", Version: "1.36.7",
			Pools: pools(3, "Standard_D4s_v5"), Tags: map[string]string{"team": "ml-platform"}}),
		std(cluster{Sub: sub1, RG: ClusterMLGroup, Name: ClusterNoExt, Location: "eastus", Version: "1.36.6",
			Pools: pools(3, "Standard_D4as_v5")}),
		std(cluster{Sub: sub1, RG: ClusterMLGroup, Name: ClusterExtFailed, Location: "eastus", Version: "1.35.7",
			Pools: pools(3, "Standard_D4s_v5")}),
		std(cluster{Sub: sub1, RG: ClusterMLGroup, Name: ClusterSP, Location: "eastus", Version: "1.36.7",
			Pools: pools(3, "Standard_E4s_v5"), SPClientID: "7c1f3a52-90d4-4b8e-a6f1-2e5d8c9b0a17"}),
		std(cluster{Sub: sub1, RG: ClusterMLGroup, Name: ClusterNoRunCommand, Location: "southcentralus", Version: "1.36.7",
			Pools: pools(3, "Standard_D4s_v5"), DisableRunCommand: true}),
		std(cluster{Sub: sub1, RG: ClusterMLGroup, Name: ClusterFull, Location: "southcentralus", Version: "1.36.7",
			Pools: pools(1, "Standard_D2s_v3")}),
		std(cluster{Sub: sub1, RG: ClusterMLGroup, Name: ClusterGPU, Location: "southcentralus", Version: "1.36.7",
			Pools: append(pools(3, "Standard_D4s_v5"), pool{Name: "gpu", Count: 1, VMSize: "Standard_NC4as_T4_v3", Mode: "User",
				Taints: []string{"sku=gpu:NoSchedule"}}), AADManaged: true}),
		std(cluster{Sub: sub1, RG: ClusterMLGroup, Name: ClusterUnhealthy, Location: "southcentralus", Version: "1.36.7",
			Pools: pools(3, "Standard_D4s_v5")}),
		std(cluster{Sub: sub1, RG: ClusterMLGroup, Name: ClusterNoLocal, Location: "eastus", Version: "1.36.7",
			Pools: pools(3, "Standard_D4ds_v5"), LocalAccountsDisabled: true}),
		std(cluster{Sub: sub1, RG: ClusterMLGroup, Name: ClusterBindingsFull, Location: "eastus", Version: "1.36.7",
			Pools: pools(3, "Standard_D4ds_v5"), LocalAccountsDisabled: true}),
		std(cluster{Sub: sub1, RG: ClusterMLGroup, Name: ClusterTraining, Location: "eastus", Version: "1.36.7",
			Pools: pools(3, "Standard_D4ds_v5")}),
		// made by Azure ML for the legacy AKS compute ComputeLegacyTLS
		// (legacyfe.go): its v1 router, TLS on, no live web service
		std(cluster{Sub: sub1, RG: ClusterMLGroup, Name: ClusterLegacyTLS, Location: "southcentralus", Version: "1.36.7",
			Pools: pools(3, "Standard_D4s_v5"), CreatedByAML: true}),
	}
}

// initialExtensions are the fixture extensions (state, so a delete or a
// reinstall persists).
func initialExtensions() []*extensionRec {
	installed := time.Date(2025, 9, 8, 5, 10, 57, 0, time.UTC)
	id := func(name string) string {
		return strings.ToLower((&cluster{Sub: DefaultSubscriptionID, RG: ClusterMLGroup, Name: name}).id())
	}
	settings := func() map[string]string {
		return map[string]string{"enableInference": "True", "enableTraining": "False", "inferenceRouterServiceType": "LoadBalancer",
			"inferenceRouterHA": "True", "allowInsecureConnections": "True", "clusterPurpose": "FastProd"}
	}
	// azMade adds what az k8s-extension create adds for an AKS cluster in
	// eastus: the extensions installed with az (all but the failed one)
	azMade := func(cl string, m map[string]string) map[string]string {
		cid := (&cluster{Sub: DefaultSubscriptionID, RG: ClusterMLGroup, Name: cl}).id()
		for k, v := range map[string]string{"cluster_name": cid, "clusterId": cid, "prometheus.prometheusSpec.externalLabels.cluster_name": cid,
			"cluster_name_friendly": cl, "location": "eastus", "jobSchedulerLocation": "eastus", "domain": "eastus.cloudapp.azure.com",
			"servicebus.enabled": "false", "relayserver.enabled": "false", "nginxIngress.enabled": "true"} {
			m[k] = v
		}
		return m
	}
	training := azMade(ClusterTraining, map[string]string{"enableInference": "False", "enableTraining": "True", "clusterPurpose": "FastProd",
		"installVolcano": "True"})
	healthy := func(cluster string) *extensionRec {
		return &extensionRec{Cluster: id(cluster), Name: "azureml", Type: "Microsoft.AzureML.Kubernetes", Version: extensionVersion,
			ReleaseTrain: "stable", AutoUpgrade: true, ReleaseNamespace: "azureml", Settings: azMade(cluster, settings()),
			State: "Succeeded", Created: installed, Modified: installed}
	}
	full := healthy(ClusterFull)
	full.Settings["inferenceRouterHA"] = "False"
	unhealthy := healthy(ClusterUnhealthy)
	unhealthy.HealthCode = "E45006"
	ready := func(cl string) *extensionRec {
		return &extensionRec{Cluster: id(cl), Name: "azureml", Type: "Microsoft.AzureML.Kubernetes", Version: extensionVersion,
			ReleaseTrain: "stable", AutoUpgrade: true, ReleaseNamespace: "azureml", Settings: azMade(cl, settings()),
			State: "Succeeded", Created: installed, Modified: installed}
	}
	return []*extensionRec{
		ready(ClusterNoLocal), ready(ClusterBindingsFull),
		healthy(ClusterNoRunCommand), full, healthy(ClusterGPU), unhealthy,
		{Cluster: id(ClusterTraining), Name: "azureml-training", Type: "Microsoft.AzureML.Kubernetes", Version: extensionVersion,
			ReleaseTrain: "stable", AutoUpgrade: true, ReleaseNamespace: "azureml", Settings: training,
			State: "Succeeded", Created: installed, Modified: installed},
		{Cluster: id(ClusterExtReady), Name: "azureml", Type: "Microsoft.AzureML.Kubernetes", Version: extensionVersion,
			ReleaseTrain: "stable", AutoUpgrade: true, ReleaseNamespace: "azureml", Settings: azMade(ClusterExtReady, settings()),
			State: "Succeeded", Created: installed, Modified: installed},
		// a raw ARM install under its own name (as Terraform's extension
		// resource makes it): without az's AKS keys, the healthcheck failed
		{Cluster: id(ClusterExtFailed), Name: ExtFailedName, Type: "Microsoft.AzureML.Kubernetes", Version: extensionVersion,
			ReleaseTrain: "stable", AutoUpgrade: true, ReleaseNamespace: "azureml", Settings: settings(),
			State: "Failed", Created: installed, Modified: installed,
			Error: &armError{Code: "ExtensionOperationFailed", Message: extensionFailure(ExtFailedName, healthcheckFailure(ExtFailedName, "service", "E45001",
				"AGENT_UNHEALTHY: the extension's agents did not start: the settings az k8s-extension create adds for an AKS cluster are missing or different: "+
					"relayserver.enabled=false, servicebus.enabled=false, nginxIngress.enabled=true, cluster_name, clusterId, location, domain, jobSchedulerLocation")).Message}},
	}
}

// initialRoleBindings are the fixture Trusted Access role bindings: the
// 8 of ClusterBindingsFull (backup vaults and other workspaces, none of
// mlw-prod).
func initialRoleBindings() []*roleBindingRec {
	created := time.Date(2025, 10, 2, 9, 30, 0, 0, time.UTC)
	full := strings.ToLower((&cluster{Sub: DefaultSubscriptionID, RG: ClusterMLGroup, Name: ClusterBindingsFull}).id())
	src := func(kind, name string) (string, string) {
		if kind == "backup" {
			return "/subscriptions/" + DefaultSubscriptionID + "/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/" + name,
				"Microsoft.DataProtection/backupVaults/backup-operator"
		}
		return "/subscriptions/" + DefaultSubscriptionID + "/resourceGroups/rg-teams/providers/Microsoft.MachineLearningServices/workspaces/" + name,
			"Microsoft.MachineLearningServices/workspaces/mlworkload"
	}
	var out []*roleBindingRec
	for i, n := range []struct{ kind, name string }{{"backup", "bv-aks"}, {"backup", "bv-aks-dr"}, {"ml", "mlw-team-a"}, {"ml", "mlw-team-b"},
		{"ml", "mlw-team-c"}, {"ml", "mlw-team-d"}, {"ml", "mlw-team-e"}, {"ml", "mlw-team-f"}} {
		s, role := src(n.kind, n.name)
		out = append(out, &roleBindingRec{Cluster: full, Name: fmt.Sprintf("ta-%s", n.name), Source: s, Roles: []string{role},
			Created: created.Add(time.Duration(i) * time.Hour)})
	}
	return out
}

// knownProviders are the resource provider namespaces the simulator knows
// (any other is InvalidResourceNamespace).
var knownProviders = []string{
	"Microsoft.ContainerService", "Microsoft.KubernetesConfiguration", "Microsoft.MachineLearningServices",
	"Microsoft.Kubernetes", "Microsoft.Relay", "Microsoft.Compute", "Microsoft.Network", "Microsoft.Storage",
	"Microsoft.KeyVault", "Microsoft.ContainerRegistry", "Microsoft.Insights", "Microsoft.OperationalInsights",
}

// fixtureRegistration is a namespace's registrationState before anything
// is registered: the sandbox subscription has never used cluster
// extensions or Arc.
func fixtureRegistration(sub, ns string) string {
	if strings.EqualFold(sub, SandboxSubscriptionID) {
		switch strings.ToLower(ns) {
		case "microsoft.kubernetesconfiguration", "microsoft.kubernetes", "microsoft.relay":
			return "NotRegistered"
		}
	}
	return "Registered"
}
