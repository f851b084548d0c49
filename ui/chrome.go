package ui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

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
		boxes = append(boxes, m.st.Frame.Render(wrap(m.noticeText(), max(20, w-6))))
	}
	if len(boxes) > 0 {
		top := strings.Join(boxes, "\n")
		return top + "\n" + m.bodyOf(w, max(3, h-lipgloss.Height(top)-1))
	}
	return m.bodyOf(w, h)
}

func (m *Model) bodyOf(w, h int) string {
	s := m.cur()
	for _, n := range s.needs(m.common()) {
		if n.sl.err != nil {
			return m.errorPanel("Could not load "+n.what, n.sl.err, w)
		}
	}
	for _, n := range s.needs(m.common()) {
		if !n.sl.ok {
			return m.spin.View() + " loading " + n.what + "…"
		}
	}
	return s.view(m.common(), w, h)
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
	if n, total := wizard.PositionFor(m.plan, m.step); n > 0 && m.plan.Mode != wizard.ModeList && !signIn {
		left = m.st.Step.Render(fmt.Sprintf("%d/%d", n, total)) + " " + m.st.Title.Render(title)
	} else {
		left = m.st.Title.Render(title)
	}
	var ctx []string
	if m.plan.Subscription != "" && m.step != wizard.StepSubscription {
		ctx = append(ctx, m.subscriptionLabel())
	}
	if m.plan.Workspace.Name != "" {
		ctx = append(ctx, m.plan.Workspace.Name)
	}
	if m.plan.From(wizard.FMode) != wizard.Unset {
		ctx = append(ctx, string(m.plan.Mode))
	}
	badge := ""
	if m.opts.Demo {
		badge = m.st.Badge.Render("SIMULATED")
	}
	// When the line is short, the context gives way first, from its
	// outermost part (the subscription), then what is left of it is cut:
	// the step's title and the SIMULATED badge always show whole.
	for {
		right := m.st.Context.Render(strings.Join(ctx, " · "))
		if badge != "" {
			if right != "" {
				right += " "
			}
			right += badge
		}
		gap := w - lipgloss.Width(left) - lipgloss.Width(right)
		if gap >= 1 {
			return left + strings.Repeat(" ", gap) + right
		}
		if len(ctx) > 1 {
			ctx = ctx[1:]
			continue
		}
		room := w - lipgloss.Width(left) - lipgloss.Width(badge) - 2
		if len(ctx) == 1 && room >= 4 {
			c := ansi.Truncate(m.st.Context.Render(ctx[0]), room, "…")
			return left + " " + c + strings.Repeat(" ", max(1, w-lipgloss.Width(left)-1-lipgloss.Width(c)-lipgloss.Width(badge))) + badge
		}
		if badge != "" && lipgloss.Width(left)+1+lipgloss.Width(badge) <= w {
			return left + strings.Repeat(" ", w-lipgloss.Width(left)-lipgloss.Width(badge)) + badge
		}
		return ansi.Truncate(left+" "+right, w, "…")
	}
}

// needsNow is what the current step needs loaded (none without a Cloud).
func (m *Model) needsNow() []need {
	if m.cloud == nil {
		return nil
	}
	return m.cur().needs(m.common())
}

func (m *Model) footer(w int) string {
	m.help.SetWidth(0)
	ks := m.shortKeys()
	// the last keys (? help, ctrl+c) always show: the step's own keys give
	// way, last first, until the line fits
	for len(ks) > 3 && lipgloss.Width(m.help.ShortHelpView(ks)) > w {
		ks = append(ks[:len(ks)-3], ks[len(ks)-2:]...)
	}
	m.help.SetWidth(w)
	return m.help.ShortHelpView(ks)
}

func (m *Model) shortKeys() []key.Binding {
	k := m.keys
	if m.op != nil && m.op.confirm {
		return []key.Binding{k.StopWatching, k.KeepWatching}
	}
	var ks []key.Binding
	failed := false
	for _, n := range m.cur().needs(m.common()) {
		if n.sl.err != nil {
			failed = true
		}
	}
	if failed {
		ks = []key.Binding{k.Retry, k.Back, k.Quit}
	} else {
		ks = m.cur().help(m.common())
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
	own := m.cur().help(m.common())
	// each key once: the navigation group leaves out what the step lists
	var nav []key.Binding
	for _, b := range []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End} {
		if !bindsKey(own, b.Keys()[0]) {
			nav = append(nav, b)
		}
	}
	b.WriteString(m.help.FullHelpView([][]key.Binding{own, nav, {k.Back, k.Help, k.Interrupt}}))
	b.WriteString("\n\n" + wrap(m.st.Muted.Render("Esc goes back one step and keeps every answer. In lists, typing filters. "+
		"Ctrl+C during an operation asks before it stops watching; the operation itself goes on in Azure."), w))
	b.WriteString("\n\n" + m.st.Muted.Render("any key closes this help"))
	return b.String()
}

// subscriptionLabel names the plan's subscription: its display name when
// the list is known, else its ID shortened to its ends.
func (m *Model) subscriptionLabel() string {
	subs, _ := m.subsData()
	for _, s := range subs {
		if strings.EqualFold(s.ID, m.plan.Subscription) {
			return s.Name
		}
	}
	id := m.plan.Subscription
	if len(id) == 36 {
		return id[:8] + "…" + id[32:]
	}
	return id
}

// View renders the frame: header, the step's body, help line.
func (m Model) View() tea.View {
	// the frame mixes text from Azure with styling: only its own styling
	// reaches the terminal
	v := tea.NewView(rules.InertTerminal(m.render()))
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
	if m.tooSmall() {
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
	case m.dialog != nil:
		body = mm.dialogView(w)
	case m.showHelp:
		body = mm.fullHelp(w)
	default:
		body = mm.body(w, bodyH-1)
	}
	return header + "\n" + m.st.Muted.Render(strings.Repeat("─", w)) + "\n" +
		clip(body, w, bodyH-1) + "\n" + clip(flash, w, strings.Count(flash, "\n")+1) + "\n" + clip(footer, w, 1)
}
