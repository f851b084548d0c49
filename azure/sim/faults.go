package sim

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults describe injected latency and failures. Route keys are those of
// RouteKeys ("all" matches every route); operation kinds are create,
// attach, detach and delete.
//
// On each route, calls are numbered from 1 (per Handler): the first Drop
// calls drop the connection, the next Throttle calls answer 429, the next
// Unavailable calls answer 503, later calls are served normally.
type Faults struct {
	// Latency is added to every call (the wait ends if the request's
	// context is cancelled).
	Latency time.Duration
	// Throttle answers 429 TooManyRequests with Retry-After to the first
	// N calls of a route.
	Throttle map[string]int
	// RetryAfter is the Retry-After of throttled answers, in seconds
	// (ParseFaults defaults it to 1; 0 lets the client choose its delay).
	RetryAfter int
	// Unavailable answers 503 ServiceUnavailable to the first N calls of a
	// route (after any throttled ones).
	Unavailable map[string]int
	// Drop drops the connection of the first N calls of a route: the
	// in-memory Transport returns an error wrapping io.ErrUnexpectedEOF; a
	// net/http server closes the connection.
	Drop map[string]int
	// DropBeforePut drops the connection of the first N PUTs of a route
	// before they are served (they take no effect).
	DropBeforePut map[string]int
	// Unauthorized answers 401 ExpiredAuthenticationToken to the first N
	// calls of a route (after any dropped ones): a sign-in that fails for a
	// while, as when az cannot refresh the token.
	Unauthorized map[string]int
	// DropAfterPut serves the first N PUTs of a route — they take effect —
	// and then drops the connection instead of answering (the client
	// cannot tell whether its request landed).
	DropAfterPut map[string]int
	// Fail makes the next N operations of a kind end Failed: a create
	// with QuotaExceeded, a cluster with OutboundConnFailVMExtensionError,
	// an extension with ExtensionOperationFailed, the others with an
	// internal error.
	Fail map[string]int
	// Slow multiplies the duration of every operation of a kind (≥ 1).
	Slow map[string]float64
}

// RouteKeys returns the route names Faults and AMLAKS_SIM_FAULTS accept
// (besides "all").
func RouteKeys() []string {
	return []string{"subscriptions", "subscription", "locations", "workspaces", "workspace", "computes", "compute",
		"vmsizes", "versions", "clusters", "cluster", "skus", "usages", "operations", "extensions", "extension", "providers",
		"rolebindings", "rolebinding"}
}

// OperationKinds returns the operation kinds of Faults.Fail and Faults.Slow.
// cluster (a managedClusters create), extension (an extension install) and
// delete-cluster are the current path's.
func OperationKinds() []string {
	return []string{"create", "attach", "detach", "delete", "cluster", "extension", "delete-cluster"}
}

// ParseFaults parses the AMLAKS_SIM_FAULTS syntax: comma-separated
// key=value items (see the package doc). "" gives no faults. An invalid
// item is an error naming it.
func ParseFaults(s string) (Faults, error) {
	f := Faults{RetryAfter: 1}
	opKinds := OperationKinds()
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, v, ok := strings.Cut(item, "=")
		if !ok {
			return Faults{}, fmt.Errorf("fault %q: want key=value", item)
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		bad := func(format string, a ...any) (Faults, error) {
			return Faults{}, fmt.Errorf("fault %q: %s", item, fmt.Sprintf(format, a...))
		}
		switch k {
		case "latency":
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return bad("latency wants a duration like 200ms")
			}
			f.Latency = d
		case "retry-after":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return bad("retry-after wants whole seconds (0 or more)")
			}
			f.RetryAfter = n
		case "throttle", "unavailable", "drop", "drop-after-put", "drop-before-put", "unauthorized":
			name, n, err := nameCount(v, append(RouteKeys(), "all"), "route")
			if err != nil {
				return bad("%v", err)
			}
			m := map[string]*map[string]int{"throttle": &f.Throttle, "unavailable": &f.Unavailable, "drop": &f.Drop, "drop-after-put": &f.DropAfterPut,
				"drop-before-put": &f.DropBeforePut, "unauthorized": &f.Unauthorized}[k]
			if *m == nil {
				*m = map[string]int{}
			}
			(*m)[name] = n
		case "fail":
			name, n, err := nameCount(v, opKinds, "operation")
			if err != nil {
				return bad("%v", err)
			}
			if f.Fail == nil {
				f.Fail = map[string]int{}
			}
			f.Fail[name] = n
		case "slow":
			name, factor, found := strings.Cut(v, ":")
			name = strings.ToLower(strings.TrimSpace(name))
			if !contains(opKinds, name) {
				return bad("unknown operation %q (want %s)", name, strings.Join(opKinds, ", "))
			}
			x := 3.0
			if found {
				p, err := strconv.ParseFloat(strings.TrimSpace(factor), 64)
				if err != nil || p < 1 || math.IsInf(p, 0) {
					return bad("slow factor %q: want a number ≥ 1", factor)
				}
				x = p
			}
			if f.Slow == nil {
				f.Slow = map[string]float64{}
			}
			f.Slow[name] = x
		default:
			return bad("unknown fault %q (want latency, throttle, retry-after, unavailable, unauthorized, drop, drop-before-put, drop-after-put, fail or slow)", k)
		}
	}
	return f, nil
}

// nameCount parses "name[:N]" (N ≥ 1, default 1) with name in allowed.
func nameCount(v string, allowed []string, what string) (string, int, error) {
	name, count, found := strings.Cut(v, ":")
	name = strings.ToLower(strings.TrimSpace(name))
	if !contains(allowed, name) {
		return "", 0, fmt.Errorf("unknown %s %q (want %s)", what, name, strings.Join(allowed, ", "))
	}
	n := 1
	if found {
		var err error
		n, err = strconv.Atoi(strings.TrimSpace(count))
		if err != nil || n < 1 {
			return "", 0, fmt.Errorf("count %q: want a whole number ≥ 1", count)
		}
	}
	return name, n, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validate checks programmatic Faults (New refuses bad ones).
func (f Faults) validate() error {
	if f.Latency < 0 {
		return fmt.Errorf("sim: faults: negative latency %v", f.Latency)
	}
	if f.RetryAfter < 0 {
		return fmt.Errorf("sim: faults: negative retry-after %d", f.RetryAfter)
	}
	routes, opKinds := append(RouteKeys(), "all"), OperationKinds()
	for what, m := range map[string]map[string]int{"throttle": f.Throttle, "unavailable": f.Unavailable, "drop": f.Drop, "drop-after-put": f.DropAfterPut,
		"drop-before-put": f.DropBeforePut, "unauthorized": f.Unauthorized} {
		for _, k := range sortedKeys(m) {
			if !contains(routes, k) {
				return fmt.Errorf("sim: faults: %s: unknown route %q", what, k)
			}
			if m[k] < 0 {
				return fmt.Errorf("sim: faults: %s %s: negative count", what, k)
			}
		}
	}
	for _, k := range sortedKeys(f.Fail) {
		if !contains(opKinds, k) || f.Fail[k] < 0 {
			return fmt.Errorf("sim: faults: fail: bad operation %q or count", k)
		}
	}
	for _, k := range sortedKeys(f.Slow) {
		if !contains(opKinds, k) || f.Slow[k] < 1 || math.IsNaN(f.Slow[k]) || math.IsInf(f.Slow[k], 0) {
			return fmt.Errorf("sim: faults: slow: bad operation %q or factor (want ≥ 1)", k)
		}
	}
	return nil
}

// clone copies the maps so the caller may change its Faults afterwards.
func (f Faults) clone() Faults {
	cp := func(m map[string]int) map[string]int {
		if m == nil {
			return nil
		}
		out := make(map[string]int, len(m))
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	g := f
	g.Throttle, g.Unavailable, g.Drop, g.Fail, g.DropAfterPut = cp(f.Throttle), cp(f.Unavailable), cp(f.Drop), cp(f.Fail), cp(f.DropAfterPut)
	g.DropBeforePut, g.Unauthorized = cp(f.DropBeforePut), cp(f.Unauthorized)
	if f.Slow != nil {
		g.Slow = make(map[string]float64, len(f.Slow))
		for k, v := range f.Slow {
			g.Slow[k] = v
		}
	}
	return g
}

// String renders f in the ParseFaults syntax (deterministic order).
func (f Faults) String() string {
	var items []string
	if f.Latency > 0 {
		items = append(items, "latency="+f.Latency.String())
	}
	for _, kv := range []struct {
		key string
		m   map[string]int
	}{{"throttle", f.Throttle}, {"unavailable", f.Unavailable}, {"drop", f.Drop}, {"drop-before-put", f.DropBeforePut}, {"drop-after-put", f.DropAfterPut}, {"unauthorized", f.Unauthorized}, {"fail", f.Fail}} {
		for _, k := range sortedKeys(kv.m) {
			items = append(items, fmt.Sprintf("%s=%s:%d", kv.key, k, kv.m[k]))
		}
	}
	if len(f.Throttle) > 0 || f.RetryAfter != 1 {
		items = append(items, fmt.Sprintf("retry-after=%d", f.RetryAfter))
	}
	for _, k := range sortedKeys(f.Slow) {
		items = append(items, fmt.Sprintf("slow=%s:%s", k, strconv.FormatFloat(f.Slow[k], 'f', -1, 64)))
	}
	return strings.Join(items, ",")
}

type faultKind int

const (
	faultNone faultKind = iota
	faultDrop
	faultThrottle
	faultUnavailable
	faultUnauthorized
)

// faultState counts calls per route and forced failures left.
type faultState struct {
	mu    sync.Mutex
	f     Faults
	calls map[string]int
	puts  map[string]int
	fails map[string]int
}

func (s *faultState) init(f Faults) {
	s.f = f
	s.calls = map[string]int{}
	s.puts = map[string]int{}
	s.fails = map[string]int{}
	for k, v := range f.Fail {
		s.fails[k] = v
	}
}

func countFor(m map[string]int, key string) int {
	if v, ok := m[key]; ok {
		return v
	}
	return m["all"]
}

// next numbers a call of route key and says which fault, if any, it gets.
func (s *faultState) next(key string) faultKind {
	d, t, u := countFor(s.f.Drop, key), countFor(s.f.Throttle, key), countFor(s.f.Unavailable, key)
	a := countFor(s.f.Unauthorized, key)
	if d+t+u+a == 0 {
		return faultNone
	}
	s.mu.Lock()
	s.calls[key]++
	n := s.calls[key]
	s.mu.Unlock()
	switch {
	case n <= d:
		return faultDrop
	case n <= d+t:
		return faultThrottle
	case n <= d+t+u:
		return faultUnavailable
	case n <= d+t+u+a:
		return faultUnauthorized
	}
	return faultNone
}

// putFault numbers a PUT of route key (call it once per PUT) and says
// whether to drop it before serving it, or its answer after.
func (s *faultState) putFault(key string) (before, after bool) {
	b, a := countFor(s.f.DropBeforePut, key), countFor(s.f.DropAfterPut, key)
	if a+b == 0 {
		return false, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts[key]++
	n := s.puts[key]
	return n <= b, n > b && n <= b+a
}

// takeFail consumes one forced failure of kind, if any is left.
func (s *faultState) takeFail(kind string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fails[kind] > 0 {
		s.fails[kind]--
		return true
	}
	return false
}

// dropConnection aborts the answer: the in-memory transport reports an
// error; a net/http server closes the connection (hijack, or
// http.ErrAbortHandler where hijacking is impossible, e.g. HTTP/2); any
// other writer gets a truncated body.
func dropConnection(w http.ResponseWriter, r *http.Request) {
	if d, ok := w.(interface{ dropConnection() }); ok {
		d.dropConnection()
		return
	}
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
		return
	}
	if r.Context().Value(http.ServerContextKey) != nil {
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", "64")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"error":`))
}
