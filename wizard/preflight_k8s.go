package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard/files"
)

// Providers are the resource providers the current path needs registered
// (besides Microsoft.MachineLearningServices, which the workspace proves).
var Providers = []string{"Microsoft.ContainerService", "Microsoft.KubernetesConfiguration"}

// ExtensionIndex reads the Azure ML extension of every cluster, in
// parallel (lower-case cluster ID → extension; absent: none installed).
func ExtensionIndex(ctx context.Context, c Cloud, cls []Cluster) (map[string]Extension, error) {
	out := map[string]Extension{}
	var mu sync.Mutex
	var g group
	for _, cl := range cls {
		g.Go(func() error {
			e, ok, err := c.Extension(ctx, cl.ID)
			if err != nil || !ok {
				return err
			}
			mu.Lock()
			out[strings.ToLower(cl.ID)] = e
			mu.Unlock()
			return nil
		})
	}
	return out, g.Wait()
}

// BindingIndex reads the Trusted Access role bindings of every cluster
// that needs them (ClusterTrustedAccessNeeds), in parallel (lower-case
// cluster ID → bindings). A cluster whose bindings cannot be read is left
// out: unknown, as the picker then says nothing of them.
func BindingIndex(ctx context.Context, c Cloud, cls []Cluster) map[string][]RoleBinding {
	out := map[string][]RoleBinding{}
	var mu sync.Mutex
	var g group
	for _, cl := range cls {
		if len(ClusterTrustedAccessNeeds(cl)) == 0 {
			continue
		}
		g.Go(func() error {
			bs, err := c.RoleBindings(ctx, cl.ID)
			if err == nil {
				mu.Lock()
				out[strings.ToLower(cl.ID)] = bs
				mu.Unlock()
			}
			return nil
		})
	}
	_ = g.Wait()
	return out
}

// bindingFacts adds what the cluster's bindings say to kf: their names,
// and the one that binds the plan's workspace.
func bindingFacts(kf *rules.KubernetesFacts, p *Plan, bindings []RoleBinding) {
	kf.BindingsKnown = true
	ws := p.WorkspaceID()
	for _, b := range bindings {
		kf.Bindings = append(kf.Bindings, b.Name)
		if b.Binds(ws) && kf.WorkspaceBinding == "" {
			kf.WorkspaceBinding = b.Name
		}
	}
}

// Continues reports whether cp is the plan's own compute from an earlier
// run: a Kubernetes compute of the same name on the same cluster, which a
// re-run continues (retries or keeps) instead of refusing the name.
func Continues(p *Plan, cp Compute) bool {
	return p.Kubernetes() && strings.EqualFold(cp.Name, p.Name) && strings.EqualFold(cp.Type, string(ComputeKubernetes)) &&
		rules.SameCluster(cp.ClusterID, p.TargetClusterID())
}

// otherComputes leaves out the plan's own compute (Continues).
func otherComputes(p *Plan, cs []Compute) []Compute {
	var out []Compute
	for _, cp := range cs {
		if !Continues(p, cp) {
			out = append(out, cp)
		}
	}
	return out
}

// continueFindings drops the name findings about the plan's own compute
// from an earlier run and says the re-run continues.
func continueFindings(ctx context.Context, c Cloud, p *Plan, fs []rules.Finding) ([]rules.Finding, error) {
	cp, err := c.Compute(ctx, p.WorkspaceRef(), p.Name)
	if errors.Is(err, ErrNotFound) {
		return fs, nil
	}
	if err != nil {
		return fs, err
	}
	if !Continues(p, cp) {
		return fs, nil
	}
	var out []rules.Finding
	for _, f := range fs {
		if f.Code != rules.CodeNameTaken {
			out = append(out, f)
		}
	}
	what := "a re-run retries the attach"
	if cp.State == "Succeeded" {
		what = "nothing is left to do"
	}
	return append(out, rules.Finding{Code: rules.CodeClusterExists, Severity: rules.Info,
		Message: fmt.Sprintf("compute %s already points at this cluster (%s) from an earlier run: %s", cp.Name, cp.State, what)}), nil
}

// kubernetesMark tags the attachment entries of Kubernetes computes.
const kubernetesMark = " (Kubernetes, namespace "

// SplitAttachments separates the AKS (v1) computes on a cluster from the
// Kubernetes ones.
func SplitAttachments(list []string) (legacy []string, k8s []rules.KubernetesAttachment) {
	for _, a := range list {
		i := strings.Index(a, kubernetesMark)
		if i < 0 {
			legacy = append(legacy, a)
			continue
		}
		name, ws, _ := strings.Cut(a[:i], " in ")
		k8s = append(k8s, rules.KubernetesAttachment{Compute: name, Workspace: ws, Namespace: strings.TrimSuffix(a[i+len(kubernetesMark):], ")")})
	}
	return legacy, k8s
}

func attachmentEntry(cp Compute, ws string) string {
	if strings.EqualFold(cp.Type, string(ComputeKubernetes)) {
		ns := cp.Namespace
		if ns == "" {
			ns = "default"
		}
		return cp.Name + " in " + ws + kubernetesMark + ns + ")"
	}
	return cp.Name + " in " + ws
}

// ClusterFindings is ClusterFacts for either compute type: for a
// Kubernetes plan, the cluster's findings add the current path's (service
// principal, the extension's state when extKnown, AKS computes on it
// block, Kubernetes computes on it are allowed, the Trusted Access binding
// when bindingsKnown).
func ClusterFindings(cl Cluster, p *Plan, versions []rules.Version, pairs, attachedAs []string, ext Extension, haveExt, extKnown bool,
	bindings []RoleBinding, bindingsKnown bool) []rules.Finding {
	if !p.Kubernetes() {
		f := clusterFacts(cl, p, versions, pairs, attachedAs)
		f.Name = "placeholder"
		return rules.AttachFindings(f)
	}
	legacy, k8s := SplitAttachments(attachedAs)
	f := clusterFacts(cl, p, versions, pairs, nil)
	f.Name = "placeholder"
	fs := recommendOnly(rules.AttachFindings(f), cl, p)
	kf := kubernetesClusterFacts(cl, p, legacy, k8s, ext, haveExt, extKnown)
	kf.InstallExtension = true // picking a cluster without a ready extension installs it (or adds inference)
	kf.Router = routerOf(p, kf, ext)
	// bindings not read yet: the workspace's counts as one amlaks will make
	if bindingsKnown {
		bindingFacts(&kf, p, bindings)
	}
	if rules.TrustedAccessOK(kf) {
		fs = rules.TrustedAccessFine(fs)
	}
	return rules.SortFindings(append(fs, rules.KubernetesFindings(kf)...))
}

// routerOf is the router whose reachability the findings judge: the
// plan's when amlaks installs the extension (or adds inference to it),
// else the installed extension's.
func routerOf(p *Plan, kf rules.KubernetesFacts, ext Extension) string {
	installing := kf.Create || kf.InstallExtension && (!kf.ExtensionPresent || strings.EqualFold(kf.ExtensionState, "Failed") || kf.ExtensionTrainingOnly)
	if installing {
		return p.Router.ServiceType()
	}
	if kf.ExtensionPresent && !kf.ExtensionTrainingOnly {
		return ext.Settings["inferenceRouterServiceType"]
	}
	return ""
}

func kubernetesClusterFacts(cl Cluster, p *Plan, legacy []string, k8s []rules.KubernetesAttachment, ext Extension, haveExt, extKnown bool) rules.KubernetesFacts {
	kf := rules.KubernetesFacts{Cluster: cl.Name, Identity: cl.Identity, ExtensionKnown: extKnown, ExtensionPresent: haveExt,
		ExtensionState: ext.State, ExtensionVersion: ext.Version, InstallExtension: p.InstallExtension, Nodes: cl.Nodes(), RouterHA: p.HA(),
		LegacyAttached: legacy, KubernetesAttached: k8s, Workspace: p.Workspace.Name, Namespace: p.Namespace,
		TLSOff: p.TLS.Mode == rules.TLSOff, AllowInsecure: p.AllowInsecure,
		ExtensionTrainingOnly: haveExt && ext.TrainingOnly(), ExtensionName: ext.Name,
		ExtensionPurpose: rules.Purpose(ext.Settings["clusterPurpose"]), Purpose: p.Purpose,
		TrustedAccessNeeds: ClusterTrustedAccessNeeds(cl), NewBinding: BindingName(p.WorkspaceID()), ClusterGroup: cl.ResourceGroup}
	if p.From(FRouterHA) == Unset {
		kf.RouterHA = cl.Nodes() >= rules.RouterHAMinimumNodes
	}
	if len(ext.Errors) > 0 {
		kf.ExtensionError = ext.Errors[0].Code + ": " + ext.Errors[0].Message
	}
	return kf
}

// premiumPrice is the Premium tier's hourly price when the version needs
// it (0 when it is not needed or cannot be read: the finding then says the
// list price).
func premiumPrice(ctx context.Context, c Cloud, region string, need bool) float64 {
	if !need {
		return 0
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := c.PremiumTierPrice(pctx, region)
	if err != nil {
		return 0
	}
	return v
}

// recommendOnly turns the legacy threshold's Block on a cluster into the
// Kubernetes compute's Warn: there the purpose's size is Azure ML's
// recommendation, not a rule Azure applies.
func recommendOnly(fs []rules.Finding, cl Cluster, p *Plan) []rules.Finding {
	var out []rules.Finding
	below := false
	for _, f := range fs {
		if f.Code == rules.CodeBelowThreshold {
			below = true
			continue
		}
		out = append(out, f)
	}
	if below {
		out = append(out, rules.RecommendationFindings(p.Purpose, cl.Name, cl.Nodes(), cl.VCPUs())...)
	}
	return out
}

// kubernetesPreflight is the preflight of a Kubernetes create or attach:
// today's findings (name, size and quota for a create; the cluster's for
// an attach) plus the current path's.
func kubernetesPreflight(ctx context.Context, c Cloud, p *Plan, inFlight *Guard) (Report, error) {
	var provs map[string]string
	var provErr error
	var wg sync.WaitGroup
	wg.Add(1)
	sub := p.Subscription
	go func() { defer wg.Done(); provs, provErr = c.Providers(ctx, sub, Providers) }()
	var r Report
	var err error
	if p.Mode == ModeCreate {
		// the create names a cluster that exists and is not its own: the
		// preflight is the attach's (the caller's plan adopts it too,
		// AdoptCluster, before anything is sent)
		if cl, err := c.Cluster(ctx, p.TargetClusterID()); err == nil && !ClusterMadeFor(cl, p.Workspace.Name, p.Name) {
			q := p.Clone()
			k := Known{Clusters: []Cluster{cl}, HaveClusters: true}
			if e, ok, err := c.Extension(ctx, cl.ID); err == nil {
				k.Extensions, k.HaveExtensions = map[string]Extension{}, true
				if ok {
					k.Extensions[strings.ToLower(cl.ID)] = e
				}
			}
			if AdoptCluster(q, k) {
				p = q
			}
		} else if err != nil && !errors.Is(err, ErrNotFound) {
			wg.Wait()
			return r, err
		}
	}
	if p.Mode == ModeAttach {
		r, err = kubernetesAttachPreflight(ctx, c, p, inFlight)
	} else {
		r, err = kubernetesCreatePreflight(ctx, c, p)
	}
	wg.Wait()
	if err != nil {
		return r, err
	}
	if provErr != nil {
		return r, provErr
	}
	pf := rules.KubernetesFindings(rules.KubernetesFacts{Providers: provs, RegisterProviders: p.RegisterProviders})
	fs, err := continueFindings(ctx, c, p, append(append(r.Findings, pf...), AdoptedFinding(p)...))
	if err != nil {
		return r, err
	}
	r.Findings = rules.SortFindings(fs)
	return r, nil
}

func kubernetesCreatePreflight(ctx context.Context, c Cloud, p *Plan) (Report, error) {
	r, err := createPreflight(ctx, c, p)
	if err != nil {
		return r, err
	}
	// keep the findings that apply to a cluster created in AKS: name, size,
	// quota, TLS (the version is chosen here; the threshold, the GPU's
	// "no second pool" and the network and load balancer notes are the
	// legacy compute's: here the purpose's size is a recommendation)
	var fs []rules.Finding
	for _, f := range r.Findings {
		switch f.Code {
		case rules.CodeNameInvalid, rules.CodeNameTaken, rules.CodeQuotaFamily, rules.CodeQuotaRegion,
			rules.CodeQuotaUnknown, rules.CodeSizeRestricted, rules.CodeSizeUnknown, rules.CodeTLS:
			fs = append(fs, f)
		}
	}
	if z := r.Facts.Size; z.VCPUs > 0 {
		fs = append(fs, rules.RecommendationFindings(p.Purpose, p.NewClusterName(), p.Nodes, p.Nodes*z.VCPUs)...)
	}
	if p.NvidiaNodes() {
		fs = append(fs, rules.Finding{Code: rules.CodeGPUNote, Severity: rules.Info,
			Message: p.VMSize + " has NVIDIA GPUs: the Azure ML extension installs the NVIDIA device plugin (installNvidiaDevicePlugin=True), or the GPUs are never scheduled"})
	}
	cl, err := c.Cluster(ctx, p.TargetClusterID())
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return r, err
	}
	regions, err := c.Regions(ctx, p.Subscription)
	if err != nil {
		return r, err
	}
	r.Facts.Regions = regions
	st := rules.CheckVersion(r.Facts.Versions, p.KubernetesVersion)
	kf := rules.KubernetesFacts{Cluster: p.NewClusterName(), Create: true, Nodes: p.Nodes, RouterHA: p.HA(),
		WorkspaceRegion: p.Workspace.Region, PairedRegions: PairsOf(regions, p.Workspace.Region),
		Namespace: p.Namespace, Workspace: p.Workspace.Name, TLSOff: p.TLS.Mode == rules.TLSOff, AllowInsecure: p.AllowInsecure,
		VMSize: r.Facts.Size.Name, VCPUs: r.Facts.Size.VCPUs, MemoryGB: r.Facts.Size.MemoryGB,
		Version: p.KubernetesVersion, VersionPreview: st.Preview, VersionDefault: p.From(FKubernetesVer) == Default,
		VersionLTSOnly: st.LTSOnly, PremiumTier: p.LTS, DefaultVersion: r.Facts.Default,
		PremiumPerHour: premiumPrice(ctx, c, p.Region, st.LTSOnly),
		ClusterExists:  exists, ClusterOurs: exists && ClusterMadeFor(cl, p.Workspace.Name, p.Name),
		TrustedAccessNeeds: p.TrustedAccessNeeds(), NewBinding: BindingName(p.WorkspaceID()), Router: p.Router.ServiceType(),
		WorkspacePrivateEndpoint: p.Workspace.PrivateEndpoint, ClusterRegion: p.Region}
	if p.APIAccess == APIAuthorized {
		kf.AuthorizedRanges = p.AuthorizedRanges
	}
	if exists {
		r.Facts.Cluster = &cl
	}
	if kf.ClusterOurs {
		// the cluster of an earlier run is made: its vCPUs are already in
		// the usage, so the quota findings of making it no longer apply
		kept := fs[:0]
		for _, f := range fs {
			switch f.Code {
			case rules.CodeQuotaFamily, rules.CodeQuotaRegion, rules.CodeQuotaUnknown:
				continue
			}
			kept = append(kept, f)
		}
		fs = kept
	}
	r.Findings = rules.SortFindings(append(fs, rules.KubernetesFindings(kf)...))
	return r, nil
}

func kubernetesAttachPreflight(ctx context.Context, c Cloud, p *Plan, inFlight *Guard) (Report, error) {
	var ext Extension
	var haveExt bool
	var bindings []RoleBinding
	var bindErr error
	r, f, attachedAs, err := attachFacts(ctx, c, p, inFlight, func(g *group) {
		g.Go(func() (err error) { ext, haveExt, err = c.Extension(ctx, p.ClusterID); return })
		// read whether the cluster needs it or not (it is known only once
		// the cluster is): one call, and a failure only leaves it unknown
		g.Go(func() error { bindings, bindErr = c.RoleBindings(ctx, p.ClusterID); return nil })
	})
	if err != nil {
		return r, err
	}
	cl := *r.Facts.Cluster
	legacy, k8s := SplitAttachments(attachedAs)
	f.AttachedAs = nil                                  // the current path weighs legacy and Kubernetes attachments itself
	fs := recommendOnly(rules.AttachFindings(f), cl, p) // TLS: the extension's, checked below
	kf := kubernetesClusterFacts(cl, p, legacy, k8s, ext, haveExt, true)
	kf.Router = routerOf(p, kf, ext)
	if bindErr == nil {
		bindingFacts(&kf, p, bindings)
	}
	if rules.TrustedAccessOK(kf) {
		fs = rules.TrustedAccessFine(fs)
	}
	r.Findings = rules.SortFindings(append(fs, rules.KubernetesFindings(kf)...))
	return r, nil
}

// PhaseKind names a phase of a Kubernetes submit.
type PhaseKind string

// Phases of a Kubernetes create (cluster, Trusted Access when needed,
// extension, attach) or attach (Trusted Access and extension when needed,
// attach).
const (
	PhaseCluster       PhaseKind = "cluster"
	PhaseTrustedAccess PhaseKind = "trusted-access"
	PhaseExtension     PhaseKind = "extension"
	PhaseAttach        PhaseKind = "attach"
)

// Phase is one step of a Kubernetes submit: its request, as it will be
// sent, and its equivalent command.
type Phase struct {
	Kind       PhaseKind
	Title      string // "create AKS cluster aks-prod in rg-ml-prod"
	Request    Request
	Equivalent string // az command
	Python     string // azure-ai-ml (attach) or "" when there is none
	// Details are lines shown under the title (the instance types).
	Details []string
	// Rollback says how to undo the phase ("" not said; migrate.go).
	Rollback string
}

// Phases lists what submitting the plan sends, in order: for a create the
// cluster, the workspace's Trusted Access binding (TrustedAccessNeeds), the
// extension and the attach; for an attach the binding, the extension (when
// InstallExtension: an install, or a PATCH adding inference) and the
// attach. Requests come from the port's request builders (secrets
// redacted).
func Phases(c Cloud, p *Plan) ([]Phase, error) {
	var out []Phase
	if p.Mode == ModeCreate {
		req, err := c.ClusterRequest(p.ClusterSpec())
		if err != nil {
			return nil, err
		}
		out = append(out, Phase{Kind: PhaseCluster, Title: fmt.Sprintf("create AKS cluster %s in %s", p.NewClusterName(), p.NewClusterGroup()),
			Request: req, Equivalent: AKSCreateAz(p)})
	}
	if needs := p.TrustedAccessNeeds(); len(needs) > 0 {
		spec := p.RoleBindingSpec()
		req, err := c.RoleBindingRequest(spec)
		if err != nil {
			return nil, err
		}
		out = append(out, Phase{Kind: PhaseTrustedAccess,
			Title:   fmt.Sprintf("let %s reach %s (%s): Trusted Access role binding %s", p.Workspace.Name, clusterName(p), strings.Join(needs, ", "), spec.Name),
			Request: req, Equivalent: RoleBindingAz(p)})
	}
	if p.Mode == ModeCreate || p.InstallExtension {
		spec := p.ExtensionSpec()
		req, err := c.ExtensionRequest(spec)
		if err != nil {
			return nil, err
		}
		title, eq := "install the Azure ML extension on "+clusterName(p), ExtensionAz(p)
		if spec.Update {
			title, eq = "add inference to the Azure ML extension "+spec.Name+" on "+clusterName(p), ExtensionUpdateAz(p)
		}
		out = append(out, Phase{Kind: PhaseExtension, Title: title, Request: req, Equivalent: eq})
	}
	// the attach request comes from the Cloud's own builder, as a legacy
	// submit's does: what is shown is what is sent
	req, err := c.Request(p.WorkspaceRef(), p.Spec())
	if err != nil {
		return nil, err
	}
	out = append(out, Phase{Kind: PhaseAttach, Title: fmt.Sprintf("attach %s to %s as Kubernetes compute %s", clusterName(p), p.Workspace.Name, p.Name),
		Request: req, Equivalent: KubernetesAttachAz(p), Python: KubernetesPython(p)})
	if ph, ok, err := readinessPhase(c, p); err != nil {
		return nil, err
	} else if ok {
		out = append(out, ph)
	}
	return out, nil
}

func clusterName(p *Plan) string {
	if id, err := rules.ParseClusterID(p.TargetClusterID()); err == nil {
		return id.Name
	}
	return p.NewClusterName()
}

// PhaseState is what exists of one phase now.
type PhaseState struct {
	Kind   PhaseKind
	Done   bool
	State  string // Succeeded, Creating, Failed, missing, ...
	Detail string
	// Name is the extension's or the binding's name, when one exists.
	Name string
	// TrainingOnly: the extension is installed without inference.
	TrainingOnly bool
}

// PhaseProgress is one observation of RunPhases.
type PhaseProgress struct {
	Phase PhaseKind
	Progress
	Skipped bool // already done: nothing sent
}

// PhaseStates looks at what exists of each phase of the plan: the cluster
// (exists, Succeeded, tagged by amlaks), the extension (Succeeded), the
// compute (exists and Succeeded).
func PhaseStates(ctx context.Context, c Cloud, p *Plan) ([]PhaseState, error) {
	var out []PhaseState
	id := p.TargetClusterID()
	if p.Mode == ModeCreate {
		cl, err := c.Cluster(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound):
			out = append(out, PhaseState{Kind: PhaseCluster, State: "missing"})
		case err != nil:
			return nil, err
		case !ClusterMadeFor(cl, p.Workspace.Name, p.Name):
			out = append(out, PhaseState{Kind: PhaseCluster, State: cl.ProvisioningState, Detail: "exists and was not made for " + p.Workspace.Name + "/" + p.Name + " (" + ClusterOrigin(cl) + ")"})
		default:
			out = append(out, PhaseState{Kind: PhaseCluster, State: cl.ProvisioningState, Done: cl.ProvisioningState == "Succeeded"})
		}
	}
	if len(p.TrustedAccessNeeds()) > 0 {
		bs, err := c.RoleBindings(ctx, id)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		ts := PhaseState{Kind: PhaseTrustedAccess, State: "missing"}
		ws := p.WorkspaceID()
		for _, b := range bs {
			if b.Binds(ws) {
				ts = PhaseState{Kind: PhaseTrustedAccess, State: b.State, Done: b.State == "Succeeded", Name: b.Name}
				break
			}
		}
		out = append(out, ts)
	}
	es, err := extensionState(ctx, c, id)
	if err != nil {
		return nil, err
	}
	out = append(out, es)
	cp, err := c.Compute(ctx, p.WorkspaceRef(), p.Name)
	switch {
	case errors.Is(err, ErrNotFound):
		out = append(out, PhaseState{Kind: PhaseAttach, State: "missing"})
	case err != nil:
		return nil, err
	default:
		out = append(out, PhaseState{Kind: PhaseAttach, State: cp.State, Done: cp.State == "Succeeded"})
	}
	return out, nil
}

// PhaseError is a failure of one phase: what exists now and what to do.
type PhaseError struct {
	Phase PhaseKind
	Err   error
	// Exists says what the earlier phases left ("cluster aks-prod created").
	Exists string
	// Next says what to do ("`amlaks status k8s-dev` retries the
	// extension only").
	Next string
}

func (e *PhaseError) Error() string {
	s := string(e.Phase) + " failed: " + e.Err.Error()
	if e.Exists != "" {
		s = e.Exists + ", " + s
	}
	return s + "; " + e.Next
}

func (e *PhaseError) Unwrap() error { return e.Err }

// Interrupted is RunPhases stopped in a phase: by the caller (ctx done:
// a signal, the user leaving) or because it stopped watching (Err wraps
// ErrStoppedWatching: the deadline passed, or an error it cannot get
// past). What was sent goes on in Azure; the phases after it are not
// done, and `amlaks status NAME` continues them (the record keeps them).
type Interrupted struct {
	Phase PhaseKind
	// Sent: Azure answered the phase's request (it runs there); false
	// when the request may not have reached Azure.
	Sent bool
	// Name is the compute; Later are the phases after this one.
	Name  string
	Later []PhaseKind
	// Err is the stopped-watching error (nil when the caller stopped).
	Err error
}

func (e *Interrupted) Error() string { return e.Say("`amlaks status " + e.Name + "`") }

func (e *Interrupted) Unwrap() error { return e.Err }

// Say is the stop's truth in one sentence, status being the command that
// continues (as the user would type it).
func (e *Interrupted) Say(status string) string {
	if !e.Sent {
		return "the request of " + PhaseWords(e.Phase) + " may not have reached Azure: " + status + " checks and continues"
	}
	s := PhaseWords(e.Phase) + " goes on in Azure"
	if e.Err != nil {
		why := e.Err.Error()
		var we *Error
		if errors.As(e.Err, &we) && we.Message != "" {
			why = we.Message
		}
		s = why + "; " + s
	}
	if len(e.Later) == 0 {
		return s + ": " + status + " follows it to the end"
	}
	var later []string
	for _, k := range e.Later {
		later = append(later, PhaseWords(k))
	}
	verb := "is"
	if len(later) > 1 {
		verb = "are"
	}
	return s + "; " + rules.JoinAnd(later) + " " + verb + " not done yet: " + status + " continues them"
}

// PhaseWords names what a phase does ("the cluster create").
func PhaseWords(k PhaseKind) string {
	switch k {
	case PhaseCluster:
		return "the cluster create"
	case PhaseTrustedAccess:
		return "the Trusted Access role binding"
	case PhaseExtension:
		return "the extension install"
	case PhaseAttach:
		return "the attach"
	case PhaseProviders:
		return "the provider registration"
	case PhaseReady:
		return "the cluster's preparation"
	}
	return "the " + string(k)
}

// PhaseWait is the wait for another process running the same record, or
// the extension of the same cluster (its Note says who).
const PhaseWait PhaseKind = "wait"

// PhaseKinds are the phases of the plan, in order.
func PhaseKinds(p *Plan) []PhaseKind {
	var out []PhaseKind
	if p.Mode == ModeCreate {
		out = append(out, PhaseCluster)
	}
	if len(p.TrustedAccessNeeds()) > 0 {
		out = append(out, PhaseTrustedAccess)
	}
	return append(out, PhaseExtension, PhaseAttach)
}

// lockFor takes the OS lock of key, waiting for the process that holds
// it (on says who, once). who names the holder ("" when unknown).
func lockFor(ctx context.Context, g *Guard, key, what string, who func() string, on func(PhaseProgress)) (*files.Locked, error) {
	if g == nil {
		return nil, nil
	}
	path, err := g.LockPath(key)
	if err != nil {
		return nil, &Error{Kind: ErrBadRequest, Op: what, Message: "no place for the lock file: " + err.Error(),
			Hint: "set XDG_CACHE_HOME (or HOME) to a writable directory"}
	}
	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	lk, err := files.Lock(tctx, path)
	cancel()
	if err == nil {
		return lk, nil
	}
	if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		h := who()
		if h == "" {
			h = "another amlaks process"
		}
		on(PhaseProgress{Phase: PhaseWait, Progress: Progress{State: "waiting", Note: h + " runs " + what + ": waiting for it to finish"}})
		lk, err = files.Lock(ctx, path)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &Error{Kind: ErrBadRequest, Op: what, Message: "cannot take the lock " + path + ": " + err.Error(),
			Hint: "check that the directory is writable (or set XDG_CACHE_HOME)"}
	}
	return lk, nil
}

// lockRecord takes the OS lock of the record of compute name (one
// process runs it at a time), waiting for the holder the record names.
func lockRecord(ctx context.Context, g *Guard, ws WorkspaceRef, name, what string, on func(PhaseProgress)) (*files.Locked, error) {
	recs := g.Records()
	return lockFor(ctx, g, RecordGuardKey(ws, name), what, func() string {
		if r, ok, _ := recs.Load(ctx, ws, name); ok {
			return r.Holder
		}
		return ""
	}, on)
}

// Running reports a provisioning state of an operation still going on.
func Running(st string) bool {
	switch st {
	case "Creating", "Updating", "Deleting", "Accepted", "InProgress", "Provisioning":
		return true
	}
	return false
}

// RunPhases submits a Kubernetes plan phase by phase under its record
// (Record, kept in g's Records while it runs): it registers the missing
// providers when asked, then for each phase looks at what exists first
// (done phases are skipped; one still running in Azure is joined and
// followed, with the recorded resume token when there is one; a failed
// compute is detached and attached again) and sends what is missing,
// following each operation to its end under the Cloud's deadline. A
// re-run of the same plan, or `amlaks status NAME`, continues from the
// first unfinished phase. One process runs a record at a time, and one
// installs a cluster's extension at a time (OS locks): another waits. A
// failure keeps the earlier phases and returns a *PhaseError saying what
// exists and what to do; a stop returns an *Interrupted.
func RunPhases(ctx context.Context, c Cloud, p *Plan, g *Guard, every time.Duration, on func(PhaseProgress)) (*Compute, error) {
	return runPhases(ctx, c, p, g, every, on, nil)
}

// runPhases is RunPhases; with outer, the phases are kept in that record
// (a migration's, whose lock the caller holds and which it removes).
func runPhases(ctx context.Context, c Cloud, p *Plan, g *Guard, every time.Duration, on func(PhaseProgress), outer *Record) (*Compute, error) {
	if on == nil {
		on = func(PhaseProgress) {}
	}
	on = lockedProgress(on) // readiness reports from beside the attach
	if p.Kubernetes() && p.Mode == ModeAttach && p.Cluster == nil {
		// whether the cluster needs Trusted Access is the cluster's to say
		if cl, err := c.Cluster(ctx, p.ClusterID); err == nil {
			p = p.Clone()
			p.Cluster = &cl
		}
	}
	key := p.GuardKey()
	if !g.Acquire(key) {
		return nil, &Error{Kind: ErrConflict, Op: "submit", Message: "a submit of " + key + " is already running from this session",
			Hint: "wait for it to finish; two attachments of one cluster break the first"}
	}
	defer g.Release(key)
	recs := g.Records()
	ws := p.WorkspaceRef()
	kinds := PhaseKinds(p)
	rec, had := outer, outer != nil
	if rec == nil {
		lk, err := lockRecord(ctx, g, ws, p.Name, "the "+string(p.Mode)+" of "+p.Name, on)
		if err != nil {
			return nil, err
		}
		defer lk.Unlock()
		r, ok, err := recs.Load(ctx, ws, p.Name)
		had = ok
		if err != nil || !ok {
			r = NewRecord(p, kinds)
		} else if r.Mode != p.Mode || !rules.SameCluster(r.Cluster.ID, p.TargetClusterID()) {
			// never a second cluster for one compute: the record's is the one
			return nil, &Error{Kind: ErrConflict, Op: "submit", Message: fmt.Sprintf("%s has an unfinished %s on cluster %s; this %s names cluster %s",
				p.Name, r.Mode, r.Cluster.Name, p.Mode, clusterName(p)),
				Hint: "continue it with `amlaks status " + p.Name + "`, or pick another name"}
		}
		rec = &r
	}
	rec.Holder = holder()
	saveErr := false
	save := func() {
		if err := recs.Save(rec); err != nil && !saveErr {
			saveErr = true
			on(PhaseProgress{Phase: PhaseWait, Progress: Progress{State: "note", Note: "could not save the operation's record (" + err.Error() + "): `amlaks status " + p.Name + "` can still follow it from Azure"}})
		}
	}
	mark := func(k PhaseKind, state string, op *Operation) {
		if rp := rec.Phase(k); rp != nil {
			rp.State, rp.Op = state, op
		} else {
			rec.Phases = append(rec.Phases, RecordPhase{Kind: k, State: state, Op: op})
		}
		save()
	}
	// finish marks a phase done; one an earlier run started (its request
	// sent, maybe its token saved) and Azure finished since is followed
	// once, by its token or its resource's state, which reads back and
	// removes the token it left
	followed := map[PhaseKind]bool{}
	finish := func(k PhaseKind, join Operation) {
		// (with the record lost, a cluster or extension phase found done
		// may still have the token of the run that started it: followed
		// once by its state, which removes that token)
		if rp := rec.Phase(k); rp != nil && !followed[k] && (rp.State == PhaseSending || rp.State == PhaseAccepted ||
			!had && rp.State == PhasePending && k != PhaseAttach) {
			op := join
			if rp.Op != nil {
				op = *rp.Op
			}
			for range c.Follow(ctx, op, every) {
			}
		}
		mark(k, PhaseDone, nil)
	}
	save() // before the first request
	later := func(k PhaseKind) []PhaseKind {
		for i, x := range kinds {
			if x == k {
				return kinds[i+1:]
			}
		}
		return nil
	}
	if p.RegisterProviders {
		provs, err := c.Providers(ctx, p.Subscription, Providers)
		if err != nil {
			return nil, err
		}
		var started []string
		for _, ns := range Providers {
			if !strings.EqualFold(provs[ns], "Registered") {
				if err := c.RegisterProvider(ctx, p.Subscription, ns); err != nil {
					return nil, err
				}
				started = append(started, ns)
			}
		}
		if len(started) > 0 {
			if err := waitRegistered(ctx, c, p.Subscription, started, every, on); err != nil {
				if ie := new(Interrupted); errors.As(err, &ie) {
					ie.Sent, ie.Name, ie.Later = true, p.Name, kinds
				}
				return nil, err
			}
		}
	}
	states, err := PhaseStates(ctx, c, p)
	if err != nil {
		return nil, err
	}
	stateOf := func(k PhaseKind) PhaseState {
		for _, s := range states {
			if s.Kind == k {
				return s
			}
		}
		return PhaseState{Kind: k, State: "missing"}
	}
	id := p.TargetClusterID()
	var exists []string
	status := "`amlaks status " + p.Name + "`"
	fail := func(ph PhaseKind, err error) error {
		var ie *Interrupted
		if errors.As(err, &ie) {
			ie.Name, ie.Later = p.Name, later(ph)
			return ie
		}
		if errors.Is(err, ErrStoppedWatching) {
			return &Interrupted{Phase: ph, Sent: true, Name: p.Name, Later: later(ph), Err: err}
		}
		if ctx.Err() != nil {
			// stopped while the request was on its way
			return &Interrupted{Phase: ph, Name: p.Name, Later: later(ph)}
		}
		mark(ph, PhaseFailed, nil)
		pe := &PhaseError{Phase: ph, Err: err, Exists: strings.Join(exists, ", ")}
		switch ph {
		case PhaseCluster:
			pe.Next = "fix the cause, then " + status + " (or the same command) retries the cluster's create"
		case PhaseTrustedAccess:
			pe.Next = "fix the cause, then " + status + " (or the same command) retries the Trusted Access role binding"
		case PhaseExtension:
			pe.Next = status + " (or the same command) retries the extension only"
			if p.Mode == ModeAttach {
				pe.Next = status + " (or the same command) retries the extension install"
			}
		case PhaseAttach:
			pe.Next = status + " (or the same command) retries the attach only"
		}
		return pe
	}
	// run does one phase: joins it when Azure runs it already (the
	// recorded operation's token when this record started it), else sends
	// it; a request whose answer was lost is settled by what Azure has
	// now (settled); then follows it to its end.
	run := func(k PhaseKind, st PhaseState, join Operation, start func() (Operation, error), settled func() bool) (Progress, error) {
		if Running(st.State) {
			if rp := rec.Phase(k); rp != nil && rp.Op != nil && rp.Op.Kind == join.Kind {
				join = *rp.Op
			}
			if join.Started.IsZero() {
				join.Started = time.Now()
			}
			on(PhaseProgress{Phase: k, Progress: Progress{State: st.State, Note: "still running in Azure from an earlier run: following it"}})
			mark(k, PhaseAccepted, &join)
			pr, err := follow(ctx, c, join, every, k, on)
			followed[k] = err == nil
			return pr, err
		}
		mark(k, PhaseSending, nil)
		op, err := start()
		if err != nil {
			if ctx.Err() != nil {
				return Progress{}, &Interrupted{Phase: k}
			}
			if settled == nil || !settled() {
				return Progress{}, err
			}
			// the request landed though its answer was lost: ours
			op = join
			op.Started = time.Now()
			on(PhaseProgress{Phase: k, Progress: Progress{State: "InProgress", Note: "the answer to the request was lost, but Azure has it as requested: following it"}})
		}
		mark(k, PhaseAccepted, &op)
		pr, err := follow(ctx, c, op, every, k, on)
		followed[k] = err == nil
		return pr, err
	}
	// settledBy re-reads the phase's state after a doubtful request: ours
	// when it now exists and runs (or is done) and did not before.
	settledBy := func(k PhaseKind, before PhaseState, ours func(PhaseState) bool) func() bool {
		return func() bool {
			if before.State != "missing" {
				return false
			}
			now, err := PhaseStates(ctx, c, p)
			if err != nil {
				return false
			}
			for _, s := range now {
				if s.Kind == k {
					return (Running(s.State) || s.State == "Succeeded") && (ours == nil || ours(s))
				}
			}
			return false
		}
	}
	// cluster
	if p.Mode == ModeCreate {
		st := stateOf(PhaseCluster)
		join := Operation{Kind: OpCluster, Name: p.NewClusterName(), Target: id}
		switch {
		case st.Done:
			on(PhaseProgress{Phase: PhaseCluster, Skipped: true, Progress: Progress{State: "Succeeded", Done: true, Note: "cluster " + p.NewClusterName() + " exists (created by amlaks)"}})
		case st.Detail != "":
			return nil, fail(PhaseCluster, &Error{Kind: ErrConflict, Message: "AKS cluster " + p.NewClusterName() + " " + st.Detail, Hint: "pick another --cluster, or attach it"})
		default:
			if _, err := run(PhaseCluster, st, join, func() (Operation, error) { return c.CreateCluster(ctx, p.ClusterSpec()) },
				settledBy(PhaseCluster, st, func(s PhaseState) bool { return s.Detail == "" })); err != nil {
				return nil, fail(PhaseCluster, err)
			}
		}
		finish(PhaseCluster, join)
		exists = append(exists, "cluster "+p.NewClusterName()+" created")
	}
	ready := beginReadiness(ctx, c, p, on)
	defer ready.stop()
	// Trusted Access: before the attach, so Azure ML can reach the cluster
	// when it attaches it (AKS applies a new binding within minutes)
	if len(p.TrustedAccessNeeds()) > 0 {
		spec := p.RoleBindingSpec()
		tst := stateOf(PhaseTrustedAccess)
		name := spec.Name
		if tst.Name != "" {
			name = tst.Name
		}
		join := Operation{Kind: OpTrustedAccess, Name: name, Target: id}
		if tst.Done {
			on(PhaseProgress{Phase: PhaseTrustedAccess, Skipped: true, Progress: Progress{State: "Succeeded", Done: true,
				Note: "Trusted Access role binding " + tst.Name + " of " + p.Workspace.Name + " exists"}})
		} else {
			if _, err := run(PhaseTrustedAccess, tst, join, func() (Operation, error) { return c.CreateRoleBinding(ctx, spec) },
				settledBy(PhaseTrustedAccess, tst, nil)); err != nil {
				return nil, fail(PhaseTrustedAccess, err)
			}
			exists = append(exists, "Trusted Access role binding "+name+" created")
		}
		finish(PhaseTrustedAccess, join)
	}
	// extension: one process at a time on a cluster (two computes sharing
	// it would both install it); its state is read again under the lock
	extJoin := Operation{Kind: OpExtension, Name: extensionNameOr(p.ExtensionSpec().Name), Target: id}
	if est := stateOf(PhaseExtension); est.Name != "" {
		extJoin.Name = est.Name
	}
	if err := func() error {
		est := stateOf(PhaseExtension)
		if !est.Done {
			elk, err := lockFor(ctx, g, ClusterGuardKey(id), "the extension install on "+clusterName(p), func() string { return "" }, on)
			if err != nil {
				return fail(PhaseExtension, err)
			}
			defer elk.Unlock()
			if est, err = extensionState(ctx, c, id); err != nil {
				return fail(PhaseExtension, err)
			}
		}
		if est.Done {
			on(PhaseProgress{Phase: PhaseExtension, Skipped: true, Progress: Progress{State: "Succeeded", Done: true, Note: "the Azure ML extension is installed"}})
			return nil
		}
		if p.Mode == ModeAttach && !p.InstallExtension && !Running(est.State) {
			if est.TrainingOnly {
				return &Error{Kind: ErrBadRequest, Op: "attach", Message: "the Azure ML extension " + est.Name + " on " + clusterName(p) +
					" is installed for training only (enableInference=False): online deployments on it would fail",
					Hint: "add --install-extension to add inference to it"}
			}
			return &Error{Kind: ErrBadRequest, Op: "attach", Message: "the Azure ML extension is " + est.State + " on " + clusterName(p),
				Hint: "add --install-extension to install it"}
		}
		spec := p.ExtensionSpec()
		if est.Name != "" {
			// the instance on the cluster, failed or training-only, is
			// reinstalled or updated under its own name: Azure allows one
			// Azure ML extension per cluster
			spec.Name = est.Name
		}
		if est.TrainingOnly {
			spec.Update = true
		}
		kind := OpExtension
		if spec.Update || est.State == "Updating" {
			kind = OpExtensionUpdate
		}
		extJoin = Operation{Kind: kind, Name: extensionNameOr(spec.Name), Target: id}
		if _, err := run(PhaseExtension, est, extJoin, func() (Operation, error) { return c.InstallExtension(ctx, spec) },
			settledBy(PhaseExtension, est, nil)); err != nil {
			return fail(PhaseExtension, err)
		}
		return nil
	}(); err != nil {
		return nil, err
	}
	finish(PhaseExtension, extJoin)
	if p.Mode == ModeCreate || p.InstallExtension {
		exists = append(exists, "extension installed")
	}
	ready.extensionReady()
	// attach
	ast := stateOf(PhaseAttach)
	join := Operation{Kind: OpAttach, Workspace: ws, Name: p.Name}
	if ast.Done {
		finish(PhaseAttach, join)
		cp, err := c.Compute(ctx, ws, p.Name)
		if err != nil {
			return nil, err
		}
		on(PhaseProgress{Phase: PhaseAttach, Skipped: true, Progress: Progress{State: "Succeeded", Done: true, Compute: &cp, Note: "compute " + p.Name + " is attached"}})
		ready.wait()
		if outer == nil {
			done(recs, rec)
		}
		return &cp, nil
	}
	if ast.State == "Failed" || ast.State == "Canceled" {
		// a failed attach of this compute is detached, then sent again:
		// Azure refuses a second PUT of the name (Conflict)
		if err := replaceFailed(ctx, c, p, every, on); err != nil {
			return nil, fail(PhaseAttach, err)
		}
		ast = PhaseState{Kind: PhaseAttach, State: "missing"}
	}
	// the attach is sent under the cluster's lock, which a detach that
	// deletes the cluster holds while it checks and deletes (DeleteCluster)
	last, err := run(PhaseAttach, ast, join, func() (Operation, error) {
		unlock, err := holdCluster(ctx, c, g, id)
		if err != nil {
			return Operation{}, err
		}
		defer unlock()
		return c.Submit(ctx, ws, p.Spec())
	}, settledBy(PhaseAttach, ast, func(s PhaseState) bool { return s.Detail == "" }))
	if err != nil {
		return nil, fail(PhaseAttach, err)
	}
	final := last.Compute
	if final == nil {
		cp, err := c.Compute(ctx, ws, p.Name)
		if err == nil {
			final = &cp
		}
	}
	ready.wait()
	if outer == nil {
		done(recs, rec)
	}
	return final, nil
}

// done removes the record of a finished operation.
func done(recs *Records, rec *Record) {
	_ = recs.Remove(rec.Ref(), rec.Name)
}

// replaceFailed detaches the failed compute of an earlier attach of the
// plan (the cluster is kept) and waits until it is gone.
func replaceFailed(ctx context.Context, c Cloud, p *Plan, every time.Duration, on func(PhaseProgress)) error {
	on(PhaseProgress{Phase: PhaseAttach, Progress: Progress{State: "Failed", Note: "the compute " + p.Name + " of an earlier attach failed: detaching it to attach it again"}})
	op, err := c.Detach(ctx, p.WorkspaceRef(), p.Name)
	if err != nil {
		return err
	}
	_, err = follow(ctx, c, op, every, PhaseAttach, func(pp PhaseProgress) {
		if !pp.Done {
			on(pp)
		}
	})
	return err
}

// extensionState is what exists of the extension phase on a cluster.
func extensionState(ctx context.Context, c Cloud, id string) (PhaseState, error) {
	e, ok, err := c.Extension(ctx, id)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return PhaseState{}, err
	}
	es := PhaseState{Kind: PhaseExtension, State: "missing"}
	if ok {
		es = PhaseState{Kind: PhaseExtension, State: e.State, Done: e.Ready(), Detail: e.Version, Name: e.Name, TrainingOnly: e.Healthy() && e.TrainingOnly()}
		if len(e.Errors) > 0 {
			es.Detail = e.Errors[0].Code + ": " + e.Errors[0].Message
		}
	}
	return es, nil
}

// PhaseProviders is the provider registration before the phases.
const PhaseProviders PhaseKind = "providers"

// waitRegistered polls the providers until each is Registered (a
// registration takes a few minutes in Azure).
func waitRegistered(ctx context.Context, c Cloud, sub string, namespaces []string, every time.Duration, on func(PhaseProgress)) error {
	start := time.Now()
	if every <= 0 {
		every = time.Second
	}
	for {
		provs, err := c.Providers(ctx, sub, namespaces)
		if err != nil {
			if ctx.Err() != nil {
				return &Interrupted{Phase: PhaseProviders, Sent: true}
			}
			return err
		}
		var waiting []string
		for _, ns := range namespaces {
			if !strings.EqualFold(provs[ns], "Registered") {
				waiting = append(waiting, ns+" "+provs[ns])
			}
		}
		done := len(waiting) == 0
		state := "Registered"
		if !done {
			state = strings.Join(waiting, ", ")
		}
		on(PhaseProgress{Phase: PhaseProviders, Progress: Progress{State: state, Elapsed: time.Since(start), Done: done}})
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return &Interrupted{Phase: PhaseProviders, Sent: true}
		case <-time.After(every):
		}
	}
}

// follow follows one operation of a phase under the Cloud's deadline and
// retry rules: a stop of the caller is an *Interrupted (Sent), the
// Cloud's "stopped watching" an error wrapping ErrStoppedWatching.
func follow(ctx context.Context, c Cloud, op Operation, every time.Duration, ph PhaseKind, on func(PhaseProgress)) (Progress, error) {
	var last Progress
	for pr := range c.Follow(ctx, op, every) {
		on(PhaseProgress{Phase: ph, Progress: pr})
		last = pr
	}
	if !last.Done {
		return last, &Interrupted{Phase: ph, Sent: true}
	}
	return last, last.Err
}
