package ui

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
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

// B8: past its usual time the bar of a running operation stays below 100 %.
func TestSubmitBarNeverFullWhileRunning(t *testing.T) {
	d := newDriver(t)
	d.toReview("aks-new")
	d.cloud.Delay["Follow"] = 5 * time.Second
	d.press("enter")
	ch := make(chan wizard.Progress)
	d.send(progressMsg{req: d.m.op.req, ch: ch, p: wizard.Progress{State: "Creating", Elapsed: 25 * time.Second, Expected: 20 * time.Second}})
	d.wantScreen("Creating · 25s elapsed · usually about 20 s", "slower than usual")
	d.wantNoScreen("100%")
	for _, r := range []float64{0, 0.5, 0.9, 1, 1.25, 3, 100} {
		f := runningFraction(time.Duration(r*float64(time.Minute)), time.Minute)
		if f < 0 || f > 0.99 || int(f*100) > 99 {
			t.Errorf("fraction(%v) = %v", r, f)
		}
		if r <= 0.9 && math.Abs(f-r) > 1e-9 {
			t.Errorf("fraction(%v) = %v, want linear", r, f)
		}
	}
	if a, b := runningFraction(65*time.Second, time.Minute), runningFraction(70*time.Second, time.Minute); !(a < b) {
		t.Errorf("not increasing: %v %v", a, b)
	}
}

// Follow-up commands carry the workspace, and --demo in demo mode.
func TestFollowUpCommandsAreComplete(t *testing.T) {
	d := newDriver(t, func(o *Options) { o.Demo = false })
	d.toReview("aks-new")
	d.press("enter")
	d.wantScreen("amlaks status aks-new -w mlw-prod -g rg-ml-prod", "amlaks list -w mlw-prod -g rg-ml-prod")
	d.wantNoScreen("--demo", "--subscription")
	d.press("enter")
	if s := d.m.Result().Summary; !strings.Contains(s, "`amlaks status aks-new -w mlw-prod -g rg-ml-prod`") {
		t.Fatalf("summary %q", s)
	}
	// a subscription picked in the wizard (not the az CLI default) is named
	e := newDriver(t)
	e.press("esc")
	e.typ("sandbox")
	e.press("enter")
	if got := e.m.cliCmd("status", "x"); got != "amlaks --demo status x --subscription 00000000-0000-4000-8000-000000000002" {
		t.Fatalf("cliCmd %q", got)
	}
}

// B8 (failure): a create that failed in Azure leaves its compute: the
// failure screen says so, with the detach command.
func TestFailureSaysFailedComputeStays(t *testing.T) {
	d := newDriver(t)
	d.cloud.Outcome = &wizard.Error{Kind: wizard.ErrQuota, Code: "QuotaExceeded", Message: "exceeding approved standardDv2Family Cores quota"}
	d.toReview("aks-new")
	d.press("enter")
	d.wantScreen("the failed compute aks-new stays in mlw-prod: detach it (`amlaks --demo detach aks-new -w mlw-prod -g rg-ml-prod --yes`) or pick another name before trying again",
		"f go back to VM size")
	d.press("q")
	if s := d.m.Result().Summary; !strings.Contains(s, "the failed compute aks-new stays in mlw-prod") {
		t.Fatalf("summary %q", s)
	}
	// a refused request created nothing: no such note
	e := newDriver(t)
	e.toReview("aks-new")
	e.cloud.SetErr("Submit", &wizard.Error{Kind: wizard.ErrConflict, Code: "Conflict", Message: "compute aks-new exists in region"})
	e.press("enter")
	e.wantScreen("Conflict")
	e.wantNoScreen("stays in")
}

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

// Progress is time, not an invented percentage; a detach says Detaching.
func TestProgressShowsTimeNotPercentage(t *testing.T) {
	if got := stateWords(wizard.OpDetach, "Deleting"); !strings.HasPrefix(got, "Detaching") {
		t.Fatalf("detach state %q", got)
	}
	if got := stateWords(wizard.OpAttach, "Updating"); !strings.HasPrefix(got, "Attaching") {
		t.Fatalf("attach state %q", got)
	}
	d := newDriver(t)
	d.createTo(wizard.StepName)
	d.typ("aks-time")
	d.press("enter")
	d.cloud.Delay["Follow"] = 5 * time.Second
	d.press("enter")
	d.wantStep(wizard.StepSubmit)
	if s := d.screen(); strings.Contains(s, "%") || !strings.Contains(s, " of ~") {
		t.Fatalf("progress:\n%s", s)
	}
}

// The node count follows a new size while it is still the default: the
// smallest count that meets the purpose is offered.
func TestNodeCountFollowsTheSize(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepVMSize)
	d.typ("d2_v2")
	d.press("enter")
	d.wantStep(wizard.StepNodes)
	d.wantScreen("nodes: 6", "6 nodes × 2 vCPUs = 12 vCPUs")
}

// TestNextStepsFollowTheComputeType: the advice after an operation is the
// compute's own type's: v1 tools for a legacy AKS compute (saying v2
// cannot use it), even when it is followed from the list of a wizard whose
// plan is on the Kubernetes path.
func TestNextStepsFollowTheComputeType(t *testing.T) {
	t.Run("legacy create", func(t *testing.T) {
		d := newDriver(t)
		d.toReview("aks-new")
		d.press("enter")
		d.wantScreen("✓ Created aks-new", "az ml model deploy --compute-target", "cannot use an AKS compute")
		d.wantNoScreen("online-endpoint create")
	})
	t.Run("legacy followed from a Kubernetes plan's list", func(t *testing.T) {
		d := newDriver(t, func(o *Options) {
			o.Plan = wizard.NewPlan(wizard.ModeCreate)
			o.Plan.Mark(wizard.FComputeType, wizard.Flag) // Kubernetes
		})
		d.cloud.Comps["mlw-prod"] = append(d.cloud.Comps["mlw-prod"], wizard.Compute{Name: "aks-busy", Type: "AKS", State: "Creating"})
		d.cloud.Running = map[string]wizard.Operation{"aks-busy": {Kind: wizard.OpCreate, Workspace: wizardtest.WS.WorkspaceRef, Name: "aks-busy", Token: "t", Started: time.Now()}}
		d.cloud.Progress = []string{"Creating"}
		d.pickWorkspace()
		d.press("down", "down", "down", "enter")
		d.wantStep(wizard.StepList)
		d.press("end", "s")
		d.wantScreen("✓ Created aks-busy", "cannot use an AKS compute")
		d.wantNoScreen("Kubernetes online endpoint")
		d.press("enter")
		if res := d.m.Result(); strings.Contains(res.Summary, "Kubernetes compute") {
			t.Errorf("summary %q names a legacy compute a Kubernetes compute", res.Summary)
		}
	})
}

// Review says once why Submit is disabled, and never beside "enter submit".
func TestReviewSaysOnceWhySubmitIsDisabled(t *testing.T) {
	d := newDriver(t)
	d.toReview("aks-once")
	rs := d.m.screens[wizard.StepReview].(*reviewScreen)
	rs.loading = true // the preflight still running
	d.press("enter")
	scr := strings.ToLower(d.screen())
	if n := strings.Count(scr, "submit is disabled"); n != 1 || strings.Contains(scr, "enter submit") {
		t.Fatalf("%d × 'submit is disabled':\n%s", n, d.screen())
	}
	rs.loading = false // it finished
	d.wantScreen("enter submit the create")
	d.wantNoScreen("disabled")
	if n := d.cloud.CallCount("Submit"); n != 0 {
		t.Fatalf("Submit called %d times", n)
	}
}
