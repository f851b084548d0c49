package ui

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// attachPlan is `amlaks attach -w mlw-prod -n NAME --cluster CL
// [--cluster-resource-group RG]`.
func attachPlan(name, cluster, rg string) *wizard.Plan {
	p := wizard.NewPlan(wizard.ModeAttach)
	p.Mark(wizard.FMode, wizard.Flag)
	p.Subscription = wizardtest.Sub
	p.Mark(wizard.FSubscription, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.Name = name
	p.Mark(wizard.FName, wizard.Flag)
	p.ClusterName, p.ClusterGroup = cluster, rg
	p.Mark(wizard.FCluster, wizard.Flag)
	return p
}

// B1: --cluster with the wrong --cluster-resource-group stops at the
// cluster step with the reason, instead of skipping it to a dead-end review.
func TestAttachClusterFlagWrongGroupAsksCluster(t *testing.T) {
	d := newDriver(t, func(o *Options) { o.Plan = attachPlan("aks-pv", "aks-preview", "rg-aks-preview") })
	d.wantStep(wizard.StepPurpose)
	d.press("enter")
	d.wantStep(wizard.StepCluster)
	d.wantScreen(`no AKS cluster "aks-preview" in resource group rg-aks-preview`)
	if d.m.plan.ClusterID != "" || d.m.plan.Cluster != nil {
		t.Fatalf("cluster preselected: %q", d.m.plan.ClusterID)
	}
	d.highlight("aks-private")
	d.press("enter")
	d.wantStep(wizard.StepTLS)
	d.press("enter")
	d.wantStep(wizard.StepReview) // the name came from the flag
	if !strings.HasSuffix(d.m.plan.ClusterID, "/aks-private") || d.m.plan.From(wizard.FCluster) != wizard.Asked {
		t.Fatalf("cluster %q from %v", d.m.plan.ClusterID, d.m.plan.From(wizard.FCluster))
	}
	d.wantNoScreen("find cluster")
}

// B1: a --cluster that resolves skips the cluster step and reaches the
// review with the cluster's ID.
func TestAttachClusterFlagResolves(t *testing.T) {
	d := newDriver(t, func(o *Options) { o.Plan = attachPlan("aks-pv", "aks-private", "rg-aks") })
	d.wantStep(wizard.StepPurpose)
	d.press("enter")
	if !strings.HasSuffix(d.m.plan.ClusterID, "/aks-private") {
		t.Fatalf("cluster not resolved: %q (step %s)", d.m.plan.ClusterID, d.m.step)
	}
	d.wantStep(wizard.StepTLS)
	d.press("enter")
	d.wantStep(wizard.StepReview)
	d.wantNoScreen("find cluster")
	d.wantScreen("aks-private (rg-aks, eastus")
}

// B1: the clusters arrive while the cluster step already waits for them.
func TestAttachClusterFlagResolvedLate(t *testing.T) {
	p := attachPlan("aks-pv", "aks-nope", "")
	p.Mark(wizard.FPurpose, wizard.Flag)
	d := newDriver(t, func(o *Options) { o.Plan = p })
	d.wantStep(wizard.StepCluster)
	d.wantScreen(`no AKS cluster "aks-nope" in this subscription`)
}

// B3: the name's placeholder is a valid name.
func TestNamePlaceholderIsValid(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepName)
	d.wantScreen("e.g. aks-prod-b")
	if vs := rules.ComputeName("aks-prod-b", nil); len(vs) > 0 {
		t.Fatalf("placeholder invalid: %v", vs)
	}
}

// B4: Custom VNet with every field empty does not fall back to basic.
func TestNetworkCustomEmptyDoesNotAdvance(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepNetwork)
	d.press("right") // custom
	d.press("enter")
	d.wantStep(wizard.StepNetwork)
	d.wantScreen("fill in the six custom VNet fields, or choose Basic")
	if d.m.plan.From(wizard.FNetwork) == wizard.Asked {
		t.Fatal("network marked answered")
	}
	// the focus went to the first field: typing fills it
	d.typ("rg-net")
	if n := d.m.screens[wizard.StepNetwork].(*networkScreen).net; n.VNetResourceGroup != "rg-net" {
		t.Fatalf("network %+v", n)
	}
	// back to basic: enter goes on
	d.press("shift+tab", "left", "enter")
	d.wantStep(wizard.StepTLS)
	if d.m.plan.Network.Custom() {
		t.Fatalf("network %+v", d.m.plan.Network)
	}
}

// B8: past its usual time the bar of a running operation stays below 100 %.
func TestSubmitBarNeverFullWhileRunning(t *testing.T) {
	d := newDriver(t)
	d.toReview("aks-new")
	d.cloud.Delay["Follow"] = 5 * time.Second
	d.press("enter")
	ch := make(chan wizard.Progress)
	d.send(progressMsg{req: d.m.op.req, ch: ch, p: wizard.Progress{State: "Creating", Elapsed: 25 * time.Second, Expected: 20 * time.Second}})
	d.wantScreen("Creating · 25s elapsed · usually about 20 s", "slower than usual")
	d.wantNoScreen("100%")
	for _, r := range []float64{0, 0.5, 0.9, 1, 1.25, 3, 100} {
		f := runningFraction(time.Duration(r*float64(time.Minute)), time.Minute)
		if f < 0 || f > 0.99 || int(f*100) > 99 {
			t.Errorf("fraction(%v) = %v", r, f)
		}
		if r <= 0.9 && math.Abs(f-r) > 1e-9 {
			t.Errorf("fraction(%v) = %v, want linear", r, f)
		}
	}
	if a, b := runningFraction(65*time.Second, time.Minute), runningFraction(70*time.Second, time.Minute); !(a < b) {
		t.Errorf("not increasing: %v %v", a, b)
	}
}

// Retry notices go as soon as an answer arrives after them.
func TestNoticeClearedByNextAnswer(t *testing.T) {
	d := newDriver(t)
	d.update(noticeMsg{text: "throttled by Azure: retrying in 2 s", ok: true})
	d.wantScreen("throttled by Azure: retrying in 2 s")
	// another call still in flight may be the one retried: the notice stays
	pending := d.m.fetchComputes(true)
	d.run(d.m.fetchRegions(true))
	d.wantScreen("throttled by Azure: retrying in 2 s")
	// its answer ends the wait
	d.run(pending)
	d.wantNoScreen("retrying")
	// an error answer keeps it
	d.update(noticeMsg{text: "network error: retrying in 800 ms", ok: true})
	d.update(dataMsg{reqKey: "x", cacheKey: "x", err: &wizard.Error{Kind: wizard.ErrNetwork, Message: "boom"}})
	d.wantScreen("network error: retrying in 800 ms")
	// progress of an operation clears it too
	d.toReview("aks-new")
	d.cloud.Delay["Follow"] = 5 * time.Second
	d.press("enter")
	d.update(noticeMsg{text: "throttled by Azure: retrying in 2 s", ok: true})
	d.wantScreen("retrying in 2 s")
	d.send(progressMsg{req: d.m.op.req, ch: make(chan wizard.Progress), p: wizard.Progress{State: "Creating"}})
	d.wantNoScreen("retrying in 2 s")
}

// Follow-up commands carry the workspace, and --demo in demo mode.
func TestFollowUpCommandsAreComplete(t *testing.T) {
	d := newDriver(t, func(o *Options) { o.Demo = false })
	d.toReview("aks-new")
	d.press("enter")
	d.wantScreen("amlaks status aks-new -w mlw-prod -g rg-ml-prod", "amlaks list -w mlw-prod -g rg-ml-prod")
	d.wantNoScreen("--demo", "--subscription")
	d.press("enter")
	if s := d.m.Result().Summary; !strings.Contains(s, "`amlaks status aks-new -w mlw-prod -g rg-ml-prod`") {
		t.Fatalf("summary %q", s)
	}
	// a subscription picked in the wizard (not the az CLI default) is named
	e := newDriver(t)
	e.press("esc")
	e.typ("sandbox")
	e.press("enter")
	if got := e.m.cliCmd("status", "x"); got != "amlaks --demo status x --subscription 00000000-0000-4000-8000-000000000002" {
		t.Fatalf("cliCmd %q", got)
	}
}

// B8 (failure): a create that failed in Azure leaves its compute: the
// failure screen says so, with the detach command.
func TestFailureSaysFailedComputeStays(t *testing.T) {
	d := newDriver(t)
	d.cloud.Outcome = &wizard.Error{Kind: wizard.ErrQuota, Code: "QuotaExceeded", Message: "exceeding approved standardDv2Family Cores quota"}
	d.toReview("aks-new")
	d.press("enter")
	d.wantScreen("the failed compute aks-new stays in mlw-prod: detach it (`amlaks --demo detach aks-new -w mlw-prod -g rg-ml-prod --yes`) or pick another name before trying again",
		"f go back to VM size")
	d.press("q")
	if s := d.m.Result().Summary; !strings.Contains(s, "the failed compute aks-new stays in mlw-prod") {
		t.Fatalf("summary %q", s)
	}
	// a refused request created nothing: no such note
	e := newDriver(t)
	e.toReview("aks-new")
	e.cloud.SetErr("Submit", &wizard.Error{Kind: wizard.ErrConflict, Code: "Conflict", Message: "compute aks-new exists in region"})
	e.press("enter")
	e.wantScreen("Conflict")
	e.wantNoScreen("stays in")
}

// B9: a flag answer that fails its check is asked again with the reason,
// and the size table starts on the product default, not the first row.
func TestBadFlagAnswerSaysWhy(t *testing.T) {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Mark(wizard.FMode, wizard.Flag)
	p.Workspace.Name = "mlw-prod"
	p.Mark(wizard.FWorkspace, wizard.Flag)
	p.VMSize = "Standard_Foo"
	p.Mark(wizard.FVMSize, wizard.Flag)
	p.Nodes = 2
	p.Mark(wizard.FNodes, wizard.Flag)
	d := newDriver(t, func(o *Options) { o.Plan = p })
	d.wantStep(wizard.StepPurpose)
	d.press("enter", "enter", "enter")
	d.wantStep(wizard.StepVMSize)
	d.wantScreen("--vm-size Standard_Foo: Standard_Foo is not offered in eastus")
	if k := d.m.screens[wizard.StepVMSize].(*sizeScreen).p.selectedKey(); k != "Standard_D3_v2" {
		t.Fatalf("cursor on %q", k)
	}
	d.press("enter")
	// --nodes 2 × 4 vCPUs is too small for production
	d.wantStep(wizard.StepNodes)
	d.wantScreen("--nodes 2: production needs 12 vCPUs at least")
	d.press("+")
	d.wantNoScreen("--nodes 2 with")
}

// B13: before any sort the sizes are in natural name order.
func TestSizesNaturalOrder(t *testing.T) {
	d := newDriver(t)
	c := d.cloud
	l := c.SizeL["eastus"]
	l.Sizes = append(l.Sizes,
		wizard.VMSize{Name: "Standard_D32_v3", Family: "standardDv3Family", VCPUs: 32, MemoryGB: 128},
		wizard.VMSize{Name: "Standard_D13_v2", Family: "standardDv2Family", VCPUs: 8, MemoryGB: 56},
		wizard.VMSize{Name: "Standard_A1_v2", Family: "standardAv2Family", VCPUs: 1, MemoryGB: 2})
	c.SizeL["eastus"] = l
	d.createTo(wizard.StepVMSize)
	s := d.m.screens[wizard.StepVMSize].(*sizeScreen)
	var names []string
	for _, i := range s.p.matches {
		names = append(names, s.p.rows[i].Cells[0])
	}
	want := "Standard_A1_v2 Standard_B2s Standard_D2_v2 Standard_D3_v2 Standard_D4s_v3 Standard_D13_v2 Standard_D32_v3 Standard_F4s_v2 Standard_NC6s_v3"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("order\n got %s\nwant %s", got, want)
	}
	if k := s.p.selectedKey(); k != "Standard_D3_v2" {
		t.Fatalf("cursor on %q", k)
	}
}

func pickerOf(filters ...string) *picker {
	p := newPicker([]column{{Title: "Name", Width: 20}}, true, "")
	rows := make([]row, len(filters))
	for i, f := range filters {
		rows[i] = row{Cells: []string{f}, Filter: f}
	}
	p.setRows(rows)
	return p
}

func shown(p *picker) string {
	var out []string
	for _, i := range p.matches {
		out = append(out, p.rows[i].Cells[0])
	}
	return strings.Join(out, ",")
}

func typeFilter(p *picker, s string) {
	for _, r := range s {
		p.update(tea.KeyPressMsg{Code: r, Text: string(r)}, newKeyMap(), 5)
	}
}

// B11: plain substring matches (every word, any case) win over fuzzy
// ones, in table order; fuzzy only when nothing matches literally.
func TestPickerPrefersLiteralMatches(t *testing.T) {
	sizes := pickerOf("Standard_D4s_v3", "Standard_E4s_v3", "Standard_D48s_v3", "Standard_M8ms", "Standard_M128s", "standard_d4s_v3_x")
	typeFilter(sizes, "d4s_v3")
	if got := shown(sizes); got != "Standard_D4s_v3,standard_d4s_v3_x" {
		t.Fatalf("d4s_v3 → %s", got)
	}
	sizes.filter.SetValue("")
	typeFilter(sizes, "m8")
	if got := shown(sizes); got != "Standard_M8ms" {
		t.Fatalf("m8 → %s", got)
	}
	regions := pickerOf("Sweden South swedensouth", "West Europe westeurope", "North Europe northeurope", "West US westus")
	typeFilter(regions, "west eu")
	if got := shown(regions); got != "West Europe westeurope" {
		t.Fatalf("west eu → %s", got)
	}
	// nothing literal: fuzzy, and narrowing a fuzzy filter stays fuzzy
	regions.filter.SetValue("")
	typeFilter(regions, "wsteu")
	if got := shown(regions); !strings.HasPrefix(got, "West Europe westeurope,") || regions.literal {
		t.Fatalf("wsteu → %s", got)
	}
	// widening back until a word matches literally again
	for range 5 {
		regions.update(keyMsg("backspace"), newKeyMap(), 5)
	}
	typeFilter(regions, "eu")
	if got := shown(regions); got != "West Europe westeurope,North Europe northeurope" || !regions.literal {
		t.Fatalf("eu → %s", got)
	}
	typeFilter(regions, "rope nor") // narrowing a literal filter
	if got := shown(regions); got != "North Europe northeurope" {
		t.Fatalf("europe nor → %s", got)
	}
	// the region jump of browse uses the same rule
	if hits := matchRank("west eu", []string{"Sweden South swedensouth", "West Europe westeurope"}); len(hits) != 1 || hits[0] != 1 {
		t.Fatalf("matchRank %v", hits)
	}
}

// B12: a table that scrolls says how many rows are above and below.
func TestPickerShowsMoreRows(t *testing.T) {
	var names []string
	for i := range 30 {
		names = append(names, fmt.Sprintf("size-%02d", i))
	}
	p := pickerOf(names...)
	st := newStyles(true, true)
	v := ansi.Strip(p.view(st, 60, 12))
	if !strings.Contains(v, "↓ 21 more   (1–9 of 30)") || strings.Contains(v, "↑") {
		t.Fatalf("top:\n%s", v)
	}
	for range 15 {
		p.move(1)
	}
	v = ansi.Strip(p.view(st, 60, 12))
	if !strings.Contains(v, "↑ 7 more   ↓ 14 more   (8–16 of 30)") || !strings.Contains(v, "› size-15") {
		t.Fatalf("middle:\n%s", v)
	}
	if n := strings.Count(v, "\n") + 1; n > 12 {
		t.Fatalf("%d lines for 12", n)
	}
	// everything fits: no marker
	small := pickerOf("a", "b")
	if v := ansi.Strip(small.view(st, 60, 12)); strings.Contains(v, "more") {
		t.Fatalf("small:\n%s", v)
	}
}
