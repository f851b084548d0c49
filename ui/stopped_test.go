package ui

import (
	"errors"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard"
)

// The wizard's submit path with the three endings of a follow (issue 12):
// Azure's Failed is a failure; "stopped watching" (the deadline passed, or
// an error amlaks could not get past) is not reported as one — the screen
// and the scrollback summary say the operation may still be running and
// how to pick it up, with no "failed compute stays" advice.
func TestStoppedWatchingIsNotAFailure(t *testing.T) {
	d := newDriver(t)
	d.cloud.Outcome = &wizard.Error{Kind: wizard.ErrStoppedWatching, Op: "create compute aks-lost",
		Message: "stopped watching: no end after 30 min (the limit; change it with --timeout)",
		Hint:    "lost track, the operation may still be running: `amlaks status aks-lost`"}
	d.toReview("aks-lost")
	d.press("enter")
	d.wantScreen("Lost track of the create of aks-lost: it may still be running", "follow it again with: amlaks", "status aks-lost")
	d.wantNoScreen("failed", "stays in")
	d.m.quit(Failed)
	if !errors.Is(d.m.res.Err, wizard.ErrStoppedWatching) {
		t.Fatalf("result error %v", d.m.res.Err)
	}
	if s := d.m.res.Summary; !strings.Contains(s, "Lost track of the create of aks-lost, it may still be running") || strings.Contains(s, "failed") {
		t.Fatalf("summary:\n%s", s)
	}
}
