package files

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(ok, []byte("-----BEGIN CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := ReadRegular(context.Background(), ok, 1<<20)
	if err != nil || string(b) != "-----BEGIN CERTIFICATE-----\n" {
		t.Fatalf("regular file: %q, %v", b, err)
	}
	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(big, make([]byte, 1<<20+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRegular(context.Background(), big, 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Errorf("1 MiB + 1: %v, want ErrTooLarge", err)
	}
	if _, err := ReadRegular(context.Background(), dir, 1<<20); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory: %v", err)
	}
	if _, err := ReadRegular(context.Background(), filepath.Join(dir, "missing"), 1<<20); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadRegular(ctx, ok, 1<<20); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestReadRegularRefusesFIFOAndDevices: a FIFO nobody writes to and an
// endless device must fail at once, not block or fill memory.
func TestReadRegularRefusesFIFOAndDevices(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs or /dev/zero")
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	for _, path := range []string{fifo, "/dev/zero", "/dev/urandom"} {
		if _, err := os.Stat(path); err != nil {
			continue
		}
		start := time.Now()
		_, err := ReadRegular(context.Background(), path, 1<<20)
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("%s: %v, want ErrNotRegular", path, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: took %v", path, d)
		}
	}
}

func TestLockExcludesGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locks", "x.lock")
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := Lock(context.Background(), path)
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			if n > most.Load() {
				most.Store(n)
			}
			time.Sleep(2 * time.Millisecond)
			inside.Add(-1)
			l.Unlock()
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d holders at once", most.Load())
	}
	fi, err := os.Stat(filepath.Dir(path))
	if err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("lock dir: %v %v", fi.Mode(), err)
	}
}

func TestLockWaitHonoursContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	l, err := Lock(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Lock(ctx, path); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Lock: %v", err)
	}
}

// TestLockReleasedWhenHolderDies: a process killed with SIGKILL while
// holding the lock leaves nothing that blocks the next one (the kernel
// drops flock locks with the process).
func TestLockReleasedWhenHolderDies(t *testing.T) {
	if os.Getenv("FILES_TEST_HOLD") != "" {
		l, err := Lock(context.Background(), os.Getenv("FILES_TEST_HOLD"))
		if err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		l.Unlock()
		os.Exit(0)
	}
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	path := filepath.Join(t.TempDir(), "x.lock")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockReleasedWhenHolderDies$")
	cmd.Env = append(os.Environ(), "FILES_TEST_HOLD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child: %q %v", buf, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	if _, err := Lock(ctx, path); err == nil {
		t.Fatal("lock taken while the child holds it")
	}
	cancel()
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	l, err := Lock(ctx, path)
	if err != nil {
		t.Fatalf("after kill -9: %v", err)
	}
	l.Unlock()
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v after the holder died", d)
	}
}

// BenchmarkLockUnlock: an uncontended cross-process lock (open, flock,
// unlock, close), taken once per attach.
func BenchmarkLockUnlock(b *testing.B) {
	path := filepath.Join(b.TempDir(), "x.lock")
	for b.Loop() {
		l, err := Lock(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		l.Unlock()
	}
}

// BenchmarkReadRegularPEM: reading a 4 KiB PEM file through the checks.
func BenchmarkReadRegularPEM(b *testing.B) {
	path := filepath.Join(b.TempDir(), "cert.pem")
	if err := os.WriteFile(path, make([]byte, 4096), 0o600); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ReadRegular(context.Background(), path, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}
