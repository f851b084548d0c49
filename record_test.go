package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// simOwned counts what the simulator holds of one current-path compute:
// the clusters tagged for it (amlaks-compute=WS/NAME), or named cluster
// when given (an attach's); the Azure ML extensions on those clusters;
// the computes of that name in the workspace.
func simOwned(t *testing.T, state, ws, name, cluster string) (clusters, extensions, computes int) {
	t.Helper()
	b, err := os.ReadFile(state)
	if os.IsNotExist(err) {
		return 0, 0, 0 // nothing was ever saved
	}
	if err != nil {
		t.Fatalf("reading the demo state: %v", err)
	}
	var doc struct {
		Computes []struct {
			Workspace, Name string
		} `json:"computes"`
		Clusters []struct {
			Name string            `json:"name"`
			Tags map[string]string `json:"tags"`
		} `json:"clusters"`
		Extensions []struct {
			Cluster string `json:"cluster"`
		} `json:"extensions"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("demo state: %v", err)
	}
	names := map[string]bool{}
	if cluster != "" {
		names[strings.ToLower(cluster)] = true
	}
	for _, cl := range doc.Clusters {
		if cl.Tags["amlaks-compute"] == ws+"/"+name {
			clusters++
			names[strings.ToLower(cl.Name)] = true
		}
	}
	for _, e := range doc.Extensions {
		if names[strings.ToLower(e.Cluster[strings.LastIndex(e.Cluster, "/")+1:])] {
			extensions++
		}
	}
	for _, c := range doc.Computes {
		if c.Workspace == ws && c.Name == name {
			computes++
		}
	}
	return
}

// records are the operation records left in the demo state's directory.
func records(t *testing.T, state string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(state), "demo-ops", "records", "*.json"))
	return m
}

// checkFinished: exactly one cluster, one extension and one compute, no
// resume token and no record left.
func checkFinished(t *testing.T, state, name, cluster string, wantClusters int) {
	t.Helper()
	cl, ext, cp := simOwned(t, state, "mlw-prod", name, cluster)
	if cl != wantClusters || ext != 1 || cp != 1 {
		t.Errorf("%s: %d clusters made, %d extensions, %d computes; want %d, 1, 1", name, cl, ext, cp, wantClusters)
	}
	if tk := tokens(t, state); len(tk) > 0 {
		t.Errorf("%s: resume tokens left: %v", name, tk)
	}
	if rs := records(t, state); len(rs) > 0 {
		t.Errorf("%s: records left: %v", name, rs)
	}
}

// TestStopInEachPhaseThenStatusFinishes: a create and an attach of a
// Kubernetes compute stopped watching (--timeout) in each of their
// phases exit 3 with the truth (what goes on in Azure, what is left, the
// command that continues); `status NAME --no-continue` follows the running
// phase only; `status NAME` then runs the rest, and the simulator holds
// exactly one cluster, one extension and one compute.
func TestStopInEachPhaseThenStatusFinishes(t *testing.T) {
	create := []string{"create", "--purpose", "dev-test", "--nodes", "1", "--allow-insecure-connections"}
	attach := []string{"attach", "--cluster", "aks-ml-plain", "--cluster-resource-group", "rg-aks-ml", "--install-extension", "--allow-insecure-connections"}
	for _, tc := range []struct {
		name, slow string
		args       []string
		say        string
		clusters   int
		cluster    string
	}{
		{"k8s-stop-cl", "cluster:20", create, "the cluster create goes on in Azure; the extension install and the attach are not done yet: amlaks --demo status k8s-stop-cl -w mlw-prod -g rg-ml-prod continues them", 1, ""},
		{"k8s-stop-ext", "extension:20", create, "the extension install goes on in Azure; the attach is not done yet: amlaks --demo status k8s-stop-ext -w mlw-prod -g rg-ml-prod continues them", 1, ""},
		{"k8s-stop-att", "attach:20", create, "the attach goes on in Azure: amlaks --demo status k8s-stop-att -w mlw-prod -g rg-ml-prod follows it to the end", 1, ""},
		{"k8s-att-ext", "extension:20", attach, "the extension install goes on in Azure; the attach is not done yet", 0, "aks-ml-plain"},
		{"k8s-att-att", "attach:20", attach, "the attach goes on in Azure", 0, "aks-ml-plain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			state := demoEnv(t)
			t.Setenv("AMLAKS_SIM_FAULTS", "slow="+tc.slow)
			args := append(append([]string{"--demo"}, tc.args...), "-w", "mlw-prod", "-n", tc.name, "--yes", "--timeout", "300ms")
			r := runArgs(t, "", args...)
			if r.code != 3 || !strings.Contains(r.err, tc.say) {
				t.Fatalf("stopped watching: want exit 3 and %q\n%s", tc.say, r)
			}
			for _, bad := range []string{"failed", "Unknown", "re-run the same"} {
				if strings.Contains(r.err, bad) {
					t.Errorf("stderr says %q\n%s", bad, r)
				}
			}
			if len(records(t, state)) != 1 {
				t.Fatalf("no record of the stopped %s", tc.name)
			}
			t.Setenv("AMLAKS_SIM_FAULTS", "")
			// --no-continue follows the running phase only
			n := runArgs(t, "", "--demo", "status", tc.name, "-w", "mlw-prod", "--no-continue")
			_, _, cp := simOwned(t, state, "mlw-prod", tc.name, tc.cluster)
			attaching := strings.HasPrefix(tc.slow, "attach")
			if n.code != 0 || attaching != strings.Contains(n.out, "every phase is done") || !attaching && (cp != 0 || !strings.Contains(n.out, "attach left")) {
				t.Fatalf("status --no-continue (%d computes after it):\n%s", cp, n)
			}
			s := runArgs(t, "", "--demo", "status", tc.name, "-w", "mlw-prod")
			if s.code != 0 || !strings.Contains(s.out, "Succeeded") || !strings.Contains(s.err, "continuing the") {
				t.Fatalf("status after the stop:\n%s", s)
			}
			checkFinished(t, state, tc.name, tc.cluster, tc.clusters)
		})
	}
}

// TestRerunWithoutFlagsContinuesOnTheRecordedCluster: a create stopped on
// cluster aks-dev1 is continued by `create -n k8s-dev1 --yes` with no
// other flag (never a second cluster named k8s-dev1); a flag that
// disagrees with the record is a Block naming both values; with the
// record lost, the cluster's amlaks-compute tag still leads to it.
func TestRerunWithoutFlagsContinuesOnTheRecordedCluster(t *testing.T) {
	for _, lost := range []bool{false, true} {
		state := demoEnv(t)
		t.Setenv("AMLAKS_SIM_FAULTS", "slow=extension:20")
		r := runArgs(t, "", "--demo", "create", "-w", "mlw-prod", "-n", "k8s-dev1", "--cluster", "aks-dev1", "--purpose", "dev-test", "--nodes", "1",
			"--allow-insecure-connections", "--yes", "--timeout", "300ms")
		if r.code != 3 {
			t.Fatalf("first run:\n%s", r)
		}
		t.Setenv("AMLAKS_SIM_FAULTS", "")
		rerun := []string{"--demo", "create", "-w", "mlw-prod", "-n", "k8s-dev1", "--yes"}
		if lost {
			for _, f := range records(t, state) {
				os.Remove(f)
			}
			rerun = append(rerun, "--allow-insecure-connections")
		} else {
			b := runArgs(t, "", append(rerun, "--nodes", "2")...)
			if b.code != 2 || !strings.Contains(b.err, `nodes: "2" now, "1" in the create of k8s-dev1`) {
				t.Fatalf("a disagreeing flag:\n%s", b)
			}
		}
		s := runArgs(t, "", rerun...)
		if s.code != 0 || !strings.Contains(s.err, "aks-dev1") {
			t.Fatalf("re-run (record lost: %v):\n%s", lost, s)
		}
		checkFinished(t, state, "k8s-dev1", "", 1)
		if cl, _, _ := simOwned(t, state, "mlw-prod", "k8s-dev1", ""); cl != 1 || strings.Contains(s.err, "cluster k8s-dev1 ") {
			t.Fatalf("a second cluster:\n%s", s)
		}
	}
}

// TestFaultMatrixCurrentPath: the legacy path's fault matrix on each
// phase of a Kubernetes create (cluster, extension, attach): throttling
// storms, 503s, a connection dropped after an accepted PUT (settled by
// reading what Azure has), sign-in failing while polling (retried), an
// operation that fails (exit 1, then `status NAME` retries the phase: a
// failed compute is replaced, never a Conflict), one that never ends
// (--timeout: exit 3). Whatever happens, the end is one cluster, one
// extension, one compute.
func TestFaultMatrixCurrentPath(t *testing.T) {
	phases := []struct{ phase, route, kind string }{
		{"cluster", "cluster", "cluster"}, {"extension", "extension", "extension"}, {"attach", "compute", "attach"}}
	faults := []struct {
		name, faults string
		code         int
		want         string
	}{
		{"throttled", "throttle=%r:3,retry-after=0", 0, ""},
		{"unavailable", "unavailable=%r:3", 0, ""},
		{"drop", "drop-after-put=%r:1", 0, "the answer to the request was lost"},
		{"signin", "unauthorized=operations:3", 0, ""},
		{"fail", "fail=%k", 1, "retries the"},
		{"never", "slow=%k:1000", 3, "goes on in Azure"},
		{"signin-long", "unauthorized=operations:100000", 3, "goes on in Azure"},
	}
	for _, ph := range phases {
		for _, f := range faults {
			if strings.HasPrefix(f.name, "signin") && ph.phase != "cluster" {
				continue // one route polls them all
			}
			t.Run(ph.phase+"/"+f.name, func(t *testing.T) {
				state := demoEnv(t)
				name := "k8s-f-" + ph.phase[:3] + "-" + f.name
				t.Setenv("AMLAKS_SIM_FAULTS", strings.NewReplacer("%r", ph.route, "%k", ph.kind).Replace(f.faults))
				args := []string{"--demo", "create", "-w", "mlw-prod", "-n", name, "--purpose", "dev-test", "--nodes", "1",
					"--allow-insecure-connections", "--yes", "--timeout", map[bool]string{true: "400ms", false: "5s"}[f.code == 3]}
				r := runArgs(t, "", args...)
				if r.code != f.code || !strings.Contains(r.err, f.want) {
					t.Fatalf("want exit %d and %q\n%s", f.code, f.want, r)
				}
				for _, bad := range []string{"Conflict", "Unknown", "OperationNotAllowed"} {
					if strings.Contains(r.err, bad) {
						t.Errorf("stderr says %q\n%s", bad, r)
					}
				}
				if f.code == 3 {
					if len(tokens(t, state)) == 0 && ph.phase != "attach" {
						t.Errorf("the token of the running %s phase is gone", ph.phase)
					}
					return
				}
				if f.code != 0 {
					t.Setenv("AMLAKS_SIM_FAULTS", "")
					s := runArgs(t, "", "--demo", "status", name, "-w", "mlw-prod")
					if s.code != 0 || strings.Contains(s.err, "Conflict") {
						t.Fatalf("status after the failure:\n%s", s)
					}
				}
				checkFinished(t, state, name, "", 1)
			})
		}
	}
}

// TestStatusSaysTheChosenNamespace: a create with --namespace ml-team is
// reported in ml-team by `status NAME` (text and -o json), also when it
// stopped before its attach and its record was lost: the cluster's
// amlaks-namespace tag carries the answer, so status shows it and the
// re-run attaches there (never "default"); a --namespace that disagrees
// with the tag is a Block naming both.
func TestStatusSaysTheChosenNamespace(t *testing.T) {
	state := demoEnv(t)
	create := []string{"--demo", "create", "-w", "mlw-prod", "--purpose", "dev-test", "--nodes", "1", "--allow-insecure-connections", "--namespace", "ml-team", "--yes"}
	inNamespace := func(name string) {
		t.Helper()
		s := runArgs(t, "", "--demo", "status", name, "-w", "mlw-prod")
		if s.code != 0 || !strings.Contains(s.out, "ml-team") || strings.Contains(s.out, "default") {
			t.Fatalf("status %s (text) does not say ml-team:\n%s", name, s)
		}
		j := runArgs(t, "", "--demo", "status", name, "-w", "mlw-prod", "-o", "json")
		if m := mustJSON(t, j.out); j.code != 0 || m["namespace"] != "ml-team" {
			t.Fatalf("status %s -o json: namespace %v\n%s", name, m["namespace"], j)
		}
	}
	if r := runArgs(t, "", append(create, "-n", "k8s-ns1")...); r.code != 0 {
		t.Fatalf("create:\n%s", r)
	}
	inNamespace("k8s-ns1")

	t.Setenv("AMLAKS_SIM_FAULTS", "slow=extension:20")
	if r := runArgs(t, "", append(create, "-n", "k8s-ns2", "--timeout", "300ms")...); r.code != 3 {
		t.Fatalf("stopped create:\n%s", r)
	}
	t.Setenv("AMLAKS_SIM_FAULTS", "")
	for _, f := range records(t, state) {
		os.Remove(f)
	}
	s := runArgs(t, "", "--demo", "status", "k8s-ns2", "-w", "mlw-prod")
	if !strings.Contains(s.out, "namespace ml-team") || strings.Contains(s.out, "namespace default") {
		t.Fatalf("status of the unfinished create (record lost):\n%s", s)
	}
	rerun := []string{"--demo", "create", "-w", "mlw-prod", "-n", "k8s-ns2", "--yes", "--allow-insecure-connections"}
	if b := runArgs(t, "", append(rerun, "--namespace", "other")...); b.code != 2 || !strings.Contains(b.err, `namespace: "other" now`) || !strings.Contains(b.err, `"ml-team"`) {
		t.Fatalf("a disagreeing --namespace:\n%s", b)
	}
	if r := runArgs(t, "", rerun...); r.code != 0 {
		t.Fatalf("re-run:\n%s", r)
	}
	inNamespace("k8s-ns2")
}

// TestListShowsUnfinishedCreates: a create stopped before its attach is
// not in Azure's list; line-mode `list` shows it as an Unfinished row with
// what is next and the command that continues it; -o json and -o tsv keep
// stdout to Azure's computes (the README's shape) and say it on stderr;
// once `status NAME` finished it, it is an ordinary row.
func TestListShowsUnfinishedCreates(t *testing.T) {
	demoEnv(t)
	t.Setenv("AMLAKS_SIM_FAULTS", "slow=extension:20")
	if r := runArgs(t, "", "--demo", "create", "-w", "mlw-prod", "-n", "k8s-unl", "--purpose", "dev-test", "--nodes", "1",
		"--allow-insecure-connections", "--yes", "--timeout", "300ms"); r.code != 3 {
		t.Fatalf("stopped create:\n%s", r)
	}
	t.Setenv("AMLAKS_SIM_FAULTS", "")
	say := "k8s-unl: unfinished create: extension phase next — amlaks --demo status k8s-unl -w mlw-prod -g rg-ml-prod continues it"
	l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod")
	if l.code != 0 || !strings.Contains(l.out, say) {
		t.Fatalf("list (text):\n%s", l)
	}
	var row string
	for _, line := range strings.Split(l.out, "\n") {
		if strings.HasPrefix(line, "k8s-unl ") {
			row = line
		}
	}
	if f := strings.Fields(row); len(f) < 4 || f[1] != "Kubernetes" || f[2] != "Unfinished" || f[3] != "dev-test" {
		t.Fatalf("no Unfinished row for k8s-unl:\n%s", l)
	}
	for _, o := range []string{"json", "tsv"} {
		j := runArgs(t, "", "--demo", "list", "-w", "mlw-prod", "-o", o)
		if j.code != 0 || strings.Contains(j.out, "k8s-unl") || !strings.Contains(j.err, "k8s-unl is not in Azure's list yet: unfinished create") {
			t.Fatalf("list -o %s:\n%s", o, j)
		}
		if o == "json" {
			mustJSONArray(t, j.out)
		}
	}
	if s := runArgs(t, "", "--demo", "status", "k8s-unl", "-w", "mlw-prod"); s.code != 0 {
		t.Fatalf("status:\n%s", s)
	}
	l = runArgs(t, "", "--demo", "list", "-w", "mlw-prod")
	if strings.Contains(l.out, "Unfinished") || strings.Contains(l.out, "unfinished") || !strings.Contains(l.out, "k8s-unl ") {
		t.Fatalf("list after the continue:\n%s", l)
	}
}

// TestStatusNoContinueJSON: `status NAME --no-continue -o json` of an
// unfinished create is JSON a script can read (what is left, and the
// command that continues it), not the text line.
func TestStatusNoContinueJSON(t *testing.T) {
	demoEnv(t)
	t.Setenv("AMLAKS_SIM_FAULTS", "slow=cluster:20")
	r := runArgs(t, "", "--demo", "create", "-w", "mlw-prod", "-n", "k8s-json1", "--purpose", "dev-test", "--nodes", "1",
		"--allow-insecure-connections", "--yes", "--timeout", "300ms")
	if r.code != 3 {
		t.Fatalf("first run:\n%s", r)
	}
	t.Setenv("AMLAKS_SIM_FAULTS", "")
	s := runArgs(t, "", "--demo", "status", "k8s-json1", "-w", "mlw-prod", "--no-continue", "-o", "json")
	var v struct {
		Name       string   `json:"name"`
		State      string   `json:"state"`
		PhasesLeft []string `json:"phasesLeft"`
		Continue   string   `json:"continue"`
	}
	if s.code != 0 || json.Unmarshal([]byte(s.out), &v) != nil {
		t.Fatalf("status --no-continue -o json is not JSON:\n%s", s)
	}
	if v.Name != "k8s-json1" || v.State != "Unfinished" || len(v.PhasesLeft) != 2 || v.PhasesLeft[0] != "extension" || !strings.Contains(v.Continue, "status k8s-json1") {
		t.Fatalf("status --no-continue -o json: %+v\n%s", v, s)
	}
}

// TestLegacyRerunFollowsTheRunningCreate: the legacy path's record is its
// saved operation: a re-run of `create --compute-type AKS -n NAME --yes`
// while the create it stopped watching still runs in Azure follows it to
// the end (never "name already used"); once it is done, the name is taken.
func TestLegacyRerunFollowsTheRunningCreate(t *testing.T) {
	demoEnv(t)
	t.Setenv("AMLAKS_SIM_FAULTS", "slow=create:20")
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-again", "--purpose", "dev-test", "--nodes", "1",
		"--vm-size", "Standard_D4s_v3", "--yes", "--timeout", "300ms")
	if r.code != 3 {
		t.Fatalf("first run:\n%s", r)
	}
	t.Setenv("AMLAKS_SIM_FAULTS", "")
	s := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-again", "--yes", "--timeout", "300ms")
	if s.code != 3 || !strings.Contains(s.err, "continuing: the create of aks-again") || strings.Contains(s.err, "already used") {
		t.Fatalf("re-run while it runs:\n%s", s)
	}
}
