package azure

import (
	"context"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/azure/sim"
)

// TestClusterIDsHaveOneCasing: AKS answers with "/resourcegroups/" in its
// own IDs while Azure ML writes "/resourceGroups/"; what amlaks shows and
// sends uses the one canonical spelling, whichever side the ID came from.
func TestClusterIDsHaveOneCasing(t *testing.T) {
	c := memClient(t, newSim(t, sim.Options{}), func(o *Options) { o.DefaultSubscription = sub1 })
	ctx := context.Background()
	cls, err := c.Clusters(ctx, sub1)
	if err != nil {
		t.Fatal(err)
	}
	if len(cls) == 0 {
		t.Fatal("no clusters")
	}
	for _, x := range cls {
		if !strings.Contains(x.ID, "/resourceGroups/") || !strings.Contains(x.ID, "/managedClusters/") {
			t.Errorf("cluster %s: ID %s", x.Name, x.ID)
		}
		one, err := c.Cluster(ctx, strings.ToLower(x.ID))
		if err != nil {
			t.Fatal(err)
		}
		if one.ID != x.ID {
			t.Errorf("Cluster(%s).ID = %s, want %s", x.Name, one.ID, x.ID)
		}
	}
}
