package wizard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/amlaks/amlaks/rules"
)

// The doctor (`amlaks doctor NAME`): a read-only diagnosis of a compute
// of either type. ARM says what the compute, the cluster and the
// extension are; the run command (kubectl get only) says what the cluster
// itself reports: the extension's healthcheck codes, the namespace, the
// instance types against the nodes, the legacy v1 router. Nothing is
// changed.

// Doctor finding codes.
const (
	DocCompute       = "compute"
	DocCluster       = "cluster"
	DocVersion       = "kubernetes-version"
	DocExtension     = "extension"
	DocSettings      = "extension-settings"
	DocHealthcheck   = "healthcheck"
	DocNamespace     = "namespace"
	DocInstanceType  = "instance-types"
	DocLegacyRouter  = "legacy-router"
	DocInside        = "inside-the-cluster"
	DocTrustedAccess = "trusted-access"
)

// HealthCode is one healthcheck code: meaning and fix (the extension's
// troubleshooting guide and Azure/AML-Kubernetes docs/troubleshooting.md).
type HealthCode struct {
	Code, Name, Meaning, Fix string
	Blocks                   bool // deployments fail while it stands
}

// HealthCodes are the codes the extension's HealthCheck job reports.
var HealthCodes = map[string]HealthCode{
	"E40000": {"E40000", "UNKNOWN_ERROR", "the healthcheck failed for an unknown reason", "read the logs: kubectl logs healthcheck -n azureml", true},
	"E40001": {"E40001", "LOAD_BALANCER_NOT_SUPPORT", "the cluster cannot provision a LoadBalancer service for the inference router", "give the cluster a load balancer, or set inferenceRouterServiceType to nodePort or clusterIP", true},
	"E40002": {"E40002", "INSUFFICIENT_NODE", "inferenceRouterHA needs at least three nodes matching the extension's nodeSelector", "set inferenceRouterHA=False, add nodes, or fix the nodeSelector", true},
	"E40003": {"E40003", "INTERNAL_LOAD_BALANCER_NOT_SUPPORT", "internalLoadBalancerProvider is set but only 'azure' on AKS is supported", "unset internalLoadBalancerProvider (or set it to azure on AKS)", true},
	"E40007": {"E40007", "INVALID_SSL_SETTING", "the TLS key or certificate is not valid, or sslCname does not match the certificate", "fix the PEM files or sslCname and update the extension", true},
	"E45001": {"E45001", "AGENT_UNHEALTHY", "one of the extension's pods, jobs, deployments, daemonsets or statefulsets is unhealthy", "kubectl get pods -n azureml; the healthcheck logs name it", false},
	"E45002": {"E45002", "PROMETHEUS_CONFLICT", "another Prometheus operator is installed", "install the extension with installPromOp=false and integrate the existing Prometheus", false},
	"E45003": {"E45003", "BAD_NETWORK_CONNECTIVITY", "the cluster's egress misses Azure ML's requirements", "open the outbound rules of how-to-access-azureml-behind-firewall (Kubernetes compute)", true},
	"E45004": {"E45004", "AZUREML_FE_ROLE_CONFLICT", "a cluster role azureml-fe-role not owned by the extension: a legacy v1 AKS compute's router", "delete the legacy router objects, or migrate the legacy compute in place", true},
	"E45005": {"E45005", "AZUREML_FE_DEPLOYMENT_CONFLICT", "a deployment azureml-fe not owned by the extension: a legacy v1 AKS compute's router", "delete the legacy router objects, or migrate the legacy compute in place", true},
	"E45006": {"E45006", "INSTANCE_TYPE", "the InstanceType check failed: the extension is not healthy and its InstanceType resource is missing (attaches then fail after a long wait with Internal Server Error)", "reinstall the Azure ML extension, then attach again", true},
	"E49999": {"E49999", "CHECKER_PANIC", "a healthcheck checker crashed", "read the logs: kubectl logs healthcheck -n azureml", false},
}

var healthLine = regexp.MustCompile(`^Status: (\w+) Name: (\S+)(?: ErrorCode: (E\d+) ErrorMessage: (.*))?$`)

// HealthFailure is one failed checker of the healthcheck report.
type HealthFailure struct {
	Checker, Code, Message string
}

// ParseHealthReport reads the healthcheck report's failed checkers.
func ParseHealthReport(report string) []HealthFailure {
	var out []HealthFailure
	for _, l := range strings.Split(report, "\n") {
		m := healthLine.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil || strings.EqualFold(m[1], "Passed") {
			continue
		}
		out = append(out, HealthFailure{Checker: m[2], Code: m[3], Message: m[4]})
	}
	return out
}

// DoctorReport is the diagnosis.
type DoctorReport struct {
	Compute  Compute
	Cluster  *Cluster
	Findings []rules.Finding
}

// Healthy is no Block.
func (r DoctorReport) Healthy() bool {
	for _, f := range r.Findings {
		if f.Severity == rules.Block {
			return false
		}
	}
	return true
}

// Doctor diagnoses compute name of ws without changing anything.
func Doctor(ctx context.Context, c Cloud, ws WorkspaceRef, name string) (DoctorReport, error) {
	var rep DoctorReport
	var fs []rules.Finding
	add := func(code string, sev rules.Severity, msg, fix string) {
		fs = append(fs, rules.Finding{Code: code, Severity: sev, Message: msg, Fix: fix})
	}
	cp, err := c.Compute(ctx, ws, name)
	if err != nil {
		return rep, err
	}
	rep.Compute = cp
	legacy := strings.EqualFold(cp.Type, string(ComputeAKS))
	switch {
	case legacy:
		add(DocCompute, rules.Warn, name+" is a legacy AKS compute: v2 online endpoints cannot use it", "move it to a Kubernetes compute: amlaks migrate "+name+" (--dry-run shows how)")
	case !strings.EqualFold(cp.Type, string(ComputeKubernetes)):
		return rep, &Error{Kind: ErrBadRequest, Op: "doctor " + name, Message: name + " is a " + cp.Type + " compute", Hint: "the doctor looks at AKS and Kubernetes computes"}
	}
	switch cp.State {
	case "Succeeded":
	case "Failed":
		msg := "compute " + name + " is Failed"
		for _, e := range cp.Errors {
			msg += ": " + e.Code + " " + e.Message
		}
		add(DocCompute, rules.Block, msg, "detach it and attach the cluster again with the same name and namespace")
	default:
		add(DocCompute, rules.Warn, "compute "+name+" is "+cp.State, "wait for it: amlaks status "+name)
	}
	kc := c
	if cp.ClusterID == "" {
		rep.Findings = rules.SortFindings(fs)
		return rep, nil
	}
	cl, err := kc.Cluster(ctx, cp.ClusterID)
	switch {
	case errors.Is(err, ErrNotFound):
		add(DocCluster, rules.Block, "the compute's AKS cluster no longer exists ("+cp.ClusterID+")", "detach the compute: amlaks detach "+name)
		rep.Findings = rules.SortFindings(fs)
		return rep, nil
	case err != nil:
		return rep, err
	}
	rep.Cluster = &cl
	if cl.PowerState == "Stopped" {
		add(DocCluster, rules.Block, "cluster "+cl.Name+" is stopped: nothing it serves answers", "start it: az aks start -g "+cl.ResourceGroup+" -n "+cl.Name)
	}
	if cl.ProvisioningState != "Succeeded" {
		add(DocCluster, rules.Warn, "cluster "+cl.Name+" is "+cl.ProvisioningState, "see it in the portal or with az aks show")
	}
	if vs, err := c.Versions(ctx, idSub(cp.ClusterID), cl.Region); err == nil && len(vs) > 0 {
		if !versionListed(vs, cl.Version) {
			add(DocVersion, rules.Warn, fmt.Sprintf("Kubernetes %s of %s is no longer supported in %s", cl.Version, cl.Name, cl.Region),
				"upgrade the cluster: az aks upgrade -g "+cl.ResourceGroup+" -n "+cl.Name+" --kubernetes-version <a supported version>")
		}
	}
	var ext Extension
	haveExt := false
	if !legacy {
		e, ok, err := kc.Extension(ctx, cp.ClusterID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return rep, err
		}
		ext, haveExt = e, ok
		switch {
		case !ok:
			add(DocExtension, rules.Block, "the Azure ML extension is not installed on "+cl.Name, "install it: amlaks attach again with --install-extension")
		case e.State != "Succeeded":
			msg := "the Azure ML extension is " + e.State
			if len(e.Errors) > 0 {
				msg += ": " + e.Errors[0].Code
			}
			add(DocExtension, rules.Block, msg, "reinstall it (amlaks attach --install-extension), then attach again")
		default:
			add(DocExtension, rules.Info, "the Azure ML extension "+e.Version+" is installed (Succeeded in Azure)", "")
			fs = append(fs, settingsFindings(e, cl)...)
		}
	}
	if !legacy {
		if f, ok := trustedAccessFinding(ctx, kc, ws, cp, cl); ok {
			fs = append(fs, f)
		}
	}
	fs = append(fs, insideFindings(ctx, c, ws.Name, cp, cl, legacy, haveExt && ext.State == "Succeeded")...)
	rep.Findings = rules.SortFindings(fs)
	return rep, nil
}

func idSub(id string) string {
	if x, err := rules.ParseClusterID(id); err == nil {
		return x.SubscriptionID
	}
	return ""
}

func versionListed(vs []rules.Version, v string) bool {
	minor := v
	if parts := strings.Split(v, "."); len(parts) >= 2 {
		minor = parts[0] + "." + parts[1]
	}
	for _, x := range vs {
		if x.Version == minor {
			return true
		}
	}
	return false
}

func settingsFindings(e Extension, cl Cluster) []rules.Finding {
	var fs []rules.Finding
	s := e.Settings
	truthy := func(k string) bool { return strings.EqualFold(s[k], "true") }
	if !truthy("enableInference") {
		fs = append(fs, rules.Finding{Code: DocSettings, Severity: rules.Block, Message: "the extension was installed without inference (enableInference is not True)",
			Fix: "reinstall it with enableInference=True"})
	}
	ha := s["inferenceRouterHA"] == "" || truthy("inferenceRouterHA")
	if ha && cl.Nodes() < rules.RouterHAMinimumNodes {
		fs = append(fs, rules.Finding{Code: DocSettings, Severity: rules.Warn, Message: fmt.Sprintf("inferenceRouterHA is on with %d node(s): its three router replicas cannot be placed", cl.Nodes()),
			Fix: "set inferenceRouterHA=False or scale the cluster to 3 nodes"})
	}
	if truthy("allowInsecureConnections") {
		fs = append(fs, rules.Finding{Code: DocSettings, Severity: rules.Info, Message: "scoring is plain HTTP (allowInsecureConnections=True)",
			Fix: "give the extension your own certificate for production"})
	}
	for _, p := range cl.Pools {
		if p.GPUs > 0 && !truthy("installNvidiaDevicePlugin") {
			fs = append(fs, rules.Finding{Code: DocSettings, Severity: rules.Info, Message: "pool " + p.Name + " has GPUs: they are usable when the NVIDIA device plugin runs (AKS's GPU node image or installNvidiaDevicePlugin=True)", Fix: ""})
			break
		}
	}
	return fs
}

// legacyRouterFindings say which of the v1 router's eight objects are in
// the cluster: on a legacy AKS compute they are its
// router, what a migrate takes over or removes; on a Kubernetes compute
// they are leftovers that conflict with the extension's router (its
// healthcheck's E45004/E45005).
func legacyRouterFindings(st LegacyState, name string, legacy bool) []rules.Finding {
	objs := strings.Join(st.Objects, ", ")
	switch {
	case legacy && len(st.Objects) == 0:
		return []rules.Finding{{Code: DocLegacyRouter, Severity: rules.Warn, Message: "the v1 router azureml-fe is not in the cluster: the legacy compute cannot serve",
			Fix: "move it to a Kubernetes compute: amlaks migrate " + name}}
	case legacy:
		msg := fmt.Sprintf("the v1 router's objects in the cluster (%d of %d): %s", len(st.Objects), len(LegacyObjects), objs)
		if svcs := st.ServiceNames(); len(svcs) > 0 {
			msg += "; live v1 services: " + strings.Join(svcs, ", ")
		}
		return []rules.Finding{{Code: DocLegacyRouter, Severity: rules.Info, Message: msg,
			Fix: "amlaks migrate " + name + " takes them over in place, or removes them on a clean cut-over"}}
	case len(st.Objects) > 0 && st.Annotated:
		return []rules.Finding{{Code: DocLegacyRouter, Severity: rules.Info,
			Message: fmt.Sprintf("the v1 router's objects (%d of %d: %s) are handed to the extension (deployment azureml-fe annotated %s=true)", len(st.Objects), len(LegacyObjects), objs, LegacyUpgradeAnnotation)}}
	case len(st.Objects) > 0:
		return []rules.Finding{{Code: DocLegacyRouter, Severity: rules.Block,
			Message: fmt.Sprintf("a legacy v1 router is left in the cluster (%d of its %d objects: %s): it conflicts with the extension's router", len(st.Objects), len(LegacyObjects), objs),
			Fix:     "migrate the legacy AKS compute that uses it (amlaks migrate), or remove them: " + RemoveRouterCommand(st.Objects)}}
	}
	return nil
}

// insideFindings reads the cluster through the run command (kubectl get
// only), in parallel.
func insideFindings(ctx context.Context, c Cloud, workspace string, cp Compute, cl Cluster, legacy, extOK bool) []rules.Finding {
	var fs []rules.Finding
	switch {
	case !runsCommands(c, cp.ClusterID):
		return nil
	case cl.RunCommandDisabled:
		return []rules.Finding{{Code: DocInside, Severity: rules.Warn, Message: "the cluster's run command is disabled: the healthcheck, namespace and instance types were not read",
			Fix: "read them with kubectl: kubectl describe configmap -n azureml arcml-healthcheck; kubectl get ns; kubectl get instancetype"}}
	case cl.PowerState == "Stopped":
		return nil
	}
	ns := cp.Namespace
	if ns == "" {
		ns = "default"
	}
	cmds := map[string]string{"legacy": LegacyReadCommand(workspace)}
	if !legacy {
		cmds["health"] = "kubectl get configmap arcml-healthcheck -n azureml -o json"
		cmds["namespace"] = "kubectl get namespace " + ns + " -o name"
		cmds["types"] = "kubectl get instancetype -o json"
		cmds["nodes"] = NodesCommand
	}
	type answer struct {
		res CommandResult
		err error
	}
	answers := map[string]answer{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for k, cmd := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.RunCommand(ctx, cp.ClusterID, cmd, nil)
			mu.Lock()
			answers[k] = answer{res, err}
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, k := range []string{"legacy", "health", "namespace", "types", "nodes"} {
		a, ok := answers[k]
		if !ok {
			continue
		}
		if why := commandTrouble(a.res, a.err); why != "" && (a.err != nil || a.res.Failed) {
			return append(fs, rules.Finding{Code: DocInside, Severity: rules.Warn, Message: "could not look inside the cluster: " + why,
				Fix: "free room on a node (the run command's pod needs 200m CPU / 500Mi) or use kubectl with a kubeconfig"})
		}
	}
	if st, err := ParseLegacyRead(answers["legacy"].res.Logs); err == nil {
		fs = append(fs, legacyRouterFindings(st, cp.Name, legacy)...)
	}
	if legacy {
		return fs
	}
	if a := answers["health"]; a.res.ExitCode == 0 {
		var cm struct {
			Data map[string]string `json:"data"`
		}
		if json.Unmarshal([]byte(a.res.Logs), &cm) == nil {
			seen := false
			for _, key := range []string{"reports-pre-install", "reports-pre-upgrade", "reports-pre-rollback", "reports-pre-delete"} {
				for _, f := range ParseHealthReport(cm.Data[key]) {
					seen = true
					hc, known := HealthCodes[f.Code]
					sev := rules.Warn
					if !known {
						hc = HealthCode{Code: f.Code, Meaning: f.Message, Fix: "read the logs: kubectl logs healthcheck -n azureml"}
					} else if hc.Blocks {
						sev = rules.Block
					}
					fs = append(fs, rules.Finding{Code: DocHealthcheck, Severity: sev,
						Message: fmt.Sprintf("healthcheck %s (%s, checker %s): %s", f.Code, key, f.Checker, hc.Meaning), Fix: hc.Fix})
				}
			}
			if !seen {
				fs = append(fs, rules.Finding{Code: DocHealthcheck, Severity: rules.Info, Message: "the extension's healthcheck passed every checker"})
			}
		}
	} else if extOK {
		fs = append(fs, rules.Finding{Code: DocHealthcheck, Severity: rules.Warn, Message: "the extension's healthcheck report (configmap arcml-healthcheck) is missing",
			Fix: "kubectl get pods -n azureml; reinstall the extension if its pods are not running"})
	}
	if a := answers["namespace"]; a.res.ExitCode != 0 {
		fs = append(fs, rules.Finding{Code: DocNamespace, Severity: rules.Block, Message: "the compute's namespace " + ns + " does not exist in the cluster: deployments fail",
			Fix: "create it: kubectl create namespace " + ns + " (or az aks command invoke … --command \"kubectl create namespace " + ns + "\")"})
	}
	a := answers["types"]
	switch {
	case strings.Contains(a.res.Logs, "doesn't have a resource type"):
		if extOK {
			fs = append(fs, rules.Finding{Code: DocInstanceType, Severity: rules.Block, Message: "the InstanceType resource is missing although the extension says Succeeded: deployments fail in ValidateInstanceTypeAsync",
				Fix: "reinstall the Azure ML extension"})
		}
	case a.res.ExitCode == 0:
		pools, _ := ParseNodes(answers["nodes"].res.Logs)
		types := parseInstanceTypes(a.res.Logs)
		if len(types) == 0 {
			fs = append(fs, rules.Finding{Code: DocInstanceType, Severity: rules.Warn, Message: "no instance types: deployments get defaultinstancetype (0.1 CPU / 2 GiB), too small for an MLflow model (2 CPU / 4 GB)",
				Fix: "create some sized to the nodes: " + strings.Join(InstanceTypeRows(rules.ProposeInstanceTypes(pools), pools), "; ")})
		}
		for _, t := range types {
			fits := false
			for _, n := range pools {
				fits = fits || t.FitPerNode(n) > 0
			}
			if !fits && len(pools) > 0 {
				fs = append(fs, rules.Finding{Code: DocInstanceType, Severity: rules.Warn, Message: fmt.Sprintf("instance type %s (%s CPU, %s) fits no node: a deployment using it fails with \"exceeded the node size\"",
					t.Name, rules.FormatCPU(t.CPU), rules.FormatMemory(t.Memory)), Fix: "make it smaller: kubectl edit instancetype " + t.Name})
			}
		}
		if len(types) > 0 {
			fs = append(fs, rules.Finding{Code: DocInstanceType, Severity: rules.Info, Message: "instance types: " + strings.Join(InstanceTypeRows(types, pools), "; ")})
		}
	}
	return fs
}

// parseInstanceTypes reads `kubectl get instancetype -o json`.
func parseInstanceTypes(logs string) []rules.InstanceType {
	var list struct {
		Items []struct {
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
			Spec struct {
				NodeSelector map[string]string `json:"nodeSelector"`
				Resources    struct {
					Requests map[string]any `json:"requests"`
					Limits   map[string]any `json:"limits"`
				} `json:"resources"`
			} `json:"spec"`
		} `json:"items"`
	}
	if json.Unmarshal([]byte(logs), &list) != nil {
		return nil
	}
	var out []rules.InstanceType
	for _, it := range list.Items {
		t := rules.InstanceType{Name: it.Metadata.Name, Pool: it.Spec.NodeSelector[rules.PoolLabel]}
		t.CPU, _ = rules.ParseCPU(fmt.Sprint(it.Spec.Resources.Requests["cpu"]))
		t.Memory, _ = rules.ParseMemory(fmt.Sprint(it.Spec.Resources.Requests["memory"]))
		t.LimitCPU, _ = rules.ParseCPU(fmt.Sprint(it.Spec.Resources.Limits["cpu"]))
		t.LimitMemory, _ = rules.ParseMemory(fmt.Sprint(it.Spec.Resources.Limits["memory"]))
		if g, ok := it.Spec.Resources.Limits["nvidia.com/gpu"].(float64); ok {
			t.GPUs = int(g)
		}
		out = append(out, t)
	}
	return out
}

// trustedAccessFinding: a cluster Azure ML reaches only through Trusted
// Access (local accounts disabled, authorized ranges, private API server)
// needs the workspace's role binding.
func trustedAccessFinding(ctx context.Context, kc Cloud, ws WorkspaceRef, cp Compute, cl Cluster) (rules.Finding, bool) {
	needs := ClusterTrustedAccessNeeds(cl)
	if len(needs) == 0 {
		return rules.Finding{}, false
	}
	p := &Plan{Workspace: Workspace{WorkspaceRef: ws}}
	wsID := p.WorkspaceID()
	bs, err := kc.RoleBindings(ctx, cp.ClusterID)
	if err != nil {
		return rules.Finding{Code: DocTrustedAccess, Severity: rules.Warn, Message: "the cluster's Trusted Access role bindings could not be read: " + err.Error(),
			Fix: "az aks trustedaccess rolebinding list -g " + cl.ResourceGroup + " --cluster-name " + cl.Name}, true
	}
	for _, b := range bs {
		if b.Binds(wsID) && strings.EqualFold(b.State, "Succeeded") {
			return rules.Finding{Code: DocTrustedAccess, Severity: rules.Info, Message: "Trusted Access role binding " + b.Name + " lets " + ws.Name + " reach the cluster (" + strings.Join(needs, ", ") + ")"}, true
		}
	}
	return rules.Finding{Code: DocTrustedAccess, Severity: rules.Block,
		Message: "the cluster needs Trusted Access (" + strings.Join(needs, ", ") + ") and " + ws.Name + " has no role binding on it: deployments fail with ClusterUnauthorized or cannot reach it",
		Fix:     "attach again with amlaks (it creates the binding), or az aks trustedaccess rolebinding create -g " + cl.ResourceGroup + " --cluster-name " + cl.Name + " -n <name> --source-resource-id " + wsID + " --roles " + MLWorkloadRole}, true
}
