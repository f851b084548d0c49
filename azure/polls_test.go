package azure

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/amlaks/amlaks/azure/sim"
	"github.com/amlaks/amlaks/wizard"
)

// TestPollDelayIsAzures: the wait before the next poll is what Azure's
// answer asks for, shorter or longer than our own interval (as azcore's
// pollers do), capped; our interval only when Azure asks for nothing.
func TestPollDelayIsAzures(t *testing.T) {
	every := 10 * time.Second
	for _, tc := range []struct {
		header http.Header
		want   time.Duration
	}{
		{nil, every},
		{http.Header{"Retry-After": {"2"}}, 2 * time.Second},
		{http.Header{"Retry-After": {"30"}}, 30 * time.Second},
		{http.Header{"Retry-After": {"600"}}, maxPollWait},
		{http.Header{"Retry-After": {"1"}, "Retry-After-Ms": {"50"}}, 50 * time.Millisecond},
		{http.Header{"X-Ms-Retry-After-Ms": {"120"}}, 120 * time.Millisecond},
		{http.Header{"Retry-After": {"soon"}}, every},
	} {
		if got := pollDelay(&http.Response{Header: tc.header}, every); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.header, got, tc.want)
		}
	}
	if got := pollDelay(nil, every); got != every {
		t.Errorf("no answer: %v", got)
	}
}

// TestFollowHonoursRetryAfter: an operation is polled at the pace its
// answers ask for (the simulator at speed 20 asks for 50 ms), not at our
// own interval — an hour here, so a follow that ignored Retry-After would
// not end before the test's bound. Both paths: a legacy compute create
// (Follow) and an AKS cluster create (the current path's first phase).
func TestFollowHonoursRetryAfter(t *testing.T) {
	h := newSim(t, sim.Options{Speed: 20})
	c := memClient(t, h, func(o *Options) { o.PollEvery = time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	op, err := c.Submit(ctx, wsProd, createSpec)
	if err != nil {
		t.Fatal(err)
	}
	if f := final(t, drain(t, c.Follow(ctx, op, time.Hour))); f.Err != nil || f.State != "Succeeded" {
		t.Fatalf("legacy create: %+v", f)
	}

	spec := wizard.ClusterSpec{SubscriptionID: sub1, ResourceGroup: "rg-ml-prod", Name: "aks-pace", Location: "eastus",
		KubernetesVersion: "1.36", VMSize: "Standard_D4s_v5", Nodes: 1}
	op, err = c.CreateCluster(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if f := final(t, drain(t, c.Follow(ctx, op, time.Hour))); f.Err != nil || f.State != "Succeeded" {
		t.Fatalf("cluster create: %+v", f)
	}
}
