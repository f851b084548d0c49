package wizard

import (
	"fmt"
	"strings"

	"github.com/amlaks/amlaks/rules"
)

// The checks of the current path's rows.

func checkComputeType(p *Plan, _ Known) []rules.Violation {
	switch p.ComputeType {
	case ComputeKubernetes, ComputeAKS:
		return nil
	}
	return []rules.Violation{{Field: string(FComputeType), Code: "compute-type", Message: fmt.Sprintf("must be Kubernetes or AKS (got %q)", string(p.ComputeType))}}
}

func checkK8sVersion(p *Plan, k Known) []rules.Violation {
	if !k.HaveVersions {
		return nil
	}
	if p.KubernetesVersion == "" {
		return []rules.Violation{Missing(FKubernetesVer, "give --kubernetes-version, e.g. one of "+strings.Join(rules.SupportedMinors(k.Versions), ", "))}
	}
	st := rules.CheckVersion(k.Versions, p.KubernetesVersion)
	if !st.Supported {
		return []rules.Violation{{Field: string(FKubernetesVer), Code: "version-unsupported",
			Message: fmt.Sprintf("%s is not offered in %s: pick one of %s (`amlaks versions -l %s`)", p.KubernetesVersion, p.Region, strings.Join(rules.SupportedMinors(k.Versions), ", "), p.Region)}}
	}
	return nil
}

func checkNewCluster(p *Plan, k Known) []rules.Violation {
	name := p.NewClusterName()
	if name == "" {
		return []rules.Violation{Missing(FNewCluster, "give the AKS cluster's name with --cluster (default: the compute's --name)")}
	}
	vs := rules.AKSClusterName(name)
	if p.NewClusterGroup() != "" {
		vs = append(vs, rules.ResourceGroupName("cluster-resource-group", p.NewClusterGroup())...)
	}
	// a cluster that exists and was not made for this compute is not a
	// fault of the name: the create attaches it (AdoptCluster), checked as
	// an attach, and the step and the review say so (ExistingClusterNote)
	return vs
}

// ExistingClusterNote says what naming an existing cluster in a create
// does: "" when the cluster does not exist (or is this compute's own).
func ExistingClusterNote(p *Plan, k Known) string {
	cl, ok := adoptable(p, k.Clusters)
	if !ok {
		if c, found := FindCluster(k.Clusters, p.TargetClusterID()); found && p.Mode == ModeCreate && ClusterMadeFor(c, p.Workspace.Name, p.Name) {
			return c.Name + " exists and was made for this compute: a re-run continues it"
		}
		return ""
	}
	return fmt.Sprintf("%s exists (%s): this attaches it, checked as an attach, instead of creating a cluster", cl.Name, ClusterOrigin(cl))
}

func checkAPIAccess(p *Plan, _ Known) []rules.Violation {
	switch p.APIAccess {
	case APIPublic, APIPrivate:
		if len(p.AuthorizedRanges) > 0 {
			return []rules.Violation{{Field: "authorized-ip-ranges", Code: "ranges-unused", Message: "authorized IP ranges need --api-access authorized"}}
		}
		return nil
	case APIAuthorized:
		if len(p.AuthorizedRanges) == 0 {
			return []rules.Violation{{Field: "authorized-ip-ranges", Code: "range-empty", Message: "authorized access needs --authorized-ip-ranges, e.g. 20.12.34.0/24"}}
		}
		// each range, whichever front end gave it (the flag's parser
		// checked it already; the wizard's form did not)
		_, vs := rules.ParseIPRanges(strings.Join(p.AuthorizedRanges, ","))
		return vs
	}
	return []rules.Violation{{Field: string(FAPIAccess), Code: "api-access", Message: fmt.Sprintf("must be public, authorized or private (got %q)", string(p.APIAccess))}}
}

// planNodes is the node count the router runs on: the create's, or the
// attached cluster's.
func planNodes(p *Plan) (int, bool) {
	if p.Mode == ModeAttach {
		if p.Cluster == nil {
			return 0, false
		}
		return p.Cluster.Nodes(), true
	}
	return p.Nodes, true
}

func checkRouter(p *Plan, _ Known) []rules.Violation {
	if _, err := ParseRouter(string(p.Router)); err != nil {
		return violationsOf(err)
	}
	if n, ok := planNodes(p); ok {
		return rules.RouterHA(p.HA(), n)
	}
	return nil
}

func checkK8sTLS(p *Plan) []rules.Violation {
	if p.Mode == ModeAttach && !p.InstallExtension {
		return nil // the installed extension keeps its settings
	}
	switch p.TLS.Mode {
	case rules.TLSMicrosoft:
		return []rules.Violation{{Field: "ssl-leaf-domain-label", Code: "tls-microsoft",
			Message: "a Kubernetes compute takes your own certificate (--ssl-cert-file, --ssl-key-file, --ssl-cname) or none (--allow-insecure-connections); a Microsoft certificate is for AKS computes only"}}
	case rules.TLSCustom:
		if p.TLS.CertPEM == nil && p.TLS.KeyPEM == nil && (p.TLS.CertFile != "" || p.TLS.KeyFile != "") {
			return nil // files not read yet
		}
		return rules.CheckTLS(p.TLS, false, now())
	}
	if !p.AllowInsecure {
		return []rules.Violation{{Field: string(FAllowInsecure), Code: "insecure-not-allowed",
			Message: "without TLS the Azure ML extension must allow insecure connections: add --allow-insecure-connections, or give your own certificate (--ssl-cert-file, --ssl-key-file, --ssl-cname)"}}
	}
	return nil
}

func checkNamespace(p *Plan, _ Known) []rules.Violation { return rules.Namespace(p.Namespace) }

// IsSystemIdentity reports "", "system" or "SystemAssigned".
func IsSystemIdentity(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return s == "" || s == "system" || s == "systemassigned"
}

func checkIdentity(p *Plan, _ Known) []rules.Violation { return CheckIdentity(p.Identity) }

// CheckIdentity checks a compute identity: system, or a user-assigned
// identity's resource ID.
func CheckIdentity(identity string) []rules.Violation {
	if IsSystemIdentity(identity) {
		return nil
	}
	parts := strings.Split(strings.Trim(identity, "/"), "/")
	if len(parts) == 8 && strings.EqualFold(parts[0], "subscriptions") && rules.IsGUID(parts[1]) && strings.EqualFold(parts[2], "resourceGroups") &&
		strings.EqualFold(parts[4], "providers") && strings.EqualFold(parts[5], "Microsoft.ManagedIdentity") &&
		strings.EqualFold(parts[6], "userAssignedIdentities") && parts[3] != "" && parts[7] != "" {
		return nil
	}
	return []rules.Violation{{Field: string(FIdentity), Code: "identity",
		Message: "must be system or a user-assigned identity's resource ID (/subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/NAME)"}}
}

// k8sNodes adds the current path's node rules to the node step: 1 to 1000
// nodes, and AKS's minimum node size.
func k8sNodes(p *Plan, k Known) []rules.Violation {
	if vs := rules.NodeCount(p.Nodes); len(vs) > 0 {
		return vs
	}
	if k.Sizes == nil {
		return nil
	}
	size, ok := k.Sizes.Find(p.VMSize)
	if !ok {
		return nil
	}
	var out []rules.Violation
	for _, f := range rules.NodeSize(size.Name, size.VCPUs, size.MemoryGB) {
		if f.Severity == rules.Block {
			out = append(out, rules.Violation{Field: string(FVMSize), Code: f.Code, Message: f.Message + ": " + f.Fix})
		}
	}
	return out
}
