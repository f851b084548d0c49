package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// Retry notices go as soon as an answer arrives after them.
func TestNoticeClearedByNextAnswer(t *testing.T) {
	d := newDriver(t)
	d.update(noticeMsg{text: "throttled by Azure: retrying in 2 s", ok: true})
	d.wantScreen("throttled by Azure: retrying in 2 s")
	// another call still in flight may be the one retried: the notice stays
	pending := d.m.fetchComputes(true)
	d.run(d.m.fetchRegions(true))
	d.wantScreen("throttled by Azure: retrying in 2 s")
	// its answer ends the wait
	d.run(pending)
	d.wantNoScreen("retrying")
	// an error answer while another call is in flight keeps it; once
	// nothing is waited for, the call gave up and its error says the rest
	d.update(noticeMsg{text: "network error: retrying in 800 ms", ok: true})
	pending = d.m.fetchComputes(true)
	d.update(fetched[[]wizard.Compute]{reqKey: "x", key: "x", err: &wizard.Error{Kind: wizard.ErrNetwork, Message: "boom"}})
	d.wantScreen("network error: retrying in 800 ms")
	d.run(pending)
	d.update(noticeMsg{text: "network error: retrying in 800 ms", ok: true})
	d.update(fetched[[]wizard.Compute]{reqKey: "x", key: "x", err: &wizard.Error{Kind: wizard.ErrNetwork, Message: "boom"}})
	d.wantNoScreen("retrying in 800 ms")
	// progress of an operation clears it too
	d.toReview("aks-new")
	d.cloud.Delay["Follow"] = 5 * time.Second
	d.press("enter")
	d.update(noticeMsg{text: "throttled by Azure: retrying in 2 s", ok: true})
	d.wantScreen("retrying in 2 s")
	d.send(progressMsg{req: d.m.op.req, ch: make(chan wizard.Progress), p: wizard.Progress{State: "Creating"}})
	d.wantNoScreen("retrying in 2 s")
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

// An AI Foundry hub is shown greyed with why; it lists computes but a
// create or attach is refused at the mode step, with the reason.
func TestHubWorkspaceTakesNoAKSCompute(t *testing.T) {
	d := newDriver(t, func(o *Options) {
		c := o.Cloud.(*wizardtest.Cloud)
		c.WSs = append(c.WSs, wizard.Workspace{WorkspaceRef: wizard.WorkspaceRef{SubscriptionID: wizardtest.Sub, ResourceGroup: "rg-ai", Name: "aif-hub"},
			ID: "/subscriptions/" + wizardtest.Sub + "/resourceGroups/rg-ai/providers/Microsoft.MachineLearningServices/workspaces/aif-hub", Region: "eastus", Kind: "Hub"})
	})
	d.wantStep(wizard.StepWorkspace)
	d.typ("aif-hub")
	d.wantScreen("aif-hub is an Azure AI Foundry hub", "it can still list its computes")
	d.press("enter")
	d.wantStep(wizard.StepMode)
	d.press("enter") // create
	d.wantStep(wizard.StepMode)
	d.wantScreen("hubs take no AKS inference cluster")
	d.press("down", "down", "down", "enter") // list computes: fine
	d.wantStep(wizard.StepList)
}

// A retry notice counts down, and goes when the call it was about gives up.
func TestRetryNoticeCountsDownAndGoesWithTheError(t *testing.T) {
	d := newDriver(t)
	clock := time.Now()
	d.m.now = func() time.Time { return clock }
	d.update(noticeMsg{text: "throttled by Azure: retrying in 6 s", ok: true})
	d.wantScreen("retrying in 6 s")
	clock = clock.Add(2 * time.Second)
	d.wantScreen("retrying in 4 s")
	clock = clock.Add(5 * time.Second)
	d.wantScreen("retrying now")
	// the call gives up: its error, not "retrying"
	d.update(fetched[[]wizard.Region]{req: d.m.data.next(reqRegions), reqKey: reqRegions, key: keyRegions(d.m.plan.Subscription),
		err: &wizard.Error{Kind: wizard.ErrThrottled, Message: "still throttled"}})
	if strings.Contains(d.screen(), "retrying") {
		t.Fatalf("a notice about a call that gave up stays:\n%s", d.screen())
	}
}
