package wizard

import (
	"testing"
)

func TestFlowNextPrevSkipsGivenSteps(t *testing.T) {
	p := NewPlan(ModeCreate)
	p.Subscription = "00000000-0000-4000-8000-000000000001"
	p.Mark(FSubscription, AzCLI)
	p.Mark(FMode, Flag)
	var k Known
	if got := Pending(p, k); got != StepWorkspace {
		t.Fatalf("Pending = %s, want workspace", got)
	}
	p.Workspace = Workspace{WorkspaceRef: WorkspaceRef{Name: "mlw"}, ID: "/x/mlw", Region: "eastus"}
	p.Mark(FWorkspace, Flag)
	p.Region = "eastus"
	p.Mark(FRegion, Flag)
	if got := Pending(p, k); got != StepPurpose {
		t.Fatalf("Pending = %s, want purpose", got)
	}
	if got := Next(p, StepPurpose, k); got != StepVersion {
		t.Fatalf("Next(purpose) = %s, want version (region given by flag)", got)
	}
	p.Mark(FVMSize, Flag)
	if got := Next(p, StepPurpose, k); got != StepNodes {
		t.Fatalf("Next(purpose) = %s, want nodes (version skipped when region and size are given)", got)
	}
	if got := Prev(p, StepNodes, k); got != StepPurpose {
		t.Fatalf("Prev(nodes) = %s, want purpose", got)
	}
	if got := Prev(p, StepPurpose, k); got != "" {
		t.Fatalf("Prev(purpose) = %q, want start", got)
	}
	if got := Next(p, StepReview, k); got != StepSubmit {
		t.Fatalf("Next(review) = %s", got)
	}
	if got := Next(p, StepSubmit, k); got != "" {
		t.Fatalf("Next(submit) = %q, want end", got)
	}
}

func TestPositionCountsNumberedSteps(t *testing.T) {
	n, total := Position(ModeCreate, StepRegion)
	if n != 4 || total != 11 {
		t.Fatalf("create region = %d/%d, want 4/11 (SPEC §2)", n, total)
	}
	if n, _ := Position(ModeCreate, StepSubmit); n != 0 {
		t.Fatalf("submit is not numbered, got %d", n)
	}
	n, total = Position(ModeAttach, StepCluster)
	if n != 4 || total != 8 {
		t.Fatalf("attach cluster = %d/%d, want 4/8 (the load balancer is asked in attach too)", n, total)
	}
}

func TestAttachFlowHasNoSizeSteps(t *testing.T) {
	for _, s := range Flow(ModeAttach) {
		if s == StepVMSize || s == StepNodes || s == StepRegion {
			t.Errorf("attach flow contains %s", s)
		}
	}
}

func TestPlanSourcesAndClone(t *testing.T) {
	p := NewPlan(ModeCreate)
	if p.From(FVMSize) != Default || p.VMSize != "Standard_D3_v2" || p.Nodes != 3 {
		t.Fatalf("defaults: %+v", p)
	}
	if p.Given(FVMSize) {
		t.Fatal("a default is not given: the wizard still shows the step")
	}
	c := p.Clone()
	c.Mark(FName, Asked)
	c.Name = "x"
	if p.From(FName) != Unset || p.Name != "" {
		t.Fatal("clone shares state with the original")
	}
	if Asked.String() != "asked" || Flag.String() != "flag" {
		t.Fatal("source names")
	}
}

func TestGuard(t *testing.T) {
	var g Guard
	if !g.Acquire("/Sub/X") || g.Acquire("/sub/x") {
		t.Fatal("second acquire of the same key (any case) must fail")
	}
	if !g.Busy("/SUB/X") {
		t.Fatal("busy")
	}
	g.Release("/sub/x")
	if g.Busy("/sub/x") || !g.Acquire("/sub/x") {
		t.Fatal("release")
	}
	var nilGuard *Guard
	if !nilGuard.Acquire("k") || nilGuard.Busy("k") {
		t.Fatal("nil guard never blocks")
	}
}
