package azure

import (
	"net/http"
	"strings"

	"github.com/amlaks/amlaks/wizard"
)

// DetachRequest is the DELETE Detach sends: underlyingResourceAction=Detach
// (ComputeClient.deleteCreateRequest sets api-version and
// underlyingResourceAction; url.Values encodes them sorted), so Azure ML
// forgets the compute and the cluster stays (azure-facts §15.4).
func (c *Client) DetachRequest(ws wizard.WorkspaceRef, name string) (wizard.Request, error) {
	path := computePath(ws, name)
	if !strings.Contains(path, "?") {
		path += "?"
	} else {
		path += "&"
	}
	return wizard.Request{Method: http.MethodDelete, Endpoint: c.armEndpoint(), Path: path + "underlyingResourceAction=Detach"}, nil
}
