package main

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// child is amlaks in a child process (this test binary re-executed, see
// TestMain) with the test's environment and more.
func child(args []string, env ...string) (*exec.Cmd, *syncedBuffer) {
	// TestMain runs amlaks with these args; -test.run=^$ keeps a child
	// without that hook from running the tests again
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "AMLAKS_TEST_CHILD_ARGS="+strings.Join(args, "\x1f")), env...)
	var errb syncedBuffer
	cmd.Stderr = &errb
	return cmd, &errb
}

func runChild(t *testing.T, args []string, env ...string) result {
	t.Helper()
	cmd, errb := child(args, env...)
	var out strings.Builder
	cmd.Stdout = &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Error(err)
	}
	return result{code, out.String(), errb.String()}
}

// TestStopBeforeAzureAnswered: Ctrl+C while the cluster's PUT has no
// answer yet (its connection dropped, the SDK retrying) says the request
// may not have reached Azure and names the command that checks and
// continues (exit 130), never "accepted"; `status NAME` then makes one
// cluster, one extension, one compute.
func TestStopBeforeAzureAnswered(t *testing.T) {
	state := demoEnv(t)
	cmd, errb := child([]string{"--demo", "create", "-w", "mlw-prod", "-n", "k8s-early", "--purpose", "dev-test", "--nodes", "1", "--allow-insecure-connections", "--yes"},
		"AMLAKS_SIM_FAULTS=drop-before-put=cluster:100000", "AMLAKS_SIM_SPEED=1") // retries 0.8 s apart
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitOutput(t, cmd, errb, "the cluster's PUT was never retried", func(s string) bool { return strings.Contains(s, "network error") })
	_ = cmd.Process.Signal(syscall.SIGINT)
	_ = cmd.Wait()
	say := "the request of the cluster create may not have reached Azure: amlaks --demo status k8s-early -w mlw-prod -g rg-ml-prod checks and continues"
	if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(errb.String(), say) || strings.Contains(errb.String(), "accepted") {
		t.Fatalf("exit %d, want 130 and %q:\n%s", code, say, errb.String())
	}
	s := runArgs(t, "", "--demo", "status", "k8s-early", "-w", "mlw-prod")
	if s.code != 0 || !strings.Contains(s.out, "Succeeded") {
		t.Fatalf("status:\n%s", s)
	}
	checkFinished(t, state, "k8s-early", "", 1)
}

// TestTwoProcessesOneRecordAndOneCluster: two processes running the same
// create, and two attaches installing the extension of one cluster at
// once: the second waits for the first (and says who it waits for), then
// finds the work done; nobody fails with a Conflict; one cluster, one
// extension, the computes asked for.
func TestTwoProcessesOneRecordAndOneCluster(t *testing.T) {
	state := demoEnv(t)
	same := []string{"--demo", "create", "-w", "mlw-prod", "-n", "k8s-twice", "--purpose", "dev-test", "--nodes", "1", "--allow-insecure-connections", "--yes"}
	attach := func(name string) []string {
		return []string{"--demo", "attach", "-w", "mlw-prod", "-n", name, "--cluster", "aks-ml-plain", "--cluster-resource-group", "rg-aks-ml",
			"--install-extension", "--allow-insecure-connections", "--yes"}
	}
	for _, pair := range [][2][]string{{same, same}, {attach("k8s-sh-a"), attach("k8s-sh-b")}} {
		var wg sync.WaitGroup
		res := make([]result, 2)
		for i := range res {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i] = runChild(t, pair[i], "AMLAKS_SIM_SPEED=25") // slow enough to overlap
			}()
		}
		wg.Wait()
		for _, r := range res {
			if r.code != 0 || strings.Contains(r.err, "Conflict") {
				t.Fatalf("%s\n%s", pair[0], r)
			}
		}
		if !strings.Contains(res[0].err+res[1].err, "waiting for it to finish") {
			t.Errorf("neither process waited for the other:\n%s\n%s", res[0], res[1])
		}
	}
	checkFinished(t, state, "k8s-twice", "", 1)
	if _, ext, _ := simOwned(t, state, "mlw-prod", "k8s-sh-a", "aks-ml-plain"); ext != 1 {
		t.Errorf("%d extensions on aks-ml-plain", ext)
	}
	for _, n := range []string{"k8s-sh-a", "k8s-sh-b"} {
		if _, _, cp := simOwned(t, state, "mlw-prod", n, ""); cp != 1 {
			t.Errorf("%s: %d computes", n, cp)
		}
	}
}

// TestKillAnywhereThenStatus: a create (or an attach) killed with SIGKILL
// at a random moment (seeded), then `status NAME`: exit 0 with exactly
// one cluster, one extension and one compute, or — killed before any
// request — exit 1 saying the compute is not found, with nothing made;
// never a resume token or a record left behind after a finished status.
func TestKillAnywhereThenStatus(t *testing.T) {
	demoEnv(t)
	rnd := rand.New(rand.NewSource(21))
	runs := 50
	if testing.Short() {
		runs = 10
	}
	type run struct {
		name, cluster, state string
		args                 []string
		after                time.Duration
		early                bool // counted from the start, not from the first line
	}
	var all []run
	for i := range runs {
		r := run{name: fmt.Sprintf("k8s-kill-%c%c", 'a'+i/26, 'a'+i%26), state: t.TempDir() + "/demo-state.json",
			after: time.Duration(rnd.Intn(650)) * time.Millisecond, early: i%8 == 7}
		r.args = []string{"--demo", "create", "-w", "mlw-prod", "-n", r.name, "--purpose", "dev-test", "--nodes", "1", "--allow-insecure-connections", "--yes"}
		if i%3 == 2 {
			r.args = []string{"--demo", "attach", "-w", "mlw-prod", "-n", r.name, "--cluster", "aks-ml-plain", "--cluster-resource-group", "rg-aks-ml",
				"--install-extension", "--allow-insecure-connections", "--yes"}
			r.cluster = "aks-ml-plain"
		}
		all = append(all, r)
	}
	var mu sync.Mutex
	outcomes := map[string]int{}
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, r := range all {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			env := []string{"AMLAKS_DEMO_STATE=" + r.state, "AMLAKS_SIM_SPEED=100"}
			cmd, errb := child(r.args, env...)
			if err := cmd.Start(); err != nil {
				t.Error(err)
				return
			}
			// the phases start right after the findings' first line
			for deadline := time.Now().Add(20 * time.Second); !r.early && errb.String() == "" && time.Now().Before(deadline); {
				time.Sleep(2 * time.Millisecond)
			}
			time.Sleep(r.after)
			_ = cmd.Process.Signal(syscall.SIGKILL)
			_ = cmd.Wait()
			killed := errb.String()
			s := runChild(t, []string{"--demo", "status", r.name, "-w", "mlw-prod"}, env...)
			cl, ext, cp := simOwned(t, r.state, "mlw-prod", r.name, r.cluster)
			want := 1
			if r.cluster != "" {
				want = 0
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case s.code == 0:
				in := "before the phases"
				for _, ph := range []string{"cluster]", "extension]", "attach]"} {
					if strings.Contains(killed, ph) {
						in = "in or after " + strings.TrimSuffix(ph, "]")
					}
				}
				outcomes["continued, killed "+in]++
				if cl != want || ext != 1 || cp != 1 || len(tokens(t, r.state)) > 0 || len(records(t, r.state)) > 0 {
					t.Errorf("%s killed after %v: %d clusters, %d extensions, %d computes, tokens %v, records %v\n%s\n--- the killed run:\n%s",
						r.name, r.after, cl, ext, cp, tokens(t, r.state), records(t, r.state), s, killed)
				}
			case s.code == 1 && cl+cp == 0 && (r.cluster != "" || ext == 0) && len(records(t, r.state)) == 0:
				outcomes["killed before any request"]++
			default:
				t.Errorf("%s killed after %v: status exit %d (%d clusters, %d extensions, %d computes)\n%s\n--- the killed run:\n%s", r.name, r.after, s.code, cl, ext, cp, s, killed)
			}
		}()
	}
	wg.Wait()
	t.Logf("outcomes of %d kills: %v", runs, outcomes)
}

// waitOutput waits until what a running child wrote satisfies ok, or
// kills it and fails (naming what never came).
func waitOutput(t *testing.T, cmd *exec.Cmd, out *syncedBuffer, never string, ok func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(e2eOpWait)
	for !ok(out.String()) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("%s:\n%s", never, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
