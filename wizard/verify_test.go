package wizard_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// stopCloud ends the caller's context inside the step it is told to, as a
// Ctrl+C there would.
type stopCloud struct {
	*wizardtest.Cloud
	stopAt string
	stop   context.CancelFunc
}

func (c *stopCloud) at(ctx context.Context, step string) error {
	if c.stopAt == step {
		c.stop()
	}
	return ctx.Err()
}

func (c *stopCloud) Endpoints(ctx context.Context, ws wizard.WorkspaceRef) ([]wizard.Endpoint, error) {
	return nil, ctx.Err()
}

func (c *stopCloud) PutEnvironment(ctx context.Context, ws wizard.WorkspaceRef, env wizard.EnvironmentSpec) (string, error) {
	return "env-id", c.at(ctx, "environment")
}

func (c *stopCloud) CreateEndpoint(ctx context.Context, ws wizard.WorkspaceRef, spec wizard.EndpointSpec, on func(string)) (wizard.Endpoint, error) {
	return wizard.Endpoint{Name: spec.Name, State: "Succeeded"}, c.at(ctx, "endpoint")
}

func (c *stopCloud) CreateDeployment(ctx context.Context, ws wizard.WorkspaceRef, spec wizard.DeploymentSpec, on func(string)) error {
	return c.at(ctx, "deployment")
}

// A smoke test stopped at each step is a stop, not a failure, and says
// what exists in Azure then: nothing before the endpoint, the endpoint
// after, the endpoint and its deployment once that was asked for; each
// tagged, with the next verify removing it.
func TestVerifyStoppedSaysWhatExists(t *testing.T) {
	for _, tc := range []struct {
		step, exists string
	}{
		{"environment", "nothing of the smoke test exists in Azure"},
		{"endpoint", "exists now: endpoint amlaks-verify-"},
		{"deployment", "and its deployment smoke (tagged amlaks-verify=k8s-v: the next amlaks verify k8s-v removes it)"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		c := &stopCloud{Cloud: wizardtest.New(), stopAt: tc.step, stop: cancel}
		c.Comps["mlw-prod"] = append(c.Comps["mlw-prod"], wizard.Compute{Name: "k8s-v", Type: "Kubernetes", State: "Succeeded"})
		_, err := wizard.Verify(ctx, c, wizardtest.WS, "k8s-v", wizard.VerifyOptions{}, nil)
		cancel()
		var ve *wizard.VerifyError
		if !errors.As(err, &ve) || !ve.Stopped() || ve.Step != tc.step {
			t.Fatalf("stopped at %s: %v", tc.step, err)
		}
		lines := strings.Join(ve.Lines("k8s-v"), "\n")
		for _, want := range []string{"verify k8s-v: stopped during the " + tc.step + " step", tc.exists, "next: re-run amlaks verify k8s-v"} {
			if !strings.Contains(lines, want) {
				t.Errorf("stopped at %s: lacks %q:\n%s", tc.step, want, lines)
			}
		}
	}
}
