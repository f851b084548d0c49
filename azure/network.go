package azure

import (
	"context"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"

	"github.com/amlaks/amlaks/wizard"
)

// networkAPIVersion is the Microsoft.Network api-version of the subnet
// read. amlaks has no Microsoft.Network SDK module: the subnet is read with
// armresources' generic GetByID, which needs the version given.
const networkAPIVersion = "2024-05-01"

// Subnet reads a virtual network's subnet (GET
// .../Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}): a 404, of
// the VNet or of the subnet, is wizard.ErrNotFound.
func (c *Client) Subnet(ctx context.Context, sub, resourceGroup, vnet, subnet string) (wizard.Subnet, error) {
	op := "read subnet " + subnet + " of VNet " + vnet
	if _, err := c.forSub(sub); err != nil {
		return wizard.Subnet{}, err
	}
	cl, err := armresources.NewClient(sub, c.opts.Credential, c.armOpts)
	if err != nil {
		return wizard.Subnet{}, mapError(op, err)
	}
	id := "/subscriptions/" + url.PathEscape(sub) + "/resourceGroups/" + url.PathEscape(resourceGroup) +
		"/providers/Microsoft.Network/virtualNetworks/" + url.PathEscape(vnet) + "/subnets/" + url.PathEscape(subnet)
	r, err := cl.GetByID(ctx, id, networkAPIVersion, nil)
	if err != nil {
		return wizard.Subnet{}, mapError(op, err)
	}
	s := wizard.Subnet{ID: str(r.ID)}
	// a subnet has addressPrefix, or addressPrefixes when it has several
	if props, ok := r.Properties.(map[string]any); ok {
		if p, ok := props["addressPrefix"].(string); ok && p != "" {
			s.AddressPrefixes = append(s.AddressPrefixes, p)
		}
		if ps, ok := props["addressPrefixes"].([]any); ok {
			for _, p := range ps {
				if p, ok := p.(string); ok && p != "" {
					s.AddressPrefixes = append(s.AddressPrefixes, p)
				}
			}
		}
	}
	return s, nil
}
