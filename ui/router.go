package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

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
	if m.plan.Kubernetes() && m.plan.Mode == wizard.ModeCreate {
		if v, sl := m.versionsData(m.plan.Region); sl.ok && m.plan.Region != "" {
			k.Versions, k.HaveVersions = v, true
		}
	}
	if m.plan.Mode == wizard.ModeAttach || m.plan.Kubernetes() {
		// a create of the current path checks its new cluster's name
		// against them
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
		if v, sl := m.extensionsData(); sl.ok && m.plan.Kubernetes() {
			k.Extensions, k.HaveExtensions = v, true
		}
		if v, sl := m.bindingsData(); sl.ok && m.plan.Kubernetes() {
			k.Bindings = v
		}
	}
	return k
}

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
	m.typeAhead = nil
	// steps answered by flags are skipped: the version's tier is decided
	// on the way to any step, the review's preflight included
	wizard.DecideLTS(m.plan, m.known())
	if id == wizard.StepReview {
		// the clusters may have come in after the cluster step: a create
		// naming one not made for it is its attach (as at that step)
		wizard.AdoptCluster(m.plan, m.known())
	}
	// a flag answered this step but its answer fails: say why
	m.flash = m.flagWhy(id)
	return m.cur().enter(m.common())
}

// advance moves to the step after the current one.
func (m *Model) advance() tea.Cmd {
	m.resolveClusterFlag()
	wizard.DecideLTS(m.plan, m.known())
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
		if m.verifying != nil {
			return m.quit(Quit) // stops the smoke test first
		}
		if m.op != nil && (m.op.submitting || m.op.running) {
			m.op.confirm = true
			return nil
		}
		return m.leave()
	}
	m.flash = ""
	if m.showHelp {
		m.showHelp = false
		return nil
	}
	typing := m.cur().typing(m.common())
	_, literalQ := m.cur().(interface{ literalQuestionMark() })
	if key.Matches(msg, k.Help) && !literalQ {
		m.showHelp = true
		return nil
	}
	// A step waiting for data or showing a load error takes only retry,
	// back and quit.
	for _, n := range m.cur().needs(m.common()) {
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
	for _, n := range m.cur().needs(m.common()) {
		if !n.sl.ok {
			if key.Matches(msg, k.Back) {
				return m.back()
			}
			if msg.Text != "" && m.cur().typing(m.common()) && len(m.typeAhead) < 64 {
				// typed while loading (a filter): kept, and given to the
				// step once its data is in
				m.typeAhead = append(m.typeAhead, msg)
			}
			return nil
		}
	}
	if key.Matches(msg, k.Back) {
		if e, ok := m.cur().(cmdEscaper); ok {
			if handled, cmd := e.escCmd(m.common()); handled {
				return cmd
			}
		}
		if e, ok := m.cur().(escaper); ok && e.esc(m.common()) {
			return nil
		}
		return m.back()
	}
	if key.Matches(msg, k.Quit) && !typing && m.step != wizard.StepSubmit && m.step != wizard.StepList && m.step != wizard.StepVersion && m.step != wizard.StepMigrate {
		return m.leave()
	}
	return m.cur().update(m.common(), msg)
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
	if m.verifying != nil {
		// q or Enter while a smoke test runs: stopped first, and said
		return m.stopVerify()
	}
	if m.op != nil && m.op.done {
		if m.op.err != nil {
			s = Failed
		} else {
			s = Succeeded
		}
	}
	m.res = m.result(s)
	if sc, ok := m.cur().(interface{ summary() string }); ok && m.res.Summary == "" {
		m.res.Summary = sc.summary() // a screen that did the work itself (migrate)
	}
	m.quitting = true
	return tea.Quit
}

// answerMsg is a screen's answer to its step. Screens never write the
// plan: the router alone records the answer (wizard.Plan.Answer marks where
// it came from), starts what the answer makes fetchable, and advances.
type answerMsg struct {
	field wizard.Field
	value any
}

// answer is the Cmd a screen returns to answer its step.
func answer(f wizard.Field, v any) tea.Cmd {
	return func() tea.Msg { return answerMsg{field: f, value: v} }
}

// onAnswer records a screen's answer and moves on.
func (m *Model) onAnswer(a answerMsg) tea.Cmd {
	p := m.plan
	prevSub, prevWS := p.Subscription, p.Workspace.ID
	if mode, ok := a.value.(wizard.Mode); ok && a.field == wizard.FMode && (mode == wizard.ModeCreate || mode == wizard.ModeAttach) {
		if usable, why := wizard.WorkspaceUsable(p.Workspace); !usable {
			m.flash = why // hubs and projects list computes and browse versions only
			return nil
		}
	}
	if err := p.Answer(a.field, a.value); err != nil {
		m.flash = "internal error: " + err.Error() + " (please report it)"
		return nil
	}
	var cmds []tea.Cmd
	switch a.field {
	case wizard.FSubscription:
		m.subResolved = true
		if p.Subscription != prevSub {
			m.wsResolved = false
			if !p.Given(wizard.FWorkspace) {
				p.Workspace = wizard.Workspace{}
			}
		}
		cmds = append(cmds, m.fetchWorkspaces(false))
	case wizard.FWorkspace:
		cmds = append(cmds, m.workspaceChosen(prevWS))
	case wizard.FComputeType:
		cmds = append(cmds, m.fetchExtensions(false), m.fetchBindings(false))
	case wizard.FCluster:
		wizard.DecideInstallExtension(p, m.known())
	case wizard.FNewCluster:
		// a cluster that exists and is not this compute's own: the create
		// is the attach of it from here on (the review says so)
		if wizard.AdoptCluster(p, m.known()) {
			cmds = append(cmds, m.fetchAttachments(false), m.fetchRegions(false), m.fetchBindings(false))
		}
	case wizard.FMode:
		switch p.Mode {
		case wizard.ModeAttach:
			cmds = append(cmds, m.fetchClusters(false), m.fetchAttachments(false), m.fetchRegions(false))
		case wizard.ModeList, wizard.ModeMigrate:
			cmds = append(cmds, m.fetchComputes(false))
		}
	case wizard.FRegion:
		cmds = append(cmds, m.fetchVersions(p.Region, reqVersions, false), m.fetchSizes(p.Region, false))
	case wizard.FTLS:
		wizard.DecideInsecure(p)
	case wizard.FName:
		if p.Kubernetes() && (p.Mode == wizard.ModeCreate || p.Mode == wizard.ModeAttach) && m.guard.Records() != nil {
			// an unfinished operation of this name is offered first
			return tea.Batch(append(cmds, m.lookRecord(p.Name))...)
		}
	}
	cmds = append(cmds, m.advance())
	return tea.Batch(cmds...)
}

// leave quits the wizard before anything was submitted. With answers
// given it prints the `amlaks create …` command that pre-answers them, and
// past the third step it asks first (a second Ctrl+C leaves).
func (m *Model) leave() tea.Cmd {
	if m.op != nil && m.op.done {
		return m.quit(Quit) // the operation's own summary: something was sent
	}
	cmd := m.answersCommand()
	if cmd == "" {
		return m.quit(Quit)
	}
	if n, _ := wizard.PositionFor(m.plan, m.step); n <= 3 {
		return m.quitKeeping(cmd)
	}
	d := newDialog("Leave the wizard?",
		"Nothing was sent to Azure. Your answers are kept in the command below, which opens the wizard at the first step still open.",
		"Leave", "Stay", false, nil, nil)
	d.ctrlCYes, d.command = true, cmd
	d.onYesRouter = func(m *Model) tea.Cmd { return m.quitKeeping(cmd) }
	return m.open(d)
}

// atOrBefore reports whether the wizard is at step id or an earlier one.
func (m *Model) atOrBefore(id wizard.StepID) bool {
	here, _ := wizard.PositionFor(m.plan, m.step)
	there, _ := wizard.PositionFor(m.plan, id)
	return here <= there
}

// quitKeeping quits and leaves the command with the answers in the
// scrollback.
func (m *Model) quitKeeping(cmd string) tea.Cmd {
	c := m.quit(Quit)
	m.res.Summary = "Nothing was sent. To go on where you left:\n  " + cmd
	return c
}

// answersCommand is wizard.Command for a create or attach with at least
// one answer given in the wizard, "" otherwise: also "" up to the Mode
// step, where create is only the plan's starting value, not a choice, so
// the command would name a mode the user never chose.
func (m *Model) answersCommand() string {
	p := m.plan
	if p.Mode != wizard.ModeCreate && p.Mode != wizard.ModeAttach {
		return ""
	}
	if !p.Given(wizard.FMode) && m.atOrBefore(wizard.StepMode) {
		return ""
	}
	// the steps gone through count as answered, confirmed defaults too:
	// the command opens the wizard where the user left
	passed := map[wizard.Field]bool{}
	for _, id := range wizard.FlowFor(p) {
		if id == m.step {
			break
		}
		if f := wizard.StepOf(id).Field; f != "" {
			passed[f] = true
		}
	}
	for _, f := range []wizard.Field{wizard.FWorkspace, wizard.FPurpose, wizard.FRegion, wizard.FVMSize, wizard.FNodes,
		wizard.FNetwork, wizard.FTLS, wizard.FName, wizard.FCluster} {
		if p.From(f) == wizard.Asked || passed[f] && p.From(f) != wizard.Unset {
			return wizard.CommandThrough(p, m.opts.Demo, passed)
		}
	}
	return ""
}

// replayTypeAhead gives the keys typed while the step was loading to the
// step, once everything it needs is in.
func (m *Model) replayTypeAhead() tea.Cmd {
	if len(m.typeAhead) == 0 {
		return nil
	}
	for _, n := range m.needsNow() {
		if !n.sl.ok {
			return nil
		}
	}
	keys := m.typeAhead
	m.typeAhead = nil
	var cmds []tea.Cmd
	for _, k := range keys {
		cmds = append(cmds, m.cur().update(m.common(), k))
	}
	return tea.Batch(cmds...)
}
