package ui

import (
	"testing"

	"github.com/amlaks/amlaks/wizard"
)

func TestWizardWordsNameTheStepNotTheFlag(t *testing.T) {
	for in, want := range map[string]string{
		"authorized access needs --authorized-ip-ranges, e.g. 203.0.113.0/24":         "authorized access needs Authorized ranges, e.g. 203.0.113.0/24",
		"use 3 nodes or more, or turn HA off (--router-ha=false; not for production)": "use 3 nodes or more, or turn HA off (High availability: Off; not for production)",
		"SDK v2 (azure-ai-ml) cannot use it; prefer --compute-type Kubernetes":        "SDK v2 (azure-ai-ml) cannot use it; prefer a Kubernetes compute (Compute type step)",
		"give the compute a name with --name":                                         "give the compute a name with the Name step",
		// a command to run keeps its flags
		"pick another --cluster, or attach it (amlaks attach --cluster aks-shared --cluster-resource-group rg-aks)": "pick another AKS cluster name, or attach it (amlaks attach --cluster aks-shared --cluster-resource-group rg-aks)",
		"no flag here": "no flag here",
	} {
		if got := wizardWords(in); got != want {
			t.Errorf("%q\n got %q\nwant %q", in, got, want)
		}
	}
}

// On the API server access step, the wizard names its field, not the flag
// nobody typed.
func TestAPIAccessStepNamesItsFieldNotAFlag(t *testing.T) {
	d := k8sCreateTo(t, wizard.StepAPIAccess)
	d.press("2", "enter", "enter") // authorized, no range: refused
	d.wantStep(wizard.StepAPIAccess)
	d.wantScreen("not yet: authorized access needs Authorized ranges")
	d.wantNoScreen("--authorized-ip-ranges")
}
