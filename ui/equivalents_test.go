package ui

import (
	"errors"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard"
)

// The review's REST view shows the Cloud's Request — what Submit sends —
// and builds no body of its own.
func TestEquivalentsRESTIsTheCloudsRequest(t *testing.T) {
	d := newDriver(t, sized(160, 40))
	d.toClusters(false)
	d.highlight("aks-private")
	d.press("enter", "enter", "enter") // cluster, load balancer, TLS
	d.wantStep(wizard.StepName)
	d.typ("aks-priv")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	d.press("e", "tab", "tab")
	req, err := d.cloud.Request(d.m.plan.WorkspaceRef(), d.m.plan.Spec())
	if err != nil {
		t.Fatal(err)
	}
	if got := equivalents(d.m.cloud, d.m.plan, 2); got != req.String() {
		t.Fatalf("REST tab\n%s\nwant the Cloud's request\n%s", got, req.String())
	}
	d.wantScreen("[REST]", "PUT https://management.example/subscriptions/", `"fake": "wizardtest"`, `"name": "aks-priv"`)

	d.cloud.SetErr("Request", errors.New("no body today"))
	if got := equivalents(d.m.cloud, d.m.plan, 2); !strings.Contains(got, "the request cannot be shown: no body today") {
		t.Errorf("REST tab on error: %q", got)
	}
	if got := equivalents(nil, d.m.plan, 2); !strings.Contains(got, "signed in") {
		t.Errorf("REST tab without a Cloud: %q", got)
	}
}
