package wizardtest

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// The fake's side of the current path (wizard.Cloud): resource
// providers per subscription, the Azure ML extension per cluster, and AKS
// creates, extension installs and cluster deletes as operations that
// Follow completes. An operation whose watcher stopped before its end
// (ctx cancelled) finishes "in Azure": the next Cluster or Extension call
// sees its final state, as a re-run would.

// Sub2 is the second subscription, where Microsoft.KubernetesConfiguration
// is not registered.
const Sub2 = "00000000-0000-4000-8000-000000000002"

// Fixture clusters of the current path (in Sub, resource group
// rg-aks-ml), named as the simulator's.
const (
	ClusterReady  = "aks-ml-ready"  // extension installed and healthy
	ClusterBare   = "aks-ml-plain"  // no extension
	ClusterBroken = "aks-ml-failed" // extension failed
	ClusterSP     = "aks-ml-sp"     // on a service principal
)

// K8sGroup is the resource group of the current path's fixture clusters.
const K8sGroup = "rg-aks-ml"

// K8sClusterID is the resource ID of a fixture cluster in K8sGroup.
func K8sClusterID(name string) string { return clusterID(K8sGroup, name) }

func k8sFixtures(c *Cloud) {
	pool := []rules.Pool{{Name: "system", Size: "Standard_D4s_v3", Count: 3, VCPUs: 4}}
	for _, n := range []string{ClusterReady, ClusterBare, ClusterBroken, ClusterSP} {
		id := K8sClusterID(n)
		ident := "SystemAssigned"
		if n == ClusterSP {
			ident = "ServicePrincipal"
		}
		c.Clus = append(c.Clus, wizard.Cluster{ID: id, Name: n, ResourceGroup: K8sGroup, Region: "eastus", Version: "1.32.4", Pools: pool,
			LoadBalancerSKU: "standard", PowerState: "Running", ProvisioningState: "Succeeded", Identity: ident, FQDN: n + "-dns.hcp.eastus.azmk8s.io"})
	}
	ext := func(id, state string) wizard.Extension {
		e := wizard.Extension{ID: id + "/providers/Microsoft.KubernetesConfiguration/extensions/" + wizard.ExtensionName, Name: wizard.ExtensionName,
			Type: wizard.ExtensionType, Version: "1.1.64", State: state,
			Settings: map[string]string{"enableInference": "True", "inferenceRouterServiceType": "LoadBalancer", "allowInsecureConnections": "True", "inferenceRouterHA": "True"}}
		if state == "Failed" {
			e.Errors = []wizard.OpError{{Code: "ExtensionOperationFailed", Message: "helm install failed: timed out waiting for the condition"}}
		}
		return e
	}
	c.Exts = map[string]wizard.Extension{
		strings.ToLower(K8sClusterID(ClusterReady)):  ext(K8sClusterID(ClusterReady), "Succeeded"),
		strings.ToLower(K8sClusterID(ClusterBroken)): ext(K8sClusterID(ClusterBroken), "Failed"),
	}
	for i := range c.Clus {
		if c.Clus[i].Identity == "" {
			c.Clus[i].Identity = "SystemAssigned"
		}
	}
	all := map[string]string{"Microsoft.ContainerService": "Registered", "Microsoft.KubernetesConfiguration": "Registered", "Microsoft.MachineLearningServices": "Registered"}
	sandbox := map[string]string{"Microsoft.ContainerService": "Registered", "Microsoft.KubernetesConfiguration": "NotRegistered", "Microsoft.MachineLearningServices": "Registered"}
	c.Provs = map[string]map[string]string{Sub: all, Sub2: sandbox}
}

func (c *Cloud) settle() {
	for _, op := range c.bg {
		c.finish(op)
	}
	c.bg = nil
}

// Providers implements wizard.Cloud.
func (c *Cloud) Providers(ctx context.Context, sub string, namespaces []string) (map[string]string, error) {
	if err := c.enter(ctx, "Providers"); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]string{}
	for _, ns := range namespaces {
		st := "NotRegistered"
		for k, v := range c.Provs[strings.ToLower(sub)] {
			if strings.EqualFold(k, ns) {
				st = v
			}
		}
		out[ns] = st
	}
	for ns, st := range c.Provs[strings.ToLower(sub)] {
		if st == "Registering" {
			c.Provs[strings.ToLower(sub)][ns] = "Registered" // at the next look
		}
	}
	return out, nil
}

// RegisterProvider implements wizard.Cloud (registers at once).
func (c *Cloud) RegisterProvider(ctx context.Context, sub, namespace string) error {
	if err := c.enter(ctx, "RegisterProvider"); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	sub = strings.ToLower(sub)
	if c.Provs[sub] == nil {
		c.Provs[sub] = map[string]string{}
	}
	c.Provs[sub][namespace] = "Registering" // Registered at the next look
	c.Registered = append(c.Registered, namespace)
	return nil
}

// Cluster implements wizard.Cloud.
func (c *Cloud) Cluster(ctx context.Context, id string) (wizard.Cluster, error) {
	if err := c.enter(ctx, "Cluster"); err != nil {
		return wizard.Cluster{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.settle()
	for _, cl := range c.Clus {
		if rules.SameCluster(cl.ID, id) {
			return cl, nil
		}
	}
	return wizard.Cluster{}, &wizard.Error{Kind: wizard.ErrNotFound, Code: "ResourceNotFound", Message: "managed cluster " + id + " not found"}
}

// CreateCluster implements wizard.Cloud: records the spec and
// adds the cluster in state Creating.
func (c *Cloud) CreateCluster(ctx context.Context, spec wizard.ClusterSpec) (wizard.Operation, error) {
	if err := c.enter(ctx, "CreateCluster"); err != nil {
		return wizard.Operation{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.settle()
	c.ClusterSpecs = append(c.ClusterSpecs, spec)
	id := spec.ID()
	cl := wizard.Cluster{ID: id, Name: spec.Name, ResourceGroup: spec.ResourceGroup, Region: spec.Location, Version: spec.KubernetesVersion,
		Pools:           []rules.Pool{{Name: "system", Size: spec.VMSize, Count: spec.Nodes, VCPUs: c.vcpusOf(spec.Location, spec.VMSize)}},
		LoadBalancerSKU: "standard", PowerState: "Running", ProvisioningState: "Creating", Identity: "SystemAssigned",
		Private: spec.APIAccess == wizard.APIPrivate, AuthorizedIPRanges: spec.AuthorizedRanges, Tags: spec.Tags}
	replaced := false
	for i := range c.Clus {
		if rules.SameCluster(c.Clus[i].ID, id) {
			c.Clus[i], replaced = cl, true
		}
	}
	if !replaced {
		c.Clus = append(c.Clus, cl)
	}
	return wizard.Operation{Kind: wizard.OpCluster, Name: spec.Name, Target: id, Token: "fake-cluster", Started: time.Now()}, nil
}

func (c *Cloud) vcpusOf(region, size string) int {
	if l, ok := c.SizeL[region]; ok {
		if z, ok := l.Find(size); ok {
			return z.VCPUs
		}
	}
	return 0
}

// Extension implements wizard.Cloud.
func (c *Cloud) Extension(ctx context.Context, clusterID string) (wizard.Extension, bool, error) {
	if err := c.enter(ctx, "Extension"); err != nil {
		return wizard.Extension{}, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.settle()
	e, ok := c.Exts[c.key(clusterID)]
	return e, ok, nil
}

func (c *Cloud) key(id string) string {
	if p, err := rules.ParseClusterID(id); err == nil {
		id = p.String()
	}
	return strings.ToLower(id)
}

// InstallExtension implements wizard.Cloud: records the spec and
// puts the extension in state Creating.
func (c *Cloud) InstallExtension(ctx context.Context, spec wizard.ExtensionSpec) (wizard.Operation, error) {
	if err := c.enter(ctx, "InstallExtension"); err != nil {
		return wizard.Operation{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.settle()
	c.ExtensionSpecs = append(c.ExtensionSpecs, spec)
	name := spec.Name
	if name == "" {
		name = wizard.ExtensionName
	}
	if spec.Update {
		e := c.Exts[c.key(spec.ClusterID)]
		merged := map[string]string{}
		for k, v := range e.Settings {
			merged[k] = v
		}
		for k, v := range extensionSettings(spec) {
			if k != "enableTraining" && k != "domain" { // a patch adds inference only
				merged[k] = v
			}
		}
		e.Settings = merged
		e.State = "Updating"
		c.Exts[c.key(spec.ClusterID)] = e
		return wizard.Operation{Kind: wizard.OpExtensionUpdate, Name: name, Target: spec.ClusterID, Token: "fake-extension-update", Started: time.Now()}, nil
	}
	c.Exts[c.key(spec.ClusterID)] = wizard.Extension{ID: spec.ClusterID + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name, Name: name,
		Type: wizard.ExtensionType, Version: "1.1.64", State: "Creating", Settings: extensionSettings(spec)}
	return wizard.Operation{Kind: wizard.OpExtension, Name: name, Target: spec.ClusterID, Token: "fake-extension", Started: time.Now()}, nil
}

// DeleteCluster implements wizard.Cloud.
func (c *Cloud) DeleteCluster(ctx context.Context, id string) (wizard.Operation, error) {
	if err := c.enter(ctx, "DeleteCluster"); err != nil {
		return wizard.Operation{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Deleted = append(c.Deleted, id)
	for i := range c.Clus {
		if rules.SameCluster(c.Clus[i].ID, id) {
			c.Clus[i].ProvisioningState = "Deleting"
		}
	}
	name := id
	if p, err := rules.ParseClusterID(id); err == nil {
		name = p.Name
	}
	return wizard.Operation{Kind: wizard.OpDelete, Name: name, Target: id, Token: "fake-delete", Started: time.Now()}, nil
}

// ClusterRequest implements wizard.Cloud: the ARM body of the
// AKS create.
func (c *Cloud) ClusterRequest(spec wizard.ClusterSpec) (wizard.Request, error) {
	props := map[string]any{
		"dnsPrefix":         spec.DNSPrefix,
		"kubernetesVersion": spec.KubernetesVersion,
		"agentPoolProfiles": []any{map[string]any{"name": "system", "mode": "System", "count": spec.Nodes, "vmSize": spec.VMSize, "osType": "Linux"}},
		"networkProfile":    map[string]any{"loadBalancerSku": "standard"},
	}
	switch spec.APIAccess {
	case wizard.APIPrivate:
		props["apiServerAccessProfile"] = map[string]any{"enablePrivateCluster": true}
	case wizard.APIAuthorized:
		props["apiServerAccessProfile"] = map[string]any{"authorizedIPRanges": spec.AuthorizedRanges}
	}
	body := map[string]any{"location": spec.Location, "tags": spec.Tags, "identity": map[string]any{"type": "SystemAssigned"}, "properties": props}
	b, err := json.Marshal(body)
	return wizard.Request{Method: "PUT", Path: spec.ID() + "?api-version=2025-09-01", Body: b}, err
}

func extensionSettings(spec wizard.ExtensionSpec) map[string]string {
	svc, internal := "LoadBalancer", false
	switch spec.Router {
	case wizard.RouterNodePort:
		svc = "NodePort"
	case wizard.RouterClusterIP:
		svc = "ClusterIP"
	case wizard.RouterInternal:
		internal = true
	}
	s := map[string]string{"enableInference": "True", "enableTraining": "False", "inferenceRouterServiceType": svc,
		"inferenceRouterHA": pyBool(spec.RouterHA), "allowInsecureConnections": pyBool(spec.AllowInsecure),
		"clusterPurpose": string(spec.Purpose), "domain": spec.Region + ".cloudapp.azure.com"}
	if internal {
		s["internalLoadBalancerProvider"] = "azure"
	}
	if spec.TLS.Mode == rules.TLSCustom {
		s["sslCname"] = spec.TLS.CNAME
	}
	return s
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// ExtensionRequest implements wizard.Cloud: the ARM body of the
// extension install; protected settings redacted.
func (c *Cloud) ExtensionRequest(spec wizard.ExtensionSpec) (wizard.Request, error) {
	props := map[string]any{"extensionType": wizard.ExtensionType, "releaseTrain": "stable", "autoUpgradeMinorVersion": true,
		"scope": map[string]any{"cluster": map[string]any{"releaseNamespace": "azureml"}}, "configurationSettings": extensionSettings(spec)}
	if spec.TLS.Mode == rules.TLSCustom {
		props["configurationProtectedSettings"] = map[string]any{"scoringFe.sslCert": wizard.Redacted, "scoringFe.sslKey": wizard.Redacted}
	}
	name := spec.Name
	if name == "" {
		name = wizard.ExtensionName
	}
	method := "PUT"
	if spec.Update {
		method = "PATCH"
	}
	b, err := json.Marshal(map[string]any{"identity": map[string]any{"type": "SystemAssigned"}, "properties": props})
	return wizard.Request{Method: method, Path: spec.ClusterID + "/providers/Microsoft.KubernetesConfiguration/extensions/" + name + "?api-version=2023-05-01", Body: b}, err
}

// finish applies the end of a cluster, extension or delete operation
// (c.mu held).
func (c *Cloud) finish(op wizard.Operation) error {
	out := c.PhaseOutcome[op.Kind]
	state := "Succeeded"
	if out != nil {
		state = "Failed"
	}
	switch op.Kind {
	case wizard.OpCluster:
		for i := range c.Clus {
			if rules.SameCluster(c.Clus[i].ID, op.Target) {
				c.Clus[i].ProvisioningState = state
			}
		}
	case wizard.OpTrustedAccess:
		k := c.key(op.Target)
		for i := range c.Bindings[k] {
			if c.Bindings[k][i].Name == op.Name {
				c.Bindings[k][i].State = state
			}
		}
	case wizard.OpExtension, wizard.OpExtensionUpdate:
		k := c.key(op.Target)
		if e, ok := c.Exts[k]; ok {
			e.State = state
			if out != nil {
				e.Errors = []wizard.OpError{{Code: "ExtensionOperationFailed", Message: out.Error()}}
			}
			c.Exts[k] = e
		}
	case wizard.OpDelete:
		if out == nil {
			for i := range c.Clus {
				if rules.SameCluster(c.Clus[i].ID, op.Target) {
					c.Clus = append(c.Clus[:i:i], c.Clus[i+1:]...)
					break
				}
			}
			delete(c.Exts, c.key(op.Target))
		}
	}
	return out
}

// followTarget is Follow for cluster, extension and delete operations.
func (c *Cloud) followTarget(ctx context.Context, op wizard.Operation, ch chan<- wizard.Progress) {
	states := c.Progress
	if s, ok := c.PhaseProgress[op.Kind]; ok {
		states = s
	}
	for _, s := range states {
		select {
		case ch <- wizard.Progress{State: s, Elapsed: time.Since(op.Started), Expected: op.Kind.Expected()}:
		case <-ctx.Done():
			c.mu.Lock()
			c.bg = append(c.bg, op)
			c.mu.Unlock()
			return
		}
		if c.StopAfter != nil && c.StopAfter(op, s) {
			c.mu.Lock()
			c.bg = append(c.bg, op)
			c.mu.Unlock()
			return
		}
	}
	c.mu.Lock()
	out := c.finish(op)
	c.mu.Unlock()
	p := wizard.Progress{State: "Succeeded", Done: true, Elapsed: time.Since(op.Started), Expected: op.Kind.Expected()}
	if out != nil {
		p.State, p.Err = "Failed", out
	}
	select {
	case ch <- p:
	case <-ctx.Done():
	}
}

// RoleBindings implements wizard.Cloud.
func (c *Cloud) RoleBindings(ctx context.Context, clusterID string) ([]wizard.RoleBinding, error) {
	if err := c.enter(ctx, "RoleBindings"); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.settle()
	return append([]wizard.RoleBinding(nil), c.Bindings[c.key(clusterID)]...), nil
}

// CreateRoleBinding implements wizard.Cloud: records the spec
// and adds the binding in state Updating; the 9th of a cluster is refused.
func (c *Cloud) CreateRoleBinding(ctx context.Context, spec wizard.RoleBindingSpec) (wizard.Operation, error) {
	if err := c.enter(ctx, "CreateRoleBinding"); err != nil {
		return wizard.Operation{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.settle()
	if c.Bindings == nil {
		c.Bindings = map[string][]wizard.RoleBinding{}
	}
	k := c.key(spec.ClusterID)
	if len(c.Bindings[k]) >= wizard.MaxRoleBindings {
		return wizard.Operation{}, &wizard.Error{Kind: wizard.ErrBadRequest, Code: "TrustedAccessRoleBindingLimitExceeded", Message: "the cluster already has 8 trusted access role bindings"}
	}
	c.BindingSpecs = append(c.BindingSpecs, spec)
	c.Bindings[k] = append(c.Bindings[k], wizard.RoleBinding{Name: spec.Name, Source: spec.Source, Roles: spec.Roles, State: "Updating"})
	return wizard.Operation{Kind: wizard.OpTrustedAccess, Name: spec.Name, Target: spec.ClusterID, Token: "fake-binding", Started: time.Now()}, nil
}

// RoleBindingRequest implements wizard.Cloud.
func (c *Cloud) RoleBindingRequest(spec wizard.RoleBindingSpec) (wizard.Request, error) {
	b, err := json.Marshal(map[string]any{"properties": map[string]any{"sourceResourceId": spec.Source, "roles": spec.Roles}})
	return wizard.Request{Method: "PUT", Path: spec.ClusterID + "/trustedAccessRoleBindings/" + spec.Name + "?api-version=2025-09-01", Body: b}, err
}

// PremiumTierPrice implements wizard.Cloud: $0.60 per cluster
// hour, as Azure's price list says today.
func (c *Cloud) PremiumTierPrice(ctx context.Context, region string) (float64, error) {
	if err := c.enter(ctx, "PremiumTierPrice"); err != nil {
		return 0, err
	}
	return 0.60, nil
}
