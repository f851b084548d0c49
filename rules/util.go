package rules

import (
	"strconv"
	"strings"
	"unicode"
)

// quote renders user input for a message: 'abc', or a Go-quoted string when
// it holds anything unprintable. Long input is cut to 80 runes.
func quote(s string) string {
	r := []rune(s)
	if len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) || r == '\'' }) >= 0 {
		return strconv.Quote(s)
	}
	return "'" + s + "'"
}

// JoinAnd is joinAnd for the other packages' sentences.
func JoinAnd(xs []string) string { return joinAnd(xs) }

// joinAnd renders ["a"] "a", ["a","b"] "a and b", ["a","b","c"] "a, b and c".
func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
