package sim

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStateNotSavedIsAnError: when the demo state cannot be written (a
// full disk), the change is answered with its cause (507
// DemoStateNotSaved, not retried) and not kept in memory: later requests,
// once the disk has room again, do not find the compute, let alone call its
// create Succeeded.
func TestStateNotSavedIsAnError(t *testing.T) {
	for _, existing := range []bool{false, true} {
		name := "no state file"
		if existing {
			name = "a state file"
		}
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			e := newEnv(t, Options{StatePath: path})
			if existing {
				e.put("aks-first", createBody("Standard_D3_v2", 3, "FastProd"), 201)
				e.clock.Advance(time.Hour)
				e.do("GET", mlw+"/computes/aks-first", nil)
			}
			old := writeTo
			writeTo = func(*os.File, []byte) (int, error) { return 0, syscall.ENOSPC }
			resp, m := e.do("PUT", mlw+"/computes/aks-full", createBody("Standard_D3_v2", 3, "FastProd"))
			writeTo = old
			if resp.StatusCode != 507 || jstr(jget(m, "error"), "code") != "DemoStateNotSaved" ||
				!strings.Contains(jstr(jget(m, "error"), "message"), "no space left on device") {
				t.Fatalf("PUT on a full disk: %d %v", resp.StatusCode, m)
			}
			e.clock.Advance(time.Hour)
			if resp, m := e.do("GET", mlw+"/computes/aks-full", nil); resp.StatusCode != 404 {
				t.Errorf("the unsaved compute is answered: %d %v", resp.StatusCode, m)
			}
		})
	}
}

// TestStateFIFOOrForeignSetAside: a FIFO or a group-writable file where
// the demo state should be is answered within a second (a FIFO hung every
// command): moved aside with a note, and the demo starts again from its
// fixtures.
func TestStateFIFOOrForeignSetAside(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	loose := filepath.Join(dir, "loose.json")
	os.WriteFile(loose, []byte(`{"version": 1}`), 0o600)
	os.Chmod(loose, 0o666)
	for _, p := range []string{fifo, loose} {
		var notes []string
		e := newEnv(t, Options{StatePath: p, OnNote: func(s string) { notes = append(notes, s) }})
		done := make(chan *http.Response, 1)
		go func() { r, _ := e.do("GET", mlw+"/computes", nil); done <- r }()
		select {
		case r := <-done:
			if r.StatusCode != 200 || len(notes) != 1 || !strings.Contains(notes[0], "moved aside as "+p+".set-aside") {
				t.Errorf("%s: %d, notes %q", filepath.Base(p), r.StatusCode, notes)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: the request hangs", filepath.Base(p))
		}
		if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: no new state file: %v", filepath.Base(p), err)
		}
	}
}
