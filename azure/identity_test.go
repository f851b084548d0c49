package azure

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// uaRecorder keeps the User-Agent of every request the simulator sees.
type uaRecorder struct {
	h  http.Handler
	mu sync.Mutex
	ua []string
}

func (r *uaRecorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.ua = append(r.ua, req.Method+" "+req.URL.Path+" "+req.Header.Get("User-Agent"))
	r.mu.Unlock()
	r.h.ServeHTTP(w, req)
}

func TestEveryRequestCarriesTheAmlaksUserAgent(t *testing.T) {
	rec := &uaRecorder{h: newSim(t, simSpeedy)}
	c := memClient(t, rec, func(o *Options) { o.ApplicationID = "amlaks/v1.2.3" })
	ctx := context.Background()
	if _, err := c.Subscriptions(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Workspaces(ctx, sub1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sizes(ctx, sub1, "eastus"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Clusters(ctx, sub1); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.ua) < 5 {
		t.Fatalf("only %d requests", len(rec.ua))
	}
	for _, l := range rec.ua {
		// azcore puts the application ID first: "amlaks/v1.2.3 azsdk-go-..."
		if i := strings.Index(l, "amlaks/v1.2.3 azsdk-go-"); i < 0 {
			t.Errorf("User-Agent without amlaks/: %s", l)
		}
	}
}

func TestPortalPerCloud(t *testing.T) {
	for name, want := range map[string]string{
		"AzureCloud": "https://portal.azure.com", "azurechinacloud": "https://portal.azure.cn", "AzureUSGovernment": "https://portal.azure.us", "MyStack": "",
	} {
		if got := PortalURL(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}
