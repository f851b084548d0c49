package wizard_test

import (
	"context"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// hub and project are Azure AI Foundry workspaces of the fake's subscription.
var (
	hub = wizard.Workspace{WorkspaceRef: wizard.WorkspaceRef{SubscriptionID: wizardtest.Sub, ResourceGroup: "rg-ai", Name: "ai-hub"}, Region: "eastus", Kind: "Hub"}
	prj = wizard.Workspace{WorkspaceRef: wizard.WorkspaceRef{SubscriptionID: wizardtest.Sub, ResourceGroup: "rg-ai", Name: "ai-project"}, Region: "eastus", Kind: "Project"}
)

func TestWorkspaceUsableRefusesHubsAndProjects(t *testing.T) {
	for _, tc := range []struct {
		kind string
		ok   bool
		why  string
	}{
		{"", true, ""},
		{"Default", true, ""},
		{"FeatureStore", true, ""},
		{"Hub", false, "w is an Azure AI Foundry hub (kind Hub): hubs take no AKS inference cluster; pick an Azure Machine Learning workspace (kind Default)"},
		{"hub", false, "Azure AI Foundry hub"},
		{"Project", false, "w is an Azure AI Foundry project (kind Project): projects take no AKS inference cluster"},
	} {
		ok, why := wizard.WorkspaceUsable(wizard.Workspace{WorkspaceRef: wizard.WorkspaceRef{Name: "w"}, Kind: tc.kind})
		if ok != tc.ok || !strings.Contains(why, tc.why) || (ok && why != "") {
			t.Errorf("kind %q: %v %q", tc.kind, ok, why)
		}
	}
}

func TestResolveWorkspaceRefusesHubForCreateAndAttach(t *testing.T) {
	ctx := context.Background()
	c := wizardtest.New()
	c.WSs = append(c.WSs, hub, prj)
	for _, mode := range []wizard.Mode{wizard.ModeCreate, wizard.ModeAttach} {
		for _, ws := range []string{"ai-hub", "ai-project"} {
			p := wizard.NewPlan(mode)
			p.Subscription = wizardtest.Sub
			p.Workspace.Name = ws
			vs, err := wizard.ResolveWorkspace(ctx, c, p)
			if err != nil || len(vs) != 1 || vs[0].Code != "workspace-kind" || !strings.Contains(vs[0].Message, "take no AKS inference cluster") ||
				!strings.Contains(vs[0].Message, "mlw-prod, mlw-research") {
				t.Errorf("%s %s: %v %v", mode, ws, vs, err)
			}
		}
	}
	// listing the computes of a hub is not a create: allowed
	p := wizard.NewPlan(wizard.ModeList)
	p.Subscription, p.Workspace.Name = wizardtest.Sub, "ai-hub"
	if vs, err := wizard.ResolveWorkspace(ctx, c, p); err != nil || len(vs) > 0 {
		t.Errorf("list of a hub: %v %v", vs, err)
	}
	// the only usable workspace is picked although hubs exist
	c.WSs = []wizard.Workspace{hub, wizardtest.WS, prj}
	p = wizard.NewPlan(wizard.ModeCreate)
	p.Subscription = wizardtest.Sub
	if vs, err := wizard.ResolveWorkspace(ctx, c, p); err != nil || len(vs) > 0 || p.Workspace.Name != "mlw-prod" || p.From(wizard.FWorkspace) != wizard.Only {
		t.Errorf("only usable workspace: %v %v %q", vs, err, p.Workspace.Name)
	}
	// only hubs: say why nothing can be picked
	c.WSs = []wizard.Workspace{hub}
	p = wizard.NewPlan(wizard.ModeCreate)
	p.Subscription = wizardtest.Sub
	if vs, _ := wizard.ResolveWorkspace(ctx, c, p); len(vs) != 1 || !strings.Contains(vs[0].Message, "no Azure Machine Learning workspace that takes an AKS compute") {
		t.Errorf("only hubs: %v", vs)
	}
}

func TestResolveRefusesSizeBelowAKSMinimum(t *testing.T) {
	c := wizardtest.New()
	l := c.SizeL["eastus"]
	l.Sizes = append(l.Sizes, wizard.VMSize{Name: "Standard_B1s", Family: "standardBSFamily", VCPUs: 1, MemoryGB: 1, PricePerHour: 0.0104, FamilyQuota: l.Sizes[0].FamilyQuota})
	c.SizeL["eastus"] = l
	p := wizard.NewPlan(wizard.ModeCreate)
	p.ComputeType = wizard.ComputeAKS // the legacy path's rules
	p.Workspace.Name, p.Name, p.VMSize, p.Nodes = "mlw-prod", "aks-b1s", "standard_b1s", 12
	vs, err := wizard.Resolve(context.Background(), c, p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fields(vs), "vm-size: too small for AKS: Standard_B1s has 1 vCPU and 1 GiB: AKS needs at least 2 vCPUs and 4 GiB per node") {
		t.Fatalf("violations:\n%s", fields(vs))
	}
	// the preflight blocks it too, with a fix
	rep, err := wizard.Preflight(context.Background(), c, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range rep.Findings {
		if f.Code == rules.CodeSizeBelowMinimum && f.Severity == rules.Block && strings.Contains(f.Fix, "--min-vcpus 2") {
			found = true
		}
	}
	if !found || !rep.Blocked() {
		t.Fatalf("findings: %v", rep.Findings)
	}
}

func TestAttachAsksForInternalLoadBalancer(t *testing.T) {
	ctx := context.Background()
	c := wizardtest.New()
	p := wizard.NewPlan(wizard.ModeAttach)
	p.ComputeType = wizard.ComputeAKS // the legacy path's rules
	p.Workspace.Name, p.Name, p.ClusterName = "mlw-prod", "aks-int", "aks-private"
	p.Network = rules.Network{LoadBalancer: rules.InternalLoadBalancer, LoadBalancerSubnet: "snet-ilb"}
	if vs, err := wizard.Resolve(ctx, c, p); err != nil || len(vs) > 0 {
		t.Fatalf("%v %v", vs, err)
	}
	spec := p.Spec()
	if spec.Network.LoadBalancer != rules.InternalLoadBalancer || spec.Network.LoadBalancerSubnet != "snet-ilb" || spec.Network.Custom() {
		t.Fatalf("spec network %+v", spec.Network)
	}
	// the body sent for it is asserted in azure (TestRequestIsWhatIsSent)
	az, py := wizard.Equivalents(p)
	if !strings.Contains(py, `load_balancer_type="InternalLoadBalancer"`) || !strings.Contains(py, `load_balancer_subnet="snet-ilb"`) || !strings.Contains(az, "internal load balancer") {
		t.Fatalf("equivalents:\n%s\n%s", az, py)
	}
	rep, err := wizard.Preflight(ctx, c, p, nil)
	if err != nil || rep.Blocked() {
		t.Fatalf("%v %v", rep.Findings, err)
	}

	// an internal load balancer without its subnet is refused before submit
	p.Network.LoadBalancerSubnet = ""
	vs, err := wizard.Resolve(ctx, c, p)
	if err != nil || !strings.Contains(fields(vs), "load-balancer-subnet: an internal load balancer needs a subnet") {
		t.Fatalf("%v %v", vs, err)
	}
	rep, _ = wizard.Preflight(ctx, c, p, nil)
	if !rep.Blocked() {
		t.Fatalf("preflight without subnet: %v", rep.Findings)
	}

	// a public attach asks for no load balancer
	p.Network = rules.Network{}
	if p.Spec().Network.LoadBalancer != "" {
		t.Fatalf("public attach spec %+v", p.Spec().Network)
	}
}

func TestAttachMicrosoftCertificateWithInternalLoadBalancerBlocked(t *testing.T) {
	c := wizardtest.New()
	p := wizard.NewPlan(wizard.ModeAttach)
	p.ComputeType = wizard.ComputeAKS // the legacy path's rules
	p.Workspace.Name, p.Name, p.ClusterName = "mlw-prod", "aks-int", "aks-private"
	p.Network = rules.Network{LoadBalancer: rules.InternalLoadBalancer, LoadBalancerSubnet: "snet-ilb"}
	p.TLS = rules.TLS{Mode: rules.TLSMicrosoft, LeafDomainLabel: "myscoring"}
	vs, err := wizard.Resolve(context.Background(), c, p)
	if err != nil || !strings.Contains(fields(vs), "a Microsoft certificate does not work with an internal load balancer") {
		t.Fatalf("%v %v", vs, err)
	}
}

func TestPreflightBlocksHubWorkspace(t *testing.T) {
	c := wizardtest.New()
	c.WSs = append(c.WSs, hub)
	c.Comps["ai-hub"] = nil
	for _, mode := range []wizard.Mode{wizard.ModeCreate, wizard.ModeAttach} {
		p := wizard.NewPlan(mode)
		p.Subscription, p.Workspace, p.Name, p.Region = wizardtest.Sub, hub, "aks-ai", "eastus"
		p.ClusterID = c.Clus[1].ID
		rep, err := wizard.Preflight(context.Background(), c, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Blocked() || rep.Findings[0].Code != rules.CodeWorkspaceKind || !strings.Contains(rep.Findings[0].Message, "ai-hub is an Azure AI Foundry hub") || rep.Findings[0].Fix == "" {
			t.Errorf("%s: %v", mode, rep.Findings)
		}
	}
}
