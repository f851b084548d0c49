package wizard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/amlaks/amlaks/rules"
)

// Redacted replaces secrets (TLS key and certificate bodies) wherever a
// request is shown.
const Redacted = "<redacted>"

// JSON renders v indented, without HTML escaping (so "<redacted>" stays
// readable), ending in a newline.
func JSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return []byte(fmt.Sprintf("{\"error\":{\"code\":\"Encoding\",\"message\":%q}}\n", err.Error()))
	}
	// the value as sent, with the characters that would drive a terminal
	// written as JSON escapes
	return rules.InertJSON(b.Bytes())
}

// Equivalents returns what the plan looks like elsewhere: the `az ml
// computetarget` command (CLI v1 extension azure-cli-ml) and the Python
// AksCompute (SDK v1) snippet. They name the TLS files, never their
// contents. The REST request is the Cloud's (Cloud.Request), not built here.
func Equivalents(p *Plan) (az, python string) {
	if p.Spec().Attach() {
		return attachAz(p), attachPython(p)
	}
	return createAz(p), createPython(p)
}

func shq(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func createAz(p *Plan) string {
	a := []string{"az ml computetarget create aks", "--name " + shq(p.Name), "--resource-group " + shq(p.Workspace.ResourceGroup),
		"--workspace-name " + shq(p.Workspace.Name), "--location " + shq(p.Region), "--vm-size " + shq(p.VMSize),
		fmt.Sprintf("--agent-count %d", p.Nodes), "--cluster-purpose " + string(p.Purpose)}
	n := p.Network
	if n.Custom() {
		a = append(a, "--vnet-resourcegroup-name "+shq(n.VNetResourceGroup), "--vnet-name "+shq(n.VNet), "--subnet-name "+shq(n.Subnet),
			"--service-cidr "+shq(n.ServiceCIDR), "--dns-service-ip "+shq(n.DNSServiceIP), "--docker-bridge-cidr "+shq(n.DockerBridgeCIDR))
	}
	if n.LoadBalancer == rules.InternalLoadBalancer {
		a = append(a, "--load-balancer-type InternalLoadBalancer", "--load-balancer-subnet "+shq(n.LoadBalancerSubnet))
	}
	a = append(a, tlsAz(p.TLS)...)
	a = append(a, "--subscription "+p.Subscription)
	return strings.Join(a, " \\\n    ")
}

func tlsAz(t rules.TLS) []string {
	switch t.Mode {
	case rules.TLSMicrosoft:
		a := []string{"--ssl-leaf-domain-label " + shq(t.LeafDomainLabel)}
		if t.Overwrite {
			a = append(a, "--ssl-overwrite-domain")
		}
		return a
	case rules.TLSCustom:
		return []string{"--ssl-cert-file " + shq(t.CertFile), "--ssl-key-file " + shq(t.KeyFile), "--ssl-cname " + shq(t.CNAME)}
	}
	return nil
}

func attachAz(p *Plan) string {
	a := []string{"az ml computetarget attach aks", "-n " + shq(p.Name), "-i " + shq(p.ClusterID),
		"-g " + shq(p.Workspace.ResourceGroup), "-w " + shq(p.Workspace.Name)}
	a = append(a, "--subscription "+p.Subscription)
	s := strings.Join(a, " ")
	if p.Purpose == rules.DevTest {
		s += "\n# cluster purpose DevTest: the CLI v1 attach has no flag for it; use the Python snippet or the REST body"
	}
	if p.Network.Internal() {
		s += "\n# internal load balancer: the CLI v1 attach has no flag for it; use the Python snippet or the REST body"
	}
	if p.TLS.Mode != rules.TLSOff {
		s += "\n# TLS: enable it after attaching with AksCompute.update() (see the Python snippet)"
	}
	return s
}

func pyTLS(t rules.TLS, obj string) string {
	switch t.Mode {
	case rules.TLSMicrosoft:
		ow := ""
		if t.Overwrite {
			ow = ", overwrite_existing_domain=True"
		}
		return fmt.Sprintf("%s.enable_ssl(leaf_domain_label=%q%s)\n", obj, t.LeafDomainLabel, ow)
	case rules.TLSCustom:
		return fmt.Sprintf("%s.enable_ssl(\n    ssl_cert_pem_file=%q,\n    ssl_key_pem_file=%q,\n    ssl_cname=%q,\n)\n", obj, t.CertFile, t.KeyFile, t.CNAME)
	}
	return ""
}

func pyPurpose(p rules.Purpose) string {
	if p == rules.DevTest {
		return "AksCompute.ClusterPurpose.DEV_TEST"
	}
	return "AksCompute.ClusterPurpose.FAST_PROD"
}

func pyWorkspace(p *Plan) string {
	return fmt.Sprintf("from azureml.core import Workspace\nfrom azureml.core.compute import AksCompute, ComputeTarget\n\nws = Workspace(\n    subscription_id=%q,\n    resource_group=%q,\n    workspace_name=%q,\n)\n",
		p.Subscription, p.Workspace.ResourceGroup, p.Workspace.Name)
}

func createPython(p *Plan) string {
	var b strings.Builder
	b.WriteString(pyWorkspace(p))
	fmt.Fprintf(&b, "prov_config = AksCompute.provisioning_configuration(\n    vm_size=%q,\n    agent_count=%d,\n    cluster_purpose=%s,\n    location=%q,\n",
		p.VMSize, p.Nodes, pyPurpose(p.Purpose), p.Region)
	n := p.Network
	if n.LoadBalancer == rules.InternalLoadBalancer {
		fmt.Fprintf(&b, "    load_balancer_type=\"InternalLoadBalancer\",\n    load_balancer_subnet=%q,\n", n.LoadBalancerSubnet)
	}
	b.WriteString(")\n")
	if n.Custom() {
		fmt.Fprintf(&b, "prov_config.vnet_resourcegroup_name = %q\nprov_config.vnet_name = %q\nprov_config.subnet_name = %q\nprov_config.service_cidr = %q\nprov_config.dns_service_ip = %q\nprov_config.docker_bridge_cidr = %q\n",
			n.VNetResourceGroup, n.VNet, n.Subnet, n.ServiceCIDR, n.DNSServiceIP, n.DockerBridgeCIDR)
	}
	b.WriteString(pyTLS(p.TLS, "prov_config"))
	fmt.Fprintf(&b, "aks_target = ComputeTarget.create(\n    workspace=ws,\n    name=%q,\n    provisioning_configuration=prov_config,\n)\naks_target.wait_for_completion(show_output=True)\n", p.Name)
	return b.String()
}

func attachPython(p *Plan) string {
	var b strings.Builder
	b.WriteString(pyWorkspace(p))
	// resource_id works for a cluster in any subscription; resource_group +
	// cluster_name would look in the workspace's subscription only
	fmt.Fprintf(&b, "attach_config = AksCompute.attach_configuration(\n    resource_id=%q,\n    cluster_purpose=%s,\n", p.ClusterID, pyPurpose(p.Purpose))
	if n := p.Network; n.Internal() {
		fmt.Fprintf(&b, "    load_balancer_type=\"InternalLoadBalancer\",\n    load_balancer_subnet=%q,\n", n.LoadBalancerSubnet)
	}
	b.WriteString(")\n")
	b.WriteString(pyTLS(p.TLS, "attach_config"))
	fmt.Fprintf(&b, "aks_target = ComputeTarget.attach(ws, %q, attach_config)\naks_target.wait_for_completion(show_output=True)\n", p.Name)
	return b.String()
}
