package sim

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"
)

func clusterPathOf(name string) string {
	return "/subscriptions/" + sub1 + "/resourceGroups/" + ClusterMLGroup + "/providers/Microsoft.ContainerService/managedClusters/" + name
}

func zipContext(t *testing.T, files map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for n, s := range files {
		w, _ := zw.Create(n)
		w.Write([]byte(s))
	}
	zw.Close()
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// runCmd posts a run command (with a caller's clusterToken, as az sends on
// Entra clusters) and follows its Location to the result.
func (e *env) runCmd(cluster, command string, files map[string]string) map[string]any {
	e.t.Helper()
	return e.runCmdToken(cluster, command, files, "caller-token")
}

func (e *env) runCmdToken(cluster, command string, files map[string]string, token string) map[string]any {
	e.t.Helper()
	body := map[string]any{"command": command}
	if token != "" {
		body["clusterToken"] = token
	}
	if files != nil {
		body["context"] = zipContext(e.t.(*testing.T), files)
	}
	resp, m := e.do("POST", clusterPathOf(cluster)+"/runCommand?api-version=2025-09-01", body)
	if resp.StatusCode != http.StatusAccepted {
		e.t.Fatalf("runCommand: %d %v", resp.StatusCode, m)
	}
	loc := resp.Header.Get("Location")
	if !strings.Contains(loc, "/commandResults/") {
		e.t.Fatalf("Location %q", loc)
	}
	for i := 0; i < 100; i++ {
		r, m := e.do("GET", loc, nil)
		if r.StatusCode == http.StatusOK {
			return m
		}
		if r.StatusCode != http.StatusAccepted {
			e.t.Fatalf("commandResults: %d %v", r.StatusCode, m)
		}
		e.clock.Advance(time.Second)
	}
	e.t.Fatal("the command never finished")
	return nil
}

func TestRunCommandKubectl(t *testing.T) {
	e := newEnv(t, Options{})
	res := e.runCmd(ClusterExtReady, "kubectl get namespace ml-team -o name", nil)
	if jstr(res, "properties", "provisioningState") != "succeeded" || jnum(res, "properties", "exitCode") != 1 ||
		jstr(res, "properties", "logs") != "Error from server (NotFound): namespaces \"ml-team\" not found\n" {
		t.Fatalf("get of a missing namespace: %v", res)
	}
	manifest := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml-team\n---\n" +
		"apiVersion: amlarc.azureml.com/v1alpha1\nkind: InstanceType\nmetadata:\n  name: cpu-small\nspec:\n  resources:\n" +
		"    requests:\n      cpu: \"500m\"\n      memory: \"1Gi\"\n    limits:\n      cpu: \"1\"\n      memory: \"2Gi\"\n"
	res = e.runCmd(ClusterExtReady, "kubectl apply -f readiness.yaml", map[string]string{"readiness.yaml": manifest})
	if got := jstr(res, "properties", "logs"); got != "namespace/ml-team created\ninstancetype.amlarc.azureml.com/cpu-small created\n" || jnum(res, "properties", "exitCode") != 0 {
		t.Fatalf("apply: %q", got)
	}
	res = e.runCmd(ClusterExtReady, "kubectl apply -f readiness.yaml && kubectl get instancetype -o jsonpath='{.items[*].metadata.name}'",
		map[string]string{"readiness.yaml": manifest})
	if got := jstr(res, "properties", "logs"); got != "namespace/ml-team unchanged\ninstancetype.amlarc.azureml.com/cpu-small unchanged\ncpu-small" {
		t.Fatalf("apply again: %q", got)
	}
	res = e.runCmd(ClusterExtReady, "kubectl create namespace ml-team", nil)
	if got := jstr(res, "properties", "logs"); got != "Error from server (AlreadyExists): namespaces \"ml-team\" already exists\n" {
		t.Fatalf("create again: %q", got)
	}
	res = e.runCmd(ClusterExtReady, "kubectl get nodes -o json", nil)
	if logs := jstr(res, "properties", "logs"); !strings.Contains(logs, `"kubernetes.azure.com/agentpool": "system"`) || !strings.Contains(logs, `"cpu": "3860m"`) {
		t.Fatalf("nodes: %s", logs)
	}
	res = e.runCmd(ClusterExtReady, "kubectl delete instancetype cpu-small; kubectl get instancetype cpu-small -o yaml", nil)
	if got := jstr(res, "properties", "logs"); got != "instancetype.amlarc.azureml.com \"cpu-small\" deleted\nError from server (NotFound): instancetypes.amlarc.azureml.com \"cpu-small\" not found\n" ||
		jnum(res, "properties", "exitCode") != 1 {
		t.Fatalf("delete: %q", got)
	}
	res = e.runCmd(ClusterExtReady, "helm list", nil)
	if jnum(res, "properties", "exitCode") != 127 {
		t.Fatalf("not kubectl: %v", res)
	}
}

func TestRunCommandWithoutTheCRD(t *testing.T) {
	e := newEnv(t, Options{})
	res := e.runCmd(ClusterNoExt, "kubectl get instancetype", nil)
	if got := jstr(res, "properties", "logs"); got != "error: the server doesn't have a resource type \"instancetype\"\n" {
		t.Fatalf("no extension: %q", got)
	}
	res = e.runCmd(ClusterUnhealthy, "kubectl get configmap arcml-healthcheck -n azureml -o jsonpath={.data.reports-pre-install}", nil)
	if got := jstr(res, "properties", "logs"); !strings.Contains(got, "Status: Failed Name: instancetype ErrorCode: E45006 ErrorMessage: Failed to validate or update instancetype") {
		t.Fatalf("healthcheck: %q", got)
	}
}

func TestRunCommandCannotRun(t *testing.T) {
	e := newEnv(t, Options{})
	resp, m := e.do("POST", clusterPathOf(ClusterNoRunCommand)+"/runCommand?api-version=2025-09-01", map[string]any{"command": "kubectl get ns"})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(jstr(m, "error", "message"), "disableRunCommand") {
		t.Fatalf("disabled: %d %v", resp.StatusCode, m)
	}
	cl := e.get(clusterPathOf(ClusterNoRunCommand)+"?api-version=2025-09-01", 200)
	if jget(cl, "properties", "apiServerAccessProfile", "disableRunCommand") != true {
		t.Fatalf("the cluster does not say it: %v", jget(cl, "properties", "apiServerAccessProfile"))
	}
	res := e.runCmd(ClusterFull, "kubectl get ns", nil)
	if jstr(res, "properties", "provisioningState") != "failed" || !strings.Contains(jstr(res, "properties", "reason"), "0/1 nodes are available: 1 Insufficient cpu") {
		t.Fatalf("full cluster: %v", res)
	}
}

func TestRunCommandGPUNodes(t *testing.T) {
	e := newEnv(t, Options{})
	res := e.runCmd(ClusterGPU, "kubectl get nodes -l agentpool=gpu -o name", nil)
	if got := jstr(res, "properties", "logs"); strings.Count(got, "node/") != 1 || !strings.Contains(got, "-gpu-") {
		t.Fatalf("-l agentpool=gpu: %q", got)
	}
	res = e.runCmd(ClusterGPU, "kubectl get nodes -o json", nil)
	logs := jstr(res, "properties", "logs")
	for _, want := range []string{`"nvidia.com/gpu": "1"`, `"kubernetes.azure.com/accelerator": "nvidia"`, `"effect": "NoSchedule"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("GPU node lacks %s", want)
		}
	}
}

func TestParseManifestsYAMLAndJSON(t *testing.T) {
	docs, err := parseManifests([]byte("# c\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: \"a\"\n- kind: Namespace\n  apiVersion: v1\n  metadata: {name: b}\n"))
	if err != "" || len(docs) != 1 {
		t.Fatalf("%v %s", docs, err)
	}
	items := docs[0]["items"].([]any)
	if len(items) != 2 || objName(items[0].(map[string]any)) != "a" {
		t.Fatalf("items: %v", items)
	}
	if _, err := parseManifests([]byte("{not json")); err == "" {
		t.Fatal("bad JSON accepted")
	}
}

func FuzzKubectl(f *testing.F) {
	for _, s := range []string{"kubectl get ns -o yaml", "kubectl apply -f x.yaml", "kubectl get instancetype -o jsonpath='{.items[0].spec}'",
		"kubectl annotate deploy azureml-fe a=b -n default", "a && b; c", "kubectl get 'unterminated"} {
		f.Add(s, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n")
	}
	e := newEnv(f, Options{})
	f.Fuzz(func(t *testing.T, line, file string) {
		e.h.mu.Lock()
		defer e.h.mu.Unlock()
		c := e.h.clusterLocked(sub1, ClusterMLGroup, ClusterExtReady)
		out, code := e.h.kubectlRun(c, line, map[string][]byte{"x.yaml": []byte(file)})
		if code < 0 || len(out) > 1<<22 {
			t.Fatalf("%d %d", code, len(out))
		}
	})
}

func TestRunCommandOnAnEntraClusterNeedsTheCallersToken(t *testing.T) {
	e := newEnv(t, Options{})
	res := e.runCmdToken(ClusterGPU, "kubectl get ns -o name", nil, "")
	if jstr(res, "properties", "logs") != "error: You must be logged in to the server (Unauthorized)\n" || jnum(res, "properties", "exitCode") != 1 {
		t.Fatalf("without clusterToken: %v", res)
	}
	cl := e.get(clusterPathOf(ClusterGPU)+"?api-version=2025-09-01", 200)
	if jget(cl, "properties", "aadProfile", "managed") != true {
		t.Fatalf("aadProfile: %v", jget(cl, "properties", "aadProfile"))
	}
}
