package sim

import (
	"net/http"
	"time"
)

// Options configure a simulator. The zero value is an in-memory simulator
// at demo speed with no faults.
type Options struct {
	// StatePath is the JSON file that persists computes, operations and
	// usages between processes; "" keeps state in memory only.
	StatePath string
	// Speed scales operation durations: 1 = demo (create ≈ 20 s, attach
	// ≈ 10 s, detach ≈ 3 s); 100 makes a create take 0.2 s.
	Speed float64
	// Faults to inject (see ParseFaults for the AMLAKS_SIM_FAULTS syntax).
	Faults Faults
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Faults describe injected latency and failures. (Filled in by the sim work.)
type Faults struct {
	Latency time.Duration // added to every call
}

// Handler is the simulated ARM endpoint.
type Handler struct{ opts Options }

// New returns a simulator seeded with the fixtures (or the persisted state).
func New(opts Options) (*Handler, error) { return &Handler{opts: opts}, nil }

// ServeHTTP answers ARM requests.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	http.Error(w, `{"error":{"code":"NotImplemented","message":"todo"}}`, http.StatusNotImplemented)
}

// Transport serves requests with a handler in memory, no socket; it
// satisfies azcore's policy.Transporter.
type Transport struct{ Handler http.Handler }

// NewTransport returns an in-memory transport for h.
func NewTransport(h http.Handler) *Transport { return &Transport{Handler: h} }

// Do serves one request.
func (t *Transport) Do(req *http.Request) (*http.Response, error) { return nil, nil }
