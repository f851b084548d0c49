package ui

// slot is one piece of fetched data.
type slot struct {
	loading bool
	ok      bool
	err     error
	val     any
	req     int
}

// fetched is the answer of one Cloud call, typed by what the call
// returns. req tags the request: an answer whose req is not the latest for
// its reqKey is stale and dropped.
type fetched[T any] struct {
	req    int
	reqKey string      // what the request was for: "sizes" (the region being looked at), "subs", ...
	key    cacheKey[T] // where the answer goes: "sizes:eastus"
	val    T
	err    error
}

// dataAnswer is any fetched answer, as the router handles it.
type dataAnswer interface {
	// request is what the answer was for, and its error.
	request() (reqKey string, err error)
	// storeIn stores the answer; false when it was stale.
	storeIn(s *store) bool
}

func (f fetched[T]) request() (string, error) { return f.reqKey, f.err }
func (f fetched[T]) storeIn(s *store) bool {
	return s.put(f.req, f.reqKey, string(f.key), f.val, f.err)
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

// begin starts a request unless the data is cached or already being
// fetched for this request key (ok false). A cached answer still bumps the
// request number, so that an older answer for another value of the same
// request key (a region the user left) is dropped.
func (s *store) begin(reqKey, cacheKey string, force bool) (req int, ok bool) {
	sl := s.slots[cacheKey]
	if sl != nil && !force {
		if sl.loading && s.latest[reqKey] == sl.req {
			return 0, false
		}
		if sl.ok {
			s.req++
			s.latest[reqKey] = s.req
			return 0, false
		}
	}
	s.req++
	req = s.req
	s.latest[reqKey] = req
	if sl == nil {
		sl = &slot{}
		s.slots[cacheKey] = sl
	}
	sl.loading, sl.req = true, req
	if !sl.ok {
		sl.err = nil
	}
	return req, true
}

// put stores an answer; false when it was stale.
func (s *store) put(req int, reqKey, cacheKey string, val any, err error) bool {
	if s.latest[reqKey] != req {
		s.drops++
		return false
	}
	sl := s.slots[cacheKey]
	if sl == nil {
		sl = &slot{}
		s.slots[cacheKey] = sl
	}
	sl.loading = false
	if err != nil {
		sl.err, sl.ok = err, false
		return true
	}
	sl.err, sl.ok, sl.val = nil, true, val
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
