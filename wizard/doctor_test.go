package wizard

import "testing"

func TestParseHealthReport(t *testing.T) {
	report := "Duration: 41.3s\nTroubleShootingGuide: https://aka.ms/arcmltsg\nStatus: Passed Name: service\n" +
		"Status: Failed Name: inferencev1 ErrorCode: E45005 ErrorMessage: Azureml Fe deployment confict\n" +
		"Status: Failed Name: instancetype ErrorCode: E45006 ErrorMessage: Failed to validate or update instancetype\n"
	got := ParseHealthReport(report)
	if len(got) != 2 || got[0] != (HealthFailure{"inferencev1", "E45005", "Azureml Fe deployment confict"}) || got[1].Code != "E45006" {
		t.Fatalf("%+v", got)
	}
	for _, f := range got {
		if hc, ok := HealthCodes[f.Code]; !ok || hc.Meaning == "" || hc.Fix == "" || !hc.Blocks {
			t.Errorf("%s: %+v", f.Code, hc)
		}
	}
}

func FuzzParseHealthReport(f *testing.F) {
	f.Add("Status: Failed Name: x ErrorCode: E1 ErrorMessage: y\n")
	f.Fuzz(func(t *testing.T, s string) {
		for _, h := range ParseHealthReport(s) {
			if h.Checker == "" {
				t.Fatalf("%q", s)
			}
		}
	})
}
