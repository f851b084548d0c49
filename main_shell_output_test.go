package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/amlaks/amlaks/wizard"
)

// complete runs cobra's hidden __complete as a shell does and returns the
// candidates (values, descriptions dropped) and the directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	r := runArgs(t, "", append([]string{"__complete"}, args...)...)
	if r.code != 0 {
		t.Fatalf("__complete %v: %s", args, r)
	}
	lines := strings.Split(strings.TrimRight(r.out, "\n"), "\n")
	dir := lines[len(lines)-1]
	var vals []string
	for _, l := range lines[:len(lines)-1] {
		v, _, _ := strings.Cut(l, "\t")
		vals = append(vals, v)
	}
	return vals, dir
}

func TestCompletionsKnowAzure(t *testing.T) {
	demoEnv(t)
	// the candidates, not the 2.5 s bound (TestCompletionFailsQuietlyAndFast),
	// are tested here: a loaded CI machine may be slower
	t.Setenv("AMLAKS_COMPLETION_TIMEOUT", "30s")
	cases := []struct {
		args       []string
		want, not  []string
		directive  string
		exactCount int
	}{
		{args: []string{"--demo", "create", "--compute-type", "AKS", "-l", "east"}, want: []string{"eastus", "eastus2", "eastasia"}, not: []string{"westeurope"}, directive: ":4"},
		{args: []string{"--demo", "versions", "--region", "westeu"}, want: []string{"westeurope"}, directive: ":4"},
		{args: []string{"--demo", "create", "--compute-type", "AKS", "-l", "eastus", "--vm-size", "Standard_D"}, want: []string{"Standard_D3_v2", "Standard_D2_v2"}, not: []string{"Standard_A1_v2", "Standard_NC6s_v3"}, directive: ":4"},
		// no -l: the sizes of the workspace's region
		{args: []string{"--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "--vm-size", "Standard_D3"}, want: []string{"Standard_D3_v2"}, directive: ":4"},
		{args: []string{"--demo", "status", "-w", "mlw-prod", ""}, want: []string{"aks-inference", "cpu-cluster"}, directive: ":4"},
		{args: []string{"--demo", "detach", "-w", "mlw-prod", ""}, want: []string{"aks-inference"}, not: []string{"cpu-cluster"}, directive: ":4"},
		{args: []string{"--demo", "status", "-w", "mlw-prod", "aks-inference", ""}, exactCount: 0, directive: ":4"},
		{args: []string{"--demo", "list", "-w", ""}, want: []string{"mlw-prod", "mlw-research"}, directive: ":4"},
		{args: []string{"--demo", "list", "-g", ""}, want: []string{"rg-ml-prod", "rg-research"}, directive: ":4"},
		{args: []string{"--demo", "list", "--subscription", "Contoso S"}, want: []string{"Contoso Sandbox (demo)"}, not: []string{"Contoso ML (demo)"}, directive: ":4"},
		{args: []string{"--demo", "list", "--subscription", "00000000-0000-4000-8000-00000000000"}, want: []string{"00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"}, directive: ":4"},
		{args: []string{"--demo", "attach", "--compute-type", "AKS", "--cluster", "aks-pri"}, want: []string{"aks-private", "aks-private-fqdn"}, not: []string{"aks-shared"}, directive: ":4"},
		{args: []string{"--demo", "attach", "--compute-type", "AKS", "--cluster-resource-group", ""}, want: []string{"rg-aks", "rg-gpu"}, directive: ":4"},
		{args: []string{"--demo", "attach", "--compute-type", "AKS", "--purpose", ""}, want: []string{"production", "dev-test"}, directive: ":4"},
		{args: []string{"--demo", "create", "-w", "mlw-prod", "--kubernetes-version", "1.3"}, want: []string{"1.36", "1.37"}, directive: ":4"},
		{args: []string{"--demo", "list", "-o", "t"}, want: []string{"table", "tsv"}, not: []string{"json"}, directive: ":36"},
		{args: []string{"--demo", "create", "--compute-type", "AKS", "--ssl-cert-file", ""}, want: []string{"pem", "crt"}, directive: ":8"},
		{args: []string{"--demo", "create", "--compute-type", "AKS", "--ssl-key-file", ""}, want: []string{"pem", "key"}, directive: ":8"},
		// az's flag names complete too
		{args: []string{"--demo", "create", "--compute-type", "AKS", "--location", "westus"}, want: []string{"westus", "westus2"}, directive: ":4"},
	}
	for _, tc := range cases {
		vals, dir := complete(t, tc.args...)
		if dir != tc.directive {
			t.Errorf("%v: directive %s, want %s", tc.args, dir, tc.directive)
		}
		for _, w := range tc.want {
			if !contains(vals, w) {
				t.Errorf("%v: candidates %v lack %s", tc.args, vals, w)
			}
		}
		for _, n := range tc.not {
			if contains(vals, n) {
				t.Errorf("%v: candidates %v include %s", tc.args, vals, n)
			}
		}
		if tc.want == nil && len(vals) != tc.exactCount {
			t.Errorf("%v: candidates %v, want %d", tc.args, vals, tc.exactCount)
		}
	}
}

// TestEnumFlagsCompleteTheirChoices: every flag that takes one of a few
// values lists them, and no file names, on create, attach and the wizard.
func TestEnumFlagsCompleteTheirChoices(t *testing.T) {
	demoEnv(t)
	for _, cmd := range []string{"amlaks", "create", "attach"} {
		for _, in := range wizard.Inputs(cmd) {
			if len(in.Choices) == 0 {
				continue
			}
			args := []string{cmd, "--" + in.Flag, ""}
			if cmd == "amlaks" {
				args = args[1:]
			}
			vals, dir := complete(t, args...)
			if dir != ":4" {
				t.Errorf("%v: directive %s, want :4", args, dir)
			}
			for _, c := range in.Choices {
				if !contains(vals, c.Value) {
					t.Errorf("%v: candidates %v lack %s", args, vals, c.Value)
				}
			}
		}
	}
}

// TestDetachCompletesKubernetesComputes: detach offers what it detaches,
// the Kubernetes computes as well as the legacy AKS ones.
func TestDetachCompletesKubernetesComputes(t *testing.T) {
	demoEnv(t)
	t.Setenv("AMLAKS_COMPLETION_TIMEOUT", "30s")
	if r := runArgs(t, "", "--demo", "attach", "-w", "mlw-prod", "-n", "k8s-ready", "--cluster", "aks-ml-ready", "--cluster-resource-group", "rg-aks-ml", "--yes"); r.code != 0 {
		t.Fatalf("attach: %s", r)
	}
	vals, dir := complete(t, "detach", "--demo", "-w", "mlw-prod", "")
	if dir != ":4" || !contains(vals, "k8s-ready") || !contains(vals, "aks-inference") || contains(vals, "cpu-cluster") {
		t.Fatalf("detach candidates %v %s, want k8s-ready and aks-inference, not cpu-cluster", vals, dir)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func TestCompletionFailsQuietlyAndFast(t *testing.T) {
	demoEnv(t)
	t.Setenv("AMLAKS_COMPLETION_TIMEOUT", "")
	// every workspace call dropped: no candidates, no file names, no noise
	t.Setenv("AMLAKS_SIM_FAULTS", "drop=workspaces:100")
	start := time.Now()
	vals, dir := complete(t, "--demo", "list", "-w", "")
	if len(vals) != 0 || dir != ":4" {
		t.Fatalf("candidates %v directive %s", vals, dir)
	}
	if d := time.Since(start); d > 6*time.Second {
		t.Fatalf("a failing completion took %s (bound: %s)", d, "2.5 s")
	}
	// a --debug-file given on the line is not touched by a completion
	t.Setenv("AMLAKS_SIM_FAULTS", "")
	trace := filepath.Join(t.TempDir(), "trace.log")
	os.WriteFile(trace, []byte("keep"), 0o600)
	complete(t, "--demo", "--debug-file", trace, "list", "-w", "")
	if b, _ := os.ReadFile(trace); string(b) != "keep" {
		t.Fatalf("completion wrote the debug file: %q", b)
	}
}

func TestBashCompletionWithoutBashCompletionPackage(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	bin := amlaksBinary(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "amlaks.bash")
	out, err := exec.Command(bin, "completion", "bash").Output()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(script, out, 0o644)
	for _, f := range []string{"c.pem", "c.crt", "k.key", "notes.txt"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o600)
	}
	state := filepath.Join(dir, "state.json")
	// no bash-completion: --norc, and its functions are checked absent
	run := func(line string) string {
		t.Helper()
		sh := `declare -F _get_comp_words_by_ref >/dev/null && { echo "bash-completion is loaded"; exit 3; }
source ` + script + `
complete -p amlaks || exit 4
COMP_LINE="` + line + `"; COMP_POINT=${#COMP_LINE}
read -r -a COMP_WORDS <<< "$COMP_LINE"; [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
__start_amlaks amlaks
printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", sh)
		cmd.Dir = dir
		cmd.Env = append(e2eEnv("AMLAKS_DEMO_STATE="+state, "AMLAKS_SIM_SPEED=200", "AMLAKS_COMPLETION_TIMEOUT=30s"), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", line, err, b)
		}
		return string(b)
	}
	o := run("amlaks --demo create -l eastu")
	if !strings.Contains(o, "complete -o default -F __start_amlaks amlaks") || !strings.Contains(o, "eastus\n") || strings.Contains(o, "command not found") {
		t.Fatalf("regions:\n%s", o)
	}
	o = run("amlaks --demo status -w mlw-prod aks-")
	if !strings.Contains(o, "aks-inference") {
		t.Fatalf("computes:\n%s", o)
	}
	o = run("amlaks --demo create --ssl-cert-file ")
	if !strings.Contains(o, "c.pem") || !strings.Contains(o, "c.crt") || strings.Contains(o, "notes.txt") || strings.Contains(o, "k.key") {
		t.Fatalf("certificate files:\n%s", o)
	}
}

func TestOutputFormatsOfListVersionsSizes(t *testing.T) {
	demoEnv(t)
	cmds := map[string][]string{
		"list":     {"--demo", "list", "-w", "mlw-prod"},
		"versions": {"--demo", "versions", "-l", "eastus"},
		"sizes":    {"--demo", "sizes", "-l", "eastus", "--min-vcpus", "64"},
	}
	first := map[string]string{"list": "cpu-cluster", "versions": "1.34.10            No       No         AKSLongTermSupport: LTS only (Premium tier)", "sizes": "Standard_"}
	for name, args := range cmds {
		j := runArgs(t, "", append(args, "-o", "json")...)
		if j.code != 0 {
			t.Fatal(j)
		}
		var arr []map[string]any
		if err := json.Unmarshal([]byte(j.out), &arr); err != nil || len(arr) == 0 {
			t.Fatalf("%s -o json: not a non-empty array: %v\n%s", name, err, j.out)
		}
		y := runArgs(t, "", append(args, "-o", "yaml")...)
		var ya []map[string]any
		if err := yaml.Unmarshal([]byte(y.out), &ya); err != nil || len(ya) != len(arr) {
			t.Fatalf("%s -o yaml: %v (%d items, json has %d)\n%s", name, err, len(ya), len(arr), y.out)
		}
		if ya[0]["name"] != arr[0]["name"] || ya[0]["version"] != arr[0]["version"] {
			t.Errorf("%s: yaml and json disagree: %v vs %v", name, ya[0], arr[0])
		}
		c := runArgs(t, "", append(args, "-o", "jsonc")...)
		if c.code != 0 || c.out != j.out {
			t.Errorf("%s -o jsonc off a terminal should be plain JSON:\n%.300s", name, c.out)
		}
		t.Setenv("CLICOLOR_FORCE", "1")
		c = runArgs(t, "", append(args, "-o", "jsonc")...)
		t.Setenv("CLICOLOR_FORCE", "")
		if !strings.Contains(c.out, "\x1b[34m\"name\"") && !strings.Contains(c.out, "\x1b[34m\"version\"") {
			t.Errorf("%s -o jsonc with CLICOLOR_FORCE=1 has no coloured keys:\n%.300q", name, c.out)
		}
		tb := runArgs(t, "", append(args, "-o", "table")...)
		if tb.code != 0 || !strings.Contains(tb.out, first[name]) || strings.Contains(tb.out, "{") {
			t.Errorf("%s -o table:\n%s", name, tb.out)
		}
		ts := runArgs(t, "", append(args, "-o", "tsv")...)
		lines := strings.Split(strings.TrimRight(ts.out, "\n"), "\n")
		if ts.code != 0 || len(lines) != len(arr) || !strings.Contains(lines[0], "\t") || strings.Contains(ts.out, "NAME") {
			t.Errorf("%s -o tsv: %d lines for %d items:\n%s", name, len(lines), len(arr), ts.out)
		}
		n := runArgs(t, "", append(args, "-o", "none")...)
		if n.code != 0 || n.out != "" {
			t.Errorf("%s -o none printed %q", name, n.out)
		}
	}
}

func TestQueryLikeAz(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "list", "-w", "mlw-prod", "--query", "[?type=='AKS'].name", "-o", "tsv")
	if r.code != 0 || r.out != "aks-inference\naks-scoring\n" {
		t.Fatalf("want one AKS name per line:\n%s", r)
	}
	r = runArgs(t, "", "--demo", "list", "-w", "mlw-prod", "--query", "[].name", "-o", "tsv")
	if r.code != 0 || r.out != "cpu-cluster\naks-inference\naks-scoring\n" {
		t.Fatalf("names:\n%s", r)
	}
	r = runArgs(t, "", "--demo", "versions", "-l", "eastus", "--query", "[?isDefault].version | [0]", "-o", "json")
	if r.code != 0 || strings.TrimSpace(r.out) != `"1.36"` {
		t.Fatalf("default version:\n%s", r)
	}
	r = runArgs(t, "", "--demo", "sizes", "-l", "eastus", "--query", "[?name=='Standard_D3_v2'].{Name:name, CPUs:vCPUs}", "-o", "table")
	if r.code != 0 || !strings.Contains(r.out, "CPUs") || !strings.Contains(r.out, "Standard_D3_v2") || !strings.Contains(r.out, "4") {
		t.Fatalf("query table:\n%s", r)
	}
	// invalid --query: exit 2 with the parser's message, nothing run
	r = runArgs(t, "", "--demo", "list", "-w", "mlw-prod", "--query", "[?type=='AKS'")
	if r.code != 2 || !strings.Contains(r.err, "--query: not a JMESPath expression: SyntaxError") || r.out != "" {
		t.Fatalf("invalid query:\n%s", r)
	}
}

func TestErrorsStayObjectsInStructuredFormats(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "status", "nope", "-w", "mlw-prod", "-o", "yaml")
	var m map[string]map[string]any
	if r.code != 1 || yaml.Unmarshal([]byte(r.out), &m) != nil || m["error"]["message"] == nil {
		t.Fatalf("yaml error:\n%s", r)
	}
	r = runArgs(t, "", "--demo", "status", "nope", "-w", "mlw-prod", "-o", "tsv")
	if r.code != 1 || r.out != "" || !strings.Contains(r.err, "amlaks: ") {
		t.Fatalf("tsv error goes to stderr:\n%s", r)
	}
}

func TestResultsOnStdoutHintsOnStderr(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-hint", "--yes")
	if r.code != 0 || strings.Contains(r.out, "next:") || !strings.Contains(r.err, "next: deploy a model") || !strings.Contains(r.out, "aks-hint") {
		t.Fatal(r)
	}
	r = runArgs(t, "", "--demo", "list", "-w", "mlw-research")
	if r.code != 0 || r.out != "" || !strings.Contains(r.err, "no compute targets in mlw-research") {
		t.Fatal(r)
	}
}

func TestDebugIsASwitch(t *testing.T) {
	demoEnv(t)
	// --debug before the command runs the command, trace on stderr
	r := runArgs(t, "", "--demo", "--debug", "list", "-w", "mlw-prod")
	if r.code != 0 || !strings.Contains(r.out, "aks-inference") || strings.Contains(r.out, "GET https://") {
		t.Fatal(r)
	}
	if !strings.Contains(r.err, "GET https://management.azure.com/subscriptions") || !strings.Contains(r.err, "Authorization: REDACTED") || strings.Contains(r.err, "amlaks-demo") {
		t.Fatalf("trace:\n%.1500s", r.err)
	}
	if _, err := os.Stat("list"); err == nil {
		t.Fatal(`--debug wrote a file called "list"`)
	}
	t.Setenv("AMLAKS_DEBUG", "1")
	r = runArgs(t, "", "--demo", "list", "-w", "mlw-prod", "-o", "json")
	if r.code != 0 || !strings.Contains(r.err, "OUTGOING REQUEST") {
		t.Fatalf("AMLAKS_DEBUG=1:\n%.800s", r.err)
	}
	mustJSONArray(t, r.out)
	t.Setenv("AMLAKS_DEBUG", "")
	r = runArgs(t, "", "--demo", "list", "-w", "mlw-prod")
	if strings.Contains(r.err, "OUTGOING REQUEST") {
		t.Fatalf("trace after the debug session ended:\n%.500s", r.err)
	}
}

func TestDebugFileIsOpenedSafely(t *testing.T) {
	demoEnv(t)
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	link := filepath.Join(dir, "link.log")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	r := runArgs(t, "", "--demo", "--debug-file", link, "list", "-w", "mlw-prod")
	if r.code == 0 || !strings.Contains(r.err, "is a symbolic link") {
		t.Fatalf("symlink: %s", r)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Fatal("the link's target was truncated")
	}
	if fi, _ := os.Stat(victim); fi.Mode().Perm() != 0o644 {
		t.Fatalf("the link's target was chmodded to %v", fi.Mode().Perm())
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err == nil {
		done := make(chan result, 1)
		go func() { done <- runArgs(t, "", "--demo", "--debug-file", fifo, "list", "-w", "mlw-prod") }()
		select {
		case r := <-done:
			if r.code == 0 || !strings.Contains(r.err, "not a regular file (a FIFO)") {
				t.Fatalf("fifo: %s", r)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("--debug-file on a FIFO blocked")
		}
	}
	r = runArgs(t, "", "--demo", "--debug-file", dir, "list", "-w", "mlw-prod")
	if r.code == 0 || !strings.Contains(r.err, "a directory") {
		t.Fatalf("directory: %s", r)
	}
	// a new file is created 0600; an existing own file is truncated and made 0600
	fresh := filepath.Join(dir, "new.log")
	if r := runArgs(t, "", "--demo", "--debug-file", fresh, "list", "-w", "mlw-prod"); r.code != 0 {
		t.Fatal(r)
	}
	own := filepath.Join(dir, "own.log")
	os.WriteFile(own, bytes.Repeat([]byte("old trace line\n"), 1000), 0o644)
	if r := runArgs(t, "", "--demo", "--debug-file", own, "list", "-w", "mlw-prod"); r.code != 0 {
		t.Fatal(r)
	}
	for _, p := range []string{fresh, own} {
		fi, err := os.Stat(p)
		b, _ := os.ReadFile(p)
		if err != nil || fi.Mode().Perm() != 0o600 || !strings.Contains(string(b), "OUTGOING REQUEST") || strings.Contains(string(b), "old trace line") {
			t.Fatalf("%s: %v %v\n%.200s", p, fi.Mode(), err, b)
		}
	}
}

func TestWriteToDevFullExits1(t *testing.T) {
	demoEnv(t)
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer full.Close()
	var errb bytes.Buffer
	code := run([]string{"--demo", "list", "-w", "mlw-prod", "-o", "json"}, strings.NewReader(""), full, &errb)
	if code != 1 || !strings.Contains(errb.String(), "could not write the output to stdout") || !strings.Contains(errb.String(), "no space left on device") {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
}

func TestResourceIDsWhereNamesGo(t *testing.T) {
	demoEnv(t)
	const sub = "00000000-0000-4000-8000-000000000001"
	ws := "/subscriptions/" + sub + "/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod"
	r := runArgs(t, "", "--demo", "list", "-w", ws, "--query", "[].name", "-o", "tsv")
	if r.code != 0 || !strings.Contains(r.out, "aks-inference") {
		t.Fatalf("-w ID: %s", r)
	}
	r = runArgs(t, "", "--demo", "status", ws+"/computes/aks-inference", "--no-wait", "-o", "json")
	if m := mustJSON(t, r.out); r.code != 0 || m["name"] != "aks-inference" {
		t.Fatalf("status ID: %s", r)
	}
	r = runArgs(t, "", "--demo", "attach", "--compute-type", "AKS", "-w", ws, "-n", "att-id", "--cluster",
		"/subscriptions/"+sub+"/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-small", "--purpose", "devtest", "--dry-run", "-o", "json")
	if r.code != 0 || !strings.Contains(strings.ToLower(r.out), strings.ToLower(`"resourceId": "/subscriptions/`+sub+`/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-small"`)) {
		t.Fatalf("--cluster ID: %s", r)
	}
	r = runArgs(t, "", "--demo", "list", "-w", ws, "--subscription", "00000000-0000-4000-8000-000000000002")
	if r.code != 2 || !strings.Contains(r.err, "--workspace: the resource ID says subscription "+sub) {
		t.Fatalf("conflicting subscription: %s", r)
	}
	r = runArgs(t, "", "--demo", "detach", ws, "--yes")
	if r.code != 2 || !strings.Contains(r.err, "is a workspace's ID") {
		t.Fatalf("detach of a workspace ID: %s", r)
	}
}

func TestAzFlagNamesAreHiddenAliases(t *testing.T) {
	demoEnv(t)
	r := runArgs(t, "", "--demo", "create", "--compute-type", "AKS", "--workspace-name", "mlw-prod", "--resource-group", "rg-ml-prod", "--name", "aks-az",
		"--location", "westeurope", "--agent-count", "4", "--size", "Standard_D3_v2", "--cluster-purpose", "production", "--dry-run", "-o", "json")
	if r.code != 0 {
		t.Fatal(r)
	}
	inner := mustJSON(t, r.out)["request"].(map[string]any)["body"].(map[string]any)["properties"].(map[string]any)
	if inner["computeLocation"] != "westeurope" || inner["properties"].(map[string]any)["agentCount"].(float64) != 4 {
		t.Fatalf("aliases not applied: %v", inner)
	}
	h := runArgs(t, "", "create", "--compute-type", "AKS", "--help")
	var hidden []string
	for _, a := range []string{"--location", "--agent-count", "--workspace-name", "--cluster-purpose"} {
		if strings.Contains(h.out, a) {
			hidden = append(hidden, a)
		}
	}
	sort.Strings(hidden)
	if len(hidden) > 0 {
		t.Fatalf("aliases shown in help: %v", hidden)
	}
}

func TestGenDocsWritesManPagesAndCompletions(t *testing.T) {
	dir := t.TempDir()
	r := runArgs(t, "", "gen-docs", dir)
	if r.code != 0 {
		t.Fatal(r)
	}
	for _, f := range []string{"man/amlaks.1", "man/amlaks-create.1", "man/amlaks-attach.1", "completions/amlaks.bash", "completions/_amlaks", "completions/amlaks.fish", "completions/amlaks.ps1"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || len(b) < 100 {
			t.Errorf("%s: %v (%d bytes)", f, err, len(b))
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "man/amlaks-create.1")); !strings.Contains(string(b), "--vm-size") {
		t.Errorf("create man page lacks --vm-size")
	}
	if h := runArgs(t, "", "--help"); strings.Contains(h.out, "gen-docs") {
		t.Error("gen-docs is not hidden")
	}
}
