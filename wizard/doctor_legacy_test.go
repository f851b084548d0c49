package wizard

import (
	"strings"
	"testing"

	"github.com/amlaks/amlaks/rules"
)

// The v1 router's objects: the legacy compute's own router (Info, with
// migrate), missing on a legacy compute (Warn), left on a Kubernetes
// compute's cluster (Block, with the delete command of what is there),
// or handed to the extension by the upgrade annotation (Info).
func TestLegacyRouterFindings(t *testing.T) {
	two := LegacyState{Objects: []string{"deployment/azureml-fe", "clusterrole/azureml-fe-role"}}
	for _, tc := range []struct {
		st     LegacyState
		legacy bool
		sev    rules.Severity
		want   []string
	}{
		{two, true, rules.Info, []string{"(2 of 8): deployment/azureml-fe, clusterrole/azureml-fe-role", "amlaks migrate aks-v1"}},
		{LegacyState{}, true, rules.Warn, []string{"not in the cluster", "amlaks migrate aks-v1"}},
		{two, false, rules.Block, []string{"left in the cluster (2 of its 8 objects", "kubectl delete clusterrole azureml-fe-role", "kubectl delete deployment azureml-fe -n default"}},
		{LegacyState{Objects: two.Objects, Annotated: true}, false, rules.Info, []string{"handed to the extension"}},
	} {
		fs := legacyRouterFindings(tc.st, "aks-v1", tc.legacy)
		if len(fs) != 1 || fs[0].Severity != tc.sev {
			t.Errorf("%+v legacy=%v: %v, want one %v", tc.st, tc.legacy, fs, tc.sev)
			continue
		}
		text := fs[0].Message + " — " + fs[0].Fix
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%+v legacy=%v: lacks %q: %s", tc.st, tc.legacy, w, text)
			}
		}
		if !tc.legacy && tc.sev == rules.Block && strings.Contains(text, "secret") {
			t.Errorf("the delete names an object that is not there: %s", text)
		}
	}
	if fs := legacyRouterFindings(LegacyState{}, "k8s", false); len(fs) != 0 {
		t.Errorf("a clean Kubernetes cluster: %v", fs)
	}
}
