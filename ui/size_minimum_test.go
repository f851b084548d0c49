package ui

import (
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard"
)

// A size under the AKS minimum is marked and refused in the size step, as
// a restricted one is, instead of passing until review blocks it.
func TestSizeUnderTheAKSMinimumIsRefusedInTheSizeStep(t *testing.T) {
	d := newDriver(t)
	l := d.cloud.SizeL["eastus"]
	l.Sizes = append(l.Sizes, wizard.VMSize{Name: "Standard_B1ls", Family: "standardBSFamily", VCPUs: 1, MemoryGB: 0.5, FamilyQuota: l.Sizes[0].FamilyQuota})
	d.cloud.SetSizes("eastus", l)
	d.createTo(wizard.StepVMSize)
	d.typ("b1ls")
	d.wantNoScreen("Standard_B1ls") // hidden with the restricted ones
	d.press("ctrl+r")
	d.wantScreen("Standard_B1ls", "✗ too small for AKS")
	d.press("enter")
	d.wantStep(wizard.StepVMSize)
	d.wantScreen("AKS needs at least 2 vCPUs and 4 GiB")
}

// When the node count follows the size, the nodes step says so; the
// stepper stops at 1 node.
func TestNodeCountNeverChangesUnsaid(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepVMSize)
	d.typ("b2s")
	d.press("enter")
	d.wantStep(wizard.StepNodes)
	d.wantScreen("! 6 nodes, not 3: the fewest nodes with 2 vCPUs each that production needs")
	for i := 0; i < 8; i++ {
		d.press("-")
	}
	d.wantScreen("nodes: 1")
	d.wantNoScreen("nodes: 0")
}

// The size step's line counts the nodes the nodes step will start from:
// after switching to dev-test it is 1 node, not the production default's 3.
func TestSizeLineFollowsThePurpose(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepVMSize)
	d.wantScreen("3 nodes × 4 vCPUs = 12 vCPUs")
	for i := 0; i < 5 && d.m.step != wizard.StepPurpose; i++ {
		d.press("esc")
	}
	d.wantStep(wizard.StepPurpose)
	d.press("down", "enter")
	for d.m.step != wizard.StepVMSize {
		d.enterThrough()
	}
	d.wantScreen("1 node × 4 vCPUs = 4 vCPUs")
	d.wantNoScreen("3 nodes × 4 vCPUs")
}

// At 60×16 nothing is hidden without a word: the Mode step says "↓ more"
// for the choices below, the SIMULATED badge and the step title show
// whole (the context gives way), and a row of choices wraps instead of
// being cut after "● Your".
func TestSmallTerminalHidesNothingUnsaid(t *testing.T) {
	d := k8sDriver(t, sized(60, 16))
	d.pickWorkspace()
	d.wantScreen("1. Create new", "↓ more")
	d.wantNoScreen("about 10 minutes") // the estimate is review's, for the plan's type
	d.wantNoScreen("4. List computes")
	d.press("down", "down", "down")
	d.wantScreen("4. List computes", "↑ more")
	d.press("up", "up", "up", "enter", "enter") // create, Kubernetes
	for d.m.step != wizard.StepTLS {
		d.enterThrough()
		if strings.Contains(d.screen(), "SIMULAT…") || !strings.Contains(strings.SplitN(d.screen(), "\n", 2)[0], "SIMULATED") {
			t.Fatalf("badge cut at %s:\n%s", d.m.step, d.screen())
		}
	}
	d.wantScreen("● Off (plain HTTP)", "○ Your own certificate")
}
