package sim

import (
	"fmt"
	"net/http"
	"strings"
)

// The virtual networks a custom-VNet create can name: read-only fixtures
// (amlaks only reads a subnet, to refuse one that does not exist before a
// create is sent). The answers' shape (properties.addressPrefix, a 404
// ResourceNotFound for a missing VNet and NotFound for a missing subnet)
// is modelled on Microsoft.Network's, not recorded from it.
type vnetFixture struct {
	Sub, RG, Name string
	Subnets       map[string]string // name → address prefix
}

var vnets = []vnetFixture{
	{Sub: DefaultSubscriptionID, RG: "rg-net", Name: "vnet-ml", Subnets: map[string]string{
		"aks": "10.1.0.0/22", "snet-aks": "10.1.4.0/22", "snet-ilb": "10.1.8.0/24"}},
	{Sub: DefaultSubscriptionID, RG: "rg-net", Name: "vnet", Subnets: map[string]string{"aks": "10.2.0.0/22"}},
}

const networkProvider = "providers/microsoft.network"

// serveSubnet answers GET .../virtualNetworks/{vnet}/subnets/{subnet}.
func (h *Handler) serveSubnet(r *http.Request, p []string) reply {
	sub, rg, vnet, name := p[0], p[1], p[2], p[3]
	for _, v := range vnets {
		if !strings.EqualFold(v.Sub, sub) || !strings.EqualFold(v.RG, rg) || !strings.EqualFold(v.Name, vnet) {
			continue
		}
		for sn, prefix := range v.Subnets {
			if strings.EqualFold(sn, name) {
				id := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworks/%s/subnets/%s", v.Sub, v.RG, v.Name, sn)
				return okReply(map[string]any{"id": id, "name": sn, "type": "Microsoft.Network/virtualNetworks/subnets",
					"properties": map[string]any{"addressPrefix": prefix, "provisioningState": "Succeeded"}})
			}
		}
		return errReply(http.StatusNotFound, "NotFound", fmt.Sprintf("Resource /subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworks/%s/subnets/%s not found.", sub, rg, vnet, name))
	}
	return resourceNotFound("Microsoft.Network/virtualNetworks", vnet, rg)
}
