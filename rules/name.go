package rules

// ReservedNames are compute names the AML SDK refuses.
var reservedNames = []string{"amlcompute", "local", "containerinstance"}

// ComputeName checks a compute name against SPEC §4.1 and returns one
// Violation per broken rule (field "name"), in this order: empty, length
// ("3 characters at least (now 2)", "24 characters at most (now 27)"),
// first character ("must start with a letter"), characters ("only letters,
// digits and - are allowed (found '_')"), last character ("must end with a
// letter or digit"), trailing -digits ("must not end in - followed only by
// digits (like -1)"), reserved ("'local' is reserved"), and uniqueness
// against existing (case-insensitive: "already used in this workspace by
// 'Aks-1'"). A nil result means the name is valid.
func ComputeName(name string, existing []string) []Violation {
	return nil // TODO(rules helper)
}
