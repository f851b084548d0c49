package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// noticeTTL is how long a notice stays on screen.
const noticeTTL = 8 * time.Second

// noticeExpiredMsg clears notice number seq.
type noticeExpiredMsg struct{ seq int }

// noticeMsg carries one message of Options.Notices.
type noticeMsg struct {
	text string
	ok   bool
}

func noticeCmd(ch <-chan string) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		s, ok := <-ch
		return noticeMsg{text: s, ok: ok}
	}
}

// answered runs after a successful answer from Azure: a retry notice
// (throttled, network error) is over once nothing is waited for any more,
// so it goes now instead of at its 8 s fade. While another call is still
// in flight it may be the one being retried: the notice stays.
func (m *Model) answered() {
	if m.notice == "" || m.data.loading() {
		return
	}
	if m.op != nil && m.op.submitting {
		return
	}
	if b, ok := m.cur().(interface{ busy() bool }); ok && b.busy() {
		return
	}
	m.notice = ""
}
