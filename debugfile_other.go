//go:build !unix

package main

import "io/fs"

// Windows has no O_NOFOLLOW: the Lstat check before opening refuses links.
const (
	noFollow = 0
	nonBlock = 0
)

// ownedByMe: file modes mean little on Windows; the mode is left alone.
func ownedByMe(fs.FileInfo) bool { return false }

// hardLinks: not looked at where there is no Stat_t.
func hardLinks(fs.FileInfo) uint64 { return 1 }
