package sim

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Page sizes: every list of the fixtures needs several pages.
const (
	workspacePage = 1
	computePage   = 1
	clusterPage   = 3
	skuPage       = 40
	skuPageAll    = 1000
	usagePage     = 25
)

// ---- subscriptions and locations ----

type subscriptionJSON struct {
	ID                   string   `json:"id"`
	AuthorizationSource  string   `json:"authorizationSource"`
	ManagedByTenants     []string `json:"managedByTenants"`
	SubscriptionID       string   `json:"subscriptionId"`
	TenantID             string   `json:"tenantId"`
	DisplayName          string   `json:"displayName"`
	State                string   `json:"state"`
	SubscriptionPolicies struct {
		LocationPlacementID string `json:"locationPlacementId"`
		QuotaID             string `json:"quotaId"`
		SpendingLimit       string `json:"spendingLimit"`
	} `json:"subscriptionPolicies"`
}

func renderSubscription(s *subscription) subscriptionJSON {
	j := subscriptionJSON{ID: "/subscriptions/" + s.ID, AuthorizationSource: "RoleBased", ManagedByTenants: []string{},
		SubscriptionID: s.ID, TenantID: TenantID, DisplayName: s.Name, State: "Enabled"}
	j.SubscriptionPolicies.LocationPlacementID = "Public_2014-09-01"
	j.SubscriptionPolicies.QuotaID = s.QuotaID
	j.SubscriptionPolicies.SpendingLimit = s.SpendingLimit
	return j
}

func (h *Handler) serveSubscriptions(r *http.Request, _ []string) reply {
	out := make([]subscriptionJSON, 0, len(h.w.subs))
	for i := range h.w.subs {
		out = append(out, renderSubscription(&h.w.subs[i]))
	}
	return okReply(struct {
		Value []subscriptionJSON `json:"value"`
		Count struct {
			Type  string `json:"type"`
			Value int    `json:"value"`
		} `json:"count"`
	}{Value: out, Count: struct {
		Type  string `json:"type"`
		Value int    `json:"value"`
	}{"Total", len(out)}})
}

func (h *Handler) serveSubscription(r *http.Request, p []string) reply {
	s := h.w.sub(p[0])
	if s == nil {
		return subNotFound(p[0])
	}
	return okReply(renderSubscription(s))
}

type pairedRegionJSON struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

type locationJSON struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	Type                string `json:"type"`
	DisplayName         string `json:"displayName"`
	RegionalDisplayName string `json:"regionalDisplayName"`
	Metadata            struct {
		RegionType       string             `json:"regionType"`
		RegionCategory   string             `json:"regionCategory"`
		GeographyGroup   string             `json:"geographyGroup,omitempty"`
		Geography        string             `json:"geography,omitempty"`
		Longitude        string             `json:"longitude,omitempty"`
		Latitude         string             `json:"latitude,omitempty"`
		PhysicalLocation string             `json:"physicalLocation,omitempty"`
		PairedRegion     []pairedRegionJSON `json:"pairedRegion,omitempty"`
	} `json:"metadata"`
	AvailabilityZoneMappings []zoneMappingJSON `json:"availabilityZoneMappings,omitempty"`
}

type zoneMappingJSON struct {
	LogicalZone  string `json:"logicalZone"`
	PhysicalZone string `json:"physicalZone"`
}

func (h *Handler) serveLocations(r *http.Request, p []string) reply {
	s := h.w.sub(p[0])
	if s == nil {
		return subNotFound(p[0])
	}
	out := make([]locationJSON, 0, len(h.w.regions))
	for i := range h.w.regions {
		rg := &h.w.regions[i]
		j := locationJSON{ID: "/subscriptions/" + s.ID + "/locations/" + rg.Name, Name: rg.Name, Type: "Region",
			DisplayName: rg.DisplayName, RegionalDisplayName: rg.RegionalDisplayName}
		j.Metadata.RegionType = "Physical"
		if rg.Logical {
			j.Metadata.RegionType = "Logical"
		}
		j.Metadata.RegionCategory = rg.Category
		j.Metadata.GeographyGroup, j.Metadata.Geography = rg.GeographyGroup, rg.Geography
		j.Metadata.Latitude, j.Metadata.Longitude, j.Metadata.PhysicalLocation = rg.Latitude, rg.Longitude, rg.PhysicalLocation
		for _, pr := range rg.Pairs {
			j.Metadata.PairedRegion = append(j.Metadata.PairedRegion,
				pairedRegionJSON{Name: pr, ID: "/subscriptions/" + s.ID + "/locations/" + pr})
		}
		if rg.Zones {
			for z := 1; z <= 3; z++ {
				j.AvailabilityZoneMappings = append(j.AvailabilityZoneMappings,
					zoneMappingJSON{LogicalZone: strconv.Itoa(z), PhysicalZone: fmt.Sprintf("%s-az%d", rg.Name, (z+len(s.ID))%3+1)})
			}
		}
		out = append(out, j)
	}
	return okReply(page[locationJSON]{Value: out})
}

// ---- workspaces ----

type workspaceJSON struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Type     string            `json:"type"`
	Location string            `json:"location"`
	Kind     string            `json:"kind"`
	Tags     map[string]string `json:"tags"`
	Identity struct {
		Type        string `json:"type"`
		PrincipalID string `json:"principalId"`
		TenantID    string `json:"tenantId"`
	} `json:"identity"`
	SKU struct {
		Name string `json:"name"`
		Tier string `json:"tier"`
	} `json:"sku"`
	SystemData struct {
		CreatedAt      string `json:"createdAt"`
		CreatedBy      string `json:"createdBy"`
		CreatedByType  string `json:"createdByType"`
		LastModifiedAt string `json:"lastModifiedAt"`
	} `json:"systemData"`
	Properties struct {
		FriendlyName        string `json:"friendlyName"`
		Description         string `json:"description"`
		ProvisioningState   string `json:"provisioningState"`
		WorkspaceID         string `json:"workspaceId"`
		KeyVault            string `json:"keyVault"`
		StorageAccount      string `json:"storageAccount"`
		ApplicationInsights string `json:"applicationInsights"`
		ContainerRegistry   string `json:"containerRegistry"`
		DiscoveryURL        string `json:"discoveryUrl"`
		MlFlowTrackingURI   string `json:"mlFlowTrackingUri"`
		PublicNetworkAccess string `json:"publicNetworkAccess"`
		HbiWorkspace        bool   `json:"hbiWorkspace"`
		V1LegacyMode        bool   `json:"v1LegacyMode"`
		// PrivateEndpointConnections: an approved private endpoint of the
		// workspace's VNet (Microsoft.MachineLearningServices/workspaces/privateEndpointConnections).
		PrivateEndpointConnections []privateEndpointConnJSON `json:"privateEndpointConnections,omitempty"`
	} `json:"properties"`
}

func renderWorkspace(ws *workspace) workspaceJSON {
	rgID := "/subscriptions/" + ws.Sub + "/resourceGroups/" + ws.RG
	flat := strings.ReplaceAll(ws.Name, "-", "")
	j := workspaceJSON{ID: rgID + "/providers/Microsoft.MachineLearningServices/workspaces/" + ws.Name, Name: ws.Name,
		Type: "Microsoft.MachineLearningServices/workspaces", Location: ws.Location, Kind: cmp.Or(ws.Kind, "Default"),
		Tags: map[string]string{"env": strings.TrimPrefix(ws.Name, "mlw-")}}
	j.Identity.Type, j.Identity.PrincipalID, j.Identity.TenantID = "SystemAssigned", shortHash(ws.Name)+"-0000-4000-8000-00000000d00d", TenantID
	j.SKU.Name, j.SKU.Tier = "Basic", "Basic"
	j.SystemData.CreatedAt = ws.Created.Format(time.RFC3339)
	j.SystemData.CreatedBy, j.SystemData.CreatedByType = "mlops@contoso.example", "User"
	j.SystemData.LastModifiedAt = ws.Created.Add(36 * time.Hour).Format(time.RFC3339)
	pr := &j.Properties
	pr.FriendlyName, pr.Description, pr.ProvisioningState, pr.WorkspaceID = ws.FriendlyName, ws.Description, "Succeeded", ws.WorkspaceID
	pr.KeyVault = rgID + "/providers/Microsoft.KeyVault/vaults/kv-" + ws.Name
	pr.StorageAccount = rgID + "/providers/Microsoft.Storage/storageAccounts/st" + flat + "01"
	pr.ApplicationInsights = rgID + "/providers/Microsoft.Insights/components/appi-" + ws.Name
	pr.ContainerRegistry = rgID + "/providers/Microsoft.ContainerRegistry/registries/cr" + flat + "01"
	pr.DiscoveryURL = "https://" + ws.Location + ".api.azureml.ms/discovery"
	pr.MlFlowTrackingURI = "azureml://" + ws.Location + ".api.azureml.ms/mlflow/v1.0" + j.ID
	pr.PublicNetworkAccess = "Enabled"
	if ws.PrivateEndpoint {
		pr.PublicNetworkAccess = "Disabled"
		pe := privateEndpointConnJSON{ID: j.ID + "/privateEndpointConnections/pe-" + ws.Name + ".conn", Name: "pe-" + ws.Name + ".conn",
			Type: "Microsoft.MachineLearningServices/workspaces/privateEndpointConnections", Location: ws.Location}
		pe.Properties.PrivateEndpoint.ID = rgID + "/providers/Microsoft.Network/privateEndpoints/pe-" + ws.Name
		pe.Properties.PrivateLinkServiceConnectionState.Status = "Approved"
		pe.Properties.PrivateLinkServiceConnectionState.Description = "Auto-Approved"
		pe.Properties.PrivateLinkServiceConnectionState.ActionsRequired = "None"
		pe.Properties.ProvisioningState = "Succeeded"
		pr.PrivateEndpointConnections = []privateEndpointConnJSON{pe}
	}
	return j
}

type privateEndpointConnJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Location   string `json:"location"`
	Properties struct {
		PrivateEndpoint struct {
			ID string `json:"id"`
		} `json:"privateEndpoint"`
		PrivateLinkServiceConnectionState struct {
			Status          string `json:"status"`
			Description     string `json:"description"`
			ActionsRequired string `json:"actionsRequired"`
		} `json:"privateLinkServiceConnectionState"`
		ProvisioningState string `json:"provisioningState"`
	} `json:"properties"`
}

func (h *Handler) serveWorkspaces(r *http.Request, p []string) reply {
	if h.w.sub(p[0]) == nil {
		return subNotFound(p[0])
	}
	byRG := len(p) == 2
	if byRG && !h.w.resourceGroupExists(p[0], p[1]) {
		return rgNotFound(p[1])
	}
	out := []workspaceJSON{}
	for i := range h.w.workspaces {
		ws := &h.w.workspaces[i]
		if strings.EqualFold(ws.Sub, p[0]) && (!byRG || strings.EqualFold(ws.RG, p[1])) {
			out = append(out, renderWorkspace(ws))
		}
	}
	return paged(r, out, workspacePage)
}

func (h *Handler) serveWorkspace(r *http.Request, p []string) reply {
	rep, ws := h.lookupWorkspace(p[0], p[1], p[2])
	if ws == nil {
		return rep
	}
	return okReply(renderWorkspace(ws))
}

// lookupWorkspace returns the workspace or the ARM error reply.
func (h *Handler) lookupWorkspace(sub, rg, name string) (reply, *workspace) {
	if h.w.sub(sub) == nil {
		return subNotFound(sub), nil
	}
	if !h.w.resourceGroupExists(sub, rg) {
		return rgNotFound(rg), nil
	}
	ws := h.w.workspace(sub, rg, name)
	if ws == nil {
		return resourceNotFound("Microsoft.MachineLearningServices/workspaces", name, rg), nil
	}
	return reply{}, ws
}

// ---- AML vmSizes ----

type priceJSON struct {
	RetailPrice float64 `json:"retailPrice"`
	OsType      string  `json:"osType"`
	VMTier      string  `json:"vmTier"`
}

type amlSizeJSON struct {
	Name                  string   `json:"name"`
	Family                string   `json:"family"`
	VCPUs                 int      `json:"vCPUs"`
	GPUs                  int      `json:"gpus"`
	OsVhdSizeMB           int      `json:"osVhdSizeMB"`
	MaxResourceVolumeMB   int      `json:"maxResourceVolumeMB"`
	MemoryGB              float64  `json:"memoryGB"`
	LowPriorityCapable    bool     `json:"lowPriorityCapable"`
	PremiumIO             bool     `json:"premiumIO"`
	SupportedComputeTypes []string `json:"supportedComputeTypes"`
	EstimatedVMPrices     *struct {
		BillingCurrency string      `json:"billingCurrency"`
		UnitOfMeasure   string      `json:"unitOfMeasure"`
		Values          []priceJSON `json:"values"`
	} `json:"estimatedVMPrices,omitempty"`
}

func (h *Handler) serveVMSizes(r *http.Request, p []string) reply {
	if h.w.sub(p[0]) == nil {
		return subNotFound(p[0])
	}
	rg := h.w.physical(p[1])
	if rg == nil {
		return noProvider(p[1], r.URL.Query().Get("api-version"), "locations/vmSizes")
	}
	out := []amlSizeJSON{}
	for i := range h.w.sizes {
		s := &h.w.sizes[i]
		if !h.w.offered(s, rg.Name) {
			continue
		}
		j := amlSizeJSON{Name: s.Name, Family: s.Family, VCPUs: s.VCPUs, GPUs: s.GPUs, OsVhdSizeMB: 1047552,
			MaxResourceVolumeMB: s.TempDiskGB * 1024, MemoryGB: s.MemoryGB, LowPriorityCapable: s.LowPriority,
			PremiumIO: s.PremiumIO, SupportedComputeTypes: []string{"AmlCompute", "ComputeInstance"}}
		if s.Class == "burstable" {
			j.SupportedComputeTypes = []string{"ComputeInstance"}
		}
		if s.Price > 0 {
			j.EstimatedVMPrices = &struct {
				BillingCurrency string      `json:"billingCurrency"`
				UnitOfMeasure   string      `json:"unitOfMeasure"`
				Values          []priceJSON `json:"values"`
			}{BillingCurrency: "USD", UnitOfMeasure: "OneHour"}
			price := roundPrice(s.Price * rg.PriceFactor)
			j.EstimatedVMPrices.Values = append(j.EstimatedVMPrices.Values, priceJSON{price, "Linux", "Standard"})
			if s.LowPriority {
				j.EstimatedVMPrices.Values = append(j.EstimatedVMPrices.Values, priceJSON{roundPrice(price * 0.2), "Linux", "LowPriority"})
			}
			j.EstimatedVMPrices.Values = append(j.EstimatedVMPrices.Values, priceJSON{roundPrice(price*1.42 + 0.04*float64(s.VCPUs)), "Windows", "Standard"})
		}
		out = append(out, j)
	}
	return okReply(struct {
		Value []amlSizeJSON `json:"value"`
	}{out})
}

func roundPrice(p float64) float64 {
	return float64(int64(p*10000+0.5)) / 10000
}

// ---- Kubernetes versions ----

type versionJSON struct {
	Version      string `json:"version"`
	Capabilities struct {
		SupportPlan []string `json:"supportPlan"`
	} `json:"capabilities"`
	IsDefault     bool                 `json:"isDefault"`
	IsPreview     bool                 `json:"isPreview"`
	PatchVersions map[string]patchJSON `json:"patchVersions"`
}

type patchJSON struct {
	Upgrades []string `json:"upgrades"`
}

func (h *Handler) serveVersions(r *http.Request, p []string) reply {
	if h.w.sub(p[0]) == nil {
		return subNotFound(p[0])
	}
	vs := h.w.versionsFor(p[1])
	if vs == nil {
		return noProvider(p[1], r.URL.Query().Get("api-version"), "locations/kubernetesVersions")
	}
	out := make([]versionJSON, 0, len(vs))
	for i, m := range vs {
		j := versionJSON{Version: m.Version, IsDefault: m.Default, IsPreview: m.Preview, PatchVersions: map[string]patchJSON{}}
		j.Capabilities.SupportPlan = append([]string(nil), m.Plans...)
		for _, pv := range m.Patches {
			j.PatchVersions[pv] = patchJSON{Upgrades: upgrades(vs, i, pv)}
		}
		out = append(out, j)
	}
	return okReply(struct {
		Values []versionJSON `json:"values"`
	}{out})
}

// ---- managed clusters ----

type powerStateJSON struct {
	Code string `json:"code"`
}

type agentPoolJSON struct {
	Name                       string         `json:"name"`
	Count                      int            `json:"count"`
	VMSize                     string         `json:"vmSize"`
	OsDiskSizeGB               int            `json:"osDiskSizeGB"`
	OsDiskType                 string         `json:"osDiskType"`
	KubeletDiskType            string         `json:"kubeletDiskType"`
	MaxPods                    int            `json:"maxPods"`
	Type                       string         `json:"type"`
	EnableAutoScaling          bool           `json:"enableAutoScaling"`
	ProvisioningState          string         `json:"provisioningState"`
	PowerState                 powerStateJSON `json:"powerState"`
	OrchestratorVersion        string         `json:"orchestratorVersion"`
	CurrentOrchestratorVersion string         `json:"currentOrchestratorVersion"`
	Mode                       string         `json:"mode"`
	OsType                     string         `json:"osType"`
	OsSKU                      string         `json:"osSKU"`
	NodeImageVersion           string         `json:"nodeImageVersion"`
	EnableNodePublicIP         bool           `json:"enableNodePublicIP"`
	VnetSubnetID               string         `json:"vnetSubnetID,omitempty"`
}

type apiServerJSON struct {
	AuthorizedIPRanges             []string `json:"authorizedIPRanges,omitempty"`
	EnablePrivateCluster           bool     `json:"enablePrivateCluster"`
	EnablePrivateClusterPublicFQDN bool     `json:"enablePrivateClusterPublicFQDN,omitempty"`
	PrivateDNSZone                 string   `json:"privateDNSZone,omitempty"`
}

type clusterJSON struct {
	ID       string            `json:"id"`
	Location string            `json:"location"`
	Name     string            `json:"name"`
	Type     string            `json:"type"`
	Tags     map[string]string `json:"tags,omitempty"`
	SKU      struct {
		Name string `json:"name"`
		Tier string `json:"tier"`
	} `json:"sku"`
	Identity   *identityJSON `json:"identity,omitempty"`
	Properties struct {
		ProvisioningState        string          `json:"provisioningState"`
		PowerState               powerStateJSON  `json:"powerState"`
		KubernetesVersion        string          `json:"kubernetesVersion"`
		CurrentKubernetesVersion string          `json:"currentKubernetesVersion"`
		DNSPrefix                string          `json:"dnsPrefix"`
		Fqdn                     string          `json:"fqdn,omitempty"`
		AzurePortalFQDN          string          `json:"azurePortalFQDN,omitempty"`
		PrivateFQDN              string          `json:"privateFQDN,omitempty"`
		AgentPoolProfiles        []agentPoolJSON `json:"agentPoolProfiles"`
		ServicePrincipalProfile  struct {
			ClientID string `json:"clientId"`
		} `json:"servicePrincipalProfile"`
		NodeResourceGroup string `json:"nodeResourceGroup"`
		EnableRBAC        bool   `json:"enableRBAC"`
		SupportPlan       string `json:"supportPlan"`
		NetworkProfile    struct {
			NetworkPlugin   string `json:"networkPlugin"`
			LoadBalancerSku string `json:"loadBalancerSku"`
			OutboundType    string `json:"outboundType"`
			ServiceCidr     string `json:"serviceCidr,omitempty"`
			DNSServiceIP    string `json:"dnsServiceIP,omitempty"`
			PodCidr         string `json:"podCidr,omitempty"`
		} `json:"networkProfile"`
		APIServerAccessProfile *apiServerJSON `json:"apiServerAccessProfile,omitempty"`
		MaxAgentPools          int            `json:"maxAgentPools"`
		DisableLocalAccounts   bool           `json:"disableLocalAccounts"`
	} `json:"properties"`
}

func renderCluster(c *cluster) clusterJSON {
	j := clusterJSON{ID: c.id(), Location: c.Location, Name: c.Name, Type: "Microsoft.ContainerService/ManagedClusters", Tags: c.Tags}
	j.SKU.Name, j.SKU.Tier = "Base", "Free"
	if c.Tier != "" {
		j.SKU.Tier = c.Tier
	}
	pr := &j.Properties
	if c.SPClientID != "" {
		// A cluster on a service principal: no identity; AKS shows the
		// principal's client id (never its secret).
		pr.ServicePrincipalProfile.ClientID = c.SPClientID
	} else {
		// Managed identity clusters show servicePrincipalProfile.clientId "msi".
		j.Identity = &identityJSON{Type: "SystemAssigned", PrincipalID: c.hash() + "-5d1e-4c7a-9b3f-" + shortHash(c.Name) + "0a0b", TenantID: TenantID}
		pr.ServicePrincipalProfile.ClientID = "msi"
	}
	pr.ProvisioningState = c.ProvisioningState
	pr.PowerState = powerStateJSON{c.PowerState}
	pr.KubernetesVersion, pr.CurrentKubernetesVersion = c.Version, c.Version
	pr.DNSPrefix = c.dnsPrefix()
	pr.Fqdn = c.publicFQDN()
	if pr.Fqdn != "" {
		pr.AzurePortalFQDN = strings.Replace(pr.Fqdn, ".hcp.", ".portal.hcp.", 1)
	}
	pr.PrivateFQDN = c.privateFQDN()
	for _, p := range c.Pools {
		maxPods := 110
		if c.NetworkPlugin == "azure" {
			maxPods = 30
		}
		pr.AgentPoolProfiles = append(pr.AgentPoolProfiles, agentPoolJSON{Name: p.Name, Count: p.Count, VMSize: p.VMSize,
			OsDiskSizeGB: 128, OsDiskType: "Managed", KubeletDiskType: "OS", MaxPods: maxPods, Type: "VirtualMachineScaleSets",
			ProvisioningState: c.ProvisioningState, PowerState: powerStateJSON{c.PowerState}, OrchestratorVersion: c.Version,
			CurrentOrchestratorVersion: c.Version, Mode: p.Mode, OsType: "Linux", OsSKU: "Ubuntu",
			NodeImageVersion: "AKSUbuntu-2204gen2containerd-202507.21.0", VnetSubnetID: c.SubnetID})
	}
	pr.NodeResourceGroup = fmt.Sprintf("MC_%s_%s_%s", c.RG, c.Name, c.Location)
	pr.EnableRBAC = true
	pr.SupportPlan = planOfficial
	if c.SupportPlan != "" {
		pr.SupportPlan = c.SupportPlan
	}
	np := &pr.NetworkProfile
	np.NetworkPlugin, np.LoadBalancerSku, np.OutboundType = c.NetworkPlugin, c.LoadBalancerSKU, c.OutboundType
	np.ServiceCidr, np.DNSServiceIP = c.ServiceCidr, c.DNSServiceIP
	if c.NetworkPlugin == "kubenet" {
		np.PodCidr = "10.244.0.0/16"
	}
	if c.Private || len(c.AuthorizedIPRanges) > 0 {
		pr.APIServerAccessProfile = &apiServerJSON{AuthorizedIPRanges: c.AuthorizedIPRanges, EnablePrivateCluster: c.Private,
			EnablePrivateClusterPublicFQDN: c.PrivatePublicFQDN}
		if c.Private {
			pr.APIServerAccessProfile.PrivateDNSZone = "system"
		}
	}
	pr.MaxAgentPools = 100
	pr.DisableLocalAccounts = c.LocalAccountsDisabled
	return j
}

func (h *Handler) serveClusters(r *http.Request, p []string) reply {
	if h.w.sub(p[0]) == nil {
		return subNotFound(p[0])
	}
	byRG := len(p) == 2
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	var out []clusterJSON
	for _, c := range h.clustersLocked(p[0]) {
		if !byRG || strings.EqualFold(c.RG, p[1]) {
			out = append(out, h.renderClusterLocked(c))
		}
	}
	h.end()
	if byRG && len(out) == 0 && !h.w.resourceGroupExists(p[0], p[1]) {
		return rgNotFound(p[1])
	}
	return paged(r, out, clusterPage)
}

func (h *Handler) serveCluster(r *http.Request, p []string) reply {
	sub := h.w.sub(p[0])
	if sub == nil {
		return subNotFound(p[0])
	}
	switch r.Method {
	case http.MethodPut:
		return h.putCluster(r, sub, p[1], p[2])
	case http.MethodDelete:
		return h.deleteCluster(r, sub, p[1], p[2])
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	c := h.clusterLocked(p[0], p[1], p[2])
	var j clusterJSON
	if c != nil {
		j = h.renderClusterLocked(c)
	}
	h.end()
	if c == nil {
		return resourceNotFound("Microsoft.ContainerService/managedClusters", p[2], p[1])
	}
	return okReply(j)
}

// stateError answers a state file problem: 503 (retried by clients) when
// another writer got in first, else 500.
func stateError(err error) reply {
	if errors.Is(err, errStateConflict) {
		return errReply(http.StatusServiceUnavailable, "ServiceUnavailable", err.Error())
	}
	if errors.Is(err, errStateNotSaved) {
		// 507 (not retried): the disk will not be emptier in a second
		return errReply(http.StatusInsufficientStorage, "DemoStateNotSaved", err.Error())
	}
	if errors.Is(err, errStateCorrupt) {
		// Not retriable: only a reset helps.
		return errReply(http.StatusBadRequest, "DemoStateCorrupt", err.Error())
	}
	return errReply(http.StatusInternalServerError, "InternalServerError", err.Error())
}

// ---- resource SKUs ----

type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type skuLocationInfo struct {
	Location    string   `json:"location"`
	Zones       []string `json:"zones"`
	ZoneDetails []any    `json:"zoneDetails"`
}

type skuRestrictionJSON struct {
	Type            string   `json:"type"`
	Values          []string `json:"values"`
	RestrictionInfo struct {
		Locations []string `json:"locations,omitempty"`
		Zones     []string `json:"zones,omitempty"`
	} `json:"restrictionInfo"`
	ReasonCode string `json:"reasonCode"`
}

type skuJSON struct {
	ResourceType string               `json:"resourceType"`
	Name         string               `json:"name"`
	Tier         string               `json:"tier,omitempty"`
	Size         string               `json:"size,omitempty"`
	Family       string               `json:"family,omitempty"`
	Locations    []string             `json:"locations"`
	LocationInfo []skuLocationInfo    `json:"locationInfo"`
	Capabilities []nameValue          `json:"capabilities,omitempty"`
	Restrictions []skuRestrictionJSON `json:"restrictions"`
}

// skuCache keeps each (subscription, region) SKU list: they never change.
type skuCache struct {
	mu sync.Mutex
	m  map[string][]skuJSON
}

// parseLocationFilter reads "location eq 'eastus'", the only $filter the
// SKU API supports.
func parseLocationFilter(filter string) (string, bool) {
	f := strings.Fields(filter)
	if len(f) != 3 || !strings.EqualFold(f[0], "location") || !strings.EqualFold(f[1], "eq") ||
		len(f[2]) < 2 || f[2][0] != '\'' || f[2][len(f[2])-1] != '\'' {
		return "", false
	}
	return f[2][1 : len(f[2])-1], true
}

func (h *Handler) serveSKUs(r *http.Request, p []string) reply {
	s := h.w.sub(p[0])
	if s == nil {
		return subNotFound(p[0])
	}
	filter := r.URL.Query().Get("$filter")
	if filter == "" {
		var all []skuJSON
		for i := range h.w.regions {
			if !h.w.regions[i].Logical {
				all = append(all, h.regionSKUs(s, &h.w.regions[i])...)
			}
		}
		return paged(r, all, skuPageAll)
	}
	loc, ok := parseLocationFilter(filter)
	if !ok {
		return errReply(http.StatusBadRequest, "InvalidFilterInQueryString",
			fmt.Sprintf("The $filter '%s' is not supported. Supported: location eq '<location>'.", filter))
	}
	rg := h.w.physical(loc)
	if rg == nil {
		return paged(r, []skuJSON{}, skuPage)
	}
	return paged(r, h.regionSKUs(s, rg), skuPage)
}

func (h *Handler) regionSKUs(s *subscription, rg *region) []skuJSON {
	key := s.ID + "|" + rg.Name
	h.skus.mu.Lock()
	defer h.skus.mu.Unlock()
	if v, ok := h.skus.m[key]; ok {
		return v
	}
	if h.skus.m == nil {
		h.skus.m = map[string][]skuJSON{}
	}
	v := buildRegionSKUs(h.w, s, rg)
	h.skus.m[key] = v
	return v
}

func buildRegionSKUs(w *world, s *subscription, rg *region) []skuJSON {
	var zones []string
	if rg.Zones {
		zones = []string{"1", "2", "3"}
	}
	loc := func() []skuLocationInfo {
		return []skuLocationInfo{{Location: rg.Name, Zones: zones, ZoneDetails: []any{}}}
	}
	other := func(typ, name, tier, size string, caps ...nameValue) skuJSON {
		return skuJSON{ResourceType: typ, Name: name, Tier: tier, Size: size, Locations: []string{rg.Name},
			LocationInfo: loc(), Capabilities: caps, Restrictions: []skuRestrictionJSON{}}
	}
	out := []skuJSON{
		other("availabilitySets", "Classic", "", "", nameValue{"MaximumPlatformFaultDomainCount", "3"}),
		other("availabilitySets", "Aligned", "", "", nameValue{"MaximumPlatformFaultDomainCount", "3"}),
		other("disks", "Standard_LRS", "Standard", "S4", nameValue{"MaxSizeGiB", "32"}, nameValue{"MinSizeGiB", "0"}, nameValue{"MaxIOps", "500"}),
		other("disks", "Premium_LRS", "Premium", "P1", nameValue{"MaxSizeGiB", "4"}, nameValue{"MinSizeGiB", "0"}, nameValue{"MaxIOps", "120"}),
		other("disks", "StandardSSD_LRS", "Standard", "E1", nameValue{"MaxSizeGiB", "4"}, nameValue{"MinSizeGiB", "0"}, nameValue{"MaxIOps", "500"}),
	}
	if rg.Zones {
		out = append(out, other("disks", "UltraSSD_LRS", "Ultra", "Ultra", nameValue{"MaxSizeGiB", "65536"}))
	}
	for i := range w.sizes {
		v := &w.sizes[i]
		if !w.offered(v, rg.Name) {
			continue
		}
		j := skuJSON{ResourceType: "virtualMachines", Name: v.Name, Tier: "Standard", Size: strings.TrimPrefix(v.Name, "Standard_"),
			Family: v.Family, Locations: []string{rg.Name}, LocationInfo: loc(), Capabilities: vmCapabilities(v),
			Restrictions: []skuRestrictionJSON{}}
		location, zs := w.restricted(s, v, rg.Name)
		if location {
			var x skuRestrictionJSON
			x.Type, x.Values, x.ReasonCode = "Location", []string{rg.Name}, "NotAvailableForSubscription"
			x.RestrictionInfo.Locations = []string{rg.Name}
			j.Restrictions = append(j.Restrictions, x)
		} else if len(zs) > 0 && rg.Zones {
			var x skuRestrictionJSON
			x.Type, x.Values, x.ReasonCode = "Zone", []string{rg.Name}, "NotAvailableForSubscription"
			x.RestrictionInfo.Locations, x.RestrictionInfo.Zones = []string{rg.Name}, zs
			j.Restrictions = append(j.Restrictions, x)
		}
		out = append(out, j)
	}
	out = append(out,
		other("snapshots", "Standard_LRS", "Standard", ""),
		other("snapshots", "Premium_LRS", "Premium", ""),
		other("snapshots", "Standard_ZRS", "Standard", ""),
	)
	return out
}

func vmCapabilities(v *vmSize) []nameValue {
	b := func(x bool) string {
		if x {
			return "True"
		}
		return "False"
	}
	itoa := strconv.Itoa
	disks := v.VCPUs * 2
	if disks > 64 {
		disks = 64
	}
	nics := v.VCPUs / 2
	if nics < 2 {
		nics = 2
	}
	if nics > 8 {
		nics = 8
	}
	caps := []nameValue{
		{"MaxResourceVolumeMB", itoa(v.TempDiskGB * 1024)},
		{"OSVhdSizeMB", "1047552"},
		{"vCPUs", itoa(v.VCPUs)},
		{"MemoryPreservingMaintenanceSupported", "True"},
		{"HyperVGenerations", v.HyperV},
		{"MemoryGB", strconv.FormatFloat(v.MemoryGB, 'f', -1, 64)},
		{"MaxDataDiskCount", itoa(disks)},
		{"CpuArchitectureType", "x64"},
		{"LowPriorityCapable", b(v.LowPriority)},
		{"PremiumIO", b(v.PremiumIO)},
		{"VMDeploymentTypes", "IaaS"},
		{"vCPUsAvailable", itoa(v.VCPUs)},
	}
	if v.ACUs > 0 {
		caps = append(caps, nameValue{"ACUs", itoa(v.ACUs)})
	}
	caps = append(caps,
		nameValue{"vCPUsPerCore", itoa(v.VCPUsPerCore)},
		nameValue{"EphemeralOSDiskSupported", b(v.TempDiskGB > 0)},
		nameValue{"EncryptionAtHostSupported", "True"},
		nameValue{"CapacityReservationSupported", b(v.Class != "burstable")},
		nameValue{"AcceleratedNetworkingEnabled", b(v.VCPUs >= 2 && v.Class != "burstable")},
		nameValue{"RdmaEnabled", b(v.Rdma)},
		nameValue{"MaxNetworkInterfaces", itoa(nics)},
	)
	if v.GPUs > 0 {
		caps = append(caps, nameValue{"GPUs", itoa(v.GPUs)})
	}
	return caps
}

// ---- compute usages ----

type usageJSON struct {
	CurrentValue int `json:"currentValue"`
	Limit        int `json:"limit"`
	Name         struct {
		Value          string `json:"value"`
		LocalizedValue string `json:"localizedValue"`
	} `json:"name"`
	Unit string `json:"unit"`
}

// usageLabel is the localizedValue of a usage name.
func usageLabel(name string) string {
	switch name {
	case "cores":
		return "Total Regional vCPUs"
	case "lowPriorityCores":
		return "Total Regional Low-priority vCPUs"
	case "availabilitySets":
		return "Availability Sets"
	case "virtualMachines":
		return "Virtual Machines"
	case "virtualMachineScaleSets":
		return "Virtual Machine Scale Sets"
	}
	mid := strings.TrimSuffix(strings.TrimPrefix(name, "standard"), "Family")
	return "Standard " + mid + " Family vCPUs"
}

// usageLocked is sub's current usage in region: fixtures plus changes.
func (h *Handler) usageLocked(s *subscription, region string) map[string]int {
	u := h.w.baseUsage(s, region)
	prefix := strings.ToLower(s.ID) + "|" + region + "|"
	for k, v := range h.st.Usage {
		if name, ok := strings.CutPrefix(k, prefix); ok {
			u[name] += v
		}
	}
	return u
}

func (h *Handler) serveUsages(r *http.Request, p []string) reply {
	s := h.w.sub(p[0])
	if s == nil {
		return subNotFound(p[0])
	}
	rg := h.w.physical(p[1])
	if rg == nil {
		return noProvider(p[1], r.URL.Query().Get("api-version"), "locations/usages")
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	u := h.usageLocked(s, rg.Name)
	h.end()
	names := []string{"availabilitySets", "cores", "virtualMachines", "virtualMachineScaleSets", "lowPriorityCores"}
	seen := map[string]bool{}
	for i := range h.w.sizes {
		v := &h.w.sizes[i]
		if h.w.offered(v, rg.Name) && !seen[v.Family] {
			seen[v.Family] = true
			names = append(names, v.Family)
		}
	}
	out := make([]usageJSON, 0, len(names))
	for _, n := range names {
		var j usageJSON
		j.CurrentValue, j.Limit, j.Unit = max(u[n], 0), h.w.limit(s, rg.Name, n), "Count"
		j.Name.Value, j.Name.LocalizedValue = n, usageLabel(n)
		out = append(out, j)
	}
	return paged(r, out, usagePage)
}
