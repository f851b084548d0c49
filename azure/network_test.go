package azure

import (
	"context"
	"errors"
	"testing"

	"github.com/amlaks/amlaks/azure/sim"
	"github.com/amlaks/amlaks/wizard"
)

// TestSubnetRead reads a subnet through the SDK's generic GetByID against
// the simulator: its range when it exists, ErrNotFound for a missing
// subnet or VNet.
func TestSubnetRead(t *testing.T) {
	for _, w := range wirings {
		t.Run(w.name, func(t *testing.T) {
			c := w.mk(t, newSim(t, sim.Options{}), func(o *Options) { o.DefaultSubscription = sub1 })
			ctx := context.Background()
			s, err := c.Subnet(ctx, sub1, "rg-net", "vnet-ml", "snet-aks")
			if err != nil || len(s.AddressPrefixes) != 1 || s.AddressPrefixes[0] != "10.1.4.0/22" {
				t.Fatalf("subnet %+v, %v", s, err)
			}
			for _, miss := range [][2]string{{"vnet-ml", "snet-nope"}, {"vnet-nope", "aks"}} {
				if _, err := c.Subnet(ctx, sub1, "rg-net", miss[0], miss[1]); !errors.Is(err, wizard.ErrNotFound) {
					t.Errorf("%s/%s: %v, want not found", miss[0], miss[1], err)
				}
			}
		})
	}
}
