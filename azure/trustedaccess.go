package azure

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v8"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// Trusted Access role bindings of a cluster (armcontainerservice/v8
// TrustedAccessRoleBindingsClient, api-version 2025-09-01): how Azure ML
// reaches a cluster with local accounts disabled, authorized IP ranges or
// a private API server, through the AKS regional gateway with the
// workspace's identity.

// roleBindingBody is the binding PUT's body: the workspace as source and
// the Azure ML role.
func roleBindingBody(spec wizard.RoleBindingSpec) armcontainerservice.TrustedAccessRoleBinding {
	props := &armcontainerservice.TrustedAccessRoleBindingProperties{SourceResourceID: to.Ptr(spec.Source)}
	for _, r := range spec.Roles {
		props.Roles = append(props.Roles, to.Ptr(r))
	}
	return armcontainerservice.TrustedAccessRoleBinding{Properties: props}
}

// RoleBindingRequest is the binding PUT CreateRoleBinding sends.
func (c *Client) RoleBindingRequest(spec wizard.RoleBindingSpec) (wizard.Request, error) {
	id, err := parseCluster(spec.ClusterID)
	if err != nil {
		return wizard.Request{}, err
	}
	body := roleBindingBody(spec)
	b, err := printable(&body)
	if err != nil {
		return wizard.Request{}, mapError("build the Trusted Access request", err)
	}
	return wizard.Request{Method: "PUT", Path: clusterPath(id.SubscriptionID, id.ResourceGroup, id.Name) +
		"/trustedAccessRoleBindings/" + url.PathEscape(spec.Name) + "?api-version=" + aksAPIVersion, Body: b}, nil
}

// RoleBindings lists a cluster's Trusted Access role bindings (all pages).
func (c *Client) RoleBindings(ctx context.Context, clusterID string) ([]wizard.RoleBinding, error) {
	cid, err := parseCluster(clusterID)
	if err != nil {
		return nil, err
	}
	op := "read the Trusted Access role bindings of " + cid.Name
	s, err := c.forSub(cid.SubscriptionID)
	if err != nil {
		return nil, err
	}
	var out []wizard.RoleBinding
	pg := s.bindings.NewListPager(cid.ResourceGroup, cid.Name, nil)
	for pg.More() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, mapError(op, err)
		}
		for _, b := range page.Value {
			if b != nil {
				out = append(out, toRoleBinding(b))
			}
		}
	}
	return out, nil
}

func toRoleBinding(b *armcontainerservice.TrustedAccessRoleBinding) wizard.RoleBinding {
	x := wizard.RoleBinding{Name: str(b.Name)}
	if p := b.Properties; p != nil {
		x.Source = str(p.SourceResourceID)
		for _, r := range p.Roles {
			if r != nil {
				x.Roles = append(x.Roles, *r)
			}
		}
		if p.ProvisioningState != nil {
			x.State = string(*p.ProvisioningState)
		}
	}
	return x
}

// CreateRoleBinding sends the binding PUT of RoleBindingRequest and returns
// once AKS accepted it; the resume token is saved.
func (c *Client) CreateRoleBinding(ctx context.Context, spec wizard.RoleBindingSpec) (wizard.Operation, error) {
	cid, err := parseCluster(spec.ClusterID)
	if err != nil {
		return wizard.Operation{}, err
	}
	label := "create Trusted Access role binding " + spec.Name + " on " + cid.Name
	s, err := c.forSub(cid.SubscriptionID)
	if err != nil {
		return wizard.Operation{}, err
	}
	started := time.Now()
	p, err := s.bindings.BeginCreateOrUpdate(ctx, cid.ResourceGroup, cid.Name, spec.Name, roleBindingBody(spec), nil)
	if err != nil {
		return wizard.Operation{}, mapError(label, err)
	}
	op := wizard.Operation{Kind: wizard.OpTrustedAccess, Name: spec.Name, Started: started, Target: cid.String()}
	return c.started(op, p, label)
}

// bindingState is a binding's provisioningState ("Gone" when absent).
func (c *Client) bindingState(ctx context.Context, s *subClients, cid rules.ClusterID, name string) (string, error) {
	g, err := s.bindings.Get(ctx, cid.ResourceGroup, cid.Name, name, nil)
	if err != nil {
		if errors.Is(mapError("", err), wizard.ErrNotFound) {
			return "Gone", nil
		}
		return "", err
	}
	return toRoleBinding(&g.TrustedAccessRoleBinding).State, nil
}
