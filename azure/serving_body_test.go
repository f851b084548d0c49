package azure

import (
	"encoding/json"
	"testing"

	"github.com/amlaks/amlaks/wizard"
)

// The smoke test's bodies on the wire, in the shape the sources give a
// custom container without model or code (azureml-examples
// cli/endpoints/online/custom-container/tfserving/half-plus-two-integrated/
// half-plus-two-integrated-deployment.yml: environment image +
// inference_config only; reference-yaml-deployment-kubernetes-online.md:
// model and code_configuration optional for custom containers,
// environment required; azure-ai-ml KubernetesOnlineDeployment
// ._to_rest_object: sku Default with the instance count).
func TestSmokeTestBodies(t *testing.T) {
	wire := func(v any) map[string]any {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	env := wire(environmentBody(wizard.SmokeEnvironment))
	props, _ := env["properties"].(map[string]any)
	ic, _ := props["inferenceConfig"].(map[string]any)
	if props["image"] != wizard.SmokeEnvironment.Image || props["osType"] != "Linux" || ic == nil {
		t.Fatalf("environment %v", env)
	}
	for r, path := range map[string]string{"livenessRoute": "/", "readinessRoute": "/", "scoringRoute": "/score"} {
		rt, _ := ic[r].(map[string]any)
		if rt["path"] != path || rt["port"] != float64(wizard.SmokeEnvironment.Port) {
			t.Errorf("%s = %v, want path %s port %d", r, rt, path, wizard.SmokeEnvironment.Port)
		}
	}

	dep := wire(deploymentBody(wizard.DeploymentSpec{Endpoint: "amlaks-verify-1", Name: "smoke", Location: "eastus",
		EnvironmentID: "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/environments/amlaks-smoke/versions/1",
		InstanceType:  "defaultinstancetype"}))
	p, _ := dep["properties"].(map[string]any)
	if p["endpointComputeType"] != "Kubernetes" || p["environmentId"] == nil || p["instanceType"] != "defaultinstancetype" {
		t.Errorf("deployment properties %v", p)
	}
	for _, absent := range []string{"model", "codeConfiguration", "modelMountPath"} {
		if _, ok := p[absent]; ok {
			t.Errorf("deployment sends %s: the smoke test uploads nothing", absent)
		}
	}
	if sku, _ := dep["sku"].(map[string]any); sku["name"] != "Default" || sku["capacity"] != float64(1) {
		t.Errorf("sku %v, want Default × 1", dep["sku"])
	}
	rr, _ := p["containerResourceRequirements"].(map[string]any)
	req, _ := rr["containerResourceRequests"].(map[string]any)
	lim, _ := rr["containerResourceLimits"].(map[string]any)
	if req["cpu"] != "0.1" || req["memory"] != "0.1Gi" || lim["cpu"] != "0.2" || lim["memory"] != "200Mi" {
		t.Errorf("resources %v: want requests 0.1 / 0.1Gi, limits 0.2 / 200Mi (within defaultinstancetype's 2 / 2Gi)", rr)
	}
}
