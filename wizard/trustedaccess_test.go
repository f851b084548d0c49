package wizard_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// withCluster changes a fixture cluster of the fake.
func withCluster(c *wizardtest.Cloud, name string, mod func(cl *wizard.Cluster)) {
	for i := range c.Clus {
		if c.Clus[i].Name == name {
			mod(&c.Clus[i])
		}
	}
}

func k8sAttachPlan(t *testing.T, c *wizardtest.Cloud, cluster, name string) *wizard.Plan {
	t.Helper()
	p := k8sPlan(t, c, wizard.ModeAttach, name)
	p.ClusterID = wizardtest.K8sClusterID(cluster)
	p.Mark(wizard.FCluster, wizard.Flag)
	if _, err := wizard.Resolve(t.Context(), c, p); err != nil {
		t.Fatal(err)
	}
	return p
}

func findingOf(fs []rules.Finding, code string) (rules.Finding, bool) {
	for _, f := range fs {
		if f.Code == code {
			return f, true
		}
	}
	return rules.Finding{}, false
}

// TestTrustedAccessPhase: an attach of a cluster with local accounts
// disabled has a Trusted Access phase before the attach; running it
// creates the workspace's binding (source the workspace, role mlworkload)
// before the compute's PUT; a re-run finds it and sends nothing more.
func TestTrustedAccessPhase(t *testing.T) {
	c := wizardtest.New()
	withCluster(c, wizardtest.ClusterReady, func(cl *wizard.Cluster) { cl.LocalAccountsDisabled = true })
	p := k8sAttachPlan(t, c, wizardtest.ClusterReady, "k8s-ta")
	rep, err := wizard.Preflight(t.Context(), c, p, nil)
	if err != nil || rep.Blocked() {
		t.Fatalf("preflight: %v %v", err, rep.Findings)
	}
	if f, ok := findingOf(rep.Findings, rules.CodeTrustedAccess); !ok || f.Severity != rules.Info || !strings.Contains(f.Message, "local accounts disabled") {
		t.Errorf("finding %v in %v", f, rep.Findings)
	}
	ph, err := wizard.Phases(c, p)
	if err != nil || len(ph) != 2 || ph[0].Kind != wizard.PhaseTrustedAccess || ph[1].Kind != wizard.PhaseAttach {
		t.Fatalf("phases %+v %v", ph, err)
	}
	for _, want := range []string{"az aks trustedaccess rolebinding create", "--cluster-name " + wizardtest.ClusterReady, "--name aml-mlw-prod-",
		"--source-resource-id /subscriptions/" + wizardtest.Sub + "/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod",
		"--roles Microsoft.MachineLearningServices/workspaces/mlworkload"} {
		if !strings.Contains(ph[0].Equivalent, want) {
			t.Errorf("equivalent lacks %q:\n%s", want, ph[0].Equivalent)
		}
	}
	var order []string
	cp, err := wizard.RunPhases(t.Context(), c, p, &wizard.Guard{}, time.Millisecond, func(pp wizard.PhaseProgress) {
		if len(order) == 0 || order[len(order)-1] != string(pp.Phase) {
			order = append(order, string(pp.Phase))
		}
	})
	if err != nil || cp == nil {
		t.Fatalf("run: %v", err)
	}
	if got := strings.Join(order, " "); got != "trusted-access extension attach" {
		t.Errorf("phases ran %q", got)
	}
	if len(c.BindingSpecs) != 1 || c.BindingSpecs[0].Source != p.WorkspaceID() || c.BindingSpecs[0].Roles[0] != wizard.MLWorkloadRole ||
		c.BindingSpecs[0].Name != wizard.BindingName(p.WorkspaceID()) || len(c.Specs) != 1 {
		t.Fatalf("sent bindings %+v, computes %d", c.BindingSpecs, len(c.Specs))
	}
	// the binding exists now: the preflight says so, a re-run skips it
	rep, _ = wizard.Preflight(t.Context(), c, p, nil)
	if f, _ := findingOf(rep.Findings, rules.CodeTrustedAccess); !strings.Contains(f.Message, "which exists") {
		t.Errorf("after: %v", rep.Findings)
	}
	var skipped []wizard.PhaseKind
	if _, err := wizard.RunPhases(t.Context(), c, p, &wizard.Guard{}, time.Millisecond, func(pp wizard.PhaseProgress) {
		if pp.Skipped {
			skipped = append(skipped, pp.Phase)
		}
	}); err != nil || len(c.BindingSpecs) != 1 || len(skipped) != 3 || skipped[0] != wizard.PhaseTrustedAccess {
		t.Errorf("re-run: %v, skipped %v, %d bindings sent", err, skipped, len(c.BindingSpecs))
	}
}

// TestTrustedAccessFull: a cluster whose 8 bindings belong to others is
// blocked, naming them; the legacy compute is blocked on a cluster with
// local accounts disabled whatever its bindings; a cluster that needs no
// Trusted Access gets no phase.
func TestTrustedAccessFull(t *testing.T) {
	c := wizardtest.New()
	withCluster(c, wizardtest.ClusterReady, func(cl *wizard.Cluster) { cl.AuthorizedIPRanges = []string{"203.0.113.0/24"} })
	id := strings.ToLower(wizardtest.K8sClusterID(wizardtest.ClusterReady))
	c.Bindings = map[string][]wizard.RoleBinding{}
	for i := range 8 {
		c.Bindings[id] = append(c.Bindings[id], wizard.RoleBinding{Name: fmt.Sprintf("other-%d", i), State: "Succeeded",
			Source: "/subscriptions/" + wizardtest.Sub + "/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws" + fmt.Sprint(i),
			Roles:  []string{wizard.MLWorkloadRole}})
	}
	p := k8sAttachPlan(t, c, wizardtest.ClusterReady, "k8s-full")
	rep, err := wizard.Preflight(t.Context(), c, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := findingOf(rep.Findings, rules.CodeTrustedAccess)
	if !ok || f.Severity != rules.Block || !strings.Contains(f.Message, "authorized IP ranges") || !strings.Contains(f.Message, "other-0, other-1") {
		t.Errorf("finding %v in %v", f, rep.Findings)
	}
	// without Trusted Access the ranges' own Warn stands
	if _, ok := findingOf(rep.Findings, rules.CodeAuthorizedRanges); !ok {
		t.Errorf("no authorized-ranges finding when the binding cannot be made: %v", rep.Findings)
	}
	// submitted anyway (the 8th taken after the preflight): AKS refuses the
	// 9th, the phase fails and nothing is attached
	_, err = wizard.RunPhases(t.Context(), c, p, &wizard.Guard{}, time.Millisecond, nil)
	var pe *wizard.PhaseError
	if !errors.As(err, &pe) || pe.Phase != wizard.PhaseTrustedAccess || !strings.Contains(err.Error(), "8 trusted access role bindings") || len(c.Specs) != 0 {
		t.Errorf("run on a full cluster: %v, %d computes sent", err, len(c.Specs))
	}

	legacy := k8sAttachPlan(t, c, wizardtest.ClusterReady, "aks-legacy")
	withCluster(c, wizardtest.ClusterReady, func(cl *wizard.Cluster) { cl.LocalAccountsDisabled = true })
	legacy.ComputeType = wizard.ComputeAKS
	legacy.Cluster.LocalAccountsDisabled = true
	rep, err = wizard.Preflight(t.Context(), c, legacy, nil)
	if f, ok := findingOf(rep.Findings, rules.CodeLocalAccounts); err != nil || !ok || f.Severity != rules.Block {
		t.Errorf("legacy: %v %v", err, rep.Findings)
	}

	plain := k8sAttachPlan(t, c, wizardtest.ClusterBare, "k8s-plain")
	plain.InstallExtension = true
	if ph, _ := wizard.Phases(c, plain); len(ph) != 2 || ph[0].Kind != wizard.PhaseExtension {
		t.Errorf("phases of a public cluster: %+v", ph)
	}
}

// TestTrainingOnlyExtension: a training-only extension is not attached as
// it is: blocked without --install-extension (and RunPhases refuses);
// with it the extension phase is a PATCH of that extension's name adding
// inference, sent before the attach.
func TestTrainingOnlyExtension(t *testing.T) {
	c := wizardtest.New()
	k := strings.ToLower(wizardtest.K8sClusterID(wizardtest.ClusterReady))
	e := c.Exts[k]
	e.Name, e.Settings = "ml-train", map[string]string{"enableInference": "False", "enableTraining": "True"}
	c.Exts[k] = e
	p := k8sAttachPlan(t, c, wizardtest.ClusterReady, "k8s-tr")
	rep, err := wizard.Preflight(t.Context(), c, p, nil)
	if f, ok := findingOf(rep.Findings, rules.CodeTrainingOnly); err != nil || !ok || f.Severity != rules.Block {
		t.Fatalf("not asked: %v %v", err, rep.Findings)
	}
	if _, err := wizard.RunPhases(t.Context(), c, p, &wizard.Guard{}, time.Millisecond, nil); err == nil ||
		!strings.Contains(err.Error(), "installed for training only") || len(c.Specs) != 0 {
		t.Fatalf("run without --install-extension: %v, %d computes sent", err, len(c.Specs))
	}
	p.InstallExtension = true
	rep, _ = wizard.Preflight(t.Context(), c, p, nil)
	if f, ok := findingOf(rep.Findings, rules.CodeTrainingOnly); !ok || f.Severity != rules.Warn || rep.Blocked() {
		t.Fatalf("asked: %v", rep.Findings)
	}
	ph, err := wizard.Phases(c, p)
	if err != nil || len(ph) != 2 || ph[0].Kind != wizard.PhaseExtension || ph[0].Request.Method != "PATCH" ||
		!strings.Contains(ph[0].Request.Path, "/extensions/ml-train?") || !strings.HasPrefix(ph[0].Equivalent, "az k8s-extension update") ||
		!strings.Contains(ph[0].Title, "add inference to the Azure ML extension ml-train") {
		t.Fatalf("phases %+v %v", ph, err)
	}
	if _, err := wizard.RunPhases(t.Context(), c, p, &wizard.Guard{}, time.Millisecond, nil); err != nil {
		t.Fatal(err)
	}
	if len(c.ExtensionSpecs) != 1 || !c.ExtensionSpecs[0].Update || c.ExtensionSpecs[0].Name != "ml-train" || len(c.Specs) != 1 {
		t.Fatalf("sent %+v, %d computes", c.ExtensionSpecs, len(c.Specs))
	}
	if got := c.Exts[k]; !got.Ready() || got.Settings["enableTraining"] != "True" {
		t.Errorf("extension after %+v", got)
	}
	// the wizard's choice: picking the cluster is choosing to add inference
	q := wizard.NewPlan(wizard.ModeAttach)
	q.ClusterID = wizardtest.K8sClusterID(wizardtest.ClusterReady)
	e.Settings = map[string]string{"enableInference": "False", "enableTraining": "True"}
	c.Exts[k] = e
	wizard.DecideInstallExtension(q, wizard.Known{HaveExtensions: true, Extensions: map[string]wizard.Extension{k: e}})
	if !q.InstallExtension || q.Extension == nil || !q.AddsInference() {
		t.Errorf("decided install %v, extension %+v", q.InstallExtension, q.Extension)
	}
}

// TestPlacementFindings: a private-endpoint workspace refuses a cluster of
// another region (attach and create); a cluster of another subscription
// is refused with the true reason; a ClusterIP router says its URIs are
// internal.
func TestPlacementFindings(t *testing.T) {
	c := wizardtest.New()
	p := k8sAttachPlan(t, c, wizardtest.ClusterReady, "k8s-pe")
	p.Workspace.Region, p.Workspace.PrivateEndpoint = "westeurope", true
	rep, err := wizard.Preflight(t.Context(), c, p, nil)
	if f, ok := findingOf(rep.Findings, rules.CodePrivateEndpointRegion); err != nil || !ok || f.Severity != rules.Block {
		t.Errorf("attach: %v %v", err, rep.Findings)
	}
	cr := k8sPlan(t, c, wizard.ModeCreate, "k8s-pc")
	cr.Workspace.Region, cr.Workspace.PrivateEndpoint = "westeurope", true
	cr.Router = wizard.RouterClusterIP
	rep, err = wizard.Preflight(t.Context(), c, cr, nil)
	if f, ok := findingOf(rep.Findings, rules.CodePrivateEndpointRegion); err != nil || !ok || f.Severity != rules.Block || !strings.Contains(f.Fix, "--region westeurope") {
		t.Errorf("create: %v %v", err, rep.Findings)
	}
	if f, ok := findingOf(rep.Findings, rules.CodeRouterReach); !ok || f.Severity != rules.Info {
		t.Errorf("ClusterIP: %v", rep.Findings)
	}

	x := k8sPlan(t, c, wizard.ModeAttach, "k8s-x")
	other := rules.ClusterID{SubscriptionID: wizardtest.Sub2, ResourceGroup: "rg-x", Name: "aks-x"}.String()
	why := x.CrossSubscription(other)
	if !strings.Contains(why, "aks-x is in subscription "+wizardtest.Sub2+" and the workspace in "+wizardtest.Sub+": Azure ML cannot attach an AKS cluster across subscriptions") {
		t.Errorf("cross subscription: %q", why)
	}
	x.ClusterID = other
	x.Mark(wizard.FCluster, wizard.Flag)
	vs, err := wizard.Resolve(t.Context(), c, x)
	if err != nil || len(vs) == 0 || !strings.Contains(vs[0].Message, "across subscriptions") || strings.Contains(vs[0].Message, "no AKS cluster") {
		t.Errorf("resolve: %v %v", err, vs)
	}
	if x.CrossSubscription(wizardtest.K8sClusterID(wizardtest.ClusterReady)) != "" {
		t.Error("same subscription refused")
	}
}

// FuzzBindingName: whatever the workspace's id, the binding name is one
// AKS accepts (1–24 letters, digits and '-') and the same for the same
// workspace in another case.
func FuzzBindingName(f *testing.F) {
	for _, s := range []string{wizardtest.WS.ID, "", "/", "ws", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/My_Very-Long_Workspace_Name_2026",
		"/x/workspaces/---", "/x/workspaces/ünïcode-ws"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		n := wizard.BindingName(id)
		if len(n) < 1 || len(n) > 24 {
			t.Fatalf("%q → %q: %d characters", id, n, len(n))
		}
		for _, r := range n {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				t.Fatalf("%q → %q: %q is not allowed", id, n, r)
			}
		}
		if wizard.BindingName(strings.ToUpper(id)) != n && strings.ToUpper(id) != id && strings.ToLower(strings.ToUpper(id)) == strings.ToLower(id) {
			t.Fatalf("%q and its upper case give different names", id)
		}
	})
}
