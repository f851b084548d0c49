package wizard

import (
	"strings"
	"testing"
)

func TestFlowNextPrevSkipsGivenSteps(t *testing.T) {
	p := NewPlan(ModeCreate)
	p.ComputeType = ComputeAKS // the legacy flow: --compute-type AKS
	p.Mark(FComputeType, Flag)
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
	legacy := func(m Mode) *Plan { p := NewPlan(m); p.ComputeType = ComputeAKS; return p }
	// the legacy flow: today's steps plus the compute type
	if n, total := PositionFor(legacy(ModeCreate), StepRegion); n != 5 || total != 12 {
		t.Fatalf("legacy create region = %d/%d, want 5/12", n, total)
	}
	if n, _ := PositionFor(NewPlan(ModeCreate), StepSubmit); n != 0 {
		t.Fatalf("submit is not numbered, got %d", n)
	}
	if n, total := PositionFor(legacy(ModeAttach), StepCluster); n != 5 || total != 9 {
		t.Fatalf("legacy attach cluster = %d/%d, want 5/9 (the load balancer is asked in attach too)", n, total)
	}
	// a plan that does not say its type is on the Kubernetes compute's
	// flow, the core: never the legacy one unless told
	if n, total := PositionFor(&Plan{Mode: ModeCreate}, StepK8sVersion); n != 6 || total != 15 {
		t.Fatalf("untyped create version = %d/%d, want 6/15", n, total)
	}
	// the current path (the default)
	k8s := func(m Mode) *Plan { p := NewPlan(m); p.ComputeType = ComputeKubernetes; return p }
	if n, total := PositionFor(k8s(ModeCreate), StepK8sVersion); n != 6 || total != 15 {
		t.Fatalf("kubernetes create version = %d/%d, want 6/15", n, total)
	}
	if n, total := PositionFor(k8s(ModeAttach), StepIdentity); n != 9 || total != 11 {
		t.Fatalf("kubernetes attach identity = %d/%d, want 9/11", n, total)
	}
}

func TestFlowsByComputeType(t *testing.T) {
	want := map[ComputeType]map[Mode]string{
		ComputeAKS: {
			ModeCreate: "subscription workspace mode compute-type purpose region version vm-size nodes network tls name review submit",
			ModeAttach: "subscription workspace mode compute-type purpose cluster network tls name review submit",
		},
		ComputeKubernetes: {
			ModeCreate: "subscription workspace mode compute-type purpose region kubernetes-version vm-size nodes router tls namespace name new-cluster api-access review submit",
			ModeAttach: "subscription workspace mode compute-type purpose cluster router tls namespace identity name review submit",
		},
	}
	for ct, modes := range want {
		for m, w := range modes {
			p := NewPlan(m)
			p.ComputeType = ct
			var got []string
			for _, s := range FlowFor(p) {
				got = append(got, string(s))
			}
			if g := strings.Join(got, " "); g != w {
				t.Errorf("%s %s:\n got %s\nwant %s", ct, m, g, w)
			}
		}
	}
	// browse and list do not depend on the compute type
	b := NewPlan(ModeBrowse)
	b.ComputeType = ComputeKubernetes
	if got := FlowFor(b); len(got) != 4 || got[3] != StepVersion {
		t.Errorf("browse flow %v", got)
	}
}

func TestAttachFlowHasNoSizeSteps(t *testing.T) {
	for _, s := range append(FlowFor(NewPlan(ModeAttach)), FlowFor(&Plan{Mode: ModeAttach, ComputeType: ComputeAKS})...) {
		if s == StepVMSize || s == StepNodes || s == StepRegion {
			t.Errorf("attach flow contains %s", s)
		}
	}
}

func TestPlanSourcesAndClone(t *testing.T) {
	p := NewPlan(ModeCreate)
	p.ComputeType = ComputeAKS // the legacy flow: --compute-type AKS
	p.Mark(FComputeType, Flag)
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
