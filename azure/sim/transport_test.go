package sim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestTransportResponse(t *testing.T) {
	h, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTransport(h)
	req, _ := http.NewRequest("GET", endpoint+"/subscriptions?api-version=2022-12-01", nil)
	req.Header.Set("x-ms-client-request-id", "abc")
	resp, err := tr.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Status != "200 OK" || resp.Request != req || resp.ContentLength != int64(len(body)) ||
		resp.Header.Get("Content-Length") == "" || resp.Header.Get("x-ms-request-id") == "" ||
		resp.Header.Get("x-ms-client-request-id") != "abc" || resp.ProtoMajor != 1 || resp.TLS == nil {
		t.Errorf("response: %+v", resp)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || len(m["value"].([]any)) != 2 {
		t.Errorf("body: %s", body)
	}
	// a PUT body reaches the handler and is closed
	rc := &closeTracker{Reader: strings.NewReader(`{"location":"eastus"}`)}
	req, _ = http.NewRequest("PUT", endpoint+mlw+"/computes/aks-x?api-version=2024-04-01", rc)
	resp, err = tr.Do(req)
	if err != nil || resp.StatusCode != 400 || !rc.closed {
		t.Errorf("PUT: %v %v closed=%v", resp, err, rc.closed)
	}
	// a 204 has an empty body
	req, _ = http.NewRequest("DELETE", endpoint+mlw+"/computes/nope?api-version=2024-04-01&underlyingResourceAction=Detach", nil)
	resp, err = tr.Do(req)
	if err != nil || resp.StatusCode != 204 || resp.ContentLength != 0 || resp.Status != "204 No Content" {
		t.Errorf("DELETE: %+v %v", resp, err)
	}
	var nilTr *Transport
	if _, err := nilTr.Do(req); err == nil {
		t.Error("nil transport succeeded")
	}
	if _, err := tr.Do(nil); err == nil {
		t.Error("nil request succeeded")
	}
}

type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

func TestTransportCancelled(t *testing.T) {
	h, _ := New(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", endpoint+"/subscriptions?api-version=2022-12-01", nil)
	if _, err := NewTransport(h).Do(req); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// a panicking handler is an error, not a crash
	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
	req, _ = http.NewRequest("GET", endpoint+"/x", nil)
	if _, err := NewTransport(boom).Do(req); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("panic: %v", err)
	}
}

func TestLinksFollowTheServer(t *testing.T) {
	h, _ := New(Options{})
	srv := httptest.NewTLSServer(h)
	defer srv.Close()
	c := srv.Client()
	resp, err := c.Get(srv.URL + "/subscriptions/" + sub1 + "/providers/Microsoft.ContainerService/managedClusters?api-version=2025-09-01")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	resp.Body.Close()
	next := jstr(m, "nextLink")
	if !strings.HasPrefix(next, srv.URL+"/subscriptions/") || !strings.Contains(next, "api-version=2025-09-01") || !strings.Contains(next, "skiptoken=3") {
		t.Fatalf("nextLink %q (server %s)", next, srv.URL)
	}
	resp, err = c.Get(next)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("following nextLink: %v %v", resp, err)
	}
	resp.Body.Close()

	// plain http: http links
	plain := httptest.NewServer(h)
	defer plain.Close()
	req, _ := http.NewRequest("PUT", plain.URL+mlw+"/computes/aks-http?api-version=2024-04-01",
		strings.NewReader(`{"location":"eastus","properties":{"computeType":"AKS","properties":{"agentCount":3,"agentVmSize":"Standard_D3_v2"}}}`))
	resp, err = plain.Client().Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("PUT: %v %v", resp, err)
	}
	resp.Body.Close()
	if u := resp.Header.Get("Azure-AsyncOperation"); !strings.HasPrefix(u, plain.URL+"/subscriptions/"+sub1+"/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/") ||
		!strings.HasSuffix(u, "?api-version=2024-04-01") {
		t.Errorf("Azure-AsyncOperation %q", u)
	}
}
