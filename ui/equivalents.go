package ui

import "github.com/amlaks/amlaks/wizard"

// equivalents returns tab i (0 az, 1 Python, 2 REST) of the plan's
// equivalent commands. The REST tab is the Cloud's Request — the request
// Submit sends, secrets <redacted> — never a body built here.
func equivalents(c wizard.Cloud, p *wizard.Plan, i int) string {
	switch i {
	case 1:
		_, py := wizard.Equivalents(p)
		return py
	case 2:
		if c == nil {
			return "the request is shown once signed in to Azure"
		}
		req, err := c.Request(p.WorkspaceRef(), p.Spec())
		if err != nil {
			return "the request cannot be shown: " + err.Error()
		}
		return req.String()
	}
	az, _ := wizard.Equivalents(p)
	return az
}
