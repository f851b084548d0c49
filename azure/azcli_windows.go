//go:build windows

package azure

import "os/exec"

// ownGroup: on Windows exec.CommandContext kills the process itself; az.cmd
// runs python in the same console, which ends with it.
func ownGroup(cmd *exec.Cmd) {}
