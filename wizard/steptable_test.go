package wizard_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// stepCase says, for one row of the step table, how a flag answers it
// well, how it answers it badly, and the rule's message for the bad one.
type stepCase struct {
	good func(p *wizard.Plan)
	bad  func(p *wizard.Plan)
	msg  string // part of the check's message for the bad answer
}

// stepCases has one entry per step with a Field: a new row without an
// entry fails TestEveryStepHasACase.
var stepCases = map[wizard.StepID]stepCase{
	wizard.StepSubscription: {
		good: func(p *wizard.Plan) { p.Subscription = wizardtest.Sub },
		bad:  func(p *wizard.Plan) { p.Subscription = "Nope Sub" }, // an ID is trusted until a call says otherwise
		msg:  `no subscription "Nope Sub" for this sign-in`,
	},
	wizard.StepWorkspace: {
		good: func(p *wizard.Plan) { p.Workspace = wizardtest.WS },
		bad: func(p *wizard.Plan) {
			p.Workspace = wizard.Workspace{WorkspaceRef: wizard.WorkspaceRef{Name: "mlw-nope"}}
		},
		msg: `no workspace "mlw-nope" in this subscription`,
	},
	wizard.StepMode: {
		good: func(p *wizard.Plan) {},
	},
	wizard.StepPurpose: {
		good: func(p *wizard.Plan) { p.Purpose = rules.DevTest; p.Nodes = 1 },
		bad:  func(p *wizard.Plan) { p.Purpose = "DenseProd" },
		msg:  "must be production or dev-test",
	},
	wizard.StepRegion: {
		good: func(p *wizard.Plan) { p.Region = "westeurope" },
		bad:  func(p *wizard.Plan) { p.Region = "marsnorth" },
		msg:  `unknown region "marsnorth"`,
	},
	wizard.StepVMSize: {
		good: func(p *wizard.Plan) { p.VMSize = "Standard_D4s_v3" },
		bad:  func(p *wizard.Plan) { p.VMSize = "Standard_M8ms" },
		msg:  "not available for this subscription in eastus",
	},
	wizard.StepNodes: {
		good: func(p *wizard.Plan) { p.Nodes = 4 },
		bad:  func(p *wizard.Plan) { p.Nodes = 2 },
		msg:  "production needs",
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
		bad: func(p *wizard.Plan) {
			p.TLS = rules.TLS{Mode: rules.TLSMicrosoft, LeafDomainLabel: "myleaf"}
			p.Network.LoadBalancer = rules.InternalLoadBalancer
			p.Network.LoadBalancerSubnet = "aks"
		},
		msg: "internal load balancer",
	},
	wizard.StepName: {
		good: func(p *wizard.Plan) { p.Name = "aks-new" },
		bad:  func(p *wizard.Plan) { p.Name = "aks-inference" },
		msg:  "already used in mlw-prod",
	},
	wizard.StepCluster: {
		good: func(p *wizard.Plan) { p.ClusterName = "aks-private" },
		bad:  func(p *wizard.Plan) { p.ClusterName = "aks-shared" },
		msg:  "aks-shared is already attached as aks-inference in mlw-prod",
	},
}

// k8sCases override stepCases on the current path (the Kubernetes
// compute) and hold its own rows.
var k8sCases = map[wizard.StepID]stepCase{
	wizard.StepCluster: {
		good: func(p *wizard.Plan) { p.ClusterName = "aks-ml-ready" },
		bad:  func(p *wizard.Plan) { p.ClusterName = "aks-shared" },
		msg:  "aks-shared is attached as an AKS (v1) compute",
	},
	wizard.StepComputeType: {
		good: func(p *wizard.Plan) {},
		bad:  func(p *wizard.Plan) { p.ComputeType = "Legacy" },
		msg:  `must be Kubernetes or AKS (got "Legacy")`,
	},
	wizard.StepK8sVersion: {
		good: func(p *wizard.Plan) { p.KubernetesVersion = "1.31" },
		bad:  func(p *wizard.Plan) { p.KubernetesVersion = "1.20" },
		msg:  "1.20 is not offered in eastus: pick one of 1.30, 1.31, 1.32, 1.33",
	},
	wizard.StepNewCluster: {
		good: func(p *wizard.Plan) { p.ClusterName, p.ClusterGroup = "aks-ml-prod", "rg-aks-new" },
		bad:  func(p *wizard.Plan) { p.ClusterName = "aks_prod_" },
		msg:  "AKS cluster name must start and end with a letter or digit",
	},
	// on the Kubernetes compute the purpose's size is a recommendation
	// (2 nodes for production is a Warn at review): only what AKS refuses
	// stops the step
	wizard.StepNodes: {
		good: func(p *wizard.Plan) { p.Nodes = 2 },
		bad:  func(p *wizard.Plan) { p.Nodes = 1001 },
		msg:  "AKS allows at most 1000 nodes in a node pool",
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
			p.RouterHA = true
			p.Mark(wizard.FRouterHA, wizard.Flag)
			p.Nodes = 2
			if p.Mode == wizard.ModeAttach {
				p.ClusterName = "aks-small"
			}
		},
		msg: "the high-availability inference router needs 3 nodes (now 2)",
	},
	wizard.StepTLS: {
		good: func(p *wizard.Plan) { p.TLS = rules.TLS{}; p.AllowInsecure = true },
		bad:  func(p *wizard.Plan) { p.TLS = rules.TLS{}; p.AllowInsecure = false },
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
}

func caseOf(ct wizard.ComputeType, id wizard.StepID) (stepCase, bool) {
	if ct == wizard.ComputeKubernetes {
		if c, ok := k8sCases[id]; ok {
			return c, true
		}
	}
	c, ok := stepCases[id]
	if ok && ct == wizard.ComputeAKS && id == wizard.StepComputeType {
		return c, ok
	}
	if !ok && ct == wizard.ComputeAKS {
		c, ok = k8sCases[id]
	}
	return c, ok
}

func TestEveryStepHasACase(t *testing.T) {
	for _, s := range wizard.Steps() {
		if s.Field == "" {
			continue
		}
		for _, ct := range []wizard.ComputeType{wizard.ComputeAKS, wizard.ComputeKubernetes} {
			if s.Types != nil && !slices.Contains(s.Types, ct) {
				continue
			}
			if _, ok := caseOf(ct, s.ID); !ok {
				t.Errorf("step %s (%s) has no case in stepCases or k8sCases: add how a flag answers it and what its check rejects", s.ID, ct)
			}
		}
	}
}

// known fetches what the flow needs for p, as line mode does.
func known(t *testing.T, p *wizard.Plan) wizard.Known {
	t.Helper()
	k, err := wizard.Gather(t.Context(), wizardtest.New(), p)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestStepTable runs, for every step of every mode's flow: a good given
// answer skips the step; a bad given answer stops there with the rule's
// message naming the flag; an unanswered step is asked; and line mode
// (Resolve) reports the same message for the same flag.
func TestStepTable(t *testing.T) {
	for _, ct := range []wizard.ComputeType{wizard.ComputeAKS, wizard.ComputeKubernetes} {
		for _, mode := range []wizard.Mode{wizard.ModeCreate, wizard.ModeAttach} {
			flowOf := func() []wizard.StepID { p := wizard.NewPlan(mode); p.ComputeType = ct; return wizard.FlowFor(p) }
			for _, id := range flowOf() {
				st := wizard.StepOf(id)
				tc, ok := caseOf(ct, id)
				if st.Field == "" || !ok {
					continue
				}
				t.Run(string(ct)+"/"+string(mode)+"/"+string(id), func(t *testing.T) {
					base := func() *wizard.Plan {
						p := wizard.NewPlan(mode)
						p.ComputeType = ct
						p.Mark(wizard.FComputeType, wizard.Flag)
						if ct == wizard.ComputeKubernetes {
							p.AllowInsecure = true    // no TLS, allowed (not given: the TLS step is still asked)
							p.InstallExtension = true // attach: install the extension (its settings are asked)
						}
						p.Mark(wizard.FMode, wizard.Flag)
						p.Subscription = wizardtest.Sub
						p.Mark(wizard.FSubscription, wizard.Flag)
						p.Workspace = wizardtest.WS
						p.Mark(wizard.FWorkspace, wizard.Flag)
						p.Name = "aks-new"
						if mode == wizard.ModeAttach {
							p.ClusterName = "aks-private"
							p.Mark(wizard.FCluster, wizard.Flag)
						}
						return p
					}
					// good: skipped
					p := base()
					tc.good(p)
					p.Mark(st.Field, wizard.Flag)
					k := known(t, p)
					if !wizard.Skipped(p, id, k) {
						t.Fatalf("a good --%s does not skip the step: %v", st.Field, wizard.Check(p, id, k))
					}
					// not given: asked (unless it only shows something)
					q := base()
					if st.Field != wizard.FSubscription && st.Field != wizard.FWorkspace && st.Field != wizard.FMode && st.Field != wizard.FCluster && st.Field != wizard.FComputeType {
						if wizard.Skipped(q, id, known(t, q)) {
							t.Fatalf("step %s is skipped without an answer", id)
						}
					}
					if tc.bad == nil {
						return
					}
					// bad: asked, with the rule's message naming the flag
					b := base()
					tc.bad(b)
					b.Mark(st.Field, wizard.Flag)
					kb := known(t, b)
					if wizard.Skipped(b, id, kb) {
						t.Fatalf("a bad answer skips step %s", id)
					}
					why := wizard.Why(b, id, kb)
					if !strings.Contains(why, tc.msg) || (st.Flag() != "" && !strings.HasPrefix(why, st.Flag())) {
						t.Fatalf("Why = %q, want %q naming %s", why, tc.msg, st.Flag())
					}
					if got := wizard.Pending(b, kb); got == "" || indexOf(flowOf(), got) > indexOf(flowOf(), id) {
						t.Fatalf("Pending = %s, want %s or earlier", got, id)
					}
					// line mode names the same message
					r := base()
					tc.bad(r)
					r.Mark(st.Field, wizard.Flag)
					vs, err := wizard.Resolve(t.Context(), wizardtest.New(), r)
					if err != nil {
						t.Fatal(err)
					}
					var all []string
					for _, v := range vs {
						all = append(all, v.Message)
					}
					if id == wizard.StepCluster {
						// a blocked cluster is the preflight's to report, as a BLOCK finding
						rep, err := wizard.Preflight(t.Context(), wizardtest.New(), r, nil)
						if err != nil {
							t.Fatal(err)
						}
						for _, f := range rep.Findings {
							all = append(all, f.Message)
						}
					}
					if !strings.Contains(strings.Join(all, "\n"), tc.msg) {
						t.Fatalf("Resolve: %q, want %q", all, tc.msg)
					}
				})
			}
		}
	}
}

func indexOf(flow []wizard.StepID, id wizard.StepID) int {
	for i, s := range flow {
		if s == id {
			return i
		}
	}
	return -1
}
