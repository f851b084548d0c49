package sim

import (
	"fmt"
	"strings"
	"testing"
)

const (
	taPath  = "/trustedAccessRoleBindings/"
	mlRole  = "Microsoft.MachineLearningServices/workspaces/mlworkload"
	mlwProd = "/subscriptions/" + sub1 + "/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod"
)

func bindingBody(src string, roles ...string) map[string]any {
	rs := []any{}
	for _, r := range roles {
		rs = append(rs, r)
	}
	return map[string]any{"properties": map[string]any{"sourceResourceId": src, "roles": rs}}
}

// TestTrustedAccessBindingLRO: PUT answers 201 Updating with an
// Azure-AsyncOperation on the ContainerService operations, which ends
// Succeeded; GET and the list show the binding; DELETE is 202 and then
// the binding is gone; a DELETE of none is 204.
func TestTrustedAccessBindingLRO(t *testing.T) {
	e := newEnv(t, Options{})
	b := mlRG + ClusterNoLocal + taPath + "aml-prod"
	resp, m := e.do("PUT", b+"?api-version=2025-09-01", bindingBody(mlwProd, mlRole))
	op := resp.Header.Get("Azure-AsyncOperation")
	if resp.StatusCode != 201 || jstr(m, "properties", "provisioningState") != "Updating" ||
		jstr(m, "type") != "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings" ||
		!strings.Contains(op, "/providers/Microsoft.ContainerService/locations/eastus/operations/") {
		t.Fatalf("PUT %d %v (operation %q)", resp.StatusCode, m, op)
	}
	if st := e.get(op, 200); jstr(st, "status") != "InProgress" {
		t.Errorf("right after: %v", st)
	}
	e.clock.Advance(bindingDuration)
	if st := e.get(op, 200); jstr(st, "status") != "Succeeded" {
		t.Errorf("after %v: %v", bindingDuration, st)
	}
	g := e.get(b, 200)
	if jstr(g, "properties", "provisioningState") != "Succeeded" || jstr(g, "properties", "sourceResourceId") != mlwProd ||
		jstr(g, "properties", "roles", 0) != mlRole || jstr(g, "name") != "aml-prod" {
		t.Errorf("GET %v", g)
	}
	if list, _ := e.list(mlRG + ClusterNoLocal + "/trustedAccessRoleBindings"); len(list) != 1 {
		t.Errorf("list %v", list)
	}
	// an update of the same name is 200
	if resp, _ := e.do("PUT", b, bindingBody(mlwProd, mlRole)); resp.StatusCode != 200 {
		t.Errorf("update: %d", resp.StatusCode)
	}
	e.clock.Advance(bindingDuration)
	resp, _ = e.do("DELETE", b, nil)
	if resp.StatusCode != 202 || resp.Header.Get("Azure-AsyncOperation") == "" || resp.Header.Get("Location") == "" {
		t.Fatalf("DELETE %d", resp.StatusCode)
	}
	e.clock.Advance(bindingDuration)
	if st := e.get(resp.Header.Get("Azure-AsyncOperation"), 200); jstr(st, "status") != "Succeeded" {
		t.Errorf("delete status %v", st)
	}
	e.get(b, 404)
	if resp, _ := e.do("DELETE", b, nil); resp.StatusCode != 204 {
		t.Errorf("DELETE of none: %d", resp.StatusCode)
	}
}

// TestTrustedAccessBindingLimit: the 9th binding of a cluster is refused
// with the names of the 8; an update of one of them is not a 9th.
func TestTrustedAccessBindingLimit(t *testing.T) {
	e := newEnv(t, Options{})
	full := mlRG + ClusterBindingsFull + taPath
	if list, _ := e.list(mlRG + ClusterBindingsFull + "/trustedAccessRoleBindings"); len(list) != maxRoleBindings {
		t.Fatalf("%s has %d bindings, want %d", ClusterBindingsFull, len(list), maxRoleBindings)
	}
	resp, m := e.do("PUT", full+"ninth", bindingBody(mlwProd, mlRole))
	msg := jstr(m, "error", "message")
	if resp.StatusCode != 400 || errCode(m) != "TrustedAccessRoleBindingLimitExceeded" ||
		!strings.Contains(msg, "already has 8 trusted access role bindings (ta-bv-aks, ta-bv-aks-dr, ta-mlw-team-a") {
		t.Fatalf("9th: %d %v", resp.StatusCode, m)
	}
	e.get(full+"ninth", 404)
	if resp, m := e.do("PUT", full+"ta-mlw-team-a", bindingBody(mlwProd, mlRole)); resp.StatusCode != 200 {
		t.Errorf("update of an existing one: %d %v", resp.StatusCode, m)
	}
	// one deleted: room for one more
	e.clock.Advance(bindingDuration)
	resp, _ = e.do("DELETE", full+"ta-bv-aks", nil)
	e.clock.Advance(bindingDuration)
	e.get(resp.Header.Get("Azure-AsyncOperation"), 200)
	if resp, m := e.do("PUT", full+"ninth", bindingBody(mlwProd, mlRole)); resp.StatusCode != 201 {
		t.Errorf("after a delete: %d %v", resp.StatusCode, m)
	}
}

func TestTrustedAccessBindingValidation(t *testing.T) {
	e := newEnv(t, Options{})
	b := mlRG + ClusterNoLocal + taPath
	cases := []struct {
		name, binding string
		body          map[string]any
		status        int
		want          string
	}{
		{"name too long", strings.Repeat("a", 25), bindingBody(mlwProd, mlRole), 400, "1-24 letters, numbers or dashes"},
		{"name chars", "aml_prod", bindingBody(mlwProd, mlRole), 400, "1-24 letters, numbers or dashes"},
		{"no source", "x", bindingBody("", mlRole), 400, "sourceResourceId of a trusted access role binding is required"},
		{"no roles", "x", bindingBody(mlwProd), 400, "At least one role"},
		{"role of another type", "x", bindingBody(mlwProd, "Microsoft.DataProtection/backupVaults/backup-operator"), 400, "is not a trusted access role of source resource type"},
		{"unknown workspace", "x", bindingBody(strings.Replace(mlwProd, "mlw-prod", "mlw-nope", 1), mlRole), 400, "was not found"},
	}
	for _, c := range cases {
		resp, m := e.do("PUT", b+c.binding, c.body)
		if resp.StatusCode != c.status || !strings.Contains(jstr(m, "error", "message"), c.want) {
			t.Errorf("%s: %d %v, want %d %q", c.name, resp.StatusCode, m, c.status, c.want)
		}
	}
	if resp, m := e.do("GET", mlRG+"aks-nope/trustedAccessRoleBindings", nil); resp.StatusCode != 404 || errCode(m) != "ParentResourceNotFound" {
		t.Errorf("unknown cluster: %d %v", resp.StatusCode, m)
	}
}

// TestAttachNeedsTrustedAccess: a Kubernetes attach of a cluster with
// local accounts disabled fails until the workspace has its binding (and
// the binding's operation ended), then succeeds.
func TestAttachNeedsTrustedAccess(t *testing.T) {
	e := newEnv(t, Options{})
	if c := e.get(mlRG+ClusterNoLocal, 200); jget(c, "properties", "disableLocalAccounts") != true {
		t.Fatalf("%s: %v", ClusterNoLocal, jget(c, "properties"))
	}
	attach := func(name string) map[string]any {
		resp, m := e.do("PUT", mlw+"/computes/"+name, map[string]any{"location": "eastus", "identity": map[string]any{"type": "SystemAssigned"},
			"properties": map[string]any{"computeType": "Kubernetes", "resourceId": mlRG + ClusterNoLocal}})
		if resp.StatusCode != 201 {
			t.Fatalf("PUT %d %v", resp.StatusCode, m)
		}
		e.clock.Advance(attachDuration)
		return e.get(resp.Header.Get("Azure-AsyncOperation"), 200)
	}
	st := attach("k8s-one")
	if jstr(st, "status") != "Failed" || jstr(st, "error", "details", 0, "code") != "ClusterUnauthorized" {
		t.Fatalf("without a binding: %v", st)
	}
	e.do("PUT", mlRG+ClusterNoLocal+taPath+"aml-prod", bindingBody(mlwProd, mlRole))
	e.clock.Advance(bindingDuration)
	if st := attach("k8s-two"); jstr(st, "status") != "Succeeded" {
		t.Errorf("with the binding: %v", st)
	}
}

// TestExtensionPatchAddsInference: a PATCH of the training-only extension
// merges its settings (202, Updating, then Succeeded) and keeps the
// others; inference without TLS material and without
// allowInsecureConnections fails the update like an install.
func TestExtensionPatchAddsInference(t *testing.T) {
	e := newEnv(t, Options{})
	ext := mlRG + ClusterTraining + extPath + "azureml-training"
	if g := e.get(ext, 200); jstr(g, "properties", "configurationSettings", "enableInference") != "False" {
		t.Fatalf("fixture: %v", g)
	}
	patch := func(settings map[string]any) map[string]any {
		resp, m := e.do("PATCH", ext+"?api-version=2022-11-01", map[string]any{"properties": map[string]any{"configurationSettings": settings}})
		if resp.StatusCode != 202 || jstr(m, "properties", "provisioningState") != "Updating" {
			t.Fatalf("PATCH %d %v", resp.StatusCode, m)
		}
		e.clock.Advance(extensionUpdateDuration)
		return e.get(resp.Header.Get("Azure-AsyncOperation"), 200)
	}
	st := patch(map[string]any{"enableInference": "True", "inferenceRouterServiceType": "LoadBalancer"})
	if jstr(st, "status") != "Failed" || !strings.Contains(jstr(st, "error", "message"), "allowInsecureConnections") {
		t.Errorf("no TLS: %v", st)
	}
	st = patch(map[string]any{"enableInference": "True", "inferenceRouterServiceType": "LoadBalancer", "allowInsecureConnections": "True", "inferenceRouterHA": "True"})
	if jstr(st, "status") != "Succeeded" {
		t.Fatalf("with allowInsecureConnections: %v", st)
	}
	g := e.get(ext, 200)
	s := fmt.Sprint(jget(g, "properties", "configurationSettings"))
	if jstr(g, "properties", "provisioningState") != "Succeeded" || jstr(g, "properties", "configurationSettings", "enableInference") != "True" ||
		jstr(g, "properties", "configurationSettings", "enableTraining") != "True" || !strings.Contains(s, "installVolcano") {
		t.Errorf("after: %v", g)
	}
	if resp, _ := e.do("PATCH", mlRG+ClusterTraining+extPath+"nope", map[string]any{"properties": map[string]any{}}); resp.StatusCode != 404 {
		t.Errorf("PATCH of none: %d", resp.StatusCode)
	}
}
