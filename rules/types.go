package rules

import "strings"

// Severity ranks a preflight finding.
type Severity int

// Severities, weakest first.
const (
	Info Severity = iota
	Warn
	Block
)

// String returns "info", "warn" or "block".
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warn:
		return "warn"
	case Block:
		return "block"
	}
	return "unknown"
}

// Violation is one broken rule of one input field.
type Violation struct {
	Field   string // the flag name of the field, e.g. "name", "service-cidr"
	Code    string // stable machine code, e.g. "name-too-long"
	Message string // lower case, no trailing period, says the fix
}

// Error makes a Violation usable as an error: "name: 24 characters at most (now 27)".
func (v Violation) Error() string { return v.Field + ": " + v.Message }

// Finding is one preflight result.
type Finding struct {
	Code     string
	Severity Severity
	Message  string // what is the case
	Fix      string // what to do about it (may be empty for Info)
}

// String renders "BLOCK  message — fix".
func (f Finding) String() string {
	s := strings.ToUpper(f.Severity.String()) + ": " + f.Message
	if f.Fix != "" {
		s += " — " + f.Fix
	}
	return s
}

// Blocked reports whether any finding has severity Block.
func Blocked(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Block {
			return true
		}
	}
	return false
}
