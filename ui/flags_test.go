package ui

import (
	"strings"
	"testing"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// B1: --cluster with the wrong --cluster-resource-group stops at the
// cluster step with the reason, instead of skipping it to a dead-end review.
func TestAttachClusterFlagWrongGroupAsksCluster(t *testing.T) {
	d := newDriver(t, func(o *Options) { o.Plan = attachPlan("aks-pv", "aks-preview", "rg-aks-preview") })
	d.wantStep(wizard.StepPurpose)
	d.press("enter")
	d.wantStep(wizard.StepCluster)
	d.wantScreen(`no AKS cluster "aks-preview" in resource group rg-aks-preview`)
	if d.m.plan.ClusterID != "" || d.m.plan.Cluster != nil {
		t.Fatalf("cluster preselected: %q", d.m.plan.ClusterID)
	}
	d.highlight("aks-private")
	d.press("enter")
	d.wantStep(wizard.StepNetwork) // an attach asks the load balancer
	d.press("enter")
	d.wantStep(wizard.StepTLS)
	d.press("enter")
	d.wantStep(wizard.StepReview) // the name came from the flag
	if !strings.HasSuffix(d.m.plan.ClusterID, "/aks-private") || d.m.plan.From(wizard.FCluster) != wizard.Asked {
		t.Fatalf("cluster %q from %v", d.m.plan.ClusterID, d.m.plan.From(wizard.FCluster))
	}
	d.wantNoScreen("find cluster")
}

// B1: a --cluster that resolves skips the cluster step and reaches the
// review with the cluster's ID.
func TestAttachClusterFlagResolves(t *testing.T) {
	d := newDriver(t, func(o *Options) { o.Plan = attachPlan("aks-pv", "aks-private", "rg-aks") })
	d.wantStep(wizard.StepPurpose)
	d.press("enter")
	if !strings.HasSuffix(d.m.plan.ClusterID, "/aks-private") {
		t.Fatalf("cluster not resolved: %q (step %s)", d.m.plan.ClusterID, d.m.step)
	}
	d.wantStep(wizard.StepNetwork) // an attach asks the load balancer
	d.press("enter")
	d.wantStep(wizard.StepTLS)
	d.press("enter")
	d.wantStep(wizard.StepReview)
	d.wantNoScreen("find cluster")
	d.wantScreen("aks-private (rg-aks, eastus")
}

// B1: the clusters arrive while the cluster step already waits for them.
func TestAttachClusterFlagResolvedLate(t *testing.T) {
	p := attachPlan("aks-pv", "aks-nope", "")
	p.Mark(wizard.FPurpose, wizard.Flag)
	d := newDriver(t, func(o *Options) { o.Plan = p })
	d.wantStep(wizard.StepCluster)
	d.wantScreen(`no AKS cluster "aks-nope" in this subscription`)
}

// B9: a flag answer that fails its check is asked again with the reason,
// and the size table starts on the product default, not the first row.
func TestBadFlagAnswerSaysWhy(t *testing.T) {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Mark(wizard.FMode, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.VMSize = "Standard_Foo"
	p.Mark(wizard.FVMSize, wizard.Flag)
	p.Nodes = 2
	p.Mark(wizard.FNodes, wizard.Flag)
	d := newDriver(t, func(o *Options) { o.Plan = p })
	d.wantStep(wizard.StepPurpose)
	d.press("enter", "enter", "enter")
	d.wantStep(wizard.StepVMSize)
	d.wantScreen("--vm-size Standard_Foo: Standard_Foo is not offered in eastus")
	if k := d.m.screens[wizard.StepVMSize].(*sizeScreen).p.selectedKey(); k != "Standard_D3_v2" {
		t.Fatalf("cursor on %q", k)
	}
	d.press("enter")
	// --nodes 2 × 4 vCPUs is too small for production
	d.wantStep(wizard.StepNodes)
	d.wantScreen("--nodes 2: production needs 12 vCPUs at least")
	d.press("+")
	d.wantNoScreen("--nodes 2 with")
}

func TestFlagsSkipSteps(t *testing.T) {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription = wizardtest.Sub
	p.Mark(wizard.FSubscription, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.Mark(wizard.FMode, wizard.Flag)
	p.Purpose = rules.DevTest
	p.Mark(wizard.FPurpose, wizard.Flag)
	d := newDriver(t, func(o *Options) { o.Plan = p })
	d.wantStep(wizard.StepRegion)
	d.wantScreen("5/12 Region")
	if d.m.step == wizard.StepSubscription {
		t.Error("subscription asked although given")
	}
	d.wantScreen("Contoso ML (demo)") // named in the header, from the list read alongside
	d.press("esc")
	d.wantStep(wizard.StepRegion) // nothing to go back to
	d.wantScreen("this is the first step")
}

func TestSubscriptionByNameAndUnknownWorkspace(t *testing.T) {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription = "Contoso ML (demo)"
	p.Mark(wizard.FSubscription, wizard.Flag)
	p.Workspace.Name = "mlw-nope"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	d := newDriver(t, func(o *Options) { o.Plan = p })
	if d.m.plan.Subscription != wizardtest.Sub {
		t.Fatalf("sub %q", d.m.plan.Subscription)
	}
	d.wantStep(wizard.StepWorkspace)
	d.wantScreen("no workspace 'mlw-nope' in this subscription: pick one", "mlw-prod")
	d.pickWorkspace()
}

func TestFlagAnswersThatFailAreAskedAgain(t *testing.T) {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Mark(wizard.FMode, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.Nodes = 2
	p.Mark(wizard.FNodes, wizard.Flag)
	p.Name = "aks-inference"
	p.Mark(wizard.FName, wizard.Flag)
	d := newDriver(t, func(o *Options) { o.Plan = p })
	d.wantStep(wizard.StepPurpose)
	d.press("enter") // production
	d.wantStep(wizard.StepRegion)
	d.press("enter")
	d.wantStep(wizard.StepVersion)
	d.press("enter")
	d.wantStep(wizard.StepVMSize)
	d.typ("d3_v2")
	d.press("enter")
	// --nodes 2 was given, but 2 × 4 vCPUs is too small for production
	d.wantStep(wizard.StepNodes)
	d.wantScreen("nodes: 2", "3 nodes or more", "--nodes 2: production needs 12 vCPUs at least")
	d.press("+", "enter")
	d.wantStep(wizard.StepNetwork)
	d.enterThrough()
	d.wantStep(wizard.StepTLS)
	d.press("enter")
	// --name aks-inference is taken
	d.wantStep(wizard.StepName)
	d.wantScreen("already used in mlw-prod", "--name aks-inference: aks-inference is already used in mlw-prod: pick another name")
}

// A name given by flag that the failed create took: esc from the review
// lands on the name step (not TLS), so the user can rename.
func TestFlagNameTakenAfterFailureIsReachable(t *testing.T) {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Mark(wizard.FMode, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.Name = "aks-ff"
	p.Mark(wizard.FName, wizard.Flag)
	d := newDriver(t, func(o *Options) { o.Plan = p })
	d.cloud.Outcome = &wizard.Error{Kind: wizard.ErrFailed, Code: "InternalError", Message: "the create failed"}
	d.wantStep(wizard.StepPurpose)
	for i := 0; d.m.step != wizard.StepReview && i < 12; i++ {
		if d.m.step == wizard.StepName {
			t.Fatalf("the free flag name was asked:\n%s", d.screen())
		}
		d.press("enter")
	}
	d.wantStep(wizard.StepReview)
	d.press("enter")
	d.wantScreen("✗ The create of aks-ff failed")
	d.press("esc")
	d.wantStep(wizard.StepReview)
	d.press("esc")
	d.wantStep(wizard.StepName)
	d.wantScreen("--name aks-ff: aks-ff is already used in mlw-prod")
	d.typ("2")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	if d.m.plan.Name != "aks-ff2" {
		t.Fatalf("name %q", d.m.plan.Name)
	}
}

// attachPlan is `amlaks attach -w mlw-prod -n NAME --cluster CL
// [--cluster-resource-group RG]`.
func attachPlan(name, cluster, rg string) *wizard.Plan {
	p := wizard.NewPlan(wizard.ModeAttach)
	p.Mark(wizard.FMode, wizard.Flag)
	p.Subscription = wizardtest.Sub
	p.Mark(wizard.FSubscription, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.Name = name
	p.Mark(wizard.FName, wizard.Flag)
	p.ClusterName, p.ClusterGroup = cluster, rg
	p.Mark(wizard.FCluster, wizard.Flag)
	return p
}
