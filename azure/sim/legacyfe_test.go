package sim

import (
	"strings"
	"testing"
)

// TestLegacyRouterObjects: the legacy fixtures carry the v1 router's
// objects in namespace default (the certificate secret only where TLS was
// on), aks-shared its live v1 services in azureml-mlw-prod; kubectl deletes
// the router's objects one by one and they stay deleted.
func TestLegacyRouterObjects(t *testing.T) {
	e := newEnv(t, Options{})
	shared := "/subscriptions/" + sub1 + "/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-shared"
	names := func(id string) []string {
		var out []string
		for _, o := range LegacyObjects {
			kind, name, _ := strings.Cut(o, "/")
			ns := "default"
			if strings.HasPrefix(kind, "clusterrole") {
				ns = ""
			}
			if obj, err := e.h.KubeObject(id, kind, ns, name); err == nil && obj != nil {
				out = append(out, o)
			}
		}
		return out
	}
	if got := names(shared); len(got) != 7 || strings.Contains(strings.Join(got, " "), "azuremlfessl") {
		t.Errorf("aks-shared (TLS off): %v", got)
	}
	tls := clusterPathOf(ClusterLegacyTLS)
	if got := names(tls); len(got) != 8 {
		t.Errorf("%s (TLS on): %v", ClusterLegacyTLS, got)
	}
	if got, _ := e.h.KubeObjects(shared, "deployment"); !strings.Contains(strings.Join(got, " "), "churn-v1 fraud-score") {
		t.Errorf("aks-shared deployments: %v", got)
	}
	if got, _ := e.h.KubeObjects(tls, "deployment"); strings.Join(got, " ") != "azureml-fe" {
		t.Errorf("%s deployments: %v", ClusterLegacyTLS, got)
	}
	res := e.runCmd(ClusterLegacyTLS, "kubectl get secret azuremlfessl -n default -o jsonpath={.data.cert\\.pem}", nil)
	if jnum(res, "properties", "exitCode") != 0 || len(jstr(res, "properties", "logs")) < 100 {
		t.Errorf("secret: %v", res)
	}
	res = e.runCmd(ClusterLegacyTLS, "kubectl delete deployment azureml-fe -n default; kubectl delete clusterrole azureml-fe-role; kubectl delete sa nope -n default --ignore-not-found", nil)
	if logs := jstr(res, "properties", "logs"); jnum(res, "properties", "exitCode") != 0 ||
		!strings.Contains(logs, `deployment.apps "azureml-fe" deleted`) || !strings.Contains(logs, `clusterrole.rbac.authorization.k8s.io "azureml-fe-role" deleted`) {
		t.Errorf("delete: %v", res)
	}
	if got := names(tls); len(got) != 6 {
		t.Errorf("after the deletes: %v", got)
	}
	res = e.runCmd(ClusterLegacyTLS, "kubectl delete deployment azureml-fe -n default", nil)
	if jnum(res, "properties", "exitCode") != 1 || !strings.Contains(jstr(res, "properties", "logs"), "NotFound") {
		t.Errorf("second delete: %v", res)
	}
}

// TestLegacyRouterBlocksExtension: the extension's healthcheck fails with
// E45005 on a cluster running the v1 router unless azureml-fe is annotated
// azureml-fe-enable-upgrade=true and the install says
// scoringFe.enableUpgrade=true; with only the cluster role left it fails
// with E45004; with the objects gone it installs.
func TestLegacyRouterBlocksExtension(t *testing.T) {
	install := func(e *env, settings map[string]any) map[string]any {
		t.Helper()
		resp, _ := e.do("PUT", mlRG+ClusterLegacyTLS+extPath+"azureml", extBody(settings, nil))
		if resp.StatusCode != 201 {
			t.Fatalf("PUT %d", resp.StatusCode)
		}
		e.clock.Advance(extensionCreateDuration)
		return e.get(resp.Header.Get("Azure-AsyncOperation"), 200)
	}
	upgrade := map[string]any{"scoringFe.enableUpgrade": "true"}
	cases := []struct {
		name     string
		commands string
		settings map[string]any
		want     string // "" Succeeded, else in the failure
	}{
		{"no annotation, no setting", "", nil, "ErrorCode: E45005 ErrorMessage: Azureml Fe deployment confict"},
		{"setting without the annotation", "", upgrade, "E45005"},
		{"annotation without the setting", "kubectl annotate deployment azureml-fe azureml-fe-enable-upgrade=true", nil, "E45005"},
		{"in place", "kubectl annotate deployment azureml-fe azureml-fe-enable-upgrade=true -n default", upgrade, ""},
		{"cluster role left", "kubectl delete deployment azureml-fe -n default", nil, "ErrorCode: E45004"},
		{"router removed", "kubectl delete deployment azureml-fe -n default; kubectl delete clusterrole azureml-fe-role", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, Options{})
			if c.commands != "" {
				if res := e.runCmd(ClusterLegacyTLS, c.commands, nil); jnum(res, "properties", "exitCode") != 0 {
					t.Fatalf("%s: %v", c.commands, res)
				}
			}
			st := install(e, c.settings)
			switch {
			case c.want == "" && jstr(st, "status") != "Succeeded":
				t.Errorf("status %v, want Succeeded", st)
			case c.want != "" && (jstr(st, "status") != "Failed" || !strings.Contains(jstr(st, "error", "message"), c.want)):
				t.Errorf("status %v, want a failure with %q", st, c.want)
			}
		})
	}
}
