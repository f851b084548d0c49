package rules

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// vnet is a complete, valid custom VNet configuration (the MS docs example).
func vnet() Network {
	return Network{
		VNetResourceGroup: "mygroup",
		VNet:              "mynetwork",
		Subnet:            "default",
		SubnetPrefix:      "10.1.0.0/16",
		ServiceCIDR:       "10.0.0.0/16",
		DNSServiceIP:      "10.0.0.10",
		DockerBridgeCIDR:  "172.17.0.1/16",
	}
}

func TestNetworkCustomInternal(t *testing.T) {
	if (Network{}).Custom() || (Network{SubnetPrefix: "10.0.0.0/8", LoadBalancer: InternalLoadBalancer, LoadBalancerSubnet: "x"}).Custom() {
		t.Error("Custom() true without VNet fields")
	}
	if (Network{VNet: "   "}).Custom() {
		t.Error("blank field counts as set")
	}
	for _, n := range []Network{{VNetResourceGroup: "g"}, {VNet: "v"}, {Subnet: "s"}, {ServiceCIDR: "c"}, {DNSServiceIP: "d"}, {DockerBridgeCIDR: "b"}} {
		if !n.Custom() {
			t.Errorf("%+v: Custom() false", n)
		}
	}
	if !(Network{LoadBalancer: "internalloadbalancer"}).Internal() || (Network{}).Internal() || (Network{LoadBalancer: PublicIP}).Internal() {
		t.Error("Internal()")
	}
}

func TestParseCIDR(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
		msg      string
	}{
		{"10.0.0.0/16", "10.0.0.0/16", true, ""},
		{" 172.17.0.1/16 ", "172.17.0.1/16", true, ""}, // host bits, as the docs write it
		{"fd00::/64", "fd00::/64", true, ""},
		{"10.0.0.0", "", false, "is an address, not a range"},
		{"10.0.0.0/33", "", false, "is not a CIDR range"},
		{"10.0.0/16", "", false, "is not a CIDR range"},
		{"", "", false, "enter a CIDR range"},
		{"abc", "", false, "'abc' is not a CIDR range"},
	} {
		p, err := ParseCIDR("service-cidr", tt.in)
		if (err == nil) != tt.ok || (tt.ok && p.String() != tt.want) {
			t.Errorf("ParseCIDR(%q) = %v, %v", tt.in, p, err)
		}
		var v Violation
		if err != nil {
			if !errors.As(err, &v) || v.Field != "service-cidr" || v.Code != "cidr-invalid" || !strings.Contains(v.Message, tt.msg) {
				t.Errorf("ParseCIDR(%q) error %#v, want message with %q", tt.in, err, tt.msg)
			}
		}
	}
}

func TestCheckNetwork(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Network)
		codes  []string
		fields []string
		msg    []string // substrings of the first message
	}{
		{"valid docs example", func(*Network) {}, nil, nil, nil},
		{"none at all", func(n *Network) { *n = Network{} }, nil, nil, nil},
		{"subnet prefix unknown", func(n *Network) { n.SubnetPrefix = "" }, nil, nil, nil},
		{"missing two", func(n *Network) { n.Subnet, n.DNSServiceIP = "", " " },
			[]string{"network-incomplete"}, []string{"subnet"}, []string{"set all six custom VNet fields or none (missing: subnet, dns-service-ip)"}},
		{"only a vnet", func(n *Network) { *n = Network{VNet: "v"} },
			[]string{"network-incomplete"}, []string{"vnet-resource-group"}, []string{"missing: vnet-resource-group, subnet, service-cidr, dns-service-ip, docker-bridge-cidr"}},
		{"bad service cidr", func(n *Network) { n.ServiceCIDR = "10.0.0.0/40" },
			[]string{"cidr-invalid"}, []string{"service-cidr"}, []string{"'10.0.0.0/40'"}},
		{"bad docker cidr", func(n *Network) { n.DockerBridgeCIDR = "172.17.0.1" },
			[]string{"cidr-invalid"}, []string{"docker-bridge-cidr"}, []string{"not a range"}},
		{"bad dns ip", func(n *Network) { n.DNSServiceIP = "10.0.0.300" },
			[]string{"ip-invalid"}, []string{"dns-service-ip"}, []string{"'10.0.0.300' is not an IP address"}},
		// DNS service IP inside and not first
		{"dns outside", func(n *Network) { n.DNSServiceIP = "10.1.0.10" },
			[]string{"dns-outside-service-cidr"}, []string{"dns-service-ip"}, []string{"10.1.0.10 is outside the service CIDR 10.0.0.0/16", "like 10.0.0.10"}},
		{"dns just past the end", func(n *Network) { n.DNSServiceIP = "10.1.0.0" }, []string{"dns-outside-service-cidr"}, nil, nil},
		{"dns last address", func(n *Network) { n.DNSServiceIP = "10.0.255.255" }, nil, nil, nil},
		{"dns = first address", func(n *Network) { n.DNSServiceIP = "10.0.0.0" },
			[]string{"dns-first-address"}, []string{"dns-service-ip"}, []string{"10.0.0.0 is the first address of the service CIDR 10.0.0.0/16"}},
		{"dns = first address, host bits in cidr", func(n *Network) { n.ServiceCIDR, n.DNSServiceIP = "10.0.0.5/16", "10.0.0.0" },
			[]string{"dns-first-address"}, nil, nil},
		{"dns = kubernetes address", func(n *Network) { n.DNSServiceIP = "10.0.0.1" },
			[]string{"dns-kubernetes-address"}, nil, []string{"10.0.0.1", "10.0.0.0/16"}},
		{"dns = second host address", func(n *Network) { n.DNSServiceIP = "10.0.0.2" }, nil, nil, nil},
		{"dns first address in tiny range", func(n *Network) { n.ServiceCIDR, n.DNSServiceIP = "10.0.0.0/30", "10.0.0.0" },
			[]string{"dns-first-address"}, nil, nil},
		{"ipv6 service cidr refused", func(n *Network) { n.ServiceCIDR = "fd00::/108" }, []string{"ipv6-not-supported"}, []string{"service-cidr"},
			[]string{"fd00::/108 is an IPv6 range: Azure ML takes IPv4 only for the service CIDR; write it like 10.0.0.0/16"}},
		{"ipv6 docker bridge refused", func(n *Network) { n.DockerBridgeCIDR = "fd01::1/64" }, []string{"ipv6-not-supported"}, []string{"docker-bridge-cidr"}, []string{"like 172.17.0.1/16"}},
		{"ipv6 dns ip refused", func(n *Network) { n.DNSServiceIP = "fd00::10" }, []string{"ipv6-not-supported"}, []string{"dns-service-ip"}, []string{"fd00::10 is an IPv6 address"}},
		{"ipv4-mapped ipv6 is not ipv4", func(n *Network) { n.DNSServiceIP = "::ffff:10.0.0.10" }, []string{"ipv6-not-supported"}, nil, nil},
		// reserved ranges (AKS docs: 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24)
		{"service cidr link-local reserved", func(n *Network) { n.ServiceCIDR, n.DNSServiceIP = "169.254.0.0/16", "169.254.0.10" },
			[]string{"cidr-reserved", "cidr-reserved"}, []string{"service-cidr", "dns-service-ip"},
			[]string{"169.254.0.0/16 overlaps 169.254.0.0/16, which AKS reserves (it cannot use 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24)"}},
		{"service cidr inside 172.30", func(n *Network) { n.ServiceCIDR, n.DNSServiceIP = "172.30.4.0/24", "172.30.4.10" }, []string{"cidr-reserved", "cidr-reserved"}, nil, []string{"172.30.0.0/16"}},
		{"service cidr covering 172.31", func(n *Network) { n.ServiceCIDR, n.DNSServiceIP = "172.16.0.0/12", "172.16.0.10" }, []string{"cidr-reserved"}, nil, []string{"172.31.0.0/16"}},
		{"docker bridge in 192.0.2", func(n *Network) { n.DockerBridgeCIDR = "192.0.2.1/24" }, []string{"cidr-reserved"}, []string{"docker-bridge-cidr"}, []string{"192.0.2.0/24"}},
		{"adjacent to reserved is fine", func(n *Network) { n.ServiceCIDR, n.DNSServiceIP = "172.29.0.0/16", "172.29.0.10" }, nil, nil, nil},
		{"just below 169.254 is fine", func(n *Network) { n.DockerBridgeCIDR = "169.253.0.1/16" }, nil, nil, nil},
		{"dns with bad service cidr is not judged", func(n *Network) { n.ServiceCIDR, n.DNSServiceIP = "x", "1.2.3.4" }, []string{"cidr-invalid"}, nil, nil},
		// overlaps: overlapping vs adjacent
		{"service overlaps subnet", func(n *Network) { n.SubnetPrefix = "10.0.128.0/17" },
			[]string{"service-cidr-overlaps-subnet"}, []string{"service-cidr"}, []string{"10.0.0.0/16", "10.0.128.0/17"}},
		{"service inside subnet", func(n *Network) { n.SubnetPrefix = "10.0.0.0/8" },
			[]string{"service-cidr-overlaps-subnet"}, nil, nil},
		{"service adjacent to subnet", func(n *Network) { n.SubnetPrefix = "10.1.0.0/16" }, nil, nil, nil},
		{"service adjacent below subnet", func(n *Network) {
			n.ServiceCIDR, n.DNSServiceIP, n.SubnetPrefix = "10.0.0.0/16", "10.0.0.10", "9.255.0.0/16"
		}, nil, nil, nil},
		{"several subnet prefixes", func(n *Network) { n.SubnetPrefix = "10.1.0.0/16, 10.0.5.0/24" },
			[]string{"service-cidr-overlaps-subnet"}, nil, []string{"10.0.5.0/24"}},
		{"unparsable subnet prefix ignored", func(n *Network) { n.SubnetPrefix = "nonsense" }, nil, nil, nil},
		{"service overlaps docker", func(n *Network) { n.DockerBridgeCIDR = "10.0.0.1/24" },
			[]string{"service-cidr-overlaps-docker-bridge"}, []string{"service-cidr"}, []string{"10.0.0.0/16", "10.0.0.1/24"}},
		{"docker adjacent to service", func(n *Network) { n.DockerBridgeCIDR = "10.1.0.1/16"; n.SubnetPrefix = "192.168.0.0/24" }, nil, nil, nil},
		{"docker overlaps subnet", func(n *Network) { n.SubnetPrefix = "172.17.5.0/24" },
			[]string{"docker-bridge-overlaps-subnet"}, []string{"docker-bridge-cidr"}, []string{"172.17.0.1/16", "172.17.5.0/24"}},
		{"docker adjacent to subnet", func(n *Network) { n.SubnetPrefix = "172.18.0.0/16" }, nil, nil, nil},
		// load balancer
		{"internal with subnet", func(n *Network) { n.LoadBalancer, n.LoadBalancerSubnet = InternalLoadBalancer, "lb" }, nil, nil, nil},
		{"internal without subnet", func(n *Network) { n.LoadBalancer = InternalLoadBalancer },
			[]string{"load-balancer-subnet-missing"}, []string{"load-balancer-subnet"}, []string{"internal load balancer needs a subnet"}},
		{"internal without vnet and subnet", func(n *Network) { *n = Network{LoadBalancer: "internalloadbalancer"} },
			[]string{"load-balancer-subnet-missing"}, nil, nil},
		{"public spelled lower", func(n *Network) { n.LoadBalancer = "publicip" }, nil, nil, nil},
		{"bad load balancer", func(n *Network) { *n = Network{LoadBalancer: "Standard"} },
			[]string{"load-balancer-invalid"}, []string{"load-balancer"}, []string{"use PublicIp or InternalLoadBalancer (found 'Standard')"}},
	}
	for _, tt := range tests {
		n := vnet()
		tt.change(&n)
		got := CheckNetwork(n)
		t.Run(tt.name, func(t *testing.T) {
			wantCodes(t, got, tt.codes...)
			checkStyle(t, got)
			for i, f := range tt.fields {
				if i < len(got) && got[i].Field != f {
					t.Errorf("field %q, want %q", got[i].Field, f)
				}
			}
			if len(got) > 0 {
				contains(t, "message", got[0].Message, tt.msg...)
			}
		})
	}
}

func TestNthAddr(t *testing.T) {
	n := vnet()
	n.ServiceCIDR, n.DNSServiceIP = "10.0.0.0/31", "10.0.0.0"
	got := CheckNetwork(n)
	wantCodes(t, got, "dns-first-address")
	if strings.Contains(got[0].Message, "like") {
		t.Errorf("hint for a /31: %q", got[0].Message)
	}
}

func FuzzParseCIDR(f *testing.F) {
	for _, s := range []string{"10.0.0.0/16", "172.17.0.1/16", "::/0", "fd00::1/128", "10.0.0.0/33", "", "/", "1.2.3.4", "0.0.0.0/0", "::ffff:10.0.0.0/104"} {
		f.Add(s, "10.0.0.10", "10.1.0.0/16")
	}
	f.Fuzz(func(t *testing.T, cidr, dns, subnet string) {
		p, err := ParseCIDR("service-cidr", cidr)
		if err == nil && !p.IsValid() {
			t.Errorf("ParseCIDR(%q) = invalid prefix without error", cidr)
		}
		for _, lb := range []string{"", InternalLoadBalancer} {
			vs := CheckNetwork(Network{VNetResourceGroup: "g", VNet: "v", Subnet: "s", SubnetPrefix: subnet,
				ServiceCIDR: cidr, DNSServiceIP: dns, DockerBridgeCIDR: subnet, LoadBalancer: lb})
			checkStyle(t, vs)
			CheckNetwork(Network{ServiceCIDR: dns, DockerBridgeCIDR: cidr, LoadBalancer: subnet})
		}
	})
}

func TestCheckNetworkValue(t *testing.T) {
	cases := []struct {
		field, v, code string
	}{
		{"service-cidr", "10.0.0.0/16", ""},
		{"service-cidr", "10.0.0.0/33", "cidr-invalid"},
		{"docker-bridge-cidr", "172.17.0.1/16", ""},
		{"docker-bridge-cidr", "172.17.0.1", "cidr-invalid"},
		{"dns-service-ip", "10.0.0.10", ""},
		{"dns-service-ip", "nope", "ip-invalid"},
		{"vnet", "vnet1", ""},
		{"subnet", "  ", "missing"},
		{"service-cidr", "169.254.0.0/16", "cidr-reserved"},
		{"service-cidr", "fd00::/108", "ipv6-not-supported"},
		{"docker-bridge-cidr", "172.31.0.1/16", "cidr-reserved"},
		{"dns-service-ip", "192.0.2.10", "cidr-reserved"},
		{"dns-service-ip", "fd00::a", "ipv6-not-supported"},
	}
	for _, tc := range cases {
		vs := CheckNetworkValue(tc.field, tc.v)
		got := ""
		if len(vs) > 0 {
			got = vs[0].Code
			if vs[0].Field != tc.field {
				t.Errorf("%s %q: field %q", tc.field, tc.v, vs[0].Field)
			}
		}
		if got != tc.code {
			t.Errorf("%s %q: code %q, want %q", tc.field, tc.v, got, tc.code)
		}
	}
}

// FuzzCheckNetworkValue: a value that passes is what the API's IPv4
// patterns accept and lies outside every reserved range.
func FuzzCheckNetworkValue(f *testing.F) {
	for _, s := range []string{"10.0.0.0/16", "169.254.1.0/24", "fd00::/108", "172.30.0.0/15", "192.0.2.1", "::ffff:1.2.3.4", "10.0.0.10", " 172.17.0.1/16 ", "1.2.3.4/0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, field := range []string{"service-cidr", "docker-bridge-cidr", "dns-service-ip"} {
			vs := CheckNetworkValue(field, v)
			checkStyle(t, vs)
			if len(vs) > 0 {
				continue
			}
			var p netip.Prefix
			if field == "dns-service-ip" {
				a, err := netip.ParseAddr(strings.TrimSpace(v))
				if err != nil {
					t.Fatalf("%s %q passed but does not parse", field, v)
				}
				p = netip.PrefixFrom(a, a.BitLen())
			} else {
				var err error
				if p, err = netip.ParsePrefix(strings.TrimSpace(v)); err != nil {
					t.Fatalf("%s %q passed but does not parse", field, v)
				}
			}
			if !p.Addr().Is4() {
				t.Errorf("%s %q passed but is not IPv4", field, v)
			}
			for _, r := range ReservedRanges {
				if p.Overlaps(r) {
					t.Errorf("%s %q passed but overlaps the reserved %s", field, v, r)
				}
			}
		}
	})
}

// BenchmarkCheckNetwork is the whole custom-VNet check with the reserved
// ranges and IPv4 rules, as the review and line mode run it.
func BenchmarkCheckNetwork(b *testing.B) {
	n := vnet()
	for b.Loop() {
		if vs := CheckNetwork(n); len(vs) > 0 {
			b.Fatal(vs)
		}
	}
}
