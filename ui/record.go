package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// A name with an unfinished current-path operation (wizard.Record): the
// wizard offers to continue it, or to discard it and what it made.

type (
	// recordMsg is the look-up of a record for the name just answered.
	recordMsg struct {
		name string
		rec  wizard.Record
		plan *wizard.Plan // the record's plan, its certificate read
		ok   bool
		err  error
	}
	// discardedMsg ends the discard of a record.
	discardedMsg struct {
		name, said string
		err        error
	}
)

// lookRecord looks for the unfinished operation of name in the plan's
// workspace (off the Update loop: it reads a file).
func (m *Model) lookRecord(name string) tea.Cmd {
	recs := m.guard.Records()
	p := m.plan.View()
	ctx := m.ctx
	return func() tea.Msg {
		rec, ok, err := recs.Find(ctx, p.Subscription, p.Workspace.ResourceGroup, p.Workspace.Name, name)
		msg := recordMsg{name: name, rec: rec, ok: ok, err: err}
		if ok && rec.Migrate != nil {
			msg.ok, msg.err = false, errors.New(rec.What()+" is unfinished: "+rec.ContinueHint()+"; or pick another name")
		} else if ok {
			msg.plan = rec.RebuildPlan()
			msg.err = msg.plan.LoadTLSFilesContext(ctx)
		}
		return msg
	}
}

// recordable: p is a current-path create or attach, which keeps a record.
func recordable(p *wizard.Plan) bool {
	return p.Kubernetes() && (p.Mode == wizard.ModeCreate || p.Mode == wizard.ModeAttach)
}

// lookGivenRecord looks for the unfinished operation of a name given at
// launch (-n, or the environment), once per workspace and name, as soon
// as the wizard moves on past the mode step (to next) with the workspace
// known: the offer to continue comes before the user answers the steps
// again, as it does when the name is typed. nil when there is nothing to
// look for.
func (m *Model) lookGivenRecord(next wizard.StepID) tea.Cmd {
	p := m.plan
	if !recordable(p) || m.guard.Records() == nil || p.Name == "" || p.Workspace.Name == "" {
		return nil
	}
	if src := p.From(wizard.FName); src != wizard.Flag && src != wizard.Env {
		return nil
	}
	flow := wizard.FlowFor(p)
	if slices.Index(flow, next) <= slices.Index(flow, wizard.StepMode) {
		return nil
	}
	key := strings.ToLower(p.Subscription + "/" + p.Workspace.ResourceGroup + "/" + p.Workspace.Name + "/" + p.Name)
	if m.recordLooked == key {
		return nil
	}
	m.recordLooked = key
	return m.lookRecord(p.Name)
}

// onRecord offers to continue the record found, or to discard it; without
// one the wizard goes on.
func (m *Model) onRecord(msg recordMsg) tea.Cmd {
	if msg.name != m.plan.Name {
		return nil // answered again since
	}
	if msg.err != nil {
		m.flash = "the unfinished operation of " + msg.name + " cannot be read: " + msg.err.Error()
	}
	if !msg.ok || msg.err != nil {
		return m.advance()
	}
	rec := msg.rec
	left := make([]string, 0, len(rec.Phases))
	for _, k := range rec.Remaining() {
		left = append(left, wizard.PhaseWords(k))
	}
	verb := "is"
	if len(left) > 1 {
		verb = "are"
	}
	desc := fmt.Sprintf("The %s of %s in %s (cluster %s), started %s, is unfinished: %s %s not done yet. Continue it (with the answers it was started with), or discard it?",
		rec.Mode, msg.name, rec.Workspace, rec.Cluster.Name, rec.Started.Local().Format("2006-01-02 15:04"), rules.JoinAnd(left), verb)
	d := newDialog("Continue the unfinished "+string(rec.Mode)+"?", desc, "Continue it", "Discard it…", true, nil, nil)
	d.onYesRouter = func(mm *Model) tea.Cmd {
		mm.plan = msg.plan
		return mm.submit()
	}
	d.onNoRouter = func(mm *Model) tea.Cmd { return mm.askDiscard(rec) }
	return m.open(d)
}

// askDiscard confirms the discard (default no: back to the name).
func (m *Model) askDiscard(rec wizard.Record) tea.Cmd {
	what := "the compute " + rec.Name + " if it exists"
	if rec.Cluster.Made {
		what += ", and the AKS cluster " + rec.Cluster.Name + " made for it (unless another compute uses it)"
	}
	d := newDialog("Discard the unfinished "+string(rec.Mode)+" of "+rec.Name+"?",
		"Discarding deletes "+what+", then forgets the operation.", "Discard", "Back", false, nil, nil)
	d.onYesRouter = func(mm *Model) tea.Cmd { return mm.discardCmd(rec) }
	d.onNoRouter = func(mm *Model) tea.Cmd {
		mm.recordLooked = "" // a name given at launch: offered again on the way on
		return nil
	}
	return m.open(d)
}

// discardCmd deletes what the record made, then the record.
func (m *Model) discardCmd(rec wizard.Record) tea.Cmd {
	ctx, c, g := m.ctx, m.cloud, m.guard
	m.flash = "discarding the unfinished " + string(rec.Mode) + " of " + rec.Name + "…"
	return func() tea.Msg {
		said, err := discard(ctx, c, g, rec)
		return discardedMsg{name: rec.Name, said: said, err: err}
	}
}

// discard detaches the record's compute, deletes the cluster it made when
// nothing else is attached to it, and removes the record.
func discard(ctx context.Context, c wizard.Cloud, g *wizard.Guard, rec wizard.Record) (string, error) {
	recs := g.Records()
	var said []string
	drain := func(op wizard.Operation) error {
		var last wizard.Progress
		for pr := range c.Follow(ctx, op, 0) {
			last = pr
		}
		if !last.Done {
			return ctx.Err()
		}
		return last.Err
	}
	ws := rec.Ref()
	if _, err := c.Compute(ctx, ws, rec.Name); err == nil {
		op, err := c.Detach(ctx, ws, rec.Name)
		if err == nil {
			err = drain(op)
		}
		if err != nil {
			return "", err
		}
		said = append(said, "compute "+rec.Name+" detached")
	} else if !errors.Is(err, wizard.ErrNotFound) {
		return "", err
	}
	if rec.Cluster.Made && rec.Cluster.ID != "" {
		cl, err := c.Cluster(ctx, rec.Cluster.ID)
		switch {
		case errors.Is(err, wizard.ErrNotFound):
		case err != nil:
			return strings.Join(said, "; "), err
		case !wizard.ClusterMadeFor(cl, rec.Workspace, rec.Name):
			said = append(said, "cluster "+cl.Name+" kept: it was not made for "+rec.Name)
		default:
			// the delete's own check, under the cluster's lock: never a
			// cluster another compute uses
			var be *wizard.BlockedError
			switch err := wizard.DeleteCluster(ctx, c, g, rec.Subscription, cl.ID, rec.Workspace+"/"+rec.Name, 0, nil); {
			case errors.As(err, &be):
				said = append(said, "cluster "+cl.Name+" kept: "+be.Findings[0].Message)
			case err != nil:
				return strings.Join(said, "; "), err
			default:
				said = append(said, "cluster "+cl.Name+" deleted")
			}
		}
	}
	if err := recs.Remove(ws, rec.Name); err != nil {
		return strings.Join(said, "; "), err
	}
	said = append(said, "the operation forgotten")
	return strings.Join(said, "; "), nil
}

func (m *Model) onDiscarded(msg discardedMsg) tea.Cmd {
	if msg.err != nil {
		m.flash = "could not discard the unfinished operation of " + msg.name + ": " + msg.err.Error()
		return nil
	}
	if s, ok := m.screens[wizard.StepName].(*nameScreen); ok {
		s.forget(m.common())
	}
	var next tea.Cmd
	if m.step != wizard.StepName {
		next = m.advance() // the name was given at launch: on with it
	}
	m.flash = "discarded: " + msg.said
	return tea.Batch(m.fetchComputes(true), next)
}
