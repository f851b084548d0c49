package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// sizeScreen is the VM size table: filterable as typed, sortable,
// restricted sizes hidden unless shown greyed with their reason.
type sizeScreen struct {
	p     *picker
	last  string
	sizes []wizard.VMSize // rows, in the order given to the picker
}

func newSizeScreen() screen {
	return &sizeScreen{p: newPicker([]column{
		{Title: "VM size", Width: 16, Max: 30, Flex: 1, Key: true},
		{Title: "vCPUs", Width: 6, Right: true, Numeric: true, Desc: true},
		{Title: "GiB", Width: 6, Right: true, Numeric: true, Desc: true},
		{Title: "GPUs", Width: 4, Right: true, Numeric: true, Desc: true},
		{Title: "Family", Width: 10, Max: 30, Flex: 1},
		{Title: "Left", Width: 5, Right: true, Numeric: true, Desc: true},
		{Title: "$/hour", Width: 6, Right: true, Numeric: true},
		{Title: "", Width: 3, NoSort: true},
	}, true, "type to filter, e.g. d4 or nc")}
}

func (s *sizeScreen) enter(m *common) tea.Cmd {
	s.sync(m)
	return m.calls.fetchSizes(m.Plan().Region, false)
}

func (s *sizeScreen) sync(m *common) {
	l, sl := m.data.sizesData(m.Plan().Region)
	sig := m.Plan().Region + slotSig(sl)
	if sig == s.last {
		return
	}
	s.last = sig
	// natural order by name until the user sorts: D3_v2 before D13_v2
	l.Sizes = slices.Clone(l.Sizes)
	slices.SortStableFunc(l.Sizes, func(a, b wizard.VMSize) int {
		return wizard.NaturalCompare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	s.sizes = l.Sizes
	s.p.anchor = m.Plan().VMSize
	s.p.setRows(sizeRows(l))
	p := m.Plan()
	chosen := p.Given(wizard.FVMSize) || p.From(wizard.FVMSize) == wizard.Asked
	if z, ok := l.Find(p.VMSize); ok && (z.Restricted == "" || chosen) {
		s.p.selectKey(p.VMSize)
		return
	}
	// a size that is not offered here (--vm-size Standard_Foo, or the
	// product default in a region without it): start from the region's
	// default, not the first row
	if d, ok := l.DefaultSize(); ok {
		s.p.anchor = d.Name
		s.p.selectKey(d.Name)
	}
}

func sizeRows(l wizard.SizeList) []row {
	rows := make([]row, len(l.Sizes))
	for i, z := range l.Sizes {
		left, leftN := "?", -1.0
		if !l.QuotaUnknown && (z.FamilyQuota.Limit > 0 || z.FamilyQuota.Name != "") {
			left, leftN = strconv.Itoa(z.FamilyQuota.Free()), float64(z.FamilyQuota.Free())
		}
		price, priceN := "", 1e9
		if z.PricePerHour > 0 {
			price, priceN = fmt.Sprintf("%.3f", z.PricePerHour), z.PricePerHour
		}
		gpus := ""
		if z.GPUs > 0 {
			gpus = strconv.Itoa(z.GPUs)
		}
		tag := ""
		unusable := z.Restricted != "" || belowAKSMinimum(z)
		switch {
		case unusable:
			tag = "✗"
		case z.GPUs > 0:
			tag = "GPU"
		case z.FPGA:
			tag = "FPG"
		}
		rows[i] = row{
			Cells:  []string{z.Name, strconv.Itoa(z.VCPUs), wizard.Decimal(z.MemoryGB), gpus, z.Family, left, price, tag},
			Num:    []float64{0, float64(z.VCPUs), z.MemoryGB, float64(z.GPUs), 0, leftN, priceN, 0},
			Filter: z.Name + " " + z.Family,
			Hidden: unusable,
			Dim:    unusable,
		}
	}
	return rows
}

// belowAKSMinimum reports a size too small for an AKS node: marked and
// refused in the size step like a restricted one, not first at review.
func belowAKSMinimum(z wizard.VMSize) bool {
	return len(rules.CheckNodeSize(z.Name, z.VCPUs, z.MemoryGB)) > 0
}

func (s *sizeScreen) update(m *common, msg tea.Msg) tea.Cmd {
	s.sync(m)
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, m.keys.Enter):
			i := s.p.selected()
			if i < 0 || i >= len(s.sizes) {
				m.nav.Flash("no size matches: widen the filter")
				return nil
			}
			z := s.sizes[i]
			if z.Restricted != "" {
				m.nav.Flash(z.Name + " cannot be used here: " + z.Restricted)
				return nil
			}
			if vs := rules.CheckNodeSize(z.Name, z.VCPUs, z.MemoryGB); len(vs) > 0 {
				m.nav.Flash(vs[0].Message)
				return nil
			}
			return answer(wizard.FVMSize, z.Name)
		case key.Matches(k, m.keys.Sort):
			s.p.nextSort()
			return nil
		case key.Matches(k, m.keys.Restricted):
			s.p.toggleHidden()
			return nil
		}
	}
	_, cmd := s.p.update(msg, m.keys, 10)
	return cmd
}

func (s *sizeScreen) view(m *common, w, h int) string {
	s.sync(m)
	l, _ := m.data.sizesData(m.Plan().Region)
	shown, total := s.p.count()
	hidden := 0
	for _, z := range l.Sizes {
		if z.Restricted != "" {
			hidden++
		}
	}
	head := fmt.Sprintf("VM sizes in %s for this subscription: %d of %d shown", m.show.regionLabel(m.Plan().Region), shown, total)
	if hidden > 0 && !s.p.showHidden {
		head += fmt.Sprintf(", %d restricted hidden", hidden)
	}
	head += ". The size cannot be changed later."
	switch {
	case l.PricesUnknown && l.QuotaUnknown:
		head += " Prices and quota could not be read from Azure: those columns are empty."
	case l.PricesUnknown:
		head += " Prices could not be read from Azure: the $/hour column is empty."
	case l.QuotaUnknown:
		head += " Quota could not be read from Azure: the Left column is empty."
	}
	var det strings.Builder
	if i := s.p.selected(); i >= 0 && i < len(s.sizes) {
		z := s.sizes[i]
		small := rules.CheckNodeSize(z.Name, z.VCPUs, z.MemoryGB)
		switch {
		case z.Restricted != "":
			det.WriteString(m.st.Error.Render("✗ " + z.Name + ": " + z.Restricted))
		case len(small) > 0:
			det.WriteString(m.st.Error.Render("✗ " + small[0].Message))
		case m.Plan().Variant().SizeNote(z) != "":
			det.WriteString(m.st.Tag.Render(m.Plan().Variant().SizeNote(z)))
		}
		if z.Restricted == "" && len(small) == 0 {
			if det.Len() > 0 {
				det.WriteString("\n")
			}
			nodes := wizard.SuggestedNodes(m.Plan(), z)
			sc := m.Plan().SizeCheck(z.Name, nodes, z.VCPUs)
			line := fmt.Sprintf("%s × %s = %d vCPUs · %s", rules.Plural(nodes, "node"), rules.Plural(z.VCPUs, "vCPU"), sc.TotalVCPUs, sc.Rule)
			quota := ""
			if !l.QuotaUnknown && sc.TotalVCPUs > 0 {
				for _, q := range []rules.Quota{z.FamilyQuota, l.RegionQuota} {
					if qc := rules.CheckQuota(q, sc.TotalVCPUs); !qc.OK && quota == "" {
						quota = qc.Message
					}
				}
			}
			switch {
			case sc.OK && quota == "" && len(sc.Advice) == 0:
				det.WriteString(m.st.OK.Render("✓ ") + line)
			case quota != "":
				det.WriteString(m.st.Warn.Render("! ") + line + "\n" + m.st.Error.Render("✗ "+quota))
			default:
				det.WriteString(m.st.Warn.Render("! ") + line)
			}
		}
	}
	d := wrap(det.String(), w)
	hd := wrap(m.st.Muted.Render(head), w)
	used := strings.Count(hd, "\n") + 2 + strings.Count(d, "\n") + 2
	return hd + "\n\n" + s.p.view(m.st, w, max(3, h-used)) + "\n\n" + d
}

func (s *sizeScreen) help(m *common) []key.Binding {
	r := m.keys.Restricted
	if s.p.showHidden {
		r = withHelp(r, "hide restricted")
	}
	return []key.Binding{m.keys.Enter, m.keys.Sort, r}
}

func (s *sizeScreen) typing(m *common) bool { return true }

func (s *sizeScreen) needs(m *common) []need {
	_, sl := m.data.sizesData(m.Plan().Region)
	r := m.Plan().Region
	return []need{{"VM sizes of " + m.show.regionLabel(r), sl, func() tea.Cmd { return m.calls.fetchSizes(r, true) }}}
}

// nodesScreen asks the node count with the live vCPU meter. The count
// being typed is its own (n); Enter answers it.
type nodesScreen struct {
	in textinput.Model
	n  int
	// followed is the count the plan had when entering made the count
	// follow the size (0: it did not), so the screen says it changed
	followed int
}

func newNodesScreen() screen {
	in := newInput("nodes: ", "")
	in.CharLimit = 4
	in.SetWidth(6)
	return &nodesScreen{in: in}
}

func (s *nodesScreen) enter(m *common) tea.Cmd {
	// the count Enter takes (wizard.Offer): an untouched default follows
	// the size and the purpose, and the screen says it changed
	s.n, s.followed = m.Plan().Nodes, 0
	if n, err := strconv.Atoi(wizard.Offer(m.Plan(), wizard.StepNodes, m.show.known())); err == nil && n != s.n {
		s.n, s.followed = n, s.n
	}
	s.in.SetValue(strconv.Itoa(s.n))
	s.in.CursorEnd()
	s.in.Focus()
	return m.calls.fetchSizes(m.Plan().Region, false)
}

func (s *nodesScreen) set(m *common, n int) {
	// a cluster has 1 node at least: the stepper stops there
	n = max(1, min(n, 9999))
	s.n = n
	s.in.SetValue(strconv.Itoa(n))
	s.in.CursorEnd()
}

// size returns the chosen size of the plan's region.
func (m *Model) size() (wizard.VMSize, wizard.SizeList, bool) {
	l, _ := m.sizesData(m.Plan().Region)
	z, ok := l.Find(m.Plan().VMSize)
	return z, l, ok
}

// sizeOK reports whether the node count passes the threshold and quota,
// with the messages that say the fix.
func (m *Model) sizeProblems(nodes int) []string {
	z, l, ok := m.size()
	if !ok {
		return []string{fmt.Sprintf("%s is not offered in %s: pick another size", m.Plan().VMSize, m.Plan().Region)}
	}
	var out []string
	for _, v := range rules.CheckNodeSize(z.Name, z.VCPUs, z.MemoryGB) {
		out = append(out, v.Message)
	}
	sc := m.Plan().SizeCheck(z.Name, nodes, z.VCPUs)
	for _, v := range sc.Violations {
		out = append(out, v.Message)
	}
	if !l.QuotaUnknown && sc.TotalVCPUs > 0 {
		if fq := rules.CheckQuota(z.FamilyQuota, sc.TotalVCPUs); !fq.OK {
			out = append(out, fq.Message)
		}
		if rq := rules.CheckQuota(l.RegionQuota, sc.TotalVCPUs); !rq.OK {
			out = append(out, rq.Message)
		}
	}
	return out
}

func (s *nodesScreen) update(m *common, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Enter):
			if probs := m.show.sizeProblems(s.n); len(probs) > 0 {
				m.nav.Flash("not yet: " + probs[0])
				return nil
			}
			return answer(wizard.FNodes, s.n)
		case key.Matches(msg, m.keys.Plus):
			s.set(m, s.n+1)
			return nil
		case key.Matches(msg, m.keys.Minus):
			s.set(m, s.n-1)
			return nil
		}
		if msg.Text != "" && strings.Trim(msg.Text, "0123456789") != "" {
			m.nav.Flash("type digits, or use + and -")
			return nil
		}
		var cmd tea.Cmd
		s.in, cmd = s.in.Update(msg)
		s.n, _ = strconv.Atoi(s.in.Value())
		return cmd
	case tea.PasteMsg:
		n, err := strconv.Atoi(strings.TrimSpace(msg.Content))
		if err == nil {
			s.set(m, n)
		}
	}
	return nil
}

func (s *nodesScreen) view(m *common, w, h int) string {
	z, l, ok := m.show.size()
	var secs []section
	if ok {
		gpu := ""
		if z.GPUs > 0 {
			gpu = fmt.Sprintf(", %d GPU", z.GPUs)
		}
		secs = append(secs, section{prio: 5, name: "size", text: packParts(w, " · ", m.st.Value.Render(z.Name), rules.Plural(z.VCPUs, "vCPU")+", "+wizard.Decimal(z.MemoryGB)+" GiB"+gpu,
			z.Family+" in "+m.Plan().Region, m.Plan().Purpose.Label())})
	}
	secs = append(secs, section{prio: 6, name: "note", text: wrap(m.st.Muted.Render("Only the node count can be scaled later (in the studio or AKS), not the size."), w)})
	secs = append(secs, section{prio: 0, gap: true, text: m.st.input(&s.in) + "  " + m.st.Muted.Render("type a number or use + / -")})
	if s.followed > 0 && ok {
		secs = append(secs, section{prio: 1, name: "why the count changed", text: wrap(m.st.Warn.Render(fmt.Sprintf("! %s, not %d: the fewest %s with %s each that %s needs",
			rules.Plural(s.n, "node"), s.followed, "nodes", rules.Plural(z.VCPUs, "vCPU"), strings.ToLower(m.Plan().Purpose.Label()))), w)})
	}
	secs = append(secs, vcpuMeter(m, z, l, ok, w, s.n)...)
	return fitSections(m.st, secs, w, h)
}

// section is one block of a screen that may be left out when the screen
// is short: the highest prio goes first.
type section struct {
	text string
	prio int    // 0 is never left out
	gap  bool   // a blank line before it (dropped first when short)
	name string // what the "↓ more" hint says is left out
}

// fitSections joins the sections in order within h lines: when they do
// not fit, the blank lines go first, then the sections of the highest
// prio, and a last line says what was left out.
func fitSections(st *styles, secs []section, w, h int) string {
	join := func(gaps bool, drop func(section) bool) (string, int) {
		var b strings.Builder
		n := 0
		for _, s := range secs {
			if drop(s) {
				continue
			}
			if n > 0 {
				b.WriteByte('\n')
				if s.gap && gaps {
					b.WriteByte('\n')
				}
			}
			b.WriteString(s.text)
			n++
		}
		out := b.String()
		return out, strings.Count(out, "\n") + 1
	}
	keep := func(section) bool { return false }
	if out, n := join(true, keep); n <= h || h <= 0 {
		return out
	}
	if out, n := join(false, keep); n <= h {
		return out
	}
	// leave out sections, highest prio first, keeping a line for the hint
	maxPrio := 0
	for _, s := range secs {
		maxPrio = max(maxPrio, s.prio)
	}
	for p := maxPrio; p > 0; p-- {
		drop := func(s section) bool { return s.prio >= p }
		out, n := join(false, drop)
		if n+1 <= h || p == 1 {
			var names []string
			for _, s := range secs {
				if drop(s) && s.name != "" && !slices.Contains(names, s.name) {
					names = append(names, s.name)
				}
			}
			hint := "↓ more"
			if len(names) > 0 {
				hint += ": " + strings.Join(names, ", ")
			}
			if why := " (a taller window shows it)"; ansi.StringWidth(hint+why) <= w {
				hint += why
			}
			return out + "\n" + st.Muted.Render(ansi.Truncate(hint, w, "…"))
		}
	}
	out, _ := join(false, keep)
	return out
}

// packParts joins parts with sep, starting a new line where the next part
// would not fit in w (a part longer than a line is word-wrapped).
func packParts(w int, sep string, parts ...string) string {
	var lines []string
	cur := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		switch {
		case cur == "":
			cur = p
		case ansi.StringWidth(cur+sep+p) <= w:
			cur += sep + p
		default:
			lines = append(lines, cur)
			cur = p
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = wrap(l, w)
		}
	}
	return strings.Join(lines, "\n")
}

// vcpuMeter draws nodes × vCPUs against the purpose threshold, the rule
// sentence, the verdict, and the family and regional quota bars (used +
// requested vs limit), as sections of falling importance. It is redrawn
// on every change of the node count.
func vcpuMeter(m *common, z wizard.VMSize, l wizard.SizeList, known bool, w, nodes int) []section {
	st := m.st
	var secs []section
	sc := m.Plan().SizeCheck(m.Plan().VMSize, nodes, z.VCPUs)
	th := sc.Threshold
	// the legacy compute's lines are Azure's minimum; the Kubernetes
	// compute's the recommendation (under them is a warning)
	needed, atLeast := "needed", "at least"
	if sc.Recommended {
		needed, atLeast = "recommended", "recommended"
	}
	barW := max(10, min(40, w-34))
	label := func(s string) string { return fit(s, 8, false) }
	const pad = 8

	// vCPU bar with the threshold marker.
	scale := max(sc.TotalVCPUs, th.MinVCPUs*3/2, 1)
	fill := sc.TotalVCPUs * barW / scale
	mark := min(barW-1, th.MinVCPUs*barW/scale)
	var bar strings.Builder
	for i := 0; i < barW; i++ {
		switch {
		case i == mark:
			bar.WriteString(st.Value.Render("┃"))
		case i < fill && sc.OK && len(sc.Advice) == 0:
			bar.WriteString(st.BarFill.Render("█"))
		case i < fill:
			bar.WriteString(st.BarOver.Render("█"))
		default:
			bar.WriteString(st.BarEmpty.Render("░"))
		}
	}
	var b strings.Builder
	b.WriteString(label("vCPUs") + bar.String() + fmt.Sprintf(" %d of %d %s", sc.TotalVCPUs, th.MinVCPUs, needed))
	if known {
		b.WriteString("\n" + indent(fmt.Sprintf("%s × %s = %d vCPUs (%s: %d vCPUs and %s %s)",
			rules.Plural(nodes, "node"), rules.Plural(z.VCPUs, "vCPU"), sc.TotalVCPUs, strings.ToLower(m.Plan().Purpose.Label()), th.MinVCPUs, rules.Plural(th.MinNodes, "node"), atLeast), pad, w))
	}
	secs = append(secs, section{prio: 1, gap: true, text: b.String()})
	secs = append(secs, section{prio: 2, name: "the size rule", text: paint(st.Value, indent(sc.Rule, pad, w))})

	// the verdict
	b.Reset()
	probs := m.show.sizeProblems(nodes)
	switch {
	case len(probs) == 0 && len(sc.Advice) > 0:
		b.WriteString(paint(st.Warn, hang("! "+sc.Advice[0], w, 2)))
	case len(probs) == 0:
		b.WriteString(paint(st.OK, hang("✓ "+fmt.Sprintf("%s × %s = %d vCPUs is enough for %s", rules.Plural(nodes, "node"), rules.Plural(z.VCPUs, "vCPU"), sc.TotalVCPUs, strings.ToLower(m.Plan().Purpose.Label())), w, 2)))
	default:
		for i, p := range probs {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(paint(st.Error, "✗ "+strings.TrimLeft(indent(wizardWords(p), 2, w), " ")))
		}
	}
	if nodes > 0 {
		b.WriteString("\n" + paint(st.Muted, indent("cost: "+costText(nodes, z), 2, w)))
	}
	verdict := section{prio: 1, gap: true, text: b.String()}

	// quota bars
	var quota []section
	if known {
		if l.QuotaUnknown {
			quota = append(quota, section{prio: 3, gap: true, name: "quota", text: label("Quota") + st.Warn.Render("unknown: the usages of this region could not be read")})
		} else {
			for i, q := range []rules.Quota{z.FamilyQuota, l.RegionQuota} {
				name := "Quota"
				if i > 0 {
					name = ""
				}
				qc := rules.CheckQuota(q, sc.TotalVCPUs)
				b.Reset()
				b.WriteString(label(name) + quotaBar(st, q, sc.TotalVCPUs, barW) + fmt.Sprintf(" %d + %d of %d\n", q.Used, sc.TotalVCPUs, q.Limit))
				if qc.OK {
					b.WriteString(paint(st.Muted, indent(qc.Message, pad, w)))
				} else {
					b.WriteString(paint(st.Error, indent(qc.Message, pad, w)))
				}
				what := []string{"family quota", "regional quota"}[i]
				quota = append(quota, section{prio: 3 + i, gap: i == 0, name: what, text: b.String()})
			}
		}
	}
	return append(append(secs, verdict), quota...)
}

func quotaBar(st *styles, q rules.Quota, req, w int) string {
	scale := max(q.Limit, q.Used+req, 1)
	used := q.Used * w / scale
	end := (q.Used + req) * w / scale
	over := q.Used+req > q.Limit
	var b strings.Builder
	for i := 0; i < w; i++ {
		switch {
		case i < used:
			b.WriteString(st.Muted.Render("▒"))
		case i < end && over:
			b.WriteString(st.BarOver.Render("█"))
		case i < end:
			b.WriteString(st.BarReq.Render("█"))
		default:
			b.WriteString(st.BarEmpty.Render("░"))
		}
	}
	return b.String()
}

func (s *nodesScreen) help(m *common) []key.Binding {
	return []key.Binding{withHelp(m.keys.Enter, "continue"), m.keys.Plus, m.keys.Minus}
}
func (s *nodesScreen) typing(m *common) bool { return false }
func (s *nodesScreen) needs(m *common) []need {
	_, sl := m.data.sizesData(m.Plan().Region)
	r := m.Plan().Region
	return []need{{"VM sizes of " + m.show.regionLabel(r), sl, func() tea.Cmd { return m.calls.fetchSizes(r, true) }}}
}
