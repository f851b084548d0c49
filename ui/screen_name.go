package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// nameScreen validates the compute name on every keystroke (rules) and,
// debounced, asks Azure whether the name is taken (404 = free).
type nameScreen struct {
	in       textinput.Model
	checking string // name being asked about
	checked  string // name last answered
	checkWS  string // workspace of that answer
	taken    bool
	checkErr error
}

type (
	nameDueMsg struct {
		req  int
		name string
	}
	nameCheckMsg struct {
		req   int
		name  string
		taken bool
		err   error
	}
)

const reqName = "name"

func newNameScreen() screen {
	in := newInput("name: ", "e.g. aks-prod-b")
	in.CharLimit = 64
	in.SetWidth(30)
	return &nameScreen{in: in}
}

// value is the name being typed, spaces around it trimmed (pasted names).
func (s *nameScreen) value() string { return strings.TrimSpace(s.in.Value()) }

func (s *nameScreen) enter(m *common) tea.Cmd {
	s.in.SetValue(m.Plan().Name)
	s.in.CursorEnd()
	s.in.Focus()
	if s.checkWS != wsKey(m.Plan().WorkspaceRef()) {
		s.checked, s.taken, s.checkErr = "", false, nil
	}
	cmds := []tea.Cmd{m.calls.fetchComputes(false)}
	if s.value() != "" && s.value() != s.checked {
		cmds = append(cmds, s.schedule(m))
	}
	return tea.Batch(cmds...)
}

// schedule starts the debounce for the current name.
func (s *nameScreen) schedule(m *common) tea.Cmd {
	name := s.value()
	req := m.data.nextReq(reqName)
	s.checking = ""
	if name == "" || len(rules.ComputeName(name, nil)) > 0 {
		return nil
	}
	return tea.Tick(m.debounce, func(time.Time) tea.Msg { return nameDueMsg{req: req, name: name} })
}

// forget drops the last answer of the name check (and any check in
// flight): the workspace's computes changed.
func (s *nameScreen) forget(m *common) {
	m.data.nextReq(reqName)
	s.checking, s.checked, s.taken, s.checkErr, s.checkWS = "", "", false, nil, ""
}

func (s *nameScreen) busy() bool { return s.checking != "" }

func (s *nameScreen) update(m *common, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case nameDueMsg:
		if !m.data.isLatest(reqName, msg.req) {
			return nil
		}
		s.checking = msg.name
		return m.calls.checkName(msg.req, msg.name)
	case nameCheckMsg:
		if !m.data.isLatest(reqName, msg.req) {
			return nil
		}
		s.checking = ""
		s.checked, s.taken, s.checkErr = msg.name, msg.taken, msg.err
		s.checkWS = wsKey(m.Plan().WorkspaceRef())
		return nil
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.Enter) {
			if vs := s.problems(m); len(vs) > 0 {
				m.nav.Flash("not yet: " + vs[0])
				return nil
			}
			return answer(wizard.FName, s.value())
		}
	}
	before := s.in.Value()
	var cmd tea.Cmd
	s.in, cmd = s.in.Update(msg)
	if v := s.in.Value(); v != before {
		return tea.Batch(cmd, s.schedule(m))
	}
	return cmd
}

// problems is every message for the current name: the rules, then the
// answer of the GET.
func (s *nameScreen) problems(m *common) []string {
	name := s.value()
	cs, _ := m.data.computesData()
	var out []string
	localTaken := false
	for _, v := range rules.ComputeName(name, wizard.ExistingNames(cs)) {
		msg := strings.Replace(v.Message, "this workspace", m.Plan().Workspace.Name, 1)
		if v.Code == rules.CodeNameTaken {
			localTaken = true
			if c, ok := runningCompute(cs, name); ok {
				// a create or attach of it still runs: say how to follow it
				msg = fmt.Sprintf("already used in %s by %s, still %s in Azure: List computes (Enter on it) or %s follows it; pick another name here",
					m.Plan().Workspace.Name, c.Name, strings.ToLower(c.State), m.show.cliCmd("status", c.Name))
			}
		}
		out = append(out, msg)
	}
	if s.checked == name && s.taken && name != "" && !localTaken {
		out = append(out, "already used in "+m.Plan().Workspace.Name+": pick another name")
	}
	return out
}

func (s *nameScreen) view(m *common, w, h int) string {
	st := m.st
	var b strings.Builder
	b.WriteString(wrap("Name the compute target: 3 to 24 letters, digits or -, starting with a letter, unique in "+m.Plan().Workspace.Name+".", w) + "\n\n")
	b.WriteString(st.input(&s.in) + "\n\n")
	name := s.value()
	probs := s.problems(m)
	for _, p := range probs {
		b.WriteString(wrap(st.Error.Render("✗ "+p), w) + "\n")
	}
	if len(probs) == 0 && name != "" {
		switch {
		case s.checking == name:
			b.WriteString(m.spinner + " checking whether " + name + " is free in " + m.Plan().Workspace.Name + "…\n")
		case s.checked == name && s.checkErr != nil:
			b.WriteString(wrap(st.Warn.Render("! could not check the name ("+s.checkErr.Error()+"): the review checks it again"), w) + "\n")
		case s.checked == name:
			b.WriteString(st.OK.Render("✓ "+name+" is free in "+m.Plan().Workspace.Name) + "\n")
		default:
			b.WriteString(st.OK.Render("✓ valid") + st.Muted.Render(" · checking with Azure when you pause typing") + "\n")
		}
	}
	return b.String()
}

func (s *nameScreen) help(m *common) []key.Binding {
	return []key.Binding{withHelp(m.keys.Enter, "continue")}
}
func (s *nameScreen) typing(m *common) bool  { return true }
func (s *nameScreen) needs(m *common) []need { return nil }

// runningCompute is the compute of cs named name (names ignore case)
// while an operation on it still runs in Azure (wizard.Running).
func runningCompute(cs []wizard.Compute, name string) (wizard.Compute, bool) {
	for _, c := range cs {
		if strings.EqualFold(c.Name, name) && wizard.Running(c.State) {
			return c, true
		}
	}
	return wizard.Compute{}, false
}
