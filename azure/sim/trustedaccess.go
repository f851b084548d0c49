package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Trusted Access role bindings of managed clusters
// (Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings,
// api-version 2025-09-01): PUT and DELETE are long-running operations on
// the ContainerService operation URLs, as the cluster's own are; at most
// maxRoleBindings per cluster ("You can create up to 8 Trusted Access role
// bindings in an AKS cluster", azure-aks-docs trusted-access-feature.md).
//
// Modelled, not known: the text and code of the 9th binding's refusal, the
// checks of the source resource, and a binding that works at once (Azure's
// add-on manager applies it within five minutes).

// maxRoleBindings is AKS's limit of Trusted Access role bindings per cluster.
const maxRoleBindings = 8

// Operation kinds of Trusted Access role bindings.
const (
	opBindingCreate = "rolebinding-create"
	opBindingDelete = "rolebinding-delete"
)

// bindingDuration is how long a binding's create or delete takes at Speed 1.
const bindingDuration = 3 * time.Second

// trustedAccessRoles are the roles the simulator's regions offer (GET
// .../locations/{l}/trustedAccessRoles in Azure), by source resource type.
var trustedAccessRoles = map[string][]string{
	"Microsoft.MachineLearningServices/workspaces": {"mlworkload"},
	"Microsoft.DataProtection/backupVaults":        {"backup-operator"},
	"Microsoft.KubernetesConfiguration/extensions": {"reader"},
}

// roleBindingRec is a Trusted Access role binding as stored.
type roleBindingRec struct {
	Cluster string    `json:"cluster"` // lower-case cluster id
	Name    string    `json:"name"`
	Source  string    `json:"sourceResourceId"`
	Roles   []string  `json:"roles"`
	Created time.Time `json:"created"`
}

type roleBindingJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Properties struct {
		SourceResourceID  string   `json:"sourceResourceId"`
		Roles             []string `json:"roles"`
		ProvisioningState string   `json:"provisioningState"`
	} `json:"properties"`
}

type roleBindingIn struct {
	Properties *struct {
		SourceResourceID string   `json:"sourceResourceId"`
		Roles            []string `json:"roles"`
	} `json:"properties"`
}

// validBindingName: 1–24 letters, digits and '-' (the REST reference's
// pattern ^([A-Za-z0-9-])+$ and length).
func validBindingName(n string) bool {
	if len(n) < 1 || len(n) > 24 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if !isAlnum(n[i]) && n[i] != '-' {
			return false
		}
	}
	return true
}

func (h *Handler) bindingsOfLocked(clusterID string) []*roleBindingRec {
	clusterID = strings.ToLower(clusterID)
	var out []*roleBindingRec
	for _, b := range h.st.RoleBindings {
		if b.Cluster == clusterID {
			out = append(out, b)
		}
	}
	return out
}

func (h *Handler) bindingLocked(clusterID, name string) *roleBindingRec {
	for _, b := range h.bindingsOfLocked(clusterID) {
		if strings.EqualFold(b.Name, name) {
			return b
		}
	}
	return nil
}

// pendingBindingLocked is the unfinished operation on a binding.
func (h *Handler) pendingBindingLocked(clusterID, name string) *operation {
	clusterID = strings.ToLower(clusterID)
	for _, op := range h.st.Operations {
		if !op.Done && op.Target == clusterID && op.Binding != "" && strings.EqualFold(op.Binding, name) {
			return op
		}
	}
	return nil
}

func (h *Handler) renderBindingLocked(c *cluster, b *roleBindingRec) roleBindingJSON {
	j := roleBindingJSON{ID: c.id() + "/trustedAccessRoleBindings/" + b.Name, Name: b.Name,
		Type: "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings"}
	j.Properties.SourceResourceID, j.Properties.Roles, j.Properties.ProvisioningState = b.Source, append([]string{}, b.Roles...), "Succeeded"
	if op := h.pendingBindingLocked(c.id(), b.Name); op != nil {
		j.Properties.ProvisioningState = map[string]string{opBindingCreate: "Updating", opBindingDelete: "Deleting"}[op.Kind]
	}
	return j
}

// withBindingCluster serves a binding route under the state lock with
// the cluster of its path, or ARM's answer when there is none.
func (h *Handler) withBindingCluster(r *http.Request, p []string, f func(c *cluster) reply) reply {
	if h.w.sub(p[0]) == nil {
		return subNotFound(p[0])
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	rep, c := h.parentClusterLocked(p[0], p[1], p[2])
	if c == nil {
		return rep
	}
	return f(c)
}

// serveRoleBindings is GET .../managedClusters/{c}/trustedAccessRoleBindings.
func (h *Handler) serveRoleBindings(r *http.Request, p []string) reply {
	return h.withBindingCluster(r, p, func(c *cluster) reply {
		out := []roleBindingJSON{}
		for _, b := range h.bindingsOfLocked(c.id()) {
			out = append(out, h.renderBindingLocked(c, b))
		}
		return paged(r, out, 10)
	})
}

// serveRoleBinding is GET, PUT and DELETE of one binding.
func (h *Handler) serveRoleBinding(r *http.Request, p []string) reply {
	return h.withBindingCluster(r, p, func(c *cluster) reply {
		name := p[3]
		switch r.Method {
		case http.MethodPut:
			return h.putBindingLocked(r, c, name)
		case http.MethodDelete:
			return h.deleteBindingLocked(r, c, name)
		}
		b := h.bindingLocked(c.id(), name)
		if b == nil {
			return resourceNotFound("Microsoft.ContainerService/managedClusters/"+c.Name+"/trustedAccessRoleBindings", name, c.RG)
		}
		return okReply(h.renderBindingLocked(c, b))
	})
}

// putBindingLocked validates a binding and starts its create or update
// (201 or 200 + Azure-AsyncOperation).
func (h *Handler) putBindingLocked(r *http.Request, c *cluster, name string) reply {
	if !validBindingName(name) {
		return invalidParam("trustedAccessRoleBindingName", fmt.Sprintf(
			"The value of parameter trustedAccessRoleBindingName '%s' is invalid: it must be 1-24 letters, numbers or dashes.", name))
	}
	var in roleBindingIn
	if rep, ok := readBody(r, &in); !ok {
		return rep
	}
	if in.Properties == nil || strings.TrimSpace(in.Properties.SourceResourceID) == "" {
		return invalidParam("properties.sourceResourceId", "The sourceResourceId of a trusted access role binding is required.")
	}
	if len(in.Properties.Roles) == 0 {
		return invalidParam("properties.roles", "At least one role is required in a trusted access role binding.")
	}
	src := strings.TrimSpace(in.Properties.SourceResourceID)
	srcType, ok := sourceType(src)
	if !ok {
		return invalidParam("properties.sourceResourceId", fmt.Sprintf("The sourceResourceId '%s' is not a valid Azure resource ID.", src))
	}
	for _, role := range in.Properties.Roles {
		if !knownRole(srcType, role) {
			return invalidParam("properties.roles", fmt.Sprintf(
				"The role '%s' is not a trusted access role of source resource type '%s'. List the roles with `az aks trustedaccess role list --location %s`.",
				role, srcType, c.Location))
		}
	}
	if strings.EqualFold(srcType, "Microsoft.MachineLearningServices/workspaces") {
		sub, rg, ws := idPart(src, "subscriptions"), idPart(src, "resourceGroups"), idPart(src, "workspaces")
		if h.w.workspace(sub, rg, ws) == nil {
			return invalidParam("properties.sourceResourceId", fmt.Sprintf("The source resource '%s' was not found.", src))
		}
	}
	if op := h.pendingBindingLocked(c.id(), name); op != nil {
		return errReply(http.StatusConflict, "OperationNotAllowed", fmt.Sprintf(
			"Operation is not allowed because there's an in progress operation on trusted access role binding '%s'. Please wait for it to finish.", name))
	}
	if st := h.clusterStateLocked(c); st != "Succeeded" {
		return errReply(http.StatusConflict, "OperationNotAllowed", fmt.Sprintf(
			"Operation is not allowed because the managed cluster '%s' is in provisioning state %s.", c.Name, st))
	}
	cur := h.bindingLocked(c.id(), name)
	if cur == nil {
		if n := len(h.bindingsOfLocked(c.id())); n >= maxRoleBindings {
			var names []string
			for _, b := range h.bindingsOfLocked(c.id()) {
				names = append(names, b.Name)
			}
			sort.Strings(names)
			return errReply(http.StatusBadRequest, "TrustedAccessRoleBindingLimitExceeded", fmt.Sprintf(
				"The managed cluster '%s' already has %d trusted access role bindings (%s), the maximum allowed. Delete one before creating another.",
				c.Name, n, strings.Join(names, ", ")))
		}
	}
	now := h.now().UTC()
	status := http.StatusOK
	if cur == nil {
		cur = &roleBindingRec{Cluster: strings.ToLower(c.id()), Name: name, Created: now}
		h.st.RoleBindings = append(h.st.RoleBindings, cur)
		status = http.StatusCreated
	}
	cur.Source, cur.Roles = src, append([]string(nil), in.Properties.Roles...)
	op := &operation{ID: newID(), Kind: opBindingCreate, Sub: c.Sub, RG: c.RG, Location: c.Location, Start: now,
		Duration: time.Duration(float64(bindingDuration) / h.speed), Outcome: "Succeeded", Target: strings.ToLower(c.id()), Binding: name}
	h.st.Operations = append(h.st.Operations, op)
	h.dirty = true
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return reply{status: status, body: h.renderBindingLocked(c, cur), header: http.Header{
		"Azure-Asyncoperation": {h.aksOpURL(r, op, "operations")}}}
}

// deleteBindingLocked starts a binding's delete (202); 204 when absent.
func (h *Handler) deleteBindingLocked(r *http.Request, c *cluster, name string) reply {
	b := h.bindingLocked(c.id(), name)
	if b == nil {
		return reply{status: http.StatusNoContent}
	}
	accepted := func(op *operation) reply {
		return reply{status: http.StatusAccepted, header: http.Header{
			"Azure-Asyncoperation": {h.aksOpURL(r, op, "operations")},
			"Location":             {h.aksOpURL(r, op, "operationresults")}}}
	}
	if op := h.pendingBindingLocked(c.id(), name); op != nil {
		if op.Kind == opBindingDelete {
			return accepted(op)
		}
		return errReply(http.StatusConflict, "OperationNotAllowed", fmt.Sprintf(
			"Operation is not allowed because there's an in progress operation on trusted access role binding '%s'. Please wait for it to finish.", name))
	}
	op := &operation{ID: newID(), Kind: opBindingDelete, Sub: c.Sub, RG: c.RG, Location: c.Location, Start: h.now().UTC(),
		Duration: time.Duration(float64(bindingDuration) / h.speed), Outcome: "Succeeded", Target: strings.ToLower(c.id()), Binding: b.Name}
	h.st.Operations = append(h.st.Operations, op)
	h.dirty = true
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return accepted(op)
}

// finishBindingLocked applies the end of a binding operation: a delete
// removes the binding.
func (h *Handler) finishBindingLocked(op *operation) {
	if op.Kind != opBindingDelete || op.Outcome != "Succeeded" {
		return
	}
	kept := h.st.RoleBindings[:0]
	for _, b := range h.st.RoleBindings {
		if b.Cluster == op.Target && strings.EqualFold(b.Name, op.Binding) {
			continue
		}
		kept = append(kept, b)
	}
	h.st.RoleBindings = kept
}

// hasMLBindingLocked reports whether the cluster binds the workspace
// (sub/rg/name) with the Azure ML role.
func (h *Handler) hasMLBindingLocked(c *cluster, sub, rg, ws string) bool {
	want := strings.ToLower(fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearningServices/workspaces/%s", sub, rg, ws))
	for _, b := range h.bindingsOfLocked(c.id()) {
		if h.pendingBindingLocked(c.id(), b.Name) != nil || strings.ToLower(b.Source) != want {
			continue
		}
		for _, role := range b.Roles {
			if strings.EqualFold(role, "Microsoft.MachineLearningServices/workspaces/mlworkload") {
				return true
			}
		}
	}
	return false
}

// sourceType is the resource type of an ARM id ("Microsoft.X/things").
func sourceType(id string) (string, bool) {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+2 < len(segs); i++ {
		if strings.EqualFold(segs[i], "providers") && len(segs) == i+4 {
			return segs[i+1] + "/" + segs[i+2], true
		}
	}
	return "", false
}

// knownRole: "Microsoft.X/things/role" for a source of type Microsoft.X/things.
func knownRole(srcType, role string) bool {
	for typ, names := range trustedAccessRoles {
		if !strings.EqualFold(typ, srcType) {
			continue
		}
		for _, n := range names {
			if strings.EqualFold(role, typ+"/"+n) {
				return true
			}
		}
	}
	return false
}

// idPart is the segment after key in an ARM id ("" when absent).
func idPart(id, key string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if strings.EqualFold(segs[i], key) {
			return segs[i+1]
		}
	}
	return ""
}
