package sim

import (
	"sort"
	"strings"
)

// world is the immutable fixture data of one Handler, with indexes.
type world struct {
	subs       []subscription
	regions    []region
	sizes      []vmSize
	workspaces []workspace
	clusters   []cluster
	versions   map[string][]k8sMinor

	subIdx    map[string]int // lower-case id
	regionIdx map[string]int // lower-case name
	sizeIdx   map[string]int // lower-case name
	families  []string       // catalog order, unique
	famClass  map[string]string
}

func newWorld() *world {
	w := &world{
		subs: subscriptionTable(), regions: regionTable(), sizes: sizeCatalog(), workspaces: workspaceTable(),
		clusters: clusterTable(), versions: versionProfiles(),
		subIdx: map[string]int{}, regionIdx: map[string]int{}, sizeIdx: map[string]int{}, famClass: map[string]string{},
	}
	for i, s := range w.subs {
		w.subIdx[strings.ToLower(s.ID)] = i
	}
	for i, r := range w.regions {
		w.regionIdx[r.Name] = i
	}
	for i, s := range w.sizes {
		w.sizeIdx[strings.ToLower(s.Name)] = i
		if _, ok := w.famClass[s.Family]; !ok {
			w.families = append(w.families, s.Family)
			w.famClass[s.Family] = s.Class
		}
	}
	return w
}

func (w *world) sub(id string) *subscription {
	if i, ok := w.subIdx[strings.ToLower(id)]; ok {
		return &w.subs[i]
	}
	return nil
}

// region returns a region by name, logical ones included.
func (w *world) region(name string) *region {
	if i, ok := w.regionIdx[strings.ToLower(name)]; ok {
		return &w.regions[i]
	}
	return nil
}

// physical returns a physical region by name, or nil.
func (w *world) physical(name string) *region {
	if r := w.region(name); r != nil && !r.Logical {
		return r
	}
	return nil
}

func (w *world) size(name string) *vmSize {
	if i, ok := w.sizeIdx[strings.ToLower(name)]; ok {
		return &w.sizes[i]
	}
	return nil
}

// offered reports whether size s exists in region (restrictions aside).
func (w *world) offered(s *vmSize, region string) bool {
	if w.physical(region) == nil {
		return false
	}
	if s.Regions == nil {
		return true
	}
	for _, r := range s.Regions {
		if r == region {
			return true
		}
	}
	return false
}

// restricted returns the subscription's restrictions of size s in region:
// location (unusable) and zones (usable, but not in those zones).
func (w *world) restricted(sub *subscription, s *vmSize, region string) (location bool, zones []string) {
	if sub.RestrictAccelerated && (s.accelerated() || s.Class == "hpc" || s.Family == "standardMSFamily") {
		return true, nil
	}
	for _, n := range sub.Restricted[region] {
		if strings.EqualFold(n, s.Name) {
			return true, nil
		}
	}
	return false, sub.ZoneRestricted[region][s.Name]
}

// limit is the quota limit of name ("cores", a family, ...) in region.
func (w *world) limit(sub *subscription, region, name string) int {
	if v, ok := sub.Limits[region+"/"+name]; ok {
		return v
	}
	switch name {
	case "cores", "lowPriorityCores":
		return sub.CoresLimit
	case "availabilitySets", "virtualMachineScaleSets":
		return 2500
	case "virtualMachines":
		return 25000
	}
	switch w.famClass[name] {
	case "gpu", "fpga", "hpc":
		return 0
	}
	if name == "standardMSFamily" {
		return 0
	}
	return sub.FamilyLimit
}

// baseUsage is the fixture usage of sub in region: running fixture
// clusters plus the subscription's extra VMs. Keys are usage names.
func (w *world) baseUsage(sub *subscription, region string) map[string]int {
	u := map[string]int{}
	for i := range w.clusters {
		c := &w.clusters[i]
		if !strings.EqualFold(c.Sub, sub.ID) || c.Location != region || c.PowerState != "Running" {
			continue
		}
		addClusterUsage(w, u, c, 1)
	}
	for k, v := range sub.Extra {
		if r, fam, ok := strings.Cut(k, "/"); ok && r == region {
			u[fam] += v
			u["cores"] += v
			if s := w.familySize(fam); s != nil && s.VCPUs > 0 {
				u["virtualMachines"] += v / s.VCPUs
			}
		}
	}
	return u
}

// familySize returns the first size of family fam (for VM counts).
func (w *world) familySize(fam string) *vmSize {
	for i := range w.sizes {
		if w.sizes[i].Family == fam {
			return &w.sizes[i]
		}
	}
	return nil
}

// addClusterUsage adds (sign 1) or removes (sign -1) the vCPUs of c's
// pools to usage map u.
func addClusterUsage(w *world, u map[string]int, c *cluster, sign int) {
	for _, p := range c.Pools {
		s := w.size(p.VMSize)
		if s == nil {
			continue
		}
		n := sign * p.Count * s.VCPUs
		u[s.Family] += n
		u["cores"] += n
		u["virtualMachines"] += sign * p.Count
		u["virtualMachineScaleSets"] += sign
	}
}

// versionsFor returns region's Kubernetes version list (nil for unknown or
// logical regions).
func (w *world) versionsFor(region string) []k8sMinor {
	r := w.physical(region)
	if r == nil {
		return nil
	}
	return w.versions[r.Versions]
}

// supportedRange is the "A - B" of AML's unsupported-version message: the
// lowest minor's .0 to the highest patch.
func supportedRange(vs []k8sMinor) (lo, hi string) {
	if len(vs) == 0 {
		return "", ""
	}
	lo = vs[0].Version + ".0"
	last := vs[len(vs)-1]
	hi = last.Version + ".0"
	if len(last.Patches) > 0 {
		hi = last.Patches[len(last.Patches)-1]
	}
	return lo, hi
}

// minorOf returns "1.36" for "1.36.7" (and for "1.36").
func minorOf(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

// defaultPatch is the newest patch of region's default minor: the version
// a create gets.
func defaultPatch(vs []k8sMinor) string {
	for _, m := range vs {
		if m.Default && len(m.Patches) > 0 {
			return m.Patches[len(m.Patches)-1]
		}
	}
	return ""
}

// upgrades lists, for patch p of minor index i, the newer patches of the
// same minor and every patch of the next minor.
func upgrades(vs []k8sMinor, i int, p string) []string {
	out := []string{}
	seen := false
	for _, q := range vs[i].Patches {
		if seen {
			out = append(out, q)
		}
		if q == p {
			seen = true
		}
	}
	if i+1 < len(vs) {
		out = append(out, vs[i+1].Patches...)
	}
	return out
}

func (w *world) workspace(sub, rg, name string) *workspace {
	for i := range w.workspaces {
		ws := &w.workspaces[i]
		if strings.EqualFold(ws.Sub, sub) && strings.EqualFold(ws.RG, rg) && strings.EqualFold(ws.Name, name) {
			return ws
		}
	}
	return nil
}

// resourceGroupExists reports whether rg holds any fixture resource of sub.
func (w *world) resourceGroupExists(sub, rg string) bool {
	for _, ws := range w.workspaces {
		if strings.EqualFold(ws.Sub, sub) && strings.EqualFold(ws.RG, rg) {
			return true
		}
	}
	for _, c := range w.clusters {
		if strings.EqualFold(c.Sub, sub) && strings.EqualFold(c.RG, rg) {
			return true
		}
	}
	return false
}

// sortedKeys returns m's keys in order (deterministic JSON building).
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
