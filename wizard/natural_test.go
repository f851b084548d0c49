package wizard

import (
	"slices"
	"testing"
)

func TestNaturalCompare(t *testing.T) {
	names := []string{"standard_d32_v3", "standard_d13_v2", "standard_d3_v2", "standard_d2s_v5", "standard_d2_v2", "standard_d004"}
	slices.SortFunc(names, NaturalCompare)
	want := []string{"standard_d2_v2", "standard_d2s_v5", "standard_d3_v2", "standard_d004", "standard_d13_v2", "standard_d32_v3"}
	if !slices.Equal(names, want) {
		t.Fatalf("got %v", names)
	}
	if NaturalCompare("a", "a") != 0 || NaturalCompare("a", "ab") >= 0 {
		t.Fatal("prefix order")
	}
}
