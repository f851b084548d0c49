package rules

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"unicode/utf8"
)

// Rules of the current path: the AKS cluster a Kubernetes create
// makes, the namespace of a Kubernetes compute, API server authorized IP
// ranges and the node size the Azure ML extension needs.

// AKSClusterName checks a managed cluster name: 1-63 characters, letters,
// digits, '-' and '_', starting and ending with a letter or digit
// (resource-name-rules, Microsoft.ContainerService/managedClusters). Field
// "cluster".
func AKSClusterName(name string) []Violation {
	if name == "" {
		return []Violation{{Field: "cluster", Code: "cluster-name-empty", Message: "give the AKS cluster a name (1-63 letters, digits, - or _)"}}
	}
	if p := clusterNameProblem(name); p != "" {
		return []Violation{{Field: "cluster", Code: "cluster-name-invalid", Message: "AKS cluster name " + p}}
	}
	return nil
}

// ResourceGroupName checks a resource group name (1-90 characters,
// letters, digits, _ - . ( ), not ending with '.'). Field is the flag
// naming it.
func ResourceGroupName(field, rg string) []Violation {
	if rg == "" {
		return []Violation{{Field: field, Code: "rg-empty", Message: "give the resource group"}}
	}
	if p := resourceGroupProblem(rg); p != "" {
		return []Violation{{Field: field, Code: "rg-invalid", Message: "resource group " + p}}
	}
	return nil
}

// DNSPrefix derives the AKS dnsPrefix from a cluster name: the API allows
// 1-54 letters, digits and '-', starting and ending with a letter or digit,
// so '_' becomes '-' and the name is cut to 54.
func DNSPrefix(cluster string) string {
	b := []byte(strings.ReplaceAll(cluster, "_", "-"))
	if len(b) > 54 {
		b = b[:54]
	}
	s := strings.Trim(string(b), "-")
	if s == "" {
		return "aks"
	}
	return s
}

// Namespace checks a Kubernetes namespace name: an RFC 1123 label, 1-63
// lower-case letters, digits and '-', starting and ending with a letter or
// digit. Field "namespace".
func Namespace(ns string) []Violation {
	v := func(code, msg string) []Violation {
		return []Violation{{Field: "namespace", Code: code, Message: msg}}
	}
	if ns == "" {
		return v("namespace-empty", "give a namespace (default: default)")
	}
	if n := utf8.RuneCountInString(ns); n > 63 {
		return v("namespace-too-long", fmt.Sprintf("63 characters at most (now %d)", n))
	}
	if bad := badRunes(ns, func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-'
	}); bad != "" {
		hint := ""
		if strings.ToLower(ns) != ns {
			hint = ": use lower case"
		}
		return v("namespace-chars", "a Kubernetes namespace holds only lower-case letters, digits and - (found "+bad+")"+hint)
	}
	if ns[0] == '-' || ns[len(ns)-1] == '-' {
		return v("namespace-dash", "must start and end with a letter or digit")
	}
	return nil
}

// SplitIPRanges splits a comma- or space-separated list as typed, without
// checking it.
func SplitIPRanges(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// agentNodesOnly is the authorized range that lets only the cluster's
// agent nodes reach the API server; az takes it alone.
var agentNodesOnly = netip.MustParsePrefix("0.0.0.0/32")

// nonGlobal are the IPv4 networks that are not global for az's check
// (Python's ipaddress is_global, which validate_ip_ranges of
// Azure/azure-cli src/azure-cli/azure/cli/command_modules/acs/_validators.py
// applies): ipaddress's private networks, and the shared address space.
var nonGlobal = []struct {
	p   netip.Prefix
	why string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `in "this network" (0.0.0.0/8)`},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private range (10.0.0.0/8)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space (100.64.0.0/10, carrier-grade NAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback (127.0.0.0/8)"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local (169.254.0.0/16)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private range (172.16.0.0/12)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "reserved for protocol assignments (192.0.0.0/24)"},
	{netip.MustParsePrefix("192.0.2.0/24"), "reserved for documentation (192.0.2.0/24)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private range (192.168.0.0/16)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "reserved for benchmarking (198.18.0.0/15)"},
	{netip.MustParsePrefix("198.51.100.0/24"), "reserved for documentation (198.51.100.0/24)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "reserved for documentation (203.0.113.0/24)"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved (240.0.0.0/4)"},
	{netip.MustParsePrefix("255.255.255.255/32"), "the broadcast address"},
}

// notGlobal says why a range is not global ("" when it is): as Python,
// a network is private when its first and last address are in one
// private network (192.0.0.9 and 192.0.0.10 are global), and not global
// when its first address is in the shared address space.
func notGlobal(p netip.Prefix) string {
	first := p.Masked().Addr()
	last := lastAddr(p)
	for _, n := range nonGlobal {
		if n.p.Bits() == 10 { // the shared address space: the first address decides
			if n.p.Contains(first) {
				return n.why
			}
			continue
		}
		if n.p.Contains(first) && n.p.Contains(last) {
			if p.Bits() == 32 && (first == netip.MustParseAddr("192.0.0.9") || first == netip.MustParseAddr("192.0.0.10")) {
				return ""
			}
			return n.why
		}
	}
	return ""
}

// lastAddr is the last IPv4 address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	host := 32 - p.Bits()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	if host > 0 {
		v |= 1<<host - 1
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// ParseIPRanges parses a comma- or space-separated list of IPv4 ranges
// (CIDR or single addresses, which become /32) for the API server's
// authorized IP ranges. Field "authorized-ip-ranges". As az, each range
// must be global (not private, shared or reserved), and 0.0.0.0/32 (the
// agent nodes only) stands alone. AKS accepts at most 200 ranges.
func ParseIPRanges(s string) ([]string, []Violation) {
	var out []string
	var vs []Violation
	for _, f := range SplitIPRanges(s) {
		var p netip.Prefix
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil || !a.Is4() {
				vs = append(vs, Violation{Field: "authorized-ip-ranges", Code: "range-invalid", Message: fmt.Sprintf("%s is not an IPv4 address or range (e.g. 20.12.34.0/24)", quote(f))})
				continue
			}
			p = netip.PrefixFrom(a, 32)
		} else {
			var err error
			p, err = netip.ParsePrefix(f)
			if err != nil || !p.Addr().Is4() {
				vs = append(vs, Violation{Field: "authorized-ip-ranges", Code: "range-invalid", Message: fmt.Sprintf("%s is not an IPv4 range (e.g. 20.12.34.0/24)", quote(f))})
				continue
			}
		}
		if p.Masked() != p {
			vs = append(vs, Violation{Field: "authorized-ip-ranges", Code: "range-host-bits", Message: fmt.Sprintf("%s has host bits set: use %s", f, p.Masked())})
			continue
		}
		if p == agentNodesOnly {
			out = append(out, p.String())
			continue
		}
		if why := notGlobal(p); why != "" {
			vs = append(vs, Violation{Field: "authorized-ip-ranges", Code: "range-not-global", Message: fmt.Sprintf(
				"must be global non-reserved addresses or CIDRs: %s is %s, which the API server never sees as a caller's address; give your public egress addresses",
				p, why)})
			continue
		}
		out = append(out, p.String())
	}
	if slices.Contains(out, agentNodesOnly.String()) && len(out) > 1 {
		vs = append(vs, Violation{Field: "authorized-ip-ranges", Code: "range-agent-nodes", Message: "0.0.0.0/32 (the agent nodes only) is not allowed with other IP ranges"})
	}
	if len(out)+len(vs) == 0 {
		vs = append(vs, Violation{Field: "authorized-ip-ranges", Code: "range-empty", Message: "authorized access needs at least one range, e.g. your office's 20.12.34.0/24"})
	}
	if len(out) > 200 {
		vs = append(vs, Violation{Field: "authorized-ip-ranges", Code: "range-too-many", Message: fmt.Sprintf("AKS takes 200 ranges at most (now %d)", len(out))})
	}
	return out, vs
}

// Node size limits of the current path: AKS's own minimum for a system
// pool node, and the Azure ML extension's recommendation.
const (
	AKSMinNodeVCPUs      = 2
	AKSMinNodeMemoryGB   = 4
	ExtensionNodeVCPUs   = 4
	ExtensionNodeMemory  = 14
	AKSMaxNodes          = 1000
	RouterHAMinimumNodes = 3
)

// NodeSize checks a VM size for an AKS system pool: Block under AKS's
// 2 vCPUs / 4 GiB, Warn under the extension's recommended 4 vCPUs / 14 GiB.
func NodeSize(size string, vcpus int, memGB float64) []Finding {
	if vcpus <= 0 {
		return nil // unknown size: the size check says so
	}
	if vcpus < AKSMinNodeVCPUs || memGB < AKSMinNodeMemoryGB {
		return []Finding{{Code: CodeNodeTooSmall, Severity: Block,
			Message: fmt.Sprintf("%s has %s and %s GiB: an AKS node needs at least 2 vCPUs and 4 GiB", size, Plural(vcpus, "vCPU"), trimFloat(memGB)),
			Fix:     "pick a larger size (Standard_D3_v2 has 4 vCPUs and 14 GiB)"}}
	}
	if vcpus < ExtensionNodeVCPUs || memGB < ExtensionNodeMemory {
		return []Finding{{Code: CodeNodeSmall, Severity: Warn,
			Message: fmt.Sprintf("%s has %s and %s GiB: the Azure ML extension recommends 4 vCPUs and 14 GiB per node", size, Plural(vcpus, "vCPU"), trimFloat(memGB)),
			Fix:     "a larger size leaves room for the extension's own pods"}}
	}
	return nil
}

// NodeCount checks 1 ≤ nodes ≤ 1000 (AKS's node limit per cluster).
func NodeCount(nodes int) []Violation {
	switch {
	case nodes < 1:
		return []Violation{{Field: "nodes", Code: "nodes-invalid", Message: fmt.Sprintf("must be 1 or more (now %d)", nodes)}}
	case nodes > AKSMaxNodes:
		return []Violation{{Field: "nodes", Code: "nodes-too-many", Message: fmt.Sprintf("AKS takes 1000 nodes at most (now %d)", nodes)}}
	}
	return nil
}

// RouterHA checks the HA inference router against the node count: it
// needs 3 nodes.
func RouterHA(ha bool, nodes int) []Violation {
	if ha && nodes < RouterHAMinimumNodes {
		return []Violation{{Field: "router", Code: CodeRouterHA,
			Message: fmt.Sprintf("the high-availability inference router needs 3 nodes (now %d): use 3 nodes or more, or turn HA off (--router-ha=false; not for production)", nodes)}}
	}
	return nil
}

func trimFloat(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// Finding codes of the current path.
const (
	CodeNodeTooSmall       = "node-too-small"
	CodeNodeSmall          = "node-small"
	CodeRouterHA           = "router-ha"
	CodeProviders          = "providers"
	CodeServicePrincipal   = "service-principal"
	CodeExtensionMissing   = "extension-missing"
	CodeExtensionFailed    = "extension-failed"
	CodeExtensionInstalled = "extension-installed"
	CodeAttachedLegacy     = "attached-legacy"
	CodeAttachedKubernetes = "attached-kubernetes"
	CodeInsecure           = "insecure"
	CodeClusterExists      = "cluster-exists"
	// CodeTrustedAccess: the cluster needs the workspace's Trusted Access
	// role binding (it exists, amlaks makes it, or the cluster's 8 are
	// taken).
	CodeTrustedAccess = "trusted-access"
	// CodeTrainingOnly: the extension is installed without inference.
	CodeTrainingOnly = "training-only"
	// CodeExtensionPurpose: the installed extension's clusterPurpose is
	// dev-test and the compute is for production.
	CodeExtensionPurpose = "extension-purpose"
	// CodeClusterShared: a cluster to delete serves other computes, or
	// amlaks did not make it.
	CodeClusterShared = "cluster-shared"
	// CodeRouterReach: a ClusterIP or NodePort router's scoring URIs are
	// not reachable from outside the cluster's network.
	CodeRouterReach = "router-reach"
)

// ClusterDeleteFacts is what deleting a detached compute's cluster looks
// at: whether amlaks made it (created-by=amlaks) and every other compute
// attached to it in any workspace of the subscription ("WORKSPACE/NAME").
type ClusterDeleteFacts struct {
	Cluster string
	Ours    bool
	Others  []string
}

// ClusterDeleteFindings: a cluster amlaks did not make is never deleted
// (Block), nor one another compute still uses (Block, naming each).
func ClusterDeleteFindings(f ClusterDeleteFacts) []Finding {
	cluster := orDefault(f.Cluster, "the cluster")
	var fs []Finding
	if !f.Ours {
		fs = append(fs, Finding{Code: CodeClusterShared, Severity: Block,
			Message: cluster + " was not created by amlaks (no created-by=amlaks tag): amlaks deletes only the clusters it created",
			Fix:     "detach without --delete-cluster; delete it in AKS yourself if you mean to"})
	}
	if len(f.Others) > 0 {
		fs = append(fs, Finding{Code: CodeClusterShared, Severity: Block,
			Message: fmt.Sprintf("%s is also used by %s: deleting it would break %s", cluster, joinAnd(f.Others), itThem(len(f.Others))),
			Fix:     "detach without --delete-cluster (the cluster is kept), or detach " + itThem(len(f.Others)) + " first"})
	}
	return fs
}

// AdoptFacts is a create that names an existing cluster not made for its
// compute: the create attaches it as it is. Origin says who made it
// ("made for mlw-prod/k8s-c1", "not made by amlaks"); Mismatches are what
// the create's flags asked that the cluster is not ("--nodes 3: aks-prod
// has 1 node").
type AdoptFacts struct {
	Cluster, Origin string
	Mismatches      []string
}

// AdoptFindings: the review says the create attaches the cluster (Info);
// flags asking for a cluster other than it is are a Block, as the create
// would silently not do them.
func AdoptFindings(f AdoptFacts) []Finding {
	fs := []Finding{{Code: CodeClusterExists, Severity: Info, Message: fmt.Sprintf(
		"%s exists (%s): this attaches it, checked as an attach; its nodes, size and version are its own, and nothing of it is created", f.Cluster, f.Origin)}}
	if len(f.Mismatches) > 0 {
		fs = append(fs, Finding{Code: CodeClusterExists, Severity: Block,
			Message: "a create on an existing cluster attaches it as it is, not as asked: " + strings.Join(f.Mismatches, "; "),
			Fix:     "drop those flags to attach " + f.Cluster + " as it is, or name a new cluster (--cluster)"})
	}
	return fs
}
