package rules

import "time"

// CreateFacts is everything the create preflight looks at, gathered by the
// caller from Azure.
type CreateFacts struct {
	Name          string
	ExistingNames []string // computes of this workspace
	NameTaken     bool     // a GET on the name answered 200 (not 404)

	Purpose      Purpose
	Region       string
	VMSize       string
	SizeKnown    bool // the size is in the region's list
	VCPUs        int  // per node
	GPUs         int
	FPGA         bool
	Restricted   string // non-empty: the size is restricted for the subscription here (reason)
	Nodes        int
	FamilyQuota  Quota // the size's family in the region
	RegionQuota  Quota // "cores"
	QuotaUnknown bool  // usages could not be read: Warn instead of Block

	Network Network
	TLS     TLS
	Now     time.Time

	DefaultVersion string // the version the create will get ("" when unknown)
}

// CreateFindings applies SPEC §4.5 (create): name free and valid; vCPU /
// node threshold (suggest dev-test when it would pass); size available in
// region (Block when unknown or restricted); family and total regional
// quota (Block "needs 12, 4 left of 10: ..."); GPU/FPGA note (Info: must be
// chosen now, no second pool later); networking and TLS violations (Block);
// Info for the standard-LB and public-IP-policy limitations when the load
// balancer is public; Info naming the Kubernetes version that will be used.
func CreateFindings(f CreateFacts) []Finding { return nil /* TODO */ }

// Pool is one agent pool of an existing cluster.
type Pool struct {
	Name  string
	Size  string
	Count int
	VCPUs int // per node; 0 when the size is unknown
}

// AttachFacts is everything the attach preflight looks at.
type AttachFacts struct {
	Name          string
	ExistingNames []string
	NameTaken     bool

	Purpose Purpose

	ClusterID         string
	ClusterName       string
	ClusterRegion     string
	WorkspaceRegion   string
	PairedRegions     []string // pairs of the workspace region
	Version           string   // current Kubernetes version of the cluster
	RegionVersions    []Version
	Pools             []Pool
	Private           bool
	PrivatePublicFQDN bool
	AuthorizedRanges  []string
	LoadBalancerSKU   string // "standard" | "basic"
	PowerState        string // "Running" | "Stopped"
	ProvisioningState string // "Succeeded", ...

	// AttachedAs lists computes already pointing at this cluster:
	// "aks-inference in mlw-prod".
	AttachedAs []string
	// InFlight is true while an attach of this cluster is being submitted
	// or running from this process (double-submit guard).
	InFlight bool

	TLS TLS
	Now time.Time
}

// AttachFindings applies SPEC §4.5 (attach): version supported in the
// cluster's region (Block listing supported minors), preview (Warn), LTS
// only (Warn); total vCPUs and nodes vs purpose (Block; says dev-test would
// pass when it would); authorized IP ranges (Warn naming the workspace
// region and its paired regions; note that authorized ranges need a
// standard LB); private (Info); private with public FQDN (Block); already
// attached (Block: detach first; a second attachment breaks the first);
// other region (Info: allowed); power state Stopped or provisioning state
// not Succeeded (Block); in flight (Block); name and TLS violations (Block).
func AttachFindings(f AttachFacts) []Finding { return nil /* TODO */ }
