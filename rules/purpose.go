package rules

import (
	"fmt"
	"math"
	"strings"
)

// Purpose is the AML clusterPurpose.
type Purpose string

// The two purposes offered (DenseProd exists in the API but is never offered).
const (
	Production Purpose = "FastProd"
	DevTest    Purpose = "DevTest"
)

// ParsePurpose accepts production|prod|fastprod|devtest|dev-test (any case)
// and returns a Violation on field "purpose" otherwise.
func ParsePurpose(s string) (Purpose, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "production", "prod", "fastprod":
		return Production, nil
	case "devtest", "dev-test":
		return DevTest, nil
	}
	msg := "use production or dev-test"
	if strings.TrimSpace(s) != "" {
		msg += " (found " + quote(s) + ")"
	}
	return "", Violation{Field: "purpose", Code: "purpose-invalid", Message: msg}
}

// Label is "Production" or "Dev-test". The empty purpose is the API default,
// production; any other value is returned as is.
func (p Purpose) Label() string {
	switch p {
	case Production, "":
		return "Production"
	case DevTest:
		return "Dev-test"
	}
	return string(p)
}

// word is the label in lower case, for use inside messages.
func (p Purpose) word() string { return strings.ToLower(p.Label()) }

// Threshold is the minimum size of a cluster for a purpose.
type Threshold struct{ MinVCPUs, MinNodes int }

// ThresholdFor: Production 12 vCPUs and 3 nodes; DevTest 2 vCPUs and 1 node.
// Any other purpose (the empty API default, DenseProd) gets production's.
func ThresholdFor(p Purpose) Threshold {
	if p == DevTest {
		return Threshold{MinVCPUs: 2, MinNodes: 1}
	}
	return Threshold{MinVCPUs: 12, MinNodes: 3}
}

// Passes reports whether nodes and total vCPUs meet the threshold.
func (t Threshold) Passes(nodes, totalVCPUs int) bool {
	return nodes >= t.MinNodes && totalVCPUs >= t.MinVCPUs
}

// MinNodesFor is the smallest node count that passes with vcpusPerNode
// vCPUs per node: max(MinNodes, ceil(MinVCPUs/vcpusPerNode)). It returns
// MinNodes when vcpusPerNode is not positive (size unknown).
func (t Threshold) MinNodesFor(vcpusPerNode int) int {
	if vcpusPerNode <= 0 {
		return t.MinNodes
	}
	return max(t.MinNodes, (t.MinVCPUs+vcpusPerNode-1)/vcpusPerNode)
}

// SizeCheck is the outcome the vCPU meter shows.
type SizeCheck struct {
	OK         bool
	TotalVCPUs int // nodes × vCPUs per node
	MinNodes   int // smallest node count that passes for this size (max(threshold nodes, ceil(minVCPUs/vcpus)))
	Threshold  Threshold
	// Rule is the sentence for the size, e.g. "Standard_D3_v2 has 4 vCPUs: 3 nodes or more".
	Rule string
	// Violations is empty when OK; otherwise field "nodes" messages such as
	// "production needs 12 vCPUs at least: 2 × 4 = 8; use 3 nodes or more, a bigger size or dev-test"
	// and "production needs 3 nodes at least (now 2)".
	Violations []Violation
	// Recommended marks the check of a Kubernetes compute, where the
	// purpose's numbers are Azure ML's recommendation: being under them
	// is Advice (a Warn), not a violation.
	Recommended bool
	Advice      []string
}

// CheckSizeRecommended is CheckSize for the Kubernetes compute. There the
// 12 vCPUs / 3 nodes of production and 2 vCPUs of dev-test are Azure ML's
// sizing advice (reference-kubernetes.md, "Recommended resource planning"),
// not a rule Azure applies as it does to the legacy AKS compute: under
// them is Advice and the check stays OK. What Azure refuses (no nodes,
// more than a pool holds, an unknown size) stays a violation.
func CheckSizeRecommended(p Purpose, size string, nodes, vcpusPerNode int) SizeCheck {
	sc := CheckSize(p, size, nodes, vcpusPerNode)
	sc.Recommended = true
	var keep []Violation
	for _, v := range sc.Violations {
		switch v.Code {
		case "vcpus-below-threshold", "nodes-below-threshold":
			continue
		}
		keep = append(keep, v)
	}
	if len(keep) == len(sc.Violations) {
		return sc
	}
	th := sc.Threshold
	sc.Violations, sc.OK = keep, len(keep) == 0
	sc.Advice = append(sc.Advice, fmt.Sprintf("below the recommendation for %s (%d vCPUs and %s): %s, %d vCPUs in all; Azure accepts it",
		p.word(), th.MinVCPUs, Plural(th.MinNodes, "node"), Plural(nodes, "node"), sc.TotalVCPUs))
	sc.Rule = fmt.Sprintf("%s has %s: %s or more recommended", orDefault(size, "this size"), Plural(vcpusPerNode, "vCPU"), Plural(sc.MinNodes, "node"))
	return sc
}

// CodeBelowRecommendation is the Warn of a Kubernetes compute under its
// purpose's recommended size.
const CodeBelowRecommendation = "below-recommendation"

// RecommendationFindings is the Warn of a Kubernetes compute's nodes
// under the purpose's recommended 12 vCPUs / 3 nodes (production) or 2
// vCPUs (dev-test); nothing when they meet it or the size is unknown.
func RecommendationFindings(p Purpose, cluster string, nodes, totalVCPUs int) []Finding {
	th := ThresholdFor(p)
	if nodes <= 0 || totalVCPUs <= 0 || th.Passes(nodes, totalVCPUs) {
		return nil
	}
	fix := "fine to try things out; add nodes or pick a bigger size for production traffic"
	if p == DevTest {
		fix = "add a node or pick a bigger size"
	}
	return []Finding{{Code: CodeBelowRecommendation, Severity: Warn, Message: fmt.Sprintf(
		"%s has %s and %d vCPUs: below the recommendation for %s on the Kubernetes compute (%d vCPUs and %s); Azure accepts it",
		orDefault(cluster, "the cluster"), Plural(nodes, "node"), totalVCPUs, p.word(), th.MinVCPUs, Plural(th.MinNodes, "node")), Fix: fix}}
}

// CheckSize applies the purpose's vCPU and node threshold to nodes × vcpusPerNode of the named size.
// A vcpusPerNode of 0 or less means the size is unknown: the check fails
// with a violation on field "size" (code "size-unknown"). Nodes ≤ 0 is a
// violation on "nodes" (code "nodes-invalid").
func CheckSize(p Purpose, size string, nodes, vcpusPerNode int) SizeCheck {
	th := ThresholdFor(p)
	sc := SizeCheck{Threshold: th, MinNodes: th.MinNodesFor(vcpusPerNode)}
	name := size
	if strings.TrimSpace(name) == "" {
		name = "this size"
	}
	if vcpusPerNode <= 0 {
		sc.Rule = fmt.Sprintf("the vCPUs of %s are unknown: %s needs %d vCPUs and %s", name, p.word(), th.MinVCPUs, Plural(th.MinNodes, "node"))
		sc.Violations = append(sc.Violations, Violation{Field: "size", Code: "size-unknown",
			Message: fmt.Sprintf("the vCPUs of %s are unknown: pick a size from the region's list", name)})
		if nodes <= 0 {
			sc.Violations = append(sc.Violations, nodesInvalid(p, th, nodes))
		}
		return sc
	}
	sc.TotalVCPUs = mulSat(max(nodes, 0), vcpusPerNode)
	sc.Rule = fmt.Sprintf("%s has %s: %s or more", name, Plural(vcpusPerNode, "vCPU"), Plural(sc.MinNodes, "node"))
	if nodes <= 0 {
		sc.Violations = append(sc.Violations, nodesInvalid(p, th, nodes))
		return sc
	}
	if nodes > MaxNodesPerPool {
		sc.Violations = append(sc.Violations, CheckNodeCount(int64(nodes))...)
		return sc
	}
	if sc.TotalVCPUs < th.MinVCPUs {
		fix := fmt.Sprintf("use %s or more or a bigger size", Plural(sc.MinNodes, "node"))
		if p != DevTest && ThresholdFor(DevTest).Passes(nodes, sc.TotalVCPUs) {
			fix = fmt.Sprintf("use %s or more, a bigger size or dev-test", Plural(sc.MinNodes, "node"))
		}
		sc.Violations = append(sc.Violations, Violation{Field: "nodes", Code: "vcpus-below-threshold",
			Message: fmt.Sprintf("%s needs %d vCPUs at least: %d × %d = %d; %s", p.word(), th.MinVCPUs, nodes, vcpusPerNode, sc.TotalVCPUs, fix)})
	}
	if nodes < th.MinNodes {
		sc.Violations = append(sc.Violations, Violation{Field: "nodes", Code: "nodes-below-threshold",
			Message: fmt.Sprintf("%s needs %d nodes at least (now %d)", p.word(), th.MinNodes, nodes)})
	}
	sc.OK = len(sc.Violations) == 0
	return sc
}

// MaxNodesPerPool is the AKS limit on the nodes of one node pool (Virtual
// Machine Scale Sets pools): 1000, per "Quotas, virtual machine size
// restrictions, and region availability in AKS"
// (https://learn.microsoft.com/azure/aks/quotas-skus-regions). A create
// makes one pool, so it is also the most nodes a create may ask for.
const MaxNodesPerPool = 1000

// CheckNodeCount checks a node count as given (int64, so a number that
// would not fit the API's int32 agentCount is refused, never cut):
// 1 ≤ n ≤ MaxNodesPerPool. The violation is on field "nodes".
func CheckNodeCount(n int64) []Violation {
	switch {
	case n < 1:
		return []Violation{{Field: "nodes", Code: "nodes-invalid", Message: fmt.Sprintf("must be 1 or more (now %d)", n)}}
	case n > MaxNodesPerPool:
		return []Violation{{Field: "nodes", Code: "nodes-too-many",
			Message: fmt.Sprintf("must be %d or fewer: AKS allows at most %d nodes in a node pool (now %d)", MaxNodesPerPool, MaxNodesPerPool, n)}}
	}
	return nil
}

func nodesInvalid(p Purpose, th Threshold, nodes int) Violation {
	return Violation{Field: "nodes", Code: "nodes-invalid",
		Message: fmt.Sprintf("the node count must be 1 or more (now %d); %s needs %s or more", nodes, p.word(), Plural(th.MinNodes, "node"))}
}

// Plural renders "1 node", "3 nodes".
func Plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// mulSat multiplies non-negative a and b, saturating at math.MaxInt.
func mulSat(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}

// NodesTimesVCPUs renders a cluster's size with singular and plural right:
// "3 nodes × 1 vCPU = 3 vCPUs", "1 node × 4 vCPUs = 4 vCPUs".
func NodesTimesVCPUs(nodes, vcpusPerNode int) string {
	return fmt.Sprintf("%s × %s = %s", Plural(nodes, "node"), Plural(vcpusPerNode, "vCPU"), Plural(mulSat(max(nodes, 0), max(vcpusPerNode, 0)), "vCPU"))
}
