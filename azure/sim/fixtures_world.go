package sim

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

// Fixture identities, for tests and docs.
const (
	// DefaultSubscriptionID is "Contoso ML (demo)", the default subscription.
	DefaultSubscriptionID = "00000000-0000-4000-8000-000000000001"
	// SandboxSubscriptionID is "Contoso Sandbox (demo)".
	SandboxSubscriptionID = "00000000-0000-4000-8000-000000000002"
	// TenantID is the tenant of both subscriptions.
	TenantID = "00000000-0000-4000-8000-0000000000aa"
)

type subscription struct {
	ID, Name, QuotaID, SpendingLimit string
	CoresLimit                       int            // "cores" (Total Regional vCPUs) limit in every region
	FamilyLimit                      int            // default limit of general-purpose families
	Limits                           map[string]int // "region/family" → limit override
	Extra                            map[string]int // "region/family" → usage of VMs outside AKS
	Restricted                       map[string][]string
	ZoneRestricted                   map[string]map[string][]string // region → size → zones
	RestrictAccelerated              bool                           // GPU/FPGA/HPC/M sizes NotAvailableForSubscription everywhere
}

type workspace struct {
	Sub, RG, Name, Location   string
	FriendlyName, Description string
	WorkspaceID               string
	Created                   time.Time
	// Kind is the resource's kind: "" (rendered "Default") for an Azure
	// Machine Learning workspace, "Hub" or "Project" for Azure AI Foundry.
	Kind string
	// PrivateEndpoint: the workspace is reached through a private endpoint
	// (public network access disabled).
	PrivateEndpoint bool
}

// pool is one agent pool of a managed cluster.
type pool struct {
	Name   string `json:"name"`
	Count  int    `json:"count"`
	VMSize string `json:"vmSize"`
	Mode   string `json:"mode"`
	// Taints ("key=value:Effect") and Labels are the pool's node taints
	// and labels.
	Taints []string          `json:"taints,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
}

// cluster is a managed cluster: a fixture, or one AML created (persisted).
type cluster struct {
	Sub                string            `json:"subscription"`
	RG                 string            `json:"resourceGroup"`
	Name               string            `json:"name"`
	Location           string            `json:"location"`
	Version            string            `json:"kubernetesVersion"`
	PowerState         string            `json:"powerState"`
	ProvisioningState  string            `json:"provisioningState"`
	Pools              []pool            `json:"pools"`
	AuthorizedIPRanges []string          `json:"authorizedIPRanges,omitempty"`
	Private            bool              `json:"private,omitempty"`
	PrivatePublicFQDN  bool              `json:"privatePublicFQDN,omitempty"`
	LoadBalancerSKU    string            `json:"loadBalancerSku"`
	NetworkPlugin      string            `json:"networkPlugin"`
	OutboundType       string            `json:"outboundType"`
	ServiceCidr        string            `json:"serviceCidr,omitempty"`
	DNSServiceIP       string            `json:"dnsServiceIP,omitempty"`
	SubnetID           string            `json:"subnetId,omitempty"`
	CreatedByAML       bool              `json:"createdByAml,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
	// SPClientID is set for a cluster on a service principal (no managed
	// identity); DNSPrefix overrides the name-derived prefix.
	SPClientID string `json:"spClientId,omitempty"`
	DNSPrefix  string `json:"dnsPrefix,omitempty"`
	// DisableRunCommand is apiServerAccessProfile.disableRunCommand.
	DisableRunCommand bool `json:"disableRunCommand,omitempty"`
	// AADManaged is aadProfile.managed (AKS-managed Entra integration).
	AADManaged bool `json:"aadManaged,omitempty"`
	// Tier is the control plane's pricing tier ("" Free); SupportPlan
	// the Kubernetes support plan ("" KubernetesOfficial).
	Tier        string `json:"tier,omitempty"`
	SupportPlan string `json:"supportPlan,omitempty"`
	// LocalAccountsDisabled is disableLocalAccounts: no static kubeconfig
	// credentials, Microsoft Entra ID only.
	LocalAccountsDisabled bool `json:"disableLocalAccounts,omitempty"`
}

func (c *cluster) id() string {
	return fmt.Sprintf("/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ContainerService/managedClusters/%s", c.Sub, c.RG, c.Name)
}

func (c *cluster) dnsPrefix() string {
	if c.DNSPrefix != "" {
		return c.DNSPrefix
	}
	return c.Name + "-dns"
}

func (c *cluster) hash() string { return shortHash(c.Sub + "/" + c.RG + "/" + c.Name) }

func (c *cluster) publicFQDN() string {
	if c.Private && !c.PrivatePublicFQDN {
		return ""
	}
	return fmt.Sprintf("%s-%s.hcp.%s.azmk8s.io", c.dnsPrefix(), c.hash(), c.Location)
}

func (c *cluster) privateFQDN() string {
	if !c.Private {
		return ""
	}
	return fmt.Sprintf("%s-%s.%s.privatelink.%s.azmk8s.io", c.dnsPrefix(), c.hash(), shortHash(c.Name+"/zone"), c.Location)
}

// shortHash is 8 stable hex digits derived from s.
func shortHash(s string) string {
	h := fnv.New32a()
	h.Write([]byte(s))
	return fmt.Sprintf("%08x", h.Sum32())
}

// k8sMinor is one entry of the kubernetesVersions list.
type k8sMinor struct {
	Version string
	Default bool
	Preview bool
	Plans   []string
	Patches []string
}

const (
	planOfficial = "KubernetesOfficial"
	planLTS      = "AKSLongTermSupport"
)

// versionProfiles returns the Kubernetes version lists by profile, as in
// December 2026 (azure-aks-docs supported-kubernetes-versions.md: 1.34
// reached its end of community support in November 2026 and stays on
// the LTS plan; 1.35, 1.36 and 1.37 are generally available): most
// regions are "current"; westus2 and westcentralus are "ahead" (a newer
// default and the next minor in preview, which is modelled); a few regions
// are "lagging" (older patches). Each has an LTS-only minor (1.34) and a
// default. 1.24 is in none of them (aks-legacy runs 1.24.10).
func versionProfiles() map[string][]k8sMinor {
	both := []string{planOfficial, planLTS}
	return map[string][]k8sMinor{
		"current": {
			{Version: "1.34", Plans: []string{planLTS}, Patches: []string{"1.34.8", "1.34.9", "1.34.10"}},
			{Version: "1.35", Plans: both, Patches: []string{"1.35.5", "1.35.6", "1.35.7"}},
			{Version: "1.36", Default: true, Plans: both, Patches: []string{"1.36.5", "1.36.6", "1.36.7"}},
			{Version: "1.37", Plans: both, Patches: []string{"1.37.0", "1.37.1", "1.37.2"}},
		},
		"ahead": {
			{Version: "1.34", Plans: []string{planLTS}, Patches: []string{"1.34.9", "1.34.10"}},
			{Version: "1.35", Plans: both, Patches: []string{"1.35.6", "1.35.7"}},
			{Version: "1.36", Plans: both, Patches: []string{"1.36.6", "1.36.7"}},
			{Version: "1.37", Default: true, Plans: both, Patches: []string{"1.37.1", "1.37.2", "1.37.3"}},
			{Version: "1.38", Preview: true, Plans: []string{planOfficial}, Patches: []string{"1.38.0", "1.38.1"}},
		},
		"lagging": {
			{Version: "1.34", Plans: []string{planLTS}, Patches: []string{"1.34.7", "1.34.8"}},
			{Version: "1.35", Plans: both, Patches: []string{"1.35.4", "1.35.5"}},
			{Version: "1.36", Default: true, Plans: both, Patches: []string{"1.36.4", "1.36.5"}},
			{Version: "1.37", Plans: both, Patches: []string{"1.37.0", "1.37.1"}},
		},
	}
}

func subscriptionTable() []subscription {
	return []subscription{
		{
			ID: DefaultSubscriptionID, Name: "Contoso ML (demo)", QuotaID: "EnterpriseAgreement_2014-09-01", SpendingLimit: "Off",
			CoresLimit: 100, FamilyLimit: 100,
			Limits: map[string]int{
				"eastus/cores":                       196, // a default create fits next to every fixture cluster, with room for a few more nodes
				"eastus/standardFSv2Family":          10,  // the tight family: 6 used, 4 left
				"eastus/standardBSFamily":            20,
				"westeurope/standardNCASv3_T4Family": 32, // aks-gpu-weu uses 24
				"westus2/standardNCASv3_T4Family":    8,
				"westus2/standardNCADSA100v4Family":  24,
				"westus2/standardPBSFamily":          6,
			},
			Extra: map[string]int{
				"eastus/standardFSv2Family":     6, // build agents outside AKS
				"eastus/standardDv2Family":      8,
				"westeurope/standardDSv3Family": 4,
			},
			Restricted: map[string][]string{
				"eastus":     {"Standard_M8ms", "Standard_M128s", "Standard_ND40rs_v2", "Standard_E104i_v5", "Standard_F72s_v2"},
				"westeurope": {"Standard_NC64as_T4_v3", "Standard_ND96asr_v4", "Standard_M64ms"},
				"westus2":    {"Standard_ND96isr_H100_v5", "Standard_M64ms", "Standard_HB120rs_v3"},
			},
			ZoneRestricted: map[string]map[string][]string{
				"eastus":     {"Standard_D64s_v5": {"2"}, "Standard_NC4as_T4_v3": {"3"}},
				"westeurope": {"Standard_NC4as_T4_v3": {"1"}},
			},
		},
		{
			ID: SandboxSubscriptionID, Name: "Contoso Sandbox (demo)", QuotaID: "MSDN_2014-09-01", SpendingLimit: "On",
			CoresLimit: 20, FamilyLimit: 20, RestrictAccelerated: true,
			Limits: map[string]int{"westus2/cores": 30},
			Extra:  map[string]int{"westus2/standardBSFamily": 2},
		},
	}
}

func workspaceTable() []workspace {
	return []workspace{
		{Sub: DefaultSubscriptionID, RG: "rg-ml-prod", Name: "mlw-prod", Location: "eastus", FriendlyName: "Production ML",
			Description: "Production models and online inference", WorkspaceID: "3f1c2a6e-8b7d-4c5e-9a1f-0d2b4e6c8a01",
			Created: time.Date(2024, 11, 4, 9, 12, 44, 0, time.UTC)},
		{Sub: DefaultSubscriptionID, RG: "rg-research", Name: "mlw-research", Location: "westeurope", FriendlyName: "Research",
			Description: "Experiments and GPU training", WorkspaceID: "7a9e0c42-1d3b-4f6a-8e2c-5b7d9f1a3c02",
			Created: time.Date(2025, 2, 17, 14, 3, 9, 0, time.UTC)},
		{Sub: SandboxSubscriptionID, RG: "rg-sandbox", Name: "mlw-sandbox", Location: "westus2", FriendlyName: "Sandbox",
			Description: "Personal sandbox", WorkspaceID: "c4d2e8f0-6a1b-4c3d-8e5f-7a9b1c3d5e03",
			Created: time.Date(2025, 6, 2, 8, 30, 0, 0, time.UTC)},
		// behind a private endpoint: AKS clusters must be in its region
		{Sub: DefaultSubscriptionID, RG: "rg-ml-secure", Name: "mlw-secure", Location: "westeurope", FriendlyName: "Secure ML",
			Description: "Private-endpoint workspace", WorkspaceID: "2d4f6a8c-0e1b-4d3f-9a5c-7e9b1d3f5a06", PrivateEndpoint: true,
			Created: time.Date(2025, 10, 20, 11, 0, 0, 0, time.UTC)},
		// Azure AI Foundry: a hub and a project of it; neither takes an AKS compute
		{Sub: DefaultSubscriptionID, RG: "rg-ai-foundry", Name: "aif-hub", Location: "eastus", FriendlyName: "AI Foundry hub",
			Description: "Shared AI Foundry hub", WorkspaceID: "5b8d1f3a-2c4e-4a6b-9d8f-1e3a5c7b9d04", Kind: "Hub",
			Created: time.Date(2025, 9, 12, 10, 0, 0, 0, time.UTC)},
		{Sub: DefaultSubscriptionID, RG: "rg-ai-foundry", Name: "aif-project", Location: "eastus", FriendlyName: "AI Foundry project",
			Description: "Chat app project of aif-hub", WorkspaceID: "9e2c4a6b-8d1f-4b3e-a5c7-2f4b6d8e0a05", Kind: "Project",
			Created: time.Date(2025, 9, 12, 10, 30, 0, 0, time.UTC)},
	}
}

// clusterTable returns the fixture clusters: in the default subscription
// one per attach outcome, and one in the sandbox.
func clusterTable() []cluster {
	sub1, sub2 := DefaultSubscriptionID, SandboxSubscriptionID
	sys := func(n int, size string) []pool {
		return []pool{{Name: "nodepool1", Count: n, VMSize: size, Mode: "System"}}
	}
	std := func(c cluster) cluster {
		if c.PowerState == "" {
			c.PowerState = "Running"
		}
		if c.ProvisioningState == "" {
			c.ProvisioningState = "Succeeded"
		}
		if c.LoadBalancerSKU == "" {
			c.LoadBalancerSKU = "standard"
		}
		if c.NetworkPlugin == "" {
			c.NetworkPlugin = "azure"
		}
		if c.OutboundType == "" {
			c.OutboundType = "loadBalancer"
		}
		c.ServiceCidr, c.DNSServiceIP = "10.0.0.0/16", "10.0.0.10"
		return c
	}
	return append([]cluster{
		std(cluster{Sub: sub1, RG: "rg-aks", Name: "aks-shared", Location: "eastus", Version: "1.36.7", Pools: sys(3, "Standard_D4s_v3"),
			Tags: map[string]string{"team": "platform"}}),
		std(cluster{Sub: sub1, RG: "rg-aks", Name: "aks-legacy", Location: "eastus", Version: "1.24.10", Pools: sys(3, "Standard_DS3_v2"),
			LoadBalancerSKU: "basic", NetworkPlugin: "kubenet"}),
		std(cluster{Sub: sub1, RG: "rg-aks", Name: "aks-locked", Location: "eastus", Version: "1.35.7", Pools: sys(3, "Standard_D4s_v3"),
			AuthorizedIPRanges: []string{"203.0.113.0/24", "198.51.100.17/32"}}),
		std(cluster{Sub: sub1, RG: "rg-aks", Name: "aks-private", Location: "eastus", Version: "1.36.7", Pools: sys(3, "Standard_D4s_v3"),
			Private: true, OutboundType: "userDefinedRouting"}),
		std(cluster{Sub: sub1, RG: "rg-aks", Name: "aks-small", Location: "eastus", Version: "1.36.7", Pools: sys(2, "Standard_B2s")}),
		std(cluster{Sub: sub1, RG: "rg-aks", Name: "aks-stopped", Location: "eastus", Version: "1.36.6", Pools: sys(3, "Standard_D4s_v3"),
			PowerState: "Stopped"}),
		std(cluster{Sub: sub1, RG: "rg-gpu", Name: "aks-gpu-weu", Location: "westeurope", Version: "1.35.5", Pools: sys(3, "Standard_NC8as_T4_v3")}),
		std(cluster{Sub: sub1, RG: "rg-aks-preview", Name: "aks-preview", Location: "westus2", Version: "1.38.1", Pools: sys(3, "Standard_D4s_v5")}),
		std(cluster{Sub: sub1, RG: "rg-aks", Name: "aks-private-fqdn", Location: "eastus", Version: "1.36.7", Pools: sys(3, "Standard_D4s_v3"),
			Private: true, PrivatePublicFQDN: true}),
		std(cluster{Sub: sub1, RG: "rg-aks", Name: "aks-failed", Location: "eastus", Version: "1.36.5", Pools: sys(3, "Standard_D4s_v3"),
			ProvisioningState: "Failed"}),
		std(cluster{Sub: sub2, RG: "rg-sandbox", Name: "aks-sandbox", Location: "westus2", Version: "1.37.3", Pools: sys(3, "Standard_D4s_v3")}),
	}, k8sClusters(std)...)
}

// initialComputes returns the computes that exist before anything runs:
// mlw-prod's cpu-cluster (AmlCompute) and aks-inference (attached to
// aks-shared). Note the resourceId casing differs from the cluster's own id
// ("resourceGroups" vs "resourcegroups"), as it does in Azure.
func initialComputes() []*computeRec {
	created := time.Date(2025, 1, 20, 10, 4, 31, 0, time.UTC)
	attached := time.Date(2025, 3, 14, 16, 22, 5, 0, time.UTC)
	three := 3
	aml := json.RawMessage(`{"vmSize":"STANDARD_DS3_V2","vmPriority":"Dedicated","osType":"Linux",` +
		`"scaleSettings":{"maxNodeCount":4,"minNodeCount":0,"nodeIdleTimeBeforeScaleDown":"PT120S"},` +
		`"remoteLoginPortPublicAccess":"Disabled","enableNodePublicIp":true,"isolatedNetwork":false,` +
		`"allocationState":"Steady","allocationStateTransitionTime":"2025-06-30T07:41:12Z","currentNodeCount":0,"targetNodeCount":0,` +
		`"nodeStateCounts":{"idleNodeCount":0,"runningNodeCount":0,"preparingNodeCount":0,"unusableNodeCount":0,"leavingNodeCount":0,"preemptedNodeCount":0},` +
		`"errors":null}`)
	cpuDesc, aksDesc := "CPU training cluster", "Shared inference cluster (aks-shared)"
	shared := cluster{Sub: DefaultSubscriptionID, RG: "rg-aks", Name: "aks-shared", Location: "eastus"}
	legacyTLS := cluster{Sub: DefaultSubscriptionID, RG: ClusterMLGroup, Name: ClusterLegacyTLS, Location: "southcentralus"}
	tlsDesc := "Scoring cluster (v1, TLS)"
	return []*computeRec{
		{Sub: DefaultSubscriptionID, RG: "rg-ml-prod", Workspace: "mlw-prod", Name: "cpu-cluster", Location: "eastus",
			Type: "AmlCompute", ComputeLocation: "eastus", Description: &cpuDesc, State: "Succeeded", DisableLocalAuth: true,
			CreatedOn: created, ModifiedOn: created, AML: aml},
		{Sub: DefaultSubscriptionID, RG: "rg-ml-prod", Workspace: "mlw-prod", Name: "aks-inference", Location: "eastus",
			Type: "AKS", ComputeLocation: "eastus", Description: &aksDesc, State: "Succeeded", Attached: true,
			ResourceID: "/subscriptions/" + DefaultSubscriptionID + "/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-shared",
			CreatedOn:  attached, ModifiedOn: attached,
			AKS: &aksProps{AgentCount: &three, AgentVMSize: "Standard_D4s_v3", ClusterPurpose: "FastProd",
				ClusterFqdn: shared.publicFQDN(), LoadBalancerType: "PublicIp", SSL: &sslConf{Status: "Disabled"},
				SystemServices: scoringFront("aks-inference", "PublicIp")}},
		// created by Azure ML (isAttachedCompute false): deleting it
		// would delete its cluster; TLS with an own certificate
		{Sub: DefaultSubscriptionID, RG: "rg-ml-prod", Workspace: "mlw-prod", Name: ComputeLegacyTLS, Location: "eastus",
			Type: "AKS", ComputeLocation: "southcentralus", Description: &tlsDesc, State: "Succeeded",
			ResourceID: "/subscriptions/" + DefaultSubscriptionID + "/resourceGroups/" + ClusterMLGroup + "/providers/Microsoft.ContainerService/managedClusters/" + ClusterLegacyTLS,
			CreatedOn:  created, ModifiedOn: created,
			AKS: &aksProps{AgentCount: &three, AgentVMSize: "Standard_D4s_v5", ClusterPurpose: "FastProd",
				ClusterFqdn: legacyTLS.publicFQDN(), LoadBalancerType: "PublicIp", SSL: &sslConf{Status: "Enabled", Cname: LegacyTLSCname},
				SystemServices: scoringFront(ComputeLegacyTLS, "PublicIp")}},
	}
}

// scoringFront is the azureml-fe service AML reports on a ready AKS compute.
func scoringFront(name, lbType string) []systemService {
	h := fnv.New32a()
	h.Write([]byte(name))
	v := h.Sum32()
	ip := fmt.Sprintf("20.%d.%d.%d", 40+v%80, (v>>8)%256, 1+(v>>16)%254)
	if strings.EqualFold(lbType, "InternalLoadBalancer") {
		ip = fmt.Sprintf("10.1.%d.%d", (v>>8)%256, 4+(v>>16)%250)
	}
	return []systemService{{SystemServiceType: "ScoringFront", PublicIPAddress: ip, Version: "0.2.01981"}}
}
