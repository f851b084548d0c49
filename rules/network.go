package rules

import "net/netip"

// Load balancer types as the API spells them.
const (
	PublicIP             = "PublicIp"
	InternalLoadBalancer = "InternalLoadBalancer"
)

// Network is the optional custom-VNet configuration of a create (SPEC §4.4).
type Network struct {
	VNetResourceGroup string
	VNet              string
	Subnet            string
	SubnetPrefix      string // the subnet's address prefix when known (from Azure); may be empty
	ServiceCIDR       string
	DNSServiceIP      string
	DockerBridgeCIDR  string
	// LoadBalancer is PublicIP (default when empty) or InternalLoadBalancer.
	LoadBalancer       string
	LoadBalancerSubnet string
}

// Custom reports whether any VNet field is set.
func (n Network) Custom() bool { return false /* TODO */ }

// ParseCIDR parses an IPv4/IPv6 CIDR; host bits may be set, as Azure accepts
// "172.17.0.1/16" for the Docker bridge. Field names the flag for messages.
func ParseCIDR(field, s string) (netip.Prefix, error) { return netip.Prefix{}, nil /* TODO */ }

// CheckNetwork returns Violations with the flag names as fields:
// vnet-resource-group, vnet, subnet, service-cidr, dns-service-ip,
// docker-bridge-cidr (all or none: "set all six custom VNet fields or none (missing: subnet, dns-service-ip)"),
// each CIDR parses, the DNS IP lies inside the service CIDR and is not its
// first address, the service CIDR overlaps neither subnet nor docker bridge,
// docker bridge does not overlap the subnet (messages name both ranges),
// load-balancer must be PublicIp or InternalLoadBalancer, and an internal
// load balancer needs load-balancer-subnet.
func CheckNetwork(n Network) []Violation { return nil /* TODO */ }
