package wizard

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/amlaks/amlaks/rules"
)

// Subnet is a virtual network's subnet as Azure has it.
type Subnet struct {
	ID              string
	AddressPrefixes []string
}

// CodeSubnetNotFound is the Block of a custom VNet subnet that does not
// exist.
const CodeSubnetNotFound = "subnet-not-found"

// subnetFindings looks the plan's custom subnet up: a Block when it does
// not exist, a Warn when it could not be read; the subnet's address
// prefixes go into net (the overlap checks need them) when it was found.
func subnetFindings(ctx context.Context, c Cloud, p *Plan, net *rules.Network) []rules.Finding {
	n := p.Network
	if !Asks(p, StepNetwork) || !n.Custom() || n.VNetResourceGroup == "" || n.VNet == "" || n.Subnet == "" {
		return nil
	}
	// the legacy create's custom subnet is looked up before the create is
	// sent, since AML only finds a missing one after accepting the request
	s, err := c.Subnet(ctx, p.Subscription, n.VNetResourceGroup, n.VNet, n.Subnet)
	where := fmt.Sprintf("subnet %s of VNet %s (resource group %s)", n.Subnet, n.VNet, n.VNetResourceGroup)
	switch {
	case errors.Is(err, ErrUnsupported):
		return nil
	case errors.Is(err, ErrNotFound):
		return []rules.Finding{{Code: CodeSubnetNotFound, Severity: rules.Block,
			Message: where + " does not exist in this subscription",
			Fix:     fmt.Sprintf("check the names (az network vnet subnet list -g %s --vnet-name %s), or create the subnet first", n.VNetResourceGroup, n.VNet)}}
	case err != nil:
		return []rules.Finding{{Code: CodeSubnetNotFound + "-unknown", Severity: rules.Warn,
			Message: "could not check " + where + ": " + err.Error(),
			Fix:     "the create fails if it does not exist"}}
	}
	if net.SubnetPrefix == "" {
		net.SubnetPrefix = strings.Join(s.AddressPrefixes, ",")
	}
	return nil
}
