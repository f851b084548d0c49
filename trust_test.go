package main

// Trust boundaries of a real run: a token goes only to the cloud it was
// issued for.

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/amlaks/amlaks/azure/sim"
)

// cloudAz is az as it really behaves with several clouds registered: it
// always asks its active cloud's authority (`az account get-access-token`
// has no option to ask another's), so the token names the active cloud,
// the issuer the test looks for.
const cloudAz = `#!/bin/sh
d=$(dirname "$0")
echo "$*" >> "$d/runs"
c=$(sed -n 's/^name *= *//p' "$AZURE_CONFIG_DIR/config")
exp=$(( $(date +%s) + 3600 ))
printf '{"accessToken":"fake-arm-token-issued-by-%s-%s","expires_on":%s,"tokenType":"Bearer"}\n' "$c" "$$" "$exp"
`

// TestTokenGoesOnlyToItsCloud: two clouds on two loopback TLS endpoints,
// az signed in to the first. `--cloud` naming the second is refused with
// the az commands that sign in there, and the second never sees a token
// the first's authority issued, neither then nor once az has signed in to
// it (the token kept on disk for the first is not reused).
func TestTokenGoesOnlyToItsCloud(t *testing.T) {
	rp := newRealPath(t)
	if err := os.WriteFile(filepath.Join(rp.azDir, "az"), []byte(cloudAz), 0o755); err != nil {
		t.Fatal(err)
	}
	hb, err := sim.New(sim.Options{Speed: 200})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var bAuth []string
	b := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		bAuth = append(bAuth, r.Header.Get("Authorization"))
		mu.Unlock()
		hb.ServeHTTP(w, r)
	}))
	defer b.Close()
	clouds, _ := os.ReadFile(filepath.Join(rp.cfgDir, "clouds.config"))
	clouds = append(clouds, []byte("[CloudB]\nendpoint_resource_manager = "+b.URL+"/\n"+
		"endpoint_active_directory = https://login.cloudb.example\n"+
		"endpoint_active_directory_resource_id = https://management.cloudb.example/\n")...)
	if err := os.WriteFile(filepath.Join(rp.cfgDir, "clouds.config"), clouds, 0o600); err != nil {
		t.Fatal(err)
	}
	foreign := func() []string {
		mu.Lock()
		defer mu.Unlock()
		var bad []string
		for _, a := range bAuth {
			if strings.Contains(a, "issued-by-AmlaksSim") {
				bad = append(bad, a)
			}
		}
		return bad
	}

	// a warm token of the active cloud on disk
	if r, _ := rp.run("list", "-w", "mlw-prod"); r.code != 0 {
		t.Fatalf("active cloud:\n%s", r)
	}
	r, n := rp.run("--cloud", "CloudB", "list", "-w", "mlw-prod", "--subscription", sim.DefaultSubscriptionID)
	if r.code == 0 || !strings.Contains(r.err, "az cloud set --name CloudB && az login") {
		t.Errorf("--cloud CloudB while az is signed in to AmlaksSim: exit %d, want a refusal naming the sign-in\n%s", r.code, r)
	}
	if n != 0 {
		t.Errorf("az ran %d times for a cloud it is not signed in to", n)
	}
	if bad := foreign(); len(bad) > 0 {
		t.Fatalf("CloudB received %d requests carrying AmlaksSim's token", len(bad))
	}

	// az cloud set --name CloudB && az login
	os.WriteFile(filepath.Join(rp.cfgDir, "config"), []byte("[cloud]\nname = CloudB\n"), 0o600)
	prof, _ := os.ReadFile(filepath.Join(rp.cfgDir, "azureProfile.json"))
	os.WriteFile(filepath.Join(rp.cfgDir, "azureProfile.json"), []byte(strings.ReplaceAll(string(prof), `"AmlaksSim"`, `"CloudB"`)), 0o600)
	r, n = rp.run("list", "-w", "mlw-prod")
	if r.code != 0 || n != 1 {
		t.Fatalf("signed in to CloudB: exit %d, az ran %d times\n%s", r.code, n, r)
	}
	mu.Lock()
	got := len(bAuth)
	mu.Unlock()
	if got == 0 {
		t.Fatal("CloudB was not asked anything")
	}
	if bad := foreign(); len(bad) > 0 {
		t.Fatalf("CloudB received %d requests carrying AmlaksSim's token", len(bad))
	}
}

// TestDebugFileHardLinkRefused: --debug-file naming a file with another
// hard link is refused, and the other name's content and mode stay.
func TestDebugFileHardLinkRefused(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	link := filepath.Join(dir, "trace.log")
	if err := os.Link(victim, link); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	r := runArgs(t, "", "--demo", "--debug-file", link, "list", "-w", "mlw-prod")
	if r.code == 0 || !strings.Contains(r.err, "has 2 hard links") {
		t.Errorf("hard link: %s", r)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Error("the linked file was overwritten")
	}
	if fi, _ := os.Stat(victim); fi.Mode().Perm() != 0o644 {
		t.Errorf("the linked file was chmodded to %v", fi.Mode().Perm())
	}
}

// hungAzScript is an az that never answers: its shell and a child
// (Python, in the real az) write their process IDs and wait.
const hungAzScript = `#!/bin/sh
d=$(dirname "$0")
echo $$ >> "$d/pids"
sleep 300 &
echo $! >> "$d/pids"
wait
`

// TestHungAzGoesWithAmlaks: amlaks ended while az hangs (by a signal here,
// before az's own 30 s are up) leaves no az process behind: its process
// group goes with amlaks.
func TestHungAzGoesWithAmlaks(t *testing.T) {
	bin := amlaksBinary(t)
	rp := newRealPath(t)
	if err := os.WriteFile(filepath.Join(rp.azDir, "az"), []byte(hungAzScript), 0o755); err != nil {
		t.Fatal(err)
	}
	pids := func() []int {
		b, _ := os.ReadFile(filepath.Join(rp.azDir, "pids"))
		var out []int
		for _, f := range strings.Fields(string(b)) {
			n, _ := strconv.Atoi(f)
			out = append(out, n)
		}
		return out
	}
	cmd := exec.Command(bin, "list", "-w", "mlw-prod")
	cmd.Env = e2eEnv()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 500 && len(pids()) < 2; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if len(pids()) < 2 {
		cmd.Process.Kill()
		t.Fatal("az did not start")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("amlaks did not exit on SIGTERM while az hung")
	}
	var left []int
	for _, pid := range pids() {
		for i := 0; i < 50 && processAlive(pid); i++ {
			time.Sleep(20 * time.Millisecond)
		}
		if processAlive(pid) {
			left = append(left, pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if len(left) > 0 {
		t.Errorf("az processes %v outlived amlaks\n%s", left, errb.String())
	}
}

// processAlive: not gone and not a zombie waiting for a reaper.
func processAlive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
	return len(f) == 0 || f[0] != "Z"
}

// TestHungAzIsNamed: a request that ran out of time waiting for az's token
// says az did not answer (it said "Azure did not answer in time"), with
// the hint of a hung az, and no az is left when run returns.
func TestHungAzIsNamed(t *testing.T) {
	rp := newRealPath(t)
	if err := os.WriteFile(filepath.Join(rp.azDir, "az"), []byte(hungAzScript), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AMLAKS_TRY_TIMEOUT", "1s")
	r, _ := rp.run("list", "-w", "mlw-prod")
	if r.code != 1 || !strings.Contains(r.err, "`az account get-access-token` did not answer in 1 s") ||
		!strings.Contains(r.err, "run `az account get-access-token` in a shell to see why") || strings.Contains(r.err, "Azure did not answer") {
		t.Errorf("a hung az:\n%s", r)
	}
	b, _ := os.ReadFile(filepath.Join(rp.azDir, "pids"))
	for _, f := range strings.Fields(string(b)) {
		pid, _ := strconv.Atoi(f)
		for i := 0; i < 50 && processAlive(pid); i++ {
			time.Sleep(20 * time.Millisecond)
		}
		if processAlive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("az process %d outlived run", pid)
		}
	}
}

// TestClosedStdoutIsExit1: with standard output closed (`>&-`) a result
// that cannot be shown is exit 1 with a message on stderr (the Go runtime
// puts /dev/null in its place, and the exit code was 0); `>/dev/null` is
// still a success.
func TestClosedStdoutIsExit1(t *testing.T) {
	bin := amlaksBinary(t)
	env := e2eEnv("AMLAKS_DEMO_STATE=" + filepath.Join(t.TempDir(), "state.json"))
	for _, c := range []struct {
		redirect string
		code     int
		err      string
	}{{">&-", 1, "standard output is closed"}, {">/dev/null", 0, ""}} {
		cmd := exec.Command("/bin/sh", "-c", `"$0" --demo list -w mlw-prod `+c.redirect, bin)
		cmd.Env = env
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != c.code || !strings.Contains(errb.String(), c.err) {
			t.Errorf("%s: exit %d, want %d\n%s", c.redirect, code, c.code, errb.String())
		}
	}
}
