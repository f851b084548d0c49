package ui

import (
	"context"
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/wizard"
)

// The smoke test (v on the success screen or in the list) when the user
// leaves: the first Ctrl+C (or q, or Enter on the success screen) stops
// it (its context ends, wizard.Verify returns at once with what it left in
// Azure), and the wizard quits with those words in the scrollback, as
// `amlaks verify` prints them; a second one quits without waiting.

// verifyRun is the smoke test running from a screen.
type verifyRun struct {
	name     string
	stop     context.CancelFunc
	stopping bool // Ctrl+C was pressed: quit once it returns
}

// stopVerify is Ctrl+C while a smoke test runs.
func (m *Model) stopVerify() tea.Cmd {
	v := m.verifying
	if v.stopping {
		m.verifying = nil
		c := m.quit(Quit)
		m.res.Summary = joinLines(m.res.Summary, "verify "+v.name+": stopped; what it created is tagged "+wizard.TagVerify+"="+v.name+
			": the next amlaks verify "+v.name+" removes it")
		return c
	}
	v.stopping = true
	v.stop()
	m.flash = "stopping the smoke test of " + v.name + "… (ctrl+c again quits at once)"
	return nil
}

// onVerifyDone ends the smoke test's run; after a Ctrl+C it quits with
// what exists in Azure (nil: the screens show the outcome).
func (m *Model) onVerifyDone(msg verifyDoneMsg) tea.Cmd {
	v := m.verifying
	if v == nil || v.name != msg.name {
		return nil
	}
	m.verifying = nil
	if !v.stopping {
		return nil
	}
	m.flash = ""
	c := m.quit(Quit)
	var ve *wizard.VerifyError
	switch {
	case errors.As(msg.err, &ve):
		m.res.Summary = joinLines(m.res.Summary, strings.Join(ve.Lines(msg.name), "\n"))
	case msg.err != nil:
		m.res.Summary = joinLines(m.res.Summary, "verify "+msg.name+": "+msg.err.Error())
	default:
		// it ended before the stop reached it
		m.res.Summary = joinLines(m.res.Summary, "verify "+msg.name+": finished before the stop; endpoint "+msg.rep.Endpoint+" deleted")
	}
	return c
}

func joinLines(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}
