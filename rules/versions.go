package rules

import (
	"slices"
	"strconv"
	"strings"
)

// Support plans as AKS spells them.
const (
	PlanOfficial = "KubernetesOfficial"
	PlanLTS      = "AKSLongTermSupport"
)

// Version is one minor version of a region's AKS version list.
type Version struct {
	Version      string              // major.minor, e.g. "1.31"
	Default      bool                // the region's default (what a create gets)
	Preview      bool                // preview: no SLA
	SupportPlans []string            // PlanOfficial and/or PlanLTS
	Patches      map[string][]string // patch version → upgrades
}

// LTSOnly reports a version offered only with the AKS long-term support plan.
func (v Version) LTSOnly() bool {
	lts, official := false, false
	for _, p := range v.SupportPlans {
		switch {
		case strings.EqualFold(p, PlanLTS):
			lts = true
		case strings.EqualFold(p, PlanOfficial):
			official = true
		}
	}
	return lts && !official
}

// LTSOnlyLabel marks an LTS-only version in every version list: it needs
// the Premium tier, which is billed per cluster.
const LTSOnlyLabel = "LTS only (Premium tier)"

// PlanLabel is how a version list shows v's support plans: LTSOnlyLabel
// for an LTS-only version, "LTS" when long-term support is available
// too, "" otherwise.
func (v Version) PlanLabel() string {
	if v.LTSOnly() {
		return LTSOnlyLabel
	}
	for _, p := range v.SupportPlans {
		if strings.EqualFold(p, PlanLTS) {
			return "LTS"
		}
	}
	return ""
}

// PatchList returns the patch versions of v, oldest first (numeric order).
func (v Version) PatchList() []string {
	ps := make([]string, 0, len(v.Patches))
	for p := range v.Patches {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, compareVersions)
	return ps
}

// VersionStatus is what a region's list says about a cluster version.
type VersionStatus struct {
	Minor     string // "1.31" of "1.31.2"
	Supported bool   // the minor (and, for x.y.z, the patch if patches are listed) is in the list
	Preview   bool
	LTSOnly   bool
	// PatchUnlisted is true when the minor is in the list but the list
	// names its patches and this x.y.z is not one of them.
	PatchUnlisted bool
}

// CheckVersion looks up a cluster version ("1.31" or "1.31.2", with an
// optional leading "v") in a region's list. Minors compare numerically
// ("1.9" and "1.09" are the same minor). A version that does not parse gets
// a zero status (Minor "").
func CheckVersion(list []Version, v string) VersionStatus {
	want, ok := parseVersion(v)
	if !ok {
		return VersionStatus{}
	}
	st := VersionStatus{Minor: strconv.Itoa(want[0]) + "." + strconv.Itoa(want[1])}
	for _, e := range list {
		got, ok := parseVersion(e.Version)
		if !ok || got[0] != want[0] || got[1] != want[1] {
			continue
		}
		st.Preview, st.LTSOnly = e.Preview, e.LTSOnly()
		st.Supported = true
		if want[2] >= 0 && len(e.Patches) > 0 {
			st.Supported = slices.ContainsFunc(e.PatchList(), func(p string) bool {
				pv, ok := parseVersion(p)
				return ok && pv == want
			})
			st.PatchUnlisted = !st.Supported
		}
		return st
	}
	return st
}

// DefaultVersion returns the list's default version (the first marked
// default).
func DefaultVersion(list []Version) (Version, bool) {
	for _, v := range list {
		if v.Default {
			return v, true
		}
	}
	return Version{}, false
}

// SupportedMinors lists the minors, oldest first, e.g. ["1.30","1.31","1.32","1.33"].
// Duplicates are dropped; the strings are as the list spells them, without
// a leading "v".
func SupportedMinors(list []Version) []string {
	sorted := SortVersions(list)
	out := make([]string, 0, len(sorted))
	for i := len(sorted) - 1; i >= 0; i-- {
		m := trimV(sorted[i].Version)
		if len(out) > 0 && compareVersions(out[len(out)-1], m) == 0 {
			continue
		}
		out = append(out, m)
	}
	return out
}

// SortVersions orders minors newest first by numeric compare (1.10 > 1.9).
// It returns a sorted copy; the input is not changed. Versions that do not
// parse go last.
func SortVersions(list []Version) []Version {
	out := slices.Clone(list)
	slices.SortStableFunc(out, func(a, b Version) int { return compareVersions(b.Version, a.Version) })
	return out
}

// CompareVersions compares two Kubernetes versions numerically ("1.10" >
// "1.9"; "1.31.2" > "1.31"); it returns -1, 0 or +1. Versions that do not
// parse are smaller than those that do.
func CompareVersions(a, b string) int { return compareVersions(a, b) }

func compareVersions(a, b string) int {
	va, oka := parseVersion(a)
	vb, okb := parseVersion(b)
	switch {
	case !oka && !okb:
		return strings.Compare(a, b)
	case !oka:
		return -1
	case !okb:
		return 1
	}
	for i := range va {
		if c := va[i] - vb[i]; c != 0 {
			if c < 0 {
				return -1
			}
			return 1
		}
	}
	return 0
}

func trimV(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 0 && (s[0] == 'v' || s[0] == 'V') {
		s = s[1:]
	}
	return s
}

// parseVersion reads "1.31" or "v1.31.2" as [major, minor, patch]; patch is
// -1 when absent. A pre-release or build suffix on the patch ("1.31.2-rc1")
// is ignored.
func parseVersion(s string) ([3]int, bool) {
	parts := strings.Split(trimV(s), ".")
	if len(parts) < 2 || len(parts) > 3 {
		return [3]int{}, false
	}
	v := [3]int{0, 0, -1}
	for i, p := range parts {
		if i == 2 {
			if j := strings.IndexAny(p, "-+"); j >= 0 {
				p = p[:j]
			}
		}
		if p == "" || len(p) > 9 || strings.Trim(p, "0123456789") != "" {
			return [3]int{}, false
		}
		v[i], _ = strconv.Atoi(p)
	}
	return v, true
}
