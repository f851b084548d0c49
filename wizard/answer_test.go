package wizard

import (
	"strings"
	"testing"

	"github.com/amlaks/amlaks/rules"
)

// Enter on what a step offers keeps "default" (the review's source
// column); a real choice is "asked".
func TestAnswerKeepsAConfirmedDefault(t *testing.T) {
	cases := []struct {
		f    Field
		v    any
		want Source
	}{
		{FNetwork, rules.Network{}, Default},
		{FNetwork, rules.Network{LoadBalancer: rules.InternalLoadBalancer, LoadBalancerSubnet: "snet"}, Asked},
		{FTLS, rules.TLS{}, Default},
		{FIdentity, "", Default},
		{FIdentity, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id", Asked},
		{FNamespace, "default", Default},
		{FNamespace, "ml", Asked},
	}
	for _, c := range cases {
		p := NewPlan(ModeAttach)
		p.ComputeType = ComputeKubernetes
		if err := p.Answer(c.f, c.v); err != nil {
			t.Fatalf("%s: %v", c.f, err)
		}
		if got := p.From(c.f); got != c.want {
			t.Errorf("%s = %v: from %v, want %v", c.f, c.v, got, c.want)
		}
	}
}

// An answer of the wrong type is an error and leaves the plan as it was.
func TestAnswerOfTheWrongTypeChangesNothing(t *testing.T) {
	p := NewPlan(ModeCreate)
	p.Name, p.Nodes, p.Namespace = "aks-a", 3, "ml"
	for _, c := range []struct {
		f Field
		v any
	}{{FName, 7}, {FNodes, "3"}, {FNamespace, nil}, {FRouter, "loadbalancer"}, {FNetwork, "basic"}} {
		if err := p.Answer(c.f, c.v); err == nil {
			t.Errorf("%s = %#v: no error", c.f, c.v)
		}
	}
	if p.Name != "aks-a" || p.Nodes != 3 || p.Namespace != "ml" || p.From(FName) == Asked {
		t.Fatalf("plan changed: name %q nodes %d namespace %q", p.Name, p.Nodes, p.Namespace)
	}
}

// The API access step checks each authorized range, whichever front end
// gave it: the flag's parser did, the wizard's form did not.
func TestAPIAccessChecksEachRange(t *testing.T) {
	p := NewPlan(ModeCreate)
	p.ComputeType = ComputeKubernetes
	p.APIAccess, p.AuthorizedRanges = APIAuthorized, []string{"20.12.34.0/24", "foo"}
	vs := Check(p, StepAPIAccess, Known{})
	if len(vs) != 1 || vs[0].Field != "authorized-ip-ranges" || !strings.Contains(vs[0].Message, "'foo' is not an IPv4 address") {
		t.Fatalf("violations %+v", vs)
	}
	p.AuthorizedRanges = []string{"20.12.34.0/24", "52.168.1.7/32"}
	if vs := Check(p, StepAPIAccess, Known{}); len(vs) != 0 {
		t.Fatalf("violations %+v", vs)
	}
}

// TestViewNeverWritesThePlan: what is done to a View (answers, marks)
// stays in the view.
func TestViewNeverWritesThePlan(t *testing.T) {
	p := NewPlan(ModeCreate)
	p.Region = "eastus"
	p.Mark(FRegion, Flag)
	v := p.View()
	if err := v.Answer(FRegion, "westus"); err != nil {
		t.Fatal(err)
	}
	v.Mark(FName, Asked)
	if p.Region != "eastus" || p.From(FRegion) != Flag || p.From(FName) != Unset {
		t.Fatalf("the plan changed through a view: region %s (%v), name %v", p.Region, p.From(FRegion), p.From(FName))
	}
	if v.Region != "westus" || v.From(FRegion) != Asked {
		t.Fatalf("the view did not take its answer: %s %v", v.Region, v.From(FRegion))
	}
}
