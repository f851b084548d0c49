package rules

// Quota is one usage counter of a region: a VM family ("standardDv2Family")
// or the regional total ("cores").
type Quota struct {
	Name  string // usage name.value, e.g. "standardDv2Family" or "cores"
	Label string // localized, e.g. "Standard Dv2 Family vCPUs", "Total Regional vCPUs"
	Used  int
	Limit int
}

// Free is Limit-Used, never negative.
func (q Quota) Free() int { return 0 /* TODO */ }

// QuotaCheck is the outcome of one quota bar.
type QuotaCheck struct {
	OK        bool
	Requested int
	Free      int
	// Message e.g. "Standard Dv2 Family vCPUs: needs 12, 4 left of 10: request a quota increase, pick another region or size, or dev-test"
	Message string
}

// CheckQuota compares requested vCPUs with what is left of q.
func CheckQuota(q Quota, requested int) QuotaCheck { return QuotaCheck{} /* TODO */ }
