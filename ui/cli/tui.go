package cli

import (
	"errors"
	"fmt"

	"github.com/charmbracelet/colorprofile"

	"github.com/amlaks/amlaks/ui"
	"github.com/amlaks/amlaks/wizard"
)

// runWizard opens the interactive wizard at the first open step of p (nil:
// the whole wizard) and maps how it ended to an exit code.
func (a *app) runWizard(p *wizard.Plan) error {
	if !a.canPrompt() {
		return exit(ExitInvalid, errors.New("the wizard needs a terminal: for scripts see `amlaks create --help` and `amlaks attach --help` (use --yes)"))
	}
	s, err := a.session()
	if err != nil {
		return err
	}
	if p == nil {
		p = wizard.NewPlan(wizard.ModeCreate)
		a.applyGlobals(nil, p, s)
	}
	notes := make(chan string, 16)
	s.Notes.Set(func(n string) {
		select {
		case notes <- n:
		default:
		}
	})
	prof := a.colorProfile()
	opts := ui.Options{Cloud: s.Cloud, Plan: p, Demo: s.Demo, PollEvery: s.PollEvery, Expected: s.Expected, Notices: notes,
		NoColor: prof <= colorprofile.ASCII, ColorProfile: prof, Portal: s.Portal, Guard: &wizard.Guard{LockDir: s.LockDir, RecordDir: s.RecordDir}}
	if !s.Demo && s.DemoFallback != nil {
		opts.DemoFallback = func() (ui.Demo, error) {
			ds, err := s.DemoFallback()
			if err != nil {
				return ui.Demo{}, err
			}
			ds.Notes.Set(func(n string) {
				select {
				case notes <- n:
				default:
				}
			})
			return ui.Demo{Cloud: ds.Cloud, Subscription: ds.DefaultSubscription, Expected: ds.Expected}, nil
		}
	}
	opts.SignIn = s.SignIn
	res, err := ui.Run(a.ctx, opts, a.s.In, a.rawOut)
	s.Notes.Set(func(n string) { fmt.Fprintln(a.s.Err, n) })
	if err != nil {
		return err
	}
	if res.Summary != "" {
		fmt.Fprintln(a.s.Out, res.Summary)
	}
	switch res.Status {
	case ui.Succeeded:
		return nil
	case ui.Failed:
		if errors.Is(res.Err, wizard.ErrStoppedWatching) {
			return exit(ExitStoppedWatching, res.Err)
		}
		if res.Err != nil {
			return res.Err
		}
		return exit(ExitFailure, errSilent)
	case ui.Detached:
		return exit(ExitInterrupted, errSilent)
	}
	return exit(ExitInterrupted, errSilent)
}
