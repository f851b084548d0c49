package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/azure/sim"
)

// BenchmarkCreateReadyVerified measures amlaks's overhead over the critical
// path of Azure's own operations for create → ready → verified, in demo
// mode (the simulator behind the in-memory transport, fixed operation
// times at AMLAKS_SIM_SPEED=20, polls at demo pace). The critical path is
// cluster + extension + attach (the readiness phase runs beside the
// extension and the attach and is shorter than the attach), then the
// endpoint, the deployment and the delete of the smoke test.
func BenchmarkCreateReadyVerified(b *testing.B) {
	const speed = 20.0
	d := func(kind string) time.Duration { return time.Duration(float64(sim.BaseDuration(kind)) / speed) }
	critical := d("cluster") + d("extension") + d("attach") + d("endpoint") + d("deployment") + d("delete-endpoint")
	b.Setenv("AMLAKS_SIM_SPEED", "20")
	b.Setenv("AMLAKS_SIM_FAULTS", "")
	for i := 0; b.Loop(); i++ {
		b.Setenv("AMLAKS_DEMO_STATE", filepath.Join(b.TempDir(), "state.json"))
		start := time.Now()
		if code := run([]string{"--demo", "create", "-w", "mlw-prod", "-n", "k8s-bench", "--namespace", "ml-team", "--allow-insecure-connections", "--yes", "-o", "none"},
			strings.NewReader(""), &strings.Builder{}, &strings.Builder{}); code != 0 {
			b.Fatalf("create: exit %d", code)
		}
		var out strings.Builder
		if code := run([]string{"--demo", "verify", "k8s-bench", "-w", "mlw-prod"}, strings.NewReader(""), &out, &strings.Builder{}); code != 0 ||
			!strings.Contains(out.String(), "answered 200") {
			b.Fatalf("verify: exit %d: %s", code, out.String())
		}
		wall := time.Since(start)
		b.ReportMetric(float64((wall - critical).Milliseconds()), "overhead-ms")
		b.ReportMetric(float64(critical.Milliseconds()), "critical-ms")
	}
}

// BenchmarkCreateReadyVerifiedHTTPS is BenchmarkCreateReadyVerified on the
// real sign-in path: the simulator over HTTPS on loopback (its operation
// times fixed at Speed 20), the az CLI configuration of a signed-in user
// and the fake `az` that takes 0.6 s per run, counted. The polls go at the
// real path's pace (Session.PollEvery, and what Azure says in
// Retry-After), so the figure is amlaks's overhead over the critical path
// of Azure's operations. cold: no token kept (one az run); warm: the
// token kept from an earlier run. Run with -benchtime=3x.
func BenchmarkCreateReadyVerifiedHTTPS(b *testing.B) {
	const speed = 20.0
	d := func(kind string) time.Duration { return time.Duration(float64(sim.BaseDuration(kind)) / speed) }
	critical := d("cluster") + d("extension") + d("attach") + d("endpoint") + d("deployment") + d("delete-endpoint")
	for _, cold := range []bool{true, false} {
		name := "warm"
		if cold {
			name = "cold"
		}
		b.Run(name, func(b *testing.B) {
			state := filepath.Join(b.TempDir(), "sim-state.json")
			rp := newRealPathWith(b, sim.Options{Speed: speed, StatePath: state})
			if !cold {
				if r, _ := rp.run("versions", "-l", "eastus"); r.code != 0 { // the token, kept
					b.Fatal(r)
				}
			}
			runs := 0
			var over time.Duration
			for b.Loop() {
				b.StopTimer()
				if err := sim.Reset(state); err != nil {
					b.Fatal(err)
				}
				if cold {
					os.Setenv("XDG_CACHE_HOME", b.TempDir()) // nothing kept
				}
				b.StartTimer()
				start := time.Now()
				r, n := rp.run("create", "-w", "mlw-prod", "-n", "k8s-bench", "--namespace", "ml-team", "--allow-insecure-connections", "--yes", "-o", "none")
				if r.code != 0 {
					b.Fatalf("create: %s", r)
				}
				runs += n
				r, n = rp.run("verify", "k8s-bench", "-w", "mlw-prod")
				if r.code != 0 || !strings.Contains(r.out, "answered 200") {
					b.Fatalf("verify: %s", r)
				}
				runs += n
				over += time.Since(start) - critical
			}
			b.ReportMetric(float64(over.Milliseconds())/float64(b.N), "overhead-ms/op")
			b.ReportMetric(float64(critical.Milliseconds()), "critical-ms")
			b.ReportMetric(float64(runs)/float64(b.N), "az-runs/op")
		})
	}
}
