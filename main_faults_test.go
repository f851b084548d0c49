package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// tokens lists the saved resume tokens of the demo (one file per running
// operation).
func tokens(t *testing.T, state string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(state), "demo-ops", "ops", "*.json"))
	return m
}

// TestFaultMatrixLineMode: every fault of issue 12 against create (line
// mode, the built simulator, the real SDK pipeline): the exit code, the
// message, and whether the resume token survives.
func TestFaultMatrixLineMode(t *testing.T) {
	rows := []struct {
		name   string
		faults string
		extra  []string // more flags
		env    map[string]string
		code   int
		want   []string // on stderr
		token  bool     // a resume token is kept afterwards
	}{
		{name: "429x2 with Retry-After", faults: "throttle=operations:2,retry-after=1", code: 0,
			want: []string{"throttled by Azure: retrying in 1 s", "Create of f-throttled accepted"}},
		{name: "503 burst", faults: "unavailable=operations:9", code: 0,
			want: []string{"could not poll the operation", "trying again in"}},
		{name: "drop before the PUT", faults: "drop-before-put=compute:1", code: 0,
			want: []string{"network error: retrying", "accepted"}},
		{name: "drop after the PUT", faults: "drop-after-put=compute:1", code: 0,
			want: []string{"the answer to the request was lost, but Azure has the compute as requested", "accepted"}},
		{name: "latency past the per-try timeout", faults: "latency=3s", env: map[string]string{"AMLAKS_TRY_TIMEOUT": "50ms"}, code: 1,
			want: []string{"did not answer in time", "AMLAKS_TRY_TIMEOUT"}},
		{name: "LRO Failed", faults: "fail=create", code: 1,
			want: []string{"QuotaExceeded", "hint:"}},
		{name: "LRO slow past the deadline", faults: "slow=create:1000", extra: []string{"--timeout", "400ms"}, code: 3, token: true,
			want: []string{"stopped watching: no end after", "lost track, the operation may still be running: amlaks --demo status f-slow -w mlw-prod -g rg-ml-prod"}},
		{name: "sign-in failing mid-follow", faults: "unauthorized=operations:3", code: 0,
			want: []string{"could not poll the operation", "ExpiredAuthenticationToken", "trying again in"}},
		{name: "sign-in failing past the deadline", faults: "unauthorized=operations:100000", extra: []string{"--timeout", "400ms"}, code: 3, token: true,
			want: []string{"lost track, the operation may still be running"}},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			state := demoEnv(t)
			t.Setenv("AMLAKS_SIM_FAULTS", tc.faults)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			name := map[string]string{"429x2 with Retry-After": "f-throttled", "LRO slow past the deadline": "f-slow"}[tc.name]
			if name == "" {
				name = "f-" + strings.Map(func(r rune) rune {
					if r >= 'a' && r <= 'z' {
						return r
					}
					return -1
				}, strings.ToLower(tc.name))
				name = name[:min(len(name), 20)]
			}
			args := append([]string{"--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", name, "--yes"}, tc.extra...)
			start := time.Now()
			r := runArgs(t, "", args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tc.code, r)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.err, w) {
					t.Errorf("stderr lacks %q\n%s", w, r)
				}
			}
			if got := len(tokens(t, state)) > 0; got != tc.token {
				t.Errorf("resume token kept: %v, want %v", got, tc.token)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
			if tc.code == 3 {
				// the operation goes on: status picks it up again
				t.Setenv("AMLAKS_SIM_FAULTS", "")
				s := runArgs(t, "", "--demo", "status", name, "-w", "mlw-prod", "--no-wait")
				if s.code != 0 || !strings.Contains(s.out, "Creating") && !strings.Contains(s.out, "Succeeded") {
					t.Errorf("status after stopping watching:\n%s", s)
				}
			}
			if tc.code == 0 && !strings.Contains(r.out, "Succeeded") {
				t.Errorf("no result on stdout\n%s", r)
			}
		})
	}
}

// TestNodesParsedInAPIWidth: --nodes 4294967299 is refused (exit 2,
// naming the flag and the AKS limit), not cut to 3 nodes.
func TestNodesParsedInAPIWidth(t *testing.T) {
	demoEnv(t)
	for _, n := range []string{"4294967299", "1001", "0", "-1", "3.5", "9223372036854775808"} {
		r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-big", "--nodes", n, "--yes")
		if r.code != 2 || !strings.Contains(r.err, "--nodes") {
			t.Errorf("--nodes %s: %s", n, r)
		}
		if n == "4294967299" && !strings.Contains(r.err, "at most 1000 nodes in a node pool") {
			t.Errorf("--nodes %s: the limit is not named\n%s", n, r)
		}
	}
	d := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-big", "--nodes", "1000", "--dry-run", "-o", "json")
	if !strings.Contains(d.out, `"agentCount": 1000`) {
		t.Errorf("--nodes 1000 dry run:\n%s", d)
	}
}

// TestTLSFlagsRefuseFIFOAndDevices: a FIFO nobody writes and an endless
// device fail at once, naming the flag (before: a FIFO blocked forever and
// /dev/zero grew to gigabytes).
func TestTLSFlagsRefuseFIFOAndDevices(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	demoEnv(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "cert.pem")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	key := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(key, []byte("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ cert, want string }{
		{fifo, "--ssl-cert-file: " + fifo + " is a named pipe, not a PEM file"},
		{"/dev/zero", "--ssl-cert-file: /dev/zero is a character device, not a PEM file"},
	} {
		done := make(chan result, 1)
		go func() {
			done <- runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-tls", "--ssl-cert-file", tc.cert,
				"--ssl-key-file", key, "--ssl-cname", "ml.contoso.com", "--yes")
		}()
		select {
		case r := <-done:
			if r.code != 2 || !strings.Contains(r.err, tc.want) {
				t.Errorf("%s: %s", tc.cert, r)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still reading after 10 s", tc.cert)
		}
	}
}

// TestResetAnyBrokenStateFile: `amlaks --demo reset` works on a state file
// of every broken shape (before: it failed on the corrupt file it is
// recommended for).
func TestResetAnyBrokenStateFile(t *testing.T) {
	for name, mk := range map[string]func(string) error{
		"truncated": func(p string) error { return os.WriteFile(p, []byte(`{"version":1,"computes":[{`), 0o600) },
		"not JSON":  func(p string) error { return os.WriteFile(p, []byte("garbage"), 0o600) },
		"directory": func(p string) error { return os.MkdirAll(filepath.Join(p, "x"), 0o700) },
		"no permissions": func(p string) error {
			if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
				return err
			}
			return os.Chmod(p, 0)
		},
	} {
		t.Run(name, func(t *testing.T) {
			state := demoEnv(t)
			if err := mk(state); err != nil {
				t.Fatal(err)
			}
			l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod")
			if name == "directory" {
				// not a file amlaks wrote: moved aside, the fixtures instead
				if l.code != 0 || !strings.Contains(l.err, "moved aside as "+state+".set-aside") {
					t.Errorf("list on a directory as the state: %s", l)
				}
			} else if name != "no permissions" || os.Geteuid() != 0 {
				if l.code != 1 || !strings.Contains(l.err, "amlaks --demo reset") {
					t.Errorf("list on a broken state: %s", l)
				}
			}
			if r := runArgs(t, "", "--demo", "reset"); r.code != 0 {
				t.Fatalf("reset: %s", r)
			}
			if l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod"); l.code != 0 || !strings.Contains(l.out, "aks-inference") {
				t.Fatalf("list after reset: %s", l)
			}
		})
	}
}

// TestCorruptResumeTokenFollowsCompute: a corrupt saved operation is
// reported, set aside as .corrupt, and status follows the compute's own
// state (before: status failed).
func TestCorruptResumeTokenFollowsCompute(t *testing.T) {
	state := demoEnv(t)
	t.Setenv("AMLAKS_SIM_FAULTS", "slow=create:1000")
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-tok", "--yes", "--no-wait")
	if r.code != 0 {
		t.Fatal(r)
	}
	toks := tokens(t, state)
	if len(toks) != 1 {
		t.Fatalf("tokens %v", toks)
	}
	if err := os.WriteFile(toks[0], []byte(`{"kind":"cre`), 0o600); err != nil {
		t.Fatal(err)
	}
	s := runArgs(t, "", "--demo", "--timeout", "300ms", "status", "aks-tok", "-w", "mlw-prod")
	if s.code != 3 || !strings.Contains(s.err, "unreadable") || !strings.Contains(s.err, ".corrupt") || !strings.Contains(s.err, "Creating") {
		t.Fatalf("status with a corrupt token: %s", s)
	}
	if _, err := os.Stat(toks[0] + ".corrupt"); err != nil {
		t.Errorf("not set aside: %v", err)
	}
}

// TestConcurrentAttachGoroutines: two attaches of aks-private under
// different names at once, in one process: exactly one succeeds, the other
// gets the already-attached BLOCK (before: both succeeded in 4 of 6 runs).
func TestConcurrentAttachGoroutines(t *testing.T) {
	demoEnv(t)
	// latency makes both preflights overlap, so without the lock both
	// attaches pass them (the old code failed this test in most runs)
	t.Setenv("AMLAKS_SIM_FAULTS", "latency=40ms")
	var wg sync.WaitGroup
	res := make([]result, 2)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n", fmt.Sprintf("att-priv-%c", 'a'+i), "--cluster", "aks-private", "--yes")
		}()
	}
	wg.Wait()
	checkOneAttached(t, res[0], res[1])
}

func checkOneAttached(t *testing.T, a, b result) {
	t.Helper()
	ok, blocked := 0, 0
	for _, r := range []result{a, b} {
		switch {
		case r.code == 0:
			ok++
		case r.code == 2 && strings.Contains(r.err, "already-attached") || strings.Contains(r.err, "is already attached as att-priv-"):
			blocked++
		}
	}
	if ok != 1 || blocked != 1 {
		t.Fatalf("want one success and one already-attached BLOCK:\n%s\n%s", a, b)
	}
	t.Setenv("AMLAKS_SIM_FAULTS", "")
	l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod", "-o", "json")
	if n := strings.Count(l.out, "/managedClusters/aks-private"); n != 1 {
		t.Fatalf("aks-private attached %d times:\n%s", n, l.out)
	}
}

// TestConcurrentAttachProcesses: the same with two processes (this test
// binary re-executed), sharing the demo state: exactly one succeeds.
func TestConcurrentAttachProcesses(t *testing.T) {
	demoEnv(t)
	t.Setenv("AMLAKS_SIM_FAULTS", "latency=40ms")
	var wg sync.WaitGroup
	res := make([]result, 2)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = runChild(t, []string{"--demo", "attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n",
				fmt.Sprintf("att-priv-%c", 'a'+i), "--cluster", "aks-private", "--yes"})
		}()
	}
	wg.Wait()
	checkOneAttached(t, res[0], res[1])
}
