package ui

import (
	"image/color"
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

func TestStartResolvesDefaultSubscriptionAndAsksWorkspace(t *testing.T) {
	d := newDriver(t)
	d.wantStep(wizard.StepWorkspace)
	if d.m.plan.Subscription != "00000000-0000-4000-8000-000000000001" || d.m.plan.From(wizard.FSubscription) != wizard.AzCLI {
		t.Fatalf("subscription %q from %v", d.m.plan.Subscription, d.m.plan.From(wizard.FSubscription))
	}
	d.wantScreen("1/12 Workspace", "SIMULATED", "mlw-prod", "rg-ml-prod", "eastus", "mlw-research")
}

func TestWorkspaceFilterAndPrefetch(t *testing.T) {
	d := newDriver(t)
	d.typ("research")
	d.wantNoScreen("rg-ml-prod")
	d.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
	d.pickWorkspace()
	for _, m := range []string{"Regions", "Computes", "Versions", "Sizes"} {
		if d.cloud.CallCount(m) == 0 {
			t.Errorf("%s not prefetched after the workspace", m)
		}
	}
	if d.m.plan.Region != "eastus" || d.m.plan.From(wizard.FRegion) != wizard.Default {
		t.Errorf("region %q from %v", d.m.plan.Region, d.m.plan.From(wizard.FRegion))
	}
	d.wantScreen("2/12 Mode", "Create new", "Attach existing", "Browse versions", "List computes")
}

func TestCreateStepsToNodes(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepVersion)
	d.wantScreen("6/12 Kubernetes version", "1.32", "default")
	d.press("enter")
	d.wantStep(wizard.StepVMSize)
	d.wantScreen("Standard_D3_v2", "standardDv2Family", "1 restricted hidden")
	d.wantNoScreen("Standard_M8ms")
	d.press("enter")
	d.wantStep(wizard.StepNodes)
	if d.m.plan.VMSize != "Standard_D3_v2" || d.m.plan.From(wizard.FVMSize) != wizard.Default {
		t.Fatalf("size %q from %v", d.m.plan.VMSize, d.m.plan.From(wizard.FVMSize))
	}
}

func TestVCPUMeter(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepNodes)
	d.wantScreen("3 nodes × 4 vCPUs = 12 vCPUs", "Standard_D3_v2 has 4 vCPUs: 3 nodes or more", "12 of 12 needed",
		"Standard Dv2 Family vCPUs: needs 12, 92 left of 100", "Total Regional vCPUs: needs 12, 74 left of 100")
	d.press("-")
	if n := d.m.screens[wizard.StepNodes].(*nodesScreen).n; n != 2 || d.m.plan.Nodes != 3 {
		t.Fatalf("nodes being typed = %d (plan %d): the screen edits, the router writes the plan on Enter", n, d.m.plan.Nodes)
	}
	d.wantScreen("2 nodes × 4 vCPUs = 8 vCPUs", "8 of 12 needed", "Standard_D3_v2 has 4 vCPUs: 3 nodes or more",
		"production needs 12 vCPUs at least: 2 × 4 = 8; use 3 nodes or more, a bigger size or dev-test")
	d.press("enter")
	d.wantStep(wizard.StepNodes) // does not advance below the threshold
	d.wantScreen("not yet: production needs 12 vCPUs")
	// typed: backspace then 3
	d.press("backspace")
	d.typ("3")
	if d.m.plan.Nodes != 3 {
		t.Fatalf("nodes = %d", d.m.plan.Nodes)
	}
	d.wantScreen("3 nodes × 4 vCPUs = 12 vCPUs")
	d.press("+")
	d.wantScreen("4 nodes × 4 vCPUs = 16 vCPUs")
	d.press("enter")
	d.wantStep(wizard.StepNetwork)
}

func TestNodesOverQuotaDoesNotAdvance(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepVMSize)
	d.typ("F4s")
	d.press("enter")
	d.wantStep(wizard.StepNodes)
	d.wantScreen("Standard FSv2 Family vCPUs: needs 12, 4 left of 10: request a quota increase")
	d.press("enter")
	d.wantStep(wizard.StepNodes)
}

func TestEscKeepsAnswers(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepPurpose)
	d.press("down", "enter") // dev-test
	if d.m.plan.Purpose != rules.DevTest {
		t.Fatalf("purpose %q", d.m.plan.Purpose)
	}
	d.wantStep(wizard.StepRegion)
	d.press("esc")
	d.wantStep(wizard.StepPurpose)
	d.wantScreen("› 2. Dev-test")
	d.press("esc")
	d.wantStep(wizard.StepMode)
	d.press("enter", "enter")
	d.wantStep(wizard.StepRegion)
	if d.m.plan.Purpose != rules.DevTest {
		t.Fatalf("purpose lost: %q", d.m.plan.Purpose)
	}
}

func TestNameMessagesAsTyped(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepName)
	d.typ("1")
	d.wantScreen("must start with a letter")
	d.press("backspace")
	d.typ("abcdefghijklmnopqrstuvwxy") // 25
	d.wantScreen("24 characters at most (now 25)")
	d.press("ctrl+u")
	if d.m.plan.Name != "" {
		t.Fatalf("name %q", d.m.plan.Name)
	}
	// a compute created elsewhere after the list was read: only the GET knows
	d.cloud.Comps["mlw-prod"] = append(d.cloud.Comps["mlw-prod"], wizard.Compute{Name: "gpu-serving", Type: "AKS"})
	d.typ("gpu-serving")
	d.wantScreen("already used in mlw-prod")
	d.press("enter")
	d.wantStep(wizard.StepName)
	d.press("backspace")
	d.typ("x")
	d.wantScreen("gpu-servinx is free in mlw-prod")
	d.press("enter")
	d.wantStep(wizard.StepReview)
}

func TestStaleRegionAnswerDropped(t *testing.T) {
	d := newDriver(t)
	d.pickWorkspace()
	// the eastus prefetch has run; make westeurope different and pick it
	we := d.cloud.SizeL["westeurope"]
	we.Sizes = append(append([]wizard.VMSize(nil), we.Sizes...), wizard.VMSize{Name: "Standard_E2_westonly", VCPUs: 2, MemoryGB: 16, Family: "standardEv3Family"})
	d.cloud.SizeL["westeurope"] = we
	d.press("enter", "enter") // mode, purpose
	d.wantStep(wizard.StepRegion)
	d.typ("north")
	// the answer goes through the router; keep its fetch of northeurope's
	// sizes for later
	cmdNorth := d.update(exec(d.update(keyMsg("enter")))) // northeurope: sizes not cached → request
	d.wantStep(wizard.StepVersion)
	d.press("esc")
	d.press("ctrl+u")
	d.typ("west europe")
	d.press("enter") // westeurope request runs and answers
	stale := collect(cmdNorth)
	for _, msg := range stale {
		d.update(msg) // the northeurope answers come late
	}
	if d.m.data.drops == 0 {
		t.Fatal("late answers for the region left behind were not dropped")
	}
	if _, sl := d.m.sizesData("northeurope"); sl.ok {
		t.Fatal("stale northeurope sizes were stored")
	}
	d.press("enter") // version → size
	d.wantStep(wizard.StepVMSize)
	d.wantScreen("West Europe", "Standard_E2_westonly")
}

func TestSmallTerminalAndResize(t *testing.T) {
	d := newDriver(t)
	d.send(tea_WindowSize(50, 12))
	d.wantScreen("make the terminal larger (needs 60×16, have 50×12)")
	d.send(tea_WindowSize(1, 1))
	_ = d.screen()
	d.send(tea_WindowSize(120, 40))
	d.wantScreen("1/12 Workspace", "mlw-research")
	lines := strings.Split(d.screen(), "\n")
	if len(lines) != 40 {
		t.Fatalf("%d lines at 120×40", len(lines))
	}
}

func TestSizeRestrictedAndSort(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepVMSize)
	d.wantNoScreen("Standard_M8ms")
	d.press("ctrl+r")
	d.typ("m8")
	d.wantScreen("Standard_M8ms", "✗ Standard_M8ms: not available for this subscription in eastus")
	d.press("enter")
	d.wantStep(wizard.StepVMSize)
	d.wantScreen("cannot be used here")
	d.press("ctrl+u", "ctrl+r")
	d.typ("nc6")
	d.wantScreen("GPU size: choose it now — no second node pool can be added later")
	d.press("ctrl+u", "tab", "tab") // sort by vCPUs, descending
	lines := strings.Split(d.screen(), "\n")
	first := ""
	for i, l := range lines {
		if strings.Contains(l, "vCPU") && strings.Contains(l, "↓") {
			first = lines[i+1]
		}
	}
	if !strings.Contains(first, "Standard_NC6s_v3") {
		t.Fatalf("sorted by vCPUs, first row %q\n%s", first, d.screen())
	}
}

func TestEveryCloudErrorGivesErrorScreen(t *testing.T) {
	for _, method := range []string{"Subscriptions", "Workspaces", "Regions", "Versions", "Sizes"} {
		t.Run(method, func(t *testing.T) {
			d := newDriver(t, func(o *Options) {})
			d.cloud.SetErr(method, &wizard.Error{Kind: wizard.ErrServer, Code: "InternalServerError", Message: "boom", Hint: "try again"})
			// restart with the error in place, answers forgotten
			o := d.m.opts
			o.Plan = legacyPlan(wizard.ModeCreate)
			d.m = New(d.m.ctx, o)
			d.m.debounce = 0
			d.run(d.m.Init())
			for i := 0; i < 12 && !strings.Contains(d.screen(), "Could not load"); i++ {
				if d.m.step == wizard.StepWorkspace {
					d.typ("mlw-prod")
				}
				d.press("enter")
			}
			d.wantScreen("Could not load", "InternalServerError: boom", "try again", "r retry")
			d.cloud.SetErr(method, nil)
			d.press("r")
			d.wantNoScreen("Could not load")
		})
	}
}

func TestHelpToggle(t *testing.T) {
	d := newDriver(t)
	d.press("?")
	d.wantScreen("Keys", "any key closes this help")
	d.press("x")
	d.wantNoScreen("any key closes this help")
	d.wantScreen("mlw-research")
}

// TestNoPanicOnRandomInput sends random keys, pastes and window sizes
// through every step; the model must never hit its panic guard.
func TestNoPanicOnRandomInput(t *testing.T) {
	keys := []string{"enter", "enter", "enter", "esc", "up", "down", "left", "right", "tab", "shift+tab", "backspace", "space",
		"ctrl+r", "ctrl+o", "ctrl+u", "+", "-", "?", "a", "k", "1", "2", "3", "d", "y", "s", "e", "f", "r", "/", "é", "_", "0"}
	for seed := range 6 {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		d := newDriver(t)
		if seed%2 == 1 {
			d.cloud.Errs["Sizes"] = &wizard.Error{Kind: wizard.ErrServer, Message: "boom"}
		}
		for i := 0; i < 400; i++ {
			switch x := rng.IntN(40); {
			case x == 0:
				d.send(tea.WindowSizeMsg{Width: rng.IntN(130), Height: rng.IntN(45)})
			case x == 1:
				d.send(tea.PasteMsg{Content: "/subscriptions/" + wizardtest.Sub + "/resourceGroups/rg-aks/providers/x\x00\n"})
			default:
				d.send(keyMsg(keys[rng.IntN(len(keys))]))
			}
			if d.m.quitting {
				break
			}
			if strings.Contains(d.m.flash, "internal error") || strings.Contains(d.screen(), "internal error") {
				t.Fatalf("seed %d step %s: %s\n%s", seed, d.m.step, d.m.flash, d.screen())
			}
		}
	}
}

func TestNoColorAndBackground(t *testing.T) {
	d := newDriver(t, func(o *Options) { o.NoColor = false })
	if !strings.Contains(d.m.View().Content, "\x1b[") {
		t.Fatal("no styling with colours on")
	}
	colored := d.m.View().Content
	d.send(tea.BackgroundColorMsg{Color: color.White})
	if d.m.dark {
		t.Fatal("light background not taken")
	}
	if d.m.View().Content == colored {
		t.Error("light theme renders like the dark one")
	}
	nc := newDriver(t) // NoColor: true in the driver's defaults
	v := nc.m.View().Content
	for _, sgr := range []string{"38;2;", "48;2;", "38;5;", "[3"} {
		if strings.Contains(v, "\x1b"+strings.TrimPrefix(sgr, "[")) || strings.Contains(v, "\x1b["+sgr) {
			t.Fatalf("colour %q with NoColor:\n%q", sgr, v)
		}
	}
	if !strings.Contains(v, "\x1b[1m") && !strings.Contains(v, "\x1b[7m") && !strings.Contains(v, ";1m") {
		t.Errorf("bold/reverse dropped with NoColor: %q", v)
	}
}

func TestEscFromWorkspaceSwitchesSubscription(t *testing.T) {
	d := newDriver(t)
	d.wantStep(wizard.StepWorkspace)
	d.press("esc")
	d.wantStep(wizard.StepSubscription)
	d.wantScreen("Contoso ML (demo)", "Contoso Sandbox (demo)")
	d.typ("sandbox")
	d.press("enter")
	d.wantStep(wizard.StepWorkspace)
	if d.m.plan.Subscription != "00000000-0000-4000-8000-000000000002" {
		t.Fatalf("subscription %q", d.m.plan.Subscription)
	}
	// a subscription given by flag stays: esc says this is the first step
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription = wizardtest.Sub
	p.Mark(wizard.FSubscription, wizard.Flag)
	f := newDriver(t, func(o *Options) { o.Plan = p })
	f.press("esc")
	f.wantStep(wizard.StepWorkspace)
	f.wantScreen("this is the first step")
}

// TestNameOfARunningComputeSaysHowToFollowIt: a name whose create still
// runs in Azure (a legacy create stopped watching: its record is that
// operation) says how to follow it, not only that it is taken.
func TestNameOfARunningComputeSaysHowToFollowIt(t *testing.T) {
	d := newDriver(t)
	d.cloud.Comps["mlw-prod"] = append(d.cloud.Comps["mlw-prod"], wizard.Compute{Name: "aks-running", Type: "AKS", State: "Creating"})
	d.createTo(wizard.StepName)
	d.typ("aks-running")
	d.wantScreen("still creating in Azure", "follows it")
	d.press("enter")
	d.wantStep(wizard.StepName)
}
