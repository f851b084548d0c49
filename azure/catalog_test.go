package azure

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/amlaks/amlaks/azure/sim"
)

// TestCatalogDisk: regions, versions and SKUs are kept across clients
// (processes) in 0600 files; quota is read every time; a kept catalog
// older than its lifetime, or --refresh, fetches again.
func TestCatalogDisk(t *testing.T) {
	rec := newRecorder(newSim(t, sim.Options{}))
	dir := t.TempDir()
	srv := httptest.NewTLSServer(rec)
	defer srv.Close()
	// one server (one cloud endpoint), a new client per "process"
	mk := func(refresh bool) *Client {
		c, err := New(Options{Credential: StaticCredential{}, Cloud: tlsCloud(srv.URL), Transport: srv.Client(), StateDir: t.TempDir(),
			DisableRPRegistration: true, CatalogDir: dir, Refresh: refresh})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	read := func(c *Client) (any, any, any) {
		t.Helper()
		r, err1 := c.Regions(ctx, sub1)
		v, err2 := c.Versions(ctx, sub1, "eastus")
		s, err3 := c.Sizes(ctx, sub1, "eastus")
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatal(err1, err2, err3)
		}
		return r, v, s
	}
	r1, v1, s1 := read(mk(false))
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 3 {
		t.Fatalf("kept files: %v", files)
	}
	for _, f := range files {
		if st, _ := os.Stat(f); st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", f, st.Mode().Perm())
		}
	}
	counts := func() [4]int {
		return [4]int{rec.count("GET", "/locations"), rec.count("GET", "/kubernetesVersions"), rec.count("GET", "/skus"), rec.count("GET", "/usages")}
	}
	before := counts()
	r2, v2, s2 := read(mk(false))
	after := counts()
	if after[0] != before[0] || after[1] != before[1] || after[2] != before[2] {
		t.Errorf("a second client fetched kept catalogs again: %v → %v", before, after)
	}
	if after[3] <= before[3] {
		t.Errorf("quota was not read live: usages %d → %d", before[3], after[3])
	}
	if !reflect.DeepEqual(r1, r2) || !reflect.DeepEqual(v1, v2) || !reflect.DeepEqual(s1, s2) {
		t.Error("the kept catalogs differ from the fetched ones")
	}

	// --refresh
	before = counts()
	read(mk(true))
	after = counts()
	if after[0] <= before[0] || after[1] <= before[1] || after[2] <= before[2] {
		t.Errorf("--refresh used kept catalogs: %v → %v", before, after)
	}

	// older than its lifetime
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var cf catalogFile
		json.Unmarshal(b, &cf)
		cf.At = time.Now().Add(-RegionsLifetime - time.Minute)
		b, _ = json.Marshal(cf)
		os.WriteFile(f, b, 0o600)
	}
	before = counts()
	read(mk(false))
	after = counts()
	if after[0] <= before[0] || after[1] <= before[1] || after[2] <= before[2] {
		t.Errorf("expired catalogs were used: %v → %v", before, after)
	}
}
