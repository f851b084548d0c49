package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	endpoint = "https://management.azure.com"
	sub1     = DefaultSubscriptionID
	sub2     = SandboxSubscriptionID
	mlw      = "/subscriptions/" + sub1 + "/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod"
)

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a simulator behind the in-memory transport.
type env struct {
	t     testing.TB
	h     *Handler
	tr    *Transport
	clock *fakeClock
}

func newEnv(t testing.TB, opts Options) *env {
	t.Helper()
	e := &env{t: t, clock: newClock()}
	if opts.Now == nil {
		opts.Now = e.clock.Now
	}
	h, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.h, e.tr = h, NewTransport(h)
	return e
}

// absURL makes path absolute and adds an api-version if it has none.
func absURL(path string) string {
	if !strings.HasPrefix(path, "http") {
		path = endpoint + path
	}
	if !strings.Contains(path, "api-version=") {
		if strings.Contains(path, "?") {
			path += "&api-version=2024-04-01"
		} else {
			path += "?api-version=2024-04-01"
		}
	}
	return path
}

// do sends a request; body is JSON-encoded unless it is a string.
func (e *env) do(method, path string, body any) (*http.Response, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, absURL(path), rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.tr.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	var m map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &m); err != nil {
			e.t.Fatalf("%s %s: body is not a JSON object: %v\n%s", method, path, err, raw)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			e.t.Errorf("%s %s: Content-Type %q", method, path, ct)
		}
	}
	return resp, m
}

// get expects status want and returns the body.
func (e *env) get(path string, want int) map[string]any {
	e.t.Helper()
	resp, m := e.do("GET", path, nil)
	if resp.StatusCode != want {
		e.t.Fatalf("GET %s: status %d, want %d: %v", path, resp.StatusCode, want, m)
	}
	return m
}

// list follows nextLink and returns every value and the page count.
func (e *env) list(path string) ([]map[string]any, int) {
	e.t.Helper()
	var all []map[string]any
	pages := 0
	for next := absURL(path); next != ""; pages++ {
		if pages > 500 {
			e.t.Fatalf("list %s: too many pages", path)
		}
		m := e.get(next, 200)
		for _, v := range m["value"].([]any) {
			all = append(all, v.(map[string]any))
		}
		next, _ = m["nextLink"].(string)
		if next != "" && !strings.HasPrefix(next, endpoint+"/") {
			e.t.Fatalf("nextLink %q is not absolute on %s", next, endpoint)
		}
	}
	return all, pages
}

// jget walks a decoded JSON value by object keys and array indexes.
func jget(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func jstr(v any, path ...any) string {
	s, _ := jget(v, path...).(string)
	return s
}

func jnum(v any, path ...any) float64 {
	f, _ := jget(v, path...).(float64)
	return f
}

func byName(items []map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, it := range items {
		out[jstr(it, "name")] = it
	}
	return out
}

// errCode returns the ARM error code of an error body.
func errCode(m map[string]any) string { return jstr(m, "error", "code") }
