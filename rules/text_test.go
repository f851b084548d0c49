package rules

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestInert(t *testing.T) {
	for _, c := range []struct{ in, want, text string }{
		{"aks-prod", "aks-prod", "aks-prod"},
		{"ev-rtl\u202egnp.exe", `ev-rtl\u202egnp.exe`, `ev-rtl\u202egnp.exe`},
		{"a\x1b[2Jb", `a\x1b[2Jb`, `a\x1b[2Jb`},
		{"\u2066x\u2069\u200e\u200f", `\u2066x\u2069\u200e\u200f`, `\u2066x\u2069\u200e\u200f`},
		{"c1\u009b31m", `c1\u009b31m`, `c1\u009b31m`},
		{"line\nnext\ttab\r", `line\x0anext\x09tab\x0d`, "line\nnext\ttab\\x0d"},
		{"bad\xffutf8", `bad\xffutf8`, `bad\xffutf8`},
		{"日本語 ok", "日本語 ok", "日本語 ok"},
	} {
		if got := Inert(c.in); got != c.want {
			t.Errorf("Inert(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := InertText(c.in); got != c.text {
			t.Errorf("InertText(%q) = %q, want %q", c.in, got, c.text)
		}
	}
	if got := Cut(strings.Repeat("a", 10000), 10); got != "aaaaaaaaa…" {
		t.Errorf("Cut: %q", got)
	}
	if got := Cut("short", 10); got != "short" {
		t.Errorf("Cut: %q", got)
	}
}

// FuzzInert: what Inert returns is valid UTF-8 with no character it
// escapes, and text without any is unchanged.
func FuzzInert(f *testing.F) {
	for _, s := range []string{"aks", "ev-rtl\u202egnp", "\x1b]0;title\x07", "\xff\xfe", "\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, got := range []string{Inert(s), InertText(s)} {
			if !utf8.ValidString(got) {
				t.Fatalf("invalid UTF-8 out of %q: %q", s, got)
			}
			for _, r := range got {
				if Hostile(r) && r != '\n' && r != '\t' {
					t.Fatalf("%q left in %q", r, got)
				}
			}
		}
		got := InertTerminal(s)
		if !utf8.ValidString(got) {
			t.Fatalf("InertTerminal: invalid UTF-8 out of %q: %q", s, got)
		}
		for i := 0; i < len(got); {
			if got[i] == 0x1b {
				n := ownSequence(got[i:])
				if n == 0 {
					t.Fatalf("InertTerminal left a bare ESC in %q", got)
				}
				i += n
				continue
			}
			r, size := utf8.DecodeRuneInString(got[i:])
			if Hostile(r) && r != '\n' && r != '\t' {
				t.Fatalf("InertTerminal left %q in %q", r, got)
			}
			i += size
		}
		if strings.IndexFunc(s, Hostile) < 0 && utf8.ValidString(s) && Inert(s) != s {
			t.Fatalf("clean text changed: %q", s)
		}
	})
}

func TestInertJSON(t *testing.T) {
	in := []byte("{\n  \"name\": \"ev-rtl\u202egnp\u009b\x7f\\u001b\"\n}\n")
	want := "{\n  \"name\": \"ev-rtl\\u202egnp\\u009b\\u007f\\u001b\"\n}\n"
	if got := string(InertJSON(in)); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestInertTerminal(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"\x1b[1;38;5;12mok\x1b[0m\n", "\x1b[1;38;5;12mok\x1b[0m\n"},
		{"\x1b]8;;https://portal.azure.com/#x\x07link\x1b]8;;\x07", "\x1b]8;;https://portal.azure.com/#x\x07link\x1b]8;;\x07"},
		{"a\x1b[2Jb\x1b]0;t\x07", `a\x1b[2Jb\x1b]0;t\x07`},
		{"ev-rtl\u202egnp \u009b31m", `ev-rtl\u202egnp \u009b31m`},
		{"\x1b]8;;http://x\u202e\x07", `\x1b]8;;http://x\u202e\x07`},
		{"plain", "plain"},
	} {
		if got := InertTerminal(c.in); got != c.want {
			t.Errorf("InertTerminal(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
