package azure

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/azure/sim"
)

// TestUnreadableClusterLeftOut: one cluster in the subscription's list
// with a 10,000-character name (no AKS cluster can have it) is left out of
// the attach list with one note; the others are listed.
func TestUnreadableClusterLeftOut(t *testing.T) {
	long := strings.Repeat("a", 10000)
	wrap := withExtraEntry(t, newSim(t, sim.Options{}), "/providers/Microsoft.ContainerService/managedClusters", func(bad map[string]any) {
		id := bad["id"].(string)
		bad["id"] = id[:strings.LastIndex(id, "/")+1] + long
		bad["name"] = long
	})
	var notes []string
	c := memClient(t, wrap, func(o *Options) { o.OnNote = func(s string) { notes = append(notes, s) } })
	cs, err := c.Clusters(context.Background(), sub1)
	if err != nil {
		t.Fatalf("one unreadable cluster failed the list: %v", err)
	}
	if len(cs) == 0 {
		t.Fatal("no cluster listed")
	}
	for _, x := range cs {
		if x.Name == long {
			t.Fatal("the unreadable cluster is listed")
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "1 AKS cluster that Azure listed cannot be read and is left out") ||
		!strings.Contains(notes[0], "too long") || len(notes[0]) > 400 {
		t.Errorf("notes %q", notes)
	}
}

// withExtraEntry serves h, with one more entry (a copy of the first,
// changed by mutate) at the head of the first page of the list whose path
// ends with suffix.
func withExtraEntry(t *testing.T, h http.Handler, suffix string, mutate func(map[string]any)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, suffix) ||
			strings.Contains(strings.ToLower(r.URL.RawQuery), "skip") { // the first page only
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var page map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			t.Error(err)
			return
		}
		vals := page["value"].([]any)
		var bad map[string]any
		b, _ := json.Marshal(vals[0])
		json.Unmarshal(b, &bad)
		mutate(bad)
		page["value"] = append([]any{bad}, vals...)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		json.NewEncoder(w).Encode(page)
	})
}

// TestUnreadableWorkspaceLeftOut: a workspace whose ID names no resource
// group is left out of the list with one note.
func TestUnreadableWorkspaceLeftOut(t *testing.T) {
	wrap := withExtraEntry(t, newSim(t, sim.Options{}), "/providers/Microsoft.MachineLearningServices/workspaces", func(bad map[string]any) {
		bad["id"], bad["name"] = "/bogus", "ws-bad"
	})
	var notes []string
	c := memClient(t, wrap, func(o *Options) { o.OnNote = func(s string) { notes = append(notes, s) } })
	ws, err := c.Workspaces(context.Background(), sub1)
	if err != nil || len(ws) == 0 {
		t.Fatalf("%v %v", ws, err)
	}
	for _, w := range ws {
		if w.Name == "ws-bad" {
			t.Fatal("the unreadable workspace is listed")
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "1 workspace that Azure listed cannot be read") {
		t.Errorf("notes %q", notes)
	}
}
