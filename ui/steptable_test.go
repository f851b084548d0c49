package ui

import (
	"slices"
	"strings"
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
	wizard.StepMode:        {good: func(p *wizard.Plan) {}},
	wizard.StepComputeType: {good: func(p *wizard.Plan) {}},
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

// uiK8sCases override uiStepCases on the current path (Kubernetes
// compute) and hold its own rows.
var uiK8sCases = map[wizard.StepID]uiStepCase{
	wizard.StepComputeType: {good: func(p *wizard.Plan) {}},
	wizard.StepK8sVersion: {
		good: func(p *wizard.Plan) { p.KubernetesVersion = "1.31" },
		bad:  func(p *wizard.Plan) { p.KubernetesVersion = "1.20" },
		msg:  "1.20 is not offered in eastus",
	},
	wizard.StepNewCluster: {
		good: func(p *wizard.Plan) { p.ClusterName, p.ClusterGroup = "aks-ml-new", "rg-aks-new" },
		bad:  func(p *wizard.Plan) { p.ClusterName = "aks_prod_" },
		msg:  "AKS cluster name must start and end with a letter or digit",
	},
	// the purpose's size is a recommendation on the Kubernetes compute:
	// only what AKS refuses stops the step
	wizard.StepNodes: {
		good: func(p *wizard.Plan) { p.Nodes = 2 },
		bad:  func(p *wizard.Plan) { p.Nodes = 1001 },
		msg:  "--nodes 1001: must be 1000 or fewer",
	},
	wizard.StepAPIAccess: {
		good: func(p *wizard.Plan) {
			p.APIAccess, p.AuthorizedRanges = wizard.APIAuthorized, []string{"20.12.34.0/24"}
		},
		bad: func(p *wizard.Plan) { p.APIAccess = wizard.APIAuthorized },
		msg: "authorized access needs --authorized-ip-ranges",
	},
	wizard.StepRouter: {
		good: func(p *wizard.Plan) { p.Router = wizard.RouterNodePort },
		bad: func(p *wizard.Plan) {
			p.RouterHA, p.Nodes = true, 2
			p.Mark(wizard.FRouterHA, wizard.Flag)
			p.Purpose = rules.DevTest
			if p.Mode == wizard.ModeAttach {
				p.ClusterName = "aks-small"
			}
		},
		msg: "the high-availability inference router needs 3 nodes",
	},
	wizard.StepTLS: {
		good: func(p *wizard.Plan) { p.TLS, p.AllowInsecure = rules.TLS{}, true },
		bad:  func(p *wizard.Plan) { p.TLS, p.AllowInsecure = rules.TLS{}, false },
		msg:  "without TLS the Azure ML extension must allow insecure connections",
	},
	wizard.StepNamespace: {
		good: func(p *wizard.Plan) { p.Namespace = "team-a" },
		bad:  func(p *wizard.Plan) { p.Namespace = "Team_A" },
		msg:  "a Kubernetes namespace holds only lower-case letters, digits and -",
	},
	wizard.StepIdentity: {
		good: func(p *wizard.Plan) {
			p.Identity = "/subscriptions/" + wizardtest.Sub + "/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-ml"
		},
		bad: func(p *wizard.Plan) { p.Identity = "id-ml" },
		msg: "must be system or a user-assigned identity's resource ID",
	},
	wizard.StepCluster: {
		good: func(p *wizard.Plan) { p.ClusterName = "aks-ml-ready" },
		bad:  func(p *wizard.Plan) { p.ClusterName = "aks-shared" },
		msg:  "aks-shared is attached as an AKS (v1) compute",
	},
}

func uiCaseOf(ct wizard.ComputeType, id wizard.StepID) (uiStepCase, bool) {
	if ct == wizard.ComputeKubernetes {
		if c, ok := uiK8sCases[id]; ok {
			return c, true
		}
	}
	c, ok := uiStepCases[id]
	return c, ok
}

// TestStepTableInTheWizard: for every row of the create and attach flows
// of both compute types, a good flag answer means the wizard never stops
// at that step; a bad one stops there, saying why, naming the flag. A new
// row without a case fails.
func TestStepTableInTheWizard(t *testing.T) {
	for _, ct := range []wizard.ComputeType{wizard.ComputeAKS, wizard.ComputeKubernetes} {
		for _, mode := range []wizard.Mode{wizard.ModeCreate, wizard.ModeAttach} {
			fp := wizard.NewPlan(mode)
			fp.ComputeType = ct
			for _, id := range wizard.FlowFor(fp) {
				st := wizard.StepOf(id)
				tc, ok := uiCaseOf(ct, id)
				if st.Field == "" {
					continue
				}
				if !ok {
					t.Errorf("step %s (%s) has no case in uiStepCases or uiK8sCases", id, ct)
					continue
				}
				base := func(edit func(p *wizard.Plan)) *wizard.Plan {
					p := wizard.NewPlan(mode)
					p.ComputeType = ct
					p.Mark(wizard.FComputeType, wizard.Flag)
					p.Mark(wizard.FMode, wizard.Flag)
					p.Subscription = wizardtest.Sub
					p.Mark(wizard.FSubscription, wizard.Flag)
					p.Workspace.Name = "mlw-prod"
					p.Mark(wizard.FWorkspace, wizard.Flag)
					if mode == wizard.ModeAttach {
						p.ClusterName = "aks-private"
						if ct == wizard.ComputeKubernetes {
							// no extension yet: installing it asks the router and TLS too
							p.ClusterName, p.InstallExtension = "aks-ml-plain", true
							p.Mark(wizard.FInstallExtension, wizard.Flag)
						}
						p.Mark(wizard.FCluster, wizard.Flag)
					}
					if ct == wizard.ComputeKubernetes {
						p.AllowInsecure = true
						p.Mark(wizard.FAllowInsecure, wizard.Flag)
					}
					p.Name = "aks-new"
					p.Mark(wizard.FName, wizard.Flag)
					edit(p)
					p.Mark(st.Field, wizard.Flag)
					return p
				}
				name := string(ct) + "/" + string(mode) + "/" + string(id)
				t.Run(name+"/good", func(t *testing.T) {
					d := newDriver(t, func(o *Options) { o.Plan = base(tc.good) })
					for i := 0; i < 25 && d.m.step != wizard.StepReview; i++ {
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
				t.Run(name+"/bad", func(t *testing.T) {
					d := newDriver(t, func(o *Options) { o.Plan = base(tc.bad) })
					flow := wizard.FlowFor(d.m.plan)
					// it stops at the step, or earlier when an earlier step's
					// check already sees the problem (an attached cluster too
					// small for the HA router stops at the cluster)
					for i := 0; i < 25 && d.m.step != id && !strings.Contains(d.screen(), tc.msg); i++ {
						if d.m.step == wizard.StepReview {
							t.Fatalf("reached review past a bad --%s", st.Field)
						}
						d.press("enter")
					}
					if slices.Index(flow, d.m.step) > slices.Index(flow, id) {
						t.Fatalf("stopped at %s, past %s", d.m.step, id)
					}
					d.wantScreen(tc.msg)
				})
			}
		}
	}
}

// TestEveryStepHasItsScreen: a step of the table is drawn by its own
// screen, never by the stand-in.
func TestEveryStepHasItsScreen(t *testing.T) {
	for _, st := range wizard.Steps() {
		if _, ok := screens[st.ID]; !ok {
			t.Errorf("step %s has no screen in screens.go", st.ID)
		}
	}
}

// TestWizardPreselectsEachStepsOffer walks the step table: at every step
// with an offer, what the wizard preselects is wizard.Offer's (the
// accessible mode's test, TestAccessibleOffersEachStepsOffer, checks the
// other side).
func TestWizardPreselectsEachStepsOffer(t *testing.T) {
	shown := map[wizard.StepID]func(d *driver) string{
		wizard.StepK8sVersion: func(d *driver) string { return d.m.screens[wizard.StepK8sVersion].(*pickScreen).p.selectedKey() },
		wizard.StepNodes:      func(d *driver) string { return d.m.screens[wizard.StepNodes].(*nodesScreen).in.Value() },
	}
	for _, st := range wizard.Steps() {
		if st.Offer == nil {
			continue
		}
		read, ok := shown[st.ID]
		if !ok {
			t.Errorf("step %s has an offer this test cannot read: add its screen to shown", st.ID)
			continue
		}
		for _, purpose := range []string{"production", "dev-test"} {
			d := k8sDriver(t, func(o *Options) {
				wizard.FillFlags(o.Plan, "create", wizard.Given{"purpose": {purpose}})
			})
			d.pickWorkspace()
			d.press("enter") // create
			d.press("enter") // Kubernetes
			for d.m.step != st.ID {
				d.enterThrough()
			}
			want := wizard.Offer(d.m.plan.View(), st.ID, d.m.known())
			if got := read(d); got != want || want == "" {
				t.Errorf("%s (%s): the wizard preselects %q, the step offers %q", st.ID, purpose, got, want)
			}
		}
	}
}
