package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDoctorLegacyComputeListsTheV1Router: the doctor on a legacy AKS
// compute reads the v1 router through the run command and says which of
// its eight objects are in the cluster and which v1 services live, with
// the way to move on (amlaks migrate); exit 0.
func TestDoctorLegacyComputeListsTheV1Router(t *testing.T) {
	rp := newRealPath(t)
	r, _ := rp.run("doctor", "aks-inference", "-w", "mlw-prod", "-o", "json")
	if r.code != 0 {
		t.Fatalf("doctor: %s", r)
	}
	var doc struct {
		Findings []struct {
			Code, Severity, Message, Fix string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, r)
	}
	var router string
	for _, f := range doc.Findings {
		if f.Code == "legacy-router" {
			router = f.Severity + " " + f.Message + " — " + f.Fix
		}
	}
	for _, want := range []string{"of 8): ", "serviceaccount/azureml-fe", "clusterrole/azureml-fe-role", "deployment/azureml-fe", "configmap/azuremlfeconfig",
		"live v1 services: ", "amlaks migrate aks-inference"} {
		if !strings.Contains(router, want) {
			t.Errorf("the legacy router finding lacks %q: %q\n%s", want, router, r)
		}
	}
}
