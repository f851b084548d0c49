package wizard

import (
	"fmt"
	"sort"
	"strings"

	"github.com/amlaks/amlaks/rules"
)

// Equivalents of the current path's phases: `az aks
// create`, `az k8s-extension create`, `az ml compute attach --type
// Kubernetes` (CLI v2) and the azure-ai-ml KubernetesCompute. Secrets are
// never in them (certificate and key are named by file).

// AKSCreateAz is the `az aks create` of the cluster phase.
func AKSCreateAz(p *Plan) string {
	s := p.ClusterSpec()
	a := []string{"az aks create", "--name " + shq(s.Name), "--resource-group " + shq(s.ResourceGroup), "--location " + shq(s.Location),
		"--kubernetes-version " + shq(s.KubernetesVersion), "--node-count " + fmt.Sprint(s.Nodes), "--node-vm-size " + shq(s.VMSize),
		"--dns-name-prefix " + shq(s.DNSPrefix), "--enable-managed-identity", "--load-balancer-sku standard", "--generate-ssh-keys"}
	switch s.APIAccess {
	case APIAuthorized:
		a = append(a, "--api-server-authorized-ip-ranges "+shq(strings.Join(s.AuthorizedRanges, ",")))
	case APIPrivate:
		a = append(a, "--enable-private-cluster", "--disable-public-fqdn")
	}
	if s.LTS {
		a = append(a, "--tier premium", "--k8s-support-plan AKSLongTermSupport")
	}
	var tags []string
	for k, v := range s.Tags {
		tags = append(tags, shq(k+"="+v))
	}
	sort.Strings(tags)
	if len(tags) > 0 {
		// one word per tag: az splits each word at its first '=', so one
		// quoted 'a=x b=y' would be the single tag a with value "x b=y"
		a = append(a, "--tags "+strings.Join(tags, " "))
	}
	a = append(a, "--subscription "+s.SubscriptionID)
	return strings.Join(a, " \\\n    ")
}

// ExtensionConfig is the extension's configurationSettings as `--config`
// pairs, sorted.
func ExtensionConfig(p *Plan) []string {
	e := p.ExtensionSpec()
	cfg := []string{"enableInference=True", "inferenceRouterServiceType=" + e.Router.ServiceType(), "inferenceRouterHA=" + pyBool(e.RouterHA),
		"allowInsecureConnections=" + pyBool(e.AllowInsecure)}
	if e.Router == RouterInternal {
		cfg = append(cfg, "internalLoadBalancerProvider=azure")
	}
	if e.TLS.Mode == rules.TLSCustom {
		cfg = append(cfg, "sslCname="+e.TLS.CNAME)
	}
	if e.Purpose == rules.DevTest {
		cfg = append(cfg, "clusterPurpose=DevTest")
	} else {
		cfg = append(cfg, "clusterPurpose=FastProd")
	}
	if e.GPU {
		cfg = append(cfg, "installNvidiaDevicePlugin=True")
	}
	if e.EnableUpgrade {
		cfg = append(cfg, "scoringFe.enableUpgrade=true")
	}
	sort.Strings(cfg)
	return cfg
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// ExtensionAz is the `az k8s-extension create` of the extension phase.
func ExtensionAz(p *Plan) string {
	id, _ := rules.ParseClusterID(p.TargetClusterID())
	a := []string{"az k8s-extension create", "--name " + shq(p.ExtensionSpec().Name), "--extension-type " + ExtensionType, "--cluster-type managedClusters",
		"--cluster-name " + shq(id.Name), "--resource-group " + shq(id.ResourceGroup), "--scope cluster", "--release-train stable",
		"--config " + strings.Join(shqAll(ExtensionConfig(p)), " ")}
	if p.TLS.Mode == rules.TLSCustom {
		a = append(a, "--config-protected sslCertPemFile="+shq(p.TLS.CertFile)+" sslKeyPemFile="+shq(p.TLS.KeyFile))
	}
	a = append(a, "--subscription "+id.SubscriptionID)
	return strings.Join(a, " \\\n    ")
}

// PhasesPython is the Python view of a Kubernetes submit: the azure-ai-ml
// code of the phases that have one, and one comment line for each phase
// that has none (the cluster and the extension are made with az or the
// REST API), so the whole is a Python file that runs.
func PhasesPython(phases []Phase) string {
	var b strings.Builder
	for n, ph := range phases {
		fmt.Fprintf(&b, "# phase %d/%d: %s\n", n+1, len(phases), ph.Title)
		if ph.Python != "" {
			b.WriteString(ph.Python + "\n")
			continue
		}
		cmd, _, _ := strings.Cut(ph.Equivalent, " \\")
		fmt.Fprintf(&b, "# no azure-ai-ml step: run `%s` of the az tab\n\n", strings.TrimSpace(cmd))
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// ExtensionUpdateAz is the `az k8s-extension update` that adds inference
// to a training-only extension (the extension phase of such an attach).
// --config and --config-protected are k8s-extension's names for create and
// update alike (Azure/azure-cli-extensions src/k8s-extension/azext_k8s_extension/_params.py);
// --yes answers az's question about settings that affect endpoints.
func ExtensionUpdateAz(p *Plan) string {
	id, _ := rules.ParseClusterID(p.TargetClusterID())
	e := p.ExtensionSpec()
	a := []string{"az k8s-extension update", "--name " + shq(e.Name), "--cluster-type managedClusters",
		"--cluster-name " + shq(id.Name), "--resource-group " + shq(id.ResourceGroup),
		"--config " + strings.Join(shqAll(ExtensionConfig(p)), " ")}
	if p.TLS.Mode == rules.TLSCustom {
		a = append(a, "--config-protected sslCertPemFile="+shq(p.TLS.CertFile)+" sslKeyPemFile="+shq(p.TLS.KeyFile))
	}
	a = append(a, "--yes", "--subscription "+id.SubscriptionID)
	return strings.Join(a, " \\\n    ")
}

// RoleBindingAz is the `az aks trustedaccess rolebinding create` of the
// Trusted Access phase (flags: Azure/azure-cli acs _params.py,
// "aks trustedaccess rolebinding create": --name, --cluster-name,
// --source-resource-id, --roles comma-separated).
func RoleBindingAz(p *Plan) string {
	s := p.RoleBindingSpec()
	id, _ := rules.ParseClusterID(s.ClusterID)
	a := []string{"az aks trustedaccess rolebinding create", "--resource-group " + shq(id.ResourceGroup), "--cluster-name " + shq(id.Name),
		"--name " + shq(s.Name), "--source-resource-id " + shq(s.Source), "--roles " + shq(strings.Join(s.Roles, ",")),
		"--subscription " + id.SubscriptionID}
	return strings.Join(a, " \\\n    ")
}

func shqAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = shq(x)
	}
	return out
}

// KubernetesAttachAz is the `az ml compute attach --type Kubernetes` (CLI
// v2) of the attach phase.
func KubernetesAttachAz(p *Plan) string {
	a := []string{"az ml compute attach", "--type Kubernetes", "--name " + shq(p.Name), "--resource-id " + shq(p.TargetClusterID()),
		"--namespace " + shq(p.Namespace)}
	if IsSystemIdentity(p.Identity) {
		a = append(a, "--identity-type SystemAssigned")
	} else {
		a = append(a, "--identity-type UserAssigned", "--user-assigned-identities "+shq(p.Identity))
	}
	a = append(a, "--resource-group "+shq(p.Workspace.ResourceGroup), "--workspace-name "+shq(p.Workspace.Name), "--subscription "+p.Subscription)
	return strings.Join(a, " \\\n    ")
}

// KubernetesPython is the azure-ai-ml (SDK v2) attach.
func KubernetesPython(p *Plan) string {
	var b strings.Builder
	b.WriteString("from azure.ai.ml import MLClient\nfrom azure.ai.ml.entities import IdentityConfiguration, KubernetesCompute")
	if !IsSystemIdentity(p.Identity) {
		b.WriteString(", ManagedIdentityConfiguration")
	}
	b.WriteString("\nfrom azure.identity import DefaultAzureCredential\n\n")
	fmt.Fprintf(&b, "ml_client = MLClient(\n    DefaultAzureCredential(),\n    subscription_id=%q,\n    resource_group_name=%q,\n    workspace_name=%q,\n)\n",
		p.Subscription, p.Workspace.ResourceGroup, p.Workspace.Name)
	// azure-ai-ml PascalCases the type with string.capwords: "system_assigned"
	// goes on the wire as SystemAssigned, "SystemAssigned" as Systemassigned
	ident := `IdentityConfiguration(type="system_assigned")`
	if !IsSystemIdentity(p.Identity) {
		ident = fmt.Sprintf("IdentityConfiguration(\n        type=\"user_assigned\",\n        user_assigned_identities=[ManagedIdentityConfiguration(resource_id=%q)],\n    )", p.Identity)
	}
	fmt.Fprintf(&b, "compute = KubernetesCompute(\n    name=%q,\n    resource_id=%q,\n    namespace=%q,\n    identity=%s,\n)\nml_client.begin_create_or_update(compute).result()\n",
		p.Name, p.TargetClusterID(), p.Namespace, ident)
	return b.String()
}
