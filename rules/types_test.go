package rules

import (
	"errors"
	"testing"
)

func TestSeverityString(t *testing.T) {
	for s, want := range map[Severity]string{Info: "info", Warn: "warn", Block: "block", 9: "unknown"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q", s, s.String())
		}
	}
	if !(Block > Warn && Warn > Info) {
		t.Error("severities out of order")
	}
}

func TestViolationAndFinding(t *testing.T) {
	var err error = Violation{Field: "name", Code: CodeNameTooLong, Message: "24 characters at most (now 27)"}
	if err.Error() != "name: 24 characters at most (now 27)" {
		t.Errorf("Error() = %q", err.Error())
	}
	var v Violation
	if !errors.As(err, &v) || v.Code != CodeNameTooLong {
		t.Error("errors.As")
	}
	f := Finding{Code: "x", Severity: Block, Message: "m", Fix: "f"}
	if f.String() != "BLOCK: m — f" {
		t.Errorf("String() = %q", f.String())
	}
	if s := (Finding{Severity: Info, Message: "m"}).String(); s != "INFO: m" {
		t.Errorf("String() = %q", s)
	}
	if Blocked(nil) || Blocked([]Finding{{Severity: Warn}, {Severity: Info}}) || !Blocked([]Finding{{Severity: Info}, {Severity: Block}}) {
		t.Error("Blocked")
	}
}

func TestHelpers(t *testing.T) {
	for in, want := range map[string]string{"abc": "'abc'", "it's": `"it's"`, "a\nb": `"a\nb"`} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
	long := make([]byte, 100)
	for i := range long {
		long[i] = 'x'
	}
	if got := quote(string(long)); len([]rune(got)) != 83 {
		t.Errorf("quote(100 x) = %q", got)
	}
	for _, tt := range []struct {
		in   []string
		want string
	}{{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a and b"}, {[]string{"a", "b", "c"}, "a, b and c"}} {
		if got := joinAnd(tt.in); got != tt.want {
			t.Errorf("joinAnd(%q) = %q", tt.in, got)
		}
	}
}
