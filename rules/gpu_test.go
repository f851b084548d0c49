package rules

import "testing"

func TestNvidiaGPU(t *testing.T) {
	for size, want := range map[string]bool{
		"Standard_NC4as_T4_v3":     true,
		"standard_nc24ads_a100_v4": true,
		"Standard_NC40ads_H100_v5": true,
		"Standard_ND96isr_H100_v5": true,
		"Standard_NV36ads_A10_v5":  true,
		"Standard_NV12s_v3":        true,
		"Standard_NV16as_v4":       false, // AMD MI25
		"Standard_NV4ads_V710_v5":  false, // AMD V710
		"Standard_NG8ads_V620_v1":  false, // AMD V620
		"Standard_NP10s":           false, // FPGA
		"Standard_D8s_v5":          false,
		"Standard_DS3_v2":          false,
		"":                         false,
	} {
		if got := NvidiaGPU(size); got != want {
			t.Errorf("NvidiaGPU(%q) = %v, want %v", size, got, want)
		}
	}
}
