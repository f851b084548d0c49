package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// opState is the operation being submitted or followed (create, attach,
// detach, or one resumed from the list).
type opState struct {
	kind       wizard.OpKind
	name       string
	req        int
	submitting bool // the PUT is in flight
	running    bool // following the long-running operation
	done       bool
	op         *wizard.Operation
	last       wizard.Progress
	elapsed    time.Duration
	expected   time.Duration
	started    time.Time
	cancel     context.CancelFunc
	err        error
	compute    *wizard.Compute
	guardKey   string
	confirm    bool // the Ctrl+C question is open
	detached   bool // the user stopped watching
	fromList   bool // started from the computes list (status, detach)
	// deleteCluster is the cluster a detach deletes after it ("" kept);
	// goneCluster the one found deleted already.
	deleteCluster, goneCluster string
	// phases are the current path's phases as they go (cluster,
	// extension, attach), each with its own state and elapsed time.
	phases []phaseLine
	// manual is the readiness phase's instructions when it could not run.
	manual string
	// kinds are the current path's phases of the plan, in order (none
	// for a legacy operation).
	kinds []wizard.PhaseKind
}

// stopSay is the truth of stopping now, for the current path (status the
// command that continues): the phase running, whether Azure answered its
// request, and what is left. "" for a legacy operation.
func (o *opState) stopSay(status string) string {
	if len(o.kinds) == 0 {
		return ""
	}
	ie := wizard.Interrupted{Name: o.name, Phase: o.kinds[0]}
	seen := map[string]bool{}
	for _, ph := range o.phases {
		seen[ph.name] = true
		if ph.name == string(wizard.PhaseReady) || ph.name == string(wizard.PhaseWait) || ph.name == string(wizard.PhaseProviders) {
			continue
		}
		if !ph.done {
			ie.Phase, ie.Sent = wizard.PhaseKind(ph.name), true
		}
	}
	if !ie.Sent {
		// every phase seen ended: the next one's request may be on its way
		for _, k := range o.kinds {
			if !seen[string(k)] {
				ie.Phase = k
				break
			}
		}
	}
	for i, k := range o.kinds {
		if k == ie.Phase {
			ie.Later = o.kinds[i+1:]
		}
	}
	return ie.Say("`" + status + "`")
}

// phaseLine is one phase of a Kubernetes create or attach as seen so far.
type phaseLine struct {
	name, state   string
	started, last time.Duration
	done          bool
}

// notePhase records a progress whose state is "PHASE: STATE".
func (o *opState) notePhase(state string, elapsed time.Duration) {
	name, st, ok := strings.Cut(state, ": ")
	if !ok {
		return
	}
	for i := range o.phases {
		if o.phases[i].name == name {
			o.phases[i].state, o.phases[i].last = st, elapsed
			o.phases[i].done = st == "done already" || strings.EqualFold(st, "Succeeded") || phaseEnded(name, st)
			return
		}
	}
	for i := range o.phases {
		if o.phases[i].name != string(wizard.PhaseReady) { // it runs beside the others
			o.phases[i].done = true // a later phase started: the earlier ones ended
		}
	}
	o.phases = append(o.phases, phaseLine{name: name, state: st, started: elapsed, last: elapsed,
		done: st == "done already" || strings.EqualFold(st, "Succeeded")})
}

// phaseEnded: the readiness phase ends ready, or with instructions.
func phaseEnded(name, st string) bool {
	return name == string(wizard.PhaseReady) && (strings.HasPrefix(st, "ready") || strings.HasPrefix(st, "not done"))
}

type (
	submittedMsg struct {
		req int
		op  wizard.Operation
		err error
	}
	followStartedMsg struct {
		req int
		ch  <-chan wizard.Progress
	}
	progressMsg struct {
		req int
		p   wizard.Progress
		ch  <-chan wizard.Progress
	}
	followClosedMsg struct{ req int }
	pendingMsg      struct {
		req   int
		name  string
		op    wizard.Operation
		found bool
		err   error
		// plan is an unfinished operation's to continue (its record's)
		plan *wizard.Plan
		// note says why it is not continued here
		note string
	}
	tickMsg struct {
		req int
		t   time.Time
	}
)

// submit sends the plan's create or attach once. The key is disabled while
// a submit runs and wizard.Submit's Guard refuses a second one of the same
// cluster or name.
func (m *Model) submit() tea.Cmd {
	return m.submitPlan(m.plan.Clone(), false)
}

// submitPlan sends p (the wizard's plan, or an unfinished operation's
// continued from the list).
func (m *Model) submitPlan(p *wizard.Plan, fromList bool) tea.Cmd {
	if m.op != nil && (m.op.submitting || m.op.running) {
		return nil
	}
	kind := wizard.OpCreate
	if p.Mode == wizard.ModeAttach {
		kind = wizard.OpAttach
	}
	req := m.data.next("op")
	m.op = &opState{kind: kind, name: p.Name, req: req, submitting: true, guardKey: p.GuardKey(),
		started: m.now(), expected: m.expectedOf(p.View()), fromList: fromList}
	ctx, c, g := m.ctx, m.cloud, m.guard
	if p.Kubernetes() {
		m.op.kinds = wizard.PhaseKinds(p)
		return tea.Batch(m.goTo(wizard.StepSubmit), m.phasesCmd(req, p), m.tickCmd(req))
	}
	cmd := func() tea.Msg {
		op, err := wizard.Submit(ctx, c, p, g)
		return submittedMsg{req: req, op: op, err: err}
	}
	return tea.Batch(m.goTo(wizard.StepSubmit), cmd, m.tickCmd(req))
}

// phasesCmd runs the current path's phases (cluster, extension, attach:
// wizard.RunPhases, which skips what already exists) and streams each
// phase's progress through the same channel a single operation's follow
// uses: "cluster: Creating", then "extension: …", then the attach. Stopping
// watching cancels only the watching; a re-run continues from the first
// unfinished phase.
func (m *Model) phasesCmd(req int, p *wizard.Plan) tea.Cmd {
	fctx, cancel := context.WithCancel(m.ctx)
	m.op.cancel = cancel
	m.op.submitting, m.op.running = false, true
	c, g, every := m.cloud, m.guard, m.every
	started := m.now()
	manual := ""
	ch := progressStream(fctx, func(send func(wizard.Progress)) {
		cp, err := wizard.RunPhases(fctx, c, p, g, every, func(pp wizard.PhaseProgress) {
			pr := pp.Progress
			pr.Done, pr.Err, pr.Expected = false, nil, 0 // the whole's usual time stays
			pr.State = string(pp.Phase) + ": " + pr.State
			if pp.Phase == wizard.PhaseReady && pp.Done {
				pr.State = string(pp.Phase) + ": ready · " + pp.Note
				if pp.Manual != "" {
					pr.State, manual = string(pp.Phase)+": not done · "+pp.Note, pp.Manual
				}
			}
			if pp.Skipped {
				pr.State = string(pp.Phase) + ": done already"
			}
			pr.Elapsed = time.Since(started)
			send(pr)
		})
		if fctx.Err() != nil {
			return // stopped watching: the phases go on in Azure
		}
		final := wizard.Progress{Done: true, State: "Succeeded", Compute: cp, Elapsed: time.Since(started), Manual: manual}
		if err != nil {
			final.State, final.Err, final.Compute = "Failed", err, nil
		}
		send(final)
	})
	return func() tea.Msg { return followStartedMsg{req: req, ch: ch} }
}

// progressStream runs work off the event loop and gives what it sends on
// a channel, closed when work returns; a send gives up once ctx is done
// (stopped watching).
func progressStream(ctx context.Context, work func(send func(wizard.Progress))) <-chan wizard.Progress {
	ch := make(chan wizard.Progress, 8)
	go func() {
		defer close(ch)
		work(func(pr wizard.Progress) {
			select {
			case ch <- pr:
			case <-ctx.Done():
			}
		})
	}()
	return ch
}

// detachDeleting detaches c from the list, then deletes its cluster
// (wizard.DeleteCluster: under the cluster's lock, checked again there)
// and streams both through one channel, as phasesCmd does: "detach: …",
// then "delete cluster: …".
func (m *Model) detachDeleting(c wizard.Compute) tea.Cmd {
	if m.op != nil && (m.op.submitting || m.op.running) {
		return nil
	}
	req := m.data.next("op")
	m.op = &opState{kind: wizard.OpDetach, name: c.Name, req: req, running: true, started: m.now(), expected: m.expected(wizard.OpDetach),
		fromList: true, deleteCluster: c.ClusterID}
	fctx, cancel := context.WithCancel(m.ctx)
	m.op.cancel = cancel
	cloud, g, every, p := m.cloud, m.guard, m.every, m.plan.Clone()
	started := m.now()
	ch := progressStream(fctx, func(send func(wizard.Progress)) {
		step := func(name string) func(wizard.Progress) {
			return func(pr wizard.Progress) {
				pr.Done, pr.Err, pr.Expected = false, nil, 0
				pr.State, pr.Elapsed = name+": "+pr.State, time.Since(started)
				send(pr)
			}
		}
		final := wizard.Progress{Done: true, State: "Succeeded"}
		err := detachThenDelete(fctx, cloud, g, p, c, every, step)
		if fctx.Err() != nil {
			return // stopped watching: it goes on in Azure
		}
		if err != nil {
			final.State, final.Err = "Failed", err
		}
		final.Elapsed = time.Since(started)
		send(final)
	})
	return tea.Batch(m.goTo(wizard.StepSubmit), func() tea.Msg { return followStartedMsg{req: req, ch: ch} }, m.tickCmd(req))
}

// detachThenDelete is detachDeleting's work, off the event loop.
func detachThenDelete(ctx context.Context, cloud wizard.Cloud, g *wizard.Guard, p *wizard.Plan, c wizard.Compute, every time.Duration,
	step func(string) func(wizard.Progress)) error {
	op, err := cloud.Detach(ctx, p.WorkspaceRef(), c.Name)
	if err != nil {
		return err
	}
	var last wizard.Progress
	on := step("detach")
	for pr := range cloud.Follow(ctx, op, every) {
		on(pr)
		last = pr
	}
	if !last.Done {
		return &wizard.Interrupted{Phase: "detach"}
	}
	if last.Err != nil {
		return last.Err
	}
	return wizard.DeleteCluster(ctx, cloud, g, p.Subscription, c.ClusterID, p.Workspace.Name+"/"+c.Name, every, step("delete cluster"))
}

// detachedCluster says what became of a detached compute's cluster.
func detachedCluster(o *opState) string {
	switch {
	case o.goneCluster != "":
		return "its AKS cluster " + clusterName(o.goneCluster) + " was gone already"
	case o.deleteCluster != "":
		return "the AKS cluster " + clusterName(o.deleteCluster) + " was deleted"
	}
	return "the AKS cluster itself is kept"
}

func clusterName(id string) string {
	if c, err := rules.ParseClusterID(id); err == nil {
		return c.Name
	}
	return id
}

// detachGone detaches c, whose cluster is gone already (deleted in AKS).
func (m *Model) detachGone(c wizard.Compute) tea.Cmd {
	cmd := m.detach(c)
	if m.op != nil && m.op.name == c.Name {
		m.op.goneCluster = c.ClusterID
	}
	return cmd
}

// startOp runs an operation that is not a submit (detach) from the list.
func (m *Model) startOp(kind wizard.OpKind, name string, call func(context.Context) (wizard.Operation, error)) tea.Cmd {
	if m.op != nil && (m.op.submitting || m.op.running) {
		return nil
	}
	req := m.data.next("op")
	m.op = &opState{kind: kind, name: name, req: req, submitting: true, started: m.now(), expected: m.expected(kind), fromList: true}
	ctx := m.ctx
	cmd := func() tea.Msg {
		op, err := call(ctx)
		return submittedMsg{req: req, op: op, err: err}
	}
	return tea.Batch(m.goTo(wizard.StepSubmit), cmd, m.tickCmd(req))
}

// resume looks for a running operation on a compute (Cloud.Pending) and
// follows it.
func (m *Model) resume(name string) tea.Cmd {
	if m.op != nil && (m.op.submitting || m.op.running) {
		return nil
	}
	req := m.data.next("pending")
	ctx, c, ws, recs := m.ctx, m.cloud, m.plan.WorkspaceRef(), m.guard.Records()
	return func() tea.Msg {
		// an unfinished current-path operation is continued, as `status
		// NAME` does
		if rec, ok, err := recs.Load(ctx, ws, name); err == nil && ok {
			if rec.Migrate != nil {
				// a migration continues on its own screen (Mode: Move a
				// legacy AKS compute) or with status
				return pendingMsg{req: req, name: name, note: rec.What() + " is unfinished: " + rec.ContinueHint()}
			}
			p := rec.RebuildPlan()
			if err := p.LoadTLSFilesContext(ctx); err != nil {
				return pendingMsg{req: req, name: name, err: err}
			}
			return pendingMsg{req: req, name: name, found: true, plan: p}
		}
		op, ok, err := c.Pending(ctx, ws, name)
		return pendingMsg{req: req, name: name, op: op, found: ok, err: err}
	}
}

func (m *Model) tickCmd(req int) tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg{req: req, t: t} })
}

func (m *Model) onTick(msg tickMsg) tea.Cmd {
	if m.op == nil || m.op.req != msg.req || m.op.done || m.op.detached {
		return nil
	}
	m.op.elapsed = max(m.op.elapsed, msg.t.Sub(m.op.started))
	return m.tickCmd(msg.req)
}

func (m *Model) followCmd(req int, op wizard.Operation) tea.Cmd {
	fctx, cancel := context.WithCancel(m.ctx)
	m.op.cancel = cancel
	c, every := m.cloud, m.every
	return func() tea.Msg {
		return followStartedMsg{req: req, ch: c.Follow(fctx, op, every)}
	}
}

func progressCmd(req int, ch <-chan wizard.Progress) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-ch
		if !ok {
			return followClosedMsg{req: req}
		}
		return progressMsg{req: req, p: p, ch: ch}
	}
}

func (m *Model) onOp(msg tea.Msg) tea.Cmd {
	if pm, ok := msg.(pendingMsg); ok {
		return m.onPending(pm)
	}
	o := m.op
	if o == nil {
		return nil
	}
	switch msg := msg.(type) {
	case submittedMsg:
		if msg.req != o.req {
			return nil
		}
		o.submitting = false
		if msg.err != nil {
			o.done, o.err = true, msg.err
			return m.opEnded()
		}
		op := msg.op
		o.op = &op
		if !op.Started.IsZero() {
			o.started = op.Started
		}
		if o.detached {
			return nil
		}
		o.running = true
		return m.followCmd(o.req, op)
	case followStartedMsg:
		if msg.req != o.req || o.detached {
			return nil
		}
		return progressCmd(msg.req, msg.ch)
	case progressMsg:
		if msg.req != o.req || o.detached {
			return nil
		}
		p := msg.p
		o.last = p
		o.elapsed = max(o.elapsed, p.Elapsed)
		if m.plan.Kubernetes() {
			o.notePhase(p.State, p.Elapsed)
		}
		if p.Expected > 0 {
			o.expected = p.Expected
		}
		if !p.Done {
			return progressCmd(msg.req, msg.ch)
		}
		o.running, o.done = false, true
		o.err, o.compute, o.manual = p.Err, p.Compute, p.Manual
		if o.err == nil && p.State != "" && !strings.EqualFold(p.State, "Succeeded") {
			o.err = &wizard.Error{Kind: wizard.ErrFailed, Op: string(o.kind) + " " + o.name, Message: "the operation ended " + p.State}
		}
		m.release()
		if o.cancel != nil {
			o.cancel()
		}
		return m.opEnded()
	case followClosedMsg:
		if msg.req != o.req || o.done || o.detached {
			return nil
		}
		o.running, o.done = false, true
		o.err = &wizard.Error{Kind: wizard.ErrNetwork, Op: "follow " + string(o.kind) + " of " + o.name,
			Message: "stopped receiving progress before the operation ended",
			Hint:    "it may still be running in Azure: run `" + m.cliCmd("status", o.name) + "`"}
		m.release()
		return m.opEnded()
	}
	return nil
}

// opEnded runs once an operation ended (success or failure): the
// workspace's computes changed (a compute was created, failed or detached),
// so the cached list is fetched again and the name step forgets its last
// answer from Azure; the name step, the review and a flag's check then
// agree on whether the name is taken.
func (m *Model) opEnded() tea.Cmd {
	if s, ok := m.screens[wizard.StepName].(*nameScreen); ok {
		s.forget(m.common())
	}
	return m.fetchComputes(true)
}

func (m *Model) onPending(msg pendingMsg) tea.Cmd {
	if !m.data.isLatest("pending", msg.req) {
		return nil
	}
	if msg.err != nil {
		m.flash = "could not look for a running operation on " + msg.name + ": " + msg.err.Error()
		return nil
	}
	if msg.note != "" {
		m.flash = msg.note
		return nil
	}
	if !msg.found {
		m.flash = "no operation is running on " + msg.name
		return nil
	}
	if msg.plan != nil {
		return m.submitPlan(msg.plan, true)
	}
	req := m.data.next("op")
	op := msg.op
	m.op = &opState{kind: op.Kind, name: op.Name, req: req, running: true, op: &op, started: op.Started,
		expected: m.expected(op.Kind), fromList: true}
	if m.op.started.IsZero() {
		m.op.started = m.now()
	}
	return tea.Batch(m.goTo(wizard.StepSubmit), m.followCmd(req, op), m.tickCmd(req))
}

// release frees the double-submit guard once the operation ended.
func (m *Model) release() {
	if m.op != nil && m.op.guardKey != "" {
		m.guard.Release(m.op.guardKey)
		m.op.guardKey = ""
	}
}

// stopWatching leaves the operation running in Azure and quits.
func (m *Model) stopWatching() tea.Cmd {
	o := m.op
	o.confirm = false
	o.detached = true
	if o.cancel != nil {
		o.cancel()
	}
	m.res = m.result(Detached)
	m.quitting = true
	return tea.Quit
}

// fixStep is the step that fixes a failed operation's error.
func (m *Model) fixStep(err error) wizard.StepID {
	var id wizard.StepID
	switch {
	case errors.Is(err, wizard.ErrQuota):
		id = wizard.StepVMSize
	case errors.Is(err, wizard.ErrThreshold):
		id = wizard.StepNodes
	case errors.Is(err, wizard.ErrConflict):
		id = wizard.StepName
	case errors.Is(err, wizard.ErrPolicy):
		id = wizard.StepNetwork
	case errors.Is(err, wizard.ErrVersion):
		id = wizard.StepCluster
		if m.plan.Mode != wizard.ModeAttach {
			id = wizard.StepRegion
		}
	default:
		return ""
	}
	for _, s := range wizard.FlowFor(m.plan) {
		if s == id {
			return id
		}
	}
	return ""
}

// result builds the Result and its plain-text summary.
func (m *Model) result(s Status) Result {
	r := Result{Status: s}
	o := m.op
	if o != nil {
		r.Op = o.op
		r.Compute = o.compute
		r.Err = o.err
	}
	ws := m.plan.Workspace.Name
	var b strings.Builder
	switch s {
	case Succeeded:
		if o == nil {
			break
		}
		switch o.kind {
		case wizard.OpCreate:
			fmt.Fprintf(&b, "Created %s %s in workspace %s.\n", m.opVariant().Word, o.name, ws)
		case wizard.OpAttach:
			fmt.Fprintf(&b, "Attached %s %s to workspace %s.\n", m.opVariant().Word, o.name, ws)
		case wizard.OpDetach:
			fmt.Fprintf(&b, "Detached %s from workspace %s; %s.\n", o.name, ws, detachedCluster(o))
		}
		if c := o.compute; c != nil {
			fmt.Fprintf(&b, "  state: %s\n", c.State)
			if c.FQDN != "" {
				fmt.Fprintf(&b, "  FQDN:  %s\n", c.FQDN)
			}
		}
		if o.kind != wizard.OpDetach {
			if next := m.opVariant().Next(o.name); next != "" {
				fmt.Fprintf(&b, "  next:  %s\n", next)
			}
			fmt.Fprintf(&b, "  check it with `%s`\n", m.cliCmd("status", o.name))
		}
	case Failed:
		if o == nil {
			break
		}
		if errors.Is(o.err, wizard.ErrStoppedWatching) {
			fmt.Fprintf(&b, "Lost track of the %s of %s, it may still be running: %s\n", o.kind, o.name, errText(o.err))
			fmt.Fprintf(&b, "  follow it again with: %s\n", m.cliCmd("status", o.name))
		} else {
			fmt.Fprintf(&b, "The %s of %s failed: %s\n", o.kind, o.name, errText(o.err))
		}
		if h := wizard.HintOf(o.err); h != "" {
			fmt.Fprintf(&b, "  what to do: %s\n", h)
		}
		if n := m.failedComputeNote(false); n != "" {
			fmt.Fprintf(&b, "  note: %s\n", n)
		}
	case Detached:
		if o == nil {
			break
		}
		if say := o.stopSay(m.cliCmd("status", o.name)); say != "" {
			fmt.Fprintf(&b, "Stopped watching the %s of %s: %s.\n", o.kind, o.name, say)
			break
		}
		fmt.Fprintf(&b, "Stopped watching the %s of %s; it continues in Azure.\n", o.kind, o.name)
		fmt.Fprintf(&b, "  follow it again with: %s\n", m.cliCmd("status", o.name))
	case Quit:
		if o == nil {
			b.WriteString("Nothing was submitted.\n")
		}
	}
	if o != nil && s != Quit {
		if u := m.portalURL(); u != "" {
			fmt.Fprintf(&b, "  portal: %s\n", u)
		}
	}
	r.Summary = strings.TrimRight(b.String(), "\n")
	return r
}

// expected is how long an operation of kind usually takes here.
// expectedOf is the usual time of the whole of a create or attach: the
// operations its submit runs (Plan.Expected).
func (m *Model) expectedOf(p wizard.Plan) time.Duration { return p.Expected(m.expected) }

func (m *Model) expected(kind wizard.OpKind) time.Duration {
	if d, ok := m.opts.Expected[kind]; ok && d > 0 {
		return d
	}
	return kind.Expected()
}

// cliCmd is an amlaks command line to run later, complete enough to work
// on its own: --demo in demo mode, the subscription when it was not the
// default one, and always the workspace and its resource group.
func (m *Model) cliCmd(sub string, args ...string) string {
	parts := []string{"amlaks"}
	if m.opts.Demo {
		parts = append(parts, "--demo")
	}
	parts = append(parts, sub)
	parts = append(parts, args...)
	p := m.plan
	if ws := p.Workspace; ws.Name != "" {
		parts = append(parts, "-w", ws.Name)
		if ws.ResourceGroup != "" {
			parts = append(parts, "-g", ws.ResourceGroup)
		}
	}
	if s := p.From(wizard.FSubscription); p.Subscription != "" && (s == wizard.Asked || s == wizard.Flag) {
		parts = append(parts, "--subscription", p.Subscription)
	}
	return strings.Join(parts, " ")
}

// failedComputeNote warns that a create or attach that failed in Azure
// leaves its compute behind under the same name ("" when nothing was
// created: the request itself was refused, or it was a detach).
func (m *Model) failedComputeNote(screen bool) string {
	o := m.op
	if o == nil || !o.done || o.err == nil || o.op == nil || o.kind == wizard.OpDetach || errors.Is(o.err, wizard.ErrStoppedWatching) {
		return ""
	}
	cmd := m.cliCmd("detach", o.name) + " --yes"
	if screen {
		cmd = unbroken(cmd)
	}
	return fmt.Sprintf("the failed compute %s stays in %s: detach it (`%s`) or pick another name before trying again",
		o.name, m.plan.Workspace.Name, cmd)
}
