package wizard_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

func createPlan(name string) *wizard.Plan {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.ComputeType = wizard.ComputeAKS // the legacy flow: --compute-type AKS
	p.Mark(wizard.FComputeType, wizard.Flag)
	p.Subscription = wizardtest.Sub
	p.Workspace = wizardtest.WS
	p.Region = "eastus"
	p.Name = name
	return p
}

func codes(fs []rules.Finding) map[string]rules.Severity {
	m := map[string]rules.Severity{}
	for _, f := range fs {
		m[f.Code] = f.Severity
	}
	return m
}

func TestCreatePreflightCallsInParallelAndPasses(t *testing.T) {
	c := wizardtest.New()
	rep, err := wizard.Preflight(context.Background(), c, createPlan("aks-new"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Blocked() {
		t.Fatalf("default create blocked: %v", rep.Findings)
	}
	if rep.Facts.Default != "1.32" || rep.Facts.Size.VCPUs != 4 {
		t.Fatalf("facts: default %q size %+v", rep.Facts.Default, rep.Facts.Size)
	}
	for _, m := range []string{"Computes", "Compute", "Sizes", "Versions"} {
		if c.CallCount(m) != 1 {
			t.Errorf("%s called %d times", m, c.CallCount(m))
		}
	}
}

func TestCreatePreflightBlocks(t *testing.T) {
	c := wizardtest.New()
	cases := []struct {
		name string
		edit func(p *wizard.Plan)
		code string
	}{
		{"name taken", func(p *wizard.Plan) { p.Name = "AKS-Inference" }, "name-taken"},
		{"2 nodes", func(p *wizard.Plan) { p.Nodes = 2 }, "below-threshold"},
		{"restricted", func(p *wizard.Plan) { p.VMSize = "Standard_M8ms" }, "size-restricted"},
		{"family quota", func(p *wizard.Plan) { p.VMSize = "Standard_F4s_v2" }, "quota-family"},
		{"gpu quota 0", func(p *wizard.Plan) { p.VMSize = "Standard_NC6s_v3"; p.Nodes = 3 }, "quota-family"},
		{"unknown size", func(p *wizard.Plan) { p.VMSize = "Standard_Nope" }, "size-unknown"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := createPlan("aks-new")
			tc.edit(p)
			rep, err := wizard.Preflight(context.Background(), c, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := codes(rep.Findings)[tc.code]; !ok || got != rules.Block {
				t.Fatalf("want Block %s, got %v", tc.code, rep.Findings)
			}
			if !rep.Blocked() {
				t.Fatal("not blocked")
			}
		})
	}
}

func attachPlan(cluster string, purpose rules.Purpose) *wizard.Plan {
	p := wizard.NewPlan(wizard.ModeAttach)
	p.ComputeType = wizard.ComputeAKS // the legacy flow: --compute-type AKS
	p.Mark(wizard.FComputeType, wizard.Flag)
	p.Subscription = wizardtest.Sub
	p.Workspace = wizardtest.WS
	p.Name = "aks-att"
	p.Purpose = purpose
	p.ClusterID = "/subscriptions/" + wizardtest.Sub + "/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/" + cluster
	return p
}

func TestAttachPreflightOutcomes(t *testing.T) {
	c := wizardtest.New()
	cases := []struct {
		cluster string
		purpose rules.Purpose
		code    string
		sev     rules.Severity
		blocked bool
	}{
		{"aks-shared", rules.Production, "already-attached", rules.Block, true},
		{"aks-legacy", rules.Production, "version-unsupported", rules.Block, true},
		{"aks-small", rules.Production, "below-threshold", rules.Block, true},
		{"aks-small", rules.DevTest, "", 0, false},
		{"aks-private", rules.Production, "private", rules.Info, false},
	}
	for _, tc := range cases {
		t.Run(tc.cluster+"/"+string(tc.purpose), func(t *testing.T) {
			rep, err := wizard.Preflight(context.Background(), c, attachPlan(tc.cluster, tc.purpose), nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Blocked() != tc.blocked {
				t.Fatalf("blocked = %v, findings %v", rep.Blocked(), rep.Findings)
			}
			if tc.code != "" {
				if got, ok := codes(rep.Findings)[tc.code]; !ok || got != tc.sev {
					t.Fatalf("want %v %s, got %v", tc.sev, tc.code, rep.Findings)
				}
			}
		})
	}
}

func TestAttachedAsSpansWorkspacesCaseInsensitive(t *testing.T) {
	c := wizardtest.New()
	id := strings.ToUpper("/subscriptions/" + wizardtest.Sub + "/resourcegroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-shared")
	got, err := wizard.AttachedAs(context.Background(), c, wizardtest.Sub, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "aks-inference in mlw-prod" {
		t.Fatalf("AttachedAs = %v", got)
	}
}

func TestSubmitGuardRefusesSecondAttach(t *testing.T) {
	c := wizardtest.New()
	var g wizard.Guard
	p := attachPlan("aks-private", rules.Production)
	if _, err := wizard.Submit(context.Background(), c, p, &g); err != nil {
		t.Fatal(err)
	}
	q := attachPlan("aks-private", rules.Production)
	q.Name = "other"
	_, err := wizard.Submit(context.Background(), c, q, &g)
	if !errors.Is(err, wizard.ErrConflict) {
		t.Fatalf("second submit: %v", err)
	}
	if len(c.Specs) != 1 {
		t.Fatalf("%d requests sent, want 1", len(c.Specs))
	}
	rep, err := wizard.Preflight(context.Background(), c, q, &g)
	if err != nil {
		t.Fatal(err)
	}
	if codes(rep.Findings)["in-flight"] != rules.Block {
		t.Fatalf("preflight during a running attach: %v", rep.Findings)
	}
}

func TestSubmitReleasesGuardOnError(t *testing.T) {
	c := wizardtest.New()
	c.SetErr("Submit", &wizard.Error{Kind: wizard.ErrServer})
	var g wizard.Guard
	p := createPlan("aks-new")
	if _, err := wizard.Submit(context.Background(), c, p, &g); err == nil {
		t.Fatal("want error")
	}
	if g.Busy(p.GuardKey()) {
		t.Fatal("guard kept after a failed submit")
	}
}

func TestResolveNamesEveryBadFlag(t *testing.T) {
	c := wizardtest.New()
	p := wizard.NewPlan(wizard.ModeCreate)
	p.ComputeType = wizard.ComputeAKS // the legacy flow: --compute-type AKS
	p.Mark(wizard.FComputeType, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Name = "9bad_name"
	p.Nodes = 2
	p.Network = rules.Network{ServiceCIDR: "10.0.0.0/16"}
	vs, err := wizard.Resolve(context.Background(), c, p)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	for _, v := range vs {
		fields[v.Field] = true
	}
	for _, f := range []string{"name", "nodes"} {
		if !fields[f] {
			t.Errorf("no violation for --%s in %v", f, vs)
		}
	}
	if p.Subscription != wizardtest.Sub || p.Region != "eastus" {
		t.Fatalf("defaults not applied: sub %q region %q", p.Subscription, p.Region)
	}
}

func TestResolveMissingNameAndUnknownRegion(t *testing.T) {
	c := wizardtest.New()
	p := wizard.NewPlan(wizard.ModeCreate)
	p.ComputeType = wizard.ComputeAKS // the legacy flow: --compute-type AKS
	p.Mark(wizard.FComputeType, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Region = "marsnorth"
	vs, err := wizard.Resolve(context.Background(), c, p)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, v := range vs {
		msgs = append(msgs, v.Field+": "+v.Message)
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, "name: missing") || !strings.Contains(all, `region: unknown region "marsnorth"`) {
		t.Fatalf("violations:\n%s", all)
	}
}

func TestResolveClusterByName(t *testing.T) {
	c := wizardtest.New()
	p := wizard.NewPlan(wizard.ModeAttach)
	p.ComputeType = wizard.ComputeAKS // the legacy flow: --compute-type AKS
	p.Mark(wizard.FComputeType, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Name = "aks-att"
	p.ClusterName = "aks-small"
	p.Purpose = rules.DevTest // 2 × 2 vCPUs: production would block at the cluster step
	vs, err := wizard.Resolve(context.Background(), c, p)
	if err != nil || len(vs) > 0 {
		t.Fatalf("%v %v", vs, err)
	}
	if !strings.HasSuffix(p.ClusterID, "/managedClusters/aks-small") || p.Cluster == nil {
		t.Fatalf("cluster id %q", p.ClusterID)
	}
}

func TestEquivalentsCreate(t *testing.T) {
	p := createPlan("aks-new")
	p.Subscription = wizardtest.Sub
	p.TLS = rules.TLS{Mode: rules.TLSCustom, CertFile: "c.pem", KeyFile: "k.pem", CNAME: "x.contoso.com", CertPEM: []byte("CERT-BYTES"), KeyPEM: []byte("SECRET-KEY")}
	az, py := wizard.Equivalents(p)
	for _, want := range []string{"az ml computetarget create aks", "--name aks-new", "--vm-size Standard_D3_v2", "--agent-count 3", "--cluster-purpose FastProd", "--ssl-key-file k.pem"} {
		if !strings.Contains(az, want) {
			t.Errorf("az command lacks %q:\n%s", want, az)
		}
	}
	if !strings.Contains(py, "AksCompute.provisioning_configuration(") || !strings.Contains(py, "FAST_PROD") {
		t.Errorf("python:\n%s", py)
	}
	// The equivalents name the files; the request body (with its secrets
	// redacted) is the Cloud's: azure.TestRequestIsWhatIsSent.
	for _, s := range []string{az, py} {
		if strings.Contains(s, "SECRET-KEY") || strings.Contains(s, "CERT-BYTES") {
			t.Fatalf("secret in an equivalent:\n%s", s)
		}
	}
}

func TestEquivalentsTLSOverwriteFlag(t *testing.T) {
	p := attachPlan("aks-small", rules.DevTest)
	p.Mode = wizard.ModeCreate
	p.ClusterID = ""
	p.Region, p.VMSize, p.Nodes = "eastus", "Standard_D3_v2", 3
	p.TLS = rules.TLS{Mode: rules.TLSMicrosoft, LeafDomainLabel: "ml", Overwrite: true}
	az, py := wizard.Equivalents(p)
	// az ml computetarget create/update aks spell it --ssl-overwrite-domain
	if !strings.Contains(az, "--ssl-overwrite-domain") || strings.Contains(az, "overwrite-existing") {
		t.Errorf("az:\n%s", az)
	}
	if !strings.Contains(py, "overwrite_existing_domain=True") {
		t.Errorf("python:\n%s", py)
	}
}

func TestEquivalentsAttach(t *testing.T) {
	p := attachPlan("aks-small", rules.DevTest)
	az, py := wizard.Equivalents(p)
	if !strings.Contains(az, "az ml computetarget attach aks -n aks-att -i /subscriptions/") || !strings.Contains(az, "-g rg-ml-prod -w mlw-prod") {
		t.Errorf("az:\n%s", az)
	}
	// resource_id= finds a cluster in another subscription too
	if !strings.Contains(py, `resource_id="`+p.ClusterID+`"`) || strings.Contains(py, "cluster_name=") || !strings.Contains(py, "DEV_TEST") {
		t.Errorf("python:\n%s", py)
	}
}
