package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// The view and action steps of the accessible mode: the Kubernetes
// versions, the review and its confirmation, the submit and the watch of
// the operation (Ctrl+C asks stop watching / keep watching).

// versions shows the Kubernetes versions: in create, the version the
// cluster gets and the region's table; in browse, any region asked for.
func (w *walker) versions(done <-chan struct{}) error {
	p := w.p
	if p.Mode == wizard.ModeBrowse {
		if err := w.fetch([]wizard.Load{wizard.LoadRegions}); err != nil {
			return err
		}
		r, err := w.q.text(done, w.label(wizard.StepVersion)+": region", cmp(p.Region, p.Workspace.Region), func(s string) error {
			if _, ok := wizard.FindRegion(w.k.Regions, s); !ok {
				return fmt.Errorf("unknown region %q: use a name like eastus or westeurope", s)
			}
			return nil
		})
		if err != nil {
			return err
		}
		reg, _ := wizard.FindRegion(w.k.Regions, r)
		return w.a.printVersions(p.Subscription, reg.Name)
	}
	vs, err := w.a.sess.Cloud.Versions(w.a.ctx, p.Subscription, p.Region)
	if err != nil {
		return err
	}
	fmt.Fprintln(w.q.out, w.label(wizard.StepVersion))
	if d, ok := rules.DefaultVersion(vs); ok {
		fmt.Fprintf(w.q.out, "a create in %s gets Kubernetes %s (the region's default); the versions there:\n", p.Region, d.Version)
	}
	t := newTable(w.q.out, "  VERSION", "DEFAULT", "PREVIEW", "SUPPORT PLAN", "PATCHES")
	for _, v := range rules.SortVersions(vs) {
		t.row("  "+v.Version, yesNo(v.Default), yesNo(v.Preview), supportPlanCell(v), strings.Join(sortedPatches(v), ", "))
	}
	t.flush()
	return nil
}

// review runs the preflight and shows the summary, the findings, the
// request and the equivalent command, then asks to submit.
func (w *walker) review(done <-chan struct{}) error {
	p, out := w.p, w.q.out
	wizard.DecideLTS(p, w.k)
	rep, err := wizard.Preflight(w.a.ctx, w.a.sess.Cloud, p, w.guard)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\nSummary: %s\n", w.label(wizard.StepReview), summary(p, w.a.sess.Demo))
	for _, f := range rep.Findings {
		fmt.Fprintln(out, f.String())
	}
	if c := costText(p, rep); c != "" {
		fmt.Fprintf(out, "Cost: %s\n", c)
	}
	w.rep = rep
	if p.Kubernetes() {
		// the phases and what each sends, built by the Cloud's own code
		phases, err := wizard.Phases(w.a.sess.Cloud, p)
		if err != nil {
			return err
		}
		for i, ph := range phases {
			fmt.Fprintf(out, "Phase %d of %d: %s\nRequest: %sEquivalent command:\n%s\n", i+1, len(phases), ph.Title, ph.Request.String(), ph.Equivalent)
		}
	} else {
		// the request Submit sends, built by the Cloud's own code
		req, err := w.a.sess.Cloud.Request(p.WorkspaceRef(), p.Spec())
		if err != nil {
			return err
		}
		az, _ := wizard.Equivalents(p)
		fmt.Fprintf(out, "Request: %sEquivalent command:\n%s\n", req.String(), az)
	}
	if rep.Blocked() {
		return exit(ExitInvalid, &blockedError{rep.Findings})
	}
	ok, err := w.q.yesNo(done, fmt.Sprintf("Submit the %s of %s?", p.Mode, p.Name))
	if err != nil || ok {
		return err
	}
	fmt.Fprintln(out, "nothing was sent")
	return errDone
}

// submit sends the request and follows the operation.
func (w *walker) submit() error {
	a := w.a
	if w.p.Kubernetes() {
		f := w.f
		if f == nil {
			f = &submitFlags{}
		}
		return a.submitKubernetes(w.p, f, w.rep, w.guard)
	}
	op, err := wizard.Submit(a.ctx, a.sess.Cloud, w.p, w.guard)
	if err != nil {
		return err
	}
	defer w.guard.Release(w.p.GuardKey())
	fmt.Fprintf(a.s.Err, "%s of %s accepted by Azure\n", title(string(op.Kind)), op.Name)
	if w.f != nil && w.f.noWait {
		return a.printAccepted(op, wizard.Report{})
	}
	return w.watch(op)
}

// interrupts delivers every Ctrl+C while an operation is watched (the
// first one also cancels the app's context); tests replace it.
var interrupts = func() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, os.Interrupt)
	return ch, func() { signal.Stop(ch) }
}

// watch follows op like line mode; Ctrl+C asks stop watching / keep
// watching as the TUI does, and a second Ctrl+C stops watching (the
// operation goes on in Azure; exit 130 with the status command).
func (w *walker) watch(op wizard.Operation) error {
	a := w.a
	sig, release := interrupts()
	defer release()
	parent := a.ctx
	opCtx, stop := context.WithCancel(context.WithoutCancel(parent))
	defer stop()
	a.ctx = opCtx
	defer func() { a.ctx = parent }()
	ended := make(chan error, 1)
	go func() { ended <- a.follow(op, nil) }()
	ctxDone, cancelled, sigs, base := parent.Done(), 0, 0, 0
	var answer chan bool
	var quit chan struct{}
	for {
		select {
		case err := <-ended:
			return err
		case <-ctxDone:
			ctxDone, cancelled = nil, 1
		case <-sig:
			sigs++
		case keep := <-answer:
			answer = nil
			if !keep {
				stop()
				return <-ended
			}
			fmt.Fprintln(w.q.out, "keep watching")
			base = max(sigs, cancelled)
		}
		n := max(sigs, cancelled) // the first Ctrl+C arrives both ways
		switch {
		case answer != nil && n >= base+2:
			close(quit)
			stop()
			return <-ended
		case answer == nil && n > base:
			answer, quit = make(chan bool, 1), make(chan struct{})
			go func(answer chan<- bool, quit <-chan struct{}) {
				fmt.Fprintf(w.q.out, "Stop watching? Stopping does not cancel the %s of %s: it continues in Azure, and `%s` picks it up again.\n", op.Kind, op.Name, a.command("status "+op.Name, op.Workspace))
				i, err := w.q.choose(quit, "Stop watching", []string{"Keep watching", "Stop watching"}, 0, func(int) error { return nil })
				answer <- err == nil && i == 0
			}(answer, quit)
		}
	}
}

// migrate is "Move a legacy AKS compute": which legacy compute (when the
// workspace has several), then what the move needs that the defaults do
// not give (the path when v1 services are live, the file for the v1
// certificate, TLS, the new compute's name and namespace), each answer
// checked by rules.CheckMigrationAnswers; then the review and the move,
// as `amlaks migrate` runs it. An unfinished migration is continued with
// its own answers.
func (w *walker) migrate(done <-chan struct{}) error {
	a := w.a
	var legacy []wizard.Compute
	for _, c := range w.k.Computes {
		if wizard.IsLegacy(c) {
			legacy = append(legacy, c)
		}
	}
	if len(legacy) == 0 {
		return &wizard.Error{Kind: wizard.ErrBadRequest, Op: "migrate", Message: w.p.Workspace.Name + " has no legacy AKS compute"}
	}
	pick := 0
	if len(legacy) > 1 {
		labels := make([]string, len(legacy))
		for i, c := range legacy {
			labels[i] = c.Name + "  (cluster " + clusterShort(c.ClusterID) + ")"
		}
		i, err := w.q.choose(done, "Which legacy AKS compute moves to a Kubernetes compute?", labels, 0, func(int) error { return nil })
		if err != nil {
			return err
		}
		pick = i
	}
	ask := func(q string) (bool, error) { return w.q.yesNo(done, q) }
	o := wizard.MigrateOptions{Legacy: legacy[pick].Name}
	recs := &wizard.Records{Dir: a.sess.RecordDir}
	if rec, ok, err := recs.Find(a.ctx, w.p.Subscription, w.p.Workspace.ResourceGroup, w.p.Workspace.Name, o.Legacy); err == nil && ok && rec.Migrate != nil {
		fmt.Fprintf(w.q.out, "continuing %s, unfinished since %s (phases left: %s)\n", rec.What(), rec.Started.Local().Format("2006-01-02 15:04"), phaseList(rec.Remaining()))
		return a.migrate(w.p, rec.MigrationOptions(), false, false, ask)
	}
	m, err := wizard.PlanMigration(a.ctx, a.sess.Cloud, w.p, o)
	if err != nil {
		return err
	}
	a.printMigration(m)
	var names []string
	for _, c := range w.k.Computes {
		names = append(names, c.Name)
	}
	live, secret := len(m.State.Services) > 0, m.State.Has("secret/"+wizard.LegacySecret)
	answers := func() rules.MigrationAnswers {
		return rules.MigrationAnswers{To: o.To, Namespace: o.Namespace, Workspace: w.p.Workspace.Name, Existing: names, Clean: !live || o.Clean,
			SecretPresent: secret, SaveTo: o.SaveSecret, LegacyTLS: m.Legacy.SSLStatus != "", KeepCertificate: o.KeepCertificate, AllowInsecure: o.AllowInsecure}
	}
	// check is the answers' first violation of field, with v tried
	check := func(field string, set func(string)) func(string) error {
		return func(v string) error {
			set(v)
			for _, x := range rules.CheckMigrationAnswers(answers()) {
				if x.Field == field {
					return errors.New(x.Message)
				}
			}
			return nil
		}
	}
	if live {
		i, err := w.q.choose(done, "The v1 router (live v1 services: "+strings.Join(m.State.ServiceNames(), ", ")+")",
			[]string{"take it over (in place; the v1 services keep running) (default)", "delete it (clean cut-over: the v1 services stop answering)"}, 0, func(int) error { return nil })
		if err != nil {
			return err
		}
		o.Clean = i == 1
	}
	if (!live || o.Clean) && secret {
		v, err := w.q.text(done, "Save the v1 certificate secret "+wizard.LegacySecret+" to this file (mode 0600) before it is deleted", "",
			check("save-secret", func(v string) { o.SaveSecret = v }))
		if err != nil {
			return err
		}
		o.SaveSecret = v
		if abs, err := filepath.Abs(v); err == nil {
			o.SaveSecret = abs
		}
	}
	if m.Legacy.SSLStatus != "" {
		i, err := w.q.choose(done, "TLS: "+m.Legacy.Name+" served HTTPS for "+orDash(m.Legacy.SSLCname),
			[]string{"keep the v1 certificate and CNAME", "plain HTTP (allow insecure connections)"}, 0, func(int) error { return nil })
		if err != nil {
			return err
		}
		o.KeepCertificate, o.AllowInsecure = i == 0, i == 1
	}
	to, err := w.q.text(done, "Name of the Kubernetes compute", m.Plan.Name, check("to", func(v string) { o.To = v }))
	if err != nil {
		return err
	}
	o.To = to
	ns, err := w.q.text(done, "Its namespace", to, check("namespace", func(v string) { o.Namespace = v }))
	if err != nil {
		return err
	}
	o.Namespace = ns
	return a.migrate(w.p, o, false, false, ask)
}
