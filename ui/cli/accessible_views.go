package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
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
