package main

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/amlaks/amlaks"

// TestImportDirection keeps DESIGN.md §1: rules ← wizard ← ui; azure
// implements wizard.Cloud; azure/sim knows only HTTP and JSON; only main
// sees everything.
func TestImportDirection(t *testing.T) {
	type rule struct {
		dir     string
		allowed func(string) bool
	}
	std := func(p string) bool { return !strings.Contains(strings.Split(p, "/")[0], ".") }
	own := func(ps ...string) func(string) bool {
		return func(p string) bool {
			if std(p) {
				return true
			}
			for _, x := range ps {
				if p == module+"/"+x {
					return true
				}
			}
			return false
		}
	}
	notOwn := func(forbidden ...string) func(string) bool {
		return func(p string) bool {
			for _, x := range forbidden {
				if p == module+"/"+x || strings.HasPrefix(p, module+"/"+x+"/") {
					return false
				}
			}
			return true
		}
	}
	rules := []rule{
		{"rules", own()},
		{"wizard", own("rules", "wizard/files")},
		{"wizard/files", own()},
		{"wizard/wizardtest", own("rules", "wizard", "wizard/files")},
		{"azure/sim", own("wizard/files")}, // a stdlib-only leaf: OS file locks
		{"azure", func(p string) bool { return notOwn("ui", "azure/sim")(p) && !strings.Contains(p, "charm") }},
		{"ui", func(p string) bool { return notOwn("azure")(p) && !strings.Contains(p, "Azure/azure-sdk-for-go") }},
		{"ui/cli", func(p string) bool { return notOwn("azure")(p) && !strings.Contains(p, "Azure/azure-sdk-for-go") }},
	}
	for _, r := range rules {
		pkg, err := build.ImportDir(filepath.FromSlash(r.dir), 0)
		if err != nil {
			t.Errorf("%s: %v", r.dir, err)
			continue
		}
		for _, imp := range pkg.Imports {
			if !r.allowed(imp) {
				t.Errorf("%s imports %s, which DESIGN.md §1 forbids", r.dir, imp)
			}
		}
	}
}
