package wizard

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/amlaks/amlaks/rules"
)

// Cloud is the port to Azure. The azure package implements it over the
// Azure SDK (against real Azure or the simulator); nothing else talks to
// Azure. Every method may block on the network and must be called from a
// goroutine (a tea.Cmd in the TUI). Errors wrap one of the Err* kinds below
// (see *Error).
type Cloud interface {
	// Subscriptions the credential can see; Default marks the az CLI's
	// default (or the one named by AZURE_SUBSCRIPTION_ID).
	Subscriptions(ctx context.Context) ([]Subscription, error)
	// Regions are the physical regions of a subscription with display names
	// and pairs, sorted by display name.
	Regions(ctx context.Context, sub string) ([]Region, error)
	// Workspaces are the AML workspaces of a subscription (all pages).
	Workspaces(ctx context.Context, sub string) ([]Workspace, error)
	// Computes are the compute targets of a workspace (all pages, any type).
	Computes(ctx context.Context, ws WorkspaceRef) ([]Compute, error)
	// Compute gets one compute by name; a missing one is ErrNotFound.
	Compute(ctx context.Context, ws WorkspaceRef, name string) (Compute, error)
	// Versions are the AKS Kubernetes versions of a region.
	Versions(ctx context.Context, sub, region string) ([]rules.Version, error)
	// Sizes are the VM sizes of a region for the subscription joined from
	// AML vmSizes (prices), compute SKUs (restrictions, capabilities) and
	// compute usages (quota).
	Sizes(ctx context.Context, sub, region string) (SizeList, error)
	// Clusters are the AKS managed clusters of a subscription (all pages).
	// Pool vCPUs are filled from the SKUs of each cluster's region.
	Clusters(ctx context.Context, sub string) ([]Cluster, error)

	// Submit sends the create (spec.ClusterID empty) or attach PUT and
	// returns once Azure accepted it. The operation's resume token is saved
	// so a later process can follow it (Pending).
	Submit(ctx context.Context, ws WorkspaceRef, spec ComputeSpec) (Operation, error)
	// Request is the HTTP request Submit would send for spec, built by the
	// same code (method, URL with the api-version, body as marshalled for
	// the wire), with secrets Redacted. Unlike the other methods it makes
	// no network call and may be called anywhere (a View too).
	Request(ws WorkspaceRef, spec ComputeSpec) (Request, error)
	// Detach starts the detach of an AKS compute (the cluster is kept).
	Detach(ctx context.Context, ws WorkspaceRef, name string) (Operation, error)
	// DetachRequest is the DELETE Detach sends (underlyingResourceAction=Detach),
	// as it will be sent.
	DetachRequest(ws WorkspaceRef, name string) (Request, error)
	// Pending returns the saved, unfinished operation on a compute started
	// by this or an earlier process, if any.
	Pending(ctx context.Context, ws WorkspaceRef, name string) (Operation, bool, error)
	// Follow polls an operation until it ends or ctx is done, sending one
	// Progress per poll and a final one with Done set; the channel is closed
	// after that. Cancelling ctx stops watching only: the operation goes on
	// in Azure.
	Follow(ctx context.Context, op Operation, every time.Duration) <-chan Progress

	// The Kubernetes compute's own calls: the AKS cluster and the Azure ML
	// extension, and the resource providers they need.

	// Providers returns the registrationState of each resource provider
	// namespace ("Registered", "NotRegistered", "Registering").
	Providers(ctx context.Context, sub string, namespaces []string) (map[string]string, error)
	// RegisterProvider starts the registration of a namespace.
	RegisterProvider(ctx context.Context, sub, namespace string) error
	// Cluster gets one AKS cluster by resource ID (ErrNotFound when absent).
	Cluster(ctx context.Context, id string) (Cluster, error)
	// CreateCluster starts the AKS create (long-running; follow it with
	// Follow). The request is ClusterRequest's.
	CreateCluster(ctx context.Context, spec ClusterSpec) (Operation, error)
	// ClusterRequest is the create request, as it will be sent.
	ClusterRequest(spec ClusterSpec) (Request, error)
	// Extension gets the Azure ML extension of a cluster (ok false when
	// none is installed).
	Extension(ctx context.Context, clusterID string) (Extension, bool, error)
	// InstallExtension starts the extension's install (long-running).
	InstallExtension(ctx context.Context, spec ExtensionSpec) (Operation, error)
	// ExtensionRequest is the install request, as it will be sent.
	ExtensionRequest(spec ExtensionSpec) (Request, error)
	// DeleteCluster starts the delete of a cluster amlaks created.
	DeleteCluster(ctx context.Context, id string) (Operation, error)
	// PremiumTierPrice is what AKS's Premium tier (which long-term
	// support needs) costs per cluster and hour in a region, in USD.
	PremiumTierPrice(ctx context.Context, region string) (float64, error)
	// RoleBindings lists a cluster's Trusted Access role bindings.
	RoleBindings(ctx context.Context, clusterID string) ([]RoleBinding, error)
	// CreateRoleBinding starts the create of a Trusted Access role binding
	// (long-running). The request is RoleBindingRequest's.
	CreateRoleBinding(ctx context.Context, spec RoleBindingSpec) (Operation, error)
	// RoleBindingRequest is the binding's create request, as it will be sent.
	RoleBindingRequest(spec RoleBindingSpec) (Request, error)

	// The cluster's inside, through AKS's run command (no kubeconfig,
	// private clusters too).

	// RunCommand runs command in the cluster with files (base name →
	// content) beside it and waits for its result. An error means the
	// command could not be started (disabled, stopped cluster, rights).
	RunCommand(ctx context.Context, clusterID, command string, files map[string][]byte) (CommandResult, error)
	// CommandRequest is the run command's request, as it will be sent.
	CommandRequest(clusterID, command string, files map[string][]byte) (Request, error)

	// Subnet returns a virtual network's subnet, or an error of kind
	// ErrNotFound when the VNet or the subnet does not exist.
	Subnet(ctx context.Context, sub, resourceGroup, vnet, subnet string) (Subnet, error)

	// Serving, for the smoke test: an environment from a public image, a
	// Kubernetes online endpoint and its deployment, a scoring call.

	PutEnvironment(ctx context.Context, ws WorkspaceRef, env EnvironmentSpec) (string, error)
	CreateEndpoint(ctx context.Context, ws WorkspaceRef, spec EndpointSpec, on func(state string)) (Endpoint, error)
	CreateDeployment(ctx context.Context, ws WorkspaceRef, spec DeploymentSpec, on func(state string)) error
	Endpoint(ctx context.Context, ws WorkspaceRef, name string) (Endpoint, error)
	Endpoints(ctx context.Context, ws WorkspaceRef) ([]Endpoint, error)
	// EndpointKey is the primary key: never printed or logged.
	EndpointKey(ctx context.Context, ws WorkspaceRef, name string) (string, error)
	DeleteEndpoint(ctx context.Context, ws WorkspaceRef, name string, on func(state string)) error
	Score(ctx context.Context, uri, key, deployment string, body []byte) (ScoreResult, error)
}

// Subscription is an Azure subscription.
type Subscription struct {
	ID       string // GUID
	Name     string // display name
	TenantID string
	State    string // Enabled, Disabled, Warned, PastDue, Deleted
	Default  bool
}

// Region is a physical Azure region.
type Region struct {
	Name        string   // "eastus"
	DisplayName string   // "East US"
	Paired      []string // ["westus"]
}

// WorkspaceRef addresses an AML workspace.
type WorkspaceRef struct {
	SubscriptionID string
	ResourceGroup  string
	Name           string
}

// Workspace is an AML workspace.
type Workspace struct {
	WorkspaceRef
	ID     string
	Region string // "eastus"
	// Kind is the workspace resource's kind: "Default" (or empty) for an
	// Azure Machine Learning workspace, "Hub" and "Project" for Azure AI
	// Foundry hubs and projects, "FeatureStore", ...
	Kind string
	// PrivateEndpoint: the workspace has a private endpoint connection, so
	// an AKS cluster it uses must be in its region.
	PrivateEndpoint bool
}

// WorkspaceUsable says whether an AKS compute can be created in or
// attached to ws, and why not: Azure AI Foundry hubs and projects (kind
// Hub or Project) take no AKS compute, only Azure Machine Learning
// workspaces do. The reason is a sentence that names the workspace, its
// kind and what to do instead.
func WorkspaceUsable(ws Workspace) (bool, string) {
	switch k := strings.TrimSpace(ws.Kind); {
	case strings.EqualFold(k, "Hub"):
		return false, fmt.Sprintf("%s is an Azure AI Foundry hub (kind Hub): hubs take no AKS inference cluster; pick an Azure Machine Learning workspace (kind Default)", ws.Name)
	case strings.EqualFold(k, "Project"):
		return false, fmt.Sprintf("%s is an Azure AI Foundry project (kind Project): projects take no AKS inference cluster; pick an Azure Machine Learning workspace (kind Default)", ws.Name)
	}
	return true, ""
}

// Compute is a compute target of a workspace (any type; AKS fields filled
// for AKS).
type Compute struct {
	ID          string
	Name        string
	Type        string // "AKS", "AmlCompute", ...
	State       string // provisioning state: Creating, Updating, Succeeded, Failed, Deleting, Canceled, Unknown
	Purpose     rules.Purpose
	Nodes       int
	VMSize      string
	VCPUs       int    // total (nodes × vCPUs per node) when the size is known; 0 otherwise
	Region      string // computeLocation
	ClusterID   string // properties.resourceId: the underlying AKS cluster
	Attached    bool   // isAttachedCompute
	FQDN        string
	Description string
	Errors      []OpError // provisioningErrors
	CreatedOn   time.Time
	Namespace   string // Kubernetes computes
	// AKS (v1) computes: the router's load balancer (PublicIp,
	// InternalLoadBalancer) and TLS (status Enabled or Auto, "" off; the
	// CNAME, or the leaf domain label of a Microsoft-issued certificate).
	LoadBalancerType string
	SSLStatus        string
	SSLCname         string
}

// OpError is an ARM error (code, message, nested details flattened).
type OpError struct {
	Code    string
	Message string
}

// VMSize is one VM size of a region.
type VMSize struct {
	Name         string // "Standard_D3_v2"
	Family       string // quota family, "standardDv2Family"
	VCPUs        int
	MemoryGB     float64
	GPUs         int
	FPGA         bool
	PricePerHour float64 // USD, Linux, 0 when unknown
	Restricted   string  // non-empty: why the size cannot be used here by this subscription
	FamilyQuota  rules.Quota
}

// SizeList is what Sizes returns.
type SizeList struct {
	Region      string
	Sizes       []VMSize    // sorted by name
	RegionQuota rules.Quota // "cores"
	// QuotaUnknown is set when usages could not be read (sizes still listed).
	QuotaUnknown bool
	// PricesUnknown is set when AML's VM sizes (prices) could not be read.
	PricesUnknown bool
}

// Find returns the named size (case-insensitive).
func (l SizeList) Find(name string) (VMSize, bool) {
	for _, s := range l.Sizes {
		if equalFold(s.Name, name) {
			return s, true
		}
	}
	return VMSize{}, false
}

// preferredSizes are the general-purpose sizes a region's default is taken
// from, in order: the product default first, then its successors with
// 4 vCPUs, which regions without Dv2 offer.
var preferredSizes = []string{"Standard_D3_v2", "Standard_DS3_v2", "Standard_D4s_v3", "Standard_D4s_v5", "Standard_D4as_v5", "Standard_D4ds_v5", "Standard_D4_v5"}

// DefaultSize is the size a create starts from in this region: the first
// of preferredSizes offered here without restriction, else the smallest
// unrestricted size without GPUs that has 4 vCPUs or more and at least
// 8 GiB (3 such nodes meet production's 12 vCPUs).
func (l SizeList) DefaultSize() (VMSize, bool) {
	for _, n := range preferredSizes {
		if z, ok := l.Find(n); ok && z.Restricted == "" {
			return z, true
		}
	}
	var best VMSize
	found := false
	for _, z := range l.Sizes {
		if z.Restricted != "" || z.GPUs > 0 || z.FPGA || z.VCPUs < 4 || z.MemoryGB < 8 {
			continue
		}
		if !found || z.VCPUs < best.VCPUs || z.VCPUs == best.VCPUs && (z.MemoryGB < best.MemoryGB || z.MemoryGB == best.MemoryGB && z.Name < best.Name) {
			best, found = z, true
		}
	}
	return best, found
}

// Cluster is an AKS managed cluster.
type Cluster struct {
	ID                 string
	Name               string
	ResourceGroup      string
	Region             string
	Version            string // current Kubernetes version (x.y.z)
	Pools              []rules.Pool
	Private            bool
	PrivatePublicFQDN  bool
	AuthorizedIPRanges []string
	LoadBalancerSKU    string // "standard" | "basic"
	PowerState         string // "Running" | "Stopped"
	// RunCommandDisabled: apiServerAccessProfile.disableRunCommand (amlaks
	// cannot run kubectl in it).
	RunCommandDisabled bool
	ProvisioningState  string
	FQDN               string
	// Identity is "SystemAssigned", "UserAssigned" or "ServicePrincipal"
	// (no managed identity: the Azure ML extension cannot use it).
	Identity string
	Tags     map[string]string
	// LocalAccountsDisabled is disableLocalAccounts: Azure ML reaches such
	// a cluster only through a Trusted Access role binding.
	LocalAccountsDisabled bool
}

// Nodes is the sum of pool counts.
func (c Cluster) Nodes() int {
	n := 0
	for _, p := range c.Pools {
		n += p.Count
	}
	return n
}

// VCPUs is the sum of count × vCPUs over pools.
func (c Cluster) VCPUs() int {
	n := 0
	for _, p := range c.Pools {
		n += p.Count * p.VCPUs
	}
	return n
}

// ComputeSpec is the body of a create or attach.
type ComputeSpec struct {
	Name            string
	Location        string // workspace region (ARM envelope)
	ComputeLocation string // create: the cluster's region; attach: empty
	Description     string
	Purpose         rules.Purpose
	Nodes           int    // create only
	VMSize          string // create only
	ClusterID       string // attach only: the AKS resource ID
	Network         rules.Network
	TLS             rules.TLS
	// Type is the compute type: ComputeAKS (legacy, the zero value's
	// meaning) or ComputeKubernetes (attach only: resourceId + namespace).
	Type      ComputeType
	Namespace string // Kubernetes: the namespace the compute uses ("default")
	// Identity is the Kubernetes compute's identity: "" or
	// "SystemAssigned", or a user-assigned identity's resource ID.
	Identity string
}

// Attach reports whether the spec is an attach.
func (s ComputeSpec) Attach() bool { return s.ClusterID != "" }

// OpKind says what an operation does.
type OpKind string

// Operation kinds.
const (
	OpCreate OpKind = "create"
	OpAttach OpKind = "attach"
	OpDetach OpKind = "detach"
	// OpCluster and OpExtension are the first two phases of a Kubernetes
	// create; Operation.Target names the cluster.
	OpCluster   OpKind = "cluster"
	OpExtension OpKind = "extension"
	OpDelete    OpKind = "delete-cluster"
	// OpExtensionUpdate adds inference to an installed extension (PATCH);
	// OpTrustedAccess creates a Trusted Access role binding (Name is the
	// binding's).
	OpExtensionUpdate OpKind = "extension-update"
	OpTrustedAccess   OpKind = "trusted-access"
)

// Operation is a running long-running operation on a compute.
type Operation struct {
	Kind      OpKind
	Workspace WorkspaceRef
	Name      string
	Token     string // SDK resume token; opaque
	Started   time.Time
	// Target is the resource a cluster or extension phase works on (the
	// cluster's resource ID); empty for compute operations.
	Target string
	// Concurrent lists other attachments of the cluster seen right after
	// an attach's PUT (another machine attaching it at the same time):
	// warnings to show, set by Submit.
	Concurrent []string
}

// Expected is how long an operation usually takes against real Azure
// (about 10 min create, 5 min attach); the simulator's Follow reports its
// own scaled figure in Progress.Expected.
func (k OpKind) Expected() time.Duration {
	switch k {
	case OpCreate:
		return 10 * time.Minute
	case OpAttach:
		return 5 * time.Minute
	case OpCluster:
		return 8 * time.Minute
	case OpExtension:
		return 6 * time.Minute
	case OpExtensionUpdate:
		return 4 * time.Minute
	}
	return time.Minute
}

// NotReported is the state shown while Azure has not said one yet (never
// "Unknown").
const NotReported = "not reported yet"

// Progress is one observation of an operation.
type Progress struct {
	State    string        // provisioning / operation state as polled: InProgress, Creating, Succeeded, Failed, ...
	Elapsed  time.Duration // since the operation started
	Expected time.Duration // how long it usually takes here
	Note     string        // e.g. "throttled: retrying in 5 s"
	Done     bool
	Compute  *Compute // final compute on success (nil for detach)
	Err      error    // final error on failure (*Error, with provisioning errors in Details)
	// Manual is what to run by hand when the readiness phase could not
	// (the YAML and the kubectl commands).
	Manual string
}
