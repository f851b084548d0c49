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
