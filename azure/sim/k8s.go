package sim

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// The current path: managedClusters PUT/DELETE as
// long-running operations, Microsoft.KubernetesConfiguration extensions,
// resource provider registration.

// Base durations at Speed 1 of the current path's operations.
const (
	clusterCreateDuration   = 24 * time.Second
	clusterDeleteDuration   = 8 * time.Second
	extensionCreateDuration = 12 * time.Second
	extensionDeleteDuration = 4 * time.Second
	extensionUpdateDuration = 6 * time.Second
	registerDuration        = 5 * time.Second
)

// Operation kinds of the current path (operation.Kind).
const (
	opClusterCreate   = "cluster-create"
	opClusterDelete   = "cluster-delete"
	opExtensionCreate = "extension-create"
	opExtensionDelete = "extension-delete"
	opExtensionUpdate = "extension-update"
)

type identityJSON struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	TenantID    string `json:"tenantId,omitempty"`
}

// extensionRec is a cluster extension as stored. Protected settings are
// never stored: only their names are kept (for the checks a real install
// makes when it starts).
type extensionRec struct {
	Cluster          string            `json:"cluster"` // lower-case cluster id
	Name             string            `json:"name"`
	Type             string            `json:"extensionType"`
	Version          string            `json:"version"`
	ReleaseTrain     string            `json:"releaseTrain"`
	AutoUpgrade      bool              `json:"autoUpgradeMinorVersion"`
	ReleaseNamespace string            `json:"releaseNamespace"`
	Settings         map[string]string `json:"configurationSettings,omitempty"`
	State            string            `json:"provisioningState"` // final state (a pending operation shows Creating/Deleting)
	Error            *armError         `json:"error,omitempty"`
	// HealthCode is a healthcheck failure the cluster reports while ARM
	// says Succeeded (arcml-healthcheck), "" when every checker passed.
	HealthCode string    `json:"healthCode,omitempty"`
	Created    time.Time `json:"created"`
	Modified   time.Time `json:"modified"`
	// ProtectedKeys names the protected settings last sent (their values
	// are never kept).
	ProtectedKeys []string `json:"protectedKeys,omitempty"`
}

// providerRec is a registration started by POST .../register.
type providerRec struct {
	State string    `json:"registrationState"`
	Since time.Time `json:"since"`
}

// ---- helpers ----

func (h *Handler) k8sDuration(kind string) time.Duration {
	base := map[string]time.Duration{opClusterCreate: clusterCreateDuration, opClusterDelete: clusterDeleteDuration,
		opExtensionCreate: extensionCreateDuration, opExtensionDelete: extensionDeleteDuration, opExtensionUpdate: extensionUpdateDuration}[kind]
	slowKey := map[string]string{opClusterCreate: "cluster", opClusterDelete: "delete-cluster",
		opExtensionCreate: "extension", opExtensionDelete: "extension", opExtensionUpdate: "extension"}[kind]
	f := h.opts.Faults.Slow[slowKey]
	if f < 1 {
		f = 1
	}
	return time.Duration(float64(base) * f / h.speed)
}

func (h *Handler) deletedLocked(id string) bool {
	id = strings.ToLower(id)
	for _, d := range h.st.Deleted {
		if d == id {
			return true
		}
	}
	return false
}

// pendingLocked returns the unfinished operation on a cluster (ext "") or
// on one of its extensions.
func (h *Handler) pendingLocked(clusterID, ext string) *operation {
	clusterID = strings.ToLower(clusterID)
	for _, op := range h.st.Operations {
		if !op.Done && op.Target == clusterID && op.Binding == "" && strings.EqualFold(op.Extension, ext) {
			return op
		}
	}
	return nil
}

// clusterStateLocked is the provisioningState a cluster shows now.
func (h *Handler) clusterStateLocked(c *cluster) string {
	if op := h.pendingLocked(c.id(), ""); op != nil {
		if op.Kind == opClusterDelete {
			return "Deleting"
		}
		return "Creating"
	}
	return c.ProvisioningState
}

func (h *Handler) renderClusterLocked(c *cluster) clusterJSON {
	j := renderCluster(c)
	j.Properties.ProvisioningState = h.clusterStateLocked(c)
	for i := range j.Properties.AgentPoolProfiles {
		j.Properties.AgentPoolProfiles[i].ProvisioningState = j.Properties.ProvisioningState
	}
	return j
}

func (h *Handler) extensionsOfLocked(clusterID string) []*extensionRec {
	clusterID = strings.ToLower(clusterID)
	var out []*extensionRec
	for _, e := range h.st.Extensions {
		if e.Cluster == clusterID {
			out = append(out, e)
		}
	}
	return out
}

func (h *Handler) extensionLocked(clusterID, name string) *extensionRec {
	for _, e := range h.extensionsOfLocked(clusterID) {
		if strings.EqualFold(e.Name, name) {
			return e
		}
	}
	return nil
}

// registrationLocked is a namespace's registrationState now.
func (h *Handler) registrationLocked(sub, ns string) string {
	if p := h.st.Providers[strings.ToLower(sub+"|"+ns)]; p != nil {
		if p.State == "Registering" && !h.now().Before(p.Since.Add(time.Duration(float64(registerDuration)/h.speed))) {
			return "Registered"
		}
		return p.State
	}
	return fixtureRegistration(sub, ns)
}

// notRegistered is ARM's answer for a namespace the subscription has not
// registered.
func notRegistered(ns string) reply {
	return errReply(http.StatusConflict, "MissingSubscriptionRegistration", fmt.Sprintf(
		"The subscription is not registered to use namespace '%s'. See https://aka.ms/rps-not-found for how to register subscriptions.", ns))
}

// invalidParam is AKS's 400 InvalidParameter with a target.
func invalidParam(target, msg string) reply {
	rep := errReply(http.StatusBadRequest, "InvalidParameter", msg)
	rep.body = errorBody{armError{Code: "InvalidParameter", Message: msg, Target: target}}
	return rep
}

// readBody reads a bounded JSON body into v.
func readBody(r *http.Request, v any) (reply, bool) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return errReply(http.StatusBadRequest, "InvalidRequestContent", "The request content could not be read: "+err.Error()), false
	}
	if len(raw) > maxBody {
		return errReply(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The request content exceeds 1 MiB."), false
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return errReply(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: the body is empty."), false
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return errReply(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: "+err.Error()), false
	}
	return reply{}, true
}

func apiVersion(r *http.Request) string {
	if v := r.URL.Query().Get("api-version"); v != "" {
		return v
	}
	return "2025-09-01"
}

// ---- managed clusters: PUT and DELETE ----

type agentPoolIn struct {
	Name   string `json:"name"`
	Count  *int   `json:"count"`
	VMSize string `json:"vmSize"`
	Mode   string `json:"mode"`
	OSType string `json:"osType"`
}

type managedClusterIn struct {
	Location *string           `json:"location"`
	Tags     map[string]string `json:"tags"`
	Identity *struct {
		Type string `json:"type"`
	} `json:"identity"`
	SKU *struct {
		Name string `json:"name"`
		Tier string `json:"tier"`
	} `json:"sku"`
	Properties *struct {
		DNSPrefix               string        `json:"dnsPrefix"`
		KubernetesVersion       string        `json:"kubernetesVersion"`
		SupportPlan             string        `json:"supportPlan"`
		AgentPoolProfiles       []agentPoolIn `json:"agentPoolProfiles"`
		ServicePrincipalProfile *struct {
			ClientID string `json:"clientId"`
			Secret   string `json:"secret"`
		} `json:"servicePrincipalProfile"`
		NetworkProfile *struct {
			LoadBalancerSku string `json:"loadBalancerSku"`
			NetworkPlugin   string `json:"networkPlugin"`
		} `json:"networkProfile"`
		APIServerAccessProfile *struct {
			AuthorizedIPRanges             []string `json:"authorizedIPRanges"`
			EnablePrivateCluster           *bool    `json:"enablePrivateCluster"`
			EnablePrivateClusterPublicFQDN *bool    `json:"enablePrivateClusterPublicFQDN"`
		} `json:"apiServerAccessProfile"`
	} `json:"properties"`
}

// validClusterName: 1–63 letters, digits, '-' and '_', starting and ending
// with a letter or digit (aka.ms/aks-naming-rules).
func validClusterName(n string) bool {
	if len(n) < 1 || len(n) > 63 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !isAlnum(c) && c != '-' && c != '_' {
			return false
		}
	}
	return isAlnum(n[0]) && isAlnum(n[len(n)-1])
}

// validDNSPrefix: 1–54 letters, digits and '-', starting and ending with a
// letter or digit.
func validDNSPrefix(p string) bool {
	if len(p) < 1 || len(p) > 54 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if !isAlnum(p[i]) && p[i] != '-' {
			return false
		}
	}
	return isAlnum(p[0]) && isAlnum(p[len(p)-1])
}

// validPoolName: a Linux agent pool name is 1–12 lower-case letters and
// digits, starting with a letter.
func validPoolName(n string) bool {
	if len(n) < 1 || len(n) > 12 || n[0] < 'a' || n[0] > 'z' {
		return false
	}
	for i := 0; i < len(n); i++ {
		if !(n[i] >= 'a' && n[i] <= 'z' || n[i] >= '0' && n[i] <= '9') {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// ltsOnly reports a patch whose minor the region offers only with the
// long-term support plan.
func ltsOnly(vs []k8sMinor, patch string) bool {
	for _, m := range vs {
		if m.Version == minorOf(patch) {
			return len(m.Plans) == 1 && m.Plans[0] == planLTS
		}
	}
	return false
}

// resolveVersion turns "" (the region's default), "1.36" (its newest
// patch) or "1.36.7" into a patch the region offers.
func resolveVersion(vs []k8sMinor, v string) (string, bool) {
	if v == "" {
		return defaultPatch(vs), true
	}
	for _, m := range vs {
		if m.Version == v && len(m.Patches) > 0 {
			return m.Patches[len(m.Patches)-1], true
		}
		for _, p := range m.Patches {
			if p == v {
				return p, true
			}
		}
	}
	return "", false
}

// putCluster validates a managedClusters PUT as AKS does and starts the
// create (201 + Azure-AsyncOperation). A PUT on an existing cluster
// returns it unchanged (200), or 409 while an operation runs on it.
func (h *Handler) putCluster(r *http.Request, sub *subscription, rgName, name string) reply {
	if !validClusterName(name) {
		return invalidParam("name", fmt.Sprintf("The value of parameter name '%s' is invalid: a managed cluster name is 1-63 letters, digits, '-' and '_', "+
			"starting and ending with a letter or digit. Please see https://aka.ms/aks-naming-rules for more details.", name))
	}
	var in managedClusterIn
	if rep, ok := readBody(r, &in); !ok {
		return rep
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	if st := h.registrationLocked(sub.ID, "Microsoft.ContainerService"); st != "Registered" {
		return notRegistered("Microsoft.ContainerService")
	}
	if !h.w.resourceGroupExists(sub.ID, rgName) {
		return rgNotFound(rgName)
	}
	var failed *cluster
	if cur := h.clusterLocked(sub.ID, rgName, name); cur != nil {
		if op := h.pendingLocked(cur.id(), ""); op != nil {
			return errReply(http.StatusConflict, "OperationNotAllowed", fmt.Sprintf(
				"Operation is not allowed because there's an in progress %s operation on managed cluster '%s'. Please wait for it to finish before starting a new operation.",
				strings.TrimPrefix(op.Kind, "cluster-"), cur.Name))
		}
		if cur.ProvisioningState != "Failed" || !h.dropCreatedLocked(cur) {
			return okReply(h.renderClusterLocked(cur))
		}
		// A PUT on a failed cluster (one created here) provisions it again.
		failed = cur
	}
	rep, c := h.validateCluster(sub, rgName, name, &in)
	if c == nil {
		if failed != nil { // refused: the failed cluster stays as it was
			h.st.Clusters = append(h.st.Clusters, failed)
			h.addUsageLocked(failed, 1)
		}
		return rep
	}
	op := &operation{ID: newID(), Kind: opClusterCreate, Sub: sub.ID, RG: rgName, Location: c.Location, Start: h.now().UTC(),
		Duration: h.k8sDuration(opClusterCreate), Outcome: "Succeeded", Target: strings.ToLower(c.id())}
	if h.f.takeFail("cluster") {
		op.fail(armError{Code: "OutboundConnFailVMExtensionError", Message: "Unable to establish outbound connection from agents, please see " +
			"https://learn.microsoft.com/en-us/troubleshoot/azure/azure-kubernetes/error-code-outboundconnfailvmextensionerror and " +
			"https://aka.ms/aks-required-ports-and-addresses for more information. Details: instance 0 has extension error details : " +
			"{vmssCSE error messages : {vmssCSE exit status=50, output=pt/apt.conf.d/95silent-approval}}"})
		c.ProvisioningState = "Failed"
	}
	h.st.Operations = append(h.st.Operations, op)
	h.st.Clusters = append(h.st.Clusters, c)
	h.addUsageLocked(c, 1) // the nodes exist (and count) from the start, failed or not
	h.dirty = true
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return reply{status: http.StatusCreated, body: h.renderClusterLocked(c), header: http.Header{
		"Azure-Asyncoperation": {h.aksOpURL(r, op, "operations")}}}
}

// validateCluster applies AKS's synchronous checks; it returns the cluster
// to create (nil with the error reply otherwise).
func (h *Handler) validateCluster(sub *subscription, rgName, name string, in *managedClusterIn) (reply, *cluster) {
	location := strings.ToLower(strings.ReplaceAll(str(in.Location), " ", ""))
	if location == "" {
		return errReply(http.StatusBadRequest, "LocationRequired", "The location property is required for this definition."), nil
	}
	rg := h.w.physical(location)
	vs := h.w.versionsFor(location)
	if rg == nil || vs == nil {
		return errReply(http.StatusBadRequest, "LocationNotAvailableForResourceType", fmt.Sprintf(
			"The provided location '%s' is not available for resource type 'Microsoft.ContainerService/managedClusters'.", location)), nil
	}
	p := in.Properties
	if p == nil {
		return invalidParam("properties", "The managed cluster properties are required."), nil
	}
	if !validDNSPrefix(p.DNSPrefix) {
		return invalidParam("dnsPrefix", fmt.Sprintf("The value of parameter dnsPrefix '%s' is invalid: it must be 1-54 letters, digits and '-', "+
			"starting and ending with a letter or digit. Please see https://aka.ms/aks-naming-rules for more details.", p.DNSPrefix)), nil
	}
	version, ok := resolveVersion(vs, strings.TrimSpace(p.KubernetesVersion))
	if !ok {
		return errReply(http.StatusBadRequest, "K8sVersionNotSupported", fmt.Sprintf(
			"Version %s is not supported in this region. Please use [az aks get-versions] command to get the supported version list in this region. "+
				"For more information, please check https://aka.ms/supported-version-list", p.KubernetesVersion)), nil
	}
	tier := "Free"
	if in.SKU != nil && in.SKU.Tier != "" {
		t, ok := canon(in.SKU.Tier, "Free", "Standard", "Premium")
		if !ok {
			return invalidParam("sku.tier", fmt.Sprintf("The value of parameter sku.tier '%s' is invalid: use Free, Standard or Premium.", in.SKU.Tier)), nil
		}
		tier = t
	}
	plan := "KubernetesOfficial"
	if p.SupportPlan != "" {
		sp, ok := canon(p.SupportPlan, "KubernetesOfficial", "AKSLongTermSupport")
		if !ok {
			return invalidParam("supportPlan", fmt.Sprintf("The value of parameter supportPlan '%s' is invalid: use KubernetesOfficial or AKSLongTermSupport.", p.SupportPlan)), nil
		}
		plan = sp
	}
	if plan == "AKSLongTermSupport" && tier != "Premium" { // the words are modelled
		return invalidParam("supportPlan", "The long-term support plan (AKSLongTermSupport) requires the Premium tier (sku.tier Premium). "+
			"See https://aka.ms/aks/enable-lts"), nil
	}
	if ltsOnly(vs, version) && plan != "AKSLongTermSupport" {
		return errReply(http.StatusBadRequest, "K8sVersionNotSupported", fmt.Sprintf(
			"Managed cluster %s is on version %s, which is only available for Long-Term Support (LTS). If you intend to onboard to LTS, "+
				"please ensure the cluster is in Premium tier and LTS support plan (see https://aka.ms/aks/enable-lts). Otherwise, use [az aks get-versions] "+
				"command to get the supported version list in this region. For more information, please check https://aka.ms/supported-version-list", name, version)), nil
	}
	system := false
	var pools []pool
	for i, ap := range p.AgentPoolProfiles {
		target := fmt.Sprintf("agentPoolProfiles[%d]", i)
		if !validPoolName(ap.Name) {
			return invalidParam(target+".name", fmt.Sprintf("The value of parameter agentPoolProfile.name '%s' is invalid: a Linux agent pool name "+
				"is 1-12 lower-case letters and digits, starting with a letter. Please see https://aka.ms/aks-naming-rules for more details.", ap.Name)), nil
		}
		count := 1
		if ap.Count != nil {
			count = *ap.Count
		}
		if count < 1 || count > 1000 {
			return invalidParam(target+".count", fmt.Sprintf("The value of parameter agentPoolProfile.count %d is invalid: a system pool has 1 to 1000 nodes.", count)), nil
		}
		if ap.OSType != "" && !strings.EqualFold(ap.OSType, "Linux") && strings.EqualFold(ap.Mode, "System") {
			return invalidParam(target+".osType", "System node pools must use the Linux OS type."), nil
		}
		size := h.w.size(ap.VMSize)
		if size == nil {
			return invalidParam(target+".vmSize", fmt.Sprintf("The value of parameter agentPoolProfile.vmSize '%s' is invalid: it is not an Azure VM size.", ap.VMSize)), nil
		}
		if restricted, _ := h.w.restricted(sub, size, rg.Name); restricted || !h.w.offered(size, rg.Name) {
			return errReply(http.StatusBadRequest, "BadRequest", fmt.Sprintf(
				"The VM size of %s is not allowed in your subscription in location '%s'. Please see https://aka.ms/aks/quotas-skus-regions for more details.",
				size.Name, rg.Name)), nil
		}
		if size.VCPUs < 2 || size.MemoryGB < 4 {
			return invalidParam(target+".vmSize", fmt.Sprintf("The VM SKU chosen for this cluster %s does not have enough CPU/memory to run as an AKS node. "+
				"System node pools need at least 2 vCPUs and 4 GiB of memory.", size.Name)), nil
		}
		mode := "User"
		if strings.EqualFold(ap.Mode, "System") {
			mode, system = "System", true
		}
		pools = append(pools, pool{Name: ap.Name, Count: count, VMSize: size.Name, Mode: mode})
	}
	if !system {
		return errReply(http.StatusBadRequest, "MustDefineAtLeastOneSystemPool", "Must define at least one system pool."), nil
	}
	lb := "standard"
	if np := p.NetworkProfile; np != nil && np.LoadBalancerSku != "" {
		switch strings.ToLower(np.LoadBalancerSku) {
		case "standard":
		case "basic":
			return invalidParam("networkProfile.loadBalancerSku", "The Basic load balancer SKU was retired on 30 September 2025; "+
				"new clusters use the 'standard' load balancer SKU."), nil
		default:
			return invalidParam("networkProfile.loadBalancerSku", fmt.Sprintf("The value of parameter networkProfile.loadBalancerSku '%s' is invalid: use 'standard'.", np.LoadBalancerSku)), nil
		}
	}
	spID := ""
	switch {
	case in.Identity != nil && in.Identity.Type != "":
		if _, ok := canon(in.Identity.Type, "SystemAssigned", "UserAssigned"); !ok {
			return invalidParam("identity.type", fmt.Sprintf("The value of parameter identity.type '%s' is invalid: use SystemAssigned or UserAssigned.", in.Identity.Type)), nil
		}
	case p.ServicePrincipalProfile != nil && p.ServicePrincipalProfile.ClientID != "" && !strings.EqualFold(p.ServicePrincipalProfile.ClientID, "msi"):
		if p.ServicePrincipalProfile.Secret == "" {
			return invalidParam("servicePrincipalProfile.secret", "The service principal secret is required with a service principal client id."), nil
		}
		spID = p.ServicePrincipalProfile.ClientID // the secret is dropped here
	default:
		return invalidParam("identity", "A managed cluster needs a managed identity (identity.type SystemAssigned) or a service principal."), nil
	}
	var ranges []string
	private, publicFQDN := false, false
	if a := p.APIServerAccessProfile; a != nil {
		private = a.EnablePrivateCluster != nil && *a.EnablePrivateCluster
		// a private cluster keeps a public FQDN unless told otherwise
		// (azure-aks-docs private-clusters.md, --disable-public-fqdn)
		publicFQDN = private && (a.EnablePrivateClusterPublicFQDN == nil || *a.EnablePrivateClusterPublicFQDN)
		for _, cidr := range a.AuthorizedIPRanges {
			cidr = strings.TrimSpace(cidr)
			if _, _, err := net.ParseCIDR(cidr); err != nil {
				if net.ParseIP(cidr) == nil {
					return invalidParam("apiServerAccessProfile.authorizedIPRanges", fmt.Sprintf("The authorized IP range '%s' is not a valid IPv4 address or CIDR.", cidr)), nil
				}
			}
			ranges = append(ranges, cidr)
		}
		if private && len(ranges) > 0 {
			return invalidParam("apiServerAccessProfile", "API server authorized IP ranges are not supported with a private cluster."), nil
		}
	}
	// Quota: AKS checks vCPU quota before it creates anything.
	need := map[string]int{}
	total := 0
	for _, pl := range pools {
		s := h.w.size(pl.VMSize)
		need[s.Family] += pl.Count * s.VCPUs
		total += pl.Count * s.VCPUs
	}
	u := h.usageLocked(sub, rg.Name)
	for _, fam := range sortedKeys(need) {
		left := h.w.limit(sub, rg.Name, fam) - max(u[fam], 0)
		if need[fam] > left {
			return errReply(http.StatusBadRequest, "ErrCode_InsufficientVCPUQuota", fmt.Sprintf(
				"Insufficient vcpu quota requested %d, remaining %d for family %s for region %s.", need[fam], max(left, 0), fam, rg.Name)), nil
		}
	}
	if left := h.w.limit(sub, rg.Name, "cores") - max(u["cores"], 0); total > left {
		return errReply(http.StatusBadRequest, "ErrCode_InsufficientVCPUQuota", fmt.Sprintf(
			"Insufficient regional vcpu quota left for location %s. left regional vcpu quota %d, requested quota %d.", rg.Name, max(left, 0), total)), nil
	}
	c := &cluster{Sub: sub.ID, RG: rgName, Name: name, Location: rg.Name, Version: version, PowerState: "Running",
		ProvisioningState: "Succeeded", Pools: pools, AuthorizedIPRanges: ranges, Private: private, PrivatePublicFQDN: publicFQDN, LoadBalancerSKU: lb,
		Tier: tier, SupportPlan: plan,
		NetworkPlugin: "azure", OutboundType: "loadBalancer", ServiceCidr: "10.0.0.0/16", DNSServiceIP: "10.0.0.10",
		Tags: in.Tags, SPClientID: spID, DNSPrefix: p.DNSPrefix}
	return reply{}, c
}

// dropCreatedLocked removes a cluster created by a PUT (not a fixture) and
// gives its usage back; it reports whether it did.
func (h *Handler) dropCreatedLocked(c *cluster) bool {
	for i, x := range h.st.Clusters {
		if x == c {
			h.addUsageLocked(c, -1)
			h.st.Clusters = append(h.st.Clusters[:i], h.st.Clusters[i+1:]...)
			h.dirty = true
			return true
		}
	}
	return false
}

// deleteCluster starts the delete of a cluster (202 + Azure-AsyncOperation
// and Location); 204 when there is none.
func (h *Handler) deleteCluster(r *http.Request, sub *subscription, rgName, name string) reply {
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	c := h.clusterLocked(sub.ID, rgName, name)
	if c == nil {
		return reply{status: http.StatusNoContent}
	}
	accepted := func(op *operation) reply {
		return reply{status: http.StatusAccepted, header: http.Header{
			"Azure-Asyncoperation": {h.aksOpURL(r, op, "operations")},
			"Location":             {h.aksOpURL(r, op, "operationresults")}}}
	}
	if op := h.pendingLocked(c.id(), ""); op != nil {
		if op.Kind == opClusterDelete {
			return accepted(op)
		}
		return errReply(http.StatusConflict, "OperationNotAllowed", fmt.Sprintf(
			"Operation is not allowed because there's an in progress create operation on managed cluster '%s'. Please wait for it to finish before starting a new operation.", c.Name))
	}
	op := &operation{ID: newID(), Kind: opClusterDelete, Sub: sub.ID, RG: rgName, Location: c.Location, Start: h.now().UTC(),
		Duration: h.k8sDuration(opClusterDelete), Outcome: "Succeeded", Target: strings.ToLower(c.id())}
	if h.f.takeFail("delete-cluster") {
		op.fail(armError{Code: "InternalOperationError", Message: "An internal error occurred while deleting the managed cluster. Please retry the operation."})
	}
	h.st.Operations = append(h.st.Operations, op)
	h.dirty = true
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return accepted(op)
}

// aksOpURL is the ContainerService async status (kind "operations") or
// result ("operationresults") URL of op.
func (h *Handler) aksOpURL(r *http.Request, op *operation, kind string) string {
	return fmt.Sprintf("%s/subscriptions/%s/providers/Microsoft.ContainerService/locations/%s/%s/%s?api-version=%s",
		baseURL(r), op.Sub, op.Location, kind, op.ID, apiVersion(r))
}

// serveAKSOperation is GET .../Microsoft.ContainerService/locations/{loc}/operations/{id}.
func (h *Handler) serveAKSOperation(r *http.Request, p []string) reply {
	return h.withOp(r, p, func(op *operation) reply {
		switch op.Kind {
		case opClusterCreate, opClusterDelete, opBindingCreate, opBindingDelete:
		default:
			return opNotFound(p[2])
		}
		return h.k8sOpStatus(op, fmt.Sprintf("/subscriptions/%s/providers/Microsoft.ContainerService/locations/%s/operations/%s", op.Sub, op.Location, op.ID))
	})
}

// serveAKSOperationResult is the Location of a cluster delete.
func (h *Handler) serveAKSOperationResult(r *http.Request, p []string) reply {
	return h.withOp(r, p, func(op *operation) reply {
		if !op.Done && h.now().Before(op.end()) {
			return reply{status: http.StatusAccepted, header: http.Header{"Location": {h.aksOpURL(r, op, "operationresults")}}}
		}
		if op.Outcome != "Succeeded" && op.Error != nil {
			return reply{status: http.StatusBadRequest, body: errorBody{*op.Error}, header: http.Header{"X-Ms-Error-Code": {op.Error.Code}}}
		}
		return reply{status: http.StatusNoContent}
	})
}

// k8sOpStatus is the Azure-AsyncOperation body of a cluster or extension
// operation: {"id","name","status","startTime","endTime","percentComplete","error"}.
func (h *Handler) k8sOpStatus(op *operation, id string) reply {
	rep := h.opStatus(op)
	j := rep.body.(opStatusJSON)
	j.ID = id
	return okReply(j)
}

// finishK8sLocked applies the end of a cluster or extension operation.
func (h *Handler) finishK8sLocked(op *operation) {
	if op.Binding != "" {
		h.finishBindingLocked(op)
		return
	}
	end := op.end().UTC()
	switch op.Kind {
	case opClusterCreate:
		// The cluster's final state was recorded at the start.
	case opClusterDelete:
		if op.Outcome != "Succeeded" {
			return
		}
		c := h.clusterByIDLocked(op.Target)
		if c == nil {
			return
		}
		h.addUsageLocked(c, -1)
		id := strings.ToLower(c.id())
		kept := h.st.Clusters[:0]
		found := false
		for _, x := range h.st.Clusters {
			if strings.ToLower(x.id()) == id {
				found = true
				continue
			}
			kept = append(kept, x)
		}
		h.st.Clusters = kept
		if !found {
			h.st.Deleted = append(h.st.Deleted, id)
		}
		exts := h.st.Extensions[:0]
		for _, e := range h.st.Extensions {
			if e.Cluster != id {
				exts = append(exts, e)
			}
		}
		h.st.Extensions = exts
		bs := h.st.RoleBindings[:0]
		for _, b := range h.st.RoleBindings {
			if b.Cluster != id {
				bs = append(bs, b)
			}
		}
		h.st.RoleBindings = bs
	case opExtensionCreate, opExtensionUpdate:
		if e := h.extensionLocked(op.Target, op.Extension); e != nil {
			e.Modified = end
		}
	case opExtensionDelete:
		if op.Outcome != "Succeeded" {
			return
		}
		exts := h.st.Extensions[:0]
		for _, e := range h.st.Extensions {
			if e.Cluster == op.Target && strings.EqualFold(e.Name, op.Extension) {
				continue
			}
			exts = append(exts, e)
		}
		h.st.Extensions = exts
	default:
		h.finishServingLocked(op)
	}
}

// ---- extensions ----

type extensionJSON struct {
	ID         string        `json:"id"`
	Name       string        `json:"name"`
	Type       string        `json:"type"`
	Identity   *identityJSON `json:"identity,omitempty"`
	SystemData struct {
		CreatedBy          string `json:"createdBy"`
		CreatedByType      string `json:"createdByType"`
		CreatedAt          string `json:"createdAt"`
		LastModifiedBy     string `json:"lastModifiedBy"`
		LastModifiedByType string `json:"lastModifiedByType"`
		LastModifiedAt     string `json:"lastModifiedAt"`
	} `json:"systemData"`
	Properties extensionPropsJSON `json:"properties"`
}

type extensionPropsJSON struct {
	ExtensionType           string `json:"extensionType"`
	AutoUpgradeMinorVersion bool   `json:"autoUpgradeMinorVersion"`
	ReleaseTrain            string `json:"releaseTrain"`
	Version                 any    `json:"version"`
	Scope                   struct {
		Cluster struct {
			ReleaseNamespace string `json:"releaseNamespace"`
		} `json:"cluster"`
	} `json:"scope"`
	ConfigurationSettings map[string]string `json:"configurationSettings"`
	// ConfigurationProtectedSettings is always empty: protected settings
	// are write-only.
	ConfigurationProtectedSettings map[string]string `json:"configurationProtectedSettings"`
	ProvisioningState              string            `json:"provisioningState"`
	CurrentVersion                 string            `json:"currentVersion,omitempty"`
	Statuses                       []any             `json:"statuses"`
	IsSystemExtension              bool              `json:"isSystemExtension"`
	ErrorInfo                      *armError         `json:"errorInfo,omitempty"`
	AksAssignedIdentity            *identityJSON     `json:"aksAssignedIdentity,omitempty"`
}

// extensionID is the ARM id of an extension of a cluster.
func extensionID(c *cluster, name string) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.ContainerService/managedClusters/%s/providers/Microsoft.KubernetesConfiguration/extensions/%s",
		c.Sub, c.RG, c.Name, name)
}

func (h *Handler) renderExtensionLocked(c *cluster, e *extensionRec) extensionJSON {
	j := extensionJSON{ID: extensionID(c, e.Name), Name: e.Name, Type: "Microsoft.KubernetesConfiguration/extensions"}
	j.Identity = &identityJSON{Type: "SystemAssigned", PrincipalID: shortHash(e.Cluster+"/"+e.Name) + "-7e2a-4d1b-9c3f-" + shortHash(e.Name) + "0e0f", TenantID: TenantID}
	sd := &j.SystemData
	sd.CreatedBy, sd.CreatedByType, sd.CreatedAt = "mlops@contoso.example", "User", e.Created.UTC().Format(time.RFC3339Nano)
	sd.LastModifiedBy, sd.LastModifiedByType, sd.LastModifiedAt = "mlops@contoso.example", "User", e.Modified.UTC().Format(time.RFC3339Nano)
	pr := &j.Properties
	pr.ExtensionType, pr.AutoUpgradeMinorVersion, pr.ReleaseTrain = e.Type, e.AutoUpgrade, e.ReleaseTrain
	if !e.AutoUpgrade {
		pr.Version = e.Version
	}
	pr.Scope.Cluster.ReleaseNamespace = e.ReleaseNamespace
	pr.ConfigurationSettings = map[string]string{}
	for k, v := range e.Settings {
		pr.ConfigurationSettings[k] = v
	}
	pr.ConfigurationProtectedSettings = map[string]string{}
	pr.Statuses = []any{}
	pr.ProvisioningState = e.State
	if op := h.pendingLocked(e.Cluster, e.Name); op != nil {
		pr.ProvisioningState = map[string]string{opExtensionCreate: "Creating", opExtensionDelete: "Deleting", opExtensionUpdate: "Updating"}[op.Kind]
	} else if e.State == "Failed" && e.Error != nil {
		x := *e.Error
		pr.ErrorInfo = &x
	}
	if pr.ProvisioningState == "Succeeded" {
		pr.CurrentVersion = e.Version
	}
	pr.AksAssignedIdentity = &identityJSON{Type: "SystemAssigned", PrincipalID: shortHash(e.Cluster+"/aks/"+e.Name) + "-1b2c-4d3e-8f4a-" + shortHash(c.Name) + "0c0d", TenantID: TenantID}
	return j
}

// lookupCluster resolves the cluster of an extension path (sub, rg, name)
// or answers the ARM error. The caller holds the state.
func (h *Handler) lookupClusterLocked(sub, rgName, name string) (reply, *cluster) {
	if h.w.sub(sub) == nil {
		return subNotFound(sub), nil
	}
	if st := h.registrationLocked(sub, "Microsoft.KubernetesConfiguration"); st != "Registered" {
		return notRegistered("Microsoft.KubernetesConfiguration"), nil
	}
	return h.parentClusterLocked(sub, rgName, name)
}

// parentClusterLocked is the cluster a nested resource (an extension, a
// Trusted Access binding) is under, or ARM's answer when there is none.
func (h *Handler) parentClusterLocked(sub, rgName, name string) (reply, *cluster) {
	c := h.clusterLocked(sub, rgName, name)
	if c == nil {
		if !h.w.resourceGroupExists(sub, rgName) {
			return rgNotFound(rgName), nil
		}
		return errReply(http.StatusNotFound, "ParentResourceNotFound", fmt.Sprintf(
			"Can not perform requested operation on nested resource. Parent resource '%s' not found.", name)), nil
	}
	return reply{}, c
}

// serveExtensions lists a cluster's extensions.
func (h *Handler) serveExtensions(r *http.Request, p []string) reply {
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	rep, c := h.lookupClusterLocked(p[0], p[1], p[2])
	if c == nil {
		return rep
	}
	out := []extensionJSON{}
	for _, e := range h.extensionsOfLocked(c.id()) {
		out = append(out, h.renderExtensionLocked(c, e))
	}
	return paged(r, out, 10)
}

// serveExtension is GET, PUT and DELETE of one extension.
func (h *Handler) serveExtension(r *http.Request, p []string) reply {
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	rep, c := h.lookupClusterLocked(p[0], p[1], p[2])
	if c == nil {
		return rep
	}
	name := p[3]
	switch r.Method {
	case http.MethodPut:
		return h.putExtensionLocked(r, c, name)
	case http.MethodPatch:
		return h.patchExtensionLocked(r, c, name)
	case http.MethodDelete:
		return h.deleteExtensionLocked(r, c, name)
	}
	e := h.extensionLocked(c.id(), name)
	if e == nil {
		return errReply(http.StatusNotFound, "ResourceNotFound", fmt.Sprintf(
			"The Resource 'Microsoft.KubernetesConfiguration/extensions/%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
			name, c.RG))
	}
	return okReply(h.renderExtensionLocked(c, e))
}

type extensionIn struct {
	Identity *struct {
		Type string `json:"type"`
	} `json:"identity"`
	Properties *struct {
		ExtensionType           string  `json:"extensionType"`
		AutoUpgradeMinorVersion *bool   `json:"autoUpgradeMinorVersion"`
		ReleaseTrain            string  `json:"releaseTrain"`
		Version                 *string `json:"version"`
		Scope                   *struct {
			Cluster *struct {
				ReleaseNamespace string `json:"releaseNamespace"`
			} `json:"cluster"`
			Namespace *struct {
				TargetNamespace string `json:"targetNamespace"`
			} `json:"namespace"`
		} `json:"scope"`
		ConfigurationSettings          map[string]*string `json:"configurationSettings"`
		ConfigurationProtectedSettings map[string]*string `json:"configurationProtectedSettings"`
	} `json:"properties"`
}

// extOpURL is the Azure-AsyncOperation of an extension operation.
func (h *Handler) extOpURL(r *http.Request, c *cluster, op *operation) string {
	return fmt.Sprintf("%s%s/operations/%s?api-version=%s", baseURL(r), extensionID(c, op.Extension), op.ID, apiVersion(r))
}

// putExtensionLocked validates an extension install and starts it (201 +
// Azure-AsyncOperation). Problems the Helm install would meet on the
// cluster end the operation Failed (ExtensionOperationFailed), as in Azure.
func (h *Handler) putExtensionLocked(r *http.Request, c *cluster, name string) reply {
	var in extensionIn
	if rep, ok := readBody(r, &in); !ok {
		return rep
	}
	if in.Properties == nil || strings.TrimSpace(in.Properties.ExtensionType) == "" {
		return errReply(http.StatusBadRequest, "InvalidParameter", "The extensionType property is required.")
	}
	pr := in.Properties
	cur := h.extensionLocked(c.id(), name)
	if op := h.pendingLocked(c.id(), name); op != nil {
		return errReply(http.StatusConflict, "Conflict", fmt.Sprintf(
			"An operation (%s) is in progress on extension '%s'. Try again when it has finished.", strings.TrimPrefix(op.Kind, "extension-"), name))
	}
	if cur != nil && cur.State == "Succeeded" {
		if !strings.EqualFold(cur.Type, pr.ExtensionType) {
			return errReply(http.StatusBadRequest, "InvalidParameter", fmt.Sprintf("The extensionType of extension '%s' cannot be changed.", name))
		}
		return okReply(h.renderExtensionLocked(c, cur)) // already installed: nothing to do
	}
	for _, e := range h.extensionsOfLocked(c.id()) {
		if strings.EqualFold(e.Type, pr.ExtensionType) && !strings.EqualFold(e.Name, name) {
			return errReply(http.StatusConflict, "Conflict", fmt.Sprintf(
				"Extension '%s' of type %s is already installed on this cluster; only one instance of this extension type can be installed.", e.Name, e.Type))
		}
	}
	if pr.Scope != nil && pr.Scope.Namespace != nil && strings.EqualFold(pr.ExtensionType, "Microsoft.AzureML.Kubernetes") {
		return errReply(http.StatusBadRequest, "InvalidParameter", "Invalid scope 'namespace'. This extension can be installed only at 'cluster' scope.")
	}
	now := h.now().UTC()
	e := &extensionRec{Cluster: strings.ToLower(c.id()), Name: name, Type: pr.ExtensionType, Version: extensionVersion,
		ReleaseTrain: "stable", AutoUpgrade: true, ReleaseNamespace: "azureml", Settings: map[string]string{},
		State: "Succeeded", Created: now, Modified: now}
	if pr.ReleaseTrain != "" {
		e.ReleaseTrain = pr.ReleaseTrain
	}
	if pr.AutoUpgradeMinorVersion != nil {
		e.AutoUpgrade = *pr.AutoUpgradeMinorVersion
	}
	if pr.Version != nil && *pr.Version != "" {
		e.Version = *pr.Version
	}
	if pr.Scope != nil && pr.Scope.Cluster != nil && pr.Scope.Cluster.ReleaseNamespace != "" {
		e.ReleaseNamespace = pr.Scope.Cluster.ReleaseNamespace
	}
	for k, v := range pr.ConfigurationSettings {
		if v != nil {
			e.Settings[k] = *v
		}
	}
	protected := map[string]string{} // for the checks below only: never stored, never answered
	for k, v := range pr.ConfigurationProtectedSettings {
		if v != nil {
			protected[k] = *v
			e.ProtectedKeys = append(e.ProtectedKeys, k)
		}
	}
	op := &operation{ID: newID(), Kind: opExtensionCreate, Sub: c.Sub, RG: c.RG, Location: c.Location, Start: now,
		Duration: h.k8sDuration(opExtensionCreate), Outcome: "Succeeded", Target: e.Cluster, Extension: name}
	if msg := h.installProblemLocked(c, e, protected); msg != "" {
		op.fail(extensionFailure(name, msg))
	} else if h.f.takeFail("extension") {
		op.fail(extensionFailure(name, "Helm installation failed : Unable to create/update Kubernetes resources for the extension : "+
			"Recommendation Please check that there are no policies blocking the resource creation/update for the extension. "+
			"InnerError [release "+name+" failed, and has been uninstalled due to atomic being set: failed pre-install: pod healthcheck failed]"))
	}
	if op.Outcome != "Succeeded" {
		e.State, e.Error = "Failed", op.Error
	}
	if cur != nil { // reinstall over a failed one
		*cur = *e
		e = cur
	} else {
		h.st.Extensions = append(h.st.Extensions, e)
	}
	h.st.Operations = append(h.st.Operations, op)
	h.dirty = true
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return reply{status: http.StatusCreated, body: h.renderExtensionLocked(c, e), header: http.Header{
		"Azure-Asyncoperation": {h.extOpURL(r, c, op)}}}
}

// patchExtensionLocked updates an installed extension's settings (202 +
// Azure-AsyncOperation), as `az k8s-extension update` does: the settings
// given are merged into the extension's; protected settings, when given,
// replace all of the earlier ones (the others are deleted). The Helm
// upgrade meets the same checks as an install.
func (h *Handler) patchExtensionLocked(r *http.Request, c *cluster, name string) reply {
	var in extensionIn
	if rep, ok := readBody(r, &in); !ok {
		return rep
	}
	e := h.extensionLocked(c.id(), name)
	if e == nil {
		return errReply(http.StatusNotFound, "ResourceNotFound", fmt.Sprintf(
			"The Resource 'Microsoft.KubernetesConfiguration/extensions/%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
			name, c.RG))
	}
	if op := h.pendingLocked(c.id(), name); op != nil {
		return errReply(http.StatusConflict, "Conflict", fmt.Sprintf(
			"An operation (%s) is in progress on extension '%s'. Try again when it has finished.", strings.TrimPrefix(op.Kind, "extension-"), name))
	}
	if in.Properties != nil {
		for k, v := range in.Properties.ConfigurationSettings {
			if v != nil {
				e.Settings[k] = *v
			}
		}
	}
	// the checks see the earlier protected settings as present unless the
	// patch replaces them (their values are never kept)
	protected := map[string]string{}
	for _, k := range e.ProtectedKeys {
		protected[k] = base64.StdEncoding.EncodeToString([]byte("-----BEGIN KEPT-----"))
	}
	if in.Properties != nil && len(in.Properties.ConfigurationProtectedSettings) > 0 {
		protected, e.ProtectedKeys = map[string]string{}, nil
		for k, v := range in.Properties.ConfigurationProtectedSettings {
			if v != nil {
				protected[k] = *v
				e.ProtectedKeys = append(e.ProtectedKeys, k)
			}
		}
	}
	op := &operation{ID: newID(), Kind: opExtensionUpdate, Sub: c.Sub, RG: c.RG, Location: c.Location, Start: h.now().UTC(),
		Duration: h.k8sDuration(opExtensionUpdate), Outcome: "Succeeded", Target: e.Cluster, Extension: e.Name}
	e.State, e.Error = "Succeeded", nil
	if msg := h.installProblemLocked(c, e, protected); msg != "" {
		op.fail(extensionFailure(name, msg))
		e.State, e.Error = "Failed", op.Error
	}
	h.st.Operations = append(h.st.Operations, op)
	h.dirty = true
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return reply{status: http.StatusAccepted, body: h.renderExtensionLocked(c, e), header: http.Header{
		"Azure-Asyncoperation": {h.extOpURL(r, c, op)}}}
}

// extensionFailure is the error of a failed extension operation.
func extensionFailure(name, inner string) armError {
	return armError{Code: "ExtensionOperationFailed", Message: "The extension operation failed with the following error:  Error: [ InnerError: [" +
		inner + "]] occurred while doing the operation : [Create] on the config, For general troubleshooting visit: " +
		"https://aka.ms/k8s-extensions-TSG, For more application specific troubleshooting visit: Troubleshooting: https://aka.ms/arcmltsg."}
}

// installProblemLocked is why installing e on c would fail on the cluster
// ("" if it would not): the Azure ML extension's own prerequisites.
func (h *Handler) installProblemLocked(c *cluster, e *extensionRec, protected map[string]string) string {
	if c.PowerState != "Running" {
		return fmt.Sprintf("Unable to reach the cluster '%s': its power state is %s. Start the cluster and retry the operation.", c.Name, c.PowerState)
	}
	if h.clusterStateLocked(c) != "Succeeded" {
		return fmt.Sprintf("The cluster '%s' is in provisioning state %s; extensions can be installed only on a cluster in state Succeeded.", c.Name, h.clusterStateLocked(c))
	}
	if !strings.EqualFold(e.Type, "Microsoft.AzureML.Kubernetes") {
		return ""
	}
	if c.SPClientID != "" {
		return "The Azure Machine Learning extension needs a cluster with a managed identity; clusters using a service principal are not supported " +
			"(convert it with `az aks update --enable-managed-identity`)."
	}
	truthy := func(k string) bool { return strings.EqualFold(e.Settings[k], "true") }
	if !truthy("enableInference") && !truthy("enableTraining") {
		return "Please create Microsoft.AzureML.Kubernetes extension instance either for Machine Learning training or inference by specifying " +
			"'--configuration-settings enableTraining=true' or '--configuration-settings enableInference=true'"
	}
	if truthy("enableInference") {
		if v := e.Settings["inferenceRouterServiceType"]; v != "" {
			if _, ok := canon(v, "LoadBalancer", "NodePort", "ClusterIP"); !ok {
				return fmt.Sprintf("inferenceRouterServiceType '%s' is invalid: expected LoadBalancer, NodePort or ClusterIP.", v)
			}
		}
		cert, key := protected["scoringFe.sslCert"], protected["scoringFe.sslKey"]
		if !truthy("allowInsecureConnections") {
			if cert == "" || key == "" {
				return "Provide ssl certificate and key. Otherwise explicitly allow insecure connection by specifying '--configuration-settings allowInsecureConnections=true'"
			}
			if e.Settings["sslCname"] == "" {
				return "sslCname is required with an SSL certificate: it is the domain name the certificate was issued for."
			}
		}
		for _, kv := range [][2]string{{"scoringFe.sslCert", cert}, {"scoringFe.sslKey", key}} {
			if kv[1] == "" {
				continue
			}
			b, err := base64.StdEncoding.DecodeString(kv[1])
			if err != nil || !strings.Contains(string(b), "-----BEGIN ") {
				return kv[0] + " must be the base64 encoding of a PEM file."
			}
		}
		ha := e.Settings["inferenceRouterHA"] == "" || truthy("inferenceRouterHA")
		nodes := 0
		for _, p := range c.Pools {
			nodes += p.Count
		}
		if ha && nodes < 3 {
			return healthcheckFailure(e.Name, "clusterresource", "E40002", fmt.Sprintf("INSUFFICIENT_NODE: inferenceRouterHA needs at least 3 nodes, the cluster has %d: "+
				"azureml-fe pods pending: 0/%d nodes are available: %d node(s) didn't match pod anti-affinity rules. "+
				"Set inferenceRouterHA=False or add nodes", nodes, nodes, nodes))
		}
		if msg := sslMismatch(e.Settings["sslCname"], cert); msg != "" {
			return healthcheckFailure(e.Name, "service", "E40007", "INVALID_SSL_SETTING: "+msg)
		}
	}
	if msg := h.legacyConflictLocked(c, e); msg != "" {
		return msg
	}
	// what az adds for an AKS cluster and a raw install leaves out
	// (hashicorp/terraform-provider-azurerm#24547: "pod healthcheck
	// failed"; the check and the code are modelled)
	var wrong []string
	for _, kv := range [][2]string{{"relayserver.enabled", "false"}, {"servicebus.enabled", "false"}, {"nginxIngress.enabled", "true"}} {
		if !strings.EqualFold(e.Settings[kv[0]], kv[1]) {
			wrong = append(wrong, kv[0]+"="+kv[1])
		}
	}
	for _, k := range []string{"cluster_name", "clusterId", "location", "domain", "jobSchedulerLocation"} {
		if e.Settings[k] == "" {
			wrong = append(wrong, k)
		}
	}
	if len(wrong) > 0 {
		return healthcheckFailure(e.Name, "service", "E45001", "AGENT_UNHEALTHY: the extension's agents did not start: the settings az k8s-extension create adds for an AKS cluster "+
			"are missing or different: "+strings.Join(wrong, ", "))
	}
	return ""
}

// healthcheckFailure is the Helm failure of a pre-install healthcheck that
// failed, with the report line the chart writes to the configmap
// arcml-healthcheck (namespace azureml). Azure's error stops at "pod
// healthcheck failed"; the simulator adds the report line so the code is
// seen without kubectl.
func healthcheckFailure(release, checker, code, msg string) string {
	return "Helm installation failed : Unable to create/update Kubernetes resources for the extension : " +
		"Recommendation Please check that there are no policies blocking the resource creation/update for the extension. " +
		"InnerError [release " + release + " failed, and has been uninstalled due to atomic being set: failed pre-install: pod healthcheck failed] " +
		"(arcml-healthcheck reports-pre-install: Status: Failed Name: " + checker + " ErrorCode: " + code + " ErrorMessage: " + msg + ")"
}

// sslMismatch says why a base64 PEM certificate does not cover cname (""
// when it does, or when it is not a certificate the simulator can read).
func sslMismatch(cname, certB64 string) string {
	if cname == "" || certB64 == "" {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(certB64)
	if err != nil {
		return ""
	}
	blk, _ := pem.Decode(raw)
	if blk == nil {
		return ""
	}
	crt, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return ""
	}
	if err := crt.VerifyHostname(cname); err != nil {
		return "the certificate does not cover sslCname " + cname + ": " + err.Error()
	}
	return ""
}

// deleteExtensionLocked starts an extension's uninstall (202).
func (h *Handler) deleteExtensionLocked(r *http.Request, c *cluster, name string) reply {
	e := h.extensionLocked(c.id(), name)
	if e == nil {
		return reply{status: http.StatusNoContent}
	}
	if op := h.pendingLocked(c.id(), name); op != nil {
		if op.Kind == opExtensionDelete {
			return reply{status: http.StatusAccepted, header: http.Header{"Azure-Asyncoperation": {h.extOpURL(r, c, op)}}}
		}
		return errReply(http.StatusConflict, "Conflict", fmt.Sprintf("An install is in progress on extension '%s'. Try again when it has finished.", name))
	}
	op := &operation{ID: newID(), Kind: opExtensionDelete, Sub: c.Sub, RG: c.RG, Location: c.Location, Start: h.now().UTC(),
		Duration: h.k8sDuration(opExtensionDelete), Outcome: "Succeeded", Target: e.Cluster, Extension: e.Name}
	h.st.Operations = append(h.st.Operations, op)
	h.dirty = true
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return reply{status: http.StatusAccepted, header: http.Header{"Azure-Asyncoperation": {h.extOpURL(r, c, op)}}}
}

// serveExtensionOperation is GET {extension}/operations/{id}.
func (h *Handler) serveExtensionOperation(r *http.Request, p []string) reply {
	if h.w.sub(p[0]) == nil {
		return subNotFound(p[0])
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	op := h.findOpLocked(p[4])
	if op == nil || !strings.EqualFold(op.Sub, p[0]) || !strings.EqualFold(op.Extension, p[3]) ||
		(op.Kind != opExtensionCreate && op.Kind != opExtensionDelete && op.Kind != opExtensionUpdate) {
		return opNotFound(p[4])
	}
	c := h.clusterByIDLocked(op.Target)
	id := op.Target + "/providers/Microsoft.KubernetesConfiguration/extensions/" + op.Extension + "/operations/" + op.ID
	if c != nil {
		id = extensionID(c, op.Extension) + "/operations/" + op.ID
	}
	return h.k8sOpStatus(op, id)
}

// ---- resource providers ----

type providerJSON struct {
	ID                 string             `json:"id"`
	Namespace          string             `json:"namespace"`
	RegistrationState  string             `json:"registrationState"`
	RegistrationPolicy string             `json:"registrationPolicy"`
	ResourceTypes      []providerTypeJSON `json:"resourceTypes"`
}

type providerTypeJSON struct {
	ResourceType string   `json:"resourceType"`
	Locations    []string `json:"locations"`
	APIVersions  []string `json:"apiVersions"`
}

func knownProvider(ns string) (string, bool) { return canon(ns, knownProviders...) }

func (h *Handler) renderProviderLocked(sub, ns string) providerJSON {
	j := providerJSON{ID: "/subscriptions/" + sub + "/providers/" + ns, Namespace: ns,
		RegistrationState: h.registrationLocked(sub, ns), RegistrationPolicy: "RegistrationRequired", ResourceTypes: []providerTypeJSON{}}
	switch ns {
	case "Microsoft.KubernetesConfiguration":
		j.ResourceTypes = append(j.ResourceTypes, providerTypeJSON{ResourceType: "extensions", Locations: h.regionDisplayNames(),
			APIVersions: []string{"2025-03-01", "2024-11-01", "2023-05-01", "2022-11-01"}})
	case "Microsoft.ContainerService":
		j.ResourceTypes = append(j.ResourceTypes, providerTypeJSON{ResourceType: "managedClusters", Locations: h.regionDisplayNames(),
			APIVersions: []string{"2025-09-01", "2025-07-01", "2025-02-01"}})
	}
	return j
}

func (h *Handler) regionDisplayNames() []string {
	var out []string
	for _, r := range h.w.regions {
		if !r.Logical {
			out = append(out, r.DisplayName)
		}
	}
	return out
}

// serveProvider is GET /subscriptions/{s}/providers/{ns}.
func (h *Handler) serveProvider(r *http.Request, p []string) reply {
	if h.w.sub(p[0]) == nil {
		return subNotFound(p[0])
	}
	ns, ok := knownProvider(p[1])
	if !ok {
		return errReply(http.StatusNotFound, "InvalidResourceNamespace", fmt.Sprintf("The resource namespace '%s' is invalid.", p[1]))
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	return okReply(h.renderProviderLocked(h.w.sub(p[0]).ID, ns))
}

// serveRegister is POST /subscriptions/{s}/providers/{ns}/register: the
// namespace goes Registering, then Registered after a few seconds.
func (h *Handler) serveRegister(r *http.Request, p []string) reply {
	if h.w.sub(p[0]) == nil {
		return subNotFound(p[0])
	}
	ns, ok := knownProvider(p[1])
	if !ok {
		return errReply(http.StatusNotFound, "InvalidResourceNamespace", fmt.Sprintf("The resource namespace '%s' is invalid.", p[1]))
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	sub := h.w.sub(p[0]).ID
	if h.registrationLocked(sub, ns) != "Registered" {
		key := strings.ToLower(sub + "|" + ns)
		if cur := h.st.Providers[key]; cur == nil || cur.State != "Registering" {
			h.st.Providers[key] = &providerRec{State: "Registering", Since: h.now().UTC()}
			h.dirty = true
			if err := h.saveLocked(); err != nil {
				return stateError(err)
			}
		}
	}
	return okReply(h.renderProviderLocked(sub, ns))
}

// ---- Kubernetes computes ----

// k8sProps is a Kubernetes compute's inner properties (KubernetesCompute.json).
type k8sProps struct {
	RelayConnectionString         *string `json:"relayConnectionString"`
	ServiceBusConnectionString    *string `json:"serviceBusConnectionString"`
	ExtensionPrincipalID          *string `json:"extensionPrincipalId"`
	ExtensionInstanceReleaseTrain string  `json:"extensionInstanceReleaseTrain"`
	VcName                        *string `json:"vcName"`
	Namespace                     string  `json:"namespace"`
	DefaultInstanceType           string  `json:"defaultInstanceType,omitempty"`
}

// putKubernetesCompute validates a Kubernetes attach and starts it. Azure
// accepts the PUT and fails the operation when the cluster has no healthy
// Azure ML extension (or is stopped).
func (h *Handler) putKubernetesCompute(r *http.Request, ws *workspace, name string, in *computeIn) reply {
	rid := str(in.Properties.ResourceID)
	if rid == "" {
		return badRequest("resourceId is required for a Kubernetes compute: the resource ID of the AKS or Arc Kubernetes cluster to attach.")
	}
	csub, crg, cname, ok := parseClusterID(rid)
	if !ok {
		return badRequest(fmt.Sprintf("Invalid resource ID '%s': expected /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ContainerService/managedClusters/{name}.", rid))
	}
	var kp struct {
		Namespace           *string `json:"namespace"`
		DefaultInstanceType *string `json:"defaultInstanceType"`
	}
	if len(in.Properties.Properties) > 0 && string(in.Properties.Properties) != "null" {
		if err := json.Unmarshal(in.Properties.Properties, &kp); err != nil {
			return errReply(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: "+err.Error())
		}
	}
	ns := "default"
	if v := str(kp.Namespace); v != "" {
		ns = v
	}
	if !validNamespace(ns) {
		return badRequest(fmt.Sprintf("Invalid namespace '%s': a Kubernetes namespace is 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit.", ns))
	}
	var ident *identityJSON
	if id := in.Identity; id != nil && id.Type != "" {
		t, ok := canon(id.Type, "SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned", "None")
		if !ok {
			return badRequest(fmt.Sprintf("Invalid identity type '%s': expected SystemAssigned, UserAssigned or None.", id.Type))
		}
		if t == "UserAssigned" && len(id.UserAssignedIdentities) == 0 {
			return badRequest("identity.userAssignedIdentities is required with identity type UserAssigned.")
		}
		if t != "None" {
			ident = &identityJSON{Type: t, TenantID: TenantID}
			if strings.Contains(t, "SystemAssigned") {
				ident.PrincipalID = shortHash(ws.Name+"/"+name) + "-3c4d-4e5f-8a6b-" + shortHash(name) + "0b0c"
			}
		}
	}
	var desc *string
	if in.Properties.Description != nil {
		d := *in.Properties.Description
		desc = &d
	}
	now := h.now().UTC()
	c := &computeRec{Sub: ws.Sub, RG: ws.RG, Workspace: ws.Name, Name: name, Location: str(in.Location), Type: "Kubernetes",
		Description: desc, CreatedOn: now, ModifiedOn: now, Tags: in.Tags, ResourceID: rid, Attached: true, State: "Creating",
		Identity: ident, K8s: &k8sProps{ExtensionInstanceReleaseTrain: "stable", Namespace: ns, DefaultInstanceType: str(kp.DefaultInstanceType)}}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	if h.nameTakenLocked(ws, name) {
		return errReply(http.StatusConflict, "Conflict",
			"Compute with this name already exists. Compute name needs to be unique across all existing computes within an Azure region")
	}
	cl := h.clusterLocked(csub, crg, cname)
	if cl == nil {
		return resourceNotFound("Microsoft.ContainerService/managedClusters", cname, crg)
	}
	c.ComputeLocation = cl.Location
	h.st.Computes = append(h.st.Computes, c)
	op := h.newOpLocked("attach", c, ws.Location)
	var ext *extensionRec
	for _, e := range h.extensionsOfLocked(cl.id()) {
		if strings.EqualFold(e.Type, "Microsoft.AzureML.Kubernetes") {
			ext = e
		}
	}
	switch {
	case cl.PowerState != "Running":
		op.fail(invalid("BadArgument", fmt.Sprintf("Cannot attach cluster '%s': its power state is %s. Start the cluster and try again.", cl.Name, cl.PowerState)))
	case ext == nil:
		op.fail(invalid("BadArgument", fmt.Sprintf("The Azure Machine Learning extension (Microsoft.AzureML.Kubernetes) is not installed on cluster '%s'. "+
			"Install it with `az k8s-extension create --extension-type Microsoft.AzureML.Kubernetes` and attach the cluster again.", cl.Name)))
	case h.pendingLocked(cl.id(), ext.Name) != nil:
		op.fail(invalid("BadArgument", fmt.Sprintf("The Azure Machine Learning extension '%s' on cluster '%s' is still being installed. "+
			"Wait until its provisioningState is Succeeded and attach the cluster again.", ext.Name, cl.Name)))
	case ext.State != "Succeeded":
		op.fail(invalid("BadArgument", fmt.Sprintf("The Azure Machine Learning extension '%s' on cluster '%s' is in provisioningState %s. "+
			"Fix or reinstall the extension and attach the cluster again.", ext.Name, cl.Name, ext.State)))
	case cl.LocalAccountsDisabled && !h.hasMLBindingLocked(cl, ws.Sub, ws.RG, ws.Name):
		// Modelled: Azure ML signs in to the API server with local
		// credentials unless Trusted Access binds the workspace.
		op.fail(invalid("ClusterUnauthorized", fmt.Sprintf("Request to Kubernetes cluster '%s' unauthorized: the cluster has local accounts disabled "+
			"and workspace '%s' has no Trusted Access role binding (Microsoft.MachineLearningServices/workspaces/mlworkload) on it. "+
			"Create one with `az aks trustedaccess rolebinding create` and attach the cluster again.", cl.Name, ws.Name)))
	case h.f.takeFail("attach"):
		op.fail(internalError())
	}
	if op.Outcome == "Succeeded" {
		pid := shortHash(ext.Cluster+"/"+ext.Name) + "-7e2a-4d1b-9c3f-" + shortHash(ext.Name) + "0e0f"
		c.K8s.ExtensionPrincipalID = &pid
	}
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return reply{status: http.StatusCreated, body: renderCompute(c), header: http.Header{
		"Azure-Asyncoperation": {h.opURL(r, op, "computeOperationsStatus")}}}
}

// validNamespace is a Kubernetes namespace name (RFC 1123 label).
func validNamespace(n string) bool {
	if len(n) < 1 || len(n) > 63 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if !(n[i] >= 'a' && n[i] <= 'z' || n[i] >= '0' && n[i] <= '9' || n[i] == '-') {
			return false
		}
	}
	return n[0] != '-' && n[len(n)-1] != '-'
}

// BaseDuration is how long an operation of kind takes at Speed 1 (kinds
// of OperationKinds; for the demo's expected durations).
func BaseDuration(kind string) time.Duration {
	return map[string]time.Duration{"create": createDuration, "attach": attachDuration, "detach": detachDuration, "delete": deleteDuration,
		"cluster": clusterCreateDuration, "extension": extensionCreateDuration, "delete-cluster": clusterDeleteDuration,
		"run-command": runCommandDuration, "endpoint": endpointCreateDuration, "deployment": deploymentCreateDuration,
		"delete-endpoint": endpointDeleteDuration, "trusted-access": bindingDuration, "extension-update": extensionUpdateDuration}[kind]
}
