package cli

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// hostileName is a compute name as an attacker would choose it: a
// right-to-left override that shows "ev-rtlexe.png", and a title-setting
// escape sequence.
// ownSGR are the colours amlaks itself writes.
var ownSGR = regexp.MustCompile(`\x1b\[[0-9;]*m`)

const hostileName = "ev-rtl\u202egnp.exe\x1b]0;pwned\x07"

// TestHostileNamesInert: a name from Azure with bidi and control
// characters is escaped in the table and tsv (nothing a terminal acts on
// reaches it) and exact in JSON and YAML, which escape it their own way; a
// very long one is cut with … in the table.
func TestHostileNamesInert(t *testing.T) {
	c := wizardtest.New()
	long := strings.Repeat("x", 10000)
	c.Comps["mlw-prod"] = append(c.Comps["mlw-prod"],
		wizard.Compute{Name: hostileName, Type: "Kubernetes", State: "Succeeded"},
		wizard.Compute{Name: long, Type: "Kubernetes", State: "Succeeded"})
	raw := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return r != '\n' && r != '\t' && rules.Hostile(r) })
	}
	for _, f := range []string{"table", "tsv", "json", "jsonc", "yaml"} {
		code, out, errs := runTTY(t, c, "", "list", "-w", "mlw-prod", "-o", f)
		if code != 0 {
			t.Fatalf("-o %s: exit %d %s", f, code, errs)
		}
		shown := out
		if f == "jsonc" {
			shown = ownSGR.ReplaceAllString(out, "") // its own colours
		}
		if raw(shown) {
			t.Errorf("-o %s: a control character reaches the terminal:\n%.2000q", f, shown)
		}
		switch f {
		case "table", "tsv":
			if !strings.Contains(out, `ev-rtl\u202egnp.exe\x1b]0;pwned\x07`) {
				t.Errorf("-o %s: the name is not shown escaped:\n%s", f, out)
			}
		case "json":
			var got []map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if got[2]["name"] != hostileName || got[3]["name"] != long {
				t.Errorf("-o json: names %q, want the exact values", got[2]["name"])
			}
		case "yaml":
			var got []map[string]any
			if err := yaml.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if got[2]["name"] != hostileName {
				t.Errorf("-o yaml: name %q, want the exact value", got[2]["name"])
			}
		}
		if f == "table" {
			for _, l := range strings.Split(out, "\n") {
				if len([]rune(l)) > 200 {
					t.Errorf("-o table: a row of %d characters", len([]rune(l)))
				}
			}
			if !strings.Contains(out, strings.Repeat("x", maxCell-1)+"…") {
				t.Errorf("-o table: the long name is not cut with …")
			}
		}
	}
}

// TestHostileTextOnStderrInert: a message carrying a name from Azure
// (an error, a note) is escaped on stderr too.
func TestHostileTextOnStderrInert(t *testing.T) {
	c := wizardtest.New()
	c.Errs["Computes"] = &wizard.Error{Kind: wizard.ErrNotFound, Op: "list computes", Message: "no compute " + hostileName}
	code, _, errs := runTTY(t, c, "", "list", "-w", "mlw-prod")
	if code == 0 || strings.ContainsAny(errs, "\u202e\x07") || strings.Contains(errs, "\x1b]0;") || !strings.Contains(errs, `ev-rtl\u202egnp.exe`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}
