package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// CreateFacts is everything the create preflight looks at, gathered by the
// caller from Azure.
type CreateFacts struct {
	Name          string
	ExistingNames []string // computes of this workspace
	NameTaken     bool     // a GET on the name answered 200 (not 404)

	Purpose      Purpose
	Region       string
	VMSize       string
	SizeKnown    bool    // the size is in the region's list
	VCPUs        int     // per node
	MemoryGB     float64 // per node (GiB); 0 when unknown
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

// Finding codes of CreateFindings and AttachFindings. Several findings may
// share a code (one per network or TLS violation, for instance).
const (
	CodeNameInvalid        = "name-invalid" // any ComputeName violation but a duplicate
	CodeBelowThreshold     = "below-threshold"
	CodeQuotaFamily        = "quota-family"
	CodeQuotaRegion        = "quota-region"
	CodeQuotaUnknown       = "quota-unknown"
	CodeSizeRestricted     = "size-restricted"
	CodeSizeUnknown        = "size-unknown"
	CodeGPUNote            = "gpu-note"
	CodeNetwork            = "network"
	CodeTLS                = "tls"
	CodeVersionUsed        = "version-used"
	CodeVersionUnsupported = "version-unsupported"
	CodeVersionPreview     = "version-preview"
	CodeVersionLTS         = "version-lts"
	CodeVersionUnknown     = "version-unknown"
	CodeAuthorizedRanges   = "authorized-ranges"
	CodePrivate            = "private"
	CodePrivatePublicFQDN  = "private-public-fqdn"
	CodeAlreadyAttached    = "already-attached"
	CodeOtherRegion        = "other-region"
	CodeStopped            = "stopped"
	CodeNotSucceeded       = "not-succeeded"
	CodeInFlight           = "in-flight"
	CodeStandardLBInfo     = "standard-lb-info"
	CodePublicIPPolicyInfo = "public-ip-policy-info"
	CodeSizeBelowMinimum   = CodeSizeBelowAKSMinimum
	CodeWorkspaceKind      = "workspace-kind" // an AI Foundry hub or project: no AKS compute
	// CodeLocalAccounts: a cluster with local accounts disabled, which the
	// legacy AKS compute cannot use.
	CodeLocalAccounts = "local-accounts"
	// CodePrivateEndpointRegion: the workspace has a private endpoint and
	// the cluster is in another region.
	CodePrivateEndpointRegion = "private-endpoint-region"
)

// CreateFindings are the rules of a create: name free and valid; vCPU /
// node threshold (suggest dev-test when it would pass); size available in
// region (Block when unknown or restricted); family and total regional
// quota (Block "needs 12, 4 left of 10: ..."); GPU/FPGA note (Info: must be
// chosen now, no second pool later); networking and TLS violations (Block);
// node size below the AKS minimum of 2 vCPUs and 4 GiB (Block); Info that
// the cluster gets a Standard Load Balancer and, when the load balancer is
// public, that a policy forbidding public IPs makes the create fail; Info
// naming the Kubernetes version that will be used.
//
// Findings come Block first, then Warn, then Info; codes are the Code*
// constants (name violations: CodeNameInvalid, or CodeNameTaken for a
// duplicate name).
func CreateFindings(f CreateFacts) []Finding {
	var fs []Finding
	add := func(code string, sev Severity, msg, fix string) {
		fs = append(fs, Finding{Code: code, Severity: sev, Message: msg, Fix: fix})
	}
	fs = append(fs, nameFindings(f.Name, f.ExistingNames, f.NameTaken)...)

	region := orDefault(f.Region, "this region")
	size := orDefault(strings.TrimSpace(f.VMSize), "the VM size")
	sizeUsable := f.SizeKnown && f.VCPUs > 0
	switch {
	case strings.TrimSpace(f.VMSize) == "":
		add(CodeSizeUnknown, Block, "no VM size is chosen", "pick a size from the list of "+region)
	case !f.SizeKnown:
		add(CodeSizeUnknown, Block, fmt.Sprintf("%s is not offered in %s", size, region),
			fmt.Sprintf("pick a size from the list of %s (amlaks sizes -l %s), or another region", region, region))
	case f.VCPUs <= 0:
		add(CodeSizeUnknown, Block, fmt.Sprintf("the vCPUs of %s are unknown", size),
			"pick another size from the list of "+region)
	}
	if f.SizeKnown {
		if msg, low := nodeBelowMinimum(size, f.VCPUs, f.MemoryGB); low {
			add(CodeSizeBelowMinimum, Block, msg,
				fmt.Sprintf("pick a size with at least %s and %s (amlaks sizes -l %s --min-vcpus %d)", Plural(MinNodeVCPUs, "vCPU"), gib(MinNodeMemoryGiB), orDefault(f.Region, "REGION"), MinNodeVCPUs))
		}
	}
	if r := strings.TrimSpace(f.Restricted); r != "" {
		add(CodeSizeRestricted, Block, fmt.Sprintf("%s is restricted for this subscription in %s (%s)", size, region, r),
			"pick another size or region, or ask Azure support to lift the restriction")
	}

	th := ThresholdFor(f.Purpose)
	if sizeUsable || f.Nodes <= 0 {
		total := mulSat(max(f.Nodes, 0), max(f.VCPUs, 0))
		if !th.Passes(f.Nodes, total) {
			fix := fmt.Sprintf("use %s or more of %s, or a bigger size", Plural(th.MinNodesFor(f.VCPUs), "node"), size)
			if f.Purpose != DevTest && ThresholdFor(DevTest).Passes(f.Nodes, total) {
				fix += fmt.Sprintf(", or pick dev-test (it passes: %d ≥ %d vCPUs)", total, ThresholdFor(DevTest).MinVCPUs)
			}
			add(CodeBelowThreshold, Block, thresholdMessage(f.Purpose, th, f.Nodes, NodesTimesVCPUs(f.Nodes, f.VCPUs)), fix)
		}
	}

	if sizeUsable && f.Nodes > 0 {
		requested := mulSat(f.Nodes, f.VCPUs)
		if f.QuotaUnknown {
			add(CodeQuotaUnknown, Warn, fmt.Sprintf("the vCPU quota of %s could not be read: the create fails if fewer than %d vCPUs are left", region, requested),
				"check Usage + quotas of the subscription in the portal")
		} else {
			fix := "request a quota increase or pick another region or size"
			if dt := ThresholdFor(DevTest); f.Purpose != DevTest {
				dtNodes := dt.MinNodesFor(f.VCPUs)
				if dtv := mulSat(dtNodes, f.VCPUs); (f.FamilyQuota == (Quota{}) || dtv <= f.FamilyQuota.Free()) && (f.RegionQuota == (Quota{}) || dtv <= f.RegionQuota.Free()) {
					fix = fmt.Sprintf("request a quota increase, pick another region or size, or pick dev-test (%s × %d = %d vCPUs fit)", Plural(dtNodes, "node"), f.VCPUs, dtv)
				}
			}
			for _, q := range []struct {
				code string
				q    Quota
			}{{CodeQuotaFamily, f.FamilyQuota}, {CodeQuotaRegion, f.RegionQuota}} {
				if q.q == (Quota{}) {
					continue // not gathered
				}
				if c := CheckQuota(q.q, requested); !c.OK {
					add(q.code, Block, fmt.Sprintf("%s in %s: needs %d, %d left of %d", q.q.title(), region, requested, c.Free, q.q.Limit), fix)
				}
			}
		}
	}

	if f.GPUs > 0 || f.FPGA {
		what := Plural(f.GPUs, "GPU")
		if f.FPGA {
			what = "FPGAs"
		}
		add(CodeGPUNote, Info, fmt.Sprintf("%s has %s: GPU and FPGA sizes must be chosen now; no second node pool can be added later", size, what), "")
	}

	for _, v := range CheckNetwork(f.Network) {
		add(CodeNetwork, Block, v.Error(), "change "+v.Field+" in the networking answers")
	}
	for _, v := range CheckTLS(f.TLS, f.Network.Internal(), f.Now) {
		add(CodeTLS, Block, v.Error(), "change "+v.Field+" in the TLS answers")
	}
	if !f.Network.Internal() {
		add(CodeStandardLBInfo, Info, "the cluster gets a Standard Load Balancer, as every AKS cluster does since the Basic one retired on 2025-09-30", "")
		add(CodePublicIPPolicyInfo, Info, "the cluster gets a public IP: an Azure Policy that forbids public IPs makes the create fail",
			"use an internal load balancer, or create the cluster in AKS with a user-defined route and attach it")
	}
	if v := strings.TrimSpace(f.DefaultVersion); v != "" {
		add(CodeVersionUsed, Info, fmt.Sprintf("the cluster will run Kubernetes %s, the default in %s (a create cannot choose the version)", trimV(v), region), "")
	} else {
		add(CodeVersionUsed, Info, fmt.Sprintf("the cluster will run the default Kubernetes version of %s (a create cannot choose the version)", region), "")
	}
	return sortFindings(fs)
}

// thresholdMessage is "production needs 12 vCPUs and 3 nodes: this cluster has <has>".
func thresholdMessage(p Purpose, th Threshold, nodes int, has string) string {
	if nodes <= 0 {
		has = "no nodes"
	}
	return fmt.Sprintf("%s needs %s and %s: this cluster has %s", p.word(), Plural(th.MinVCPUs, "vCPU"), Plural(th.MinNodes, "node"), has)
}

// nameFindings turns the name violations and the GET result into findings.
func nameFindings(name string, existing []string, taken bool) []Finding {
	var fs []Finding
	for _, v := range ComputeName(name, existing) {
		code := CodeNameInvalid
		if v.Code == CodeNameTaken {
			code, taken = CodeNameTaken, false
		}
		fs = append(fs, Finding{Code: code, Severity: Block, Message: "compute name " + quote(name) + ": " + v.Message, Fix: "change the name"})
	}
	if taken {
		fs = append(fs, Finding{Code: CodeNameTaken, Severity: Block,
			Message: "a compute named " + quote(name) + " already exists in this workspace",
			Fix:     "pick another name: a compute cannot be overwritten"})
	}
	return fs
}

// sortFindings orders Block, Warn, Info, keeping the order within a severity.
func sortFindings(fs []Finding) []Finding {
	slices.SortStableFunc(fs, func(a, b Finding) int { return int(b.Severity) - int(a.Severity) })
	return fs
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}

// Pool is one agent pool of an existing cluster.
type Pool struct {
	Name  string
	Size  string
	Count int
	VCPUs int // per node; 0 when the size is unknown
	// MemoryGB and GPUs per node, when the size is known.
	MemoryGB float64
	GPUs     int
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
	// LocalAccountsDisabled is judged for the legacy AKS compute only (the
	// current path weighs it with Trusted Access).
	LocalAccountsDisabled bool
	// WorkspacePrivateEndpoint: the workspace has a private endpoint, so
	// the cluster must be in its region.
	WorkspacePrivateEndpoint bool
	LoadBalancerSKU          string // "standard" | "basic"
	PowerState               string // "Running" | "Stopped"
	ProvisioningState        string // "Succeeded", ...

	// AttachedAs lists computes already pointing at this cluster:
	// "aks-inference in mlw-prod".
	AttachedAs []string
	// InFlight is true while an attach of this cluster is being submitted
	// or running from this process (double-submit guard).
	InFlight bool

	// Network holds the load balancer the attach asks for (only
	// LoadBalancer and LoadBalancerSubnet apply to an attach).
	Network Network
	TLS     TLS
	Now     time.Time
}

// AttachFindings are the rules of an attach: version supported in the
// cluster's region (Block listing supported minors), preview (Warn), LTS
// only (Warn); total vCPUs and nodes vs purpose (Block; says dev-test would
// pass when it would); authorized IP ranges (Warn naming the workspace
// region and its paired regions; note that authorized ranges need a
// standard LB); private (Info); private with public FQDN (Block); already
// attached (Block: detach first; a second attachment breaks the first);
// other region (Info: allowed); power state Stopped or provisioning state
// not Succeeded (Block); in flight (Block); name and TLS violations (Block).
//
// Findings come Block first, then Warn, then Info; codes are the Code*
// constants. An empty Version or RegionVersions gives a Warn
// (CodeVersionUnknown); an empty ProvisioningState or PowerState is not
// judged. Pools with unknown vCPUs give a Warn (CodeSizeUnknown) and count
// as 0 vCPUs. The load balancer asked for is checked (an internal one
// needs its subnet: CodeNetwork), and TLS against it (a Microsoft
// certificate does not work with an internal load balancer).
func AttachFindings(f AttachFacts) []Finding {
	var fs []Finding
	add := func(code string, sev Severity, msg, fix string) {
		fs = append(fs, Finding{Code: code, Severity: sev, Message: msg, Fix: fix})
	}
	id, idErr := ParseClusterID(f.ClusterID)
	cluster := strings.TrimSpace(f.ClusterName)
	if cluster == "" && idErr == nil {
		cluster = id.Name
	}
	if cluster == "" {
		cluster = "the cluster"
	}
	region := orDefault(f.ClusterRegion, "its region")

	if f.InFlight {
		add(CodeInFlight, Block, "an attach of "+cluster+" is already running from this session",
			"wait for it to finish (amlaks status NAME shows it)")
	}
	fs = append(fs, nameFindings(f.Name, f.ExistingNames, f.NameTaken)...)

	var attached []string
	for _, a := range f.AttachedAs {
		if a = strings.TrimSpace(a); a != "" {
			attached = append(attached, a)
		}
	}
	if len(attached) > 0 {
		add(CodeAlreadyAttached, Block, cluster+" is already attached as "+joinAnd(attached),
			"detach it first (amlaks detach): a second attachment silently breaks the first; re-attaching to change TLS needs a detach too")
	}

	if strings.EqualFold(strings.TrimSpace(f.PowerState), "Stopped") {
		fix := "start it in AKS and try again"
		if idErr == nil {
			fix = fmt.Sprintf("start it (az aks start -g %s -n %s) and try again", id.ResourceGroup, id.Name)
		}
		add(CodeStopped, Block, cluster+" is stopped", fix)
	}
	if ps := strings.TrimSpace(f.ProvisioningState); ps != "" && !strings.EqualFold(ps, "Succeeded") {
		add(CodeNotSucceeded, Block, fmt.Sprintf("%s is in provisioning state %s, not Succeeded", cluster, ps),
			"wait for its operation to finish or repair it in AKS, then try again")
	}

	fs = append(fs, versionFindings(f.Version, f.RegionVersions, region)...)
	fs = append(fs, poolFindings(f.Purpose, f.Pools)...)

	if len(f.AuthorizedRanges) > 0 {
		ws := orDefault(f.WorkspaceRegion, "the workspace region")
		var pairs []string
		for _, p := range f.PairedRegions {
			if p = strings.TrimSpace(p); p != "" {
				pairs = append(pairs, p)
			}
		}
		pair := "its paired region"
		switch len(pairs) {
		case 0:
		case 1:
			pair = "its pair " + pairs[0]
		default:
			pair = "its pairs " + joinAnd(pairs)
		}
		msg := fmt.Sprintf("the API server of %s accepts calls only from its %s: Azure ML must reach it from its control plane in %s and %s",
			cluster, Plural(len(f.AuthorizedRanges), "authorized IP range"), ws, pair)
		if strings.EqualFold(strings.TrimSpace(f.LoadBalancerSKU), "basic") {
			msg += "; authorized IP ranges need a Standard Load Balancer and this cluster has a basic one"
		} else {
			msg += " (authorized IP ranges work only with a Standard Load Balancer)"
		}
		add(CodeAuthorizedRanges, Warn, msg,
			fmt.Sprintf("add the Azure ML control-plane ranges of %s and %s (service tag AzureMachineLearning) to the cluster's authorized IP ranges", ws, pair))
	}

	switch {
	case f.Private && f.PrivatePublicFQDN:
		add(CodePrivatePublicFQDN, Block, cluster+" is a private cluster with a public FQDN, which Azure ML does not support",
			"disable the public FQDN (az aks update --disable-public-fqdn) or attach another cluster")
	case f.Private:
		add(CodePrivate, Info, cluster+" is a private cluster: supported, and attaching is the only way to use one", "")
	}

	if f.LocalAccountsDisabled {
		add(CodeLocalAccounts, Block, cluster+" has local accounts disabled, which the legacy AKS compute cannot use (Trusted Access does not work with it)",
			"attach it as a Kubernetes compute (--compute-type Kubernetes), or enable local accounts (az aks update --enable-local-accounts)")
	}

	if cr, wr := normRegion(f.ClusterRegion), normRegion(f.WorkspaceRegion); cr != "" && wr != "" && cr != wr {
		if f.WorkspacePrivateEndpoint {
			add(CodePrivateEndpointRegion, Block, PrivateEndpointRegion(cluster, f.ClusterRegion, f.WorkspaceRegion),
				"pick a cluster in "+strings.TrimSpace(f.WorkspaceRegion)+", or a workspace without a private endpoint")
		} else {
			add(CodeOtherRegion, Info, fmt.Sprintf("%s is in %s and the workspace in %s: allowed", cluster, strings.TrimSpace(f.ClusterRegion), strings.TrimSpace(f.WorkspaceRegion)), "")
		}
	}

	for _, v := range CheckNetwork(Network{LoadBalancer: f.Network.LoadBalancer, LoadBalancerSubnet: f.Network.LoadBalancerSubnet}) {
		add(CodeNetwork, Block, v.Error(), "change "+v.Field+" in the load balancer answers")
	}
	for _, v := range CheckTLS(f.TLS, f.Network.Internal(), f.Now) {
		add(CodeTLS, Block, v.Error(), "change "+v.Field+" in the TLS answers")
	}
	return sortFindings(fs)
}

// PrivateEndpointRegion says why a cluster outside a private-endpoint
// workspace's region cannot serve it ("If your workspace has a private
// endpoint, the Azure Kubernetes Service cluster must be in the same Azure
// region as the workspace", azure-ai-docs
// how-to-secure-kubernetes-inferencing-environment.md).
func PrivateEndpointRegion(cluster, clusterRegion, workspaceRegion string) string {
	return fmt.Sprintf("the workspace has a private endpoint, so Azure ML needs its AKS cluster in the workspace's region (%s); %s is in %s",
		strings.TrimSpace(workspaceRegion), cluster, strings.TrimSpace(clusterRegion))
}

// TrustedAccessFine adjusts the findings of a cluster that Azure ML will
// reach through the workspace's Trusted Access role binding: authorized
// IP ranges no longer need the Azure ML control plane's ranges (their Warn
// goes), and a private cluster's public FQDN, which Learn calls
// unsupported and Azure/AML-Kubernetes docs/azureml-aks-ta-support.md
// lists as working through Trusted Access, is a Warn instead of a Block.
func TrustedAccessFine(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		switch f.Code {
		case CodeAuthorizedRanges:
			continue
		case CodePrivatePublicFQDN:
			if f.Severity == Block {
				f.Severity = Warn
				f.Message += " without Trusted Access; Azure ML's Trusted Access support lists it as working through the workspace's role binding"
			}
		}
		out = append(out, f)
	}
	return sortFindings(out)
}

// versionFindings judges the cluster's version against its region's list.
func versionFindings(version string, list []Version, region string) []Finding {
	v := trimV(version)
	if v == "" || len(list) == 0 {
		what := "the cluster's Kubernetes version is unknown"
		if v != "" {
			what = "the Kubernetes versions of " + region + " could not be read"
		}
		return []Finding{{Code: CodeVersionUnknown, Severity: Warn, Message: what + ": the attach fails if the version is not supported",
			Fix: "check with amlaks versions -l REGION"}}
	}
	st := CheckVersion(list, v)
	supported := strings.Join(SupportedMinors(list), ", ")
	if !st.Supported {
		msg := fmt.Sprintf("Kubernetes %s is not supported in %s; supported: %s", v, region, supported)
		if st.PatchUnlisted {
			for _, e := range list {
				if CompareVersions(e.Version, st.Minor) == 0 {
					msg = fmt.Sprintf("Kubernetes %s is not supported in %s: %s lists only the patches %s; supported: %s",
						v, region, st.Minor, strings.Join(e.PatchList(), ", "), supported)
					break
				}
			}
		}
		return []Finding{{Code: CodeVersionUnsupported, Severity: Block, Message: msg,
			Fix: "upgrade the cluster in AKS (az aks upgrade) to a supported version, then attach it"}}
	}
	var fs []Finding
	if st.Preview {
		fs = append(fs, Finding{Code: CodeVersionPreview, Severity: Warn,
			Message: fmt.Sprintf("Kubernetes %s is a preview in %s: no SLA", v, region),
			Fix:     "fine for trying out; use a generally available version for production traffic"})
	}
	if st.LTSOnly {
		fs = append(fs, Finding{Code: CodeVersionLTS, Severity: Warn,
			Message: fmt.Sprintf("Kubernetes %s is offered in %s only with AKS long-term support", v, region),
			Fix:     "the cluster needs the Premium tier with the long-term support plan, or an upgrade to a version under standard support"})
	}
	return fs
}

// poolFindings sums the agent pools and compares them with the purpose.
func poolFindings(p Purpose, pools []Pool) []Finding {
	var fs []Finding
	nodes, total := 0, 0
	var parts, unknown []string
	perNode := map[int]bool{}
	for _, pl := range pools {
		if pl.Count <= 0 {
			continue
		}
		nodes += pl.Count
		if pl.VCPUs <= 0 {
			unknown = append(unknown, fmt.Sprintf("%s (pool %s)", orDefault(pl.Size, "unknown size"), orDefault(pl.Name, "?")))
			perNode[0] = true
			continue
		}
		total += mulSat(pl.Count, pl.VCPUs)
		perNode[pl.VCPUs] = true
		parts = append(parts, fmt.Sprintf("%d × %d in %s", pl.Count, pl.VCPUs, orDefault(pl.Name, orDefault(pl.Size, "a pool"))))
	}
	if len(unknown) > 0 {
		fs = append(fs, Finding{Code: CodeSizeUnknown, Severity: Warn,
			Message: "the vCPUs of " + joinAnd(unknown) + " are unknown: they count as 0 vCPUs",
			Fix:     "check the node sizes in AKS"})
	}
	th := ThresholdFor(p)
	if th.Passes(nodes, total) {
		return fs
	}
	has := fmt.Sprintf("%s with %s (%s)", Plural(nodes, "node"), Plural(total, "vCPU"), strings.Join(parts, ", "))
	if len(perNode) == 1 && !perNode[0] {
		for per := range perNode {
			has = NodesTimesVCPUs(nodes, per)
		}
	}
	fix := "scale the cluster in AKS (more nodes or a bigger size)"
	if dt := ThresholdFor(DevTest); p != DevTest && dt.Passes(nodes, total) {
		fix = fmt.Sprintf("attach it as dev-test (it passes: %d ≥ %d vCPUs), or scale the cluster in AKS", total, dt.MinVCPUs)
	}
	return append(fs, Finding{Code: CodeBelowThreshold, Severity: Block, Message: thresholdMessage(p, th, nodes, has), Fix: fix})
}

// normRegion makes "East US" and "eastus" equal.
func normRegion(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}
