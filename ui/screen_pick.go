package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/wizard"
)

// pickScreen is a step that picks one row of a filterable table built
// from fetched data (subscription, workspace, region).
type pickScreen struct {
	p      *picker
	intro  func(m *common) string
	need   func(m *common) need
	rows   func(m *common) (rows []row, preselect string)
	choose func(m *common, i int) tea.Cmd
	detail func(m *common, i int, w int) string
	sig    func(m *common) string
	last   string
}

func (s *pickScreen) sync(m *common) {
	sig := s.sig(m)
	if sig == s.last {
		return
	}
	s.last = sig
	rows, pre := s.rows(m)
	s.p.anchor = pre
	s.p.setRows(rows)
	if pre != "" {
		s.p.selectKey(pre)
	}
}

func (s *pickScreen) enter(m *common) tea.Cmd {
	s.sync(m)
	return nil
}

func (s *pickScreen) update(m *common, msg tea.Msg) tea.Cmd {
	s.sync(m)
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, m.keys.Enter) {
		i := s.p.selected()
		if i < 0 {
			m.nav.Flash("nothing to choose: widen the filter")
			return nil
		}
		return s.choose(m, i)
	}
	_, cmd := s.p.update(msg, m.keys, m.height-8)
	return cmd
}

func (s *pickScreen) view(m *common, w, h int) string {
	s.sync(m)
	var b strings.Builder
	used := 0
	if s.intro != nil {
		in := wrap(s.intro(m), w)
		b.WriteString(in + "\n\n")
		used += strings.Count(in, "\n") + 2
	}
	det := ""
	if s.detail != nil {
		if i := s.p.selected(); i >= 0 {
			det = s.detail(m, i, w)
		}
	}
	if det != "" {
		used += strings.Count(det, "\n") + 2
	}
	b.WriteString(s.p.view(m.st, w, max(3, h-used)))
	if det != "" {
		b.WriteString("\n\n" + det)
	}
	return b.String()
}

func (s *pickScreen) help(m *common) []key.Binding {
	return []key.Binding{m.keys.Enter, m.keys.Up, m.keys.Down}
}

func (s *pickScreen) typing(m *common) bool { return true }

func (s *pickScreen) needs(m *common) []need {
	if s.need == nil {
		return nil
	}
	return []need{s.need(m)}
}

// slotSig changes whenever the slot's answer may have: a screen that
// synced while a forced reload was loading (same req, old value) syncs
// again when it lands.
func slotSig(sl *slot) string { return fmt.Sprintf("%p/%d/%v/%v", sl, sl.req, sl.ok, sl.loading) }

func newSubscriptionScreen() screen {
	return &pickScreen{
		p: emptyText("this sign-in sees no subscription: run `az login` with another account", newPicker([]column{{Title: "Subscription", Width: 20, Flex: 2}, {Title: "ID", Width: 36}, {Title: "State", Width: 8}}, true, "type to filter")),
		intro: func(m *common) string {
			return "Pick the subscription of the Azure Machine Learning workspace."
		},
		need: func(m *common) need {
			_, sl := m.data.subsData()
			return need{"subscriptions", sl, func() tea.Cmd { return m.calls.fetchSubs(true) }}
		},
		sig: func(m *common) string { _, sl := m.data.subsData(); return slotSig(sl) },
		rows: func(m *common) ([]row, string) {
			subs, _ := m.data.subsData()
			rows := make([]row, 0, len(subs))
			pre := ""
			for _, s := range subs {
				rows = append(rows, row{Cells: []string{s.Name, s.ID, s.State}, Filter: s.Name + " " + s.ID, Dim: s.State != "" && s.State != "Enabled"})
				if s.ID == m.Plan().Subscription || (pre == "" && s.Default) {
					pre = s.Name
				}
			}
			return rows, pre
		},
		choose: func(m *common, i int) tea.Cmd {
			subs, _ := m.data.subsData()
			return answer(wizard.FSubscription, subs[i].ID)
		},
	}
}

func newWorkspaceScreen() screen {
	return &pickScreen{
		p: emptyText("the subscription has no Azure ML workspace: create one first (studio, az ml workspace create)", newPicker([]column{{Title: "Workspace", Width: 18, Flex: 2}, {Title: "Resource group", Width: 16, Flex: 2}, {Title: "Region", Width: 14, Flex: 1}}, true, "type to filter")),
		intro: func(m *common) string {
			intro := "Pick the Azure Machine Learning workspace the compute belongs to, in subscription " + m.show.subscriptionLabel() + "."
			if m.Plan().From(wizard.FSubscription) != wizard.Flag {
				intro += " Esc switches the subscription."
			}
			return intro
		},
		need: func(m *common) need {
			_, sl := m.data.workspacesData()
			return need{"workspaces", sl, func() tea.Cmd { return m.calls.fetchWorkspaces(true) }}
		},
		sig: func(m *common) string { _, sl := m.data.workspacesData(); return m.Plan().Subscription + slotSig(sl) },
		rows: func(m *common) ([]row, string) {
			all, _ := m.data.workspacesData()
			rows := make([]row, 0, len(all))
			for _, w := range all {
				usable, _ := wizard.WorkspaceUsable(w)
				rows = append(rows, row{Cells: []string{w.Name, w.ResourceGroup, w.Region}, Filter: w.Name + " " + w.ResourceGroup + " " + w.Region,
					Dim: !usable && m.Plan().Mode != wizard.ModeList && m.Plan().Mode != wizard.ModeBrowse})
			}
			if len(rows) == 0 {
				return rows, ""
			}
			return rows, m.Plan().Workspace.Name
		},
		detail: func(m *common, i int, w int) string {
			all, _ := m.data.workspacesData()
			if ok, why := wizard.WorkspaceUsable(all[i]); !ok {
				return m.st.Warn.Render(wrap(why+"; it can still list its computes and browse versions", w))
			}
			return ""
		},
		choose: func(m *common, i int) tea.Cmd {
			all, _ := m.data.workspacesData()
			// a hub or project can list computes but takes no AKS compute:
			// the mode step refuses create and attach for it
			return answer(wizard.FWorkspace, all[i])
		},
	}
}

func newRegionScreen() screen {
	return &pickScreen{
		p: newPicker([]column{{Title: "Region", Width: 22, Flex: 2}, {Title: "Name", Width: 18, Flex: 1}, {Title: "Paired with", Width: 14, Flex: 1}}, true, "type to filter"),
		intro: func(m *common) string {
			return fmt.Sprintf("Where the cluster runs. The workspace %s is in %s; another region works too.",
				m.Plan().Workspace.Name, m.show.regionLabel(m.Plan().Workspace.Region))
		},
		need: func(m *common) need {
			_, sl := m.data.regionsData()
			return need{"regions", sl, func() tea.Cmd { return m.calls.fetchRegions(true) }}
		},
		sig: func(m *common) string { _, sl := m.data.regionsData(); return slotSig(sl) },
		rows: func(m *common) ([]row, string) {
			regs, _ := m.data.regionsData()
			rows := make([]row, 0, len(regs))
			pre := ""
			for _, r := range regs {
				rows = append(rows, row{Cells: []string{r.DisplayName, r.Name, strings.Join(r.Paired, ", ")}, Filter: r.DisplayName + " " + r.Name})
				if strings.EqualFold(r.Name, m.Plan().Region) {
					pre = r.DisplayName
				}
			}
			return rows, pre
		},
		detail: func(m *common, i int, w int) string {
			regs, _ := m.data.regionsData()
			r := regs[i]
			if strings.EqualFold(r.Name, m.Plan().Workspace.Region) {
				return m.st.Muted.Render("the workspace's region (default)")
			}
			return ""
		},
		choose: func(m *common, i int) tea.Cmd {
			regs, _ := m.data.regionsData()
			return answer(wizard.FRegion, regs[i].Name)
		},
	}
}

// choice is one option of a choiceScreen.
type choice struct {
	label, desc string
	value       string
}

// choiceScreen asks one question with a few fixed answers.
type choiceScreen struct {
	title   func(m *common) string
	choices []choice
	load    func(m *common) []choice // when set: the choices, read again on entering
	cursor  int
	current func(m *common) string
	apply   func(m *common, value string) tea.Cmd
}

func (s *choiceScreen) enter(m *common) tea.Cmd {
	if s.load != nil {
		s.choices = s.load(m)
	}
	cur := s.current(m)
	for i, c := range s.choices {
		if c.value == cur {
			s.cursor = i
		}
	}
	return nil
}

func (s *choiceScreen) update(m *common, msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(k, m.keys.Up):
		s.cursor = max(0, s.cursor-1)
	case key.Matches(k, m.keys.Down):
		s.cursor = min(len(s.choices)-1, s.cursor+1)
	case key.Matches(k, m.keys.Enter):
		return s.apply(m, s.choices[s.cursor].value)
	default:
		// a digit picks directly
		if t := k.String(); len(t) == 1 && t[0] >= '1' && int(t[0]-'1') < len(s.choices) {
			s.cursor = int(t[0] - '1')
			return s.apply(m, s.choices[s.cursor].value)
		}
	}
	return nil
}

func (s *choiceScreen) view(m *common, w, h int) string {
	title := wrap(s.title(m), w) + "\n"
	blocks := make([]string, len(s.choices))
	for i, c := range s.choices {
		var b strings.Builder
		b.WriteString("\n")
		label := fmt.Sprintf("%d. %s", i+1, c.label)
		if i == s.cursor {
			b.WriteString(m.st.Selected.Render("› " + label))
		} else {
			b.WriteString("  " + label)
		}
		b.WriteString("\n")
		b.WriteString(paint(m.st.Muted, indent(c.desc, 3, w)) + "\n")
		blocks[i] = b.String()
	}
	from, to := visibleBlocks(blocks, s.cursor, h-lineCount(title))
	var b strings.Builder
	b.WriteString(title)
	if from > 0 {
		b.WriteString(m.st.Muted.Render("  ↑ more") + "\n")
	}
	for _, bl := range blocks[from:to] {
		b.WriteString(bl)
	}
	if to < len(blocks) {
		// a choice below the window is never hidden without a word
		b.WriteString("\n" + m.st.Muted.Render(fmt.Sprintf("  ↓ more (%d)", len(blocks)-to)) + "\n")
	}
	return b.String()
}

func lineCount(s string) int { return strings.Count(s, "\n") }

// visibleBlocks is the window [from, to) of blocks that fits in h lines
// and holds the cursor's block, leaving a line for each "more" marker it
// needs. All of them when they fit (or h is not known).
func visibleBlocks(blocks []string, cursor, h int) (from, to int) {
	total := 0
	for _, b := range blocks {
		total += lineCount(b)
	}
	if h <= 0 || total <= h {
		return 0, len(blocks)
	}
	cursor = max(0, min(cursor, len(blocks)-1))
	from, to = cursor, cursor+1
	used := lineCount(blocks[cursor]) + 2 // the two markers, at most
	for {
		grew := false
		if to < len(blocks) && used+lineCount(blocks[to]) <= h {
			used += lineCount(blocks[to])
			to++
			grew = true
		}
		if from > 0 && used+lineCount(blocks[from-1]) <= h {
			from--
			used += lineCount(blocks[from])
			grew = true
		}
		if !grew {
			return from, to
		}
	}
}

func (s *choiceScreen) help(m *common) []key.Binding {
	return []key.Binding{m.keys.Enter, m.keys.Up, m.keys.Down}
}
func (s *choiceScreen) typing(m *common) bool  { return false }
func (s *choiceScreen) needs(m *common) []need { return nil }

func newModeScreen() screen {
	s := tableChoiceScreen(wizard.StepMode, func(m *common) string {
		return fmt.Sprintf("What do you want to do with %s?", m.Plan().Workspace.Name)
	})
	return &modeScreen{choiceScreen: s, base: s.load}
}

func newPurposeScreen() screen {
	return tableChoiceScreen(wizard.StepPurpose, func(m *common) string { return "What is the cluster for?" })
}

// tableChoiceScreen asks a choice step of the table from its row: its
// choices, the plan's choice, the answer a choice gives.
func tableChoiceScreen(id wizard.StepID, title func(m *common) string) *choiceScreen {
	st := wizard.StepOf(id)
	return &choiceScreen{
		title:   title,
		load:    func(m *common) []choice { return tableChoices(st.Choices(m.Plan())) },
		current: func(m *common) string { return st.Chosen(m.Plan()) },
		apply:   func(m *common, v string) tea.Cmd { return answer(st.Field, st.AnswerOf(v)) },
	}
}

// tableChoices are a field's choices, in the words of the field table
// (a flag it names, in the wizard's).
func tableChoices(cs []wizard.Choice) []choice {
	out := make([]choice, len(cs))
	for i, c := range cs {
		out[i] = choice{c.Label, wizardWords(c.Help), c.Value}
	}
	return out
}

// choiceLabels are the labels of a field's choices (a form's select).
func choiceLabels(cs []wizard.Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Label
	}
	return out
}

func emptyText(s string, p *picker) *picker {
	p.empty = s
	return p
}
