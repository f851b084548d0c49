package wizard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/amlaks/amlaks/rules"
)

// Readiness: after the attach the compute can take a deployment only when
// its namespace exists in the cluster and it has instance types that fit
// the nodes. amlaks makes both through AKS's run command (no kubeconfig,
// private clusters too); when the run command cannot run it prints the
// YAML and the kubectl commands instead, and the attach still succeeds.

// CommandResult is what the command pod reported. Failed: the pod never
// ran (Reason says why, e.g. it could not be scheduled in 60 s); else
// ExitCode and Logs are the command's.
type CommandResult struct {
	Failed   bool
	Reason   string
	ExitCode int
	Logs     string
}

// PhaseReady prepares the cluster for deployments (namespace, instance
// types).
const PhaseReady PhaseKind = "ready"

// ReadinessFile is the manifest's name in the run command's context and
// in the printed instructions.
const ReadinessFile = "amlaks-ready.yaml"

// WantsInstanceTypes is whether the plan creates instance types: proposed
// from the nodes unless --instance-type names them or
// --no-instance-types drops them.
func (p *Plan) WantsInstanceTypes() bool { return !p.NoInstanceTypes }

// namespaceOf is the compute's namespace ("default" when unset).
func (p *Plan) namespaceOf() string {
	if p.Namespace == "" {
		return "default"
	}
	return p.Namespace
}

// ReadinessManifest is the YAML applied in the cluster: the namespace
// (unless it is default) and the instance types.
func ReadinessManifest(namespace string, types []rules.InstanceType) string {
	var docs []string
	if namespace != "" && namespace != "default" {
		docs = append(docs, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "+namespace+"\n")
	}
	for _, t := range types {
		var b strings.Builder
		b.WriteString("apiVersion: amlarc.azureml.com/v1alpha1\nkind: InstanceType\nmetadata:\n  name: " + t.Name + "\nspec:\n")
		if t.Pool != "" {
			b.WriteString("  nodeSelector:\n    " + rules.PoolLabel + ": " + t.Pool + "\n")
		}
		b.WriteString("  resources:\n    requests:\n")
		fmt.Fprintf(&b, "      cpu: %q\n      memory: %q\n    limits:\n      cpu: %q\n      memory: %q\n",
			rules.FormatCPU(t.CPU), rules.FormatMemory(t.Memory), rules.FormatCPU(t.LimitCPU), rules.FormatMemory(t.LimitMemory))
		if t.GPUs > 0 {
			fmt.Fprintf(&b, "      nvidia.com/gpu: %d\n", t.GPUs)
		}
		docs = append(docs, b.String())
	}
	return strings.Join(docs, "---\n")
}

// ReadinessCommand is what the run command runs: apply the manifest,
// then list the nodes (sizing) and the instance types.
func ReadinessCommand(withTypes bool) string {
	if !withTypes {
		return "kubectl apply -f " + ReadinessFile
	}
	return "kubectl apply -f " + ReadinessFile + " && kubectl get instancetype -o name"
}

// NodesCommand reads the nodes for sizing.
const NodesCommand = "kubectl get nodes -o json"

// ReadinessManual is what to run by hand when amlaks could not: the
// manifest and the commands, with and without a kubeconfig.
func ReadinessManual(p *Plan, clusterName, group string, types []rules.InstanceType) string {
	var b strings.Builder
	b.WriteString("Save this as " + ReadinessFile + ":\n\n")
	b.WriteString(ReadinessManifest(p.namespaceOf(), types))
	b.WriteString("\nthen, with a kubeconfig (az aks get-credentials -g " + group + " -n " + clusterName + "):\n")
	b.WriteString("  kubectl apply -f " + ReadinessFile + "\n")
	b.WriteString("or, without one, once the run command can run:\n")
	b.WriteString("  az aks command invoke -g " + group + " -n " + clusterName + " --command \"kubectl apply -f " + ReadinessFile + "\" --file " + ReadinessFile + "\n")
	return b.String()
}

// ReviewInstanceTypes are the types the plan will create, sized to what is
// known before submitting: the flags' types, or proposals for the pools
// (the create's pool from its VM size, an attach's from the cluster's).
// At submit the proposals are made again from the nodes' allocatable.
func ReviewInstanceTypes(p *Plan, sizes *SizeList) ([]rules.InstanceType, []rules.NodeShape) {
	if !p.Kubernetes() || p.NoInstanceTypes {
		return nil, nil
	}
	pools := p.planPools(sizes)
	if len(p.InstanceTypes) > 0 {
		types, _ := rules.FitsNodes(p.InstanceTypes, pools)
		return types, pools
	}
	return rules.ProposeInstanceTypes(pools), pools
}

func (p *Plan) planPools(sizes *SizeList) []rules.NodeShape {
	shape := func(pool, size string, count int) (rules.NodeShape, bool) {
		if sizes == nil {
			return rules.NodeShape{}, false
		}
		s, ok := sizes.Find(size)
		if !ok {
			return rules.NodeShape{}, false
		}
		cpu, mem := rules.AllocatableFor(s.VCPUs, s.MemoryGB, 30)
		return rules.NodeShape{Pool: pool, Count: count, CPU: cpu, Memory: mem, GPUs: s.GPUs}, true
	}
	var out []rules.NodeShape
	if p.Mode == ModeCreate {
		if n, ok := shape(NewClusterPool, p.VMSize, p.Nodes); ok {
			out = append(out, n)
		}
		return out
	}
	if p.Cluster != nil {
		return PoolShapes(*p.Cluster)
	}
	return out
}

// PoolShapes are a cluster's pools as sizing sees them, from their VM
// sizes (pools of an unknown size are left out).
func PoolShapes(cl Cluster) []rules.NodeShape {
	var out []rules.NodeShape
	for _, pl := range cl.Pools {
		if pl.VCPUs == 0 || pl.MemoryGB == 0 {
			continue
		}
		cpu, mem := rules.AllocatableFor(pl.VCPUs, pl.MemoryGB, 30)
		out = append(out, rules.NodeShape{Pool: pl.Name, Count: pl.Count, CPU: cpu, Memory: mem, GPUs: pl.GPUs})
	}
	return out
}

// NewClusterPool is the system pool a Kubernetes create makes.
const NewClusterPool = "system"

// InstanceTypeRows are the review's lines for the types: name, requests,
// limits, pool, how many fit on one node.
func InstanceTypeRows(types []rules.InstanceType, pools []rules.NodeShape) []string {
	var out []string
	for _, t := range types {
		pool, fit := "any", 0
		if t.Pool != "" {
			pool = t.Pool
		}
		for _, n := range pools {
			fit = max(fit, t.FitPerNode(n))
			if n.Pool == t.Pool && len(n.Taints) > 0 {
				// an InstanceType has no tolerations field (UNVERIFIED how
				// the extension's pods get one): say so rather than guess
				pool += " (tainted " + strings.Join(n.Taints, ", ") + ": the workloads must tolerate it)"
			}
		}
		gpu := ""
		if t.GPUs > 0 {
			gpu = fmt.Sprintf(", %d GPU", t.GPUs)
		}
		fits := fmt.Sprintf("%d per node", fit)
		if len(pools) == 0 {
			fits = "sized at submit from the nodes"
		}
		out = append(out, fmt.Sprintf("%s: requests %s CPU, %s; limits %s CPU, %s%s; pool %s; %s", t.Name,
			rules.FormatCPU(t.CPU), rules.FormatMemory(t.Memory), rules.FormatCPU(t.LimitCPU), rules.FormatMemory(t.LimitMemory), gpu, pool, fits))
	}
	return out
}

// ParseNodes reads `kubectl get nodes -o json` into one shape per pool
// (its smallest node).
func ParseNodes(logs string) ([]rules.NodeShape, error) {
	i := strings.Index(logs, "{")
	if i < 0 {
		return nil, errors.New("no node list in the command's output")
	}
	var list struct {
		Items []struct {
			Metadata struct {
				Name   string            `json:"name"`
				Labels map[string]string `json:"labels"`
			} `json:"metadata"`
			Spec struct {
				Taints []struct{ Key, Value, Effect string } `json:"taints"`
			} `json:"spec"`
			Status struct {
				Allocatable map[string]string `json:"allocatable"`
			} `json:"status"`
		} `json:"items"`
	}
	dec := json.NewDecoder(strings.NewReader(logs[i:]))
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("reading the node list: %w", err)
	}
	byPool := map[string]*rules.NodeShape{}
	for _, it := range list.Items {
		pool := it.Metadata.Labels[rules.PoolLabel]
		if pool == "" {
			pool = it.Metadata.Name
		}
		cpu, _ := rules.ParseCPU(it.Status.Allocatable["cpu"])
		mem, _ := rules.ParseMemory(it.Status.Allocatable["memory"])
		var gpus int
		fmt.Sscanf(it.Status.Allocatable["nvidia.com/gpu"], "%d", &gpus)
		var taints []string
		for _, t := range it.Spec.Taints {
			if t.Effect == "NoSchedule" || t.Effect == "NoExecute" {
				taints = append(taints, t.Key+"="+t.Value+":"+t.Effect)
			}
		}
		n := byPool[pool]
		if n == nil {
			byPool[pool] = &rules.NodeShape{Pool: pool, Count: 1, CPU: cpu, Memory: mem, GPUs: gpus, Taints: taints}
			continue
		}
		n.Count++
		n.CPU, n.Memory, n.GPUs = min(n.CPU, cpu), min(n.Memory, mem), min(n.GPUs, gpus)
	}
	var out []rules.NodeShape
	for _, n := range byPool {
		out = append(out, *n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pool < out[j].Pool })
	return out, nil
}

// ReadyReport is what the readiness phase did.
type ReadyReport struct {
	Namespace string
	Types     []rules.InstanceType
	Pools     []rules.NodeShape
	// Manual is set when amlaks could not apply the manifest: Why, and
	// the YAML and commands to run by hand.
	Why    string
	Manual string
	Notes  []string
}

// readiness runs beside the extension and the attach: the namespace and
// the node list need only the cluster; the instance types need the
// extension's CRD, so they wait for extensionDone.
type readiness struct {
	done, ext chan struct{}
	once      sync.Once
	cancel    context.CancelFunc
	report    ReadyReport
}

// runsCommands says whether c can run commands in the cluster: the azure
// adapter always can; a test double without a cluster answers
// ErrUnsupported, and then there is no cluster to prepare or look into.
func runsCommands(c Cloud, clusterID string) bool {
	_, err := c.CommandRequest(clusterID, NodesCommand, nil)
	return !errors.Is(err, ErrUnsupported)
}

func (p *Plan) readinessWanted() bool {
	return p.Kubernetes() && !(p.NoInstanceTypes && p.namespaceOf() == "default")
}

// beginReadiness starts the readiness phase beside the extension and the
// attach (nil-safe methods when the plan wants none).
func beginReadiness(ctx context.Context, c Cloud, p *Plan, on func(PhaseProgress)) *readiness {
	if !p.readinessWanted() || !runsCommands(c, p.TargetClusterID()) {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &readiness{done: make(chan struct{}), ext: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(r.done)
		cl, err := c.Cluster(ctx, p.TargetClusterID())
		if err != nil {
			cl = Cluster{}
			if p.Cluster != nil {
				cl = *p.Cluster
			}
		}
		r.report = runReadiness(ctx, c, p, cl, r.ext, on)
	}()
	return r
}

// extensionReady lets the instance types go ahead (the CRD exists).
func (r *readiness) extensionReady() {
	if r != nil {
		r.once.Do(func() { close(r.ext) })
	}
}

// wait waits for the phase to end.
func (r *readiness) wait() {
	if r != nil {
		<-r.done
	}
}

// stop ends the phase early (a later phase failed) and waits for it, so
// nothing is reported after RunPhases returns.
func (r *readiness) stop() {
	if r != nil {
		r.cancel()
		<-r.done
	}
}

func runReadiness(ctx context.Context, c Cloud, p *Plan, cl Cluster, extensionDone <-chan struct{}, on func(PhaseProgress)) ReadyReport {
	rep := ReadyReport{Namespace: p.namespaceOf()}
	id, _ := rules.ParseClusterID(p.TargetClusterID())
	manual := func(why string, types []rules.InstanceType) ReadyReport {
		rep.Why = why
		rep.Manual = ReadinessManual(p, id.Name, id.ResourceGroup, types)
		on(PhaseProgress{Phase: PhaseReady, Progress: Progress{State: "manual", Done: true, Note: why, Manual: rep.Manual}})
		return rep
	}
	flagTypes := p.InstanceTypes
	if p.NoInstanceTypes {
		flagTypes = nil
	} else if len(flagTypes) == 0 {
		// what would be proposed, for the instructions when amlaks
		// cannot read the nodes itself
		flagTypes = rules.ProposeInstanceTypes(PoolShapes(cl))
	}
	switch {
	case cl.RunCommandDisabled:
		return manual("the cluster's run command is disabled (apiServerAccessProfile.disableRunCommand): amlaks cannot run kubectl in it", flagTypes)
	case cl.PowerState != "" && cl.PowerState != "Running":
		return manual("the cluster is "+cl.PowerState+": the run command needs it running", flagTypes)
	}
	on(PhaseProgress{Phase: PhaseReady, Progress: Progress{State: "namespace " + rep.Namespace + ", reading the nodes"}})
	files := map[string][]byte{ReadinessFile: []byte(ReadinessManifest(rep.Namespace, nil))}
	cmd := NodesCommand
	if rep.Namespace != "default" {
		cmd = "kubectl apply -f " + ReadinessFile + " && " + NodesCommand
	}
	res, err := c.RunCommand(ctx, p.TargetClusterID(), cmd, files)
	if why := commandTrouble(res, err); why != "" {
		return manual(why, flagTypes)
	}
	pools, err := ParseNodes(res.Logs)
	if err != nil {
		return manual("the node list could not be read: "+err.Error(), flagTypes)
	}
	rep.Pools = pools
	if rep.Namespace != "default" {
		rep.Notes = append(rep.Notes, "namespace "+rep.Namespace+" is there")
	}
	if p.NoInstanceTypes {
		on(PhaseProgress{Phase: PhaseReady, Progress: Progress{State: "ready", Done: true, Note: strings.Join(rep.Notes, "; ")}})
		return rep
	}
	types := p.InstanceTypes
	if len(types) == 0 {
		types = rules.ProposeInstanceTypes(pools)
	}
	types, vs := rules.FitsNodes(types, pools)
	var kept []rules.InstanceType
	for _, t := range types {
		bad := false
		for _, v := range vs {
			if strings.HasPrefix(v.Message, t.Name+" ") {
				bad = true
				rep.Notes = append(rep.Notes, "not created: "+v.Message)
			}
		}
		if !bad {
			kept = append(kept, t)
		}
	}
	rep.Types = kept
	if len(kept) == 0 {
		on(PhaseProgress{Phase: PhaseReady, Progress: Progress{State: "ready", Done: true, Note: strings.Join(rep.Notes, "; ")}})
		return rep
	}
	on(PhaseProgress{Phase: PhaseReady, Progress: Progress{State: "waiting for the extension's InstanceType resource"}})
	select {
	case <-extensionDone:
	case <-ctx.Done():
		return rep
	}
	on(PhaseProgress{Phase: PhaseReady, Progress: Progress{State: "applying " + names(kept)}})
	files = map[string][]byte{ReadinessFile: []byte(ReadinessManifest(rep.Namespace, kept))}
	res, err = c.RunCommand(ctx, p.TargetClusterID(), ReadinessCommand(true), files)
	if why := commandTrouble(res, err); why != "" {
		return manual(why, kept)
	}
	rep.Notes = append(rep.Notes, "instance types "+names(kept))
	on(PhaseProgress{Phase: PhaseReady, Progress: Progress{State: "ready", Done: true, Note: strings.Join(rep.Notes, "; ")}})
	return rep
}

func names(ts []rules.InstanceType) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.Name)
	}
	return strings.Join(s, ", ")
}

// commandTrouble is why a run command did not do its work ("" if it did).
func commandTrouble(res CommandResult, err error) string {
	var we *Error
	switch {
	case errors.As(err, &we):
		return "the run command could not start: " + we.Message
	case err != nil:
		return "the run command could not start: " + err.Error()
	case res.Failed:
		return "the run command's pod did not run: " + res.Reason
	case res.ExitCode != 0:
		return fmt.Sprintf("kubectl failed (exit %d): %s", res.ExitCode, strings.TrimSpace(res.Logs))
	}
	return ""
}

// lockedProgress serialises a progress callback called from the phases
// running side by side.
func lockedProgress(on func(PhaseProgress)) func(PhaseProgress) {
	var mu sync.Mutex
	return func(pp PhaseProgress) {
		mu.Lock()
		defer mu.Unlock()
		on(pp)
	}
}

// readinessPhase is the readiness phase as a dry run and the review show
// it: the run command that applies the namespace and the instance types
// sized to what is known now (at submit they are sized again from the
// nodes' allocatable).
func readinessPhase(c Cloud, p *Plan) (Phase, bool, error) {
	if !p.readinessWanted() || !runsCommands(c, p.TargetClusterID()) {
		return Phase{}, false, nil
	}
	types, pools := ReviewInstanceTypes(p, p.sizes)
	manifest := ReadinessManifest(p.namespaceOf(), types)
	cmd := ReadinessCommand(len(types) > 0)
	req, err := c.CommandRequest(p.TargetClusterID(), cmd, map[string][]byte{ReadinessFile: []byte(manifest)})
	if err != nil {
		return Phase{}, false, err
	}
	id, _ := rules.ParseClusterID(p.TargetClusterID())
	title := "prepare " + clusterName(p) + " for deployments through the AKS run command: namespace " + p.namespaceOf()
	var details []string
	switch {
	case p.NoInstanceTypes:
		title += ", no instance types (--no-instance-types)"
	case len(types) == 0:
		title += ", instance types sized to the nodes when they are read"
	default:
		title += ", instance types:"
		details = InstanceTypeRows(types, pools)
	}
	eq := "az aks command invoke --resource-group " + id.ResourceGroup + " --name " + id.Name + " --command \"" + cmd + "\" --file " + ReadinessFile +
		" --subscription " + id.SubscriptionID
	// the file the command applies, under the title (the equivalent is one az command)
	details = append(details, ReadinessFile+":")
	for _, l := range strings.Split(strings.TrimRight(manifest, "\n"), "\n") {
		details = append(details, "  "+l)
	}
	return Phase{Kind: PhaseReady, Title: title, Request: req, Equivalent: eq, Details: details}, true, nil
}
