package rules

import "fmt"

// Quota is one usage counter of a region: a VM family ("standardDv2Family")
// or the regional total ("cores").
type Quota struct {
	Name  string // usage name.value, e.g. "standardDv2Family" or "cores"
	Label string // localized, e.g. "Standard Dv2 Family vCPUs", "Total Regional vCPUs"
	Used  int
	Limit int
}

// Free is Limit-Used, never negative.
func (q Quota) Free() int { return max(0, q.Limit-q.Used) }

// title is the Label, else the Name, else "vCPUs".
func (q Quota) title() string {
	switch {
	case q.Label != "":
		return q.Label
	case q.Name != "":
		return q.Name
	}
	return "vCPUs"
}

// QuotaCheck is the outcome of one quota bar.
type QuotaCheck struct {
	OK        bool
	Requested int
	Free      int
	// Message e.g. "Standard Dv2 Family vCPUs: needs 12, 4 left of 10: request a quota increase, or pick another region or a smaller size"
	Message string
}

// quotaFix is what to do when a quota bar is short.
const quotaFix = "request a quota increase, or pick another region or a smaller size"

// CheckQuota compares requested vCPUs with what is left of q. Requesting
// exactly what is left is OK. When OK the Message reads
// "Standard Dv2 Family vCPUs: needs 12, 16 left of 20".
func CheckQuota(q Quota, requested int) QuotaCheck {
	c := QuotaCheck{Requested: requested, Free: q.Free()}
	c.OK = requested <= c.Free
	c.Message = fmt.Sprintf("%s: needs %d, %d left of %d", q.title(), requested, c.Free, q.Limit)
	if !c.OK {
		c.Message += ": " + quotaFix
	}
	return c
}
