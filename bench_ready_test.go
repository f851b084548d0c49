package main

import (
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
