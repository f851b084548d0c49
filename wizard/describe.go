package wizard

import (
	"context"
	"strings"
	"sync"

	"github.com/amlaks/amlaks/rules"
)

// ComputeDetail is a compute as the lists show it: a Kubernetes compute's
// nodes, size, vCPUs and purpose come from its cluster and its Azure ML
// extension, as Azure ML records none of them for this type.
type ComputeDetail struct {
	Compute
	Extension Extension
	// ExtensionFound: the cluster has the extension; ExtensionKnown: it
	// could be read (always false for other types).
	ExtensionFound, ExtensionKnown bool
}

// DescribeComputes reads the cluster and the extension of each Kubernetes
// compute of cs, in parallel, and fills what they say (WithCluster,
// WithExtensionPurpose). What cannot be read stays empty.
func DescribeComputes(ctx context.Context, c Cloud, cs []Compute) []ComputeDetail {
	out := make([]ComputeDetail, len(cs))
	var wg sync.WaitGroup
	for i, cp := range cs {
		out[i].Compute = cp
		if !strings.EqualFold(cp.Type, string(ComputeKubernetes)) || cp.ClusterID == "" {
			continue
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			if cl, err := c.Cluster(ctx, cp.ClusterID); err == nil {
				n := WithCluster(cp, cl)
				out[i].Nodes, out[i].VMSize, out[i].VCPUs = n.Nodes, n.VMSize, n.VCPUs
			}
		}()
		go func() {
			defer wg.Done()
			e, found, err := c.Extension(ctx, cp.ClusterID)
			if err == nil {
				out[i].Extension, out[i].ExtensionFound, out[i].ExtensionKnown = e, found, true
			}
		}()
	}
	wg.Wait()
	for i := range out {
		out[i].Compute = WithExtensionPurpose(out[i].Compute, out[i].Extension, out[i].ExtensionFound)
	}
	return out
}

// WithCluster fills a Kubernetes compute's nodes, size and vCPUs from its
// cluster: the size stays empty when the pools differ in size, the vCPUs
// when a pool's are unknown.
func WithCluster(cp Compute, cl Cluster) Compute {
	if cp.Nodes != 0 || len(cl.Pools) == 0 {
		return cp
	}
	size, vcpus := cl.Pools[0].Size, 0
	for _, p := range cl.Pools {
		cp.Nodes += p.Count
		if p.Size != size {
			size = ""
		}
		if vcpus >= 0 && p.VCPUs > 0 {
			vcpus += p.Count * p.VCPUs
		} else {
			vcpus = -1
		}
	}
	cp.VMSize, cp.VCPUs = size, max(vcpus, 0)
	return cp
}

// WithExtensionPurpose gives a Kubernetes compute the purpose its Azure ML
// extension runs with (configurationSettings.clusterPurpose).
func WithExtensionPurpose(cp Compute, e Extension, found bool) Compute {
	if cp.Purpose == "" && found {
		cp.Purpose = rules.Purpose(e.Settings["clusterPurpose"])
	}
	return cp
}
