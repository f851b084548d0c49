package ui

import (
	"reflect"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// dialog is a modal yes/no question on a huh Confirm embedded in the
// router: the answer lives on the heap (huh binds a
// pointer, and Bubble Tea copies the model), Ctrl+C and Esc are handled
// here, and the form's own messages are routed back to it while it is open.
type dialog struct {
	title string
	form  *huh.Form
	yes   *bool
	onYes func(m *common) tea.Cmd
	onNo  func(m *common) tea.Cmd
	// onYesRouter, when set, answers yes on the router itself (its own
	// dialogs: leaving the wizard) instead of onYes.
	onYesRouter func(m *Model) tea.Cmd
	// onNoRouter is the same for no (continuing or discarding an
	// unfinished operation).
	onNoRouter func(m *Model) tea.Cmd
	// ctrlCYes: a second Ctrl+C answers yes (leaving the wizard).
	ctrlCYes bool
	// command is shown under the question, kept whole (a command to copy:
	// huh's wrap would break it at a hyphen).
	command string
	// choice is the picked option of a dialog of several (newChoiceDialog),
	// each with its own action (nil: none); nil for a yes/no one.
	choice   *int
	onChoice []func(m *common) tea.Cmd
}

// newChoiceDialog builds a question with several answers, the first
// preselected; each answer has its action (nil does nothing).
func newChoiceDialog(title, desc string, options []string, actions []func(m *common) tea.Cmd) *dialog {
	v := 0
	var opts []huh.Option[int]
	for i, o := range options {
		opts = append(opts, huh.NewOption(o, i))
	}
	sel := huh.NewSelect[int]().Title(title).Description(desc).Options(opts...).Value(&v)
	f := huh.NewForm(huh.NewGroup(sel)).WithShowHelp(false).WithTheme(cachedTheme(huh.ThemeBase))
	return &dialog{title: title, form: f, choice: &v, onChoice: actions}
}

// newDialog builds the question; def is the preselected answer.
func newDialog(title, desc, yes, no string, def bool, onYes, onNo func(m *common) tea.Cmd) *dialog {
	v := def
	c := huh.NewConfirm().Title(title).Description(desc).Affirmative(yes).Negative(no).Value(&v)
	f := huh.NewForm(huh.NewGroup(c)).WithShowHelp(false).WithTheme(cachedTheme(huh.ThemeBase))
	return &dialog{title: title, form: f, yes: &v, onYes: onYes, onNo: onNo}
}

// open shows d; its Init focuses the field.
func (m *Model) open(d *dialog) tea.Cmd {
	m.dialog = d
	d.form.WithWidth(max(30, min(m.width-8, 72))).WithHeight(max(6, m.height-8))
	return d.form.Init()
}

// yes runs the dialog's answer yes.
func (m *Model) yes(d *dialog) tea.Cmd {
	if d.onYesRouter != nil {
		return d.onYesRouter(m)
	}
	return d.onYes(m.common())
}

// no runs the dialog's answer no (also Esc and Ctrl+C).
func (m *Model) no(d *dialog) tea.Cmd {
	switch {
	case d.onNoRouter != nil:
		return d.onNoRouter(m)
	case d.onNo != nil:
		return d.onNo(m.common())
	}
	return nil
}

// onDialog gives msg to the open dialog and ends it when answered.
func (m *Model) onDialog(msg tea.Msg) tea.Cmd {
	d := m.dialog
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case k.String() == "ctrl+c" && d.ctrlCYes:
			m.dialog = nil
			return m.yes(d)
		case k.String() == "ctrl+c", key.Matches(k, m.keys.Back):
			m.dialog = nil
			return m.no(d)
		}
	}
	fm, cmd := d.form.Update(msg)
	if f, ok := fm.(*huh.Form); ok {
		d.form = f
	}
	switch d.form.State {
	case huh.StateCompleted:
		m.dialog = nil
		if d.choice != nil {
			if i := *d.choice; i >= 0 && i < len(d.onChoice) && d.onChoice[i] != nil {
				return d.onChoice[i](m.common())
			}
			return nil
		}
		if *d.yes {
			return m.yes(d)
		}
		return m.no(d)
	case huh.StateAborted:
		m.dialog = nil
		return m.no(d)
	}
	return cmd
}

func (m *Model) dialogView(w int) string {
	v := strings.TrimRight(m.dialog.form.View(), "\n ")
	if c := m.dialog.command; c != "" {
		v += "\n\n" + hangCmd("", c, max(30, min(m.width-8, 72)), 2)
	}
	hint := m.st.Key.Render("←/→") + " choose   " + m.st.Key.Render("enter") + " confirm   " +
		m.st.Key.Render("y") + "/" + m.st.Key.Render("n") + " answer   " + m.st.Key.Render("esc") + " back"
	if m.dialog.choice != nil {
		hint = m.st.Key.Render("↑/↓") + " choose   " + m.st.Key.Render("enter") + " confirm   " + m.st.Key.Render("esc") + " back"
	}
	return m.st.Frame.Render(v + "\n\n" + hint)
}

// isHuhMsg reports one of huh's internal messages (unexported types: the
// package path tells them).
func isHuhMsg(msg tea.Msg) bool {
	t := reflect.TypeOf(msg)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t != nil && strings.HasPrefix(t.PkgPath(), "charm.land/huh/")
}
