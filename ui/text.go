package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// clip cuts s to h lines of at most w cells and pads it to exactly h lines.
func clip(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// wrap word-wraps s (which may hold styles) to width w at spaces only:
// names, codes and flags with hyphens stay whole (x/ansi always breaks at
// '-', so hyphens travel as U+2011 through it); words longer than a line
// are cut.
func wrap(s string, w int) string {
	if w <= 0 {
		return s
	}
	const nbHyphen = "\u2011"
	protected := strings.ReplaceAll(s, "-", nbHyphen)
	out := strings.ReplaceAll(ansi.Wrap(protected, w, " "), nbHyphen, "-")
	return strings.ReplaceAll(out, nbSpace, " ")
}

// nbSpace joins the words of a command so wrap keeps it on one line.
const nbSpace = "\u00a0"

// unbroken makes wrap keep s (a command to copy) on one line when it fits.
func unbroken(s string) string { return strings.ReplaceAll(s, " ", nbSpace) }

// paint renders each line of s on its own, so a style does not pad the
// shorter lines of a block to the longest one.
func paint(st lipgloss.Style, s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return strings.Join(lines, "\n")
}

// indent wraps s to w cells with every line indented by n spaces.
func indent(s string, n, w int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(wrap(s, max(10, w-n)), "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}

// hang wraps s to w with continuation lines indented by indent spaces.
func hang(s string, w, indent int) string {
	lines := strings.Split(wrap(s, max(10, w-indent)), "\n")
	return strings.Join(lines, "\n"+strings.Repeat(" ", indent))
}

// bindsKey reports whether one of ks already answers to key.
func bindsKey(ks []key.Binding, name string) bool {
	for _, b := range ks {
		for _, n := range b.Keys() {
			if n == name {
				return true
			}
		}
	}
	return false
}
