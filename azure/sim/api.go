package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// EnvState is the environment variable that overrides DefaultStatePath.
const EnvState = "AMLAKS_DEMO_STATE"

// EnvFaults is the environment variable read by the program for
// ParseFaults (the simulator itself reads no environment but EnvState).
const EnvFaults = "AMLAKS_SIM_FAULTS"

// Options configure a simulator. The zero value is an in-memory simulator
// at demo speed with no faults.
type Options struct {
	// StatePath is the JSON file that persists computes, operations and
	// usages between processes; "" keeps state in memory only.
	StatePath string
	// Speed scales operation durations: 1 = demo (create ≈ 20 s, attach
	// ≈ 10 s, detach ≈ 3 s); 100 makes a create take 0.2 s. 0 means 1.
	Speed float64
	// Faults to inject (see ParseFaults for the AMLAKS_SIM_FAULTS syntax).
	Faults Faults
	// Now is the clock; nil means time.Now. Operations progress by this
	// clock from their (persisted) start.
	Now func() time.Time
	// ScoringURL is where scoring URIs point ("" starts a loopback
	// scoring server on first use).
	ScoringURL string
	// OnNote receives what the user should know about the state file (one
	// that was not theirs, set aside); nil drops it.
	OnNote func(string)
}

// Base durations of operations at Speed 1.
const (
	createDuration = 20 * time.Second
	attachDuration = 10 * time.Second
	detachDuration = 3 * time.Second
	deleteDuration = 6 * time.Second
)

// Handler is the simulated ARM endpoint. It is safe for concurrent use;
// several Handlers (in one or several processes) may share a StatePath.
type Handler struct {
	opts  Options
	speed float64
	now   func() time.Time
	w     *world
	f     faultState
	skus  skuCache
	rts   []route

	mu      sync.Mutex
	st      *state
	seen    os.FileInfo // the state file as last read or written
	release func()      // drops the state file lock held by begin
	cleaned bool        // stale temp files were removed
	dirty   bool

	scoreOnce sync.Once
	scoreURL  string
	unsaved   bool // the last save failed: h.st holds a change the file lacks
}

// New returns a simulator seeded with the fixtures, or with the state
// persisted at opts.StatePath. A corrupt state file makes every request
// fail with 400 DemoStateCorrupt until Reset restores it.
func New(opts Options) (*Handler, error) {
	speed := opts.Speed
	if speed == 0 {
		speed = 1
	}
	if speed < 0 || math.IsNaN(speed) || math.IsInf(speed, 0) {
		return nil, fmt.Errorf("sim: speed %v: want a positive number", opts.Speed)
	}
	if err := opts.Faults.validate(); err != nil {
		return nil, err
	}
	opts.Faults = opts.Faults.clone()
	h := &Handler{opts: opts, speed: speed, now: opts.Now, w: newWorld(), rts: routes()}
	if h.now == nil {
		h.now = time.Now
	}
	h.f.init(opts.Faults)
	h.st = freshState()
	if opts.StatePath != "" {
		// A state file that cannot be used does not stop New (so that
		// `amlaks --demo reset` can run): every request reports it, with
		// the advice to reset, until it is replaced; one that is not the
		// user's own is set aside by the first request.
		st, fi, err := readState(opts.StatePath)
		if err != nil && !errors.Is(err, errStateCorrupt) && !errors.Is(err, errStateUntrusted) {
			return nil, err
		}
		if st != nil {
			h.st, h.seen = st, fi
		}
	}
	return h, nil
}

// ServeHTTP answers ARM requests: the routes of the package doc, JSON
// bodies, ARM error bodies ({"error":{"code","message"}}) for anything
// else. It never panics on bad input; a "drop" fault aborts the
// connection (hijack, or http.ErrAbortHandler under net/http).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			writeReply(w, r, errReply(http.StatusInternalServerError, "InternalServerError",
				fmt.Sprintf("The simulator failed: %v", v)))
		}
	}()
	if d := h.opts.Faults.Latency; d > 0 && !sleepCtx(r.Context(), d) {
		return // the caller has gone
	}
	rt, params := matchRoute(h.rts, r.URL.Path)
	if rt == nil {
		writeReply(w, r, errReply(http.StatusNotFound, "NotFound",
			fmt.Sprintf("No HTTP resource was found that matches the request URI '%s'.", r.URL.Path)))
		return
	}
	switch h.f.next(rt.key) {
	case faultDrop:
		dropConnection(w, r)
		return
	case faultThrottle:
		rep := errReply(http.StatusTooManyRequests, "TooManyRequests",
			"The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. For more information, see - https://aka.ms/srpthrottlinglimits")
		rep.header = http.Header{"Retry-After": {fmt.Sprint(h.opts.Faults.RetryAfter)}}
		writeReply(w, r, rep)
		return
	case faultUnavailable:
		writeReply(w, r, errReply(http.StatusServiceUnavailable, "ServiceUnavailable",
			"The service is temporarily unavailable. Please try again later."))
		return
	case faultUnauthorized:
		writeReply(w, r, errReply(http.StatusUnauthorized, "ExpiredAuthenticationToken",
			"The access token expiry UTC time is earlier than current UTC time."))
		return
	}
	dropAfter := false
	if r.Method == http.MethodPut {
		var dropBefore bool
		if dropBefore, dropAfter = h.f.putFault(rt.key); dropBefore {
			dropConnection(w, r)
			return
		}
	}
	if r.URL.Query().Get("api-version") == "" {
		writeReply(w, r, errReply(http.StatusBadRequest, "MissingApiVersionParameter",
			"The api-version query parameter (?api-version=) is required for all requests."))
		return
	}
	if !rt.allows(r.Method) {
		rep := errReply(http.StatusMethodNotAllowed, "MethodNotAllowed",
			fmt.Sprintf("The requested resource does not support http method '%s'.", r.Method))
		rep.header = http.Header{"Allow": {rt.methods}}
		writeReply(w, r, rep)
		return
	}
	rep := rt.serve(h, r, params)
	h.advisePoll(&rep)
	if dropAfter {
		// The PUT took effect; its answer is lost.
		dropConnection(w, r)
		return
	}
	writeReply(w, r, rep)
}

// Reset restores the fixtures: it writes a fresh state file at path (mode
// 0600, directory 0700), whatever is there now — a truncated or non-JSON
// file, a file without permissions, a directory — and removes temp files
// left by crashed writers. Handlers sharing the file see it on their next
// request.
func Reset(path string) error {
	if path == "" {
		return errors.New("sim: reset: no state path")
	}
	release, err := lockFile(context.Background(), path)
	if err != nil {
		return err
	}
	defer release()
	removeStaleTemps(path)
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		// A directory (or link, FIFO) where the file should be: the rename
		// below cannot replace it.
		if err := os.RemoveAll(path); err != nil {
			return fmt.Errorf("sim: reset: remove %s: %w", path, err)
		}
	}
	_, err = writeState(path, freshState())
	return err
}

// DefaultStatePath is the demo state file: $AMLAKS_DEMO_STATE if set, else
// $XDG_STATE_HOME/amlaks/demo-state.json, else
// ~/.local/state/amlaks/demo-state.json (%LocalAppData%\amlaks on Windows).
func DefaultStatePath() string {
	if p := os.Getenv(EnvState); p != "" {
		return p
	}
	if runtime.GOOS == "windows" {
		if d, err := os.UserCacheDir(); err == nil {
			return filepath.Join(d, "amlaks", "demo-state.json")
		}
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "amlaks", "demo-state.json")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, ".local", "state", "amlaks", "demo-state.json")
	}
	return filepath.Join(os.TempDir(), "amlaks-demo-state.json")
}

// duration is the length of a new operation of kind at this speed, with
// any slow fault applied.
func (h *Handler) duration(kind string) time.Duration {
	base := map[string]time.Duration{"create": createDuration, "attach": attachDuration,
		"detach": detachDuration, "delete": deleteDuration}[kind]
	f := h.opts.Faults.Slow[kind]
	if f < 1 {
		f = 1
	}
	return time.Duration(float64(base) * f / h.speed)
}

// sleepCtx waits d or until ctx is done; it reports whether d elapsed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// pollAdvice is the Retry-After of a running operation at Speed 1. Azure
// Resource Manager's asynchronous operations carry Retry-After ("the
// number of seconds to wait before checking the status";
// learn.microsoft.com, "Track asynchronous Azure operations"); the value
// each resource provider gives is its own, so this one is modelled.
const pollAdvice = time.Second

// advisePoll gives an answer about a running operation — a 201 or 202
// with Azure-AsyncOperation or Location, an operation status InProgress —
// a Retry-After scaled by the speed: whole seconds (at least 1), and the
// exact wait in retry-after-ms when it is below a second (azcore reads
// retry-after-ms first), so a fast simulator is polled at its own pace.
func (h *Handler) advisePoll(rep *reply) {
	running := false
	switch rep.status {
	case http.StatusCreated, http.StatusAccepted:
		for k := range rep.header {
			running = running || strings.EqualFold(k, "Azure-AsyncOperation") || strings.EqualFold(k, "Location")
		}
	case 0, http.StatusOK:
		j, ok := rep.body.(opStatusJSON)
		running = ok && j.Status == "InProgress"
	}
	if !running {
		return
	}
	d := time.Duration(float64(pollAdvice) / h.speed)
	if rep.header == nil {
		rep.header = http.Header{}
	}
	rep.header.Set("Retry-After", strconv.Itoa(max(int((d+time.Second-1)/time.Second), 1)))
	if d < time.Second {
		rep.header.Set("retry-after-ms", strconv.Itoa(max(int(d/time.Millisecond), 1)))
	}
}
