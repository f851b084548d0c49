package wizard_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/files"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// TestCreateAdoptsAClusterNotMadeForIt: a cluster counts as a create's own
// only when its tags name this workspace/compute; any other existing
// cluster the create names makes the plan the attach of it (Resolve), so
// the phases sent are an attach's; its own cluster stays a create that
// continues.
func TestCreateAdoptsAClusterNotMadeForIt(t *testing.T) {
	c := wizardtest.New()
	first := k8sPlan(t, c, wizard.ModeCreate, "k8s-c1")
	if _, err := wizard.RunPhases(t.Context(), c, first, &wizard.Guard{}, time.Millisecond, nil); err != nil {
		t.Fatal(err)
	}
	cl, err := c.Cluster(t.Context(), first.TargetClusterID())
	if err != nil || !wizard.ClusterMadeFor(cl, "mlw-prod", "k8s-c1") || wizard.ClusterMadeFor(cl, "mlw-prod", "k8s-c2") ||
		wizard.ClusterMadeFor(cl, "mlw-research", "k8s-c1") {
		t.Fatalf("made for: %v %v", cl.Tags, err)
	}
	// a re-run of the same create: its own cluster, still a create
	again := k8sPlan(t, c, wizard.ModeCreate, "k8s-c1")
	if again.Mode != wizard.ModeCreate || again.Adopted {
		t.Fatalf("own cluster adopted: %+v", again.Mode)
	}
	// another compute naming it: the attach of it
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription, p.Workspace, p.Name, p.ClusterName, p.AllowInsecure = wizardtest.Sub, wizardtest.WS, "k8s-c2", "k8s-c1", true
	p.Mark(wizard.FSubscription, wizard.Flag)
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.Mark(wizard.FNewCluster, wizard.Flag)
	if vs, err := wizard.Resolve(t.Context(), c, p); err != nil || len(vs) > 0 {
		t.Fatalf("resolve: %v %v", vs, err)
	}
	if p.Mode != wizard.ModeAttach || !p.Adopted || !rules.SameCluster(p.ClusterID, cl.ID) || p.From(wizard.FCluster) != wizard.Flag || p.InstallExtension {
		t.Fatalf("adopted plan: mode %s adopted %v cluster %s install %v", p.Mode, p.Adopted, p.ClusterID, p.InstallExtension)
	}
	rep, err := wizard.Preflight(t.Context(), c, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	var said bool
	for _, f := range rep.Findings {
		said = said || strings.Contains(f.Message, "k8s-c1 exists (made for mlw-prod/k8s-c1): this attaches it")
	}
	if !said {
		t.Fatalf("the review does not say it attaches: %v", rep.Findings)
	}
	ph, err := wizard.Phases(c, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ph {
		if x.Kind == wizard.PhaseCluster || x.Kind == wizard.PhaseExtension {
			t.Fatalf("an adopted create sends %s", x.Kind)
		}
	}
	// the preflight of an unadopted plan (a caller that did not resolve)
	// is the attach's too
	q := wizard.NewPlan(wizard.ModeCreate)
	q.Subscription, q.Workspace, q.Name, q.ClusterName, q.AllowInsecure = wizardtest.Sub, wizardtest.WS, "k8s-c2", "k8s-c1", true
	rep, err = wizard.Preflight(t.Context(), c, q, nil)
	if err != nil || !strings.Contains(fmt.Sprint(rep.Findings), "this attaches it") {
		t.Fatalf("preflight of the create: %v %v", rep.Findings, err)
	}
}

// TestDeleteClusterRechecksUnderTheLock: the delete of a detached
// compute's cluster takes the cluster's OS lock and checks again under
// it: a compute attached while it waited for the lock (a create joining
// the cluster) is a Block, nothing deleted; alone, it is deleted.
func TestDeleteClusterRechecksUnderTheLock(t *testing.T) {
	c, p := createdK8sA(t)
	id := p.TargetClusterID()
	g, held := heldClusterLock(t, id)
	done := make(chan error, 1)
	go func() {
		done <- wizard.DeleteCluster(t.Context(), c, g, wizardtest.Sub, id, "mlw-prod/k8s-a", time.Millisecond, nil)
	}()
	// meanwhile another compute joins the cluster
	spec := p.Spec()
	spec.Name = "k8s-b"
	if _, err := c.Submit(t.Context(), wizardtest.WS.WorkspaceRef, spec); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		t.Fatalf("the delete went ahead without the lock: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	held.Unlock()
	var be *wizard.BlockedError
	if err := <-done; !errors.As(err, &be) || !strings.Contains(be.Findings[0].Message, "mlw-prod/k8s-b") || len(c.Deleted) != 0 {
		t.Fatalf("joined meanwhile: %v, deleted %v", err, c.Deleted)
	}
	// k8s-b leaves: deleted
	op, err := c.Detach(t.Context(), wizardtest.WS.WorkspaceRef, "k8s-b")
	if err != nil {
		t.Fatal(err)
	}
	for range c.Follow(t.Context(), op, time.Millisecond) {
	}
	if err := wizard.DeleteCluster(t.Context(), c, g, wizardtest.Sub, id, "mlw-prod/k8s-a", time.Millisecond, nil); err != nil || len(c.Deleted) != 1 {
		t.Fatalf("alone: %v, deleted %v", err, c.Deleted)
	}
}

// TestAttachWaitsForTheClusterLock: the attach of a compute to a cluster
// is sent under the cluster's lock, which a detach deleting the cluster
// holds: a create joining a cluster whose delete went first fails, sending
// no attach (it can never end attached to a deleted cluster).
func TestAttachWaitsForTheClusterLock(t *testing.T) {
	c, first := createdK8sA(t)
	id := first.TargetClusterID()
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription, p.Workspace, p.Name, p.ClusterName, p.AllowInsecure = wizardtest.Sub, wizardtest.WS, "k8s-b", "k8s-a", true
	p.Namespace = "team-b"
	if _, err := wizard.Resolve(t.Context(), c, p); err != nil || !p.Adopted {
		t.Fatalf("resolve: adopted %v, %v", p.Adopted, err)
	}
	g, held := heldClusterLock(t, id) // the detach's
	submits := c.CallCount("Submit")
	done := make(chan error, 1)
	go func() {
		_, err := wizard.RunPhases(t.Context(), c, p, g, time.Millisecond, nil)
		done <- err
	}()
	time.Sleep(150 * time.Millisecond)
	if n := c.CallCount("Submit"); n != submits {
		t.Fatal("the attach was sent without the cluster's lock")
	}
	if _, err := c.DeleteCluster(t.Context(), id); err != nil { // the detach deletes it
		t.Fatal(err)
	}
	held.Unlock()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "is being deleted") || c.CallCount("Submit") != submits {
		t.Fatalf("joined a deleted cluster: %v (submits %d → %d)", err, submits, c.CallCount("Submit"))
	}
}

// createdK8sA is compute k8s-a of mlw-prod, created with its cluster.
func createdK8sA(t *testing.T) (*wizardtest.Cloud, *wizard.Plan) {
	t.Helper()
	c := wizardtest.New()
	p := k8sPlan(t, c, wizard.ModeCreate, "k8s-a")
	if _, err := wizard.RunPhases(t.Context(), c, p, &wizard.Guard{}, time.Millisecond, nil); err != nil {
		t.Fatal(err)
	}
	return c, p
}

// heldClusterLock takes the OS lock of cluster id, as another process
// would, in a guard of the test's own.
func heldClusterLock(t *testing.T, id string) (*wizard.Guard, *files.Locked) {
	t.Helper()
	g := &wizard.Guard{LockDir: t.TempDir()}
	path, err := g.LockPath(wizard.ClusterGuardKey(id))
	if err != nil {
		t.Fatal(err)
	}
	held, err := files.Lock(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	return g, held
}
