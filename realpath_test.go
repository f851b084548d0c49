package main

// The real sign-in path, measured: the simulator served over real HTTPS on
// loopback (its certificate trusted through SSL_CERT_FILE, as a corporate
// CA would be), the az CLI configuration of a user who ran `az login`
// against that cloud (AZURE_CONFIG_DIR), and a fake `az` on PATH that
// takes 0.6 s like the real `az account get-access-token` and counts its
// runs. The commands run in-process through run(), each as a new process
// would: a new session, a new credential, nothing shared but the files.

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amlaks/amlaks/azure/sim"
	"github.com/amlaks/amlaks/ui/cli"
)

// The httptest certificate is the same for every server: trusting it once,
// before the first TLS handshake of the process, is enough.
func init() {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	srv.Close()
	f := filepath.Join(os.TempDir(), fmt.Sprintf("amlaks-httptest-%d.pem", len(b)))
	if err := os.WriteFile(f, b, 0o644); err == nil {
		os.Setenv("SSL_CERT_FILE", f)
	}
}

// fakeAzScript behaves like `az account get-access-token -o json` after
// `az login`: 0.6 s, then a token valid for an hour ($FAKE_AZ_LIFETIME
// seconds). Every run appends a line to "runs" beside it; with a file
// "logged-out" beside it, it fails as az does without a sign-in.
const fakeAzScript = `#!/bin/sh
d=$(dirname "$0")
echo "$*" >> "$d/runs"
sleep 0.6
if [ -e "$d/logged-out" ]; then
  echo "ERROR: Please run 'az login' to setup account." >&2
  exit 1
fi
exp=$(( $(date +%s) + ${FAKE_AZ_LIFETIME:-3600} ))
printf '{"accessToken":"fake-arm-token-%s","expiresOn":"","expires_on":%s,"subscription":"x","tenant":"t","tokenType":"Bearer"}\n' "$$" "$exp"
`

// realPath is one harness: server, az configuration, fake az, caches.
type realPath struct {
	t      testing.TB
	srv    *httptest.Server
	sim    *sim.Handler
	azDir  string
	cfgDir string
	cache  string

	mu   sync.Mutex
	hits []string // ARM requests, "GET /subscriptions/…/locations"
	auth int      // requests without a bearer token
	// sent are the requests with their query and body, "PUT /…?api-version=… {…}"
	// (realpath_migrate_test.go); refuse, when set, answers a request it
	// picks 400 TestStop instead of serving it.
	sent   []string
	refuse func(method, uri, body string) bool
}

func newRealPath(t testing.TB) *realPath {
	t.Helper()
	return newRealPathWith(t, sim.Options{Speed: 200})
}

// newRealPathWith is newRealPath with the simulator's options.
func newRealPathWith(t testing.TB, o sim.Options) *realPath {
	t.Helper()
	h, err := sim.New(o)
	if err != nil {
		t.Fatal(err)
	}
	rp := &realPath{t: t, sim: h, azDir: t.TempDir(), cfgDir: t.TempDir(), cache: t.TempDir()}
	rp.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rp.mu.Lock()
		rp.hits = append(rp.hits, r.Method+" "+r.URL.Path)
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer fake-arm-token-") {
			rp.auth++
		}
		refuse := rp.refuse != nil && rp.refuse(r.Method, r.URL.RequestURI(), string(body))
		if !refuse {
			rp.sent = append(rp.sent, r.Method+" "+r.URL.RequestURI()+" "+string(body))
		}
		rp.mu.Unlock()
		if refuse {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error": {"code": "TestStop", "message": "stopped here by the test"}}`)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(rp.srv.Close)
	if err := os.WriteFile(filepath.Join(rp.azDir, "az"), []byte(fakeAzScript), 0o755); err != nil {
		t.Fatal(err)
	}
	rp.writeProfile(sim.DefaultSubscriptionID)
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(rp.cfgDir, name), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("config", "[cloud]\nname = AmlaksSim\n")
	write("clouds.config", "[AmlaksSim]\nendpoint_resource_manager = "+rp.srv.URL+"/\n"+
		"endpoint_active_directory = https://login.microsoftonline.com\n"+
		"endpoint_active_directory_resource_id = https://management.core.windows.net/\n")

	t.Setenv("PATH", rp.azDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("AZURE_CONFIG_DIR", rp.cfgDir)
	t.Setenv("XDG_CACHE_HOME", rp.cache)
	t.Setenv("XDG_STATE_HOME", filepath.Join(rp.cache, "state")) // operation records
	for _, k := range []string{"AZURE_SUBSCRIPTION_ID", "AMLAKS_DEMO", "AMLAKS_DEMO_STATE", "NO_COLOR", "ACCESSIBLE", "FAKE_AZ_LIFETIME"} {
		t.Setenv(k, "")
	}
	for _, k := range []string{"AZURE_TOKEN_CREDENTIALS", "AMLAKS_NO_TOKEN_CACHE", "AZURE_CLIENT_ID", "AZURE_TENANT_ID",
		"AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT", "MSI_ENDPOINT", "IMDS_ENDPOINT"} {
		unsetenv(t, k)
	}
	return rp
}

// unsetenv removes k for the test (t.Setenv can only set it).
func unsetenv(t testing.TB, k string) {
	t.Helper()
	t.Setenv(k, "")
	os.Unsetenv(k)
}

// writeProfile is what `az login` / `az account set` leave behind.
func (rp *realPath) writeProfile(defaultSub string) {
	var subs []string
	for _, s := range []struct{ id, name string }{{sim.DefaultSubscriptionID, "Contoso ML (demo)"}, {sim.SandboxSubscriptionID, "Contoso Sandbox (demo)"}} {
		subs = append(subs, fmt.Sprintf(`{"id": %q, "name": %q, "state": "Enabled", "user": {"name": "ada@contoso.example", "type": "user"}, "isDefault": %t, "tenantId": %q, "environmentName": "AmlaksSim"}`,
			s.id, s.name, s.id == defaultSub, sim.TenantID))
	}
	b := "\xef\xbb\xbf{\"installationId\": \"0\", \"subscriptions\": [" + strings.Join(subs, ", ") + "]}"
	if err := os.WriteFile(filepath.Join(rp.cfgDir, "azureProfile.json"), []byte(b), 0o600); err != nil {
		rp.t.Fatal(err)
	}
}

// azRuns is how many times az ran so far.
func (rp *realPath) azRuns() int {
	b, _ := os.ReadFile(filepath.Join(rp.azDir, "runs"))
	return bytes.Count(b, []byte("\n"))
}

func (rp *realPath) setLoggedOut(out bool) {
	p := filepath.Join(rp.azDir, "logged-out")
	if out {
		os.WriteFile(p, nil, 0o600)
	} else {
		os.Remove(p)
	}
}

// requests returns and forgets the ARM requests seen so far.
func (rp *realPath) requests() []string {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	out := rp.hits
	rp.hits = nil
	return out
}

// run runs amlaks in-process and returns its result and how many times az
// ran meanwhile.
func (rp *realPath) run(args ...string) (result, int) {
	rp.t.Helper()
	before := rp.azRuns()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	r := result{code, out.String(), errb.String()}
	if strings.Contains(r.out+r.err, "fake-arm-token") {
		rp.t.Fatalf("a token was printed:\n%s", r)
	}
	return r, rp.azRuns() - before
}

// realPathCommands are the commands the issue measures.
var realPathCommands = []struct {
	name string
	args []string
	want string // in stdout
}{
	{"versions", []string{"versions", "-l", "eastus"}, "KubernetesVersion"},
	{"sizes", []string{"sizes", "-l", "eastus"}, "Standard_D3_v2"},
	{"list", []string{"list", "-w", "mlw-prod"}, "aks-inference"},
	{"create-dry-run", []string{"create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-dry", "--dry-run"}, "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod/computes/aks-dry?api-version="},
}

// TestRealPathAzRuns: each command runs az at most once on a cold start
// and never on a warm one, and sends every request with the token.
func TestRealPathAzRuns(t *testing.T) {
	for _, c := range realPathCommands {
		t.Run(c.name, func(t *testing.T) {
			rp := newRealPath(t)
			r, n := rp.run(c.args...)
			if r.code != 0 || !strings.Contains(r.out, c.want) {
				t.Fatalf("cold run:\n%s", r)
			}
			if n > 1 {
				t.Errorf("cold %s ran az %d times, want at most 1", c.name, n)
			}
			cold := rp.requests()
			r, n = rp.run(c.args...)
			if r.code != 0 || !strings.Contains(r.out, c.want) {
				t.Fatalf("warm run:\n%s", r)
			}
			if n != 0 {
				t.Errorf("warm %s ran az %d times, want 0", c.name, n)
			}
			warm := rp.requests()
			if len(warm) >= len(cold) && c.name != "list" {
				t.Errorf("warm run sent %d requests, cold %d: the catalogs were not kept\ncold: %v\nwarm: %v", len(warm), len(cold), cold, warm)
			}
			for _, h := range warm {
				if strings.HasSuffix(h, "/locations") || strings.Contains(h, "/kubernetesVersions") || strings.HasSuffix(h, "/skus") {
					t.Errorf("warm run fetched the catalog %s again", h)
				}
			}
			rp.mu.Lock()
			if rp.auth != 0 {
				t.Errorf("%d requests went without the az token", rp.auth)
			}
			rp.mu.Unlock()

			// --refresh fetches the catalogs again, still without az
			r, n = rp.run(append(c.args, "--refresh")...)
			if r.code != 0 || n != 0 {
				t.Fatalf("--refresh: az ran %d times\n%s", n, r)
			}
			if c.name == "versions" {
				got := strings.Join(rp.requests(), "\n")
				if !strings.Contains(got, "/locations") || !strings.Contains(got, "kubernetesVersions") {
					t.Errorf("--refresh used the kept catalogs:\n%s", got)
				}
			}
		})
	}
}

// TestRealPathVersionsParallel: versions asks for the subscriptions, the
// locations and the versions at once, not one after the other.
func TestRealPathVersionsParallel(t *testing.T) {
	rp := newRealPath(t)
	rp.run("versions", "-l", "eastus") // the token
	// a slow ARM: every answer takes 300 ms
	slow := rp.srv.Config.Handler
	rp.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		slow.ServeHTTP(w, r)
	})
	start := time.Now()
	r, _ := rp.run("versions", "-l", "eastus", "--refresh")
	d := time.Since(start)
	if r.code != 0 {
		t.Fatal(r)
	}
	// three calls of 300 ms one after the other would take 900 ms
	if d > 750*time.Millisecond {
		t.Errorf("versions took %v with 300 ms per call: the calls ran one after the other (%v)", d, rp.requests())
	}
}

// TestRealPathNoTokenCache: with the opt-out no token file is written,
// and every run asks az again.
func TestRealPathNoTokenCache(t *testing.T) {
	for _, optOut := range []string{"flag", "env"} {
		t.Run(optOut, func(t *testing.T) {
			rp := newRealPath(t)
			args := []string{"versions", "-l", "eastus"}
			if optOut == "flag" {
				args = append(args, "--no-token-cache")
			} else {
				t.Setenv("AMLAKS_NO_TOKEN_CACHE", "1")
			}
			for i := 0; i < 2; i++ {
				if r, n := rp.run(args...); r.code != 0 || n != 1 {
					t.Fatalf("run %d: az ran %d times, want 1\n%s", i, n, r)
				}
			}
			if m, _ := filepath.Glob(filepath.Join(rp.cache, "amlaks", "tokens", "*")); len(m) != 0 {
				t.Errorf("token files with the opt-out: %v", m)
			}
		})
	}
}

// TestRealPathProfileChange: `az account set` (a new profile) drops the
// kept token: the next run asks az again.
func TestRealPathProfileChange(t *testing.T) {
	rp := newRealPath(t)
	if _, n := rp.run("versions", "-l", "eastus"); n != 1 {
		t.Fatalf("cold: az ran %d times", n)
	}
	files, _ := filepath.Glob(filepath.Join(rp.cache, "amlaks", "tokens", "*.json"))
	if len(files) != 1 {
		t.Fatalf("token files: %v", files)
	}
	st, err := os.Stat(files[0])
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	if b, _ := os.ReadFile(files[0]); strings.Contains(string(b), "refresh") {
		t.Errorf("the token file holds a refresh token: %s", b)
	}
	rp.writeProfile(sim.SandboxSubscriptionID) // az account set
	if r, n := rp.run("versions", "-l", "eastus"); n != 1 || r.code != 0 {
		t.Fatalf("after az account set: az ran %d times, want 1\n%s", n, r)
	}
	if _, n := rp.run("versions", "-l", "eastus"); n != 0 {
		t.Fatalf("warm after az account set: az ran %d times, want 0", n)
	}
}

// TestRealPathNotSignedIn: without a sign-in the not-signed-in message
// comes within a second (az fails in 0.6 s; nothing else is tried here).
func TestRealPathNotSignedIn(t *testing.T) {
	rp := newRealPath(t)
	rp.setLoggedOut(true)
	// the better of two runs: the bar is the program's, not the load of
	// the machine running the tests (2 shared cores, -race)
	best := time.Hour
	for i := 0; i < 2; i++ {
		start := time.Now()
		r, n := rp.run("versions", "-l", "eastus")
		best = min(best, time.Since(start))
		if r.code != 1 || !strings.Contains(r.err, "not signed in") || !strings.Contains(r.err, "az login") || n != 1 {
			t.Fatalf("az ran %d times\n%s", n, r)
		}
	}
	if best > time.Second {
		t.Errorf("not signed in after %v, want under a second", best)
	}
}

// BenchmarkRealPath measures the wall time of a command on the real
// sign-in path: cold (no token, no catalog kept: one az run of 0.6 s) and
// warm (a second run: no az). Run with -benchtime=5x.
func BenchmarkRealPath(b *testing.B) {
	for _, c := range realPathCommands {
		if c.name == "sizes" {
			continue
		}
		b.Run(c.name+"/cold", func(b *testing.B) {
			rp := newRealPath(b)
			runs := 0
			for b.Loop() {
				os.Setenv("XDG_CACHE_HOME", b.TempDir()) // nothing kept
				r, n := rp.run(c.args...)
				if r.code != 0 {
					b.Fatal(r)
				}
				runs += n
			}
			b.ReportMetric(float64(runs)/float64(b.N), "az-runs/op")
		})
		b.Run(c.name+"/warm", func(b *testing.B) {
			rp := newRealPath(b)
			if r, _ := rp.run(c.args...); r.code != 0 {
				b.Fatal(r)
			}
			runs := 0
			for b.Loop() {
				r, n := rp.run(c.args...)
				if r.code != 0 {
					b.Fatal(r)
				}
				runs += n
			}
			b.ReportMetric(float64(runs)/float64(b.N), "az-runs/op")
		})
	}
}

// TestStartSignIn: the token fetch starts before cobra parses anything,
// except where no Azure call can follow (demo, help, version).
func TestStartSignIn(t *testing.T) {
	rp := newRealPath(t)
	for _, args := range [][]string{{"--demo", "versions"}, {"versions", "--help"}, {"--version"}, {"-h"}, {"--demo=true"}, {"completion", "bash"}} {
		if s := startSignIn(args); s != nil {
			t.Errorf("%v: a sign-in was started", args)
		}
	}
	t.Setenv("AMLAKS_DEMO", "1")
	if startSignIn([]string{"versions"}) != nil {
		t.Error("AMLAKS_DEMO=1: a sign-in was started")
	}
	t.Setenv("AMLAKS_DEMO", "")
	if startSignIn([]string{"--cloud", "Mars"}) != nil {
		t.Error("an unknown cloud: a sign-in was started (newSession reports the error)")
	}
	time.Sleep(100 * time.Millisecond)
	if n := rp.azRuns(); n != 0 {
		t.Fatalf("az ran %d times", n)
	}
	s := startSignIn([]string{"--no-token-cache", "list", "-w", "mlw-prod"})
	if s == nil || !s.noCache || s.cloudName != "AmlaksSim" {
		t.Fatalf("got %+v", s)
	}
	deadline := time.Now().Add(2 * time.Second)
	for rp.azRuns() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if rp.azRuns() != 1 {
		t.Fatal("the token fetch did not start")
	}
	// the session takes the early sign-in when the flags agree, not otherwise
	if got, _ := signInFor(s, cli.Globals{NoTokenCache: true}); got != s {
		t.Error("the early sign-in was not used")
	}
	if got, _ := signInFor(s, cli.Globals{}); got == s {
		t.Error("the early sign-in was used although the cache setting differs")
	}
	if _, err := signInFor(s, cli.Globals{NoTokenCache: true, Cloud: "Mars"}); err == nil {
		t.Error("an unknown --cloud is not an error")
	}
}
