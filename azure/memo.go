package azure

import (
	"context"
	"sync"
	"time"
)

// memo caches results by key for a while, and lets concurrent callers of
// the same key share one fetch in flight (so a prefetch started by an
// earlier step serves the later one). Errors are not cached.
type memo struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]*flight
}

type flight struct {
	done chan struct{}
	val  any
	err  error
	at   time.Time
}

func newMemo(ttl time.Duration) *memo { return &memo{ttl: ttl, m: map[string]*flight{}} }

// shortTTL is how long the subscription and workspace lists are shared:
// long enough for one command or wizard step, short enough that a list
// shown again is a new one.
const shortTTL = 15 * time.Second

// fetchTimeout bounds a shared fetch, which does not stop when the caller
// that started it goes away.
const fetchTimeout = 3 * time.Minute

// do returns the cached or shared value of key, or runs fetch. The fetch
// runs detached from ctx's cancellation (other callers may be waiting for
// it); each caller stops waiting when its own ctx is done.
func (m *memo) do(ctx context.Context, key string, fetch func(context.Context) (any, error)) (any, error) {
	if m.ttl < 0 {
		return fetch(ctx)
	}
	m.mu.Lock()
	f, ok := m.m[key]
	if ok {
		select {
		case <-f.done:
			if f.err != nil || time.Since(f.at) > m.ttl {
				ok = false
			}
		default:
		}
	}
	if !ok {
		f = &flight{done: make(chan struct{})}
		m.m[key] = f
		go func() {
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
			defer cancel()
			v, err := fetch(fctx)
			m.mu.Lock()
			f.val, f.err, f.at = v, err, time.Now()
			if err != nil && m.m[key] == f {
				delete(m.m, key)
			}
			m.mu.Unlock()
			close(f.done)
		}()
	}
	m.mu.Unlock()
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// peek returns a cached, finished, fresh value without fetching.
func (m *memo) peek(key string) (any, bool) {
	if m.ttl < 0 {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.m[key]
	if !ok {
		return nil, false
	}
	select {
	case <-f.done:
		if f.err == nil && time.Since(f.at) <= m.ttl {
			return f.val, true
		}
	default:
	}
	return nil, false
}
