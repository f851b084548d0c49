package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
	"github.com/charmbracelet/x/ansi"
)

// B13: before any sort the sizes are in natural name order.
func TestSizesNaturalOrder(t *testing.T) {
	d := newDriver(t)
	c := d.cloud
	l := c.SizeL["eastus"]
	l.Sizes = append(l.Sizes,
		wizard.VMSize{Name: "Standard_D32_v3", Family: "standardDv3Family", VCPUs: 32, MemoryGB: 128},
		wizard.VMSize{Name: "Standard_D13_v2", Family: "standardDv2Family", VCPUs: 8, MemoryGB: 56},
		wizard.VMSize{Name: "Standard_A2_v2", Family: "standardAv2Family", VCPUs: 2, MemoryGB: 4})
	c.SizeL["eastus"] = l
	d.createTo(wizard.StepVMSize)
	s := d.m.screens[wizard.StepVMSize].(*sizeScreen)
	var names []string
	for _, i := range s.p.matches {
		names = append(names, s.p.rows[i].Cells[0])
	}
	want := "Standard_A2_v2 Standard_B2s Standard_D2_v2 Standard_D3_v2 Standard_D4s_v3 Standard_D13_v2 Standard_D32_v3 Standard_F4s_v2 Standard_NC6s_v3"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("order\n got %s\nwant %s", got, want)
	}
	if k := s.p.selectedKey(); k != "Standard_D3_v2" {
		t.Fatalf("cursor on %q", k)
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

func TestEmptyLists(t *testing.T) {
	d := newDriver(t)
	d.cloud.WSs = nil
	d.m = New(context.Background(), d.m.opts)
	d.run(d.m.Init())
	d.wantScreen("the subscription has no Azure ML workspace")
	d.press("enter")
	d.wantStep(wizard.StepWorkspace)
	d.wantScreen("nothing to choose")
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

// Keys typed while a list is loading are not lost: they filter it once it
// is in.
func TestTypeAheadWhileLoading(t *testing.T) {
	d := newDriver(t, func(o *Options) { o.Cloud.(*wizardtest.Cloud).Delay["Workspaces"] = 100 * time.Millisecond })
	d.m = New(d.m.ctx, d.m.opts)
	d.m.debounce = time.Millisecond
	cmd := d.m.Init()
	d.typ("research") // before the workspaces arrive
	d.run(cmd)
	d.wantStep(wizard.StepWorkspace)
	d.wantScreen("filter: research", "mlw-research")
	d.wantNoScreen("mlw-prod ")
}

// When Azure's prices or quota cannot be read, the size table says so
// instead of leaving empty columns unexplained.
func TestSizesSayWhenPricesAreUnknown(t *testing.T) {
	d := newDriver(t, func(o *Options) {
		c := o.Cloud.(*wizardtest.Cloud)
		l := c.SizeL["eastus"]
		l.PricesUnknown = true
		c.SizeL["eastus"] = l
	})
	d.createTo(wizard.StepVMSize)
	d.wantScreen("Prices could not be read from Azure")
}

// Sorting keeps the column widths and puts the arrow right after the title.
func TestSortKeepsColumnWidths(t *testing.T) {
	d := newDriver(t, sized(100, 30))
	d.createTo(wizard.StepVMSize)
	d.press("tab")
	first := strings.Split(d.screen(), "\n")
	d.press("tab")
	second := strings.Split(d.screen(), "\n")
	hdr := func(lines []string) string {
		for _, l := range lines {
			if strings.Contains(l, "VM size") && strings.Contains(l, "Family") {
				return l
			}
		}
		return ""
	}
	a, b := hdr(first), hdr(second)
	if a == "" || b == "" || strings.Index(a, "Family") != strings.Index(b, "Family") || !strings.ContainsAny(a+b, "↑↓") {
		t.Fatalf("headers moved:\n%s\n%s", a, b)
	}
}
