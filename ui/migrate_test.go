package ui

import (
	"testing"

	"github.com/amlaks/amlaks/wizard"
)

// TestModeOffersMigrate: the workspace has a legacy AKS compute, so the
// Mode step offers "Move a legacy AKS compute"; chosen, the step reads
// the compute's cluster through the run command, which this connection
// cannot run: the step says so, and Enter starts nothing.
func TestModeOffersMigrate(t *testing.T) {
	d := newDriver(t)
	d.pickWorkspace()
	d.wantScreen("5. Move a legacy AKS compute", "its v1 services keep running")
	d.press("5")
	d.wantStep(wizard.StepMigrate)
	d.wantScreen("✗", "this connection cannot run commands in the cluster")
	d.press("enter")
	d.wantNoScreen("reading the v1 router")
	d.wantScreen("this connection cannot run commands in the cluster")
}
