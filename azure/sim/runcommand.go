package sim

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The AKS run command (POST managedClusters/{name}/runCommand, GET
// commandResults/{id}): a pod in the cluster runs the command; the answer
// is 202 with a Location that reports 202 until the pod is done and then
// the RunCommandResult. The kubectl it runs is kubectl.go's.

// runCommandDuration is how long a command takes at Speed 1 (a pod start
// and kubectl: seconds, azure-facts' "seconds to tens of seconds").
const runCommandDuration = 3 * time.Second

// maxCommandLogs is the run command's output cap (512 kB, truncated).
const maxCommandLogs = 512 * 1024

// commandRec is one run command and its result, decided when it starts.
type commandRec struct {
	ID       string        `json:"id"`
	Cluster  string        `json:"cluster"` // lower-case cluster id
	Command  string        `json:"command"`
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration"`
	State    string        `json:"provisioningState"` // succeeded | failed (final)
	ExitCode int           `json:"exitCode"`
	Logs     string        `json:"logs"`
	Reason   string        `json:"reason,omitempty"`
}

// maxCommands bounds the command results kept.
const maxCommands = 50

type runCommandIn struct {
	Command      *string `json:"command"`
	Context      *string `json:"context"`
	ClusterToken *string `json:"clusterToken"`
}

type commandResultJSON struct {
	ID         string `json:"id"`
	Properties struct {
		ProvisioningState string `json:"provisioningState"`
		ExitCode          *int   `json:"exitCode,omitempty"`
		StartedAt         string `json:"startedAt"`
		FinishedAt        string `json:"finishedAt,omitempty"`
		Logs              string `json:"logs,omitempty"`
		Reason            string `json:"reason,omitempty"`
	} `json:"properties"`
}

func (h *Handler) commandURL(r *http.Request, c *cluster, id string) string {
	return fmt.Sprintf("%s%s/commandResults/%s?api-version=%s", baseURL(r), c.id(), id, apiVersion(r))
}

// serveRunCommand is POST .../managedClusters/{name}/runCommand.
func (h *Handler) serveRunCommand(r *http.Request, p []string) reply {
	var in runCommandIn
	if rep, ok := readBody(r, &in); !ok {
		return rep
	}
	if in.Command == nil || strings.TrimSpace(*in.Command) == "" {
		return invalidParam("command", "The value of parameter command is invalid: it is required.")
	}
	files, err := unzipContext(str(in.Context))
	if err != nil {
		return invalidParam("context", "The value of parameter context is invalid: "+err.Error()+".")
	}
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	if h.w.sub(p[0]) == nil {
		return subNotFound(p[0])
	}
	c := h.clusterLocked(p[0], p[1], p[2])
	if c == nil {
		return resourceNotFound("Microsoft.ContainerService/managedClusters", p[2], p[1])
	}
	// The texts of these refusals are not documented: modelled.
	if c.DisableRunCommand {
		return errReply(http.StatusBadRequest, "BadRequest", fmt.Sprintf(
			"Run command is disabled for managed cluster '%s' (apiServerAccessProfile.disableRunCommand). Enable it with `az aks update --enable-run-command`.", c.Name))
	}
	if c.PowerState != "Running" {
		return errReply(http.StatusBadRequest, "OperationNotAllowed", fmt.Sprintf(
			"Managed cluster '%s' is in power state %s; run command needs a running cluster.", c.Name, c.PowerState))
	}
	if st := h.clusterStateLocked(c); st != "Succeeded" {
		return errReply(http.StatusConflict, "OperationNotAllowed", fmt.Sprintf(
			"Operation is not allowed because managed cluster '%s' is in provisioning state %s.", c.Name, st))
	}
	now := h.now().UTC()
	rec := &commandRec{ID: randHex(16), Cluster: strings.ToLower(c.id()), Command: *in.Command, Start: now,
		Duration: time.Duration(float64(runCommandDuration) / h.speed), State: "succeeded"}
	if why := h.unschedulableLocked(c); why != "" {
		// The pod never starts: the request waits out the ARM limit.
		rec.State, rec.Reason, rec.ExitCode = "failed", why, 1
		rec.Duration = time.Duration(float64(60*time.Second) / h.speed)
	} else if c.AADManaged && str(in.ClusterToken) == "" {
		// with managed Entra integration the pod's kubectl acts as the
		// caller, who must send a token (az does): without it, kubectl's
		// own refusal (modelled)
		rec.Logs, rec.ExitCode = "error: You must be logged in to the server (Unauthorized)\n", 1
	} else {
		logs, code := h.kubectlRun(c, *in.Command, files)
		if len(logs) > maxCommandLogs {
			logs = logs[:maxCommandLogs]
		}
		rec.Logs, rec.ExitCode = logs, code
	}
	h.st.Commands = append(h.st.Commands, rec)
	if n := len(h.st.Commands) - maxCommands; n > 0 {
		h.st.Commands = h.st.Commands[n:]
	}
	h.dirty = true
	if err := h.saveLocked(); err != nil {
		return stateError(err)
	}
	return reply{status: http.StatusAccepted, header: http.Header{"Location": {h.commandURL(r, c, rec.ID)}}}
}

// unschedulableLocked is why the command pod (200m / 500Mi, no
// tolerations) fits no node ("" when it fits one).
func (h *Handler) unschedulableLocked(c *cluster) string {
	nodes := h.nodesLocked(c)
	cpu, mem, tainted := 0, 0, 0
	for _, n := range nodes {
		if len(n.Taints) > 0 {
			tainted++
			continue
		}
		freeCPU, freeMem := n.CPU-n.UsedCPU, n.Mem-n.UsedMem
		if freeCPU >= commandPodCPU && freeMem >= commandPodMem {
			return ""
		}
		if freeCPU < commandPodCPU {
			cpu++
		}
		if freeMem < commandPodMem {
			mem++
		}
	}
	var parts []string
	if cpu > 0 {
		parts = append(parts, fmt.Sprintf("%d Insufficient cpu", cpu))
	}
	if mem > 0 {
		parts = append(parts, fmt.Sprintf("%d Insufficient memory", mem))
	}
	if tainted > 0 {
		parts = append(parts, fmt.Sprintf("%d node(s) had untolerated taint", tainted))
	}
	return fmt.Sprintf("the command pod was not scheduled within 60 seconds: 0/%d nodes are available: %s.", len(nodes), strings.Join(parts, ", "))
}

// serveCommandResult is GET .../managedClusters/{name}/commandResults/{id}.
func (h *Handler) serveCommandResult(r *http.Request, p []string) reply {
	if err := h.begin(r.Context()); err != nil {
		return stateError(err)
	}
	defer h.end()
	c := h.clusterLocked(p[0], p[1], p[2])
	if c == nil {
		return resourceNotFound("Microsoft.ContainerService/managedClusters", p[2], p[1])
	}
	var rec *commandRec
	for _, x := range h.st.Commands {
		if x.ID == p[3] && x.Cluster == strings.ToLower(c.id()) {
			rec = x
		}
	}
	if rec == nil {
		return errReply(http.StatusNotFound, "NotFound", fmt.Sprintf("Command result '%s' was not found.", p[3]))
	}
	if h.now().Before(rec.Start.Add(rec.Duration)) {
		return reply{status: http.StatusAccepted, header: http.Header{"Location": {h.commandURL(r, c, rec.ID)}}}
	}
	var j commandResultJSON
	j.ID = rec.ID
	j.Properties.ProvisioningState = rec.State
	j.Properties.StartedAt = rec.Start.Format(time.RFC3339)
	j.Properties.FinishedAt = rec.Start.Add(rec.Duration).Format(time.RFC3339)
	if rec.State == "succeeded" {
		code := rec.ExitCode
		j.Properties.ExitCode = &code
		j.Properties.Logs = rec.Logs
	} else {
		j.Properties.Reason = rec.Reason
	}
	return okReply(j)
}
