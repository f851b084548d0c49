package wizard

import (
	"fmt"
	"strings"

	"github.com/amlaks/amlaks/rules"
)

// Mode is what the user wants to do.
type Mode string

// Modes.
const (
	ModeCreate Mode = "create"
	ModeAttach Mode = "attach"
	ModeBrowse Mode = "browse"
	ModeList   Mode = "list"
	// ModeMigrate moves a legacy AKS compute to a Kubernetes compute
	// (migrate.go); the wizard offers it when the workspace has one.
	ModeMigrate Mode = "migrate"
)

// Source says where an answer came from.
type Source int

// Sources, from the weakest: a later one overrides an earlier.
const (
	Unset   Source = iota
	Default        // the product default (3 × Standard_D3_v2, production, the workspace's region)
	Flag           // a command-line flag
	Env            // an environment variable
	AzCLI          // the Azure CLI's own defaults
	Only           // the only choice there was
	Asked          // answered in the wizard
)

// String names the source for summaries.
func (s Source) String() string {
	return [...]string{"unset", "default", "flag", "environment", "az CLI", "only choice", "asked"}[s]
}

// Field names one answer of the Plan. Its value is the long flag name.
type Field string

// Plan fields.
const (
	FSubscription Field = "subscription"
	FWorkspace    Field = "workspace"
	FMode         Field = "mode"
	FPurpose      Field = "purpose"
	FRegion       Field = "region"
	FVMSize       Field = "vm-size"
	FNodes        Field = "nodes"
	FNetwork      Field = "vnet"
	FTLS          Field = "ssl"
	FName         Field = "name"
	FCluster      Field = "cluster-id"
	FDescription  Field = "description"
	// The current path.
	FComputeType      Field = "compute-type"
	FKubernetesVer    Field = "kubernetes-version"
	FNewCluster       Field = "cluster" // create: the AKS cluster to make (name + resource group)
	FAPIAccess        Field = "api-access"
	FRouter           Field = "router"
	FRouterHA         Field = "router-ha"
	FAllowInsecure    Field = "allow-insecure-connections"
	FNamespace        Field = "namespace"
	FIdentity         Field = "identity"
	FInstallExtension Field = "install-extension"
)

// Plan is every answer of a create or attach and where each came from.
// The TUI and line mode fill the same Plan.
type Plan struct {
	Mode         Mode
	Subscription string // GUID
	Workspace    Workspace
	Purpose      rules.Purpose
	Region       string // create: the cluster's region
	VMSize       string
	Nodes        int
	Network      rules.Network
	TLS          rules.TLS
	Name         string
	Description  string
	ClusterID    string // attach: the AKS resource ID
	// ClusterName and ClusterGroup name the cluster instead of ClusterID
	// (--cluster NAME --cluster-resource-group RG); Resolve turns them into
	// ClusterID.
	ClusterName  string
	ClusterGroup string
	Cluster      *Cluster
	// Adopted: a Kubernetes create named a cluster that exists and was not
	// made for this compute, so the plan is the attach of it
	// (AdoptCluster).
	Adopted bool

	// The current path; see kubernetes_plan.go.
	ComputeType       ComputeType
	KubernetesVersion string // create: "1.32" or "1.32.4"; the region's default unless chosen
	LTS               bool   // create: the version is offered only with long-term support (DecideLTS)
	APIAccess         APIAccess
	AuthorizedRanges  []string
	Router            Router
	RouterHA          bool // meaningful when FRouterHA was set; HA() otherwise follows the node count
	AllowInsecure     bool
	Namespace         string
	Identity          string // "" (system-assigned) or a user-assigned identity's resource ID
	InstallExtension  bool   // attach: install the Azure ML extension when it is missing or failed, or add inference to a training-only one
	// Extension is the Azure ML extension found on an attach's cluster
	// (nil: none, or not looked up).
	Extension         *Extension
	RegisterProviders bool // register missing resource providers before submitting
	// InstanceTypes are --instance-type's; NoInstanceTypes drops them all
	// (readiness.go).
	InstanceTypes   []rules.InstanceType
	NoInstanceTypes bool
	// LegacyUpgrade: the extension takes over a legacy AKS compute's v1
	// router in place (scoringFe.enableUpgrade, migrate.go).
	LegacyUpgrade bool
	sizes         *SizeList // of the plan's region, once read (for sizing)

	from map[Field]Source
	// shared: from belongs to the plan this is a View of
	shared bool
}

// NewPlan returns a plan with the product defaults (production,
// 3 × Standard_D3_v2) marked as Default.
func NewPlan(mode Mode) *Plan {
	p := &Plan{Mode: mode, Purpose: rules.Production, VMSize: "Standard_D3_v2", Nodes: 3,
		ComputeType: ComputeKubernetes, APIAccess: APIPublic, Router: RouterLoadBalancer, Namespace: "default"}
	p.Mark(FPurpose, Default)
	p.Mark(FVMSize, Default)
	p.Mark(FNodes, Default)
	p.Mark(FComputeType, Default)
	p.Mark(FAPIAccess, Default)
	p.Mark(FRouter, Default)
	p.Mark(FNamespace, Default)
	return p
}

// Mark records where field's answer came from.
func (p *Plan) Mark(f Field, s Source) {
	if p.from == nil || p.shared {
		// a view writes its own copy, never the plan it shows
		from := make(map[Field]Source, len(p.from)+1)
		for k, v := range p.from {
			from[k] = v
		}
		p.from, p.shared = from, false
	}
	p.from[f] = s
}

// View is the plan for reading: a copy that shares nothing it could write
// back (the answers' sources are copied on its first Mark). Fields and
// slices it shares are for reading; Clone makes a plan to edit.
func (p *Plan) View() Plan {
	v := *p
	v.shared = true
	return v
}

// From says where field's answer came from.
func (p Plan) From(f Field) Source { return p.from[f] }

// Given reports whether the answer was given up front (flag, environment,
// az CLI or only choice), so the wizard does not ask it.
func (p Plan) Given(f Field) bool {
	switch p.from[f] {
	case Flag, Env, AzCLI, Only:
		return true
	}
	return false
}

// Clone returns a deep copy, so a screen can edit without touching the
// original until it commits.
func (p Plan) Clone() *Plan {
	c := p
	c.shared = false
	c.from = make(map[Field]Source, len(p.from))
	for k, v := range p.from {
		c.from[k] = v
	}
	if p.Cluster != nil {
		cl := *p.Cluster
		c.Cluster = &cl
	}
	if p.Extension != nil {
		e := *p.Extension
		c.Extension = &e
	}
	c.AuthorizedRanges = append([]string(nil), p.AuthorizedRanges...)
	return &c
}

// WorkspaceRef returns the workspace's address.
func (p Plan) WorkspaceRef() WorkspaceRef { return p.Workspace.WorkspaceRef }

// Spec builds the create or attach body from the plan: the fields every
// type sends, and the type's own (its Variant's body).
func (p Plan) Spec() ComputeSpec {
	return p.Variant().body(p, ComputeSpec{
		Name:        p.Name,
		Location:    p.Workspace.Region,
		Description: p.Description,
		Purpose:     p.Purpose,
		TLS:         p.TLS.Normalized(),
	})
}

// kubernetesBody is the Kubernetes compute's own part of the body: the
// cluster (new or attached), the namespace and the identity.
func kubernetesBody(p Plan, s ComputeSpec) ComputeSpec {
	s.Type = ComputeKubernetes
	s.ClusterID = p.TargetClusterID()
	s.Namespace = p.Namespace
	s.Identity = p.Identity
	return s
}

// aksBody is the AKS compute's own part of the body: an attach names the
// cluster, a create its region, nodes, size and network.
func aksBody(p Plan, s ComputeSpec) ComputeSpec {
	if p.Mode == ModeAttach {
		s.ClusterID = p.ClusterID
		// an attach may ask for an internal load balancer (AKSSchema
		// loadBalancerType/loadBalancerSubnet apply to attach too)
		s.Network = rules.Network{LoadBalancer: p.Network.LoadBalancer, LoadBalancerSubnet: p.Network.LoadBalancerSubnet}
		return s
	}
	s.ComputeLocation = p.Region
	s.Nodes = p.Nodes
	s.VMSize = p.VMSize
	s.Network = p.Network
	return s
}

// ExistingNames returns the names of computes.
func ExistingNames(cs []Compute) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// FindWorkspace picks a workspace by name (case-insensitive), narrowed by
// resource group when rg is not empty.
func FindWorkspace(all []Workspace, name, rg string) (Workspace, bool) {
	for _, w := range all {
		if strings.EqualFold(w.Name, name) && (rg == "" || strings.EqualFold(w.ResourceGroup, rg)) {
			return w, true
		}
	}
	return Workspace{}, false
}

// Value is the plan's answer for field f as the user would type it ("" for
// fields without a single value).
func (p Plan) Value(f Field) string {
	if a, ok := answers[f]; ok && a.get != nil {
		return a.get(&p)
	}
	return ""
}

// into stores v in *dst when v has dst's type (a wrong type leaves dst
// as it was); ok reports whether it had.
func into[T any](dst *T, v any) bool {
	t, ok := v.(T)
	if ok {
		*dst = t
	}
	return ok
}

// Answer records an answer given in the wizard: the value goes into the
// plan and the field is marked Asked — unless the user only confirmed a
// default (Enter on the preselected value), which stays Default. A value
// of the wrong type for the field is an error, never a panic.
func (p *Plan) Answer(f Field, v any) error {
	before := p.Value(f)
	a, known := answers[f]
	if !known || a.set == nil {
		return fmt.Errorf("%s is not a field the wizard asks", f)
	}
	ok := a.set(p, v)
	if !ok {
		return fmt.Errorf("answer for %s has the wrong type %T", f, v)
	}
	if p.From(f) == Default && before == p.Value(f) && before != "" {
		return nil // confirmed the default: still the default
	}
	if f == FRegion && p.From(f) == Unset && strings.EqualFold(p.Region, p.Workspace.Region) {
		p.Mark(f, Default)
		return nil
	}
	if p.From(f) == Unset || p.From(f) == Default {
		// Enter on an optional step's offer (basic network, public IP, no
		// TLS, the system-assigned identity) keeps the default: it was not a
		// choice
		switch {
		case f == FNetwork && !p.Network.Custom() && !p.Network.Internal(),
			f == FTLS && p.TLS.Mode == rules.TLSOff,
			f == FIdentity && IsSystemIdentity(p.Identity):
			p.Mark(f, Default)
			return nil
		}
	}
	p.Mark(f, Asked)
	return nil
}

// DetachCostNote is what a detach leaves behind: the cluster is kept and
// keeps costing (shown on the detach confirmation and its result).
const DetachCostNote = "it keeps running, and costing, until you delete it in AKS (az aks delete)"
