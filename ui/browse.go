package ui

import (
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// browser is huh's file picker, opened over a form's path field (the TLS
// step's certificate and key): the folder of the path typed, or the
// working directory; only the allowed types can be picked; the pick fills
// the field, which is then read like a typed path.
type browser struct {
	field   *formField
	title   string
	types   []string
	dir     string
	height  int
	form    *huh.Form // nil until the Cmd that made it answered
	value   string
	width   int
	noColor bool
}

// browsedMsg carries the picker, made in a Cmd: huh reads the working
// directory when a picker is made, which is not done in Update.
type browsedMsg struct {
	b    *browser
	form *huh.Form
}

func (b *browser) open() tea.Cmd {
	dir, title, types, height := b.dir, b.title, b.types, b.height
	value, noColor := &b.value, b.noColor
	return func() tea.Msg {
		if st, err := os.Stat(dir); dir == "" || err != nil || !st.IsDir() {
			dir, _ = os.Getwd()
		}
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs // the pick is then a whole path
		}
		fp := huh.NewFilePicker().Title(title).
			Description(strings.Join(types, ", ") + " files · starting in " + dir).
			AllowedTypes(types).CurrentDirectory(dir).ShowHidden(false).
			Height(height).Picking(true).Value(value)
		base := huh.ThemeBase16
		if noColor {
			base = huh.ThemeBase
		}
		theme := cachedTheme(base)
		f := huh.NewForm(huh.NewGroup(fp)).WithShowHelp(false).WithTheme(theme)
		return browsedMsg{b: b, form: f}
	}
}

// ready takes the picker the Cmd made and starts it (its first folder read).
func (b *browser) ready(f *huh.Form) tea.Cmd {
	b.form = f
	return f.Init()
}

// update gives msg to the picker; done when a file was picked (picked) or
// the picker was left without one.
func (b *browser) update(msg tea.Msg) (picked string, done bool, cmd tea.Cmd) {
	if b.form == nil {
		return "", false, nil
	}
	m, cmd := b.form.Update(msg)
	if f, ok := m.(*huh.Form); ok {
		b.form = f
	}
	switch b.form.State {
	case huh.StateCompleted:
		return b.value, true, nil
	case huh.StateAborted:
		return "", true, nil
	}
	return "", false, cmd
}

func (b *browser) view(m *common, w int) string {
	if b.form == nil {
		return m.spinner + " reading the folder…\n"
	}
	if b.width != w {
		b.width = w
		b.form.WithWidth(w)
	}
	return strings.TrimRight(b.form.View(), "\n ") + "\n"
}
