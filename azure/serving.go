package azure

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"

	"github.com/amlaks/amlaks/wizard"
)

// Online endpoints and deployments on a Kubernetes compute, for `amlaks
// verify` (api-version 2024-04-01, armmachinelearning v4): an environment
// version pointing at a public image, an endpoint with Key auth, a
// deployment without model or code, its key, the scoring call, the delete.

func (c *Client) mlClients(sub string) (*armmachinelearning.OnlineEndpointsClient, *armmachinelearning.OnlineDeploymentsClient, *armmachinelearning.EnvironmentVersionsClient, error) {
	eps, err := armmachinelearning.NewOnlineEndpointsClient(sub, c.opts.Credential, c.armOpts)
	if err != nil {
		return nil, nil, nil, mapError("connect to Azure", err)
	}
	deps, err := armmachinelearning.NewOnlineDeploymentsClient(sub, c.opts.Credential, c.armOpts)
	if err != nil {
		return nil, nil, nil, mapError("connect to Azure", err)
	}
	envs, err := armmachinelearning.NewEnvironmentVersionsClient(sub, c.opts.Credential, c.armOpts)
	if err != nil {
		return nil, nil, nil, mapError("connect to Azure", err)
	}
	return eps, deps, envs, nil
}

// PutEnvironment creates (or keeps) the smoke test's environment version.
func (c *Client) PutEnvironment(ctx context.Context, ws wizard.WorkspaceRef, env wizard.EnvironmentSpec) (string, error) {
	_, _, envs, err := c.mlClients(ws.SubscriptionID)
	if err != nil {
		return "", err
	}
	r, err := envs.CreateOrUpdate(ctx, ws.ResourceGroup, ws.Name, env.Name, env.Version, environmentBody(env), nil)
	if err != nil {
		return "", mapError("create environment "+env.Name, err)
	}
	return str(r.ID), nil
}

// environmentBody is a custom container's environment version: a public
// image and its liveness, readiness and scoring routes (inferenceConfig),
// as azureml-examples' tfserving half-plus-two-integrated deployment gives
// them (environment only: no model, no code) and how-to-deploy-custom-
// container.md explains ("Inference config is required if you want to run
// your own container").
func environmentBody(env wizard.EnvironmentSpec) armmachinelearning.EnvironmentVersion {
	route := func(path string) *armmachinelearning.Route {
		return &armmachinelearning.Route{Path: to.Ptr(path), Port: to.Ptr(int32(env.Port))}
	}
	return armmachinelearning.EnvironmentVersion{Properties: &armmachinelearning.EnvironmentVersionProperties{
		Image: to.Ptr(env.Image), OSType: to.Ptr(armmachinelearning.OperatingSystemTypeLinux), Description: to.Ptr(env.Description),
		InferenceConfig: &armmachinelearning.InferenceContainerProperties{LivenessRoute: route("/"), ReadinessRoute: route("/"), ScoringRoute: route(env.ScoringPath)}}}
}

func toEndpoint(e *armmachinelearning.OnlineEndpoint) wizard.Endpoint {
	x := wizard.Endpoint{Name: str(e.Name), Tags: map[string]string{}}
	for k, v := range e.Tags {
		if v != nil {
			x.Tags[k] = *v
		}
	}
	if p := e.Properties; p != nil {
		x.Compute, x.ScoringURI = str(p.Compute), str(p.ScoringURI)
		if p.ProvisioningState != nil {
			x.State = string(*p.ProvisioningState)
		}
	}
	return x
}

// CreateEndpoint creates a Kubernetes online endpoint and follows it to
// its end (on reports each state seen).
func (c *Client) CreateEndpoint(ctx context.Context, ws wizard.WorkspaceRef, spec wizard.EndpointSpec, on func(string)) (wizard.Endpoint, error) {
	eps, _, _, err := c.mlClients(ws.SubscriptionID)
	if err != nil {
		return wizard.Endpoint{}, err
	}
	tags := map[string]*string{}
	for k, v := range spec.Tags {
		tags[k] = to.Ptr(v)
	}
	body := armmachinelearning.OnlineEndpoint{Location: to.Ptr(spec.Location), Tags: tags,
		Identity: &armmachinelearning.ManagedServiceIdentity{Type: to.Ptr(armmachinelearning.ManagedServiceIdentityTypeSystemAssigned)},
		Properties: &armmachinelearning.OnlineEndpointProperties{AuthMode: to.Ptr(armmachinelearning.EndpointAuthModeKey),
			Compute: to.Ptr(spec.ComputeID), Description: to.Ptr(spec.Description)}}
	op := "create online endpoint " + spec.Name
	p, err := eps.BeginCreateOrUpdate(ctx, ws.ResourceGroup, ws.Name, spec.Name, body, nil)
	if err != nil {
		return wizard.Endpoint{}, mapError(op, err)
	}
	if err := c.pollWith(ctx, p.Done, p.Poll, func() {
		if g, err := eps.Get(ctx, ws.ResourceGroup, ws.Name, spec.Name, nil); err == nil {
			on(toEndpoint(&g.OnlineEndpoint).State)
		}
	}); err != nil {
		return wizard.Endpoint{}, mapError(op, err)
	}
	if _, err := p.Result(ctx); err != nil {
		return wizard.Endpoint{}, mapError(op, err)
	}
	return c.Endpoint(ctx, ws, spec.Name)
}

// pollWith polls an SDK poller at the client's pace, calling seen after
// each poll, until done or ctx ends.
func (c *Client) pollWith(ctx context.Context, done func() bool, poll func(context.Context) (*http.Response, error), seen func()) error {
	every := min(max(c.opts.PollEvery, 20*time.Millisecond), 10*time.Second)
	for !done() {
		resp, err := poll(ctx)
		if err != nil {
			return err
		}
		seen()
		if done() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollDelay(resp, every)):
		}
	}
	return nil
}

// CreateDeployment creates a Kubernetes deployment on an endpoint and
// follows it to its end.
func (c *Client) CreateDeployment(ctx context.Context, ws wizard.WorkspaceRef, spec wizard.DeploymentSpec, on func(string)) error {
	_, deps, _, err := c.mlClients(ws.SubscriptionID)
	if err != nil {
		return err
	}
	body := deploymentBody(spec)
	op := "create deployment " + spec.Name + " on " + spec.Endpoint
	p, err := deps.BeginCreateOrUpdate(ctx, ws.ResourceGroup, ws.Name, spec.Endpoint, spec.Name, body, nil)
	if err != nil {
		return mapError(op, err)
	}
	if err := c.pollWith(ctx, p.Done, p.Poll, func() {
		if g, err := deps.Get(ctx, ws.ResourceGroup, ws.Name, spec.Endpoint, spec.Name, nil); err == nil && g.Properties != nil {
			if st := g.Properties.GetOnlineDeploymentProperties().ProvisioningState; st != nil {
				on(string(*st))
			}
		}
	}); err != nil {
		return mapError(op, err)
	}
	if _, err := p.Result(ctx); err != nil {
		return mapError(op, err)
	}
	return nil
}

// deploymentBody is the KubernetesOnlineDeployment: the environment, no
// model and no code (both optional "for custom container deployment
// scenarios", reference-yaml-deployment-kubernetes-online.md; azure-ai-ml's
// KubernetesOnlineDeployment._to_rest_object sends them only when given),
// the instance type, one instance (sku.capacity, as azure-ai-ml sends it),
// and a resources section within defaultinstancetype's limits (2 CPU,
// 2Gi) so the pod asks 0.1 CPU / 0.1Gi rather than the type's 2Gi
// (how-to-manage-kubernetes-instance-types.md "Resource section
// validation"; the values of azureml-examples' kubernetes-blue-deployment.yml).
func deploymentBody(spec wizard.DeploymentSpec) armmachinelearning.OnlineDeployment {
	return armmachinelearning.OnlineDeployment{Location: to.Ptr(spec.Location), SKU: &armmachinelearning.SKU{Name: to.Ptr("Default"), Capacity: to.Ptr(int32(1))},
		Properties: &armmachinelearning.KubernetesOnlineDeployment{EndpointComputeType: to.Ptr(armmachinelearning.EndpointComputeTypeKubernetes),
			EnvironmentID: to.Ptr(spec.EnvironmentID), InstanceType: to.Ptr(spec.InstanceType), AppInsightsEnabled: to.Ptr(false),
			ContainerResourceRequirements: &armmachinelearning.ContainerResourceRequirements{
				ContainerResourceRequests: &armmachinelearning.ContainerResourceSettings{CPU: to.Ptr("0.1"), Memory: to.Ptr("0.1Gi")},
				ContainerResourceLimits:   &armmachinelearning.ContainerResourceSettings{CPU: to.Ptr("0.2"), Memory: to.Ptr("200Mi")}},
			ScaleSettings: &armmachinelearning.DefaultScaleSettings{ScaleType: to.Ptr(armmachinelearning.ScaleTypeDefault)}}}
}

// Endpoint gets one online endpoint (ErrNotFound when absent).
func (c *Client) Endpoint(ctx context.Context, ws wizard.WorkspaceRef, name string) (wizard.Endpoint, error) {
	eps, _, _, err := c.mlClients(ws.SubscriptionID)
	if err != nil {
		return wizard.Endpoint{}, err
	}
	g, err := eps.Get(ctx, ws.ResourceGroup, ws.Name, name, nil)
	if err != nil {
		return wizard.Endpoint{}, mapError("get online endpoint "+name, err)
	}
	return toEndpoint(&g.OnlineEndpoint), nil
}

// Endpoints lists the workspace's online endpoints.
func (c *Client) Endpoints(ctx context.Context, ws wizard.WorkspaceRef) ([]wizard.Endpoint, error) {
	eps, _, _, err := c.mlClients(ws.SubscriptionID)
	if err != nil {
		return nil, err
	}
	var out []wizard.Endpoint
	pg := eps.NewListPager(ws.ResourceGroup, ws.Name, nil)
	for pg.More() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, mapError("list online endpoints of "+ws.Name, err)
		}
		for _, e := range page.Value {
			if e != nil {
				out = append(out, toEndpoint(e))
			}
		}
	}
	return out, nil
}

// EndpointKey is the endpoint's primary key (never printed or logged).
func (c *Client) EndpointKey(ctx context.Context, ws wizard.WorkspaceRef, name string) (string, error) {
	eps, _, _, err := c.mlClients(ws.SubscriptionID)
	if err != nil {
		return "", err
	}
	k, err := eps.ListKeys(ctx, ws.ResourceGroup, ws.Name, name, nil)
	if err != nil {
		return "", mapError("read the keys of "+name, err)
	}
	return str(k.PrimaryKey), nil
}

// DeleteEndpoint deletes an endpoint (and its deployments) and follows it.
func (c *Client) DeleteEndpoint(ctx context.Context, ws wizard.WorkspaceRef, name string, on func(string)) error {
	eps, _, _, err := c.mlClients(ws.SubscriptionID)
	if err != nil {
		return err
	}
	op := "delete online endpoint " + name
	p, err := eps.BeginDelete(ctx, ws.ResourceGroup, ws.Name, name, nil)
	if err != nil {
		return mapError(op, err)
	}
	if err := c.pollWith(ctx, p.Done, p.Poll, func() { on("Deleting") }); err != nil {
		return mapError(op, err)
	}
	if _, err := p.Result(ctx); err != nil {
		return mapError(op, err)
	}
	return nil
}

// Score calls a scoring URI with the endpoint key, reaching one deployment
// by the azureml-model-deployment header whatever the traffic.
func (c *Client) Score(ctx context.Context, uri, key, deployment string, body []byte) (wizard.ScoreResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, uri, bytes.NewReader(body))
	if err != nil {
		return wizard.ScoreResult{}, &wizard.Error{Kind: wizard.ErrBadRequest, Op: "call the scoring URI", Message: err.Error()}
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	if deployment != "" {
		req.Header.Set("azureml-model-deployment", deployment)
	}
	start := time.Now()
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		// the error text names the URL, never the key
		return wizard.ScoreResult{}, &wizard.Error{Kind: wizard.ErrNetwork, Op: "call " + uri, Message: err.Error(),
			Hint: "the scoring URI is not reachable from here: an internal load balancer or a ClusterIP/NodePort router answers inside the cluster's network only"}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return wizard.ScoreResult{Status: resp.StatusCode, Latency: time.Since(start), Body: strings.TrimSpace(string(b))}, nil
}
