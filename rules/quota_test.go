package rules

import (
	"strings"
	"testing"
)

func TestQuotaFree(t *testing.T) {
	for _, tt := range []struct{ used, limit, free int }{{0, 10, 10}, {6, 10, 4}, {10, 10, 0}, {12, 10, 0}, {0, 0, 0}} {
		if got := (Quota{Used: tt.used, Limit: tt.limit}).Free(); got != tt.free {
			t.Errorf("Free(%d of %d) = %d, want %d", tt.used, tt.limit, got, tt.free)
		}
	}
}

func TestCheckQuota(t *testing.T) {
	dv2 := Quota{Name: "standardDv2Family", Label: "Standard Dv2 Family vCPUs", Used: 6, Limit: 10}
	tests := []struct {
		q         Quota
		requested int
		ok        bool
		msg       string
	}{
		{dv2, 12, false, "Standard Dv2 Family vCPUs: needs 12, 4 left of 10: request a quota increase, or pick another region or a smaller size"},
		{dv2, 5, false, "needs 5, 4 left of 10: request a quota increase"},
		{dv2, 4, true, "Standard Dv2 Family vCPUs: needs 4, 4 left of 10"}, // equal is OK
		{dv2, 3, true, "needs 3, 4 left of 10"},
		{Quota{Name: "cores", Used: 12, Limit: 10}, 1, false, "cores: needs 1, 0 left of 10"},
		{Quota{}, 0, true, "vCPUs: needs 0, 0 left of 0"},
	}
	for _, tt := range tests {
		c := CheckQuota(tt.q, tt.requested)
		if c.OK != tt.ok || !strings.Contains(c.Message, tt.msg) || strings.Contains(c.Message, "increase") == tt.ok || c.Requested != tt.requested || c.Free != tt.q.Free() {
			t.Errorf("CheckQuota(%+v, %d) = %+v; want ok %v %q", tt.q, tt.requested, c, tt.ok, tt.msg)
		}
	}
}
