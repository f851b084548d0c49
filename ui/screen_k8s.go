package ui

import (
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// The current path's steps: compute type, Kubernetes version,
// the new cluster's name and group, API server access, inference router,
// namespace and identity. Each is a small form over form.go whose answer is
// checked with the step table's own check (wizard.Check on a trial plan)
// as it is edited, and sent to the router as one answer.

func newComputeTypeScreen() screen {
	return tableChoiceScreen(wizard.StepComputeType, func(m *common) string { return "What kind of compute target?" })
}

// newK8sVersionScreen picks the cluster's Kubernetes version from the
// region's version table: the default preselected, previews and LTS marked.
func newK8sVersionScreen() screen {
	return &pickScreen{
		p: newPicker([]column{{Title: "Version", Width: 9}, {Title: "Newest patch", Width: 13}, {Title: "Notes", Width: 30, Flex: 2}}, false, ""),
		intro: func(m *common) string {
			return "The Kubernetes version of the new cluster in " + m.show.regionLabel(m.Plan().Region) + ": a real choice here (the region's default is preselected)."
		},
		need: func(m *common) need {
			_, sl := m.data.versionsData(m.Plan().Region)
			return need{"the Kubernetes versions of " + m.Plan().Region, sl, func() tea.Cmd { return m.calls.fetchVersions(m.Plan().Region, reqVersions, true) }}
		},
		sig: func(m *common) string {
			_, sl := m.data.versionsData(m.Plan().Region)
			return m.Plan().Region + slotSig(sl)
		},
		rows: func(m *common) ([]row, string) {
			vs, _ := m.data.versionsData(m.Plan().Region)
			vs = rules.SortVersions(vs)
			rows := make([]row, 0, len(vs))
			for _, v := range vs {
				var notes []string
				if v.Default {
					notes = append(notes, "default")
				}
				if v.Preview {
					notes = append(notes, "preview: no SLA")
				}
				if l := v.PlanLabel(); l != "" {
					notes = append(notes, l)
				}
				patch := v.Version
				if l := v.PatchList(); len(l) > 0 {
					patch = l[len(l)-1]
				}
				rows = append(rows, row{Cells: []string{v.Version, patch, strings.Join(notes, ", ")}, Filter: v.Version})
			}
			return rows, wizard.Offer(m.Plan(), m.nav.Step(), m.show.known())
		},
		choose: func(m *common, i int) tea.Cmd {
			vs, _ := m.data.versionsData(m.Plan().Region)
			vs = rules.SortVersions(vs)
			v := vs[i]
			if l := v.PatchList(); len(l) > 0 {
				return answer(wizard.FKubernetesVer, l[len(l)-1])
			}
			return answer(wizard.FKubernetesVer, v.Version)
		},
	}
}

// k8sForm is a step answered by a small form.
type k8sForm struct {
	formScreen
	loaded bool
	intro  string
	load   func(m *common, s *k8sForm)
	// value is the step's answer from the form.
	value func(s *k8sForm) any
	field wizard.Field
	notes func(m *common, s *k8sForm) []string
	// extra checks what the plan cannot hold (a field typed wrong)
	extra func(m *common, s *k8sForm) []rules.Violation
	// fetch loads what the step's check looks up (nil: nothing)
	fetch func(m *common) tea.Cmd
}

func (s *k8sForm) enter(m *common) tea.Cmd {
	fresh := !s.loaded
	if fresh {
		s.loaded = true
		s.load(m, s)
	}
	s.f.open(m.st, fresh)
	if s.fetch != nil {
		return s.fetch(m)
	}
	return nil
}

// problems checks the form's answer with the step's own check.
func (s *k8sForm) problems(m *common) []rules.Violation {
	trial := m.Plan().Clone()
	if err := trial.Answer(s.field, s.value(s)); err != nil {
		return []rules.Violation{{Field: string(s.field), Message: err.Error()}}
	}
	vs := wizard.Check(trial, m.nav.Step(), m.show.known())
	if s.extra != nil {
		vs = append(vs, s.extra(m, s)...)
	}
	return vs
}

func (s *k8sForm) update(m *common, msg tea.Msg) tea.Cmd {
	_, done, cmd := s.f.update(msg)
	if !done {
		return cmd
	}
	if vs := s.problems(m); len(vs) > 0 {
		s.f.reopen(m.st, vs[0].Field)
		m.nav.Flash("not yet: " + vs[0].Message)
		return nil
	}
	return answer(s.field, s.value(s))
}

func (s *k8sForm) view(m *common, w, h int) string {
	var b strings.Builder
	b.WriteString(wrap(m.st.Muted.Render(s.intro), w) + "\n\n")
	// a message under the field it is about; the others under the form
	byField := map[string][]string{}
	var rest []string
	for _, v := range s.problems(m) {
		if fl := s.f.field(v.Field); fl != nil && fl.visible() {
			byField[v.Field] = append(byField[v.Field], v.Message)
		} else {
			rest = append(rest, v.Message)
		}
	}
	b.WriteString(s.f.view(w, byField))
	b.WriteString("\n")
	for _, msg := range rest {
		b.WriteString(wrap(m.st.Error.Render("✗ "+wizardWords(msg)), w) + "\n")
	}
	if s.notes != nil {
		for _, n := range s.notes(m, s) {
			b.WriteString(m.st.note(n, w))
		}
	}
	return b.String()
}

func newNewClusterScreen() screen {
	name := textField("cluster", "AKS cluster name", "aks-ml")
	rg := textField("cluster-resource-group", "Resource group", "rg-ml")
	return &k8sForm{
		formScreen: formScreen{&form{fields: []*formField{name, rg}}}, field: wizard.FNewCluster,
		intro: "The AKS cluster amlaks creates in AKS (1 to 63 letters, digits, - or _) and its resource group (default: the workspace's). amlaks tags it as made for this compute, so a re-run continues with it; naming a cluster that exists and is not this compute's attaches it instead.",
		load: func(m *common, s *k8sForm) {
			name.text = m.Plan().SuggestedClusterName()
			rg.text = m.Plan().NewClusterGroup()
		},
		value: func(s *k8sForm) any { return wizard.NewCluster{Name: name.value(), ResourceGroup: rg.value()} },
		// the subscription's clusters, listed once: a name of a cluster
		// that exists and is not this compute's is said, as it is typed,
		// to attach it
		fetch: func(m *common) tea.Cmd { return m.calls.fetchClusters(false) },
		notes: func(m *common, s *k8sForm) []string {
			q := m.Plan().Clone()
			q.ClusterName, q.ClusterGroup = name.value(), rg.value()
			if n := wizard.ExistingClusterNote(q, m.show.known()); n != "" {
				return []string{n}
			}
			return nil
		},
	}
}

func newAPIAccessScreen() screen {
	access := tableField("api-access", "API server", wizard.APIAccessChoices)
	ranges := textField("authorized-ip-ranges", "Authorized ranges", "20.12.34.0/24, 52.168.1.7")
	ranges.show = func() bool { return wizard.APIAccess(access.picked()) == wizard.APIAuthorized }
	return &k8sForm{
		formScreen: formScreen{&form{fields: []*formField{access, ranges}}}, field: wizard.FAPIAccess,
		intro: "How the cluster's API server is reached: public, public limited to authorized IP ranges (add Azure ML's ranges of the workspace region and its pair), or private.",
		load: func(m *common, s *k8sForm) {
			access.pick(string(m.Plan().APIAccess))
			ranges.text = strings.Join(m.Plan().AuthorizedRanges, ", ")
		},
		value: func(s *k8sForm) any {
			a := wizard.APIAnswer{Access: wizard.APIAccess(access.picked())}
			if a.Access == wizard.APIAuthorized {
				a.Ranges = wizard.RangesAsTyped(ranges.value())
			}
			return a
		},
	}
}

func newRouterScreen() screen {
	router := tableField("router", "Inference router", wizard.RouterChoices)
	ha := tableField("router-ha", "High availability", wizard.RouterHAChoices)
	return &k8sForm{
		formScreen: formScreen{&form{fields: []*formField{router, ha}}}, field: wizard.FRouter,
		intro: "How scoring requests reach the cluster's inference router (azureml-fe). High availability runs it on 3 nodes and needs 3 nodes or more.",
		load: func(m *common, s *k8sForm) {
			router.pick(string(m.Plan().Router))
			ha.pick(strconv.FormatBool(m.Plan().HA()))
		},
		value: func(s *k8sForm) any {
			return wizard.RouterAnswer{Router: wizard.Router(router.picked()), HA: ha.picked() == "true"}
		},
	}
}

func newNamespaceScreen() screen {
	ns := textField("namespace", "Namespace", "default")
	kind := choiceField("instance-types", "Instance types", "Sized to the nodes", "None", "Your own")
	own := textField("instance-type", "Your types", "cpu-2=2,4Gi; gpu=4,16Gi,1")
	own.show = func() bool { return kind.choice == 2 }
	value := func() wizard.NamespaceAnswer {
		a := wizard.NamespaceAnswer{Namespace: ns.value(), NoInstanceTypes: kind.choice == 1}
		if kind.choice == 2 {
			a.InstanceTypes, _ = wizard.ParseInstanceTypes(own.value())
			a.Typed = own.value()
		}
		return a
	}
	return &k8sForm{
		formScreen: formScreen{&form{fields: []*formField{ns, kind, own}}}, field: wizard.FNamespace,
		intro: "The Kubernetes namespace the compute's deployments run in, and the instance types they may use. After the attach amlaks creates both in the cluster " +
			"through AKS's run command (a deployment needs its namespace; the implicit defaultinstancetype is 0.1 CPU / 2 GiB, too small for an MLflow model).",
		load: func(m *common, s *k8sForm) {
			p := m.Plan()
			ns.text = p.Namespace
			switch {
			case p.NoInstanceTypes:
				kind.choice = 1
			case len(p.InstanceTypes) > 0:
				kind.choice = 2
				var items []string
				for _, t := range p.InstanceTypes {
					item := t.Name + "=" + rules.FormatCPU(t.CPU) + "," + rules.FormatMemory(t.Memory)
					if t.GPUs > 0 {
						item += fmt.Sprintf(",%d", t.GPUs)
					}
					items = append(items, item)
				}
				own.text = strings.Join(items, "; ")
			}
		},
		value: func(s *k8sForm) any { return value() },
		extra: func(m *common, s *k8sForm) []rules.Violation {
			if kind.choice != 2 {
				return nil
			}
			types, vs := wizard.ParseInstanceTypes(own.value())
			if len(vs) > 0 {
				return vs
			}
			if len(types) == 0 {
				return []rules.Violation{{Field: "instance-type", Code: "instance-type", Message: "give at least one NAME=CPU,MEMORY[,GPU], or pick sized to the nodes"}}
			}
			trial := m.Plan().Clone()
			_ = trial.Answer(wizard.FNamespace, value())
			_, pools := wizard.ReviewInstanceTypes(trial, m.show.known().Sizes)
			if len(pools) == 0 {
				return nil // the nodes are not known yet: checked at submit
			}
			_, vs = rules.FitsNodes(types, pools)
			return vs
		},
		notes: func(m *common, s *k8sForm) []string {
			if kind.choice != 0 {
				return nil
			}
			trial := m.Plan().Clone()
			_ = trial.Answer(wizard.FNamespace, value())
			rows := wizard.InstanceTypeRows(wizard.ReviewInstanceTypes(trial, m.show.known().Sizes))
			if len(rows) == 0 {
				return []string{"instance types are sized to the nodes' allocatable after the attach"}
			}
			return append([]string{"proposed, sized to the nodes:"}, rows...)
		},
	}
}

func newIdentityScreen() screen {
	kind := tableField("identity-type", "Identity", wizard.IdentityChoices)
	id := textField("identity", "Identity resource ID", "/subscriptions/…/userAssignedIdentities/id-ml")
	id.show = func() bool { return kind.picked() == "user" }
	return &k8sForm{
		formScreen: formScreen{&form{fields: []*formField{kind, id}}}, field: wizard.FIdentity,
		intro: "The compute's managed identity: system-assigned (default), or a user-assigned identity (it needs Reader, Kubernetes Extension Contributor and AKS Cluster Admin on the cluster).",
		load: func(m *common, s *k8sForm) {
			if !wizard.IsSystemIdentity(m.Plan().Identity) {
				kind.pick("user")
				id.text = m.Plan().Identity
			}
		},
		value: func(s *k8sForm) any {
			if kind.picked() == "system" {
				return ""
			}
			return id.value()
		},
	}
}

// k8sSummaryRows are the review's rows of the steps only the Kubernetes
// compute's flow holds: a row is there when the plan's flow asks its step.
func k8sSummaryRows(m *common) []summaryRow {
	p := m.Plan()
	asks := func(id wizard.StepID) bool { return wizard.Asks(&p, id) }
	var rows []summaryRow
	if asks(wizard.StepK8sVersion) {
		rows = append(rows, summaryRow{"Kubernetes", p.KubernetesVersion, p.From(wizard.FKubernetesVer)})
	}
	if asks(wizard.StepNewCluster) {
		rows = append(rows, summaryRow{"Cluster", fmt.Sprintf("%s in %s (new, %s)", p.NewClusterName(), p.NewClusterGroup(), p.Region), p.From(wizard.FNewCluster)})
	}
	if asks(wizard.StepAPIAccess) {
		rows = append(rows, summaryRow{"API server", string(p.APIAccess) + " " + strings.Join(p.AuthorizedRanges, ", "), p.From(wizard.FAPIAccess)})
	}
	if asks(wizard.StepRouter) {
		ha := "HA off"
		if p.HA() {
			ha = "HA on"
		}
		rows = append(rows, summaryRow{"Router", wizard.RouterLabel(p.Router) + ", " + ha, p.From(wizard.FRouter)})
	}
	if asks(wizard.StepNamespace) {
		rows = append(rows, summaryRow{"Namespace", p.Namespace, p.From(wizard.FNamespace)})
	}
	if asks(wizard.StepIdentity) {
		rows = append(rows, summaryRow{"Identity", p.IdentityLabel(), p.From(wizard.FIdentity)})
	}
	if asks(wizard.StepNamespace) {
		// the namespace's answer carries the instance types made in it
		rows = append(rows, instanceTypeRows(m)...)
	}
	return rows
}

// instanceTypeRows are the review's rows for the instance types the
// readiness phase creates (name, requests, limits, pool, per node).
func instanceTypeRows(m *common) []summaryRow {
	p := m.Plan()
	src := wizard.Default
	if len(p.InstanceTypes) > 0 || p.NoInstanceTypes {
		src = wizard.Flag
	}
	if p.NoInstanceTypes {
		return []summaryRow{{"Inst. types", "none (--no-instance-types): deployments get defaultinstancetype, 0.1 CPU / 2 GiB", src}}
	}
	types, pools := wizard.ReviewInstanceTypes(&p, m.show.known().Sizes)
	lines := wizard.InstanceTypeRows(types, pools)
	if len(lines) == 0 {
		return []summaryRow{{"Inst. types", "sized to the nodes after the attach", src}}
	}
	var rows []summaryRow
	for i, l := range lines {
		label := ""
		if i == 0 {
			label = "Inst. types"
		}
		rows = append(rows, summaryRow{label, l, src})
	}
	return rows
}
