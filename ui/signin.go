package ui

import (
	"errors"

	tea "charm.land/bubbletea/v2"
	"github.com/amlaks/amlaks/wizard"
)

// demoMsg is the simulated Azure the user switched to after no sign-in
// was found.
type demoMsg struct {
	demo Demo
	err  error
}

// demoCmd builds the demo Cloud off the event loop (it reads the demo
// state file).
func (m *Model) demoCmd() tea.Cmd {
	f := m.opts.DemoFallback
	return func() tea.Msg {
		d, err := f()
		return demoMsg{demo: d, err: err}
	}
}

// onDemo switches the session to the simulated Azure, keeping the answers
// that do not depend on the subscription.
func (m *Model) onDemo(msg demoMsg) tea.Cmd {
	if msg.err != nil {
		m.flash = "demo mode: " + msg.err.Error()
		return nil
	}
	m.cloud = msg.demo.Cloud
	m.opts.Demo = true
	m.opts.Expected = msg.demo.Expected
	m.data = newStore()
	m.plan.Subscription = msg.demo.Subscription
	m.plan.Mark(wizard.FSubscription, wizard.Only)
	m.subResolved = true
	m.step = wizard.StepWorkspace
	return m.startCmd()
}

// signInMsg is the Cloud rebuilt over a device-code sign-in.
type signInMsg struct {
	cloud wizard.Cloud
	err   error
}

// signInPromptMsg is the device-code instruction.
type signInPromptMsg string

func waitSignIn(ch <-chan string) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return nil
		}
		return signInPromptMsg(s)
	}
}

// signInCmd builds the device-code Cloud off the event loop.
func (m *Model) signInCmd() tea.Cmd {
	f := m.opts.SignIn
	ch := make(chan string, 4)
	m.signInCh = ch
	prompt := func(s string) {
		select {
		case ch <- s:
		default:
		}
	}
	build := func() tea.Msg {
		c, err := f(prompt)
		return signInMsg{cloud: c, err: err}
	}
	return tea.Batch(build, waitSignIn(ch))
}

// onSignIn retries the first calls with the device-code Cloud; the
// instruction appears when the credential asks for it.
func (m *Model) onSignIn(msg signInMsg) tea.Cmd {
	if msg.err != nil {
		m.flash = "sign-in: " + msg.err.Error()
		return nil
	}
	m.cloud = msg.cloud
	m.data = newStore()
	return m.startCmd()
}

// canOfferDemo: no Azure sign-in was found and the caller can build the
// simulated Azure instead.
func (m *Model) canOfferDemo(err error) bool {
	return m.opts.DemoFallback != nil && !m.opts.Demo && errors.Is(err, wizard.ErrNoCredential)
}

// canOfferSignIn: no Azure sign-in was found and a device-code sign-in can
// be tried.
func (m *Model) canOfferSignIn(err error) bool {
	return m.opts.SignIn != nil && !m.opts.Demo && errors.Is(err, wizard.ErrNoCredential)
}
