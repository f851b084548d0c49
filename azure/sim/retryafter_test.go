package sim

import (
	"testing"
	"time"
)

// TestRunningOperationsAdviseRetryAfter: the 201 of a create and its
// status while InProgress carry a Retry-After of 1 s of simulated time,
// scaled by the speed (at speed 20: 50 ms in retry-after-ms, Retry-After
// 1); at speed 1 a whole second; the status once Succeeded carries none.
func TestRunningOperationsAdviseRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		speed     float64
		ra, raMS  string
		operation string
	}{{20, "1", "50", "c-fast"}, {1, "1", "", "c-slow"}} {
		e := newEnv(t, Options{Speed: tc.speed})
		resp, _ := e.put(tc.operation, createBody("Standard_D3_v2", 3, "FastProd"), 201)
		if got, ms := resp.Header.Get("Retry-After"), resp.Header.Get("retry-after-ms"); got != tc.ra || ms != tc.raMS {
			t.Errorf("speed %v: 201 with Retry-After %q, retry-after-ms %q; want %q, %q", tc.speed, got, ms, tc.ra, tc.raMS)
		}
		st, m := e.do("GET", resp.Header.Get("Azure-AsyncOperation"), nil)
		if m["status"] != "InProgress" || st.Header.Get("Retry-After") != tc.ra || st.Header.Get("retry-after-ms") != tc.raMS {
			t.Errorf("speed %v: status %v with Retry-After %q, retry-after-ms %q", tc.speed, m["status"], st.Header.Get("Retry-After"), st.Header.Get("retry-after-ms"))
		}
		e.clock.Advance(time.Hour)
		st, m = e.do("GET", resp.Header.Get("Azure-AsyncOperation"), nil)
		if m["status"] != "Succeeded" || st.Header.Get("Retry-After") != "" {
			t.Errorf("speed %v: status %v with Retry-After %q once done", tc.speed, m["status"], st.Header.Get("Retry-After"))
		}
	}
}
