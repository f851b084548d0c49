package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// reviewScreen sums up every answer with its source, runs the preflight
// (a Cmd) and shows its findings; any Block disables Submit. A key shows
// the equivalent az command, Python snippet and REST body.
type reviewScreen struct {
	req     int
	loading bool
	report  *wizard.Report
	err     error
	showEq  bool
	eqTab   int
	scroll  int
	hscroll int // equivalents: first column shown (code lines are never wrapped)
}

type preflightMsg struct {
	req    int
	report wizard.Report
	err    error
}

const reqPreflight = "preflight"

func newReviewScreen() screen { return &reviewScreen{} }

func (s *reviewScreen) enter(m *common) tea.Cmd {
	s.showEq, s.scroll = false, 0
	return s.run(m)
}

func (s *reviewScreen) run(m *common) tea.Cmd {
	s.req = m.data.nextReq(reqPreflight)
	s.loading, s.report, s.err = true, nil, nil
	return m.calls.preflight(s.req)
}

func (s *reviewScreen) busy() bool { return s.loading }

// canSubmit says why Submit is disabled ("" when it is not).
func (s *reviewScreen) blockedBy(m *common) string {
	switch {
	case m.nav.Op() != nil && (m.nav.Op().submitting || m.nav.Op().running):
		return "a submit is already running"
	case s.loading:
		return "wait for the preflight checks"
	case s.err != nil:
		return "the preflight could not run: r retries"
	case s.report == nil:
		return "the preflight has not run"
	case s.report.Blocked():
		return "fix the BLOCK findings first (esc goes back)"
	case m.nav.guardBusy(m.Plan().GuardKey()):
		return "a submit of this " + map[bool]string{true: "cluster", false: "name"}[m.Plan().Mode == wizard.ModeAttach] + " is already running from this session"
	}
	return ""
}

func (s *reviewScreen) update(m *common, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case preflightMsg:
		if msg.req != s.req {
			return nil
		}
		s.loading = false
		if msg.err != nil {
			s.err = msg.err
			return nil
		}
		r := msg.report
		s.report = &r
		return nil
	case tea.KeyPressMsg:
		k := m.keys
		if s.showEq {
			switch {
			case key.Matches(msg, k.NextTab):
				s.eqTab = (s.eqTab + 1) % 3
				s.scroll, s.hscroll = 0, 0
			case key.Matches(msg, k.Left):
				s.hscroll = max(0, s.hscroll-eqStep)
			case key.Matches(msg, k.Right):
				s.hscroll += eqStep
			case key.Matches(msg, k.Up):
				s.scroll = max(0, s.scroll-1)
			case key.Matches(msg, k.Down):
				s.scroll++
			case key.Matches(msg, k.Equivalents):
				s.showEq = false
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.Equivalents):
			s.showEq, s.scroll, s.hscroll = true, 0, 0
		case key.Matches(msg, k.Retry) && s.err != nil:
			return s.run(m)
		case key.Matches(msg, k.Enter):
			if s.blockedBy(m) != "" {
				// the foot says why, once: a flash would repeat it, and
				// outlive the reason (the preflight finishing)
				return nil
			}
			return m.nav.submit()
		case key.Matches(msg, k.Up):
			s.scroll = max(0, s.scroll-1)
		case key.Matches(msg, k.Down):
			s.scroll++
		}
	}
	return nil
}

func (s *reviewScreen) esc(m *common) bool {
	if s.showEq {
		s.showEq = false
		return true
	}
	return false
}

func (s *reviewScreen) view(m *common, w, h int) string {
	if s.showEq {
		return s.eqView(m, w, h)
	}
	st := m.st
	p := m.Plan()
	var b strings.Builder
	verb := "Create"
	kind := wizard.OpCreate
	if p.Mode == wizard.ModeAttach {
		verb, kind = "Attach", wizard.OpAttach
	}
	what := p.Variant().Word
	b.WriteString(fmt.Sprintf("%s %s %s %s %s · takes about %s\n", verb, what, st.Value.Render(p.Name), prep(kind), p.Workspace.Name, humanDur(m.show.expectedOf(p))))
	if note := p.Variant().Note; note != "" && p.From(wizard.FComputeType) != wizard.Asked {
		// said once: the compute type step, which says it, was not shown
		b.WriteString(wrap(st.Muted.Render(wizardWords(note)), w) + "\n")
	}
	b.WriteString("\n")
	for _, r := range summaryRows(m, s.report) {
		src := ""
		if r.src != wizard.Unset {
			src = st.Muted.Render(r.src.String())
		}
		vw := max(10, w-2-12-1-12)
		lines := strings.Split(wrap(r.value, vw), "\n")
		for i, l := range lines {
			label := strings.Repeat(" ", 12)
			if i == 0 {
				label = fit(r.label, 12, false)
			}
			tail := ""
			if i == 0 {
				tail = " " + src
			}
			b.WriteString(strings.TrimRight("  "+label+" "+fit(l, vw, false)+tail, " ") + "\n")
		}
	}
	b.WriteString(st.Muted.Render(fit("  right: asked = chosen here · default = kept as offered · flag = command line", w, false)) + "\n\n")
	switch {
	case s.loading:
		b.WriteString(m.spinner + " running the preflight checks…\n")
	case s.err != nil:
		b.WriteString(wrap(st.Error.Render("✗ the preflight could not run: "+s.err.Error()), w) + "\n")
		if hint := wizard.HintOf(s.err); hint != "" {
			b.WriteString(wrap(st.Info.Render("  what to do: ")+hint, w) + "\n")
		}
		b.WriteString(st.Key.Render("  r") + " retry\n")
	case s.report != nil:
		b.WriteString(st.Header.Render("Preflight") + "\n")
		if len(s.report.Findings) == 0 {
			b.WriteString(st.OK.Render("  ✓ no findings") + "\n")
		}
		for _, f := range sortFindings(s.report.Findings) {
			b.WriteString(findingLine(st, f, w) + "\n")
		}
	}
	var foot string
	if why := s.blockedBy(m); why != "" {
		foot = st.Warn.Render("Submit is disabled: " + why)
	} else {
		foot = st.Key.Render("enter") + " submit the " + strings.ToLower(verb) + "   " + st.Key.Render("e") + " equivalent az / Python / REST"
	}
	foot = wrap(foot, w)
	avail := max(2, h-strings.Count(foot, "\n")-1)
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	more := ""
	if len(lines) > avail {
		s.scroll = max(0, min(s.scroll, len(lines)-avail+1))
		lines = lines[s.scroll:]
		if len(lines) > avail-1 {
			lines = lines[:avail-1]
			more = st.Muted.Render("  ↓ more: ↑/↓ scroll")
		}
	} else {
		s.scroll = 0
	}
	if more == "" {
		// everything fits: no "more" line (an empty one would push the
		// foot off a window the lines fill exactly)
		return strings.Join(lines, "\n") + "\n" + foot
	}
	return strings.Join(lines, "\n") + "\n" + more + "\n" + foot
}

type summaryRow struct {
	label, value string
	src          wizard.Source
}

func summaryRows(m *common, rep *wizard.Report) []summaryRow {
	p := m.Plan()
	ws := fmt.Sprintf("%s (%s, %s)", p.Workspace.Name, p.Workspace.ResourceGroup, p.Workspace.Region)
	rows := []summaryRow{{"Workspace", ws, p.From(wizard.FWorkspace)}}
	rows = append(rows, summaryRow{"Purpose", p.Purpose.Label() + " (" + string(p.Purpose) + ")", p.From(wizard.FPurpose)})
	if p.Mode == wizard.ModeAttach {
		cl := p.Cluster
		if rep != nil && rep.Facts.Cluster != nil {
			cl = rep.Facts.Cluster
		}
		if cl != nil {
			rows = append(rows, summaryRow{"Cluster", fmt.Sprintf("%s (%s, %s, Kubernetes %s, %s, %d vCPUs)", cl.Name, cl.ResourceGroup, cl.Region, cl.Version, rules.Plural(cl.Nodes(), "node"), cl.VCPUs()), p.From(wizard.FCluster)})
		} else {
			rows = append(rows, summaryRow{"Cluster", p.ClusterID, p.From(wizard.FCluster)})
		}
	} else {
		rows = append(rows, summaryRow{"Region", m.show.regionLabel(p.Region), p.From(wizard.FRegion)})
		ver := "the region's default"
		if rep != nil && rep.Facts.Default != "" {
			ver = rep.Facts.Default + " (the region's default)"
		} else if vs, _ := m.data.versionsData(p.Region); len(vs) > 0 {
			for _, v := range vs {
				if v.Default {
					ver = v.Version + " (the region's default)"
				}
			}
		}
		if wizard.Asks(&p, wizard.StepVersion) { // the Kubernetes compute's version is a row of its own step
			rows = append(rows, summaryRow{"Kubernetes", ver, wizard.Unset})
		}
		size := p.VMSize
		if z, _, ok := m.show.size(); ok {
			size = z.Name + " (" + z.Shape() + ")"
			rows = append(rows, summaryRow{"VM size", size, p.From(wizard.FVMSize)})
			rows = append(rows, summaryRow{"Nodes", fmt.Sprintf("%d (%s)", p.Nodes, rules.Plural(p.Nodes*z.VCPUs, "vCPU")), p.From(wizard.FNodes)})
			rows = append(rows, summaryRow{"Cost", costText(p.Nodes, z), wizard.Unset})
		} else {
			rows = append(rows, summaryRow{"VM size", size, p.From(wizard.FVMSize)}, summaryRow{"Nodes", fmt.Sprint(p.Nodes), p.From(wizard.FNodes)})
		}
		if wizard.Asks(&p, wizard.StepNetwork) {
			rows = append(rows, summaryRow{"Networking", networkLabel(p.Network), p.From(wizard.FNetwork)})
		}
	}
	rows = append(rows, k8sSummaryRows(m)...)
	tls := tlsLabel(p.TLS)
	if p.Variant().TLS.PlainHTTP && p.TLS.Mode == rules.TLSOff {
		tls = "off: plain HTTP (allowInsecureConnections)"
	}
	rows = append(rows, summaryRow{"TLS", tls, p.From(wizard.FTLS)})
	rows = append(rows, summaryRow{"Name", p.Name, p.From(wizard.FName)})
	return rows
}

func networkLabel(n rules.Network) string {
	lb := "public IP"
	if n.Internal() {
		lb = "internal load balancer in " + n.LoadBalancerSubnet
	}
	if !n.Custom() {
		return "basic (AML-managed), " + lb
	}
	return fmt.Sprintf("VNet %s/%s subnet %s, services %s, DNS %s, bridge %s, %s", n.VNetResourceGroup, n.VNet, n.Subnet, n.ServiceCIDR, n.DNSServiceIP, n.DockerBridgeCIDR, lb)
}

// tlsLabel never shows key material: only file names.
func tlsLabel(t rules.TLS) string {
	switch t.Mode {
	case rules.TLSMicrosoft:
		s := "Microsoft certificate for " + t.LeafDomainLabel
		if t.Overwrite {
			s += " (overwrite)"
		}
		return s
	case rules.TLSCustom:
		return fmt.Sprintf("own certificate %s, key %s, CNAME %s", t.CertFile, t.KeyFile, t.CNAME)
	}
	return "off"
}

func sortFindings(fs []rules.Finding) []rules.Finding {
	out := make([]rules.Finding, 0, len(fs))
	for _, sev := range []rules.Severity{rules.Block, rules.Warn, rules.Info} {
		for _, f := range fs {
			if f.Severity == sev {
				out = append(out, f)
			}
		}
	}
	return out
}

func findingLine(st *styles, f rules.Finding, w int) string {
	var label string
	switch f.Severity {
	case rules.Block:
		label = st.Block.Render("BLOCK")
	case rules.Warn:
		label = st.Warn.Render("WARN ")
	default:
		label = st.Info.Render("INFO ")
	}
	text := wizardWords(f.Message)
	if f.Fix != "" {
		text += " — " + wizardWords(f.Fix)
	}
	wrapped := wrap(text, max(20, w-9))
	return "  " + label + "  " + strings.ReplaceAll(wrapped, "\n", "\n         ")
}

func humanDur(d interface{ Minutes() float64 }) string {
	mins := d.Minutes()
	if mins >= 1 {
		return fmt.Sprintf("%.0f min", mins)
	}
	if secs := mins * 60; secs >= 1 {
		return fmt.Sprintf("%.0f s", secs)
	}
	return "under a second"
}

func (s *reviewScreen) eqView(m *common, w, h int) string {
	st := m.st
	tabs := []string{"az CLI", "Python SDK", "REST"}
	var head []string
	for i, t := range tabs {
		if i == s.eqTab {
			head = append(head, st.Selected.Render("["+t+"]"))
		} else {
			head = append(head, st.Muted.Render(" "+t+" "))
		}
	}
	body := m.show.equivalentsText(s.eqTab)
	// code is never wrapped: a line broken without its `\` does not paste.
	// Lines wider than the screen are cut at its edge; ←/→ scroll sideways.
	lines := strings.Split(body, "\n")
	widest := 0
	for _, l := range lines {
		widest = max(widest, ansi.StringWidth(l))
	}
	note := "secrets are shown as <redacted>"
	if widest > w {
		s.hscroll = max(0, min(s.hscroll, widest-w))
		note += fmt.Sprintf(" · lines are cut at the edge: ←/→ scroll sideways (columns %d–%d of %d)", s.hscroll+1, min(widest, s.hscroll+w), widest)
		for i, l := range lines {
			lines[i] = ansi.Cut(l, s.hscroll, s.hscroll+w)
		}
	} else {
		s.hscroll = 0
	}
	note = wrap(note, w)
	top := strings.Join(head, " ") + "\n" + st.Muted.Render(note) + "\n\n"
	s.scroll = max(0, min(s.scroll, len(lines)-(h-strings.Count(top, "\n"))))
	lines = lines[s.scroll:]
	return top + strings.Join(lines, "\n")
}

// eqStep is how far ←/→ scroll the equivalents sideways.
const eqStep = 20

func (s *reviewScreen) help(m *common) []key.Binding {
	k := m.keys
	if s.showEq {
		return []key.Binding{k.NextTab, k.Up, k.Down, withHelp(k.Left, "scroll left"), withHelp(k.Right, "scroll right"), withHelp(k.Equivalents, "back to review")}
	}
	sub := withHelp(k.Enter, "submit")
	if s.blockedBy(m) != "" {
		sub.SetEnabled(false)
	}
	return []key.Binding{sub, k.Equivalents}
}
func (s *reviewScreen) typing(m *common) bool  { return false }
func (s *reviewScreen) needs(m *common) []need { return nil }

// costText is the monthly cost of the nodes, or why it is not shown.
func costText(nodes int, z wizard.VMSize) string {
	if line := rules.CostLine(nodes, z.Name, z.PricePerHour); line != "" {
		return line + "; " + rules.CostScope
	}
	return "price not known here: see the Azure pricing calculator for " + z.Name
}
