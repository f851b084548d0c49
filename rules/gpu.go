package rules

import (
	"regexp"
	"strings"
)

// nvidiaSize matches the Azure VM sizes with NVIDIA GPUs: the N-series
// families NC, ND and NV (Standard_NC4as_T4_v3, Standard_NC24ads_A100_v4,
// Standard_ND96isr_H100_v5, Standard_NV36ads_A10_v5, ...).
var nvidiaSize = regexp.MustCompile(`(?i)^standard_n[cdv]\d`)

// amdSize matches the N-series sizes whose GPUs are AMD's: NVv4 (Radeon
// Instinct MI25, Standard_NV16as_v4), NVads V710 v5 and NGads V620.
var amdSize = regexp.MustCompile(`(?i)^standard_(nv\d+as_v4|nv\d+ads_v710_v5|ng\d+)`)

// NvidiaGPU reports a VM size whose nodes carry NVIDIA GPUs: the Azure ML
// extension must then install the NVIDIA device plugin
// (installNvidiaDevicePlugin=True), which it never does by default, or
// the GPUs are paid for and never scheduled ("By default, Azure Machine
// Learning extension deployment won't install NVIDIA Device Plugin
// regardless Kubernetes cluster has GPU hardware or not",
// how-to-deploy-kubernetes-extension.md). The name is the test because
// the SKU list counts GPUs without saying whose they are.
func NvidiaGPU(size string) bool {
	s := strings.TrimSpace(size)
	return nvidiaSize.MatchString(s) && !amdSize.MatchString(s)
}
