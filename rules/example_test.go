package rules_test

import (
	"fmt"

	"github.com/amlaks/amlaks/rules"
)

func ExampleComputeName() {
	for _, v := range rules.ComputeName("aks_inference-cluster-0001", []string{"cpu-cluster"}) {
		fmt.Println(v)
	}
	fmt.Println(rules.ComputeName("aks-inference", []string{"cpu-cluster"}) == nil)
	// Output:
	// name: 24 characters at most (now 26)
	// name: only letters, digits and - are allowed (found '_')
	// name: must not end in - followed only by digits (like -1)
	// true
}

func ExampleCheckSize() {
	sc := rules.CheckSize(rules.Production, "Standard_D3_v2", 2, 4)
	fmt.Println(sc.Rule)
	fmt.Println(sc.OK, sc.TotalVCPUs, sc.MinNodes)
	for _, v := range sc.Violations {
		fmt.Println(v)
	}
	// Output:
	// Standard_D3_v2 has 4 vCPUs: 3 nodes or more
	// false 8 3
	// nodes: production needs 12 vCPUs at least: 2 × 4 = 8; use 3 nodes or more, a bigger size or dev-test
	// nodes: production needs 3 nodes at least (now 2)
}

func ExampleCheckQuota() {
	q := rules.Quota{Name: "standardDv2Family", Label: "Standard Dv2 Family vCPUs", Used: 6, Limit: 10}
	fmt.Println(rules.CheckQuota(q, 12).Message)
	fmt.Println(rules.CheckQuota(q, 4).OK)
	// Output:
	// Standard Dv2 Family vCPUs: needs 12, 4 left of 10: request a quota increase, or pick another region or a smaller size
	// true
}

func ExampleCheckNetwork() {
	n := rules.Network{
		VNetResourceGroup: "mygroup",
		VNet:              "mynetwork",
		Subnet:            "default",
		SubnetPrefix:      "10.0.0.0/24",
		ServiceCIDR:       "10.0.0.0/16",
		DNSServiceIP:      "10.0.0.0",
		DockerBridgeCIDR:  "172.17.0.1/16",
		LoadBalancer:      rules.InternalLoadBalancer,
	}
	for _, v := range rules.CheckNetwork(n) {
		fmt.Println(v)
	}
	// Output:
	// dns-service-ip: 10.0.0.0 is the first address of the service CIDR 10.0.0.0/16: pick another address inside it, like 10.0.0.10
	// service-cidr: service CIDR 10.0.0.0/16 overlaps the subnet 10.0.0.0/24: pick a range outside the VNet
	// load-balancer-subnet: an internal load balancer needs a subnet: set load-balancer-subnet to a subnet name of the VNet
}

func ExampleParseClusterID() {
	id, err := rules.ParseClusterID("/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourcegroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/aks-prod")
	fmt.Println(id.ResourceGroup, id.Name, err)
	_, err = rules.ParseClusterID("/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGrups/rg-ml")
	fmt.Println(err)
	// Output:
	// rg-ml aks-prod <nil>
	// cluster-id: segment 3 should be resourceGroups (found 'resourceGrups')
}

func ExampleAttachFindings() {
	fs := rules.AttachFindings(rules.AttachFacts{
		Name:              "aks-inference",
		Purpose:           rules.Production,
		ClusterID:         "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/aks-prod",
		ClusterRegion:     "eastus",
		WorkspaceRegion:   "eastus",
		PairedRegions:     []string{"westus"},
		Version:           "1.31.2",
		RegionVersions:    []rules.Version{{Version: "1.30"}, {Version: "1.31", Default: true}, {Version: "1.32"}},
		Pools:             []rules.Pool{{Name: "nodepool1", Size: "Standard_D2_v2", Count: 2, VCPUs: 2}},
		AuthorizedRanges:  []string{"203.0.113.0/24"},
		LoadBalancerSKU:   "standard",
		PowerState:        "Running",
		ProvisioningState: "Succeeded",
		AttachedAs:        []string{"aks-old in mlw-prod"},
	})
	for _, f := range fs {
		fmt.Println(f)
	}
	fmt.Println("blocked:", rules.Blocked(fs))
	// Output:
	// BLOCK: aks-prod is already attached as aks-old in mlw-prod — detach it first (amlaks detach): a second attachment silently breaks the first; re-attaching to change TLS needs a detach too
	// BLOCK: production needs 12 vCPUs and 3 nodes: this cluster has 2 nodes × 2 vCPUs = 4 vCPUs — attach it as dev-test (it passes: 4 ≥ 2 vCPUs), or scale the cluster in AKS
	// WARN: the API server of aks-prod accepts calls only from its 1 authorized IP range: Azure ML must reach it from its control plane in eastus and its pair westus (authorized IP ranges work only with a Standard Load Balancer) — add the Azure ML control-plane ranges of eastus and its pair westus (service tag AzureMachineLearning) to the cluster's authorized IP ranges
	// blocked: true
}
