package ui

import (
	"testing"

	"github.com/amlaks/amlaks/wizard"
)

// TestNamespaceStepKeepsEditsOrDropsInstanceTypes: the namespace step's
// form proposes instance types sized to the nodes, refuses a type typed
// wrong or too big under its field, and answers the types typed, or none.
func TestNamespaceStepKeepsEditsOrDropsInstanceTypes(t *testing.T) {
	d := k8sDriver(t, sized(100, 40))
	d.pickWorkspace()
	d.press("enter", "enter") // create, Kubernetes
	for d.m.step != wizard.StepNamespace {
		d.enterThrough()
	}
	d.wantScreen("Instance types", "Sized to the nodes", "proposed, sized to the nodes:", "cpu-mlflow: requests 2 CPU, 4Gi")
	d.press("enter", "3", "enter") // the namespace as is; your own types
	d.typ("big")
	d.press("enter")
	d.wantStep(wizard.StepNamespace)
	d.wantScreen("want NAME=CPU,MEMORY[,GPU]")
	d.press("backspace", "backspace", "backspace")
	d.typ("big=64,1Gi")
	d.press("enter")
	d.wantStep(wizard.StepNamespace)
	d.wantScreen("fits no node")
	for range len("big=64,1Gi") {
		d.press("backspace")
	}
	d.typ("cpu-2=2,4Gi; tiny=250m,512Mi")
	d.press("enter")
	if d.step() == wizard.StepNamespace {
		t.Fatalf("still on the namespace step:\n%s", d.screen())
	}
	p := d.m.plan
	if len(p.InstanceTypes) != 2 || p.InstanceTypes[0].Name != "cpu-2" || p.InstanceTypes[1].CPU != 250 || p.NoInstanceTypes {
		t.Fatalf("plan: %+v no=%v", p.InstanceTypes, p.NoInstanceTypes)
	}
}
