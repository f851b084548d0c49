package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// networkScreen is the optional "Advanced" networking step: basic, or the
// six custom-VNet fields validated as typed (rules.CheckNetwork); public
// IP or internal load balancer with its subnet.
type networkScreen struct {
	formScreen
	mode, lb                           *formField
	rg, vnet, subnet, svc, dns, bridge *formField
	lbSubnet                           *formField
	loaded                             bool
	net                                rules.Network // the answer being edited
	attach                             bool          // an attach asks the load balancer only
}

func newNetworkScreen() screen {
	s := &networkScreen{}
	s.mode = choiceField("network", "Network", choiceLabels(wizard.NetworkChoices)...)
	s.mode.show = func() bool { return !s.attach }
	custom := func() bool { return s.mode.choice == 1 && !s.attach }
	s.rg = textField("vnet-resource-group", "VNet resource group", "rg-network")
	s.vnet = textField("vnet", "VNet", "vnet-ml")
	s.subnet = textField("subnet", "Subnet", "snet-aks")
	s.svc = textField("service-cidr", "Service CIDR", "10.0.0.0/16")
	s.dns = textField("dns-service-ip", "DNS service IP", "10.0.0.10")
	s.bridge = textField("docker-bridge-cidr", "Docker bridge CIDR", "172.17.0.1/16")
	for _, f := range []*formField{s.rg, s.vnet, s.subnet, s.svc, s.dns, s.bridge} {
		f.show = custom
	}
	s.lb = choiceField("load-balancer", "Load balancer", choiceLabels(wizard.LoadBalancerChoices)...)
	s.lbSubnet = textField("load-balancer-subnet", "Load balancer subnet", "snet-ilb")
	s.lbSubnet.show = func() bool { return s.lb.choice == 1 }
	s.f = &form{fields: []*formField{s.mode, s.rg, s.vnet, s.subnet, s.svc, s.dns, s.bridge, s.lb, s.lbSubnet}}
	return s
}

func (s *networkScreen) enter(m *common) tea.Cmd {
	if attach := m.Plan().Mode == wizard.ModeAttach; attach != s.attach {
		s.attach, s.loaded = attach, false
	}
	fresh := !s.loaded
	if fresh {
		n := m.Plan().Network
		s.loaded = true
		s.mode.choice, s.lb.choice = 0, 0
		if n.Custom() {
			s.mode.choice = 1
		}
		s.rg.text, s.vnet.text, s.subnet.text = n.VNetResourceGroup, n.VNet, n.Subnet
		s.svc.text, s.dns.text, s.bridge.text = n.ServiceCIDR, n.DNSServiceIP, n.DockerBridgeCIDR
		if n.Internal() {
			s.lb.choice = 1
		}
		s.lbSubnet.text = n.LoadBalancerSubnet
		s.net = n
	}
	s.f.open(m.st, fresh)
	return nil
}

// apply reads the form into the screen's answer.
func (s *networkScreen) apply(m *common) {
	n := rules.Network{SubnetPrefix: m.Plan().Network.SubnetPrefix}
	if s.mode.choice == 1 && !s.attach {
		n.VNetResourceGroup, n.VNet, n.Subnet = s.rg.value(), s.vnet.value(), s.subnet.value()
		n.ServiceCIDR, n.DNSServiceIP, n.DockerBridgeCIDR = s.svc.value(), s.dns.value(), s.bridge.value()
	}
	if s.lb.choice == 1 {
		n.LoadBalancer = rules.InternalLoadBalancer
		n.LoadBalancerSubnet = s.lbSubnet.value()
	}
	s.net = n
}

const customEmptyMsg = "fill in the six custom VNet fields, or choose Basic"

// customEmpty reports Custom VNet chosen with all six fields empty.
func (s *networkScreen) customEmpty() bool {
	if s.mode.choice != 1 || s.attach {
		return false
	}
	for _, f := range []*formField{s.rg, s.vnet, s.subnet, s.svc, s.dns, s.bridge} {
		if f.value() != "" {
			return false
		}
	}
	return true
}

func (s *networkScreen) messages(m *common) (map[string][]string, []rules.Violation) {
	vs := rules.CheckNetwork(s.net)
	out := map[string][]string{}
	for _, v := range vs {
		out[v.Field] = append(out[v.Field], v.Message)
	}
	return out, vs
}

func (s *networkScreen) update(m *common, msg tea.Msg) tea.Cmd {
	changed, done, cmd := s.f.update(msg)
	if changed || done {
		s.apply(m)
	}
	if !done {
		return cmd
	}
	// Enter on the last field: the answer, or the form again on the field
	// to mend
	if s.customEmpty() {
		// Custom chosen but nothing typed: never fall back to basic silently
		s.f.reopen(m.st, s.rg.id)
		m.nav.Flash("not yet: " + customEmptyMsg)
		return nil
	}
	if _, vs := s.messages(m); len(vs) > 0 {
		s.f.reopen(m.st, vs[0].Field)
		m.nav.Flash("not yet: " + vs[0].Message)
		return nil
	}
	return answer(wizard.FNetwork, s.net)
}

func (s *networkScreen) view(m *common, w, h int) string {
	msgs, _ := s.messages(m)
	var b strings.Builder
	intro := "Advanced and optional: Enter through the form keeps the basic network AML manages. A custom VNet needs all six fields."
	if s.attach {
		intro = "Optional: the load balancer of the scoring endpoint. Enter keeps a public IP; internal keeps it inside the cluster's VNet."
	}
	b.WriteString(wrap(m.st.Muted.Render(intro), w) + "\n\n")
	b.WriteString(s.f.view(w, msgs))
	b.WriteString("\n")
	var notes []string
	if !s.net.Internal() {
		notes = append(notes, "a public IP is created: an Azure Policy forbidding public IPs makes the create fail (use an internal load balancer, or create in AKS and attach)")
	} else {
		notes = append(notes, "an internal load balancer needs your own TLS certificate (a Microsoft one does not work with it)")
	}
	notes = append(notes, "the cluster gets a Standard Load Balancer, as every AKS cluster does since the Basic one retired on 2025-09-30")
	for _, n := range notes {
		b.WriteString(m.st.note(n, w))
	}
	return b.String()
}
