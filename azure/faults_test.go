package azure

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/amlaks/amlaks/azure/sim"
	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

var createSpec = wizard.ComputeSpec{Name: "aks-fault", Location: "eastus", ComputeLocation: "eastus", Purpose: rules.Production,
	Nodes: 3, VMSize: "Standard_D3_v2"}

func final(t *testing.T, ps []wizard.Progress) wizard.Progress {
	t.Helper()
	if len(ps) == 0 || !ps[len(ps)-1].Done {
		t.Fatalf("no final progress: %+v", ps)
	}
	return ps[len(ps)-1]
}

// flakyCredential fails like `az` does while it cannot refresh a token:
// the calls from..to (1-based) fail, the others succeed. Its tokens expire
// at once, so every request asks for one.
type flakyCredential struct {
	n        atomic.Int32
	from, to int32
	msg      string
}

func (c *flakyCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	n := c.n.Add(1)
	if n >= c.from && n <= c.to {
		return azcore.AccessToken{}, errors.New(c.msg)
	}
	return azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(-time.Minute)}, nil
}

// TestFollowSignInFailingMidFollow: sign-in fails for a while during the
// polls (before: "create …: Failed … AzureCLICredential: ERROR", the
// token deleted while the create went on). It is retried with back-off and
// the create ends Succeeded.
func TestFollowSignInFailingMidFollow(t *testing.T) {
	h := newSim(t, sim.Options{Speed: 100})
	// three failures: the caching credential holds each failed fetch 2 s
	cred := &flakyCredential{from: 3, to: 5, msg: "AzureCLICredential: ERROR: Please run 'az login' to setup account."}
	c := memClient(t, h, func(o *Options) { o.Credential = cred })
	ctx := context.Background()
	op, err := c.Submit(ctx, wsProd, createSpec)
	if err != nil {
		t.Fatal(err)
	}
	ps := drain(t, c.Follow(ctx, op, time.Millisecond))
	f := final(t, ps)
	if f.Err != nil || f.State != "Succeeded" {
		t.Fatalf("final %+v (all: %+v)", f, ps)
	}
	notes := 0
	for _, p := range ps {
		if strings.Contains(p.Note, "could not poll the operation") && strings.Contains(p.Note, "az login") {
			notes++
		}
	}
	if notes == 0 || cred.n.Load() < 5 {
		t.Fatalf("sign-in failures not seen as retries (%d notes, %d token calls): %+v", notes, cred.n.Load(), ps)
	}
}

// TestFollowDeadlineStopsWatching: an operation slower than the deadline
// ends in "stopped watching" (ErrStoppedWatching), the token kept; the
// next Follow picks it up.
func TestFollowDeadlineStopsWatching(t *testing.T) {
	h := newSim(t, sim.Options{Speed: 100, Faults: sim.Faults{Slow: map[string]float64{"create": 50}}})
	c := memClient(t, h, func(o *Options) { o.FollowTimeout = 150 * time.Millisecond })
	ctx := context.Background()
	op, err := c.Submit(ctx, wsProd, createSpec)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	f := final(t, drain(t, c.Follow(ctx, op, time.Millisecond)))
	if !errors.Is(f.Err, wizard.ErrStoppedWatching) || f.State != "Creating" || !strings.Contains(wizard.HintOf(f.Err), "amlaks status aks-fault") {
		t.Fatalf("final %+v", f)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("stopped after %v, deadline 150ms", d)
	}
	got, ok, err := c.Pending(ctx, wsProd, "aks-fault")
	if err != nil || !ok || got.Token != op.Token {
		t.Fatalf("token not kept: %+v %v %v", got, ok, err)
	}
	if d := c.FollowTimeout(wizard.OpCreate); d != 150*time.Millisecond {
		t.Errorf("FollowTimeout %v", d)
	}
	c2 := memClient(t, h, nil)
	if d := c2.FollowTimeout(wizard.OpCreate); d != FollowFactor*10*time.Minute {
		t.Errorf("default FollowTimeout %v, want 3 × 10 min", d)
	}
}

// TestFollowFailedForgetsToken: Azure says Failed: ErrQuota with Azure's
// words, the token deleted.
func TestFollowFailedForgetsToken(t *testing.T) {
	h := newSim(t, sim.Options{Speed: 100, Faults: sim.Faults{Fail: map[string]int{"create": 1}}})
	c := memClient(t, h, nil)
	ctx := context.Background()
	op, err := c.Submit(ctx, wsProd, createSpec)
	if err != nil {
		t.Fatal(err)
	}
	f := final(t, drain(t, c.Follow(ctx, op, time.Millisecond)))
	if f.State != "Failed" || !errors.Is(f.Err, wizard.ErrQuota) || errors.Is(f.Err, wizard.ErrStoppedWatching) {
		t.Fatalf("final %+v", f)
	}
	if _, ok, _ := c.Pending(ctx, wsProd, "aks-fault"); ok {
		t.Error("token kept after Failed")
	}
}

// TestSubmitSettlesDoubt: the PUT's answer is lost after it took effect;
// the SDK's retry gets 409. Before: "name taken", exit 1, no token. Now: a
// GET shows the compute is ours → accepted and followed to Succeeded.
func TestSubmitSettlesDoubt(t *testing.T) {
	for _, w := range wirings {
		t.Run(w.name, func(t *testing.T) {
			h := newSim(t, sim.Options{Speed: 100, Faults: sim.Faults{DropAfterPut: map[string]int{"compute": 1}}})
			rec := newRecorder(h)
			var notes []string
			c := w.mk(t, rec, func(o *Options) { o.OnNote = func(s string) { notes = append(notes, s) } })
			ctx := context.Background()
			op, err := c.Submit(ctx, wsProd, createSpec)
			if err != nil {
				t.Fatalf("submit: %v", err)
			}
			if n := rec.count("PUT", "/computes/aks-fault"); n < 2 {
				t.Errorf("%d PUTs: the drop should have made the SDK retry", n)
			}
			if op.Token != "" || op.Name != "aks-fault" || op.Kind != wizard.OpCreate {
				t.Errorf("op %+v", op)
			}
			if !strings.Contains(strings.Join(notes, "\n"), "the answer to the request was lost") {
				t.Errorf("notes %q", notes)
			}
			if _, ok, _ := c.Pending(ctx, wsProd, "aks-fault"); !ok {
				t.Error("accepted operation not saved for status")
			}
			f := final(t, drain(t, c.Follow(ctx, op, time.Millisecond)))
			if f.Err != nil || f.State != "Succeeded" || f.Compute == nil || f.Compute.VMSize != "Standard_D3_v2" {
				t.Fatalf("final %+v", f)
			}
		})
	}
}

// TestSubmitDoubtSomeoneElses: the name is taken by another compute (other
// size); a dropped answer and the retried PUT's 409 stay a conflict.
func TestSubmitDoubtSomeoneElses(t *testing.T) {
	// 5 answers dropped: the other's 4 tries (1 + 3 retries), our first
	h := newSim(t, sim.Options{Speed: 100, Faults: sim.Faults{DropAfterPut: map[string]int{"compute": 5}}})
	rec := newRecorder(h)
	c := memClient(t, rec, nil)
	ctx := context.Background()
	other := createSpec
	other.VMSize, other.Nodes = "Standard_D4_v2", 4
	// the other's PUT takes effect, every answer is lost: settled by a GET
	if _, err := c.Submit(ctx, wsProd, other); err != nil {
		t.Fatal(err)
	}
	// ours: 409 (answer dropped), retried: 409 → GET: not ours
	_, err := c.Submit(ctx, wsProd, createSpec)
	if !errors.Is(err, wizard.ErrConflict) || !strings.Contains(wizard.HintOf(err), "pick another name") {
		t.Fatalf("err %v", err)
	}
	if n := rec.count("GET", "/computes/aks-fault"); n != 2 {
		t.Fatalf("%d GETs of the compute, want one per settle (2)", n)
	}
}

// TestSubmitDoubtUnreadable: the answer is lost and the compute cannot be
// read: amlaks does not guess — ErrStoppedWatching, "lost track".
func TestSubmitDoubtUnreadable(t *testing.T) {
	h := newSim(t, sim.Options{Speed: 100, Faults: sim.Faults{DropAfterPut: map[string]int{"compute": 1}}})
	deny := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/computes/aks-fault") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"error":{"code":"AuthorizationFailed","message":"no read"}}`))
			return
		}
		h.ServeHTTP(w, r)
	})
	c := memClient(t, deny, nil)
	_, err := c.Submit(context.Background(), wsProd, createSpec)
	if !errors.Is(err, wizard.ErrStoppedWatching) || !strings.Contains(wizard.HintOf(err), "lost track") {
		t.Fatalf("err %v", err)
	}
}

// TestSubmitRefusesNodesBeyondPool: the body never carries a count that
// int32 would cut.
func TestSubmitRefusesNodesBeyondPool(t *testing.T) {
	rec := newRecorder(newSim(t, simSpeedy))
	c := memClient(t, rec, nil)
	spec := createSpec
	spec.Nodes = 4294967299
	if _, err := c.Submit(context.Background(), wsProd, spec); !errors.Is(err, wizard.ErrBadRequest) {
		t.Fatalf("err %v", err)
	}
	if n := rec.count("PUT", "/computes/aks-fault"); n != 0 {
		t.Fatalf("%d PUTs sent", n)
	}
}

// TestRetryBounds: every client gets a per-try timeout and a retry cap; a
// server slower than the per-try timeout gives a network error in bounded
// time (before: `latency=200s` hung `list` until a signal).
func TestRetryBounds(t *testing.T) {
	o := bounded(policy.RetryOptions{})
	if o.MaxRetries != DefaultMaxRetries || o.TryTimeout != DefaultTryTimeout || o.MaxRetryDelay != DefaultMaxRetryDelay {
		t.Fatalf("bounds %+v", o)
	}
	h := newSim(t, sim.Options{Faults: sim.Faults{Latency: time.Hour}})
	c := memClient(t, h, func(o *Options) {
		o.Retry = policy.RetryOptions{TryTimeout: 30 * time.Millisecond, MaxRetries: 2, RetryDelay: time.Millisecond}
	})
	start := time.Now()
	_, err := c.Computes(context.Background(), wsProd)
	if !errors.Is(err, wizard.ErrNetwork) || !strings.Contains(err.Error(), "did not answer in time") {
		t.Fatalf("err %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v", d)
	}
}

// TestPendingCorruptTokenSetAside: a corrupt saved operation is reported,
// renamed .corrupt, and Pending says there is none (the caller follows the
// compute).
func TestPendingCorruptTokenSetAside(t *testing.T) {
	var notes []string
	c := memClient(t, newSim(t, simSpeedy), func(o *Options) { o.OnNote = func(s string) { notes = append(notes, s) } })
	path := c.opPath(wsProd, "aks-x")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{`{"kind":"crea`, "\x00\x01", `[]`} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		op, ok, err := c.Pending(context.Background(), wsProd, "aks-x")
		if err != nil || ok || op.Token != "" {
			t.Fatalf("%q: %+v %v %v", body, op, ok, err)
		}
		if _, err := os.Stat(path + ".corrupt"); err != nil {
			t.Errorf("%q: not set aside: %v", body, err)
		}
	}
	if len(notes) != 3 || !strings.Contains(notes[0], "unreadable") {
		t.Errorf("notes %q", notes)
	}
}

// TestAzureTextEscaped: control characters in the text of Azure's errors
// are escaped before they can reach a terminal; the values of resources
// are kept as sent.
func TestAzureTextEscaped(t *testing.T) {
	const evil = "\x1b]0;x\x07\x1b[2J"
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/computes/evil") {
			w.WriteHeader(http.StatusBadRequest)
			b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": "Bad" + evil, "message": "boom " + evil,
				"details": []any{map[string]any{"code": "D", "message": "detail " + evil + "\u009b31m"}}}})
			_, _ = w.Write(b)
			return
		}
		b, _ := json.Marshal(map[string]any{"value": []any{map[string]any{"name": "n" + evil, "id": "/x",
			"properties": map[string]any{"computeType": "AKS", "description": "d" + evil, "provisioningState": "Succeeded"}}}})
		_, _ = w.Write(b)
	})
	c := memClient(t, h, func(o *Options) { o.Retry.MaxRetries = -1 })
	_, err := c.Compute(context.Background(), wsProd, "evil")
	var we *wizard.Error
	if !errors.As(err, &we) {
		t.Fatalf("err %T %v", err, err)
	}
	all := err.Error() + we.Code + we.Message
	for _, d := range we.Details {
		all += d.Code + d.Message
	}
	if strings.ContainsAny(all, "\x1b\x07\u009b") || !strings.Contains(all, `\x1b]0;x\x07\x1b[2J`) || !strings.Contains(all, `\u009b31m`) {
		t.Fatalf("not escaped: %q", all)
	}
	cs, err := c.Computes(context.Background(), wsProd)
	if err != nil || len(cs) != 1 {
		t.Fatal(cs, err)
	}
	// values are kept as Azure sent them: they are escaped where shown
	if cs[0].Name != "n"+evil || cs[0].Description != "d"+evil {
		t.Fatalf("compute %+v", cs[0])
	}
	if got := Clean("ok\n\ttab é"); got != "ok\n\ttab é" {
		t.Errorf("Clean changed plain text: %q", got)
	}
}

// TestSignInErrorCauses: each cause keeps its own message and hint (before:
// a hung az, garbage output and a missing az all became "run az login").
func TestSignInErrorCauses(t *testing.T) {
	var syn error
	_ = json.Unmarshal([]byte("<html>garbage"), new(map[string]any))
	syn = json.Unmarshal([]byte("<html>"), new(map[string]any))
	chain := "DefaultAzureCredential: failed to acquire a token.\nAttempted credentials:\n\tEnvironmentCredential: missing environment variables\n\t"
	for _, tc := range []struct {
		name string
		err  error
		msg  string
		hint string
	}{
		{"not installed", errors.New(chain + "AzureCLICredential: executable not found on path"), "executable not found", hintNoAz},
		{"timeout", errors.New(chain + "AzureCLICredential: context deadline exceeded"), "deadline exceeded", hintSignInTimeout},
		{"killed", errors.New("AzureCLICredential: signal: killed"), "signal: killed", hintSignInTimeout},
		{"garbage", syn, "not a token", hintSignInGarbage},
		{"bad expiry", errors.New(`AzureCLICredential: error parsing token expiration time "x"`), "error parsing token", hintSignInGarbage},
		{"not logged in", errors.New(chain + "AzureCLICredential: ERROR: Please run 'az login' to setup account."), "Please run 'az login'", hintNoCredential},
		{"huge", errors.New("AzureCLICredential: " + strings.Repeat("x", 8<<20)), "AzureCLICredential", hintNoCredential},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := mapError("list subscriptions", tc.err)
			var we *wizard.Error
			if !errors.As(err, &we) || !errors.Is(err, wizard.ErrNoCredential) {
				t.Fatalf("%T %v", err, err)
			}
			if !strings.Contains(we.Message, tc.msg) || we.Hint != tc.hint {
				t.Errorf("message %.200q hint %q", we.Message, we.Hint)
			}
			if len(we.Message) > maxSignInText+10 {
				t.Errorf("message of %d bytes", len(we.Message))
			}
		})
	}
}

// BenchmarkClean: the cost of escaping every text from Azure (the usual
// case has no control character: one scan, no allocation).
func BenchmarkClean(b *testing.B) {
	plain := strings.Repeat("The compute aks-prod-01 is being created in eastus. ", 4)
	evil := plain + "\x1b]0;x\x07\x1b[2J"
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Clean(plain)
		}
	})
	b.Run("escapes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Clean(evil)
		}
	})
}
