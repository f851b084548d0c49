package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// clusterScreen picks the AKS cluster to attach: a filterable table of
// the subscription's clusters, each badged attachable / warning / blocked
// from wizard.ClusterFacts, the highlighted one's findings below; or a
// pasted resource ID, parsed as typed.
type clusterScreen struct {
	p        *picker
	last     string
	clusters []wizard.Cluster
	findings [][]rules.Finding // nil: versions of the region not loaded yet
	idMode   bool
	id       textinput.Model
}

func newClusterScreen() screen {
	id := newInput("resource ID: ", "/subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerService/managedClusters/…")
	id.CharLimit = 1024
	return &clusterScreen{id: id, p: newPicker([]column{
		{Title: "Status", Width: 5, Abbr: abbrStatus},
		{Title: "Cluster", Width: 10, Max: 40, Flex: 2, Key: true},
		{Title: "RG", Width: 6, Max: 28, Flex: 1},
		{Title: "Region", Width: 6, Max: 20},
		{Title: "K8s", Width: 7},
		{Title: "Nodes", Width: 3, Short: "Nod", Right: true, Numeric: true, Desc: true},
		{Title: "vCPUs", Width: 4, Short: "vCPU", Right: true, Numeric: true, Desc: true},
		{Title: "Priv", Width: 3, Short: "Prv", Abbr: abbrYesNo, Drop: true},
		{Title: "IPs", Width: 3, Right: true, Drop: true},
		{Title: "LB", Width: 3, Abbr: abbrLB, Drop: true},
		{Title: "Power", Width: 3, Short: "Pwr", Abbr: abbrPower, Drop: true},
	}, true, "type to filter; ctrl+o pastes a resource ID")}
}

func (s *clusterScreen) enter(m *common) tea.Cmd {
	s.sync(m)
	return tea.Batch(m.calls.fetchClusters(false), m.calls.fetchAttachments(false), m.calls.fetchRegions(false), m.calls.fetchClusterVersions())
}

// facts evaluates one cluster; nil when its region's versions are not
// loaded yet.
func (s *clusterScreen) facts(m *common, cl wizard.Cluster) []rules.Finding {
	vs, sl := m.data.versionsData(cl.Region)
	if !sl.ok {
		return nil
	}
	regs, _ := m.data.regionsData()
	idx, _ := m.data.attachmentsData()
	exts, esl := m.data.extensionsData()
	ext, haveExt := exts[strings.ToLower(cl.ID)]
	bmap, _ := m.data.bindingsData()
	bs, haveBs := bmap[strings.ToLower(cl.ID)]
	p := m.Plan()
	fs := wizard.ClusterFindings(cl, &p, vs, wizard.PairsOf(regs, p.Workspace.Region), idx.Of(cl.ID), ext, haveExt, esl.ok, bs, haveBs)
	if fs == nil {
		fs = []rules.Finding{}
	}
	if key := (&wizard.Plan{Mode: wizard.ModeAttach, ClusterID: cl.ID}).GuardKey(); m.nav.guardBusy(key) {
		fs = append(fs, rules.Finding{Code: "in-flight", Severity: rules.Block, Message: "an attach of " + cl.Name + " is already running from this session",
			Fix: "wait for it to finish: two attachments of one cluster break the first"})
	}
	return fs
}

func (s *clusterScreen) sync(m *common) {
	cls, sl := m.data.clustersData()
	_, asl := m.data.attachmentsData()
	_, rsl := m.data.regionsData()
	_, esl := m.data.extensionsData()
	_, bsl := m.data.bindingsData()
	sig := string(m.Plan().Purpose) + string(m.Plan().ComputeType) + slotSig(sl) + slotSig(asl) + slotSig(rsl) + slotSig(esl) + slotSig(bsl)
	for _, cl := range cls {
		_, vsl := m.data.versionsData(cl.Region)
		sig += slotSig(vsl)
	}
	if sig == s.last {
		return
	}
	s.last = sig
	s.clusters = cls
	s.findings = make([][]rules.Finding, len(cls))
	rows := make([]row, len(cls))
	for i, cl := range cls {
		fs := s.facts(m, cl)
		s.findings[i] = fs
		badge, style := badgeOf(fs)
		priv := "no"
		if cl.Private {
			priv = "yes"
		}
		ips := "-"
		if n := len(cl.AuthorizedIPRanges); n > 0 {
			ips = strconv.Itoa(n)
		}
		lb := cl.LoadBalancerSKU
		if strings.EqualFold(lb, "standard") {
			lb = "std"
		}
		rows[i] = row{
			Cells:  []string{badge, cl.Name, cl.ResourceGroup, cl.Region, cl.Version, strconv.Itoa(cl.Nodes()), strconv.Itoa(cl.VCPUs()), priv, ips, lb, cl.PowerState},
			Num:    []float64{0, 0, 0, 0, 0, float64(cl.Nodes()), float64(cl.VCPUs())},
			Filter: cl.Name + " " + cl.ResourceGroup + " " + cl.Region,
			Style:  style,
		}
	}
	s.p.setRows(rows)
	if m.Plan().Cluster != nil {
		s.selectCluster(m.Plan().Cluster.Name)
	}
}

// selectCluster moves the cursor to the named cluster's row.
func (s *clusterScreen) selectCluster(name string) {
	for j, i := range s.p.matches {
		if i < len(s.clusters) && strings.EqualFold(s.clusters[i].Name, name) {
			s.p.cursor = j
		}
	}
}

// abbreviations of the cluster table's cells when it is narrow
func abbrStatus(s string) string {
	switch s {
	case "blocked":
		return "block"
	case "warning":
		return "warn"
	}
	return s
}

func abbrYesNo(s string) string {
	switch s {
	case "yes":
		return "y"
	case "no":
		return "n"
	}
	return s
}

func abbrLB(s string) string {
	if strings.EqualFold(s, "basic") {
		return "bsc"
	}
	return s
}

func abbrPower(s string) string {
	switch strings.ToLower(s) {
	case "running":
		return "on"
	case "stopped":
		return "off"
	}
	return s
}

func badgeOf(fs []rules.Finding) (string, int) {
	switch {
	case fs == nil:
		return "…", 0
	case rules.Blocked(fs):
		return "blocked", 3
	}
	for _, f := range fs {
		if f.Severity == rules.Warn {
			return "warning", 2
		}
	}
	return "ok", 1
}

// byID parses the typed resource ID and finds the cluster.
func (s *clusterScreen) byID(m *common) (int, string, bool) {
	v := strings.TrimSpace(s.id.Value())
	if v == "" {
		return -1, "paste or type the cluster's resource ID", false
	}
	id, err := rules.ParseClusterID(v)
	if err != nil {
		msg := err.Error()
		if vi, ok := err.(rules.Violation); ok {
			msg = vi.Message
		}
		return -1, msg, false
	}
	for i, cl := range s.clusters {
		if rules.SameCluster(cl.ID, id.String()) {
			return i, "", true
		}
	}
	if why := m.Plan().CrossSubscription(id.String()); why != "" {
		return -1, why, false
	}
	if !strings.EqualFold(id.SubscriptionID, m.Plan().Subscription) {
		return -1, fmt.Sprintf("the cluster is in subscription %s, not in this one (%s): attach a cluster of the workspace's subscription", id.SubscriptionID, m.Plan().Subscription), false
	}
	return -1, fmt.Sprintf("no AKS cluster %s in resource group %s of this subscription", id.Name, id.ResourceGroup), false
}

func (s *clusterScreen) choose(m *common, i int) tea.Cmd {
	cl := s.clusters[i]
	fs := s.findings[i]
	if fs == nil {
		m.nav.Flash("still checking " + cl.Name + "…")
		return nil
	}
	for _, f := range fs {
		if f.Severity == rules.Block {
			m.nav.Flash(cl.Name + " cannot be attached: " + f.Message)
			return nil
		}
	}
	return answer(wizard.FCluster, cl)
}

func (s *clusterScreen) update(m *common, msg tea.Msg) tea.Cmd {
	s.sync(m)
	if s.idMode {
		if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, m.keys.Enter) {
			i, why, ok := s.byID(m)
			if !ok {
				m.nav.Flash(why)
				return nil
			}
			return s.choose(m, i)
		}
		var cmd tea.Cmd
		s.id, cmd = s.id.Update(msg)
		return cmd
	}
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if strings.Contains(msg.Content, "/") {
			s.idMode = true
			s.id.Focus()
			s.id.SetValue(strings.TrimSpace(msg.Content))
			s.id.CursorEnd()
			return nil
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.PasteID):
			s.idMode = true
			return s.id.Focus()
		case key.Matches(msg, m.keys.Enter):
			i := s.p.selected()
			if i < 0 {
				m.nav.Flash("no cluster matches: widen the filter")
				return nil
			}
			return s.choose(m, i)
		}
	}
	_, cmd := s.p.update(msg, m.keys, 5)
	return cmd
}

func (s *clusterScreen) esc(m *common) bool {
	if s.idMode {
		s.idMode = false
		s.id.Blur()
		return true
	}
	return false
}

func (s *clusterScreen) view(m *common, w, h int) string {
	st := m.st
	var head strings.Builder
	head.WriteString(wrap(st.Muted.Render(fmt.Sprintf("AKS clusters of the subscription, checked for %s use in %s (another region is allowed).",
		strings.ToLower(m.Plan().Purpose.Label()), m.Plan().Workspace.Name)), w))
	var det strings.Builder
	sel := -1
	if s.idMode {
		s.id.SetWidth(max(10, w-15))
		det.WriteString(st.input(&s.id) + "\n")
		i, why, ok := s.byID(m)
		if !ok {
			det.WriteString(wrap(st.Error.Render("✗ "+wizardWords(why)), w) + "\n")
		} else {
			sel = i
			det.WriteString(st.OK.Render("✓ "+s.clusters[i].Name+" in "+s.clusters[i].ResourceGroup) + "\n")
		}
	} else {
		sel = s.p.selected()
	}
	if sel >= 0 && sel < len(s.clusters) {
		cl := s.clusters[sel]
		fs := s.findings[sel]
		badge, _ := badgeOf(fs)
		det.WriteString(st.Header.Render(cl.Name) + " " + badgeStyled(st, badge) + "\n")
		if fs == nil {
			det.WriteString(m.spinner + " checking the versions of " + cl.Region + "…\n")
		}
		for _, f := range sortFindings(fs) {
			det.WriteString(findingLine(st, f, w) + "\n")
		}
		if fs != nil && len(fs) == 0 {
			det.WriteString(st.OK.Render("  ✓ nothing stands in the way") + "\n")
		}
	}
	d := strings.TrimRight(det.String(), "\n")
	hd := head.String()
	used := strings.Count(hd, "\n") + 2 + strings.Count(d, "\n") + 2
	tableH := max(4, min(len(s.clusters)+3, h-used))
	// findings may be long: keep the table, cut the detail
	dl := strings.Split(d, "\n")
	if room := h - (strings.Count(hd, "\n") + 2 + tableH + 1); len(dl) > room && room > 0 {
		dl = dl[:room]
	}
	return hd + "\n\n" + s.p.view(st, w, tableH) + "\n\n" + strings.Join(dl, "\n")
}

func badgeStyled(st *styles, b string) string {
	switch b {
	case "blocked":
		return st.Block.Render("blocked")
	case "warning":
		return st.Warn.Render("warning")
	case "ok":
		return st.OK.Render("attachable")
	}
	return st.Muted.Render(b)
}

func (s *clusterScreen) help(m *common) []key.Binding {
	k := m.keys
	if s.idMode {
		return []key.Binding{withHelp(k.Enter, "attach this one"), withHelp(k.Back, "back to the list")}
	}
	return []key.Binding{k.Enter, k.PasteID}
}

func (s *clusterScreen) typing(m *common) bool { return true }

func (s *clusterScreen) needs(m *common) []need {
	_, sl := m.data.clustersData()
	_, asl := m.data.attachmentsData()
	_, rsl := m.data.regionsData()
	return []need{
		{"the subscription's AKS clusters", sl, func() tea.Cmd { return m.calls.fetchClusters(true) }},
		{"the attachments of every workspace", asl, func() tea.Cmd { return m.calls.fetchAttachments(true) }},
		{"regions", rsl, func() tea.Cmd { return m.calls.fetchRegions(true) }},
	}
}
