package rules

import (
	"fmt"
	"net/netip"
	"strings"
)

// Load balancer types as the API spells them.
const (
	PublicIP             = "PublicIp"
	InternalLoadBalancer = "InternalLoadBalancer"
)

// Network is the optional custom-VNet configuration of a create.
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

// vnetFields are the six all-or-none custom VNet fields with their flag names.
func (n Network) vnetFields() []struct{ flag, value string } {
	return []struct{ flag, value string }{
		{"vnet-resource-group", n.VNetResourceGroup},
		{"vnet", n.VNet},
		{"subnet", n.Subnet},
		{"service-cidr", n.ServiceCIDR},
		{"dns-service-ip", n.DNSServiceIP},
		{"docker-bridge-cidr", n.DockerBridgeCIDR},
	}
}

// Custom reports whether any VNet field is set (the six all-or-none fields;
// SubnetPrefix and the load balancer fields do not count).
func (n Network) Custom() bool {
	for _, f := range n.vnetFields() {
		if strings.TrimSpace(f.value) != "" {
			return true
		}
	}
	return false
}

// Internal reports whether the load balancer is InternalLoadBalancer (any case).
func (n Network) Internal() bool {
	return strings.EqualFold(strings.TrimSpace(n.LoadBalancer), InternalLoadBalancer)
}

// ParseCIDR parses an IPv4/IPv6 CIDR; host bits may be set, as Azure accepts
// "172.17.0.1/16" for the Docker bridge. Field names the flag for messages.
// The prefix is returned as written (not masked); surrounding spaces are
// ignored. The error is a Violation with code "cidr-invalid".
func ParseCIDR(field, s string) (netip.Prefix, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return netip.Prefix{}, Violation{Field: field, Code: "cidr-invalid", Message: "enter a CIDR range like 10.0.0.0/16"}
	}
	p, err := netip.ParsePrefix(t)
	if err != nil {
		msg := quote(t) + " is not a CIDR range: write it like 10.0.0.0/16"
		if _, aerr := netip.ParseAddr(t); aerr == nil {
			msg = quote(t) + " is an address, not a range: add the prefix length, like 10.0.0.0/16"
		}
		return netip.Prefix{}, Violation{Field: field, Code: "cidr-invalid", Message: msg}
	}
	return p, nil
}

// CheckNetwork returns Violations with the flag names as fields:
// vnet-resource-group, vnet, subnet, service-cidr, dns-service-ip,
// docker-bridge-cidr (all or none: "set all six custom VNet fields or none (missing: subnet, dns-service-ip)"),
// each CIDR parses, the ranges and the DNS IP are IPv4 (the API's patterns;
// code "ipv6-not-supported") outside the ranges AKS reserves
// (ReservedRanges; code "cidr-reserved"), the DNS IP lies inside the service CIDR and is not its
// first address, the service CIDR overlaps neither subnet nor docker bridge,
// docker bridge does not overlap the subnet (messages name both ranges),
// load-balancer must be PublicIp or InternalLoadBalancer, and an internal
// load balancer needs load-balancer-subnet.
//
// The all-or-none violation (code "network-incomplete") is reported on the
// first missing field. "The first address" is the network address (code
// "dns-first-address"); the address after it, which Kubernetes gives to its
// API service, is refused too (code "dns-kubernetes-address"). SubnetPrefix
// may list several prefixes separated by commas or spaces; a prefix that
// does not parse is ignored (it comes from Azure, not the user).
func CheckNetwork(n Network) []Violation {
	var vs []Violation
	if n.Custom() {
		var missing []string
		for _, f := range n.vnetFields() {
			if strings.TrimSpace(f.value) == "" {
				missing = append(missing, f.flag)
			}
		}
		if len(missing) > 0 {
			vs = append(vs, Violation{Field: missing[0], Code: "network-incomplete",
				Message: fmt.Sprintf("set all six custom VNet fields or none (missing: %s)", strings.Join(missing, ", "))})
		}
		vs = append(vs, checkRanges(n)...)
	}
	switch lb := strings.TrimSpace(n.LoadBalancer); {
	case lb == "" || strings.EqualFold(lb, PublicIP):
	case n.Internal():
		if strings.TrimSpace(n.LoadBalancerSubnet) == "" {
			vs = append(vs, Violation{Field: "load-balancer-subnet", Code: "load-balancer-subnet-missing",
				Message: "an internal load balancer needs a subnet: set load-balancer-subnet to a subnet name of the VNet"})
		}
	default:
		vs = append(vs, Violation{Field: "load-balancer", Code: "load-balancer-invalid",
			Message: fmt.Sprintf("use %s or %s (found %s)", PublicIP, InternalLoadBalancer, quote(lb))})
	}
	return vs
}

// checkRanges checks the CIDRs and the DNS service IP that are set.
func checkRanges(n Network) []Violation {
	var vs []Violation
	parse := func(field, s string) (netip.Prefix, bool) {
		if strings.TrimSpace(s) == "" {
			return netip.Prefix{}, false
		}
		p, err := ParseCIDR(field, s)
		if err != nil {
			vs = append(vs, err.(Violation))
			return netip.Prefix{}, false
		}
		return p, true
	}
	svc, svcOK := parse("service-cidr", n.ServiceCIDR)
	docker, dockerOK := parse("docker-bridge-cidr", n.DockerBridgeCIDR)
	// Azure's rules on a single value (IPv4 only, reserved ranges): a
	// range that breaks one takes no part in the checks between values.
	if svcOK {
		if more := checkAzureRange("service-cidr", svc); len(more) > 0 {
			vs, svcOK = append(vs, more...), false
		}
	}
	if dockerOK {
		if more := checkAzureRange("docker-bridge-cidr", docker); len(more) > 0 {
			vs, dockerOK = append(vs, more...), false
		}
	}

	if s := strings.TrimSpace(n.DNSServiceIP); s != "" {
		dns, err := netip.ParseAddr(s)
		switch {
		case err != nil:
			vs = append(vs, CheckNetworkValue("dns-service-ip", s)...)
		case len(checkAzureAddr("dns-service-ip", dns)) > 0:
			vs = append(vs, checkAzureAddr("dns-service-ip", dns)...)
		case svcOK:
			vs = append(vs, checkDNS(svc, dns)...)
		}
	}

	var subnets []netip.Prefix
	for _, s := range strings.FieldsFunc(n.SubnetPrefix, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if p, err := netip.ParsePrefix(s); err == nil {
			subnets = append(subnets, p)
		}
	}
	for _, sub := range subnets {
		if svcOK && svc.Overlaps(sub) {
			vs = append(vs, Violation{Field: "service-cidr", Code: "service-cidr-overlaps-subnet",
				Message: fmt.Sprintf("service CIDR %s overlaps the subnet %s: pick a range outside the VNet", svc, sub)})
		}
	}
	if svcOK && dockerOK && svc.Overlaps(docker) {
		vs = append(vs, Violation{Field: "service-cidr", Code: "service-cidr-overlaps-docker-bridge",
			Message: fmt.Sprintf("service CIDR %s overlaps the Docker bridge CIDR %s: pick ranges that do not overlap", svc, docker)})
	}
	for _, sub := range subnets {
		if dockerOK && docker.Overlaps(sub) {
			vs = append(vs, Violation{Field: "docker-bridge-cidr", Code: "docker-bridge-overlaps-subnet",
				Message: fmt.Sprintf("Docker bridge CIDR %s overlaps the subnet %s: pick a range outside the VNet, like 172.17.0.1/16", docker, sub)})
		}
	}
	return vs
}

// checkDNS checks the DNS service IP against the service CIDR.
func checkDNS(svc netip.Prefix, dns netip.Addr) []Violation {
	network := svc.Masked()
	hint := ""
	if a := nthAddr(network, 10); a.IsValid() && a != dns {
		hint = ", like " + a.String()
	}
	v := Violation{Field: "dns-service-ip"}
	switch {
	case !network.Contains(dns):
		v.Code = "dns-outside-service-cidr"
		v.Message = fmt.Sprintf("%s is outside the service CIDR %s: pick an address inside it%s", dns, svc, hint)
	case dns == network.Addr():
		v.Code = "dns-first-address"
		v.Message = fmt.Sprintf("%s is the first address of the service CIDR %s: pick another address inside it%s", dns, svc, hint)
	case dns == nthAddr(network, 1):
		v.Code = "dns-kubernetes-address"
		v.Message = fmt.Sprintf("%s is taken by the Kubernetes API service in the service CIDR %s: pick another address inside it%s", dns, svc, hint)
	default:
		return nil
	}
	return []Violation{v}
}

// nthAddr is the n-th address after the start of p, or the zero Addr when p
// is not that large.
func nthAddr(p netip.Prefix, n int) netip.Addr {
	a := p.Addr()
	for range n {
		a = a.Next()
		if !a.IsValid() || !p.Contains(a) {
			return netip.Addr{}
		}
	}
	return a
}

// CheckNetworkValue checks one custom-VNet value on its own, as it is
// typed (field is the flag name): names are given, CIDRs and the DNS
// service IP parse, are IPv4 and lie outside the ranges AKS reserves. The
// rules between the values are CheckNetwork's.
func CheckNetworkValue(field, v string) []Violation {
	v = strings.TrimSpace(v)
	switch field {
	case "service-cidr", "docker-bridge-cidr":
		p, err := ParseCIDR(field, v)
		if err != nil {
			return []Violation{err.(Violation)}
		}
		return checkAzureRange(field, p)
	case "dns-service-ip":
		a, err := netip.ParseAddr(v)
		if err != nil {
			return []Violation{{Field: field, Code: "ip-invalid", Message: quote(v) + " is not an IP address: write it like 10.0.0.10"}}
		}
		return checkAzureAddr(field, a)
	default:
		if v == "" {
			return []Violation{{Field: field, Code: "missing", Message: "enter a name: all six custom VNet fields are needed"}}
		}
	}
	return nil
}

// ReservedRanges are the address ranges an AKS cluster cannot use for its
// service, pod or VNet ranges ("AKS clusters can't use 169.254.0.0/16,
// 172.30.0.0/16, 172.31.0.0/16, or 192.0.2.0/24": learn.microsoft.com
// azure/aks/configure-kubenet, Prerequisites).
var ReservedRanges = []netip.Prefix{
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("172.30.0.0/16"),
	netip.MustParsePrefix("172.31.0.0/16"),
	netip.MustParsePrefix("192.0.2.0/24"),
}

// reservedList is "169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24".
func reservedList() string {
	var s []string
	for _, r := range ReservedRanges {
		s = append(s, r.String())
	}
	return joinAnd(s)
}

// example is a valid value of field, for messages.
func example(field string) string {
	switch field {
	case "docker-bridge-cidr":
		return "172.17.0.1/16"
	case "dns-service-ip":
		return "10.0.0.10"
	}
	return "10.0.0.0/16"
}

// what names field in messages.
func what(field string) string {
	switch field {
	case "docker-bridge-cidr":
		return "the Docker bridge CIDR"
	case "dns-service-ip":
		return "the DNS service IP"
	}
	return "the service CIDR"
}

// checkAzureRange applies Azure's rules on one range: IPv4 only (the API's
// patterns for serviceCidr and dockerBridgeCidr are IPv4 CIDRs) and no
// overlap with a reserved range (codes "ipv6-not-supported",
// "cidr-reserved").
func checkAzureRange(field string, p netip.Prefix) []Violation {
	if !p.Addr().Is4() {
		return []Violation{{Field: field, Code: "ipv6-not-supported",
			Message: fmt.Sprintf("%s is an IPv6 range: Azure ML takes IPv4 only for %s; write it like %s", p, what(field), example(field))}}
	}
	for _, r := range ReservedRanges {
		if p.Overlaps(r) {
			return []Violation{{Field: field, Code: "cidr-reserved",
				Message: fmt.Sprintf("%s overlaps %s, which AKS reserves (it cannot use %s): pick another range, like %s", p, r, reservedList(), example(field))}}
		}
	}
	return nil
}

// checkAzureAddr is checkAzureRange for the DNS service IP (the API's
// pattern for dnsServiceIP is an IPv4 address).
func checkAzureAddr(field string, a netip.Addr) []Violation {
	if !a.Is4() {
		return []Violation{{Field: field, Code: "ipv6-not-supported",
			Message: fmt.Sprintf("%s is an IPv6 address: Azure ML takes IPv4 only for %s; write it like %s", a, what(field), example(field))}}
	}
	for _, r := range ReservedRanges {
		if r.Contains(a) {
			return []Violation{{Field: field, Code: "cidr-reserved",
				Message: fmt.Sprintf("%s lies in %s, which AKS reserves (it cannot use %s): pick an address of another range, like %s", a, r, reservedList(), example(field))}}
		}
	}
	return nil
}
