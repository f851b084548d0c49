package wizard

import (
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/amlaks/amlaks/rules"
)

// The plan's side of the current path: the compute type and
// what a Kubernetes create or attach needs besides today's answers.

// Legacy is what the wizard and --help say once about the AKS compute type.
const Legacy = "AKS compute is the legacy v1 path: Azure ML SDK v1 support ended 2026-06-30, CLI v1 on 2025-09-30, and SDK v2 (azure-ai-ml) cannot use it; prefer --compute-type Kubernetes"

// TagCompute marks the cluster a Kubernetes create makes with the compute
// it is for ("WORKSPACE/NAME"), so `amlaks status NAME` finds the phases of
// a create that stopped before the attach.
const TagCompute = "amlaks-compute"

// TagNamespace carries the namespace a Kubernetes create chose for its
// compute (set when it is not "default"), so the re-run or `status NAME`
// of a create whose record is lost attaches in the namespace chosen, not
// in "default" (TaggedNamespace).
const TagNamespace = "amlaks-namespace"

// Kubernetes reports whether the plan makes a Kubernetes compute: the core,
// unless the plan says AKS (the legacy variant).
func (p Plan) Kubernetes() bool { return p.ComputeType != ComputeAKS }

// ParseComputeType accepts Kubernetes|k8s|AKS (any case).
func ParseComputeType(s string) (ComputeType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "kubernetes", "k8s":
		return ComputeKubernetes, nil
	case "aks":
		return ComputeAKS, nil
	}
	return "", rules.Violation{Field: string(FComputeType), Code: "compute-type", Message: fmt.Sprintf("must be Kubernetes or AKS (got %q)", s)}
}

// ParseAPIAccess accepts public|authorized|private.
func ParseAPIAccess(s string) (APIAccess, error) {
	switch a := APIAccess(strings.ToLower(strings.TrimSpace(s))); a {
	case APIPublic, APIAuthorized, APIPrivate:
		return a, nil
	}
	return "", rules.Violation{Field: string(FAPIAccess), Code: "api-access", Message: fmt.Sprintf("must be public, authorized or private (got %q)", s)}
}

// ParseRouter accepts loadbalancer|internal|nodeport|clusterip.
func ParseRouter(s string) (Router, error) {
	switch r := Router(strings.ToLower(strings.TrimSpace(s))); r {
	case RouterLoadBalancer, RouterInternal, RouterNodePort, RouterClusterIP:
		return r, nil
	}
	return "", rules.Violation{Field: string(FRouter), Code: "router", Message: fmt.Sprintf("must be loadbalancer, internal, nodeport or clusterip (got %q)", s)}
}

// ServiceType is the router's inferenceRouterServiceType.
func (r Router) ServiceType() string {
	switch r {
	case RouterNodePort:
		return "NodePort"
	case RouterClusterIP:
		return "ClusterIP"
	}
	return "LoadBalancer"
}

// RouterLabel names a router kind for people.
func RouterLabel(r Router) string {
	switch r {
	case RouterInternal:
		return "LoadBalancer (internal)"
	case RouterNodePort:
		return "NodePort"
	case RouterClusterIP:
		return "ClusterIP"
	}
	return "LoadBalancer (public)"
}

// RangesAsTyped are authorized IP ranges as typed in a prompt: normalised
// as the flag's are (an address becomes /32), or, while one is wrong,
// split as typed for the step's check to name it.
func RangesAsTyped(s string) []string {
	rs, vs := rules.ParseIPRanges(s)
	if len(vs) > 0 {
		return rules.SplitIPRanges(s)
	}
	return rs
}

// HA is whether the inference router runs highly available: as answered,
// or, by default, from 3 nodes (the extension's prerequisite).
func (p Plan) HA() bool {
	if p.From(FRouterHA) != Unset {
		return p.RouterHA
	}
	if p.Mode == ModeAttach && p.Cluster != nil {
		return p.Cluster.Nodes() >= rules.RouterHAMinimumNodes
	}
	return p.Nodes >= rules.RouterHAMinimumNodes
}

// NewClusterName is the AKS cluster a Kubernetes create makes: --cluster,
// or the compute's name.
func (p Plan) NewClusterName() string {
	if p.ClusterName != "" {
		return p.ClusterName
	}
	return p.Name
}

// SuggestedClusterName is the name offered for the new AKS cluster: the
// given one, else the compute's name (the wizard asks the name first), so
// two computes never share a suggested cluster.
func (p Plan) SuggestedClusterName() string { return p.NewClusterName() }

// AdoptCluster makes a Kubernetes create whose cluster already exists and
// was not made for this compute (ClusterMadeFor: another compute's, or not
// amlaks's at all) the attach of that cluster: every attach rule then
// applies to it, nothing of the cluster is created, and the review says so
// (Plan.Adopted). It reports whether it did. The create's answers about
// the cluster itself (region, size, nodes, version, API access) have no
// say on an attach.
//
// As picking a cluster in the attach's picker does (DecideInstallExtension),
// naming it in a create asks for a working compute: a missing or failed
// extension is installed, inference is added to a training-only one (the
// review's findings say which), once the extensions are known.
func AdoptCluster(p *Plan, k Known) bool {
	cl, ok := adoptable(p, k.Clusters)
	if !ok {
		return false
	}
	src := p.From(FNewCluster)
	if src == Unset || src == Default {
		src = p.From(FName) // the cluster's name was the compute's
	}
	p.Mode = ModeAttach
	p.ClusterID, p.ClusterName, p.ClusterGroup = cl.ID, cl.Name, cl.ResourceGroup
	p.Cluster = &cl
	p.Extension = nil
	p.Adopted = true
	p.Mark(FCluster, src)
	DecideInstallExtension(p, k)
	return true
}

// adoptable is the cluster AdoptCluster would make the plan attach.
func adoptable(p *Plan, clusters []Cluster) (Cluster, bool) {
	if p.Mode != ModeCreate || !p.Kubernetes() || p.Name == "" {
		return Cluster{}, false
	}
	cl, ok := FindCluster(clusters, p.TargetClusterID())
	if !ok || ClusterMadeFor(cl, p.Workspace.Name, p.Name) {
		return Cluster{}, false
	}
	return cl, true
}

// AdoptedFinding is what the review of an adopted create says (see
// AdoptCluster): "aks-prod exists (made for mlw-prod/k8s-c1): this
// attaches it", and a Block for each flag that asked for a cluster other
// than it is.
func AdoptedFinding(p *Plan) []rules.Finding {
	if !p.Adopted || p.Cluster == nil {
		return nil
	}
	cl := *p.Cluster
	var mis []string
	if p.Given(FNodes) && p.Nodes != cl.Nodes() {
		mis = append(mis, fmt.Sprintf("--nodes %d: %s has %s", p.Nodes, cl.Name, rules.Plural(cl.Nodes(), "node")))
	}
	if p.Given(FVMSize) {
		for _, pool := range cl.Pools {
			if !strings.EqualFold(pool.Size, p.VMSize) {
				mis = append(mis, fmt.Sprintf("--vm-size %s: %s's pool %s is %s", p.VMSize, cl.Name, pool.Name, pool.Size))
				break
			}
		}
	}
	if v := p.KubernetesVersion; p.Given(FKubernetesVer) && v != "" && cl.Version != v && !strings.HasPrefix(cl.Version, v+".") {
		mis = append(mis, fmt.Sprintf("--kubernetes-version %s: %s runs %s", v, cl.Name, cl.Version))
	}
	if p.Given(FRegion) && !strings.EqualFold(strings.ReplaceAll(p.Region, " ", ""), strings.ReplaceAll(cl.Region, " ", "")) {
		mis = append(mis, fmt.Sprintf("--region %s: %s is in %s", p.Region, cl.Name, cl.Region))
	}
	return rules.AdoptFindings(rules.AdoptFacts{Cluster: cl.Name, Origin: ClusterOrigin(cl), Mismatches: mis})
}

// NewClusterGroup is the resource group of the cluster a Kubernetes create
// makes: --cluster-resource-group, or the workspace's.
func (p Plan) NewClusterGroup() string {
	if p.ClusterGroup != "" {
		return p.ClusterGroup
	}
	return p.Workspace.ResourceGroup
}

// TargetClusterID is the cluster the Kubernetes compute attaches: the one
// a create makes, or the one picked for an attach.
func (p Plan) TargetClusterID() string {
	if p.Mode == ModeAttach {
		return p.ClusterID
	}
	sub := p.Workspace.SubscriptionID
	if sub == "" {
		sub = p.Subscription
	}
	return rules.ClusterID{SubscriptionID: sub, ResourceGroup: p.NewClusterGroup(), Name: p.NewClusterName()}.String()
}

// ClusterSpec is the AKS create of a Kubernetes create.
func (p Plan) ClusterSpec() ClusterSpec {
	sub := p.Workspace.SubscriptionID
	if sub == "" {
		sub = p.Subscription
	}
	s := ClusterSpec{SubscriptionID: sub, ResourceGroup: p.NewClusterGroup(), Name: p.NewClusterName(), Location: p.Region,
		DNSPrefix: rules.DNSPrefix(p.NewClusterName()), KubernetesVersion: p.KubernetesVersion, VMSize: p.VMSize, Nodes: p.Nodes,
		APIAccess: p.APIAccess, Tags: map[string]string{TagCreatedBy: "amlaks", TagCompute: p.Workspace.Name + "/" + p.Name}, LTS: p.LTS}
	if ns := p.namespaceOf(); ns != "default" {
		s.Tags[TagNamespace] = ns
	}
	if p.APIAccess == APIAuthorized {
		s.AuthorizedRanges = append([]string(nil), p.AuthorizedRanges...)
	}
	return s
}

// ExtensionSpec is the Azure ML extension install of the plan, or the
// update that adds inference to a training-only one (AddsInference).
func (p Plan) ExtensionSpec() ExtensionSpec {
	region := p.Region
	if p.Mode == ModeAttach && p.Cluster != nil {
		region = p.Cluster.Region
	}
	s := ExtensionSpec{ClusterID: p.TargetClusterID(), Name: ExtensionName, Region: region, Purpose: p.Purpose,
		Router: p.Router, RouterHA: p.HA(), AllowInsecure: p.AllowInsecure, TLS: p.TLS.Normalized(), GPU: p.NvidiaNodes(), EnableUpgrade: p.LegacyUpgrade}
	if p.Mode == ModeAttach && p.Extension != nil && p.Extension.Name != "" {
		// the instance already on the cluster, failed or training-only, is
		// the one reinstalled or updated: Azure allows one per cluster
		s.Name = p.Extension.Name
	}
	if p.AddsInference() {
		s.Update = true
	}
	return s
}

// SizeCheck is the purpose's size check of the plan's compute type: the
// legacy AKS compute's threshold is Azure's rule (it refuses less), the
// Kubernetes compute's the recommendation (under it is a Warn).
func (p Plan) SizeCheck(size string, nodes, vcpusPerNode int) rules.SizeCheck {
	return p.Variant().sizeCheck(p.Purpose, size, nodes, vcpusPerNode)
}

// PurposeChoice is one answer of the purpose step, in the words of the
// plan's compute type.
type PurposeChoice struct {
	Purpose     rules.Purpose
	Title, Desc string
}

// PurposeChoices are the purposes, described as the compute type applies
// them: a rule Azure enforces on the legacy AKS compute, a recommendation
// on the Kubernetes compute.
func (p Plan) PurposeChoices() []PurposeChoice { return slices.Clone(p.Variant().purposes) }

// NvidiaNodes reports nodes with NVIDIA GPUs: the create's size, or any
// pool of the cluster an attach picked.
func (p Plan) NvidiaNodes() bool {
	if p.Mode != ModeAttach {
		return rules.NvidiaGPU(p.VMSize)
	}
	if p.Cluster == nil {
		return false
	}
	for _, pool := range p.Cluster.Pools {
		if rules.NvidiaGPU(pool.Size) {
			return true
		}
	}
	return false
}

// AddsInference reports an attach that updates the cluster's
// training-only extension to serve inference (asked with
// InstallExtension).
func (p Plan) AddsInference() bool {
	return p.Kubernetes() && p.Mode == ModeAttach && p.InstallExtension && p.Extension != nil && p.Extension.Healthy() && p.Extension.TrainingOnly()
}

// WorkspaceID is the workspace's ARM id.
func (p Plan) WorkspaceID() string {
	if p.Workspace.ID != "" {
		return p.Workspace.ID
	}
	ws := p.Workspace.WorkspaceRef
	sub := ws.SubscriptionID
	if sub == "" {
		sub = p.Subscription
	}
	return "/subscriptions/" + sub + "/resourceGroups/" + ws.ResourceGroup + "/providers/Microsoft.MachineLearningServices/workspaces/" + ws.Name
}

// TrustedAccessNeeds says why Azure ML reaches the plan's cluster only
// through a Trusted Access role binding of the workspace: local accounts
// disabled, authorized IP ranges, a private API server (none: it does
// not need one). Azure/AML-Kubernetes docs/azureml-aks-ta-support.md lists
// these as what Trusted Access makes work; the legacy AKS compute cannot
// use it.
func (p Plan) TrustedAccessNeeds() []string {
	if !p.Kubernetes() {
		return nil
	}
	if p.Mode == ModeCreate {
		switch p.APIAccess {
		case APIAuthorized:
			return []string{"authorized IP ranges"}
		case APIPrivate:
			return []string{"a private API server"}
		}
		return nil
	}
	if p.Cluster == nil {
		return nil
	}
	return ClusterTrustedAccessNeeds(*p.Cluster)
}

// CrossSubscription is why a Kubernetes attach of a cluster in another
// subscription than the workspace's cannot work ("" when it is in the
// same one, or the plan is the legacy compute's): "Azure Machine Learning
// doesn't support attaching an AKS cluster cross subscription" (azure-ai-docs
// how-to-deploy-kubernetes-extension.md, Limitations); such a cluster is
// attached through Azure Arc instead.
func (p Plan) CrossSubscription(clusterID string) string {
	id, err := rules.ParseClusterID(clusterID)
	ws := p.Workspace.SubscriptionID
	if ws == "" {
		ws = p.Subscription
	}
	if !p.Kubernetes() || err != nil || ws == "" || strings.EqualFold(id.SubscriptionID, ws) {
		return ""
	}
	return fmt.Sprintf("%s is in subscription %s and the workspace in %s: Azure ML cannot attach an AKS cluster across subscriptions "+
		"(connect it to Azure Arc and attach it as an Arc-enabled cluster, or pick a cluster of subscription %s)", id.Name, id.SubscriptionID, ws, ws)
}

// ClusterTrustedAccessNeeds is TrustedAccessNeeds of an existing cluster.
func ClusterTrustedAccessNeeds(cl Cluster) []string {
	var why []string
	if cl.LocalAccountsDisabled {
		why = append(why, "local accounts disabled")
	}
	if len(cl.AuthorizedIPRanges) > 0 {
		why = append(why, "authorized IP ranges")
	}
	if cl.Private {
		why = append(why, "a private API server")
	}
	return why
}

// BindingName is the Trusted Access role binding amlaks creates for a
// workspace: "aml-", the workspace's name and a hash of its ARM id, within
// AKS's 24 letters, digits and '-'. The hash keeps two workspaces of the
// same name in different groups apart.
func BindingName(workspaceID string) string {
	name := workspaceID
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0:
			b.WriteByte('-')
		}
	}
	short := b.String()
	if len(short) > 10 {
		short = short[:10]
	}
	short = strings.Trim(short, "-")
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(strings.TrimSuffix(workspaceID, "/"))))
	if short == "" {
		return fmt.Sprintf("aml-%08x", h.Sum32())
	}
	return fmt.Sprintf("aml-%s-%08x", short, h.Sum32())
}

// RoleBindingSpec is the Trusted Access role binding of the plan's
// workspace on its cluster.
func (p Plan) RoleBindingSpec() RoleBindingSpec {
	ws := p.WorkspaceID()
	return RoleBindingSpec{ClusterID: p.TargetClusterID(), Name: BindingName(ws), Source: ws, Roles: []string{MLWorkloadRole}}
}

// IdentityLabel is the compute identity for people.
func (p Plan) IdentityLabel() string {
	if p.Identity == "" || strings.EqualFold(p.Identity, "SystemAssigned") || strings.EqualFold(p.Identity, "system") {
		return "system-assigned"
	}
	return "user-assigned " + p.Identity
}

// NewCluster is the answer of the create's cluster step.
type NewCluster struct{ Name, ResourceGroup string }

// NamespaceAnswer is the namespace step's answer in the wizard: the
// namespace and the instance types (none given: sized to the nodes).
type NamespaceAnswer struct {
	Namespace       string
	InstanceTypes   []rules.InstanceType
	NoInstanceTypes bool
	// Typed is the instance types as typed, for the step's check.
	Typed string
}

// ParseInstanceTypes reads "NAME=CPU,MEMORY[,GPU]" items separated by ';'
// or spaces (the wizard's field).
func ParseInstanceTypes(s string) ([]rules.InstanceType, []rules.Violation) {
	var out []rules.InstanceType
	var vs []rules.Violation
	seen := map[string]bool{}
	for _, item := range strings.Fields(strings.ReplaceAll(s, ";", " ")) {
		t, err := rules.ParseInstanceType(item)
		var v rules.Violation
		switch {
		case errors.As(err, &v):
			vs = append(vs, v)
		case err != nil:
			vs = append(vs, rules.Violation{Field: "instance-type", Code: "instance-type", Message: err.Error()})
		case seen[t.Name]:
			vs = append(vs, rules.Violation{Field: "instance-type", Code: "instance-type-twice", Message: t.Name + " is given twice: keep one"})
		default:
			seen[t.Name] = true
			out = append(out, t)
		}
	}
	return out, vs
}

// APIAnswer is the answer of the API access step.
type APIAnswer struct {
	Access APIAccess
	Ranges []string
}

// RouterAnswer is the answer of the router step.
type RouterAnswer struct {
	Router Router
	HA     bool
}

// DecideLTS is the decider after the version step of a Kubernetes
// create: a version the region offers only with long-term support makes
// the cluster a Premium tier one on the AKSLongTermSupport plan (AKS
// refuses it otherwise); the review says what that costs, so the user
// keeps it or picks another version. Nothing changes while the region's
// versions are unknown.
func DecideLTS(p *Plan, k Known) {
	if !p.Kubernetes() || p.Mode != ModeCreate || !k.HaveVersions {
		return
	}
	p.LTS = p.KubernetesVersion != "" && rules.CheckVersion(k.Versions, p.KubernetesVersion).LTSOnly
}

// DecideInsecure is the decider after the TLS step on the current path:
// choosing no certificate there is choosing plain HTTP, so the extension
// is told to allow insecure connections (the step says so). A flag's
// answer is kept.
func DecideInsecure(p *Plan) {
	if p.Variant().TLS.PlainHTTP && p.TLS.Mode == rules.TLSOff && !p.Given(FAllowInsecure) {
		p.AllowInsecure = true
		p.Mark(FAllowInsecure, Asked)
	}
}

// DecideInstallExtension is the decider after the cluster step on the
// current path: the picker badges a cluster without a healthy Azure ML
// extension "it will be installed", so picking it is the choice to install
// it. A flag's answer is kept; nothing is decided while the extensions are
// unknown.
func DecideInstallExtension(p *Plan, k Known) {
	if !p.Kubernetes() || p.Mode != ModeAttach || !k.HaveExtensions || p.ClusterID == "" {
		return
	}
	// the extension found is kept even when a flag answered: a reinstall
	// or an update is of that instance, under its own name
	e, ok := k.Extensions[strings.ToLower(p.ClusterID)]
	p.Extension = nil
	if ok {
		p.Extension = &e
	}
	if p.Given(FInstallExtension) {
		return
	}
	p.InstallExtension = !ok || !e.Ready()
	p.Mark(FInstallExtension, Asked)
}

// SubmitKinds are the operations the plan's submit runs, in order: a
// Kubernetes create's cluster, Trusted Access binding (when the cluster
// needs one), extension and attach; a Kubernetes attach's binding and
// extension when they are needed, and attach; the legacy create or attach
// alone.
func (p Plan) SubmitKinds() []OpKind {
	if !p.Kubernetes() {
		if p.Mode == ModeAttach {
			return []OpKind{OpAttach}
		}
		return []OpKind{OpCreate}
	}
	// the phases Phases lists, in its order
	var ks []OpKind
	if p.Mode == ModeCreate {
		ks = append(ks, OpCluster)
	}
	if len(p.TrustedAccessNeeds()) > 0 {
		ks = append(ks, OpTrustedAccess)
	}
	switch {
	case p.AddsInference():
		ks = append(ks, OpExtensionUpdate)
	case p.Mode == ModeCreate || p.InstallExtension:
		ks = append(ks, OpExtension)
	}
	return append(ks, OpAttach)
}

// Expected is how long the plan's submit usually takes: its operations'
// usual times (exp, per kind) added up. The review and the progress of
// the wizard both say this one figure.
func (p Plan) Expected(exp func(OpKind) time.Duration) time.Duration {
	var d time.Duration
	for _, k := range p.SubmitKinds() {
		d += exp(k)
	}
	return d
}
