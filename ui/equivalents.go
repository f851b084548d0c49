package ui

import (
	"fmt"
	"strings"

	"github.com/amlaks/amlaks/wizard"
)

// equivalents returns tab i (0 az, 1 Python, 2 REST) of the plan's
// equivalent commands. The REST tab is the Cloud's Request — the request
// Submit sends, secrets <redacted> — never a body built here.
func equivalents(c wizard.Cloud, p *wizard.Plan, i int) string {
	if p.Kubernetes() && c != nil {
		return k8sEquivalents(c, p, i)
	}
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

// k8sEquivalents are the current path's phases: each phase's command
// (az aks create, az k8s-extension create, az ml compute attach), the
// azure-ai-ml Python of the attach, or each phase's request, from the
// same builders that send them.
func k8sEquivalents(c wizard.Cloud, p *wizard.Plan, i int) string {
	phases, err := wizard.Phases(c, p)
	if err != nil {
		return "the phases cannot be shown: " + err.Error()
	}
	if i == 1 {
		return strings.TrimRight(wizard.PhasesPython(phases), "\n")
	}
	var b strings.Builder
	for n, ph := range phases {
		fmt.Fprintf(&b, "# phase %d/%d: %s\n", n+1, len(phases), ph.Title)
		switch i {
		case 2:
			b.WriteString(ph.Request.String())
		default:
			b.WriteString(ph.Equivalent + "\n")
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
