//go:build !unix && !windows

package files

import (
	"errors"
	"os"
)

func tryLockFile(*os.File) (bool, error) {
	return false, errors.New("file locks are not supported on this system")
}

func unlockFile(*os.File) error { return nil }

func openNoBlock(path string) (*os.File, error) { return os.Open(path) }
