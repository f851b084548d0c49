package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/files"
)

// The Cmds a screen asks for through *common: each takes what it needs from
// the router now, on the event loop, and runs the call in its goroutine.

// checkName asks Azure whether the name is taken in the workspace (404 is
// free: wizard.NameTaken).
func (m *Model) checkName(req int, name string) tea.Cmd {
	c, ctx, ws := m.cloud, m.ctx, m.plan.WorkspaceRef()
	return func() tea.Msg {
		taken, err := wizard.NameTaken(ctx, c, ws, name)
		return nameCheckMsg{req: req, name: name, taken: taken, err: err}
	}
}

// preflight runs the review's checks on a copy of the plan.
func (m *Model) preflight(req int) tea.Cmd {
	ctx, c, p, g := m.ctx, m.cloud, m.plan.Clone(), m.guard
	return func() tea.Msg {
		r, err := wizard.Preflight(ctx, c, p, g)
		return preflightMsg{req: req, report: r, err: err}
	}
}

// readPEM reads a certificate or key file: a regular file of at most
// 1 MiB, so a FIFO or /dev/zero fails at once.
func (m *Model) readPEM(req int, field, path string) tea.Cmd {
	ctx := m.ctx
	return func() tea.Msg {
		b, err := files.ReadRegular(ctx, path, wizard.MaxPEMFile)
		return fileMsg{req: req, field: field, path: path, data: b, err: err}
	}
}

// equivalentsText is the review's az / Python / REST view of the plan.
func (m *Model) equivalentsText(tab int) string { return equivalents(m.cloud, m.plan, tab) }

// detach starts the detach of c from the plan's workspace.
func (m *Model) detach(c wizard.Compute) tea.Cmd {
	cloud, ws := m.cloud, m.plan.WorkspaceRef()
	return m.startOp(wizard.OpDetach, c.Name, func(ctx context.Context) (wizard.Operation, error) {
		return cloud.Detach(ctx, ws, c.Name)
	})
}

// deleteCheckMsg is whether a Kubernetes compute's cluster may be deleted
// with its detach (wizard.ClusterDeleteCheck).
type deleteCheckMsg struct {
	c   wizard.Compute
	fs  []rules.Finding
	err error
}

// checkClusterDelete looks at c's cluster before the detach dialog: made
// by amlaks, and used by no other compute of the subscription.
func (m *Model) checkClusterDelete(c wizard.Compute) tea.Cmd {
	ctx, cloud, p := m.ctx, m.cloud, m.plan
	sub, self := p.Subscription, p.Workspace.Name+"/"+c.Name
	return func() tea.Msg {
		_, fs, err := wizard.ClusterDeleteCheck(ctx, cloud, sub, c.ClusterID, self)
		return deleteCheckMsg{c: c, fs: fs, err: err}
	}
}

// verifyDoneMsg is the end of a smoke test started from a screen.
type verifyDoneMsg struct {
	name string
	rep  wizard.VerifyReport
	err  error
}

// verify runs the smoke test (amlaks verify) on compute name; Ctrl+C
// stops it through m.verifying (see onVerifyKey).
func (m *Model) verify(name string) tea.Cmd {
	ctx, stop := context.WithCancel(m.ctx)
	m.verifying = &verifyRun{name: name, stop: stop}
	c, ws, every := m.cloud, m.plan.Workspace, m.every
	return func() tea.Msg {
		defer stop()
		rep, err := wizard.Verify(ctx, c, ws, name, wizard.VerifyOptions{Every: every}, nil)
		return verifyDoneMsg{name: name, rep: rep, err: err}
	}
}

// doctorDoneMsg is the end of a diagnosis started from the list.
type doctorDoneMsg struct {
	name string
	rep  wizard.DoctorReport
	err  error
}

// doctor runs the read-only diagnosis (amlaks doctor) of compute name.
func (m *Model) doctor(name string) tea.Cmd {
	ctx, c, ws := m.ctx, m.cloud, m.plan.WorkspaceRef()
	return func() tea.Msg {
		rep, err := wizard.Doctor(ctx, c, ws, name)
		return doctorDoneMsg{name: name, rep: rep, err: err}
	}
}
