package rules

import (
	"slices"
	"strings"
	"testing"
)

// codes lists the codes of vs in order.
func codes(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Code)
	}
	return out
}

// findingCodes lists the codes of fs in order.
func findingCodes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

// wantCodes fails unless got has exactly the codes want, in order.
func wantCodes(t *testing.T, got []Violation, want ...string) {
	t.Helper()
	if g := codes(got); !slices.Equal(g, want) {
		t.Errorf("codes = %q, want %q\n%v", g, want, got)
	}
}

// checkStyle fails if a violation message breaks the style of DESIGN §4:
// lower case first letter, no trailing period, not empty.
func checkStyle(t *testing.T, vs []Violation) {
	t.Helper()
	for _, v := range vs {
		if v.Message == "" || v.Field == "" || v.Code == "" {
			t.Errorf("incomplete violation %#v", v)
			continue
		}
		if strings.HasSuffix(v.Message, ".") {
			t.Errorf("message ends with a period: %q", v.Message)
		}
		if c := v.Message[0]; c >= 'A' && c <= 'Z' && !strings.HasPrefix(v.Message, "Docker") {
			t.Errorf("message starts upper case: %q", v.Message)
		}
	}
}

// findCode returns the first finding with the code.
func findCode(fs []Finding, code string) (Finding, bool) {
	for _, f := range fs {
		if f.Code == code {
			return f, true
		}
	}
	return Finding{}, false
}

func hasCode(fs []Finding, code string) bool {
	_, ok := findCode(fs, code)
	return ok
}

func contains(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s %q does not contain %q", what, s, sub)
		}
	}
}
