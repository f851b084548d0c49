package rules

import (
	"fmt"
	"math"
	"strconv"
)

// HoursPerMonth is Azure's billing month: 730 hours (365 days × 24 h / 12),
// the figure the Azure pricing calculator multiplies hourly prices by.
const HoursPerMonth = 730

// MonthlyCost is what nodes VMs at pricePerHour cost in a 730-hour month
// (compute only: no disks, load balancer or egress). It is 0 when the node
// count or the price is not positive (unknown).
func MonthlyCost(nodes int, pricePerHour float64) float64 {
	if nodes <= 0 || !(pricePerHour > 0) || math.IsInf(pricePerHour, 0) {
		return 0
	}
	return float64(nodes) * pricePerHour * HoursPerMonth
}

// CostLine is "≈ $502/month for 3 × Standard_D3_v2 at $0.229/h", or ""
// when the price is unknown (0) or there are no nodes. Dollars are rounded
// to whole dollars (cents below $10).
func CostLine(nodes int, size string, pricePerHour float64) string {
	m := MonthlyCost(nodes, pricePerHour)
	if m == 0 {
		return ""
	}
	return fmt.Sprintf("≈ %s/month for %d × %s at %s/h", Dollars(m), nodes, orDefault(size, "this size"), hourly(pricePerHour))
}

// PremiumTierPerHour is what AKS's Premium tier adds per cluster and hour
// (USD, pay-as-you-go; the AKS pricing page, azure.microsoft.com/pricing/details/kubernetes-service):
// the tier long-term support needs. No Azure API serves this rate to
// amlaks, so it is written here.
const PremiumTierPerHour = 0.60

// CostScope says what a CostLine counts, wherever it is shown.
const CostScope = "VMs only (pay-as-you-go, 730 h a month); disks, load balancer, traffic extra"

// Dollars renders a monthly figure: "$502", "$1,234", "$8.76".
func Dollars(v float64) string {
	if v < 10 {
		return "$" + strconv.FormatFloat(v, 'f', 2, 64)
	}
	n := int64(math.Round(v))
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return "$" + s
}

// hourly renders an hourly price with three decimals ("$0.229"), more when
// that would show $0.000.
func hourly(p float64) string {
	s := strconv.FormatFloat(p, 'f', 3, 64)
	if s == "0.000" {
		s = strconv.FormatFloat(p, 'g', 2, 64)
	}
	return "$" + s
}
