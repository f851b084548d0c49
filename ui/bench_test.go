package ui

import (
	"context"
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// BenchmarkFirstFrame measures New + Init + the first View (the bar: the
// first frame within 150 ms).
func BenchmarkFirstFrame(b *testing.B) {
	c := wizardtest.New()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		m := New(ctx, Options{Cloud: c, Demo: true})
		_ = m.Init()
		_ = m.View()
	}
}

// manySizes returns n generated sizes.
func manySizes(n int) wizard.SizeList {
	fams := []string{"standardDv2Family", "standardDSv3Family", "standardEv5Family", "standardFSv2Family", "standardNCSv3Family", "standardLSv3Family"}
	l := wizard.SizeList{Region: "eastus", RegionQuota: rules.Quota{Name: "cores", Label: "Total Regional vCPUs", Used: 26, Limit: 350}}
	for i := range n {
		f := fams[i%len(fams)]
		v := 2 << (i % 6)
		z := wizard.VMSize{Name: fmt.Sprintf("Standard_%c%d%s_v%d", "DEFLNM"[i%6], v, []string{"s", "ds", "as", ""}[i%4], 2+i%5),
			Family: f, VCPUs: v, MemoryGB: float64(v * 4), PricePerHour: float64(v) * 0.05,
			FamilyQuota: rules.Quota{Name: f, Label: f, Used: i % 40, Limit: 100}}
		if i%50 == 7 {
			z.Restricted = "not available for this subscription in eastus"
		}
		if f == "standardNCSv3Family" {
			z.GPUs = 1 + i%4
		}
		l.Sizes = append(l.Sizes, z)
	}
	l.Sizes = append(l.Sizes, wizard.VMSize{Name: "Standard_D3_v2", Family: "standardDv2Family", VCPUs: 4, MemoryGB: 14, FamilyQuota: rules.Quota{Name: "standardDv2Family", Used: 8, Limit: 100}})
	return l
}

// BenchmarkSizeFilterKeystroke measures one keystroke in the VM size
// filter (Update + View) with 1,000 sizes listed (the bar: ≤ 5 ms).
func BenchmarkSizeFilterKeystroke(b *testing.B) {
	d := newDriver(b)
	d.cloud.SizeL["eastus"] = manySizes(1000)
	d.createTo(wizard.StepVMSize)
	if n := len(d.m.screens[wizard.StepVMSize].(*sizeScreen).sizes); n < 1000 {
		b.Fatalf("%d sizes", n)
	}
	keys := []tea.KeyPressMsg{{Code: 'd', Text: "d"}, {Code: '4', Text: "4"}, {Code: 's', Text: "s"},
		{Code: tea.KeyBackspace}, {Code: tea.KeyBackspace}, {Code: tea.KeyBackspace}}
	m := d.m
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		nm, _ := m.Update(keys[i%len(keys)])
		m = nm.(Model)
		_ = m.View()
		i++
	}
}

// BenchmarkFormKeystroke measures one keystroke in a huh form field with
// its live check (Update, the rules on the whole network, View): the DNS IP
// of a custom VNet, typed and erased.
func BenchmarkFormKeystroke(b *testing.B) {
	d := newDriver(b)
	d.createTo(wizard.StepNetwork)
	d.press("right", "tab")
	for i, v := range []string{"rg-net", "vnet-ml", "snet-aks", "10.0.0.0/16"} {
		if i > 0 {
			d.press("tab")
		}
		d.typ(v)
	}
	d.press("tab")
	if f := d.networkForm().focused(); f.id != "dns-service-ip" {
		b.Fatalf("focus on %s", f.id)
	}
	keys := []tea.KeyPressMsg{{Code: '1', Text: "1"}, {Code: '0', Text: "0"}, {Code: '.', Text: "."},
		{Code: tea.KeyBackspace}, {Code: tea.KeyBackspace}, {Code: tea.KeyBackspace}}
	m := d.m
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		nm, _ := m.Update(keys[i%len(keys)])
		m = nm.(Model)
		_ = m.View()
		i++
	}
}
