package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// TestLTSOnlyVersionGivenByFlag: an LTS-only version given on the command
// line reaches the review as a Premium tier cluster: the review warns
// what the tier costs and sends sku Premium + the LTS plan, never the
// Block of a cluster AKS would refuse.
func TestLTSOnlyVersionGivenByFlag(t *testing.T) {
	for _, late := range []bool{false, true} {
		t.Run(map[bool]string{false: "versions first", true: "versions after the review"}[late], func(t *testing.T) { ltsByFlag(t, late) })
	}
}

func ltsByFlag(t *testing.T, late bool) {
	d := newDriver(t, func(o *Options) {
		if late { // the review is reached before the region's versions come
			o.Cloud.(*wizardtest.Cloud).Delay["Versions"] = 150 * time.Millisecond
		}
		p := wizard.NewPlan(wizard.ModeCreate)
		p.ComputeType = wizard.ComputeKubernetes
		p.Mark(wizard.FComputeType, wizard.Flag)
		p.KubernetesVersion = "1.30"
		p.Mark(wizard.FKubernetesVer, wizard.Flag)
		p.AllowInsecure = true
		p.Mark(wizard.FAllowInsecure, wizard.Flag)
		p.TLS = rules.TLS{}
		p.Mark(wizard.FTLS, wizard.Flag)
		p.Name = "k8s-lts"
		p.Mark(wizard.FName, wizard.Flag)
		o.Height = 60
		o.Plan = p
	})
	for i := 0; i < 30 && d.m.step != wizard.StepReview; i++ {
		d.press("enter")
	}
	d.wantStep(wizard.StepReview)
	s := d.screen()
	if !d.m.plan.LTS || strings.Contains(s, "BLOCK") || !strings.Contains(s, "LTS only (Premium tier)") {
		t.Fatalf("LTS %v:\n%s", d.m.plan.LTS, s)
	}
}
