package rules

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Instance types (the Azure ML extension's InstanceType resources) sized
// to a cluster's nodes. A deployment asks for a type; a type larger than
// every node fails the deployment ("the instance type defined resource
// requirement has exceeded the node size"), the implicit
// defaultinstancetype (0.1 CPU / 2 GiB) cannot serve an MLflow model
// (2 CPU / 4 GB at least), and a GPU needs its own type with
// nvidia.com/gpu and a node selector on the GPU pool.

// NodeShape is one pool's node, as far as sizing goes.
type NodeShape struct {
	Pool   string
	Count  int
	CPU    int // allocatable millicores
	Memory int // allocatable MiB
	GPUs   int
	Taints []string // "key=value:Effect"
}

// InstanceType is one InstanceType resource: requests, limits, and the
// pool it is pinned to ("" = any node).
type InstanceType struct {
	Name        string
	Pool        string
	CPU         int // requested millicores
	Memory      int // requested MiB
	LimitCPU    int
	LimitMemory int
	GPUs        int // nvidia.com/gpu limit
}

// PoolLabel is the label AKS puts on every node with its pool's name
// (azure-aks-docs aks-production-upgrade-strategies.md).
const PoolLabel = "kubernetes.azure.com/agentpool"

// Headroom each node keeps for what runs besides a deployment: kube-system
// add-ons, the Azure ML extension's pods, each deployment's identity
// sidecar and the run command's pod (200m / 500Mi). Modelled from the
// documented requests, not measured.
const (
	HeadroomCPU    = 500
	HeadroomMemory = 1024
)

// MLflow's floor for a deployment's requests (how-to-manage-kubernetes-instance-types.md).
const (
	MLflowCPU    = 2000
	MLflowMemory = 4096
)

// AllocatableFor is a node's allocatable as AKS (1.29 and later) reserves
// it: kube-reserved CPU by cores, memory min(20 MB × max pods + 50 MB,
// 25 %) plus a 100 Mi eviction threshold (node-resource-reservations.md).
// The nodes' own status.allocatable is the real figure; this is for the
// review before the cluster exists.
func AllocatableFor(vcpus int, memoryGiB float64, maxPods int) (cpu, memory int) {
	reserved := []struct{ cores, m int }{{1, 60}, {2, 100}, {4, 140}, {8, 180}, {16, 260}, {32, 420}, {64, 740}}
	r := 60
	for _, x := range reserved {
		if vcpus >= x.cores {
			r = x.m
		}
	}
	mem := int(memoryGiB * 1024)
	if maxPods <= 0 {
		maxPods = 30
	}
	return vcpus*1000 - r, mem - min(20*maxPods+50, mem/4) - 100
}

// usable is what a node offers a deployment.
func (n NodeShape) usable() (cpu, memory int) { return n.CPU - HeadroomCPU, n.Memory - HeadroomMemory }

// FitPerNode is how many of t one node of n holds by requests (0: none,
// also when the type is pinned to another pool or needs a GPU n lacks).
func (t InstanceType) FitPerNode(n NodeShape) int {
	if t.Pool != "" && t.Pool != n.Pool {
		return 0
	}
	if t.Pool == "" && len(n.Taints) > 0 {
		return 0 // an unpinned type's pods tolerate no taint
	}
	cpu, mem := n.usable()
	if t.CPU <= 0 || t.Memory <= 0 || t.CPU > cpu || t.Memory > mem || t.LimitCPU > n.CPU || t.LimitMemory > n.Memory {
		return 0
	}
	k := min(cpu/t.CPU, mem/t.Memory)
	if t.GPUs > 0 {
		if n.GPUs < t.GPUs {
			return 0
		}
		k = min(k, n.GPUs/t.GPUs)
	}
	return k
}

// ProposeInstanceTypes sizes types to the pools: a small CPU type, one
// that meets MLflow's floor where an untainted pool's node holds it, and
// one GPU type per GPU pool pinned to it. Each fits at least one node.
func ProposeInstanceTypes(pools []NodeShape) []InstanceType {
	var out []InstanceType
	// the CPU types go where an untainted pool has the most CPU, a pool
	// without GPUs first (the GPUs are kept for the GPU type)
	best := -1
	for _, gpuOK := range []bool{false, true} {
		for i, n := range pools {
			if (n.GPUs == 0 || gpuOK) && len(n.Taints) == 0 && (best < 0 || n.CPU > pools[best].CPU) {
				best = i
			}
		}
		if best >= 0 {
			break
		}
	}
	if best >= 0 {
		n := pools[best]
		cpu, mem := n.usable()
		small := InstanceType{Name: "cpu-small", CPU: 500, Memory: 1024, LimitCPU: 1000, LimitMemory: 2048}
		if small.FitPerNode(n) == 0 && cpu >= 100 && mem >= 256 {
			small = InstanceType{Name: "cpu-small", CPU: roundDown(cpu/2, 100), Memory: roundDown(mem/2, 128)}
			small.LimitCPU, small.LimitMemory = small.CPU, small.Memory
		}
		if small.FitPerNode(n) > 0 {
			out = append(out, small)
		}
		ml := InstanceType{Name: "cpu-mlflow", CPU: MLflowCPU, Memory: MLflowMemory, LimitCPU: MLflowCPU, LimitMemory: MLflowMemory}
		if ml.FitPerNode(n) > 0 {
			out = append(out, ml)
		}
	}
	for _, n := range pools {
		if n.GPUs == 0 {
			continue
		}
		cpu, mem := n.usable()
		g := InstanceType{Name: "gpu-" + n.Pool, Pool: n.Pool, GPUs: 1,
			CPU: min(roundDown(cpu/n.GPUs, 100), 4000), Memory: min(roundDown(mem/n.GPUs, 256), 16384)}
		g.LimitCPU, g.LimitMemory = g.CPU, g.Memory
		if g.FitPerNode(n) > 0 {
			out = append(out, g)
		}
	}
	return out
}

func roundDown(v, step int) int { return v / step * step }

// FitsNodes returns, for each type, the violation when it fits no node
// (the deployment would fail), and a GPU type without a pool gets the
// GPU pool when there is exactly one.
func FitsNodes(types []InstanceType, pools []NodeShape) ([]InstanceType, []Violation) {
	var vs []Violation
	out := append([]InstanceType(nil), types...)
	var gpuPools []string
	for _, n := range pools {
		if n.GPUs > 0 {
			gpuPools = append(gpuPools, n.Pool)
		}
	}
	for i := range out {
		t := &out[i]
		if t.GPUs > 0 && t.Pool == "" {
			if len(gpuPools) == 0 {
				vs = append(vs, Violation{Field: "instance-type", Code: "no-gpu-pool",
					Message: fmt.Sprintf("%s asks for %d GPU but the cluster has no GPU pool; drop its GPU count or add a GPU pool", t.Name, t.GPUs)})
				continue
			}
			t.Pool = gpuPools[0]
		}
		fits := false
		for _, n := range pools {
			if t.FitPerNode(n) > 0 {
				fits = true
			}
		}
		if !fits {
			vs = append(vs, Violation{Field: "instance-type", Code: "too-big",
				Message: fmt.Sprintf("%s (%s CPU, %s) fits no node: the largest offers %s; make it smaller",
					t.Name, FormatCPU(t.CPU), FormatMemory(t.Memory), largest(pools))})
		}
	}
	return out, vs
}

func largest(pools []NodeShape) string {
	var cpu, mem int
	for _, n := range pools {
		c, m := n.usable()
		cpu, mem = max(cpu, c), max(mem, m)
	}
	return fmt.Sprintf("%s CPU, %s after headroom", FormatCPU(cpu), FormatMemory(mem))
}

var instanceTypeName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)

// ParseInstanceType reads NAME=CPU,MEMORY[,GPU] ("cpu-2=2,4Gi",
// "gpu=4,16Gi,1"): requests and limits alike (a guaranteed type).
func ParseInstanceType(s string) (InstanceType, error) {
	bad := func(msg string) (InstanceType, error) {
		return InstanceType{}, Violation{Field: "instance-type", Code: "instance-type", Message: msg}
	}
	name, spec, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok {
		return bad(fmt.Sprintf("want NAME=CPU,MEMORY[,GPU], e.g. cpu-2=2,4Gi (got %q)", s))
	}
	name = strings.TrimSpace(name)
	if !instanceTypeName.MatchString(name) {
		return bad(fmt.Sprintf("name %q must be 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit", name))
	}
	parts := strings.Split(spec, ",")
	if len(parts) < 2 || len(parts) > 3 {
		return bad(fmt.Sprintf("%s: want CPU,MEMORY[,GPU] after '=', e.g. 2,4Gi or 4,16Gi,1 (got %q)", name, spec))
	}
	cpu, ok := ParseCPU(parts[0])
	if !ok || cpu <= 0 {
		return bad(fmt.Sprintf("%s: CPU %q must be cores (2, 0.5) or millicores (500m), above zero", name, strings.TrimSpace(parts[0])))
	}
	mem, ok := ParseMemory(parts[1])
	if !ok || mem <= 0 {
		return bad(fmt.Sprintf("%s: memory %q must be a size such as 4Gi or 512Mi, above zero", name, strings.TrimSpace(parts[1])))
	}
	t := InstanceType{Name: name, CPU: cpu, Memory: mem, LimitCPU: cpu, LimitMemory: mem}
	if len(parts) == 3 {
		g, err := strconv.Atoi(strings.TrimSpace(parts[2]))
		if err != nil || g < 0 || g > 16 {
			return bad(fmt.Sprintf("%s: GPU %q must be a whole number of GPUs (0-16)", name, strings.TrimSpace(parts[2])))
		}
		t.GPUs = g
	}
	return t, nil
}

// ParseCPU reads a Kubernetes CPU quantity into millicores.
func ParseCPU(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if m, ok := strings.CutSuffix(s, "m"); ok {
		v, err := strconv.Atoi(m)
		return v, err == nil && v >= 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1024 || math.IsNaN(f) {
		return 0, false
	}
	return int(math.Round(f * 1000)), true
}

// ParseMemory reads a Kubernetes memory quantity into MiB.
func ParseMemory(s string) (int, bool) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mib    float64
	}{{"Ki", 1.0 / 1024}, {"Mi", 1}, {"Gi", 1024}, {"Ti", 1 << 20}, {"k", 1000.0 / (1 << 20)}, {"M", 1e6 / (1 << 20)}, {"G", 1e9 / (1 << 20)}, {"T", 1e12 / (1 << 20)}}
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(n, 64)
			if err != nil || f < 0 || f*u.mib > 1<<24 || math.IsNaN(f) {
				return 0, false
			}
			return int(f * u.mib), true
		}
	}
	return 0, false
}

// FormatCPU writes millicores as Kubernetes does ("500m", "2").
func FormatCPU(m int) string {
	if m%1000 == 0 {
		return strconv.Itoa(m / 1000)
	}
	return strconv.Itoa(m) + "m"
}

// FormatMemory writes MiB as "4Gi" or "1536Mi".
func FormatMemory(mi int) string {
	if mi%1024 == 0 {
		return strconv.Itoa(mi/1024) + "Gi"
	}
	return strconv.Itoa(mi) + "Mi"
}

// SortInstanceTypes orders types by name.
func SortInstanceTypes(ts []InstanceType) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
}
