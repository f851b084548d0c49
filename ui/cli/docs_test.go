package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// TestManPagesCarryTheReleaseAndItsDate: the release hook runs gen-docs
// through go run (no -X version), so the pages would say "dev (commit
// unknown)" and the build day; with --release-version and
// SOURCE_DATE_EPOCH the same tag writes the same bytes.
func TestManPagesCarryTheReleaseAndItsDate(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600") // 2026-01-01
	gen := func() map[string][]byte {
		dir := t.TempDir()
		code, _, errs := runPlain(t, wizardtest.New(), "gen-docs", "--release-version", "1.4.0", dir)
		if code != 0 {
			t.Fatalf("gen-docs: exit %d %s", code, errs)
		}
		out := map[string][]byte{}
		ms, _ := filepath.Glob(filepath.Join(dir, "man", "*.1"))
		for _, m := range ms {
			b, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Base(m)] = b
		}
		return out
	}
	first := gen()
	// the flag the release passes gives the same date
	dir := t.TempDir()
	t.Setenv("SOURCE_DATE_EPOCH", "")
	if code, _, errs := runPlain(t, wizardtest.New(), "gen-docs", "--release-version", "1.4.0", "--source-date-epoch", "1767225600", dir); code != 0 {
		t.Fatalf("gen-docs: %s", errs)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "man", "amlaks.1")); !bytes.Equal(b, first["amlaks.1"]) {
		t.Errorf("--source-date-epoch:\n%.200s", b)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	th := string(first["amlaks.1"])
	if !strings.Contains(th, `.TH "AMLAKS" "1" "Jan 2026" "amlaks 1.4.0" "amlaks manual"`) {
		t.Fatalf("man page header:\n%.300s", th)
	}
	second := gen()
	for name, b := range first {
		if !bytes.Equal(b, second[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}

	// the cask installs every page gen-docs writes, and goreleaser's
	// deprecated brews: is gone
	raw, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Brews []any `yaml:"brews"`
		Casks []struct {
			Manpages []string `yaml:"manpages"`
		} `yaml:"homebrew_casks"`
	}
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Brews) > 0 || len(cfg.Casks) != 1 {
		t.Fatalf("goreleaser: %d brews, %d casks", len(cfg.Brews), len(cfg.Casks))
	}
	var want []string
	for name := range first {
		want = append(want, "man/"+name)
	}
	sort.Strings(want)
	got := append([]string(nil), cfg.Casks[0].Manpages...)
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("cask man pages\n%v\nwant\n%v", got, want)
	}
}
