package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/azure/sim"
)

// migrate over HTTPS against the simulator with the fake az: the legacy
// fixtures aks-inference (aks-shared, live v1 services, no TLS) and
// aks-scoring (aks-ml-v1, created by Azure ML, TLS, no live service).

var (
	sharedID  = clusterIDOf("rg-aks", "aks-shared")
	legacyTLS = clusterIDOf(sim.ClusterMLGroup, sim.ClusterLegacyTLS)
)

// sentMatching returns the requests sent (not refused) so far whose
// "METHOD URI BODY" line contains every part, and forgets none.
func (rp *realPath) sentMatching(parts ...string) []string {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	var out []string
	for _, s := range rp.sent {
		ok := true
		for _, p := range parts {
			if !strings.Contains(s, p) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, s)
		}
	}
	return out
}

func (rp *realPath) extensionSettings(clusterID string) map[string]any {
	rp.t.Helper()
	code, v := rp.simJSON("GET", clusterID+"/providers/Microsoft.KubernetesConfiguration/extensions/azureml?api-version=2022-11-01", "")
	if code != 200 {
		rp.t.Fatalf("GET extension: %d %v", code, v)
	}
	props, _ := v["properties"].(map[string]any)
	s, _ := props["configurationSettings"].(map[string]any)
	return s
}

func (rp *realPath) compute(name string) (int, map[string]any) {
	return rp.simJSON("GET", mlwProdID+"/computes/"+name+"?api-version=2024-04-01", "")
}

// TestMigrateInPlace: aks-inference serves live v1 services, so migrate
// moves it in place: azureml-fe is annotated, the extension body carries
// scoringFe.enableUpgrade=true (the simulator's healthcheck passes only
// then), the cluster is attached as a Kubernetes compute in a namespace
// that is not azureml-mlw-prod, verify answers 200, and the legacy compute
// is still attached. Run again with --detach-legacy, every phase is
// already done and only the detach is sent, with
// underlyingResourceAction=Detach; the cluster is still there.
func TestMigrateInPlace(t *testing.T) {
	rp := newRealPath(t)
	r, _ := rp.run("migrate", sim.ComputeLegacyLive, "-w", "mlw-prod", "--yes")
	if r.code != 0 {
		t.Fatalf("migrate: %s", r)
	}
	for _, want := range []string{"live v1 service: churn-v1", "path: in-place", "[2/6 annotate] azureml-fe annotated azureml-fe-enable-upgrade=true"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.err)
		}
	}
	for _, want := range []string{"migrated aks-inference to Kubernetes compute aks-inference-k8s (in-place)", "answered 200", "the scoring URL is shared"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.out)
		}
	}
	fe, err := rp.sim.KubeObject(sharedID, "deployment", "default", "azureml-fe")
	if err != nil || fe == nil {
		t.Fatalf("azureml-fe: %v %v", fe, err)
	}
	if ann := fe["metadata"].(map[string]any)["annotations"].(map[string]any); ann["azureml-fe-enable-upgrade"] != "true" {
		t.Errorf("azureml-fe annotations: %v", ann)
	}
	if s := rp.extensionSettings(sharedID); s["scoringFe.enableUpgrade"] != "true" || s["inferenceRouterServiceType"] != "LoadBalancer" {
		t.Errorf("extension settings: %v", s)
	}
	if puts := rp.sentMatching("PUT ", "/extensions/azureml?", `"scoringFe.enableUpgrade":"true"`); len(puts) != 1 {
		t.Errorf("extension PUTs with scoringFe.enableUpgrade: %d", len(puts))
	}
	code, cp := rp.compute("aks-inference-k8s")
	props, _ := cp["properties"].(map[string]any)
	inner, _ := props["properties"].(map[string]any)
	if code != 200 || props["computeType"] != "Kubernetes" || inner["namespace"] == "azureml-mlw-prod" || inner["namespace"] != "aks-inference-k8s" {
		t.Errorf("Kubernetes compute: %d %v", code, cp)
	}
	if ns := rp.kube(sharedID, "namespace"); !hasName(ns, "aks-inference-k8s") {
		t.Errorf("namespaces: %v", ns)
	}
	if code, _ := rp.compute(sim.ComputeLegacyLive); code != 200 {
		t.Errorf("the legacy compute is gone after a migrate without --detach-legacy: %d", code)
	}
	if d := rp.sentMatching("DELETE ", "/computes/"); len(d) != 0 {
		t.Errorf("a compute was deleted or detached: %v", d)
	}

	// the review's detach request is the one sent below
	r, _ = rp.run("migrate", sim.ComputeLegacyLive, "-w", "mlw-prod", "--detach-legacy", "--dry-run", "-o", "json")
	var review struct {
		Phases []struct {
			Kind     string `json:"kind"`
			Rollback string `json:"rollback"`
			Request  struct {
				Method, Path string
			} `json:"request"`
		} `json:"phases"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.out), &review) != nil || len(review.Phases) == 0 {
		t.Fatalf("dry run: %s", r)
	}
	shown := ""
	for _, ph := range review.Phases {
		if ph.Rollback == "" {
			t.Errorf("phase %s has no rollback", ph.Kind)
		}
		if ph.Kind == "detach-legacy" {
			shown = ph.Request.Method + " " + ph.Request.Path
		}
	}
	r, _ = rp.run("migrate", sim.ComputeLegacyLive, "-w", "mlw-prod", "--yes", "--detach-legacy")
	if r.code != 0 {
		t.Fatalf("migrate --detach-legacy: %s", r)
	}
	for _, want := range []string{"annotate] done already", "extension] done already", "attach] done already", "answered 200"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("re-run: stderr lacks %q:\n%s", want, r.err)
		}
	}
	if n := len(rp.sentMatching("POST ", "/runCommand?", "kubectl annotate")); n != 1 {
		t.Errorf("annotations sent: %d, want 1", n)
	}
	if n := len(rp.sentMatching("PUT ", "/extensions/azureml?")); n != 1 {
		t.Errorf("extension PUTs: %d, want 1", n)
	}
	if n := len(rp.sentMatching("PUT ", "/computes/aks-inference-k8s?")); n != 1 {
		t.Errorf("compute PUTs: %d, want 1", n)
	}
	d := rp.sentMatching("DELETE ", "/computes/aks-inference?")
	if len(d) != 1 || !strings.Contains(d[0], "underlyingResourceAction=Detach") || strings.TrimSpace(d[0]) != shown {
		t.Errorf("detach requests: %v; the review showed %q", d, shown)
	}
	if code, _ := rp.compute(sim.ComputeLegacyLive); code != 404 {
		t.Errorf("the legacy compute after --detach-legacy: %d", code)
	}
	if code, _ := rp.simJSON("GET", sharedID+"?api-version=2025-09-01", ""); code != 200 {
		t.Errorf("the cluster after the detach: %d", code)
	}
}

// TestMigrateClean: aks-scoring has no live v1 service, so migrate cuts
// over cleanly: azuremlfessl is saved to the named file (0600) before the
// eight router objects are deleted, the extension is installed with the
// v1 certificate and CNAME (no enableUpgrade), the cluster attached and
// verified.
func TestMigrateClean(t *testing.T) {
	rp := newRealPath(t)
	saved := filepath.Join(t.TempDir(), "azuremlfessl.json")
	r, _ := rp.run("migrate", sim.ComputeLegacyTLS, "-w", "mlw-prod", "--yes")
	if r.code != 2 || !strings.Contains(r.err, "--save-secret FILE") || !strings.Contains(r.err, "--keep-certificate") {
		t.Fatalf("without --save-secret and a TLS answer: %s", r)
	}
	if n := len(rp.sentMatching("POST ", "kubectl delete")); n != 0 {
		t.Fatalf("blocked, yet %d deletes were sent", n)
	}
	trace := filepath.Join(t.TempDir(), "trace.txt")
	r, _ = rp.run("migrate", sim.ComputeLegacyTLS, "-w", "mlw-prod", "--save-secret", saved, "--keep-certificate", "--yes", "--debug-file", trace)
	if r.code != 0 {
		t.Fatalf("migrate: %s", r)
	}
	if !strings.Contains(r.err, "path: clean") || !strings.Contains(r.err, "8 v1 router objects deleted") {
		t.Errorf("stderr:\n%s", r.err)
	}
	fi, err := os.Stat(saved)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved secret: %v %v", fi, err)
	}
	b, _ := os.ReadFile(saved)
	var secret struct {
		Metadata struct{ Name string } `json:"metadata"`
		Data     map[string]string     `json:"data"`
	}
	if json.Unmarshal(b, &secret) != nil || secret.Metadata.Name != "azuremlfessl" || secret.Data["cert.pem"] == "" || secret.Data["key.pem"] == "" {
		t.Errorf("saved secret: %.200s", b)
	}
	// the key is in the saved file only: not in the output, not in the trace
	tr, _ := os.ReadFile(trace)
	for _, leak := range []string{secret.Data["key.pem"][:40], "PRIVATE KEY"} {
		if strings.Contains(r.out+r.err, leak) || strings.Contains(string(tr), leak) {
			t.Errorf("the v1 private key leaked (%.12s…)", leak)
		}
	}
	for _, o := range sim.LegacyObjects {
		kind, name, _ := strings.Cut(o, "/")
		ns := "default"
		if strings.HasPrefix(kind, "clusterrole") {
			ns = ""
		}
		if obj, _ := rp.sim.KubeObject(legacyTLS, kind, ns, name); obj != nil {
			t.Errorf("%s is still in the cluster", o)
		}
	}
	s := rp.extensionSettings(legacyTLS)
	if s["sslCname"] != sim.LegacyTLSCname || s["scoringFe.enableUpgrade"] != nil || s["allowInsecureConnections"] != "False" {
		t.Errorf("extension settings: %v", s)
	}
	if code, cp := rp.compute("aks-scoring-k8s"); code != 200 || cp["properties"].(map[string]any)["computeType"] != "Kubernetes" {
		t.Errorf("Kubernetes compute: %d %v", code, cp)
	}
	if !strings.Contains(r.out, "answered 200") || !strings.Contains(r.out, "saved in "+saved) {
		t.Errorf("stdout:\n%s", r.out)
	}
}

// TestMigrateStoppedContinues: stopped in each phase (the test refuses
// that phase's request), migrate exits non-zero saying what to do, and the
// same command run again continues: over all the runs each change —
// annotation, extension, attach, detach — is sent once.
func TestMigrateStoppedContinues(t *testing.T) {
	rp := newRealPath(t)
	stops := []struct {
		phase string
		pick  func(method, uri, body string) bool
	}{
		{"read", func(m, u, b string) bool {
			return m == "POST" && strings.Contains(b, "kubectl get deployments -n azureml-")
		}},
		{"annotate", func(m, u, b string) bool { return m == "POST" && strings.Contains(b, "kubectl annotate") }},
		{"extension", func(m, u, b string) bool { return m == "PUT" && strings.Contains(u, "/extensions/azureml?") }},
		{"attach", func(m, u, b string) bool { return m == "PUT" && strings.Contains(u, "/computes/aks-inference-k8s?") }},
		{"verify", func(m, u, b string) bool { return m == "PUT" && strings.Contains(u, "/onlineEndpoints/") }},
		{"detach-legacy", func(m, u, b string) bool { return m == "DELETE" && strings.Contains(u, "/computes/aks-inference?") }},
	}
	args := []string{"migrate", sim.ComputeLegacyLive, "-w", "mlw-prod", "--yes", "--detach-legacy"}
	for _, st := range stops {
		rp.mu.Lock()
		rp.refuse = st.pick
		rp.mu.Unlock()
		r, _ := rp.run(args...)
		if r.code == 0 || !strings.Contains(r.err, "stopped here by the test") {
			t.Fatalf("stopped in %s: %s", st.phase, r)
		}
		if st.phase != "read" && !strings.Contains(r.err, "phase failed") && !strings.Contains(r.err, "step failed") {
			t.Errorf("stopped in %s: no phase named:\n%s", st.phase, r.err)
		}
	}
	rp.mu.Lock()
	rp.refuse = nil
	rp.mu.Unlock()
	r, _ := rp.run(args...)
	if r.code != 0 || !strings.Contains(r.out, "aks-inference detached") {
		t.Fatalf("last run: %s", r)
	}
	rp.sentOnce(sentCases{
		{"annotation", []string{"POST ", "kubectl annotate"}},
		{"extension install", []string{"PUT ", "/extensions/azureml?"}},
		{"attach", []string{"PUT ", "/computes/aks-inference-k8s?"}},
		{"detach", []string{"DELETE ", "/computes/aks-inference?", "underlyingResourceAction=Detach"}},
	})
}

// TestMigrateCleanStoppedContinues: a clean cut-over stopped after the
// secret was saved, before the router was removed: the re-run finds the
// same secret in the file (kept, not written again), deletes the router
// and goes on.
func TestMigrateCleanStoppedContinues(t *testing.T) {
	rp := newRealPath(t)
	saved := filepath.Join(t.TempDir(), "fessl.json")
	args := []string{"migrate", sim.ComputeLegacyTLS, "-w", "mlw-prod", "--save-secret", saved, "--allow-insecure-connections", "--yes"}
	rp.refuse = func(m, u, b string) bool { return m == "POST" && strings.Contains(b, "kubectl delete") }
	r, _ := rp.run(args...)
	if r.code == 0 || !strings.Contains(r.err, "remove-router phase failed") {
		t.Fatalf("stopped in remove-router: %s", r)
	}
	if _, err := os.Stat(saved); err != nil {
		t.Fatalf("the secret was not saved before the delete: %v", err)
	}
	if obj, _ := rp.sim.KubeObject(legacyTLS, "deployment", "default", "azureml-fe"); obj == nil {
		t.Fatal("azureml-fe is gone though the delete was refused")
	}
	rp.mu.Lock()
	rp.refuse = nil
	rp.mu.Unlock()
	r, _ = rp.run(args...)
	if r.code != 0 || !strings.Contains(r.err, "save-secret] done already") || !strings.Contains(r.err, "8 v1 router objects deleted") {
		t.Fatalf("re-run: %s", r)
	}
	if s := rp.extensionSettings(legacyTLS); s["allowInsecureConnections"] != "True" {
		t.Errorf("extension settings: %v", s)
	}
	// a third run: the router is gone, the secret too; nothing is sent again
	r, _ = rp.run(args...)
	if r.code != 0 || !strings.Contains(r.err, "remove-router] done already") {
		t.Fatalf("third run: %s", r)
	}
	if n := len(rp.sentMatching("POST ", "kubectl delete")); n != 1 {
		t.Errorf("router deletes sent: %d, want 1", n)
	}
}

// TestMigrateUnsupportedVersionBlocks: a legacy compute whose cluster runs
// a Kubernetes version the extension no longer supports is blocked before
// anything changes, the fix naming the az aks upgrade command for it.
func TestMigrateUnsupportedVersionBlocks(t *testing.T) {
	rp := newRealPath(t)
	code, v := rp.simJSON("PUT", mlwProdID+"/computes/aks-old?api-version=2024-04-01",
		`{"location": "eastus", "properties": {"computeType": "AKS", "resourceId": "`+clusterIDOf("rg-aks", "aks-legacy")+`"}}`)
	if code >= 300 {
		t.Fatalf("v1 attach: %d %v", code, v)
	}
	r, _ := rp.run("migrate", "aks-old", "-w", "mlw-prod", "--dry-run")
	if r.code != 2 || !strings.Contains(r.err, "BLOCK: Kubernetes 1.24.10 is not supported") ||
		!strings.Contains(r.err, "az aks upgrade --resource-group rg-aks --name aks-legacy --kubernetes-version <a supported version>") {
		t.Fatalf("migrate of a cluster on 1.24: %s", r)
	}
	if n := len(rp.sentMatching("POST ", "kubectl annotate")) + len(rp.sentMatching("PUT ", "/extensions/")); n != 0 {
		t.Errorf("a dry run sent %d changes", n)
	}
}

// TestMigrateRecordStatusContinues: a migration is an operation record.
// Stopped in each phase (the test refuses that phase's request), the stop
// names `amlaks status aks-inference-k8s`, the record is kept on this
// machine, and `status` continues it — by the new compute's name, or the
// legacy one's — each run starting where the last stopped: over all the
// runs each change (annotation, extension, attach, verify's endpoint,
// detach) is sent once, and the record is gone at the end.
func TestMigrateRecordStatusContinues(t *testing.T) {
	rp := newRealPath(t)
	records := filepath.Join(rp.cache, "state", "amlaks", "records")
	stops := []struct {
		phase string
		pick  func(method, uri, body string) bool
	}{
		{"annotate", func(m, u, b string) bool { return m == "POST" && strings.Contains(b, "kubectl annotate") }},
		{"extension", func(m, u, b string) bool { return m == "PUT" && strings.Contains(u, "/extensions/azureml?") }},
		{"attach", func(m, u, b string) bool { return m == "PUT" && strings.Contains(u, "/computes/aks-inference-k8s?") }},
		{"verify", func(m, u, b string) bool { return m == "PUT" && strings.Contains(u, "/onlineEndpoints/") }},
		{"detach-legacy", func(m, u, b string) bool { return m == "DELETE" && strings.Contains(u, "/computes/aks-inference?") }},
	}
	rp.refuse = stops[0].pick
	r, _ := rp.run("migrate", sim.ComputeLegacyLive, "-w", "mlw-prod", "--yes", "--detach-legacy")
	if r.code == 0 || !strings.Contains(r.err, "annotate phase failed") || !strings.Contains(r.err, "`amlaks status aks-inference-k8s`") {
		t.Fatalf("stopped in annotate: %s", r)
	}
	for i, st := range stops[1:] {
		if ents, _ := os.ReadDir(records); len(ents) != 1 {
			t.Fatalf("before %s: records %v, want the migration's", st.phase, ents)
		}
		rp.mu.Lock()
		rp.refuse = st.pick
		rp.mu.Unlock()
		name := "aks-inference-k8s"
		if i%2 == 1 {
			name = sim.ComputeLegacyLive // the legacy name finds it too
		}
		r, _ := rp.run("status", name, "-w", "mlw-prod")
		if r.code == 0 || !strings.Contains(r.err, "continuing the migration of aks-inference to aks-inference-k8s") ||
			!strings.Contains(r.err, "stopped here by the test") || !strings.Contains(r.err, st.phase+" phase failed") {
			t.Fatalf("status %s stopped in %s: %s", name, st.phase, r)
		}
	}
	rp.mu.Lock()
	rp.refuse = nil
	rp.mu.Unlock()
	r, _ = rp.run("status", "aks-inference-k8s", "-w", "mlw-prod")
	if r.code != 0 || !strings.Contains(r.out, "aks-inference detached") || !strings.Contains(r.err, "verify] done already") {
		t.Fatalf("last status: %s", r)
	}
	rp.sentOnce(sentCases{
		{"annotation", []string{"POST ", "kubectl annotate"}},
		{"extension install", []string{"PUT ", "/extensions/azureml?"}},
		{"attach", []string{"PUT ", "/computes/aks-inference-k8s?"}},
		{"verify endpoint", []string{"PUT ", "/onlineEndpoints/amlaks-verify-", "?api-version", `"authMode"`}},
		{"detach", []string{"DELETE ", "/computes/aks-inference?", "underlyingResourceAction=Detach"}},
	})
	if ents, _ := os.ReadDir(records); len(ents) != 0 {
		t.Errorf("records left after the migration: %v", ents)
	}
}

// TestMigrateAccessible: accessible mode's Mode question offers "Move a
// legacy AKS compute" when the workspace has one, then asks what the move
// needs: which compute, the file for the v1 certificate (an empty answer
// is refused with the rule's words), TLS, the name and namespace; the
// review lists the phases and the move runs to a verified Kubernetes
// compute, the legacy compute kept (no to the detach).
func TestMigrateAccessible(t *testing.T) {
	rp := newRealPath(t)
	saved := filepath.Join(t.TempDir(), "fessl.json")
	var out, errb strings.Builder
	in := "5\n2\n\n" + saved + "\n1\n\n\ny\nn\n"
	code := run([]string{"--accessible", "-w", "mlw-prod"}, strings.NewReader(in), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"5. Move a legacy AKS compute", "Which legacy AKS compute moves to a Kubernetes compute?",
		"name a file to save the v1 certificate secret azuremlfessl", "TLS: aks-scoring served HTTPS for scoring.contoso.com",
		"2. save the v1 certificate secret azuremlfessl to " + saved, "[7/7 verify] the throwaway endpoint answered 200"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	if fi, err := os.Stat(saved); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("saved secret: %v %v", fi, err)
	}
	if s := rp.extensionSettings(legacyTLS); s["sslCname"] != sim.LegacyTLSCname {
		t.Errorf("extension settings: %v", s)
	}
	if code, _ := rp.compute("aks-scoring-k8s"); code != 200 {
		t.Errorf("aks-scoring-k8s: %d", code)
	}
	if code, _ := rp.compute(sim.ComputeLegacyTLS); code != 200 {
		t.Errorf("the legacy compute was detached though the answer was no: %d", code)
	}
}

// TestMigrateListJSON: list -o json marks a legacy compute for a script:
// "legacy": true and "migrate" with the command that moves it; while a
// migration of it is unfinished, the compute it makes, the command that
// continues it and the phases left. Other computes have no "migrate".
func TestMigrateListJSON(t *testing.T) {
	rp := newRealPath(t)
	list := func() map[string]map[string]any {
		r, _ := rp.run("list", "-w", "mlw-prod", "-o", "json")
		var cs []map[string]any
		if r.code != 0 || json.Unmarshal([]byte(r.out), &cs) != nil {
			t.Fatalf("list: %s", r)
		}
		out := map[string]map[string]any{}
		for _, c := range cs {
			out[c["name"].(string)] = c
		}
		return out
	}
	cs := list()
	mig, _ := cs[sim.ComputeLegacyLive]["migrate"].(map[string]any)
	if cs[sim.ComputeLegacyLive]["legacy"] != true || mig["command"] != "amlaks migrate aks-inference -w mlw-prod -g rg-ml-prod" || mig["unfinished"] != false {
		t.Errorf("aks-inference: %v", cs[sim.ComputeLegacyLive])
	}
	for name, c := range cs {
		if _, ok := c["migrate"]; ok != (c["legacy"] == true) {
			t.Errorf("%s: legacy %v, migrate %v", name, c["legacy"], c["migrate"])
		}
	}
	rp.refuse = func(m, u, b string) bool { return m == "PUT" && strings.Contains(u, "/computes/aks-inference-k8s?") }
	if r, _ := rp.run("migrate", sim.ComputeLegacyLive, "-w", "mlw-prod", "--yes"); r.code == 0 {
		t.Fatalf("migrate stopped in attach: %s", r)
	}
	rp.mu.Lock()
	rp.refuse = nil
	rp.mu.Unlock()
	mig, _ = list()[sim.ComputeLegacyLive]["migrate"].(map[string]any)
	left, _ := mig["phasesLeft"].([]any)
	if mig["unfinished"] != true || mig["to"] != "aks-inference-k8s" || mig["continue"] != "amlaks status aks-inference-k8s -w mlw-prod -g rg-ml-prod" ||
		len(left) != 2 || left[0] != "attach" || left[1] != "verify" {
		t.Errorf("after a stop in attach: %v", mig)
	}
}

// sentCases are changes by name, each the parts its request contains.
type sentCases []struct {
	what  string
	parts []string
}

// sentOnce checks that each change was sent exactly once.
func (rp *realPath) sentOnce(cs sentCases) {
	rp.t.Helper()
	for _, c := range cs {
		if n := len(rp.sentMatching(c.parts...)); n != 1 {
			rp.t.Errorf("%s sent %d times, want 1", c.what, n)
		}
	}
}
