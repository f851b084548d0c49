package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/amlaks/amlaks/wizard"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"
)

// column is one column of a picker table.
type column struct {
	Title string
	Width int // minimum width: a column never shrinks below it (or its content)
	Max   int // cap on the natural width (0: the content's width); Flex columns may grow past it up to their content
	Flex  int // share of the spare width, given only to content wider than Max
	// Key marks the column that names a row: it is truncated only after
	// every other column was compacted, shrunk or dropped.
	Key bool
	// Drop: the column may be left out when the table is too narrow,
	// before the Key column is truncated (right to left).
	Drop bool
	// Short and Abbr compact the column before anything is truncated: the
	// header becomes Short, each cell Abbr(cell).
	Short   string
	Abbr    func(string) string
	Right   bool // right-aligned (numbers)
	Numeric bool // sorts by row.Num
	Desc    bool // sorts descending by default
	NoSort  bool
}

// row is one row of a picker.
type row struct {
	Cells  []string
	Num    []float64 // numeric sort keys, parallel to Cells (Numeric columns)
	Filter string    // what the filter matches
	Dim    bool      // greyed (e.g. restricted)
	Hidden bool      // hidden unless the picker shows hidden rows
	Style  int       // 0 plain, 1 ok, 2 warn, 3 error: colours the first cell
}

// picker is a filterable, sortable table that renders only its visible
// rows. Filtering is incremental: a pattern that extends the previous one
// searches only the previous matches.
type picker struct {
	cols       []column
	rows       []row
	order      []int // all rows in sort order
	base       []int // order without hidden rows (unless showHidden)
	rank       []int // row → position in base (-1 hidden)
	matches    []int // base filtered
	cursor     int   // into matches
	offset     int
	filterable bool
	filter     textinput.Model
	lastFilter string
	sortCol    int
	sortDesc   bool
	userSorted bool
	showHidden bool
	empty      string
	// anchor is the row (first cell) the cursor returns to when the filter
	// is cleared: the current answer.
	anchor string
	// literal: the matches hold the filter as plain text (not fuzzy).
	literal bool
	lowered []string // rows' Filter in lower case
	// natW and abbrW: the widest cell of every column, as is and
	// abbreviated (cached by setRows).
	natW, abbrW []int
	// compact: the columns shown abbreviated by the last layout.
	compact []bool
}

func newPicker(cols []column, filterable bool, placeholder string) *picker {
	p := &picker{cols: cols, filterable: filterable, sortCol: -1}
	if filterable {
		p.filter = newInput("filter: ", placeholder)
		p.filter.Focus()
	}
	return p
}

// newInput is a text input with a static cursor (no blink timers).
func newInput(prompt, placeholder string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = prompt
	ti.Placeholder = placeholder
	st := ti.Styles()
	st.Cursor.Blink = false
	ti.SetStyles(st)
	return ti
}

// setRows replaces the rows, keeping the selected row (by first cell) when
// it still exists.
func (p *picker) setRows(rows []row) {
	sel := p.selectedKey()
	p.rows = rows
	p.lowered = nil
	p.measure()
	p.order = make([]int, len(rows))
	for i := range rows {
		p.order[i] = i
	}
	p.sortRows()
	p.rebase()
	p.lastFilter = "\x00" // force a full filter
	p.refilter()
	if sel != "" {
		p.selectKey(sel)
	}
}

func (p *picker) sortRows() {
	if p.sortCol < 0 || p.sortCol >= len(p.cols) {
		return
	}
	c, desc := p.sortCol, p.sortDesc
	num := p.cols[c].Numeric
	slices.SortStableFunc(p.order, func(a, b int) int {
		var r int
		if num {
			r = cmp.Compare(numAt(p.rows[a], c), numAt(p.rows[b], c))
		} else {
			r = wizard.NaturalCompare(strings.ToLower(cellAt(p.rows[a], c)), strings.ToLower(cellAt(p.rows[b], c)))
		}
		if desc {
			r = -r
		}
		return r
	})
}

func numAt(r row, c int) float64 {
	if c < len(r.Num) {
		return r.Num[c]
	}
	return 0
}

func cellAt(r row, c int) string {
	if c < len(r.Cells) {
		return r.Cells[c]
	}
	return ""
}

func (p *picker) rebase() {
	p.base = p.base[:0]
	if cap(p.rank) < len(p.rows) {
		p.rank = make([]int, len(p.rows))
	}
	p.rank = p.rank[:len(p.rows)]
	for i := range p.rank {
		p.rank[i] = -1
	}
	for _, i := range p.order {
		if p.rows[i].Hidden && !p.showHidden {
			continue
		}
		p.rank[i] = len(p.base)
		p.base = append(p.base, i)
	}
}

type rowSource struct {
	rows []row
	idx  []int
}

func (s rowSource) String(i int) string { return s.rows[s.idx[i]].Filter }
func (s rowSource) Len() int            { return len(s.idx) }

// filterWords splits a filter into its lower-case words.
func filterWords(f string) []string { return strings.Fields(strings.ToLower(f)) }

// hasAllWords reports whether every word occurs in s (lower case) as a
// plain substring.
func hasAllWords(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return len(words) > 0
}

// matchRank orders the indexes of src that match pattern: plain
// substring matches (case-insensitive, every space-separated word must
// occur) in src order when there is any; otherwise fuzzy matches, best
// first.
func matchRank(pattern string, src []string) []int {
	words := filterWords(pattern)
	var out []int
	for i, s := range src {
		if hasAllWords(strings.ToLower(s), words) {
			out = append(out, i)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, m := range fuzzy.Find(pattern, src) {
		out = append(out, m.Index)
	}
	return out
}

// refilter applies the filter text to base: rows holding every word of the
// filter as plain text, in table order; only when none does, fuzzy matches
// ranked best first.
func (p *picker) refilter() {
	f := ""
	if p.filterable {
		f = strings.TrimSpace(p.filter.Value())
	}
	if f == p.lastFilter {
		return
	}
	if f == "" {
		p.matches = append(p.matches[:0], p.base...)
		p.literal = false
	} else {
		// a filter that extends the previous one matches a subset of its
		// matches (of the same kind)
		narrower := p.lastFilter != "" && p.lastFilter != "\x00" && strings.HasPrefix(f, p.lastFilter)
		prevLiteral := p.literal
		words := filterWords(f)
		var out []int
		if !narrower || prevLiteral {
			src := p.base
			if narrower {
				src = p.matches
			}
			for _, i := range src {
				if hasAllWords(p.lower(i), words) {
					out = append(out, i)
				}
			}
		}
		p.literal = len(out) > 0
		if !p.literal {
			src := p.base
			if narrower && !prevLiteral {
				// the previous filter matched nothing literally either
				src = slices.Clone(p.matches)
			}
			found := fuzzy.FindFrom(f, rowSource{p.rows, src})
			out = make([]int, len(found))
			for i, m := range found {
				out[i] = src[m.Index]
			}
			if p.userSorted {
				slices.SortFunc(out, func(a, b int) int { return cmp.Compare(p.rank[a], p.rank[b]) })
			}
		}
		p.matches = out
	}
	p.lastFilter = f
	p.cursor, p.offset = 0, 0
	if f == "" && p.anchor != "" {
		p.selectKey(p.anchor)
	}
}

// lower is row i's filter text in lower case (cached).
func (p *picker) lower(i int) string {
	if len(p.lowered) != len(p.rows) {
		p.lowered = make([]string, len(p.rows))
		for j, r := range p.rows {
			p.lowered[j] = strings.ToLower(r.Filter)
		}
	}
	return p.lowered[i]
}

// resort re-applies sort and hidden rows, keeping the selection.
func (p *picker) resort() {
	sel := p.selectedKey()
	p.sortRows()
	p.rebase()
	p.lastFilter = "\x00"
	p.refilter()
	p.selectKey(sel)
}

// nextSort cycles the sort column.
func (p *picker) nextSort() {
	for i := 1; i <= len(p.cols); i++ {
		c := (p.sortCol + i) % len(p.cols)
		if c < 0 {
			c = 0
		}
		if !p.cols[c].NoSort {
			p.sortCol, p.sortDesc, p.userSorted = c, p.cols[c].Desc, true
			break
		}
	}
	p.resort()
}

func (p *picker) toggleHidden() {
	p.showHidden = !p.showHidden
	p.resort()
}

// selected returns the row index under the cursor, or -1.
func (p *picker) selected() int {
	if p.cursor < 0 || p.cursor >= len(p.matches) {
		return -1
	}
	return p.matches[p.cursor]
}

func (p *picker) selectedKey() string {
	if i := p.selected(); i >= 0 {
		return cellAt(p.rows[i], 0)
	}
	return ""
}

// selectKey moves the cursor to the row whose first cell is k.
func (p *picker) selectKey(k string) bool {
	for j, i := range p.matches {
		if strings.EqualFold(cellAt(p.rows[i], 0), k) {
			p.cursor = j
			return true
		}
	}
	return false
}

func (p *picker) move(d int) {
	if len(p.matches) == 0 {
		p.cursor = 0
		return
	}
	p.cursor = max(0, min(len(p.matches)-1, p.cursor+d))
}

// update handles navigation and filter typing; handled reports whether
// the message was used.
func (p *picker) update(msg tea.Msg, k keyMap, page int) (bool, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Up):
			p.move(-1)
			return true, nil
		case key.Matches(msg, k.Down):
			p.move(1)
			return true, nil
		case key.Matches(msg, k.PageUp):
			p.move(-max(1, page))
			return true, nil
		case key.Matches(msg, k.PageDown):
			p.move(max(1, page))
			return true, nil
		case key.Matches(msg, k.Home):
			p.cursor = 0
			return true, nil
		case key.Matches(msg, k.End):
			p.move(len(p.matches))
			return true, nil
		}
		if !p.filterable || msg.String() == "enter" || msg.String() == "esc" || msg.String() == "tab" {
			return false, nil
		}
		if msg.Text == "" && !isEditKey(msg.String()) {
			return false, nil
		}
		var cmd tea.Cmd
		p.filter, cmd = p.filter.Update(msg)
		p.refilter()
		return true, cmd
	case tea.PasteMsg:
		if !p.filterable {
			return false, nil
		}
		var cmd tea.Cmd
		p.filter, cmd = p.filter.Update(msg)
		p.refilter()
		return true, cmd
	}
	return false, nil
}

// isEditKey reports keys a text input uses without producing text.
func isEditKey(s string) bool {
	switch s {
	case "backspace", "delete", "left", "right", "ctrl+a", "ctrl+e", "ctrl+u", "ctrl+k", "ctrl+w",
		"alt+backspace", "ctrl+h", "ctrl+d", "ctrl+b", "ctrl+f", "alt+left", "alt+right", "ctrl+left", "ctrl+right":
		return true
	}
	return false
}

// measure caches the widest cell of every column (hidden rows too, so
// the layout does not jump when the filter or ctrl+r changes the rows).
func (p *picker) measure() {
	p.natW = make([]int, len(p.cols))
	p.abbrW = make([]int, len(p.cols))
	for _, r := range p.rows {
		for i, c := range p.cols {
			cell := cellAt(r, i)
			p.natW[i] = max(p.natW[i], ansi.StringWidth(cell))
			if c.Abbr != nil {
				cell = c.Abbr(cell)
			}
			p.abbrW[i] = max(p.abbrW[i], ansi.StringWidth(cell))
		}
	}
}

// title is column i's header as laid out (Short when compacted).
func (p *picker) title(i int) string {
	if i < len(p.compact) && p.compact[i] && p.cols[i].Short != "" {
		return p.cols[i].Short
	}
	return p.cols[i].Title
}

// cell is row r's cell in column i as laid out (abbreviated when
// compacted).
func (p *picker) cell(r row, i int) string {
	s := cellAt(r, i)
	if i < len(p.compact) && p.compact[i] && p.cols[i].Abbr != nil {
		s = p.cols[i].Abbr(s)
	}
	return s
}

// widths lays the columns out in width w (0: the column is left out).
// Every column first gets the width it needs: its widest cell or its
// header, whichever is wider, capped at Max. Spare width goes only to
// flexible columns whose content is wider than that, so a wide terminal
// shows no gaps. When the table is too wide, in this order: compact the
// columns that have a Short header or Abbr cells (right to left), shrink
// the widest non-Key column towards its minimum, leave out Drop columns
// (right to left), shrink the Key column, and last leave out columns
// from the right.
func (p *picker) widths(w int) []int {
	n := len(p.cols)
	if len(p.natW) != n {
		p.measure()
	}
	p.compact = make([]bool, n)
	ws := make([]int, n)
	need := make([]int, n) // uncapped
	hdr := func(i int) int {
		t := ansi.StringWidth(p.title(i))
		if p.userSorted && !p.cols[i].NoSort {
			// room for the sort arrow in every sortable column once the user
			// sorts, so the columns do not narrow and widen on each sort
			t++
		}
		return t
	}
	for i, c := range p.cols {
		need[i] = max(hdr(i), p.natW[i])
		ws[i] = need[i]
		if c.Max > 0 {
			ws[i] = min(ws[i], max(c.Max, hdr(i)))
		}
	}
	total := func() int {
		t, k := 2, 0 // the cursor marker
		for _, x := range ws {
			if x > 0 {
				t += x
				k++
			}
		}
		return t + max(0, k-1)
	}
	if spare := w - total(); spare >= 0 {
		// flexible columns cut by Max grow back towards their content
		for spare > 0 {
			grew := false
			for i, c := range p.cols {
				if c.Flex > 0 && ws[i] < need[i] && spare > 0 {
					g := min(need[i]-ws[i], max(1, spare*c.Flex/max(1, p.flexTotal())))
					ws[i] += g
					spare -= g
					grew = true
				}
			}
			if !grew {
				break
			}
		}
		return ws
	}
	// 1. compact
	for i := n - 1; i >= 0 && total() > w; i-- {
		c := p.cols[i]
		if c.Short == "" && c.Abbr == nil {
			continue
		}
		p.compact[i] = true
		cw := max(hdr(i), p.abbrW[i])
		if c.Abbr == nil {
			cw = max(hdr(i), p.natW[i])
		}
		ws[i] = min(ws[i], cw)
	}
	// a column shrinks to its Width, never so far that a short header
	// (up to 6 cells, like "Nodes") is cut
	mins := make([]int, n)
	for i := range ws {
		mins[i] = min(ws[i], max(p.cols[i].Width, 1, min(hdr(i), 6)))
	}
	// shrink the widest allowed column, one cell at a time
	shrink := func(ok func(i int) bool) {
		for total() > w {
			best := -1
			for i := range ws {
				if ws[i] > 0 && ok(i) && ws[i] > mins[i] && (best < 0 || ws[i] > ws[best]) {
					best = i
				}
			}
			if best < 0 {
				return
			}
			ws[best]--
		}
	}
	// 2. shrink the other columns
	shrink(func(i int) bool { return !p.cols[i].Key })
	// 3. leave out Drop columns
	for i := n - 1; i > 0 && total() > w; i-- {
		if p.cols[i].Drop {
			ws[i] = 0
		}
	}
	// 4. shrink the key column
	shrink(func(i int) bool { return p.cols[i].Key })
	// 5. leave out columns from the right
	for i := n - 1; i > 0 && total() > w; i-- {
		ws[i] = 0
	}
	return ws
}

func (p *picker) flexTotal() int {
	f := 0
	for _, c := range p.cols {
		f += c.Flex
	}
	return f
}

func fit(s string, w int, right bool) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	pad := w - ansi.StringWidth(s)
	if pad <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", pad) + s
	}
	return s + strings.Repeat(" ", pad)
}

// view renders the filter line (when filterable), the header and at most
// height-2 rows.
func (p *picker) view(st *styles, w, height int) string {
	var b strings.Builder
	if p.filterable {
		p.filter.SetWidth(max(10, w-len(p.filter.Prompt)-1))
		b.WriteString(st.input(&p.filter))
		b.WriteByte('\n')
		height--
	}
	ws := p.widths(w)
	hdr := p.line("  ", ws, func(i int) string {
		t := p.title(i)
		if i == p.sortCol && p.userSorted {
			arrow := "↑"
			if p.sortDesc {
				arrow = "↓"
			}
			// the arrow right after the title, on the same side in every
			// column (a right-aligned title keeps its place)
			t += arrow
		}
		return t
	})
	b.WriteString(st.Header.Render(hdr))
	height--
	if len(p.matches) == 0 {
		b.WriteByte('\n')
		msg := p.empty
		if msg == "" {
			msg = "nothing to show"
		}
		if p.filterable && p.filter.Value() != "" {
			msg = "nothing matches " + quoteUI(p.filter.Value()) + ": backspace to widen the filter"
		}
		b.WriteString(st.Muted.Render("  " + msg))
		return b.String()
	}
	height = max(1, height)
	// rows above or below the window: one line says how many, in place
	// of a row
	scrolls := len(p.matches) > height && height >= 3
	if scrolls {
		height--
	}
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+height {
		p.offset = p.cursor - height + 1
	}
	p.offset = max(0, min(p.offset, len(p.matches)-height))
	end := min(len(p.matches), p.offset+height)
	for j := p.offset; j < end; j++ {
		r := p.rows[p.matches[j]]
		lead := "  "
		if j == p.cursor {
			lead = "› "
		}
		s := p.line(lead, ws, func(i int) string { return p.cell(r, i) })
		b.WriteByte('\n')
		switch {
		case j == p.cursor:
			b.WriteString(st.Selected.Render(fit(s, w, false)))
		case r.Dim:
			b.WriteString(st.Dim.Render(s))
		case r.Style == 1:
			b.WriteString(st.OK.Render(s))
		case r.Style == 2:
			b.WriteString(st.Warn.Render(s))
		case r.Style == 3:
			b.WriteString(st.Error.Render(s))
		default:
			b.WriteString(s)
		}
	}
	if scrolls {
		var parts []string
		if p.offset > 0 {
			parts = append(parts, fmt.Sprintf("↑ %d more", p.offset))
		}
		if n := len(p.matches) - end; n > 0 {
			parts = append(parts, fmt.Sprintf("↓ %d more", n))
		}
		parts = append(parts, fmt.Sprintf("(%d–%d of %d)", p.offset+1, end, len(p.matches)))
		b.WriteString("\n" + st.Muted.Render(ansi.Truncate("  "+strings.Join(parts, "   "), w, "…")))
	}
	return b.String()
}

// count says "12 of 150" for the status line.
func (p *picker) count() (shown, total int) { return len(p.matches), len(p.base) }

func quoteUI(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "'" + s + "'"
}

// line is one line of the table after lead: each shown column's text
// fitted to its width ws[i], one space apart, trailing spaces trimmed.
func (p *picker) line(lead string, ws []int, text func(i int) string) string {
	var b strings.Builder
	b.WriteString(lead)
	for i, c := range p.cols {
		if ws[i] == 0 {
			continue
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(fit(text(i), ws[i], c.Right))
	}
	return strings.TrimRight(b.String(), " ")
}
