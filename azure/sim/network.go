package sim

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// The swagger patterns of AksNetworkingConfiguration (azure-rest-api-specs,
// machinelearningservices stable/2024-04-01 machineLearningServices.json):
// IPv4 only.
var (
	patCIDR = regexp.MustCompile(`^([0-9]{1,3}\.){3}[0-9]{1,3}(\/([0-9]|[1-2][0-9]|3[0-2]))?$`)
	patIP   = regexp.MustCompile(`^(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$`)
)

// reservedRanges cannot be used by an AKS cluster for its service, pod or
// VNet ranges (learn.microsoft.com azure/aks/configure-kubenet).
var reservedRanges = []netip.Prefix{
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("172.30.0.0/16"),
	netip.MustParsePrefix("172.31.0.0/16"),
	netip.MustParsePrefix("192.0.2.0/24"),
}

// checkNetworking is what the service refuses synchronously in an
// aksNetworkingConfiguration: a value that breaks the API's IPv4 pattern
// (the message names the property and the pattern, as ARM's schema
// validation does), and a range or address inside a range AKS reserves.
// The exact text of the reserved-range refusal is not documented; it names
// the property, the value and the range.
func checkNetworking(n *aksNet) (reply, bool) {
	if n == nil {
		return reply{}, true
	}
	for _, f := range []struct {
		prop, value string
		pat         *regexp.Regexp
	}{
		{"serviceCidr", n.ServiceCidr, patCIDR},
		{"dnsServiceIP", n.DNSServiceIP, patIP},
		{"dockerBridgeCidr", n.DockerBridgeCidr, patCIDR},
	} {
		v := strings.TrimSpace(f.value)
		if v == "" {
			continue
		}
		if !f.pat.MatchString(v) {
			return errReply(400, "InvalidRequestContent", fmt.Sprintf("The request content was invalid and could not be deserialized: "+
				"the value '%s' of properties.properties.aksNetworkingConfiguration.%s does not match the pattern '%s'.", v, f.prop, f.pat.String())), false
		}
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return badRequest(fmt.Sprintf("The value '%s' of aksNetworkingConfiguration.%s is not a valid IPv4 address or range.", v, f.prop)), false
			}
			p = netip.PrefixFrom(a, 32)
		}
		for _, r := range reservedRanges {
			if p.Overlaps(r) {
				return badRequest(fmt.Sprintf("The %s %s overlaps the reserved range %s: AKS clusters cannot use 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 or 192.0.2.0/24.", f.prop, v, r)), false
			}
		}
	}
	return reply{}, true
}
