package rules

// Purpose is the AML clusterPurpose.
type Purpose string

// The two purposes offered (DenseProd exists in the API but is never offered).
const (
	Production Purpose = "FastProd"
	DevTest    Purpose = "DevTest"
)

// ParsePurpose accepts production|prod|fastprod|devtest|dev-test (any case)
// and returns a Violation on field "purpose" otherwise.
func ParsePurpose(s string) (Purpose, error) { return Production, nil /* TODO */ }

// Label is "Production" or "Dev-test".
func (p Purpose) Label() string { return string(p) /* TODO */ }

// Threshold is the minimum size of a cluster for a purpose.
type Threshold struct{ MinVCPUs, MinNodes int }

// ThresholdFor: Production 12 vCPUs and 3 nodes; DevTest 2 vCPUs and 1 node.
func ThresholdFor(p Purpose) Threshold { return Threshold{} /* TODO */ }

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
}

// CheckSize applies SPEC §4.2 to nodes × vcpusPerNode of the named size.
func CheckSize(p Purpose, size string, nodes, vcpusPerNode int) SizeCheck { return SizeCheck{} /* TODO */ }
