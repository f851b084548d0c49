package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// TestLineTrustedAccessAttachAndStatus: line mode attaches a cluster with
// local accounts disabled through the Trusted Access phase, and status
// shows that phase with the binding's name.
func TestLineTrustedAccessAttachAndStatus(t *testing.T) {
	c := wizardtest.New()
	for i := range c.Clus {
		if c.Clus[i].Name == wizardtest.ClusterReady {
			c.Clus[i].LocalAccountsDisabled = true
		}
	}
	code, out, errs := runLine(t, c, "attach", "-w", "mlw-prod", "-n", "k8s-ta", "--cluster", wizardtest.ClusterReady, "--yes")
	if code != 0 || !strings.Contains(errs, "[1/2 trusted-access]") || !strings.Contains(errs, "[2/2 attach]") || len(c.BindingSpecs) != 1 {
		t.Fatalf("attach: exit %d, %d bindings\n%s\n%s", code, len(c.BindingSpecs), out, errs)
	}
	code, out, _ = runLine(t, c, "status", "k8s-ta", "-w", "mlw-prod")
	if code != 0 || !regexpLine(out, "trusted-access", "Succeeded (role binding aml-mlw-prod-", "needed for local accounts disabled") ||
		!regexpLine(out, "extension", "Succeeded 1.1.64") {
		t.Fatalf("status:\n%s", out)
	}
	code, out, _ = runLine(t, c, "status", "k8s-ta", "-w", "mlw-prod", "-o", "json")
	var st struct {
		Phases []map[string]string `json:"phases"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || len(st.Phases) != 4 || st.Phases[1]["phase"] != "trusted-access" ||
		st.Phases[1]["name"] != c.BindingSpecs[0].Name {
		t.Fatalf("status json: %d\n%s", code, out)
	}
}

// TestLineCrossSubscriptionCluster: a cluster of another subscription is
// refused (exit 2) with the true reason, not "no AKS cluster".
func TestLineCrossSubscriptionCluster(t *testing.T) {
	c := wizardtest.New()
	id := rules.ClusterID{SubscriptionID: wizardtest.Sub2, ResourceGroup: "rg-sandbox", Name: "aks-sandbox"}.String()
	code, out, errs := runLine(t, c, "attach", "-w", "mlw-prod", "-n", "k8s-x", "--cluster-id", id, "--dry-run")
	if code != 2 || !strings.Contains(errs, "Azure ML cannot attach an AKS cluster across subscriptions") || strings.Contains(errs, "no AKS cluster") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if sent(c) != 0 {
		t.Fatal("something was sent")
	}
}

// TestLineStatusTrainingOnly: status and list say when a compute's
// extension serves training only.
func TestLineStatusTrainingOnly(t *testing.T) {
	c := wizardtest.New()
	if code, out, errs := runLine(t, c, "attach", "-w", "mlw-prod", "-n", "k8s-tr", "--cluster", wizardtest.ClusterReady, "--yes"); code != 0 {
		t.Fatalf("attach: exit %d\n%s\n%s", code, out, errs)
	}
	k := strings.ToLower(wizardtest.K8sClusterID(wizardtest.ClusterReady))
	e := c.Exts[k]
	e.Settings = map[string]string{"enableInference": "False", "enableTraining": "True"}
	c.Exts[k] = e
	code, out, _ := runLine(t, c, "status", "k8s-tr", "-w", "mlw-prod")
	if code != 0 || !regexpLine(out, "extension", "Succeeded 1.1.64", "training only (enableInference=False): online deployments fail") {
		t.Fatalf("status:\n%s", out)
	}
	code, out, _ = runLine(t, c, "list", "-w", "mlw-prod", "-o", "json")
	if code != 0 || !strings.Contains(out, `"inference": false`) {
		t.Fatalf("list json:\n%s", out)
	}
}

// TestLinePhaseFailureShowsAzureDetails: a phase that fails prints what
// Azure said under the error (its details and hint), then what to do.
func TestLinePhaseFailureShowsAzureDetails(t *testing.T) {
	c := wizardtest.New()
	for i := range c.Clus {
		if c.Clus[i].Name == wizardtest.ClusterReady {
			c.Clus[i].LocalAccountsDisabled = true
		}
	}
	c.PhaseOutcome = map[wizard.OpKind]error{wizard.OpTrustedAccess: &wizard.Error{Kind: wizard.ErrFailed, Code: "BadRequest", Message: "The request is invalid",
		Details: []wizard.OpError{{Code: "RoleNotFound", Message: "role mlworkload is not offered in this cloud"}}, Hint: "Trusted Access is in Azure's public cloud only"}}
	code, _, errs := runLine(t, c, "attach", "-w", "mlw-prod", "-n", "k8s-ta", "--cluster", wizardtest.ClusterReady, "--yes")
	if code != 1 || !strings.Contains(errs, "the trusted-access phase failed: BadRequest: The request is invalid\n  RoleNotFound: role mlworkload is not offered in this cloud\nhint: Trusted Access is in Azure's public cloud only\nnext: ") ||
		len(c.Specs) != 0 {
		t.Fatalf("exit %d, %d computes sent\n%s", code, len(c.Specs), errs)
	}
}
