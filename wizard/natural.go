package wizard

import "cmp"

// NaturalCompare orders strings with their digit runs compared as numbers,
// so Standard_D3_v2 comes before Standard_D13_v2 and Standard_D32_v3.
func NaturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitsPrefix(a), digitsPrefix(b)
		if da != "" && db != "" {
			na, nb := trimZeros(da, "0"), trimZeros(db, "0")
			if r := cmp.Compare(len(na), len(nb)); r != 0 {
				return r
			}
			if r := cmp.Compare(na, nb); r != 0 {
				return r
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitsPrefix(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

func trimZeros(s, _ string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}
