package azure

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/wizard"
)

// TestClusterLTSAndPrivateFQDN: an LTS-only version is sent with the
// Premium tier and the long-term support plan, which the simulator
// accepts, and refused as AKS does without them; a private cluster is
// sent without a public FQDN and comes back without one.
func TestClusterLTSAndPrivateFQDN(t *testing.T) {
	ctx := context.Background()
	rec := &wire{h: newSim(t, simSpeedy)}
	c := memClient(t, rec, nil)
	base := wizard.ClusterSpec{SubscriptionID: sub1, ResourceGroup: "rg-ml-prod", Location: "eastus", KubernetesVersion: "1.34",
		VMSize: "Standard_D2s_v5", Nodes: 2, APIAccess: wizard.APIPublic}

	lts := base
	lts.Name, lts.LTS = "aks-lts", true
	req, err := c.ClusterRequest(lts)
	if err != nil {
		t.Fatal(err)
	}
	b := decodeJSON(t, req.Body)
	if jpath(b, "sku", "name") != "Base" || jpath(b, "sku", "tier") != "Premium" || jpath(b, "properties", "supportPlan") != "AKSLongTermSupport" {
		t.Errorf("LTS body: %s", req.Body)
	}
	op, err := c.CreateCluster(ctx, lts)
	if err != nil {
		t.Fatal(err)
	}
	if ps := drain(t, c.Follow(ctx, op, time.Millisecond)); ps[len(ps)-1].Err != nil {
		t.Fatalf("LTS create: %v", ps[len(ps)-1].Err)
	}
	if sent, _ := rec.put("/managedClusters/aks-lts"); jpath(decodeJSON(t, sent.body), "sku", "tier") != "Premium" {
		t.Errorf("sent %s", sent.body)
	}
	if !strings.Contains(rec.answers(), `"tier":"Premium"`) {
		t.Error("the cluster read back is not in the Premium tier")
	}

	plain := base
	plain.Name = "aks-nolts"
	if r, _ := c.ClusterRequest(plain); strings.Contains(string(r.Body), "Premium") || strings.Contains(string(r.Body), "supportPlan") {
		t.Errorf("a version under standard support got the Premium tier: %s", r.Body)
	}
	_, err = c.CreateCluster(ctx, plain)
	var we *wizard.Error
	if !errors.As(err, &we) || we.Code != "K8sVersionNotSupported" ||
		!strings.Contains(we.Message, "Managed cluster aks-nolts is on version 1.34.10, which is only available for Long-Term Support (LTS). "+
			"If you intend to onboard to LTS, please ensure the cluster is in Premium tier and LTS support plan") {
		t.Errorf("LTS-only version without Premium: %v", err)
	}

	priv := base
	priv.Name, priv.KubernetesVersion, priv.APIAccess = "aks-priv", "1.36", wizard.APIPrivate
	req, _ = c.ClusterRequest(priv)
	b = decodeJSON(t, req.Body)
	if jpath(b, "properties", "apiServerAccessProfile", "enablePrivateCluster") != true ||
		jpath(b, "properties", "apiServerAccessProfile", "enablePrivateClusterPublicFQDN") != false {
		t.Errorf("private body: %s", req.Body)
	}
	op, err = c.CreateCluster(ctx, priv)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, c.Follow(ctx, op, time.Millisecond))
	cl, err := c.Cluster(ctx, priv.ID())
	if err != nil || !cl.Private || cl.PrivatePublicFQDN || !strings.Contains(cl.FQDN, ".privatelink.") {
		t.Errorf("private cluster read back: %+v %v", cl, err)
	}
}

// TestPremiumTierPrice: the Premium tier's price comes from the Retail
// Prices API (the simulator serves it), asked without the ARM token.
func TestPremiumTierPrice(t *testing.T) {
	rec := &wire{h: newSim(t, simSpeedy)}
	var authSeen bool
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/retail/prices") && r.Header.Get("Authorization") != "" {
			authSeen = true
		}
		rec.ServeHTTP(w, r)
	})
	c := memClient(t, h, nil)
	v, err := c.PremiumTierPrice(context.Background(), "East US")
	if err != nil || v != 0.60 {
		t.Fatalf("price %v %v", v, err)
	}
	if authSeen {
		t.Error("the ARM token was sent to the Retail Prices API")
	}
	if _, err := c.PremiumTierPrice(context.Background(), "nowhere"); err == nil {
		t.Error("a region without a price has one")
	}
}
