package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/amlaks/amlaks/wizard"
)

// A form is a multi-field step (networking, TLS, the Kubernetes steps) on
// a huh form embedded in the router. Each field is a huh
// group of one field, so a field that does not apply (the six VNet fields
// under "Basic") is a hidden group huh's navigation skips, and the form's
// own layout (stackLayout) draws the visible fields with a label column and
// each field's messages under it. Values live on the heap (formField), as
// huh binds pointers and Bubble Tea copies models.
//
// Checks are the parent's: the screen runs its rules after
// every update and passes the messages to view, so they appear as a value
// is typed; huh's own Validate is not used, as it runs on blur and would
// keep the focus from going back to the field that causes a message (a DNS
// IP outside the service CIDR is mended in the CIDR). Enter goes to the
// next field and, on the last one, completes the form: the screen then
// checks the answer and either sends it or reopens the form on the first
// field with a message.

// formField is one row of a form: a choice among a few values or a text
// input. id is the flag name rules use for its violations.
type formField struct {
	id, label, placeholder string
	choices                []string // a choice field when non-empty
	values                 []string // a table field's choices' values
	choice                 int      // bound to the huh Select
	text                   string   // bound to the huh Input
	show                   func() bool

	input *huh.Input
	sel   *huh.Select[int]
	group *huh.Group
}

func choiceField(id, label string, choices ...string) *formField {
	return &formField{id: id, label: label, choices: choices}
}

// tableField is a choice field of a field's choices, in the table's words.
func tableField(id, label string, cs []wizard.Choice) *formField {
	f := &formField{id: id, label: label}
	for _, c := range cs {
		f.choices, f.values = append(f.choices, c.Label), append(f.values, c.Value)
	}
	return f
}

// pick selects the choice of value v (as typed; the first when none is).
func (f *formField) pick(v string) {
	f.choice = max(0, slices.IndexFunc(f.values, func(x string) bool { return strings.EqualFold(x, v) }))
}

// picked is the value of the selected choice of a table field.
func (f *formField) picked() string { return f.values[f.choice] }

// textField is a text row; its placeholder is shown as "e.g. …", so that
// without colour (NO_COLOR, a monochrome terminal) an example is not taken
// for a value.
func textField(id, label, placeholder string) *formField {
	if placeholder != "" && !strings.HasPrefix(placeholder, "e.g. ") {
		placeholder = "e.g. " + placeholder
	}
	return &formField{id: id, label: label, placeholder: placeholder}
}

func (f *formField) isText() bool  { return len(f.choices) == 0 }
func (f *formField) visible() bool { return f.show == nil || f.show() }
func (f *formField) value() string { return strings.TrimSpace(f.text) }

// setText sets a text field's value, in its huh Input too (binding a
// pointer again is how huh takes a value given from outside).
func (f *formField) setText(v string) {
	f.text = v
	if f.input != nil {
		f.input.Value(&f.text)
	}
}

// setChoice sets a choice field's value, in its huh Select too.
func (f *formField) setChoice(i int) {
	f.choice = i
	if f.sel != nil {
		f.sel.Value(&f.choice)
	}
}

func (f *formField) huhField() huh.Field {
	if f.isText() {
		return f.input
	}
	return f.sel
}

// form is the huh form of a multi-field step.
type form struct {
	fields []*formField
	hf     *huh.Form
	layout *stackLayout
	width  int
}

// formKeys is huh's key map for a wizard step: Enter and Tab (and ↓) go
// to the next field, Shift+Tab and ↑ to the previous, ←/→ change a choice;
// Ctrl+C and Esc belong to the router, and choices are not filtered.
func formKeys() *huh.KeyMap {
	k := huh.NewDefaultKeyMap()
	k.Quit = key.NewBinding(key.WithDisabled())
	next := key.NewBinding(key.WithKeys("enter", "tab", "down"), key.WithHelp("enter", "next"))
	prev := key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "prev"))
	k.Input.Next, k.Input.Prev = next, prev
	k.Select.Next, k.Select.Prev = next, prev
	k.Select.Filter = key.NewBinding(key.WithDisabled())
	k.Select.HalfPageUp = key.NewBinding(key.WithDisabled())
	k.Select.HalfPageDown = key.NewBinding(key.WithDisabled())
	k.Select.GotoTop = key.NewBinding(key.WithDisabled())
	k.Select.GotoBottom = key.NewBinding(key.WithDisabled())
	return k
}

// navKeys are formKeys, built once for the form's own moves.
var navKeys = formKeys()

// formTheme is huh's base theme in the wizard's colours (plain with
// NO_COLOR): a bar marks the focused field.
// huh asks the theme for its styles on every field it draws, so both
// variants are built once (building them per call was 93% of a keystroke's
// allocations: BenchmarkFormKeystroke).
func formTheme(st *styles) huh.Theme {
	return cachedTheme(func(dark bool) *huh.Styles { return formStyles(st, dark) })
}

// cachedTheme is a huh theme whose two variants are built once.
func cachedTheme(build func(dark bool) *huh.Styles) huh.Theme {
	light, dark := build(false), build(true)
	return huh.ThemeFunc(func(isDark bool) *huh.Styles {
		if isDark {
			return dark
		}
		return light
	})
}

func formStyles(st *styles, dark bool) *huh.Styles {
	t := huh.ThemeBase(dark)
	t.Focused.Base = t.Focused.Base.UnsetPaddingLeft().BorderLeft(false)
	t.Blurred.Base = t.Focused.Base
	t.Focused.SelectedOption = st.Selected
	t.Blurred.SelectedOption = st.Value
	// the row of choices marks the chosen one; ←/→ are in the help
	t.Focused.PrevIndicator, t.Focused.NextIndicator = lipgloss.NewStyle(), lipgloss.NewStyle()
	t.Blurred.PrevIndicator, t.Blurred.NextIndicator = lipgloss.NewStyle(), lipgloss.NewStyle()
	t.Focused.TextInput.Prompt = st.Key
	t.Blurred.TextInput.Prompt = st.Muted
	t.Focused.TextInput.Placeholder = st.Muted
	t.Blurred.TextInput.Placeholder = st.Muted
	t.Focused.TextInput.Text = lipgloss.NewStyle()
	t.Blurred.TextInput.Text = st.Value
	return t
}

// build makes a new huh form over the fields' current values and focuses
// the first visible field (a form completed or refused is built again).
func (f *form) build(st *styles) {
	var groups []*huh.Group
	for _, fl := range f.fields {
		if fl.isText() {
			fl.input = huh.NewInput().Key(fl.id).Prompt("").Placeholder(fl.placeholder).CharLimit(512).Value(&fl.text)
		} else {
			// each option shows the whole row of choices, the chosen one
			// marked, so the others stay in sight (an inline select shows
			// one option)
			opts := make([]huh.Option[int], len(fl.choices))
			for i := range fl.choices {
				row := make([]string, len(fl.choices))
				for j, c := range fl.choices {
					row[j] = "○ " + c
					if j == i {
						row[j] = "● " + c
					}
				}
				opts[i] = huh.NewOption(strings.Join(row, "  "), i)
			}
			fl.sel = huh.NewSelect[int]().Key(fl.id).Options(opts...).Inline(true).Value(&fl.choice)
		}
		fl.group = huh.NewGroup(fl.huhField()).WithHideFunc(func() bool { return !fl.visible() })
		groups = append(groups, fl.group)
	}
	f.layout = &stackLayout{f: f, st: st}
	f.hf = huh.NewForm(groups...).WithShowHelp(false).WithShowErrors(false).
		WithTheme(formTheme(st)).WithKeyMap(formKeys()).WithLayout(f.layout)
	f.width = 0
	f.hf.UpdateFieldPositions()
	// Init focuses the first group; its Cmds (a move past a hidden first
	// group, a size request) are not needed: the move is made here, at once.
	_ = f.hf.Init()
	if !f.fields[0].visible() {
		f.moveTo(f.firstVisible())
	}
}

// open shows the form when its step is entered: built again when the
// values were just loaded from the plan (fresh), or when it was completed
// (Esc back from the next step); otherwise as it was left.
func (f *form) open(st *styles, fresh bool) {
	if fresh || f.hf == nil || f.done() {
		f.build(st)
	}
}

func (f *form) firstVisible() int {
	for i, fl := range f.fields {
		if fl.visible() {
			return i
		}
	}
	return 0
}

// index is the focused field's position.
func (f *form) index() int {
	if f.hf == nil {
		return 0
	}
	cur := f.hf.GetFocusedField()
	for i, fl := range f.fields {
		if fl.huhField() == cur {
			return i
		}
	}
	return 0
}

func (f *form) focused() *formField { return f.fields[f.index()] }

// moveTo focuses field j (visible) at once, group by group: huh moves
// between groups with messages, which would arrive after this Update.
func (f *form) moveTo(j int) {
	for n := 0; n < 2*len(f.fields) && f.index() != j; n++ {
		before := f.index()
		f.hf.GetFocusedField().Blur()
		if j > before {
			f.hf.NextGroup()
		} else {
			f.hf.PrevGroup()
		}
		if f.index() == before {
			break
		}
	}
	f.hf.GetFocusedField().Focus()
}

// field is the field with the given id (nil if none).
func (f *form) field(id string) *formField {
	for _, fl := range f.fields {
		if fl.id == id {
			return fl
		}
	}
	return nil
}

// focusID moves the focus to the field with the given id.
func (f *form) focusID(id string) {
	for i, fl := range f.fields {
		if fl.id == id && fl.visible() {
			f.moveTo(i)
			return
		}
	}
}

// advance moves the focus to the next visible field, if any (a pick in a
// file picker, as huh's own picker does).
func (f *form) advance() {
	if j := f.nextVisible(f.index(), 1); j >= 0 {
		f.moveTo(j)
	}
}

// nextVisible is the first visible field after i in direction dir (1 or
// -1), or -1 when there is none.
func (f *form) nextVisible(i, dir int) int {
	for j := i + dir; j >= 0 && j < len(f.fields); j += dir {
		if f.fields[j].visible() {
			return j
		}
	}
	return -1
}

// reopen builds the form again (after it completed) with the focus on the
// field with the given id.
func (f *form) reopen(st *styles, id string) {
	f.build(st)
	f.focusID(id)
}

func (f *form) done() bool { return f.hf != nil && f.hf.State == huh.StateCompleted }

// update gives msg to huh; changed reports a new value, done that Enter
// on the last field completed the form.
func (f *form) update(msg tea.Msg) (changed, done bool, cmd tea.Cmd) {
	if f.hf == nil || f.hf.State != huh.StateNormal {
		return false, f.done(), nil
	}
	fl := f.focused()
	if k, ok := msg.(tea.KeyPressMsg); ok && !fl.isText() {
		if k.String() == "space" {
			fl.setChoice((fl.choice + 1) % len(fl.choices))
			f.hf.UpdateFieldPositions()
			return true, false, nil
		}
		// a digit picks a choice directly
		if t := k.String(); len(t) == 1 && t[0] >= '1' && int(t[0]-'1') < len(fl.choices) {
			fl.setChoice(int(t[0] - '1'))
			f.hf.UpdateFieldPositions()
			return true, false, nil
		}
	}
	// Moving between fields is done here, at once: huh moves with a
	// message that arrives after the keys already queued, so keys typed in
	// a burst after Tab or ↓ (a paste, a slow SSH link) would land in the
	// field being left. Enter or Tab on the last field still goes to huh,
	// which completes the form.
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, navKeys.Input.Next):
			if j := f.nextVisible(f.index(), 1); j >= 0 {
				f.moveTo(j)
				return false, false, nil
			}
		case key.Matches(k, navKeys.Input.Prev):
			if j := f.nextVisible(f.index(), -1); j >= 0 {
				f.moveTo(j)
			}
			return false, false, nil
		}
	}
	before := f.values()
	m, cmd := f.hf.Update(msg)
	if hf, ok := m.(*huh.Form); ok {
		f.hf = hf
	}
	return f.values() != before, f.done(), cmd
}

// values is every field's value, to tell a change.
func (f *form) values() string {
	var b strings.Builder
	for _, fl := range f.fields {
		if fl.isText() {
			b.WriteString(fl.text)
		} else {
			b.WriteByte(byte('0' + fl.choice))
		}
		b.WriteByte(0)
	}
	return b.String()
}

// view draws the visible fields, each with its first two messages.
func (f *form) view(w int, msgs map[string][]string) string {
	if f.hf == nil {
		return ""
	}
	if f.width != w {
		f.width = w
		f.hf.WithWidth(max(10, w-f.labelWidth()-4))
	}
	f.layout.msgs, f.layout.w = msgs, w
	return strings.TrimRight(f.hf.View(), "\n") + "\n"
}

func (f *form) labelWidth() int {
	w := 0
	for _, fl := range f.fields {
		w = max(w, lipgloss.Width(fl.label))
	}
	return min(w, 22)
}

// stackLayout is the huh Layout of a form: every visible field on its own
// line after its label (the focused one marked), messages under it.
type stackLayout struct {
	f    *form
	st   *styles
	msgs map[string][]string
	w    int
}

func (l *stackLayout) View(hf *huh.Form) string {
	st, f := l.st, l.f
	labelW := f.labelWidth()
	cur := f.index()
	var b strings.Builder
	for i, fl := range f.fields {
		if !fl.visible() {
			continue
		}
		marker := "  "
		label := st.FieldName.Render(fit(fl.label, labelW, false))
		if i == cur {
			marker = st.Key.Render("› ")
			label = st.Focused.Render(fit(fl.label, labelW, false))
		}
		content := strings.TrimRight(fl.group.Content(), " \n")
		if !fl.isText() {
			content = l.choiceRow(fl, i == cur, labelW)
		}
		b.WriteString(marker + label + "  " + content + "\n")
		if ms := l.msgs[fl.id]; len(ms) > 0 {
			pad := strings.Repeat(" ", labelW+4)
			for _, m := range ms[:min(len(ms), 2)] {
				b.WriteString(pad + strings.ReplaceAll(wrap(st.Error.Render("✗ "+wizardWords(m)), max(20, l.w-labelW-4)), "\n", "\n"+pad) + "\n")
			}
		}
	}
	return b.String()
}

// choiceRow draws a choice field's row of choices, the chosen one marked,
// wrapped between choices under the field when the line is too short (a
// cut "● Your" would hide what the choice is).
func (l *stackLayout) choiceRow(fl *formField, focused bool, labelW int) string {
	style := l.st.Value
	if focused {
		style = l.st.Selected
	}
	room := max(12, l.w-labelW-4)
	pad := strings.Repeat(" ", labelW+4)
	var lines []string
	cur := ""
	for j, c := range fl.choices {
		item := "○ " + c
		if j == fl.choice {
			item = "● " + c
		}
		switch {
		case cur == "":
			cur = item
		case lipgloss.Width(cur)+2+lipgloss.Width(item) <= room:
			cur += "  " + item
		default:
			lines = append(lines, cur)
			cur = item
		}
	}
	lines = append(lines, cur)
	for i := range lines {
		lines[i] = style.Render(lines[i])
	}
	return strings.Join(lines, "\n"+pad)
}

func (l *stackLayout) GroupWidth(_ *huh.Form, _ *huh.Group, w int) int { return w }

// help is the keys of the form as it stands: Enter (next, or answer on
// the last field), Shift+Tab when there is a field before, ←/→ on a choice.
func (f *form) help(k keyMap) []key.Binding {
	var visible int
	for _, fl := range f.fields {
		if fl.visible() {
			visible++
		}
	}
	enter := "next"
	if visible == 1 {
		enter = "continue"
	}
	h := []key.Binding{withHelp(k.Enter, enter)}
	if visible > 1 {
		h = append(h, withHelpKey(k.PrevField, "shift+tab", "prev"))
	}
	if f.hf != nil && !f.focused().isText() {
		h = append(h, withHelp(k.Toggle, "choose"))
	}
	return h
}

// withHelpKey is b with a shorter help.
func withHelpKey(b key.Binding, keys, desc string) key.Binding {
	b.SetHelp(keys, desc)
	return b
}

// formScreen is the help, typing and needs of a screen that is one form.
type formScreen struct{ f *form }

func (s formScreen) help(m *common) []key.Binding { return s.f.help(m.keys) }
func (s formScreen) typing(m *common) bool        { return s.f.focused().isText() }
func (s formScreen) needs(m *common) []need       { return nil }
