package wizard

import (
	"testing"

	"github.com/amlaks/amlaks/rules"
)

// TestExtensionSpecOfAnAttach: an attach installs the extension with the
// device plugin when a pool of the picked cluster has NVIDIA GPUs, and
// under the name of the instance already on the cluster.
func TestExtensionSpecOfAnAttach(t *testing.T) {
	id := "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-gpu"
	p := NewPlan(ModeAttach)
	p.ClusterID = id
	p.Cluster = &Cluster{ID: id, Region: "westeurope", Pools: []rules.Pool{{Name: "system", Size: "Standard_D4s_v5", Count: 1},
		{Name: "gpu", Size: "Standard_NC8as_T4_v3", Count: 2}}}
	k := Known{HaveExtensions: true, Extensions: map[string]Extension{
		"/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/aks-gpu": {Name: "aml-inference", State: "Failed"}}}
	DecideInstallExtension(p, k)
	s := p.ExtensionSpec()
	if !s.GPU || s.Name != "aml-inference" || s.Region != "westeurope" || !p.InstallExtension {
		t.Errorf("spec %+v (install %v)", s, p.InstallExtension)
	}
	p.Cluster.Pools = p.Cluster.Pools[:1]
	if p.ExtensionSpec().GPU {
		t.Error("a CPU-only cluster gets the NVIDIA device plugin")
	}
	p.ClusterID = id + "x" // another cluster, no extension: azureml
	DecideInstallExtension(p, k)
	if n := p.ExtensionSpec().Name; n != ExtensionName {
		t.Errorf("name %q on a cluster without the extension", n)
	}
}
