package ui

import (
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard"
)

// TestTUIHostileNameInert: a compute named with a right-to-left override
// and a title-setting escape shows escaped in the wizard's list, and no
// control but the wizard's own colours reaches the terminal.
func TestTUIHostileNameInert(t *testing.T) {
	d := newDriver(t)
	d.cloud.Comps["mlw-prod"] = append(d.cloud.Comps["mlw-prod"],
		wizard.Compute{Name: "ev-rtl\u202egnp.exe\x1b]0;pwned\x07", Type: "Kubernetes", State: "Succeeded"},
		wizard.Compute{Name: strings.Repeat("x", 10000), Type: "Kubernetes", State: "Succeeded"})
	d.pickWorkspace()
	d.press("down", "down", "down", "enter")
	d.wantStep(wizard.StepList)
	d.wantScreen(`ev-rtl\u202egnp`)
	frame := d.m.View().Content
	for _, l := range strings.Split(d.screen(), "\n") {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("a line of %d characters in an 80-column window", n)
		}
	}
	if !strings.Contains(d.screen(), "xxx…") {
		t.Errorf("the 10,000-character name is not cut with …:\n%s", d.screen())
	}
	if strings.ContainsAny(frame, "\u202e\x07") || strings.Contains(frame, "\x1b]0;") {
		t.Errorf("a control from Azure reaches the terminal:\n%q", frame)
	}
}
