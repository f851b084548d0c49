package wizard

import (
	"testing"

	"github.com/amlaks/amlaks/rules"
)

func TestCommandPreAnswersGivenAnswers(t *testing.T) {
	p := NewPlan(ModeCreate)
	p.Subscription = "00000000-0000-4000-8000-000000000001"
	p.Mark(FSubscription, AzCLI) // comes back by itself: left out
	p.Workspace = Workspace{WorkspaceRef: WorkspaceRef{Name: "mlw-prod", ResourceGroup: "rg-ml-prod"}, ID: "/x"}
	p.Mark(FWorkspace, Asked)
	p.Answer(FPurpose, rules.DevTest)
	p.Answer(FVMSize, "Standard_D3_v2") // the default, only confirmed: left out
	p.Answer(FNodes, 1)
	p.Answer(FName, "my aks") // quoted for the shell
	got := Command(p, true)
	want := "amlaks --demo create -w mlw-prod -g rg-ml-prod --purpose dev-test --nodes 1 --name 'my aks'"
	if got != want {
		t.Fatalf("Command =\n%s\nwant\n%s", got, want)
	}
	a := NewPlan(ModeAttach)
	a.ComputeType = ComputeAKS
	a.Mark(FComputeType, Flag)
	a.Workspace = p.Workspace
	a.Mark(FWorkspace, Flag)
	a.Answer(FCluster, Cluster{ID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c"})
	a.Answer(FTLS, rules.TLS{Mode: rules.TLSMicrosoft, LeafDomainLabel: "leaf", Overwrite: true})
	if got := Command(a, false); got != "amlaks attach --compute-type AKS -w mlw-prod -g rg-ml-prod --cluster-id /subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c --ssl-leaf-domain-label leaf --ssl-overwrite-domain" {
		t.Fatalf("attach: %s", got)
	}
}
