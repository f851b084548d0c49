package rules

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
func (v Version) LTSOnly() bool { return false /* TODO */ }

// VersionStatus is what a region's list says about a cluster version.
type VersionStatus struct {
	Minor     string // "1.31" of "1.31.2"
	Supported bool   // the minor (and, for x.y.z, the patch if patches are listed) is in the list
	Preview   bool
	LTSOnly   bool
}

// CheckVersion looks up a cluster version ("1.31" or "1.31.2", with an
// optional leading "v") in a region's list.
func CheckVersion(list []Version, v string) VersionStatus { return VersionStatus{} /* TODO */ }

// DefaultVersion returns the list's default version.
func DefaultVersion(list []Version) (Version, bool) { return Version{}, false /* TODO */ }

// SupportedMinors lists the minors, oldest first, e.g. ["1.30","1.31","1.32","1.33"].
func SupportedMinors(list []Version) []string { return nil /* TODO */ }

// SortVersions orders minors newest first by numeric compare (1.10 > 1.9).
func SortVersions(list []Version) []Version { return list /* TODO */ }
