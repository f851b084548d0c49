package rules

// ClusterID identifies an AKS managed cluster.
type ClusterID struct {
	SubscriptionID string
	ResourceGroup  string
	Name           string
}

// String is the canonical ID
// "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}".
func (c ClusterID) String() string { return "" /* TODO */ }

// ParseClusterID parses an AKS resource ID. Segment names are compared
// case-insensitively (Azure returns "resourcegroups" too), a leading "/"
// is optional, surrounding spaces are ignored. The error is a Violation on
// field "cluster-id" naming the wrong or missing segment, e.g.
// "segment 3 should be resourceGroups (found 'resourceGrups')",
// "subscription ID 'abc' is not a GUID", "provider should be Microsoft.ContainerService/managedClusters".
func ParseClusterID(s string) (ClusterID, error) { return ClusterID{}, nil /* TODO */ }

// SameCluster compares two resource IDs case-insensitively (after parsing
// when both parse; as trimmed strings otherwise).
func SameCluster(a, b string) bool { return false /* TODO */ }
