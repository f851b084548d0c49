package main

// The README is tested: every command it shows a user in a fenced sh block
// runs here in demo mode and does what the README says next to it (exit
// code, output shape), and every JSON shape of "JSON shapes" is compared
// with what the command prints. The commands and the shapes are read from
// README.md itself, so a command or a shape added to the README without a
// row here fails TestReadmeCommands / TestReadmeJSONShapes, and a row whose
// command left the README fails too.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/azure/sim"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// readmeBlock is one fenced block of README.md.
type readmeBlock struct {
	section string // the "## " heading it is under
	lang    string
	line    int // 1-based line of its first content line
	lines   []string
}

func readmeBlocks(t *testing.T, readme string) []readmeBlock {
	t.Helper()
	var out []readmeBlock
	var cur *readmeBlock
	section := ""
	for i, l := range strings.Split(readme, "\n") {
		switch {
		case cur == nil && strings.HasPrefix(l, "## "):
			section = strings.TrimPrefix(l, "## ")
		case cur == nil && strings.HasPrefix(l, "```"):
			cur = &readmeBlock{section: section, lang: strings.TrimPrefix(l, "```"), line: i + 2}
		case cur != nil && strings.HasPrefix(l, "```"):
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, l)
		}
	}
	if cur != nil {
		t.Fatalf("README.md: the block at line %d is not closed", cur.line)
	}
	return out
}

// shellCommand is one simple command of a README line: its words (quotes
// removed) and its text as the README shows it.
type shellCommand struct {
	words []string
	text  string
}

// shellLine splits one logical line of a sh block (continuations joined)
// into its simple commands, as sh would: quotes, backslash escapes in
// double quotes, a comment from an unquoted #, the operators && || | ; and
// redirections (their target is not a command word), and process
// substitution <( … ).
func shellLine(line string) ([]shellCommand, error) {
	var cmds []shellCommand
	var cur shellCommand
	var word strings.Builder
	inWord, redirect := false, false
	endWord := func() {
		if inWord && !redirect {
			cur.words = append(cur.words, word.String())
		}
		if inWord {
			redirect = false
		}
		word.Reset()
		inWord = false
	}
	// the command's text runs from its first character to its end or its
	// first redirection
	textStart, textEnd := -1, -1
	endCmd := func(end int) {
		endWord()
		if textEnd < 0 {
			textEnd = end
		}
		if len(cur.words) > 0 {
			cur.text = strings.Join(strings.Fields(line[textStart:textEnd]), " ")
			cmds = append(cmds, cur)
		}
		cur = shellCommand{}
		textStart, textEnd = -1, -1
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		if textStart < 0 && c != ' ' && c != '\t' && c != '\n' && !strings.ContainsRune("&|;<>()", rune(c)) {
			textStart = i
		}
		switch {
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unclosed ' in %q", line)
			}
			word.WriteString(line[i+1 : i+1+j])
			inWord = true
			i += j + 1
		case c == '"':
			inWord = true
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("\"\\`$", line[i+1]) >= 0 {
					i++
				}
				word.WriteByte(line[i])
			}
			if i >= len(line) {
				return nil, fmt.Errorf("unclosed \" in %q", line)
			}
		case c == '#' && !inWord:
			endCmd(i)
			return cmds, nil
		case c == ' ' || c == '\t' || c == '\n':
			endWord()
		case c == '&' || c == '|' || c == ';' || c == ')':
			endCmd(i)
			if i+1 < len(line) && (line[i+1] == '&' || line[i+1] == '|') {
				i++
			}
		case c == '<' && i+1 < len(line) && line[i+1] == '(':
			endCmd(i)
			i++
		case c == '>' || c == '<':
			endWord()
			if textEnd < 0 {
				textEnd = i
			}
			if i+1 < len(line) && line[i+1] == '>' {
				i++
			}
			redirect = true
		case c == '\\' && i+1 < len(line):
			i++
			word.WriteByte(line[i])
			inWord = true
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	endCmd(len(line))
	return cmds, nil
}

// readmeLine is one logical line of a sh block with its commands.
type readmeLine struct {
	where string // "README.md:LINE"
	text  string
	cmds  []shellCommand
}

// readmeShellLines are the logical lines of every sh block.
func readmeShellLines(t *testing.T, blocks []readmeBlock) []readmeLine {
	t.Helper()
	var out []readmeLine
	for _, b := range blocks {
		if b.lang != "sh" {
			continue
		}
		for i := 0; i < len(b.lines); i++ {
			n := b.line + i
			l := b.lines[i]
			for strings.HasSuffix(l, "\\") && i+1 < len(b.lines) {
				i++
				l = strings.TrimSuffix(l, "\\") + " " + strings.TrimSpace(b.lines[i])
			}
			cmds, err := shellLine(l)
			if err != nil {
				t.Fatalf("README.md:%d: %v", n, err)
			}
			if len(cmds) > 0 {
				out = append(out, readmeLine{where: fmt.Sprintf("README.md:%d", n), text: l, cmds: cmds})
			}
		}
	}
	return out
}

// readmeInline are the commands the README's text shows in code spans
// outside its blocks: those that start with amlaks (or an environment
// variable, then amlaks) and name no placeholder (NAME, alternatives a|b).
func readmeInline(t *testing.T, readme string) []readmeLine {
	t.Helper()
	var out []readmeLine
	fenced := false
	for i, l := range strings.Split(readme, "\n") {
		if strings.HasPrefix(l, "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		for _, m := range regexp.MustCompile("`([^`]*)`").FindAllStringSubmatch(l, -1) {
			if !regexp.MustCompile(`^(?:[A-Z_]+='[^']*' )?amlaks(?: |$)`).MatchString(m[1]) {
				continue
			}
			if _, after, _ := strings.Cut(m[1], "amlaks"); strings.Contains(after, "|") || regexp.MustCompile(`\b[A-Z]{3,}\b`).MatchString(after) {
				continue // a placeholder: the blocks run it with a value
			}
			cmds, err := shellLine(m[1])
			if err != nil {
				t.Fatalf("README.md:%d: %v", i+1, err)
			}
			out = append(out, readmeLine{where: fmt.Sprintf("README.md:%d", i+1), text: m[1], cmds: cmds})
		}
	}
	return out
}

// notAmlaks are the other commands the README shows, each with why the
// test does not run it here.
var notAmlaks = map[string]string{
	"git clone https://github.com/amlaks/amlaks": "Install: needs the network",
	"cd amlaks":           "Install: into the clone",
	"go install .":        "Install: go install from the clone (the build every test here runs)",
	"go run . --demo":     "Set up: the wizard on the simulated Azure, as `amlaks --demo` (run below in tmux)",
	"go test -race ./...": "Set up: the test command .ci/run runs (TestReadmeSetUp checks that)",
	"go test -run '^$' -bench 'CreateReadyVerifiedHTTPS' -benchtime=3x .": "Performance: the benchmark (no timed tests); TestReadmeBenchmarksExist checks it is there",
	"source":            "the shell's, around `amlaks completion bash`",
	"Out-String":        "PowerShell's, after `amlaks completion powershell`",
	"Invoke-Expression": "PowerShell's, after `amlaks completion powershell`",
}

// readmeWant is what the README says next to a command.
type readmeWant struct {
	setup   []string // README commands run first on the same demo state
	code    int
	json    string            // "object" or "array": stdout is that
	keys    []string          // keys of the JSON object (or of each array element)
	out     []string          // in stdout
	notOut  []string          // not in stdout
	err     []string          // in stderr
	lines   int               // stdout has this many lines (0: any)
	tsv     int               // every stdout line has this many tab-separated columns
	wizard  []string          // a wizard: run in tmux, these texts on its first screens
	pending string            // another piece of work makes it true: skipped (AMLAKS_README_PENDING=1 runs it), named
	env     map[string]string // the environment of the run (e.g. a slower simulator)
	check   func(t *testing.T, r result)
}

const readmeK8sCreate = "amlaks create -w mlw-prod -n k8s-prod --allow-insecure-connections --yes"

// readmeWants is every command the README shows, by its text there.
var readmeWants = map[string]readmeWant{
	// Install, shell completion
	"amlaks version": {out: []string{"amlaks ", "commit"}},
	"amlaks lst":     {code: 2, err: []string{"Did you mean this?", "\tlist"}},
	"amlaks --demo reset": {setup: []string{readmeK8sCreate}, check: func(t *testing.T, r result) {
		if l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod"); strings.Contains(l.out, "k8s-prod") || !strings.Contains(l.out, "aks-inference") {
			t.Errorf("reset did not restore the fixtures:\n%s", l.out)
		}
	}},
	"AMLAKS_SIM_FAULTS='fail=extension' amlaks --demo": {wizard: []string{"SIMULATED", "1/", "Workspace"}},
	"AMLAKS_SIM_FAULTS='throttle=computes:2,retry-after=2,fail=cluster' amlaks --demo create -w mlw-prod -n k8s-prod --allow-insecure-connections --yes": {
		code: 1, err: []string{"throttled by Azure: retrying in 2 s\nthrottled by Azure: retrying in 2 s\n", "[1/4 cluster] Failed", "OutboundConnFailVMExtensionError"},
		notOut: []string{"k8s-prod"}},
	"amlaks completion bash":                    {out: []string{"bash completion"}},
	`amlaks completion zsh`:                     {out: []string{"#compdef amlaks"}},
	"amlaks completion fish":                    {out: []string{"complete -c amlaks"}},
	"amlaks completion powershell":              {out: []string{"Register-ArgumentCompleter"}},
	"amlaks":                                    {wizard: []string{"SIMULATED", "1/", "Workspace", "mlw-prod"}},
	"amlaks --demo":                             {wizard: []string{"SIMULATED", "1/", "Workspace", "mlw-prod"}},
	"amlaks create -w mlw-prod":                 {wizard: []string{"SIMULATED", "mlw-prod · create", "Compute type"}},
	"amlaks verify k8s-prod -w mlw-prod":        {setup: []string{readmeK8sCreate}, out: []string{"OK k8s-prod answered 200", "/score", "endpoint amlaks-verify-", " deleted"}, lines: 2},
	"amlaks verify k8s-prod -w mlw-prod --keep": {setup: []string{readmeK8sCreate}, out: []string{"OK k8s-prod answered 200", "kept endpoint amlaks-verify-", "get-credentials", "curl -X POST"}, notOut: []string{"primaryKey\":"}},
	"amlaks migrate aks-inference -w mlw-prod --dry-run": {out: []string{"# phase 2/6: let the extension take the v1 router over", `"scoringFe.enableUpgrade": "true"`,
		"kubectl annotate deployment azureml-fe azureml-fe-enable-upgrade=true", "# rollback: "}, err: []string{"path: in-place", "live v1 service: churn-v1"}},
	"amlaks migrate aks-inference -w mlw-prod --yes": {out: []string{"migrated aks-inference to Kubernetes compute aks-inference-k8s (in-place)", "answered 200",
		"the scoring URL is shared", "aks-inference stays attached"},
		check: func(t *testing.T, r result) {
			if l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod"); !strings.Contains(l.out, "aks-inference ") || !strings.Contains(l.out, "aks-inference-k8s") {
				t.Errorf("after migrate, list:\n%s", l.out)
			}
		}},
	"amlaks migrate aks-scoring -w mlw-prod --save-secret ./azuremlfessl.json --keep-certificate --yes --detach-legacy": {
		out: []string{"migrated aks-scoring to Kubernetes compute aks-scoring-k8s (clean)", "answered 200", "saved in ./azuremlfessl.json (mode 0600)",
			"aks-scoring detached (the cluster stays)"}, err: []string{"8 v1 router objects deleted"},
		check: func(t *testing.T, r result) {
			if fi, err := os.Stat("azuremlfessl.json"); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("the saved secret: %v %v", fi, err)
			}
		}},
	"amlaks doctor k8s-prod -w mlw-prod -o json": {setup: []string{readmeK8sCreate}, json: "object", keys: []string{"compute", "type", "cluster", "healthy", "findings"},
		check: func(t *testing.T, r result) {
			if m := mustJSON(t, r.out); m["healthy"] != true {
				t.Errorf("doctor of a fresh compute is not healthy: %s", r.out)
			}
		}},
	// Scripting: --query
	`amlaks list -w mlw-prod --query "[?type=='Kubernetes'].name" -o tsv`:                                       {setup: []string{readmeK8sCreate}, out: []string{"k8s-prod\n"}, lines: 1, tsv: 1},
	`amlaks versions -l eastus --query "[?isDefault].version | [0]" -o tsv`:                                     {out: []string{"1.36\n"}, lines: 1, tsv: 1},
	"amlaks sizes -l eastus --query \"[?vCPUs>=\\`8\\`].{Name:name, CPUs:vCPUs, Price:pricePerHour}\" -o table": {out: []string{"Name", "CPUs", "Price", "Standard_D8s_v3"}, notOut: []string{"Standard_D4s_v3 "}},
	// Scripting: create and attach, current path
	readmeK8sCreate: {out: []string{"k8s-prod  Kubernetes  Succeeded  production  3      Standard_D3_v2"},
		err: []string{"[1/4 cluster] Succeeded", "[2/4 extension] Succeeded", "[3/4 attach] Succeeded", "[4/4 ready] instance types cpu-small, cpu-mlflow"}},
	"amlaks create -w mlw-prod -n k8s-dev --purpose dev-test --vm-size Standard_D4s_v3 --nodes 1 --allow-insecure-connections --yes": {
		out: []string{"k8s-dev  Kubernetes  Succeeded  dev-test  1      Standard_D4s_v3"}},
	"amlaks create -w mlw-prod -n k8s-team --namespace ml-team --ssl-cert-file cert.pem --ssl-key-file key.pem --ssl-cname ml.contoso.com --yes": {
		out: []string{"k8s-team  Kubernetes  Succeeded"}, err: []string{"namespace ml-team"}, check: func(t *testing.T, r result) {
			if strings.Contains(r.err, "plain HTTP") {
				t.Errorf("a create with a certificate warns of plain HTTP:\n%s", r.err)
			}
		}},
	"amlaks create -w mlw-prod -n k8s-prod --allow-insecure-connections --dry-run": {
		out:   []string{"# phase 1/4: create AKS cluster k8s-prod", "# phase 2/4: ", "# phase 3/4: ", "# phase 4/4: ", "PUT /subscriptions/", "az aks create", "az k8s-extension create", "az ml compute attach", "# cost: ≈ $"},
		check: func(t *testing.T, r result) { readmeNothingSent(t, "k8s-prod") }},
	"amlaks attach -w mlw-prod -n k8s-ready --cluster aks-ml-ready --cluster-resource-group rg-aks-ml --yes": {
		out: []string{"k8s-ready  Kubernetes  Succeeded"}, err: []string{"[extension] done already"}, notOut: []string{"extension] Creating"}},
	"amlaks attach -w mlw-prod -n k8s-plain --cluster aks-ml-plain --cluster-resource-group rg-aks-ml --install-extension --allow-insecure-connections --yes": {
		out: []string{"k8s-plain  Kubernetes  Succeeded"}, err: []string{"[1/3 extension] Succeeded", "[2/3 attach] Succeeded"}},
	"amlaks attach -w mlw-prod -n k8s-byid --cluster-id /subscriptions/…/resourceGroups/rg-aks-ml/providers/Microsoft.ContainerService/managedClusters/aks-ml-ready --yes": {
		out: []string{"k8s-byid  Kubernetes  Succeeded", "cluster: /subscriptions/" + sim.DefaultSubscriptionID + "/resourceGroups/rg-aks-ml/providers/Microsoft.ContainerService/managedClusters/aks-ml-ready"}},
	// Scripting: the legacy AKS compute
	"amlaks create --compute-type AKS -w mlw-prod -n aks-prod-a --yes": {out: []string{"aks-prod-a  AKS   Succeeded  production  3      Standard_D3_v2"}},
	"amlaks create --compute-type AKS -w mlw-prod -n aks-vnet --vnet-resource-group rg-net --vnet vnet-ml --subnet aks --service-cidr 10.0.0.0/16 --dns-service-ip 10.0.0.10 --docker-bridge-cidr 172.17.0.1/16 --load-balancer internal --load-balancer-subnet aks --ssl-cert-file cert.pem --ssl-key-file key.pem --ssl-cname ml.contoso.com --yes": {
		out: []string{"aks-vnet  AKS   Succeeded"}},
	"amlaks create --compute-type AKS -w mlw-prod -n aks-prod-a --dry-run": {out: []string{"PUT https://management.azure.com/subscriptions/", `"computeType": "AKS"`, "az ml computetarget create aks", "# cost: ≈ $"},
		check: func(t *testing.T, r result) { readmeNothingSent(t, "aks-prod-a") }},
	"amlaks create --compute-type AKS -w mlw-prod -n aks-prod-a --yes --no-wait": {out: []string{"aks-prod-a"}, err: []string{"Create of aks-prod-a accepted by Azure"}},
	"amlaks status aks-prod-a -w mlw-prod":                                       {out: []string{"aks-prod-a  AKS   Succeeded"}},
	"amlaks attach --compute-type AKS -w mlw-prod -n aks-priv --cluster aks-private --cluster-resource-group rg-aks --yes": {
		out: []string{"aks-priv  AKS   Succeeded"}, err: []string{"aks-private is a private cluster"}},
	"amlaks attach --compute-type AKS -w mlw-prod -n aks-ilb --cluster aks-locked --load-balancer internal --load-balancer-subnet snet-ilb --yes": {
		out: []string{"aks-ilb  AKS   Succeeded"}},
	// Scripting: stop, continue, detach (issue 21: the operation record, ownership, detach)
	"amlaks create -w mlw-prod -n k8s-slow --allow-insecure-connections --yes --timeout 10s": {
		pending: "i21a: --timeout on the current path is exit 3 with the continue command (today exit 1, \"the cluster is created again\")",
		env:     map[string]string{"AMLAKS_SIM_SPEED": "2"}, code: 3, err: []string{"amlaks status k8s-slow"}, notOut: []string{"Succeeded"}},
	"amlaks status k8s-slow -w mlw-prod": {
		pending: "i21a: status continues an unfinished current-path create (today exit 1, \"re-run the same create command\")",
		setup:   []string{"amlaks create -w mlw-prod -n k8s-slow --allow-insecure-connections --yes --timeout 10s"},
		env:     map[string]string{"AMLAKS_SIM_SPEED": "2"}, out: []string{"k8s-slow  Kubernetes  Succeeded"},
		check: func(t *testing.T, r result) {
			if c := readmeClusters(t); slices.Contains(c, "k8s-slow") == false {
				t.Errorf("no cluster k8s-slow after status continued the create: %v", c)
			}
		}},
	"amlaks create -w mlw-prod -n k8s-c2 --cluster k8s-dev --cluster-resource-group rg-ml-prod --allow-insecure-connections --yes": {
		setup: []string{"amlaks create -w mlw-prod -n k8s-dev --purpose dev-test --vm-size Standard_D4s_v3 --nodes 1 --allow-insecure-connections --yes"},
		code:  2, notOut: []string{"k8s-c2"}, err: []string{"k8s-dev exists (made for mlw-prod/k8s-dev): this attaches it", "BLOCK: the Azure ML extension on k8s-dev runs with clusterPurpose DevTest"}},
	"amlaks detach k8s-prod -w mlw-prod --delete-cluster --yes": {
		setup: []string{readmeK8sCreate, "amlaks attach -w mlw-prod -n k8s-c2 --cluster k8s-prod --cluster-resource-group rg-ml-prod --yes"},
		code:  2, err: []string{"BLOCK: k8s-prod is also used by mlw-prod/k8s-c2", "nothing was sent"},
		check: func(t *testing.T, r result) {
			if c := readmeClusters(t); !slices.Contains(c, "k8s-prod") {
				t.Errorf("the cluster k8s-prod was deleted while k8s-c2 uses it: %v", c)
			}
		}},
	// Scripting: look around
	"amlaks versions -l eastus": {out: []string{"KubernetesVersion  Default  IsPreview  SupportPlan", "1.36.7             Yes"}},
	"amlaks sizes -l eastus --min-vcpus 4": {out: []string{"VCPUS", "MEMORY GIB", "GPUS", "FAMILY", "QUOTA LEFT", "PRICE/H", "Standard_D4s_v3"},
		check: func(t *testing.T, r result) {
			for _, l := range strings.Split(strings.TrimSpace(r.out), "\n")[1:] {
				if f := strings.Fields(l); len(f) < 2 || atoiOr0(f[1]) < 4 {
					t.Errorf("a size under 4 vCPUs: %q", l)
				}
			}
		}},
	"amlaks sizes -l eastus --gpu --all": {out: []string{"Standard_NC4as_T4_v3", "Standard_ND40rs_v2", "not available for this subscription in eastus"}, notOut: []string{"Standard_D4s_v3 "}},
	"amlaks list -w mlw-prod":            {out: []string{"cpu-cluster", "aks-inference"}},
	"amlaks status k8s-prod -w mlw-prod": {setup: []string{readmeK8sCreate}, out: []string{"k8s-prod  Kubernetes  Succeeded", "phases:", "cluster", "extension", "attach"}},
	"amlaks detach k8s-prod -w mlw-prod --yes": {setup: []string{readmeK8sCreate}, out: []string{"k8s-prod detached; the AKS cluster rg-ml-prod/k8s-prod was kept"},
		check: func(t *testing.T, r result) {
			if l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod"); strings.Contains(l.out, "k8s-prod") {
				t.Errorf("k8s-prod still listed after the detach:\n%s", l.out)
			}
			if c := readmeClusters(t); !slices.Contains(c, "k8s-prod") {
				t.Errorf("the detach deleted the cluster k8s-prod (clusters: %v)", c)
			}
		}},
}

func atoiOr0(s string) int { n, _ := strconv.Atoi(s); return n }

// readmeNothingSent: a dry run left no compute NAME behind.
func readmeNothingSent(t *testing.T, name string) {
	t.Helper()
	if l := runArgs(t, "", "--demo", "list", "-w", "mlw-prod", "--query", "[].name", "-o", "tsv"); slices.Contains(strings.Fields(l.out), name) {
		t.Errorf("a dry run made %s", name)
	}
}

// readmeClusters are the names of the demo subscription's AKS clusters.
func readmeClusters(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(os.Getenv("AMLAKS_DEMO_STATE"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range regexp.MustCompile(`/managedClusters/([A-Za-z0-9-]+)"`).FindAllSubmatch(b, -1) {
		if !slices.Contains(names, string(m[1])) {
			names = append(names, string(m[1]))
		}
	}
	return names
}

// readmeArgs are the arguments of a README command as run here: in demo
// mode, with "…" in a resource ID filled in with the demo subscription.
func readmeArgs(words []string) []string {
	args := append([]string{}, words[1:]...)
	for i, a := range args {
		args[i] = strings.Replace(a, "/subscriptions/…/", "/subscriptions/"+sim.DefaultSubscriptionID+"/", 1)
	}
	if !slices.Contains(args, "--demo") {
		args = append([]string{"--demo"}, args...)
	}
	return args
}

// TestReadmeCommands runs every amlaks command of the README's sh blocks
// on a fresh demo state per README line (the commands of one line, joined
// by &&, share it) and checks it against its row of readmeWants.
func TestReadmeCommands(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := append(readmeShellLines(t, readmeBlocks(t, string(b))), readmeInline(t, string(b))...)
	if readmeHasTmux(t) {
		amlaksBinary(t) // built here, in the module, before the Chdir
	}
	dir := t.TempDir()
	wizardtest.WriteCert(t, filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
	t.Chdir(dir)
	seen := map[string]bool{}
	ran, pending := 0, []string{}
	var wizards []string
	wizardEnv := map[string]map[string]string{}
	for _, l := range lines {
		demoEnv(t)
		t.Setenv("AMLAKS_DEMO_STATE", filepath.Join(t.TempDir(), "state.json"))
		env := map[string]string{}
		for i, c := range l.cmds {
			for len(c.words) > 1 && regexp.MustCompile(`^[A-Z_]+=`).MatchString(c.words[0]) {
				k, v, _ := strings.Cut(c.words[0], "=")
				env[k] = v
				c.words = c.words[1:]
			}
			if c.words[0] != "amlaks" {
				if _, ok := notAmlaks[c.text]; !ok {
					if _, ok := notAmlaks[c.words[0]]; !ok {
						t.Errorf("%s: %q is not amlaks and not known here: run it in a test or add it to notAmlaks with why not", l.where, c.text)
					}
				}
				continue
			}
			w, ok := readmeWants[c.text]
			seen[c.text] = true
			if !ok {
				t.Errorf("%s: README command %q has no row in readmeWants: add what the README says it does", l.where, c.text)
				continue
			}
			if w.pending != "" && os.Getenv("AMLAKS_README_PENDING") != "1" {
				pending = append(pending, c.text+" ("+w.pending+")")
				continue
			}
			if w.wizard != nil {
				wizards = append(wizards, c.text)
				wizardEnv[c.text] = env
				continue
			}
			for k, v := range env {
				t.Setenv(k, v)
			}
			for k, v := range w.env {
				t.Setenv(k, v)
			}
			setupFailed := false
			for _, s := range w.setup {
				if i > 0 || setupFailed {
					break
				}
				sw, _ := shellLine(s)
				if r := runArgs(t, "", readmeArgs(sw[0].words)...); r.code != readmeWants[s].code {
					t.Errorf("%s: setup %q of %q: %s", l.where, s, c.text, r)
					setupFailed = true
				}
			}
			if setupFailed {
				continue
			}
			r := runArgs(t, "", readmeArgs(c.words)...)
			ran++
			readmeCheck(t, l.where+": "+c.text, w, r)
		}
	}
	for k := range readmeWants {
		if !seen[k] {
			t.Errorf("readmeWants has %q, which the README no longer shows: drop the row", k)
		}
	}
	if len(wizards) > 0 && readmeHasTmux(t) {
		ran += readmeWizards(t, wizards, wizardEnv)
	} else if len(wizards) > 0 {
		t.Logf("tmux is not on PATH: the README's wizard commands %q did not run", wizards)
	}
	t.Logf("README commands run: %d; pending: %d %v", ran, len(pending), pending)
}

func readmeCheck(t *testing.T, what string, w readmeWant, r result) {
	t.Helper()
	fail := func(format string, a ...any) {
		t.Helper()
		t.Errorf("%s: %s\n%s", what, fmt.Sprintf(format, a...), r)
	}
	if r.code != w.code {
		fail("exit %d, the README says %d", r.code, w.code)
		return
	}
	for _, s := range w.out {
		if !strings.Contains(r.out, s) {
			fail("stdout lacks %q", s)
		}
	}
	for _, s := range w.notOut {
		if strings.Contains(r.out, s) {
			fail("stdout has %q", s)
		}
	}
	for _, s := range w.err {
		if !strings.Contains(r.err, s) {
			fail("stderr lacks %q", s)
		}
	}
	outLines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
	if w.lines > 0 && len(outLines) != w.lines {
		fail("%d lines on stdout, want %d", len(outLines), w.lines)
	}
	if w.tsv > 0 {
		for _, l := range outLines {
			if n := strings.Count(l, "\t") + 1; n != w.tsv {
				fail("tsv line %q has %d columns, want %d", l, n, w.tsv)
			}
		}
	}
	if w.json != "" {
		var v any
		if err := json.Unmarshal([]byte(r.out), &v); err != nil {
			fail("stdout is not JSON: %v", err)
			return
		}
		objs := []any{v}
		if w.json == "array" {
			a, ok := v.([]any)
			if !ok {
				fail("stdout is not a JSON array")
				return
			}
			objs = a
		}
		for _, o := range objs {
			m, ok := o.(map[string]any)
			if !ok {
				fail("not a JSON object: %v", o)
				return
			}
			var got []string
			for k := range m {
				got = append(got, k)
			}
			sort.Strings(got)
			want := slices.Sorted(slices.Values(w.keys))
			if !slices.Equal(got, want) {
				fail("JSON keys %v, want %v", got, want)
			}
		}
	}
	if w.check != nil {
		w.check(t, r)
	}
}

// readmeHasTmux: the wizards run in tmux; without it they are skipped,
// unless AMLAKS_REQUIRE_TMUX=1 (CI).
func readmeHasTmux(t *testing.T) bool {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("AMLAKS_REQUIRE_TMUX") == "1" {
			t.Fatalf("tmux is not on PATH but AMLAKS_REQUIRE_TMUX=1: %v", err)
		}
		return false
	}
	return true
}

// readmeWizards starts each wizard command in tmux at 80×24 and waits for
// the texts its row names; it returns how many ran.
func readmeWizards(t *testing.T, cmds []string, env map[string]map[string]string) int {
	t.Helper()
	srv := newTmuxServer(t)
	for _, c := range cmds {
		srv.env = nil
		for k, v := range env[c] {
			srv.env = append(srv.env, k+"="+v)
		}
		sw, _ := shellLine(c)
		words := sw[0].words
		for words[0] != "amlaks" {
			words = words[1:] // the environment, set above
		}
		args := readmeArgs(words)[1:] // start adds --demo
		if args == nil {
			args = []string{}
		}
		r := srv.start(80, 24, filepath.Join(t.TempDir(), "state.json"), args...)
		r.waitForWithin(20*time.Second, readmeWants[c].wizard...)
		r.keys("C-c")
	}
	return len(cmds)
}

// TestReadmeSetUp: the README's two set-up commands are exactly the
// wizard on the simulated Azure and the test command .ci/run runs.
func TestReadmeSetUp(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var setup []string
	for _, bl := range readmeBlocks(t, string(b)) {
		if bl.section == "Set up (development)" && bl.lang == "sh" {
			for _, l := range bl.lines {
				cmds, _ := shellLine(l)
				for _, c := range cmds {
					setup = append(setup, c.text)
				}
			}
		}
	}
	if !slices.Equal(setup, []string{"go run . --demo", "go test -race ./..."}) {
		t.Errorf("README's set-up commands: %q", setup)
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^go test -race \./\.\.\.$`).Match(ci) {
		t.Error(".ci/run does not run the README's test command `go test -race ./...`")
	}
}

// shape is a JSON shape as the README writes it: an object's keys (a key
// marked ? is optional, … allows more, keys that start with a digit are
// examples of a map's), or an array of shapes, or a scalar.
type shape struct {
	keys     map[string]*shape
	optional map[string]bool
	open     bool
	mapLike  bool
	elem     *shape
	object   bool
	array    bool
}

type shapeParser struct {
	toks []string
	i    int
	err  error
}

var shapeToken = regexp.MustCompile(`"[^"]*"|\.\.\.|…|[{}\[\],:|?]|[A-Za-z0-9_.+-]+`)

func parseShape(s string) (*shape, error) {
	p := &shapeParser{toks: shapeToken.FindAllString(s, -1)}
	v := p.value()
	if p.err == nil && p.i != len(p.toks) {
		p.err = fmt.Errorf("trailing %q", p.toks[p.i:])
	}
	return v, p.err
}

func (p *shapeParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *shapeParser) next() string { t := p.peek(); p.i++; return t }

func (p *shapeParser) fail(format string, a ...any) {
	if p.err == nil {
		p.err = fmt.Errorf(format+" at token %d of %q", append(a, p.i, p.toks)...)
	}
}

func (p *shapeParser) value() *shape {
	switch p.peek() {
	case "{":
		p.next()
		o := &shape{object: true, keys: map[string]*shape{}, optional: map[string]bool{}}
		for p.err == nil {
			t := p.next()
			switch {
			case t == "}":
				return o
			case t == "," && len(o.keys) > 0:
				continue
			case t == "…" || t == "...":
				o.open = true
				continue
			case strings.HasPrefix(t, `"`):
				k := strings.Trim(t, `"`)
				o.keys[k] = &shape{}
				if k != "" && k[0] >= '0' && k[0] <= '9' {
					o.mapLike = true
				}
				if p.peek() == "?" {
					p.next()
					o.optional[k] = true
				}
				if p.peek() == ":" {
					p.next()
					o.keys[k] = p.value()
				}
			default:
				p.fail("unexpected %q in an object", t)
			}
		}
		return o
	case "[":
		p.next()
		a := &shape{array: true}
		for p.err == nil {
			switch p.peek() {
			case "]":
				p.next()
				return a
			case ",", "…", "...":
				p.next()
			case "":
				p.fail("unclosed [")
			default:
				if v := p.value(); v.object && a.elem == nil {
					a.elem = v
				}
			}
		}
		return a
	}
	// a scalar: "a"|"b"|true|null …
	for p.err == nil {
		t := p.next()
		if t == "" || t == "{" || t == "[" || t == "}" || t == "]" || t == "," || t == ":" {
			p.fail("unexpected %q for a value", t)
			return &shape{}
		}
		if p.peek() != "|" {
			return &shape{}
		}
		p.next()
	}
	return &shape{}
}

// match compares a printed JSON value with the shape; problems are
// returned with their path.
func (s *shape) match(v any, path string) []string {
	var bad []string
	switch {
	case s.object:
		m, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: printed %T, the README shows an object", path, v)}
		}
		if s.mapLike {
			return nil
		}
		for k, ks := range s.keys {
			x, ok := m[k]
			if !ok {
				if !s.optional[k] {
					bad = append(bad, fmt.Sprintf("%s: %q is documented, not printed", path, k))
				}
				continue
			}
			if x != nil {
				bad = append(bad, ks.match(x, path+"."+k)...)
			}
		}
		if !s.open {
			for k := range m {
				if _, ok := s.keys[k]; !ok {
					bad = append(bad, fmt.Sprintf("%s: %q is printed, not documented", path, k))
				}
			}
		}
	case s.array:
		a, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: printed %T, the README shows an array", path, v)}
		}
		if s.elem != nil {
			for _, x := range a {
				for _, b := range s.elem.match(x, path+"[]") {
					if !slices.Contains(bad, b) {
						bad = append(bad, b)
					}
				}
			}
		}
	}
	return bad
}

// readmeShapes are the code spans of "JSON shapes" that are shapes.
func readmeShapes(t *testing.T, readme string) []string {
	t.Helper()
	_, sec, ok := strings.Cut(readme, "\n### JSON shapes")
	if !ok {
		t.Fatal("README.md has no JSON shapes section")
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	var out []string
	for i, span := range strings.Split(sec, "`") {
		span = strings.TrimSpace(span)
		if i%2 == 1 && (strings.HasPrefix(span, "{") || strings.HasPrefix(span, "[")) {
			out = append(out, strings.Join(strings.Fields(span), " "))
		}
	}
	return out
}

// shapeRun is one command whose output a shape describes, with the
// commands run before it on a fresh demo state and the optional keys it
// must print.
type shapeRun struct {
	setup   [][]string
	args    []string
	code    int
	require []string
	check   func(t *testing.T, v any, readme string)
}

var (
	k8sCreate = []string{"create", "-w", "mlw-prod", "-n", "k8s-prod", "--allow-insecure-connections", "--yes"}
	k8sAttach = []string{"attach", "-w", "mlw-prod", "-n", "k8s-ready", "--cluster", "aks-ml-ready", "--cluster-resource-group", "rg-aks-ml", "--yes"}
)

func jsonOf(args ...string) []string { return append(args, "-o", "json") }

// readmeShapeRuns are, in the README's order, the commands each shape of
// "JSON shapes" describes.
var readmeShapeRuns = []struct {
	what string
	runs []shapeRun
}{
	{"the compute", []shapeRun{
		{args: jsonOf(k8sCreate...), require: []string{"findings"}},
		{args: jsonOf(k8sAttach...), require: []string{"findings"}},
		{setup: [][]string{k8sCreate}, args: jsonOf("status", "k8s-prod", "-w", "mlw-prod"), require: []string{"phases"}},
		{args: jsonOf("status", "aks-inference", "-w", "mlw-prod")},
		{args: jsonOf("create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-prod-a", "--yes"), require: []string{"findings"}},
	}},
	{"a Kubernetes dry run", []shapeRun{
		{args: jsonOf("create", "-w", "mlw-prod", "-n", "k8s-prod", "--allow-insecure-connections", "--dry-run"), require: []string{"cost"},
			check: func(t *testing.T, v any, readme string) {
				// the cost the README's review screen of the same create shows
				cost, _ := v.(map[string]any)["cost"].(map[string]any)
				if text, _ := cost["text"].(string); text == "" || !strings.Contains(readme, "  Cost         "+text) {
					t.Errorf("dry-run cost %q is not the review's (README Screens)", cost["text"])
				}
			}},
		{args: jsonOf("attach", "-w", "mlw-prod", "-n", "k8s-plain", "--cluster", "aks-ml-plain", "--cluster-resource-group", "rg-aks-ml", "--install-extension", "--allow-insecure-connections", "--dry-run")},
	}},
	{"a legacy dry run", []shapeRun{
		{args: jsonOf("create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-prod-a", "--dry-run"), require: []string{"cost"}},
		{args: jsonOf("attach", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-priv", "--cluster", "aks-private", "--cluster-resource-group", "rg-aks", "--dry-run")},
	}},
	{"--no-wait", []shapeRun{{args: jsonOf("create", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-prod-a", "--yes", "--no-wait")}}},
	{"list", []shapeRun{{setup: [][]string{k8sCreate}, args: jsonOf("list", "-w", "mlw-prod")}}},
	{"versions", []shapeRun{{args: jsonOf("versions", "-l", "eastus")}}},
	{"sizes", []shapeRun{{args: jsonOf("sizes", "-l", "eastus", "--all")}}},
	{"verify", []shapeRun{{setup: [][]string{k8sCreate}, args: jsonOf("verify", "k8s-prod", "-w", "mlw-prod")}}},
	{"doctor", []shapeRun{{setup: [][]string{k8sCreate}, args: jsonOf("doctor", "k8s-prod", "-w", "mlw-prod")}}},
	{"detach", []shapeRun{
		{setup: [][]string{k8sCreate}, args: jsonOf("detach", "k8s-prod", "-w", "mlw-prod", "--yes"), require: []string{"cluster"}},
		{args: jsonOf("detach", "aks-inference", "-w", "mlw-prod", "--yes")},
		{setup: [][]string{k8sCreate}, args: jsonOf("detach", "k8s-prod", "-w", "mlw-prod", "--delete-cluster", "--yes"), require: []string{"cluster", "clusterDeleted"}},
	}},
	{"reset", []shapeRun{{args: jsonOf("reset")}}},
	{"a failure", []shapeRun{
		{args: jsonOf("create", "-w", "mlw-prod", "-n", "1bad", "--yes"), code: 2},
		{args: jsonOf("status", "nope", "-w", "mlw-prod"), code: 1},
	}},
}

// TestReadmeJSONShapes: every shape the README documents is what the
// command prints on the default path (the Kubernetes compute), keys for
// keys, nested objects too.
func TestReadmeJSONShapes(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	shapes := readmeShapes(t, string(b))
	if len(shapes) != len(readmeShapeRuns) {
		t.Fatalf("README documents %d JSON shapes, readmeShapeRuns has %d: give each shape the commands it describes\n%s",
			len(shapes), len(readmeShapeRuns), strings.Join(shapes, "\n"))
	}
	for i, doc := range shapes {
		sh, err := parseShape(doc)
		if err != nil {
			t.Errorf("README shape %d (%s) does not parse: %v\n%s", i+1, readmeShapeRuns[i].what, err, doc)
			continue
		}
		for _, run := range readmeShapeRuns[i].runs {
			demoEnv(t)
			t.Setenv("AMLAKS_DEMO_STATE", filepath.Join(t.TempDir(), "state.json"))
			for _, s := range run.setup {
				if r := runArgs(t, "", append([]string{"--demo"}, s...)...); r.code != 0 {
					t.Fatalf("setup %v: %s", s, r)
				}
			}
			r := runArgs(t, "", append([]string{"--demo"}, run.args...)...)
			what := fmt.Sprintf("%s: amlaks %s", readmeShapeRuns[i].what, strings.Join(run.args, " "))
			if r.code != run.code {
				t.Errorf("%s: exit %d, want %d\n%s", what, r.code, run.code, r)
				continue
			}
			var v any
			if err := json.Unmarshal([]byte(r.out), &v); err != nil {
				t.Errorf("%s: not JSON: %v\n%s", what, err, r)
				continue
			}
			for _, p := range sh.match(v, "") {
				t.Errorf("%s: %s\nREADME: %s", what, p, doc)
			}
			if run.check != nil {
				run.check(t, v, string(b))
			}
			for _, k := range run.require {
				m, _ := v.(map[string]any)
				if e, ok := m["error"].(map[string]any); ok {
					m = e
				}
				if _, ok := m[k]; !ok {
					t.Errorf("%s: %q not printed", what, k)
				}
			}
		}
	}
}

// TestReadmeBenchmarksExist: every benchmark the README names is a
// function of the module's tests.
func TestReadmeBenchmarksExist(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	err = filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, "_test.go") {
			f, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			src.Write(f)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile("`(Benchmark\\w+)`|-bench '(\\w+)'").FindAllStringSubmatch(string(b), -1)
	if len(names) == 0 {
		t.Fatal("README names no benchmark")
	}
	for _, m := range names {
		name := m[1]
		if name == "" {
			name = "Benchmark" + m[2]
		}
		if !strings.Contains(src.String(), "func "+name+"(b *testing.B)") {
			t.Errorf("README names %s, which no test file defines", name)
		}
	}
}
