package rules

import (
	"slices"
	"strings"
	"testing"
)

func createFacts() CreateFacts {
	return CreateFacts{
		Name: "aks-inference", ExistingNames: []string{"cpu-cluster"},
		Purpose: Production, Region: "eastus", VMSize: "Standard_D3_v2", SizeKnown: true, VCPUs: 4, Nodes: 3,
		FamilyQuota:    Quota{Name: "standardDv2Family", Label: "Standard Dv2 Family vCPUs", Used: 8, Limit: 40},
		RegionQuota:    Quota{Name: "cores", Label: "Total Regional vCPUs", Used: 10, Limit: 100},
		Now:            tlsNow,
		DefaultVersion: "1.32",
	}
}

func TestCreateFindingsBaseline(t *testing.T) {
	fs := CreateFindings(createFacts())
	if got, want := findingCodes(fs), []string{CodeStandardLBInfo, CodePublicIPPolicyInfo, CodeVersionUsed}; !slices.Equal(got, want) {
		t.Fatalf("codes = %q, want %q", got, want)
	}
	contains(t, "version", fs[2].Message, "Kubernetes 1.32", "eastus")
	// every AKS cluster has a Standard load balancer since Basic retired (2025-09-30)
	contains(t, "lb note", fs[0].Message, "gets a Standard Load Balancer", "2025-09-30")
	if strings.Contains(fs[0].Message+fs[0].Fix, "cannot") {
		t.Errorf("out-of-date LB advice: %v", fs[0])
	}
	if Blocked(fs) {
		t.Error("baseline blocked")
	}
}

func TestCreateFindings(t *testing.T) {
	fx := newTLSFixture(t)
	tests := []struct {
		name    string
		change  func(*CreateFacts)
		code    string   // wanted finding ("" = none beyond the baseline)
		sev     Severity // of that finding
		absent  []string // codes that must not appear
		msg     []string // substrings of the message
		fix     []string // substrings of the fix
		nBlocks int      // number of Block findings, -1 = don't care
	}{
		{"invalid name", func(f *CreateFacts) { f.Name = "aks_1" }, CodeNameInvalid, Block, nil, []string{"compute name 'aks_1'", "(found '_')"}, []string{"change the name"}, 1},
		{"name trailing digits", func(f *CreateFacts) { f.Name = "a-1" }, CodeNameInvalid, Block, nil, []string{"must not end in -"}, nil, 1},
		{"name a-1b ok", func(f *CreateFacts) { f.Name = "a-1b" }, "", Info, []string{CodeNameInvalid}, nil, nil, 0},
		{"name taken by GET", func(f *CreateFacts) { f.NameTaken = true }, CodeNameTaken, Block, nil, []string{"a compute named 'aks-inference' already exists"}, []string{"pick another name"}, 1},
		{"name in list", func(f *CreateFacts) { f.ExistingNames = []string{"AKS-Inference"} }, CodeNameTaken, Block, nil, []string{"already used in this workspace as 'AKS-Inference' (names ignore case)"}, nil, 1},
		{"name in list and taken: once", func(f *CreateFacts) { f.ExistingNames, f.NameTaken = []string{"aks-inference"}, true }, CodeNameTaken, Block, nil, nil, nil, 1},
		// threshold: 10/12 vCPUs (2-vCPU nodes, the AKS minimum), 2/3 nodes
		{"10 vCPUs", func(f *CreateFacts) { f.VCPUs, f.Nodes = 2, 5 }, CodeBelowThreshold, Block, nil,
			[]string{"production needs 12 vCPUs and 3 nodes: this cluster has 5 nodes × 2 vCPUs = 10 vCPUs"},
			[]string{"use 6 nodes or more of Standard_D3_v2", "or pick dev-test (it passes: 10 ≥ 2 vCPUs)"}, 1},
		{"12 vCPUs", func(f *CreateFacts) { f.VCPUs, f.Nodes = 2, 6 }, "", Info, []string{CodeBelowThreshold}, nil, nil, 0},
		{"2 nodes", func(f *CreateFacts) { f.VCPUs, f.Nodes = 8, 2 }, CodeBelowThreshold, Block, nil, []string{"2 nodes × 8 vCPUs = 16 vCPUs"}, []string{"use 3 nodes or more"}, 1},
		{"3 nodes", func(f *CreateFacts) { f.VCPUs, f.Nodes = 8, 3 }, "", Info, []string{CodeBelowThreshold}, nil, nil, 0},
		{"0 nodes", func(f *CreateFacts) { f.Nodes = 0 }, CodeBelowThreshold, Block, []string{CodeQuotaFamily}, []string{"this cluster has no nodes"}, nil, 1},
		{"dev-test 1 vCPU", func(f *CreateFacts) { f.Purpose, f.VCPUs, f.Nodes = DevTest, 1, 1 }, CodeBelowThreshold, Block, nil,
			[]string{"dev-test needs 2 vCPUs and 1 node: this cluster has 1 node × 1 vCPU = 1 vCPU"}, []string{"use 2 nodes or more"}, 2},
		{"dev-test 2 vCPUs", func(f *CreateFacts) { f.Purpose, f.VCPUs, f.Nodes = DevTest, 2, 1 }, "", Info, []string{CodeBelowThreshold}, nil, nil, 0},
		{"production, dev-test fails too", func(f *CreateFacts) { f.VCPUs, f.Nodes = 1, 1 }, CodeBelowThreshold, Block, nil, nil, nil, 2},
		// the AKS minimum per node: 2 vCPUs and 4 GiB
		{"B1s below the AKS minimum", func(f *CreateFacts) { f.VMSize, f.VCPUs, f.MemoryGB, f.Nodes = "Standard_B1s", 1, 1, 12 }, CodeSizeBelowMinimum, Block, []string{CodeBelowThreshold},
			[]string{"Standard_B1s has 1 vCPU and 1 GiB: AKS needs at least 2 vCPUs and 4 GiB per node"}, []string{"at least 2 vCPUs and 4 GiB", "amlaks sizes -l eastus --min-vcpus 2"}, 1},
		{"A1_v2 memory below the minimum", func(f *CreateFacts) { f.VMSize, f.VCPUs, f.MemoryGB, f.Nodes = "Standard_A2_v2", 2, 3.5, 6 }, CodeSizeBelowMinimum, Block, nil,
			[]string{"Standard_A2_v2 has 2 vCPUs and 3.5 GiB"}, nil, 1},
		{"2 vCPUs and 4 GiB is the minimum", func(f *CreateFacts) { f.VCPUs, f.MemoryGB, f.Nodes = 2, 4, 6 }, "", Info, []string{CodeSizeBelowMinimum}, nil, nil, 0},
		{"memory unknown is not judged", func(f *CreateFacts) { f.MemoryGB = 0 }, "", Info, []string{CodeSizeBelowMinimum}, nil, nil, 0},
		{"unknown size is not judged twice", func(f *CreateFacts) { f.SizeKnown, f.VCPUs, f.MemoryGB = false, 1, 1 }, CodeSizeUnknown, Block, []string{CodeSizeBelowMinimum}, nil, nil, -1},
		// size
		{"size not in region", func(f *CreateFacts) { f.SizeKnown = false }, CodeSizeUnknown, Block, []string{CodeBelowThreshold, CodeQuotaFamily},
			[]string{"Standard_D3_v2 is not offered in eastus"}, []string{"amlaks sizes -l eastus"}, 1},
		{"size vCPUs unknown", func(f *CreateFacts) { f.VCPUs = 0 }, CodeSizeUnknown, Block, []string{CodeBelowThreshold}, []string{"the vCPUs of Standard_D3_v2 are unknown"}, nil, 1},
		{"no size", func(f *CreateFacts) { f.VMSize = "" }, CodeSizeUnknown, Block, nil, []string{"no VM size is chosen"}, nil, 1},
		{"size restricted", func(f *CreateFacts) { f.Restricted = "NotAvailableForSubscription" }, CodeSizeRestricted, Block, nil,
			[]string{"Standard_D3_v2 is restricted for this subscription in eastus (NotAvailableForSubscription)"}, []string{"pick another size or region"}, 1},
		// quota: equal is OK
		{"family quota short", func(f *CreateFacts) { f.FamilyQuota.Used, f.FamilyQuota.Limit = 6, 10 }, CodeQuotaFamily, Block, []string{CodeQuotaRegion},
			[]string{"Standard Dv2 Family vCPUs in eastus: needs 12, 4 left of 10"}, []string{"request a quota increase", "or pick dev-test (1 node × 4 = 4 vCPUs fit)"}, 1},
		{"family quota exact", func(f *CreateFacts) { f.FamilyQuota.Used, f.FamilyQuota.Limit = 8, 20 }, "", Info, []string{CodeQuotaFamily}, nil, nil, 0},
		{"family quota one short", func(f *CreateFacts) { f.FamilyQuota.Used, f.FamilyQuota.Limit = 9, 20 }, CodeQuotaFamily, Block, nil, []string{"needs 12, 11 left of 20"}, nil, 1},
		{"family quota zero: no dev-test hint", func(f *CreateFacts) { f.FamilyQuota.Limit = 0 }, CodeQuotaFamily, Block, nil, nil, nil, 1},
		{"region quota short", func(f *CreateFacts) { f.RegionQuota.Used = 90 }, CodeQuotaRegion, Block, []string{CodeQuotaFamily},
			[]string{"Total Regional vCPUs in eastus: needs 12, 10 left of 100"}, nil, 1},
		{"region quota exact", func(f *CreateFacts) { f.RegionQuota.Used = 88 }, "", Info, []string{CodeQuotaRegion}, nil, nil, 0},
		{"quota not gathered", func(f *CreateFacts) { f.FamilyQuota, f.RegionQuota = Quota{}, Quota{} }, "", Info, []string{CodeQuotaFamily, CodeQuotaRegion}, nil, nil, 0},
		{"quota unknown", func(f *CreateFacts) { f.QuotaUnknown, f.FamilyQuota.Limit = true, 0 }, CodeQuotaUnknown, Warn, []string{CodeQuotaFamily},
			[]string{"the vCPU quota of eastus could not be read", "fewer than 12 vCPUs"}, nil, 0},
		{"dev-test quota short", func(f *CreateFacts) { f.Purpose, f.FamilyQuota.Used = DevTest, 39 }, CodeQuotaFamily, Block, nil, nil, nil, 1},
		// GPU / FPGA
		{"gpu", func(f *CreateFacts) { f.VMSize, f.GPUs = "Standard_NC6s_v3", 1 }, CodeGPUNote, Info, nil, []string{"Standard_NC6s_v3 has 1 GPU", "no second node pool"}, nil, 0},
		{"fpga", func(f *CreateFacts) { f.FPGA = true }, CodeGPUNote, Info, nil, []string{"FPGAs"}, nil, 0},
		// network and TLS
		{"network", func(f *CreateFacts) { f.Network = Network{VNet: "v"} }, CodeNetwork, Block, nil, []string{"vnet-resource-group: set all six"}, []string{"vnet-resource-group"}, 1},
		{"internal lb: no public-lb infos", func(f *CreateFacts) { f.Network = Network{LoadBalancer: InternalLoadBalancer, LoadBalancerSubnet: "s"} }, "", Info,
			[]string{CodeStandardLBInfo, CodePublicIPPolicyInfo}, nil, nil, 0},
		{"tls microsoft + internal lb", func(f *CreateFacts) {
			f.Network = Network{LoadBalancer: InternalLoadBalancer, LoadBalancerSubnet: "s"}
			f.TLS = TLS{Mode: TLSMicrosoft, LeafDomainLabel: "abc"}
		}, CodeTLS, Block, nil, []string{"ssl-leaf-domain-label: a Microsoft certificate does not work with an internal load balancer"}, nil, 1},
		{"tls expired", func(f *CreateFacts) {
			f.TLS = TLS{Mode: TLSCustom, CertPEM: fx.expired, KeyPEM: fx.keyPEM, CNAME: "scoring.contoso.com"}
		}, CodeTLS, Block, nil, []string{"ssl-cert-file", "expired"}, nil, 1},
		{"tls cname not covered", func(f *CreateFacts) {
			f.TLS = TLS{Mode: TLSCustom, CertFile: "c.pem", CertPEM: fx.certPEM, KeyPEM: fx.keyPEM, CNAME: "other.contoso.com"}
		}, CodeTLS, Block, nil, []string{"ssl-cname: the certificate in 'c.pem' covers scoring.contoso.com; not other.contoso.com"}, []string{"ssl-cname"}, 1},
		{"no default version", func(f *CreateFacts) { f.DefaultVersion = "" }, CodeVersionUsed, Info, nil, []string{"the default Kubernetes version of eastus"}, nil, 0},
		{"no region", func(f *CreateFacts) { f.Region, f.SizeKnown = "", false }, CodeSizeUnknown, Block, nil, []string{"not offered in this region"}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := createFacts()
			tt.change(&f)
			fs := CreateFindings(f)
			checkOrder(t, fs)
			if tt.code != "" {
				got, ok := findCode(fs, tt.code)
				if !ok {
					t.Fatalf("no %s finding in %v", tt.code, fs)
				}
				if got.Severity != tt.sev {
					t.Errorf("%s severity %v, want %v", tt.code, got.Severity, tt.sev)
				}
				contains(t, "message", got.Message, tt.msg...)
				contains(t, "fix", got.Fix, tt.fix...)
			}
			for _, c := range tt.absent {
				if hasCode(fs, c) {
					t.Errorf("unexpected %s in %v", c, fs)
				}
			}
			if n := countSeverity(fs, Block); tt.nBlocks >= 0 && n != tt.nBlocks {
				t.Errorf("%d blocks, want %d: %v", n, tt.nBlocks, fs)
			}
		})
	}
	// Without the dev-test escape when dev-test would not pass.
	f := createFacts()
	f.VCPUs, f.Nodes = 1, 1
	if got, _ := findCode(CreateFindings(f), CodeBelowThreshold); strings.Contains(got.Fix, "dev-test") {
		t.Errorf("dev-test suggested: %q", got.Fix)
	}
	f = createFacts()
	f.FamilyQuota.Limit = 0
	if got, _ := findCode(CreateFindings(f), CodeQuotaFamily); strings.Contains(got.Fix, "dev-test") {
		t.Errorf("dev-test suggested with zero quota: %q", got.Fix)
	}
}

func countSeverity(fs []Finding, s Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// checkOrder fails unless fs is Block, then Warn, then Info.
func checkOrder(t *testing.T, fs []Finding) {
	t.Helper()
	for i := 1; i < len(fs); i++ {
		if fs[i].Severity > fs[i-1].Severity {
			t.Errorf("finding %d (%v) after %v", i, fs[i], fs[i-1])
		}
	}
	for _, f := range fs {
		if f.Code == "" || f.Message == "" || (f.Severity == Block && f.Fix == "") {
			t.Errorf("incomplete finding %#v", f)
		}
	}
}

func attachFacts() AttachFacts {
	return AttachFacts{
		Name: "aks-inference", ExistingNames: []string{"cpu"},
		Purpose:   Production,
		ClusterID: testID, ClusterName: "aks-prod", ClusterRegion: "eastus", WorkspaceRegion: "eastus", PairedRegions: []string{"westus"},
		Version:         "1.31.2",
		RegionVersions:  regionVersions(),
		Pools:           []Pool{{Name: "nodepool1", Size: "Standard_D3_v2", Count: 3, VCPUs: 4}},
		LoadBalancerSKU: "standard", PowerState: "Running", ProvisioningState: "Succeeded",
		Now: tlsNow,
	}
}

func TestAttachFindingsBaseline(t *testing.T) {
	if fs := AttachFindings(attachFacts()); len(fs) != 0 {
		t.Fatalf("baseline findings: %v", fs)
	}
}

func TestAttachFindings(t *testing.T) {
	tests := []struct {
		name   string
		change func(*AttachFacts)
		code   string
		sev    Severity
		absent []string
		msg    []string
		fix    []string
	}{
		{"in flight", func(f *AttachFacts) { f.InFlight = true }, CodeInFlight, Block, nil, []string{"an attach of aks-prod is already running"}, []string{"wait"}},
		{"bad name", func(f *AttachFacts) { f.Name = "local" }, CodeNameInvalid, Block, nil, []string{"'local' is reserved"}, nil},
		{"name taken", func(f *AttachFacts) { f.NameTaken = true }, CodeNameTaken, Block, nil, nil, nil},
		{"already attached", func(f *AttachFacts) { f.AttachedAs = []string{"aks-inference in mlw-prod", " ", "old in mlw-dev"} }, CodeAlreadyAttached, Block, nil,
			[]string{"aks-prod is already attached as aks-inference in mlw-prod and old in mlw-dev"}, []string{"detach it first", "a second attachment silently breaks the first", "TLS"}},
		{"attached list blank", func(f *AttachFacts) { f.AttachedAs = []string{""} }, "", Info, []string{CodeAlreadyAttached}, nil, nil},
		{"stopped", func(f *AttachFacts) { f.PowerState = "Stopped" }, CodeStopped, Block, nil, []string{"aks-prod is stopped"}, []string{"az aks start -g rg-ml -n aks-prod"}},
		{"stopped, bad id", func(f *AttachFacts) { f.PowerState, f.ClusterID = "stopped", "x" }, CodeStopped, Block, nil, nil, []string{"start it in AKS"}},
		{"running", func(f *AttachFacts) { f.PowerState = "Running" }, "", Info, []string{CodeStopped}, nil, nil},
		{"updating", func(f *AttachFacts) { f.ProvisioningState = "Updating" }, CodeNotSucceeded, Block, nil, []string{"provisioning state Updating, not Succeeded"}, nil},
		{"failed", func(f *AttachFacts) { f.ProvisioningState = "Failed" }, CodeNotSucceeded, Block, nil, nil, nil},
		{"succeeded any case", func(f *AttachFacts) { f.ProvisioningState = "succeeded" }, "", Info, []string{CodeNotSucceeded}, nil, nil},
		// versions
		{"unsupported", func(f *AttachFacts) {
			f.Version, f.RegionVersions = "1.24.10", []Version{{Version: "1.33"}, {Version: "1.30"}, {Version: "1.32"}, {Version: "1.31"}}
		}, CodeVersionUnsupported, Block, nil, []string{"Kubernetes 1.24.10 is not supported in eastus; supported: 1.30, 1.31, 1.32, 1.33"}, []string{"az aks upgrade"}},
		{"unlisted patch", func(f *AttachFacts) { f.Version = "1.31.9" }, CodeVersionUnsupported, Block, nil, []string{"1.31 lists only the patches 1.31.2, 1.31.10"}, nil},
		{"v-prefixed, minor only", func(f *AttachFacts) { f.Version = "v1.10" }, "", Info, []string{CodeVersionUnsupported}, nil, nil},
		{"preview", func(f *AttachFacts) { f.Version = "1.33.1" }, CodeVersionPreview, Warn, nil, []string{"Kubernetes 1.33.1 is a preview in eastus: no SLA"}, nil},
		{"lts only", func(f *AttachFacts) { f.Version = "1.27.100" }, CodeVersionLTS, Warn, nil, []string{"only with AKS long-term support"}, []string{"Premium"}},
		{"version unknown", func(f *AttachFacts) { f.Version = "" }, CodeVersionUnknown, Warn, nil, []string{"the cluster's Kubernetes version is unknown"}, nil},
		{"region versions unknown", func(f *AttachFacts) { f.RegionVersions = nil }, CodeVersionUnknown, Warn, nil, []string{"the Kubernetes versions of eastus could not be read"}, nil},
		// threshold: 11/12 vCPUs, 2/3 nodes, dev-test 1/2
		{"2 × 2 production", func(f *AttachFacts) { f.Pools = []Pool{{Name: "np", Count: 2, VCPUs: 2}} }, CodeBelowThreshold, Block, nil,
			[]string{"production needs 12 vCPUs and 3 nodes: this cluster has 2 nodes × 2 vCPUs = 4 vCPUs"},
			[]string{"attach it as dev-test (it passes: 4 ≥ 2 vCPUs), or scale the cluster in AKS"}},
		{"11 vCPUs", func(f *AttachFacts) {
			f.Pools = []Pool{{Name: "a", Count: 3, VCPUs: 2}, {Name: "b", Count: 1, VCPUs: 5}}
		}, CodeBelowThreshold, Block, nil,
			[]string{"this cluster has 4 nodes with 11 vCPUs (3 × 2 in a, 1 × 5 in b)"}, nil},
		{"12 vCPUs", func(f *AttachFacts) {
			f.Pools = []Pool{{Name: "a", Count: 3, VCPUs: 2}, {Name: "b", Count: 1, VCPUs: 6}}
		}, "", Info, []string{CodeBelowThreshold}, nil, nil},
		{"2 nodes", func(f *AttachFacts) { f.Pools = []Pool{{Count: 2, VCPUs: 8}} }, CodeBelowThreshold, Block, nil, []string{"2 nodes × 8 vCPUs = 16 vCPUs"}, nil},
		{"3 nodes across pools", func(f *AttachFacts) { f.Pools = []Pool{{Count: 2, VCPUs: 8}, {Count: 1, VCPUs: 8}} }, "", Info, []string{CodeBelowThreshold}, nil, nil},
		{"no pools", func(f *AttachFacts) { f.Pools = nil }, CodeBelowThreshold, Block, nil, []string{"this cluster has no nodes"}, []string{"scale the cluster in AKS"}},
		{"empty pool ignored", func(f *AttachFacts) { f.Pools = append(f.Pools, Pool{Name: "zero", Count: 0}) }, "", Info, []string{CodeBelowThreshold}, nil, nil},
		{"dev-test 1 vCPU", func(f *AttachFacts) { f.Purpose, f.Pools = DevTest, []Pool{{Count: 1, VCPUs: 1}} }, CodeBelowThreshold, Block, nil,
			[]string{"dev-test needs 2 vCPUs and 1 node: this cluster has 1 node × 1 vCPU = 1 vCPU"}, []string{"scale the cluster"}},
		{"dev-test 2 vCPUs", func(f *AttachFacts) { f.Purpose, f.Pools = DevTest, []Pool{{Count: 1, VCPUs: 2}} }, "", Info, []string{CodeBelowThreshold}, nil, nil},
		{"unknown pool size", func(f *AttachFacts) { f.Pools = append(f.Pools, Pool{Name: "gpu", Size: "Standard_Weird", Count: 1}) }, CodeSizeUnknown, Warn, []string{CodeBelowThreshold},
			[]string{"the vCPUs of Standard_Weird (pool gpu) are unknown"}, nil},
		{"only unknown pool sizes", func(f *AttachFacts) { f.Pools = []Pool{{Count: 3}} }, CodeBelowThreshold, Block, nil, []string{"3 nodes with 0 vCPUs"}, nil},
		// authorized ranges
		{"authorized ranges", func(f *AttachFacts) { f.AuthorizedRanges = []string{"1.2.3.4/32", "5.6.7.0/24"} }, CodeAuthorizedRanges, Warn, nil,
			[]string{"2 authorized IP ranges", "eastus and its pair westus", "Standard Load Balancer"},
			[]string{"add the Azure ML control-plane ranges of eastus and its pair westus (service tag AzureMachineLearning) to the cluster's authorized IP ranges"}},
		{"authorized ranges, two pairs, basic lb", func(f *AttachFacts) {
			f.AuthorizedRanges, f.PairedRegions, f.LoadBalancerSKU = []string{"1.2.3.4/32"}, []string{"westus", "centralus"}, "Basic"
		}, CodeAuthorizedRanges, Warn, nil, []string{"1 authorized IP range:", "this cluster has a basic one"}, []string{"its pairs westus and centralus"}},
		{"authorized ranges, pair unknown", func(f *AttachFacts) { f.AuthorizedRanges, f.PairedRegions, f.WorkspaceRegion = []string{"x"}, nil, "" }, CodeAuthorizedRanges, Warn, nil,
			nil, []string{"the workspace region and its paired region"}},
		// private
		{"private", func(f *AttachFacts) { f.Private = true }, CodePrivate, Info, []string{CodePrivatePublicFQDN}, []string{"aks-prod is a private cluster"}, nil},
		{"private public fqdn", func(f *AttachFacts) { f.Private, f.PrivatePublicFQDN = true, true }, CodePrivatePublicFQDN, Block, []string{CodePrivate}, []string{"public FQDN"}, []string{"--disable-public-fqdn"}},
		{"public fqdn without private", func(f *AttachFacts) { f.PrivatePublicFQDN = true }, "", Info, []string{CodePrivatePublicFQDN, CodePrivate}, nil, nil},
		// region
		{"other region", func(f *AttachFacts) { f.ClusterRegion = "westeurope" }, CodeOtherRegion, Info, nil, []string{"aks-prod is in westeurope and the workspace in eastus: allowed"}, nil},
		{"same region other spelling", func(f *AttachFacts) { f.ClusterRegion = "East US" }, "", Info, []string{CodeOtherRegion}, nil, nil},
		{"region unknown", func(f *AttachFacts) { f.ClusterRegion = "" }, "", Info, []string{CodeOtherRegion}, nil, nil},
		// TLS
		{"tls", func(f *AttachFacts) { f.TLS = TLS{Mode: TLSMicrosoft} }, CodeTLS, Block, nil, []string{"ssl-leaf-domain-label: enter a leaf domain label"}, nil},
		// naming the cluster
		{"cluster named from id", func(f *AttachFacts) { f.ClusterName, f.PowerState = "", "Stopped" }, CodeStopped, Block, nil, []string{"aks-prod is stopped"}, nil},
		{"cluster unnamed", func(f *AttachFacts) { f.ClusterName, f.ClusterID, f.PowerState = "", "", "Stopped" }, CodeStopped, Block, nil, []string{"the cluster is stopped"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := attachFacts()
			tt.change(&f)
			fs := AttachFindings(f)
			checkOrder(t, fs)
			if tt.code == "" {
				if Blocked(fs) {
					t.Errorf("blocked: %v", fs)
				}
			} else {
				got, ok := findCode(fs, tt.code)
				if !ok {
					t.Fatalf("no %s finding in %v", tt.code, fs)
				}
				if got.Severity != tt.sev {
					t.Errorf("%s severity %v, want %v", tt.code, got.Severity, tt.sev)
				}
				contains(t, "message", got.Message, tt.msg...)
				contains(t, "fix", got.Fix, tt.fix...)
			}
			for _, c := range tt.absent {
				if hasCode(fs, c) {
					t.Errorf("unexpected %s in %v", c, fs)
				}
			}
		})
	}
}

func TestAttachFindingsOrder(t *testing.T) {
	f := attachFacts()
	f.ClusterRegion = "westeurope"                     // Info
	f.Private = true                                   // Info
	f.AuthorizedRanges = []string{"1.2.3.4/32"}        // Warn
	f.Version = "1.33"                                 // Warn (preview)
	f.Pools = []Pool{{Name: "np", Count: 2, VCPUs: 2}} // Block
	f.InFlight = true                                  // Block
	got := findingCodes(AttachFindings(f))
	want := []string{CodeInFlight, CodeBelowThreshold, CodeVersionPreview, CodeAuthorizedRanges, CodePrivate, CodeOtherRegion}
	if !slices.Equal(got, want) {
		t.Errorf("order = %q, want %q", got, want)
	}
}

// TestAttachFindingsLocalAccountsAndPrivateEndpoint: the legacy compute
// cannot use a cluster with local accounts disabled; a private-endpoint
// workspace needs the cluster in its region (a Block instead of the
// "other region: allowed" Info).
func TestAttachFindingsLocalAccountsAndPrivateEndpoint(t *testing.T) {
	f := attachFacts()
	f.LocalAccountsDisabled = true
	fs := AttachFindings(f)
	if len(fs) != 1 || fs[0].Code != CodeLocalAccounts || fs[0].Severity != Block || !strings.Contains(fs[0].String(), "--compute-type Kubernetes") {
		t.Errorf("local accounts: %v", fs)
	}
	f = attachFacts()
	f.ClusterRegion, f.WorkspaceRegion, f.PairedRegions = "eastus", "westeurope", []string{"northeurope"}
	if fs := AttachFindings(f); len(fs) != 1 || fs[0].Code != CodeOtherRegion || fs[0].Severity != Info {
		t.Errorf("other region: %v", fs)
	}
	f.WorkspacePrivateEndpoint = true
	fs = AttachFindings(f)
	if len(fs) != 1 || fs[0].Code != CodePrivateEndpointRegion || fs[0].Severity != Block ||
		!strings.Contains(fs[0].Message, "needs its AKS cluster in the workspace's region (westeurope); aks-prod is in eastus") {
		t.Errorf("private endpoint: %v", fs)
	}
	f.ClusterRegion = "westeurope"
	if fs := AttachFindings(f); len(fs) != 0 {
		t.Errorf("private endpoint, same region: %v", fs)
	}
}

// TestTrustedAccessFine: with the workspace's binding, authorized ranges
// need no control-plane ranges and a private cluster's public FQDN is a
// Warn, not a Block.
func TestTrustedAccessFine(t *testing.T) {
	f := attachFacts()
	f.AuthorizedRanges = []string{"203.0.113.0/24"}
	f.Private, f.PrivatePublicFQDN = true, true
	fs := AttachFindings(f)
	if !Blocked(fs) {
		t.Fatalf("without Trusted Access: %v", fs)
	}
	fs = TrustedAccessFine(fs)
	if Blocked(fs) {
		t.Errorf("with Trusted Access: %v", fs)
	}
	for _, x := range fs {
		if x.Code == CodeAuthorizedRanges || x.Code == CodePrivatePublicFQDN && x.Severity != Warn {
			t.Errorf("with Trusted Access: %v", x)
		}
	}
}
