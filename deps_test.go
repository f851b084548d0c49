package main

import (
	"os"
	"strings"
	"testing"
)

// TestDependenciesAreApprovedReleases keeps go.mod on the releases that were
// checked together: the module proxy also serves newer ones (bubbles v2.2.x)
// that were not, and a plain `go get -u` or `go mod tidy` takes those.
func TestDependenciesAreApprovedReleases(t *testing.T) {
	b, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"charm.land/bubbles/v2":   "v2.1.1",
		"charm.land/bubbletea/v2": "v2.1.1",
		"charm.land/huh/v2":       "v2.0.3",
		"charm.land/lipgloss/v2":  "v2.1.1",
		// v1.1.0 prints every boolean flag in --help as --yes[=true|false]
		"github.com/spf13/pflag": "v1.0.10",
	}
	got := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 {
			got[f[0]] = f[1]
		}
	}
	for mod, v := range want {
		if got[mod] != v {
			t.Errorf("go.mod requires %s %s; want %s", mod, got[mod], v)
		}
	}
}
