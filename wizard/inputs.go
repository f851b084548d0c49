package wizard

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/amlaks/amlaks/rules"
)

// Lookup names the Azure lookup that completes a field's value in a shell.
type Lookup string

// Lookups: the regions, the VM sizes and the Kubernetes versions of the
// region typed (else the workspace's), the AKS clusters of the subscription
// (their names, groups or IDs, as the flag takes).
const (
	LookupRegions, LookupSizes, LookupVersions Lookup = "regions", "vm-sizes", "kubernetes-versions"
	LookupClusters                             Lookup = "clusters"
)

// Choice is one value of a field that takes one of a few: the same words
// in the wizard, the accessible prompt, --help and the shell's completion.
type Choice struct {
	Value string // as typed after the flag
	Label string // the wizard's name for it
	Help  string // one line about it
}

// Input is one row of the field table: a flag's whole life, from its
// declaration to the plan it fills.
type Input struct {
	Flag  string // long name
	Short string
	// Aliases are az's names for the flag, accepted silently.
	Aliases []string
	// Field is the plan field it answers ("" for a command option such as
	// --yes).
	Field Field
	Help  string
	// Choices are the values of a field that takes one of a few.
	Choices []Choice
	// Default is the flag's default as --help shows it.
	Default string
	Bool    bool
	// Many: the flag may be given several times (each value is kept).
	Many bool
	// Commands declare the flag ("amlaks" is the root, the wizard).
	Commands []string
	// Types are the compute types the flag is for (nil: both); Instead
	// says what the other type uses instead, for the message when the flag
	// is given with it.
	Types   []ComputeType
	Instead string
	// Files are the extensions of a flag whose value is a file; Lookup an
	// Azure lookup that completes it. Neither: no completion, and never
	// file names.
	Files  []string
	Lookup Lookup
	// Fill puts the given flags of the row into the plan and says what is
	// wrong with them whatever Azure says. It runs once per command for
	// each row that applies to the plan's compute type, whether or not the
	// flag was given (rows of one group fill in the first row).
	Fill func(p *Plan, g Given) []rules.Violation
}

// Given are the flags given on a command line, by long name, as typed
// (a boolean is "true" or "false"; a flag given several times, each value).
type Given map[string][]string

// Has reports whether the flag was given.
func (g Given) Has(name string) bool { _, ok := g[name]; return ok }

// Get is the flag's value (the last, when given several times; "" when not
// given).
func (g Given) Get(name string) string {
	if vs := g[name]; len(vs) > 0 {
		return vs[len(vs)-1]
	}
	return ""
}

// Usage is the flag's --help text: its help and, for a choice, its values
// with their labels.
func (in Input) Usage() string {
	if len(in.Choices) == 0 {
		return in.Help
	}
	vals := make([]string, len(in.Choices))
	for i, c := range in.Choices {
		vals[i] = c.Value + ": " + c.Label
	}
	return in.Help + " — " + strings.Join(vals, "; ")
}

// For reports whether the flag applies to compute type t.
func (in Input) For(t ComputeType) bool { return in.Types == nil || slices.Contains(in.Types, t) }

var (
	submitCmds = []string{"create", "attach"}
	createCmd  = []string{"create"}
	attachCmd  = []string{"attach"}
	k8sTypes   = []ComputeType{ComputeKubernetes}
	aksTypes   = []ComputeType{ComputeAKS}
)

// What a Kubernetes compute uses instead of a legacy flag.
const (
	insteadTLS     = "takes your own certificate (--ssl-cert-file, --ssl-key-file, --ssl-cname) or --allow-insecure-connections"
	insteadLB      = "sets its inference router with --router (internal: an internal load balancer)"
	insteadNetwork = "gets its network from AKS (create the cluster in your VNet with az aks create, then attach it)"
	insteadNoWait  = "runs phase by phase: stop with Ctrl+C, then `amlaks status NAME` continues it"
)

// The choices of the fields that take one of a few.
var (
	ComputeTypeChoices = []Choice{
		{string(ComputeKubernetes), "Kubernetes compute (current, recommended)", "an AKS cluster created in AKS, the Azure ML extension installed on it, attached as computeType Kubernetes: what azure-ai-ml (SDK v2), CLI v2 and the studio deploy to"},
		{string(ComputeAKS), "AKS compute (legacy v1, as in the 2020 article)", Legacy},
	}
	// how long a create or attach takes depends on the compute type and
	// the steps: the review says it, from the figures the progress uses
	ModeChoices = []Choice{
		{string(ModeCreate), "Create new", "create a new AKS inference cluster from the workspace"},
		{string(ModeAttach), "Attach existing", "attach an AKS cluster of the subscription to the workspace"},
		{string(ModeBrowse), "Browse versions", "see which Kubernetes versions a region offers"},
		{string(ModeList), "List computes", "the workspace's compute targets: follow a running operation, detach an AKS or Kubernetes compute"},
	}
	PurposeChoices = []Choice{
		{"production", "Production", "for production traffic: at least 12 vCPUs and 3 nodes in total (FastProd)"},
		{"dev-test", "Dev-test", "for trying things out: 2 vCPUs and 1 node are enough; not for production traffic, may slow inference, no fault tolerance (DevTest)"},
	}
	APIAccessChoices = []Choice{
		{string(APIPublic), "Public", "the API server has a public endpoint"},
		{string(APIAuthorized), "Authorized IP ranges", "public, limited to the IP ranges you give (add Azure ML's ranges of the workspace region and its pair)"},
		{string(APIPrivate), "Private", "no public endpoint: reached from the cluster's VNet only"},
	}
	RouterChoices = []Choice{
		{string(RouterLoadBalancer), "Public LB", "a LoadBalancer service with a public IP"},
		{string(RouterInternal), "Internal LB", "a LoadBalancer service on an internal load balancer in the cluster's VNet"},
		{string(RouterNodePort), "NodePort", "a NodePort service: a port on every node"},
		{string(RouterClusterIP), "ClusterIP", "a ClusterIP service: reached from inside the cluster only"},
	}
	RouterHAChoices = []Choice{
		{"true", "On (3+ nodes)", "the router runs highly available: needs 3 nodes or more"},
		{"false", "Off", "a single router"},
	}
	IdentityChoices = []Choice{
		{"system", "System-assigned", "a system-assigned managed identity (the default)"},
		{"user", "User-assigned", "a user-assigned identity: give its resource ID (it needs Reader, Kubernetes Extension Contributor and AKS Cluster Admin on the cluster)"},
	}
	LoadBalancerChoices = []Choice{
		{"public", "Public IP", "a public IP (the default)"},
		{"internal", "Internal", "an internal load balancer in your VNet (no public IP: needs --load-balancer-subnet; with TLS, your own certificate)"},
	}
	NetworkChoices = []Choice{
		{"basic", "Basic (AML-managed)", "the network Azure ML manages"},
		{"custom", "Custom VNet", "your own VNet and subnet (six fields)"},
	}
	TLSChoices = []Choice{
		{"off", "Off", "plain HTTP scoring"},
		{"microsoft", "Microsoft certificate", "a certificate Microsoft issues for a leaf domain label (legacy AKS compute only)"},
		{"own", "Your own certificate", "your PEM certificate and key files, and the CNAME they are for"},
	}
)

// inputs is the field table: every flag of create, attach and the wizard,
// in the order they fill the plan (the compute type first: what applies
// depends on it).
var inputs = []Input{
	{Flag: "compute-type", Field: FComputeType, Commands: []string{"amlaks", "create", "attach"}, Choices: ComputeTypeChoices, Default: string(ComputeKubernetes),
		Help: "the compute target's type", Fill: fill("compute-type", FComputeType, ParseComputeType, func(p *Plan) *ComputeType { return &p.ComputeType })},
	{Flag: "name", Short: "n", Field: FName, Commands: submitCmds,
		Help: "compute name: 3-24 letters, digits and -, starting with a letter",
		Fill: fill("name", FName, trimmed, func(p *Plan) *string { return &p.Name })},
	{Flag: "purpose", Aliases: []string{"cluster-purpose"}, Field: FPurpose, Commands: submitCmds, Choices: PurposeChoices,
		Help: "what the cluster is for (also prod, FastProd, devtest, DevTest)", Fill: fill("purpose", FPurpose, rules.ParsePurpose, func(p *Plan) *rules.Purpose { return &p.Purpose })},
	{Flag: "description", Field: FDescription, Commands: submitCmds, Help: "description of the compute",
		Fill: fill("description", FDescription, asTyped, func(p *Plan) *string { return &p.Description })},
	{Flag: "region", Short: "l", Aliases: []string{"location"}, Field: FRegion, Commands: []string{"create", "versions", "sizes"}, Lookup: LookupRegions,
		Help: "region, e.g. eastus (create: the cluster's region, by default the workspace's)",
		Fill: fill("region", FRegion, asTyped, func(p *Plan) *string { return &p.Region })},
	{Flag: "kubernetes-version", Field: FKubernetesVer, Commands: createCmd, Types: k8sTypes, Lookup: LookupVersions,
		Help: "the cluster's Kubernetes version (default: the region's; see amlaks versions)",
		Fill: fill("kubernetes-version", FKubernetesVer, func(s string) (string, error) { return strings.TrimPrefix(strings.TrimSpace(s), "v"), nil },
			func(p *Plan) *string { return &p.KubernetesVersion })},
	{Flag: "vm-size", Aliases: []string{"size", "agent-vm-size", "node-vm-size"}, Field: FVMSize, Commands: createCmd, Lookup: LookupSizes, Default: "Standard_D3_v2",
		Help: "VM size of the nodes (cannot be changed later)",
		Fill: fill("vm-size", FVMSize, asTyped, func(p *Plan) *string { return &p.VMSize })},
	{Flag: "nodes", Aliases: []string{"agent-count", "node-count"}, Field: FNodes, Commands: createCmd, Default: "3",
		Help: fmt.Sprintf("number of nodes (1 to %d, the AKS limit per node pool)", rules.MaxNodesPerPool), Fill: fillNodes},
	{Flag: "cluster", Aliases: []string{"cluster-name"}, Field: FNewCluster, Commands: submitCmds, Lookup: LookupClusters,
		Help: "the AKS cluster: create (Kubernetes compute): the name of the one to make (default: the compute's name); attach: its name or resource ID",
		Fill: fillCluster},
	{Flag: "cluster-resource-group", Field: FNewCluster, Commands: submitCmds, Lookup: LookupClusters,
		Help: "resource group of the AKS cluster (create default: the workspace's)"},
	{Flag: "cluster-id", Aliases: []string{"compute-resource-id", "resource-id"}, Field: FCluster, Commands: attachCmd, Lookup: LookupClusters,
		Help: "resource ID of the AKS cluster"},
	{Flag: "api-access", Field: FAPIAccess, Commands: createCmd, Types: k8sTypes, Choices: APIAccessChoices,
		Help: "API server access", Fill: fillAPIAccess},
	{Flag: "authorized-ip-ranges", Field: FAPIAccess, Commands: createCmd, Types: k8sTypes,
		Help: "comma-separated IPv4 ranges for --api-access authorized"},
	{Flag: "install-extension", Field: FInstallExtension, Commands: attachCmd, Types: k8sTypes, Bool: true, Default: "false",
		Help: "install the Azure ML extension when it is missing, reinstall a failed one, or add inference to a training-only one",
		Fill: func(p *Plan, g Given) []rules.Violation {
			p.InstallExtension = g.Get("install-extension") == "true"
			if g.Has("install-extension") {
				p.Mark(FInstallExtension, Flag)
			}
			return nil
		}},
	{Flag: "vnet", Aliases: []string{"vnet-name"}, Field: FNetwork, Commands: createCmd, Types: aksTypes, Instead: insteadNetwork,
		Help: "custom VNet: virtual network name"},
	{Flag: "vnet-resource-group", Aliases: []string{"vnet-resourcegroup-name"}, Field: FNetwork, Commands: createCmd, Types: aksTypes, Instead: insteadNetwork,
		Help: "custom VNet: resource group of the virtual network"},
	{Flag: "subnet", Aliases: []string{"subnet-name"}, Field: FNetwork, Commands: createCmd, Types: aksTypes, Instead: insteadNetwork,
		Help: "custom VNet: subnet name"},
	{Flag: "service-cidr", Field: FNetwork, Commands: createCmd, Types: aksTypes, Instead: insteadNetwork,
		Help: "custom VNet: Kubernetes service address range, e.g. 10.0.0.0/16"},
	{Flag: "dns-service-ip", Field: FNetwork, Commands: createCmd, Types: aksTypes, Instead: insteadNetwork,
		Help: "custom VNet: DNS service IP inside the service range, e.g. 10.0.0.10"},
	{Flag: "docker-bridge-cidr", Field: FNetwork, Commands: createCmd, Types: aksTypes, Instead: insteadNetwork,
		Help: "custom VNet: Docker bridge address, e.g. 172.17.0.1/16"},
	{Flag: "load-balancer", Aliases: []string{"load-balancer-type"}, Field: FNetwork, Commands: submitCmds, Types: aksTypes, Instead: insteadLB,
		Choices: LoadBalancerChoices, Help: "how scoring requests reach the cluster (also PublicIp, InternalLoadBalancer)", Fill: fillNetwork},
	{Flag: "load-balancer-subnet", Field: FNetwork, Commands: submitCmds, Types: aksTypes, Instead: insteadLB,
		Help: "subnet of the internal load balancer (attach: a subnet of the cluster's VNet)"},
	{Flag: "router", Field: FRouter, Commands: submitCmds, Types: k8sTypes, Choices: RouterChoices,
		Help: "the inference router's service", Fill: fillRouter},
	{Flag: "router-ha", Field: FRouterHA, Commands: submitCmds, Types: k8sTypes, Bool: true, Default: "true",
		Help: "run the inference router highly available (needs 3 nodes; default: on from 3 nodes)"},
	{Flag: "ssl-cert-file", Field: FTLS, Commands: submitCmds, Files: []string{"pem", "crt"},
		Help: "TLS with your own certificate: PEM certificate file", Fill: fillTLS},
	{Flag: "ssl-key-file", Field: FTLS, Commands: submitCmds, Files: []string{"pem", "key"},
		Help: "PEM private key file of the certificate"},
	{Flag: "ssl-cname", Field: FTLS, Commands: submitCmds, Help: "CNAME the certificate is for"},
	{Flag: "ssl-leaf-domain-label", Field: FTLS, Commands: submitCmds, Types: aksTypes, Instead: insteadTLS,
		Help: "TLS with a Microsoft certificate for this leaf domain label"},
	{Flag: "ssl-overwrite-domain", Aliases: []string{"ssl-overwrite-existing-domain"}, Field: FTLS, Commands: submitCmds, Types: aksTypes, Instead: insteadTLS,
		Bool: true, Default: "false", Help: "overwrite an existing domain with the same leaf label"},
	{Flag: "allow-insecure-connections", Field: FAllowInsecure, Commands: submitCmds, Types: k8sTypes, Bool: true, Default: "false",
		Help: "allow plain HTTP scoring (required without your own TLS certificate)",
		Fill: fill("allow-insecure-connections", FAllowInsecure, strconv.ParseBool, func(p *Plan) *bool { return &p.AllowInsecure })},
	{Flag: "namespace", Field: FNamespace, Commands: submitCmds, Types: k8sTypes, Default: "default",
		Help: "the namespace the compute runs in (must exist in the cluster)",
		Fill: fill("namespace", FNamespace, trimmed, func(p *Plan) *string { return &p.Namespace })},
	{Flag: "identity", Field: FIdentity, Commands: submitCmds, Types: k8sTypes, Default: "system",
		Choices: IdentityChoices[:1], // or the ID itself
		Help:    "the compute's managed identity (or a user-assigned identity's resource ID)", Fill: fillIdentity},
	{Flag: "register-providers", Commands: submitCmds, Types: k8sTypes, Bool: true, Default: "false",
		Help: "register Microsoft.ContainerService and Microsoft.KubernetesConfiguration when they are not",
		Fill: func(p *Plan, g Given) []rules.Violation {
			p.RegisterProviders = g.Get("register-providers") == "true"
			return nil
		}},
	{Flag: "instance-type", Commands: submitCmds, Types: k8sTypes, Many: true,
		Help: "an instance type to create after the attach, NAME=CPU,MEMORY[,GPU] (e.g. cpu-2=2,4Gi; repeatable; default: sized to the nodes)",
		Fill: fillInstanceTypes},
	{Flag: "no-instance-types", Commands: submitCmds, Types: k8sTypes, Bool: true, Default: "false",
		Help: "create no instance types (deployments then get defaultinstancetype: 0.1 CPU / 2 GiB)"},
	{Flag: "yes", Short: "y", Commands: submitCmds, Bool: true, Default: "false", Help: "no prompts: fail on missing answers instead of asking"},
	{Flag: "dry-run", Commands: submitCmds, Bool: true, Default: "false", Help: "resolve and preflight only: print findings, REST body and az command"},
	{Flag: "no-wait", Commands: submitCmds, Types: aksTypes, Instead: insteadNoWait, Bool: true, Default: "false",
		Help: "return once Azure accepted the request"},
}

// Inputs returns the rows of the flags command declares, in the table's
// order ("" for every row).
func Inputs(command string) []Input {
	var out []Input
	for _, in := range inputs {
		if command == "" || slices.Contains(in.Commands, command) {
			out = append(out, in)
		}
	}
	return out
}

// InputOf returns the row of a flag.
func InputOf(flag string) (Input, bool) {
	for _, in := range inputs {
		if in.Flag == flag {
			return in, true
		}
	}
	return Input{}, false
}

// Aliases maps az's flag names to the table's.
func Aliases() map[string]string {
	out := map[string]string{}
	for _, in := range inputs {
		for _, a := range in.Aliases {
			out[a] = in.Flag
		}
	}
	return out
}

// FillFlags puts the flags given to command into the plan, row by row, and
// returns what is wrong with them whatever Azure says: values that do not
// parse, and flags for the other compute type.
func FillFlags(p *Plan, command string, g Given) []rules.Violation {
	var vs []rules.Violation
	for _, in := range Inputs(command) {
		if in.For(p.Variant().Type) {
			if in.Fill == nil {
				continue
			}
			fvs := in.Fill(p, g)
			if len(fvs) > 0 && in.Field == FComputeType {
				return fvs // what applies depends on it
			}
			vs = append(vs, fvs...)
			continue
		}
		if g.Has(in.Flag) {
			vs = append(vs, otherType(in, p.Variant().Type))
		}
	}
	return vs
}

// otherType is the message of a flag given for the compute type it is not
// for.
func otherType(in Input, t ComputeType) rules.Violation {
	if t == ComputeAKS {
		return rules.Violation{Field: in.Flag, Code: "kubernetes-only", Message: "is for Kubernetes computes: drop it, or use --compute-type Kubernetes"}
	}
	return rules.Violation{Field: in.Flag, Code: "aks-only", Message: "is for the legacy AKS compute (--compute-type AKS); a Kubernetes compute " + in.Instead}
}

// fill is the Fill of a flag that sets one plan field through its parser
// (the field marked given by a flag; a value that does not parse leaves
// the plan as it was and says why).
func fill[T any](flag string, f Field, parse func(string) (T, error), dst func(p *Plan) *T) func(p *Plan, g Given) []rules.Violation {
	return func(p *Plan, g Given) []rules.Violation {
		if !g.Has(flag) {
			return nil
		}
		v, err := parse(g.Get(flag))
		if err != nil {
			return []rules.Violation{asViolation(err, flag)}
		}
		*dst(p) = v
		p.Mark(f, Flag)
		return nil
	}
}

func trimmed(s string) (string, error) { return strings.TrimSpace(s), nil }
func asTyped(s string) (string, error) { return s, nil }

// fillNodes parses the count as int64 and checks its range before it
// becomes an int: 4294967299 is refused, not cut to 3.
func fillNodes(p *Plan, g Given) []rules.Violation {
	if !g.Has("nodes") {
		return nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(g.Get("nodes")), 10, 64)
	switch {
	case err != nil:
		return []rules.Violation{{Field: "nodes", Code: "nodes-invalid", Message: fmt.Sprintf("must be a whole number from 1 to %d (got %q)", rules.MaxNodesPerPool, g.Get("nodes"))}}
	case len(rules.CheckNodeCount(n)) > 0:
		return rules.CheckNodeCount(n)
	}
	p.Nodes = int(n)
	p.Mark(FNodes, Flag)
	return nil
}

// fillCluster: create names the cluster a Kubernetes create makes; attach
// names the cluster to attach, by name or resource ID.
func fillCluster(p *Plan, g Given) []rules.Violation {
	cluster, rg := strings.TrimSpace(g.Get("cluster")), strings.TrimSpace(g.Get("cluster-resource-group"))
	if p.Mode == ModeCreate {
		if !p.Kubernetes() {
			var vs []rules.Violation
			for _, n := range []string{"cluster", "cluster-resource-group"} {
				if g.Has(n) {
					vs = append(vs, rules.Violation{Field: n, Code: "kubernetes-only", Message: "names the AKS cluster a Kubernetes create makes; the legacy AKS compute gets one from AML"})
				}
			}
			return vs
		}
		if g.Has("cluster") || g.Has("cluster-resource-group") {
			p.ClusterName, p.ClusterGroup = cluster, rg
			p.Mark(FNewCluster, Flag)
		}
		return nil
	}
	id := g.Get("cluster-id")
	if strings.HasPrefix(strings.ToLower(strings.TrimPrefix(cluster, "/")), "subscriptions/") || strings.Contains(strings.ToLower(cluster), "/managedclusters/") {
		// --cluster takes a resource ID as well
		if id == "" {
			id, cluster = cluster, ""
		}
	}
	switch {
	case id != "" && cluster != "":
		return []rules.Violation{{Field: "cluster-id", Code: "both", Message: "give --cluster-id or --cluster, not both"}}
	case id != "":
		p.ClusterID = strings.TrimSpace(id)
		p.Mark(FCluster, Flag)
		if _, err := rules.ParseClusterID(id); err != nil {
			return []rules.Violation{asViolation(err, "cluster-id")}
		}
	case cluster != "":
		p.ClusterName, p.ClusterGroup = cluster, rg
		p.Mark(FCluster, Flag)
	case rg != "":
		return []rules.Violation{{Field: "cluster", Code: "missing", Message: "missing: --cluster-resource-group needs --cluster NAME"}}
	}
	return nil
}

func fillAPIAccess(p *Plan, g Given) []rules.Violation {
	if !g.Has("api-access") && !g.Has("authorized-ip-ranges") {
		return nil
	}
	var vs []rules.Violation
	acc, err := ParseAPIAccess(g.Get("api-access"))
	if err != nil && g.Has("api-access") {
		vs = append(vs, asViolation(err, "api-access"))
	}
	p.APIAccess = acc
	if g.Has("authorized-ip-ranges") {
		if !g.Has("api-access") {
			p.APIAccess = APIAuthorized
		}
		rs, rvs := rules.ParseIPRanges(g.Get("authorized-ip-ranges"))
		vs = append(vs, rvs...)
		p.AuthorizedRanges = rs
	}
	p.Mark(FAPIAccess, Flag)
	return vs
}

// fillNetwork: the legacy compute's networking; an attach chooses only
// the load balancer.
func fillNetwork(p *Plan, g Given) []rules.Violation {
	if p.Mode == ModeCreate {
		p.Network = rules.Network{VNetResourceGroup: g.Get("vnet-resource-group"), VNet: g.Get("vnet"), Subnet: g.Get("subnet"), ServiceCIDR: g.Get("service-cidr"),
			DNSServiceIP: g.Get("dns-service-ip"), DockerBridgeCIDR: g.Get("docker-bridge-cidr")}
	}
	p.Network.LoadBalancerSubnet = g.Get("load-balancer-subnet")
	vs := setLoadBalancer(p, g.Get("load-balancer"))
	if p.Network.Custom() || g.Has("load-balancer") || g.Has("load-balancer-subnet") {
		p.Mark(FNetwork, Flag)
	}
	return vs
}

// setLoadBalancer: public (the default; also PublicIp) or internal (also
// InternalLoadBalancer).
func setLoadBalancer(p *Plan, lb string) []rules.Violation {
	switch strings.ToLower(strings.TrimSpace(lb)) {
	case "", "public", "publicip":
		p.Network.LoadBalancer = rules.PublicIP
	case "internal", "internalloadbalancer":
		p.Network.LoadBalancer = rules.InternalLoadBalancer
	default:
		return []rules.Violation{{Field: "load-balancer", Code: "bad", Message: fmt.Sprintf("must be public or internal (got %q)", lb)}}
	}
	return nil
}

func fillRouter(p *Plan, g Given) []rules.Violation {
	var vs []rules.Violation
	if g.Has("router") {
		r, err := ParseRouter(g.Get("router"))
		if err != nil {
			vs = append(vs, asViolation(err, "router"))
		} else {
			p.Router = r
			p.Mark(FRouter, Flag)
		}
	}
	if g.Has("router-ha") {
		p.RouterHA = g.Get("router-ha") == "true"
		p.Mark(FRouterHA, Flag)
	}
	return vs
}

func fillIdentity(p *Plan, g Given) []rules.Violation {
	if !g.Has("identity") {
		return nil
	}
	p.Identity = strings.TrimSpace(g.Get("identity"))
	if IsSystemIdentity(p.Identity) {
		p.Identity = ""
	}
	p.Mark(FIdentity, Flag)
	if p.Mode == ModeCreate { // the identity step is the attach's: check it here
		return CheckIdentity(p.Identity)
	}
	return nil
}

// fillTLS: a Microsoft certificate (where the compute type offers one)
// or your own.
func fillTLS(p *Plan, g Given) []rules.Violation {
	leaf := ""
	if p.Variant().TLS.Offers(rules.TLSMicrosoft) {
		leaf = g.Get("ssl-leaf-domain-label")
	}
	cert, key, cname := g.Get("ssl-cert-file"), g.Get("ssl-key-file"), g.Get("ssl-cname")
	custom := cert != "" || key != "" || cname != ""
	switch {
	case leaf != "" && custom:
		return []rules.Violation{{Field: "ssl-leaf-domain-label", Code: "tls-both", Message: "choose a Microsoft certificate (--ssl-leaf-domain-label) or your own (--ssl-cert-file/--ssl-key-file/--ssl-cname), not both"}}
	case leaf != "":
		p.TLS = rules.TLS{Mode: rules.TLSMicrosoft, LeafDomainLabel: leaf, Overwrite: g.Get("ssl-overwrite-domain") == "true"}
		p.Mark(FTLS, Flag)
	case custom:
		p.TLS = rules.TLS{Mode: rules.TLSCustom, CertFile: cert, KeyFile: key, CNAME: cname}.Normalized()
		p.Mark(FTLS, Flag)
	}
	return nil
}

func asViolation(err error, field string) rules.Violation {
	var v rules.Violation
	if errors.As(err, &v) {
		return v
	}
	return rules.Violation{Field: field, Code: "invalid", Message: err.Error()}
}

// PreselectedVersion is the Kubernetes version (minor) the version step
// offers on Enter: the plan's, else the region's default.
func PreselectedVersion(p Plan, vs []rules.Version) string {
	kv := p.KubernetesVersion
	for _, v := range rules.SortVersions(vs) {
		if kv != "" && (kv == v.Version || strings.HasPrefix(kv, v.Version+".")) {
			return v.Version
		}
	}
	if kv == "" {
		for _, v := range vs {
			if v.Default {
				return v.Version
			}
		}
	}
	return ""
}

// SuggestedNodes is the node count the node step offers on Enter (and the
// size step's line shows): an untouched default follows the size, the
// smallest count that meets the purpose's threshold, unless the size is
// below AKS's node minimum (its own step says so); a count given stays.
func SuggestedNodes(p Plan, z VMSize) int {
	if z.VCPUs > 0 && p.From(FNodes) == Default && len(rules.CheckNodeSize(z.Name, z.VCPUs, z.MemoryGB)) == 0 {
		return rules.ThresholdFor(p.Purpose).MinNodesFor(z.VCPUs)
	}
	return p.Nodes
}

// fillInstanceTypes fills --instance-type (each NAME=CPU,MEMORY[,GPU]) and
// --no-instance-types, which drops them all.
func fillInstanceTypes(p *Plan, g Given) []rules.Violation {
	var vs []rules.Violation
	p.NoInstanceTypes = g.Get("no-instance-types") == "true"
	if p.NoInstanceTypes && g.Has("instance-type") {
		vs = append(vs, rules.Violation{Field: "no-instance-types", Code: "instance-types-both", Message: "drops every instance type: drop it or the --instance-type flags"})
	}
	types, pvs := ParseInstanceTypes(strings.Join(g["instance-type"], " "))
	p.InstanceTypes = types
	return append(vs, pvs...)
}
