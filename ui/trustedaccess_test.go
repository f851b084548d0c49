package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// TestKubernetesPickerTrustedAccessAndTrainingOnly: the cluster picker
// reads the bindings of the clusters that need Trusted Access: a cluster
// whose 8 are taken is blocked there, naming them; one with room says the
// binding will be made; a training-only extension says inference will be
// added, and picking that cluster is the choice to add it (the review's
// first phase is the PATCH).
func TestKubernetesPickerTrustedAccessAndTrainingOnly(t *testing.T) {
	d := k8sDriver(t, sized(140, 40), func(o *Options) {
		p := wizard.NewPlan(wizard.ModeAttach)
		p.Mark(wizard.FMode, wizard.Flag)
		p.Mark(wizard.FComputeType, wizard.Unset)
		o.Plan = p
		c := o.Cloud.(*wizardtest.Cloud)
		for i := range c.Clus {
			switch c.Clus[i].Name {
			case wizardtest.ClusterReady, wizardtest.ClusterBare:
				c.Clus[i].LocalAccountsDisabled = true
			}
		}
		full := strings.ToLower(wizardtest.K8sClusterID(wizardtest.ClusterReady))
		c.Bindings = map[string][]wizard.RoleBinding{}
		for i := range 8 {
			c.Bindings[full] = append(c.Bindings[full], wizard.RoleBinding{Name: fmt.Sprintf("taken-%d", i), State: "Succeeded",
				Source: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.DataProtection/backupVaults/bv" + fmt.Sprint(i)})
		}
		k := strings.ToLower(wizardtest.K8sClusterID(wizardtest.ClusterBroken))
		e := c.Exts[k]
		e.State, e.Errors, e.Settings = "Succeeded", nil, map[string]string{"enableInference": "False", "enableTraining": "True"}
		c.Exts[k] = e
	})
	d.pickWorkspaceOnly()
	d.press("enter", "enter") // Kubernetes, production
	d.wantStep(wizard.StepCluster)
	d.highlight(wizardtest.ClusterReady)
	d.wantScreen(wizardtest.ClusterReady+" blocked", "already has the 8 bindings AKS allows: taken-0")
	d.highlight(wizardtest.ClusterBare)
	d.wantScreen("local accounts disabled: amlaks creates Trusted Access role binding aml-mlw-prod-")
	d.wantNoScreen(wizardtest.ClusterBare + " blocked")
	d.highlight(wizardtest.ClusterBroken)
	d.wantScreen("installed for training only (enableInference=False): amlaks adds inference to it")
	d.press("enter")
	if !d.m.plan.InstallExtension || !d.m.plan.AddsInference() {
		t.Fatalf("picking the training-only cluster: install %v, adds inference %v", d.m.plan.InstallExtension, d.m.plan.AddsInference())
	}
	for _, id := range []wizard.StepID{wizard.StepRouter, wizard.StepTLS, wizard.StepNamespace, wizard.StepIdentity} {
		d.wantStep(id)
		d.enterThrough()
	}
	d.wantStep(wizard.StepName)
	d.typ("k8s-train")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	d.press("e")
	d.wantScreen("phase 1/2: add inference to the Azure ML extension azureml on "+wizardtest.ClusterBroken, "az k8s-extension update")
}

// TestKubernetesResourceIDOfAnotherSubscription: a pasted cluster of
// another subscription is refused with the true reason on the current
// path.
func TestKubernetesResourceIDOfAnotherSubscription(t *testing.T) {
	d := k8sDriver(t, sized(140, 40), func(o *Options) {
		p := wizard.NewPlan(wizard.ModeAttach)
		p.Mark(wizard.FMode, wizard.Flag)
		p.Mark(wizard.FComputeType, wizard.Unset)
		o.Plan = p
	})
	d.pickWorkspaceOnly()
	d.press("enter", "enter") // Kubernetes, production
	d.wantStep(wizard.StepCluster)
	d.press("ctrl+o")
	d.typ("/subscriptions/" + wizardtest.Sub2 + "/resourceGroups/rg-sandbox/providers/Microsoft.ContainerService/managedClusters/aks-sandbox")
	d.wantScreen("Azure ML cannot attach an AKS cluster across subscriptions")
	d.wantNoScreen("no AKS cluster")
}
