package wizard_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

const privateID = "/subscriptions/" + wizardtest.Sub + "/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-private"

func privatePlan(name string) *wizard.Plan {
	p := wizard.NewPlan(wizard.ModeAttach)
	p.ComputeType = wizard.ComputeAKS // the legacy attach: one PUT
	p.Subscription = wizardtest.Sub
	p.Workspace = wizardtest.WS
	p.Name = name
	p.ClusterID = privateID
	p.ClusterName = "aks-private"
	return p
}

// elsewhere attaches the cluster from "another machine" while our PUT is
// sent: no local lock can stop it; Submit must report it.
type elsewhere struct{ *wizardtest.Cloud }

func (c elsewhere) Submit(ctx context.Context, ws wizard.WorkspaceRef, spec wizard.ComputeSpec) (wizard.Operation, error) {
	other := spec
	other.Name = "att-remote"
	if _, err := c.Cloud.Submit(ctx, ws, other); err != nil {
		return wizard.Operation{}, err
	}
	return c.Cloud.Submit(ctx, ws, spec)
}

// TestSubmitAttachUnderLock: two Guards (two processes' worth: separate
// in-process sets, one lock directory) attaching aks-private at once:
// exactly one PUT; the other gets the already-attached BLOCK from the
// final re-check under the lock.
func TestSubmitAttachUnderLock(t *testing.T) {
	c := wizardtest.New()
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := &wizard.Guard{LockDir: dir}
			_, errs[i] = wizard.Submit(context.Background(), c, privatePlan("att-priv-"+string(rune('a'+i))), g)
		}()
	}
	wg.Wait()
	if n := c.CallCount("Submit"); n != 1 {
		t.Fatalf("%d PUTs, want 1 (errors %v)", n, errs)
	}
	var blocked int
	for _, err := range errs {
		var be *wizard.BlockedError
		if errors.As(err, &be) && len(be.Findings) == 1 && be.Findings[0].Code == rules.CodeAlreadyAttached &&
			be.Findings[0].Severity == rules.Block && strings.Contains(be.Findings[0].Message, "aks-private is already attached as att-priv-") {
			blocked++
		}
	}
	if blocked != 1 {
		t.Fatalf("errors %v", errs)
	}
}

// TestSubmitReportsConcurrentAttachment: an attachment of the cluster that
// appears during our PUT (another machine) is returned in Concurrent.
func TestSubmitReportsConcurrentAttachment(t *testing.T) {
	c := elsewhere{wizardtest.New()}
	op, err := wizard.Submit(context.Background(), c, privatePlan("att-here"), &wizard.Guard{LockDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(op.Concurrent) != 1 || !strings.Contains(op.Concurrent[0], "att-remote in mlw-prod") {
		t.Fatalf("concurrent %q", op.Concurrent)
	}
	// a plain attach reports nothing
	c2 := wizardtest.New()
	op, err = wizard.Submit(context.Background(), c2, privatePlan("att-alone"), &wizard.Guard{LockDir: t.TempDir()})
	if err != nil || len(op.Concurrent) != 0 {
		t.Fatalf("%+v %v", op, err)
	}
}

func TestGuardLockPath(t *testing.T) {
	g := &wizard.Guard{LockDir: "/x"}
	a, _ := g.LockPath(strings.ToUpper(privateID))
	b, _ := g.LockPath(privateID)
	if a != b || !strings.HasPrefix(a, "/x/") || !strings.HasSuffix(a, ".lock") || strings.Contains(a[3:], "/") {
		t.Fatalf("%q %q", a, b)
	}
}

// TestReadPEMFile: a regular file within 1 MiB is read; a directory or an
// oversized file is a violation naming the flag.
func TestReadPEMFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := wizard.ReadPEMFile(context.Background(), "ssl-cert-file", dir); err == nil ||
		!strings.Contains(err.Error(), "is a directory, not a PEM file") {
		t.Errorf("directory: %v", err)
	}
	var v rules.Violation
	_, err := wizard.ReadPEMFile(context.Background(), "ssl-key-file", dir)
	if !errors.As(err, &v) || v.Field != "ssl-key-file" {
		t.Errorf("violation %v", err)
	}
}
