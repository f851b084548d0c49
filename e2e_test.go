package main

// End-to-end tests of the built binary: the wizard driven in tmux
// and the script mode driven with exec, all in demo mode on
// the simulated Azure. Every test has its own tmux server socket and its
// own demo state file, so they run in parallel.
//
// The binary is built once per `go test` run. The tmux tests skip when tmux
// is not on PATH, unless AMLAKS_REQUIRE_TMUX=1 (set by .ci/run).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	e2eWait   = 15 * time.Second // one screen to appear
	e2eOpWait = 40 * time.Second // a create/attach/detach to finish
	e2ePoll   = 100 * time.Millisecond
)

// e2eBinary is the binary under test, built once per `go test` run.
var e2eBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	if args := os.Getenv("AMLAKS_TEST_CHILD_ARGS"); args != "" {
		// a child process of a multi-process test: be amlaks
		os.Exit(run(strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr))
	}
	longerDefaultTimeout()
	code := m.Run()
	if e2eBinary.dir != "" {
		os.RemoveAll(e2eBinary.dir)
	}
	os.Exit(code)
}

// packageTimeout is this package's bound when go test's default (10m) is
// in force: it holds the whole program's tests (line mode in process, the
// HTTPS simulator with a fake az, tmux end-to-end), about 7 minutes under
// -race on an idle 2-core machine and more on a loaded one, so the default
// would fail the README's test command for being slow, not wrong. A
// -timeout the user gives (any other value) is kept.
const packageTimeout = 30 * time.Minute

func longerDefaultTimeout() {
	if !flag.Parsed() {
		flag.Parse()
	}
	if f := flag.Lookup("test.timeout"); f != nil && f.Value.String() == (10*time.Minute).String() {
		f.Value.Set(packageTimeout.String())
	}
}

// amlaksBinary builds the binary (without -race) the first time it is called.
func amlaksBinary(t *testing.T) string {
	t.Helper()
	e2eBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "amlaks-e2e-bin-")
		if err != nil {
			e2eBinary.err = err
			return
		}
		e2eBinary.dir = dir
		bin := filepath.Join(dir, "amlaks")
		cmd := exec.Command("go", "build", "-o", bin, ".")
		out, err := cmd.CombinedOutput()
		if err != nil {
			e2eBinary.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		e2eBinary.path = bin
	})
	if e2eBinary.err != nil {
		t.Fatalf("building amlaks: %v", e2eBinary.err)
	}
	return e2eBinary.path
}

// e2eEnv is the environment of every process these tests start: the
// caller's, without variables that would change what the binary does.
func e2eEnv(extra ...string) []string {
	drop := map[string]bool{
		"TMUX": true, "TMUX_PANE": true, "AMLAKS_SIM_FAULTS": true, "AMLAKS_SIM_SPEED": true,
		"AMLAKS_DEMO_STATE": true, "AMLAKS_DEMO": true, "NO_COLOR": true, "ACCESSIBLE": true,
		"AZURE_SUBSCRIPTION_ID": true, "SHELL": true,
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	// tmux runs the pane's command with $SHELL -c: make that a POSIX shell.
	env = append(env, "SHELL=/bin/sh")
	return append(env, extra...)
}

// ---------------------------------------------------------------- tmux

func requireTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("AMLAKS_REQUIRE_TMUX") == "1" {
			t.Fatalf("tmux is not on PATH but AMLAKS_REQUIRE_TMUX=1: %v", err)
		}
		t.Skip("tmux is not on PATH (set AMLAKS_REQUIRE_TMUX=1 to make this a failure)")
	}
}

// tmuxServer is one test's private tmux server.
type tmuxServer struct {
	t      *testing.T
	socket string // the -L name
	path   string // the socket file, known once the server runs
	n      int
	env    []string // extra KEY=VALUE for the binary (e.g. AMLAKS_SIM_FAULTS)
}

func newTmuxServer(t *testing.T) *tmuxServer {
	t.Helper()
	requireTmux(t)
	name := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	s := &tmuxServer{t: t, socket: fmt.Sprintf("amlaks-e2e-%s-%d", name, os.Getpid())}
	t.Cleanup(func() {
		s.tmux("kill-server")
		// tmux leaves the socket file behind.
		if s.path != "" && filepath.Base(s.path) == s.socket {
			os.Remove(s.path)
		}
	})
	return s
}

func (s *tmuxServer) tmux(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-L", s.socket, "-f", "/dev/null"}, args...)...)
	cmd.Env = e2eEnv()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// tmuxRun is one run of the binary in its own tmux session.
type tmuxRun struct {
	srv     *tmuxServer
	t       *testing.T
	session string
	last    string
}

// start runs `amlaks --demo ARGS` in a new w×h session with the given
// demo state file; the pane stays alive after it exits (EXIT=<code>).
func (s *tmuxServer) start(w, h int, state string, args ...string) *tmuxRun {
	t := s.t
	t.Helper()
	bin := amlaksBinary(t)
	s.n++
	r := &tmuxRun{srv: s, t: t, session: fmt.Sprintf("run%d", s.n)}
	cmdline := "env TERM=xterm-256color AMLAKS_DEMO_STATE=" + shellQuote(state) + " AMLAKS_SIM_SPEED=10 "
	for _, kv := range s.env {
		cmdline += shellQuote(kv) + " "
	}
	cmdline += shellQuote(bin) + " --demo"
	for _, a := range args {
		cmdline += " " + shellQuote(a)
	}
	cmdline += "; echo EXIT=$?; sleep 60"
	if out, err := s.tmux("new-session", "-d", "-s", r.session, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), cmdline); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	if out, err := s.tmux("set-option", "-t", r.session, "remain-on-exit", "on"); err != nil {
		t.Fatalf("tmux set-option: %v\n%s", err, out)
	}
	if s.path == "" {
		if out, err := s.tmux("display-message", "-p", "-t", r.session, "#{socket_path}"); err == nil {
			s.path = strings.TrimSpace(out)
		}
	}
	return r
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (r *tmuxRun) capture() string {
	out, err := r.srv.tmux("capture-pane", "-p", "-t", r.session)
	if err != nil {
		r.t.Fatalf("tmux capture-pane: %v\n%s\nlast screen:\n%s", err, out, r.last)
	}
	r.last = out
	return out
}

// waitUntil polls the screen until ok accepts it. It fails at once when
// the program has exited and exit was not asked for, or when a forbidden
// text shows.
func (r *tmuxRun) waitUntil(what string, timeout time.Duration, ok func(string) bool, forbidden ...string) string {
	r.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		screen := r.capture()
		for _, f := range forbidden {
			if strings.Contains(screen, f) {
				r.t.Fatalf("waiting for %s: the screen shows %q:\n%s", what, f, screen)
			}
		}
		if ok(screen) {
			return screen
		}
		if strings.Contains(screen, "EXIT=") && !strings.Contains(what, "EXIT=") {
			r.t.Fatalf("waiting for %s: the program exited:\n%s", what, screen)
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("waiting for %s: not seen after %v; last screen:\n%s", what, timeout, screen)
		}
		time.Sleep(e2ePoll)
	}
}

// waitFor waits until every one of texts is on the screen.
func (r *tmuxRun) waitFor(texts ...string) string {
	r.t.Helper()
	return r.waitForWithin(e2eWait, texts...)
}

func (r *tmuxRun) waitForWithin(timeout time.Duration, texts ...string) string {
	r.t.Helper()
	return r.waitUntil(fmt.Sprintf("%q", texts), timeout, func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

// keys sends named keys (Enter, Down, C-c, ...).
// form answers a step that is a huh form with Enter, field by field,
// waiting for the focus to reach each next field before the next Enter
// (an Enter sent ahead of huh's field change is lost or counted twice).
func (r *tmuxRun) form(next ...string) {
	r.t.Helper()
	for _, f := range next {
		r.keys("Enter")
		r.waitFor("› " + f)
	}
	r.keys("Enter")
}

func (r *tmuxRun) keys(keys ...string) {
	r.t.Helper()
	if out, err := r.srv.tmux(append([]string{"send-keys", "-t", r.session}, keys...)...); err != nil {
		r.t.Fatalf("tmux send-keys %v: %v\n%s", keys, err, out)
	}
}

// text types literal text, in its own send-keys call.
func (r *tmuxRun) text(s string) {
	r.t.Helper()
	if out, err := r.srv.tmux("send-keys", "-t", r.session, "-l", "--", s); err != nil {
		r.t.Fatalf("tmux send-keys -l %q: %v\n%s", s, err, out)
	}
}

func (r *tmuxRun) resize(w, h int) {
	r.t.Helper()
	if out, err := r.srv.tmux("resize-window", "-t", r.session, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h)); err != nil {
		r.t.Fatalf("tmux resize-window: %v\n%s", err, out)
	}
}

// exitCode waits for the EXIT=<code> line and returns the whole screen.
func (r *tmuxRun) expectExit(code int) string {
	r.t.Helper()
	screen := r.waitUntil("EXIT=", e2eWait, func(s string) bool { return strings.Contains(s, "EXIT=") })
	want := fmt.Sprintf("EXIT=%d\n", code)
	if !strings.Contains(screen+"\n", want) {
		r.t.Fatalf("want %s, screen:\n%s", strings.TrimSpace(want), screen)
	}
	return screen
}

// ---------------------------------------------------------------- exec

type e2eResult struct {
	code        int
	stdout      string
	stderr      string
	commandLine string
}

func (r e2eResult) String() string {
	return fmt.Sprintf("%s\nexit %d\n--- stdout\n%s--- stderr\n%s", r.commandLine, r.code, r.stdout, r.stderr)
}

// runAmlaks runs the binary with stdin from /dev/null and the demo
// environment (state file, speed).
func runAmlaks(t *testing.T, state, speed string, args ...string) e2eResult {
	t.Helper()
	bin := amlaksBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = e2eEnv("AMLAKS_DEMO_STATE="+state, "AMLAKS_SIM_SPEED="+speed)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := e2eResult{stdout: out.String(), stderr: errb.String(), commandLine: "amlaks " + strings.Join(args, " ")}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ctx.Err() == nil:
		res.code = ee.ExitCode()
	default:
		t.Fatalf("%s: %v (timeout: %v)\n%s", res.commandLine, err, ctx.Err(), res)
	}
	return res
}

type e2eCompute struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	State    string `json:"state"`
	Purpose  string `json:"purpose"`
	Nodes    int    `json:"nodes"`
	VMSize   string `json:"vmSize"`
	VCPUs    int    `json:"vCPUs"`
	Attached bool   `json:"attached"`
}

// listComputes runs `--demo list -w mlw-prod -o json`.
func listComputes(t *testing.T, state string) map[string]e2eCompute {
	t.Helper()
	r := runAmlaks(t, state, "10", "--demo", "list", "-w", "mlw-prod", "-o", "json")
	if r.code != 0 {
		t.Fatalf("list failed:\n%s", r)
	}
	// a JSON array of computes, each naming its workspace
	var doc []struct {
		e2eCompute
		Workspace string `json:"workspace"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("list -o json is not a JSON array: %v\n%s", err, r)
	}
	m := map[string]e2eCompute{}
	for _, c := range doc {
		if c.Workspace != "mlw-prod" {
			t.Fatalf("list -o json: workspace %q\n%s", c.Workspace, r)
		}
		m[c.Name] = c.e2eCompute
	}
	return m
}

// stateHasCompute reads the simulator's persisted state file.
func stateHasCompute(t *testing.T, state, workspace, name string) bool {
	t.Helper()
	b, err := os.ReadFile(state)
	if err != nil {
		t.Fatalf("reading the demo state: %v", err)
	}
	var doc struct {
		Computes []struct {
			Workspace string `json:"workspace"`
			Name      string `json:"name"`
		} `json:"computes"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("demo state %s is not JSON: %v", state, err)
	}
	for _, c := range doc.Computes {
		if c.Workspace == workspace && c.Name == name {
			return true
		}
	}
	return false
}

func demoState(t *testing.T) string {
	return filepath.Join(t.TempDir(), "state.json")
}

// ---------------------------------------------------------------- wizard paths

// pickWorkspaceAndMode goes from the first screen to the mode's next
// screen: mlw-prod, then the n-th mode (1 Create new … 4 List computes).
func pickWorkspaceAndMode(r *tmuxRun, mode int) {
	r.t.Helper()
	r.waitFor("1/12 Workspace", "› mlw-prod")
	r.keys("Enter")
	r.waitFor("2/12 Mode", "› 1. Create new")
	for i := 2; i <= mode; i++ {
		r.keys("Down")
		r.waitFor(fmt.Sprintf("› %d. ", i))
	}
	r.keys("Enter")
}

// createToNodeStep walks a production create on mlw-prod in eastus up to
// the node count step with Standard_D3_v2.
func createToNodeStep(r *tmuxRun) {
	r.t.Helper()
	pickWorkspaceAndMode(r, 1)
	r.waitFor("4/12 Cluster purpose", "› 1. Production")
	r.keys("Enter")
	r.waitFor("5/12 Region", "› East US", "eastus")
	r.keys("Enter")
	r.waitFor("6/12 Kubernetes version", "gets Kubernetes")
	r.keys("Enter")
	r.waitFor("7/12 VM size", "VM sizes in East US (eastus)", "› Standard_")
	r.text("d3_v2")
	r.waitFor("filter: d3_v2", "› Standard_D3_v2 ")
	r.keys("Enter")
	r.waitFor("8/12 Node count", "Standard_D3_v2 · 4 vCPUs", "nodes: 3", "12 of 12 needed")
}

// ---------------------------------------------------------------- tests

// TestE2EInterruptAndResume: a scripted create interrupted with SIGINT
// keeps going in the simulator; `status` follows it to the end.
// (First in the file: it is the longest, about 20 s of simulated time.)
func TestE2EInterruptAndResume(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	bin := amlaksBinary(t)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-int", "--yes")
	cmd.Env = e2eEnv("AMLAKS_DEMO_STATE="+state, "AMLAKS_SIM_SPEED=1")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	accepted := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(errPipe)
		seen := false
		for sc.Scan() {
			stderr.WriteString(sc.Text() + "\n")
			if !seen && strings.Contains(sc.Text(), "accepted") {
				seen = true
				close(accepted)
			}
		}
		io.Copy(io.Discard, errPipe)
	}()
	select {
	case <-accepted:
	case <-done:
		cmd.Wait()
		t.Fatalf("create ended before it was accepted:\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	case <-time.After(e2eWait):
		cmd.Process.Kill()
		<-done
		cmd.Wait()
		t.Fatalf("no \"accepted\" on stderr after %v:\n%s", e2eWait, stderr.String())
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	<-done
	err = cmd.Wait()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("create: %v", err)
	}
	msg := stderr.String()
	if code != 130 {
		t.Fatalf("interrupted create: exit %d, want 130\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), msg)
	}
	for _, want := range []string{"continues", "amlaks --demo status aks-int -w mlw-prod"} {
		if !strings.Contains(msg, want) {
			t.Errorf("interrupted create: stderr lacks %q:\n%s", want, msg)
		}
	}

	// The operation goes on in the simulator (its duration was fixed at
	// submission, ~20 s): status follows it to the end.
	r := runAmlaks(t, state, "10", "--demo", "status", "aks-int", "-w", "mlw-prod", "-o", "json")
	if r.code != 0 {
		t.Fatalf("status after the interrupt:\n%s", r)
	}
	var c e2eCompute
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
		t.Fatalf("status -o json: %v\n%s", err, r)
	}
	if c.Name != "aks-int" || c.State != "Succeeded" {
		t.Fatalf("status: want aks-int Succeeded, got %+v\n%s", c, r)
	}
	if !strings.Contains(r.stderr, "Creating") {
		t.Logf("note: status found the create already finished (it did not follow a running one):\n%s", r.stderr)
	}
}

// TestE2ECreateProduction: the whole create wizard at 80×24, then the new
// compute in the simulator's persisted state.
func TestE2ECreateProduction(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	srv := newTmuxServer(t)
	r := srv.start(80, 24, state, "--compute-type", "AKS")

	createToNodeStep(r)
	r.waitFor("3 nodes × 4 vCPUs = 12 vCPUs", "is enough for production")
	r.keys("Enter")
	r.waitFor("9/12 Networking", "Basic (AML-managed)")
	r.form("Load balancer")
	r.waitFor("10/12 TLS")
	r.keys("Enter")
	r.waitFor("11/12 Name", "name: e.g.")
	r.text("aks-e2e-tmux")
	r.waitFor("name: aks-e2e-tmux", "✓ aks-e2e-tmux is free in mlw-prod")
	r.keys("Enter")
	r.waitFor("12/12 Review", "Create AKS compute aks-e2e-tmux in mlw-prod", "Standard_D3_v2 (4 vCPUs", "3 (12 vCPUs)", "enter submit the create")
	r.keys("Enter")
	r.waitForWithin(e2eOpWait, "✓ Created aks-e2e-tmux in mlw-prod", "Succeeded", "status aks-e2e-tmux -w mlw-prod")
	r.keys("Enter")
	screen := r.expectExit(0)
	if !strings.Contains(screen, "Created AKS compute aks-e2e-tmux in workspace mlw-prod") {
		t.Errorf("no result line after the wizard:\n%s", screen)
	}

	computes := listComputes(t, state)
	c, ok := computes["aks-e2e-tmux"]
	if !ok || c.State != "Succeeded" || c.Type != "AKS" || c.Purpose != "FastProd" || c.Nodes != 3 || c.VMSize != "Standard_D3_v2" || c.VCPUs != 12 {
		t.Errorf("list -o json: aks-e2e-tmux = %+v (found %v), want a Succeeded FastProd AKS compute, 3 × Standard_D3_v2, 12 vCPUs", c, ok)
	}
	if !stateHasCompute(t, state, "mlw-prod", "aks-e2e-tmux") {
		t.Errorf("the demo state file %s has no compute aks-e2e-tmux in mlw-prod", state)
	}
}

// TestE2EBadInputAndResize: live name messages, a node count below the
// production threshold, a too-small and a larger window, Ctrl+C.
func TestE2EBadInputAndResize(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	srv := newTmuxServer(t)
	r := srv.start(80, 24, state, "--compute-type", "AKS")

	createToNodeStep(r)
	r.keys("-")
	r.waitFor("nodes: 2", "8 of 12 needed", "2 nodes × 4 vCPUs = 8 vCPUs",
		"Standard_D3_v2 has 4 vCPUs: 3 nodes or more", "production needs 3 nodes at least (now 2)")
	// Enter must not advance: "+" after it still lands on the node step.
	r.keys("Enter")
	r.keys("+")
	r.waitUntil("nodes: 3 on 8/12 after Enter at 2 nodes", e2eWait, func(s string) bool {
		return strings.Contains(s, "8/12 Node count") && strings.Contains(s, "nodes: 3")
	}, "9/12 Networking")
	r.keys("Enter")
	r.waitFor("9/12 Networking")
	r.form("Load balancer")
	r.waitFor("10/12 TLS")
	r.keys("Enter")
	r.waitFor("11/12 Name", "name: e.g.")

	// The messages appear while typing, before Enter.
	r.text("1")
	screen := r.waitFor("name: 1", "must start with a letter", "3 characters at least (now 1)")
	if strings.Contains(screen, "not yet") {
		t.Fatalf("an Enter-time message before Enter:\n%s", screen)
	}
	r.text("bad_")
	screen = r.waitFor("name: 1bad_", "must start with a letter", "only letters, digits and - are allowed (found '_')", "must end with a letter or digit")
	if strings.Contains(screen, "3 characters at least") || strings.Contains(screen, "not yet") {
		t.Fatalf("stale or early message:\n%s", screen)
	}
	r.keys("Enter")
	r.waitUntil("Enter refused on the name step", e2eWait, func(s string) bool {
		return strings.Contains(s, "11/12 Name") && strings.Contains(s, "not yet: must start with a letter")
	}, "12/12 Review")

	// Too small, then larger: the screen re-flows, answers kept.
	r.resize(50, 12)
	r.waitFor("make the terminal larger", "have 50×12")
	r.resize(120, 40)
	screen = r.waitUntil("the name step re-flowed at 120×40", e2eWait, func(s string) bool {
		if !strings.Contains(s, "11/12 Name") || !strings.Contains(s, "name: 1bad_") || !strings.Contains(s, "must start with a letter") {
			return false
		}
		for _, line := range strings.Split(s, "\n") {
			// At 80 columns this sentence wraps; at 120 it is one line.
			if strings.Contains(line, "Name the compute target") && strings.Contains(line, "unique in mlw-prod") {
				return true
			}
		}
		return false
	})
	lines := strings.Split(screen, "\n")
	if len(lines) < 2 || strings.Count(lines[1], "─") != 120 {
		t.Errorf("the rule under the title is not 120 wide:\n%s", screen)
	}
	if strings.Contains(screen, "make the terminal larger") {
		t.Errorf("still asks for a larger terminal:\n%s", screen)
	}

	r.keys("C-c")
	r.waitFor("Leave the wizard?", "amlaks --demo create --compute-type AKS")
	r.keys("C-c")
	screen = r.expectExit(130)
	if !strings.Contains(screen, "Nothing was sent") || !strings.Contains(screen, "amlaks --demo create --compute-type AKS -w mlw-prod") {
		t.Errorf("Ctrl+C: no \"Nothing was sent\" with the command that keeps the answers:\n%s", screen)
	}
	if _, ok := listComputes(t, state)["1bad_"]; ok {
		t.Error("a compute 1bad_ exists")
	}
}

// TestE2EAttach: attach aks-private as production, aks-small as dev-test,
// and see aks-shared refused, in three runs on one demo state.
func TestE2EAttach(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	srv := newTmuxServer(t)

	attach := func(r *tmuxRun, devtest bool, cluster, detail, name string, reviewTexts ...string) {
		t.Helper()
		pickWorkspaceAndMode(r, 2)
		r.waitFor("4/9 Cluster purpose", "› 1. Production")
		use := "production"
		if devtest {
			r.keys("Down")
			r.waitFor("› 2. Dev-test")
			use = "dev-test"
		}
		r.keys("Enter")
		r.waitFor("5/9 Cluster", "checked for "+use+" use in mlw-prod", "aks-legacy")
		r.text(cluster)
		r.waitFor("filter: "+cluster, cluster+" attachable", detail)
		r.keys("Enter")
		r.waitFor("6/9 Networking", "Load balancer", "Public IP")
		r.keys("Enter")
		r.waitFor("7/9 TLS")
		r.keys("Enter")
		r.waitFor("8/9 Name", "name: e.g.")
		r.text(name)
		r.waitFor("name: "+name, "✓ "+name+" is free in mlw-prod")
		r.keys("Enter")
		r.waitFor(append([]string{"9/9 Review", "Attach AKS compute " + name + " to mlw-prod", "enter submit the attach"}, reviewTexts...)...)
		r.keys("Enter")
		r.waitForWithin(e2eOpWait, "✓ Attached "+name+" to mlw-prod", "Succeeded")
		r.keys("Enter")
		screen := r.expectExit(0)
		if !strings.Contains(screen, "Attached AKS compute "+name+" to workspace mlw-prod") {
			t.Errorf("no result line after the wizard:\n%s", screen)
		}
	}

	// 1. aks-private as production: the private note, then success.
	attach(srv.start(100, 30, state, "--compute-type", "AKS"), false, "aks-private", "aks-private is a private cluster", "aks-priv",
		"Production (FastProd)", "aks-private (rg-aks", "aks-private is a private cluster")

	// 2. aks-small as dev-test.
	attach(srv.start(100, 30, state, "--compute-type", "AKS"), true, "aks-small", "nothing stands in the way", "aks-dev",
		"Dev-test (DevTest)", "aks-small (rg-aks")

	// 3. aks-shared is refused: blocked badge, the reason, no way on.
	r := srv.start(100, 30, state, "--compute-type", "AKS")
	pickWorkspaceAndMode(r, 2)
	r.waitFor("4/9 Cluster purpose", "› 1. Production")
	r.keys("Enter")
	r.waitFor("5/9 Cluster", "checked for production use in mlw-prod", "aks-legacy")
	r.text("aks-shared")
	r.waitFor("filter: aks-shared", "blocked aks-shared", "aks-shared blocked", "already attached as aks-inference in mlw-prod")
	r.keys("Enter")
	r.waitUntil("aks-shared refused on Enter", e2eWait, func(s string) bool {
		return strings.Contains(s, "5/9 Cluster") && strings.Contains(s, "aks-shared cannot be attached")
	}, "6/9 Networking", "9/9 Review")
	r.keys("C-c")
	r.waitFor("Leave the wizard?")
	r.keys("C-c")
	r.expectExit(130)

	computes := listComputes(t, state)
	if c := computes["aks-priv"]; c.State != "Succeeded" || !c.Attached || c.Purpose != "FastProd" {
		t.Errorf("aks-priv: %+v, want an attached FastProd compute, Succeeded", c)
	}
	if c := computes["aks-dev"]; c.State != "Succeeded" || !c.Attached || c.Purpose != "DevTest" {
		t.Errorf("aks-dev: %+v, want an attached DevTest compute, Succeeded", c)
	}
	if len(computes) != 5 {
		t.Errorf("want 5 computes (cpu-cluster, aks-inference, aks-scoring, aks-priv, aks-dev), got %v", computes)
	}
}

// TestE2EListDetach: detach aks-inference from the list of computes.
func TestE2EListDetach(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	srv := newTmuxServer(t)
	r := srv.start(100, 30, state, "--compute-type", "AKS")

	pickWorkspaceAndMode(r, 4)
	r.waitFor("Compute targets of mlw-prod", "› cpu-cluster", "aks-inference")
	r.keys("Down")
	r.waitFor("› aks-inference")
	r.keys("d")
	r.waitFor("Detach aks-inference from mlw-prod?", "itself is kept", "keeps costing")
	r.keys("y")
	r.waitForWithin(e2eOpWait, "✓ Detached aks-inference from mlw-prod", "The AKS cluster itself is kept")
	r.keys("Enter")
	r.waitUntil("the list without aks-inference", e2eWait, func(s string) bool {
		return strings.Contains(s, "Compute targets of mlw-prod") && strings.Contains(s, "› cpu-cluster") && !strings.Contains(s, "aks-inference")
	})
	r.keys("q")
	r.expectExit(0)

	computes := listComputes(t, state)
	if _, ok := computes["aks-inference"]; ok {
		t.Errorf("aks-inference is still listed: %v", computes)
	}
	if _, ok := computes["cpu-cluster"]; !ok {
		t.Errorf("cpu-cluster is gone: %v", computes)
	}
}

// TestE2EScriptCreateThenList: script mode, no terminal, nothing asked.
func TestE2EScriptCreateThenList(t *testing.T) {
	t.Parallel()
	state := demoState(t)

	// stdin is /dev/null in every run here.
	r := runAmlaks(t, state, "10", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-script", "--yes")
	if r.code != 0 || !strings.Contains(r.stdout, "aks-script") || !strings.Contains(r.stdout, "Succeeded") {
		t.Fatalf("create:\n%s", r)
	}
	if c, ok := listComputes(t, state)["aks-script"]; !ok || c.State != "Succeeded" {
		t.Fatalf("list -o json: aks-script = %+v (found %v), want Succeeded", c, ok)
	}

	r = runAmlaks(t, state, "10", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-script", "--yes")
	if r.code != 2 || !strings.Contains(r.stderr, "aks-script") || !strings.Contains(r.stderr, "already used") {
		t.Fatalf("second create of the same name: want exit 2 naming aks-script:\n%s", r)
	}
	if strings.Contains(r.stderr, "accepted") {
		t.Fatalf("second create was sent:\n%s", r)
	}

	// Missing answers with --yes and no terminal: reported, never asked,
	// even in accessible (line prompt) mode.
	for _, args := range [][]string{
		{"--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "--yes"},
		{"--demo", "--accessible", "create", "-w", "mlw-prod", "--yes"},
		{"--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod"},
	} {
		r = runAmlaks(t, state, "10", args...)
		if r.code != 2 || !strings.Contains(r.stderr, "--name") {
			t.Errorf("want exit 2 naming --name:\n%s", r)
		}
		for _, prompt := range []string{"Enter a number", "no answer to", "Name:"} {
			if strings.Contains(r.stdout+r.stderr, prompt) {
				t.Errorf("it prompted (%q):\n%s", prompt, r)
			}
		}
	}
}

// TestE2EBurstTypingInAForm: keys that arrive in one burst right after ↓ or
// Tab (a paste, a slow SSH link batching keystrokes) land in the field
// moved to, not in the one being left. The keys go in one send-keys call,
// with no pause between them.
func TestE2EBurstTypingInAForm(t *testing.T) {
	t.Parallel()
	state := demoState(t)
	srv := newTmuxServer(t)
	r := srv.start(100, 30, state, "--compute-type", "AKS")

	createToNodeStep(r)
	r.keys("Enter")
	r.waitFor("9/12 Networking", "› Network")
	r.keys("2") // Custom VNet: its fields appear
	r.waitFor("VNet resource group", "Subnet")
	r.keys("Down", "rg-net", "Down", "vnet-x", "Down", "snet", "Tab", "10.1.0.0/16")
	screen := r.waitFor("10.1.0.0/16")
	got := map[string]string{}
	for _, line := range strings.Split(screen, "\n") {
		l := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "›"))
		if label, value, ok := strings.Cut(l, "   "); ok {
			got[label] = strings.TrimSpace(value)
		}
	}
	for label, value := range map[string]string{"VNet resource group": "rg-net", "VNet": "vnet-x", "Subnet": "snet", "Service CIDR": "10.1.0.0/16"} {
		if got[label] != value {
			t.Errorf("%s holds %q, want %q:\n%s", label, got[label], value, screen)
		}
	}
	r.keys("C-c")
	r.waitFor("Leave the wizard?")
	r.keys("C-c")
	r.expectExit(130)
}
