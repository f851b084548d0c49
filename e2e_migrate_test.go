package main

import (
	"strings"
	"testing"
)

// TestE2EMigrateWizard: the built binary in tmux at 80×24: the Mode step
// offers "Move a legacy AKS compute" (mlw-prod has two), the legacy compute
// with live v1 services is read and reviewed (in place, its phases with
// their rollback), the move runs to a verified Kubernetes compute, and the
// scrollback keeps what was done; `list -o json` then shows the Kubernetes
// compute with the extension Succeeded and the legacy compute still there.
func TestE2EMigrateWizard(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	srv := newTmuxServer(t)
	r := srv.start(80, 24, state, "-w", "mlw-prod")
	r.waitFor("2/15 Mode", "5. Move a legacy AKS compute")
	r.keys("5")
	r.waitFor("Which legacy AKS compute moves to a Kubernetes compute?", "> aks-inference", "aks-scoring")
	r.keys("Enter")
	r.waitForWithin(2*e2eWait, "live v1 services: churn-v1, fraud-score", "Path: in-place → aks-inference-k8s", "2. let the extension take the v1 router over",
		"undo: nothing to undo: read only")
	r.keys("Down")
	r.waitFor("undo: kubectl annotate deployment azureml-fe azureml-fe-enable-upgrade- -n")
	r.keys("Enter")
	r.waitForWithin(3*e2eOpWait, "✓ aks-inference-k8s is a verified Kubernetes compute", "annotate      ✓ azureml-fe annotated",
		"The scoring URL is shared", "aks-inference is still attached: d detaches it")
	r.keys("q")
	screen := r.expectExit(0)
	if !strings.Contains(screen, "Moved aks-inference to Kubernetes compute aks-inference-k8s (in-place, namespace") || !strings.Contains(screen, "), verified") {
		t.Errorf("no summary after the wizard:\n%s", screen)
	}
	cs := k8sList(t, state)
	if c, ok := cs["aks-inference-k8s"]; !ok || c.Type != "Kubernetes" || c.State != "Succeeded" || c.Extension == nil || c.Extension.State != "Succeeded" {
		t.Errorf("list -o json: aks-inference-k8s = %+v (found %v)", c, ok)
	}
	if _, ok := cs["aks-inference"]; !ok {
		t.Error("the legacy compute is gone: migrate detaches only when asked")
	}
}
