package wizard

import (
	"errors"
	"strings"
)

// Error kinds of the port. Match with errors.Is.
var (
	ErrNotFound      = errors.New("not found")
	ErrConflict      = errors.New("conflict")
	ErrQuota         = errors.New("quota exceeded")
	ErrThreshold     = errors.New("cluster too small for its purpose")
	ErrVersion       = errors.New("unsupported kubernetes version")
	ErrPolicy        = errors.New("disallowed by policy")
	ErrForbidden     = errors.New("authorization failed")
	ErrNoCredential  = errors.New("not signed in")
	ErrNotRegistered = errors.New("resource provider not registered")
	ErrThrottled     = errors.New("throttled")
	ErrServer        = errors.New("azure server error")
	ErrBadRequest    = errors.New("bad request")
	ErrNetwork       = errors.New("network error")
	ErrFailed        = errors.New("operation failed")
	// ErrUnsupported: this connection cannot do it (a test double without
	// a cluster to run commands in, VNets or online endpoints); the azure
	// adapter never answers it.
	ErrUnsupported = errors.New("not supported by this connection")
	// ErrStoppedWatching: amlaks stopped following an operation (its
	// deadline passed, or an error it cannot get past) without Azure
	// saying it ended; the operation may still be running and its resume
	// token is kept.
	ErrStoppedWatching = errors.New("stopped watching")
)

// Error is an Azure error mapped onto the port: Kind is one of the Err*
// values, Code and Message come from Azure, Hint says what it means and
// what to do.
type Error struct {
	Kind    error
	Op      string // what was being done: "create compute aks-1"
	Status  int    // HTTP status, 0 when none
	Code    string
	Message string
	Hint    string
	Details []OpError
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Code != "" {
		b.WriteString(e.Code)
		b.WriteString(": ")
	}
	if e.Message != "" {
		b.WriteString(e.Message)
	} else if e.Kind != nil {
		b.WriteString(e.Kind.Error())
	}
	return b.String()
}

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.Kind }

// HintOf returns the hint of an *Error in err's chain, or "".
func HintOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Hint
	}
	return ""
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
