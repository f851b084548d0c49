package wizard

import (
	"strconv"
	"strings"
)

// Article is "an" before a word starting with a vowel ("an AmlCompute"),
// "a" otherwise.
func Article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// Decimal renders f with at most two decimals and no trailing zeros
// ("14", "0.75", "218.75").
func Decimal(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".")
}
