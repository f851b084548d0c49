package sim

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Faults
		err  string // substring of the error; "" = no error
	}{
		{in: "", want: Faults{RetryAfter: 1}},
		{in: " , ", want: Faults{RetryAfter: 1}},
		{in: "latency=200ms,throttle=computes:2,retry-after=1,unavailable=skus:3,drop=workspaces:1,fail=create,slow=attach",
			want: Faults{Latency: 200 * time.Millisecond, Throttle: map[string]int{"computes": 2}, RetryAfter: 1,
				Unavailable: map[string]int{"skus": 3}, Drop: map[string]int{"workspaces": 1}, Fail: map[string]int{"create": 1},
				Slow: map[string]float64{"attach": 3}}},
		{in: "THROTTLE=All:4, retry-after=0, slow=create:2.5, fail=detach:2",
			want: Faults{Throttle: map[string]int{"all": 4}, RetryAfter: 0, Slow: map[string]float64{"create": 2.5}, Fail: map[string]int{"detach": 2}}},
		{in: "throttle=skus,throttle=usages:3", want: Faults{RetryAfter: 1, Throttle: map[string]int{"skus": 1, "usages": 3}}},
		{in: "latency", err: `"latency": want key=value`},
		{in: "latency=fast", err: `"latency=fast"`},
		{in: "latency=-1s", err: "latency"},
		{in: "throttle=nowhere:2", err: `unknown route "nowhere"`},
		{in: "drop=skus:0", err: `"drop=skus:0"`},
		{in: "unavailable=skus:x", err: "count"},
		{in: "retry-after=-2", err: "retry-after"},
		{in: "fail=boot", err: `unknown operation "boot"`},
		{in: "slow=create:0.5", err: "slow factor"},
		{in: "explode=now", err: `unknown fault "explode"`},
	} {
		got, err := ParseFaults(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseFaults(%q) error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseFaults(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
		// String renders the same faults back.
		if back, err := ParseFaults(got.String()); err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("round trip of %q via %q: %+v, %v", tc.in, got.String(), back, err)
		}
	}
}

func TestFaultThrottle(t *testing.T) {
	e := newEnv(t, Options{Faults: Faults{Throttle: map[string]int{"computes": 2}, RetryAfter: 7}})
	for i := 0; i < 2; i++ {
		resp, m := e.do("GET", mlw+"/computes", nil)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" || errCode(m) != "TooManyRequests" {
			t.Errorf("call %d: %d %v %v", i+1, resp.StatusCode, resp.Header, m)
		}
	}
	e.get(mlw+"/computes", 200)
	e.get(mlw+"/computes/aks-inference", 200) // other routes are not throttled
}

func TestFaultUnavailable(t *testing.T) {
	e := newEnv(t, Options{Faults: Faults{Unavailable: map[string]int{"all": 1}, Throttle: map[string]int{"skus": 1}}})
	path := "/subscriptions/" + sub1 + "/providers/Microsoft.Compute/skus?$filter=location+eq+%27eastus%27"
	for i, want := range []int{429, 503, 200} {
		if resp, _ := e.do("GET", path, nil); resp.StatusCode != want {
			t.Errorf("skus call %d: %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	if m := e.get("/subscriptions", 503); errCode(m) != "ServiceUnavailable" {
		t.Errorf("subscriptions: %v", m)
	}
	e.get("/subscriptions", 200)
}

func TestFaultDropTransport(t *testing.T) {
	h, err := New(Options{Faults: Faults{Drop: map[string]int{"workspaces": 1}}})
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTransport(h)
	req, _ := http.NewRequest("GET", absURL("/subscriptions/"+sub1+"/providers/Microsoft.MachineLearningServices/workspaces"), nil)
	resp, err := tr.Do(req)
	if !errors.Is(err, io.ErrUnexpectedEOF) || resp != nil {
		t.Fatalf("dropped call: %v, %v", resp, err)
	}
	if resp, err = tr.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("second call: %v, %v", resp, err)
	}
}

func TestFaultDropHTTPServer(t *testing.T) {
	h, err := New(Options{Faults: Faults{Drop: map[string]int{"subscriptions": 1}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tls := range []bool{false, true} {
		var srv *httptest.Server
		if tls {
			srv = httptest.NewTLSServer(h)
		} else {
			srv = httptest.NewServer(h)
		}
		c := srv.Client()
		resp, err := c.Get(srv.URL + "/subscriptions?api-version=2022-12-01")
		if tls {
			// the drop was used up by the first server
			if err != nil || resp.StatusCode != 200 {
				t.Errorf("TLS server: %v %v", resp, err)
			}
		} else if err == nil {
			resp.Body.Close()
			t.Errorf("dropped call answered %d", resp.StatusCode)
		}
		if resp != nil {
			resp.Body.Close()
		}
		srv.Close()
	}
}

func TestFaultLatencyHonoursContext(t *testing.T) {
	e := newEnv(t, Options{Faults: Faults{Latency: 10 * time.Second}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", absURL("/subscriptions"), nil)
	start := time.Now()
	_, err := e.tr.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("Do: %v after %v", err, time.Since(start))
	}
	// and the latency is really added
	f := newEnv(t, Options{Faults: Faults{Latency: 30 * time.Millisecond}})
	start = time.Now()
	f.get("/subscriptions", 200)
	if time.Since(start) < 30*time.Millisecond {
		t.Errorf("no latency: %v", time.Since(start))
	}
}

func TestFaultFailCreate(t *testing.T) {
	f, err := ParseFaults("fail=create,fail=detach")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Options{Faults: f})
	resp, _ := e.put("aks-doomed", createBody("Standard_D3_v2", 3, "FastProd"), 201)
	st := e.finish(resp, 20*time.Second)
	if jstr(st, "status") != "Failed" || jstr(st, "error", "code") != "BadArgument" ||
		!strings.Contains(jstr(st, "error", "message"), "standardDv2Family Cores quota") {
		t.Errorf("forced failure: %v", st)
	}
	// only the next one
	resp, _ = e.put("aks-fine", createBody("Standard_D3_v2", 3, "FastProd"), 201)
	if st := e.finish(resp, 20*time.Second); jstr(st, "status") != "Succeeded" {
		t.Errorf("second create: %v", st)
	}
	resp, _ = e.do("DELETE", mlw+"/computes/aks-inference?underlyingResourceAction=Detach", nil)
	if st := e.finish(resp, 3*time.Second); jstr(st, "error", "code") != "InternalServerError" {
		t.Errorf("forced detach failure: %v", st)
	}
	if c := e.get(mlw+"/computes/aks-inference", 200); jstr(c, "properties", "provisioningState") != "Failed" {
		t.Errorf("compute after failed detach: %v", c)
	}
}

func TestFaultSlowAttach(t *testing.T) {
	e := newEnv(t, Options{Faults: Faults{Slow: map[string]float64{"attach": 3}}})
	resp, _ := e.put("aks-slow", attachBody("rg-aks", "aks-locked", "FastProd"), 201)
	if st := e.finish(resp, 12*time.Second); jstr(st, "status") != "InProgress" {
		t.Errorf("at 12 s: %v", st)
	}
	if st := e.finish(resp, 18*time.Second); jstr(st, "status") != "Succeeded" {
		t.Errorf("at 30 s: %v", st)
	}
}
