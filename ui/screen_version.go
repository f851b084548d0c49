package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// versionScreen shows a region's Kubernetes versions: in create, the
// version the cluster will get (no choice) with the table to browse; in
// browse mode, any region, switched with ←/→ without leaving.
type versionScreen struct {
	p      *picker
	region string // browse: the region looked at
	last   string
	find   textinput.Model // browse: typing jumps to the best matching region
	// noMatch is the typed text when no region matches it.
	noMatch string
	// typedAt is when the last key went into find: after a pause the next
	// key starts a new search, as type-to-jump does in file managers
	typedAt time.Time
}

// jumpPause is how long a pause in typing starts a new region search.
const jumpPause = time.Second

func newVersionScreen() screen {
	s := &versionScreen{p: newPicker([]column{
		{Title: "Version", Width: 8, NoSort: true},
		{Title: "Default", Width: 7, NoSort: true},
		{Title: "Preview", Width: 7, NoSort: true},
		{Title: "Support plan", Width: 14, NoSort: true},
		{Title: "Patches → upgrades", Width: 20, Flex: 1, NoSort: true},
	}, false, ""), find: newInput("region: ", "type to jump")}
	s.find.SetWidth(16)
	s.find.CharLimit = 40
	return s
}

func (s *versionScreen) browse(m *common) bool { return m.Plan().Mode == wizard.ModeBrowse }

func (s *versionScreen) regionOf(m *common) string {
	if s.browse(m) {
		if s.region == "" {
			s.region = m.Plan().Region
			if s.region == "" {
				s.region = m.Plan().Workspace.Region
			}
		}
		return s.region
	}
	return m.Plan().Region
}

func (s *versionScreen) enter(m *common) tea.Cmd {
	if s.browse(m) {
		s.find.Focus()
	}
	return tea.Batch(m.calls.fetchVersions(s.regionOf(m), reqVersions, false), m.calls.fetchRegions(false))
}

func (s *versionScreen) sync(m *common) {
	r := s.regionOf(m)
	vs, sl := m.data.versionsData(r)
	sig := r + slotSig(sl)
	if sig == s.last {
		return
	}
	s.last = sig
	sorted := rules.SortVersions(slices.Clone(vs))
	rows := make([]row, 0, len(sorted))
	for _, v := range sorted {
		def, prev := "", ""
		if v.Default {
			def = "default"
		}
		if v.Preview {
			prev = "preview"
		}
		rows = append(rows, row{Cells: []string{v.Version, def, prev, planLabel(v), patchLine(v)}, Style: map[bool]int{true: 1}[v.Default]})
	}
	s.p.setRows(rows)
	for i, v := range sorted {
		if v.Default {
			s.p.cursor = i
		}
	}
}

func planLabel(v rules.Version) string {
	if v.LTSOnly() {
		return rules.LTSOnlyLabel
	}
	var out []string
	for _, p := range v.SupportPlans {
		switch p {
		case rules.PlanLTS:
			out = append(out, "LTS")
		case rules.PlanOfficial:
			out = append(out, "official")
		default:
			out = append(out, p)
		}
	}
	return strings.Join(out, "+")
}

func patchLine(v rules.Version) string {
	ps := make([]string, 0, len(v.Patches))
	for p := range v.Patches {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b string) int { return -compareVersion(a, b) })
	var out []string
	for _, p := range ps {
		if ups := v.Patches[p]; len(ups) > 0 {
			out = append(out, p+" → "+strings.Join(ups, ", "))
		} else {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// compareVersion compares dotted versions numerically.
func compareVersion(a, b string) int {
	as, bs := strings.Split(strings.TrimPrefix(a, "v"), "."), strings.Split(strings.TrimPrefix(b, "v"), ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			fmt.Sscanf(as[i], "%d", &x)
		}
		if i < len(bs) {
			fmt.Sscanf(bs[i], "%d", &y)
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// load fetches the versions of the region looked at, again after an error.
func (s *versionScreen) load(m *common) tea.Cmd {
	_, sl := m.data.versionsData(s.region)
	return m.calls.fetchVersions(s.region, reqVersions, sl.err != nil)
}

func (s *versionScreen) update(m *common, msg tea.Msg) tea.Cmd {
	s.sync(m)
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if s.browse(m) {
		switch {
		case key.Matches(k, m.keys.Left), key.Matches(k, m.keys.Right):
			regs, _ := m.data.regionsData()
			if len(regs) == 0 {
				return nil
			}
			i := 0
			for j, r := range regs {
				if strings.EqualFold(r.Name, s.region) {
					i = j
				}
			}
			if key.Matches(k, m.keys.Left) {
				i = (i - 1 + len(regs)) % len(regs)
			} else {
				i = (i + 1) % len(regs)
			}
			s.region = regs[i].Name
			// the arrows chose the region: the typed text no longer says it
			s.find.SetValue("")
			s.noMatch = ""
			return s.load(m)
		case key.Matches(k, m.keys.Enter):
			// done browsing: back to what to do with the workspace
			return m.nav.goTo(wizard.StepMode)
		case k.Text != "" || isEditKey(k.String()):
			now := time.Now()
			if k.Text != "" && now.Sub(s.typedAt) > jumpPause {
				s.find.SetValue("")
			}
			s.typedAt = now
			before := s.find.Value()
			s.find, _ = s.find.Update(msg)
			v := strings.TrimSpace(s.find.Value())
			if v == "" {
				s.noMatch = ""
				return nil
			}
			if s.find.Value() == before {
				return nil
			}
			regs, _ := m.data.regionsData()
			src := make([]string, len(regs))
			for i, r := range regs {
				src[i] = r.DisplayName + " " + r.Name
			}
			if hits := matchRank(v, src); len(hits) > 0 {
				s.noMatch = ""
				s.region = regs[hits[0]].Name
				return s.load(m)
			}
			s.noMatch = v
			return nil
		}
	} else {
		switch {
		case key.Matches(k, m.keys.Enter):
			return m.nav.advance()
		case key.Matches(k, m.keys.Quit):
			return m.nav.quit(Quit)
		}
	}
	_, cmd := s.p.update(msg, m.keys, 5)
	return cmd
}

func (s *versionScreen) view(m *common, w, h int) string {
	s.sync(m)
	r := s.regionOf(m)
	vs, _ := m.data.versionsData(r)
	var b strings.Builder
	label := m.show.regionLabel(r)
	if s.browse(m) {
		b.WriteString(m.st.Key.Render("←") + " " + m.st.Value.Render(label) + " " + m.st.Key.Render("→") + "   " + m.st.input(&s.find) + "\n")
		if s.noMatch != "" {
			b.WriteString(wrap(m.st.Warn.Render("no region matches "+quoteUI(s.noMatch))+m.st.Muted.Render(": backspace to change it; still showing "+label), w) + "\n")
		}
	} else {
		def, ok := rules.DefaultVersion(vs)
		if !ok {
			for _, v := range vs {
				if v.Default {
					def, ok = v, true
				}
			}
		}
		if ok {
			b.WriteString(wrap(fmt.Sprintf("A new cluster in %s gets Kubernetes %s, the region's default: a create cannot choose the version. The region's versions, to browse:",
				label, m.st.Value.Render(def.Version)), w) + "\n")
		} else {
			b.WriteString(wrap(fmt.Sprintf("A new cluster in %s gets the region's default Kubernetes version (a create cannot choose it).", label), w) + "\n")
		}
	}
	b.WriteString("\n")
	if s.browse(m) {
		_, sl := m.data.versionsData(r)
		switch {
		case sl.err != nil:
			return b.String() + wrap(m.st.Error.Render("✗ could not load the versions of "+label+": "+sl.err.Error()), w) + "\n" +
				m.st.Muted.Render("pick the region again (←/→ or type) to retry")
		case !sl.ok:
			return b.String() + m.spinner + " loading the versions of " + label + "…"
		}
	}
	det := ""
	if i := s.p.selected(); i >= 0 {
		row := s.p.rows[i]
		det = wrap(m.st.Muted.Render(row.Cells[0]+": "+nonEmpty(row.Cells[4], "no patch versions listed")), w)
	}
	lines := strings.Count(b.String(), "\n") + strings.Count(det, "\n") + 2
	b.WriteString(s.p.view(m.st, w, max(3, h-lines)))
	b.WriteString("\n\n" + det)
	return b.String()
}

func nonEmpty(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func (s *versionScreen) help(m *common) []key.Binding {
	if s.browse(m) {
		return []key.Binding{m.keys.Left, m.keys.Right, m.keys.Up, m.keys.Down, withHelp(m.keys.Enter, "done: back to the mode")}
	}
	return []key.Binding{withHelp(m.keys.Enter, "continue"), m.keys.Up, m.keys.Down}
}

func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

func (s *versionScreen) typing(m *common) bool { return s.browse(m) }

func (s *versionScreen) needs(m *common) []need {
	if s.browse(m) {
		return nil // the view waits inline, so typing a region never blocks
	}
	r := s.regionOf(m)
	_, sl := m.data.versionsData(r)
	return []need{{"Kubernetes versions of " + m.show.regionLabel(r), sl, func() tea.Cmd { return m.calls.fetchVersions(r, reqVersions, true) }}}
}
