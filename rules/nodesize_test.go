package rules

import "testing"

func TestCheckNodeSize(t *testing.T) {
	for _, tc := range []struct {
		name   string
		size   string
		vcpus  int
		memory float64
		msg    string // "" = passes
	}{
		{"B1s: 1 vCPU, 1 GiB", "Standard_B1s", 1, 1, "Standard_B1s has 1 vCPU and 1 GiB: AKS needs at least 2 vCPUs and 4 GiB per node"},
		{"A1_v2: 1 vCPU, 2 GiB", "Standard_A1_v2", 1, 2, "Standard_A1_v2 has 1 vCPU and 2 GiB"},
		{"A2_v2: memory short", "Standard_A2_v2", 2, 3.5, "Standard_A2_v2 has 2 vCPUs and 3.5 GiB"},
		{"F1: vCPUs short, memory unknown", "Standard_F1", 1, 0, "Standard_F1 has 1 vCPU: AKS needs"},
		{"B2s: exactly the minimum", "Standard_B2s", 2, 4, ""},
		{"D3_v2", "Standard_D3_v2", 4, 14, ""},
		{"unknown vCPUs and memory", "Standard_X", 0, 0, ""},
		{"no name", "", 1, 1, "too small for AKS: this size has 1 vCPU"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs := CheckNodeSize(tc.size, tc.vcpus, tc.memory)
			checkStyle(t, vs)
			if tc.msg == "" {
				if len(vs) > 0 {
					t.Fatalf("refused: %v", vs)
				}
				return
			}
			wantCodes(t, vs, CodeSizeBelowAKSMinimum)
			if vs[0].Field != "vm-size" {
				t.Errorf("field %q", vs[0].Field)
			}
			contains(t, "message", vs[0].Message, tc.msg, "pick a bigger size")
		})
	}
}
