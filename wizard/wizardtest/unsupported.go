package wizardtest

import (
	"context"

	"github.com/amlaks/amlaks/wizard"
)

// The fake has no cluster to run commands in, no virtual networks and no
// online endpoints: these methods of wizard.Cloud answer ErrUnsupported
// (after counting the call and applying Errs and Delay), and the wizard
// then leaves out what needs them (the readiness phase, the subnet check,
// the doctor's look inside). The simulator behind the azure adapter has
// them all.

func (c *Cloud) unsupported(ctx context.Context, method string) error {
	if err := c.enter(ctx, method); err != nil {
		return err
	}
	return &wizard.Error{Kind: wizard.ErrUnsupported, Op: method}
}

// RunCommand implements wizard.Cloud: unsupported.
func (c *Cloud) RunCommand(ctx context.Context, clusterID, command string, files map[string][]byte) (wizard.CommandResult, error) {
	return wizard.CommandResult{}, c.unsupported(ctx, "RunCommand")
}

// CommandRequest implements wizard.Cloud: unsupported.
func (c *Cloud) CommandRequest(clusterID, command string, files map[string][]byte) (wizard.Request, error) {
	return wizard.Request{}, &wizard.Error{Kind: wizard.ErrUnsupported, Op: "CommandRequest"}
}

// Subnet implements wizard.Cloud: unsupported.
func (c *Cloud) Subnet(ctx context.Context, sub, resourceGroup, vnet, subnet string) (wizard.Subnet, error) {
	return wizard.Subnet{}, c.unsupported(ctx, "Subnet")
}

// PutEnvironment implements wizard.Cloud: unsupported.
func (c *Cloud) PutEnvironment(ctx context.Context, ws wizard.WorkspaceRef, env wizard.EnvironmentSpec) (string, error) {
	return "", c.unsupported(ctx, "PutEnvironment")
}

// CreateEndpoint implements wizard.Cloud: unsupported.
func (c *Cloud) CreateEndpoint(ctx context.Context, ws wizard.WorkspaceRef, spec wizard.EndpointSpec, on func(string)) (wizard.Endpoint, error) {
	return wizard.Endpoint{}, c.unsupported(ctx, "CreateEndpoint")
}

// CreateDeployment implements wizard.Cloud: unsupported.
func (c *Cloud) CreateDeployment(ctx context.Context, ws wizard.WorkspaceRef, spec wizard.DeploymentSpec, on func(string)) error {
	return c.unsupported(ctx, "CreateDeployment")
}

// Endpoint implements wizard.Cloud: unsupported.
func (c *Cloud) Endpoint(ctx context.Context, ws wizard.WorkspaceRef, name string) (wizard.Endpoint, error) {
	return wizard.Endpoint{}, c.unsupported(ctx, "Endpoint")
}

// Endpoints implements wizard.Cloud: unsupported.
func (c *Cloud) Endpoints(ctx context.Context, ws wizard.WorkspaceRef) ([]wizard.Endpoint, error) {
	return nil, c.unsupported(ctx, "Endpoints")
}

// EndpointKey implements wizard.Cloud: unsupported.
func (c *Cloud) EndpointKey(ctx context.Context, ws wizard.WorkspaceRef, name string) (string, error) {
	return "", c.unsupported(ctx, "EndpointKey")
}

// DeleteEndpoint implements wizard.Cloud: unsupported.
func (c *Cloud) DeleteEndpoint(ctx context.Context, ws wizard.WorkspaceRef, name string, on func(string)) error {
	return c.unsupported(ctx, "DeleteEndpoint")
}

// Score implements wizard.Cloud: unsupported.
func (c *Cloud) Score(ctx context.Context, uri, key, deployment string, body []byte) (wizard.ScoreResult, error) {
	return wizard.ScoreResult{}, c.unsupported(ctx, "Score")
}
