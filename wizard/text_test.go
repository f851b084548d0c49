package wizard

import "testing"

func TestArticleAndDecimal(t *testing.T) {
	if Article("AmlCompute") != "an" || Article("AKS") != "an" || Article("Kubernetes") != "a" || Article("") != "a" {
		t.Fatal("Article")
	}
	for f, want := range map[float64]string{14: "14", 0.75: "0.75", 218.75: "218.75", 3.5: "3.5", 0: "0"} {
		if got := Decimal(f); got != want {
			t.Errorf("Decimal(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestSizeShapeCountsVCPUsInTheSingular(t *testing.T) {
	for z, want := range map[VMSize]string{
		{Name: "Standard_B1ls", VCPUs: 1, MemoryGB: 0.5}:  "1 vCPU, 0.5 GiB",
		{Name: "Standard_D4s_v3", VCPUs: 4, MemoryGB: 16}: "4 vCPUs, 16 GiB",
	} {
		if got := z.Shape(); got != want {
			t.Errorf("%s: %q, want %q", z.Name, got, want)
		}
	}
}
