package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// slot is one piece of fetched data.
type slot struct {
	loading bool
	ok      bool
	err     error
	val     any
	req     int
}

// dataMsg is the answer of one Cloud call. req tags the request: an answer
// whose req is not the latest for its reqKey is stale and dropped.
type dataMsg struct {
	req      int
	reqKey   string // what the request was for: "sizes" (the region being looked at), "subs", ...
	cacheKey string // where the answer goes: "sizes:eastus"
	val      any
	err      error
}

// store holds fetched data by cache key and the latest request number by
// request key.
type store struct {
	req    int
	latest map[string]int
	slots  map[string]*slot
	drops  int // stale answers dropped (for tests and the debug line)
}

func newStore() *store {
	return &store{latest: map[string]int{}, slots: map[string]*slot{}}
}

func (s *store) get(cacheKey string) *slot {
	if sl, ok := s.slots[cacheKey]; ok {
		return sl
	}
	return &slot{}
}

// fetch returns a Cmd calling fn unless the data is cached or already being
// fetched for this request key. A cached answer still bumps the request
// number, so that an older answer for another value of the same request key
// (a region the user left) is dropped.
func (s *store) fetch(ctx context.Context, reqKey, cacheKey string, force bool, fn func(context.Context) (any, error)) tea.Cmd {
	sl := s.slots[cacheKey]
	if sl != nil && !force {
		if sl.loading && s.latest[reqKey] == sl.req {
			return nil
		}
		if sl.ok {
			s.req++
			s.latest[reqKey] = s.req
			return nil
		}
	}
	s.req++
	req := s.req
	s.latest[reqKey] = req
	if sl == nil {
		sl = &slot{}
		s.slots[cacheKey] = sl
	}
	sl.loading, sl.req = true, req
	if !sl.ok {
		sl.err = nil
	}
	return func() tea.Msg {
		v, err := fn(ctx)
		return dataMsg{req: req, reqKey: reqKey, cacheKey: cacheKey, val: v, err: err}
	}
}

// put stores an answer; false when it was stale.
func (s *store) put(m dataMsg) bool {
	if s.latest[m.reqKey] != m.req {
		s.drops++
		return false
	}
	sl := s.slots[m.cacheKey]
	if sl == nil {
		sl = &slot{}
		s.slots[m.cacheKey] = sl
	}
	sl.loading = false
	if m.err != nil {
		sl.err, sl.ok = m.err, false
		return true
	}
	sl.err, sl.ok, sl.val = nil, true, m.val
	return true
}

// loading reports whether any request is running.
func (s *store) loading() bool {
	for _, sl := range s.slots {
		if sl.loading {
			return true
		}
	}
	return false
}

// next returns a fresh request number for requests that are not data
// fetches (name checks, preflight, submit).
func (s *store) next(reqKey string) int {
	s.req++
	s.latest[reqKey] = s.req
	return s.req
}

func (s *store) isLatest(reqKey string, req int) bool { return s.latest[reqKey] == req }
