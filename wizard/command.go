package wizard

import (
	"strconv"
	"strings"

	"github.com/amlaks/amlaks/rules"
)

// Command is the `amlaks create|attach …` command line that pre-answers
// every answer the plan holds that the user gave (asked or by flag), so
// leaving the wizard loses nothing: running it opens the wizard at the
// first step still open. Defaults, the az CLI's choices and only choices
// are left out (they come back by themselves). demo adds --demo.
func Command(p *Plan, demo bool) string { return CommandThrough(p, demo, nil) }

// CommandThrough is Command with the fields of the steps the user went
// through (passed) counted as answers, confirmed defaults included: the
// command opens the wizard at the step the user left.
func CommandThrough(p *Plan, demo bool, passed map[Field]bool) string {
	args := []string{"amlaks"}
	if demo {
		args = append(args, "--demo")
	}
	mode := p.Mode
	if mode != ModeAttach {
		mode = ModeCreate
	}
	args = append(args, string(mode))
	given := func(f Field) bool {
		switch p.From(f) {
		case Asked, Flag, Env:
			return true
		case Default:
			return passed[f] // confirmed on its step
		}
		return false // unset, or the az CLI's or the only choice: they come back by themselves
	}
	add := func(flag, v string) {
		if v != "" {
			args = append(args, flag, shellWord(v))
		}
	}
	if given(FComputeType) && p.ComputeType != "" {
		add("--compute-type", string(p.ComputeType))
	}
	if given(FSubscription) {
		add("--subscription", p.Subscription)
	}
	if p.Workspace.Name != "" && (given(FWorkspace) || p.From(FWorkspace) == Only) {
		add("-w", p.Workspace.Name)
		add("-g", p.Workspace.ResourceGroup)
	}
	if given(FPurpose) {
		if p.Purpose == rules.DevTest {
			add("--purpose", "dev-test")
		} else {
			add("--purpose", "production")
		}
	}
	if mode == ModeCreate {
		if given(FRegion) {
			add("--region", p.Region)
		}
		if given(FVMSize) {
			add("--vm-size", p.VMSize)
		}
		if given(FNodes) {
			add("--nodes", strconv.Itoa(p.Nodes))
		}
		if given(FNetwork) {
			n := p.Network
			if n.Custom() {
				add("--vnet-resource-group", n.VNetResourceGroup)
				add("--vnet", n.VNet)
				add("--subnet", n.Subnet)
				add("--service-cidr", n.ServiceCIDR)
				add("--dns-service-ip", n.DNSServiceIP)
				add("--docker-bridge-cidr", n.DockerBridgeCIDR)
			}
			if n.Internal() {
				add("--load-balancer", "internal")
				add("--load-balancer-subnet", n.LoadBalancerSubnet)
			}
		}
	}
	if mode == ModeAttach && given(FCluster) {
		add("--cluster-id", p.ClusterID)
	}
	if given(FTLS) {
		t := p.TLS
		switch t.Mode {
		case rules.TLSMicrosoft:
			add("--ssl-leaf-domain-label", t.LeafDomainLabel)
			if t.Overwrite {
				args = append(args, "--ssl-overwrite-domain")
			}
		case rules.TLSCustom:
			add("--ssl-cert-file", t.CertFile)
			add("--ssl-key-file", t.KeyFile)
			add("--ssl-cname", t.CNAME)
		}
	}
	if p.Kubernetes() {
		args = kubernetesArgs(p, mode, given, args)
	}
	if given(FName) {
		add("--name", p.Name)
	}
	return strings.Join(args, " ")
}

// kubernetesArgs are the current path's answers as flags.
func kubernetesArgs(p *Plan, mode Mode, given func(Field) bool, args []string) []string {
	add := func(flag, v string) {
		if v != "" {
			args = append(args, flag, shellWord(v))
		}
	}
	if mode == ModeCreate {
		if given(FKubernetesVer) {
			add("--kubernetes-version", p.KubernetesVersion)
		}
		if given(FNewCluster) {
			add("--cluster", p.ClusterName)
			add("--cluster-resource-group", p.ClusterGroup)
		}
		if given(FAPIAccess) {
			add("--api-access", string(p.APIAccess))
			if p.APIAccess == APIAuthorized {
				add("--authorized-ip-ranges", strings.Join(p.AuthorizedRanges, ","))
			}
		}
	}
	if mode == ModeAttach && given(FInstallExtension) && p.InstallExtension {
		args = append(args, "--install-extension")
	}
	if given(FRouter) {
		add("--router", string(p.Router))
	}
	if given(FRouterHA) {
		args = append(args, "--router-ha="+strconv.FormatBool(p.RouterHA))
	}
	if given(FAllowInsecure) && p.AllowInsecure {
		args = append(args, "--allow-insecure-connections")
	}
	if given(FNamespace) {
		add("--namespace", p.Namespace)
	}
	if given(FIdentity) && !IsSystemIdentity(p.Identity) {
		add("--identity", p.Identity)
	}
	return args
}

// shellWord quotes s for a POSIX shell when it holds anything but safe
// characters.
func shellWord(s string) string {
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+~", r)) {
			safe = false
			break
		}
	}
	if safe && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
