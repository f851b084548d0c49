package ui

import (
	"slices"
	"testing"

	"github.com/amlaks/amlaks/wizard"
)

// In a region without the product's default size, the size step starts on
// the region's own default, and Enter takes it.
func TestSizeStepStartsOnTheRegionsDefault(t *testing.T) {
	d := newDriver(t)
	l := d.cloud.SizeL["eastus"]
	l.Sizes = slices.DeleteFunc(slices.Clone(l.Sizes), func(z wizard.VMSize) bool { return z.Name == "Standard_D3_v2" })
	d.cloud.SetSizes("eastus", l)
	d.createTo(wizard.StepVMSize)
	d.enterThrough()
	if got := d.m.plan.VMSize; got != "Standard_D4s_v3" {
		t.Fatalf("size %s, want the region's default Standard_D4s_v3\n%s", got, d.screen())
	}
}
