package ui

import (
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard"
)

// Esc from a failed operation back to the review runs the preflight again
// and it finishes (it used to spin "running the preflight checks…" for
// ever: the Cmd that entering the review returns was dropped).
func TestEscFromFailureRunsPreflight(t *testing.T) {
	d := newDriver(t)
	d.cloud.Outcome = &wizard.Error{Kind: wizard.ErrFailed, Code: "InternalError", Message: "the create failed"}
	d.toReview("aks-gg")
	d.press("enter")
	d.wantScreen("✗ The create of aks-gg failed")
	before := d.cloud.CallCount("Submit")
	d.press("esc")
	d.wantStep(wizard.StepReview)
	rs := d.m.screens[wizard.StepReview].(*reviewScreen)
	if rs.loading || (rs.report == nil && rs.err == nil) {
		t.Fatalf("preflight did not finish: loading=%v report=%v err=%v", rs.loading, rs.report, rs.err)
	}
	d.wantNoScreen("running the preflight checks", "wait for the preflight checks")
	// the failed compute keeps the name: the fresh preflight says so
	d.wantScreen("BLOCK")
	if n := d.cloud.CallCount("Submit"); n != before {
		t.Fatalf("Submit called again (%d)", n)
	}
}

// After an operation ends the computes of the workspace are fetched again
// and the name check is forgotten: the name step and the review agree that
// the name is now taken.
func TestOperationEndRefreshesComputesAndNameCheck(t *testing.T) {
	d := newDriver(t)
	d.toReview("aks-new")
	calls := d.cloud.CallCount("Computes")
	d.press("enter")
	d.wantScreen("✓ Created aks-new in mlw-prod")
	if n := d.cloud.CallCount("Computes"); n <= calls {
		t.Fatalf("computes not fetched again after the operation (%d calls, %d before)", n, calls)
	}
	ns := d.m.screens[wizard.StepName].(*nameScreen)
	if ns.checked != "" || ns.taken {
		t.Fatalf("name check not forgotten: checked=%q taken=%v", ns.checked, ns.taken)
	}
	d.press("esc") // back to the review
	d.wantStep(wizard.StepReview)
	d.wantScreen("BLOCK")
	d.press("esc")
	d.wantStep(wizard.StepName)
	d.wantNoScreen("is free in mlw-prod")
	d.wantScreen("already used in mlw-prod")
}

// A name given by flag that the failed create took: esc from the review
// lands on the name step (not TLS), so the user can rename.
func TestFlagNameTakenAfterFailureIsReachable(t *testing.T) {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Mark(wizard.FMode, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.Name = "aks-ff"
	p.Mark(wizard.FName, wizard.Flag)
	d := newDriver(t, func(o *Options) { o.Plan = p })
	d.cloud.Outcome = &wizard.Error{Kind: wizard.ErrFailed, Code: "InternalError", Message: "the create failed"}
	d.wantStep(wizard.StepPurpose)
	for i := 0; d.m.step != wizard.StepReview && i < 12; i++ {
		if d.m.step == wizard.StepName {
			t.Fatalf("the free flag name was asked:\n%s", d.screen())
		}
		d.press("enter")
	}
	d.wantStep(wizard.StepReview)
	d.press("enter")
	d.wantScreen("✗ The create of aks-ff failed")
	d.press("esc")
	d.wantStep(wizard.StepReview)
	d.press("esc")
	d.wantStep(wizard.StepName)
	d.wantScreen("--name aks-ff: aks-ff is already used in mlw-prod")
	d.typ("2")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	if d.m.plan.Name != "aks-ff2" {
		t.Fatalf("name %q", d.m.plan.Name)
	}
}

// At 60×16 the success screen wraps its commands at spaces (continuation
// indented) and keeps the key line visible, with "↓ more" and ↑/↓ scrolling
// for the rest.
func TestSuccessScreenFitsSmallWindow(t *testing.T) {
	d := newDriver(t)
	d.cloud.Progress = []string{"Creating"}
	d.toReview("aks-small60")
	d.press("enter")
	d.wantScreen("✓ Created aks-small60")
	d.send(tea_WindowSize(60, 16))
	scr := d.screen()
	lines := strings.Split(scr, "\n")
	if len(lines) != 16 {
		t.Fatalf("%d lines:\n%s", len(lines), scr)
	}
	d.wantScreen("enter done", "↓ more")
	// scroll to the end: every command is whole once joined at its breaks
	var all []string
	for i := 0; i < 20; i++ {
		all = append(all, strings.Split(d.screen(), "\n")...)
		d.press("down")
	}
	d.wantScreen("enter done", "↑ more")
	d.wantNoScreen("↓ more")
	flat := strings.Join(strings.Fields(strings.Join(all, "\n")), " ")
	for _, cmd := range []string{"amlaks --demo status aks-small60 -w mlw-prod -g rg-ml-prod", "amlaks --demo list -w mlw-prod -g rg-ml-prod"} {
		if !strings.Contains(flat, cmd) {
			t.Fatalf("command %q not shown whole:\n%s", cmd, strings.Join(all, "\n"))
		}
	}
	for _, l := range all {
		if strings.Contains(l, "amlaks") && !strings.HasPrefix(l, "    amlaks") && !strings.Contains(l, ": amlaks") {
			t.Fatalf("command line not indented: %q", l)
		}
	}
	d.press("up")
	d.wantScreen("↓ more")
}

// hangCmd breaks a command only at spaces and indents its continuation.
func TestHangCmdWrapsAtSpaces(t *testing.T) {
	cmd := "amlaks --demo status aks-small60 -w mlw-prod -g rg-ml-prod"
	got := hangCmd("  • check it any time: ", cmd, 40, 4)
	ls := strings.Split(got, "\n")
	if len(ls) < 3 {
		t.Fatalf("not wrapped:\n%s", got)
	}
	for _, l := range ls[1:] {
		if !strings.HasPrefix(l, "    ") || len([]rune(l)) > 40 {
			t.Fatalf("bad line %q in\n%s", l, got)
		}
	}
	if j := strings.Join(strings.Fields(strings.Join(ls[1:], " ")), " "); j != cmd {
		t.Fatalf("command %q, want %q", j, cmd)
	}
	if one := hangCmd("  • check: ", "amlaks list", 60, 4); one != "  • check: amlaks"+nbSpace+"list" && one != "  • check: amlaks list" {
		t.Fatalf("short command %q", one)
	}
}
