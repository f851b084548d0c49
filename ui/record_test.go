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
	g := stoppedCreate(t, c, "k8s-disc")
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription, p.Workspace = wizardtest.Sub, wizardtest.WS
	rec, ok, err := g.Records().Load(t.Context(), p.WorkspaceRef(), "k8s-disc")
	if err != nil || !ok {
		t.Fatalf("no record: %v", err)
	}
	said, err := discard(t.Context(), c, g, rec)
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

// stoppedCreate leaves the record of a Kubernetes create of name stopped
// in its extension phase (the fake cloud), in a fresh record directory.
func stoppedCreate(t *testing.T, c *wizardtest.Cloud, name string) *wizard.Guard {
	t.Helper()
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription = wizardtest.Sub
	p.Workspace = wizardtest.WS
	p.Name, p.AllowInsecure = name, true
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
	c.StopAfter, c.PhaseProgress = nil, nil
	return g
}

// givenName is `amlaks create -w mlw-prod -n NAME` opening the wizard.
func givenName(name string) *wizard.Plan {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Mark(wizard.FMode, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.Mark(wizard.FComputeType, wizard.Flag) // Kubernetes, not the driver's AKS
	p.Name = name
	p.Mark(wizard.FName, wizard.Flag)
	return p
}

// With -n NAME given at launch, an unfinished create of that name is
// offered at once, before any step is asked again: Continue finishes it
// on its own cluster (one compute, no second cluster); Discard it… deletes
// what it made, forgets it, and the wizard goes on with the name.
func TestGivenNameOffersTheUnfinishedRecord(t *testing.T) {
	t.Run("continue", func(t *testing.T) {
		d := newDriver(t, func(o *Options) {
			c := o.Cloud.(*wizardtest.Cloud)
			o.Guard = stoppedCreate(t, c, "k8s-given")
			o.Plan = givenName("k8s-given")
		})
		d.wantScreen("Continue the unfinished create?", "The create of k8s-given in mlw-prod", "is unfinished:")
		if d.step() != wizard.StepWorkspace && d.step() != wizard.StepMode {
			t.Fatalf("the offer comes after a step was asked again: at %s", d.step())
		}
		d.press("enter")
		d.wantStep(wizard.StepSubmit)
		d.wantScreen("✓ Created k8s-given")
		if _, ok, _ := d.m.guard.Records().Load(t.Context(), wizardtest.WS.WorkspaceRef, "k8s-given"); ok {
			t.Fatal("the record is kept after the create finished")
		}
		if _, err := d.cloud.Compute(t.Context(), wizardtest.WS.WorkspaceRef, "k8s-given"); err != nil {
			t.Fatalf("no compute: %v", err)
		}
	})
	t.Run("discard", func(t *testing.T) {
		d := newDriver(t, func(o *Options) {
			c := o.Cloud.(*wizardtest.Cloud)
			o.Guard = stoppedCreate(t, c, "k8s-given")
			o.Plan = givenName("k8s-given")
		})
		d.wantScreen("Continue the unfinished create?")
		d.press("n")
		d.wantScreen("Discard the unfinished create of k8s-given?")
		d.press("y")
		d.wantScreen("discarded:", "cluster k8s-given deleted")
		if _, ok, _ := d.m.guard.Records().Load(t.Context(), wizardtest.WS.WorkspaceRef, "k8s-given"); ok {
			t.Fatal("the record is kept after the discard")
		}
		d.wantStep(wizard.StepPurpose)
	})
}

// TestListShowsAndContinuesUnfinished: a create stopped before its attach
// is not in Azure's list, yet the wizard's list shows it as a row of its
// own ("Unfinished", what is next, Enter continues); v, h and d say it is
// unfinished; Enter on it finishes the create on its own cluster.
func TestListShowsAndContinuesUnfinished(t *testing.T) {
	d := newDriver(t, func(o *Options) {
		o.Guard = stoppedCreate(t, o.Cloud.(*wizardtest.Cloud), "k8s-unf")
	})
	d.pickWorkspace()
	d.press("down", "down", "down", "enter")
	d.wantStep(wizard.StepList)
	d.wantScreen("k8s-unf", "Unfinished", "cpu-cluster")
	d.press("end")
	d.wantScreen("unfinished create: extension phase next — Enter/`amlaks status k8s-unf` continues")
	d.press("d")
	d.wantScreen("k8s-unf is an unfinished create: extension phase next: Enter continues it")
	if _, err := d.cloud.Compute(t.Context(), wizardtest.WS.WorkspaceRef, "k8s-unf"); err == nil {
		t.Fatal("the compute exists before the continue")
	}
	d.press("enter")
	d.wantScreen("✓ Created k8s-unf")
	if _, err := d.cloud.Compute(t.Context(), wizardtest.WS.WorkspaceRef, "k8s-unf"); err != nil {
		t.Fatalf("no compute after the continue: %v", err)
	}
	if rs, _ := d.m.guard.Records().InWorkspace(t.Context(), wizardtest.WS.WorkspaceRef); len(rs) != 0 {
		t.Fatalf("records left: %v", rs)
	}
	d.press("enter")
	d.wantStep(wizard.StepList)
	d.wantNoScreen("Unfinished")
}

// TestDiscardKeepsAClusterAnotherComputeUses: discarding goes through the
// delete's own check under the cluster's lock, so a cluster another
// compute is attached to meanwhile is kept, and said why.
func TestDiscardKeepsAClusterAnotherComputeUses(t *testing.T) {
	c := wizardtest.New()
	g := stoppedCreate(t, c, "k8s-disc2")
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription, p.Workspace = wizardtest.Sub, wizardtest.WS
	rec, ok, err := g.Records().Load(t.Context(), p.WorkspaceRef(), "k8s-disc2")
	if err != nil || !ok {
		t.Fatalf("no record: %v", err)
	}
	c.Comps[wizardtest.WS.Name] = append(c.Comps[wizardtest.WS.Name],
		wizard.Compute{Name: "k8s-joined", Type: "Kubernetes", State: "Succeeded", ClusterID: rec.Cluster.ID})
	said, err := discard(t.Context(), c, g, rec)
	if err != nil || !strings.Contains(said, "kept") || !strings.Contains(said, "k8s-joined") {
		t.Fatalf("discard: %q %v", said, err)
	}
	if len(c.Deleted) != 0 {
		t.Fatalf("deleted %v", c.Deleted)
	}
}
