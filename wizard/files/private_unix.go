//go:build unix

package files

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// private: owned by this user, writable by no one else.
func private(fi fs.FileInfo) error {
	if err := owned(fi); err != nil {
		return err
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return &NotPrivateError{Why: fmt.Sprintf("writable by group or others (mode %04o)", fi.Mode().Perm())}
	}
	return nil
}

func owned(fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if int(st.Uid) != os.Geteuid() {
		return &NotPrivateError{Why: fmt.Sprintf("owned by uid %d, not %d", st.Uid, os.Geteuid())}
	}
	return nil
}

// openNoFollow opens path for reading without following a link and
// without blocking on a FIFO.
func openNoFollow(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	_ = syscall.SetNonblock(int(f.Fd()), false)
	return f, nil
}
