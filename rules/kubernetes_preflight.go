package rules

import (
	"fmt"
	"strings"
)

// KubernetesAttachment is a Kubernetes compute already on a cluster.
type KubernetesAttachment struct {
	Compute, Workspace, Namespace string
}

// KubernetesFacts is what the current path's preflight looks at besides
// the create and attach facts.
type KubernetesFacts struct {
	Cluster string // the AKS cluster's name
	Create  bool   // the cluster is created by this run

	// Providers maps namespace → registrationState (nil: unknown).
	Providers         map[string]string
	RegisterProviders bool // --register-providers: register them first

	Identity string // the cluster's: SystemAssigned, UserAssigned, ServicePrincipal ("" unknown)

	// The Azure ML extension on an existing cluster.
	ExtensionKnown   bool // it was looked up
	ExtensionPresent bool
	ExtensionState   string
	ExtensionVersion string
	ExtensionError   string
	InstallExtension bool // install or reinstall it when missing or failed

	Nodes    int
	RouterHA bool

	// A create's API server access.
	AuthorizedRanges []string
	WorkspaceRegion  string
	PairedRegions    []string

	// Computes already on the cluster in any workspace of the subscription.
	LegacyAttached     []string // AKS computes: "NAME in WORKSPACE"
	KubernetesAttached []KubernetesAttachment
	Workspace          string // this plan's workspace
	Namespace          string // this plan's namespace

	TLSOff        bool
	AllowInsecure bool

	// A create's node size and version.
	VMSize         string
	VCPUs          int
	MemoryGB       float64
	Version        string
	VersionPreview bool
	VersionDefault bool
	// VersionLTSOnly: the region offers Version only with long-term
	// support; PremiumTier: the plan makes the cluster a Premium tier one
	// on the AKSLongTermSupport plan; DefaultVersion is the region's.
	VersionLTSOnly bool
	PremiumTier    bool
	DefaultVersion string
	// PremiumPerHour is the Premium tier's price from Azure's price list
	// (0: it could not be read; the list price is said instead).
	PremiumPerHour float64

	// A create whose cluster already exists: made by amlaks (a re-run
	// continues) or not (Block).
	ClusterExists bool
	ClusterOurs   bool

	// Trusted Access: why Azure ML reaches the cluster only through a role
	// binding of the workspace (none: not needed), the cluster's bindings
	// when read (BindingsKnown), the one that already binds this workspace
	// ("" none) and the one amlaks would create.
	TrustedAccessNeeds []string
	BindingsKnown      bool
	Bindings           []string
	WorkspaceBinding   string
	NewBinding         string
	ClusterGroup       string // the cluster's resource group (for the fix)

	// ExtensionTrainingOnly: the installed extension has enableInference
	// off.
	ExtensionTrainingOnly bool
	// ExtensionName is the installed extension's name.
	ExtensionName string
	// ExtensionPurpose is the installed extension's clusterPurpose
	// (DevTest or FastProd; "" unknown); Purpose is the compute's.
	ExtensionPurpose Purpose
	Purpose          Purpose

	// Router is the inference router's service type: the one installed
	// with the extension, else the existing extension's
	// (LoadBalancer, NodePort, ClusterIP; "" unknown).
	Router string

	// A create's region when the workspace has a private endpoint.
	WorkspacePrivateEndpoint bool
	ClusterRegion            string
}

// KubernetesFindings applies the current path's preflight (issue 10):
// providers registered (Block with the fix); a cluster on a service
// principal (Block); the extension missing or failed without
// InstallExtension (Block: nothing is changed on a cluster unasked), or
// to be installed (Info); an extension for training only (Block, or Warn
// when InstallExtension adds inference); the HA router on fewer than 3
// nodes (Block, both fixes); a cluster Azure ML reaches only through
// Trusted Access (Info when the workspace's binding exists or will be
// made, Block when the cluster's bindings are all taken); a create's
// authorized IP ranges without Trusted Access and without the AML control
// plane of the workspace region and its pair (Warn naming both); a
// create outside a private-endpoint workspace's region (Block); a
// ClusterIP or NodePort router (Info: its URIs are internal); the cluster
// attached as an AKS compute anywhere (Block) or as a Kubernetes compute
// (Info, or Warn when the same workspace and namespace); no TLS (Warn:
// insecure connections); a create's node size (AKS minimum Block,
// extension recommendation Warn) and preview version (Warn).
func KubernetesFindings(f KubernetesFacts) []Finding {
	var fs []Finding
	add := func(code string, sev Severity, msg, fix string) {
		fs = append(fs, Finding{Code: code, Severity: sev, Message: msg, Fix: fix})
	}
	cluster := orDefault(f.Cluster, "the cluster")
	var missing []string
	for _, ns := range []string{"Microsoft.ContainerService", "Microsoft.KubernetesConfiguration"} {
		if st, ok := f.Providers[ns]; f.Providers != nil && (!ok || !strings.EqualFold(st, "Registered")) {
			missing = append(missing, ns)
		}
	}
	if len(missing) > 0 {
		what := joinAnd(missing)
		if f.RegisterProviders {
			add(CodeProviders, Info, fmt.Sprintf("the resource %s %s %s not registered in this subscription: amlaks registers %s first", plural(len(missing), "provider", "providers"), what, isAre(len(missing)), itThem(len(missing))), "")
		} else {
			var cmds []string
			for _, ns := range missing {
				cmds = append(cmds, "az provider register -n "+ns)
			}
			add(CodeProviders, Block, fmt.Sprintf("the resource %s %s %s not registered in this subscription", plural(len(missing), "provider", "providers"), what, isAre(len(missing))),
				"run the same command with --register-providers, or `"+strings.Join(cmds, " && ")+"`")
		}
	}
	if strings.EqualFold(f.Identity, "ServicePrincipal") {
		add(CodeServicePrincipal, Block, cluster+" runs on a service principal, not a managed identity: the Azure ML extension needs a managed identity",
			"move it to a managed identity (az aks update --enable-managed-identity -g RG -n "+cluster+") or pick another cluster")
	}
	if f.ExtensionKnown && !f.Create {
		switch {
		case !f.ExtensionPresent && f.InstallExtension:
			add(CodeExtensionMissing, Info, "the Azure ML extension is not installed on "+cluster+": it will be installed, then the cluster attached", "")
		case !f.ExtensionPresent:
			add(CodeExtensionMissing, Block, "the Azure ML extension is not installed on "+cluster,
				"add --install-extension to install it (amlaks changes nothing on your cluster unasked)")
		case strings.EqualFold(f.ExtensionState, "Failed") && f.InstallExtension:
			add(CodeExtensionFailed, Warn, "the Azure ML extension on "+cluster+" failed"+errSuffix(f.ExtensionError)+": it will be reinstalled", "")
		case strings.EqualFold(f.ExtensionState, "Failed"):
			add(CodeExtensionFailed, Block, "the Azure ML extension on "+cluster+" failed"+errSuffix(f.ExtensionError),
				"add --install-extension to reinstall it")
		case strings.EqualFold(f.ExtensionState, "Succeeded") && f.ExtensionTrainingOnly && f.InstallExtension:
			how := "a PATCH of its settings; its protected settings are left as they are"
			if !f.TLSOff {
				how = "a PATCH of its settings with the certificate and key given here: a patch with protected settings replaces them all, so any other protected setting of it is deleted"
			}
			add(CodeTrainingOnly, Warn, fmt.Sprintf("the Azure ML extension %s on %s is installed for training only (enableInference=False): amlaks adds inference to it (%s)",
				orDefault(f.ExtensionName, "azureml"), cluster, how), "")
		case strings.EqualFold(f.ExtensionState, "Succeeded") && f.ExtensionTrainingOnly:
			add(CodeTrainingOnly, Block, fmt.Sprintf("the Azure ML extension %s on %s is installed for training only (enableInference=False): every online deployment on it would fail",
				orDefault(f.ExtensionName, "azureml"), cluster),
				"add --install-extension to add inference to it (amlaks changes nothing on your cluster unasked)")
		case strings.EqualFold(f.ExtensionState, "Succeeded"):
			add(CodeExtensionInstalled, Info, fmt.Sprintf("the Azure ML extension %s is installed on %s (Succeeded)", f.ExtensionVersion, cluster), "")
		default:
			add(CodeExtensionInstalled, Info, fmt.Sprintf("the Azure ML extension on %s is %s: amlaks waits for it", cluster, orDefault(f.ExtensionState, "in progress")), "")
		}
	}
	installing := f.Create || f.InstallExtension && (!f.ExtensionPresent || strings.EqualFold(f.ExtensionState, "Failed") ||
		f.ExtensionTrainingOnly && strings.EqualFold(f.ExtensionState, "Succeeded"))
	if !installing && f.ExtensionKnown && f.ExtensionPresent && strings.EqualFold(f.ExtensionState, "Succeeded") && !f.ExtensionTrainingOnly &&
		f.Purpose == Production && f.ExtensionPurpose == DevTest {
		add(CodeExtensionPurpose, Block, fmt.Sprintf("the Azure ML extension on %s runs with clusterPurpose DevTest (%s): it was set at its install, for every compute on the cluster, "+
			"so a production compute on it would get the dev-test inference router (one replica, no high availability)", cluster, Plural(f.Nodes, "node")),
			"make this compute dev-test, or give it a new cluster of its own for production")
	}
	if installing && f.RouterHA && f.Nodes > 0 && f.Nodes < RouterHAMinimumNodes {
		add(CodeRouterHA, Block, fmt.Sprintf("the high-availability inference router needs 3 nodes and %s has %d", cluster, f.Nodes),
			"use 3 nodes or more, or turn HA off (--router-ha=false; not for production)")
	}
	fs = append(fs, trustedAccessFindings(f, cluster)...)
	if f.Create && f.WorkspacePrivateEndpoint {
		if cr, wr := normRegion(f.ClusterRegion), normRegion(f.WorkspaceRegion); cr != "" && wr != "" && cr != wr {
			add(CodePrivateEndpointRegion, Block, PrivateEndpointRegion(cluster, f.ClusterRegion, f.WorkspaceRegion),
				"create the cluster in "+strings.TrimSpace(f.WorkspaceRegion)+" (--region "+wr+")")
		}
	}
	switch {
	case strings.EqualFold(f.Router, "ClusterIP"):
		add(CodeRouterReach, Info, "with a ClusterIP router the scoring URIs (http://<cluster IP>/api/v1/endpoint/…/score) are reachable only from inside the cluster: "+
			"invoking an endpoint from outside, or the studio's Test, times out",
			"put your own ingress (and TLS) in front of azureml-fe, or use a LoadBalancer router")
	case strings.EqualFold(f.Router, "NodePort"):
		add(CodeRouterReach, Info, "with a NodePort router the scoring URIs are reachable only at the nodes' addresses, from networks that reach the nodes: "+
			"there is no load balancer in front of them",
			"put your own load balancer, ingress and TLS in front of the node port, or use a LoadBalancer router")
	}
	if f.Create && len(f.AuthorizedRanges) > 0 && len(f.TrustedAccessNeeds) == 0 {
		pair := "its paired region"
		if len(f.PairedRegions) > 0 {
			pair = joinAnd(f.PairedRegions)
		}
		add(CodeAuthorizedRanges, Warn, fmt.Sprintf("the API server will accept calls only from %s: Azure ML must reach it from its control plane in %s and %s",
			joinAnd(f.AuthorizedRanges), orDefault(f.WorkspaceRegion, "the workspace region"), pair),
			fmt.Sprintf("add the Azure ML control-plane ranges of %s and %s (service tag AzureMachineLearning) to --authorized-ip-ranges", orDefault(f.WorkspaceRegion, "the workspace region"), pair))
	}
	if len(f.LegacyAttached) > 0 {
		add(CodeAttachedLegacy, Block, cluster+" is attached as an AKS (v1) compute: "+joinAnd(f.LegacyAttached),
			"detach it first (amlaks detach) and remove the v1 azureml-fe leftovers: the extension cannot run beside them")
	}
	for _, a := range f.KubernetesAttached {
		where := a.Compute + " in " + a.Workspace
		if strings.EqualFold(a.Workspace, f.Workspace) && a.Namespace == f.Namespace {
			add(CodeAttachedKubernetes, Warn, fmt.Sprintf("%s is already attached as %s, in namespace %s too: both computes would share it", cluster, where, orDefault(a.Namespace, "default")),
				"give another --namespace to keep the workloads apart")
			continue
		}
		add(CodeAttachedKubernetes, Info, fmt.Sprintf("%s is also attached as %s (namespace %s): allowed, one cluster may serve several workspaces", cluster, where, orDefault(a.Namespace, "default")), "")
	}
	if (f.Create || installing) && f.TLSOff && f.AllowInsecure {
		add(CodeInsecure, Warn, "scoring requests go over plain HTTP: allowInsecureConnections is set because no TLS certificate is given",
			"give your own certificate (--ssl-cert-file, --ssl-key-file, --ssl-cname) for production")
	}
	if f.Create {
		fs = append(fs, NodeSize(f.VMSize, f.VCPUs, f.MemoryGB)...)
		other := "pick a version under standard support"
		if f.DefaultVersion != "" {
			other += " (the region's default is " + f.DefaultVersion + ")"
		}
		switch {
		case f.VersionLTSOnly && !f.PremiumTier:
			add(CodeVersionLTS, Block, "Kubernetes "+f.Version+" is offered here only with long-term support, and the cluster would not be in the Premium tier: AKS refuses it (K8sVersionNotSupported)",
				other+", or choose the version again")
		case f.VersionLTSOnly:
			price, source := f.PremiumPerHour, "Azure's price list"
			if !(price > 0) {
				price, source = PremiumTierPerHour, "the list price: Azure's price list could not be read"
			}
			add(CodeVersionLTS, Warn, fmt.Sprintf("Kubernetes %s is LTS only (Premium tier): the cluster is created in AKS's Premium tier with the AKSLongTermSupport plan, "+
				"which costs %s per hour for the cluster (%s a month, %s) on top of its nodes; an LTS-only version is older than the three the Azure ML extension supports",
				f.Version, hourly(price), Dollars(price*HoursPerMonth), source), other+" to stay on the Free tier")
		case f.VersionPreview:
			add(CodeVersionPreview, Warn, "Kubernetes "+f.Version+" is a preview in this region: no SLA", "pick the region's default for production")
		case f.Version != "":
			d := ""
			if f.VersionDefault {
				d = ", the region's default"
			}
			add(CodeVersionUsed, Info, "the cluster will run Kubernetes "+f.Version+d, "")
		}
		if f.ClusterExists && f.ClusterOurs {
			add(CodeClusterExists, Info, cluster+" already exists and amlaks created it: a re-run continues from the first unfinished phase", "")
		} else if f.ClusterExists {
			add(CodeClusterExists, Block, cluster+" already exists and amlaks did not create it",
				"pick another --cluster, or attach it: amlaks attach --cluster "+cluster)
		}
	}
	return SortFindings(fs)
}

// MaxTrustedAccessBindings is AKS's limit of Trusted Access role bindings
// per cluster, all services together ("You can create up to 8 Trusted
// Access role bindings in an AKS cluster", azure-aks-docs
// trusted-access-feature.md).
const MaxTrustedAccessBindings = 8

// trustedAccessFindings: a cluster Azure ML reaches only through Trusted
// Access is fine when the workspace's binding exists or will be made
// (Info), and blocked when its 8 bindings are all taken by others.
func trustedAccessFindings(f KubernetesFacts, cluster string) []Finding {
	if len(f.TrustedAccessNeeds) == 0 {
		return nil
	}
	why := joinAnd(f.TrustedAccessNeeds)
	ws := orDefault(f.Workspace, "the workspace")
	switch {
	case f.WorkspaceBinding != "":
		return []Finding{{Code: CodeTrustedAccess, Severity: Info, Message: fmt.Sprintf(
			"%s has %s: Azure ML reaches it through Trusted Access role binding %s of %s, which exists", cluster, why, f.WorkspaceBinding, ws)}}
	case f.BindingsKnown && len(f.Bindings) >= MaxTrustedAccessBindings:
		return []Finding{{Code: CodeTrustedAccess, Severity: Block, Message: fmt.Sprintf(
			"%s has %s, so Azure ML reaches it only through a Trusted Access role binding of %s, and it already has the %d bindings AKS allows: %s",
			cluster, why, ws, MaxTrustedAccessBindings, joinAnd(f.Bindings)),
			Fix: "delete one it no longer needs (az aks trustedaccess rolebinding delete --cluster-name " + cluster + " --resource-group " +
				orDefault(f.ClusterGroup, "RG") + " --name NAME), then run again"}}
	}
	return []Finding{{Code: CodeTrustedAccess, Severity: Info, Message: fmt.Sprintf(
		"%s has %s: amlaks creates Trusted Access role binding %s (role Microsoft.MachineLearningServices/workspaces/mlworkload) for %s before the attach, so Azure ML can reach its API server",
		cluster, why, orDefault(f.NewBinding, "aml-…"), ws)}}
}

// TrustedAccessOK reports whether the facts leave a Trusted Access
// cluster usable: the binding exists or will be made.
func TrustedAccessOK(f KubernetesFacts) bool {
	for _, x := range trustedAccessFindings(f, "") {
		if x.Severity == Block {
			return false
		}
	}
	return len(f.TrustedAccessNeeds) > 0
}

// SortFindings orders findings Block, Warn, Info (stable).
func SortFindings(fs []Finding) []Finding { return sortFindings(fs) }

func errSuffix(e string) string {
	if e == "" {
		return ""
	}
	return " (" + e + ")"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func isAre(n int) string { return plural(n, "is", "are") }

func itThem(n int) string { return plural(n, "it", "them") }
