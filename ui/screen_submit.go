package ui

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/amlaks/amlaks/wizard"
)

// submitScreen follows the operation: spinner, elapsed and expected time,
// the polled state, "slower than usual"; then success (state, FQDN, next
// steps) or failure (code, message, hint, back to the step that fixes it).
type submitScreen struct {
	scroll    int // first body line shown on the success/failure screen
	maxScroll int // the last view's largest useful scroll
	// the smoke test started with v on a Kubernetes compute's success
	verifying bool
	verified  *verifyDoneMsg
}

func (s *submitScreen) busy() bool { return s.verifying }

func (s *submitScreen) enter(m *common) tea.Cmd {
	s.scroll, s.verifying, s.verified = 0, false, nil
	return nil
}

// canVerify: a Kubernetes compute created or attached just now.
func canVerify(m *common, o *opState) bool {
	return o != nil && o.done && o.err == nil && o.kind != wizard.OpDetach && m.Plan().Kubernetes()
}

func (s *submitScreen) update(m *common, msg tea.Msg) tea.Cmd {
	if v, ok := msg.(verifyDoneMsg); ok {
		if o := m.nav.Op(); o != nil && v.name == o.name {
			s.verifying, s.verified = false, &v
		}
		return nil
	}
	k, ok := msg.(tea.KeyPressMsg)
	o := m.nav.Op()
	if !ok || o == nil || !o.done {
		return nil
	}
	switch {
	case k.String() == "v" && canVerify(m, o) && !s.verifying:
		s.verifying, s.verified = true, nil
		return m.calls.verify(o.name)
	case key.Matches(k, m.keys.Up):
		s.scroll = max(0, s.scroll-1)
	case key.Matches(k, m.keys.Down):
		s.scroll = min(s.maxScroll, s.scroll+1)
	case key.Matches(k, m.keys.Fix) && o.err != nil:
		if id := m.nav.fixStep(o.err); id != "" && !o.fromList {
			m.nav.clearOp()
			return m.nav.goTo(id)
		}
	case key.Matches(k, m.keys.Quit), key.Matches(k, m.keys.Enter) && o.err == nil:
		if o.fromList {
			m.nav.clearOp()
			return m.nav.goTo(wizard.StepList)
		}
		return m.nav.quit(Succeeded)
	}
	return nil
}

func (s *submitScreen) esc(m *common) bool {
	ok, _ := s.escCmd(m)
	return ok
}

// escCmd leaves a finished operation for the list or the review and
// returns what entering that step starts (the review's preflight: without
// it the review would wait for a preflight that never runs).
func (s *submitScreen) escCmd(m *common) (bool, tea.Cmd) {
	o := m.nav.Op()
	if o == nil || !o.done {
		return true, nil // no going back while the operation runs
	}
	m.nav.clearOp()
	s.scroll = 0
	if o.fromList {
		return true, m.nav.goTo(wizard.StepList)
	}
	return true, m.nav.goTo(wizard.StepReview)
}

// opWords are what an operation is called while it runs and once done,
// and the preposition between the compute and the workspace.
var opWords = map[wizard.OpKind]struct{ doing, done, prep string }{
	wizard.OpCreate: {"Creating", "Created", "in"},
	wizard.OpAttach: {"Attaching", "Attached", "to"},
	wizard.OpDetach: {"Detaching", "Detached", "from"},
}

func verbing(k wizard.OpKind) string {
	if w, ok := opWords[k]; ok {
		return w.doing
	}
	return "Running"
}

// prep is the preposition between the compute and the workspace.
func prep(k wizard.OpKind) string {
	if w, ok := opWords[k]; ok {
		return w.prep
	}
	return "in"
}

func pastTense(k wizard.OpKind) string {
	if w, ok := opWords[k]; ok {
		return w.done
	}
	return "Finished"
}

func (s *submitScreen) view(m *common, w, h int) string {
	o := m.nav.Op()
	st := m.st
	if o == nil {
		return st.Muted.Render("nothing is running")
	}
	var b strings.Builder
	ws := m.Plan().Workspace.Name
	if !o.done {
		b.WriteString(fmt.Sprintf("%s %s %s %s %s\n\n", verbing(o.kind), m.nav.opVariant().Word, st.Value.Render(o.name), prep(o.kind), ws))
		state := o.last.State
		if o.submitting {
			state = "sending the request"
		}
		if state == "" {
			state = "accepted"
			if len(o.kinds) > 0 {
				state = "sending the request" // no phase has answered yet
			}
		}
		exp := o.expected
		b.WriteString(fmt.Sprintf("%s %s · %s elapsed · usually about %s\n", m.spinner, st.Value.Render(stateWords(o.kind, state)), clock(o.elapsed), humanDur(exp)))
		// time, not progress: Azure reports no percentage, so the bar is the
		// elapsed time against the usual duration, and says so
		barW := max(10, min(50, w-24))
		frac := runningFraction(o.elapsed, exp)
		fill := min(barW-1, int(frac*float64(barW)))
		b.WriteString(st.BarReq.Render(strings.Repeat("█", fill)) + st.BarEmpty.Render(strings.Repeat("░", barW-fill)) +
			st.Muted.Render(fmt.Sprintf(" %s of ~%s", clock(o.elapsed), humanDur(exp))) + "\n")
		if len(o.phases) > 0 {
			// the current path: each phase with its own state and time
			for i, ph := range o.phases {
				mark := m.spinner
				if ph.done {
					mark = st.OK.Render("✓")
				}
				took := clock(ph.last - ph.started)
				if i == len(o.phases)-1 && !ph.done {
					took = clock(o.elapsed - ph.started)
				}
				b.WriteString(fmt.Sprintf("  %s %-10s %s · %s\n", mark, ph.name, ph.state, took))
			}
		}
		if exp > 0 && o.elapsed > exp {
			b.WriteString(st.Warn.Render(fmt.Sprintf("slower than usual: %s past the usual %s; Azure is still working on it", clock(o.elapsed-exp), humanDur(exp))) + "\n")
		}
		if o.last.Note != "" {
			b.WriteString(st.Muted.Render(o.last.Note) + "\n")
		}
		b.WriteString("\n")
		if u := m.show.portalURL(); u != "" {
			b.WriteString(st.Muted.Render("workspace in the portal (the full link is printed when the wizard ends):") + "\n")
			b.WriteString(link(st.Muted, u, w) + "\n")
		}
		b.WriteString(wrap(st.Muted.Render("The operation runs in Azure: ctrl+c asks whether to stop watching (it goes on) or keep watching."), w))
		return b.String()
	}
	if o.err == nil {
		b.WriteString(st.OK.Render(fmt.Sprintf("✓ %s %s", pastTense(o.kind), o.name)) + fmt.Sprintf(" %s %s after %s\n\n", prep(o.kind), ws, clock(o.elapsed)))
		if c := o.compute; c != nil {
			b.WriteString("  state   " + st.Value.Render(c.State) + "\n")
			if c.FQDN != "" {
				b.WriteString("  FQDN    " + c.FQDN + "\n")
			}
			if c.VMSize != "" {
				b.WriteString(fmt.Sprintf("  nodes   %d × %s\n", c.Nodes, c.VMSize))
			}
		}
		b.WriteString("\n")
		if o.kind == wizard.OpDetach && o.goneCluster != "" {
			b.WriteString(wrap(capitalize(detachedCluster(o))+": nothing of it is left to pay for.", w) + "\n")
		} else if o.kind == wizard.OpDetach && o.deleteCluster != "" {
			b.WriteString(wrap(capitalize(detachedCluster(o))+"; nothing of it is left to pay for.", w) + "\n")
		} else if o.kind == wizard.OpDetach {
			b.WriteString(wrap("The AKS cluster itself is kept; attach it again with `"+unbroken(m.show.cliCmd("attach"))+"`.", w) + "\n")
		} else {
			b.WriteString(st.Header.Render("Next steps") + "\n")
			if hint := m.nav.opVariant().Next(o.name); hint != "" {
				b.WriteString(hang("  • "+hint, w, 4) + "\n")
			}
			b.WriteString(hangCmd("  • check it any time: ", m.show.cliCmd("status", o.name), w, 4) + "\n")
			b.WriteString(hangCmd("  • see every compute of the workspace: ", m.show.cliCmd("list"), w, 4) + "\n")
		}
		if o.manual != "" {
			b.WriteString("\n" + st.Warn.Render("! Not ready for deployments yet: amlaks could not run kubectl in the cluster. Do it yourself:") + "\n")
			b.WriteString(o.manual)
		}
		b.WriteString(s.verifyView(m, o, w))
		keys := st.Key.Render("enter") + " " + map[bool]string{true: "back to the list", false: "done"}[o.fromList]
		if canVerify(m, o) && !s.verifying {
			keys = st.Key.Render("v") + " smoke-test it (a throwaway endpoint, called with its key)   " + keys
		}
		return s.fit(b.String(), keys, w, h)
	}
	if errors.Is(o.err, wizard.ErrStoppedWatching) {
		// Not a failure: amlaks stopped watching (deadline, an error it
		// could not get past); the operation may still run (issue 12).
		b.WriteString(st.Warn.Render(fmt.Sprintf("? Lost track of the %s of %s: it may still be running", o.kind, o.name)) + "\n\n")
		b.WriteString(hangCmd("  follow it again with: ", m.show.cliCmd("status", o.name), w, 4) + "\n\n")
	} else {
		b.WriteString(st.Error.Render(fmt.Sprintf("✗ The %s of %s failed", o.kind, o.name)) + "\n\n")
	}
	var we *wizard.Error
	if errors.As(o.err, &we) {
		if we.Code != "" {
			b.WriteString("  code     " + st.Value.Render(we.Code) + "\n")
		}
		msg := we.Message
		if msg == "" {
			msg = we.Error()
		}
		b.WriteString(labelled("message", msg, w) + "\n")
		for _, d := range we.Details {
			if d.Code == we.Code && d.Message == we.Message {
				continue // the detail only repeats the error
			}
			b.WriteString(labelled("detail", d.Code+": "+d.Message, w) + "\n")
		}
		if we.Hint != "" {
			b.WriteString("\n" + wrap(st.Info.Render("What it means and what to do: ")+we.Hint, w) + "\n")
		}
	} else {
		b.WriteString(wrap("  "+o.err.Error(), w) + "\n")
	}
	b.WriteString("\n")
	if n := m.nav.failedComputeNote(true); n != "" {
		b.WriteString(wrap(st.Warn.Render("! ")+n, w) + "\n\n")
	}
	keys := ""
	if id := m.nav.fixStep(o.err); id != "" && !o.fromList {
		keys = st.Key.Render("f") + " go back to " + wizard.StepOf(id).Title + " (every answer is kept)   "
	}
	keys += st.Key.Render("esc") + " " + map[bool]string{true: "back to the list", false: "back to the review"}[o.fromList] + "   " + st.Key.Render("q") + " quit"
	return s.fit(strings.TrimRight(b.String(), "\n"), wrap(keys, w), w, h)
}

// fit lays out a finished operation's body above its key line in h lines:
// when the body is taller, it shows the part at s.scroll (↑/↓ scroll) and
// says "↓ more" / "↑ more", and the key line always stays visible.
func (s *submitScreen) fit(body, keys string, w, h int) string {
	lines := strings.Split(strings.TrimRight(body, "\n"), "\n")
	keyLines := strings.Count(keys, "\n") + 1
	if h <= 0 || len(lines)+1+keyLines <= h {
		s.maxScroll, s.scroll = 0, 0
		return strings.Join(lines, "\n") + "\n\n" + keys
	}
	avail := max(1, h-keyLines-1) // one line says there is more
	s.maxScroll = max(0, len(lines)-avail)
	s.scroll = min(max(0, s.scroll), s.maxScroll)
	shown := lines[s.scroll : s.scroll+avail]
	var more []string
	if s.scroll > 0 {
		more = append(more, "↑ more")
	}
	if s.scroll < s.maxScroll {
		more = append(more, "↓ more")
	}
	hint := strings.Join(more, " · ") + " (↑/↓ scroll)"
	return strings.Join(shown, "\n") + "\n" + ansi.Truncate(hint, w, "") + "\n" + keys
}

// hangCmd writes prefix then the command cmd (to copy): on one line when
// it fits; else the command goes on its own lines, indented by ind, broken
// at spaces (a command split at a space still works when pasted) with its
// continuation lines indented two more.
func hangCmd(prefix, cmd string, w, ind int) string {
	if full := prefix + unbroken(cmd); w <= 0 || ansi.StringWidth(full) <= w {
		return hang(full, w, ind)
	}
	pad := strings.Repeat(" ", ind)
	lines := strings.Split(wrap(cmd, max(10, w-ind-2)), "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = pad + l
		} else {
			lines[i] = pad + "  " + l
		}
	}
	return hang(strings.TrimRight(prefix, " "), w, ind) + "\n" + strings.Join(lines, "\n")
}

// runningFraction estimates how far a running operation is from its
// elapsed and usual time: linear up to 90 %, then approaching 99 %
// asymptotically, so the bar never shows 100 % before the operation is done.
func runningFraction(elapsed, expected time.Duration) float64 {
	if expected <= 0 || elapsed <= 0 {
		return 0
	}
	const knee, ceil = 0.9, 0.99
	r := float64(elapsed) / float64(expected)
	if r <= knee {
		return r
	}
	// continuous and with the same slope at the knee
	return ceil - (ceil-knee)*math.Exp(-(r-knee)/(ceil-knee))
}

func clock(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
}

func (s *submitScreen) help(m *common) []key.Binding {
	k := m.keys
	o := m.nav.Op()
	if o == nil || !o.done {
		return []key.Binding{withHelp(k.Interrupt, "stop watching…")}
	}
	if o.err != nil {
		if id := m.nav.fixStep(o.err); id != "" && !o.fromList {
			return []key.Binding{withHelp(k.Fix, "go to "+wizard.StepOf(id).Title), k.Back, k.Quit}
		}
		return []key.Binding{k.Back, k.Quit}
	}
	if o.fromList {
		return []key.Binding{withHelp(k.Enter, "back to the list")}
	}
	return []key.Binding{withHelp(k.Enter, "done")}
}

func (s *submitScreen) typing(m *common) bool  { return false }
func (s *submitScreen) needs(m *common) []need { return nil }

// confirmView is the Ctrl+C question while an operation runs.
func (m *Model) confirmView(w int) string {
	o := m.Op()
	st := m.st
	what := fmt.Sprintf("the %s of %s", o.kind, o.name)
	say := fmt.Sprintf("Stopping does not cancel %s: it continues in Azure. `%s` picks it up again.", what, unbroken(m.cliCmd("status", o.name)))
	if s := o.stopSay(unbroken(m.cliCmd("status", o.name))); s != "" {
		say = "If you stop watching now, " + s + "."
	}
	text := st.Title.Render("Stop watching?") + "\n\n" +
		wrap(say, max(20, w-6)) + "\n\n" +
		st.Key.Render("s") + " stop watching    " + st.Key.Render("k") + " / " + st.Key.Render("esc") + " keep watching"
	return st.Frame.Render(text)
}

// labelled renders "  label    text" with the text's wrapped lines
// aligned under its first one.
func labelled(label, text string, w int) string {
	const col = 11
	lines := strings.Split(indent(text, col, w), "\n")
	lines[0] = "  " + label + strings.Repeat(" ", max(1, col-2-len(label))) + strings.TrimLeft(lines[0], " ")
	return strings.Join(lines, "\n")
}

// link renders url on a line of its own, never wrapped, as a terminal
// hyperlink (OSC 8): the visible text is the whole URL when it fits in w,
// else the URL cut with "…" (the link still opens the whole URL, and a
// terminal without OSC 8 is not given a broken, half-wrapped one).
func link(st lipgloss.Style, url string, w int) string {
	text := url
	if w > 0 && ansi.StringWidth(text) > w {
		text = ansi.Truncate(text, w, "…")
	}
	return ansi.SetHyperlink(url) + st.Render(text) + ansi.ResetHyperlink()
}

// portalURL is the workspace's page in the Azure portal ("" when unknown).
func (m *Model) portalURL() string {
	if id := m.Plan().Workspace.ID; id != "" {
		base := m.opts.Portal
		if base == "" {
			base = "https://portal.azure.com"
		}
		return base + "/#resource" + id + "/overview"
	}
	return ""
}

// opVariant is the compute type of the operation: the compute's own once
// known (an operation followed from the list need not be of the plan's
// type), else the plan's.
func (m *Model) opVariant() wizard.Variant {
	if o := m.op; o != nil && o.compute != nil && o.compute.Type != "" {
		return wizard.VariantOf(o.compute.Type)
	}
	return m.Plan().Variant()
}

// stateWords says what an operation does in the user's words, with the
// state Azure reports: a detach is "Deleting" and an attach "Updating" in
// the compute's provisioning state.
func stateWords(k wizard.OpKind, state string) string {
	switch {
	case k == wizard.OpDetach && strings.EqualFold(state, "Deleting"):
		return "Detaching (Azure: Deleting the compute entry; the cluster stays)"
	case k == wizard.OpAttach && strings.EqualFold(state, "Updating"):
		return "Attaching (Azure: Updating)"
	}
	return state
}

// verifyView is the smoke test's line on the success screen.
func (s *submitScreen) verifyView(m *common, o *opState, w int) string {
	st := m.st
	switch {
	case s.verifying:
		return "\n" + m.spinner + " smoke test: deploying a throwaway endpoint on " + o.name + " and calling it (a minute or two in Azure)…\n"
	case s.verified == nil:
		return ""
	}
	v := s.verified
	if v.err != nil {
		msg := v.err.Error()
		var ve *wizard.VerifyError
		if errors.As(v.err, &ve) && ve.Fix != "" {
			msg += " — " + ve.Fix
		}
		return "\n" + wrap(st.Error.Render("✗ smoke test: ")+msg, w) + "\n"
	}
	if !v.rep.Called {
		return "\n" + wrap(st.Warn.Render("? smoke test: deployed, call skipped: ")+v.rep.Skipped, w) + "\n"
	}
	return "\n" + st.OK.Render(fmt.Sprintf("✓ smoke test: %s answered %d in %s", o.name, v.rep.Status, v.rep.Latency.Round(time.Millisecond))) + "\n" +
		wrap("  "+v.rep.ScoringURI+" (endpoint "+v.rep.Endpoint+" deleted)", w) + "\n"
}
