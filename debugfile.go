package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// openDebugFile opens the --debug-file target for writing without
// following links: a new file is created 0600 (O_EXCL, so nothing can be
// slipped in between); an existing one must be a regular file (a link, a
// directory, a FIFO, a device or a file with other hard links is refused),
// is truncated only after the opened file is checked to be the one
// inspected, and its mode is changed only when it belongs to this user.
func openDebugFile(path string) (*os.File, error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, 0o600)
		if err != nil {
			return nil, fmt.Errorf("--debug-file %s: %w", path, err)
		}
		return f, nil
	case err != nil:
		return nil, fmt.Errorf("--debug-file %s: %w", path, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return nil, fmt.Errorf("--debug-file %s is a symbolic link: give the path of a regular file (links are not followed)", path)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("--debug-file %s is not a regular file (%s): give a new file name", path, kind(fi.Mode()))
	case hardLinks(fi) > 1:
		// the same file under another name elsewhere: writing the trace
		// would overwrite (and chmod) that file too
		return nil, fmt.Errorf("--debug-file %s has %d hard links (the same file under other names): give a new file name", path, hardLinks(fi))
	}
	// O_NONBLOCK: a FIFO swapped in after the check fails instead of blocking
	f, err := os.OpenFile(path, os.O_WRONLY|noFollow|nonBlock, 0)
	if err != nil {
		return nil, fmt.Errorf("--debug-file %s: %w", path, err)
	}
	ofi, err := f.Stat()
	if err == nil && (!ofi.Mode().IsRegular() || !os.SameFile(fi, ofi) || hardLinks(ofi) > 1) {
		err = errors.New("the file changed while it was opened")
	}
	if err == nil {
		err = f.Truncate(0)
	}
	if err == nil && ownedByMe(ofi) && ofi.Mode().Perm() != 0o600 {
		err = f.Chmod(0o600)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("--debug-file %s: %w", path, err)
	}
	return f, nil
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}
