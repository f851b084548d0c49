//go:build unix

package main

import (
	"os"
	"syscall"
)

// closedAtStart reports whether the standard stream fd was closed when
// amlaks started (`>&-`). The Go runtime then opens /dev/null in its place,
// read-write, so writes would vanish and the exit code say all went well; a
// shell's own `>/dev/null` opens it write-only.
func closedAtStart(fd int) bool {
	var st, null syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil || syscall.Stat(os.DevNull, &null) != nil {
		return false
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFCHR || st.Rdev != null.Rdev {
		return false
	}
	fl, err := fcntlGetfl(fd)
	return err == nil && fl&syscall.O_ACCMODE == syscall.O_RDWR
}

func fcntlGetfl(fd int) (int, error) {
	r, _, e := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
