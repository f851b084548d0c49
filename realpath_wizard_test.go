package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/charmbracelet/x/vt"

	"github.com/amlaks/amlaks/ui"
	"github.com/amlaks/amlaks/ui/cli"
	"github.com/amlaks/amlaks/wizard"
)

// wizardToSizeStep opens the wizard on the real sign-in path as `amlaks`
// does (sign-in started first, then the session, then the first frame),
// answers workspace mlw-prod and the defaults, and returns once the VM size
// step lists the sizes, with the time that took.
func wizardToSizeStep(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	early := startSignIn(nil)
	s, err := buildSession(context.Background(), cli.Globals{}, early, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription = s.DefaultSubscription
	p.Mark(wizard.FSubscription, s.SubscriptionSource)
	m := ui.New(context.Background(), ui.Options{Cloud: s.Cloud, Plan: p, PollEvery: s.PollEvery, SignIn: s.SignIn, NoColor: true})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii), tea.WithEnvironment([]string{"TERM=xterm-256color"})))
	defer tm.Quit()
	scr := &screen{emu: vt.NewEmulator(100, 30), out: tm.Output()}
	go io.Copy(io.Discard, scr.emu)

	typed := false
	deadline := time.Now().Add(20 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		txt := scr.text()
		switch {
		case strings.Contains(txt, "VM size") && strings.Contains(txt, "Standard_D3_v2"):
			if testing.Verbose() {
				t.Logf("screen:\n%s", txt)
			}
			return time.Since(start)
		case strings.Contains(txt, "not signed in") || strings.Contains(txt, "Sign in"):
			t.Fatalf("the wizard asks for a sign-in:\n%s", txt)
		case !typed && strings.Contains(txt, "Workspace") && strings.Contains(txt, "mlw-prod"):
			tm.Type("mlw-prod")
			typed = true
			last = txt
		case typed && txt != last && !strings.Contains(txt, "Loading") && !strings.Contains(txt, "loading"):
			// a new step has settled: take its default
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			last = txt
		}
		time.Sleep(30 * time.Millisecond)
	}
	t.Fatalf("the VM size step never showed its sizes:\n%s", scr.text())
	return 0
}

type screen struct {
	mu  sync.Mutex
	emu *vt.Emulator
	out io.Reader
}

func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, _ := io.ReadAll(s.out)
	s.emu.Write(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
	return s.emu.String()
}

// TestRealPathWizardToSizeStep: from start to the VM size step the wizard
// runs az at most once; the second time (warm) not at all.
func TestRealPathWizardToSizeStep(t *testing.T) {
	rp := newRealPath(t)
	cold := wizardToSizeStep(t)
	if n := rp.azRuns(); n > 1 {
		t.Errorf("cold: az ran %d times before the VM size step, want at most 1", n)
	}
	warm := wizardToSizeStep(t)
	if n := rp.azRuns(); n > 1 {
		t.Errorf("warm: az ran again (%d runs in all)", n)
	}
	t.Logf("start to VM size step: cold %v, warm %v", cold.Round(time.Millisecond), warm.Round(time.Millisecond))
}
