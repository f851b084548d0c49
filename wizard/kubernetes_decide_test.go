package wizard

import "testing"

func TestDecideInstallExtensionAndInsecure(t *testing.T) {
	p := NewPlan(ModeAttach)
	p.ClusterID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c"
	k := Known{HaveExtensions: true, Extensions: map[string]Extension{}}
	DecideInstallExtension(p, k)
	if !p.InstallExtension || p.From(FInstallExtension) != Asked {
		t.Fatal("a cluster without the extension: picking it installs it")
	}
	k.Extensions[p.ClusterID[:0]+"/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/c"] = Extension{State: "Succeeded"}
	DecideInstallExtension(p, k)
	if p.InstallExtension {
		t.Fatal("a healthy extension is not installed again")
	}
	p.Mark(FInstallExtension, Flag)
	p.InstallExtension = true
	DecideInstallExtension(p, k)
	if !p.InstallExtension {
		t.Fatal("a flag's answer is kept")
	}
	DecideInsecure(p)
	if !p.AllowInsecure || p.From(FAllowInsecure) != Asked {
		t.Fatal("no certificate on the current path is plain HTTP, said")
	}
	q := NewPlan(ModeAttach)
	q.ComputeType = ComputeAKS
	DecideInsecure(q)
	if q.AllowInsecure {
		t.Fatal("the legacy path has no such setting")
	}
}
