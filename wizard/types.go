package wizard

import "strings"

// Variant is what differs between the compute types, one value per type:
// how people name it and what they do next with it.
type Variant struct {
	Type ComputeType
	// Word names a compute of the type in sentences ("Kubernetes compute").
	Word string
	// Label names the type in a list's TYPE column.
	Label string
	// Note is said once about the type when it was not chosen on the
	// compute type step ("" for the core).
	Note string
	// next is the next step after a create or attach of compute NAME.
	next string
	// ours: amlaks makes computes of the type.
	ours bool
}

var variants = []Variant{
	{Type: ComputeKubernetes, Word: "Kubernetes compute", Label: "Kubernetes",
		next: "deploy a model to a Kubernetes online endpoint whose YAML says compute: azureml:NAME (az ml online-endpoint create -f endpoint.yml, or KubernetesOnlineEndpoint in azure-ai-ml)",
		ours: true},
	{Type: ComputeAKS, Word: "AKS compute", Label: "AKS (legacy)", Note: Legacy,
		next: "deploy a model with the v1 tools: az ml model deploy --compute-target NAME (CLI v1), or AksWebservice in azureml-core (SDK v1); v2 (az ml online-endpoint, azure-ai-ml) cannot use an AKS compute",
		ours: true},
}

// VariantOf is the variant of a compute type as Azure or the plan names it
// (any case); another type (AmlCompute, ...) gets a variant naming it as
// it is, with no advice.
func VariantOf(t string) Variant {
	for _, v := range variants {
		if strings.EqualFold(string(v.Type), t) {
			return v
		}
	}
	return Variant{Type: ComputeType(t), Word: t + " compute", Label: t}
}

// Variant is the plan's compute type's variant: the Kubernetes compute's
// unless the plan says AKS.
func (p Plan) Variant() Variant {
	if p.ComputeType == ComputeAKS {
		return variants[1]
	}
	return variants[0]
}

// Next is the next step after a create or attach of compute name, "" for
// a type amlaks does not make.
func (v Variant) Next(name string) string { return strings.ReplaceAll(v.next, "NAME", name) }

// Ours reports whether amlaks makes computes of the type (and so lists
// them for status and detaches them): the Kubernetes compute and the
// legacy AKS compute.
func (v Variant) Ours() bool { return v.ours }
