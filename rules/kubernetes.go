package rules

import (
	"fmt"
	"net/netip"
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

// ParseIPRanges parses a comma- or space-separated list of IPv4 ranges
// (CIDR or single addresses, which become /32) for the API server's
// authorized IP ranges. Field "authorized-ip-ranges". AKS accepts at most
// 200 ranges.
func ParseIPRanges(s string) ([]string, []Violation) {
	var out []string
	var vs []Violation
	for _, f := range SplitIPRanges(s) {
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil || !a.Is4() {
				vs = append(vs, Violation{Field: "authorized-ip-ranges", Code: "range-invalid", Message: fmt.Sprintf("%s is not an IPv4 address or range (e.g. 203.0.113.0/24)", quote(f))})
				continue
			}
			out = append(out, a.String()+"/32")
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil || !p.Addr().Is4() {
			vs = append(vs, Violation{Field: "authorized-ip-ranges", Code: "range-invalid", Message: fmt.Sprintf("%s is not an IPv4 range (e.g. 203.0.113.0/24)", quote(f))})
			continue
		}
		if p.Masked() != p {
			vs = append(vs, Violation{Field: "authorized-ip-ranges", Code: "range-host-bits", Message: fmt.Sprintf("%s has host bits set: use %s", f, p.Masked())})
			continue
		}
		out = append(out, p.String())
	}
	if len(out)+len(vs) == 0 {
		vs = append(vs, Violation{Field: "authorized-ip-ranges", Code: "range-empty", Message: "authorized access needs at least one range, e.g. your office's 203.0.113.0/24"})
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
	// CodeRouterReach: a ClusterIP or NodePort router's scoring URIs are
	// not reachable from outside the cluster's network.
	CodeRouterReach = "router-reach"
)
