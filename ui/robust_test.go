package ui

import (
	"context"
	"image/color"
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

func TestFlagsSkipSteps(t *testing.T) {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription = wizardtest.Sub
	p.Mark(wizard.FSubscription, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.Mark(wizard.FMode, wizard.Flag)
	p.Purpose = rules.DevTest
	p.Mark(wizard.FPurpose, wizard.Flag)
	d := newDriver(t, func(o *Options) { o.Plan = p })
	d.wantStep(wizard.StepRegion)
	d.wantScreen("4/11 Region")
	if d.cloud.CallCount("Subscriptions") != 0 {
		t.Error("subscriptions listed although given")
	}
	d.press("esc")
	d.wantStep(wizard.StepRegion) // nothing to go back to
	d.wantScreen("this is the first step")
}

func TestSubscriptionByNameAndUnknownWorkspace(t *testing.T) {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription = "Contoso ML (demo)"
	p.Mark(wizard.FSubscription, wizard.Flag)
	p.Workspace.Name = "mlw-nope"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	d := newDriver(t, func(o *Options) { o.Plan = p })
	if d.m.plan.Subscription != wizardtest.Sub {
		t.Fatalf("sub %q", d.m.plan.Subscription)
	}
	d.wantStep(wizard.StepWorkspace)
	d.wantScreen("no workspace 'mlw-nope' in this subscription: pick one", "mlw-prod")
	d.pickWorkspace()
}

func TestEmptyLists(t *testing.T) {
	d := newDriver(t)
	d.cloud.WSs = nil
	d.m = New(context.Background(), d.m.opts)
	d.run(d.m.Init())
	d.wantScreen("the subscription has no Azure ML workspace")
	d.press("enter")
	d.wantStep(wizard.StepWorkspace)
	d.wantScreen("nothing to choose")
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

func TestNoCredentialOffersDemo(t *testing.T) {
	demo := wizardtest.New()
	d := newDriver(t, func(o *Options) {
		o.Demo = false
		c := wizardtest.New()
		c.SetErr("Subscriptions", &wizard.Error{Kind: wizard.ErrNoCredential, Message: "DefaultAzureCredential: failed to acquire a token", Hint: "run `az login`"})
		o.Cloud = c
		o.DemoFallback = func() (Demo, error) { return Demo{Cloud: demo, Subscription: wizardtest.Sub}, nil }
	})
	d.wantScreen("Could not load subscriptions", "az login", "d continue in demo mode")
	if strings.Contains(d.screen(), "SIMULATED") {
		t.Fatal("SIMULATED badge before switching")
	}
	d.press("d")
	d.wantStep(wizard.StepWorkspace)
	d.wantScreen("SIMULATED", "mlw-prod")
	if demo.CallCount("Workspaces") == 0 {
		t.Fatal("the demo cloud was not used")
	}
}

func TestOtherErrorsDoNotOfferDemo(t *testing.T) {
	d := newDriver(t, func(o *Options) {
		o.Demo = false
		c := wizardtest.New()
		c.SetErr("Subscriptions", &wizard.Error{Kind: wizard.ErrServer, Message: "boom"})
		o.Cloud = c
		o.DemoFallback = func() (Demo, error) { t.Fatal("demo built"); return Demo{}, nil }
	})
	d.wantScreen("Could not load subscriptions")
	if strings.Contains(d.screen(), "demo mode") {
		t.Fatal("demo offered for a server error")
	}
	d.press("d")
}

func TestNoticesFadeUnlessReplaced(t *testing.T) {
	d := newDriver(t)
	d.update(noticeMsg{text: "throttled by Azure: retrying in 1 s", ok: true})
	d.wantScreen("throttled by Azure: retrying in 1 s")
	first := d.m.noticeSeq
	d.update(noticeMsg{text: "throttled by Azure: retrying in 2 s", ok: true})
	d.update(noticeExpiredMsg{seq: first})
	d.wantScreen("retrying in 2 s")
	d.update(noticeExpiredMsg{seq: d.m.noticeSeq})
	if strings.Contains(d.screen(), "retrying") {
		t.Fatal("notice did not fade")
	}
}

func TestNoCredentialOffersDeviceCodeSignIn(t *testing.T) {
	signedIn := wizardtest.New()
	var prompted bool
	d := newDriver(t, func(o *Options) {
		o.Demo = false
		c := wizardtest.New()
		c.SetErr("Subscriptions", &wizard.Error{Kind: wizard.ErrNoCredential, Message: "no token"})
		o.Cloud = c
		o.SignIn = func(prompt func(string)) (wizard.Cloud, error) {
			prompt("To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD1234 to authenticate.")
			prompted = true
			return signedIn, nil
		}
	})
	d.wantScreen("s sign in with a device code")
	d.press("s")
	if !prompted || signedIn.CallCount("Subscriptions") == 0 {
		t.Fatalf("sign-in not used: prompted %v, calls %d", prompted, signedIn.CallCount("Subscriptions"))
	}
	// the instruction was shown until the first answer arrived, then cleared
	if d.m.signIn != "" {
		t.Fatalf("sign-in prompt kept after success: %q", d.m.signIn)
	}
	d.wantStep(wizard.StepWorkspace)
	d.update(signInPromptMsg("enter the code WXYZ"))
	d.wantScreen("Sign in: enter the code WXYZ")
}

func TestFlagAnswersThatFailAreAskedAgain(t *testing.T) {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Mark(wizard.FMode, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.Nodes = 2
	p.Mark(wizard.FNodes, wizard.Flag)
	p.Name = "aks-inference"
	p.Mark(wizard.FName, wizard.Flag)
	d := newDriver(t, func(o *Options) { o.Plan = p })
	d.wantStep(wizard.StepPurpose)
	d.press("enter") // production
	d.wantStep(wizard.StepRegion)
	d.press("enter")
	d.wantStep(wizard.StepVersion)
	d.press("enter")
	d.wantStep(wizard.StepVMSize)
	d.typ("d3_v2")
	d.press("enter")
	// --nodes 2 was given, but 2 × 4 vCPUs is too small for production
	d.wantStep(wizard.StepNodes)
	d.wantScreen("nodes: 2", "3 nodes or more", "--nodes 2: production needs 12 vCPUs at least")
	d.press("+", "enter")
	d.wantStep(wizard.StepNetwork)
	d.press("enter")
	d.wantStep(wizard.StepTLS)
	d.press("enter")
	// --name aks-inference is taken
	d.wantStep(wizard.StepName)
	d.wantScreen("already used in mlw-prod", "--name aks-inference: aks-inference is already used in mlw-prod: pick another name")
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
