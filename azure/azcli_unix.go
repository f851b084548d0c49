//go:build !windows

package azure

import (
	"os/exec"
	"syscall"
)

// ownGroup starts cmd in its own process group and, when its context ends,
// kills the whole group (az's Python child with it).
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
