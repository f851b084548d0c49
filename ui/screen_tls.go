package ui

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/files"
)

// tlsScreen is the optional TLS step: off, a Microsoft certificate for a
// leaf domain label, or your own certificate and key files (read in a Cmd,
// never shown) with a CNAME, checked with rules.CheckTLS as typed.
type tlsScreen struct {
	f                     *form
	mode, leaf, overwrite *formField
	cert, key, cname      *formField
	fileErr               map[string]string // field → "cannot read …"
	reading               map[string]string // field → path being read
	loaded                bool
	tls                   rules.TLS // the answer being edited
	browse                *browser  // the file picker, open over the form
	// modes are the TLS modes the compute type can do, in the order of
	// the mode field's choices (its Variant's TLS.Modes)
	modes   []rules.TLSMode
	variant wizard.ComputeType // whose modes they are
	// touched are the fields edited, tried whether the form was submitted:
	// an empty field says what it needs only then, not before anything is
	// typed
	touched map[string]bool
	tried   bool
}

type (
	fileDueMsg struct {
		req         int
		field, path string
	}
	fileMsg struct {
		req         int
		field, path string
		data        []byte
		err         error
	}
)

func newTLSScreen() screen {
	s := &tlsScreen{fileErr: map[string]string{}, reading: map[string]string{}}
	s.mode = choiceField("ssl", "TLS")
	s.offer(wizard.VariantOf(string(wizard.ComputeAKS)))
	ms := func() bool { return s.chosen() == rules.TLSMicrosoft }
	own := func() bool { return s.chosen() == rules.TLSCustom }
	s.leaf = textField("ssl-leaf-domain-label", "Leaf domain label", "myscoring")
	s.leaf.show = ms
	s.overwrite = choiceField("ssl-overwrite-existing-domain", "Overwrite existing", "No", "Yes")
	s.overwrite.show = ms
	s.cert = textField("ssl-cert-file", "Certificate file", "cert.pem")
	s.cert.show = own
	s.key = textField("ssl-key-file", "Key file", "key.pem")
	s.key.show = own
	s.cname = textField("ssl-cname", "CNAME", "scoring.contoso.com")
	s.cname.show = own
	s.f = &form{fields: []*formField{s.mode, s.leaf, s.overwrite, s.cert, s.key, s.cname}}
	return s
}

// chosen is the TLS mode of the mode field's choice.
func (s *tlsScreen) chosen() rules.TLSMode {
	if s.mode.choice >= 0 && s.mode.choice < len(s.modes) {
		return s.modes[s.mode.choice]
	}
	return rules.TLSOff
}

// offer sets the modes the compute type can do.
func (s *tlsScreen) offer(v wizard.Variant) {
	s.variant = v.Type
	s.mode.choices, s.modes = nil, nil
	for _, c := range v.TLS.Modes {
		s.mode.choices = append(s.mode.choices, c.Label)
		s.modes = append(s.modes, c.Mode)
	}
}

// literalQuestionMark: file paths may hold '?'.
func (s *tlsScreen) literalQuestionMark() {}

func (s *tlsScreen) enter(m *common) tea.Cmd {
	if s.loaded && s.variant == m.Plan().Variant().Type {
		s.f.open(m.st, false)
		return nil
	}
	s.loaded = true
	s.offer(m.Plan().Variant())
	s.touched, s.tried = map[string]bool{}, false
	t := m.Plan().TLS
	s.tls = t
	s.mode.choice = 0
	for i, mode := range s.modes {
		if mode == t.Mode {
			s.mode.choice = i
		}
	}
	s.leaf.text = t.LeafDomainLabel
	s.overwrite.choice = 0
	if t.Overwrite {
		s.overwrite.choice = 1
	}
	s.cert.text, s.key.text, s.cname.text = t.CertFile, t.KeyFile, t.CNAME
	s.f.open(m.st, true)
	return tea.Batch(s.read(m, s.cert), s.read(m, s.key))
}

// read schedules (debounced) the read of a file field.
func (s *tlsScreen) read(m *common, f *formField) tea.Cmd {
	path := files.ExpandHome(f.value())
	req := m.data.nextReq("file:" + f.id)
	delete(s.fileErr, f.id)
	if path == "" {
		delete(s.reading, f.id)
		return nil
	}
	s.reading[f.id] = path
	id := f.id
	return tea.Tick(m.debounce, func(time.Time) tea.Msg { return fileDueMsg{req: req, field: id, path: path} })
}

func (s *tlsScreen) busy() bool { return len(s.reading) > 0 }

// apply writes the form into the plan (PEM contents come from fileMsg).
func (s *tlsScreen) apply(m *common) {
	t := s.tls
	t.Mode = s.chosen()
	t.LeafDomainLabel = s.leaf.value()
	t.Overwrite = s.overwrite.choice == 1
	if t.CertFile != files.ExpandHome(s.cert.value()) {
		t.CertPEM = nil
	}
	if t.KeyFile != files.ExpandHome(s.key.value()) {
		t.KeyPEM = nil
	}
	t.CertFile, t.KeyFile, t.CNAME = files.ExpandHome(s.cert.value()), files.ExpandHome(s.key.value()), s.cname.value()
	s.tls = t
}

func (s *tlsScreen) messages(m *common) (map[string][]string, []string) {
	out := map[string][]string{}
	var all []string
	vs := rules.CheckTLS(s.tls, m.Plan().Network.Internal(), m.now)
	if m.Plan().Variant().TLS.PlainHTTP && s.tls.Mode != rules.TLSCustom {
		// the type's own rules (no Microsoft certificate; off is plain
		// HTTP) are the step's check, on the plan as this answer and
		// its decider would leave it
		trial := m.Plan().Clone()
		if err := trial.Answer(wizard.FTLS, s.tls); err == nil {
			wizard.DecideInsecure(trial)
			vs = wizard.Check(trial, wizard.StepTLS, m.show.known())
		}
	}
	for _, v := range vs {
		if f := s.f.field(v.Field); f != nil && f.isText() && f.value() == "" && !s.touched[v.Field] && !s.tried {
			continue // nothing typed there yet: said when the form is submitted
		}
		if e, ok := s.fileErr[v.Field]; ok && s.tls.Mode == rules.TLSCustom {
			v.Message = e
		}
		if _, ok := s.reading[v.Field]; ok && s.tls.Mode == rules.TLSCustom {
			continue // not read yet
		}
		if len(out[v.Field]) == 0 || out[v.Field][0] != v.Message {
			out[v.Field] = append(out[v.Field], v.Message)
			all = append(all, v.Message)
		}
	}
	return out, all
}

func (s *tlsScreen) update(m *common, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case fileDueMsg:
		if !m.data.isLatest("file:"+msg.field, msg.req) {
			return nil
		}
		return m.calls.readPEM(msg.req, msg.field, msg.path)
	case fileMsg:
		if !m.data.isLatest("file:"+msg.field, msg.req) {
			return nil
		}
		delete(s.reading, msg.field)
		if msg.err != nil {
			why := msg.err
			var pe *fs.PathError
			if errors.As(msg.err, &pe) {
				why = pe.Err
			}
			s.fileErr[msg.field] = "cannot read " + msg.path + ": " + why.Error()
			msg.data = nil
		}
		switch msg.field {
		case s.cert.id:
			s.tls.CertPEM = msg.data
		case s.key.id:
			s.tls.KeyPEM = msg.data
		}
		return nil
	case browsedMsg:
		if s.browse == nil || msg.b != s.browse {
			return nil
		}
		return s.browse.ready(msg.form)
	}
	if s.browse != nil {
		return s.updateBrowse(m, msg)
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, m.keys.Browse) {
		if f := s.f.focused(); f == s.cert || f == s.key {
			return s.openBrowse(m, f)
		}
	}
	focus := s.f.focused()
	changed, done, cmd := s.f.update(msg)
	if changed || done {
		s.apply(m)
	}
	if changed {
		s.touched[focus.id] = true
	}
	if done {
		return s.submit(m)
	}
	if changed && (focus == s.cert || focus == s.key) {
		return tea.Batch(cmd, s.read(m, focus))
	}
	return cmd
}

// submit answers the step from the completed form, or opens it again on
// the field to mend.
func (s *tlsScreen) submit(m *common) tea.Cmd {
	s.tried = true
	if len(s.reading) > 0 {
		s.f.reopen(m.st, s.cname.id)
		m.nav.Flash("reading the certificate files… press Enter again in a moment")
		return nil
	}
	if fields, all := s.messages(m); len(all) > 0 {
		first := s.mode.id
		for _, f := range s.f.fields {
			if len(fields[f.id]) > 0 && f.visible() {
				first = f.id
				break
			}
		}
		s.f.reopen(m.st, first)
		m.nav.Flash("not yet: " + all[0])
		return nil
	}
	return answer(wizard.FTLS, s.tls)
}

// openBrowse opens huh's file picker for a PEM file field, in the
// directory of the path typed (~ expanded) or the working directory.
func (s *tlsScreen) openBrowse(m *common, f *formField) tea.Cmd {
	types := []string{".pem", ".crt", ".cer"}
	if f == s.key {
		types = []string{".pem", ".key"}
	}
	b := &browser{field: f, title: f.label, types: types, height: max(4, m.height-14), noColor: m.st.noColor}
	if p := files.ExpandHome(f.value()); p != "" {
		b.dir = p // a folder typed, or the folder of a file typed
		if !strings.HasSuffix(f.value(), "/") {
			b.dir = filepath.Dir(p)
		}
	}
	s.browse = b
	return b.open()
}

// updateBrowse gives msg to the open picker; a pick fills the field.
func (s *tlsScreen) updateBrowse(m *common, msg tea.Msg) tea.Cmd {
	picked, done, cmd := s.browse.update(msg)
	if !done {
		return cmd
	}
	f := s.browse.field
	s.browse = nil
	if picked == "" {
		return nil
	}
	f.setText(picked)
	s.touched[f.id] = true
	s.apply(m)
	s.f.advance()
	return s.read(m, f)
}

// esc closes the file picker first.
func (s *tlsScreen) esc(m *common) bool {
	if s.browse == nil {
		return false
	}
	s.browse = nil
	return true
}

func (s *tlsScreen) view(m *common, w, h int) string {
	msgs, _ := s.messages(m)
	var b strings.Builder
	b.WriteString(wrap(m.st.Muted.Render("Optional: HTTPS for the scoring endpoint. Enter keeps it off."), w) + "\n\n")
	if s.browse != nil {
		b.WriteString(s.browse.view(m, w))
		return b.String()
	}
	b.WriteString(s.f.view(w, msgs))
	b.WriteString("\n")
	t := s.tls
	switch t.Mode {
	case rules.TLSMicrosoft:
		b.WriteString(wrap(m.st.Muted.Render("The endpoint gets a name under the region's cloudapp domain with a certificate Microsoft renews."), w) + "\n")
	case rules.TLSCustom:
		for _, f := range []*formField{s.cert, s.key} {
			if p, ok := s.reading[f.id]; ok {
				b.WriteString(m.spinner + " reading " + p + "…\n")
			}
		}
		if line := rules.TLSReadLine(t, m.Plan().Network.Internal(), m.now); line != "" && len(s.reading) == 0 {
			b.WriteString(wrap(m.st.OK.Render(line), w) + "\n")
		}
	}
	if note := m.Plan().Variant().TLS.Note; note != "" {
		b.WriteString(m.st.note(note, w))
	}
	if m.Plan().Network.Internal() && t.Mode != rules.TLSCustom {
		b.WriteString(m.st.note("the internal load balancer needs your own certificate for TLS", w))
	}
	return b.String()
}

func (s *tlsScreen) help(m *common) []key.Binding {
	k := m.keys
	if s.browse != nil {
		return []key.Binding{withHelp(k.Enter, "open · pick"), key.NewBinding(key.WithKeys("h"), key.WithHelp("h/←", "up a folder")), withHelp(k.Back, "close")}
	}
	h := s.f.help(k)
	if f := s.f.focused(); f == s.cert || f == s.key {
		h = append(h, k.Browse)
	}
	return h
}

func (s *tlsScreen) typing(m *common) bool  { return s.browse != nil || s.f.focused().isText() }
func (s *tlsScreen) needs(m *common) []need { return nil }
