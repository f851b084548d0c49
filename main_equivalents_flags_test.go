package main

// The printed equivalents run: every `az` command a scenario prints uses
// only flags its az command has, with one value per flag where az takes
// one (so a quoted 'a=x b=y' is caught), and the Python tab compiles.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard"
)

// azFlags are the flags of the az commands amlaks prints on the current
// path, with the number of values each takes (-1: one or more words).
// Sources:
//   - az aks create: Azure/azure-cli src/azure-cli/azure/cli/command_modules/acs/_params.py
//     (argument_context 'aks' and 'aks create': name, resource_group_name,
//     location, kubernetes_version, node_count, node_vm_size, dns_name_prefix,
//     enable_managed_identity, load_balancer_sku, generate_ssh_keys,
//     api_server_authorized_ip_ranges, enable_private_cluster,
//     disable_public_fqdn, tier, k8s_support_plan, tags = tags_type, nargs='*')
//   - az k8s-extension create: Azure/azure-cli-extensions
//     src/k8s-extension/azext_k8s_extension/_params.py (name, extension_type,
//     cluster_name, cluster_type, scope, release_train, configuration_settings
//     '--configuration-settings'/'--config' nargs='+',
//     configuration_protected_settings '--config-protected-settings'/'--config-protected' nargs='+')
//   - az ml compute attach (ml extension v2, whose source is not public):
//     learn.microsoft.com/cli/azure/ml/compute#az-ml-compute-attach (--name,
//     --resource-group, --workspace-name, --type, --resource-id, --namespace,
//     --identity-type, --user-assigned-identities)
//   - az k8s-extension update: the same _params.py (its 'k8s-extension' context, and
//     'k8s-extension update' for --yes)
//   - az aks trustedaccess rolebinding create: Azure/azure-cli acs _params.py
//     ('aks trustedaccess rolebinding' cluster_name, role_binding_name
//     '--name', 'aks trustedaccess rolebinding create' roles; source_resource_id
//     of aks_trustedaccess_role_binding_create)
//   - --subscription is az's global flag.
var azFlags = map[string]map[string]int{
	"az aks create": {"--name": 1, "--resource-group": 1, "--location": 1, "--kubernetes-version": 1, "--node-count": 1, "--node-vm-size": 1,
		"--dns-name-prefix": 1, "--enable-managed-identity": 0, "--load-balancer-sku": 1, "--generate-ssh-keys": 0,
		"--api-server-authorized-ip-ranges": 1, "--enable-private-cluster": 0, "--disable-public-fqdn": 0, "--tier": 1,
		"--k8s-support-plan": 1, "--tags": -1, "--subscription": 1},
	"az k8s-extension create": {"--name": 1, "--extension-type": 1, "--cluster-type": 1, "--cluster-name": 1, "--resource-group": 1,
		"--scope": 1, "--release-train": 1, "--config": -1, "--config-protected": -1, "--subscription": 1},
	"az ml compute attach": {"--type": 1, "--name": 1, "--resource-id": 1, "--namespace": 1, "--identity-type": 1,
		"--user-assigned-identities": 1, "--resource-group": 1, "--workspace-name": 1, "--subscription": 1},
	"az k8s-extension update": {"--name": 1, "--cluster-type": 1, "--cluster-name": 1, "--resource-group": 1,
		"--config": -1, "--config-protected": -1, "--yes": 0, "--subscription": 1},
	"az aks command invoke": {"--resource-group": 1, "--name": 1, "--command": 1, "--file": 1, "--subscription": 1},
	"az aks trustedaccess rolebinding create": {"--resource-group": 1, "--cluster-name": 1, "--name": 1, "--source-resource-id": 1,
		"--roles": 1, "--subscription": 1},
}

// shellWords splits a printed command as sh does (shellLine of
// readme_test.go, backslash-newline continuations joined): it must be one
// simple command.
func shellWords(s string) ([]string, error) {
	cmds, err := shellLine(strings.ReplaceAll(s, "\\\n", " "))
	if err != nil {
		return nil, err
	}
	if len(cmds) != 1 {
		return nil, fmt.Errorf("not one command: %q", s)
	}
	return cmds[0].words, nil
}

// checkAz parses one printed az command against azFlags and says what
// real az would refuse or misread.
func checkAz(cmd string) []string {
	var errs []string
	fail := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	w, err := shellWords(cmd)
	if err != nil {
		return []string{err.Error()}
	}
	var name string
	for n := range azFlags {
		if strings.HasPrefix(strings.Join(w, " "), n+" ") {
			name = n
		}
	}
	if name == "" {
		return []string{"an az command the test does not know:\n" + cmd}
	}
	flags := azFlags[name]
	seen := map[string]bool{}
	for i := len(strings.Fields(name)); i < len(w); {
		f := w[i]
		n, ok := flags[f]
		if !ok {
			fail("%s has no flag %s:\n%s", name, f, cmd)
			return errs
		}
		if seen[f] {
			fail("%s: %s given twice:\n%s", name, f, cmd)
		}
		seen[f] = true
		i++
		vals := 0
		for i < len(w) && !strings.HasPrefix(w[i], "--") && (n < 0 || vals < n) {
			if n < 0 && !strings.Contains(w[i], "=") {
				fail("%s %s: %q is not key=value:\n%s", name, f, w[i], cmd)
			}
			if n < 0 && strings.Contains(w[i], " ") {
				fail("%s %s: %q is one word holding several pairs (az reads one):\n%s", name, f, w[i], cmd)
			}
			vals++
			i++
		}
		if n >= 0 && vals != n || n < 0 && vals == 0 {
			fail("%s %s takes %d values, got %d:\n%s", name, f, n, vals, cmd)
		}
	}
	return errs
}

func TestEquivalentsAreValid(t *testing.T) {
	demoEnv(t)
	dir := t.TempDir()
	certFile, keyFile, _, _ := tlsFiles(t, dir, "ml.contoso.com")
	run := func(args ...string) result { return runArgs(t, "", append([]string{"--demo"}, args...)...) }
	scenarios := [][]string{
		{"create", "-n", "k8s-a", "--allow-insecure-connections"},
		{"create", "-n", "k8s-b", "--router", "internal", "--api-access", "private", "--ssl-cert-file", certFile, "--ssl-key-file", keyFile, "--ssl-cname", "ml.contoso.com"},
		{"create", "-n", "k8s-c", "--router", "nodeport", "--api-access", "authorized", "--authorized-ip-ranges", "20.12.34.0/24,52.168.1.7", "--allow-insecure-connections",
			"--purpose", "dev-test", "--nodes", "1"},
		{"create", "-n", "k8s-d", "--kubernetes-version", "1.34", "--vm-size", "Standard_NC4as_T4_v3", "--allow-insecure-connections"},
		{"attach", "-n", "k8s-e", "--cluster", "aks-ml-failed", "--cluster-resource-group", "rg-aks-ml", "--install-extension", "--allow-insecure-connections",
			"--identity", "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-ml-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-ml"},
		{"attach", "-n", "k8s-f", "--cluster", "aks-ml-ready", "--cluster-resource-group", "rg-aks-ml"},
		{"attach", "-n", "k8s-g", "--cluster", "aks-ml-training", "--cluster-resource-group", "rg-aks-ml", "--install-extension", "--allow-insecure-connections"},
		{"attach", "-n", "k8s-h", "--cluster", "aks-ml-nolocal", "--cluster-resource-group", "rg-aks-ml"},
	}
	python3, pyErr := exec.LookPath("python3")
	if pyErr != nil {
		t.Log("python3 is not installed: the Python tab is not compiled (py_compile skipped)")
	}
	for i, args := range scenarios {
		phases, _, _ := phasesOf(t, run, append(args, "-w", "mlw-prod")...)
		var ps []wizard.Phase
		for _, ph := range phases {
			az, _ := ph["az"].(string)
			for _, e := range checkAz(az) {
				t.Error(e)
			}
			py, _ := ph["python"].(string)
			ps = append(ps, wizard.Phase{Kind: wizard.PhaseKind(ph["kind"].(string)), Title: ph["title"].(string), Equivalent: az, Python: py})
			if strings.Contains(py, `"SystemAssigned"`) || strings.Contains(py, `"UserAssigned"`) {
				t.Errorf("azure-ai-ml would send the identity type as Systemassigned/Userassigned:\n%s", py)
			}
		}
		script := wizard.PhasesPython(ps)
		if python3 == "" {
			continue
		}
		f := filepath.Join(dir, "tab"+string(rune('a'+i))+".py")
		if err := os.WriteFile(f, []byte(script), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(python3, "-m", "py_compile", f).CombinedOutput(); err != nil {
			t.Errorf("%v: the Python tab does not compile: %v\n%s\n%s", args, err, out, script)
		}
	}
}

// The checker itself: what real az would misread is caught.
func TestCheckAzCatchesMistakes(t *testing.T) {
	for _, bad := range []string{
		"az aks create --name a --tags 'amlaks-compute=w/n created-by=amlaks'",
		"az aks create --name a --node-pool-count 3",
		"az k8s-extension create --name azureml --config",
		"az ml compute attach --type Kubernetes --identity SystemAssigned",
	} {
		if len(checkAz(bad)) == 0 {
			t.Errorf("not caught: %s", bad)
		}
	}
}
