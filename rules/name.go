package rules

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ReservedNames are compute names the AML SDK refuses.
var reservedNames = []string{"amlcompute", "local", "containerinstance"}

// Compute name limits.
const (
	NameMinLen = 3
	NameMaxLen = 24
)

// Violation codes of ComputeName.
const (
	CodeNameEmpty          = "name-empty"
	CodeNameTooShort       = "name-too-short"
	CodeNameTooLong        = "name-too-long"
	CodeNameFirstChar      = "name-first-char"
	CodeNameChars          = "name-chars"
	CodeNameLastChar       = "name-last-char"
	CodeNameTrailingDigits = "name-trailing-digits"
	CodeNameReserved       = "name-reserved"
	CodeNameTaken          = "name-taken"
)

// ComputeName checks a compute name against Azure ML's compute name rules and returns one
// Violation per broken rule (field "name"), in this order: empty, length
// ("3 characters at least (now 2)", "24 characters at most (now 27)"),
// first character ("must start with a letter"), characters ("only letters,
// digits and - are allowed (found '_')"), last character ("must end with a
// letter or digit"), trailing -digits ("must not end in - followed only by
// digits (like -1)"), reserved ("'local' is reserved"), and uniqueness
// against existing (case-insensitive: "already used in this workspace as
// 'Aks-1'"). A nil result means the name is valid.
func ComputeName(name string, existing []string) []Violation {
	if name == "" {
		return []Violation{nameViolation(CodeNameEmpty, "enter a name: 3 to 24 letters, digits or -, starting with a letter")}
	}
	var vs []Violation
	n := utf8.RuneCountInString(name)
	switch {
	case n < NameMinLen:
		vs = append(vs, nameViolation(CodeNameTooShort, fmt.Sprintf("%d characters at least (now %d)", NameMinLen, n)))
	case n > NameMaxLen:
		vs = append(vs, nameViolation(CodeNameTooLong, fmt.Sprintf("%d characters at most (now %d)", NameMaxLen, n)))
	}
	if !isASCIILetter(name[0]) {
		msg := "must start with a letter"
		if name[0] >= utf8.RuneSelf {
			msg = "must start with a letter a-z or A-Z (no accents)"
		}
		vs = append(vs, nameViolation(CodeNameFirstChar, msg))
	}
	if bad := badRunes(name, func(r rune) bool {
		return r < utf8.RuneSelf && (isASCIILetter(byte(r)) || isASCIIDigit(byte(r)) || r == '-')
	}); bad != "" {
		vs = append(vs, nameViolation(CodeNameChars, "only letters, digits and - are allowed (found "+bad+")"))
	}
	// A non-ASCII letter or digit at the end (aks-né) is already named by
	// the characters rule: "must end with a letter or digit" would only
	// confuse, as é is a letter.
	lastRune, _ := utf8.DecodeLastRuneInString(name)
	last := name[len(name)-1]
	if !isASCIILetter(last) && !isASCIIDigit(last) && !(lastRune >= utf8.RuneSelf && (unicode.IsLetter(lastRune) || unicode.IsDigit(lastRune))) {
		vs = append(vs, nameViolation(CodeNameLastChar, "must end with a letter or digit"))
	}
	// The ARM pattern's look-ahead (?![a-zA-Z0-9-]*-\d+$): no trailing "-digits".
	if trimmed := strings.TrimRight(name, "0123456789"); len(trimmed) < len(name) && strings.HasSuffix(trimmed, "-") {
		vs = append(vs, nameViolation(CodeNameTrailingDigits, "must not end in - followed only by digits (like -1)"))
	}
	for _, r := range reservedNames {
		if strings.EqualFold(name, r) {
			vs = append(vs, nameViolation(CodeNameReserved, fmt.Sprintf("'%s' is reserved: pick another name", r)))
		}
	}
	for _, e := range existing {
		if strings.EqualFold(strings.TrimSpace(e), name) {
			msg := "already used in this workspace: pick another name"
			if strings.TrimSpace(e) != name {
				msg = "already used in this workspace as " + quote(strings.TrimSpace(e)) + " (names ignore case): pick another name"
			}
			vs = append(vs, nameViolation(CodeNameTaken, msg))
			break
		}
	}
	return vs
}

func nameViolation(code, msg string) Violation {
	return Violation{Field: "name", Code: code, Message: msg}
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isASCIIDigit(c byte) bool  { return c >= '0' && c <= '9' }

// badRunes lists (quoted, comma separated, at most five) the distinct runes
// of s that ok rejects, or "" when there are none. Invalid UTF-8 shows as
// U+FFFD; control characters are escaped.
func badRunes(s string, ok func(rune) bool) string {
	var out []string
	seen := map[rune]bool{}
	for _, r := range s {
		if ok(r) || seen[r] {
			continue
		}
		seen[r] = true
		if len(out) == 5 {
			out = append(out, "...")
			break
		}
		out = append(out, quoteRune(r))
	}
	return strings.Join(out, ", ")
}

func quoteRune(r rune) string {
	if r == ' ' {
		return "' ' (space)"
	}
	return strconv.QuoteRune(r)
}
