package azure

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestMemo(t *testing.T) {
	m := newMemo(50 * time.Millisecond)
	var calls atomic.Int32
	ok := func(context.Context) (any, error) { calls.Add(1); return "v", nil }
	ctx := context.Background()
	for range 3 {
		if v, err := m.do(ctx, "k", ok); v != "v" || err != nil {
			t.Fatal(v, err)
		}
	}
	if calls.Load() != 1 {
		t.Errorf("%d fetches, want 1", calls.Load())
	}
	if _, hit := m.peek("k"); !hit {
		t.Error("peek missed")
	}
	time.Sleep(60 * time.Millisecond)
	if _, hit := m.peek("k"); hit {
		t.Error("stale value peeked")
	}
	m.do(ctx, "k", ok)
	if calls.Load() != 2 {
		t.Errorf("expired value served (%d fetches)", calls.Load())
	}

	// Errors are not cached.
	boom := errors.New("boom")
	var n atomic.Int32
	fail := func(context.Context) (any, error) { n.Add(1); return nil, boom }
	for range 2 {
		if _, err := m.do(ctx, "e", fail); !errors.Is(err, boom) {
			t.Fatal(err)
		}
	}
	if n.Load() != 2 {
		t.Errorf("error cached: %d fetches", n.Load())
	}

	// A waiter that gives up does not stop the shared fetch.
	release := make(chan struct{})
	slow := func(ctx context.Context) (any, error) {
		select {
		case <-release:
			return "slow", nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.do(cctx, "s", slow); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	close(release)
	if v, err := m.do(ctx, "s", slow); v != "slow" || err != nil {
		t.Errorf("shared fetch: %v %v", v, err)
	}

	// Disabled cache: every call fetches.
	off := newMemo(-1)
	calls.Store(0)
	off.do(ctx, "k", ok)
	off.do(ctx, "k", ok)
	if calls.Load() != 2 {
		t.Errorf("disabled cache fetched %d times", calls.Load())
	}
}
