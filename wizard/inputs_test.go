package wizard

import (
	"strings"
	"testing"

	"github.com/amlaks/amlaks/rules"
)

// TestFillFlags fills plans from flags without running a command.
func TestFillFlags(t *testing.T) {
	cases := []struct {
		name    string
		mode    Mode
		cmd     string
		given   Given
		check   func(p *Plan) bool
		codes   []string // violation codes, in order
		message string   // part of the first message
	}{
		{name: "router on a Kubernetes create", mode: ModeCreate, cmd: "create", given: Given{"router": {"Internal"}, "router-ha": {"false"}},
			check: func(p *Plan) bool { return p.Router == RouterInternal && !p.HA() && p.From(FRouter) == Flag }},
		{name: "router on the legacy compute", mode: ModeCreate, cmd: "create", given: Given{"compute-type": {"aks"}, "router": {"nodeport"}},
			codes: []string{"kubernetes-only"}, message: "is for Kubernetes computes",
			check: func(p *Plan) bool { return p.ComputeType == ComputeAKS && p.From(FRouter) == Default }},
		{name: "a VNet on a Kubernetes create", mode: ModeCreate, cmd: "create", given: Given{"vnet": {"v"}, "subnet": {"s"}},
			codes: []string{"aks-only", "aks-only"}, message: "gets its network from AKS",
			check: func(p *Plan) bool { return !p.Network.Custom() }},
		{name: "a VNet on the legacy compute", mode: ModeCreate, cmd: "create", given: Given{"compute-type": {"AKS"}, "vnet": {"v"}, "subnet": {"s"}, "vnet-resource-group": {"g"}, "load-balancer": {"InternalLoadBalancer"}},
			check: func(p *Plan) bool { return p.Network.Custom() && p.Network.Internal() && p.From(FNetwork) == Flag }},
		{name: "too many nodes", mode: ModeCreate, cmd: "create", given: Given{"nodes": {"4294967299"}}, codes: []string{"nodes-too-many"},
			check: func(p *Plan) bool { return p.Nodes == 3 }},
		{name: "a resource ID given as --cluster", mode: ModeAttach, cmd: "attach", given: Given{"cluster": {"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks"}},
			check: func(p *Plan) bool {
				return strings.HasSuffix(p.ClusterID, "/aks") && p.ClusterName == "" && p.From(FCluster) == Flag
			}},
		{name: "a cluster name on a legacy create", mode: ModeCreate, cmd: "create", given: Given{"compute-type": {"AKS"}, "cluster": {"x"}},
			codes: []string{"kubernetes-only"}, message: "names the AKS cluster a Kubernetes create makes"},
		{name: "authorized ranges imply authorized access", mode: ModeCreate, cmd: "create", given: Given{"authorized-ip-ranges": {"20.12.34.7"}},
			check: func(p *Plan) bool {
				return p.APIAccess == APIAuthorized && len(p.AuthorizedRanges) == 1 && p.AuthorizedRanges[0] == "20.12.34.7/32"
			}},
		{name: "a bad compute type stops there", mode: ModeCreate, cmd: "create", given: Given{"compute-type": {"vm"}, "vnet": {"v"}},
			codes: []string{"compute-type"}},
		{name: "the wizard's compute type", mode: ModeCreate, cmd: "amlaks", given: Given{"compute-type": {"AKS"}},
			check: func(p *Plan) bool { return p.ComputeType == ComputeAKS && p.From(FComputeType) == Flag }},
		{name: "a Microsoft certificate on a Kubernetes attach", mode: ModeAttach, cmd: "attach", given: Given{"ssl-leaf-domain-label": {"ml"}},
			codes: []string{"aks-only"}, message: "takes your own certificate",
			check: func(p *Plan) bool { return p.TLS.Mode != rules.TLSMicrosoft }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPlan(tc.mode)
			vs := FillFlags(p, tc.cmd, tc.given)
			var codes []string
			for _, v := range vs {
				codes = append(codes, v.Code)
			}
			if strings.Join(codes, ",") != strings.Join(tc.codes, ",") {
				t.Fatalf("violations %+v, want codes %v", vs, tc.codes)
			}
			if tc.message != "" && !strings.Contains(vs[0].Message, tc.message) {
				t.Errorf("message %q lacks %q", vs[0].Message, tc.message)
			}
			if tc.check != nil && !tc.check(p) {
				t.Errorf("plan %+v", p)
			}
		})
	}
}

// TestInputsAreOneRowEach: a flag has one row, and every choice row's
// values parse as its field's.
func TestInputsAreOneRowEach(t *testing.T) {
	seen := map[string]bool{}
	aliases := Aliases()
	for _, in := range Inputs("") {
		if seen[in.Flag] {
			t.Errorf("--%s has two rows", in.Flag)
		}
		seen[in.Flag] = true
		if len(in.Commands) == 0 {
			t.Errorf("--%s: no command declares it", in.Flag)
		}
		if in.Types != nil && len(in.Types) == 1 && in.Types[0] == ComputeAKS && in.Instead == "" {
			t.Errorf("--%s is for the legacy compute but does not say what a Kubernetes compute uses instead", in.Flag)
		}
		for _, c := range in.Choices {
			if c.Label == "" || c.Help == "" {
				t.Errorf("--%s %s: a choice needs a label and help", in.Flag, c.Value)
			}
			p := NewPlan(ModeCreate)
			if in.For(ComputeAKS) && !in.For(ComputeKubernetes) {
				p.ComputeType = ComputeAKS
			}
			if vs := FillFlags(p, in.Commands[0], Given{in.Flag: {c.Value}}); len(vs) > 0 {
				t.Errorf("--%s %s: %v", in.Flag, c.Value, vs)
			}
		}
	}
	for a, f := range aliases {
		if seen[a] || !seen[f] {
			t.Errorf("alias %s → %s", a, f)
		}
	}
}

// TestEveryFieldHasItsRow: each field a step asks is written through its
// row, and each flag's field reads back through one.
func TestEveryFieldHasItsRow(t *testing.T) {
	for _, st := range Steps() {
		if st.Field == "" || st.Kind == KindView || st.Kind == KindAction {
			continue
		}
		if a, ok := answers[st.Field]; !ok || a.set == nil {
			t.Errorf("step %s answers %s, which has no row that writes it", st.ID, st.Field)
		}
	}
	for _, in := range Inputs("") {
		if _, ok := answers[in.Field]; in.Field != "" && !ok {
			t.Errorf("--%s fills %s, which has no row", in.Flag, in.Field)
		}
	}
}

// FuzzFillFlags: whatever is typed after any flag of create or attach,
// filling never panics, and each violation names a flag of the table and
// says why.
func FuzzFillFlags(f *testing.F) {
	for _, in := range Inputs("") {
		f.Add(in.Flag, "attach", "x")
		for _, c := range in.Choices {
			f.Add(in.Flag, "create", c.Value)
		}
	}
	f.Add("nodes", "create", "99999999999999999999")
	f.Add("cluster", "attach", "/subscriptions/x/resourceGroups//providers/Microsoft.ContainerService/managedClusters/")
	f.Add("authorized-ip-ranges", "create", "1.2.3.4/33,,")
	f.Fuzz(func(t *testing.T, flag, command, value string) {
		if command != "create" && command != "attach" {
			return
		}
		for _, ct := range []string{"Kubernetes", "AKS"} {
			p := NewPlan(Mode(command))
			vs := FillFlags(p, command, Given{"compute-type": {ct}, flag: {value}})
			for _, v := range vs {
				if _, ok := InputOf(v.Field); !ok && v.Field != "cluster-id" || v.Message == "" {
					t.Fatalf("--%s %q (%s): violation %+v names no flag of the table or says nothing", flag, value, ct, v)
				}
			}
		}
	})
}

// TestChoiceStepsRoundTrip: each fixed choice of a step, answered, is the
// choice the plan then holds (what both front ends preselect).
func TestChoiceStepsRoundTrip(t *testing.T) {
	n := 0
	for _, st := range Steps() {
		if st.Choices == nil {
			continue
		}
		n++
		if st.Chosen == nil || st.AnswerOf == nil || st.Kind != KindChoice {
			t.Errorf("step %s has choices but no Chosen or AnswerOf, or is not a choice", st.ID)
			continue
		}
		for _, c := range st.Choices(NewPlan(ModeCreate).View()) {
			p := NewPlan(ModeCreate)
			if err := p.Answer(st.Field, st.AnswerOf(c.Value)); err != nil {
				t.Errorf("%s %s: %v", st.ID, c.Value, err)
			}
			if got := st.Chosen(p.View()); got != c.Value {
				t.Errorf("%s: answered %s, the plan holds %s", st.ID, c.Value, got)
			}
		}
	}
	if n < 3 {
		t.Fatalf("%d choice steps", n)
	}
}

// TestEveryTypedFlagSaysItIsForTheOtherType walks the field table: a flag
// for one compute type, given with the other, is refused with a message
// naming it and what to do (for a legacy flag, what a Kubernetes compute
// uses instead).
func TestEveryTypedFlagSaysItIsForTheOtherType(t *testing.T) {
	n := 0
	for _, in := range Inputs("") {
		if len(in.Types) != 1 {
			continue
		}
		other := ComputeAKS
		if in.Types[0] == ComputeAKS {
			other = ComputeKubernetes
		}
		for _, cmd := range in.Commands {
			if cmd != "create" && cmd != "attach" {
				continue
			}
			n++
			v := "x"
			if in.Bool {
				v = "true"
			}
			vs := FillFlags(NewPlan(Mode(cmd)), cmd, Given{"compute-type": {string(other)}, in.Flag: {v}})
			found := false
			for _, x := range vs {
				if x.Field == in.Flag && (x.Code == "aks-only" || x.Code == "kubernetes-only") && strings.Contains(x.Message, "--compute-type") {
					found = true
				}
			}
			if !found {
				t.Errorf("%s --%s with --compute-type %s: %v", cmd, in.Flag, other, vs)
			}
		}
	}
	if n < 20 {
		t.Fatalf("walked %d typed flags", n)
	}
}
