package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// Discarding an unfinished create (the wizard's "Discard it…") deletes the
// cluster made for it, detaches nothing that does not exist, and forgets
// the record; the words say what was done.
func TestDiscardDeletesWhatTheRecordMade(t *testing.T) {
	c := wizardtest.New()
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription = wizardtest.Sub
	p.Workspace = wizardtest.WS
	p.Name, p.AllowInsecure = "k8s-disc", true
	if _, err := wizard.Resolve(t.Context(), c, p); err != nil {
		t.Fatal(err)
	}
	g := &wizard.Guard{LockDir: t.TempDir(), RecordDir: t.TempDir()}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c.PhaseProgress = map[wizard.OpKind][]string{wizard.OpExtension: {"Creating"}}
	c.StopAfter = func(op wizard.Operation, _ string) bool {
		if op.Kind == wizard.OpExtension {
			cancel()
			return true
		}
		return false
	}
	if _, err := wizard.RunPhases(ctx, c, p, g, time.Millisecond, nil); err == nil {
		t.Fatal("the run was not stopped")
	}
	c.StopAfter = nil
	rec, ok, err := g.Records().Load(t.Context(), p.WorkspaceRef(), "k8s-disc")
	if err != nil || !ok {
		t.Fatalf("no record: %v", err)
	}
	said, err := discard(t.Context(), c, g.Records(), rec)
	if err != nil || !strings.Contains(said, "cluster k8s-disc deleted") || strings.Contains(said, "detached") {
		t.Fatalf("discard: %q %v", said, err)
	}
	if len(c.Deleted) != 1 || !strings.HasSuffix(c.Deleted[0], "/k8s-disc") {
		t.Fatalf("deleted %v", c.Deleted)
	}
	if _, ok, _ := g.Records().Load(t.Context(), p.WorkspaceRef(), "k8s-disc"); ok {
		t.Fatal("the record is kept")
	}
}
