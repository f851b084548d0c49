package azure

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"

	"github.com/amlaks/amlaks/wizard"
)

// computeAPIVersion is the api-version armmachinelearning v4.0.0's
// ComputeClient puts on its requests (compute_client.go,
// createOrUpdateCreateRequest: reqQP.Set("api-version", "2024-04-01"); the
// SDK exports no constant for it). TestRequestIsWhatIsSent compares it with
// the query the simulator receives, so an SDK upgrade that changes it fails
// there.
const computeAPIVersion = "2024-04-01"

// Request returns the PUT Submit sends for spec: the URL the SDK's
// ComputeClient builds and the body as the SDK marshals it — the same
// computeBody value through the same ComputeResource.MarshalJSON that
// runtime.MarshalAsJSON calls — with the TLS certificate and key replaced by
// wizard.Redacted after marshalling. It makes no network call.
func (c *Client) Request(ws wizard.WorkspaceRef, spec wizard.ComputeSpec) (wizard.Request, error) {
	wire, err := json.Marshal(computeBody(ws.SubscriptionID, spec))
	if err != nil {
		return wizard.Request{}, fmt.Errorf("build the request body of %s: %w", spec.Name, err)
	}
	body, err := redactBody(wire)
	if err != nil {
		return wizard.Request{}, fmt.Errorf("build the request body of %s: %w", spec.Name, err)
	}
	return wizard.Request{Method: http.MethodPut, Endpoint: c.armEndpoint(), Path: computePath(ws, spec.Name), Body: body}, nil
}

// armEndpoint is the Resource Manager host of the client's cloud, as the
// SDK's arm.NewClient picks it.
func (c *Client) armEndpoint() string {
	if svc, ok := c.opts.Cloud.Services[cloud.ResourceManager]; ok && svc.Endpoint != "" {
		return strings.TrimSuffix(svc.Endpoint, "/")
	}
	return strings.TrimSuffix(cloud.AzurePublic.Services[cloud.ResourceManager].Endpoint, "/")
}

// computePath is the path and query of a compute's PUT as
// ComputeClient.createOrUpdateCreateRequest builds them: each segment
// path-escaped, then the api-version.
func computePath(ws wizard.WorkspaceRef, name string) string {
	q := url.Values{}
	q.Set("api-version", computeAPIVersion)
	return "/subscriptions/" + url.PathEscape(ws.SubscriptionID) +
		"/resourceGroups/" + url.PathEscape(ws.ResourceGroup) +
		"/providers/Microsoft.MachineLearningServices/workspaces/" + url.PathEscape(ws.Name) +
		"/computes/" + url.PathEscape(name) + "?" + q.Encode()
}
