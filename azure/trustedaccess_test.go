package azure

import (
	"context"
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/azure/sim"
	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// sent returns the last request of method whose path ends with suffix.
func (w *wire) sent(method, suffix string) (wireReq, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := len(w.reqs) - 1; i >= 0; i-- {
		r := w.reqs[i]
		path, _, _ := strings.Cut(r.uri, "?")
		if r.method == method && strings.HasSuffix(strings.ToLower(path), strings.ToLower(suffix)) {
			return r, true
		}
	}
	return wireReq{}, false
}

const wsProdID = "/subscriptions/" + sub1 + "/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod"

// followAll follows op to its end.
func followAll(t *testing.T, c *Client, op wizard.Operation) wizard.Progress {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var last wizard.Progress
	for p := range c.Follow(ctx, op, 10*time.Millisecond) {
		last = p
	}
	return last
}

// TestTrustedAccessRoleBinding: the binding PUT sent is the Request
// printed (method, path with the api-version, body); the operation is
// followed to Succeeded; the list reads it back as binding the workspace;
// on a cluster with 8 bindings AKS's refusal comes back as a bad request
// with its text.
func TestTrustedAccessRoleBinding(t *testing.T) {
	for _, w := range wirings {
		t.Run(w.name, func(t *testing.T) {
			rec := &wire{h: newSim(t, simSpeedy)}
			c := w.mk(t, rec, nil)
			ctx := context.Background()
			spec := wizard.RoleBindingSpec{ClusterID: mlGroup + sim.ClusterNoLocal, Name: wizard.BindingName(wsProdID), Source: wsProdID,
				Roles: []string{wizard.MLWorkloadRole}}
			req, err := c.RoleBindingRequest(spec)
			if err != nil {
				t.Fatal(err)
			}
			op, err := c.CreateRoleBinding(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			if op.Kind != wizard.OpTrustedAccess || op.Name != spec.Name || !rules.SameCluster(op.Target, spec.ClusterID) || op.Token == "" {
				t.Errorf("operation %+v", op)
			}
			sent, ok := rec.put("/trustedAccessRoleBindings/" + spec.Name)
			if !ok {
				t.Fatal("no binding PUT seen")
			}
			if !reflect.DeepEqual(decodeJSON(t, sent.body), decodeJSON(t, req.Body)) || req.Method != "PUT" || !strings.EqualFold(req.Path, sent.uri) {
				t.Errorf("sent PUT %s\n%s\nprinted %s %s\n%s", sent.uri, sent.body, req.Method, req.Path, req.Body)
			}
			if !strings.HasSuffix(sent.uri, "?api-version=2025-09-01") || jpath(decodeJSON(t, sent.body), "properties", "roles", 0) != wizard.MLWorkloadRole {
				t.Errorf("sent %s %s", sent.uri, sent.body)
			}
			if last := followAll(t, c, op); !last.Done || last.State != "Succeeded" || last.Err != nil {
				t.Fatalf("follow ended %+v", last)
			}
			bs, err := c.RoleBindings(ctx, spec.ClusterID)
			if err != nil || len(bs) != 1 || !bs[0].Binds(wsProdID) || bs[0].State != "Succeeded" || bs[0].Name != spec.Name {
				t.Fatalf("bindings %+v %v", bs, err)
			}

			full := spec
			full.ClusterID = mlGroup + sim.ClusterBindingsFull
			_, err = c.CreateRoleBinding(ctx, full)
			if !errors.Is(err, wizard.ErrBadRequest) || !strings.Contains(err.Error(), "already has 8 trusted access role bindings") {
				t.Errorf("9th binding: %v", err)
			}
		})
	}
}

// TestExtensionAddInference: adding inference to a training-only
// extension is a PATCH of its own name carrying only the inference
// settings and, with TLS, the certificate and key (sent, and redacted in
// the printed Request, which is otherwise the body sent); it is followed
// to Succeeded and the extension then serves inference.
func TestExtensionAddInference(t *testing.T) {
	rec := &wire{h: newSim(t, simSpeedy)}
	c := memClient(t, rec, nil)
	ctx := context.Background()
	id := mlGroup + sim.ClusterTraining
	e, ok, err := c.Extension(ctx, id)
	if err != nil || !ok || !e.TrainingOnly() || e.Name != "azureml-training" {
		t.Fatalf("fixture %+v %v %v", e, ok, err)
	}
	spec := wizard.ExtensionSpec{ClusterID: id, Name: e.Name, Region: "eastus", Purpose: rules.Production, Router: wizard.RouterLoadBalancer,
		RouterHA: true, TLS: rules.TLS{Mode: rules.TLSCustom, CertPEM: certPEM, KeyPEM: keyPEM, CNAME: "scoring.contoso.com"}, Update: true}
	req, err := c.ExtensionRequest(spec)
	if err != nil {
		t.Fatal(err)
	}
	op, err := c.InstallExtension(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if op.Kind != wizard.OpExtensionUpdate || op.Name != "azureml-training" {
		t.Errorf("operation %+v", op)
	}
	sent, ok := rec.sent("PATCH", "/extensions/azureml-training")
	if !ok {
		t.Fatal("no PATCH seen")
	}
	if _, put := rec.put("/extensions/azureml-training"); put {
		t.Error("a PUT was sent: the install would replace the training-only extension")
	}
	b := decodeJSON(t, sent.body)
	if jpath(b, "properties", "configurationProtectedSettings", "scoringFe.sslCert") != base64.StdEncoding.EncodeToString(certPEM) {
		t.Errorf("certificate not sent: %s", sent.body)
	}
	for k, v := range map[string]string{"enableInference": "True", "inferenceRouterServiceType": "LoadBalancer", "sslCname": "scoring.contoso.com",
		"allowInsecureConnections": "False"} {
		if got := jpath(b, "properties", "configurationSettings", k); got != v {
			t.Errorf("%s = %v, want %s", k, got, v)
		}
	}
	for _, k := range []string{"enableTraining", "cluster_name", "domain", "location"} {
		if got := jpath(b, "properties", "configurationSettings", k); got != nil {
			t.Errorf("the patch changes %s (%v)", k, got)
		}
	}
	jpath(b, "properties", "configurationProtectedSettings").(map[string]any)["scoringFe.sslCert"] = "<redacted>"
	jpath(b, "properties", "configurationProtectedSettings").(map[string]any)["scoringFe.sslKey"] = "<redacted>"
	if req.Method != "PATCH" || !strings.EqualFold(req.Path, sent.uri) || !reflect.DeepEqual(b, decodeJSON(t, req.Body)) {
		t.Errorf("sent PATCH %s\n%s\nprinted %s %s\n%s", sent.uri, sent.body, req.Method, req.Path, req.Body)
	}
	if last := followAll(t, c, op); !last.Done || last.State != "Succeeded" || last.Err != nil {
		t.Fatalf("follow ended %+v", last)
	}
	e, _, _ = c.Extension(ctx, id)
	if !e.Ready() || e.Settings["enableTraining"] != "True" {
		t.Errorf("after: %+v", e)
	}
}
