package sim

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// Transport serves requests with a handler in memory, no socket; it
// satisfies azcore's policy.Transporter. Requests to https URLs (e.g.
// https://management.azure.com/...) reach the handler with TLS set, so
// the links it builds are https too.
type Transport struct{ Handler http.Handler }

// NewTransport returns an in-memory transport for h.
func NewTransport(h http.Handler) *Transport { return &Transport{Handler: h} }

// Do serves one request. It returns the context's error if the request's
// context ends first, and an error wrapping io.ErrUnexpectedEOF when the
// handler drops the connection. The request body is read and closed.
func (t *Transport) Do(req *http.Request) (*http.Response, error) {
	if req == nil || req.URL == nil {
		return nil, errors.New("sim: nil request")
	}
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("sim: reading request body: %w", err)
		}
		body = b
	}
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t == nil || t.Handler == nil {
		return nil, errors.New("sim: transport has no handler")
	}

	sreq := req.Clone(ctx)
	sreq.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	sreq.RequestURI = req.URL.RequestURI()
	if sreq.Host == "" {
		sreq.Host = req.URL.Host
	}
	sreq.Proto, sreq.ProtoMajor, sreq.ProtoMinor = "HTTP/1.1", 1, 1
	sreq.RemoteAddr = "127.0.0.1:0"
	if req.URL.Scheme == "https" {
		sreq.TLS = &tls.ConnectionState{Version: tls.VersionTLS13, HandshakeComplete: true, ServerName: req.URL.Hostname()}
	}
	sreq.Body = io.NopCloser(bytes.NewReader(body))
	sreq.ContentLength = int64(len(body))
	sreq.GetBody = nil

	rec := &recorder{header: http.Header{}}
	done := make(chan error, 1)
	go func() { done <- serveSafely(t.Handler, rec, sreq) }()
	select {
	case err := <-done:
		if err != nil {
			return nil, err
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if rec.dropped {
		return nil, fmt.Errorf("sim: %s %s: connection dropped: %w", req.Method, req.URL.Redacted(), io.ErrUnexpectedEOF)
	}
	return rec.response(req), nil
}

// serveSafely runs h, turning a panic into an error (http.ErrAbortHandler
// into a dropped connection).
func serveSafely(h http.Handler, rec *recorder, r *http.Request) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				rec.dropped = true
				return
			}
			err = fmt.Errorf("sim: handler panic: %v", v)
		}
	}()
	h.ServeHTTP(rec, r)
	return nil
}

// recorder is an in-memory http.ResponseWriter.
type recorder struct {
	header   http.Header
	snapshot http.Header
	status   int
	wrote    bool
	buf      bytes.Buffer
	dropped  bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.wrote {
		return
	}
	r.wrote, r.status, r.snapshot = true, code, r.header.Clone()
}

func (r *recorder) Write(p []byte) (int, error) {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	if r.dropped {
		return 0, io.ErrClosedPipe
	}
	return r.buf.Write(p)
}

// Flush implements http.Flusher (a no-op: the body is delivered whole).
func (r *recorder) Flush() {}

func (r *recorder) dropConnection() { r.dropped = true }

func (r *recorder) response(req *http.Request) *http.Response {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	b := r.buf.Bytes()
	h := r.snapshot
	h.Set("Content-Length", strconv.Itoa(len(b)))
	resp := &http.Response{
		Status:        fmt.Sprintf("%d %s", r.status, http.StatusText(r.status)),
		StatusCode:    r.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(b)),
		ContentLength: int64(len(b)),
		Request:       req,
	}
	if req.URL.Scheme == "https" {
		resp.TLS = &tls.ConnectionState{Version: tls.VersionTLS13, HandshakeComplete: true, ServerName: req.URL.Hostname()}
	}
	return resp
}
