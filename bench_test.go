package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/amlaks/amlaks/ui"
	"github.com/amlaks/amlaks/ui/cli"
	"github.com/amlaks/amlaks/wizard"
)

// BenchmarkStartToFirstFrame measures what `amlaks --demo` does before its
// first frame: build the demo session (simulator state file, fixtures, the
// azure client over the in-memory transport), the wizard model, Init and
// the first View. The bar: ≤ 150 ms.
func BenchmarkStartToFirstFrame(b *testing.B) {
	b.Setenv("AMLAKS_DEMO_STATE", filepath.Join(b.TempDir(), "state.json"))
	b.Setenv("AMLAKS_SIM_FAULTS", "")
	b.Setenv("AMLAKS_SIM_SPEED", "")
	for b.Loop() {
		s, err := newSession(context.Background(), cli.Globals{Demo: true})
		if err != nil {
			b.Fatal(err)
		}
		p := wizard.NewPlan(wizard.ModeCreate)
		p.Subscription = s.DefaultSubscription
		p.Mark(wizard.FSubscription, s.SubscriptionSource)
		m := ui.New(context.Background(), ui.Options{Cloud: s.Cloud, Plan: p, Demo: true})
		_ = m.Init()
		if v := m.View(); v.Content == "" {
			b.Fatal("empty first frame")
		}
	}
}
