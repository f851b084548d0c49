package wizard

import (
	"strconv"
	"strings"

	"github.com/amlaks/amlaks/rules"
)

// Article is "an" before a word starting with a vowel ("an AmlCompute"),
// "a" otherwise.
func Article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// Shape is a size's vCPUs and memory as every screen writes them
// ("1 vCPU, 0.5 GiB", "4 vCPUs, 16 GiB").
func (z VMSize) Shape() string {
	return rules.Plural(z.VCPUs, "vCPU") + ", " + Decimal(z.MemoryGB) + " GiB"
}

// Decimal renders f with at most two decimals and no trailing zeros
// ("14", "0.75", "218.75").
func Decimal(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".")
}

// DetachKept says what happens to a detached compute's cluster, the same
// in the wizard's dialog and in line mode: a legacy AKS compute leaves Azure
// ML's azureml-fe on the cluster, which must go before the cluster is
// attached again (the extension cannot run beside it).
func DetachKept(cluster string, legacy bool) string {
	if legacy {
		return cluster + " itself is kept and keeps costing until you delete it in AKS. " +
			"Its v1 azureml-fe leftovers stay: remove them before attaching it again."
	}
	return cluster + " itself is kept: nothing is deleted, the Azure ML extension stays on it, it can be attached again, " +
		"and it keeps costing until you delete it in AKS."
}
