package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotPrivate is returned for a file or directory amlaks keeps for
// itself that another user owns or may write: its content cannot be
// trusted.
var ErrNotPrivate = errors.New("not private to this user")

// NotPrivateError says why a kept file or directory is not trusted; it
// matches ErrNotPrivate.
type NotPrivateError struct {
	Why string // "owned by uid 1001", "writable by group or others (mode 0666)"
}

func (e *NotPrivateError) Error() string        { return ErrNotPrivate.Error() + " (" + e.Why + ")" }
func (e *NotPrivateError) Is(target error) bool { return target == ErrNotPrivate }

// ReadPrivate reads a file amlaks wrote for itself under its cache or
// state directory, trusting it only when it is what amlaks writes: a
// regular file (not a link, FIFO, device or directory), owned by this
// user, writable by no one else, at most max bytes. It never blocks on a
// FIFO and reads at most max+1 bytes, whatever the path names; the read
// stops when ctx ends. A missing file is fs.ErrNotExist; anything else
// refused is ErrNotRegular, ErrNotPrivate or ErrTooLarge, and the caller
// sets it aside (SetAside) and builds it again.
func ReadPrivate(ctx context.Context, path string, max int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if err := privateFile(fi); err != nil {
		return nil, err
	}
	f, err := openNoFollow(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ofi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// the path may have been swapped between Lstat and open
	if !os.SameFile(fi, ofi) {
		return nil, &NotRegularError{What: "a file replaced while it was opened"}
	}
	if err := privateFile(ofi); err != nil {
		return nil, err
	}
	if ofi.Size() > max {
		return nil, fmt.Errorf("%w: %d bytes, at most %d are read", ErrTooLarge, ofi.Size(), max)
	}
	return readCapped(ctx, f, max)
}

func privateFile(fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return &NotRegularError{What: kind(fi.Mode())}
	}
	return private(fi)
}

// SetAside moves a kept file that is not trusted out of the way (to
// path.set-aside, replacing an older one) so it is built again, and
// returns the new name for the note that says so. It never follows a link:
// the link itself is moved.
func SetAside(path string) (string, error) {
	aside := path + ".set-aside"
	_ = os.RemoveAll(aside)
	if err := os.Rename(path, aside); err != nil {
		return "", err
	}
	return aside, nil
}

// PrivateDir makes dir (and its missing parents) 0700 and checks an
// existing one: a directory owned by this user, which is tightened to
// 0700 when group or others may enter or write it. A link, a file or
// another user's directory is refused (ErrNotPrivate, ErrNotRegular): what
// it holds cannot be trusted, and nothing is written there.
func PrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(filepath.Clean(dir))
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return &NotRegularError{What: kind(fi.Mode()) + ", not a directory"}
	}
	if err := owned(fi); err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return &NotPrivateError{Why: fmt.Sprintf("mode %04o, and it could not be made 0700: %v", fi.Mode().Perm(), err)}
		}
	}
	return nil
}

// WritePrivate writes b to path (mode 0600, its directory made private
// with PrivateDir) atomically: a temporary file beside it, renamed, so a
// reader never sees half of it and a killed writer leaves the old one.
func WritePrivate(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := PrivateDir(dir); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// CleanName keeps a file name portable: lower case letters, digits, '-'
// and '.', anything else '-'.
func CleanName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '.':
			return r
		}
		return '-'
	}, strings.ToLower(s))
}

// Untrusted reports an error of ReadPrivate that means the file is there
// but not to be used (as opposed to missing or a read cut short).
func Untrusted(err error) bool {
	return errors.Is(err, ErrNotRegular) || errors.Is(err, ErrNotPrivate) || errors.Is(err, ErrTooLarge)
}
