package main

import (
	"strings"
	"testing"
)

// TestE2EWizardLostTrack: the wizard's submit path under faults (issue 12),
// in the built binary: the PUT's answer is dropped after it took effect
// (drop-after-put) and the create is far slower than --timeout. The submit
// is settled as ours (not "name taken"), the follow stops watching at the
// deadline, the screen says lost track — not failed — and the exit code
// is 3 with the resume command in the scrollback.
func TestE2EWizardLostTrack(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	srv := newTmuxServer(t)
	srv.env = []string{"AMLAKS_SIM_FAULTS=drop-after-put=compute:1,slow=create:1000"}
	r := srv.start(100, 30, state, "--timeout", "3s", "--compute-type", "AKS")

	createToNodeStep(r)
	r.keys("Enter")
	r.waitFor("9/12 Networking")
	r.form("Load balancer")
	r.waitFor("10/12 TLS")
	r.keys("Enter")
	r.waitFor("11/12 Name", "name: e.g.")
	r.text("aks-lost")
	r.waitFor("✓ aks-lost is free in mlw-prod")
	r.keys("Enter")
	r.waitFor("12/12 Review", "enter submit the create")
	r.keys("Enter")
	screen := r.waitForWithin(e2eOpWait, "Lost track of the create of aks-lost: it may still be running", "amlaks --demo status aks-lost")
	for _, bad := range []string{"failed", "already used", "pick another name"} {
		if strings.Contains(screen, bad) {
			t.Errorf("screen says %q:\n%s", bad, screen)
		}
	}
	r.keys("q")
	screen = r.expectExit(3)
	if !strings.Contains(screen, "Lost track of the create of aks-lost, it may still be running") ||
		!strings.Contains(screen, "follow it again with: amlaks --demo status aks-lost -w mlw-prod") {
		t.Errorf("no lost-track line after the wizard:\n%s", screen)
	}
	if !stateHasCompute(t, state, "mlw-prod", "aks-lost") {
		t.Errorf("the create did not reach the simulator")
	}
}
