package ui

import (
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard"
)

// Leaving past the third step asks first; the answers are printed as the
// command that pre-answers them: every step gone through, the confirmed
// defaults too (purpose, region, size), so it opens where the user left.
func TestLeavingAsksAndKeepsAnswers(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepNodes)
	d.press("+", "enter") // 4 nodes, asked
	d.wantStep(wizard.StepNetwork)
	d.press("ctrl+c")
	d.wantScreen("Leave the wizard?", "--compute-type AKS", "--nodes 4")
	if d.m.quitting {
		t.Fatal("left without asking")
	}
	d.press("n") // stay
	d.wantStep(wizard.StepNetwork)
	d.wantNoScreen("Leave the wizard?")
	if d.m.quitting {
		t.Fatal("n must stay")
	}
	d.press("ctrl+c")
	d.wantScreen("Leave the wizard?")
	d.press("esc")
	d.wantNoScreen("Leave the wizard?")
	d.press("ctrl+c", "ctrl+c")
	if !d.m.quitting {
		t.Fatal("a second ctrl+c leaves")
	}
	if r := d.m.Result(); r.Status != Quit || !strings.Contains(r.Summary, "amlaks --demo create --compute-type AKS -w mlw-prod -g rg-ml-prod --purpose production --region eastus --vm-size Standard_D3_v2 --nodes 4") {
		t.Fatalf("result %v %q", r.Status, r.Summary)
	}
}

// The dialog answers with enter too (huh's confirm), and "y" leaves.
func TestLeavingWithY(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepNetwork)
	d.press("q")
	d.wantScreen("Leave the wizard?")
	d.press("y")
	if !d.m.quitting || !strings.Contains(d.m.Result().Summary, "-w mlw-prod") {
		t.Fatalf("y must leave with the command: %q", d.m.Result().Summary)
	}
}

// Before the fourth step, leaving does not ask, but still keeps the
// answers; without answers it just quits. On the Mode step nothing says
// create or attach yet, so no command is suggested.
func TestLeavingEarlyKeepsAnswersWithoutAsking(t *testing.T) {
	d := newDriver(t)
	d.pickWorkspace()
	d.wantStep(wizard.StepMode)
	d.press("ctrl+c")
	if !d.m.quitting || strings.Contains(d.m.Result().Summary, "amlaks") {
		t.Fatalf("leaving the Mode step: summary %q", d.m.Result().Summary)
	}
	c := newDriver(t) // Enter on the Mode step chooses create
	c.pickWorkspace()
	c.enterThrough()
	c.press("ctrl+c", "ctrl+c")
	if !c.m.quitting || !strings.Contains(c.m.Result().Summary, "amlaks --demo create --compute-type AKS -w mlw-prod") {
		t.Fatalf("summary %q", c.m.Result().Summary)
	}
	e := newDriver(t)
	e.press("ctrl+c")
	if !e.m.quitting || strings.Contains(e.m.Result().Summary, "amlaks") {
		t.Fatalf("nothing answered: %q", e.m.Result().Summary)
	}
}
