package rules

import (
	"regexp"
	"strings"
	"testing"
)

func TestComputeName(t *testing.T) {
	tests := []struct {
		name     string
		existing []string
		want     []string
		msg      string // a substring of the first message
	}{
		{"", nil, []string{CodeNameEmpty}, "enter a name"},
		// length: 2/3/24/25
		{"ab", nil, []string{CodeNameTooShort}, "3 characters at least (now 2)"},
		{"abc", nil, nil, ""},
		{"a" + strings.Repeat("b", 23), nil, nil, ""},
		{"a" + strings.Repeat("b", 24), nil, []string{CodeNameTooLong}, "24 characters at most (now 25)"},
		{"a" + strings.Repeat("b", 26), nil, []string{CodeNameTooLong}, "24 characters at most (now 27)"},
		{"a", nil, []string{CodeNameTooShort}, "(now 1)"},
		// first character
		{"1abc", nil, []string{CodeNameFirstChar}, "must start with a letter"},
		{"-abc", nil, []string{CodeNameFirstChar}, "must start with a letter"},
		{"Abc", nil, nil, ""},
		{"zbc", nil, nil, ""},
		// characters
		{"ab_c", nil, []string{CodeNameChars}, "only letters, digits and - are allowed (found '_')"},
		{"ab c", nil, []string{CodeNameChars}, "(space)"},
		{"abé1", nil, []string{CodeNameChars}, "'é'"},
		{"aks-né", nil, []string{CodeNameChars}, "only letters, digits and - are allowed (found 'é')"}, // only the real error
		{"aks-n٣", nil, []string{CodeNameChars}, "'٣'"},
		{"aks-€", nil, []string{CodeNameChars, CodeNameLastChar}, "'€'"},
		{"a.b_c", nil, []string{CodeNameChars}, "'.', '_'"},
		{"a\x00bc", nil, []string{CodeNameChars}, `'\x00'`},
		{"a!@#$%^&*", nil, []string{CodeNameChars, CodeNameLastChar}, "..."},
		// last character
		{"abc-", nil, []string{CodeNameLastChar}, "must end with a letter or digit"},
		{"abc_", nil, []string{CodeNameChars, CodeNameLastChar}, ""},
		// trailing -digits: a-1 vs a-1b
		{"a-1", nil, []string{CodeNameTrailingDigits}, "must not end in - followed only by digits"},
		{"a-1b", nil, nil, ""},
		{"aks-123", nil, []string{CodeNameTrailingDigits}, ""},
		{"aks1", nil, nil, ""},
		{"a-b-1c", nil, nil, ""},
		{"ab--1", nil, []string{CodeNameTrailingDigits}, ""},
		// reserved, any case
		{"local", nil, []string{CodeNameReserved}, "'local' is reserved"},
		{"AmlCompute", nil, []string{CodeNameReserved}, "'amlcompute' is reserved"},
		{"containerinstance", nil, []string{CodeNameReserved}, "reserved"},
		{"locals", nil, nil, ""},
		// uniqueness, case-insensitive
		{"aks-one", []string{"other", "Aks-One"}, []string{CodeNameTaken}, "already used in this workspace as 'Aks-One' (names ignore case)"},
		{"aks-one", []string{"aks-on", "aks-onee"}, nil, ""},
		{"aks-one", []string{" aks-one "}, []string{CodeNameTaken}, ""},
		// several at once, in order
		{"1_", nil, []string{CodeNameTooShort, CodeNameFirstChar, CodeNameChars, CodeNameLastChar}, ""},
	}
	for _, tt := range tests {
		got := ComputeName(tt.name, tt.existing)
		wantCodes(t, got, tt.want...)
		checkStyle(t, got)
		for _, v := range got {
			if v.Field != "name" {
				t.Errorf("%q: field %q, want name", tt.name, v.Field)
			}
		}
		if tt.msg != "" && len(got) > 0 && !strings.Contains(got[0].Message, tt.msg) {
			t.Errorf("%q: message %q does not contain %q", tt.name, got[0].Message, tt.msg)
		}
	}
}

// armName is the ARM schema pattern without its look-ahead, which is
// checked apart.
var armName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9\-]{2,23}$`)

// endsAlnum is the doc rule "must end with a letter or digit", which the
// ARM pattern lacks.
var endsAlnum = regexp.MustCompile(`[a-zA-Z0-9]$`)
var trailingDigits = regexp.MustCompile(`-[0-9]+$`)

func FuzzComputeName(f *testing.F) {
	for _, s := range []string{"", "a", "ab", "abc", "a-1", "a-1b", "local", "aks_1", "é", "\xff\xfe", "a--", strings.Repeat("x", 30)} {
		f.Add(s, "aks-1")
	}
	f.Fuzz(func(t *testing.T, name, existing string) {
		// Long inputs add nothing past the 24-character rule but make the
		// engine's minimization of new inputs crawl; bytes (not runes) are
		// cut on purpose, leaving broken UTF-8 at the end.
		name, existing = name[:min(len(name), 64)], existing[:min(len(existing), 64)]
		vs := ComputeName(name, []string{existing})
		checkStyle(t, vs)
		valid := armName.MatchString(name) && endsAlnum.MatchString(name) && !trailingDigits.MatchString(name) &&
			!strings.EqualFold(name, "local") && !strings.EqualFold(name, "amlcompute") &&
			!strings.EqualFold(name, "containerinstance") && !strings.EqualFold(name, strings.TrimSpace(existing))
		if valid != (len(vs) == 0) {
			t.Errorf("ComputeName(%q, %q) = %v, but the ARM pattern says valid=%v", name, existing, vs, valid)
		}
	})
}

func TestComputeNameAccentedFirstLetter(t *testing.T) {
	vs := ComputeName("ésd", nil)
	if len(vs) == 0 || vs[0].Message != "must start with a letter a-z or A-Z (no accents)" {
		t.Fatalf("%v", vs)
	}
}
