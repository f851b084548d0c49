package rules

import (
	"slices"
	"testing"
)

// regionVersions is a realistic region list, out of order on purpose.
func regionVersions() []Version {
	return []Version{
		{Version: "1.9", SupportPlans: []string{PlanOfficial}},
		{Version: "1.31", Default: true, SupportPlans: []string{PlanOfficial, PlanLTS},
			Patches: map[string][]string{"1.31.10": {"1.32.1"}, "1.31.2": {"1.31.10"}}},
		{Version: "1.27", SupportPlans: []string{PlanLTS}, Patches: map[string][]string{"1.27.100": nil}},
		{Version: "1.10", SupportPlans: []string{PlanOfficial}},
		{Version: "1.33", Preview: true, SupportPlans: []string{"kubernetesofficial"}},
		{Version: "1.32"},
	}
}

func TestLTSOnly(t *testing.T) {
	for _, tt := range []struct {
		plans []string
		want  bool
	}{
		{nil, false},
		{[]string{PlanOfficial}, false},
		{[]string{PlanLTS}, true},
		{[]string{"akslongtermsupport"}, true},
		{[]string{PlanLTS, PlanOfficial}, false},
	} {
		if got := (Version{SupportPlans: tt.plans}).LTSOnly(); got != tt.want {
			t.Errorf("LTSOnly(%v) = %v", tt.plans, got)
		}
	}
}

func TestCheckVersion(t *testing.T) {
	list := regionVersions()
	for _, tt := range []struct {
		in   string
		want VersionStatus
	}{
		{"1.31", VersionStatus{Minor: "1.31", Supported: true}},
		{"v1.31", VersionStatus{Minor: "1.31", Supported: true}},
		{"V1.31.2", VersionStatus{Minor: "1.31", Supported: true}},
		{"1.31.10", VersionStatus{Minor: "1.31", Supported: true}},
		{"1.31.9", VersionStatus{Minor: "1.31", PatchUnlisted: true}},
		{"1.31.2-hotfix", VersionStatus{Minor: "1.31", Supported: true}},
		{"1.32.7", VersionStatus{Minor: "1.32", Supported: true}}, // no patches listed: any patch
		{"1.10", VersionStatus{Minor: "1.10", Supported: true}},
		{"1.10.3", VersionStatus{Minor: "1.10", Supported: true}},
		{"1.9.1", VersionStatus{Minor: "1.9", Supported: true}},
		{"1.09", VersionStatus{Minor: "1.9", Supported: true}},
		{"1.1", VersionStatus{Minor: "1.1"}},
		{"1.24.10", VersionStatus{Minor: "1.24"}},
		{"1.33", VersionStatus{Minor: "1.33", Supported: true, Preview: true}},
		{"1.27.100", VersionStatus{Minor: "1.27", Supported: true, LTSOnly: true}},
		{"1.27.99", VersionStatus{Minor: "1.27", LTSOnly: true, PatchUnlisted: true}},
		{"", VersionStatus{}},
		{"1", VersionStatus{}},
		{"1.31.2.4", VersionStatus{}},
		{"a.b", VersionStatus{}},
		{"1..2", VersionStatus{}},
		{"1.9999999999", VersionStatus{}},
	} {
		if got := CheckVersion(list, tt.in); got != tt.want {
			t.Errorf("CheckVersion(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	if got := CheckVersion(nil, "1.31"); got.Supported {
		t.Errorf("empty list supports 1.31")
	}
}

func TestSortAndMinors(t *testing.T) {
	list := regionVersions()
	list = append(list, Version{Version: "garbage"}, Version{Version: "v1.32"})
	sorted := SortVersions(list)
	var got []string
	for _, v := range sorted {
		got = append(got, v.Version)
	}
	want := []string{"1.33", "1.32", "v1.32", "1.31", "1.27", "1.10", "1.9", "garbage"}
	if !slices.Equal(got, want) {
		t.Errorf("SortVersions = %q, want %q", got, want)
	}
	if list[0].Version != "1.9" {
		t.Error("SortVersions changed its input")
	}
	if got, want := SupportedMinors(regionVersions()), []string{"1.9", "1.10", "1.27", "1.31", "1.32", "1.33"}; !slices.Equal(got, want) {
		t.Errorf("SupportedMinors = %q, want %q", got, want)
	}
	if got := SupportedMinors([]Version{{Version: "1.32"}, {Version: "v1.32"}}); !slices.Equal(got, []string{"1.32"}) {
		t.Errorf("SupportedMinors dedup = %q", got)
	}
	if got := SupportedMinors(nil); len(got) != 0 {
		t.Errorf("SupportedMinors(nil) = %q", got)
	}
}

func TestDefaultVersion(t *testing.T) {
	if v, ok := DefaultVersion(regionVersions()); !ok || v.Version != "1.31" {
		t.Errorf("DefaultVersion = %+v, %v", v, ok)
	}
	if _, ok := DefaultVersion([]Version{{Version: "1.30"}}); ok {
		t.Error("DefaultVersion without a default")
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"1.10", "1.9", 1},
		{"1.9", "1.10", -1},
		{"1.31", "v1.31", 0},
		{"1.31.2", "1.31", 1},
		{"1.31.10", "1.31.9", 1},
		{"2.0", "1.99", 1},
		{"x", "1.0", -1},
		{"1.0", "x", 1},
		{"a", "b", -1},
	} {
		if got := CompareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestPatchList(t *testing.T) {
	if got := regionVersions()[1].PatchList(); !slices.Equal(got, []string{"1.31.2", "1.31.10"}) {
		t.Errorf("PatchList = %q", got)
	}
}
