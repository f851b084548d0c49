package cli

import (
	"errors"

	"github.com/amlaks/amlaks/wizard"
)

// runWizard opens the interactive wizard at the first open step of p (nil:
// the whole wizard).
func (a *app) runWizard(p *wizard.Plan) error {
	if !a.canPrompt() {
		return exit(ExitInvalid, errors.New("the wizard needs a terminal: for scripts use `amlaks create --help` (or attach) with --yes"))
	}
	return errors.New("wizard: not wired yet")
}

