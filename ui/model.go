package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// Minimum terminal size; below it the wizard says so instead of drawing.
const (
	minWidth  = 60
	minHeight = 16
)

// Model is the only tea.Model of the wizard: a router over the steps of
// wizard.Flow. It holds the context, the Cloud, the Plan, the current step
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
	notice   string
	// noticeSeq numbers notices so an expiry only clears its own.
	noticeSeq int
	// signIn is the device-code instruction shown until sign-in succeeds;
	// signInCh carries it from the credential's goroutine.
	signIn   string
	signInCh chan string

	// clusterWhy is why --cluster NAME [--cluster-resource-group RG] did
	// not resolve to one of the subscription's clusters ("" otherwise).
	clusterWhy string
}

// noticeTTL is how long a notice stays on screen.
const noticeTTL = 8 * time.Second

// noticeExpiredMsg clears notice number seq.
type noticeExpiredMsg struct{ seq int }

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

// screen is one step's view. Screens are pointers kept by the router.
type screen interface {
	// enter runs when the step becomes the current one.
	enter(m *Model) tea.Cmd
	// update gets keys (after the router's global keys) and every data
	// message (after the router stored it).
	update(m *Model, msg tea.Msg) tea.Cmd
	view(m *Model, w, h int) string
	help(m *Model) []key.Binding
	// typing reports a focused free-text field or filter: letters (q) are
	// text there. '?' is help everywhere unless the screen has a
	// literalQuestionMark method (file paths).
	typing(m *Model) bool
	// needs lists the data the step cannot be shown without.
	needs(m *Model) []need
}

// escaper is a screen with an inner state that Esc leaves first.
type escaper interface{ esc(m *Model) bool }

// cmdEscaper is an escaper whose Esc may start work (the review's
// preflight when Esc leaves the operation screen for it).
type cmdEscaper interface {
	escCmd(m *Model) (bool, tea.Cmd)
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
	return m.fetchWorkspaces(false)
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
		return tea.Batch(noticeCmd(m.opts.Notices), expire)
	case noticeExpiredMsg:
		if msg.seq == m.noticeSeq {
			m.notice = ""
		}
		return nil
	case demoMsg:
		return m.onDemo(msg)
	case signInMsg:
		return m.onSignIn(msg)
	case signInPromptMsg:
		m.signIn = string(msg)
		return waitSignIn(m.signInCh)
	case tea.KeyPressMsg:
		cmds = append(cmds, m.onKey(msg))
	case tea.PasteMsg:
		if m.op == nil || !m.op.confirm {
			cmds = append(cmds, m.cur().update(m, msg))
		}
	case dataMsg:
		if msg.err == nil {
			m.signIn = "" // an answer came back: the sign-in worked
		}
		if m.data.put(msg) {
			cmds = append(cmds, m.onData(msg))
			cmds = append(cmds, m.cur().update(m, msg))
		}
		if msg.err == nil {
			m.answered()
		}
	case submittedMsg, followStartedMsg, progressMsg, followClosedMsg, pendingMsg:
		cmds = append(cmds, m.onOp(msg))
		if pm, ok := msg.(progressMsg); ok && pm.p.Err == nil {
			m.answered()
		}
	default:
		cmds = append(cmds, m.cur().update(m, msg))
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

func newScreen(id wizard.StepID) screen {
	switch id {
	case wizard.StepSubscription:
		return newSubscriptionScreen()
	case wizard.StepWorkspace:
		return newWorkspaceScreen()
	case wizard.StepMode:
		return newModeScreen()
	case wizard.StepPurpose:
		return newPurposeScreen()
	case wizard.StepRegion:
		return newRegionScreen()
	case wizard.StepVersion:
		return newVersionScreen()
	case wizard.StepVMSize:
		return newSizeScreen()
	case wizard.StepNodes:
		return newNodesScreen()
	case wizard.StepNetwork:
		return newNetworkScreen()
	case wizard.StepTLS:
		return newTLSScreen()
	case wizard.StepName:
		return newNameScreen()
	case wizard.StepCluster:
		return newClusterScreen()
	case wizard.StepReview:
		return newReviewScreen()
	case wizard.StepSubmit:
		return &submitScreen{}
	case wizard.StepList:
		return newListScreen()
	}
	return &submitScreen{}
}

// known is what the store holds for the plan, for the step table's
// checks (the TUI's side of wizard.Known).
func (m *Model) known() wizard.Known {
	var k wizard.Known
	if v, sl := m.subsData(); sl.ok {
		k.Subscriptions, k.HaveSubscriptions = v, true
	}
	if v, sl := m.workspacesData(); sl.ok && m.plan.Subscription != "" {
		k.Workspaces, k.HaveWorkspaces = v, true
	}
	if v, sl := m.regionsData(); sl.ok {
		k.Regions = v
	}
	if v, sl := m.sizesData(m.plan.Region); sl.ok && m.plan.Region != "" {
		k.Sizes = &v
	}
	if v, sl := m.computesData(); sl.ok && m.plan.Workspace.ID != "" {
		k.Computes, k.HaveComputes = v, true
	}
	if m.plan.Mode == wizard.ModeAttach {
		if v, sl := m.clustersData(); sl.ok {
			k.Clusters, k.HaveClusters = v, true
			k.ClusterVersions = map[string][]rules.Version{}
			for _, cl := range v {
				r := strings.ToLower(cl.Region)
				if vs, vsl := m.versionsData(r); vsl.ok {
					k.ClusterVersions[r] = vs
				}
			}
		}
		if v, sl := m.attachmentsData(); sl.ok {
			k.Attachments, k.HaveAttachments = v, true
		}
	}
	return k
}

// skip reports whether the wizard does not stop at step s (the table's
// rule: answered up front and passing its check with what is known).
func (m *Model) skip(s wizard.StepID) bool { return wizard.Skipped(m.plan, s, m.known()) }

// flagWhy says why the given answer of step s fails its check with what is
// known now, naming the flag; "" when it passes or cannot be checked yet.
func (m *Model) flagWhy(s wizard.StepID) string {
	why := wizard.Why(m.plan, s, m.known())
	if s == wizard.StepCluster && why != "" && m.clusterWhy != "" {
		return m.clusterWhy
	}
	return why
}

// resolveClusterFlag turns --cluster NAME [--cluster-resource-group RG]
// into the cluster's ID once the subscription's clusters are known; when
// no cluster (or several) match, the cluster step is asked with the reason
// as its flash and nothing preselected.
func (m *Model) resolveClusterFlag() {
	p := m.plan
	if p.Mode != wizard.ModeAttach || p.ClusterID != "" || p.ClusterName == "" {
		return
	}
	cls, sl := m.clustersData()
	if !sl.ok {
		return
	}
	m.clusterWhy = ""
	if vs := p.ResolveClusterName(cls); len(vs) > 0 {
		m.clusterWhy = vs[0].Message
		if m.step == wizard.StepCluster {
			m.flash = m.clusterWhy
		}
	}
}

func (m *Model) nextStep(cur wizard.StepID) wizard.StepID {
	return wizard.Next(m.plan, cur, m.known())
}

func (m *Model) prevStep(cur wizard.StepID) wizard.StepID {
	return wizard.Prev(m.plan, cur, m.known())
}

// goTo makes id the current step.
func (m *Model) goTo(id wizard.StepID) tea.Cmd {
	if id == "" {
		return nil
	}
	m.step = id
	m.flash = ""
	// a flag answered this step but its answer fails: say why
	m.flash = m.flagWhy(id)
	return m.cur().enter(m)
}

// advance moves to the step after the current one.
func (m *Model) advance() tea.Cmd {
	m.resolveClusterFlag()
	n := m.nextStep(m.step)
	if n == "" {
		return nil
	}
	return m.goTo(n)
}

// back moves to the previous step, keeping every answer.
func (m *Model) back() tea.Cmd {
	if m.step == wizard.StepSubmit {
		return nil
	}
	p := m.prevStep(m.step)
	if p == "" && m.step == wizard.StepWorkspace && m.plan.From(wizard.FSubscription) != wizard.Flag {
		// The subscription was taken (az CLI default or the only one):
		// going back offers the list, to switch.
		return tea.Batch(m.goTo(wizard.StepSubscription), m.fetchSubs(false))
	}
	if p == "" {
		m.flash = "this is the first step: ctrl+c quits"
		return nil
	}
	return m.goTo(p)
}

func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	s := msg.String()
	if m.op != nil && m.op.confirm {
		return m.onConfirmKey(msg)
	}
	if s == "ctrl+c" {
		if m.op != nil && (m.op.submitting || m.op.running) {
			m.op.confirm = true
			return nil
		}
		return m.quit(Quit)
	}
	m.flash = ""
	if m.showHelp {
		m.showHelp = false
		return nil
	}
	typing := m.cur().typing(m)
	_, literalQ := m.cur().(interface{ literalQuestionMark() })
	if key.Matches(msg, k.Help) && !literalQ {
		m.showHelp = true
		return nil
	}
	// A step waiting for data or showing a load error takes only retry,
	// back and quit.
	for _, n := range m.cur().needs(m) {
		if n.sl.err != nil {
			switch {
			case key.Matches(msg, k.Demo) && m.canOfferDemo(n.sl.err):
				return m.demoCmd()
			case key.Matches(msg, k.SignIn) && m.canOfferSignIn(n.sl.err):
				return m.signInCmd()
			case key.Matches(msg, k.Retry):
				return n.retry()
			case key.Matches(msg, k.Back):
				return m.back()
			case key.Matches(msg, k.Quit):
				return m.quit(Quit)
			}
			return nil
		}
	}
	for _, n := range m.cur().needs(m) {
		if !n.sl.ok {
			if key.Matches(msg, k.Back) {
				return m.back()
			}
			return nil
		}
	}
	if key.Matches(msg, k.Back) {
		if e, ok := m.cur().(cmdEscaper); ok {
			if handled, cmd := e.escCmd(m); handled {
				return cmd
			}
		}
		if e, ok := m.cur().(escaper); ok && e.esc(m) {
			return nil
		}
		return m.back()
	}
	if key.Matches(msg, k.Quit) && !typing && m.step != wizard.StepSubmit && m.step != wizard.StepList && m.step != wizard.StepVersion {
		return m.quit(Quit)
	}
	return m.cur().update(m, msg)
}

func (m *Model) onConfirmKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.StopWatching), msg.String() == "ctrl+c":
		return m.stopWatching()
	case key.Matches(msg, m.keys.KeepWatching):
		m.op.confirm = false
	}
	return nil
}

// quit ends the program with status s (the operation's status once one
// ended).
func (m *Model) quit(s Status) tea.Cmd {
	if m.op != nil && m.op.done {
		if m.op.err != nil {
			s = Failed
		} else {
			s = Succeeded
		}
	}
	m.res = m.result(s)
	m.quitting = true
	return tea.Quit
}

// Result is how the run ended (valid once the program quit).
func (m Model) Result() Result {
	if !m.quitting {
		return m.result(Quit)
	}
	return m.res
}

// View renders the frame: header, the step's body, help line.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "amlaks"
	return v
}

func (m Model) render() (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = fmt.Sprintf("internal error while drawing: %v", r)
		}
	}()
	w, h := m.width, m.height
	if w < minWidth || h < minHeight {
		msg := fmt.Sprintf("make the terminal larger (needs %d×%d, have %d×%d)", minWidth, minHeight, w, h)
		if w > 0 {
			msg = lipgloss.NewStyle().Width(w).Render(msg)
		}
		return clip(msg, max(1, w), max(1, h))
	}
	mm := &m
	header := mm.header(w)
	footer := mm.footer(w)
	// the flash wraps to at most 3 lines; the body gives them room
	flash := ""
	if m.flash != "" {
		fl := strings.Split(wrap(m.flash, w), "\n")
		if len(fl) > 3 {
			fl = fl[:3]
			fl[2] = ansi.Truncate(fl[2], w-1, "") + "…"
		}
		flash = paint(m.st.Warn, strings.Join(fl, "\n"))
	}
	bodyH := h - 3 - max(0, strings.Count(flash, "\n"))
	var body string
	switch {
	case m.op != nil && m.op.confirm:
		body = mm.confirmView(w)
	case m.showHelp:
		body = mm.fullHelp(w)
	default:
		body = mm.body(w, bodyH-1)
	}
	return header + "\n" + m.st.Muted.Render(strings.Repeat("─", w)) + "\n" +
		clip(body, w, bodyH-1) + "\n" + clip(flash, w, strings.Count(flash, "\n")+1) + "\n" + clip(footer, w, 1)
}

// body draws the current step, or what it waits for.
func (m *Model) body(w, h int) string {
	if m.cloud == nil {
		return m.errorPanel("No connection to Azure", errors.New("the wizard was started without a Cloud"), w)
	}
	var boxes []string
	if m.signIn != "" {
		boxes = append(boxes, m.st.Frame.Render(wrap("Sign in: "+m.signIn, max(20, w-6))))
	}
	if m.notice != "" {
		boxes = append(boxes, m.st.Frame.Render(wrap(m.notice, max(20, w-6))))
	}
	if len(boxes) > 0 {
		top := strings.Join(boxes, "\n")
		return top + "\n" + m.bodyOf(w, max(3, h-lipgloss.Height(top)-1))
	}
	return m.bodyOf(w, h)
}

func (m *Model) bodyOf(w, h int) string {
	s := m.cur()
	for _, n := range s.needs(m) {
		if n.sl.err != nil {
			return m.errorPanel("Could not load "+n.what, n.sl.err, w)
		}
	}
	for _, n := range s.needs(m) {
		if !n.sl.ok {
			return m.spin.View() + " loading " + n.what + "…"
		}
	}
	return s.view(m, w, h)
}

// errorPanel says what was being done, the error, its hint and the keys.
func (m *Model) errorPanel(what string, err error, w int) string {
	var b strings.Builder
	b.WriteString(m.st.Error.Render("✗ "+what) + "\n\n")
	b.WriteString(wrap(errText(err), w) + "\n")
	if h := wizard.HintOf(err); h != "" {
		b.WriteString("\n" + wrap(m.st.Info.Render("What to do: ")+h, w) + "\n")
	}
	b.WriteString("\n" + m.st.Key.Render("r") + " retry   " + m.st.Key.Render("esc") + " back   " + m.st.Key.Render("q") + " quit")
	if m.canOfferSignIn(err) {
		b.WriteString("\n" + m.st.Key.Render("s") + " sign in with a device code (a browser on any device)")
	}
	if m.canOfferDemo(err) {
		b.WriteString("\n" + m.st.Key.Render("d") + " continue in demo mode (simulated Azure, no account needed)")
	}
	return b.String()
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (m *Model) header(w int) string {
	left := ""
	title := wizard.StepOf(m.step).Title
	switch {
	case m.step == wizard.StepList:
		title = "Computes"
	case m.step == wizard.StepSubmit && m.op != nil:
		title = map[wizard.OpKind]string{wizard.OpCreate: "Create", wizard.OpAttach: "Attach", wizard.OpDetach: "Detach"}[m.op.kind]
		if m.op.fromList && m.op.kind != wizard.OpDetach {
			title = "Follow " + string(m.op.kind)
		}
		if title == "" {
			title = "Operation"
		}
	}
	signIn := false
	for _, n := range m.needsNow() {
		if n.sl.err != nil && errors.Is(n.sl.err, wizard.ErrNoCredential) {
			// no credential: the step cannot even start, signing in is
			// what is asked
			title, signIn = "Sign in", true
			break
		}
	}
	if n, total := wizard.Position(m.plan.Mode, m.step); n > 0 && m.plan.Mode != wizard.ModeList && !signIn {
		left = m.st.Step.Render(fmt.Sprintf("%d/%d", n, total)) + " " + m.st.Title.Render(title)
	} else {
		left = m.st.Title.Render(title)
	}
	var ctx []string
	if m.plan.Workspace.Name != "" {
		ctx = append(ctx, m.plan.Workspace.Name)
	}
	if m.plan.From(wizard.FMode) != wizard.Unset {
		ctx = append(ctx, string(m.plan.Mode))
	}
	right := m.st.Context.Render(strings.Join(ctx, " · "))
	if m.opts.Demo {
		if right != "" {
			right += " "
		}
		right += m.st.Badge.Render("SIMULATED")
	}
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return ansi.Truncate(left+" "+right, w, "…")
	}
	return left + strings.Repeat(" ", gap) + right
}

// needsNow is what the current step needs loaded (none without a Cloud).
func (m *Model) needsNow() []need {
	if m.cloud == nil {
		return nil
	}
	return m.cur().needs(m)
}

func (m *Model) footer(w int) string {
	m.help.SetWidth(w)
	return m.help.ShortHelpView(m.shortKeys())
}

func (m *Model) shortKeys() []key.Binding {
	k := m.keys
	if m.op != nil && m.op.confirm {
		return []key.Binding{k.StopWatching, k.KeepWatching}
	}
	var ks []key.Binding
	failed := false
	for _, n := range m.cur().needs(m) {
		if n.sl.err != nil {
			failed = true
		}
	}
	if failed {
		ks = []key.Binding{k.Retry, k.Back, k.Quit}
	} else {
		ks = m.cur().help(m)
		if m.step != wizard.StepSubmit && !bindsKey(ks, "esc") {
			ks = append(ks, k.Back)
		}
	}
	if m.op != nil && !m.op.done && m.step == wizard.StepSubmit {
		return append(ks, k.Help)
	}
	return append(ks, k.Help, k.Interrupt)
}

func (m *Model) fullHelp(w int) string {
	k := m.keys
	var b strings.Builder
	b.WriteString(m.st.Title.Render("Keys") + "\n\n")
	m.help.SetWidth(w)
	b.WriteString(m.help.FullHelpView([][]key.Binding{
		m.cur().help(m),
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Back, k.Help, k.Interrupt},
	}))
	b.WriteString("\n\n" + wrap(m.st.Muted.Render("Esc goes back one step and keeps every answer. In lists, typing filters. "+
		"Ctrl+C during an operation asks before it stops watching; the operation itself goes on in Azure."), w))
	b.WriteString("\n\n" + m.st.Muted.Render("any key closes this help"))
	return b.String()
}

// clip cuts s to h lines of at most w cells and pads it to exactly h lines.
func clip(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// wrap word-wraps s (which may hold styles) to width w at spaces only:
// names, codes and flags with hyphens stay whole (x/ansi always breaks at
// '-', so hyphens travel as U+2011 through it); words longer than a line
// are cut.
func wrap(s string, w int) string {
	if w <= 0 {
		return s
	}
	const nbHyphen = "\u2011"
	protected := strings.ReplaceAll(s, "-", nbHyphen)
	out := strings.ReplaceAll(ansi.Wrap(protected, w, " "), nbHyphen, "-")
	return strings.ReplaceAll(out, nbSpace, " ")
}

// nbSpace joins the words of a command so wrap keeps it on one line.
const nbSpace = "\u00a0"

// unbroken makes wrap keep s (a command to copy) on one line when it fits.
func unbroken(s string) string { return strings.ReplaceAll(s, " ", nbSpace) }

// paint renders each line of s on its own, so a style does not pad the
// shorter lines of a block to the longest one.
func paint(st lipgloss.Style, s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return strings.Join(lines, "\n")
}

// indent wraps s to w cells with every line indented by n spaces.
func indent(s string, n, w int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(wrap(s, max(10, w-n)), "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}

// hang wraps s to w with continuation lines indented by indent spaces.
func hang(s string, w, indent int) string {
	lines := strings.Split(wrap(s, max(10, w-indent)), "\n")
	return strings.Join(lines, "\n"+strings.Repeat(" ", indent))
}

// canOfferDemo: no Azure sign-in was found and the caller can build the
// simulated Azure instead (SPEC §1).
func (m *Model) canOfferDemo(err error) bool {
	return m.opts.DemoFallback != nil && !m.opts.Demo && errors.Is(err, wizard.ErrNoCredential)
}

// canOfferSignIn: no Azure sign-in was found and a device-code sign-in can
// be tried.
func (m *Model) canOfferSignIn(err error) bool {
	return m.opts.SignIn != nil && !m.opts.Demo && errors.Is(err, wizard.ErrNoCredential)
}

// bindsKey reports whether one of ks already answers to key.
func bindsKey(ks []key.Binding, name string) bool {
	for _, b := range ks {
		for _, n := range b.Keys() {
			if n == name {
				return true
			}
		}
	}
	return false
}
