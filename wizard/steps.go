package wizard

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amlaks/amlaks/rules"
)

// StepID names a step of the wizard.
type StepID string

// Steps of the wizard, on both compute types.
const (
	StepSubscription StepID = "subscription"
	StepWorkspace    StepID = "workspace"
	StepMode         StepID = "mode"
	StepPurpose      StepID = "purpose"
	StepRegion       StepID = "region"
	StepVersion      StepID = "version"
	StepVMSize       StepID = "vm-size"
	StepNodes        StepID = "nodes"
	StepNetwork      StepID = "network"
	StepCluster      StepID = "cluster"
	StepTLS          StepID = "tls"
	StepName         StepID = "name"
	StepReview       StepID = "review"
	StepSubmit       StepID = "submit"
	StepList         StepID = "list"
	StepMigrate      StepID = "migrate"
	// The current path.
	StepComputeType StepID = "compute-type"
	StepK8sVersion  StepID = "kubernetes-version"
	StepNewCluster  StepID = "new-cluster"
	StepAPIAccess   StepID = "api-access"
	StepRouter      StepID = "router"
	StepNamespace   StepID = "namespace"
	StepIdentity    StepID = "identity"
)

// Load names the Cloud call a step's choices or its check need. The TUI
// issues it as a Cmd (prefetched as soon as its inputs are known); line
// mode and the accessible mode call Fetch.
type Load string

// Loads.
const (
	LoadSubscriptions Load = "subscriptions"
	LoadWorkspaces    Load = "workspaces"  // of the plan's subscription
	LoadRegions       Load = "regions"     // of the plan's subscription
	LoadVersions      Load = "versions"    // of the plan's region
	LoadSizes         Load = "sizes"       // of the plan's region
	LoadComputes      Load = "computes"    // of the plan's workspace (the name check)
	LoadClusters      Load = "clusters"    // of the subscription, with the versions of their regions
	LoadAttachments   Load = "attachments" // every compute of every workspace of the subscription, by cluster
	LoadExtensions    Load = "extensions"  // the Azure ML extension of every cluster (Kubernetes plans)
	LoadProviders     Load = "providers"   // registration of the resource providers (Kubernetes plans)
)

// Kind says how a step asks: the front ends pick their widget from it.
type Kind int

// Kinds of steps.
const (
	KindChoice Kind = iota // pick one of the loaded choices
	KindText               // free text (the name)
	KindNumber             // a whole number (nodes)
	KindForm               // several fields (networking, TLS)
	KindView               // shows something, answers nothing (versions, review)
	KindAction             // does something (submit, the list)
)

// Step is one row of the step table: everything the TUI router, line mode
// (Resolve) and the accessible mode need to walk the flow.
type Step struct {
	ID    StepID
	Title string
	// Field is the Plan field the step answers ("" for view-only steps).
	Field Field
	// Flags answer the step on the command line (first one is named in
	// messages).
	Flags []string
	// Modes whose flow holds the step; the table's order is the flow's.
	Modes []Mode
	// Types are the compute types whose create and attach flows hold the
	// step (nil: both).
	Types []ComputeType
	// Numbered steps count in the indicator ("4/11 Region").
	Numbered bool
	Kind     Kind
	// Loads are the Cloud calls its choices and its check need.
	Loads []Load
	// Answered reports whether the plan already holds an answer the wizard
	// need not ask (nil: the step's field was given by a flag, the
	// environment, the az CLI or as the only choice).
	Answered func(p *Plan) bool
	// Check checks the plan's answer with what is known so far; a check
	// that needs facts not yet known passes on them. Nil: nothing to check.
	Check func(p *Plan, k Known) []rules.Violation
	// Help is the step's one-line help (the accessible mode's question
	// description and the TUI's ? page).
	Help string
	// Offer is what Enter takes when it is not the plan's value as it
	// stands (nil): the wizard preselects it and the accessible mode
	// offers it, from the same function.
	Offer func(p Plan, k Known) string
	// Choices are the fixed answers of a choice step, in the words of the
	// plan's compute type (nil: its choices are loaded, or it is a form);
	// Chosen is the value the plan holds and AnswerOf the answer a value
	// gives Plan.Answer.
	Choices  func(p Plan) []Choice
	Chosen   func(p Plan) string
	AnswerOf func(value string) any
}

// Offer is what Enter takes at step id: the step's offer, else the
// plan's answer.
func Offer(p Plan, id StepID, k Known) string {
	st := StepOf(id)
	if st.Offer != nil {
		return st.Offer(p, k)
	}
	return p.Value(st.Field)
}

// Flag is the step's first flag ("--vm-size"), "" when none.
func (s Step) Flag() string {
	if len(s.Flags) == 0 {
		return ""
	}
	return s.Flags[0]
}

var (
	createAttach = []Mode{ModeCreate, ModeAttach}
	createOnly   = []Mode{ModeCreate}
	attachOnly   = []Mode{ModeAttach}
	allModes     = []Mode{ModeCreate, ModeAttach, ModeBrowse, ModeList, ModeMigrate}
	k8sOnly      = []ComputeType{ComputeKubernetes}
	legacyOnly   = []ComputeType{ComputeAKS}
)

// table is the flow: one row per step, in the order every mode walks them.
var table = []Step{
	{ID: StepSubscription, Title: "Subscription", Field: FSubscription, Flags: []string{"--subscription"}, Modes: allModes,
		Kind: KindChoice, Loads: []Load{LoadSubscriptions}, Check: checkSubscription,
		Help: "the Azure subscription of the workspace (default: the az CLI's)"},
	{ID: StepWorkspace, Title: "Workspace", Field: FWorkspace, Flags: []string{"--workspace", "--resource-group"}, Modes: allModes, Numbered: true,
		Kind: KindChoice, Loads: []Load{LoadWorkspaces}, Check: checkWorkspace,
		Help: "the Azure ML workspace that gets the compute target"},
	{ID: StepMode, Title: "Mode", Field: FMode, Modes: allModes, Numbered: true, Kind: KindChoice,
		Help:    "create a new cluster, attach an existing one, browse versions or list computes",
		Choices: fixed(ModeChoices), Chosen: func(p Plan) string { return string(p.Mode) }, AnswerOf: func(v string) any { return Mode(v) }},
	{ID: StepComputeType, Title: "Compute type", Field: FComputeType, Flags: []string{"--compute-type"}, Modes: createAttach, Numbered: true,
		Kind: KindChoice, Loads: []Load{LoadProviders}, Check: checkComputeType,
		Help:    "Kubernetes compute: AKS + the Azure ML extension (current, recommended); or AKS compute (legacy v1, as in the 2020 article)",
		Choices: fixed(ComputeTypeChoices), Chosen: func(p Plan) string { return string(p.Variant().Type) }, AnswerOf: func(v string) any { return ComputeType(v) }},
	{ID: StepPurpose, Title: "Cluster purpose", Field: FPurpose, Flags: []string{"--purpose"}, Modes: createAttach, Numbered: true,
		Kind: KindChoice, Check: checkPurpose,
		Help:    "production: 12 vCPUs and 3 nodes (required on the AKS compute, recommended on the Kubernetes compute); dev-test 2 vCPUs, no fault tolerance",
		Choices: purposeChoices, Chosen: purposeChoice, AnswerOf: func(v string) any { pp, _ := rules.ParsePurpose(v); return pp }},
	{ID: StepRegion, Title: "Region", Field: FRegion, Flags: []string{"--region"}, Modes: createOnly, Numbered: true,
		Kind: KindChoice, Loads: []Load{LoadRegions}, Check: checkRegion,
		Help: "where the cluster runs (default: the workspace's region)"},
	{ID: StepVersion, Title: "Kubernetes version", Modes: []Mode{ModeCreate, ModeBrowse}, Types: legacyOnly, Numbered: true,
		Kind: KindView, Loads: []Load{LoadVersions},
		// create shows it as information; nothing to browse on the way when
		// the region and the size came from flags
		Answered: func(p *Plan) bool {
			return p.Mode == ModeCreate && (p.Kubernetes() || p.Given(FRegion) && p.Given(FVMSize))
		},
		Help: "the version a create gets (the region's default) and the region's version table"},
	{ID: StepK8sVersion, Title: "Kubernetes version", Field: FKubernetesVer, Flags: []string{"--kubernetes-version"}, Modes: createOnly, Types: k8sOnly, Numbered: true,
		Kind: KindChoice, Loads: []Load{LoadVersions}, Check: checkK8sVersion,
		Help:  "the cluster's Kubernetes version: the region's default preselected, LTS marked, previews warned",
		Offer: func(p Plan, k Known) string { return PreselectedVersion(p, k.Versions) }},
	{ID: StepVMSize, Title: "VM size", Field: FVMSize, Flags: []string{"--vm-size"}, Modes: createOnly, Numbered: true,
		Kind: KindChoice, Loads: []Load{LoadSizes}, Check: checkVMSize,
		Help: "the node size; it cannot be changed later (GPU sizes must be chosen now)"},
	{ID: StepNodes, Title: "Node count", Field: FNodes, Flags: []string{"--nodes"}, Modes: createOnly, Numbered: true,
		Kind: KindNumber, Loads: []Load{LoadSizes}, Check: checkNodes,
		Help: "nodes × vCPUs of the size against the purpose's threshold and the quota",
		Offer: func(p Plan, k Known) string {
			var z VMSize
			if k.Sizes != nil {
				z, _ = k.Sizes.Find(p.VMSize)
			}
			return strconv.Itoa(SuggestedNodes(p, z))
		}},
	{ID: StepCluster, Title: "Cluster", Field: FCluster, Flags: []string{"--cluster-id", "--cluster", "--cluster-resource-group"}, Modes: attachOnly, Numbered: true,
		Kind: KindChoice, Loads: []Load{LoadClusters, LoadAttachments, LoadRegions, LoadExtensions}, Check: checkCluster,
		Answered: func(p *Plan) bool { return p.Given(FCluster) && p.ClusterID != "" },
		Help:     "the AKS cluster to attach, checked before anything is sent"},
	{ID: StepNetwork, Title: "Networking", Field: FNetwork,
		Flags: []string{"--vnet", "--vnet-resource-group", "--subnet", "--service-cidr", "--dns-service-ip", "--docker-bridge-cidr", "--load-balancer", "--load-balancer-subnet"},
		Modes: createAttach, Types: legacyOnly, Numbered: true, Kind: KindForm, Check: checkNetwork,
		Help: "create: basic (AML-managed) or your own VNet; create and attach: public or internal load balancer"},
	{ID: StepRouter, Title: "Inference router", Field: FRouter, Flags: []string{"--router", "--router-ha"}, Modes: createAttach, Types: k8sOnly, Numbered: true,
		Kind: KindChoice, Check: checkRouter,
		Answered: func(p *Plan) bool { return p.Given(FRouter) || p.Mode == ModeAttach && !p.InstallExtension },
		Help:     "how scoring requests reach the cluster: LoadBalancer (public or internal), NodePort or ClusterIP; HA from 3 nodes"},
	{ID: StepTLS, Title: "TLS", Field: FTLS,
		Flags: []string{"--ssl-cert-file", "--ssl-key-file", "--ssl-cname", "--ssl-leaf-domain-label", "--ssl-overwrite-domain", "--allow-insecure-connections"},
		Modes: createAttach, Numbered: true, Kind: KindForm, Check: checkTLS,
		Answered: func(p *Plan) bool { return p.Variant().TLS.answered(p) },
		Help:     "off, a Microsoft certificate, or your own certificate and key (Kubernetes: your own certificate, or none with insecure connections allowed)"},
	{ID: StepNamespace, Title: "Namespace", Field: FNamespace, Flags: []string{"--namespace"}, Modes: createAttach, Types: k8sOnly, Numbered: true,
		Kind: KindText, Check: checkNamespace,
		Help: "the Kubernetes namespace the compute runs in (default: default); it must exist in the cluster"},
	{ID: StepIdentity, Title: "Identity", Field: FIdentity, Flags: []string{"--identity"}, Modes: attachOnly, Types: k8sOnly, Numbered: true,
		Kind: KindChoice, Check: checkIdentity,
		Help: "the compute's managed identity: system-assigned (default) or a user-assigned identity's resource ID"},
	{ID: StepName, Title: "Name", Field: FName, Flags: []string{"--name"}, Modes: createAttach, Numbered: true,
		Kind: KindText, Loads: []Load{LoadComputes}, Check: checkName,
		Help: "3 to 24 letters, digits or -, starting with a letter, unique in the workspace"},
	{ID: StepNewCluster, Title: "AKS cluster", Field: FNewCluster, Flags: []string{"--cluster", "--cluster-resource-group"}, Modes: createOnly, Types: k8sOnly, Numbered: true,
		Kind: KindForm, Loads: []Load{LoadClusters}, Check: checkNewCluster,
		Help: "the AKS cluster's name (1-63 letters, digits, - or _) and resource group (default: the workspace's)"},
	{ID: StepAPIAccess, Title: "API server access", Field: FAPIAccess, Flags: []string{"--api-access", "--authorized-ip-ranges"}, Modes: createOnly, Types: k8sOnly, Numbered: true,
		Kind: KindChoice, Check: checkAPIAccess,
		Help: "public, public limited to authorized IP ranges, or private"},
	{ID: StepReview, Title: "Review", Modes: createAttach, Numbered: true, Kind: KindView,
		Answered: func(*Plan) bool { return false },
		Help:     "findings, the request body and the equivalent commands; submit"},
	{ID: StepSubmit, Title: "Submit", Modes: createAttach, Kind: KindAction,
		Answered: func(*Plan) bool { return false },
		Help:     "send the request and follow the operation to its end"},
	{ID: StepList, Title: "Computes", Modes: []Mode{ModeList}, Kind: KindAction,
		Answered: func(*Plan) bool { return false }, Loads: []Load{LoadComputes},
		Help: "the workspace's compute targets, with status and detach"},
	{ID: StepMigrate, Title: "Move a legacy AKS compute", Modes: []Mode{ModeMigrate}, Kind: KindAction,
		Answered: func(*Plan) bool { return false }, Loads: []Load{LoadComputes},
		Help: "read the legacy compute's cluster, review both paths' phases, then move it to a Kubernetes compute and verify it"},
}

func tableIndex(id StepID) int {
	return slices.IndexFunc(table, func(s Step) bool { return s.ID == id })
}

// Steps returns the whole table (a copy).
func Steps() []Step { return slices.Clone(table) }

// StepOf returns the row of a step.
func StepOf(id StepID) Step {
	for _, s := range table {
		if s.ID == id {
			return s
		}
	}
	return Step{ID: id, Title: string(id)}
}

// FlowFor is the ordered list of steps of the plan's mode and compute type
// (the Kubernetes compute's unless the plan says AKS).
func FlowFor(p *Plan) []StepID { return flow(p.Mode, p.Variant().Type) }

// Asks reports whether the plan's flow holds step id: a row of its mode
// and of its compute type (asked or skipped as answered).
func Asks(p *Plan, id StepID) bool { return slices.Contains(FlowFor(p), id) }

func flow(m Mode, t ComputeType) []StepID {
	if m == "" {
		m = ModeCreate
	}
	var out []StepID
	for _, s := range table {
		if !slices.Contains(s.Modes, m) {
			continue
		}
		if s.Types != nil && (m == ModeCreate || m == ModeAttach) && !slices.Contains(s.Types, t) {
			continue
		}
		out = append(out, s.ID)
	}
	return out
}

// PositionFor returns the 1-based number of a step among the numbered
// steps of the plan's flow and their count; 0 for unnumbered steps
// (subscription, submit).
func PositionFor(p *Plan, id StepID) (n, total int) { return position(FlowFor(p), id) }

func position(fl []StepID, id StepID) (n, total int) {
	for _, sid := range fl {
		if !StepOf(sid).Numbered {
			continue
		}
		total++
		if sid == id {
			n = total
		}
	}
	return n, total
}

// Skipped reports whether the wizard does not stop at step s: its answer
// is already in the plan (a flag, the environment, the az CLI, the only
// choice) and passes the step's check with what is known now. A given
// answer that fails is asked, with the reason (Why).
func Skipped(p *Plan, s StepID, k Known) bool {
	st := StepOf(s)
	if !answered(p, st) {
		return false
	}
	return st.Check == nil || len(st.Check(p, k)) == 0
}

func answered(p *Plan, st Step) bool {
	if st.Answered != nil {
		return st.Answered(p)
	}
	return st.Field != "" && p.Given(st.Field)
}

// Why says why the given answer of step s fails its check with what is
// known now, naming it the way it was given ("--vm-size Standard_Foo:
// Standard_Foo is not offered in eastus…"); "" when it was not given or
// passes.
func Why(p *Plan, s StepID, k Known) string {
	st := StepOf(s)
	if !answered(p, st) && !(st.Field != "" && p.From(st.Field) == Flag) {
		return ""
	}
	if st.Check == nil {
		return ""
	}
	vs := st.Check(p, k)
	if len(vs) == 0 {
		return ""
	}
	msg := vs[0].Message
	if p.From(st.Field) == Flag && st.Flag() != "" {
		given := st.Flag()
		if v := p.Value(st.Field); v != "" && st.ID != StepCluster {
			given += " " + v
		}
		return given + ": " + msg
	}
	return msg
}

// Next returns the step after cur in p's mode that still needs the user,
// or "" at the end.
func Next(p *Plan, cur StepID, k Known) StepID {
	flow := FlowFor(p)
	i := slices.Index(flow, cur)
	if i < 0 {
		// cur is not a step of this flow (a create that became an attach
		// at its cluster step, AdoptCluster): go on from its place in the
		// table
		i = len(flow) - 1
		for j, id := range flow {
			if tableIndex(id) > tableIndex(cur) {
				i = j - 1
				break
			}
		}
	}
	for j := i + 1; j < len(flow); j++ {
		if !Skipped(p, flow[j], k) {
			return flow[j]
		}
	}
	return ""
}

// Prev returns the step before cur that the user answered (skipping steps
// given up front), or "" at the start.
func Prev(p *Plan, cur StepID, k Known) StepID {
	flow := FlowFor(p)
	i := slices.Index(flow, cur)
	if i < 0 {
		i = len(flow)
	}
	for j := i - 1; j >= 0; j-- {
		if !Skipped(p, flow[j], k) {
			return flow[j]
		}
	}
	return ""
}

// Pending returns the first step of p's flow that still needs the user:
// where the wizard opens, and what line mode reports as missing.
func Pending(p *Plan, k Known) StepID {
	for _, s := range FlowFor(p) {
		if !Skipped(p, s, k) {
			return s
		}
	}
	return ""
}

// Check runs step s's check (no violations when it has none).
func Check(p *Plan, s StepID, k Known) []rules.Violation {
	if c := StepOf(s).Check; c != nil {
		return c(p, k)
	}
	return nil
}

// CodeBlocked prefixes the code of a step violation that is a preflight
// Block (the cluster step's): the wizard stops at the step, line mode
// reports it through the preflight as a BLOCK finding.
const CodeBlocked = "blocked:"

// Known is what has been fetched from Azure so far, for the step checks.
// A nil slice (or a zero SizeList) is "not known yet": checks that need it
// pass on it.
type Known struct {
	Subscriptions []Subscription
	Workspaces    []Workspace
	Regions       []Region
	Sizes         *SizeList // of the plan's region
	Computes      []Compute // of the plan's workspace
	Clusters      []Cluster
	// ClusterVersions are the versions of each cluster region (lowercase).
	ClusterVersions map[string][]rules.Version
	Attachments     Attachments
	// Versions are the versions of the plan's region (the Kubernetes
	// version step); Extensions the Azure ML extension of each cluster
	// (lower-case ID; absent: none installed); Providers the registration
	// state of the current path's resource providers.
	Versions   []rules.Version
	Extensions map[string]Extension
	// Bindings are the Trusted Access role bindings of the clusters that
	// need them (lower-case ID; absent: not read).
	Bindings                                    map[string][]RoleBinding
	Providers                                   map[string]string
	HaveVersions, HaveExtensions, HaveProviders bool
	// HaveComputes and HaveClusters tell an empty list from an unknown one;
	// HaveAttachments likewise.
	HaveSubscriptions, HaveWorkspaces, HaveComputes, HaveClusters, HaveAttachments bool
}

// fixed are choices that do not depend on the plan.
func fixed(cs []Choice) func(Plan) []Choice { return func(Plan) []Choice { return cs } }

// purposeChoices are the purposes in the words of the plan's compute type
// (Plan.PurposeChoices), valued as the --purpose flag takes them.
func purposeChoices(p Plan) []Choice {
	var out []Choice
	for _, c := range p.PurposeChoices() {
		v := "production"
		if c.Purpose == rules.DevTest {
			v = "dev-test"
		}
		out = append(out, Choice{v, c.Title, c.Desc})
	}
	return out
}

// purposeChoice is the plan's purpose as its choice's value.
func purposeChoice(p Plan) string {
	if p.Purpose == rules.DevTest {
		return "dev-test"
	}
	return "production"
}

// --- the checks of the table -------------------------------------------

func checkSubscription(p *Plan, k Known) []rules.Violation {
	if p.Subscription == "" {
		if k.HaveSubscriptions && len(k.Subscriptions) == 0 {
			return []rules.Violation{{Field: string(FSubscription), Code: "none", Message: "this sign-in sees no subscription: run `az login` with another account"}}
		}
		return []rules.Violation{Missing(FSubscription, "pick one of "+subNames(k.Subscriptions))}
	}
	if !k.HaveSubscriptions {
		if rules.IsGUID(p.Subscription) {
			return nil // an ID is trusted until the list says otherwise
		}
		return []rules.Violation{{Field: string(FSubscription), Code: "unresolved", Message: fmt.Sprintf("looking up subscription %q", p.Subscription)}}
	}
	for _, s := range k.Subscriptions {
		if strings.EqualFold(s.ID, p.Subscription) {
			return nil
		}
	}
	return []rules.Violation{{Field: string(FSubscription), Code: "unknown",
		Message: fmt.Sprintf("no subscription %q for this sign-in (have: %s)", p.Subscription, subNames(k.Subscriptions))}}
}

func checkWorkspace(p *Plan, k Known) []rules.Violation {
	if p.Workspace.Name == "" {
		switch {
		case k.HaveWorkspaces && len(k.Workspaces) == 0:
			return []rules.Violation{{Field: string(FWorkspace), Code: "none", Message: "the subscription has no Azure ML workspace: create one first"}}
		case k.HaveWorkspaces:
			return []rules.Violation{Missing(FWorkspace, "pick one of "+workspaceNames(k.Workspaces))}
		}
		return []rules.Violation{Missing(FWorkspace, "give the workspace with --workspace")}
	}
	if !k.HaveWorkspaces {
		if p.Workspace.ID != "" {
			return nil // decided earlier; trusted until the list says otherwise
		}
		return []rules.Violation{{Field: string(FWorkspace), Code: "unresolved", Message: fmt.Sprintf("looking up workspace %q", p.Workspace.Name)}}
	}
	w, ok := FindWorkspace(k.Workspaces, p.Workspace.Name, p.Workspace.ResourceGroup)
	if !ok {
		return []rules.Violation{{Field: string(FWorkspace), Code: "unknown",
			Message: fmt.Sprintf("no workspace %q in this subscription (have: %s)", p.Workspace.Name, workspaceNames(k.Workspaces))}}
	}
	if ok, why := WorkspaceUsable(w); !ok && (p.Mode == ModeCreate || p.Mode == ModeAttach) {
		var usable []string
		for _, x := range k.Workspaces {
			if u, _ := WorkspaceUsable(x); u {
				usable = append(usable, x.Name)
			}
		}
		if len(usable) > 0 {
			why += " (this subscription has " + strings.Join(usable, ", ") + ")"
		}
		return []rules.Violation{{Field: string(FWorkspace), Code: "workspace-kind", Message: why}}
	}
	return nil
}

func containsWorkspace(all []Workspace, id string) bool {
	for _, w := range all {
		if strings.EqualFold(w.ID, id) {
			return true
		}
	}
	return false
}

func workspaceNames(all []Workspace) string {
	names := make([]string, 0, len(all))
	for _, w := range all {
		names = append(names, w.Name)
	}
	return strings.Join(names, ", ")
}

func checkPurpose(p *Plan, _ Known) []rules.Violation {
	switch p.Purpose {
	case rules.Production, rules.DevTest, "":
		return nil
	}
	return []rules.Violation{{Field: string(FPurpose), Code: "purpose", Message: fmt.Sprintf("must be production or dev-test (got %q)", string(p.Purpose))}}
}

func checkRegion(p *Plan, k Known) []rules.Violation {
	if p.Region == "" || k.Regions == nil {
		return nil
	}
	if _, ok := FindRegion(k.Regions, p.Region); !ok {
		return []rules.Violation{{Field: string(FRegion), Code: "unknown", Message: fmt.Sprintf("unknown region %q: see the Name column of `az account list-locations -o table`", p.Region)}}
	}
	return nil
}

func checkVMSize(p *Plan, k Known) []rules.Violation {
	if k.Sizes == nil {
		return nil
	}
	size, ok := k.Sizes.Find(p.VMSize)
	switch {
	case !ok:
		return []rules.Violation{{Field: string(FVMSize), Code: "unknown", Message: fmt.Sprintf("%s is not offered in %s: list sizes with `amlaks sizes -l %s`", p.VMSize, p.Region, p.Region)}}
	case size.Restricted != "":
		return []rules.Violation{{Field: string(FVMSize), Code: "restricted", Message: fmt.Sprintf("%s: %s; pick another size or region", size.Name, size.Restricted)}}
	}
	return rules.CheckNodeSize(size.Name, size.VCPUs, size.MemoryGB)
}

func checkNodes(p *Plan, k Known) []rules.Violation {
	if vs := nodesCount(p); len(vs) > 0 {
		return vs
	}
	if vs := p.Variant().checkNodes(p, k); len(vs) > 0 {
		return vs
	}
	if k.Sizes == nil {
		return nil
	}
	size, ok := k.Sizes.Find(p.VMSize)
	if !ok || size.Restricted != "" {
		return nil // the size step says why
	}
	sc := p.SizeCheck(size.Name, p.Nodes, size.VCPUs)
	if sc.OK {
		return nil
	}
	if len(sc.Violations) > 0 {
		return sc.Violations
	}
	return []rules.Violation{{Field: string(FNodes), Code: "threshold", Message: sc.Rule}}
}

func checkNetwork(p *Plan, _ Known) []rules.Violation {
	if p.Mode == ModeAttach {
		// an attach chooses only the load balancer
		return rules.CheckNetwork(rules.Network{LoadBalancer: p.Network.LoadBalancer, LoadBalancerSubnet: p.Network.LoadBalancerSubnet})
	}
	return rules.CheckNetwork(p.Network)
}

func checkTLS(p *Plan, _ Known) []rules.Violation { return p.Variant().TLS.check(p) }

// checkLegacyTLS is the AKS compute's TLS check: off, a Microsoft
// certificate or your own, checked by the rules.
func checkLegacyTLS(p *Plan) []rules.Violation {
	if p.TLS.Mode == rules.TLSCustom && p.TLS.CertPEM == nil && p.TLS.KeyPEM == nil && (p.TLS.CertFile != "" || p.TLS.KeyFile != "") {
		return nil // files not read yet: the front end reads them, then checks
	}
	return rules.CheckTLS(p.TLS, p.Network.LoadBalancer == rules.InternalLoadBalancer, now())
}

func checkName(p *Plan, k Known) []rules.Violation {
	if p.Name == "" {
		return []rules.Violation{Missing(FName, "give the compute a name with --name")}
	}
	var existing []string
	if k.HaveComputes {
		existing = ExistingNames(otherComputes(p, k.Computes))
	}
	vs := rules.ComputeName(p.Name, existing)
	for i := range vs {
		if p.Workspace.Name != "" && strings.Contains(vs[i].Message, "this workspace") {
			vs[i].Message = p.Name + " is " + strings.Replace(vs[i].Message, "this workspace", p.Workspace.Name, 1)
		}
	}
	return vs
}

// checkCluster: the cluster is named, exists, and nothing about it blocks
// an attach (so a blocked --cluster stops at this step, not at review).
func checkCluster(p *Plan, k Known) []rules.Violation {
	if p.ClusterID == "" && p.ClusterName == "" {
		return []rules.Violation{Missing(FCluster, "give --cluster-id ID, or --cluster NAME --cluster-resource-group RG")}
	}
	if p.ClusterID != "" {
		if _, err := rules.ParseClusterID(p.ClusterID); err != nil {
			return violationsOf(err)
		}
		if why := p.CrossSubscription(p.ClusterID); why != "" {
			return []rules.Violation{{Field: string(FCluster), Code: "cross-subscription", Message: why}}
		}
	}
	if !k.HaveClusters {
		if p.ClusterID == "" {
			return []rules.Violation{{Field: "cluster", Code: "unresolved", Message: fmt.Sprintf("looking up cluster %q", p.ClusterName)}}
		}
		return nil
	}
	var cl Cluster
	if p.ClusterID == "" {
		q := p.Clone()
		if vs := q.ResolveClusterName(k.Clusters); len(vs) > 0 {
			return vs
		}
		cl = *q.Cluster
	} else {
		var ok bool
		if cl, ok = FindCluster(k.Clusters, p.ClusterID); !ok {
			id, _ := rules.ParseClusterID(p.ClusterID)
			return []rules.Violation{{Field: string(FCluster), Code: "unknown", Message: fmt.Sprintf("no AKS cluster %s in resource group %s of subscription %s", id.Name, id.ResourceGroup, id.SubscriptionID)}}
		}
	}
	vs, haveVersions := k.ClusterVersions[strings.ToLower(cl.Region)]
	if !haveVersions || !k.HaveAttachments {
		return nil
	}
	var out []rules.Violation
	ext, haveExt := k.Extensions[strings.ToLower(cl.ID)]
	bs, haveBs := k.Bindings[strings.ToLower(cl.ID)]
	for _, f := range ClusterFindings(cl, p, vs, PairsOf(k.Regions, p.Workspace.Region), k.Attachments.Of(cl.ID), ext, haveExt && k.HaveExtensions, k.HaveExtensions, bs, haveBs) {
		if f.Severity == rules.Block {
			msg := f.Message
			if !strings.Contains(msg, cl.Name) {
				msg = cl.Name + ": " + msg
			}
			if f.Fix != "" {
				msg += " — " + f.Fix
			}
			field := string(FCluster)
			if p.ClusterName != "" {
				field = "cluster"
			}
			// CodeBlocked marks a preflight Block: line mode leaves it to
			// the preflight, which prints it as a finding
			out = append(out, rules.Violation{Field: field, Code: CodeBlocked + f.Code, Message: msg})
		}
	}
	return out
}

// now is the clock of the certificate checks.
func now() time.Time { return time.Now() }
