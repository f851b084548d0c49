package ui

import (
	"testing"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// uiStepCase: how a flag answers one row of the step table well and badly,
// and what the wizard says when it stops at a bad one.
type uiStepCase struct {
	good, bad func(p *wizard.Plan)
	msg       string
}

var uiStepCases = map[wizard.StepID]uiStepCase{
	wizard.StepSubscription: {
		good: func(p *wizard.Plan) { p.Subscription = wizardtest.Sub },
		bad:  func(p *wizard.Plan) { p.Subscription = "Nope Sub" },
		msg:  "no subscription 'Nope Sub' for this sign-in",
	},
	wizard.StepWorkspace: {
		good: func(p *wizard.Plan) { p.Workspace.Name = "mlw-prod" },
		bad:  func(p *wizard.Plan) { p.Workspace.Name = "mlw-nope" },
		msg:  "no workspace 'mlw-nope' in this subscription",
	},
	wizard.StepMode: {good: func(p *wizard.Plan) {}},
	wizard.StepPurpose: {
		good: func(p *wizard.Plan) { p.Purpose = rules.DevTest },
		bad:  func(p *wizard.Plan) { p.Purpose = "DenseProd" },
		msg:  "--purpose DenseProd: must be production or dev-test",
	},
	wizard.StepRegion: {
		good: func(p *wizard.Plan) { p.Region = "westeurope" },
		bad:  func(p *wizard.Plan) { p.Region = "marsnorth" },
		msg:  `--region marsnorth: unknown region "marsnorth"`,
	},
	wizard.StepVMSize: {
		good: func(p *wizard.Plan) { p.VMSize = "Standard_D4s_v3" },
		bad:  func(p *wizard.Plan) { p.VMSize = "Standard_M8ms" },
		msg:  "--vm-size Standard_M8ms: Standard_M8ms: not available for this subscription in eastus",
	},
	wizard.StepNodes: {
		good: func(p *wizard.Plan) { p.Nodes = 4 },
		bad:  func(p *wizard.Plan) { p.Nodes = 2 },
		msg:  "--nodes 2: production needs 12 vCPUs at least",
	},
	wizard.StepNetwork: {
		good: func(p *wizard.Plan) {
			p.Network = rules.Network{LoadBalancer: rules.InternalLoadBalancer, LoadBalancerSubnet: "snet-ilb"}
		},
		bad: func(p *wizard.Plan) {
			p.Network = rules.Network{LoadBalancer: rules.InternalLoadBalancer}
		},
		msg: "an internal load balancer needs a subnet",
	},
	wizard.StepTLS: {
		good: func(p *wizard.Plan) { p.TLS = rules.TLS{Mode: rules.TLSMicrosoft, LeafDomainLabel: "myleaf"} },
		bad:  func(p *wizard.Plan) { p.TLS = rules.TLS{Mode: rules.TLSMicrosoft, LeafDomainLabel: "-bad-"} },
		msg:  "--ssl",
	},
	wizard.StepName: {
		good: func(p *wizard.Plan) { p.Name = "aks-new" },
		bad:  func(p *wizard.Plan) { p.Name = "aks-inference" },
		msg:  "--name aks-inference: aks-inference is already used in mlw-prod",
	},
	wizard.StepCluster: {
		good: func(p *wizard.Plan) { p.ClusterName = "aks-private" },
		bad:  func(p *wizard.Plan) { p.ClusterName = "aks-shared" },
		msg:  "aks-shared is already attached as aks-inference in mlw-prod",
	},
}

// TestStepTableInTheWizard: for every row of the create and attach flows,
// a good flag answer means the wizard never stops at that step; a bad one
// stops there, saying why, naming the flag. A new row without a case fails.
func TestStepTableInTheWizard(t *testing.T) {
	for _, s := range wizard.Steps() {
		if _, ok := uiStepCases[s.ID]; s.Field != "" && !ok {
			t.Errorf("step %s has no case in uiStepCases", s.ID)
		}
	}
	for _, mode := range []wizard.Mode{wizard.ModeCreate, wizard.ModeAttach} {
		for _, id := range wizard.Flow(mode) {
			tc, ok := uiStepCases[id]
			st := wizard.StepOf(id)
			if !ok || st.Field == "" {
				continue
			}
			base := func(edit func(p *wizard.Plan)) *wizard.Plan {
				p := wizard.NewPlan(mode)
				p.Mark(wizard.FMode, wizard.Flag)
				p.Subscription = wizardtest.Sub
				p.Mark(wizard.FSubscription, wizard.Flag)
				p.Workspace.Name = "mlw-prod"
				p.Mark(wizard.FWorkspace, wizard.Flag)
				if mode == wizard.ModeAttach {
					p.ClusterName = "aks-private"
					p.Mark(wizard.FCluster, wizard.Flag)
				}
				p.Name = "aks-new"
				p.Mark(wizard.FName, wizard.Flag)
				edit(p)
				p.Mark(st.Field, wizard.Flag)
				return p
			}
			t.Run(string(mode)+"/"+string(id)+"/good", func(t *testing.T) {
				d := newDriver(t, func(o *Options) { o.Plan = base(tc.good) })
				for i := 0; i < 20 && d.m.step != wizard.StepReview; i++ {
					if d.m.step == id {
						t.Fatalf("stopped at %s although --%s was good:\n%s", id, st.Field, d.screen())
					}
					d.press("enter")
				}
				d.wantStep(wizard.StepReview)
			})
			if tc.bad == nil {
				continue
			}
			t.Run(string(mode)+"/"+string(id)+"/bad", func(t *testing.T) {
				d := newDriver(t, func(o *Options) { o.Plan = base(tc.bad) })
				for i := 0; i < 20 && d.m.step != id; i++ {
					if d.m.step == wizard.StepReview {
						t.Fatalf("reached review past a bad --%s", st.Field)
					}
					d.press("enter")
				}
				d.wantStep(id)
				d.wantScreen(tc.msg)
			})
		}
	}
}
