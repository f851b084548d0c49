package ui

import (
	"strings"

	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// toClusters walks to the cluster picker as production (or dev-test).
func (d *driver) toClusters(devtest bool) {
	d.t.Helper()
	d.pickWorkspace()
	d.press("down", "enter") // attach
	d.wantStep(wizard.StepPurpose)
	if devtest {
		d.press("down")
	}
	d.press("enter")
	d.wantStep(wizard.StepCluster)
}

// highlight filters the cluster table down to name.
func (d *driver) highlight(name string) {
	d.t.Helper()
	d.press("ctrl+u")
	d.typ(name)
}

func TestAttachOutcomes(t *testing.T) {
	d := newDriver(t)
	d.toClusters(false)
	d.wantScreen("5/9 Cluster", "aks-shared", "aks-private", "aks-small", "aks-legacy")

	d.highlight("aks-shared")
	d.wantScreen("aks-shared blocked", "aks-inference in mlw-prod")
	d.press("enter")
	d.wantStep(wizard.StepCluster)
	d.wantScreen("aks-shared cannot be attached")

	d.highlight("aks-legacy")
	d.wantScreen("aks-legacy blocked", "1.24", "1.30", "1.31", "1.32")
	d.press("enter")
	d.wantStep(wizard.StepCluster)

	d.highlight("aks-small")
	d.wantScreen("aks-small blocked", "dev-test")
	d.press("enter")
	d.wantStep(wizard.StepCluster)

	d.highlight("aks-private")
	d.wantScreen("aks-private attachable", "private")
	d.press("enter")
	d.wantStep(wizard.StepNetwork) // an attach asks the load balancer
	d.press("enter")
	d.wantStep(wizard.StepTLS)
	if d.m.plan.Cluster == nil || d.m.plan.Cluster.Name != "aks-private" || !strings.HasSuffix(d.m.plan.ClusterID, "/aks-private") {
		t.Fatalf("cluster %q", d.m.plan.ClusterID)
	}
	d.press("enter")
	d.wantStep(wizard.StepName)
	d.typ("aks-priv")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	d.wantScreen("Attach AKS compute aks-priv", "aks-private (rg-aks, eastus", "takes about 5 min")
	d.press("e")
	d.wantScreen("az ml computetarget attach aks", "-n aks-priv")
	d.press("esc")
	d.wantStep(wizard.StepReview)
	d.press("enter")
	d.wantScreen("✓ Attached aks-priv")
	if len(d.cloud.Specs) != 1 || !strings.HasSuffix(d.cloud.Specs[0].ClusterID, "/aks-private") {
		t.Fatalf("specs %+v", d.cloud.Specs)
	}
}

func TestAttachSmallAsDevTest(t *testing.T) {
	d := newDriver(t)
	d.toClusters(true)
	d.highlight("aks-small")
	d.wantNoScreen("aks-small blocked")
	d.press("enter")
	d.wantStep(wizard.StepNetwork) // an attach asks the load balancer
	d.press("enter")
	d.wantStep(wizard.StepTLS)
	if d.m.plan.Purpose != rules.DevTest {
		t.Fatal(d.m.plan.Purpose)
	}
	// back to purpose, production: aks-small is blocked now
	d.press("esc", "esc", "esc")
	d.wantStep(wizard.StepPurpose)
	d.press("up", "enter")
	d.highlight("aks-small")
	d.wantScreen("aks-small blocked")
}

func TestAttachResourceIDWrongSegment(t *testing.T) {
	d := newDriver(t)
	d.toClusters(false)
	d.press("ctrl+o")
	bad := "/subscriptions/" + wizardtest.Sub + "/resourceGrups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-private"
	d.typ(bad)
	d.wantScreen("resourceGroups", "resourceGrups")
	d.press("enter")
	d.wantStep(wizard.StepCluster)
	d.press("ctrl+u")
	d.typ("/subscriptions/" + wizardtest.Sub + "/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-nope")
	d.wantScreen("no AKS cluster aks-nope in resource group rg-aks")
	d.press("ctrl+u")
	d.typ("/subscriptions/" + wizardtest.Sub + "/resourcegroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-private")
	d.wantScreen("✓ aks-private in rg-aks")
	d.press("enter")
	d.wantStep(wizard.StepNetwork) // an attach asks the load balancer
	d.press("enter")
	d.wantStep(wizard.StepTLS)

	// a paste in the table switches to the resource ID input
	d.press("esc", "esc")
	d.wantStep(wizard.StepCluster)
	d.press("esc") // leave the ID input
	d.send(tea.PasteMsg{Content: " /subscriptions/" + wizardtest.Sub + "/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-small\n"})
	d.wantScreen("✓ aks-small in rg-aks", "aks-small blocked")
}

func TestAttachDoubleSubmitGuard(t *testing.T) {
	d := newDriver(t)
	d.toClusters(false)
	d.highlight("aks-private")
	d.press("enter", "enter", "enter")
	d.typ("aks-one")
	d.press("enter")
	d.cloud.Delay["Follow"] = 5 * time.Second
	d.press("enter")
	d.wantStep(wizard.StepSubmit)

	// a second wizard in the same process, same guard: the cluster shows
	// blocked while the first attach runs
	d2 := newDriver(t, func(o *Options) { o.Guard = d.m.guard })
	d2.toClusters(false)
	d2.highlight("aks-private")
	d2.wantScreen("already running from this session")
	d2.press("enter")
	d2.wantStep(wizard.StepCluster)
}

func TestBrowseVersionsSwitchRegion(t *testing.T) {
	d := newDriver(t)
	d.pickWorkspace()
	d.press("down", "down", "enter")
	d.wantStep(wizard.StepVersion)
	d.wantScreen("East US (eastus)", "1.32", "default", "preview", "LTS")
	d.press("right")
	d.wantScreen("West US (westus)")
	d.typ("north")
	d.wantScreen("North Europe (northeurope)", "1.32")
	// the arrows replace the typed text: the header never names two regions
	d.press("right")
	d.wantScreen("East US (eastus)")
	d.wantNoScreen("north")
	if v := d.m.screens[wizard.StepVersion].(*versionScreen).find.Value(); v != "" {
		t.Fatalf("typed text kept: %q", v)
	}
	// nothing matches: said so, the region shown stays
	d.typ("zzz")
	d.wantScreen("no region matches 'zzz'", "East US (eastus)")
	d.press("backspace", "backspace", "backspace")
	d.wantNoScreen("no region matches")
	// after a pause, typing starts a new search instead of adding to the
	// last one ("north" then, later, "eastus" is eastus, not
	// "northeastus")
	vs := d.m.screens[wizard.StepVersion].(*versionScreen)
	d.typ("north")
	d.wantScreen("North Europe (northeurope)")
	vs.typedAt = vs.typedAt.Add(-2 * jumpPause)
	d.typ("eastus")
	d.wantScreen("East US (eastus)")
	if v := vs.find.Value(); v != "eastus" {
		t.Fatalf("typed text after a pause: %q", v)
	}
	// enter is done browsing: back to the mode, not out of the program
	d.press("enter")
	if d.m.quitting {
		t.Fatal("enter quit the program")
	}
	d.wantStep(wizard.StepMode)
	d.wantScreen("Browse versions")
}

func TestListDetachAndFollow(t *testing.T) {
	d := newDriver(t)
	d.pickWorkspace()
	d.press("down", "down", "down", "enter")
	d.wantStep(wizard.StepList)
	d.wantScreen("Computes", "cpu-cluster", "AmlCompute", "aks-inference", "aks-shared")
	d.press("d") // cpu-cluster is first: not AKS
	d.wantScreen("cpu-cluster is an AmlCompute compute: amlaks detaches AKS and Kubernetes computes only")
	d.press("down", "d")
	d.wantScreen("Detach aks-inference from mlw-prod?", "aks-shared", "itself is kept", "keeps costing", "Keep it")
	// a legacy compute leaves azureml-fe behind, as detach --help says
	d.wantScreen("azureml-fe", "leftovers")
	d.wantNoScreen("it can be attached again")
	d.wantNoScreen("is detached from") // nothing happened yet
	d.press("esc")
	d.wantNoScreen("Detach aks-inference from")
	d.press("d", "n")
	d.wantNoScreen("Detach aks-inference from")
	d.wantNoScreen("is detached from")
	d.press("d", "y")
	d.wantScreen("✓ Detached aks-inference", "AKS cluster itself is kept")
	d.press("enter")
	d.wantStep(wizard.StepList)
	d.wantNoScreen("aks-inference")
	d.press("s")
	d.wantScreen("no operation is running on cpu-cluster")
}

// TestListDetachesKubernetesComputes: the wizard's list detaches a
// Kubernetes compute as line mode does (the cluster kept), not only the
// legacy AKS ones.
func TestListDetachesKubernetesComputes(t *testing.T) {
	d := newDriver(t)
	d.cloud.Comps["mlw-prod"] = append(d.cloud.Comps["mlw-prod"], wizard.Compute{Name: "k8s-a", Type: "Kubernetes", State: "Succeeded",
		ClusterID: wizardtest.K8sClusterID(wizardtest.ClusterReady)})
	d.pickWorkspace()
	d.press("down", "down", "down", "enter")
	d.wantStep(wizard.StepList)
	d.press("end", "d")
	// a cluster amlaks did not make: keeping it is the only choice, and
	// the dialog says why
	d.wantScreen("Detach k8s-a from mlw-prod?", "itself is kept", "not created by amlaks", "Detach, keep aks-ml-ready")
	d.wantNoScreen("then delete")
	d.press("enter")
	d.wantScreen("✓ Detached k8s-a", "AKS cluster itself is kept")
	if n, del := d.cloud.CallCount("Detach"), d.cloud.CallCount("DeleteCluster"); n != 1 || del != 0 {
		t.Fatalf("Detach called %d times, DeleteCluster %d", n, del)
	}
}

// listWithAmlaksCluster is the list of mlw-prod with k8s-m on cluster
// aks-made, which amlaks made for it.
func listWithAmlaksCluster(t *testing.T, more ...func(d *driver)) (*driver, string) {
	d := newDriver(t)
	id := wizardtest.K8sClusterID("aks-made")
	d.cloud.Clus = append(d.cloud.Clus, wizard.Cluster{ID: id, Name: "aks-made", ResourceGroup: wizardtest.K8sGroup, Region: "eastus",
		ProvisioningState: "Succeeded", PowerState: "Running", Pools: []rules.Pool{{Name: "system", Size: "Standard_D3_v2", Count: 1, VCPUs: 4}},
		Tags: map[string]string{wizard.TagCreatedBy: "amlaks", wizard.TagCompute: "mlw-prod/k8s-m"}})
	d.cloud.Comps["mlw-prod"] = append(d.cloud.Comps["mlw-prod"], wizard.Compute{Name: "k8s-m", Type: "Kubernetes", State: "Succeeded", ClusterID: id})
	d.cloud.Exts[strings.ToLower(id)] = wizard.Extension{Name: "azureml", Type: wizard.ExtensionType, Version: "1.1.64", State: "Succeeded",
		Settings: map[string]string{"enableInference": "True", "clusterPurpose": "DevTest"}}
	for _, f := range more {
		f(d)
	}
	d.pickWorkspace()
	d.press("down", "down", "down", "enter")
	d.wantStep(wizard.StepList)
	d.press("end")
	return d, id
}

// TestListDetachDeletesTheClusterAmlaksMade: the list offers line mode's
// second choice for a cluster amlaks made that nothing else uses: detach,
// then delete it (under its lock); the words say it will be deleted, the
// end says it was. The list shows the compute's nodes and vCPUs from its
// cluster.
func TestListDetachDeletesTheClusterAmlaksMade(t *testing.T) {
	d, id := listWithAmlaksCluster(t)
	// its nodes, vCPUs and purpose come from its cluster and extension
	var row string
	for _, l := range strings.Split(d.screen(), "\n") {
		if strings.Contains(l, "k8s-m ") && row == "" {
			row = strings.Join(strings.Fields(l), " ") // the table's row, before the detail line
		}
	}
	if !strings.Contains(row, "k8s-m Kubernetes Succeeded Dev-test 1 4 aks-made") {
		t.Fatalf("list row %q", row)
	}
	d.press("d")
	d.wantScreen("Detach k8s-m from mlw-prod?", "was created by amlaks and no", "Detach, keep aks-made",
		"Detach, then delete aks-made (it will be deleted)")
	d.wantNoScreen("kept and keeps costing")
	d.press("down", "enter")
	d.wantScreen("✓ Detached k8s-m", "The AKS cluster aks-made was deleted")
	if n := d.cloud.CallCount("Detach"); n != 1 || len(d.cloud.Deleted) != 1 || d.cloud.Deleted[0] != id {
		t.Fatalf("Detach %d, deleted %v", n, d.cloud.Deleted)
	}
}

// TestListDetachNeverDeletesASharedCluster: while another compute of the
// subscription (another workspace here) uses the cluster, the dialog
// offers no delete and names it.
func TestListDetachNeverDeletesASharedCluster(t *testing.T) {
	d, _ := listWithAmlaksCluster(t, func(d *driver) {
		d.cloud.Comps["mlw-research"] = append(d.cloud.Comps["mlw-research"], wizard.Compute{Name: "k8s-o", Type: "Kubernetes", State: "Succeeded",
			ClusterID: wizardtest.K8sClusterID("aks-made")})
	})
	d.press("d")
	d.wantScreen("Detach k8s-m from mlw-prod?", "It cannot be deleted", "mlw-research/k8s-o")
	d.wantNoScreen("then delete")
	d.press("enter")
	d.wantScreen("✓ Detached k8s-m", "AKS cluster itself is kept")
	if len(d.cloud.Deleted) != 0 {
		t.Fatalf("deleted %v", d.cloud.Deleted)
	}
}

func TestAttachMoreOutcomes(t *testing.T) {
	d := newDriver(t)
	d.toClusters(false)
	d.highlight("aks-locked")
	d.wantScreen("aks-locked warning", "eastus", "westus")
	d.highlight("aks-stopped")
	d.wantScreen("aks-stopped blocked", "aks-stopped is stopped")
	d.highlight("aks-gpu-weu")
	d.wantScreen("aks-gpu-weu attachable", "westeurope")
	d.highlight("aks-preview")
	d.wantScreen("aks-preview warning", "preview")
}

func TestListFollowsRunningOperation(t *testing.T) {
	d := newDriver(t)
	d.cloud.Comps["mlw-prod"] = append(d.cloud.Comps["mlw-prod"], wizard.Compute{Name: "aks-busy", Type: "AKS", State: "Creating"})
	d.cloud.Running = map[string]wizard.Operation{"aks-busy": {Kind: wizard.OpCreate, Workspace: wizardtest.WS.WorkspaceRef, Name: "aks-busy", Token: "t", Started: time.Now()}}
	d.cloud.Progress = []string{"Creating"}
	d.pickWorkspace()
	d.press("down", "down", "down", "enter")
	d.wantStep(wizard.StepList)
	d.press("end", "s")
	d.wantStep(wizard.StepSubmit)
	d.wantScreen("✓ Created aks-busy")
	d.press("enter")
	d.wantStep(wizard.StepList)
}

func TestBrowseTypingNotBlockedWhileLoading(t *testing.T) {
	d := newDriver(t)
	d.pickWorkspace()
	d.press("down", "down", "enter")
	d.cloud.Delay["Versions"] = time.Second
	for _, r := range "north" { // each key's fetch is still running when the next comes
		d.update(keyMsg(string(r)))
	}
	if v := d.m.screens[wizard.StepVersion].(*versionScreen).find.Value(); v != "north" {
		t.Fatalf("typed %q", v)
	}
}

// TestListDetachOfAComputeWhoseClusterIsGone: a cluster deleted in AKS is
// neither kept nor deleted by the detach, and the words say so.
func TestListDetachOfAComputeWhoseClusterIsGone(t *testing.T) {
	d := newDriver(t)
	d.cloud.Comps["mlw-prod"] = append(d.cloud.Comps["mlw-prod"], wizard.Compute{Name: "k8s-g", Type: "Kubernetes", State: "Succeeded",
		ClusterID: wizardtest.K8sClusterID("aks-deleted")})
	d.pickWorkspace()
	d.press("down", "down", "down", "enter")
	d.wantStep(wizard.StepList)
	d.press("end", "d")
	d.wantScreen("Detach k8s-g from mlw-prod?", "aks-deleted is gone already")
	d.wantNoScreen("kept", "then delete")
	d.press("enter")
	d.wantScreen("✓ Detached k8s-g", "Its AKS cluster aks-deleted was gone already")
	d.wantNoScreen("kept")
	if n, del := d.cloud.CallCount("Detach"), d.cloud.CallCount("DeleteCluster"); n != 1 || del != 0 {
		t.Fatalf("Detach %d, DeleteCluster %d", n, del)
	}
}
