package wizard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// The smoke test (`amlaks verify NAME`): a throwaway Kubernetes online
// endpoint and deployment of a small public container on the compute, a
// scoring call with the endpoint's key, then the endpoint deleted. The
// endpoint is tagged, so the leftover of a stopped run is removed by the
// next. No model and no code are uploaded: the environment is an image
// with inference routes (azure-ai-ml's "bring your own container"). The
// shape is sourced, not yet run against Azure: model and code_configuration
// are "optional for custom container deployment scenarios" on a Kubernetes
// deployment, the environment required (MicrosoftDocs/azure-ai-docs
// reference-yaml-deployment-kubernetes-online.md); azureml-examples runs a
// deployment of only an image and its inference_config routes
// (cli/endpoints/online/custom-container/tfserving/half-plus-two-integrated,
// on a managed endpoint).

// EnvironmentSpec is an environment version from a public image.
type EnvironmentSpec struct {
	Name, Version, Image, Description string
	Port                              int
	ScoringPath                       string
}

// EndpointSpec is a Kubernetes online endpoint with Key auth.
type EndpointSpec struct {
	Name, Location, ComputeID, Description string
	Tags                                   map[string]string
}

// DeploymentSpec is a Kubernetes deployment without model or code.
type DeploymentSpec struct {
	Endpoint, Name, Location, EnvironmentID, InstanceType string
}

// Endpoint is an online endpoint as listed.
type Endpoint struct {
	Name, State, Compute, ScoringURI string
	Tags                             map[string]string
}

// ScoreResult is one scoring call.
type ScoreResult struct {
	Status  int
	Latency time.Duration
	Body    string
}

// TagVerify marks the smoke test's endpoints with the compute they test.
const TagVerify = "amlaks-verify"

// TagVerifyKept marks a smoke test's endpoint kept on purpose (--keep):
// status leaves it; the next verify replaces it.
const TagVerifyKept = "amlaks-verify-kept"

// RemoveVerifyLeftovers deletes the endpoints an earlier smoke test of
// compute name left in ws (tagged TagVerify=name), the kept ones too
// unless leaveKept. It returns the names removed; a stop (ctx done) while
// one is being deleted is a *VerifyError saying what exists.
func RemoveVerifyLeftovers(ctx context.Context, c Cloud, ref WorkspaceRef, name string, leaveKept bool, on func(VerifyStep)) ([]string, error) {
	eps, err := c.Endpoints(ctx, ref)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range eps {
		if e.Tags[TagVerify] != name || e.State == "Deleting" || (leaveKept && e.Tags[TagVerifyKept] == "true") {
			continue
		}
		on(VerifyStep{Step: "leftover", State: "removing " + e.Name + " left by an earlier verify"})
		if err := c.DeleteEndpoint(ctx, ref, e.Name, func(string) {}); err != nil {
			if ctx.Err() != nil {
				return removed, &VerifyError{Step: "leftover", Meaning: verifyStopped, Err: err,
					Exists: "endpoint " + e.Name + ", being deleted (tagged " + TagVerify + "=" + name + ": the next amlaks verify " + name + " removes it if it is still there)",
					Fix:    "re-run amlaks verify " + name + " to finish and clean up"}
			}
			return removed, err
		}
		removed = append(removed, e.Name)
	}
	return removed, nil
}

// SmokeImage answers any method on any path with 200 (traefik/whoami's
// README: "/ Returns the whoami information"), port 80; it needs no
// model and no scoring script.
var SmokeEnvironment = EnvironmentSpec{Name: "amlaks-smoke", Version: "1", Image: "docker.io/traefik/whoami:v1.10",
	Description: "amlaks verify: a tiny web server that answers every request", Port: 80, ScoringPath: "/score"}

// VerifyOptions are verify's flags.
type VerifyOptions struct {
	Keep  bool
	Every time.Duration
}

// VerifyStep is one observation of Verify for progress.
type VerifyStep struct {
	Step  string // "leftover", "environment", "endpoint", "deployment", "score", "delete"
	State string
	Done  bool
}

// VerifyReport is what the smoke test found.
type VerifyReport struct {
	Compute    string
	Endpoint   string
	ScoringURI string
	Status     int
	Latency    time.Duration
	Called     bool   // false: the call was skipped (Skipped says why)
	Skipped    string // why the scoring call was not made
	Kept       bool
	Removed    []string // leftovers of earlier runs removed
	Elapsed    time.Duration
}

// VerifyError is a failure with its meaning and fix; Exists says what is
// left in Azure.
type VerifyError struct {
	Step    string
	Meaning string
	Fix     string
	Exists  string
	Err     error
}

func (e *VerifyError) Error() string {
	s := e.Meaning
	if e.Err != nil && !strings.Contains(e.Meaning, e.Err.Error()) {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *VerifyError) Unwrap() error { return e.Err }

// Stopped reports a run stopped by its caller (Ctrl+C), not failed.
func (e *VerifyError) Stopped() bool { return e.Meaning == verifyStopped }

const verifyStopped = "stopped"

// Lines are the failure or the stop as line mode and the wizard print it:
// what happened, what exists in Azure now (and that the next verify of
// name removes it), and the fix.
func (e *VerifyError) Lines(name string) []string {
	var out []string
	if e.Stopped() {
		out = append(out, fmt.Sprintf("verify %s: stopped during the %s step", name, e.Step))
		if e.Exists == "" {
			out = append(out, "nothing of the smoke test exists in Azure")
		} else {
			out = append(out, "exists now: "+e.Exists)
		}
		return append(out, "next: "+e.Fix)
	}
	out = append(out, fmt.Sprintf("verify %s: the %s step failed: %s", name, e.Step, e.Error()), "fix: "+e.Fix)
	if e.Exists != "" {
		out = append(out, "exists now: "+e.Exists)
	}
	return out
}

// verifyTags are the smoke test endpoint's tags: the compute it tests,
// and whether it is kept on purpose.
func verifyTags(name string, keep bool) map[string]string {
	t := map[string]string{TagVerify: name, TagCreatedBy: "amlaks"}
	if keep {
		t[TagVerifyKept] = "true"
	}
	return t
}

// LegacyComputeMeaning is verify's reason on an AKS compute.
const LegacyComputeMeaning = "v2 endpoints cannot use a legacy AKS compute"

// Verify runs the smoke test on compute name of ws.
func Verify(ctx context.Context, c Cloud, ws Workspace, name string, opt VerifyOptions, on func(VerifyStep)) (VerifyReport, error) {
	start := time.Now()
	rep := VerifyReport{Compute: name}
	if on == nil {
		on = func(VerifyStep) {}
	}
	ref := ws.WorkspaceRef
	cp, err := c.Compute(ctx, ref, name)
	if err != nil {
		return rep, err
	}
	if strings.EqualFold(cp.Type, string(ComputeAKS)) {
		return rep, &VerifyError{Step: "compute", Meaning: LegacyComputeMeaning,
			Fix: "attach its cluster as a Kubernetes compute (amlaks attach --compute-type Kubernetes --cluster …); detach the legacy compute first"}
	}
	if !strings.EqualFold(cp.Type, string(ComputeKubernetes)) {
		return rep, &VerifyError{Step: "compute", Meaning: fmt.Sprintf("%s is a %s compute: online endpoints run on Kubernetes computes", name, cp.Type),
			Fix: "name a Kubernetes compute (amlaks list shows them)"}
	}
	if cp.State != "Succeeded" {
		return rep, &VerifyError{Step: "compute", Meaning: fmt.Sprintf("compute %s is %s", name, cp.State), Fix: "wait for it (amlaks status " + name + ") or attach it again"}
	}
	// stopped is the error of a run its caller ended (Ctrl+C): what
	// exists now, and that the next verify removes it
	stopped := func(step, exists string, err error) (VerifyReport, error) {
		return rep, &VerifyError{Step: step, Meaning: verifyStopped, Exists: exists, Fix: "re-run amlaks verify " + name + " to finish and clean up", Err: err}
	}
	// leftovers of a stopped run on this compute (and a kept one)
	if rep.Removed, err = RemoveVerifyLeftovers(ctx, c, ref, name, false, on); err != nil {
		return rep, err
	}
	on(VerifyStep{Step: "environment", State: SmokeEnvironment.Image})
	envID, err := c.PutEnvironment(ctx, ref, SmokeEnvironment)
	if err != nil {
		if ctx.Err() != nil {
			return stopped("environment", "", err)
		}
		return rep, verifyFailure("environment", err, "")
	}
	rep.Endpoint = "amlaks-verify-" + randomSuffix()
	tagged := " (tagged " + TagVerify + "=" + name + ": the next amlaks verify " + name + " removes it)"
	exists := "endpoint " + rep.Endpoint + tagged
	cleanup := func() {
		if opt.Keep {
			return
		}
		// a fresh context: the caller's may be the one that ended
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
		defer cancel()
		on(VerifyStep{Step: "delete", State: "deleting " + rep.Endpoint})
		if err := c.DeleteEndpoint(dctx, ref, rep.Endpoint, func(st string) { on(VerifyStep{Step: "delete", State: st}) }); err == nil {
			exists = ""
			on(VerifyStep{Step: "delete", State: "deleted", Done: true})
		}
	}
	fail := func(step string, err error) (VerifyReport, error) {
		if ctx.Err() != nil {
			return stopped(step, exists, err)
		}
		cleanup()
		return rep, verifyFailure(step, err, exists)
	}
	on(VerifyStep{Step: "endpoint", State: "creating " + rep.Endpoint})
	ep, err := c.CreateEndpoint(ctx, ref, EndpointSpec{Name: rep.Endpoint, Location: ws.Region, ComputeID: cp.ID,
		Description: "amlaks verify: smoke test of " + name, Tags: verifyTags(name, opt.Keep)},
		func(st string) { on(VerifyStep{Step: "endpoint", State: st}) })
	if err != nil {
		return fail("endpoint", err)
	}
	on(VerifyStep{Step: "endpoint", State: ep.State, Done: true})
	on(VerifyStep{Step: "deployment", State: "creating smoke (defaultinstancetype, 1 instance)"})
	exists = "endpoint " + rep.Endpoint + " and its deployment smoke" + tagged
	if err := c.CreateDeployment(ctx, ref, DeploymentSpec{Endpoint: rep.Endpoint, Name: "smoke", Location: ws.Region,
		EnvironmentID: envID, InstanceType: "defaultinstancetype"}, func(st string) { on(VerifyStep{Step: "deployment", State: st}) }); err != nil {
		return fail("deployment", err)
	}
	on(VerifyStep{Step: "deployment", State: "Succeeded", Done: true})
	ep, err = c.Endpoint(ctx, ref, rep.Endpoint)
	if err != nil {
		return fail("score", err)
	}
	rep.ScoringURI = ep.ScoringURI
	if why := unreachable(ep.ScoringURI); why != "" {
		rep.Skipped = why
	} else {
		key, err := c.EndpointKey(ctx, ref, rep.Endpoint)
		if err != nil {
			return fail("score", err)
		}
		on(VerifyStep{Step: "score", State: "POST " + ep.ScoringURI})
		res, err := c.Score(ctx, ep.ScoringURI, key, "smoke", []byte(`{"data": "amlaks smoke test"}`))
		if err != nil {
			return fail("score", err)
		}
		rep.Called, rep.Status, rep.Latency = true, res.Status, res.Latency
		if res.Status != 200 {
			cleanup()
			return rep, &VerifyError{Step: "score", Meaning: fmt.Sprintf("the scoring URI answered %d", res.Status), Exists: exists,
				Fix: scoreFix(res.Status), Err: errors.New(res.Body)}
		}
	}
	rep.Kept = opt.Keep
	cleanup()
	rep.Elapsed = time.Since(start)
	return rep, nil
}

func randomSuffix() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// unreachable says why the scoring URI cannot be called from here: a
// private address (internal load balancer, ClusterIP or NodePort router).
func unreachable(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" {
		return "the endpoint has no scoring URI"
	}
	ip := net.ParseIP(u.Hostname())
	if ip != nil && ip.IsPrivate() {
		return "the scoring URI " + uri + " is a private address (internal load balancer, ClusterIP or NodePort router): the deployment was checked, the call is skipped; call it from inside the cluster's network"
	}
	return ""
}

func scoreFix(status int) string {
	switch status {
	case 401, 403:
		return "the key was refused: regenerate the keys (az ml online-endpoint regenerate-keys) and retry"
	case 404:
		return "the router does not know the deployment: check the extension (amlaks doctor)"
	case 502, 503, 504:
		return "the router could not reach the deployment's pod: check its logs (az ml online-deployment get-logs)"
	}
	return "read the deployment's logs (az ml online-deployment get-logs)"
}

// verifyFailure maps an endpoint or deployment failure to meaning and fix
// (azure-facts' errors users hit on Kubernetes computes).
func verifyFailure(step string, err error, exists string) error {
	var we *Error
	text := err.Error()
	code := ""
	if errors.As(err, &we) {
		code = we.Code
		for _, d := range we.Details {
			text += " " + d.Code + " " + d.Message
		}
	}
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(text, x) || code == x {
				return true
			}
		}
		return false
	}
	ve := &VerifyError{Step: step, Exists: exists, Err: err}
	switch {
	case has("NotSupported", "AKS compute type is no longer supported"):
		ve.Meaning, ve.Fix = LegacyComputeMeaning, "attach the cluster as a Kubernetes compute"
	case has("namespaces \"") && has("not found"):
		ve.Meaning, ve.Fix = "the compute's namespace does not exist in the cluster", "create it: amlaks attach again with --namespace, or kubectl create namespace"
	case has("exceeded the node size"):
		ve.Meaning, ve.Fix = "the instance type is larger than every node", "use a smaller instance type, or larger nodes"
	case has("ValidateInstanceTypeAsync", "instance type"):
		ve.Meaning, ve.Fix = "the instance type is missing or the extension cannot validate it", "run amlaks doctor to see the extension's health and the instance types"
	case has("ClusterServiceNotFound", "GenericClusterError", "ClusterNotReachable", "ClusterNotFound"):
		ve.Meaning, ve.Fix = "the Azure ML extension does not answer in the cluster", "run amlaks doctor; start the cluster or reinstall the extension"
	case has("RefreshExtensionIdentityNotSet"):
		ve.Meaning, ve.Fix = "the extension's managed identity is not on the node pool", "reinstall the Azure ML extension"
	case has("ACRTokenExchangeForbidden"):
		ve.Meaning, ve.Fix = "the compute's identity cannot pull from the workspace's registry", "grant it AcrPull on the registry and wait for the role to propagate"
	case has("ClusterUnauthorized"):
		ve.Meaning, ve.Fix = "the Trusted Access token expired", "retry in a few minutes"
	default:
		ve.Meaning, ve.Fix = "the "+step+" failed", "read the message above; amlaks doctor checks the compute and the cluster"
	}
	return ve
}
