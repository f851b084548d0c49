package wizard

import (
	"slices"
	"strings"

	"github.com/amlaks/amlaks/rules"
)

// Variant is what differs between the compute types, one value per type:
// how people name it, what they do next with it, and the rules of the
// steps both types share (TLS, the node size and count) where they differ.
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

	// TLS is the TLS step on the type.
	TLS TLSRule
	// OnePool: the cluster keeps the node pool it is created with (no
	// second pool can be added), so a GPU or FPGA size must be chosen now.
	OnePool bool
	// GPUPlugin: the type installs the NVIDIA device plugin for an NVIDIA
	// GPU size (the Azure ML extension does).
	GPUPlugin bool
	// purposes are the purposes described as the type applies them, and
	// sizeCheck the purpose's check of the cluster's size.
	purposes  []PurposeChoice
	sizeCheck func(p rules.Purpose, size string, nodes, vcpusPerNode int) rules.SizeCheck
	// body fills the type's own part of the create or attach body.
	body func(p Plan, s ComputeSpec) ComputeSpec
	// nodes are the type's own node rules beyond the count the step asks
	// and the purpose's threshold (nil: none).
	nodes func(p *Plan, k Known) []rules.Violation
}

// TLSRule is what the TLS step is on a compute type.
type TLSRule struct {
	// Modes are the modes the step offers, with their words in the TUI.
	Modes []TLSChoice
	// Note is said under the TUI's TLS form ("" none).
	Note string
	// PlainHTTP: no certificate means plain HTTP, which the Azure ML
	// extension must be told to allow (allowInsecureConnections); only
	// your own certificate gives TLS (no Microsoft certificate).
	PlainHTTP bool
	// check is the step's check.
	check func(p *Plan) []rules.Violation
	// answered says whether the plan holds an answer the wizard need not
	// ask.
	answered func(p *Plan) bool
}

// Offers reports whether the step offers mode m.
func (r TLSRule) Offers(m rules.TLSMode) bool {
	return slices.ContainsFunc(r.Modes, func(c TLSChoice) bool { return c.Mode == m })
}

// TLSChoice is one TLS mode the step offers.
type TLSChoice struct {
	Mode  rules.TLSMode
	Label string
}

var variants = []Variant{
	{Type: ComputeKubernetes, Word: "Kubernetes compute", Label: "Kubernetes",
		next: "deploy a model to a Kubernetes online endpoint whose YAML says compute: azureml:NAME (az ml online-endpoint create -f endpoint.yml, or KubernetesOnlineEndpoint in azure-ai-ml)",
		ours: true, GPUPlugin: true, nodes: k8sNodes, body: kubernetesBody,
		sizeCheck: rules.CheckSizeRecommended,
		purposes: []PurposeChoice{
			{rules.Production, "Production", "for production traffic: 12 vCPUs and 3 nodes or more in total recommended (fewer is allowed, with a warning); " +
				"the inference router runs highly available from 3 nodes (clusterPurpose FastProd)"},
			{rules.DevTest, "Dev-test", "for trying things out: 2 vCPUs and 1 node recommended at least; the router runs without high availability (clusterPurpose DevTest)"},
		},
		TLS: TLSRule{
			Modes:     []TLSChoice{{rules.TLSOff, "Off (plain HTTP)"}, {rules.TLSCustom, "Your own certificate"}},
			Note:      "Kubernetes compute: your own certificate and CNAME (sent only as protected settings), or off: the extension is then told to allow insecure (plain HTTP) connections.",
			PlainHTTP: true, check: checkK8sTLS,
			answered: func(p *Plan) bool {
				return p.Given(FTLS) || p.Given(FAllowInsecure) || p.Mode == ModeAttach && !p.InstallExtension
			}}},
	{Type: ComputeAKS, Word: "AKS compute", Label: "AKS (legacy)", Note: Legacy,
		next: "deploy a model with the v1 tools: az ml model deploy --compute-target NAME (CLI v1), or AksWebservice in azureml-core (SDK v1); v2 (az ml online-endpoint, azure-ai-ml) cannot use an AKS compute",
		ours: true, OnePool: true, body: aksBody,
		sizeCheck: rules.CheckSize,
		purposes: []PurposeChoice{
			{rules.Production, "Production", "for production traffic: at least 12 vCPUs and 3 nodes in total, or Azure refuses the compute (FastProd)"},
			{rules.DevTest, "Dev-test", "for trying things out: 2 vCPUs and 1 node are enough; not for production traffic, may slow inference, no fault tolerance (DevTest)"},
		},
		TLS: TLSRule{
			Modes: []TLSChoice{{rules.TLSOff, "Off"}, {rules.TLSMicrosoft, "Microsoft certificate"}, {rules.TLSCustom, "Your own certificate"}},
			check: checkLegacyTLS, answered: func(p *Plan) bool { return p.Given(FTLS) }}},
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

// checkNodes is the type's own node rules (none when it has none).
func (v Variant) checkNodes(p *Plan, k Known) []rules.Violation {
	if v.nodes == nil {
		return nil
	}
	return v.nodes(p, k)
}

// Choices are the TLS modes the step offers on the type, as the accessible
// mode lists them: the Variant's words with TLSChoices' help for the mode.
func (r TLSRule) Choices() []Choice {
	out := make([]Choice, len(r.Modes))
	for i, c := range r.Modes {
		out[i] = Choice{Label: c.Label}
		if m := int(c.Mode); m >= 0 && m < len(TLSChoices) {
			out[i].Value, out[i].Help = TLSChoices[m].Value, TLSChoices[m].Help
		}
	}
	return out
}

// SizeNote is what the VM size step says of a GPU or FPGA size on the
// type ("" nothing): on the legacy AKS compute it must be chosen now (one
// node pool); on the Kubernetes compute the extension installs the NVIDIA
// device plugin for an NVIDIA size.
func (v Variant) SizeNote(z VMSize) string {
	switch {
	case (z.GPUs > 0 || z.FPGA) && v.OnePool:
		kind := "GPU"
		if z.FPGA {
			kind = "FPGA"
		}
		return kind + " size: choose it now — no second node pool can be added later"
	case rules.NvidiaGPU(z.Name) && v.GPUPlugin:
		return "GPU size: the Azure ML extension installs the NVIDIA device plugin for it"
	}
	return ""
}
