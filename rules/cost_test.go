package rules

import (
	"math"
	"testing"
)

func TestMonthlyCost(t *testing.T) {
	for _, tc := range []struct {
		nodes int
		price float64
		want  float64
	}{
		{3, 0.229, 501.51}, // 3 × 0.229 × 730
		{1, 1, 730},
		{0, 0.229, 0},
		{-1, 0.229, 0},
		{3, 0, 0},
		{3, -1, 0},
		{3, math.NaN(), 0},
		{3, math.Inf(1), 0},
	} {
		if got := MonthlyCost(tc.nodes, tc.price); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("MonthlyCost(%d, %v) = %v, want %v", tc.nodes, tc.price, got, tc.want)
		}
	}
}

func TestCostLine(t *testing.T) {
	for _, tc := range []struct {
		nodes int
		size  string
		price float64
		want  string
	}{
		{3, "Standard_D3_v2", 0.229, "≈ $502/month for 3 × Standard_D3_v2 at $0.229/h"},
		{12, "Standard_NC6s_v3", 3.06, "≈ $26,806/month for 12 × Standard_NC6s_v3 at $3.060/h"},
		{1, "Standard_B2s", 0.012, "≈ $8.76/month for 1 × Standard_B2s at $0.012/h"},
		{1, "Standard_X", 0.0004, "≈ $0.29/month for 1 × Standard_X at $0.0004/h"},
		{3, "Standard_D3_v2", 0, ""},
		{0, "Standard_D3_v2", 0.229, ""},
	} {
		if got := CostLine(tc.nodes, tc.size, tc.price); got != tc.want {
			t.Errorf("CostLine(%d, %s, %v) = %q, want %q", tc.nodes, tc.size, tc.price, got, tc.want)
		}
	}
}

func TestDollars(t *testing.T) {
	for v, want := range map[float64]string{0.5: "$0.50", 9.994: "$9.99", 10: "$10", 501.51: "$502", 1234.4: "$1,234", 1234567: "$1,234,567"} {
		if got := Dollars(v); got != want {
			t.Errorf("Dollars(%v) = %q, want %q", v, got, want)
		}
	}
}
