package ui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// Minimum terminal size; below it the wizard says so instead of drawing.
const (
	minWidth  = 60
	minHeight = 16
)

// Model is the only tea.Model of the wizard: a router over the steps of
// the plan's flow. It holds the context, the Cloud, the Plan, the current step
// and its screen, styles, keys, help and the window size. Answers live in
// the *wizard.Plan; screens are kept per step so Esc and back-to-fix find
// them as they were left.
type Model struct {
	ctx   context.Context
	cloud wizard.Cloud
	plan  *wizard.Plan
	opts  Options
	guard *wizard.Guard
	every time.Duration

	st     *styles
	keys   keyMap
	help   help.Model
	spin   spinner.Model
	dark   bool
	width  int
	height int

	step     wizard.StepID
	screens  map[wizard.StepID]screen
	data     *store
	op       *opState
	showHelp bool
	flash    string
	spinning bool

	// subResolved is set once the subscription is known to exist (from the
	// list, or trusted from a flag); wsResolved once the workspace is.
	subResolved bool
	wsResolved  bool

	debounce time.Duration
	now      func() time.Time

	quitting bool
	res      Result
	// dialog is the open yes/no question (detach, leaving the wizard),
	// nil when none.
	dialog *dialog
	// typeAhead holds the keys typed while the step was loading.
	typeAhead []tea.KeyPressMsg
	notice    string
	// noticeSeq numbers notices so an expiry only clears its own.
	noticeSeq int
	// noticeUntil is when a retry notice's wait ends (its countdown).
	noticeUntil time.Time
	// signIn is the device-code instruction shown until sign-in succeeds;
	// signInCh carries it from the credential's goroutine.
	signIn   string
	signInCh chan string

	// verifying is the smoke test running (nil when none).
	verifying *verifyRun

	// clusterWhy is why --cluster NAME [--cluster-resource-group RG] did
	// not resolve to one of the subscription's clusters ("" otherwise).
	clusterWhy string
}

// screen is one step's view. Screens are pointers kept by the router;
// each method gets the router as *common, the little of it a screen may see.
type screen interface {
	// enter runs when the step becomes the current one.
	enter(m *common) tea.Cmd
	// update gets keys (after the router's global keys) and every data
	// message (after the router stored it).
	update(m *common, msg tea.Msg) tea.Cmd
	view(m *common, w, h int) string
	help(m *common) []key.Binding
	// typing reports a focused free-text field or filter: letters (q) are
	// text there. '?' is help everywhere unless the screen has a
	// literalQuestionMark method (file paths).
	typing(m *common) bool
	// needs lists the data the step cannot be shown without.
	needs(m *common) []need
}

// escaper is a screen with an inner state that Esc leaves first.
type escaper interface{ esc(m *common) bool }

// cmdEscaper is an escaper whose Esc may start work (the review's
// preflight when Esc leaves the operation screen for it).
type cmdEscaper interface {
	escCmd(m *common) (bool, tea.Cmd)
}

// need is data a step waits for.
type need struct {
	what  string
	sl    *slot
	retry func() tea.Cmd
}

// New builds the wizard model. It does no I/O: Init starts the first calls.
func New(ctx context.Context, opts Options) Model {
	if ctx == nil {
		ctx = context.Background()
	}
	plan := opts.Plan
	if plan == nil {
		plan = wizard.NewPlan(wizard.ModeCreate)
	}
	guard := opts.Guard
	if guard == nil {
		guard = &wizard.Guard{}
	}
	every := opts.PollEvery
	if every <= 0 {
		every = 2 * time.Second
	}
	w, h := opts.Width, opts.Height
	if w <= 0 || h <= 0 {
		w, h = 80, 24
	}
	m := Model{
		ctx: ctx, cloud: opts.Cloud, plan: plan, opts: opts, guard: guard, every: every,
		dark: true, width: w, height: h,
		keys:     newKeyMap(),
		help:     help.New(),
		spin:     spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		screens:  map[wizard.StepID]screen{},
		data:     newStore(),
		debounce: 300 * time.Millisecond,
		now:      time.Now,
	}
	m.restyle()
	// A subscription given as a GUID is trusted; a display name is looked
	// up in the list first.
	m.subResolved = rules.IsGUID(plan.Subscription) && plan.Given(wizard.FSubscription)
	m.step = wizard.StepSubscription
	if m.subResolved {
		m.step = wizard.StepWorkspace
	}
	return m
}

func (m *Model) restyle() {
	m.st = newStyles(m.dark, m.opts.NoColor)
	m.help.Styles = m.st.Help
	m.spin.Style = m.st.Info
}

// Init requests the background colour (never waited for) and starts the
// first Cloud calls.
func (m Model) Init() tea.Cmd {
	if m.cloud == nil {
		return tea.RequestBackgroundColor
	}
	return tea.Batch(tea.RequestBackgroundColor, m.startCmd(), noticeCmd(m.opts.Notices))
}

// startCmd issues the first fetches: subscriptions, or the workspaces of
// the given subscription.
func (m *Model) startCmd() tea.Cmd {
	if !m.subResolved {
		return m.fetchSubs(false)
	}
	// the subscription is known; its list comes along, in parallel, so the
	// header can name it (and Esc can offer the others at once)
	return tea.Batch(m.fetchWorkspaces(false), m.fetchSubs(false))
}

// Update routes a message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			// Never let a bad input take the session down: say so and stay.
			m.flash = fmt.Sprintf("internal error: %v (please report it)", r)
			cmd = nil
		}
	}()
	var cmds []tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.restyle()
		return nil
	case spinner.TickMsg:
		if !m.busy() {
			m.spinning = false
			return nil
		}
		var c tea.Cmd
		m.spin, c = m.spin.Update(msg)
		return c
	case tickMsg:
		return m.onTick(msg)
	case noticeMsg:
		if !msg.ok {
			m.notice = ""
			return nil
		}
		m.notice = msg.text
		m.noticeSeq++
		seq := m.noticeSeq
		// Retry notices are transient: they fade after a while unless a
		// newer one replaced them (a sign-in prompt is re-sent while valid).
		expire := tea.Tick(noticeTTL, func(time.Time) tea.Msg { return noticeExpiredMsg{seq} })
		return tea.Batch(noticeCmd(m.opts.Notices), expire, m.startCountdown(seq))
	case noticeTickMsg:
		if msg.seq == m.noticeSeq && m.notice != "" && m.noticeUntil.After(m.now()) {
			return noticeTick(msg.seq)
		}
		return nil
	case noticeExpiredMsg:
		if msg.seq == m.noticeSeq {
			m.notice = ""
		}
		return nil
	case answerMsg:
		cmds = append(cmds, m.onAnswer(msg))
	case recordMsg:
		return m.onRecord(msg)
	case discardedMsg:
		return m.onDiscarded(msg)
	case demoMsg:
		return m.onDemo(msg)
	case signInMsg:
		return m.onSignIn(msg)
	case signInPromptMsg:
		m.signIn = string(msg)
		return waitSignIn(m.signInCh)
	case tea.KeyPressMsg:
		if m.tooSmall() && msg.String() != "ctrl+c" {
			// the user cannot see what a key would do (a submit at review):
			// nothing acts until the wizard can draw itself again
			return nil
		}
		if m.dialog != nil {
			cmds = append(cmds, m.onDialog(msg))
			break
		}
		cmds = append(cmds, m.onKey(msg))
	case tea.PasteMsg:
		if m.tooSmall() {
			return nil
		}
		if m.op == nil || !m.op.confirm {
			cmds = append(cmds, m.cur().update(m.common(), msg))
		}
	case dataAnswer:
		_, err := msg.request()
		if err == nil {
			m.signIn = "" // an answer came back: the sign-in worked
		}
		if msg.storeIn(m.data) {
			// the region's versions may have come: an LTS-only version makes
			// a Premium tier cluster, and a review already shown checks again
			lts := m.plan.LTS
			wizard.DecideLTS(m.plan, m.known())
			if m.plan.LTS != lts && m.step == wizard.StepReview {
				cmds = append(cmds, m.goTo(wizard.StepReview))
			}
			cmds = append(cmds, m.onData(msg))
			cmds = append(cmds, m.cur().update(m.common(), msg))
			cmds = append(cmds, m.replayTypeAhead())
		}
		if err == nil {
			m.answered()
		} else if m.notice != "" && !m.data.loading() {
			// the call gave up: its error screen says the rest; a notice
			// that it is retrying would be untrue now
			m.notice, m.noticeUntil = "", time.Time{}
		}
	case verifyDoneMsg:
		if quit := m.onVerifyDone(msg); quit != nil {
			return quit
		}
		cmds = append(cmds, m.cur().update(m.common(), msg))
	case submittedMsg, followStartedMsg, progressMsg, followClosedMsg, pendingMsg:
		cmds = append(cmds, m.onOp(msg))
		if pm, ok := msg.(progressMsg); ok && pm.p.Err == nil {
			m.answered()
		}
	default:
		if m.dialog != nil && isHuhMsg(msg) {
			// huh's own messages (next field, next group) name no form:
			// while a dialog is open they are its, never the step's form
			cmds = append(cmds, m.onDialog(msg))
			break
		}
		cmds = append(cmds, m.cur().update(m.common(), msg))
		switch msg := msg.(type) {
		case preflightMsg:
			if msg.err == nil {
				m.answered()
			}
		case nameCheckMsg:
			if msg.err == nil {
				m.answered()
			}
		}
	}
	cmds = append(cmds, m.startSpinner())
	return tea.Batch(cmds...)
}

// busy reports whether anything is being waited for (the spinner turns).
func (m *Model) busy() bool {
	if m.data.loading() {
		return true
	}
	if m.op != nil && (m.op.submitting || m.op.running) {
		return true
	}
	if b, ok := m.cur().(interface{ busy() bool }); ok && b.busy() {
		return true
	}
	return false
}

func (m *Model) startSpinner() tea.Cmd {
	if m.spinning || !m.busy() {
		return nil
	}
	m.spinning = true
	return m.spin.Tick
}

// cur returns the screen of the current step, creating it on first use.
func (m *Model) cur() screen { return m.screenOf(m.step) }

func (m *Model) screenOf(id wizard.StepID) screen {
	if s, ok := m.screens[id]; ok {
		return s
	}
	s := newScreen(id)
	m.screens[id] = s
	return s
}

// Result is how the run ended (valid once the program quit).
func (m Model) Result() Result {
	if !m.quitting {
		return m.result(Quit)
	}
	return m.res
}

// tooSmall reports a window below the minimum size: the wizard shows
// "make the terminal larger" and takes no key but Ctrl+C.
func (m Model) tooSmall() bool { return m.width < minWidth || m.height < minHeight }
