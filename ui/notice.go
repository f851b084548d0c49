package ui

import (
	"math"
	"regexp"
	"strconv"
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

// retryIn finds "retrying in N s" in a retry notice.
var retryIn = regexp.MustCompile(`retrying in (\d+) s\b`)

// noticeTickMsg redraws a retry notice's countdown.
type noticeTickMsg struct{ seq int }

// startCountdown notes when a retry notice's wait ends and ticks each
// second until then, so "retrying in 6 s" counts down.
func (m *Model) startCountdown(seq int) tea.Cmd {
	mm := retryIn.FindStringSubmatch(m.notice)
	if mm == nil {
		m.noticeUntil = time.Time{}
		return nil
	}
	n, _ := strconv.Atoi(mm[1])
	m.noticeUntil = m.now().Add(time.Duration(n) * time.Second)
	return noticeTick(seq)
}

func noticeTick(seq int) tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return noticeTickMsg{seq} })
}

// noticeText is the notice with its countdown as of now.
func (m *Model) noticeText() string {
	if m.noticeUntil.IsZero() {
		return m.notice
	}
	left := int(math.Ceil(m.noticeUntil.Sub(m.now()).Seconds()))
	if left <= 0 {
		return retryIn.ReplaceAllString(m.notice, "retrying now")
	}
	return retryIn.ReplaceAllString(m.notice, "retrying in "+strconv.Itoa(left)+" s")
}
