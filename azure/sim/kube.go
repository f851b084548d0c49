package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// A small model of what runs inside a managed cluster, for the AKS run
// command: nodes derived from the agent pools, namespaces, the Azure ML
// extension's InstanceType custom resources (its CRD exists only while a
// healthy extension is installed), its healthcheck configmap, and the
// legacy v1 router (azureml-fe) on clusters attached as AKS computes.
// What changes is kept per cluster in the state file (kubeRec).

// kubeRec is what kubectl changed in one cluster.
type kubeRec struct {
	Cluster       string                       `json:"cluster"` // lower-case cluster id
	Namespaces    []string                     `json:"namespaces,omitempty"`
	InstanceTypes map[string]json.RawMessage   `json:"instanceTypes,omitempty"` // name → object as applied
	Annotations   map[string]map[string]string `json:"annotations,omitempty"`   // "kind/ns/name" → annotations
	// LegacyGone are the v1 router objects kubectl deleted ("kind/name",
	// legacyfe.go).
	LegacyGone []string `json:"legacyGone,omitempty"`
}

// Requests the model places on every node besides the user's pods: the
// kube-system add-ons, and the Azure ML extension's inference components
// (about 1.8 vCPU / 2.4 GiB for the whole cluster, reference-kubernetes.md
// "For Test"), spread evenly. Modelled, not measured.
const (
	systemCPUPerNode = 250 // millicores
	systemMemPerNode = 400 // Mi
	extensionCPU     = 1800
	extensionMem     = 2400
	// The run command's pod (access-private-cluster.md).
	commandPodCPU = 200
	commandPodMem = 500
)

// node is one Kubernetes node of a pool.
type node struct {
	Name        string
	Pool        string
	CPU, Mem    int // allocatable: millicores, Mi
	GPUs        int
	Labels      map[string]string
	Taints      []string // "key=value:Effect"
	UsedCPU     int      // requests already bound to it
	UsedMem     int
	VMSize      string
	Version     string
	Unreachable bool
}

// cpuReserved is AKS's kube-reserved CPU by core count (node-resource-reservations.md).
func cpuReserved(cores int) int {
	table := []struct{ cores, m int }{{1, 60}, {2, 100}, {4, 140}, {8, 180}, {16, 260}, {32, 420}, {64, 740}}
	r := table[0].m
	for _, t := range table {
		if cores >= t.cores {
			r = t.m
		}
	}
	return r
}

// nodesLocked are the cluster's nodes, with what the model binds to them.
func (h *Handler) nodesLocked(c *cluster) []node {
	var out []node
	maxPods := 110
	if c.NetworkPlugin == "azure" {
		maxPods = 30
	}
	total := 0
	for _, p := range c.Pools {
		total += p.Count
	}
	ext := h.azuremlExtensionLocked(c)
	for _, p := range c.Pools {
		sz := h.w.size(p.VMSize)
		cores, memGB, gpus := 2, 8.0, 0
		if sz != nil {
			cores, memGB, gpus = sz.VCPUs, sz.MemoryGB, sz.GPUs
		}
		memMi := int(memGB * 1024)
		reserved := min(20*maxPods+50, memMi/4) + 100
		for i := 0; i < p.Count; i++ {
			n := node{Name: fmt.Sprintf("aks-%s-%s-vmss%06d", p.Name, c.hash()[:8], i), Pool: p.Name,
				CPU: cores*1000 - cpuReserved(cores), Mem: memMi - reserved, GPUs: gpus, VMSize: p.VMSize, Version: c.Version,
				Labels: map[string]string{"kubernetes.azure.com/agentpool": p.Name, "agentpool": p.Name,
					"node.kubernetes.io/instance-type": p.VMSize, "kubernetes.io/os": "linux", "kubernetes.azure.com/mode": strings.ToLower(p.Mode)},
				Taints:  append([]string(nil), p.Taints...),
				UsedCPU: systemCPUPerNode, UsedMem: systemMemPerNode}
			if gpus > 0 {
				n.Labels["kubernetes.azure.com/accelerator"] = "nvidia"
			}
			for k, v := range p.Labels {
				n.Labels[k] = v
			}
			if ext != nil && total > 0 {
				n.UsedCPU += extensionCPU / total
				n.UsedMem += extensionMem / total
			}
			out = append(out, n)
		}
	}
	return out
}

// azuremlExtensionLocked is the cluster's Azure ML extension (nil: none).
func (h *Handler) azuremlExtensionLocked(c *cluster) *extensionRec {
	for _, e := range h.extensionsOfLocked(c.id()) {
		if strings.EqualFold(e.Type, "Microsoft.AzureML.Kubernetes") {
			return e
		}
	}
	return nil
}

// crdInstalledLocked: the InstanceType CRD comes with a healthy extension
// (the instancetype checker's E45006 is the model of it missing).
func (h *Handler) crdInstalledLocked(c *cluster) bool {
	e := h.azuremlExtensionLocked(c)
	return e != nil && e.State == "Succeeded" && h.pendingLocked(c.id(), e.Name) == nil && e.HealthCode != "E45006"
}

func (h *Handler) kubeLocked(c *cluster, create bool) *kubeRec {
	id := strings.ToLower(c.id())
	for _, k := range h.st.Kube {
		if k.Cluster == id {
			return k
		}
	}
	if !create {
		return &kubeRec{Cluster: id}
	}
	k := &kubeRec{Cluster: id}
	h.st.Kube = append(h.st.Kube, k)
	return k
}

var systemNamespaces = []string{"default", "kube-node-lease", "kube-public", "kube-system"}

func (h *Handler) namespacesLocked(c *cluster) []string {
	ns := append([]string(nil), systemNamespaces...)
	if h.azuremlExtensionLocked(c) != nil {
		ns = append(ns, "azureml")
	}
	if v1 := h.legacyNamespaceLocked(c); v1 != "" {
		ns = append(ns, v1)
	}
	ns = append(ns, h.kubeLocked(c, false).Namespaces...)
	sort.Strings(ns)
	return ns
}

// healthReportLocked is the arcml-healthcheck configmap's data.
func (h *Handler) healthReportLocked(c *cluster, e *extensionRec) map[string]string {
	header := "Duration: 41.3s\nDate: " + e.Modified.UTC().Format("2006-01-02 15:04:05") + "\nK8sDistribution: aks\nCorrelationId: " +
		shortHash(e.Cluster) + "-0000-4000-8000-" + shortHash(e.Name) + "0000\nTroubleShootingGuide: https://aka.ms/arcmltsg\n"
	lines := []string{"Status: Passed Name: info", "Status: Passed Name: service", "Status: Passed Name: helmchart",
		"Status: Passed Name: clusterresource", "Status: Passed Name: instancetype", "Status: Passed Name: inferencev1"}
	if code := e.HealthCode; code != "" {
		name, msg := healthChecker(code)
		for i, l := range lines {
			if strings.HasSuffix(l, " "+name) {
				lines[i] = fmt.Sprintf("Status: Failed Name: %s ErrorCode: %s ErrorMessage: %s", name, code, msg)
			}
		}
	}
	return map[string]string{"reports-pre-install": header + strings.Join(lines, "\n") + "\n"}
}

// healthChecker is the checker that reports a code, and its message.
func healthChecker(code string) (name, msg string) {
	switch code {
	case "E40001":
		return "service", "Load balancer not supported"
	case "E40002":
		return "clusterresource", "Insufficient node for inference router HA"
	case "E45004":
		return "inferencev1", "Azureml Fe role confict"
	case "E45005":
		return "inferencev1", "Azureml Fe deployment confict"
	case "E45006":
		return "instancetype", "Failed to validate or update instancetype"
	}
	return "helmchart", "Agent unhealthy"
}

// ---- objects as kubectl shows them ----

type kobj = map[string]any

func meta(name, ns string, extra kobj) kobj {
	m := kobj{"name": name}
	if ns != "" {
		m["namespace"] = ns
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func (h *Handler) nodeObjects(c *cluster) []kobj {
	var out []kobj
	for _, n := range h.nodesLocked(c) {
		alloc := kobj{"cpu": fmt.Sprintf("%dm", n.CPU), "memory": fmt.Sprintf("%dKi", n.Mem*1024), "pods": "30"}
		if n.GPUs > 0 {
			alloc["nvidia.com/gpu"] = strconv.Itoa(n.GPUs)
		}
		labels := kobj{}
		for k, v := range n.Labels {
			labels[k] = v
		}
		spec := kobj{}
		if len(n.Taints) > 0 {
			var ts []any
			for _, t := range n.Taints {
				kv, effect, _ := strings.Cut(t, ":")
				k, v, _ := strings.Cut(kv, "=")
				ts = append(ts, kobj{"key": k, "value": v, "effect": effect})
			}
			spec["taints"] = ts
		}
		out = append(out, kobj{"apiVersion": "v1", "kind": "Node", "metadata": meta(n.Name, "", kobj{"labels": labels}), "spec": spec,
			"status": kobj{"allocatable": alloc, "conditions": []any{kobj{"type": "Ready", "status": "True"}},
				"nodeInfo": kobj{"kubeletVersion": "v" + n.Version}}})
	}
	return out
}

// objectsLocked lists the objects of a kind in a namespace ("" = all). ok
// false: the kind is unknown to the cluster.
func (h *Handler) objectsLocked(c *cluster, kind, ns string) ([]kobj, bool) {
	var out []kobj
	inNS := func(n string) bool { return ns == "" || ns == n }
	switch kind {
	case "node":
		return h.nodeObjects(c), true
	case "namespace":
		for _, n := range h.namespacesLocked(c) {
			out = append(out, kobj{"apiVersion": "v1", "kind": "Namespace", "metadata": meta(n, "", nil), "status": kobj{"phase": "Active"}})
		}
		return out, true
	case "instancetype":
		if !h.crdInstalledLocked(c) {
			return nil, false
		}
		k := h.kubeLocked(c, false)
		for _, name := range sortedKeys(k.InstanceTypes) {
			var o kobj
			if json.Unmarshal(k.InstanceTypes[name], &o) == nil {
				out = append(out, o)
			}
		}
		return out, true
	case "configmap":
		if e := h.azuremlExtensionLocked(c); e != nil && inNS("azureml") && h.pendingLocked(c.id(), e.Name) == nil {
			data := kobj{}
			for k, v := range h.healthReportLocked(c, e) {
				data[k] = v
			}
			out = append(out, kobj{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("arcml-healthcheck", "azureml", nil), "data": data})
		}
		return append(out, h.legacyObjectsLocked(c, kind, ns)...), true
	case "deployment":
		out = append(out, h.legacyObjectsLocked(c, kind, ns)...)
		if e := h.azuremlExtensionLocked(c); e != nil && e.State == "Succeeded" && inNS("azureml") {
			for _, d := range []string{"azureml-fe-v2", "aml-operator", "inference-operator-controller-manager"} {
				out = append(out, kobj{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(d, "azureml", nil),
					"spec": kobj{"replicas": 1}, "status": kobj{"readyReplicas": 1}})
			}
		}
		return out, true
	case "service":
		if e := h.azuremlExtensionLocked(c); e != nil && e.State == "Succeeded" && inNS("azureml") {
			typ := e.Settings["inferenceRouterServiceType"]
			if typ == "" {
				typ = "LoadBalancer"
			}
			out = append(out, kobj{"apiVersion": "v1", "kind": "Service", "metadata": meta("azureml-fe", "azureml", nil),
				"spec": kobj{"type": typ}})
		}
		return append(out, h.legacyObjectsLocked(c, kind, ns)...), true
	case "serviceaccount", "clusterrole", "clusterrolebinding", "secret":
		return h.legacyObjectsLocked(c, kind, ns), true
	case "pod":
		return out, true
	}
	return nil, false
}

// kinds maps what kubectl accepts to a kind, its resource (plural) and
// whether it is namespaced.
var kinds = map[string]struct {
	kind, plural, group string
	namespaced          bool
}{}

func init() {
	add := func(kind, plural, group string, namespaced bool, names ...string) {
		for _, n := range append(names, kind, plural) {
			kinds[n] = struct {
				kind, plural, group string
				namespaced          bool
			}{kind, plural, group, namespaced}
		}
	}
	add("node", "nodes", "", false, "no")
	add("namespace", "namespaces", "", false, "ns")
	add("instancetype", "instancetypes", "amlarc.azureml.com", false, "instancetype.amlarc.azureml.com", "instancetypes.amlarc.azureml.com")
	add("configmap", "configmaps", "", true, "cm")
	add("deployment", "deployments", "apps", true, "deploy", "deployment.apps", "deployments.apps")
	add("service", "services", "", true, "svc")
	add("pod", "pods", "", true, "po")
	add("serviceaccount", "serviceaccounts", "", true, "sa")
	add("clusterrole", "clusterroles", "rbac.authorization.k8s.io", false)
	add("clusterrolebinding", "clusterrolebindings", "rbac.authorization.k8s.io", false)
	add("secret", "secrets", "", true)
}

// KubeObjects lists the names of the objects of a kind ("namespace",
// "instancetype", "node") in a cluster by resource id, as kubectl would
// see them now: for tests that assert on the cluster, not the output.
func (h *Handler) KubeObjects(clusterID, kind string) ([]string, error) {
	if err := h.begin(context.Background()); err != nil {
		return nil, err
	}
	defer h.end()
	c := h.clusterByIDLocked(clusterID)
	if c == nil {
		return nil, fmt.Errorf("sim: no cluster %s", clusterID)
	}
	objs, ok := h.objectsLocked(c, kind, "")
	if !ok {
		return nil, fmt.Errorf("sim: the cluster has no resource type %q", kind)
	}
	var out []string
	for _, o := range objs {
		out = append(out, objName(o))
	}
	return out, nil
}

// KubeObject is one object as `kubectl get KIND NAME -o json` prints it
// (nil when absent).
func (h *Handler) KubeObject(clusterID, kind, ns, name string) (map[string]any, error) {
	if err := h.begin(context.Background()); err != nil {
		return nil, err
	}
	defer h.end()
	c := h.clusterByIDLocked(clusterID)
	if c == nil {
		return nil, fmt.Errorf("sim: no cluster %s", clusterID)
	}
	objs, _ := h.objectsLocked(c, kind, ns)
	for _, o := range objs {
		if objName(o) == name {
			return o, nil
		}
	}
	return nil, nil
}
