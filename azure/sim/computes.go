package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxBody bounds PUT bodies.
const maxBody = 1 << 20

type computeJSON struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Type       string            `json:"type"`
	Location   string            `json:"location"`
	Tags       map[string]string `json:"tags,omitempty"`
	Identity   *identityJSON     `json:"identity,omitempty"`
	Properties computePropsJSON  `json:"properties"`
}

type computePropsJSON struct {
	ComputeType        string      `json:"computeType"`
	ComputeLocation    string      `json:"computeLocation,omitempty"`
	ProvisioningState  string      `json:"provisioningState"`
	Description        *string     `json:"description"`
	CreatedOn          string      `json:"createdOn"`
	ModifiedOn         string      `json:"modifiedOn"`
	ResourceID         *string     `json:"resourceId"`
	ProvisioningErrors []errorBody `json:"provisioningErrors"`
	IsAttachedCompute  bool        `json:"isAttachedCompute"`
	DisableLocalAuth   bool        `json:"disableLocalAuth"`
	Properties         any         `json:"properties,omitempty"`
}

func computeID(sub, rg, ws, name string) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearningServices/workspaces/%s/computes/%s",
		sub, rg, ws, name)
}

func renderCompute(c *computeRec) computeJSON {
	j := computeJSON{ID: computeID(c.Sub, c.RG, c.Workspace, c.Name), Name: c.Name,
		Type: "Microsoft.MachineLearningServices/workspaces/computes", Location: c.Location, Tags: c.Tags, Identity: c.Identity}
	pr := &j.Properties
	pr.ComputeType, pr.ComputeLocation, pr.ProvisioningState = c.Type, c.ComputeLocation, c.State
	pr.Description = c.Description
	pr.CreatedOn, pr.ModifiedOn = c.CreatedOn.UTC().Format(time.RFC3339), c.ModifiedOn.UTC().Format(time.RFC3339)
	if c.ResourceID != "" {
		id := c.ResourceID
		pr.ResourceID = &id
	}
	for _, e := range c.Errors {
		pr.ProvisioningErrors = append(pr.ProvisioningErrors, errorBody{e})
	}
	pr.IsAttachedCompute, pr.DisableLocalAuth = c.Attached, c.DisableLocalAuth
	switch {
	case c.AKS != nil:
		cp := *c.AKS
		pr.Properties = &cp
	case c.K8s != nil:
		cp := *c.K8s
		pr.Properties = &cp
	case len(c.AML) > 0:
		pr.Properties = c.AML
	}
	return j
}

// serveComputes lists a workspace's computes (paged).
func (h *Handler) serveComputes(r *http.Request, p []string) reply {
	rep, ws := h.lookupWorkspace(p[0], p[1], p[2])
	if ws == nil {
		return rep
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	out := []computeJSON{}
	for _, c := range h.st.Computes {
		if strings.EqualFold(c.Sub, ws.Sub) && strings.EqualFold(c.RG, ws.RG) && strings.EqualFold(c.Workspace, ws.Name) {
			out = append(out, renderCompute(c))
		}
	}
	h.end()
	return paged(r, out, computePage)
}

// serveCompute is GET, PUT (create or attach) and DELETE of one compute.
func (h *Handler) serveCompute(r *http.Request, p []string) reply {
	rep, ws := h.lookupWorkspace(p[0], p[1], p[2])
	if ws == nil {
		return rep
	}
	name := p[3]
	switch r.Method {
	case http.MethodPut:
		return h.putCompute(r, ws, name)
	case http.MethodDelete:
		return h.deleteCompute(r, ws, name)
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	i := h.findComputeLocked(ws.Sub, ws.RG, ws.Name, name)
	if i < 0 {
		return resourceNotFound("Microsoft.MachineLearningServices/workspaces/"+ws.Name+"/computes", name, ws.RG)
	}
	return okReply(renderCompute(h.st.Computes[i]))
}

// validComputeName applies the service's rule (3–24 characters, letters,
// digits and '-', starts with a letter, ends with a letter or digit) and
// the ARM schema's "not ending in -digits".
func validComputeName(n string) bool {
	if len(n) < 3 || len(n) > 24 {
		return false
	}
	isLetter := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !isLetter(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	if !isLetter(n[0]) || n[len(n)-1] == '-' {
		return false
	}
	if k := strings.LastIndexByte(n, '-'); k >= 0 {
		tail := n[k+1:]
		allDigits := tail != ""
		for i := 0; i < len(tail); i++ {
			allDigits = allDigits && isDigit(tail[i])
		}
		if allDigits {
			return false
		}
	}
	return true
}

type sslIn struct {
	Status                  *string `json:"status"`
	Cert                    *string `json:"cert"`
	Key                     *string `json:"key"`
	Cname                   *string `json:"cname"`
	LeafDomainLabel         *string `json:"leafDomainLabel"`
	OverwriteExistingDomain *bool   `json:"overwriteExistingDomain"`
}

type aksPropsIn struct {
	AgentCount                 *int    `json:"agentCount"`
	AgentVMSize                *string `json:"agentVmSize"`
	ClusterPurpose             *string `json:"clusterPurpose"`
	LoadBalancerType           *string `json:"loadBalancerType"`
	LoadBalancerSubnet         *string `json:"loadBalancerSubnet"`
	AksNetworkingConfiguration *aksNet `json:"aksNetworkingConfiguration"`
	SSLConfiguration           *sslIn  `json:"sslConfiguration"`
}

type computeIn struct {
	Location   *string           `json:"location"`
	Tags       map[string]string `json:"tags"`
	Properties *struct {
		ComputeType      *string         `json:"computeType"`
		ComputeLocation  *string         `json:"computeLocation"`
		Description      *string         `json:"description"`
		ResourceID       *string         `json:"resourceId"`
		DisableLocalAuth *bool           `json:"disableLocalAuth"`
		Properties       json.RawMessage `json:"properties"`
	} `json:"properties"`
	Identity *struct {
		Type                   string         `json:"type"`
		UserAssignedIdentities map[string]any `json:"userAssignedIdentities"`
	} `json:"identity"`
}

func badRequest(msg string) reply { return errReply(http.StatusBadRequest, "BadRequest", msg) }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

// canon returns the allowed value equal (ignoring case) to v.
func canon(v string, allowed ...string) (string, bool) {
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a, true
		}
	}
	return "", false
}

// putCompute validates a create or attach body and starts the operation.
func (h *Handler) putCompute(r *http.Request, ws *workspace, name string) reply {
	if !validComputeName(name) {
		return badRequest("Compute name is invalid. It can include letters, digits and dashes. It must start with a letter, end with a letter or digit, and be between 3 and 24 characters")
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return errReply(http.StatusBadRequest, "InvalidRequestContent", "The request content could not be read: "+err.Error())
	}
	if len(raw) > maxBody {
		return errReply(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "The request content exceeds 1 MiB.")
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return errReply(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: the body is empty.")
	}
	var in computeIn
	if err := json.Unmarshal(raw, &in); err != nil {
		return errReply(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: "+err.Error())
	}
	if in.Properties == nil || str(in.Properties.ComputeType) == "" {
		return badRequest("The compute properties are required and must include computeType.")
	}
	ct := str(in.Properties.ComputeType)
	if ct != "AKS" && ct != "Kubernetes" {
		return badRequest(fmt.Sprintf("Compute type '%s' is not supported here: only AKS and Kubernetes computes can be created or attached (computeType \"AKS\" or \"Kubernetes\").", ct))
	}
	location := str(in.Location)
	if location == "" {
		return errReply(http.StatusBadRequest, "LocationRequired", "The location property is required for this definition.")
	}
	if k := ws.Kind; k == "Hub" || k == "Project" {
		return badRequest(fmt.Sprintf("Workspace '%s' is of kind %s: AKS computes can only be created in or attached to an Azure Machine Learning workspace.", ws.Name, k))
	}
	if ct == "Kubernetes" {
		return h.putKubernetesCompute(r, ws, name, &in)
	}
	props := &aksPropsIn{}
	if len(in.Properties.Properties) > 0 && string(in.Properties.Properties) != "null" {
		if err := json.Unmarshal(in.Properties.Properties, props); err != nil {
			return errReply(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: "+err.Error())
		}
	}
	if rep, ok := checkNetworking(props.AksNetworkingConfiguration); !ok {
		return rep
	}
	purpose := "FastProd"
	if v := str(props.ClusterPurpose); v != "" {
		var ok bool
		if purpose, ok = canon(v, "FastProd", "DenseProd", "DevTest"); !ok {
			return badRequest(fmt.Sprintf("Invalid clusterPurpose '%s': expected FastProd, DenseProd or DevTest.", v))
		}
	}
	lbType := "PublicIp"
	if v := str(props.LoadBalancerType); v != "" {
		var ok bool
		if lbType, ok = canon(v, "PublicIp", "InternalLoadBalancer"); !ok {
			return badRequest(fmt.Sprintf("Invalid loadBalancerType '%s': expected PublicIp or InternalLoadBalancer.", v))
		}
	}
	var ssl *sslConf
	if s := props.SSLConfiguration; s != nil { // cert and key are dropped here: never echoed, never stored
		ssl = &sslConf{Cname: str(s.Cname), LeafDomainLabel: str(s.LeafDomainLabel), OverwriteExistingDomain: s.OverwriteExistingDomain}
		if v := str(s.Status); v != "" {
			var ok bool
			if ssl.Status, ok = canon(v, "Enabled", "Disabled", "Auto"); !ok {
				return badRequest(fmt.Sprintf("Invalid sslConfiguration.status '%s': expected Enabled, Disabled or Auto.", v))
			}
		}
	}
	var desc *string
	if in.Properties.Description != nil {
		d := *in.Properties.Description
		desc = &d
	}
	now := h.now().UTC()
	c := &computeRec{Sub: ws.Sub, RG: ws.RG, Workspace: ws.Name, Name: name, Location: location, Type: "AKS",
		Description: desc, CreatedOn: now, ModifiedOn: now, Tags: in.Tags,
		AKS: &aksProps{ClusterPurpose: purpose, LoadBalancerType: lbType, LoadBalancerSubnet: str(props.LoadBalancerSubnet),
			Networking: props.AksNetworkingConfiguration, SSL: ssl}}
	if in.Properties.DisableLocalAuth != nil {
		c.DisableLocalAuth = *in.Properties.DisableLocalAuth
	}

	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	if h.nameTakenLocked(ws, name) {
		return errReply(http.StatusConflict, "Conflict",
			"Compute with this name already exists. Compute name needs to be unique across all existing computes within an Azure region")
	}
	var op *operation
	var rep reply
	if rid := str(in.Properties.ResourceID); rid != "" {
		op, rep = h.attachLocked(ws, c, rid, purpose)
	} else {
		op, rep = h.createLocked(ws, c, props, str(in.Properties.ComputeLocation), purpose)
	}
	if op == nil {
		return rep
	}
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return reply{status: http.StatusCreated, body: renderCompute(c), header: http.Header{
		"Azure-Asyncoperation": {h.opURL(r, op, "computeOperationsStatus")}}}
}

// nameTakenLocked: names are unique in the workspace and among the
// computes of workspaces in the same region (the service's 409).
func (h *Handler) nameTakenLocked(ws *workspace, name string) bool {
	for _, c := range h.st.Computes {
		if !strings.EqualFold(c.Sub, ws.Sub) || !strings.EqualFold(c.Name, name) {
			continue
		}
		if strings.EqualFold(c.RG, ws.RG) && strings.EqualFold(c.Workspace, ws.Name) {
			return true
		}
		if other := h.w.workspace(c.Sub, c.RG, c.Workspace); other != nil && other.Location == ws.Location {
			return true
		}
	}
	return false
}

// opURL is the absolute Azure-AsyncOperation (kind computeOperationsStatus)
// or Location (computeOperationsResults) URL of op.
func (h *Handler) opURL(r *http.Request, op *operation, kind string) string {
	v := r.URL.Query().Get("api-version")
	if v == "" {
		v = "2024-04-01"
	}
	return fmt.Sprintf("%s/subscriptions/%s/providers/Microsoft.MachineLearningServices/locations/%s/%s/%s?api-version=%s",
		baseURL(r), op.Sub, op.Location, kind, op.ID, v)
}

func (h *Handler) newOpLocked(kind string, c *computeRec, location string) *operation {
	op := &operation{ID: newID(), Kind: kind, Sub: c.Sub, RG: c.RG, Workspace: c.Workspace, Compute: c.Name,
		Location: location, Start: h.now().UTC(), Duration: h.duration(kind), Outcome: "Succeeded"}
	h.st.Operations = append(h.st.Operations, op)
	c.OpID = op.ID
	h.dirty = true
	return op
}

func (op *operation) fail(e armError) {
	op.Outcome, op.Error = "Failed", &e
}

// invalid wraps a detail in AML's outer "The request is invalid" error.
func invalid(code, msg string) armError {
	return armError{Code: "BadRequest", Message: "The request is invalid", Details: []armError{{Code: code, Message: msg}}}
}

func internalError() armError {
	return armError{Code: "InternalServerError", Message: "An internal server error occurred. Please try again. If the problem persists, contact support."}
}

// quotaError is a quota failure as an AML create reports it: AKS's
// QuotaExceeded wrapped in the ARM template deployment that AML runs, under
// the code BadArgument, all of it inside one message string (the shape of
// microsoft/computervision-recipes#499).
func quotaError(label, region, cluster, rg string, limit, used, need int) armError {
	inner := fmt.Sprintf("Operation could not be completed as it results in exceeding approved %s Cores quota. "+
		"Additional details - Deployment Model: Resource Manager, Location: %s, Current Limit: %d, Current Usage: %d, "+
		"Additional Required: %d, (Minimum) New Limit Required: %d. Submit a request for Quota increase at https://aka.ms/ProdportalCRP "+
		"by specifying parameters listed in the ‘Details’ section for deployment to succeed. Please read more about quota limits at "+
		"https://docs.microsoft.com/en-us/azure/azure-supportability/regional-quota-requests.", label, region, limit, used, need, used+need)
	prov := fmt.Sprintf("Provisioning of resource(s) for container service %s in resource group %s failed.", cluster, rg)
	req, dep := newID(), newID()
	return armError{Code: "BadArgument", Message: fmt.Sprintf("InvalidTemplateDeployment: Details: RequestId: %s\n"+
		"Error code: 'InvalidTemplateDeployment'. Target: ''. Message: 'The template deployment '%s' is not valid according to the validation procedure. "+
		"The tracking id is '%s'. See inner errors for details.'\n"+
		"    Error code: 'QuotaExceeded'. Target: ''. Message: '%s Message: {\n      \"code\": \"QuotaExceeded\",\n      \"message\": \"%s Message: %s\"\n    }'",
		req, dep, req, prov, prov, inner)}
}

// purposeCheck is the service's synchronous threshold check.
func purposeCheck(purpose string, nodes, vcpus int) (reply, bool) {
	if purpose == "DevTest" {
		return reply{}, true
	}
	if vcpus < 12 {
		return badRequest(fmt.Sprintf("Cluster should have at least 12 cores to operate. Cluster purpose '%s' with %d node(s) has %d core(s).", purpose, nodes, vcpus)), false
	}
	if nodes < 3 {
		return badRequest(fmt.Sprintf("At least 3 machine(s) are required for cluster with purpose '%s'. Available machine(s) : %d", purpose, nodes)), false
	}
	return reply{}, true
}

// createLocked validates a create and starts it; the outcome (quota,
// restricted size, forced failure) is decided now and shows at the end.
func (h *Handler) createLocked(ws *workspace, c *computeRec, props *aksPropsIn, computeLocation, purpose string) (*operation, reply) {
	if props.AgentVMSize == nil || str(props.AgentVMSize) == "" || props.AgentCount == nil {
		return nil, badRequest("agentVmSize and agentCount are required to create an AKS compute (or set resourceId to attach an existing cluster).")
	}
	count := *props.AgentCount
	if count < 1 || count > 100 {
		return nil, badRequest(fmt.Sprintf("agentCount %d is out of range: it must be between 1 and 100.", count))
	}
	region := computeLocation
	if region == "" {
		region = c.Location
	}
	rg := h.w.physical(region)
	if rg == nil {
		return nil, badRequest(fmt.Sprintf("Location '%s' is not a valid Azure region for an AKS compute.", region))
	}
	size := h.w.size(str(props.AgentVMSize))
	if size == nil {
		return nil, badRequest(fmt.Sprintf("The specified VM size '%s' is not a valid Azure VM size.", str(props.AgentVMSize)))
	}
	if !h.w.offered(size, rg.Name) {
		return nil, badRequest(fmt.Sprintf("The VM size '%s' is not available in location '%s'.", size.Name, rg.Name))
	}
	if size.VCPUs < 2 || size.MemoryGB < 4 { // AKS system pools: at least 2 vCPUs and 4 GiB
		return nil, badRequest(fmt.Sprintf("The VM SKU chosen for this cluster %s does not have enough CPU/memory to run as an AKS node.", size.Name))
	}
	if rep, ok := purposeCheck(purpose, count, count*size.VCPUs); !ok {
		return nil, rep
	}
	sub := h.w.sub(ws.Sub)
	c.ComputeLocation = rg.Name
	c.State = "Creating"
	c.AKS.AgentCount, c.AKS.AgentVMSize = &count, size.Name
	h.st.Computes = append(h.st.Computes, c)
	op := h.newOpLocked("create", c, ws.Location)

	need := count * size.VCPUs
	clusterName := clusterNameFor(c.Name)
	u := h.usageLocked(sub, rg.Name)
	famLimit, coresLimit := h.w.limit(sub, rg.Name, size.Family), h.w.limit(sub, rg.Name, "cores")
	famUsed, coresUsed := max(u[size.Family], 0), max(u["cores"], 0)
	if restricted, _ := h.w.restricted(sub, size, rg.Name); restricted {
		op.fail(invalid("SkuNotAvailable", fmt.Sprintf("The requested VM size %s is currently not available in location '%s' for subscription '%s'. "+
			"Please try another size or deploy to a different location or zones. See https://aka.ms/azureskunotavailable for details.", size.Name, rg.Name, sub.ID)))
	} else if famUsed+need > famLimit {
		op.fail(quotaError(size.Family, rg.Name, clusterName, ws.RG, famLimit, famUsed, need))
	} else if coresUsed+need > coresLimit {
		op.fail(quotaError("Total Regional", rg.Name, clusterName, ws.RG, coresLimit, coresUsed, need))
	} else if h.f.takeFail("create") {
		op.fail(quotaError(size.Family, rg.Name, clusterName, ws.RG, famLimit, max(famUsed, famLimit-need+1, 0), need))
	}
	if op.Outcome == "Succeeded" {
		cl := &cluster{Sub: ws.Sub, RG: ws.RG, Name: clusterName, Location: rg.Name,
			Version: defaultPatch(h.w.versionsFor(rg.Name)), PowerState: "Running", ProvisioningState: "Succeeded",
			Pools:           []pool{{Name: "agentpool", Count: count, VMSize: size.Name, Mode: "System"}},
			LoadBalancerSKU: "standard", NetworkPlugin: "kubenet", OutboundType: "loadBalancer",
			ServiceCidr: "10.0.0.0/16", DNSServiceIP: "10.0.0.10", CreatedByAML: true,
			Tags: map[string]string{"createdBy": "AzureML", "azureml-compute": c.Name, "azureml-workspace": ws.Name}}
		if n := c.AKS.Networking; n != nil && n.SubnetID != "" {
			cl.NetworkPlugin, cl.SubnetID = "azure", n.SubnetID
			if n.ServiceCidr != "" {
				cl.ServiceCidr, cl.DNSServiceIP = n.ServiceCidr, n.DNSServiceIP
			}
		}
		if lbType := c.AKS.LoadBalancerType; lbType == "InternalLoadBalancer" && cl.NetworkPlugin == "kubenet" {
			cl.NetworkPlugin = "azure"
		}
		op.Cluster = cl
	}
	return op, reply{}
}

// clusterNameFor is the AKS cluster AML creates for a compute: the name
// (shortened) plus five hex digits.
func clusterNameFor(compute string) string {
	base := strings.ToLower(compute)
	if len(base) > 20 {
		base = base[:20]
	}
	return base + randHex(5)
}

// attachLocked validates an attach and starts it. Attaching a cluster that
// is already attached elsewhere succeeds, as in Azure (and silently breaks
// the first attachment).
func (h *Handler) attachLocked(ws *workspace, c *computeRec, rid, purpose string) (*operation, reply) {
	csub, crg, cname, ok := parseClusterID(rid)
	if !ok {
		return nil, badRequest(fmt.Sprintf("Invalid resource ID '%s': expected /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ContainerService/managedClusters/{name}.", rid))
	}
	cl := h.clusterLocked(csub, crg, cname)
	if cl == nil {
		return nil, resourceNotFound("Microsoft.ContainerService/managedClusters", cname, crg)
	}
	nodes, vcpus := 0, 0
	for _, p := range cl.Pools {
		nodes += p.Count
		if s := h.w.size(p.VMSize); s != nil {
			vcpus += p.Count * s.VCPUs
		}
	}
	if rep, ok := purposeCheck(purpose, nodes, vcpus); !ok {
		return nil, rep
	}
	c.ResourceID, c.Attached, c.ComputeLocation, c.State = rid, true, cl.Location, "Updating"
	h.st.Computes = append(h.st.Computes, c)
	op := h.newOpLocked("attach", c, ws.Location)

	vs := h.w.versionsFor(cl.Location)
	supported := vs == nil
	for _, m := range vs {
		supported = supported || m.Version == minorOf(cl.Version)
	}
	switch {
	case cl.PowerState != "Running":
		op.fail(invalid("BadArgument", fmt.Sprintf("Cannot attach cluster '%s': its power state is %s. Start the cluster and try again.", cl.Name, cl.PowerState)))
	case cl.ProvisioningState != "Succeeded":
		op.fail(invalid("BadArgument", fmt.Sprintf("Cannot attach cluster '%s': its provisioning state is %s.", cl.Name, cl.ProvisioningState)))
	case !supported:
		lo, hi := supportedRange(vs)
		op.fail(invalid("BadRequestFormat", fmt.Sprintf("Specified kubernetes version %s is not supported. Supported versions are between %s - %s", cl.Version, lo, hi)))
	case cl.Private && cl.PrivatePublicFQDN:
		op.fail(invalid("BadArgument", fmt.Sprintf("Cluster '%s' is a private cluster with a public FQDN (enablePrivateClusterPublicFQDN), which is not supported.", cl.Name)))
	case h.f.takeFail("attach"):
		op.fail(internalError())
	}
	return op, reply{}
}

// deleteCompute detaches (underlyingResourceAction=Detach) or deletes a
// compute. Delete of an AKS compute AML created also deletes its cluster;
// for an attached compute it only detaches.
func (h *Handler) deleteCompute(r *http.Request, ws *workspace, name string) reply {
	var action string
	for k, vs := range r.URL.Query() {
		if strings.EqualFold(k, "underlyingResourceAction") && len(vs) > 0 {
			action = vs[0]
		}
	}
	kind := map[string]string{"delete": "delete", "detach": "detach"}[strings.ToLower(action)]
	if kind == "" {
		return badRequest(fmt.Sprintf("The query parameter underlyingResourceAction is required and must be 'Delete' or 'Detach' (got '%s').", action))
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	i := h.findComputeLocked(ws.Sub, ws.RG, ws.Name, name)
	if i < 0 {
		return reply{status: http.StatusNoContent}
	}
	c := h.st.Computes[i]
	accepted := func(op *operation) reply {
		return reply{status: http.StatusAccepted, header: http.Header{
			"Azure-Asyncoperation": {h.opURL(r, op, "computeOperationsStatus")},
			"Location":             {h.opURL(r, op, "computeOperationsResults")},
		}}
	}
	if c.OpID != "" {
		if op := h.findOpLocked(c.OpID); op != nil && !op.Done {
			if op.Kind == "detach" || op.Kind == "delete" {
				return accepted(op)
			}
			return errReply(http.StatusConflict, "Conflict", fmt.Sprintf(
				"Compute '%s' has an operation in progress (%s). Try again when it has finished.", c.Name, c.State))
		}
	}
	if kind == "detach" && c.Type != "AKS" && c.Type != "Kubernetes" {
		return badRequest(fmt.Sprintf("Detach is not supported for compute type '%s'; use underlyingResourceAction=Delete.", c.Type))
	}
	op := h.newOpLocked(kind, c, ws.Location)
	if kind == "delete" && !c.Attached && c.Type == "AKS" {
		if cl := h.clusterByIDLocked(c.ResourceID); cl != nil && cl.CreatedByAML {
			cp := *cl
			op.Cluster = &cp
		}
	}
	if h.f.takeFail(kind) {
		op.fail(internalError())
	}
	c.State, c.Errors, c.ModifiedOn = "Deleting", nil, h.now().UTC()
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return accepted(op)
}

type opStatusJSON struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	Status          string    `json:"status"`
	StartTime       string    `json:"startTime"`
	EndTime         string    `json:"endTime,omitempty"`
	PercentComplete float64   `json:"percentComplete"`
	Error           *armError `json:"error,omitempty"`
}

// opLocked finds op id of sub.
func (h *Handler) opLocked(sub, id string) (*operation, error) {
	op := h.findOpLocked(id)
	if op == nil || !strings.EqualFold(op.Sub, sub) {
		return nil, nil
	}
	return op, nil
}

func opNotFound(id string) reply {
	return errReply(http.StatusNotFound, "NotFound", fmt.Sprintf("Operation '%s' was not found.", id))
}

// serveOperationStatus is the Azure-AsyncOperation status of an operation.
func (h *Handler) serveOperationStatus(r *http.Request, p []string) reply {
	return h.withOp(r, p, func(op *operation) reply { return h.opStatus(op) })
}

// withOp finds operation p[2] of subscription p[0] with the state locked
// and answers with f, or with the ARM error when there is none.
func (h *Handler) withOp(r *http.Request, p []string, f func(op *operation) reply) reply {
	if h.w.sub(p[0]) == nil {
		return subNotFound(p[0])
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	op, err := h.opLocked(p[0], p[2])
	if err != nil {
		return stateError(err)
	}
	if op == nil {
		return opNotFound(p[2])
	}
	return f(op)
}

// opStatus is the Azure-AsyncOperation body of op.
func (h *Handler) opStatus(op *operation) reply {
	j := opStatusJSON{ID: fmt.Sprintf("/subscriptions/%s/providers/Microsoft.MachineLearningServices/locations/%s/computeOperationsStatus/%s",
		op.Sub, op.Location, op.ID), Name: op.ID, Status: "InProgress", StartTime: op.Start.UTC().Format(time.RFC3339Nano)}
	now := h.now()
	if op.Done || !now.Before(op.end()) {
		j.Status, j.EndTime, j.PercentComplete = op.Outcome, op.end().UTC().Format(time.RFC3339Nano), 100
		if op.Outcome != "Succeeded" && op.Error != nil {
			e := *op.Error
			j.Error = &e
		}
	} else if op.Duration > 0 {
		j.PercentComplete = float64(int(100*float64(now.Sub(op.Start))/float64(op.Duration)*10)) / 10
		j.PercentComplete = min(max(j.PercentComplete, 0), 99.9)
	}
	return okReply(j)
}

// serveOperationResult is the Location of a delete: 202 while it runs,
// 204 when done, the ARM error if it failed.
func (h *Handler) serveOperationResult(r *http.Request, p []string) reply {
	return h.withOp(r, p, func(op *operation) reply { return h.opResult(r, op) })
}

// opResult is the Location answer of op.
func (h *Handler) opResult(r *http.Request, op *operation) reply {
	if !op.Done && h.now().Before(op.end()) {
		return reply{status: http.StatusAccepted, header: http.Header{"Location": {h.opURL(r, op, "computeOperationsResults")}}}
	}
	if op.Outcome != "Succeeded" && op.Error != nil {
		return reply{status: http.StatusBadRequest, body: errorBody{*op.Error}, header: http.Header{"X-Ms-Error-Code": {op.Error.Code}}}
	}
	return reply{status: http.StatusNoContent}
}
