package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// formField is one row of a form: a choice among a few values or a text
// input. id is the flag name rules use for its violations.
type formField struct {
	id      string
	label   string
	choices []string // a choice field when non-empty
	choice  int
	in      textinput.Model
	show    func() bool
}

func choiceField(id, label string, choices ...string) *formField {
	return &formField{id: id, label: label, choices: choices}
}

func textField(id, label, placeholder string) *formField {
	in := newInput("", placeholder)
	in.SetWidth(36)
	in.CharLimit = 512
	return &formField{id: id, label: label, in: in}
}

func (f *formField) isText() bool  { return len(f.choices) == 0 }
func (f *formField) visible() bool { return f.show == nil || f.show() }
func (f *formField) value() string { return strings.TrimSpace(f.in.Value()) }

// form is a small vertical form with live per-field messages.
type form struct {
	fields []*formField
	focus  int
}

func (f *form) focused() *formField {
	if f.focus < 0 || f.focus >= len(f.fields) {
		f.focus = 0
	}
	return f.fields[f.focus]
}

func (f *form) move(d int) {
	n := len(f.fields)
	for i := 1; i <= n; i++ {
		j := f.focus + d*i
		if j < 0 || j >= n {
			return
		}
		if f.fields[j].visible() {
			f.setFocus(j)
			return
		}
	}
}

func (f *form) setFocus(j int) {
	for _, fl := range f.fields {
		fl.in.Blur()
	}
	f.focus = j
	if fl := f.fields[j]; fl.isText() {
		fl.in.Focus()
	}
}

// focusID moves the focus to the field with the given id.
func (f *form) focusID(id string) {
	for i, fl := range f.fields {
		if fl.id == id && fl.visible() {
			f.setFocus(i)
			return
		}
	}
}

// update handles navigation and editing; changed reports a new value.
func (f *form) update(msg tea.Msg, k keyMap) (changed bool, cmd tea.Cmd) {
	fl := f.focused()
	if !fl.visible() {
		f.move(1)
		fl = f.focused()
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch s := msg.String(); {
		case s == "tab" || s == "down":
			f.move(1)
			return false, nil
		case s == "shift+tab" || s == "up":
			f.move(-1)
			return false, nil
		}
		if !fl.isText() {
			switch msg.String() {
			case "left", "h":
				fl.choice = (fl.choice - 1 + len(fl.choices)) % len(fl.choices)
				return true, nil
			case "right", "l", "space":
				fl.choice = (fl.choice + 1) % len(fl.choices)
				return true, nil
			}
			// a digit picks directly
			if t := msg.String(); len(t) == 1 && t[0] >= '1' && int(t[0]-'1') < len(fl.choices) {
				fl.choice = int(t[0] - '1')
				return true, nil
			}
			return false, nil
		}
		if key.Matches(msg, k.Enter) {
			return false, nil
		}
	case tea.PasteMsg:
		if !fl.isText() {
			return false, nil
		}
	default:
		return false, nil
	}
	before := fl.in.Value()
	fl.in, cmd = fl.in.Update(msg)
	return fl.in.Value() != before, cmd
}

// view draws the visible fields, each with its first message.
func (f *form) view(st *styles, w int, msgs map[string][]string) string {
	var b strings.Builder
	labelW := 0
	for _, fl := range f.fields {
		labelW = max(labelW, len(fl.label))
	}
	labelW = min(labelW, 22)
	for i, fl := range f.fields {
		if !fl.visible() {
			continue
		}
		marker := "  "
		label := st.FieldName.Render(fit(fl.label, labelW, false))
		if i == f.focus {
			marker = st.Key.Render("› ")
			label = st.Focused.Render(fit(fl.label, labelW, false))
		}
		var val string
		if fl.isText() {
			fl.in.SetWidth(max(10, w-labelW-6))
			val = st.input(&fl.in)
		} else {
			var opts []string
			for j, c := range fl.choices {
				if j == fl.choice {
					opts = append(opts, st.Selected.Render("● "+c))
				} else {
					opts = append(opts, st.Muted.Render("○ "+c))
				}
			}
			val = strings.Join(opts, "  ")
		}
		b.WriteString(marker + label + "  " + val + "\n")
		if ms := msgs[fl.id]; len(ms) > 0 {
			pad := strings.Repeat(" ", labelW+4)
			for _, m := range ms[:min(len(ms), 2)] {
				b.WriteString(pad + strings.ReplaceAll(wrap(st.Error.Render("✗ "+m), max(20, w-labelW-4)), "\n", "\n"+pad) + "\n")
			}
		}
	}
	return b.String()
}
