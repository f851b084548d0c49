package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
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

// TestE2EMigrateWizardAnswers: aks-scoring (TLS on, no live v1 service:
// a clean cut-over) needs answers the defaults do not give. At 80×24 its
// review is blocked and Enter opens the migrate form: the file for the v1
// certificate (an empty one is refused with the rule's words, under the
// field), the TLS choice, the new name and namespace. Answered, the move
// is planned again (the secret's file in phase 2, the certificate carried
// over), runs to a verified Kubernetes compute, and the file is 0600.
func TestE2EMigrateWizardAnswers(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	saved := filepath.Join(t.TempDir(), "fessl.json")
	srv := newTmuxServer(t)
	r := srv.start(80, 24, state, "-w", "mlw-prod")
	r.waitFor("2/15 Mode", "5. Move a legacy AKS compute")
	r.keys("5")
	r.waitFor("Which legacy AKS compute moves to a Kubernetes compute?", "aks-scoring")
	r.keys("Down")
	r.waitFor("> aks-scoring")
	r.keys("Enter")
	r.waitForWithin(2*e2eWait, "Path: clean → aks-scoring-k8s", "BLOCK: the v1 router's certificate secret", "Blocked: Enter answers what it needs")
	r.keys("Enter")
	r.waitFor("› Save v1 secret to", "TLS                ● keep the v1 certificate  ○ plain HTTP", "Compute name       aks-scoring-k8s")
	r.form("TLS", "Compute name", "Namespace")
	r.waitFor("› Save v1 secret to", "✗ name a file to save the v1 certificate secret")
	r.text(saved)
	r.form("TLS", "Compute name", "Namespace")
	r.waitForWithin(2*e2eWait, "Path: clean → aks-scoring-k8s", "TLS: the v1 certificate for scoring.contoso.com, from the v1 secret azuremlfessl",
		"2. save the v1 certificate secret azuremlfessl to /", "Enter migrate")
	r.keys("Enter")
	r.waitForWithin(3*e2eOpWait, "✓ aks-scoring-k8s is a verified Kubernetes compute", "remove-router ✓ 8 v1 router objects deleted")
	r.keys("q")
	r.expectExit(0)
	if fi, err := os.Stat(saved); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the saved v1 secret: %v %v", fi, err)
	}
	if c, ok := k8sList(t, state)["aks-scoring-k8s"]; !ok || c.Type != "Kubernetes" || c.State != "Succeeded" {
		t.Errorf("list -o json: aks-scoring-k8s = %+v (found %v)", c, ok)
	}
}

// TestE2EMigrateWizardContinues: a migrate stopped in its extension phase
// (line mode, amlaks stops watching) names `status aks-inference-k8s`;
// the wizard's Move a legacy AKS compute then finds its record: the review
// says it is unfinished and what is left, Enter continues it with the
// answers it was started with (the annotation not sent again) to a
// verified compute, and the record is gone.
func TestE2EMigrateWizardContinues(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	cmd := exec.Command(amlaksBinary(t), "--demo", "migrate", "aks-inference", "-w", "mlw-prod", "--yes", "--timeout", "300ms")
	cmd.Env = e2eEnv("AMLAKS_DEMO_STATE="+state, "AMLAKS_SIM_SPEED=10", "AMLAKS_SIM_FAULTS=slow=extension:20")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err == nil || !strings.Contains(errb.String(), "status aks-inference-k8s -w mlw-prod -g rg-ml-prod continues them") {
		t.Fatalf("the stopped migrate: %v\n%s", err, errb.String())
	}
	records := filepath.Join(filepath.Dir(state), "demo-ops", "records")
	if ents, _ := os.ReadDir(records); len(ents) != 1 {
		t.Fatalf("records after the stop: %v", ents)
	}
	srv := newTmuxServer(t)
	r := srv.start(80, 24, state, "-w", "mlw-prod")
	r.waitFor("2/15 Mode", "5. Move a legacy AKS compute")
	r.keys("5")
	r.waitFor("> aks-inference")
	r.keys("Enter")
	r.waitForWithin(2*e2eWait, "Unfinished since", "extension, attach, verify left", "Enter continue it")
	r.keys("Enter")
	r.waitForWithin(3*e2eOpWait, "✓ aks-inference-k8s is a verified Kubernetes compute", "annotate      ✓ done already")
	r.keys("q")
	r.expectExit(0)
	if ents, _ := os.ReadDir(records); len(ents) != 0 {
		t.Errorf("records after the wizard continued it: %v", ents)
	}
}
