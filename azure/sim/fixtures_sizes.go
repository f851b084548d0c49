package sim

import (
	"fmt"
	"math"
	"strings"
)

// vmSize is one real Azure VM size. Figures are the published ones
// (vCPUs, memory GiB, GPUs, temp disk GiB); prices are Linux pay-as-you-go
// in eastus, USD per hour, approximate.
type vmSize struct {
	Name         string
	Family       string // quota family, e.g. standardDv2Family (same string in skus, usages and AML vmSizes)
	Class        string // general, burstable, compute, memory, storage, hpc, gpu, fpga
	VCPUs        int
	MemoryGB     float64
	GPUs         int
	FPGAs        int
	TempDiskGB   int
	PremiumIO    bool
	LowPriority  bool
	Price        float64  // 0: unknown (no estimatedVMPrices)
	Regions      []string // nil: every physical region
	HyperV       string
	VCPUsPerCore int
	ACUs         int
	Rdma         bool
}

// accelerated reports whether the size carries GPUs or FPGAs.
func (s *vmSize) accelerated() bool { return s.GPUs > 0 || s.FPGAs > 0 }

type sizeRow struct {
	name  string
	vcpus int
	mem   float64
	temp  int
	price float64 // 0: rate × vCPUs; <0: unknown
	accel int     // GPUs or FPGAs
}

type sizeSeries struct {
	family, class string
	premium       bool
	lowPri        bool
	hyperV        string
	perCore       int
	acus          int
	rate          float64 // USD per vCPU-hour when a row has no price
	regions       []string
	fpga          bool
	rows          []sizeRow
}

// gen builds rows named Standard_<letter><n><infix>_<ver> with memory and
// temp disk proportional to vCPUs.
func gen(letter, infix, ver string, vcpus []int, memPer, tempPer float64) []sizeRow {
	rows := make([]sizeRow, 0, len(vcpus))
	for _, n := range vcpus {
		name := fmt.Sprintf("Standard_%s%d%s_%s", letter, n, infix, ver)
		rows = append(rows, sizeRow{name: name, vcpus: n, mem: memPer * float64(n), temp: int(tempPer * float64(n))})
	}
	return rows
}

// fix overrides the memory and temp disk of one generated row (a size that
// breaks its series' ratio, like E64_v3 with 432 GiB).
func fix(rows []sizeRow, name string, mem float64, temp int) []sizeRow {
	for i := range rows {
		if rows[i].name == name {
			rows[i].mem, rows[i].temp = mem, temp
		}
	}
	return rows
}

// sizeCatalog returns the simulated VM size catalog (≈ 200 real sizes).
func sizeCatalog() []vmSize {
	t4 := []string{"eastus", "southcentralus", "westus2", "westeurope", "northeurope", "uksouth", "japaneast",
		"australiaeast", "southeastasia", "centralindia", "koreacentral"}
	a100 := []string{"eastus", "eastus2", "southcentralus", "westus2", "westus3", "westeurope", "northeurope", "uksouth", "swedencentral"}
	nd := []string{"eastus", "southcentralus", "westus2", "westeurope", "uksouth"}
	nv := []string{"eastus", "westus2", "southcentralus", "westeurope", "northeurope", "uksouth", "japaneast", "southeastasia", "australiaeast"}
	fpga := []string{"eastus", "westus2", "westeurope", "southeastasia"}
	hpc := []string{"eastus", "southcentralus", "westus2", "westeurope"}
	mem := []string{"eastus", "eastus2", "westus2", "westeurope", "northeurope", "southeastasia", "japaneast", "uksouth",
		"australiaeast", "centralindia", "canadacentral"}

	d2to64 := []int{2, 4, 8, 16, 32, 48, 64}
	d2to96 := []int{2, 4, 8, 16, 32, 48, 64, 96}
	e2to64 := []int{2, 4, 8, 16, 20, 32, 48, 64}
	e2to96 := []int{2, 4, 8, 16, 20, 32, 48, 64, 96}

	series := []sizeSeries{
		{family: "standardDv2Family", class: "general", lowPri: true, hyperV: "V1", perCore: 1, acus: 210, rows: []sizeRow{
			{"Standard_D1_v2", 1, 3.5, 50, 0.057, 0}, {"Standard_D2_v2", 2, 7, 100, 0.114, 0}, {"Standard_D3_v2", 4, 14, 200, 0.229, 0},
			{"Standard_D4_v2", 8, 28, 400, 0.458, 0}, {"Standard_D5_v2", 16, 56, 800, 0.916, 0},
			{"Standard_D11_v2", 2, 14, 100, 0.148, 0}, {"Standard_D12_v2", 4, 28, 200, 0.296, 0}, {"Standard_D13_v2", 8, 56, 400, 0.593, 0},
			{"Standard_D14_v2", 16, 112, 800, 1.186, 0}, {"Standard_D15_v2", 20, 140, 1000, 1.482, 0}}},
		{family: "standardDSv2Family", class: "general", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 1, acus: 210, rows: []sizeRow{
			{"Standard_DS1_v2", 1, 3.5, 7, 0.073, 0}, {"Standard_DS2_v2", 2, 7, 14, 0.146, 0}, {"Standard_DS3_v2", 4, 14, 28, 0.293, 0},
			{"Standard_DS4_v2", 8, 28, 56, 0.585, 0}, {"Standard_DS5_v2", 16, 56, 112, 1.17, 0},
			{"Standard_DS11_v2", 2, 14, 28, 0.185, 0}, {"Standard_DS12_v2", 4, 28, 56, 0.371, 0}, {"Standard_DS13_v2", 8, 56, 112, 0.741, 0},
			{"Standard_DS14_v2", 16, 112, 224, 1.482, 0}, {"Standard_DS15_v2", 20, 140, 280, 1.853, 0}}},
		{family: "standardDv3Family", class: "general", lowPri: true, hyperV: "V1", perCore: 2, acus: 160, rate: 0.048,
			rows: gen("D", "", "v3", d2to64, 4, 25)},
		{family: "standardDSv3Family", class: "general", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 160, rate: 0.048,
			rows: gen("D", "s", "v3", d2to64, 4, 8)},
		{family: "standardDv4Family", class: "general", lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 195, rate: 0.048,
			rows: gen("D", "", "v4", d2to64, 4, 0)},
		{family: "standardDSv4Family", class: "general", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 195, rate: 0.048,
			rows: gen("D", "s", "v4", d2to64, 4, 0)},
		{family: "standardDDv4Family", class: "general", lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 195, rate: 0.0565,
			rows: gen("D", "d", "v4", d2to64, 4, 37.5)},
		{family: "standardDDSv4Family", class: "general", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 195, rate: 0.0565,
			rows: gen("D", "ds", "v4", d2to64, 4, 37.5)},
		{family: "standardDv5Family", class: "general", lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 195, rate: 0.048,
			rows: gen("D", "", "v5", d2to96, 4, 0)},
		{family: "standardDSv5Family", class: "general", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 195, rate: 0.048,
			rows: gen("D", "s", "v5", d2to96, 4, 0)},
		{family: "standardDDSv5Family", class: "general", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 195, rate: 0.0565,
			rows: gen("D", "ds", "v5", d2to96, 4, 37.5)},
		{family: "standardDASv5Family", class: "general", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 230, rate: 0.043,
			rows: gen("D", "as", "v5", d2to96, 4, 0)},
		{family: "standardEv3Family", class: "memory", lowPri: true, hyperV: "V1", perCore: 2, acus: 160, rate: 0.063,
			rows: fix(gen("E", "", "v3", e2to64, 8, 25), "Standard_E64_v3", 432, 1600)},
		{family: "standardESv3Family", class: "memory", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 160, rate: 0.063,
			rows: fix(gen("E", "s", "v3", e2to64, 8, 16), "Standard_E64s_v3", 432, 864)},
		{family: "standardEISv3Family", class: "memory", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 160, rows: []sizeRow{
			{"Standard_E64is_v3", 64, 432, 864, 4.436, 0}}},
		{family: "standardEv5Family", class: "memory", lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 195, rate: 0.063,
			rows: fix(gen("E", "", "v5", e2to96, 8, 0), "Standard_E96_v5", 672, 0)},
		{family: "standardESv5Family", class: "memory", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 195, rate: 0.063,
			rows: fix(gen("E", "s", "v5", e2to96, 8, 0), "Standard_E96s_v5", 672, 0)},
		{family: "standardEASv5Family", class: "memory", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 230, rate: 0.0565,
			rows: fix(gen("E", "as", "v5", e2to96, 8, 0), "Standard_E96as_v5", 672, 0)},
		{family: "standardEIv5Family", class: "memory", lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 195, rows: []sizeRow{
			{"Standard_E104i_v5", 104, 672, 0, 7.008, 0}}},
		{family: "standardFSv2Family", class: "compute", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 195, rate: 0.0423,
			rows: gen("F", "s", "v2", []int{2, 4, 8, 16, 32, 48, 64, 72}, 2, 8)},
		{family: "standardFSFamily", class: "compute", premium: true, lowPri: true, hyperV: "V1", perCore: 1, acus: 210, rate: 0.0497, rows: []sizeRow{
			{"Standard_F1s", 1, 2, 4, 0, 0}, {"Standard_F2s", 2, 4, 8, 0, 0}, {"Standard_F4s", 4, 8, 16, 0, 0},
			{"Standard_F8s", 8, 16, 32, 0, 0}, {"Standard_F16s", 16, 32, 64, 0, 0}}},
		{family: "standardBSFamily", class: "burstable", premium: true, hyperV: "V1,V2", perCore: 1, rows: []sizeRow{
			{"Standard_B1ls", 1, 0.5, 4, 0.0052, 0}, {"Standard_B1s", 1, 1, 4, 0.0104, 0}, {"Standard_B1ms", 1, 2, 4, 0.0207, 0},
			{"Standard_B2s", 2, 4, 8, 0.0416, 0}, {"Standard_B2ms", 2, 8, 16, 0.0832, 0}, {"Standard_B4ms", 4, 16, 32, 0.166, 0},
			{"Standard_B8ms", 8, 32, 64, 0.333, 0}, {"Standard_B12ms", 12, 48, 96, 0.499, 0}, {"Standard_B16ms", 16, 64, 128, 0.666, 0},
			{"Standard_B20ms", 20, 80, 160, 0.832, 0}}},
		// B v2 (AMD): B2ats_v2 has 2 vCPUs but 1 GiB, under AKS's 4 GiB per node.
		{family: "standardBasv2Family", class: "burstable", premium: true, hyperV: "V2", perCore: 2, rows: []sizeRow{
			{"Standard_B2ats_v2", 2, 1, 0, 0.0094, 0}, {"Standard_B2als_v2", 2, 4, 0, 0.0376, 0}, {"Standard_B2as_v2", 2, 8, 0, 0.0752, 0}}},
		{family: "standardAv2Family", class: "general", lowPri: true, hyperV: "V1", perCore: 1, acus: 100, rows: []sizeRow{
			{"Standard_A1_v2", 1, 2, 10, 0.043, 0}, {"Standard_A2_v2", 2, 4, 20, 0.091, 0}, {"Standard_A4_v2", 4, 8, 40, 0.191, 0},
			{"Standard_A8_v2", 8, 16, 80, 0.4, 0}, {"Standard_A2m_v2", 2, 16, 20, 0.119, 0}, {"Standard_A4m_v2", 4, 32, 40, 0.249, 0},
			{"Standard_A8m_v2", 8, 64, 80, 0.524, 0}}},
		{family: "standardLSv2Family", class: "storage", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 150, rate: 0.078,
			rows: gen("L", "s", "v2", []int{8, 16, 32, 48, 64, 80}, 8, 10)},
		{family: "standardMSFamily", class: "memory", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, acus: 160, regions: mem, rows: []sizeRow{
			{"Standard_M8ms", 8, 218.75, 256, 2.198, 0}, {"Standard_M16ms", 16, 437.5, 512, 4.396, 0},
			{"Standard_M32ts", 32, 192, 1024, 3.606, 0}, {"Standard_M32ls", 32, 256, 1024, 4.681, 0},
			{"Standard_M32ms", 32, 875, 1024, 8.792, 0}, {"Standard_M64s", 64, 1024, 2048, 6.669, 0},
			{"Standard_M64ms", 64, 1792, 2048, 13.338, 0}, {"Standard_M128s", 128, 2048, 4096, 13.338, 0}}},
		{family: "standardHBrsv3Family", class: "hpc", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 1, regions: hpc, rows: []sizeRow{
			{"Standard_HB120rs_v3", 120, 448, 480, 3.6, 0}}},
		{family: "standardHCSFamily", class: "hpc", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 1, regions: hpc, rows: []sizeRow{
			{"Standard_HC44rs", 44, 352, 700, -1, 0}}},
		// NCv3 (V100: NC6s_v3, NC12s_v3, NC24s_v3, NC24rs_v3) retired on
		// 2025-09-30 (azure-docs ncv3-nc6s-nc12s-nc24s-retirement.md): not
		// offered.
		{family: "standardNCASv3_T4Family", class: "gpu", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 1, regions: t4, rows: []sizeRow{
			{"Standard_NC4as_T4_v3", 4, 28, 180, 0.526, 1}, {"Standard_NC8as_T4_v3", 8, 56, 360, 0.752, 1},
			{"Standard_NC16as_T4_v3", 16, 110, 360, 1.204, 1}, {"Standard_NC64as_T4_v3", 64, 440, 2880, 4.352, 4}}},
		{family: "standardNCADSA100v4Family", class: "gpu", premium: true, lowPri: true, hyperV: "V2", perCore: 1, regions: a100, rows: []sizeRow{
			{"Standard_NC24ads_A100_v4", 24, 220, 64, 3.673, 1}, {"Standard_NC48ads_A100_v4", 48, 440, 128, 7.346, 2},
			{"Standard_NC96ads_A100_v4", 96, 880, 256, 14.692, 4}}},
		{family: "standardNDSv2Family", class: "gpu", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, regions: nd, rows: []sizeRow{
			{"Standard_ND40rs_v2", 40, 672, 2948, 22.032, 8}}},
		{family: "standardNDASv4_A100Family", class: "gpu", premium: true, lowPri: true, hyperV: "V2", perCore: 2, regions: nd, rows: []sizeRow{
			{"Standard_ND96asr_v4", 96, 900, 6000, 27.197, 8}}},
		{family: "standardNDAMSv4_A100Family", class: "gpu", premium: true, lowPri: true, hyperV: "V2", perCore: 2, regions: nd, rows: []sizeRow{
			{"Standard_ND96amsr_A100_v4", 96, 1900, 6400, 32.77, 8}}},
		{family: "standardNDSH100v5Family", class: "gpu", premium: true, lowPri: true, hyperV: "V2", perCore: 2, regions: nd, rows: []sizeRow{
			{"Standard_ND96isr_H100_v5", 96, 1900, 28000, 98.32, 8}}},
		{family: "standardNVSv3Family", class: "gpu", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, regions: nv, rows: []sizeRow{
			{"Standard_NV12s_v3", 12, 112, 320, 1.14, 1}, {"Standard_NV24s_v3", 24, 224, 640, 2.28, 2},
			{"Standard_NV48s_v3", 48, 448, 1280, 4.56, 4}}},
		{family: "standardNVADSA10v5Family", class: "gpu", premium: true, lowPri: true, hyperV: "V1,V2", perCore: 2, regions: nv, rows: []sizeRow{
			{"Standard_NV36ads_A10_v5", 36, 440, 1440, 3.2, 1}, {"Standard_NV72ads_A10_v5", 72, 880, 2880, 6.52, 2}}},
		{family: "standardPBSFamily", class: "fpga", fpga: true, premium: true, hyperV: "V1", perCore: 1, regions: fpga, rows: []sizeRow{
			{"Standard_PB6s", 6, 112, 464, 1.65, 1}}},
		{family: "standardNPSFamily", class: "fpga", fpga: true, premium: true, hyperV: "V1,V2", perCore: 2, regions: fpga, rows: []sizeRow{
			{"Standard_NP10s", 10, 168, 736, -1, 1}, {"Standard_NP20s", 20, 336, 1474, -1, 2}, {"Standard_NP40s", 40, 672, 2948, -1, 4}}},
	}

	var out []vmSize
	for _, s := range series {
		for _, r := range s.rows {
			price := r.price
			if price == 0 {
				price = math.Round(s.rate*float64(r.vcpus)*1000) / 1000
			}
			if price < 0 {
				price = 0
			}
			v := vmSize{Name: r.name, Family: s.family, Class: s.class, VCPUs: r.vcpus, MemoryGB: r.mem, TempDiskGB: r.temp,
				PremiumIO: s.premium, LowPriority: s.lowPri, Price: price, Regions: s.regions, HyperV: s.hyperV,
				VCPUsPerCore: s.perCore, ACUs: s.acus}
			if s.fpga {
				v.FPGAs = r.accel
			} else {
				v.GPUs = r.accel
			}
			v.Rdma = containsRdmaMarker(r.name)
			out = append(out, v)
		}
	}
	return out
}

// containsRdmaMarker reports sizes whose name carries the "r" (RDMA)
// marker: NC24rs_v3, ND40rs_v2, ND96asr_v4, HB120rs_v3, HC44rs, ...
func containsRdmaMarker(name string) bool {
	return strings.Contains(name, "rs_") || strings.Contains(name, "sr_") || strings.HasSuffix(name, "rs")
}
