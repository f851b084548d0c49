//go:build unix

package azure

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/amlaks/amlaks/azure/sim"
)

// notes collects what a component says.
type notes struct {
	mu sync.Mutex
	l  []string
}

func (n *notes) add(s string) { n.mu.Lock(); n.l = append(n.l, s); n.mu.Unlock() }
func (n *notes) all() string  { n.mu.Lock(); defer n.mu.Unlock(); return strings.Join(n.l, "\n") }

// TestTokenFileOfAnotherUserIsReplaced: a kept token another user owns,
// mode 0666, is not used (az runs), is moved aside with a note and is
// replaced by the user's own 0600 file; a 0777 cache directory is made
// 0700.
func TestTokenFileOfAnotherUserIsReplaced(t *testing.T) {
	runs := countingAz(t, "0", 3600, false)
	cliDir, cacheDir := tokenDiskEnv(t)
	var said notes
	newCred := func() *CachingCredential {
		c, err := NewCredentialWith(CredentialOptions{CacheDir: cacheDir, CLIDir: cliDir, CloudName: CloudPublic, OnNote: said.add})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := newCred()
	if _, err := c.GetToken(context.Background(), armScope); err != nil {
		t.Fatal(err)
	}
	p, _, ok := c.disk.path(armScope)
	if !ok {
		t.Fatal("no token path")
	}
	// another user's file, writable by all, with a token planted in it
	var kept diskToken
	b, _ := os.ReadFile(p)
	json.Unmarshal(b, &kept)
	kept.Token = "planted"
	b, _ = json.Marshal(kept)
	os.WriteFile(p, b, 0o600)
	if err := os.Chown(p, 4242, 4242); err != nil {
		t.Skipf("cannot give the token file to another user here (%v): run as root to test it", err)
	}
	os.Chmod(p, 0o666)
	os.Chmod(filepath.Join(cacheDir, "tokens"), 0o777)

	tok, err := newCred().GetToken(context.Background(), armScope)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Token == "planted" || runCount(t, runs) != 2 {
		t.Fatalf("the other user's token file was used (az ran %d times)", runCount(t, runs))
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != os.Geteuid() || fi.Mode().Perm() != 0o600 {
		t.Errorf("the token file was not replaced: uid %d, mode %04o", st.Uid, fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(p); strings.Contains(string(b), "planted") {
		t.Error("the planted token is still in the token file")
	}
	if _, err := os.Lstat(p + ".set-aside"); err != nil || !strings.Contains(said.all(), "owned by uid 4242") {
		t.Errorf("not set aside with a note: %v, notes %q", err, said.all())
	}
	if fi, _ := os.Stat(filepath.Join(cacheDir, "tokens")); fi.Mode().Perm() != 0o700 {
		t.Errorf("the 0777 tokens directory is left %04o", fi.Mode().Perm())
	}
}

// hostile puts a link to /dev/zero or a FIFO where a kept file is.
func hostile(t *testing.T, p, kind string) {
	t.Helper()
	os.Remove(p)
	os.MkdirAll(filepath.Dir(p), 0o700)
	switch kind {
	case "dev-zero":
		if err := os.Symlink("/dev/zero", p); err != nil {
			t.Fatal(err)
		}
	case "fifo":
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skipf("no FIFO here: %v", err)
		}
	}
}

// TestTokenCacheDevZeroAndFIFO: a kept token that is /dev/zero or a FIFO
// is answered within a second (az is asked instead), nothing of it read.
func TestTokenCacheDevZeroAndFIFO(t *testing.T) {
	for _, kind := range []string{"dev-zero", "fifo"} {
		t.Run(kind, func(t *testing.T) {
			runs := countingAz(t, "0", 3600, false)
			cliDir, cacheDir := tokenDiskEnv(t)
			var said notes
			c, err := NewCredentialWith(CredentialOptions{CacheDir: cacheDir, CLIDir: cliDir, CloudName: CloudPublic, OnNote: said.add})
			if err != nil {
				t.Fatal(err)
			}
			p, _, _ := c.disk.path(armScope)
			hostile(t, p, kind)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			if _, err := c.GetToken(ctx, armScope); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("answered in %v", d)
			}
			if runCount(t, runs) != 1 || !strings.Contains(said.all(), "not a regular file") {
				t.Errorf("az runs %d, notes %q", runCount(t, runs), said.all())
			}
			if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() {
				t.Errorf("the token was not kept in a new file: %v", err)
			}
		})
	}
}

// TestCatalogCacheDevZeroAndFIFO: the same for a kept catalog: the
// versions come from Azure within a second.
func TestCatalogCacheDevZeroAndFIFO(t *testing.T) {
	for _, kind := range []string{"dev-zero", "fifo"} {
		t.Run(kind, func(t *testing.T) {
			srv := httptest.NewTLSServer(newSim(t, sim.Options{}))
			defer srv.Close()
			dir := t.TempDir()
			var said notes
			c, err := New(Options{Credential: StaticCredential{}, Cloud: tlsCloud(srv.URL), Transport: srv.Client(), StateDir: t.TempDir(),
				DisableRPRegistration: true, CatalogDir: dir, OnNote: said.add})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if _, err := c.Versions(ctx, sub1, "eastus"); err != nil {
				t.Fatal(err)
			}
			kept, _ := filepath.Glob(filepath.Join(dir, "*.json"))
			if len(kept) == 0 {
				t.Fatal("nothing kept")
			}
			for _, p := range kept {
				hostile(t, p, kind)
			}
			c2, _ := New(Options{Credential: StaticCredential{}, Cloud: tlsCloud(srv.URL), Transport: srv.Client(), StateDir: t.TempDir(),
				DisableRPRegistration: true, CatalogDir: dir, OnNote: said.add})
			done := make(chan error, 1)
			start := time.Now()
			go func() { _, err := c2.Versions(ctx, sub1, "eastus"); done <- err }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("versions hangs on the kept catalog")
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("answered in %v", d)
			}
			if !strings.Contains(said.all(), "not a regular file") {
				t.Errorf("notes %q", said.all())
			}
		})
	}
}

// TestAzConfigFIFOAnswers: a FIFO where az's configuration should be is an
// error within a second, not a hang.
func TestAzConfigFIFOAnswers(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "config"), 0o600); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() { _, err := LoadCLIConfig(dir); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("err %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading az's configuration hangs on a FIFO")
	}
}
