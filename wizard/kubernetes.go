package wizard

import (
	"strings"

	"github.com/amlaks/amlaks/rules"
)

// The current path: an AKS cluster created in
// AKS, the Microsoft.AzureML.Kubernetes extension installed on it, and the
// cluster attached to the workspace as computeType Kubernetes. These are
// the port's types and calls for it; the azure package implements them
// over armcontainerservice/v8, armkubernetesconfiguration/v2 and
// armmachinelearning/v4, against Azure or the simulator.

// ComputeType is the kind of compute target a create or attach makes.
type ComputeType string

// Compute types.
const (
	// ComputeKubernetes is the current path (the default).
	ComputeKubernetes ComputeType = "Kubernetes"
	// ComputeAKS is the legacy v1 "AKS compute" of the 2020 article.
	ComputeAKS ComputeType = "AKS"
)

// APIAccess is how the AKS API server is reached.
type APIAccess string

// API server access kinds.
const (
	APIPublic     APIAccess = "public"
	APIAuthorized APIAccess = "authorized" // public, limited to authorized IP ranges
	APIPrivate    APIAccess = "private"
)

// Router is the inference router's Kubernetes service type.
type Router string

// Inference router kinds (inferenceRouterServiceType; internal is a
// LoadBalancer with internalLoadBalancerProvider=azure).
const (
	RouterLoadBalancer Router = "loadbalancer"
	RouterInternal     Router = "internal"
	RouterNodePort     Router = "nodeport"
	RouterClusterIP    Router = "clusterip"
)

// ExtensionName is the name amlaks gives the Azure ML extension.
const ExtensionName = "azureml"

// ExtensionType is the Azure ML cluster extension's type.
const ExtensionType = "Microsoft.AzureML.Kubernetes"

// MLWorkloadRole is the Trusted Access role that lets an Azure ML
// workspace reach an AKS cluster's API server through the AKS regional
// gateway (Azure/AML-Kubernetes docs/azureml-aks-ta-support.md).
const MLWorkloadRole = "Microsoft.MachineLearningServices/workspaces/mlworkload"

// MaxRoleBindings is AKS's limit of Trusted Access role bindings per
// cluster.
const MaxRoleBindings = rules.MaxTrustedAccessBindings

// TagCreatedBy marks the resources amlaks creates (value "amlaks"): with
// TagCompute it tells a create its own cluster (ClusterMadeFor), and
// `detach --delete-cluster` deletes only what amlaks made.
const TagCreatedBy = "created-by"

// ClusterMadeFor reports whether amlaks made cl for compute in workspace
// ws: its tags say created-by=amlaks and amlaks-compute=WS/COMPUTE. Only
// such a cluster is a create's own (a re-run continues it); any other
// existing cluster a create names is an attach of it (AdoptCluster).
func ClusterMadeFor(cl Cluster, ws, compute string) bool {
	return cl.Tags[TagCreatedBy] == "amlaks" && ws != "" && compute != "" && strings.EqualFold(cl.Tags[TagCompute], ws+"/"+compute)
}

// TaggedNamespace is the namespace a create chose for the compute cl was
// made for (its amlaks-namespace tag; "default" without one).
func TaggedNamespace(cl Cluster) string {
	if ns := cl.Tags[TagNamespace]; ns != "" {
		return ns
	}
	return "default"
}

// ClusterMadeByAmlaks reports whether cl carries created-by=amlaks.
func ClusterMadeByAmlaks(cl Cluster) bool { return cl.Tags[TagCreatedBy] == "amlaks" }

// ClusterOrigin says who made cl, for the words that name it: "made for
// mlw-prod/k8s-c1", "made by amlaks" (no compute tag) or "not made by
// amlaks".
func ClusterOrigin(cl Cluster) string {
	switch {
	case !ClusterMadeByAmlaks(cl):
		return "not made by amlaks"
	case cl.Tags[TagCompute] != "":
		return "made for " + cl.Tags[TagCompute]
	}
	return "made by amlaks"
}

// ClusterSpec is the AKS managed cluster a Kubernetes create makes.
type ClusterSpec struct {
	SubscriptionID    string
	ResourceGroup     string
	Name              string
	Location          string
	DNSPrefix         string
	KubernetesVersion string // "1.32.4" or "1.32"
	VMSize            string
	Nodes             int
	APIAccess         APIAccess
	AuthorizedRanges  []string
	Tags              map[string]string
	// LTS is a version offered only with long-term support: the cluster
	// is made in the Premium tier with the AKSLongTermSupport plan.
	LTS bool
}

// ID is the cluster's resource ID.
func (s ClusterSpec) ID() string {
	return rules.ClusterID{SubscriptionID: s.SubscriptionID, ResourceGroup: s.ResourceGroup, Name: s.Name}.String()
}

// ExtensionSpec is the Microsoft.AzureML.Kubernetes extension to install.
type ExtensionSpec struct {
	ClusterID     string
	Name          string // ExtensionName unless given
	Region        string // the cluster's region (the scoring domain)
	Purpose       rules.Purpose
	Router        Router
	RouterHA      bool
	AllowInsecure bool      // required without TLS
	TLS           rules.TLS // own certificate + CNAME: sent only as protected settings
	// GPU is whether the nodes carry NVIDIA GPUs: the extension then
	// installs the NVIDIA device plugin, which it never does by default.
	GPU bool
	// Update adds inference to an installed training-only extension (a
	// PATCH of its settings) instead of installing one (a PUT).
	Update bool
	// EnableUpgrade is scoringFe.enableUpgrade=true: the extension installs
	// over a legacy v1 router annotated azureml-fe-enable-upgrade=true
	// (Azure/AML-Kubernetes docs/attach-compute-on-aks-v1-cluster.md).
	EnableUpgrade bool
}

// Extension is the state of the Azure ML extension on a cluster.
type Extension struct {
	ID       string
	Name     string
	Type     string
	Version  string
	State    string // provisioningState: Succeeded, Failed, Creating, ...
	Errors   []OpError
	Settings map[string]string // configurationSettings (never the protected ones)
}

// Healthy reports an extension that finished installing.
func (e Extension) Healthy() bool { return e.State == "Succeeded" }

// TrainingOnly reports an extension installed without inference
// (enableInference not True): a Kubernetes compute on it takes jobs, but
// every online deployment fails. Unknown settings are not judged.
func (e Extension) TrainingOnly() bool {
	return e.Settings != nil && !strings.EqualFold(strings.TrimSpace(e.Settings["enableInference"]), "true")
}

// Ready reports an extension an inference attach can use as it is.
func (e Extension) Ready() bool { return e.Healthy() && !e.TrainingOnly() }

// RoleBinding is a Trusted Access role binding of a cluster.
type RoleBinding struct {
	Name   string
	Source string // sourceResourceId: the resource granted access
	Roles  []string
	State  string // provisioningState
}

// Binds reports whether b grants the Azure ML role to the workspace
// whose ARM id is ws.
func (b RoleBinding) Binds(ws string) bool {
	if !strings.EqualFold(strings.TrimSuffix(b.Source, "/"), strings.TrimSuffix(ws, "/")) {
		return false
	}
	for _, r := range b.Roles {
		if strings.EqualFold(r, MLWorkloadRole) {
			return true
		}
	}
	return false
}

// RoleBindingSpec is a Trusted Access role binding to create.
type RoleBindingSpec struct {
	ClusterID string
	Name      string
	Source    string // the workspace's ARM id
	Roles     []string
}
