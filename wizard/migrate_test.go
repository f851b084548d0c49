package wizard

import (
	"strings"
	"testing"
)

// TestParseLegacyRead reads LegacyReadCommand's output as kubectl prints
// it: the v1 services' list first, then one name line per router object
// present, then the annotation.
func TestParseLegacyRead(t *testing.T) {
	logs := `{
    "apiVersion": "v1",
    "items": [
        {"metadata": {"name": "churn-v1", "annotations": {"amlaks.sim/requests-per-minute": "140"}}, "status": {"readyReplicas": 2}},
        {"metadata": {"name": "scaled-down"}, "status": {"readyReplicas": 0}}
    ],
    "kind": "List"
}
serviceaccount/azureml-fe
clusterrole.rbac.authorization.k8s.io/azureml-fe-role
service/azureml-fe
deployment.apps/azureml-fe
secret/azuremlfessl
Error from server (Forbidden): configmaps "azuremlfeconfig" is forbidden
annotation=true`
	s, err := ParseLegacyRead(logs)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Objects, " "); got != "serviceaccount/azureml-fe clusterrole/azureml-fe-role service/azureml-fe deployment/azureml-fe secret/azuremlfessl" {
		t.Errorf("objects: %s", got)
	}
	if !s.Annotated || len(s.Services) != 1 || s.Services[0].Name != "churn-v1" || s.Services[0].Replicas != 2 || s.Services[0].Traffic != "140 requests/min" {
		t.Errorf("state: %+v", s)
	}
	empty, err := ParseLegacyRead(`{"apiVersion": "v1", "items": [], "kind": "List"}` + "\n")
	if err != nil || len(empty.Objects) != 0 || empty.Annotated || len(empty.Services) != 0 {
		t.Errorf("empty: %+v %v", empty, err)
	}
	if _, err := ParseLegacyRead("sh: 1: kubectl: not found\n"); err == nil {
		t.Error("garbage read as a state")
	}
}

func TestRemoveRouterCommandDeletesOnlyWhatIsThere(t *testing.T) {
	all := RemoveRouterCommand(nil)
	if n := strings.Count(all, "kubectl delete "); n != 8 || !strings.Contains(all, "kubectl delete clusterrole azureml-fe-role --ignore-not-found") ||
		!strings.Contains(all, "kubectl delete secret azuremlfessl -n default --ignore-not-found") {
		t.Errorf("all: %s", all)
	}
	some := RemoveRouterCommand([]string{"deployment/azureml-fe", "configmap/azuremlfeconfig"})
	if some != "kubectl delete deployment azureml-fe -n default --ignore-not-found; kubectl delete configmap azuremlfeconfig -n default --ignore-not-found" {
		t.Errorf("some: %s", some)
	}
}

func TestDefaultMigrateName(t *testing.T) {
	for in, want := range map[string]string{"aks-inference": "aks-inference-k8s", "a-very-long-legacy-name-x": "a-very-long-legacy-n-k8s", "aks-1234567890123456-": "aks-1234567890123456-k8s"} {
		if got := DefaultMigrateName(in); got != want || len(got) > 24 {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}
