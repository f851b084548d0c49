package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// k8sDriver opens the wizard with the compute type still to ask (the
// current path preselected).
func k8sDriver(t *testing.T, mutate ...func(*Options)) *driver {
	return newDriver(t, append([]func(*Options){func(o *Options) {
		p := wizard.NewPlan(wizard.ModeCreate)
		p.Mark(wizard.FComputeType, wizard.Unset)
		o.Plan = p
	}}, mutate...)...)
}

// k8sCreateTo walks a Kubernetes create (at 100×32) with the defaults up
// to step id.
func k8sCreateTo(t *testing.T, id wizard.StepID) *driver {
	d := k8sDriver(t, sized(100, 32))
	d.pickWorkspace()
	d.press("enter") // create
	d.wantStep(wizard.StepComputeType)
	d.press("enter") // Kubernetes
	for d.m.step != id {
		if d.m.step == wizard.StepName {
			d.typ("k8s-new") // asked before the cluster, whose name it suggests
		}
		d.enterThrough()
	}
	return d
}

// A Kubernetes create from the wizard: every step of the current path
// asked in order, the review lists the three phases, and the submit runs
// them (cluster, extension, attach) to a Kubernetes compute.
func TestKubernetesCreateThroughThreePhases(t *testing.T) {
	d := k8sDriver(t, sized(100, 32))
	d.pickWorkspace()
	d.press("enter") // create
	d.wantStep(wizard.StepComputeType)
	d.wantScreen("Kubernetes compute (current, recommended)", "AKS compute (legacy v1")
	d.press("enter")
	want := []wizard.StepID{wizard.StepPurpose, wizard.StepRegion, wizard.StepK8sVersion, wizard.StepVMSize, wizard.StepNodes,
		wizard.StepRouter, wizard.StepTLS, wizard.StepNamespace, wizard.StepName, wizard.StepNewCluster, wizard.StepAPIAccess}
	for _, id := range want {
		d.wantStep(id)
		switch id {
		case wizard.StepK8sVersion:
			d.wantScreen("1.32", "default", "preview: no SLA", "LTS")
		case wizard.StepName:
			d.typ("k8s-new")
		case wizard.StepNewCluster:
			// the suggested cluster is the compute's name, asked just before
			d.wantScreen("AKS cluster name", "k8s-new", "Resource group", "rg-ml-prod")
		case wizard.StepRouter:
			d.wantScreen("Public LB", "Internal LB", "NodePort", "High availability")
		case wizard.StepTLS:
			d.wantScreen("allow insecure (plain HTTP) connections")
		}
		d.enterThrough()
	}
	d.wantStep(wizard.StepReview)
	d.wantScreen("Create Kubernetes compute k8s-new in mlw-prod", "Router", "Namespace", "default")
	// one estimate: the three phases' usual times added up (8 + 6 + 5
	// min), the figure the progress says too
	d.wantScreen("takes about 19 min")
	p := d.m.plan
	if !p.Kubernetes() || !p.AllowInsecure || p.KubernetesVersion == "" || p.NewClusterName() == "" {
		t.Fatalf("plan: type %s insecure %v version %q cluster %q", p.ComputeType, p.AllowInsecure, p.KubernetesVersion, p.NewClusterName())
	}
	d.press("enter") // submit: the phases run
	d.wantScreen("✓")
	if d.m.op.expected != 19*time.Minute {
		t.Errorf("progress expects %s, review said 19 min", d.m.op.expected)
	}
	var names []string
	for _, ph := range d.m.op.phases {
		names = append(names, ph.name)
		if !ph.done {
			t.Errorf("phase %s not done: %+v", ph.name, ph)
		}
	}
	if strings.Join(names, ",") != "cluster,extension,attach" {
		t.Fatalf("phases seen: %v", names)
	}
	var found bool
	for _, c := range d.cloud.Comps["mlw-prod"] {
		if c.Name == "k8s-new" && strings.EqualFold(c.Type, "Kubernetes") && c.State == "Succeeded" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no Kubernetes compute k8s-new: %+v\n%s", d.cloud.Comps["mlw-prod"], d.screen())
	}
}

// A Kubernetes attach of a cluster without the extension, installing it.
func TestKubernetesAttachInstallsTheExtension(t *testing.T) {
	d := k8sDriver(t, sized(100, 32), func(o *Options) {
		p := wizard.NewPlan(wizard.ModeAttach)
		p.Mark(wizard.FMode, wizard.Flag)
		p.Mark(wizard.FComputeType, wizard.Unset)
		p.InstallExtension = true
		p.Mark(wizard.FInstallExtension, wizard.Flag)
		o.Plan = p
	})
	d.pickWorkspaceOnly()
	d.wantStep(wizard.StepComputeType)
	d.press("enter", "enter") // Kubernetes, production
	d.wantStep(wizard.StepCluster)
	d.highlight(wizardtest.ClusterBare)
	d.press("enter")
	for _, id := range []wizard.StepID{wizard.StepRouter, wizard.StepTLS, wizard.StepNamespace, wizard.StepIdentity} {
		d.wantStep(id)
		d.enterThrough()
	}
	d.wantStep(wizard.StepName)
	d.typ("k8s-att")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	d.wantScreen("Attach Kubernetes compute k8s-att", "Identity", "system-assigned")
	d.press("enter")
	d.wantScreen("✓")
	var found bool
	for _, c := range d.cloud.Comps["mlw-prod"] {
		found = found || (c.Name == "k8s-att" && c.State == "Succeeded")
	}
	if !found {
		t.Fatalf("no k8s-att: %+v\n%s", d.cloud.Comps["mlw-prod"], d.screen())
	}
}

// The current path's cluster picker badges the extension: installed (its
// version), missing ("it will be installed"), failed ("it will be
// reinstalled"); picking a cluster without a healthy extension is the
// choice to install it, so its router and TLS are asked and the review has
// the extension phase.
func TestKubernetesPickerBadgesAndInstallsOnPick(t *testing.T) {
	d := k8sDriver(t, sized(120, 36), func(o *Options) {
		p := wizard.NewPlan(wizard.ModeAttach)
		p.Mark(wizard.FMode, wizard.Flag)
		p.Mark(wizard.FComputeType, wizard.Unset)
		o.Plan = p
	})
	d.pickWorkspaceOnly()
	d.press("enter", "enter") // Kubernetes, production
	d.wantStep(wizard.StepCluster)
	d.highlight(wizardtest.ClusterReady)
	d.wantScreen("the Azure ML extension", "is installed on "+wizardtest.ClusterReady)
	d.highlight(wizardtest.ClusterBroken)
	d.wantScreen("failed", "it will be reinstalled")
	d.highlight(wizardtest.ClusterBare)
	d.wantScreen("is not installed on " + wizardtest.ClusterBare + ": it will be installed")
	d.press("enter")
	if !d.m.plan.InstallExtension {
		t.Fatal("picking a cluster without the extension must install it")
	}
	for _, id := range []wizard.StepID{wizard.StepRouter, wizard.StepTLS, wizard.StepNamespace, wizard.StepIdentity} {
		d.wantStep(id)
		d.enterThrough()
	}
	d.wantStep(wizard.StepName)
	d.typ("k8s-pick")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	d.press("e")
	d.wantScreen("phase 1/2: install the Azure ML extension on " + wizardtest.ClusterBare)
}

// The API access form: a wrong range is refused with the rule's message
// under the field; an address typed alone is sent as /32, as the flag's is.
func TestAPIAccessFormChecksRanges(t *testing.T) {
	d := k8sCreateTo(t, wizard.StepAPIAccess)
	d.press("right") // authorized ranges
	d.press("tab")
	d.typ("20.12.34.0/24, foo")
	d.wantScreen("'foo' is not an IPv4 address")
	d.press("enter")
	d.wantStep(wizard.StepAPIAccess)
	d.wantScreen("not yet:")
	for range "foo" {
		d.press("backspace")
	}
	d.typ("52.168.1.7")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	if got := strings.Join(d.m.plan.AuthorizedRanges, ","); got != "20.12.34.0/24,52.168.1.7/32" {
		t.Fatalf("ranges %q", got)
	}
}

// The TLS step on the current path offers only what a Kubernetes compute
// can do (off, or your own certificate: no Microsoft certificate to pick
// and then be refused), says nothing is missing before anything is typed,
// and shows its examples as examples ("e.g. …"), colour or not.
func TestKubernetesTLSOffersOnlyWhatTheTypeCanDo(t *testing.T) {
	d := k8sCreateTo(t, wizard.StepTLS)
	d.wantScreen("Off (plain HTTP)", "Your own certificate")
	d.wantNoScreen("Microsoft certificate")
	d.press("2") // your own certificate
	d.wantScreen("Certificate file", "e.g. cert.pem", "e.g. key.pem", "e.g. scoring.contoso.com")
	d.wantNoScreen("✗")
	d.press("enter", "enter", "enter", "enter") // through the empty fields: now it says what is missing
	d.wantStep(wizard.StepTLS)
	d.wantScreen("✗", "not yet:")
	d.press("shift+tab", "shift+tab", "1") // off: plain HTTP
	d.press("enter")
	d.wantStep(wizard.StepNamespace)
	if !d.m.plan.AllowInsecure || d.m.plan.TLS.Mode != rules.TLSOff {
		t.Fatalf("off must allow insecure connections: %+v", d.m.plan.TLS.Mode)
	}
}

// TestReviewEstimatesTheWholeOperation: the review's estimate is the sum
// of the operations the compute type runs (a Kubernetes create: cluster
// 8 + extension 6 + attach 5 minutes), the same figure the operation
// screen then counts against.
func TestReviewEstimatesTheWholeOperation(t *testing.T) {
	d := k8sDriver(t, sized(100, 32))
	d.createTo(wizard.StepName)
	d.typ("k8s-est")
	for d.m.step != wizard.StepReview {
		d.enterThrough() // the cluster (named after the compute) and its API access
	}
	d.wantScreen("Create Kubernetes compute k8s-est", "takes about 19 min")
	if got := d.m.expectedOf(d.m.plan.View()); got != 19*time.Minute {
		t.Fatalf("expected %s", got)
	}
}

// The new cluster's name is looked up as it is typed against the
// subscription's clusters (listed once): a cluster that exists and was not
// made for this compute is said at once to be attached, and answering it
// makes the create the attach of it (the review's title and findings say
// so, and nothing of the cluster is created).
func TestNewClusterNameCheckedAsTyped(t *testing.T) {
	d := k8sCreateTo(t, wizard.StepNewCluster)
	d.wantNoScreen("exists (")
	d.press("ctrl+u")
	d.typ("aks-shared")
	d.press("tab", "ctrl+u")
	d.typ("rg-aks")
	d.wantScreen("aks-shared exists (not made by amlaks): this attaches it")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	if p := d.m.plan; p.Mode != wizard.ModeAttach || !p.Adopted || p.Cluster == nil || p.Cluster.Name != "aks-shared" {
		t.Fatalf("plan: mode %s adopted %v cluster %v", p.Mode, p.Adopted, p.Cluster)
	}
	d.wantScreen("Attach Kubernetes compute k8s-new", "aks-shared exists (not made by amlaks): this attaches it")
}
