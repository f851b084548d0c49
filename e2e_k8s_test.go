package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// k8sListEntry is a compute of `list -o json` with its extension.
type k8sListEntry struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	State     string `json:"state"`
	Extension *struct {
		Installed bool   `json:"installed"`
		State     string `json:"state"`
	} `json:"extension"`
}

func k8sList(t *testing.T, state string) map[string]k8sListEntry {
	t.Helper()
	r := runAmlaks(t, state, "10", "--demo", "list", "-w", "mlw-prod", "-o", "json")
	var doc []k8sListEntry
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &doc) != nil {
		t.Fatalf("list:\n%s", r)
	}
	m := map[string]k8sListEntry{}
	for _, c := range doc {
		m[c.Name] = c
	}
	return m
}

// TestE2EKubernetesCreateWizard: the built binary in tmux, the current path
// from the wizard: every step of a Kubernetes create, the review, the three
// phases (cluster, extension, attach) to Succeeded, then `list -o json`
// shows a Kubernetes compute with the extension Succeeded.
func TestE2EKubernetesCreateWizard(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	srv := newTmuxServer(t)
	r := srv.start(100, 30, state)

	k8sCreateToName(r, false)
	r.text("k8s-tmux")
	k8sNameToReview(r, "k8s-tmux")
	r.waitFor("15/15 Review", "Create Kubernetes compute k8s-tmux in mlw-prod", "off: plain HTTP (allowInsecureConnections)", "Inst. types", "cpu-mlflow: requests 2 CPU, 4Gi")
	r.keys("Enter")
	r.waitForWithin(2*e2eOpWait, "✓ Created k8s-tmux in mlw-prod", "Kubernetes online endpoint", "v smoke-test it")
	// the readiness phase ran beside the attach; v proves the compute serves
	r.keys("v")
	r.waitForWithin(2*e2eOpWait, "✓ smoke test: k8s-tmux answered 200", "/api/v1/endpoint/amlaks-verify-")
	r.keys("Enter")
	if screen := r.expectExit(0); !strings.Contains(screen, "Created Kubernetes compute k8s-tmux in workspace mlw-prod") {
		t.Errorf("no result line after the wizard:\n%s", screen)
	}
	c, ok := k8sList(t, state)["k8s-tmux"]
	if !ok || c.Type != "Kubernetes" || c.State != "Succeeded" || c.Extension == nil || c.Extension.State != "Succeeded" {
		t.Fatalf("list -o json: k8s-tmux = %+v (found %v)", c, ok)
	}
}

// TestE2EKubernetesStopMidExtensionThenContinue: a line-mode create is
// interrupted during the extension phase; the same command again
// continues from the first unfinished phase (the cluster is not created
// twice) and finishes.
func TestE2EKubernetesStopMidExtensionThenContinue(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	bin := amlaksBinary(t)
	args := []string{"--demo", "create", "-w", "mlw-prod", "-n", "k8s-resume", "--allow-insecure-connections", "--yes"}
	cmd := e2eCommand(t, bin, state, "10", args...)
	var errb syncedBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitOutput(t, cmd, &errb, "the extension phase never started", func(s string) bool { return strings.Contains(s, "extension") && strings.Contains(s, "[2/4") })
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 && code != 3 {
		t.Fatalf("interrupted create: exit %d, want 130 (or 3: lost track)\n%s", code, errb.String())
	}
	r := runAmlaks(t, state, "10", args...)
	if r.code != 0 || !strings.Contains(r.stderr, "done already") {
		t.Fatalf("the same command again: want it to continue after the cluster phase:\n%s", r)
	}
	if c := k8sList(t, state)["k8s-resume"]; c.Type != "Kubernetes" || c.State != "Succeeded" {
		t.Fatalf("k8s-resume = %+v", c)
	}
}

// k8sCreateToName walks the wizard's Kubernetes create to its Name step,
// each step's offer taken (dev-test instead of production when asked).
func k8sCreateToName(r *tmuxRun, devTest bool) {
	r.t.Helper()
	r.waitFor("1/15 Workspace", "› mlw-prod")
	r.keys("Enter")
	r.waitFor("2/15 Mode", "› 1. Create new")
	r.keys("Enter")
	r.waitFor("3/15 Compute type", "› 1. Kubernetes compute (current, recommended)")
	r.keys("Enter")
	r.waitFor("4/15 Cluster purpose", "› 1. Production")
	if devTest {
		r.keys("Down")
		r.waitFor("› 2. Dev")
	}
	r.keys("Enter")
	for _, step := range []string{"5/15 Region", "6/15 Kubernetes version", "7/15 VM size", "8/15 Node count",
		"9/15 Inference router", "10/15 TLS", "11/15 Namespace"} {
		r.waitFor(step)
		r.form(formFields[step]...)
	}
	r.waitFor("12/15 Name", "name: e.g.")
}

// k8sNameToReview goes from the Name step (name typed) to the review: the
// cluster's suggested name is the compute's, asked just after it.
func k8sNameToReview(r *tmuxRun, name string) {
	r.t.Helper()
	r.waitFor("✓ " + name + " is free in mlw-prod")
	r.keys("Enter")
	r.waitFor("13/15 AKS cluster", name)
	r.form(formFields["13/15 AKS cluster"]...)
	r.waitFor("14/15 API server access")
	r.form()
	r.waitFor("15/15 Review", "Create Kubernetes compute "+name+" in mlw-prod")
}

// e2eCommand is the built binary with the demo state and speed of a test.
func e2eCommand(t *testing.T, bin, state, speed string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = e2eEnv("AMLAKS_DEMO_STATE="+state, "AMLAKS_SIM_SPEED="+speed)
	return cmd
}

// syncedBuffer is a buffer a child process writes while the test reads it.
type syncedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestE2EKubernetesAttachInstallsExtension: in the wizard, a cluster
// without the Azure ML extension is badged "it will be installed"; picking
// it installs the extension and attaches the cluster as a Kubernetes
// compute.
func TestE2EKubernetesAttachInstallsExtension(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	srv := newTmuxServer(t)
	r := srv.start(100, 30, state, "attach")

	r.waitFor("1/11 Workspace", "› mlw-prod")
	r.keys("Enter")
	r.waitFor("3/11 Compute type", "› 1. Kubernetes compute")
	r.keys("Enter")
	r.waitFor("4/11 Cluster purpose")
	r.keys("Enter")
	r.waitFor("5/11 Cluster")
	r.text("aks-ml-plain")
	r.waitFor("filter: aks-ml-plain", "it will be installed")
	r.keys("Enter")
	for _, step := range []string{"6/11 Inference router", "7/11 TLS", "8/11 Namespace", "9/11 Identity"} {
		r.waitFor(step)
		r.form(formFields[step]...)
	}
	r.waitFor("10/11 Name", "name: e.g.")
	r.text("k8s-att")
	r.waitFor("✓ k8s-att is free in mlw-prod")
	r.keys("Enter")
	r.waitFor("11/11 Review", "Attach Kubernetes compute k8s-att")
	r.keys("Enter")
	r.waitForWithin(2*e2eOpWait, "✓ Attached k8s-att")
	r.keys("Enter")
	r.expectExit(0)
	c, ok := k8sList(t, state)["k8s-att"]
	if !ok || c.Type != "Kubernetes" || c.State != "Succeeded" || c.Extension == nil || c.Extension.State != "Succeeded" {
		t.Fatalf("list -o json: k8s-att = %+v (found %v)", c, ok)
	}
}

// formFields is, for a step that is a form, the fields after the first one
// that Enter walks through with the defaults (hidden fields are skipped).
var formFields = map[string][]string{
	"13/15 AKS cluster":     {"Resource group"},
	"9/15 Inference router": {"High availability"},
	"6/11 Inference router": {"High availability"},
	"11/15 Namespace":       {"Instance types"},
	"8/11 Namespace":        {"Instance types"},
}

// TestE2EVerifyStoppedThenCleanedUp: a verify interrupted while its
// deployment is created says what exists; the next verify removes that
// endpoint first and passes.
func TestE2EVerifyStoppedThenCleanedUp(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	bin := amlaksBinary(t)
	if r := runAmlaks(t, state, "50", "--demo", "attach", "-w", "mlw-prod", "-n", "k8s-v", "--cluster", "aks-ml-ready", "--cluster-resource-group", "rg-aks-ml",
		"--no-instance-types", "--yes"); r.code != 0 {
		t.Fatalf("attach:\n%s", r)
	}
	cmd := e2eCommand(t, bin, state, "2", "--demo", "verify", "k8s-v", "-w", "mlw-prod")
	var errb syncedBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitOutput(t, cmd, &errb, "the deployment never started", func(s string) bool { return strings.Contains(s, "[deployment] Creating") })
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(errb.String(), "exists now: endpoint amlaks-verify-") {
		t.Fatalf("interrupted verify: exit %d\n%s", code, errb.String())
	}
	r := runAmlaks(t, state, "50", "--demo", "verify", "k8s-v", "-w", "mlw-prod")
	if r.code != 0 || !strings.Contains(r.stderr, "[leftover] removing amlaks-verify-") || !strings.Contains(r.stdout, "answered 200") {
		t.Fatalf("the next verify:\n%s", r)
	}
}

// TestE2EListVerifyAndDoctor: in the wizard's list of computes, v smoke-tests
// the selected Kubernetes compute to a green line and h diagnoses it.
func TestE2EListVerifyAndDoctor(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	if r := runAmlaks(t, state, "50", "--demo", "attach", "-w", "mlw-prod", "-n", "k8s-list", "--cluster", "aks-ml-unhealthy", "--cluster-resource-group", "rg-aks-ml",
		"--no-instance-types", "--yes"); r.code != 0 {
		t.Fatalf("attach:\n%s", r)
	}
	srv := newTmuxServer(t)
	r := srv.start(110, 32, state, "--compute-type", "AKS")
	pickWorkspaceAndMode(r, 4)
	r.waitFor("Compute targets of mlw-prod", "k8s-list")
	for i := 0; i < 3 && !strings.Contains(r.capture(), "› k8s-list"); i++ {
		r.keys("Down")
		time.Sleep(200 * time.Millisecond)
	}
	r.waitFor("› k8s-list")
	r.keys("h")
	r.waitForWithin(e2eOpWait, "✗ doctor of k8s-list:", "E45006")
	r.keys("v")
	r.waitForWithin(2*e2eOpWait, "✗ smoke test of k8s-list:", "ValidateInstanceTypeAsync", "run amlaks doctor")
	r.keys("q")
	r.expectExit(0)
}

// TestE2EWizardStoppedInExtensionThenContinued: the wizard's create is
// stopped in its extension phase: the dialog and the summary say the
// extension install goes on in Azure and the attach is not done yet, with
// the command that continues them (exit 130). The wizard opened again
// with the same name offers to continue it, and finishes it on the same
// cluster: one cluster, one extension, one compute.
func TestE2EWizardStoppedInExtensionThenContinued(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	srv := newTmuxServer(t)
	srv.env = []string{"AMLAKS_SIM_FAULTS=slow=extension:8"}
	toName := func(r *tmuxRun) {
		k8sCreateToName(r, true)
		r.text("k8s-again")
	}
	r := srv.start(100, 30, state)
	toName(r)
	k8sNameToReview(r, "k8s-again")
	r.keys("Enter")
	r.waitForWithin(2*e2eOpWait, "extension  Creating")
	r.keys("C-c")
	r.waitFor("Stop watching?", "the extension install goes on in Azure; the attach is not done yet")
	r.keys("s")
	screen := r.expectExit(130)
	if !strings.Contains(screen, "amlaks --demo status k8s-again -w mlw-prod -g rg-ml-prod") || strings.Contains(screen, "Nothing was sent") {
		t.Fatalf("the summary after stopping:\n%s", screen)
	}

	r = srv.start(100, 30, state)
	toName(r)
	r.keys("Enter")
	r.waitFor("Continue the unfinished create?", "The create of k8s-again in mlw-prod", "is unfinished: the extension install")
	r.keys("Enter")
	r.waitForWithin(2*e2eOpWait, "✓ Created k8s-again in mlw-prod")
	r.keys("Enter")
	r.expectExit(0)
	if cl, ext, cp := simOwned(t, state, "mlw-prod", "k8s-again", ""); cl != 1 || ext != 1 || cp != 1 {
		t.Fatalf("%d clusters, %d extensions, %d computes; want one of each", cl, ext, cp)
	}
}

// TestE2EListDetachesKubernetesCompute: in the wizard's list (80×24), d
// on a Kubernetes compute offers line mode's choices; with a second
// compute on its cluster there is no delete, and the keep detaches it
// alone; then on the cluster amlaks made, now used by nothing else, the
// delete choice detaches the compute and deletes the cluster.
func TestE2EListDetachesKubernetesCompute(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	for _, args := range [][]string{
		{"create", "-n", "k8s-ld", "--cluster", "aks-ld", "--purpose", "dev-test", "--nodes", "1"},
		{"create", "-n", "k8s-l2", "--cluster", "aks-ld", "--purpose", "dev-test", "--namespace", "team-2"},
	} {
		if r := runAmlaks(t, state, "50", append(append([]string{"--demo", "-w", "mlw-prod"}, args...), "--allow-insecure-connections", "--no-instance-types", "--yes")...); r.code != 0 {
			t.Fatalf("%v:\n%s", args, r)
		}
	}
	srv := newTmuxServer(t)
	r := srv.start(80, 24, state, "--compute-type", "AKS") // the list is the same for both types
	pickWorkspaceAndMode(r, 4)
	r.waitFor("Compute targets of mlw-prod", "k8s-ld", "k8s-l2", "Dev-test")
	r.keys("End")
	r.waitFor("› k8s-l2")
	r.keys("d")
	r.waitFor("Detach k8s-l2 from mlw-prod?", "It cannot be deleted", "mlw-prod/k8s-ld", "> Detach, keep aks-ld")
	r.keys("Enter")
	r.waitForWithin(e2eOpWait, "✓ Detached k8s-l2", "AKS cluster itself is kept")
	r.keys("Enter")
	r.waitFor("Compute targets of mlw-prod")
	r.keys("End")
	r.waitFor("› k8s-ld")
	r.keys("d")
	r.waitFor("Detach k8s-ld from mlw-prod?", "Detach, then delete aks-ld (it will be deleted)")
	r.keys("Down", "Enter")
	r.waitForWithin(2*e2eOpWait, "✓ Detached k8s-ld", "The AKS cluster aks-ld was deleted")
	r.keys("Enter")
	r.waitFor("Compute targets of mlw-prod")
	r.keys("q")
	r.expectExit(0)
	list := k8sList(t, state)
	if _, ok := list["k8s-ld"]; ok {
		t.Fatalf("k8s-ld still listed: %+v", list)
	}
	if s := runAmlaks(t, state, "50", "--demo", "-w", "mlw-prod", "attach", "-n", "k8s-again", "--cluster", "aks-ld", "--dry-run"); s.code == 0 {
		t.Fatalf("aks-ld must be gone:\n%s", s)
	}
}
