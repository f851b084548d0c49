//go:build unix

package files

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readBytes is what this process has read so far (Linux: rchar).
func readBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		t.Skipf("no /proc/self/io: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "rchar: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	t.Skip("no rchar")
	return 0
}

// TestReadPrivateRefuses: what amlaks did not write for itself is refused
// within a second, reading no more than the cap: a 300 MB file, /dev/zero
// behind a link, a FIFO with a writer, a file of mode 0666, a directory.
func TestReadPrivateRefuses(t *testing.T) {
	dir := t.TempDir()
	const max = 64 << 10
	big := filepath.Join(dir, "big")
	f, _ := os.Create(big)
	f.Truncate(300 << 20)
	f.Close()
	os.Chmod(big, 0o600)
	zero := filepath.Join(dir, "zero")
	os.Symlink("/dev/zero", zero)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() { // a writer that never stops
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		buf := make([]byte, 1<<16)
		for {
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	}()
	loose := filepath.Join(dir, "loose")
	os.WriteFile(loose, []byte("{}"), 0o600)
	os.Chmod(loose, 0o666)
	for _, c := range []struct {
		path string
		want error
	}{{big, ErrTooLarge}, {zero, ErrNotRegular}, {fifo, ErrNotRegular}, {loose, ErrNotPrivate}, {dir, ErrNotRegular}} {
		before := readBytes(t)
		start := time.Now()
		_, err := ReadPrivate(context.Background(), c.path, max)
		if !errors.Is(err, c.want) || !Untrusted(err) {
			t.Errorf("%s: %v, want %v", filepath.Base(c.path), err, c.want)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: took %v", filepath.Base(c.path), d)
		}
		if n := readBytes(t) - before; n > max {
			t.Errorf("%s: read %d bytes, cap %d", filepath.Base(c.path), n, max)
		}
	}
	ok := filepath.Join(dir, "ok")
	os.WriteFile(ok, []byte("{}"), 0o600)
	if b, err := ReadPrivate(context.Background(), ok, max); err != nil || string(b) != "{}" {
		t.Errorf("own 0600 file: %q %v", b, err)
	}
	if _, err := ReadPrivate(context.Background(), filepath.Join(dir, "none"), max); !errors.Is(err, os.ErrNotExist) || Untrusted(err) {
		t.Errorf("missing: %v", err)
	}
	if aside, err := SetAside(zero); err != nil || aside != zero+".set-aside" {
		t.Errorf("set aside: %q %v", aside, err)
	} else if fi, err := os.Lstat(aside); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link itself was not moved: %v", err)
	}
}

// TestPrivateDir: created 0700, a looser one of the user's tightened, a
// file or a link where the directory should be refused.
func TestPrivateDir(t *testing.T) {
	root := t.TempDir()
	d := filepath.Join(root, "a", "b")
	if err := PrivateDir(d); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(d); fi.Mode().Perm() != 0o700 {
		t.Errorf("created %04o", fi.Mode().Perm())
	}
	os.Chmod(d, 0o777)
	if err := PrivateDir(d); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(d); fi.Mode().Perm() != 0o700 {
		t.Errorf("0777 left %04o", fi.Mode().Perm())
	}
	link := filepath.Join(root, "link")
	os.Symlink(d, link)
	if err := PrivateDir(link); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a link: %v", err)
	}
	other := filepath.Join(root, "other")
	os.Mkdir(other, 0o755)
	if os.Chown(other, 4242, 4242) == nil {
		if err := PrivateDir(other); !errors.Is(err, ErrNotPrivate) || !strings.Contains(err.Error(), "uid 4242") {
			t.Errorf("another user's directory: %v", err)
		}
	}
}
