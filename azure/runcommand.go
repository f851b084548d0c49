package azure

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v8"

	"github.com/amlaks/amlaks/wizard"
)

// AKS's run command: kubectl in the cluster without a kubeconfig (az aks
// command invoke). POST managedClusters/{name}/runCommand answers 202 with
// a Location on commandResults/{id}, which answers 202 until the command's
// pod is done; its provisioningState is "failed" with a reason when the pod
// never ran, else the command's exit code and output.

// runCommandLimit is how long amlaks waits for one command: the pod must
// be scheduled within 60 s and kubectl itself is quick; az waits 300 s.
const runCommandLimit = 5 * time.Minute

// commandBody is the RunCommandRequest: the command and its files as the
// base64 of a zip (flattened to base names, as az does). The zip carries
// no timestamps, so the body printed in a dry run is the one sent.
func commandBody(command string, files map[string][]byte) (armcontainerservice.RunCommandRequest, error) {
	req := armcontainerservice.RunCommandRequest{Command: &command}
	if len(files) == 0 {
		return req, nil
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate})
		if err != nil {
			return req, err
		}
		if _, err := w.Write(files[n]); err != nil {
			return req, err
		}
	}
	if err := zw.Close(); err != nil {
		return req, err
	}
	ctx := base64.StdEncoding.EncodeToString(buf.Bytes())
	req.Context = &ctx
	return req, nil
}

// CommandRequest is the run command POST RunCommand sends.
func (c *Client) CommandRequest(clusterID, command string, files map[string][]byte) (wizard.Request, error) {
	id, err := parseCluster(clusterID)
	if err != nil {
		return wizard.Request{}, err
	}
	body, err := commandBody(command, files)
	if err != nil {
		return wizard.Request{}, mapError("build the run command", err)
	}
	b, err := printable(&body)
	if err != nil {
		return wizard.Request{}, mapError("build the run command", err)
	}
	return wizard.Request{Method: "POST", Path: clusterPath(id.SubscriptionID, id.ResourceGroup, id.Name) + "/runCommand?api-version=" + aksAPIVersion, Body: b}, nil
}

// aksServerApp is the AKS AAD server application: the audience of the
// clusterToken az sends on clusters with managed Entra integration.
const aksServerApp = "6dae42f8-4368-4678-94ff-3960e28e3630"

// RunCommand runs command in the cluster and waits for its result. As az
// does, it reads the cluster first and, when its Entra integration is
// managed (aadProfile.managed), sends the caller's token for the AKS
// server app as clusterToken, so the command runs with the caller's
// Kubernetes rights. The token is never printed (the dry run shows the
// request without it; the trace redacts it).
func (c *Client) RunCommand(ctx context.Context, clusterID, command string, files map[string][]byte) (wizard.CommandResult, error) {
	id, err := parseCluster(clusterID)
	if err != nil {
		return wizard.CommandResult{}, err
	}
	s, err := c.forSub(id.SubscriptionID)
	if err != nil {
		return wizard.CommandResult{}, err
	}
	body, err := commandBody(command, files)
	if err != nil {
		return wizard.CommandResult{}, mapError("build the run command", err)
	}
	ctx, cancel := context.WithTimeout(ctx, runCommandLimit)
	defer cancel()
	op := "run kubectl in cluster " + id.Name
	cl, err := s.clusters.Get(ctx, id.ResourceGroup, id.Name, nil)
	if err != nil {
		return wizard.CommandResult{}, mapError(op, err)
	}
	if pr := cl.Properties; pr != nil && pr.AADProfile != nil && pr.AADProfile.Managed != nil && *pr.AADProfile.Managed {
		tok, err := c.opts.Credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{aksServerApp + "/.default"}})
		if err != nil {
			return wizard.CommandResult{}, mapError(op+": get a token for the cluster's Entra integration", err)
		}
		body.ClusterToken = &tok.Token
	}
	p, err := s.clusters.BeginRunCommand(ctx, id.ResourceGroup, id.Name, body, nil)
	if err != nil {
		return wizard.CommandResult{}, mapError(op, err)
	}
	every := min(max(c.opts.PollEvery, 20*time.Millisecond), 5*time.Second)
	var res armcontainerservice.ManagedClustersClientRunCommandResponse
	for !p.Done() {
		resp, perr := p.Poll(ctx)
		if perr != nil {
			err = perr
			break
		}
		if p.Done() {
			break
		}
		select {
		case <-ctx.Done():
			return wizard.CommandResult{}, mapError(op, ctx.Err())
		case <-time.After(pollDelay(resp, every)):
		}
	}
	if err == nil {
		res, err = p.Result(ctx)
	}
	if err != nil {
		// a "failed" provisioningState ends the poller with an error;
		// its body says why the pod did not run
		var re *azcore.ResponseError
		if errors.As(err, &re) && re.RawResponse != nil {
			if b, rerr := runtime.Payload(re.RawResponse); rerr == nil {
				var r armcontainerservice.RunCommandResult
				if json.Unmarshal(b, &r) == nil && r.Properties != nil && r.Properties.ProvisioningState != nil {
					return toCommandResult(r), nil
				}
			}
		}
		return wizard.CommandResult{}, mapError(op, err)
	}
	return toCommandResult(res.RunCommandResult), nil
}

func toCommandResult(r armcontainerservice.RunCommandResult) wizard.CommandResult {
	var out wizard.CommandResult
	pr := r.Properties
	if pr == nil {
		return wizard.CommandResult{Failed: true, Reason: "the run command returned no result"}
	}
	if pr.ProvisioningState != nil && strings.EqualFold(*pr.ProvisioningState, "failed") {
		out.Failed, out.Reason = true, str(pr.Reason)
		if out.Reason == "" {
			out.Reason = "no reason given"
		}
		return out
	}
	if pr.ExitCode != nil {
		out.ExitCode = int(*pr.ExitCode)
	}
	out.Logs = str(pr.Logs)
	return out
}
