package ui

import "github.com/amlaks/amlaks/wizard"

// equivalents returns tab i (0 az, 1 Python, 2 REST) of the plan's
// equivalent commands; secrets are <redacted> by wizard.Equivalents.
func equivalents(p *wizard.Plan, i int) string {
	az, py, rest := wizard.Equivalents(p)
	switch i {
	case 1:
		return py
	case 2:
		return rest
	}
	return az
}
