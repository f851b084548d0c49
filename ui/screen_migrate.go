package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// The wizard's "Move a legacy AKS compute": pick the legacy compute (when
// the workspace has several), read its cluster and review the phases (the
// path, the findings, each phase with its rollback), run them with
// progress, then say what was verified and offer the detach (a dialog: a
// detach, never a delete). What a review needs beyond the defaults (the
// path, a file for the v1 certificate, TLS, the new compute's name and
// namespace) is asked on a form (f, or Enter on a blocked review), checked
// with rules.CheckMigrationAnswers, and the move planned again with them.

type migrateStage int

const (
	migratePick migrateStage = iota
	migrateReading
	migrateReview
	migrateAnswers
	migrateRunning
	migrateDone
)

type migrateScreen struct {
	stage  migrateStage
	legacy []wizard.Compute
	cursor int
	req    int
	mig    *wizard.Migration
	phases []wizard.Phase
	err    error
	lines  []string // progress, one line per phase (the last state)
	order  []wizard.PhaseKind
	rep    wizard.MigrateReport
	last   string
	// unfinished: the review continues this migration's record
	unfinished *wizard.Record
	// the answers' form (migrateAnswers) and its messages once tried
	f                       *form
	path, save, tls, to, ns *formField
	tried                   bool
}

func newMigrateScreen() screen { return &migrateScreen{} }

// migratePlannedMsg is a read and planned migration.
type migratePlannedMsg struct {
	req    int
	mig    *wizard.Migration
	phases []wizard.Phase
	err    error
	// unfinished is the record of a migration this one continues
	unfinished *wizard.Record
}

// migrateEventMsg is one progress report of a running migration, or its
// end (done).
type migrateEventMsg struct {
	req  int
	pp   wizard.PhaseProgress
	done bool
	rep  wizard.MigrateReport
	err  error
	ch   <-chan migrateEventMsg
}

// planMigration reads the legacy compute's cluster and plans the move.
// An unfinished migration of it (its record) is continued with the
// answers it was started with.
func (m *Model) planMigration(req int, o wizard.MigrateOptions) tea.Cmd {
	ctx, c, p, recs := m.ctx, m.cloud, m.plan.Clone(), m.guard.Records()
	return func() tea.Msg {
		var unfinished *wizard.Record
		first := o == wizard.MigrateOptions{Legacy: o.Legacy} // not answered on the form yet
		if rec, ok, err := recs.Find(ctx, p.Subscription, p.Workspace.ResourceGroup, p.Workspace.Name, o.Legacy); first && err == nil && ok && rec.Migrate != nil {
			o, unfinished = rec.MigrationOptions(), &rec
		}
		mig, err := wizard.PlanMigration(ctx, c, p, o)
		if err != nil {
			return migratePlannedMsg{req: req, err: err}
		}
		phases, err := wizard.MigrationPhases(c, mig)
		return migratePlannedMsg{req: req, mig: mig, phases: phases, err: err, unfinished: unfinished}
	}
}

// runMigration runs the phases in the background and streams their
// progress; the detach is offered afterwards, not asked in the run.
func (m *Model) runMigration(req int, mig *wizard.Migration) tea.Cmd {
	ctx, c, g, every := m.ctx, m.cloud, m.guard, m.every
	ch := make(chan migrateEventMsg, 16)
	go func() {
		defer close(ch)
		rep, err := wizard.RunMigration(ctx, c, mig, g, every, func(pp wizard.PhaseProgress) {
			select {
			case ch <- migrateEventMsg{req: req, pp: pp}:
			case <-ctx.Done():
			}
		}, nil)
		ch <- migrateEventMsg{req: req, done: true, rep: rep, err: err}
	}()
	return waitMigrate(ch)
}

func waitMigrate(ch <-chan migrateEventMsg) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return nil
		}
		ev.ch = ch
		return ev
	}
}

func (s *migrateScreen) enter(m *common) tea.Cmd {
	if s.stage != migratePick {
		return nil
	}
	return tea.Batch(s.sync(m), m.calls.fetchComputes(false))
}

// sync reads the legacy computes; with exactly one, it is read at once.
func (s *migrateScreen) sync(m *common) tea.Cmd {
	cs, sl := m.data.computesData()
	if sig := slotSig(sl); sig == s.last || !sl.ok {
		return nil
	} else {
		s.last = sig
	}
	s.legacy = nil
	for _, c := range cs {
		if wizard.IsLegacy(c) {
			s.legacy = append(s.legacy, c)
		}
	}
	if s.stage == migratePick && len(s.legacy) == 1 {
		return s.read(m, s.legacy[0].Name)
	}
	return nil
}

func (s *migrateScreen) read(m *common, name string) tea.Cmd {
	s.stage, s.err = migrateReading, nil
	s.req = m.data.nextReq("migrate")
	return m.calls.planMigration(s.req, wizard.MigrateOptions{Legacy: name})
}

func (s *migrateScreen) update(m *common, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case migratePlannedMsg:
		if !m.data.isLatest("migrate", msg.req) {
			return nil
		}
		s.stage, s.mig, s.phases, s.err, s.cursor = migrateReview, msg.mig, msg.phases, msg.err, 0
		s.unfinished = msg.unfinished
		return nil
	case migrateEventMsg:
		if !m.data.isLatest("migrate", msg.req) {
			return nil
		}
		if msg.done {
			s.stage, s.rep, s.err = migrateDone, msg.rep, msg.err
			return m.calls.fetchComputes(true)
		}
		s.progress(msg.pp)
		return waitMigrate(msg.ch)
	case tea.KeyPressMsg:
		return s.key(m, msg)
	}
	if s.stage == migrateAnswers {
		return s.answer(m, msg) // huh completes the form with a message
	}
	if s.stage == migratePick {
		return s.sync(m)
	}
	return nil
}

func (s *migrateScreen) progress(pp wizard.PhaseProgress) {
	text := pp.State
	switch {
	case pp.Skipped:
		text = "✓ done already: " + pp.Note
	case pp.State == wizard.StateDone || pp.Done && pp.Note != "":
		text = "✓ " + pp.Note
	case pp.Done && pp.State == "Succeeded":
		text = "✓ Succeeded"
	}
	for i, k := range s.order {
		if k == pp.Phase {
			s.lines[i] = text
			return
		}
	}
	s.order = append(s.order, pp.Phase)
	s.lines = append(s.lines, text)
}

// move moves the cursor over n lines with ↑ and ↓.
func (s *migrateScreen) move(k tea.KeyPressMsg, keys keyMap, n int) {
	switch {
	case key.Matches(k, keys.Up):
		s.cursor = max(0, s.cursor-1)
	case key.Matches(k, keys.Down):
		s.cursor = max(0, min(n-1, s.cursor+1))
	}
}

func (s *migrateScreen) key(m *common, k tea.KeyPressMsg) tea.Cmd {
	keys := m.keys
	if key.Matches(k, keys.Quit) && s.stage != migrateDone && s.stage != migrateRunning && !(s.stage == migrateAnswers && s.typing(m)) {
		return m.nav.quit(Quit) // nothing changed yet (a running move is stopped with ctrl+c)
	}
	switch s.stage {
	case migratePick:
		s.move(k, keys, len(s.legacy))
		if key.Matches(k, keys.Enter) && len(s.legacy) > 0 {
			return s.read(m, s.legacy[s.cursor].Name)
		}
	case migrateAnswers:
		return s.answer(m, k)
	case migrateReview:
		s.move(k, keys, len(s.phases))
		if s.err == nil && s.mig != nil && (key.Matches(k, keys.Fix) || key.Matches(k, keys.Enter) && s.mig.Report.Blocked()) {
			s.openAnswers(m)
			return nil
		}
		if key.Matches(k, keys.Enter) && s.err == nil && s.mig != nil && !s.mig.Report.Blocked() {
			s.stage, s.lines, s.order = migrateRunning, nil, nil
			s.req = m.data.nextReq("migrate")
			return m.calls.runMigration(s.req, s.mig)
		}
	case migrateDone:
		if key.Matches(k, keys.Detach) && s.err == nil && s.mig != nil && !s.rep.Detached {
			return m.nav.open(detachDialog(m, s.mig.Legacy))
		}
		if key.Matches(k, keys.Quit) || key.Matches(k, keys.Enter) {
			if s.err != nil {
				return m.nav.quit(Failed)
			}
			return m.nav.quit(Succeeded)
		}

	}
	return nil
}

func (s *migrateScreen) view(m *common, w, h int) string {
	st := m.st
	var b strings.Builder
	switch s.stage {
	case migratePick:
		if len(s.legacy) == 0 {
			return m.spinner + " reading the computes of " + m.Plan().Workspace.Name + "…"
		}
		b.WriteString("Which legacy AKS compute moves to a Kubernetes compute?\n\n")
		for i, c := range s.legacy {
			mark := "  "
			if i == s.cursor {
				mark = st.Title.Render("> ")
			}
			b.WriteString(mark + c.Name + " " + st.Muted.Render(clusterLabel(c.ClusterID)) + "\n")
		}
	case migrateReading:
		return m.spinner + " reading the cluster through AKS's run command: the v1 router, live v1 services, its certificate…"
	case migrateReview:
		if s.err != nil {
			return st.Error.Render("✗ "+s.err.Error()) + "\n"
		}
		s.review(m, &b, w, h)
	case migrateAnswers:
		b.WriteString(wrap(fmt.Sprintf("Move %s on %s: what the review needs", s.mig.Legacy.Name, clusterLabel(s.mig.Cluster.ID)), w) + "\n\n")
		msgs := map[string][]string{}
		if s.tried {
			for _, v := range rules.CheckMigrationAnswers(s.answers(m)) {
				msgs[v.Field] = append(msgs[v.Field], v.Message)
			}
		}
		b.WriteString(s.f.view(w, msgs))
		b.WriteString("\n" + m.st.Muted.Render(wrap("Enter on the last field plans the move again with these answers · esc back to the review", w)))
	case migrateRunning, migrateDone:
		fmt.Fprintf(&b, "%s → %s (%s)\n\n", s.mig.Legacy.Name, s.mig.Plan.Name, s.mig.Path)
		for i, k := range s.order {
			line := s.lines[i]
			if s.stage == migrateRunning && !strings.HasPrefix(line, "✓") {
				line = m.spinner + " " + line
			}
			b.WriteString(wrap(fmt.Sprintf("%-13s %s", k, line), w) + "\n")
		}
		if s.stage == migrateDone {
			b.WriteString("\n" + s.outcome(m, w))
		}
	}
	return b.String()
}

// review is what was read, the path, the findings (one line each) and
// the phases, one line each; the phase under the cursor shows its request
// and its rollback. It fits h lines.
func (s *migrateScreen) review(m *common, b *strings.Builder, w, h int) {
	st := m.st
	mig := s.mig
	one := func(t string) string { return fit(t, w, false) }
	services := "live v1 services: " + nonEmpty(strings.Join(mig.State.ServiceNames(), ", "), "none")
	var top []string
	top = append(top, one(fmt.Sprintf("%s on %s: %d of 8 v1 router objects", mig.Legacy.Name, clusterLabel(mig.Cluster.ID), len(mig.State.Objects))),
		one(services), one(fmt.Sprintf("Path: %s → %s (namespace %s)", mig.Path, mig.Plan.Name, mig.Plan.Namespace)))
	if mig.Legacy.SSLStatus != "" {
		tls := "TLS: not answered yet"
		switch {
		case mig.CertSource != "":
			tls = "TLS: the v1 certificate for " + mig.Plan.TLS.CNAME + ", from " + mig.CertSource
		case mig.Options.AllowInsecure:
			tls = "TLS: plain HTTP (the v1 compute served HTTPS)"
		}
		top = append(top, one(tls))
	}
	for _, f := range mig.Report.Findings {
		if f.Severity == rules.Info && f.Code != rules.CodeMigrateShared {
			continue
		}
		text := one(wizardWords(strings.ToUpper(f.Severity.String()) + ": " + f.Message))
		switch f.Severity {
		case rules.Block:
			text = st.Error.Render(text)
		case rules.Warn:
			text = st.Warn.Render(text)
		}
		top = append(top, text)
	}
	var list []string
	for i, ph := range s.phases {
		mark := "  "
		if i == s.cursor {
			mark = st.Title.Render("> ")
		}
		list = append(list, mark+fit(fmt.Sprintf("%d. %s", i+1, ph.Title), w-2, false))
	}
	var det []string
	if s.cursor < len(s.phases) {
		ph := s.phases[s.cursor]
		if ph.Request.Method != "" {
			det = append(det, st.Muted.Render(one(ph.Request.Method+" "+ph.Request.Path)))
		} else if ph.Equivalent != "" {
			det = append(det, st.Muted.Render(one(ph.Equivalent)))
		}
		if ph.Rollback != "" {
			for _, l := range strings.Split(wrap("undo: "+ph.Rollback, w), "\n") {
				det = append(det, st.Muted.Render(l))
			}
		}
	}
	if r := s.unfinished; r != nil {
		var left []string
		for _, k := range r.Remaining() {
			left = append(left, string(k))
		}
		top = append([]string{st.Warn.Render(one("Unfinished since " + r.Started.Local().Format("2006-01-02 15:04") + ": " + strings.Join(left, ", ") + " left"))}, top...)
	}
	verb := " migrate"
	if s.unfinished != nil {
		verb = " continue it"
	}
	foot := st.Title.Render("Enter") + verb + " · f answers · ↑↓ a phase's request and undo · all of it: amlaks migrate " + mig.Legacy.Name + " --dry-run"
	if mig.Report.Blocked() {
		cmd := "amlaks migrate " + mig.Legacy.Name + " -w " + m.Plan().Workspace.Name
		for _, f := range mig.Report.Findings {
			switch {
			case f.Severity != rules.Block:
			case f.Code == rules.CodeMigrateSecret:
				cmd += " --save-secret FILE"
			case f.Code == rules.CodeMigrateTLS:
				cmd += " --keep-certificate"
			}
		}
		foot = paint(st.Error, wrap("Blocked: Enter answers what it needs (or in line mode: "+unbroken(cmd)+")", w))
	} else {
		foot = fit(foot, w, false)
	}
	// what does not fit: findings first, then the phase list around the cursor
	room := h - len(det) - 2 - strings.Count(foot, "\n") - 1
	if len(top)+len(list) > room {
		keep := max(3, room-len(list))
		if len(top) > keep {
			top = top[:keep]
		}
	}
	if len(top)+len(list) > room {
		n := max(1, room-len(top))
		from := min(max(0, s.cursor-n/2), max(0, len(list)-n))
		list = list[from:min(len(list), from+n)]
	}
	b.WriteString(strings.Join(top, "\n") + "\n\n" + strings.Join(list, "\n") + "\n" + strings.Join(det, "\n") + "\n" + foot)
}

// outcome is the end: verified or failed, and what is next.
func (s *migrateScreen) outcome(m *common, w int) string {
	st := m.st
	if s.err != nil {
		return st.Error.Render(wrap("✗ "+s.err.Error(), w)) + "\n" + wrap("Continue it with amlaks status "+s.mig.Plan.Name+", or this move again: it goes on where it stopped and does nothing twice.", w)
	}
	out := st.OK.Render(wrap(fmt.Sprintf("✓ %s is a verified Kubernetes compute", s.mig.Plan.Name), w))
	if s.rep.Verify.Called {
		out += "\n" + st.Muted.Render(wrap(fmt.Sprintf("answered %d: %s", s.rep.Verify.Status, s.rep.Verify.ScoringURI), w))
	}
	if s.mig.Path == wizard.MigrateInPlace {
		out += "\n" + wrap("The scoring URL is shared between "+s.mig.Legacy.Name+" and "+s.mig.Plan.Name+".", w)
	}
	out += "\n" + wrap(s.mig.Legacy.Name+" is still attached: d detaches it (a detach, never a delete: the cluster stays) · q quits", w)
	return out
}

func clusterLabel(id string) string {
	if cid, err := rules.ParseClusterID(id); err == nil {
		return cid.ResourceGroup + "/" + cid.Name
	}
	return id
}

func (s *migrateScreen) help(m *common) []key.Binding {
	k := m.keys
	switch s.stage {
	case migratePick:
		return []key.Binding{k.Enter, k.Up, k.Down}
	case migrateReview:
		return []key.Binding{k.Enter, withHelp(k.Fix, "answers"), k.Up, k.Down}
	case migrateAnswers:
		return formScreen{s.f}.help(m)
	case migrateDone:
		return []key.Binding{k.Detach, k.Quit}
	}
	return nil
}
func (s *migrateScreen) typing(m *common) bool {
	return s.stage == migrateAnswers && formScreen{s.f}.typing(m)
}
func (s *migrateScreen) needs(m *common) []need {
	_, sl := m.data.computesData()
	return []need{{"the computes of " + m.Plan().Workspace.Name, sl, func() tea.Cmd { return m.calls.fetchComputes(true) }}}
}

// esc: a running migration is not left by Esc (Ctrl+C stops watching; a
// re-run continues).
func (s *migrateScreen) esc(m *common) bool {
	if s.stage == migrateAnswers {
		s.stage = migrateReview // the review as it was
		return true
	}
	return s.stage == migrateReading || s.stage == migrateRunning
}

// openAnswers opens the answers' form on the review's answers.
func (s *migrateScreen) openAnswers(m *common) {
	mig := s.mig
	o := mig.Options
	s.path = choiceField("clean", "v1 router", "take it over (in place)", "delete it (clean cut-over)")
	s.path.show = func() bool { return len(mig.State.Services) > 0 }
	if mig.Path == wizard.MigrateClean {
		s.path.choice = 1
	}
	clean := func() bool { return len(mig.State.Services) == 0 || s.path.choice == 1 }
	s.save = textField("save-secret", "Save v1 secret to", "./azuremlfessl.json")
	s.save.text = o.SaveSecret
	s.save.show = func() bool { return clean() && mig.State.Has("secret/"+wizard.LegacySecret) }
	s.tls = choiceField("keep-certificate", "TLS", "keep the v1 certificate", "plain HTTP")
	s.tls.show = func() bool { return mig.Legacy.SSLStatus != "" }
	if o.AllowInsecure {
		s.tls.choice = 1
	}
	s.to = textField("to", "Compute name", wizard.DefaultMigrateName(mig.Legacy.Name))
	s.to.text = mig.Plan.Name
	s.ns = textField("namespace", "Namespace", mig.Plan.Name)
	s.ns.text = mig.Plan.Namespace
	s.f = &form{fields: []*formField{s.path, s.save, s.tls, s.to, s.ns}}
	s.f.build(m.st)
	s.stage, s.tried = migrateAnswers, false
}

// answers are the form's answers as the rules check them.
func (s *migrateScreen) answers(m *common) rules.MigrationAnswers {
	mig := s.mig
	cs, _ := m.data.computesData()
	var names []string
	for _, c := range cs {
		if !strings.EqualFold(c.Name, mig.Plan.Name) || s.unfinished == nil {
			names = append(names, c.Name)
		}
	}
	a := rules.MigrationAnswers{To: s.to.value(), Namespace: s.ns.value(), Workspace: m.Plan().Workspace.Name, Existing: names,
		Clean: len(mig.State.Services) == 0 || s.path.choice == 1, SecretPresent: mig.State.Has("secret/" + wizard.LegacySecret),
		SaveTo: s.save.value(), LegacyTLS: mig.Legacy.SSLStatus != ""}
	if a.LegacyTLS {
		a.KeepCertificate, a.AllowInsecure = s.tls.choice == 0, s.tls.choice == 1
	}
	if a.To == "" {
		a.To = mig.Plan.Name
	}
	return a
}

// answer is a key on the form: Enter on the last field checks the
// answers, then plans the move again with them.
func (s *migrateScreen) answer(m *common, msg tea.Msg) tea.Cmd {
	_, done, cmd := s.f.update(msg)
	if !done {
		return cmd
	}
	a := s.answers(m)
	if vs := rules.CheckMigrationAnswers(a); len(vs) > 0 {
		s.tried = true
		s.f.reopen(m.st, vs[0].Field)
		return nil
	}
	o := s.mig.Options
	o.To, o.Namespace, o.Clean = a.To, a.Namespace, s.path.visible() && s.path.choice == 1
	o.SaveSecret = ""
	if s.save.visible() {
		o.SaveSecret = a.SaveTo
		if abs, err := filepath.Abs(a.SaveTo); err == nil {
			o.SaveSecret = abs // the record keeps where it is, wherever it continues
		}
	}
	o.KeepCertificate, o.AllowInsecure = a.KeepCertificate, a.AllowInsecure
	if strings.EqualFold(a.Namespace, s.mig.Plan.Namespace) && strings.EqualFold(s.mig.Plan.Namespace, s.mig.Plan.Name) {
		o.Namespace = "" // the default: it follows the name
	}
	s.stage, s.err = migrateReading, nil
	s.req = m.data.nextReq("migrate")
	return m.calls.planMigration(s.req, o)
}

// summary is what the scrollback keeps after the wizard.
func (s *migrateScreen) summary() string {
	switch {
	case s.stage != migrateDone || s.mig == nil:
		return "Nothing was migrated."
	case s.err != nil:
		return fmt.Sprintf("The move of %s stopped: %s\n  continue it with: amlaks status %s -w %s (or the wizard's Move a legacy AKS compute)", s.mig.Legacy.Name, s.err.Error(), s.mig.Plan.Name, s.mig.Plan.Workspace.Name)
	}
	out := fmt.Sprintf("Moved %s to Kubernetes compute %s (%s, namespace %s), verified", s.mig.Legacy.Name, s.mig.Plan.Name, s.mig.Path, s.mig.Plan.Namespace)
	if !s.rep.Detached {
		out += fmt.Sprintf("\n  %s is still attached; detach it (never delete it) with: amlaks migrate %s -w %s --detach-legacy", s.mig.Legacy.Name, s.mig.Legacy.Name, s.mig.Plan.Workspace.Name)
	}
	return out
}

// modeScreen is the Mode step, with "Move a legacy AKS compute" added
// once the workspace's computes are known to hold one.
type modeScreen struct {
	*choiceScreen
	base func(m *common) []choice
	last string
}

func (s *modeScreen) enter(m *common) tea.Cmd {
	s.load = func(m *common) []choice {
		cs := s.base(m)
		if all, sl := m.data.computesData(); sl.ok && wizard.HasLegacy(all) {
			cs = append(cs, tableChoices([]wizard.Choice{wizard.MigrateChoice})...)
		}
		return cs
	}
	_, sl := m.data.computesData()
	s.last = slotSig(sl)
	return tea.Batch(s.choiceScreen.enter(m), m.calls.fetchComputes(false))
}

func (s *modeScreen) update(m *common, msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tea.KeyPressMsg); !ok {
		if _, sl := m.data.computesData(); slotSig(sl) != s.last {
			s.last = slotSig(sl)
			cur := s.cursor
			s.choices = s.load(m)
			s.cursor = min(cur, len(s.choices)-1)
		}
	}
	return s.choiceScreen.update(m, msg)
}
