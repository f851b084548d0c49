package wizard_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

func fields(vs []rules.Violation) string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Field+": "+v.Message)
	}
	return strings.Join(out, "\n")
}

func TestResolveSubscription(t *testing.T) {
	ctx := context.Background()
	c := wizardtest.New()
	cases := []struct {
		given, want, violation string
		from                   wizard.Source
	}{
		{"", wizardtest.Sub, "", wizard.AzCLI},                                              // the default
		{"contoso sandbox (demo)", "00000000-0000-4000-8000-000000000002", "", wizard.Flag}, // by name, any case
		{"00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000002", "", wizard.Flag},
		{"nope", "", `no subscription "nope" for this sign-in (have: Contoso ML (demo)`, wizard.Unset},
	}
	for _, tc := range cases {
		p := wizard.NewPlan(wizard.ModeCreate)
		p.ComputeType = wizard.ComputeAKS // the legacy flow: --compute-type AKS
		p.Mark(wizard.FComputeType, wizard.Flag)
		p.Subscription = tc.given
		vs, err := wizard.ResolveSubscription(ctx, c, p)
		if err != nil {
			t.Fatal(err)
		}
		if tc.violation != "" {
			if !strings.Contains(fields(vs), tc.violation) {
				t.Errorf("%q: %s", tc.given, fields(vs))
			}
			continue
		}
		if len(vs) > 0 || p.Subscription != tc.want || p.From(wizard.FSubscription) != tc.from {
			t.Errorf("%q: got %q from %v, %s", tc.given, p.Subscription, p.From(wizard.FSubscription), fields(vs))
		}
	}
	// no default among several: the flag is missing; only one: taken
	c.Subs[0].Default = false
	p := wizard.NewPlan(wizard.ModeCreate)
	p.ComputeType = wizard.ComputeAKS // the legacy flow: --compute-type AKS
	p.Mark(wizard.FComputeType, wizard.Flag)
	vs, _ := wizard.ResolveSubscription(ctx, c, p)
	if !strings.Contains(fields(vs), "subscription: missing: pick one of Contoso ML (demo)") {
		t.Errorf("no default: %s", fields(vs))
	}
	c.Subs = c.Subs[:1]
	if vs, _ := wizard.ResolveSubscription(ctx, c, p); len(vs) > 0 || p.From(wizard.FSubscription) != wizard.Only {
		t.Errorf("only one: %s %v", fields(vs), p.From(wizard.FSubscription))
	}
	c.Subs = nil
	if vs, _ := wizard.ResolveSubscription(ctx, c, wizard.NewPlan(wizard.ModeCreate)); !strings.Contains(fields(vs), "az login") {
		t.Errorf("none: %s", fields(vs))
	}
	c.SetErr("Subscriptions", &wizard.Error{Kind: wizard.ErrNoCredential})
	if _, err := wizard.ResolveSubscription(ctx, c, wizard.NewPlan(wizard.ModeCreate)); !errors.Is(err, wizard.ErrNoCredential) {
		t.Errorf("error passed through: %v", err)
	}
}

func TestResolveWorkspace(t *testing.T) {
	ctx := context.Background()
	c := wizardtest.New()
	p := wizard.NewPlan(wizard.ModeCreate)
	p.ComputeType = wizard.ComputeAKS // the legacy flow: --compute-type AKS
	p.Mark(wizard.FComputeType, wizard.Flag)
	p.Subscription = wizardtest.Sub
	vs, _ := wizard.ResolveWorkspace(ctx, c, p)
	if !strings.Contains(fields(vs), "workspace: missing: pick one of mlw-prod, mlw-research") {
		t.Errorf("two workspaces: %s", fields(vs))
	}
	p.Workspace.Name = "MLW-RESEARCH"
	if vs, _ := wizard.ResolveWorkspace(ctx, c, p); len(vs) > 0 || p.Workspace.Region != "westeurope" {
		t.Errorf("by name: %s %+v", fields(vs), p.Workspace)
	}
	p.Workspace = wizard.Workspace{WorkspaceRef: wizard.WorkspaceRef{Name: "mlw-prod", ResourceGroup: "rg-other"}}
	if vs, _ := wizard.ResolveWorkspace(ctx, c, p); !strings.Contains(fields(vs), `no workspace "mlw-prod"`) {
		t.Errorf("wrong resource group: %s", fields(vs))
	}
	c.WSs = c.WSs[:1]
	p.Workspace = wizard.Workspace{}
	if vs, _ := wizard.ResolveWorkspace(ctx, c, p); len(vs) > 0 || p.From(wizard.FWorkspace) != wizard.Only {
		t.Errorf("only one: %s", fields(vs))
	}
	c.WSs = nil
	p.Workspace = wizard.Workspace{}
	if vs, _ := wizard.ResolveWorkspace(ctx, c, p); !strings.Contains(fields(vs), "no Azure ML workspace") {
		t.Errorf("none: %s", fields(vs))
	}
}

func TestResolveWithoutWorkspaceStillChecksOfflineFlags(t *testing.T) {
	c := wizardtest.New()
	p := wizard.NewPlan(wizard.ModeCreate)
	p.ComputeType = wizard.ComputeAKS // the legacy flow: --compute-type AKS
	p.Mark(wizard.FComputeType, wizard.Flag)
	p.Name = "1bad_"
	p.Nodes = 0
	p.Network = rules.Network{ServiceCIDR: "10.0.0.0/16"}
	vs, err := wizard.Resolve(context.Background(), c, p)
	if err != nil {
		t.Fatal(err)
	}
	got := fields(vs)
	for _, want := range []string{"workspace: missing", "name: must start with a letter", "nodes: must be 1 or more (now 0)", "set all six custom VNet fields"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
}

func TestResolveTLSFiles(t *testing.T) {
	c := wizardtest.New()
	dir := t.TempDir()
	junk := filepath.Join(dir, "cert.pem")
	os.WriteFile(junk, []byte("not a certificate"), 0o600)
	p := createPlan("aks-tls")
	p.Workspace = wizard.Workspace{WorkspaceRef: wizard.WorkspaceRef{Name: "mlw-prod"}}
	p.TLS = rules.TLS{Mode: rules.TLSCustom, CertFile: junk, KeyFile: filepath.Join(dir, "missing.pem"), CNAME: "ml.contoso.com"}
	vs, err := wizard.Resolve(context.Background(), c, p)
	if err != nil {
		t.Fatal(err)
	}
	got := fields(vs)
	if !strings.Contains(got, "ssl-key-file: cannot read") || !strings.Contains(got, "missing.pem") {
		t.Fatalf("tls files:\n%s", got)
	}
	p.TLS.KeyFile = junk
	vs, _ = wizard.Resolve(context.Background(), c, p)
	if !strings.Contains(fields(vs), "ssl-cert-file") {
		t.Fatalf("junk certificate accepted:\n%s", fields(vs))
	}
}

func TestResolveClusterErrors(t *testing.T) {
	ctx := context.Background()
	c := wizardtest.New()
	attach := func(edit func(p *wizard.Plan)) string {
		p := wizard.NewPlan(wizard.ModeAttach)
		p.ComputeType = wizard.ComputeAKS // the legacy flow: --compute-type AKS
		p.Mark(wizard.FComputeType, wizard.Flag)
		p.Workspace.Name = "mlw-prod"
		p.Name = "aks-att"
		edit(p)
		vs, err := wizard.Resolve(ctx, c, p)
		if err != nil {
			t.Fatal(err)
		}
		return fields(vs)
	}
	if got := attach(func(p *wizard.Plan) {}); !strings.Contains(got, "cluster-id: missing") {
		t.Errorf("missing: %s", got)
	}
	if got := attach(func(p *wizard.Plan) { p.ClusterName = "aks-nope" }); !strings.Contains(got, `no AKS cluster "aks-nope"`) {
		t.Errorf("unknown name: %s", got)
	}
	if got := attach(func(p *wizard.Plan) { p.ClusterName = "aks-small"; p.ClusterGroup = "rg-other" }); !strings.Contains(got, "resource group rg-other") {
		t.Errorf("wrong group: %s", got)
	}
	c.Clus = append(c.Clus, wizard.Cluster{ID: "/subscriptions/" + wizardtest.Sub + "/resourceGroups/rg-two/providers/Microsoft.ContainerService/managedClusters/aks-small", Name: "aks-small", ResourceGroup: "rg-two"})
	if got := attach(func(p *wizard.Plan) { p.ClusterName = "aks-small" }); !strings.Contains(got, "cluster-resource-group: 2 clusters are named") {
		t.Errorf("ambiguous: %s", got)
	}
	if got := attach(func(p *wizard.Plan) {
		p.ClusterID = "/subscriptions/" + wizardtest.Sub + "/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-gone"
	}); !strings.Contains(got, "no AKS cluster aks-gone in resource group rg-aks") {
		t.Errorf("unknown id: %s", got)
	}
	if got := attach(func(p *wizard.Plan) { p.ClusterID = "/subscriptions/x/resourceGroups/rg" }); !strings.Contains(got, "cluster-id:") {
		t.Errorf("bad id: %s", got)
	}
}

func TestClusterFactsForPickerBadges(t *testing.T) {
	c := wizardtest.New()
	p := attachPlan("aks-small", rules.Production)
	var small wizard.Cluster
	for _, cl := range c.Clus {
		if cl.Name == "aks-small" {
			small = cl
		}
	}
	if small.Nodes() != 2 || small.VCPUs() != 4 {
		t.Fatalf("nodes %d vcpus %d", small.Nodes(), small.VCPUs())
	}
	fs := wizard.ClusterFacts(small, p, c.Vers["eastus"], []string{"westus"}, nil)
	if !rules.Blocked(fs) {
		t.Fatalf("aks-small for production: %v", fs)
	}
	p.Purpose = rules.DevTest
	if fs := wizard.ClusterFacts(small, p, c.Vers["eastus"], []string{"westus"}, nil); rules.Blocked(fs) {
		t.Fatalf("aks-small for dev-test: %v", fs)
	}
}

func TestErrorText(t *testing.T) {
	e := &wizard.Error{Kind: wizard.ErrQuota, Op: "create compute x", Code: "QuotaExceeded", Message: "too many cores", Hint: "ask for more"}
	if e.Error() != "create compute x: QuotaExceeded: too many cores" || !errors.Is(e, wizard.ErrQuota) {
		t.Fatal(e.Error())
	}
	if wizard.HintOf(errors.Join(errors.New("x"), e)) != "ask for more" || wizard.HintOf(errors.New("x")) != "" {
		t.Fatal("HintOf")
	}
	if (&wizard.Error{Kind: wizard.ErrNotFound}).Error() != "not found" {
		t.Fatal("kind text")
	}
	if wizard.OpCreate.Expected().Minutes() != 10 || wizard.OpAttach.Expected().Minutes() != 5 {
		t.Fatal("expected durations")
	}
}

func TestResolveUnknownSizeStillChecksNodes(t *testing.T) {
	p := createPlan("aks-x")
	p.Workspace = wizard.Workspace{WorkspaceRef: wizard.WorkspaceRef{Name: "mlw-prod"}}
	p.VMSize = "Standard_Foo"
	p.Mark(wizard.FVMSize, wizard.Flag) // given: a default not offered is replaced instead
	p.Nodes = 0
	vs, err := wizard.Resolve(context.Background(), wizardtest.New(), p)
	if err != nil {
		t.Fatal(err)
	}
	got := fields(vs)
	if !strings.Contains(got, "vm-size: Standard_Foo is not offered") || !strings.Contains(got, "nodes: must be 1 or more (now 0)") {
		t.Fatalf("violations:\n%s", got)
	}
}
