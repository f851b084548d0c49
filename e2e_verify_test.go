package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// stateEndpoints reads the simulator's persisted online endpoints: name →
// the names of its deployments.
func stateEndpoints(t *testing.T, state string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(state)
	if err != nil {
		t.Fatalf("reading the demo state: %v", err)
	}
	var doc struct {
		Endpoints []struct {
			Name        string `json:"name"`
			Deployments []struct {
				Name string `json:"name"`
			} `json:"deployments"`
		} `json:"endpoints"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("demo state %s is not JSON: %v", state, err)
	}
	out := map[string][]string{}
	for _, e := range doc.Endpoints {
		out[e.Name] = []string{}
		for _, d := range e.Deployments {
			out[e.Name] = append(out[e.Name], d.Name)
		}
	}
	return out
}

// TestE2EWizardVerifyCtrlCThenNextVerifyCleansUp: an attach in the wizard
// (tmux), v on the success screen, Ctrl+C while the smoke test's
// deployment is being created: the wizard says what exists (the endpoint
// and its deployment, tagged) and that the next verify removes it, and
// the simulator holds exactly that; the next `amlaks verify` removes it
// first, passes, and leaves no endpoint behind.
func TestE2EWizardVerifyCtrlCThenNextVerifyCleansUp(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	srv := newTmuxServer(t)
	srv.env = []string{"AMLAKS_SIM_SPEED=2"} // the deployment takes 4 s: room for the Ctrl+C
	r := srv.start(100, 30, state, "attach", "-w", "mlw-prod", "-n", "k8s-tv", "--cluster", "aks-ml-ready", "--cluster-resource-group", "rg-aks-ml",
		"--no-instance-types")
	r.waitFor("Compute type")
	// every step's default, up to the review
	for i := 0; i < 20 && !strings.Contains(r.capture(), "11/11 Review"); i++ {
		r.keys("Enter")
		time.Sleep(500 * time.Millisecond)
	}
	r.waitFor("11/11 Review", "Attach Kubernetes compute k8s-tv")
	r.keys("Enter")
	r.waitForWithin(2*e2eOpWait, "✓ Attached k8s-tv to mlw-prod", "v smoke-test it")
	r.keys("v")
	var ep string
	for deadline := time.Now().Add(e2eOpWait); ep == ""; time.Sleep(50 * time.Millisecond) {
		for name, deps := range stateEndpoints(t, state) {
			if strings.HasPrefix(name, "amlaks-verify-") && len(deps) > 0 {
				ep = name
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the smoke test's deployment never started:\n%s", r.capture())
		}
	}
	r.keys("C-c")
	screen := r.expectExit(0) // the attach succeeded; the smoke test is what was stopped
	flat := strings.ReplaceAll(screen, "\n", "")
	for _, want := range []string{"Attached Kubernetes compute k8s-tv to workspace mlw-prod", "verify k8s-tv: stopped during the deployment step",
		"exists now: endpoint " + ep + " and its deployment smoke", "the next amlaks verify k8s-tv removes it"} {
		if !strings.Contains(flat, want) {
			t.Errorf("after ctrl+c the screen lacks %q:\n%s", want, screen)
		}
	}
	if deps := stateEndpoints(t, state)[ep]; len(deps) != 1 || deps[0] != "smoke" {
		t.Fatalf("the simulator after ctrl+c: endpoint %s deployments %v, want [smoke]", ep, deps)
	}
	v := runAmlaks(t, state, "50", "--demo", "verify", "k8s-tv", "-w", "mlw-prod")
	if v.code != 0 || !strings.Contains(v.stderr, "[leftover] removing "+ep) || !strings.Contains(v.stdout, "answered 200") {
		t.Fatalf("the next verify:\n%s", v)
	}
	if left := stateEndpoints(t, state); len(left) != 0 {
		t.Fatalf("endpoints left in the simulator after the next verify: %v", left)
	}
}
