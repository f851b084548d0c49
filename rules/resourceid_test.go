package rules

import (
	"errors"
	"strings"
	"testing"
)

const (
	testSub = "0b1f6471-1bf0-4dda-aec3-111122223333"
	testID  = "/subscriptions/" + testSub + "/resourceGroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/aks-prod"
)

func TestParseClusterID(t *testing.T) {
	want := ClusterID{SubscriptionID: testSub, ResourceGroup: "rg-ml", Name: "aks-prod"}
	ok := []string{
		testID,
		strings.TrimPrefix(testID, "/"),
		"  " + testID + "/ ",
		testID + "//",
		"/SUBSCRIPTIONS/" + testSub + "/RESOURCEGROUPS/rg-ml/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/aks-prod",
		"/subscriptions/" + testSub + "/resourcegroups/rg-ml/providers/microsoft.containerservice/managedclusters/aks-prod",
	}
	for _, s := range ok {
		got, err := ParseClusterID(s)
		if err != nil || got != want {
			t.Errorf("ParseClusterID(%q) = %+v, %v", s, got, err)
		}
	}
	if got, _ := ParseClusterID(testID); got.String() != testID {
		t.Errorf("String() = %q", got.String())
	}

	rg := func(name string) string {
		return "/subscriptions/" + testSub + "/resourceGroups/" + name + "/providers/Microsoft.ContainerService/managedClusters/aks"
	}
	cl := func(name string) string { return strings.TrimSuffix(testID, "aks-prod") + name }
	tests := []struct {
		in, code, msg string
	}{
		{"", "cluster-id-empty", "enter the cluster's resource ID"},
		{"   ", "cluster-id-empty", ""},
		{"/", "cluster-id-segment", "segment 1 is empty"},
		{"/subscription/" + testSub, "cluster-id-segment", "segment 1 should be subscriptions (found 'subscription')"},
		{"/subscriptions/abc/resourceGroups/rg", "cluster-id-subscription", "subscription ID 'abc' is not a GUID"},
		{"/subscriptions/" + strings.Replace(testSub, "-", "x", 1) + "/resourceGroups/rg", "cluster-id-subscription", ""},
		{"/subscriptions/" + strings.Replace(testSub, "b", "g", 1) + "/resourceGroups/rg", "cluster-id-subscription", ""},
		{"/subscriptions/" + testSub + "/resourceGrups/rg", "cluster-id-segment", "segment 3 should be resourceGroups (found 'resourceGrups')"},
		{"/subscriptions/" + testSub + "//rg", "cluster-id-segment", "segment 3 is empty"},
		{"/subscriptions/" + testSub + "/resourceGroups/rg/provider/x", "cluster-id-segment", "segment 5 should be providers (found 'provider')"},
		{"/subscriptions/" + testSub + "/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", "cluster-id-provider", "provider should be Microsoft.ContainerService/managedClusters (found 'Microsoft.Compute/virtualMachines')"},
		{"/subscriptions/" + testSub + "/resourceGroups/rg/providers/Microsoft.Compute", "cluster-id-provider", "(found 'Microsoft.Compute')"},
		{"/subscriptions/" + testSub + "/resourceGroups/rg/providers/Microsoft.ContainerService/fleets/f", "cluster-id-provider", "(found 'Microsoft.ContainerService/fleets')"},
		{"/subscriptions/" + testSub, "cluster-id-missing", "the ID stops after segment 2: segment 3 should be resourceGroups"},
		{"/subscriptions/" + testSub + "/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters", "cluster-id-missing", "segment 8 should be {name}"},
		{testID + "/agentPools/np1", "cluster-id-extra", "(found more: 'agentPools/np1')"},
		// resource group rules: 1–90 chars, letters digits _ - . ( ), not ending in '.'
		{rg(strings.Repeat("r", 91)), "cluster-id-resource-group", "90 characters at most (now 91)"},
		{rg("rg.ml."), "cluster-id-resource-group", "must not end with '.'"},
		{rg("rg ml"), "cluster-id-resource-group", "(found ' ' (space))"},
		{rg("rg%20ml"), "cluster-id-resource-group", "'%'"},
		// cluster name rules: 1–63 chars, letters digits - _, alphanumeric at both ends
		{cl(strings.Repeat("c", 64)), "cluster-id-name", "63 characters at most (now 64)"},
		{cl("aks.prod"), "cluster-id-name", "(found '.')"},
		{cl("-aks"), "cluster-id-name", "must start and end with a letter or digit"},
		{cl("aks_"), "cluster-id-name", "must start and end with a letter or digit"},
	}
	for _, tt := range tests {
		_, err := ParseClusterID(tt.in)
		var v Violation
		if !errors.As(err, &v) {
			t.Errorf("ParseClusterID(%q) error = %v, want a Violation", tt.in, err)
			continue
		}
		if v.Field != "cluster-id" || v.Code != tt.code || !strings.Contains(v.Message, tt.msg) {
			t.Errorf("ParseClusterID(%q) = %#v, want code %s with %q", tt.in, v, tt.code, tt.msg)
		}
		checkStyle(t, []Violation{v})
	}
	// beside the boundaries: valid
	for _, s := range []string{rg(strings.Repeat("r", 90)), rg("r"), rg("rg_(ml).x-y"), rg("grupp-å"), cl(strings.Repeat("c", 63)), cl("a"), cl("A_b-9")} {
		if _, err := ParseClusterID(s); err != nil {
			t.Errorf("ParseClusterID(%q) = %v", s, err)
		}
	}
}

func TestIsGUID(t *testing.T) {
	for s, want := range map[string]bool{testSub: true, strings.ToUpper(testSub): true, "": false, testSub + "0": false, "{" + testSub[1:35] + "}": false} {
		if IsGUID(s) != want {
			t.Errorf("IsGUID(%q) = %v", s, !want)
		}
	}
}

func TestSameCluster(t *testing.T) {
	upper := "subscriptions/" + strings.ToUpper(testSub) + "/resourcegroups/RG-ML/providers/microsoft.containerservice/managedclusters/AKS-PROD"
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{testID, testID, true},
		{testID, upper, true},
		{testID, strings.Replace(testID, "aks-prod", "aks-prod2", 1), false},
		{testID, strings.Replace(testID, "rg-ml", "rg-ml2", 1), false},
		{"not/an/id", " /NOT/an/id/ ", true},
		{"not/an/id", testID, false},
		{"", "", false},
		{" ", "/", false},
	} {
		if got := SameCluster(tt.a, tt.b); got != tt.want {
			t.Errorf("SameCluster(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func FuzzParseClusterID(f *testing.F) {
	for _, s := range []string{testID, "", "/", "//", "subscriptions", testID + "/x", "/subscriptions/" + testSub + "/resourceGroups/" + strings.Repeat("é", 100), "\xff/\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseClusterID(s)
		if err != nil {
			var v Violation
			if !errors.As(err, &v) || v.Field != "cluster-id" || v.Message == "" {
				t.Fatalf("ParseClusterID(%q) error %#v", s, err)
			}
			return
		}
		// A parsed ID round-trips.
		again, err := ParseClusterID(id.String())
		if err != nil || again != id {
			t.Fatalf("round trip of %q: %+v, %v", s, again, err)
		}
		if !SameCluster(s, id.String()) {
			t.Fatalf("SameCluster(%q, %q) = false", s, id.String())
		}
	})
}
