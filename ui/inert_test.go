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
		wizard.Compute{Name: "ev-rtl\u202egnp.exe\x1b]0;pwned\x07", Type: "Kubernetes", State: "Succeeded"})
	d.pickWorkspace()
	d.press("down", "down", "down", "enter")
	d.wantStep(wizard.StepList)
	d.wantScreen(`ev-rtl\u202egnp`)
	frame := d.m.View().Content
	if strings.ContainsAny(frame, "\u202e\x07") || strings.Contains(frame, "\x1b]0;") {
		t.Errorf("a control from Azure reaches the terminal:\n%q", frame)
	}
}
