package sim

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPersistenceAcrossHandlers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "amlaks", "demo-state.json")
	clock := newClock()
	a := newEnv(t, Options{StatePath: path, Now: clock.Now})
	b := newEnv(t, Options{StatePath: path, Now: clock.Now})
	a.clock, b.clock = clock, clock

	resp, _ := a.put("aks-shared-state", createBody("Standard_D3_v2", 3, "FastProd"), 201)
	c := b.get(mlw+"/computes/aks-shared-state", 200)
	if jstr(c, "properties", "provisioningState") != "Creating" {
		t.Fatalf("second handler sees %v", c)
	}
	// the second handler follows the first's operation
	if st := b.status(resp); jstr(st, "status") != "InProgress" {
		t.Errorf("status via b: %v", st)
	}
	clock.Advance(25 * time.Second)
	if st := b.status(resp); jstr(st, "status") != "Succeeded" {
		t.Errorf("status via b after 25 s: %v", st)
	}
	for name, e := range map[string]*env{"a": a, "b": b} {
		if c := e.get(mlw+"/computes/aks-shared-state", 200); jstr(c, "properties", "provisioningState") != "Succeeded" {
			t.Errorf("%s: %v", name, c)
		}
		if u := usageOf(e, "eastus"); u["standardDv2Family"] != 8+12 {
			t.Errorf("%s: Dv2 usage %v", name, u["standardDv2Family"])
		}
	}
	// a third handler (a later process) loads the file at start
	c3 := newEnv(t, Options{StatePath: path, Now: clock.Now})
	if items, _ := c3.list(mlw + "/computes"); len(items) != 4 {
		t.Errorf("third handler sees %d computes", len(items))
	}
	// b detaches; a notices
	b.do("DELETE", mlw+"/computes/aks-inference?underlyingResourceAction=Detach", nil)
	if c := a.get(mlw+"/computes/aks-inference", 200); jstr(c, "properties", "provisioningState") != "Deleting" {
		t.Errorf("a sees %v", c)
	}
}

func TestStateFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX modes")
	}
	dir := filepath.Join(t.TempDir(), "state")
	path := filepath.Join(dir, "demo-state.json")
	e := newEnv(t, Options{StatePath: path})
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("state written before any change: %v", err)
	}
	e.put("aks-mode", createBody("Standard_D3_v2", 3, "FastProd"), 201)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v", fi.Mode().Perm())
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", di.Mode().Perm())
	}
	// the state and its lock file (an OS lock: the file stays, the lock
	// goes with the process); no temp files
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 || entries[0].Name() != "demo-state.json" || entries[1].Name() != "demo-state.json.lock" {
		t.Errorf("leftover files: %v", entries)
	}
}

func TestReset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	e := newEnv(t, Options{StatePath: path})
	e.put("aks-gone", createBody("Standard_D3_v2", 3, "FastProd"), 201)
	if err := Reset(path); err != nil {
		t.Fatal(err)
	}
	e.get(mlw+"/computes/aks-gone", 404)
	e.get(mlw+"/computes/aks-inference", 200)
	if err := Reset(""); err == nil {
		t.Error("Reset(\"\") succeeded")
	}
	// a removed file means fixtures too
	e.put("aks-gone", createBody("Standard_D3_v2", 3, "FastProd"), 201)
	os.Remove(path)
	e.get(mlw+"/computes/aks-gone", 404)
}

func TestCorruptState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	// New works (so reset can run); requests say to reset, without retries
	c := newEnv(t, Options{StatePath: path})
	if m := c.get(mlw+"/computes", 400); errCode(m) != "DemoStateCorrupt" || !strings.Contains(fmt.Sprint(m), "amlaks --demo reset") {
		t.Errorf("corrupt at start: %v", m)
	}
	// another format version: fresh fixtures
	if err := os.WriteFile(path, []byte(`{"version":999,"computes":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Options{StatePath: path})
	e.get(mlw+"/computes/aks-inference", 200)
	// corrupted while running: an ARM error, not a panic
	if err := os.WriteFile(path, []byte(`[1,2`), 0o600); err != nil {
		t.Fatal(err)
	}
	if m := e.get(mlw+"/computes", 400); errCode(m) != "DemoStateCorrupt" {
		t.Errorf("corrupt at run time: %v", m)
	}
}

// TestResetAnyBrokenState: reset replaces a state file of every broken
// shape with the fixtures, and removes temp files left by a crash.
func TestResetAnyBrokenState(t *testing.T) {
	shapes := map[string]func(path string) error{
		"truncated": func(p string) error { return os.WriteFile(p, []byte(`{"version":1,"computes":[{"name":"x"`), 0o600) },
		"not JSON":  func(p string) error { return os.WriteFile(p, []byte("\x00\x01garbage"), 0o600) },
		"empty":     func(p string) error { return os.WriteFile(p, nil, 0o600) },
		"wrong types": func(p string) error {
			return os.WriteFile(p, []byte(`{"version":1,"computes":"nope","operations":7}`), 0o600)
		},
		"directory": func(p string) error { return os.MkdirAll(filepath.Join(p, "sub"), 0o700) },
		"no permissions": func(p string) error {
			if err := os.WriteFile(p, []byte(`{"version":1}`), 0o600); err != nil {
				return err
			}
			return os.Chmod(p, 0)
		},
	}
	for name, mk := range shapes {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "demo-state.json")
			if err := mk(path); err != nil {
				t.Fatal(err)
			}
			stale := filepath.Join(dir, ".demo-state-123.tmp")
			if err := os.WriteFile(stale, []byte("{"), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := New(Options{StatePath: path}); err != nil {
				t.Fatalf("New: %v", err)
			}
			if err := Reset(path); err != nil {
				t.Fatalf("Reset: %v", err)
			}
			e := newEnv(t, Options{StatePath: path})
			e.get(mlw+"/computes/aks-inference", 200)
			if _, err := os.Stat(stale); !os.IsNotExist(err) {
				t.Errorf("stale temp file kept: %v", err)
			}
		})
	}
}

// TestStaleTempsRemovedAndLockMtimeIgnored: temp files of a writer that
// died are removed by the next request; a lock file with a future mtime
// (the old mtime-based lock would wait forever) does not stall anything.
func TestStaleTempsRemovedAndLockMtimeIgnored(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "demo-state.json")
	if err := Reset(path); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, ".demo-state-999.tmp")
	if err := os.WriteFile(stale, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(24 * time.Hour)
	if err := os.Chtimes(path+".lock", future, future); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Options{StatePath: path})
	start := time.Now()
	e.get(mlw+"/computes", 200)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("request took %v with a future-dated lock file", d)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temp file kept: %v", err)
	}
}

func TestDefaultStatePath(t *testing.T) {
	t.Setenv(EnvState, "/tmp/x/state.json")
	if p := DefaultStatePath(); p != "/tmp/x/state.json" {
		t.Errorf("override: %s", p)
	}
	if runtime.GOOS == "windows" {
		return
	}
	t.Setenv(EnvState, "")
	t.Setenv("XDG_STATE_HOME", "/var/xdg")
	if p := DefaultStatePath(); p != filepath.Join("/var/xdg", "amlaks", "demo-state.json") {
		t.Errorf("XDG: %s", p)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if p := DefaultStatePath(); p != filepath.Join("/home/u", ".local", "state", "amlaks", "demo-state.json") {
		t.Errorf("home: %s", p)
	}
}

func TestNewOptions(t *testing.T) {
	for _, o := range []Options{{Speed: -1}, {Faults: Faults{Throttle: map[string]int{"nope": 1}}},
		{Faults: Faults{Slow: map[string]float64{"create": 0.5}}}, {Faults: Faults{Fail: map[string]int{"boot": 1}}}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
	// Speed scales durations.
	e := newEnv(t, Options{Speed: 100})
	resp, _ := e.put("aks-fast", createBody("Standard_D3_v2", 3, "FastProd"), 201)
	if st := e.finish(resp, 200*time.Millisecond); jstr(st, "status") != "Succeeded" {
		t.Errorf("create at speed 100 after 0.2 s: %v", st)
	}
}

// TestConcurrentUse runs two Handlers on one state file from several
// goroutines; with 503 retried (as the SDK does) no update is lost.
func TestConcurrentUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	clock := newClock()
	envs := []*env{newEnv(t, Options{StatePath: path, Now: clock.Now}), newEnv(t, Options{StatePath: path, Now: clock.Now})}
	retry := func(e *env, method, p string, body any) (*http.Response, map[string]any) {
		for {
			resp, m := e.do(method, p, body)
			if resp.StatusCode != http.StatusServiceUnavailable {
				return resp, m
			}
		}
	}
	const workers, each = 6, 8
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			e, other := envs[g%2], envs[(g+1)%2]
			for i := 0; i < each; i++ {
				name := fmt.Sprintf("aks-g%dn%d", g, i)
				resp, m := retry(e, "PUT", mlw+"/computes/"+name, createBody("Standard_D2_v2", 1, "DevTest"))
				if resp.StatusCode != 201 {
					t.Errorf("PUT %s: %d %v", name, resp.StatusCode, m)
					return
				}
				clock.Advance(time.Second)
				retry(other, "GET", resp.Header.Get("Azure-AsyncOperation"), nil)
				if r, m := retry(other, "GET", mlw+"/computes/"+name, nil); r.StatusCode != 200 {
					t.Errorf("GET %s via the other handler: %d %v", name, r.StatusCode, m)
				}
				retry(e, "GET", "/subscriptions/"+sub1+"/providers/Microsoft.Compute/skus?$filter=location+eq+%27eastus%27", nil)
				retry(other, "GET", "/subscriptions/"+sub1+"/providers/Microsoft.ContainerService/managedClusters", nil)
			}
		}(g)
	}
	wg.Wait()
	clock.Advance(time.Minute)
	for _, e := range envs {
		items, _ := e.list(mlw + "/computes")
		if len(items) != 3+workers*each {
			t.Errorf("%d computes, want %d", len(items), 3+workers*each)
		}
	}
}
