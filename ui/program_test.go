package ui

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

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// vtScreen replays a program's output into a virtual terminal: the raw
// stream, full of cursor moves and partial redraws, is never asserted on.
type vtScreen struct {
	mu  sync.Mutex
	emu *vt.Emulator
	out io.Reader
}

func newVTScreen(out io.Reader, w, h int) *vtScreen {
	emu := vt.NewEmulator(w, h)
	go io.Copy(io.Discard, emu) // the emulator answers queries through a pipe
	return &vtScreen{emu: emu, out: out}
}

func (s *vtScreen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, _ := io.ReadAll(s.out)
	s.emu.Write(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")))
	return s.emu.String()
}

func (s *vtScreen) wait(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(s.text(), want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("screen never showed %q:\n%s", want, s.text())
}

func TestProgramCreateEndToEnd(t *testing.T) {
	c := wizardtest.New()
	c.Progress = []string{"Creating", "Creating"}
	m := New(context.Background(), Options{Cloud: c, Demo: true, PollEvery: 10 * time.Millisecond, Plan: legacyPlan(wizard.ModeCreate)})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii), tea.WithEnvironment([]string{"TERM=xterm-256color"})))
	scr := newVTScreen(tm.Output(), 80, 24)
	key := func(k string) { tm.Send(keyMsg(k)) }

	scr.wait(t, "1/12 Workspace")
	tm.Type("mlw-prod")
	scr.wait(t, "filter: mlw-prod")
	key("enter")
	scr.wait(t, "2/12 Mode")
	key("enter")
	scr.wait(t, "4/12 Cluster purpose")
	key("enter")
	scr.wait(t, "5/12 Region")
	key("enter")
	scr.wait(t, "6/12 Kubernetes version")
	key("enter")
	scr.wait(t, "7/12 VM size")
	key("enter")
	scr.wait(t, "8/12 Node count")
	scr.wait(t, "Standard_D3_v2 has 4 vCPUs: 3 nodes or more")
	key("enter")
	scr.wait(t, "9/12 Networking")
	key("enter") // a huh form: Enter goes field by field (wait for it)
	scr.wait(t, "› Load balancer")
	key("enter")
	scr.wait(t, "10/12 TLS")
	key("enter")
	scr.wait(t, "11/12 Name")
	tm.Type("aks-e2e")
	scr.wait(t, "aks-e2e is free in mlw-prod")
	key("enter")
	scr.wait(t, "12/12 Review")
	scr.wait(t, "enter submit")
	key("enter")
	scr.wait(t, "Created aks-e2e")
	tm.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	key("enter")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	if r := fm.Result(); r.Status != Succeeded || r.Compute == nil {
		t.Fatalf("result %+v", r)
	}
}

func TestRunReturnsQuitOnCtrlC(t *testing.T) {
	pr, pw := io.Pipe()
	done := make(chan Result, 1)
	go func() {
		res, err := Run(context.Background(), Options{Cloud: wizardtest.New(), Width: 80, Height: 24}, pr, io.Discard)
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	time.Sleep(200 * time.Millisecond)
	pw.Write([]byte{0x03}) // Ctrl+C
	select {
	case res := <-done:
		if res.Status != Quit || !strings.Contains(res.Summary, "Nothing was submitted") {
			t.Fatalf("result %+v", res)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
	pw.Close()
}
