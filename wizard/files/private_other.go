//go:build !unix

package files

import (
	"io/fs"
	"os"
)

// private: Windows keeps per-user files under the user's profile, whose
// ACL already shuts others out; modes mean little there.
func private(fs.FileInfo) error { return nil }

func owned(fs.FileInfo) error { return nil }

func openNoFollow(path string) (*os.File, error) { return openNoBlock(path) }
