package wizard_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// k8sPlan is a resolved Kubernetes create of mlw-prod.
func k8sPlan(t *testing.T, c *wizardtest.Cloud, mode wizard.Mode, name string) *wizard.Plan {
	t.Helper()
	p := wizard.NewPlan(mode)
	p.Subscription = wizardtest.Sub
	p.Mark(wizard.FSubscription, wizard.Flag)
	p.Workspace = wizardtest.WS
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.Name = name
	p.AllowInsecure = true
	vs, err := wizard.Resolve(t.Context(), c, p)
	if err != nil {
		t.Fatal(err)
	}
	if mode == wizard.ModeCreate && len(vs) > 0 {
		t.Fatalf("resolve: %v", vs)
	}
	return p
}

func TestPhasesOfCreateAndAttach(t *testing.T) {
	c := wizardtest.New()
	p := k8sPlan(t, c, wizard.ModeCreate, "k8s-a")
	if p.KubernetesVersion != "1.32.4" || p.From(wizard.FKubernetesVer) != wizard.Default {
		t.Fatalf("version %q from %v, want the region's default", p.KubernetesVersion, p.From(wizard.FKubernetesVer))
	}
	ph, err := wizard.Phases(c, p)
	if err != nil || len(ph) != 3 || ph[0].Kind != wizard.PhaseCluster || ph[1].Kind != wizard.PhaseExtension || ph[2].Kind != wizard.PhaseAttach {
		t.Fatalf("create phases %v %v", ph, err)
	}
	if !strings.Contains(ph[2].Equivalent, "--resource-id /subscriptions/"+wizardtest.Sub+"/resourceGroups/rg-ml-prod/providers/Microsoft.ContainerService/managedClusters/k8s-a") {
		t.Errorf("attach equivalent:\n%s", ph[2].Equivalent)
	}
	a := wizard.NewPlan(wizard.ModeAttach)
	a.Subscription, a.Workspace, a.Name = wizardtest.Sub, wizardtest.WS, "k8s-b"
	a.ClusterID = wizardtest.K8sClusterID(wizardtest.ClusterReady)
	ph, err = wizard.Phases(c, a)
	if err != nil || len(ph) != 1 || ph[0].Kind != wizard.PhaseAttach {
		t.Fatalf("attach of a ready cluster: %v %v", ph, err)
	}
	a.InstallExtension = true
	if ph, _ = wizard.Phases(c, a); len(ph) != 2 || ph[0].Kind != wizard.PhaseExtension {
		t.Fatalf("attach installing: %v", ph)
	}
	// a user-assigned identity in the attach body
	a.Identity = "/subscriptions/" + wizardtest.Sub + "/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-ml"
	// (the body sent for it is built and asserted in azure: TestKubernetesCreatePhases)
	if s := a.Spec(); s.Identity != a.Identity || s.Type != wizard.ComputeKubernetes {
		t.Fatalf("spec %+v", s)
	}
	if py := wizard.KubernetesPython(a); !strings.Contains(py, "ManagedIdentityConfiguration(resource_id=") {
		t.Fatalf("python:\n%s", py)
	}
}

func TestRunPhasesFailuresSayWhatExists(t *testing.T) {
	for _, tc := range []struct {
		kind             wizard.OpKind
		phase            wizard.PhaseKind
		exists, next     string
		clusters, extens int
	}{
		{wizard.OpCluster, wizard.PhaseCluster, "", "retries the cluster's create", 1, 0},
		{wizard.OpExtension, wizard.PhaseExtension, "cluster k8s-f created", "retries the extension only", 1, 1},
	} {
		c := wizardtest.New()
		c.PhaseOutcome = map[wizard.OpKind]error{tc.kind: errors.New("boom")}
		p := k8sPlan(t, c, wizard.ModeCreate, "k8s-f")
		_, err := wizard.RunPhases(t.Context(), c, p, &wizard.Guard{}, time.Millisecond, nil)
		var pe *wizard.PhaseError
		if !errors.As(err, &pe) || pe.Phase != tc.phase || pe.Exists != tc.exists || !strings.Contains(pe.Next, tc.next) {
			t.Fatalf("%s: %v (%+v)", tc.kind, err, pe)
		}
		if len(c.ClusterSpecs) != tc.clusters || len(c.ExtensionSpecs) != tc.extens || len(c.Specs) != 0 {
			t.Fatalf("%s: sent %d clusters %d extensions %d computes", tc.kind, len(c.ClusterSpecs), len(c.ExtensionSpecs), len(c.Specs))
		}
	}
	// an attach that Azure refuses keeps the cluster and the extension
	c := wizardtest.New()
	c.Outcome = errors.New("InternalServerError")
	p := k8sPlan(t, c, wizard.ModeCreate, "k8s-g")
	_, err := wizard.RunPhases(t.Context(), c, p, &wizard.Guard{}, time.Millisecond, nil)
	var pe *wizard.PhaseError
	if !errors.As(err, &pe) || pe.Phase != wizard.PhaseAttach || pe.Exists != "cluster k8s-g created, extension installed" || !strings.Contains(pe.Next, "retries the attach only") {
		t.Fatalf("attach failure: %v", err)
	}
}

func TestRunPhasesRefusesForeignClusterAndDoubleSubmit(t *testing.T) {
	c := wizardtest.New()
	p := k8sPlan(t, c, wizard.ModeCreate, "k8s-h")
	p.ClusterName, p.ClusterGroup = "aks-shared", "rg-aks" // exists, not created by amlaks
	_, err := wizard.RunPhases(t.Context(), c, p, &wizard.Guard{}, time.Millisecond, nil)
	if err == nil || !strings.Contains(err.Error(), "not made for mlw-prod/k8s-h (not made by amlaks)") || len(c.ClusterSpecs)+len(c.ExtensionSpecs)+len(c.Specs) != 0 {
		t.Fatalf("foreign cluster: %v", err)
	}
	g := &wizard.Guard{}
	q := k8sPlan(t, c, wizard.ModeCreate, "k8s-i")
	g.Acquire(q.GuardKey())
	if _, err := wizard.RunPhases(t.Context(), c, q, g, time.Millisecond, nil); !errors.Is(err, wizard.ErrConflict) {
		t.Fatalf("double submit: %v", err)
	}
}

func TestRunPhasesWaitsForAnExtensionStillRunning(t *testing.T) {
	c := wizardtest.New()
	p := k8sPlan(t, c, wizard.ModeCreate, "k8s-w")
	ctx, cancel := context.WithCancel(t.Context())
	c.StopAfter = func(op wizard.Operation, _ string) bool {
		if op.Kind == wizard.OpExtension {
			cancel()
			return true
		}
		return false
	}
	c.PhaseProgress = map[wizard.OpKind][]string{wizard.OpExtension: {"Creating"}}
	_, err := wizard.RunPhases(ctx, c, p, &wizard.Guard{}, time.Millisecond, nil)
	var ie *wizard.Interrupted
	if !errors.As(err, &ie) || ie.Phase != wizard.PhaseExtension {
		t.Fatalf("interrupt: %v", err)
	}
	c.StopAfter = nil
	var skipped []wizard.PhaseKind
	cp, err := wizard.RunPhases(t.Context(), c, p, &wizard.Guard{}, time.Millisecond, func(pp wizard.PhaseProgress) {
		if pp.Skipped {
			skipped = append(skipped, pp.Phase)
		}
	})
	if err != nil || cp == nil || cp.Type != "Kubernetes" {
		t.Fatalf("continue: %v %+v", err, cp)
	}
	if len(skipped) != 2 || skipped[0] != wizard.PhaseCluster || skipped[1] != wizard.PhaseExtension || len(c.ClusterSpecs) != 1 || len(c.ExtensionSpecs) != 1 {
		t.Fatalf("skipped %v; sent %d clusters %d extensions", skipped, len(c.ClusterSpecs), len(c.ExtensionSpecs))
	}
	// a third run: everything done, nothing sent
	if _, err := wizard.RunPhases(t.Context(), c, p, &wizard.Guard{}, time.Millisecond, nil); err != nil || len(c.Specs) != 1 {
		t.Fatalf("third run: %v, %d computes sent", err, len(c.Specs))
	}
}

func TestKubernetesPreflightFindings(t *testing.T) {
	c := wizardtest.New()
	p := k8sPlan(t, c, wizard.ModeCreate, "k8s-p")
	p.APIAccess, p.AuthorizedRanges = wizard.APIAuthorized, []string{"20.12.34.0/24"}
	p.KubernetesVersion = "1.33"
	p.Mark(wizard.FKubernetesVer, wizard.Flag)
	rep, err := wizard.Preflight(t.Context(), c, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	// authorized ranges: Azure ML reaches the cluster through the
	// workspace's Trusted Access binding, so no Warn about its ranges
	want := map[string]rules.Severity{rules.CodeTrustedAccess: rules.Info, rules.CodeVersionPreview: rules.Warn, rules.CodeInsecure: rules.Warn}
	for _, f := range rep.Findings {
		if sev, ok := want[f.Code]; ok && sev == f.Severity {
			delete(want, f.Code)
		}
		if f.Code == rules.CodeVersionUsed && strings.Contains(f.Message, "cannot choose") {
			t.Errorf("legacy version finding on the current path: %s", f)
		}
	}
	if len(want) != 0 || rep.Blocked() {
		t.Fatalf("missing %v in %v", want, rep.Findings)
	}
	for _, f := range rep.Findings {
		if f.Code == rules.CodeAuthorizedRanges {
			t.Errorf("ranges finding with Trusted Access: %q", f.Message)
		}
		if f.Code == rules.CodeTrustedAccess && !strings.Contains(f.Message, "k8s-p has authorized IP ranges: amlaks creates Trusted Access role binding aml-mlw-prod-") {
			t.Errorf("Trusted Access finding says %q", f.Message)
		}
	}
	// the sandbox subscription: KubernetesConfiguration not registered
	s := k8sPlan(t, c, wizard.ModeCreate, "k8s-s")
	s.Subscription = wizardtest.Sub2
	rep, err = wizard.Preflight(t.Context(), c, s, nil)
	if err != nil || !rep.Blocked() {
		t.Fatalf("sandbox: %v %v", err, rep.Findings)
	}
	// the picker's badge: a cluster without the extension "will be installed", not blocked
	a := wizard.NewPlan(wizard.ModeAttach)
	a.Workspace = wizardtest.WS
	for _, cl := range c.Clus {
		if cl.Name != wizardtest.ClusterBare {
			continue
		}
		fs := wizard.ClusterFindings(cl, a, nil, []string{"westus"}, nil, wizard.Extension{}, false, true, nil, false)
		if rules.Blocked(fs) || !strings.Contains(findingText(fs), "it will be installed") {
			t.Fatalf("badge of %s: %v", cl.Name, fs)
		}
	}
}

func findingText(fs []rules.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

// BenchmarkKubernetesPlan measures the synchronous work of a Kubernetes
// create in line mode against the in-memory fake: Resolve, Preflight and
// the phases' requests and equivalents.
func BenchmarkKubernetesPlan(b *testing.B) {
	c := wizardtest.New()
	for b.Loop() {
		p := wizard.NewPlan(wizard.ModeCreate)
		p.Subscription, p.Workspace, p.Name, p.AllowInsecure = wizardtest.Sub, wizardtest.WS, "k8s-bench", true
		p.Mark(wizard.FSubscription, wizard.Flag)
		p.Mark(wizard.FWorkspace, wizard.Flag)
		if vs, err := wizard.Resolve(b.Context(), c, p); err != nil || len(vs) > 0 {
			b.Fatal(err, vs)
		}
		if _, err := wizard.Preflight(b.Context(), c, p, nil); err != nil {
			b.Fatal(err)
		}
		if _, err := wizard.Phases(c, p); err != nil {
			b.Fatal(err)
		}
	}
}
