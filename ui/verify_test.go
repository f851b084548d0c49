package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// smokeCloud is the fake with the smoke test's calls: the deployment
// waits until its context ends (a user's Ctrl+C) and says when it started.
type smokeCloud struct {
	*wizardtest.Cloud
	mu        sync.Mutex
	endpoints map[string]wizard.Endpoint
	deleted   []string
	deploying chan string // the endpoint whose deployment started
}

func (c *smokeCloud) PutEnvironment(ctx context.Context, ws wizard.WorkspaceRef, env wizard.EnvironmentSpec) (string, error) {
	return "/workspaces/" + ws.Name + "/environments/" + env.Name + "/versions/" + env.Version, ctx.Err()
}

func (c *smokeCloud) Endpoints(ctx context.Context, ws wizard.WorkspaceRef) ([]wizard.Endpoint, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []wizard.Endpoint
	for _, e := range c.endpoints {
		out = append(out, e)
	}
	return out, ctx.Err()
}

func (c *smokeCloud) CreateEndpoint(ctx context.Context, ws wizard.WorkspaceRef, spec wizard.EndpointSpec, on func(string)) (wizard.Endpoint, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := wizard.Endpoint{Name: spec.Name, State: "Succeeded", Compute: spec.ComputeID, Tags: spec.Tags}
	c.endpoints[spec.Name] = e
	return e, ctx.Err()
}

func (c *smokeCloud) CreateDeployment(ctx context.Context, ws wizard.WorkspaceRef, spec wizard.DeploymentSpec, on func(string)) error {
	c.deploying <- spec.Endpoint
	<-ctx.Done()
	return ctx.Err()
}

func (c *smokeCloud) DeleteEndpoint(ctx context.Context, ws wizard.WorkspaceRef, name string, on func(string)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.endpoints, name)
	c.deleted = append(c.deleted, name)
	return ctx.Err()
}

// runAsync runs cmd's tree in goroutines and delivers its messages on the
// returned channel (timers included; the caller picks what it waits for).
func runAsync(cmd tea.Cmd) <-chan tea.Msg {
	ch := make(chan tea.Msg, 64)
	var start func(c tea.Cmd)
	start = func(c tea.Cmd) {
		if c == nil || isBlink(c) {
			return
		}
		go func() {
			msg := c()
			if cmds, ok := asCmds(msg); ok {
				for _, sub := range cmds {
					start(sub)
				}
				return
			}
			if msg != nil {
				ch <- msg
			}
		}()
	}
	start(cmd)
	return ch
}

// Ctrl+C (or q, or Enter: the success screen's "done") while the smoke
// test started with v on the success screen deploys: the wizard says it is
// stopping, then quits with what exists in Azure (the endpoint and its
// deployment, tagged) and that the next verify removes it; nothing was
// deleted behind the user's back, and the create's own outcome stays in
// the summary.
func TestVerifyCtrlCSaysWhatExists(t *testing.T) {
	for _, k := range []string{"ctrl+c", "q", "enter"} {
		t.Run(k, func(t *testing.T) { leaveDuringSmokeTest(t, k) })
	}
}

func leaveDuringSmokeTest(t *testing.T, leave string) {
	sc := &smokeCloud{endpoints: map[string]wizard.Endpoint{}, deploying: make(chan string, 1)}
	d := k8sDriver(t, sized(100, 32), func(o *Options) {
		sc.Cloud = o.Cloud.(*wizardtest.Cloud)
		o.Cloud = sc
	})
	d.pickWorkspace()
	d.press("enter") // create
	d.wantStep(wizard.StepComputeType)
	d.press("enter") // Kubernetes
	for d.m.step != wizard.StepReview {
		if d.m.step == wizard.StepName {
			d.typ("k8s-new")
		}
		d.enterThrough()
	}
	d.press("enter")
	d.wantScreen("✓ Created k8s-new", "v smoke-test it")

	msgs := runAsync(d.update(keyMsg("v")))
	var ep string
	select {
	case ep = <-sc.deploying:
	case <-time.After(5 * time.Second):
		t.Fatalf("the deployment never started:\n%s", d.screen())
	}
	d.wantScreen("smoke test: deploying a throwaway endpoint on k8s-new")
	d.run(d.update(keyMsg(leave)))
	if d.m.quitting {
		t.Fatalf("the first %s must wait for the smoke test to stop, not quit at once", leave)
	}
	d.wantScreen("stopping the smoke test of k8s-new")
	var done verifyDoneMsg
	for deadline := time.After(5 * time.Second); done.name == ""; {
		select {
		case msg := <-msgs:
			if v, ok := msg.(verifyDoneMsg); ok {
				done = v
			}
		case <-deadline:
			t.Fatalf("the smoke test never returned after ctrl+c:\n%s", d.screen())
		}
	}
	d.send(done)
	if !d.m.quitting {
		t.Fatalf("the wizard must quit once the smoke test stopped:\n%s", d.screen())
	}
	r := d.m.Result()
	for _, want := range []string{
		"Created Kubernetes compute k8s-new in workspace mlw-prod",
		"verify k8s-new: stopped during the deployment step",
		"exists now: endpoint " + ep + " and its deployment smoke (tagged amlaks-verify=k8s-new: the next amlaks verify k8s-new removes it)",
		"next: re-run amlaks verify k8s-new",
	} {
		if !strings.Contains(r.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.Summary)
		}
	}
	if r.Status != Succeeded {
		t.Errorf("status %v: the create itself succeeded", r.Status)
	}
	if _, ok := sc.endpoints[ep]; !ok || len(sc.deleted) != 0 {
		t.Errorf("a stopped smoke test leaves its endpoint for the next verify: endpoints %v, deleted %v", sc.endpoints, sc.deleted)
	}
}

// A second Ctrl+C quits without waiting for the smoke test, and still
// says where its leftover goes.
func TestVerifySecondCtrlCQuitsAtOnce(t *testing.T) {
	d := newDriver(t)
	stopped := false
	d.m.verifying = &verifyRun{name: "k8s-x", stop: func() { stopped = true }}
	d.run(d.update(keyMsg("ctrl+c")))
	if !stopped || d.m.quitting {
		t.Fatalf("first ctrl+c: stopped %v quitting %v", stopped, d.m.quitting)
	}
	d.run(d.update(keyMsg("ctrl+c")))
	if !d.m.quitting || !strings.Contains(d.m.Result().Summary, "the next amlaks verify k8s-x removes it") {
		t.Fatalf("second ctrl+c: quitting %v, summary %q", d.m.quitting, d.m.Result().Summary)
	}
}
