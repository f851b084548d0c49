package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// listScreen is the workspace's computes, with a key to follow a running
// operation and one to detach an AKS or Kubernetes compute (after a confirmation that
// says the cluster itself is kept).
type listScreen struct {
	p     *picker
	last  string
	comps []wizard.Compute
	// recs are this machine's unfinished records of the workspace; unf
	// those Azure does not list (rows after comps: Enter or s continues)
	recs, unf []wizard.Record
	// what v (smoke test) or h (doctor) found, or is doing, for a compute
	running, result string
}

func (s *listScreen) busy() bool { return s.running != "" }

func newListScreen() screen {
	return &listScreen{p: newPicker([]column{
		{Title: "Name", Width: 12, Flex: 2},
		{Title: "Type", Width: 10},
		{Title: "State", Width: 9},
		{Title: "Purpose", Width: 10},
		{Title: "Nodes", Width: 5, Right: true, Numeric: true, Desc: true},
		{Title: "vCPUs", Width: 5, Right: true, Numeric: true, Desc: true},
		{Title: "Cluster", Width: 10, Flex: 2},
	}, false, "")}
}

func (s *listScreen) enter(m *common) tea.Cmd {
	s.sync(m)
	return tea.Batch(m.calls.fetchComputes(true), m.calls.unfinished())
}

func (s *listScreen) sync(m *common) {
	cs, sl := m.data.computesData()
	sig := slotSig(sl) + "/" + strconv.Itoa(len(s.recs))
	if sig == s.last {
		return
	}
	s.last = sig
	s.comps = cs
	s.unf = wizard.NotListed(s.recs, cs)
	rows := make([]row, len(cs), len(cs)+len(s.unf))
	for i, c := range cs {
		purpose, nodes, vcpus, cluster := "", "", "", ""
		if c.Purpose != "" {
			purpose = c.Purpose.Label()
		}
		if c.Nodes > 0 {
			nodes = strconv.Itoa(c.Nodes)
		}
		if c.VCPUs > 0 {
			vcpus = strconv.Itoa(c.VCPUs)
		}
		if id, err := rules.ParseClusterID(c.ClusterID); err == nil && c.ClusterID != "" {
			cluster = id.Name
		} else if c.ClusterID != "" {
			cluster = c.ClusterID[strings.LastIndex(c.ClusterID, "/")+1:]
		}
		style := 0
		switch c.State {
		case "Failed":
			style = 3
		case "Creating", "Updating", "Deleting":
			style = 2
		}
		typ := c.Type
		if wizard.IsLegacy(c) {
			typ = "AKS legacy"
		}
		rows[i] = row{Cells: []string{c.Name, typ, c.State, purpose, nodes, vcpus, cluster},
			Num: []float64{0, 0, 0, 0, float64(c.Nodes), float64(c.VCPUs)}, Filter: c.Name, Style: style}
	}
	for _, r := range s.unf {
		q := r.RebuildPlan()
		purpose, nodes := "", ""
		if q.Purpose != "" {
			purpose = q.Purpose.Label()
		}
		if q.Nodes > 0 && r.Cluster.Made {
			nodes = strconv.Itoa(q.Nodes)
		}
		rows = append(rows, row{Cells: []string{r.Name, string(q.ComputeType), "Unfinished", purpose, nodes, "", r.Cluster.Name},
			Num: []float64{0, 0, 0, 0, float64(q.Nodes), 0}, Filter: r.Name, Style: 2})
	}
	s.p.setRows(rows)
}

func (s *listScreen) selected() (wizard.Compute, bool) {
	i := s.p.selected()
	if i < 0 || i >= len(s.comps) {
		return wizard.Compute{}, false
	}
	return s.comps[i], true
}

// selectedRecord is the unfinished record on the cursor's row, if any.
func (s *listScreen) selectedRecord() (wizard.Record, bool) {
	i := s.p.selected() - len(s.comps)
	if i < 0 || i >= len(s.unf) {
		return wizard.Record{}, false
	}
	return s.unf[i], true
}

func (s *listScreen) update(m *common, msg tea.Msg) tea.Cmd {
	s.sync(m)
	switch msg := msg.(type) {
	case unfinishedMsg:
		if msg.err != nil {
			m.nav.Flash("the unfinished operations of this machine cannot be read: " + msg.err.Error())
		}
		if strings.EqualFold(msg.ws, m.Plan().Workspace.Name) {
			s.recs, s.last = msg.recs, ""
			s.sync(m)
		}
		return nil
	case verifyDoneMsg:
		s.running, s.result = "", verifyText(m, msg)
		return nil
	case doctorDoneMsg:
		s.running, s.result = "", doctorText(m, msg)
		return nil
	case deleteCheckMsg:
		s.running = ""
		if errors.Is(msg.err, wizard.ErrNotFound) {
			// deleted in AKS: neither kept nor deleted by the detach
			return m.nav.open(newChoiceDialog(fmt.Sprintf("Detach %s from %s?", msg.c.Name, m.Plan().Workspace.Name),
				"Its AKS cluster "+clusterName(msg.c.ClusterID)+" is gone already (deleted in AKS): the detach removes the compute, which can run nothing.",
				[]string{"Detach", "Cancel"}, []func(*common) tea.Cmd{func(m *common) tea.Cmd { return m.calls.detachGone(msg.c) }, nil}))
		}
		if msg.err != nil {
			// the cluster cannot be read (no access): keeping it is the
			// only choice
			return m.nav.open(detachDialog(m, msg.c))
		}
		return m.nav.open(k8sDetachDialog(m, msg.c, msg.fs))
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if r, ok := s.selectedRecord(); ok {
		// a create or attach Azure does not list yet: Enter or s continues
		// it (as `amlaks status NAME` does); there is nothing to test,
		// diagnose or detach
		switch {
		case key.Matches(k, m.keys.Status), k.String() == "enter":
			return m.nav.resume(r.Name)
		case key.Matches(k, m.keys.Verify), key.Matches(k, m.keys.Doctor), key.Matches(k, m.keys.Detach):
			m.nav.Flash(r.Name + " is an " + r.Next() + ": Enter continues it")
			return nil
		}
	}
	switch {
	case key.Matches(k, m.keys.Verify), key.Matches(k, m.keys.Doctor):
		c, ok := s.selected()
		if !ok || s.running != "" {
			return nil
		}
		if key.Matches(k, m.keys.Doctor) {
			s.running, s.result = "diagnosing "+c.Name+" (read-only)…", ""
			return m.calls.doctor(c.Name)
		}
		if !strings.EqualFold(c.Type, string(wizard.ComputeKubernetes)) {
			m.nav.Flash(fmt.Sprintf("%s is %s %s compute: %s", c.Name, wizard.Article(nonEmpty(c.Type, "unknown")), nonEmpty(c.Type, "unknown"), wizard.LegacyComputeMeaning))
			return nil
		}
		s.running, s.result = "smoke-testing "+c.Name+": a throwaway endpoint, called with its key…", ""
		return m.calls.verify(c.Name)
	case key.Matches(k, m.keys.Detach):
		c, ok := s.selected()
		if !ok {
			return nil
		}
		if !wizard.VariantOf(c.Type).Ours() {
			typ := nonEmpty(c.Type, "unknown")
			m.nav.Flash(fmt.Sprintf("%s is %s %s compute: amlaks detaches AKS and Kubernetes computes only", c.Name, wizard.Article(typ), typ))
			return nil
		}
		if strings.EqualFold(c.Type, string(wizard.ComputeKubernetes)) && c.ClusterID != "" {
			if s.running != "" {
				return nil // a smoke test or a diagnosis is under way
			}
			// whether its cluster may go with it is Azure's to say first
			s.running, s.result = "looking at "+c.Name+"'s cluster…", ""
			return m.calls.checkClusterDelete(c)
		}
		return m.nav.open(detachDialog(m, c))
	case key.Matches(k, m.keys.Status):
		c, ok := s.selected()
		if !ok {
			return nil
		}
		return m.nav.resume(c.Name)
	case key.Matches(k, m.keys.Refresh):
		return m.calls.fetchComputes(true)
	case key.Matches(k, m.keys.Quit):
		return m.nav.quit(Succeeded)
	}
	_, cmd := s.p.update(msg, m.keys, 5)
	return cmd
}

func (s *listScreen) view(m *common, w, h int) string {
	st := m.st
	var det string
	if r, ok := s.selectedRecord(); ok {
		det = wrap(st.Header.Render(r.Name)+" "+st.Warn.Render(r.Next()+" — Enter/`amlaks status "+r.Name+"` continues")+
			" "+st.Muted.Render("(cluster "+nonEmpty(r.Cluster.Name, "not chosen")+")"), w)
	}
	if c, ok := s.selected(); ok {
		var parts []string
		switch {
		case c.VMSize != "" && c.Nodes > 0:
			parts = append(parts, fmt.Sprintf("%d × %s", c.Nodes, c.VMSize))
		case c.VMSize != "":
			parts = append(parts, c.VMSize)
		}
		if c.Region != "" {
			parts = append(parts, c.Region)
		}
		if c.FQDN != "" {
			parts = append(parts, c.FQDN)
		}
		if c.Attached {
			parts = append(parts, "attached")
		}
		det = st.Header.Render(c.Name) + " " + st.Muted.Render(strings.Join(parts, " · "))
		if wizard.IsLegacy(c) {
			det += "\n" + st.Warn.Render(wrap(wizard.LegacyNote+": Move a legacy AKS compute (Mode step), or amlaks migrate "+c.Name, w))
		}
		for _, e := range c.Errors {
			det += "\n" + wrap(st.Error.Render("✗ "+e.Code+": "+e.Message), w)
		}
	}
	if s.running != "" {
		det += "\n" + m.spinner + " " + s.running
	} else if s.result != "" {
		det += "\n" + wrap(s.result, w)
	}
	head := st.Muted.Render("Compute targets of " + m.Plan().Workspace.Name)
	used := 2 + strings.Count(det, "\n") + 2
	return head + "\n\n" + s.p.view(st, w, max(3, h-used)) + "\n\n" + det
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (s *listScreen) help(m *common) []key.Binding {
	k := m.keys
	return []key.Binding{k.Status, k.Verify, k.Doctor, k.Detach, k.Refresh, k.Quit}
}
func (s *listScreen) typing(m *common) bool { return false }
func (s *listScreen) needs(m *common) []need {
	_, sl := m.data.computesData()
	return []need{{"the computes of " + m.Plan().Workspace.Name, sl, func() tea.Cmd { return m.calls.fetchComputes(true) }}}
}

// detachDialog asks before detaching c (a huh confirm): the cluster is
// kept, nothing is deleted, and it keeps costing.
func detachDialog(m *common, c wizard.Compute) *dialog {
	cluster := "its AKS cluster"
	if id, err := rules.ParseClusterID(c.ClusterID); err == nil && c.ClusterID != "" {
		cluster = "the AKS cluster " + id.Name + " (" + id.ResourceGroup + ")"
	}
	desc := wizard.DetachKept(capitalize(cluster), strings.EqualFold(c.Type, string(wizard.ComputeAKS)))
	return newDialog(fmt.Sprintf("Detach %s from %s?", c.Name, m.Plan().Workspace.Name), desc, "Detach", "Keep it", false,
		func(m *common) tea.Cmd { return m.calls.detach(c) }, nil)
}

// k8sDetachDialog asks before detaching a Kubernetes compute, with line
// mode's choices: keep the cluster, or (when amlaks made it and no other
// compute uses it: fs has no Block) delete it with the detach. When it
// cannot be deleted the dialog says why.
func k8sDetachDialog(m *common, c wizard.Compute, fs []rules.Finding) *dialog {
	name, cluster := c.ClusterID, "its AKS cluster"
	if id, err := rules.ParseClusterID(c.ClusterID); err == nil {
		name, cluster = id.Name, "the AKS cluster "+id.Name+" ("+id.ResourceGroup+")"
	}
	title := fmt.Sprintf("Detach %s from %s?", c.Name, m.Plan().Workspace.Name)
	keep := func(m *common) tea.Cmd { return m.calls.detach(c) }
	if rules.Blocked(fs) {
		var why []string
		for _, f := range fs {
			why = append(why, f.Message)
		}
		desc := wizard.DetachKept(capitalize(cluster), false) + " It cannot be deleted here: " + strings.Join(why, "; ") + "."
		return newChoiceDialog(title, desc, []string{"Detach, keep " + name, "Cancel"}, []func(*common) tea.Cmd{keep, nil})
	}
	desc := capitalize(cluster) + " was created by amlaks and no other compute uses it: keep it (it can be attached again, and keeps costing until you delete it in AKS), or delete it after the detach."
	return newChoiceDialog(title, desc, []string{"Detach, keep " + name, "Detach, then delete " + name + " (it will be deleted)", "Cancel"},
		[]func(*common) tea.Cmd{keep, func(m *common) tea.Cmd { return m.calls.detachDeleting(c) }, nil})
}

// verifyText is a smoke test's outcome in one or two lines.
func verifyText(m *common, v verifyDoneMsg) string {
	st := m.st
	var ve *wizard.VerifyError
	switch {
	case errors.As(v.err, &ve):
		return st.Error.Render("✗ smoke test of "+v.name+": ") + ve.Error() + " — " + ve.Fix
	case v.err != nil:
		return st.Error.Render("✗ smoke test of "+v.name+": ") + v.err.Error()
	case !v.rep.Called:
		return st.Warn.Render("? smoke test of "+v.name+": deployed, call skipped: ") + v.rep.Skipped
	}
	return st.OK.Render(fmt.Sprintf("✓ smoke test: %s answered %d in %s", v.name, v.rep.Status, v.rep.Latency.Round(time.Millisecond))) + " " + st.Muted.Render(v.rep.ScoringURI)
}

// doctorText is a diagnosis: its Block and Warn findings, or that there is
// none.
func doctorText(m *common, d doctorDoneMsg) string {
	st := m.st
	if d.err != nil {
		return st.Error.Render("✗ doctor of "+d.name+": ") + d.err.Error()
	}
	var lines []string
	for _, f := range d.rep.Findings {
		if f.Severity != rules.Info {
			lines = append(lines, f.String())
		}
	}
	if len(lines) == 0 {
		return st.OK.Render("✓ doctor: " + d.name + " has no blocking or warning finding")
	}
	head := st.Warn.Render("! doctor of " + d.name + ":")
	if !d.rep.Healthy() {
		head = st.Error.Render("✗ doctor of " + d.name + ":")
	}
	return head + "\n" + strings.Join(lines, "\n")
}
