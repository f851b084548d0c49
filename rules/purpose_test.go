package rules

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestParsePurpose(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Purpose
		ok   bool
	}{
		{"production", Production, true},
		{"Prod", Production, true},
		{" FASTPROD ", Production, true},
		{"devtest", DevTest, true},
		{"Dev-Test", DevTest, true},
		{"denseprod", "", false},
		{"dev_test", "", false},
		{"", "", false},
	} {
		got, err := ParsePurpose(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParsePurpose(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		var v Violation
		if err != nil && (!errors.As(err, &v) || v.Field != "purpose" || !strings.Contains(v.Message, "production or dev-test")) {
			t.Errorf("ParsePurpose(%q) error %#v", tt.in, err)
		}
	}
	_, err := ParsePurpose("weird")
	contains(t, "error", err.Error(), "purpose: ", "(found 'weird')")
}

func TestLabelAndThreshold(t *testing.T) {
	for _, tt := range []struct {
		p     Purpose
		label string
		th    Threshold
	}{
		{Production, "Production", Threshold{12, 3}},
		{DevTest, "Dev-test", Threshold{2, 1}},
		{"", "Production", Threshold{12, 3}},
		{"DenseProd", "DenseProd", Threshold{12, 3}},
	} {
		if got := tt.p.Label(); got != tt.label {
			t.Errorf("%q.Label() = %q, want %q", tt.p, got, tt.label)
		}
		if got := ThresholdFor(tt.p); got != tt.th {
			t.Errorf("ThresholdFor(%q) = %v, want %v", tt.p, got, tt.th)
		}
	}
}

func TestCheckNodeCount(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		code string
	}{{1, ""}, {1000, ""}, {0, "nodes-invalid"}, {-1, "nodes-invalid"}, {1001, "nodes-too-many"}, {4294967299, "nodes-too-many"}, {math.MaxInt64, "nodes-too-many"}} {
		vs := CheckNodeCount(tt.n)
		if tt.code == "" {
			wantCodes(t, vs)
			continue
		}
		wantCodes(t, vs, tt.code)
		checkStyle(t, vs)
		if !strings.Contains(vs[0].Message, fmt.Sprint(tt.n)) {
			t.Errorf("%d: message %q does not name the value", tt.n, vs[0].Message)
		}
	}
}

func TestCheckSize(t *testing.T) {
	tests := []struct {
		p             Purpose
		nodes, vcpus  int
		ok            bool
		total, minN   int
		codes         []string
		rule, message string
	}{
		// production: 12 vCPUs and 3 nodes, on and beside both boundaries
		{Production, 3, 4, true, 12, 3, nil, "Standard_X has 4 vCPUs: 3 nodes or more", ""},
		{Production, 3, 3, false, 9, 4, []string{"vcpus-below-threshold"}, "3 vCPUs: 4 nodes or more", "production needs 12 vCPUs at least: 3 × 3 = 9; use 4 nodes or more, a bigger size or dev-test"},
		{Production, 4, 3, true, 12, 4, nil, "", ""},
		{Production, 11, 1, false, 11, 12, []string{"vcpus-below-threshold"}, "1 vCPU: 12 nodes or more", "11 × 1 = 11"},
		{Production, 12, 1, true, 12, 12, nil, "", ""},
		{Production, 2, 8, false, 16, 3, []string{"nodes-below-threshold"}, "8 vCPUs: 3 nodes or more", "production needs 3 nodes at least (now 2)"},
		{Production, 2, 4, false, 8, 3, []string{"vcpus-below-threshold", "nodes-below-threshold"}, "", "production needs 12 vCPUs at least: 2 × 4 = 8; use 3 nodes or more, a bigger size or dev-test"},
		{Production, 3, 64, true, 192, 3, nil, "", ""},
		{"", 2, 8, false, 16, 3, []string{"nodes-below-threshold"}, "", "production needs"},
		// dev-test: 2 vCPUs and 1 node
		{DevTest, 1, 2, true, 2, 1, nil, "2 vCPUs: 1 node or more", ""},
		{DevTest, 1, 1, false, 1, 2, []string{"vcpus-below-threshold"}, "1 vCPU: 2 nodes or more", "dev-test needs 2 vCPUs at least: 1 × 1 = 1; use 2 nodes or more or a bigger size"},
		{DevTest, 2, 1, true, 2, 2, nil, "", ""},
		// nodes ≤ 0
		{DevTest, 0, 4, false, 0, 1, []string{"nodes-invalid"}, "", "the node count must be 1 or more (now 0)"},
		{Production, -3, 4, false, 0, 3, []string{"nodes-invalid"}, "", "(now -3)"},
		// unknown size: no panic, no division by zero
		{Production, 3, 0, false, 0, 3, []string{"size-unknown"}, "the vCPUs of Standard_X are unknown", "pick a size"},
		{DevTest, 0, -1, false, 0, 1, []string{"size-unknown", "nodes-invalid"}, "", ""},
		// the AKS per-pool maximum (1000), on and beside the boundary; the
		// total still saturates instead of overflowing
		{Production, 1000, 4, true, 4000, 3, nil, "", ""},
		{Production, 1001, 4, false, 4004, 3, []string{"nodes-too-many"}, "", "must be 1000 or fewer: AKS allows at most 1000 nodes in a node pool (now 1001)"},
		{Production, math.MaxInt, 4, false, math.MaxInt, 3, []string{"nodes-too-many"}, "", "1000 or fewer"},
	}
	for _, tt := range tests {
		sc := CheckSize(tt.p, "Standard_X", tt.nodes, tt.vcpus)
		if sc.OK != tt.ok || sc.TotalVCPUs != tt.total || sc.MinNodes != tt.minN {
			t.Errorf("CheckSize(%q, %d, %d) = ok %v total %d min %d; want %v %d %d", tt.p, tt.nodes, tt.vcpus, sc.OK, sc.TotalVCPUs, sc.MinNodes, tt.ok, tt.total, tt.minN)
		}
		if sc.Threshold != ThresholdFor(tt.p) {
			t.Errorf("threshold %v", sc.Threshold)
		}
		wantCodes(t, sc.Violations, tt.codes...)
		checkStyle(t, sc.Violations)
		if tt.rule != "" {
			contains(t, "rule", sc.Rule, tt.rule)
		}
		if tt.message != "" {
			contains(t, "message", sc.Violations[0].Message, tt.message)
		}
	}
	if sc := CheckSize(Production, "", 3, 4); !strings.HasPrefix(sc.Rule, "this size has 4 vCPUs") {
		t.Errorf("rule without size name: %q", sc.Rule)
	}
	// The dev-test hint is left out when dev-test would not pass either.
	if sc := CheckSize(Production, "Standard_A1", 1, 1); strings.Contains(sc.Violations[0].Message, "dev-test") {
		t.Errorf("dev-test suggested although 1 vCPU fails it: %q", sc.Violations[0].Message)
	}
}

func TestMinNodesFor(t *testing.T) {
	th := ThresholdFor(Production)
	for vcpus, want := range map[int]int{-1: 3, 0: 3, 1: 12, 2: 6, 3: 4, 4: 3, 5: 3, 11: 3, 12: 3, 13: 3} {
		if got := th.MinNodesFor(vcpus); got != want {
			t.Errorf("MinNodesFor(%d) = %d, want %d", vcpus, got, want)
		}
	}
}

func TestMulSat(t *testing.T) {
	for _, tt := range [][3]int{{0, 5, 0}, {-1, 5, 0}, {3, 4, 12}, {math.MaxInt, 2, math.MaxInt}, {math.MaxInt / 2, 2, math.MaxInt - 1}} {
		if got := mulSat(tt[0], tt[1]); got != tt[2] {
			t.Errorf("mulSat(%d, %d) = %d, want %d", tt[0], tt[1], got, tt[2])
		}
	}
}

func TestNodesTimesVCPUsSingularAndPlural(t *testing.T) {
	for _, tc := range []struct {
		nodes, vcpus int
		want         string
	}{
		{3, 1, "3 nodes × 1 vCPU = 3 vCPUs"},
		{1, 4, "1 node × 4 vCPUs = 4 vCPUs"},
		{1, 1, "1 node × 1 vCPU = 1 vCPU"},
		{0, 4, "0 nodes × 4 vCPUs = 0 vCPUs"},
	} {
		if got := NodesTimesVCPUs(tc.nodes, tc.vcpus); got != tc.want {
			t.Errorf("NodesTimesVCPUs(%d, %d) = %q, want %q", tc.nodes, tc.vcpus, got, tc.want)
		}
	}
}
