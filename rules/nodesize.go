package rules

import (
	"fmt"
	"strconv"
	"strings"
)

// The AKS minimum per node of a system node pool: "For system node pools,
// VM sizes with fewer than two vCPUs and four GBs of RAM (memory) might not
// be used" (learn.microsoft.com azure/aks/quotas-skus-regions, Restricted VM
// sizes). A cluster that Azure ML creates has one pool, a system pool, so
// every node must meet it.
const (
	MinNodeVCPUs     = 2
	MinNodeMemoryGiB = 4.0
)

// CodeSizeBelowAKSMinimum is the code of CheckNodeSize's violation and of
// the matching create finding.
const CodeSizeBelowAKSMinimum = "size-below-aks-minimum"

// CheckNodeSize checks one node's size against the AKS minimum (field
// "vm-size"): at least MinNodeVCPUs vCPUs and MinNodeMemoryGiB GiB. A vCPU
// count or memory of 0 or less is unknown and not judged. The message names
// the size, what it has and what AKS needs: "too small for AKS:
// Standard_B1s has 1 vCPU and 1 GiB; AKS needs at least 2 vCPUs and 4 GiB
// per node; pick a bigger size, like Standard_D2_v2 (2 vCPUs, 7 GiB)".
func CheckNodeSize(size string, vcpus int, memoryGiB float64) []Violation {
	short, ok := nodeBelowMinimum(size, vcpus, memoryGiB)
	if !ok {
		return nil
	}
	return []Violation{{Field: "vm-size", Code: CodeSizeBelowAKSMinimum,
		Message: "too small for AKS: " + short + "; pick a bigger size, like Standard_D2_v2 (2 vCPUs, 7 GiB)"}}
}

// nodeBelowMinimum returns "Standard_B1s has 1 vCPU and 1 GiB: AKS needs
// at least 2 vCPUs and 4 GiB per node" and true when the size is below the
// AKS minimum.
func nodeBelowMinimum(size string, vcpus int, memoryGiB float64) (string, bool) {
	lowCPU := vcpus > 0 && vcpus < MinNodeVCPUs
	lowMem := memoryGiB > 0 && memoryGiB < MinNodeMemoryGiB
	if !lowCPU && !lowMem {
		return "", false
	}
	var has []string
	if vcpus > 0 {
		has = append(has, Plural(vcpus, "vCPU"))
	}
	if memoryGiB > 0 {
		has = append(has, gib(memoryGiB))
	}
	return fmt.Sprintf("%s has %s: AKS needs at least %s and %s per node",
		orDefault(size, "this size"), strings.Join(has, " and "), Plural(MinNodeVCPUs, "vCPU"), gib(MinNodeMemoryGiB)), true
}

// gib renders 0.75 as "0.75 GiB", 4 as "4 GiB".
func gib(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64) + " GiB"
}
