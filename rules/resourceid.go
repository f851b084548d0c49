package rules

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ClusterID identifies an AKS managed cluster.
type ClusterID struct {
	SubscriptionID string
	ResourceGroup  string
	Name           string
}

// String is the canonical ID
// "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}".
func (c ClusterID) String() string {
	return "/subscriptions/" + c.SubscriptionID + "/resourceGroups/" + c.ResourceGroup +
		"/providers/Microsoft.ContainerService/managedClusters/" + c.Name
}

// clusterIDShape names the eight segments of an AKS resource ID.
var clusterIDShape = [8]string{"subscriptions", "{subscription}", "resourceGroups", "{resource group}",
	"providers", "Microsoft.ContainerService", "managedClusters", "{name}"}

// ParseClusterID parses an AKS resource ID. Segment names are compared
// case-insensitively (Azure returns "resourcegroups" too), a leading "/"
// is optional, surrounding spaces are ignored. The error is a Violation on
// field "cluster-id" naming the wrong or missing segment, e.g.
// "segment 3 should be resourceGroups (found 'resourceGrups')",
// "subscription ID 'abc' is not a GUID", "provider should be Microsoft.ContainerService/managedClusters".
//
// Segments are numbered from 1 ("subscriptions"). A trailing "/" is
// tolerated; anything after the cluster name is not. The values are
// returned as written (their case kept). The subscription must be a GUID,
// the resource group 1–90 letters, digits, '_', '-', '.', '(' or ')' not
// ending in '.', the cluster name 1–63 letters, digits, '-' or '_' starting
// and ending with a letter or digit.
func ParseClusterID(s string) (ClusterID, error) {
	bad := func(code, format string, args ...any) (ClusterID, error) {
		return ClusterID{}, Violation{Field: "cluster-id", Code: code, Message: fmt.Sprintf(format, args...)}
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return bad("cluster-id-empty", "enter the cluster's resource ID, like /subscriptions/GUID/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/NAME")
	}
	t = strings.TrimRight(strings.TrimPrefix(t, "/"), "/")
	segs := strings.Split(t, "/")
	for i, seg := range segs {
		if i >= len(clusterIDShape) {
			return bad("cluster-id-extra", "the ID should end with the cluster name %s (found more: %s)",
				quote(segs[7]), quote(strings.Join(segs[8:], "/")))
		}
		if seg == "" {
			return bad("cluster-id-segment", "segment %d is empty (a double /): it should be %s", i+1, clusterIDShape[i])
		}
		switch i {
		case 1:
			if !IsGUID(seg) {
				return bad("cluster-id-subscription", "subscription ID %s is not a GUID (like 00000000-0000-0000-0000-000000000000)", quote(seg))
			}
		case 3:
			if msg := resourceGroupProblem(seg); msg != "" {
				return bad("cluster-id-resource-group", "resource group %s %s", quote(seg), msg)
			}
		case 7:
			if msg := clusterNameProblem(seg); msg != "" {
				return bad("cluster-id-name", "cluster name %s %s", quote(seg), msg)
			}
		case 0, 2, 4:
			if !strings.EqualFold(seg, clusterIDShape[i]) {
				return bad("cluster-id-segment", "segment %d should be %s (found %s)", i+1, clusterIDShape[i], quote(seg))
			}
		case 5:
			if !strings.EqualFold(seg, clusterIDShape[5]) {
				return bad("cluster-id-provider", "provider should be Microsoft.ContainerService/managedClusters (found %s): this is not an AKS cluster", quote(strings.Join(segs[5:min(7, len(segs))], "/")))
			}
		case 6:
			if !strings.EqualFold(seg, clusterIDShape[6]) {
				return bad("cluster-id-provider", "provider should be Microsoft.ContainerService/managedClusters (found %s): this is not an AKS cluster", quote(segs[5]+"/"+seg))
			}
		}
	}
	if len(segs) < len(clusterIDShape) {
		return bad("cluster-id-missing", "the ID stops after segment %d: segment %d should be %s (the full form is %s)",
			len(segs), len(segs)+1, clusterIDShape[len(segs)], "/"+strings.Join(clusterIDShape[:], "/"))
	}
	return ClusterID{SubscriptionID: segs[1], ResourceGroup: segs[3], Name: segs[7]}, nil
}

// IsGUID reports whether s has the form 8-4-4-4-12 hex digits (any case).
func IsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isASCIIDigit(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// resourceGroupProblem returns "" for a valid resource group name, else
// what is wrong with it.
func resourceGroupProblem(rg string) string {
	if n := utf8.RuneCountInString(rg); n > 90 {
		return fmt.Sprintf("is too long: 90 characters at most (now %d)", n)
	}
	if bad := badRunes(rg, func(r rune) bool {
		return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_-.()", r))
	}); bad != "" {
		return "may hold only letters, digits, _, -, ., ( and ) (found " + bad + ")"
	}
	if strings.HasSuffix(rg, ".") {
		return "must not end with '.'"
	}
	return ""
}

// clusterNameProblem returns "" for a valid AKS cluster name, else what is
// wrong with it.
func clusterNameProblem(name string) string {
	if n := utf8.RuneCountInString(name); n > 63 {
		return fmt.Sprintf("is too long: 63 characters at most (now %d)", n)
	}
	if bad := badRunes(name, func(r rune) bool {
		return r < utf8.RuneSelf && (isASCIILetter(byte(r)) || isASCIIDigit(byte(r)) || r == '-' || r == '_')
	}); bad != "" {
		return "may hold only letters, digits, - and _ (found " + bad + ")"
	}
	first, last := name[0], name[len(name)-1]
	if !isASCIILetter(first) && !isASCIIDigit(first) || !isASCIILetter(last) && !isASCIIDigit(last) {
		return "must start and end with a letter or digit"
	}
	return ""
}

// SameCluster compares two resource IDs case-insensitively (after parsing
// when both parse; as trimmed strings otherwise). An empty ID is never the
// same as anything.
func SameCluster(a, b string) bool {
	ida, erra := ParseClusterID(a)
	idb, errb := ParseClusterID(b)
	if erra == nil && errb == nil {
		return strings.EqualFold(ida.SubscriptionID, idb.SubscriptionID) &&
			strings.EqualFold(ida.ResourceGroup, idb.ResourceGroup) &&
			strings.EqualFold(ida.Name, idb.Name)
	}
	ta := strings.Trim(strings.TrimSpace(a), "/")
	tb := strings.Trim(strings.TrimSpace(b), "/")
	return ta != "" && strings.EqualFold(ta, tb)
}
