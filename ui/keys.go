package ui

import "charm.land/bubbles/v2/key"

// keyMap is every key binding of the UI with its help text. Screens pick
// the ones they use for the help line.
type keyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Enter, Back, Help, Quit, Interrupt    key.Binding
	Sort, Restricted, Plus, Minus         key.Binding
	NextField, PrevField, Toggle          key.Binding
	Equivalents, NextTab                  key.Binding
	Retry, Fix, Demo, SignIn              key.Binding
	PasteID, Browse                       key.Binding
	Detach, Status, Refresh               key.Binding
	Verify, Doctor                        key.Binding
	StopWatching, KeepWatching            key.Binding
	Yes, No                               key.Binding
	Left, Right                           key.Binding
}

func newKeyMap() keyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return keyMap{
		Up:           b([]string{"up", "ctrl+p"}, "↑", "up"),
		Down:         b([]string{"down", "ctrl+n"}, "↓", "down"),
		PageUp:       b([]string{"pgup"}, "pgup", "page up"),
		PageDown:     b([]string{"pgdown"}, "pgdn", "page down"),
		Home:         b([]string{"home"}, "home", "first"),
		End:          b([]string{"end"}, "end", "last"),
		Enter:        b([]string{"enter"}, "enter", "choose"),
		Back:         b([]string{"esc"}, "esc", "back"),
		Help:         b([]string{"?"}, "?", "help"),
		Quit:         b([]string{"q"}, "q", "quit"),
		Interrupt:    b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Sort:         b([]string{"tab"}, "tab", "sort column"),
		Restricted:   b([]string{"ctrl+r"}, "ctrl+r", "show restricted"),
		Plus:         b([]string{"+", "=", "up"}, "+/↑", "more nodes"),
		Minus:        b([]string{"-", "_", "down"}, "-/↓", "fewer nodes"),
		NextField:    b([]string{"tab", "down"}, "tab/↓", "next field"),
		PrevField:    b([]string{"shift+tab", "up"}, "shift+tab/↑", "previous field"),
		Toggle:       b([]string{"left", "right", "space"}, "←/→", "change choice"),
		Equivalents:  b([]string{"e"}, "e", "az / python / REST"),
		NextTab:      b([]string{"tab"}, "tab", "next view"),
		Retry:        b([]string{"r"}, "r", "retry"),
		Demo:         b([]string{"d"}, "d", "demo mode"),
		SignIn:       b([]string{"s"}, "s", "device-code sign-in"),
		Fix:          b([]string{"f"}, "f", "go fix it"),
		PasteID:      b([]string{"ctrl+o"}, "ctrl+o", "paste resource ID"),
		Browse:       b([]string{"ctrl+o"}, "ctrl+o", "browse"),
		Detach:       b([]string{"d"}, "d", "detach"),
		Verify:       b([]string{"v"}, "v", "smoke-test"),
		Doctor:       b([]string{"h"}, "h", "health (doctor)"),
		Status:       b([]string{"s"}, "s", "follow operation"),
		Refresh:      b([]string{"r"}, "r", "refresh"),
		StopWatching: b([]string{"s"}, "s", "stop watching"),
		KeepWatching: b([]string{"k", "esc"}, "k/esc", "keep watching"),
		Yes:          b([]string{"y"}, "y", "yes"),
		No:           b([]string{"n", "esc"}, "n/esc", "no"),
		Left:         b([]string{"left"}, "←", "previous region"),
		Right:        b([]string{"right"}, "→", "next region"),
	}
}
