package ui

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/amlaks/amlaks/wizard"
)

// Screen goldens: the ANSI-stripped final View at 80×24 (never the raw
// stream). Regenerate with `go test ./ui -run Golden -update`.

func TestGoldenVMSize(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepVMSize)
	golden.RequireEqual(t, []byte(d.screen()))
}

func TestGoldenNodesMeter(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepNodes)
	d.press("-")
	golden.RequireEqual(t, []byte(d.screen()))
}

func TestGoldenReview(t *testing.T) {
	d := newDriver(t)
	d.toReview("aks-new")
	golden.RequireEqual(t, []byte(d.screen()))
}

func TestGoldenSubmitRunning(t *testing.T) {
	d := newDriver(t)
	d.toReview("aks-new")
	d.cloud.Delay["Follow"] = 5 * time.Second
	d.press("enter")
	golden.RequireEqual(t, []byte(d.screen()))
}

func TestGoldenSubmitDone(t *testing.T) {
	d := newDriver(t)
	d.toReview("aks-new")
	d.press("enter")
	golden.RequireEqual(t, []byte(d.screen()))
}

func TestGoldenClusterPicker(t *testing.T) {
	d := newDriver(t)
	d.toClusters(false)
	golden.RequireEqual(t, []byte(d.screen()))
}
