// Package files reads user-named files safely and takes machine-wide
// locks. It imports the standard library only (golang.org/x/sys/windows on
// Windows for LockFileEx), so every layer, the simulator included, may use
// it.
//
// ReadRegular refuses anything but a regular file (a FIFO, a device such
// as /dev/zero, a directory), reads at most a given size, and gives up when
// its context ends. Lock is an OS advisory lock (flock on Unix, LockFileEx
// on Windows): the kernel releases it when the holding process dies, so a
// crash never leaves a lock behind.
package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrNotRegular is returned for a path that is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// NotRegularError says what the path is instead of a regular file; it
// matches ErrNotRegular.
type NotRegularError struct {
	What string // "a named pipe", "a character device", "a directory", ...
}

func (e *NotRegularError) Error() string        { return ErrNotRegular.Error() + " (" + e.What + ")" }
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// ErrTooLarge is returned for a file longer than the cap.
var ErrTooLarge = errors.New("file too large")

// ReadRegular reads the regular file at path, at most max bytes. A FIFO,
// socket, device or directory is refused before anything is read (opening
// a FIFO never blocks: it is opened non-blocking on Unix and checked before
// the first read); a file longer than max is ErrTooLarge; the read stops
// when ctx ends.
func ReadRegular(ctx context.Context, path string, max int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{What: kind(fi.Mode())}
	}
	f, err := openNoBlock(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The path may have been swapped between Stat and Open: check what was
	// opened.
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{What: kind(fi.Mode())}
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("%w: %d bytes, at most %d are read", ErrTooLarge, fi.Size(), max)
	}
	return readCapped(ctx, f, max)
}

// readCapped reads an opened file whole, at most max bytes, and gives up
// when ctx ends: a read that blocks (a FIFO, a stalled mount) cannot hold
// the caller.
func readCapped(ctx context.Context, f *os.File, max int64) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(f, max+1))
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, r.err
		}
		if int64(len(r.b)) > max {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, max)
		}
		return r.b, nil
	case <-ctx.Done():
		// Closing the file ends the pending read (the deferred Close).
		return nil, ctx.Err()
	}
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// Locked is a held lock; Unlock releases it (idempotent).
type Locked struct{ f *os.File }

// Unlock releases the lock and closes its file. The lock file itself is
// left in place: removing it would let a waiter lock an unlinked inode
// while a newcomer locks a new file of the same name.
func (l *Locked) Unlock() {
	if l == nil || l.f == nil {
		return
	}
	_ = unlockFile(l.f)
	_ = l.f.Close()
	l.f = nil
}

// Lock takes the exclusive lock of the file at path (created 0600, its
// directory 0700), waiting while another process or another Lock in this
// process holds it, until ctx ends. Each attempt is non-blocking, so the wait honours
// ctx; attempts are 1 ms apart at first, then up to 50 ms.
func Lock(ctx context.Context, path string) (*Locked, error) {
	if err := os.MkdirAll(dirOf(path), 0o700); err != nil {
		return nil, err
	}
	wait := time.Millisecond
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return nil, err
		}
		ok, err := tryLockFile(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		if ok {
			return &Locked{f: f}, nil
		}
		f.Close()
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			if i == 0 {
				return path[:1]
			}
			return path[:i]
		}
	}
	return "."
}

// ExpandHome turns a leading ~ or ~/ into the user's home directory, as a
// shell would: a path typed in a form field never goes through one.
func ExpandHome(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return p
	}
	return filepath.Join(home, strings.TrimPrefix(p, "~"))
}
