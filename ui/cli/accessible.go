package cli

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/colorprofile"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// The accessible mode (--accessible, ACCESSIBLE=1, TERM=dumb) walks the
// same step table as the TUI (wizard.Flow, wizard.Next) and asks each step
// as a huh field run in huh's accessible mode: numbered choices and plain
// line prompts on stderr, no colour, no animation. Every answer is checked
// with the step's check as it is given and asked again at once when it
// fails, keeping every earlier answer.

// walker walks the flow of one plan.
type walker struct {
	a      *app
	q      asker
	p      *wizard.Plan
	k      wizard.Known
	got    map[wizard.Load]string // the inputs each load was fetched for
	f      *submitFlags
	guard  *wizard.Guard
	backTo wizard.StepID
	// tlsWhy is why the certificate files given by flags could not be read.
	tlsWhy string
	// rep is the review's preflight (the current path's submit runs its
	// phases from it).
	rep wizard.Report
}

// errDone ends the walk without an error (the user declined to submit);
// errBack goes back to walker.backTo (the TUI's Esc).
var errDone, errBack = errors.New("done"), errors.New("back")

// runAccessible is the whole wizard as accessible prompts (no command).
func (a *app) runAccessible() error {
	s, err := a.session()
	if err != nil {
		return err
	}
	p := wizard.NewPlan(wizard.ModeCreate)
	a.applyGlobals(nil, p, s)
	return a.accessible(p, &submitFlags{})
}

// accessible asks every step of p's flow that flags did not answer, then
// reviews, submits and follows, as the TUI does.
func (a *app) accessible(p *wizard.Plan, f *submitFlags) error {
	s, err := a.session()
	if err != nil {
		return err
	}
	a.s.Err = &lockedWriter{w: a.s.Err}
	w := &walker{a: a, p: p, f: f, guard: &wizard.Guard{LockDir: a.sess.LockDir, RecordDir: a.sess.RecordDir}, got: map[wizard.Load]string{},
		q: asker{in: a.lines(), out: &colorprofile.Writer{Forward: a.s.Err, Profile: colorprofile.NoTTY}}}
	if !a.s.InTTY {
		w.q.in.echo = w.q.out
	}
	if s.Demo {
		fmt.Fprintln(w.q.out, "SIMULATED Azure (demo mode): nothing here touches a real subscription.")
	}
	if err := p.LoadTLSFiles(); err != nil {
		w.tlsWhy = strings.ReplaceAll(err.Error(), "\n", "; ")
		p.Mark(wizard.FTLS, wizard.Unset) // asked, with the reason, the flags as its answers
	}
	if err := w.load(); err != nil {
		return err
	}
	for cur := wizard.Next(p, "", w.k); cur != ""; {
		err := w.ask(cur)
		switch {
		case errors.Is(err, errBack):
			cur = w.backTo
			continue
		case errors.Is(err, errDone):
			return nil
		case errors.Is(err, errEOF):
			return exit(ExitInterrupted, fmt.Errorf("end of input at %s: nothing was sent", wizard.StepOf(cur).Title))
		case err != nil:
			return err
		}
		if err := w.load(); err != nil {
			return err
		}
		cur = wizard.Next(p, cur, w.k)
	}
	return nil
}

// load fetches what the checks of the flow need, stage by stage like
// wizard.Gather, again whenever an answer changed the inputs of a load.
func (w *walker) load() error {
	p, sub := w.p, []wizard.Load{wizard.LoadSubscriptions}
	if !(rules.IsGUID(p.Subscription) && p.Given(wizard.FSubscription)) && w.stale(sub) != nil {
		if err := w.fetch(sub); err != nil {
			return err
		}
		wizard.DecideSubscription(p, w.k.Subscriptions)
	}
	if ws := []wizard.Load{wizard.LoadWorkspaces}; w.stale(ws) != nil {
		if err := w.fetch(ws); err != nil {
			return err
		}
		if (p.From(wizard.FWorkspace) != wizard.Asked || p.Workspace.ID == "") && len(wizard.DecideWorkspace(p, w.k.Workspaces)) == 0 {
			wizard.DefaultRegion(p, false)
		}
	}
	if err := w.fetch(w.stale(wizard.Needs(p))); err != nil {
		return err
	}
	// names given by flags become the listed ones (as Gather does)
	if r, ok := wizard.FindRegion(w.k.Regions, p.Region); ok && p.Mode == wizard.ModeCreate {
		p.Region = r.Name
	}
	if w.k.Sizes != nil {
		if z, ok := w.k.Sizes.Find(p.VMSize); ok {
			p.VMSize = z.Name
		}
	}
	if w.k.HaveClusters && p.Mode == wizard.ModeAttach && p.Given(wizard.FCluster) {
		if cl, ok := wizard.FindCluster(w.k.Clusters, p.ClusterID); ok {
			p.ClusterID, p.Cluster = cl.ID, &cl
		} else if p.ClusterID == "" && p.ClusterName != "" {
			p.ResolveClusterName(w.k.Clusters)
		}
	}
	return nil
}

func (w *walker) key(l wizard.Load) string {
	p := w.p
	switch l {
	case wizard.LoadWorkspaces, wizard.LoadRegions, wizard.LoadClusters, wizard.LoadAttachments:
		return p.Subscription
	case wizard.LoadComputes:
		return p.Workspace.ID
	case wizard.LoadSizes, wizard.LoadVersions:
		if p.Region == "" {
			return ""
		}
		return p.Subscription + "/" + strings.ToLower(p.Region)
	}
	return "-"
}

// stale keeps the loads whose inputs are known and changed since fetched.
func (w *walker) stale(ls []wizard.Load) []wizard.Load {
	var out []wizard.Load
	for _, l := range ls {
		if k := w.key(l); k != "" && w.got[l] != k {
			out = append(out, l)
		}
	}
	return out
}

func (w *walker) fetch(ls []wizard.Load) error {
	if len(ls) == 0 {
		return nil
	}
	if err := wizard.Fetch(w.a.ctx, w.a.sess.Cloud, w.p, ls, &w.k); err != nil {
		return err
	}
	for _, l := range ls {
		w.got[l] = w.key(l)
	}
	return nil
}

// label is the step as the TUI's header names it: "3/7 Cluster purpose".
func (w *walker) label(id wizard.StepID) string {
	if n, total := wizard.PositionFor(w.p, id); n > 0 && w.p.Mode != wizard.ModeList {
		return fmt.Sprintf("%d/%d %s", n, total, wizard.StepOf(id).Title)
	}
	return wizard.StepOf(id).Title
}

// ask asks one step, as its kind says.
func (w *walker) ask(id wizard.StepID) error {
	why := wizard.Why(w.p, id, w.k)
	if id == wizard.StepTLS && w.tlsWhy != "" {
		why = w.tlsWhy
	}
	if why != "" {
		fmt.Fprintln(w.q.out, why)
	}
	if st := wizard.StepOf(id); st.Kind != wizard.KindView && st.Kind != wizard.KindAction && id != wizard.StepNodes {
		fmt.Fprintln(w.q.out, st.Title+": "+st.Help)
	}
	done := w.a.ctx.Done()
	switch st := wizard.StepOf(id); st.Kind {
	case wizard.KindChoice:
		if id == wizard.StepSubscription && !w.k.HaveSubscriptions {
			if err := w.fetch([]wizard.Load{wizard.LoadSubscriptions}); err != nil {
				return err
			}
		}
		if id == wizard.StepMode {
			// "Move a legacy AKS compute" is offered when the workspace has one
			if err := w.fetch(w.stale([]wizard.Load{wizard.LoadComputes})); err != nil {
				return err
			}
		}
		return w.choose(id)
	case wizard.KindText, wizard.KindNumber:
		return w.text(id)
	case wizard.KindForm:
		switch id {
		case wizard.StepNetwork:
			return w.network(done)
		case wizard.StepNewCluster:
			return w.newCluster(done)
		}
		if err := w.tls(done); err != nil {
			return err
		}
		if wizard.DecideInsecure(w.p); w.p.Variant().TLS.PlainHTTP && w.p.AllowInsecure && w.p.TLS.Mode == rules.TLSOff {
			fmt.Fprintln(w.q.out, "no certificate: scoring requests go over plain HTTP (allowInsecureConnections is set); give your own certificate for production")
		}
		return nil
	case wizard.KindView:
		if id == wizard.StepReview {
			return w.review(done)
		}
		return w.versions(done)
	case wizard.KindAction:
		if id == wizard.StepList {
			return w.a.printList(w.p)
		}
		if id == wizard.StepMigrate {
			return w.migrate(done)
		}
		return w.submit()
	}
	return nil
}

// verdict is the step's check over a trial plan, as an error.
func (w *walker) verdict(id wizard.StepID, trial *wizard.Plan) error {
	for _, v := range wizard.Check(trial, id, w.k) {
		if v.Code == "range-empty" && id == wizard.StepAPIAccess {
			continue // the ranges are asked next
		}
		if v.Code != "unresolved" {
			return errors.New(v.Message)
		}
	}
	if id == wizard.StepVMSize || id == wizard.StepNodes {
		return w.quota(id, trial)
	}
	return nil
}

// quota: the node count must fit the quota, as the TUI's node meter
// requires; a size whose smallest cluster cannot fit is refused at once
// (the node count, a line prompt, offers no way back to the size).
func (w *walker) quota(id wizard.StepID, p *wizard.Plan) error {
	if w.k.Sizes == nil || w.k.Sizes.QuotaUnknown {
		return nil
	}
	z, ok := w.k.Sizes.Find(p.VMSize)
	if !ok {
		return nil
	}
	n := p.Nodes
	if id == wizard.StepVMSize {
		n = p.SizeCheck(z.Name, 1, z.VCPUs).MinNodes
	}
	for _, q := range []rules.Quota{z.FamilyQuota, w.k.Sizes.RegionQuota} {
		if qc := rules.CheckQuota(q, n*z.VCPUs); !qc.OK {
			if id == wizard.StepVMSize {
				return fmt.Errorf("even the smallest %s cluster (%d × %s) does not fit the quota: %s", strings.ToLower(p.Purpose.Label()), n, z.Name, qc.Message)
			}
			return errors.New(qc.Message)
		}
	}
	return nil
}

// option is one answer of a choice step.
type option struct {
	label string
	cur   bool
	set   func(p *wizard.Plan)
}

func (w *walker) choose(id wizard.StepID) error {
	st := wizard.StepOf(id)
	opts := w.options(id)
	if len(opts) == 0 {
		return &Invalid{wizard.Check(w.p, id, w.k)}
	}
	labels, cur := make([]string, len(opts)), -1
	for i, o := range opts {
		labels[i] = o.label
		if o.cur && cur < 0 {
			cur = i
			labels[i] += map[bool]string{true: " (default)", false: " (current)"}[w.p.From(st.Field) <= wizard.Default]
		}
	}
	back := w.back(id)
	if back != "" {
		labels = append(labels, "Back to "+w.label(back))
	}
	i, err := w.q.choose(w.a.ctx.Done(), w.label(id), labels, cur, func(i int) error {
		if i == len(opts) {
			return nil
		}
		trial := w.p.Clone()
		opts[i].set(trial)
		return w.verdict(id, trial)
	})
	if err != nil {
		return err
	}
	if i == len(opts) {
		w.backTo = back
		return errBack
	}
	before := w.p.Value(st.Field)
	opts[i].set(w.p)
	if w.p.Value(st.Field) != before || w.p.From(st.Field) != wizard.Default {
		w.p.Mark(st.Field, wizard.Asked)
	}
	switch {
	case id == wizard.StepAPIAccess && w.p.APIAccess == wizard.APIAuthorized:
		return w.ranges()
	case id == wizard.StepRouter:
		return w.routerHA()
	case id == wizard.StepIdentity && i == 1: // user-assigned
		return w.userIdentity()
	case id == wizard.StepCluster && w.p.Cluster != nil:
		wizard.DecideInstallExtension(w.p, w.k)
		for _, f := range w.findings(*w.p.Cluster) {
			fmt.Fprintln(w.q.out, f.String())
		}
	case id == wizard.StepVMSize:
		if note := w.p.Variant().SizeNote(w.size(w.p.VMSize)); note != "" {
			fmt.Fprintln(w.q.out, "note: "+note)
		}
	}
	return nil
}

// back is where the TUI's Esc goes from id: the step before that asked
// something; from the workspace, the subscription list unless a flag
// named the subscription.
func (w *walker) back(id wizard.StepID) wizard.StepID {
	back := wizard.Prev(w.p, id, w.k)
	for back != "" && wizard.StepOf(back).Kind == wizard.KindView {
		back = wizard.Prev(w.p, back, w.k)
	}
	if back == "" && id == wizard.StepWorkspace && w.p.From(wizard.FSubscription) != wizard.Flag {
		back = wizard.StepSubscription
	}
	return back
}

// options are the answers of a choice step, from what was loaded.
func (w *walker) options(id wizard.StepID) []option {
	p, k := w.p, w.k
	var out []option
	if st := wizard.StepOf(id); st.Choices != nil {
		// a choice of the table: its words, its answer
		cs := st.Choices(*p)
		if id == wizard.StepMode && wizard.HasLegacy(k.Computes) {
			cs = append(cs, wizard.MigrateChoice) // as the TUI's Mode step
		}
		for _, c := range cs {
			out = append(out, option{choiceLabel(c), st.Chosen(*p) == c.Value, func(q *wizard.Plan) { _ = q.Answer(st.Field, st.AnswerOf(c.Value)) }})
		}
		return out
	}
	switch id {
	case wizard.StepSubscription:
		for _, s := range k.Subscriptions {
			out = append(out, option{s.Name + "  " + s.ID + "  " + s.State, s.ID == p.Subscription, func(q *wizard.Plan) {
				if s.ID != q.Subscription && !q.Given(wizard.FWorkspace) {
					q.Workspace = wizard.Workspace{}
				}
				q.Subscription = s.ID
			}})
		}
	case wizard.StepWorkspace:
		for _, ws := range k.Workspaces {
			out = append(out, option{fmt.Sprintf("%s  (resource group %s, %s)", ws.Name, ws.ResourceGroup, ws.Region), strings.EqualFold(ws.ID, p.Workspace.ID), func(q *wizard.Plan) {
				changed := !strings.EqualFold(q.Workspace.ID, ws.ID)
				q.Workspace = ws
				wizard.DefaultRegion(q, changed)
			}})
		}
	case wizard.StepRegion:
		for _, r := range k.Regions {
			l := r.DisplayName + " (" + r.Name + ")"
			if strings.EqualFold(r.Name, p.Workspace.Region) {
				l += ", the workspace's region"
			}
			out = append(out, option{l, strings.EqualFold(r.Name, p.Region), func(q *wizard.Plan) { q.Region = r.Name }})
		}
	case wizard.StepVMSize:
		if k.Sizes == nil {
			return nil
		}
		sizes := slices.Clone(k.Sizes.Sizes)
		slices.SortStableFunc(sizes, func(a, b wizard.VMSize) int {
			return wizard.NaturalCompare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		})
		hidden := 0
		for _, z := range sizes {
			cur := strings.EqualFold(z.Name, p.VMSize)
			if z.Restricted != "" && !cur {
				hidden++ // hidden as in the TUI's table
				continue
			}
			out = append(out, option{sizeLabel(z, k.Sizes.QuotaUnknown), cur, func(q *wizard.Plan) { q.VMSize = z.Name }})
		}
		if hidden > 0 {
			fmt.Fprintf(w.q.out, "%s not available to this subscription in %s left out\n", rules.Plural(hidden, "size"), p.Region)
		}
	case wizard.StepK8sVersion:
		pre := wizard.Offer(*p, wizard.StepK8sVersion, k)
		for _, v := range rules.SortVersions(k.Versions) {
			patch := v.Version
			if l := v.PatchList(); len(l) > 0 {
				patch = l[len(l)-1]
			}
			l := v.Version + " (newest patch " + patch + ")"
			if v.Default {
				l += ", the region's default"
			}
			if v.Preview {
				l += ", preview: no SLA"
			}
			if pl := v.PlanLabel(); pl != "" {
				l += ", " + pl
			}
			out = append(out, option{l, v.Version == pre, func(q *wizard.Plan) { q.KubernetesVersion = patch }})
		}
	case wizard.StepAPIAccess:
		for _, c := range wizard.APIAccessChoices {
			a := wizard.APIAccess(c.Value)
			out = append(out, option{choiceLabel(c), p.APIAccess == a, func(q *wizard.Plan) {
				if q.APIAccess = a; a != wizard.APIAuthorized {
					q.AuthorizedRanges = nil
				}
			}})
		}
	case wizard.StepRouter:
		for _, c := range wizard.RouterChoices {
			r := wizard.Router(c.Value)
			out = append(out, option{choiceLabel(c), p.Router == r, func(q *wizard.Plan) { q.Router = r }})
		}
	case wizard.StepIdentity:
		user := p.Identity
		for _, c := range wizard.IdentityChoices {
			if c.Value == "system" {
				out = append(out, option{choiceLabel(c), wizard.IsSystemIdentity(p.Identity), func(q *wizard.Plan) { q.Identity = "" }})
				continue
			}
			out = append(out, option{choiceLabel(c), !wizard.IsSystemIdentity(p.Identity), func(q *wizard.Plan) {
				if wizard.IsSystemIdentity(q.Identity) {
					q.Identity = user // its resource ID is asked next
				}
			}})
		}
	case wizard.StepCluster:
		for _, cl := range k.Clusters {
			l := fmt.Sprintf("[%s] %s  (resource group %s, %s, Kubernetes %s, %d nodes, %d vCPUs)", badgeOf(w.findings(cl)), cl.Name, cl.ResourceGroup, cl.Region, cl.Version, cl.Nodes(), cl.VCPUs())
			for _, f := range w.findings(cl) {
				if f.Severity != rules.Info {
					l += "\n     " + f.String()
				}
			}
			out = append(out, option{l, p.ClusterID != "" && rules.SameCluster(cl.ID, p.ClusterID), func(q *wizard.Plan) {
				q.ClusterID, q.ClusterName, q.ClusterGroup, q.Cluster = cl.ID, "", "", &cl
			}})
		}
	}
	return out
}

// choiceLabel is a field's choice as the accessible mode lists it: the
// wizard's label and its description.
func choiceLabel(c wizard.Choice) string { return c.Label + ": " + c.Help }

// choiceLabels are the accessible labels of a field's choices.
func choiceLabels(cs []wizard.Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = choiceLabel(c)
	}
	return out
}

// ranges asks the authorized IP ranges after authorized API access,
// checked by the step's own check.
func (w *walker) ranges() error {
	p := w.p
	ans, err := w.q.text(w.a.ctx.Done(), w.label(wizard.StepAPIAccess)+": authorized IP ranges (comma-separated)", strings.Join(p.AuthorizedRanges, ", "), func(s string) error {
		trial := p.Clone()
		trial.AuthorizedRanges = wizard.RangesAsTyped(s)
		return w.verdict(wizard.StepAPIAccess, trial)
	})
	if err != nil {
		return err
	}
	return p.Answer(wizard.FAPIAccess, wizard.APIAnswer{Access: wizard.APIAuthorized, Ranges: wizard.RangesAsTyped(ans)})
}

// routerHA asks the router's high availability after its service, as the
// wizard's router form does; Enter keeps what the node count gives.
func (w *walker) routerHA() error {
	p := w.p
	labels := choiceLabels(wizard.RouterHAChoices)
	cur := map[bool]int{true: 0, false: 1}[p.HA()]
	i, err := w.q.choose(w.a.ctx.Done(), w.label(wizard.StepRouter)+": high availability", labels, cur, func(i int) error {
		trial := p.Clone()
		if err := trial.Answer(wizard.FRouter, wizard.RouterAnswer{Router: p.Router, HA: i == 0}); err != nil {
			return err
		}
		return w.verdict(wizard.StepRouter, trial)
	})
	if err != nil {
		return err
	}
	return p.Answer(wizard.FRouter, wizard.RouterAnswer{Router: p.Router, HA: i == 0})
}

// userIdentity asks a user-assigned identity's resource ID.
func (w *walker) userIdentity() error {
	p := w.p
	ans, err := w.q.text(w.a.ctx.Done(), w.label(wizard.StepIdentity)+": identity resource ID", p.Identity, func(s string) error {
		if wizard.IsSystemIdentity(s) {
			return errors.New("give the user-assigned identity's resource ID (/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/NAME)")
		}
		trial := p.Clone()
		trial.Identity = s
		return w.verdict(wizard.StepIdentity, trial)
	})
	if err != nil {
		return err
	}
	return p.Answer(wizard.FIdentity, ans)
}

func sizeLabel(z wizard.VMSize, quotaUnknown bool) string {
	l := z.Name + "  " + z.Shape()
	if z.PricePerHour > 0 {
		l += fmt.Sprintf(", $%.3f/h", z.PricePerHour)
	}
	if !quotaUnknown && z.FamilyQuota.Name != "" {
		l += fmt.Sprintf(", %d vCPUs of quota left", z.FamilyQuota.Free())
	}
	if z.GPUs > 0 {
		l += ", " + rules.Plural(z.GPUs, "GPU")
	}
	if z.Restricted != "" {
		l += "; not available: " + z.Restricted
	}
	return l
}

// size is the named size of the plan's region (zero when unknown).
func (w *walker) size(name string) wizard.VMSize {
	var z wizard.VMSize
	if w.k.Sizes != nil {
		z, _ = w.k.Sizes.Find(name)
	}
	return z
}

// findings are a cluster's own findings for the plan (the picker's badge).
func (w *walker) findings(cl wizard.Cluster) []rules.Finding {
	return wizard.ClusterFacts(cl, w.p, w.k.ClusterVersions[strings.ToLower(cl.Region)], wizard.PairsOf(w.k.Regions, w.p.Workspace.Region), w.k.Attachments.Of(cl.ID))
}

// badgeOf is block, warn or ok.
func badgeOf(fs []rules.Finding) string {
	worst := "ok"
	for _, f := range fs {
		switch f.Severity {
		case rules.Block:
			return "block"
		case rules.Warn:
			worst = "warn"
		}
	}
	return worst
}

// text asks the name or the node count.
func (w *walker) text(id wizard.StepID) error {
	p, st := w.p, wizard.StepOf(id)
	set := func(q *wizard.Plan, s string) error { q.Name = s; return nil }
	if id == wizard.StepNamespace {
		set = func(q *wizard.Plan, s string) error { q.Namespace = s; return nil }
	}
	if id == wizard.StepNodes {
		z := w.size(p.VMSize)
		fmt.Fprintln(w.q.out, p.SizeCheck(z.Name, max(p.Nodes, 1), z.VCPUs).Rule)
		set = func(q *wizard.Plan, s string) (err error) {
			if q.Nodes, err = strconv.Atoi(s); err != nil {
				return fmt.Errorf("%q is not a whole number", s)
			}
			return nil
		}
	}
	back := w.back(id)
	if back != "" {
		fmt.Fprintf(w.q.out, "(< goes back to %s)\n", w.label(back))
	}
	def := wizard.Offer(*p, id, w.k)
	ans, err := w.q.text(w.a.ctx.Done(), w.label(id), def, func(s string) error {
		if s == "<" && back != "" {
			return nil
		}
		trial := p.Clone()
		if err := set(trial, s); err != nil {
			return err
		}
		return w.verdict(id, trial)
	})
	if err != nil {
		return err
	}
	if ans == "<" && back != "" {
		w.backTo = back
		return errBack
	}
	before := p.Value(st.Field)
	_ = set(p, ans)
	if p.Value(st.Field) != before || p.From(st.Field) != wizard.Default {
		p.Mark(st.Field, wizard.Asked)
	}
	if id == wizard.StepNodes {
		z := w.size(p.VMSize)
		if sc := p.SizeCheck(z.Name, p.Nodes, z.VCPUs); len(sc.Advice) > 0 {
			fmt.Fprintf(w.q.out, "warning: %s\n", sc.Advice[0])
		} else {
			fmt.Fprintf(w.q.out, "%s × %s = %d vCPUs: enough for %s\n", rules.Plural(p.Nodes, "node"), rules.Plural(z.VCPUs, "vCPU"), p.Nodes*z.VCPUs, strings.ToLower(p.Purpose.Label()))
		}
	}
	return nil
}

// newCluster asks the name and resource group of the AKS cluster a
// Kubernetes create makes, each checked as given.
func (w *walker) newCluster(done <-chan struct{}) error {
	p := w.p
	name := p.SuggestedClusterName()
	check := func(n, g string) error {
		trial := p.Clone()
		if err := trial.Answer(wizard.FNewCluster, wizard.NewCluster{Name: n, ResourceGroup: g}); err != nil {
			return err
		}
		return w.verdict(wizard.StepNewCluster, trial)
	}
	n, err := w.q.text(done, w.label(wizard.StepNewCluster)+": AKS cluster name", name, func(s string) error { return check(s, p.NewClusterGroup()) })
	if err != nil {
		return err
	}
	g, err := w.q.text(done, "Resource group of the cluster", p.NewClusterGroup(), func(s string) error { return check(n, s) })
	if err != nil {
		return err
	}
	if err := p.Answer(wizard.FNewCluster, wizard.NewCluster{Name: n, ResourceGroup: g}); err != nil {
		return err
	}
	if note := wizard.ExistingClusterNote(p, w.k); note != "" {
		fmt.Fprintln(w.q.out, "note: "+note)
	}
	// a cluster that exists and is not this compute's: the create is the
	// attach of it from here on (what the attach looks at is read first)
	if p.Kubernetes() && p.Mode == wizard.ModeCreate && wizard.ExistingClusterNote(p, w.k) != "" {
		if err := w.fetch([]wizard.Load{wizard.LoadExtensions, wizard.LoadAttachments}); err != nil {
			return err
		}
		wizard.AdoptCluster(p, w.k)
	}
	return nil
}
