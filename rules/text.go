package rules

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Inert returns s as a terminal may show it, on one line: every control
// character (C0 including newline and tab, DEL, C1), every bidirectional or
// invisible format control (U+061C, U+200B–U+200F, U+202A–U+202E,
// the line and paragraph separators U+2028–U+2029,
// U+2060–U+2069, U+FEFF) and each byte of invalid UTF-8 becomes a visible
// escape (\x1b, \u202e, \xff). Text from Azure (names, IDs, messages) goes
// through it before a table, a line or the TUI shows it, so a name cannot
// move the cursor, clear the screen, set the title or reorder what is read
// around it ("ev-rtl\u202egnp.exe"). JSON and YAML carry the value itself,
// with their own escaping. Text without such characters is returned as is.
func Inert(s string) string { return inert(s, false) }

// InertText is Inert for prose (an error message, a note): newlines and
// tabs are kept.
func InertText(s string) string { return inert(s, true) }

func inert(s string, lines bool) string {
	clean := func(r rune, size int) bool {
		if r == utf8.RuneError && size == 1 {
			return false
		}
		return !Hostile(r) || lines && (r == '\n' || r == '\t')
	}
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !clean(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case clean(r, size):
			b.WriteString(s[i : i+size])
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// Hostile reports a character Inert escapes: a C0 or C1 control, DEL, or
// a bidirectional or invisible format control.
func Hostile(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r >= 0x200b && r <= 0x200f, r >= 0x2028 && r <= 0x202e,
		r >= 0x2060 && r <= 0x2069, r == 0xfeff:
		return true
	}
	return false
}

// Cut shortens s to at most n characters, the last one "…", for a table
// cell (a name Azure returns may be thousands of characters long).
func Cut(s string, n int) string {
	if n < 1 || utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}

// InertJSON escapes, in encoded JSON, the characters Inert escapes that
// encoding/json leaves raw (DEL, C1 and the format controls; it escapes C0
// itself) as \uXXXX: the same JSON value, which a terminal shows inert.
// Such characters can only be inside strings, so the rewrite is safe.
func InertJSON(b []byte) []byte {
	// C0 is left alone: encoding/json escapes it in strings, and the
	// newlines of an indented document are its own
	hostile := func(r rune) bool { return r >= 0x7f && Hostile(r) }
	if !bytes.ContainsFunc(b, hostile) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if hostile(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}

// InertTerminal is InertText for a stream amlaks styles itself (a TUI
// frame, a coloured document): its own SGR colour sequences (ESC [ … m)
// and OSC 8 hyperlinks (ESC ] 8 ; … BEL) are kept, every other escape
// sequence and control is escaped. It guards the whole output where text
// from Azure is mixed with styling; a name can at most colour itself.
func InertTerminal(s string) string {
	ok := func(r rune) bool { return !Hostile(r) || r == '\n' || r == '\t' }
	if terminalClean(s, ok) {
		return s // a frame is drawn many times a second: no copy when clean
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			if n := ownSequence(s[i:]); n > 0 {
				b.WriteString(s[i : i+n])
				i += n
				continue
			}
			b.WriteString(`\x1b`)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case ok(r):
			b.WriteString(s[i : i+size])
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// terminalClean reports whether InertTerminal leaves s as it is.
func terminalClean(s string, ok func(rune) bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			n := ownSequence(s[i:])
			if n == 0 {
				return false
			}
			i += n
		case c < utf8.RuneSelf:
			if !ok(rune(c)) {
				return false
			}
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || !ok(r) {
				return false
			}
			i += size
		}
	}
	return true
}

// ownSequence is the length of the SGR or OSC 8 sequence s starts with
// (0 for anything else).
func ownSequence(s string) int {
	switch {
	case strings.HasPrefix(s, "\x1b["):
		for i := 2; i < len(s); i++ {
			c := s[i]
			switch {
			case c == 'm':
				return i + 1
			case c >= '0' && c <= '9' || c == ';' || c == ':':
			default:
				return 0
			}
		}
	case strings.HasPrefix(s, "\x1b]8;"):
		for i := 4; i < len(s); i++ {
			c := s[i]
			switch {
			case c == 0x07:
				return i + 1
			case c < 0x20 || c == 0x7f || c >= 0x80:
				return 0 // a link is ASCII (escaped URL)
			}
		}
	}
	return 0
}
