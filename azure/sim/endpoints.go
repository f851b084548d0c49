package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Online endpoints and deployments on Kubernetes computes (api-version
// 2024-04-01 shapes), environment versions, and, behind the scoring URI, a
// loopback scoring server that requires the endpoint's key. Azure's own
// checks are applied at the PUT (the compute must be a Kubernetes one: a
// legacy AKS compute is refused with Azure's text); what the cluster
// decides (namespace, instance type, extension health) fails the
// operation, as it does in Azure some minutes later. Managed endpoints are
// not modelled. A deployment without model and code must name a custom
// container's environment (inferenceConfig routes, each with path and
// port); its resources section follows the rules of
// how-to-manage-kubernetes-instance-types.md. The rules are sourced; the
// refusals' texts and moments (400 at the PUT, or the operation failing)
// are modelled.

// Base durations at Speed 1.
const (
	endpointCreateDuration   = 4 * time.Second
	deploymentCreateDuration = 8 * time.Second
	endpointDeleteDuration   = 3 * time.Second
)

// Operation kinds.
const (
	opEndpointCreate   = "endpoint-create"
	opEndpointDelete   = "endpoint-delete"
	opDeploymentCreate = "deployment-create"
	opDeploymentDelete = "deployment-delete"
)

type endpointRec struct {
	Sub         string            `json:"subscription"`
	RG          string            `json:"resourceGroup"`
	Workspace   string            `json:"workspace"`
	Name        string            `json:"name"`
	Location    string            `json:"location"`
	Compute     string            `json:"compute"` // ARM id as sent
	AuthMode    string            `json:"authMode"`
	Description string            `json:"description,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	Traffic     map[string]int    `json:"traffic,omitempty"`
	State       string            `json:"provisioningState"`
	Error       *armError         `json:"error,omitempty"`
	Created     time.Time         `json:"created"`
	Deployments []*deploymentRec  `json:"deployments,omitempty"`
}

type deploymentRec struct {
	Name         string          `json:"name"`
	Location     string          `json:"location"`
	SKU          json.RawMessage `json:"sku,omitempty"`
	Properties   json.RawMessage `json:"properties"`
	InstanceType string          `json:"instanceType"`
	State        string          `json:"provisioningState"`
	Error        *armError       `json:"error,omitempty"`
	Created      time.Time       `json:"created"`
}

func (e *endpointRec) id() string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearningServices/workspaces/%s/onlineEndpoints/%s",
		e.Sub, e.RG, e.Workspace, e.Name)
}

// keys are derived, never stored: the same endpoint always has the same.
func (e *endpointRec) keys() (primary, secondary string) {
	k := func(s string) string {
		sum := sha256.Sum256([]byte("amlaks-sim-endpoint-key|" + s + "|" + strings.ToLower(e.id()) + "|" + e.Created.String()))
		return hex.EncodeToString(sum[:16])
	}
	return k("primary"), k("secondary")
}

func (h *Handler) endpointLocked(sub, rg, ws, name string) *endpointRec {
	for _, e := range h.st.Endpoints {
		if strings.EqualFold(e.Sub, sub) && strings.EqualFold(e.RG, rg) && strings.EqualFold(e.Workspace, ws) && strings.EqualFold(e.Name, name) {
			return e
		}
	}
	return nil
}

func endpointNotFound(name, rg string) reply {
	return resourceNotFound("Microsoft.MachineLearningServices/workspaces/onlineEndpoints", name, rg)
}

// endpointStateLocked is the provisioningState an endpoint shows now.
func (h *Handler) endpointStateLocked(e *endpointRec) string {
	if op := h.pendingLocked(e.id(), ""); op != nil {
		return map[string]string{opEndpointCreate: "Creating", opEndpointDelete: "Deleting"}[op.Kind]
	}
	return e.State
}

func (h *Handler) deploymentStateLocked(e *endpointRec, d *deploymentRec) string {
	if op := h.pendingLocked(e.id(), d.Name); op != nil {
		return map[string]string{opDeploymentCreate: "Creating", opDeploymentDelete: "Deleting"}[op.Kind]
	}
	if op := h.pendingLocked(e.id(), ""); op != nil && op.Kind == opEndpointDelete {
		return "Deleting"
	}
	return d.State
}

type endpointJSON struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Type       string            `json:"type"`
	Location   string            `json:"location"`
	Tags       map[string]string `json:"tags,omitempty"`
	Identity   *identityJSON     `json:"identity,omitempty"`
	Kind       string            `json:"kind,omitempty"`
	Properties struct {
		AuthMode          string         `json:"authMode"`
		Compute           string         `json:"compute,omitempty"`
		Description       string         `json:"description,omitempty"`
		Traffic           map[string]int `json:"traffic"`
		ProvisioningState string         `json:"provisioningState"`
		ScoringURI        string         `json:"scoringUri,omitempty"`
		SwaggerURI        string         `json:"swaggerUri,omitempty"`
	} `json:"properties"`
}

func (h *Handler) renderEndpointLocked(e *endpointRec) endpointJSON {
	j := endpointJSON{ID: e.id(), Name: e.Name, Type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints", Location: e.Location,
		Tags: e.Tags, Kind: "K8S", Identity: &identityJSON{Type: "SystemAssigned", PrincipalID: shortHash(e.id()) + "-2d3e-4f5a-8b6c-" + shortHash(e.Name) + "0d0e", TenantID: TenantID}}
	p := &j.Properties
	p.AuthMode, p.Compute, p.Description, p.Traffic = e.AuthMode, e.Compute, e.Description, e.Traffic
	if p.Traffic == nil {
		p.Traffic = map[string]int{}
	}
	p.ProvisioningState = h.endpointStateLocked(e)
	if p.ProvisioningState == "Succeeded" {
		base := h.routerBaseLocked(e)
		p.ScoringURI = base + "/api/v1/endpoint/" + e.Name + "/score"
		p.SwaggerURI = base + "/api/v1/endpoint/" + e.Name + "/swagger.json"
	}
	return j
}

// routerBaseLocked is where the endpoint's router answers: the loopback
// scoring server for a public LoadBalancer router, a cluster-internal
// address (unreachable from here, as in Azure) for the other router kinds.
func (h *Handler) routerBaseLocked(e *endpointRec) string {
	cl := h.endpointClusterLocked(e)
	if cl == nil {
		return h.scoringBase()
	}
	ext := h.azuremlExtensionLocked(cl)
	if ext != nil {
		typ := strings.ToLower(ext.Settings["inferenceRouterServiceType"])
		if typ == "clusterip" || typ == "nodeport" || ext.Settings["internalLoadBalancerProvider"] != "" {
			return "http://10.0." + fmt.Sprint(int(cl.hash()[0])%200) + ".17"
		}
	}
	return h.scoringBase()
}

// endpointClusterLocked is the cluster behind the endpoint's compute.
func (h *Handler) endpointClusterLocked(e *endpointRec) *cluster {
	cp := h.computeByIDLocked(e.Compute)
	if cp == nil {
		return nil
	}
	sub, rg, name, ok := parseClusterID(cp.ResourceID)
	if !ok {
		return nil
	}
	return h.clusterLocked(sub, rg, name)
}

var computeIDRe = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.MachineLearningServices/workspaces/([^/]+)/computes/([^/]+)$`)

func (h *Handler) computeByIDLocked(id string) *computeRec {
	m := computeIDRe.FindStringSubmatch(strings.TrimSpace(id))
	if m == nil {
		return nil
	}
	if i := h.findComputeLocked(m[1], m[2], m[3], m[4]); i >= 0 {
		return h.st.Computes[i]
	}
	return nil
}

// scoringBase is the loopback scoring server's URL (started on first use,
// for this process: the port differs between processes).
func (h *Handler) scoringBase() string {
	h.scoreOnce.Do(func() {
		if h.opts.ScoringURL != "" {
			h.scoreURL = strings.TrimSuffix(h.opts.ScoringURL, "/")
			return
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			h.scoreURL = "http://127.0.0.1:9"
			return
		}
		h.scoreURL = "http://" + l.Addr().String()
		srv := &http.Server{Handler: http.HandlerFunc(h.ServeScoring), ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(l) }()
	})
	return h.scoreURL
}

var endpointNameRe = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$`)

type endpointIn struct {
	Location   *string           `json:"location"`
	Tags       map[string]string `json:"tags"`
	Properties *struct {
		AuthMode    *string        `json:"authMode"`
		Compute     *string        `json:"compute"`
		Description *string        `json:"description"`
		Traffic     map[string]int `json:"traffic"`
	} `json:"properties"`
}

func (h *Handler) serveEndpoints(r *http.Request, p []string) reply {
	rep, ws := h.lookupWorkspace(p[0], p[1], p[2])
	if ws == nil {
		return rep
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	out := []endpointJSON{}
	for _, e := range h.st.Endpoints {
		if strings.EqualFold(e.Sub, ws.Sub) && strings.EqualFold(e.RG, ws.RG) && strings.EqualFold(e.Workspace, ws.Name) {
			out = append(out, h.renderEndpointLocked(e))
		}
	}
	return paged(r, out, 10)
}

func (h *Handler) serveEndpoint(r *http.Request, p []string) reply {
	rep, ws := h.lookupWorkspace(p[0], p[1], p[2])
	if ws == nil {
		return rep
	}
	name := p[3]
	var in endpointIn
	if r.Method == http.MethodPut {
		if rep, ok := readBody(r, &in); !ok {
			return rep
		}
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	e := h.endpointLocked(ws.Sub, ws.RG, ws.Name, name)
	switch r.Method {
	case http.MethodPut:
		return h.putEndpointLocked(r, ws, name, e, &in)
	case http.MethodDelete:
		if e == nil {
			return reply{status: http.StatusNoContent}
		}
		if op := h.pendingLocked(e.id(), ""); op != nil && op.Kind == opEndpointDelete {
			return reply{status: http.StatusAccepted, header: http.Header{"Location": {h.opURL(r, op, "mfeOperationResults")},
				"Azure-Asyncoperation": {h.opURL(r, op, "mfeOperationsStatus")}}}
		}
		op := &operation{ID: newID(), Kind: opEndpointDelete, Sub: ws.Sub, RG: ws.RG, Workspace: ws.Name, Location: ws.Location,
			Start: h.now().UTC(), Duration: h.scaled(endpointDeleteDuration), Outcome: "Succeeded", Target: strings.ToLower(e.id())}
		h.st.Operations = append(h.st.Operations, op)
		h.dirty = true
		if err := h.saveLocked(); err != nil {
			return stateError(err)
		}
		return reply{status: http.StatusAccepted, header: http.Header{"Location": {h.opURL(r, op, "mfeOperationResults")},
			"Azure-Asyncoperation": {h.opURL(r, op, "mfeOperationsStatus")}}}
	}
	if e == nil {
		return endpointNotFound(name, ws.RG)
	}
	return okReply(h.renderEndpointLocked(e))
}

func (h *Handler) scaled(d time.Duration) time.Duration { return time.Duration(float64(d) / h.speed) }

// legacyComputeRefusal is Azure's answer to an endpoint on an AKS compute
// (Azure/azure-cli-extensions#5102).
func legacyComputeRefusal() reply {
	return reply{status: http.StatusBadRequest, body: errorBody{armError{Code: "BadRequest", Message: "The request is invalid.",
		Details: []armError{{Code: "NotSupported", Message: "Creation of Online Endpoints or deployments on AKS compute type is no longer supported. " +
			"More details can be found here, https://aka.ms/troubleshoot-creating-aks-endpoint"}}}}}
}

func (h *Handler) putEndpointLocked(r *http.Request, ws *workspace, name string, cur *endpointRec, in *endpointIn) reply {
	if !endpointNameRe.MatchString(name) {
		return badRequest(fmt.Sprintf("Invalid endpoint name '%s': an endpoint name is 3-32 characters, starts with a letter, "+
			"and has only letters, digits and '-' (ending with a letter or digit).", name))
	}
	if str(in.Location) == "" {
		return errReply(http.StatusBadRequest, "LocationRequired", "The location property is required for this definition.")
	}
	if in.Properties == nil || str(in.Properties.AuthMode) == "" {
		return badRequest("properties.authMode is required: Key, AMLToken or AADToken.")
	}
	mode, ok := canon(str(in.Properties.AuthMode), "Key", "AMLToken", "AADToken")
	if !ok {
		return badRequest(fmt.Sprintf("Invalid authMode '%s': expected Key, AMLToken or AADToken.", str(in.Properties.AuthMode)))
	}
	computeID := str(in.Properties.Compute)
	if computeID == "" {
		return badRequest("The simulator models Kubernetes online endpoints only: properties.compute is required.")
	}
	cp := h.computeByIDLocked(computeID)
	if cp == nil {
		return reply{status: http.StatusBadRequest, body: errorBody{armError{Code: "BadRequest", Message: "The request is invalid.",
			Details: []armError{{Code: "ComputeNotFound", Message: "Cannot find Kubernetes compute."}}}}}
	}
	switch cp.Type {
	case "AKS":
		return legacyComputeRefusal()
	case "Kubernetes":
	default:
		return badRequest(fmt.Sprintf("Compute '%s' is of type %s; an online endpoint needs a Kubernetes compute.", cp.Name, cp.Type))
	}
	if mode == "AADToken" {
		return badRequest("AADToken auth mode is not supported for Kubernetes online endpoints; use Key or AMLToken.")
	}
	if cur != nil {
		if h.pendingLocked(cur.id(), "") != nil {
			return errReply(http.StatusConflict, "Conflict", fmt.Sprintf("An operation is in progress on endpoint '%s'. Try again when it has finished.", name))
		}
		for d := range in.Properties.Traffic {
			found := false
			for _, x := range cur.Deployments {
				if strings.EqualFold(x.Name, d) {
					found = true
				}
			}
			if !found {
				return badRequest(fmt.Sprintf("Traffic names deployment '%s', which does not exist on endpoint '%s'.", d, name))
			}
		}
		cur.Tags, cur.Traffic = in.Tags, in.Properties.Traffic
		if in.Properties.Description != nil {
			cur.Description = *in.Properties.Description
		}
		h.dirty = true
		if err := h.saveLocked(); err != nil {
			return stateError(err)
		}
		return okReply(h.renderEndpointLocked(cur))
	}
	if len(in.Properties.Traffic) > 0 {
		return badRequest("Traffic can be set only after the endpoint's deployments exist.")
	}
	e := &endpointRec{Sub: ws.Sub, RG: ws.RG, Workspace: ws.Name, Name: name, Location: str(in.Location), Compute: computeID, AuthMode: mode,
		Tags: in.Tags, State: "Succeeded", Created: h.now().UTC()}
	if in.Properties.Description != nil {
		e.Description = *in.Properties.Description
	}
	op := &operation{ID: newID(), Kind: opEndpointCreate, Sub: ws.Sub, RG: ws.RG, Workspace: ws.Name, Location: ws.Location,
		Start: e.Created, Duration: h.scaled(endpointCreateDuration), Outcome: "Succeeded", Target: strings.ToLower(e.id())}
	if msg := h.clusterProblemLocked(cp); msg != nil {
		op.fail(*msg)
		e.State, e.Error = "Failed", msg
	}
	h.st.Endpoints = append(h.st.Endpoints, e)
	h.st.Operations = append(h.st.Operations, op)
	h.dirty = true
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return reply{status: http.StatusCreated, body: h.renderEndpointLocked(e), header: http.Header{
		"Azure-Asyncoperation": {h.opURL(r, op, "mfeOperationsStatus")}}}
}

// clusterProblemLocked is the compute's cluster failure an endpoint or
// deployment meets (how-to-troubleshoot-kubernetes-compute.md's codes).
func (h *Handler) clusterProblemLocked(cp *computeRec) *armError {
	sub, rg, name, ok := parseClusterID(cp.ResourceID)
	var cl *cluster
	if ok {
		cl = h.clusterLocked(sub, rg, name)
	}
	switch {
	case cl == nil:
		return &armError{Code: "ClusterNotFound", Message: "Cannot found Kubernetes cluster."}
	case cl.PowerState != "Running":
		return &armError{Code: "GenericClusterError", Message: "Failed to connect to Kubernetes cluster: the cluster is " + cl.PowerState + "."}
	}
	ext := h.azuremlExtensionLocked(cl)
	if ext == nil || ext.State != "Succeeded" {
		return &armError{Code: "ClusterServiceNotFound", Message: "AzureML extension service not found in cluster."}
	}
	return nil
}

type deploymentIn struct {
	Location   *string         `json:"location"`
	SKU        json.RawMessage `json:"sku"`
	Properties json.RawMessage `json:"properties"`
}

type deploymentPropsIn struct {
	EndpointComputeType string  `json:"endpointComputeType"`
	EnvironmentID       *string `json:"environmentId"`
	Model               *string `json:"model"`
	InstanceType        *string `json:"instanceType"`
	CodeConfiguration   *struct {
		CodeID        *string `json:"codeId"`
		ScoringScript *string `json:"scoringScript"`
	} `json:"codeConfiguration"`
	Resources *resourceRequirements `json:"containerResourceRequirements"`
}

type resourceRequirements struct {
	Requests *resourceSettings `json:"containerResourceRequests"`
	Limits   *resourceSettings `json:"containerResourceLimits"`
}

type resourceSettings struct {
	CPU    string `json:"cpu"`
	Memory string `json:"memory"`
	GPU    string `json:"gpu"`
}

// inferenceRoutes are an environment version's inferenceConfig routes.
var inferenceRoutes = []string{"livenessRoute", "readinessRoute", "scoringRoute"}

// checkInferenceConfig is an environment version's inferenceConfig check:
// each route it has needs a path and a port (Route's two required
// properties in the swagger; the message is modelled).
func checkInferenceConfig(props map[string]any) string {
	ic, ok := props["inferenceConfig"].(map[string]any)
	if !ok {
		return ""
	}
	for _, r := range inferenceRoutes {
		rt, ok := ic[r].(map[string]any)
		if !ok {
			continue
		}
		path, _ := rt["path"].(string)
		port, _ := rt["port"].(float64)
		if !strings.HasPrefix(path, "/") || port < 1 || port > 65535 || port != float64(int(port)) {
			return fmt.Sprintf("inferenceConfig.%s needs a path starting with / and a port from 1 to 65535.", r)
		}
	}
	return ""
}

// customContainer reports whether an environment version is a custom
// container (an inferenceConfig with a scoring route): what a deployment
// without code needs (how-to-deploy-custom-container.md: "Inference config
// is required if you want to run your own container").
func customContainer(raw json.RawMessage) bool {
	var e struct {
		InferenceConfig *struct {
			ScoringRoute *struct {
				Path string `json:"path"`
			} `json:"scoringRoute"`
		} `json:"inferenceConfig"`
	}
	return json.Unmarshal(raw, &e) == nil && e.InferenceConfig != nil && e.InferenceConfig.ScoringRoute != nil && e.InferenceConfig.ScoringRoute.Path != ""
}

type deploymentJSON struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Location   string          `json:"location"`
	SKU        json.RawMessage `json:"sku,omitempty"`
	Properties map[string]any  `json:"properties"`
}

func (h *Handler) renderDeploymentLocked(e *endpointRec, d *deploymentRec) deploymentJSON {
	props := map[string]any{}
	_ = json.Unmarshal(d.Properties, &props)
	props["provisioningState"] = h.deploymentStateLocked(e, d)
	return deploymentJSON{ID: e.id() + "/deployments/" + d.Name, Name: d.Name, Type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
		Location: d.Location, SKU: d.SKU, Properties: props}
}

// withEndpoint answers with f for endpoint p[3] of workspace p[0..2],
// the state locked, or with the ARM error when either is missing.
func (h *Handler) withEndpoint(r *http.Request, p []string, f func(ws *workspace, e *endpointRec) reply) reply {
	rep, ws := h.lookupWorkspace(p[0], p[1], p[2])
	if ws == nil {
		return rep
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	e := h.endpointLocked(ws.Sub, ws.RG, ws.Name, p[3])
	if e == nil {
		return endpointNotFound(p[3], ws.RG)
	}
	return f(ws, e)
}

func (h *Handler) serveDeployments(r *http.Request, p []string) reply {
	return h.withEndpoint(r, p, func(_ *workspace, e *endpointRec) reply {
		out := []deploymentJSON{}
		for _, d := range e.Deployments {
			out = append(out, h.renderDeploymentLocked(e, d))
		}
		return paged(r, out, 10)
	})
}

func (h *Handler) serveDeployment(r *http.Request, p []string) reply {
	var in deploymentIn
	if r.Method == http.MethodPut {
		if rep, ok := readBody(r, &in); !ok {
			return rep
		}
	}
	return h.withEndpoint(r, p, func(ws *workspace, e *endpointRec) reply { return h.deploymentLocked(r, ws, e, p[4], &in) })
}

func (h *Handler) deploymentLocked(r *http.Request, ws *workspace, e *endpointRec, name string, in *deploymentIn) reply {
	var d *deploymentRec
	for _, x := range e.Deployments {
		if strings.EqualFold(x.Name, name) {
			d = x
		}
	}
	switch r.Method {
	case http.MethodPut:
		return h.putDeploymentLocked(r, ws, e, d, name, in)
	case http.MethodDelete:
		if d == nil {
			return reply{status: http.StatusNoContent}
		}
		op := &operation{ID: newID(), Kind: opDeploymentDelete, Sub: ws.Sub, RG: ws.RG, Workspace: ws.Name, Location: ws.Location,
			Start: h.now().UTC(), Duration: h.scaled(endpointDeleteDuration), Outcome: "Succeeded", Target: strings.ToLower(e.id()), Extension: d.Name}
		h.st.Operations = append(h.st.Operations, op)
		h.dirty = true
		if err := h.saveLocked(); err != nil {
			return stateError(err)
		}
		return reply{status: http.StatusAccepted, header: http.Header{"Location": {h.opURL(r, op, "mfeOperationResults")}}}
	}
	if d == nil {
		return resourceNotFound("Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments", name, ws.RG)
	}
	return okReply(h.renderDeploymentLocked(e, d))
}

func (h *Handler) putDeploymentLocked(r *http.Request, ws *workspace, e *endpointRec, cur *deploymentRec, name string, in *deploymentIn) reply {
	if !endpointNameRe.MatchString(name) {
		return badRequest(fmt.Sprintf("Invalid deployment name '%s': 3-32 characters, starting with a letter, letters, digits and '-'.", name))
	}
	if st := h.endpointStateLocked(e); st != "Succeeded" {
		return badRequest(fmt.Sprintf("Endpoint '%s' is in provisioning state %s; deployments can be created only on a Succeeded endpoint.", e.Name, st))
	}
	if cur != nil && h.pendingLocked(e.id(), cur.Name) != nil {
		return errReply(http.StatusConflict, "Conflict", fmt.Sprintf("An operation is in progress on deployment '%s'.", name))
	}
	var props deploymentPropsIn
	if len(in.Properties) == 0 || json.Unmarshal(in.Properties, &props) != nil {
		return badRequest("properties is required.")
	}
	if props.EndpointComputeType == "" {
		return badRequest("properties.endpointComputeType is required.")
	}
	if !strings.EqualFold(props.EndpointComputeType, "Kubernetes") {
		return badRequest(fmt.Sprintf("endpointComputeType %s does not match the endpoint's compute (Kubernetes).", props.EndpointComputeType))
	}
	if str(props.EnvironmentID) == "" && str(props.Model) == "" {
		return badRequest("An environment (properties.environmentId) is required when no MLflow model is given.")
	}
	if env := str(props.EnvironmentID); env != "" && !strings.HasPrefix(env, "azureml://registries/") {
		raw, ok := h.st.Environments[strings.ToLower(env)]
		if !ok {
			return badRequest(fmt.Sprintf("Environment '%s' was not found.", env))
		}
		// no model and no code: the environment is the whole deployment, a
		// custom container whose routes the router calls (the refusal's
		// text and its moment, at the PUT, are modelled)
		if props.CodeConfiguration == nil && str(props.Model) == "" && !customContainer(raw) {
			return badRequest(fmt.Sprintf("Environment '%s' has no inferenceConfig: a deployment without model and codeConfiguration runs a custom container, "+
				"whose environment must give its liveness, readiness and scoring routes.", env))
		}
	}
	cp := h.computeByIDLocked(e.Compute)
	if cp == nil {
		return badRequest("The endpoint's compute no longer exists.")
	}
	if cp.Type == "AKS" {
		return legacyComputeRefusal()
	}
	it := str(props.InstanceType)
	if it == "" {
		it = "defaultinstancetype"
	}
	d := &deploymentRec{Name: name, Location: str(in.Location), SKU: in.SKU, Properties: in.Properties, InstanceType: it,
		State: "Succeeded", Created: h.now().UTC()}
	op := &operation{ID: newID(), Kind: opDeploymentCreate, Sub: ws.Sub, RG: ws.RG, Workspace: ws.Name, Location: ws.Location,
		Start: d.Created, Duration: h.scaled(deploymentCreateDuration), Outcome: "Succeeded", Target: strings.ToLower(e.id()), Extension: name}
	if msg := h.deploymentProblemLocked(cp, it, props.Resources); msg != nil {
		op.fail(*msg)
		d.State, d.Error = "Failed", msg
	}
	if cur != nil {
		*cur = *d
		d = cur
	} else {
		e.Deployments = append(e.Deployments, d)
	}
	h.st.Operations = append(h.st.Operations, op)
	h.dirty = true
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return reply{status: http.StatusCreated, body: h.renderDeploymentLocked(e, d), header: http.Header{
		"Azure-Asyncoperation": {h.opURL(r, op, "mfeOperationsStatus")}}}
}

// deploymentProblemLocked is why the cluster fails the deployment (nil:
// it runs). The texts are those users report (azure-facts' sources); the
// conditions are modelled.
func (h *Handler) deploymentProblemLocked(cp *computeRec, instanceType string, res *resourceRequirements) *armError {
	if p := h.clusterProblemLocked(cp); p != nil {
		return p
	}
	sub, rg, name, _ := parseClusterID(cp.ResourceID)
	cl := h.clusterLocked(sub, rg, name)
	ns := "default"
	if cp.K8s != nil && cp.K8s.Namespace != "" {
		ns = cp.K8s.Namespace
	}
	if indexOf(h.namespacesLocked(cl), ns) < 0 {
		return &armError{Code: "InferencingClientCreateDeploymentFailed", Message: fmt.Sprintf(
			"Failed to create deployment: namespaces \"%s\" not found. Create the namespace the compute uses before deploying.", ns)}
	}
	if !h.crdInstalledLocked(cl) {
		return &armError{Code: "InferencingClientCreateDeploymentFailed", Message: "ComputeTargetValidationGrain.ValidateInstanceTypeAsync failed: " +
			"the InstanceType resource is not available in the cluster (the Azure ML extension is unhealthy)."}
	}
	// defaultinstancetype (how-to-manage-kubernetes-instance-types.md):
	// requests 100m / 2Gi, limits 2 / 2Gi
	reqCPU, reqMem, limCPU, limMem := 100, 2048, 2000, 2048
	if raw, ok := h.kubeLocked(cl, false).InstanceTypes[instanceType]; ok || !strings.EqualFold(instanceType, "defaultinstancetype") {
		if !ok {
			return &armError{Code: "InferencingClientCreateDeploymentFailed", Message: fmt.Sprintf(
				"ComputeTargetValidationGrain.ValidateInstanceTypeAsync failed: instance type '%s' was not found in the cluster.", instanceType)}
		}
		var o struct {
			Spec struct {
				Resources struct {
					Requests map[string]any `json:"requests"`
					Limits   map[string]any `json:"limits"`
				} `json:"resources"`
			} `json:"spec"`
		}
		_ = json.Unmarshal(raw, &o)
		reqCPU, _ = quantity(fmt.Sprint(o.Spec.Resources.Requests["cpu"]), false)
		reqMem, _ = quantity(fmt.Sprint(o.Spec.Resources.Requests["memory"]), true)
		limCPU, _ = quantity(fmt.Sprint(o.Spec.Resources.Limits["cpu"]), false)
		limMem, _ = quantity(fmt.Sprint(o.Spec.Resources.Limits["memory"]), true)
	}
	if res != nil {
		if msg := resourcesProblem(res.Requests, res.Limits, instanceType, limCPU, limMem); msg != "" {
			return &armError{Code: "InferencingClientCreateDeploymentFailed", Message: msg}
		}
	}
	fits := false
	for _, n := range h.nodesLocked(cl) {
		if reqCPU <= n.CPU && reqMem <= n.Mem {
			fits = true
		}
	}
	if !fits {
		return &armError{Code: "InferencingClientCreateDeploymentFailed", Message: "AML Kubernetes Compute job failed. 9: " +
			`{"Msg":"Invalid instance type. The instance type defined resource requirement has exceeded the node size. Please ask your admin to modify the instance type resource definition or use another instance type.","Code":9}`}
	}
	return nil
}

// resourcesProblem is the deployment's resources section against the
// rules of how-to-manage-kubernetes-instance-types.md ("Resource section
// validation"): requests cpu and memory required and not zero, memory at
// least 1 MB; limits, when given, not above the instance type's. The
// rules are Microsoft's; the failure's text is modelled.
func resourcesProblem(req, lim *resourceSettings, instanceType string, typeCPU, typeMem int) string {
	if req == nil || req.CPU == "" || req.Memory == "" {
		return "Invalid resource definition: containerResourceRequests needs cpu and memory."
	}
	cpu, okC := quantity(req.CPU, false)
	mem, okM := quantity(req.Memory, true)
	if !okC || !okM || cpu == 0 || mem < 1 {
		return fmt.Sprintf("Invalid resource definition: requests cpu %q and memory %q must be quantities above zero (memory 1 MB or more).", req.CPU, req.Memory)
	}
	if lim == nil {
		return ""
	}
	if lim.CPU != "" {
		if c, ok := quantity(lim.CPU, false); !ok || c == 0 || c > typeCPU {
			return fmt.Sprintf("Invalid resource definition: the cpu limit %q must be above zero and within instance type %s's limit.", lim.CPU, instanceType)
		}
	}
	if lim.Memory != "" {
		if m, ok := quantity(lim.Memory, true); !ok || m == 0 || m > typeMem {
			return fmt.Sprintf("Invalid resource definition: the memory limit %q must be above zero and within instance type %s's limit.", lim.Memory, instanceType)
		}
	}
	return ""
}

// finishServingLocked applies the end of an endpoint or deployment
// operation.
func (h *Handler) finishServingLocked(op *operation) {
	var e *endpointRec
	idx := -1
	for i, x := range h.st.Endpoints {
		if strings.ToLower(x.id()) == op.Target {
			e, idx = x, i
		}
	}
	if e == nil || op.Outcome != "Succeeded" {
		return
	}
	switch op.Kind {
	case opEndpointDelete:
		h.st.Endpoints = append(h.st.Endpoints[:idx], h.st.Endpoints[idx+1:]...)
	case opDeploymentDelete:
		kept := e.Deployments[:0]
		for _, d := range e.Deployments {
			if !strings.EqualFold(d.Name, op.Extension) {
				kept = append(kept, d)
			}
		}
		e.Deployments = kept
		delete(e.Traffic, op.Extension)
	}
}

// serveMLOperationStatus is GET .../locations/{loc}/mfeOperationsStatus/{id}.
func (h *Handler) serveMLOperationStatus(r *http.Request, p []string) reply {
	return h.withOp(r, p, func(op *operation) reply { return h.opStatus(op) })
}

// serveMLOperationResult is the Location of a delete.
func (h *Handler) serveMLOperationResult(r *http.Request, p []string) reply {
	return h.withOp(r, p, func(op *operation) reply {
		if !op.Done && h.now().Before(op.end()) {
			return reply{status: http.StatusAccepted, header: http.Header{"Location": {h.opURL(r, op, "mfeOperationResults")}}}
		}
		if op.Outcome != "Succeeded" && op.Error != nil {
			return reply{status: http.StatusBadRequest, body: errorBody{*op.Error}}
		}
		return reply{status: http.StatusOK}
	})
}

func (h *Handler) serveListKeys(r *http.Request, p []string) reply {
	return h.withEndpoint(r, p, func(_ *workspace, e *endpointRec) reply {
		if e.AuthMode != "Key" {
			return badRequest(fmt.Sprintf("Endpoint '%s' uses auth mode %s; keys exist only with auth mode Key.", e.Name, e.AuthMode))
		}
		pk, sk := e.keys()
		return okReply(map[string]string{"primaryKey": pk, "secondaryKey": sk})
	})
}

// serveEnvironmentVersion is PUT/GET .../environments/{name}/versions/{v}
// (synchronous).
func (h *Handler) serveEnvironmentVersion(r *http.Request, p []string) reply {
	rep, ws := h.lookupWorkspace(p[0], p[1], p[2])
	if ws == nil {
		return rep
	}
	var in struct {
		Properties map[string]any `json:"properties"`
	}
	if r.Method == http.MethodPut {
		if rep, ok := readBody(r, &in); !ok {
			return rep
		}
		if in.Properties == nil {
			return badRequest("properties is required.")
		}
		if img, _ := in.Properties["image"].(string); img == "" {
			if _, ok := in.Properties["build"]; !ok {
				return badRequest("An environment needs an image or a build context.")
			}
		}
		if msg := checkInferenceConfig(in.Properties); msg != "" {
			return badRequest(msg)
		}
	}
	id := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearningServices/workspaces/%s/environments/%s/versions/%s",
		ws.Sub, ws.RG, ws.Name, p[3], p[4])
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	key := strings.ToLower(id)
	if r.Method == http.MethodPut {
		in.Properties["provisioningState"] = "Succeeded"
		b, _ := json.Marshal(in.Properties)
		status := http.StatusCreated
		if _, ok := h.st.Environments[key]; ok {
			status = http.StatusOK
		}
		if h.st.Environments == nil {
			h.st.Environments = map[string]json.RawMessage{}
		}
		h.st.Environments[key] = b
		h.dirty = true
		if err := h.saveLocked(); err != nil {
			return stateError(err)
		}
		return reply{status: status, body: map[string]any{"id": id, "name": p[4], "type": "Microsoft.MachineLearningServices/workspaces/environments/versions",
			"properties": json.RawMessage(b)}}
	}
	b, ok := h.st.Environments[key]
	if !ok {
		return resourceNotFound("Microsoft.MachineLearningServices/workspaces/environments/versions", p[4], ws.RG)
	}
	return okReply(map[string]any{"id": id, "name": p[4], "type": "Microsoft.MachineLearningServices/workspaces/environments/versions", "properties": json.RawMessage(b)})
}

// ServeScoring answers POST /api/v1/endpoint/{name}/score as the
// inference router would for the public container the smoke test deploys:
// the endpoint key as a bearer token, a deployment by traffic or by the
// azureml-model-deployment header; the answer echoes the request. The
// status codes and bodies of refusals are modelled.
func (h *Handler) ServeScoring(w http.ResponseWriter, r *http.Request) {
	reply := func(code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(segs) != 5 || segs[0] != "api" || segs[1] != "v1" || segs[2] != "endpoint" || segs[4] != "score" {
		reply(http.StatusNotFound, map[string]string{"message": "Not found"})
		return
	}
	if r.Method != http.MethodPost {
		reply(http.StatusMethodNotAllowed, map[string]string{"message": "Method not allowed"})
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err := h.begin(r.Context()); err != nil {
		reply(http.StatusServiceUnavailable, map[string]string{"message": err.Error()})
		return
	}
	defer h.end()
	var e *endpointRec
	for _, x := range h.st.Endpoints {
		if strings.EqualFold(x.Name, segs[3]) && h.endpointStateLocked(x) == "Succeeded" {
			e = x
		}
	}
	if e == nil {
		reply(http.StatusNotFound, map[string]string{"message": "Endpoint " + segs[3] + " not found"})
		return
	}
	pk, sk := e.keys()
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if tok == "" || (tok != pk && tok != sk) {
		reply(http.StatusUnauthorized, map[string]string{"message": "Unauthorized: a valid endpoint key is required (Authorization: Bearer <key>)"})
		return
	}
	want := r.Header.Get("azureml-model-deployment")
	var d *deploymentRec
	for _, x := range e.Deployments {
		if (want != "" && strings.EqualFold(x.Name, want)) || (want == "" && e.Traffic[x.Name] > 0) {
			d = x
		}
	}
	if d == nil || h.deploymentStateLocked(e, d) != "Succeeded" {
		reply(http.StatusNotFound, map[string]string{"message": "No valid deployments to route to. Please check that the endpoint has at least one deployment with positive weight values or use a deployment specific header to route."})
		return
	}
	var echo any
	if json.Unmarshal(body, &echo) != nil {
		echo = string(body)
	}
	reply(http.StatusOK, map[string]any{"deployment": d.Name, "received": echo})
}
