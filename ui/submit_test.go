package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/wizard"
)

// toReview walks the create flow with defaults and the name given.
func (d *driver) toReview(name string) {
	d.t.Helper()
	d.createTo(wizard.StepName)
	d.typ(name)
	d.press("enter")
	d.wantStep(wizard.StepReview)
}

func TestCreateSubmitSucceeds(t *testing.T) {
	d := newDriver(t)
	d.cloud.Progress = []string{"Creating", "Creating"}
	d.toReview("aks-new")
	d.wantScreen("Create AKS compute aks-new in mlw-prod", "takes about 10 min", "Standard_D3_v2 (4 vCPUs, 14 GiB)", "enter submit")
	d.press("enter")
	d.wantStep(wizard.StepSubmit)
	d.wantScreen("✓ Created aks-new in mlw-prod", "state   Succeeded", "amlaks --demo status aks-new -w mlw-prod -g rg-ml-prod",
		"amlaks --demo list -w mlw-prod -g rg-ml-prod")
	if len(d.cloud.Specs) != 1 || d.cloud.Specs[0].VMSize != "Standard_D3_v2" || d.cloud.Specs[0].Nodes != 3 || d.cloud.Specs[0].Name != "aks-new" {
		t.Fatalf("specs %+v", d.cloud.Specs)
	}
	d.press("enter")
	res := d.m.Result()
	if res.Status != Succeeded || res.Compute == nil || res.Compute.State != "Succeeded" || !strings.Contains(res.Summary, "Created AKS compute aks-new") ||
		!strings.Contains(res.Summary, "`amlaks --demo status aks-new -w mlw-prod -g rg-ml-prod`") {
		t.Fatalf("result %+v", res)
	}
	if d.m.guard.Busy(d.m.plan.GuardKey()) {
		t.Fatal("guard still held after the operation ended")
	}
}

func TestBlockDisablesSubmit(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepName)
	d.typ("late-comer")
	d.press("enter")
	// the name gets taken between the name step and the review
	d.cloud.Comps["mlw-prod"] = append(d.cloud.Comps["mlw-prod"], wizard.Compute{Name: "late-comer", Type: "AKS"})
	d.press("esc", "enter")
	d.wantStep(wizard.StepReview)
	d.wantScreen("BLOCK", "Submit is disabled")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	if n := d.cloud.CallCount("Submit"); n != 0 {
		t.Fatalf("Submit called %d times", n)
	}
}

func TestFailureGoesBackToFix(t *testing.T) {
	d := newDriver(t)
	d.cloud.Outcome = &wizard.Error{Kind: wizard.ErrQuota, Code: "QuotaExceeded", Message: "Operation could not be completed as it results in exceeding approved standardDv2Family Cores quota",
		Hint: "request a quota increase, pick another region or size, or dev-test"}
	d.toReview("aks-new")
	d.press("enter")
	d.wantScreen("✗ The create of aks-new failed", "QuotaExceeded", "exceeding approved standardDv2Family Cores quota",
		"request a quota increase", "f go back to VM size")
	d.press("enter") // enter does not quit on failure
	d.wantStep(wizard.StepSubmit)
	d.press("f")
	d.wantStep(wizard.StepVMSize)
	if d.m.plan.Name != "aks-new" || d.m.plan.VMSize != "Standard_D3_v2" || d.m.plan.Nodes != 3 {
		t.Fatalf("answers lost: %+v", d.m.plan)
	}
	// walk forward again: every answer is still there; the failed
	// compute keeps its name in the workspace, so the name step (with the
	// computes fetched again after the operation) says so
	d.cloud.Outcome = nil
	d.press("enter", "enter", "enter", "enter", "enter")
	d.wantStep(wizard.StepName)
	d.wantScreen("already used in mlw-prod")
	d.typ("2")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	d.wantScreen("aks-new2")
}

func TestCtrlCDuringOperationAsks(t *testing.T) {
	d := newDriver(t)
	d.toReview("aks-new")
	d.cloud.Delay["Follow"] = 5 * time.Second // the operation is still running
	d.press("enter")
	d.wantStep(wizard.StepSubmit)
	d.wantScreen("Creating AKS compute aks-new", "usually about 10 min")
	d.press("ctrl+c")
	d.wantScreen("Stop watching?", "continues in Azure", "amlaks --demo status aks-new -w mlw-prod -g rg-ml-prod")
	if d.m.quitting {
		t.Fatal("quit without asking")
	}
	d.press("k")
	d.wantNoScreen("Stop watching?")
	d.press("ctrl+c", "s")
	if !d.m.quitting {
		t.Fatal("did not stop watching")
	}
	res := d.m.Result()
	if res.Status != Detached || res.Op == nil || !strings.Contains(res.Summary, "amlaks --demo status aks-new -w mlw-prod -g rg-ml-prod") {
		t.Fatalf("result %+v", res)
	}
}

func TestCtrlCOutsideOperationQuits(t *testing.T) {
	d := newDriver(t)
	d.press("ctrl+c")
	if !d.m.quitting || d.m.Result().Status != Quit {
		t.Fatalf("result %+v", d.m.Result())
	}
}

func TestDoubleSubmitImpossible(t *testing.T) {
	d := newDriver(t)
	d.toReview("aks-new")
	d.cloud.Delay["Follow"] = 5 * time.Second
	c1 := d.update(keyMsg("enter"))
	c2 := d.update(keyMsg("enter")) // second press while the first submit runs
	d.run(c1)
	d.run(c2)
	if n := d.cloud.CallCount("Submit"); n != 1 {
		t.Fatalf("Submit called %d times", n)
	}
	// the guard refuses a second submit of the same compute meanwhile
	if !d.m.guard.Busy(d.m.plan.GuardKey()) {
		t.Fatal("guard not held while the operation runs")
	}
	_, err := wizard.Submit(context.Background(), d.cloud, d.m.plan.Clone(), d.m.guard)
	if err == nil {
		t.Fatal("second submit of the same compute accepted")
	}
}

func TestSubmitErrorShowsFailure(t *testing.T) {
	d := newDriver(t)
	d.toReview("aks-new")
	d.cloud.SetErr("Submit", &wizard.Error{Kind: wizard.ErrConflict, Code: "Conflict", Message: "compute aks-new exists in region", Hint: "pick another name"})
	d.press("enter")
	d.wantScreen("Conflict", "f go back to Name")
	d.press("f")
	d.wantStep(wizard.StepName)
	d.wantScreen("aks-new")
}

func TestSlowerThanUsualAndNotices(t *testing.T) {
	notes := make(chan string, 1)
	d := newDriver(t, func(o *Options) { o.Notices = notes })
	d.toReview("aks-new")
	d.cloud.Delay["Follow"] = 5 * time.Second
	d.press("enter")
	ch := make(chan wizard.Progress)
	d.send(progressMsg{req: d.m.op.req, ch: ch, p: wizard.Progress{State: "Creating", Elapsed: 12 * time.Minute, Expected: 10 * time.Minute, Note: "throttled: retrying in 5 s"}})
	d.wantScreen("Creating · 12m 00s elapsed · usually about 10 min", "slower than usual: 2m 00s past the usual 10 min", "throttled: retrying in 5 s")
	// (the Init Cmd reading Notices was dropped by the driver's timeout)
	d.send(noticeMsg{text: "To sign in, open https://microsoft.com/devicelogin and enter the code ABCD-EFGH", ok: true})
	d.wantScreen("ABCD-EFGH", "devicelogin")
}

func TestNilCloud(t *testing.T) {
	m := New(context.Background(), Options{})
	_ = m.Init()
	if !strings.Contains(m.render(), "No connection to Azure") {
		t.Fatal(m.render())
	}
}
