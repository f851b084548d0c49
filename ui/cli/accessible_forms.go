package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/files"
)

// The form steps of the accessible mode (KindForm: networking, TLS): one
// line prompt per field, each checked as it is given and asked again
// alone when it fails, keeping every other answer.

// field is one line of a form step: its flag name (the rules' Field), its
// question, its default and where its answer goes.
type field struct {
	id, title, def string
	dst            *string
}

// askFields asks each field alone, checked as it is given by bad (which
// sees the answer in place), keeping every earlier answer.
func (w *walker) askFields(done <-chan struct{}, fs []field, bad func(f field) error) error {
	for _, f := range fs {
		def := cmp(*f.dst, f.def)
		ans, err := w.q.text(done, f.title, def, func(s string) error {
			old := *f.dst
			*f.dst = s
			defer func() { *f.dst = old }()
			return bad(f)
		})
		if err != nil {
			return err
		}
		*f.dst = ans
	}
	return nil
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// settle asks again, alone, each field that only the whole section shows
// wrong (check), until it passes.
func (w *walker) settle(done <-chan struct{}, fs []field, bad func(field) error, check func() []rules.Violation) error {
	for vs := check(); len(vs) > 0; vs = check() {
		fmt.Fprintln(w.q.out, vs[0].Error())
		i := slices.IndexFunc(fs, func(f field) bool { return f.id == vs[0].Field })
		if i < 0 {
			return &Invalid{vs}
		}
		if err := w.askFields(done, fs[i:i+1], bad); err != nil {
			return err
		}
	}
	return nil
}

// network asks the networking step: basic or a custom VNet (six fields),
// then the load balancer; a field that fails is asked again alone.
func (w *walker) network(done <-chan struct{}) error {
	n := w.p.Network
	// an attach chooses only the load balancer: the cluster's network is
	// its own
	attach := w.p.Mode == wizard.ModeAttach
	custom, lbTitle := 0, "Load balancer"
	if attach {
		lbTitle = w.label(wizard.StepNetwork) + ": load balancer"
	} else {
		var err error
		custom, err = w.q.choose(done, w.label(wizard.StepNetwork), choiceLabels(wizard.NetworkChoices), map[bool]int{true: 1}[n.Custom()], func(int) error { return nil })
		if err != nil {
			return err
		}
	}
	fs := []field{{"vnet-resource-group", "VNet resource group", "", &n.VNetResourceGroup}, {"vnet", "VNet name", "", &n.VNet},
		{"subnet", "Subnet name", "", &n.Subnet}, {"service-cidr", "Service CIDR", "10.0.0.0/16", &n.ServiceCIDR},
		{"dns-service-ip", "DNS service IP", "10.0.0.10", &n.DNSServiceIP}, {"docker-bridge-cidr", "Docker bridge CIDR", "172.17.0.1/16", &n.DockerBridgeCIDR},
		{"load-balancer-subnet", "Load balancer subnet", "", &n.LoadBalancerSubnet}}
	// an answer fails on its own value, or on what it adds to the fields
	// asked so far (a later field is checked when it is asked)
	bad := func(f field) error {
		if vs := rules.CheckNetworkValue(f.id, *f.dst); len(vs) > 0 && f.id != "load-balancer-subnet" {
			return vs[0]
		}
		at := slices.IndexFunc(fs, func(g field) bool { return g.id == f.id })
		v := *f.dst
		*f.dst = ""
		without := rules.CheckNetwork(n)
		*f.dst = v
		for _, x := range rules.CheckNetwork(n) {
			if x.Code == "network-incomplete" || slices.IndexFunc(fs, func(g field) bool { return g.id == x.Field }) > at {
				continue
			}
			if x.Field == f.id || !slices.Contains(without, x) {
				return x
			}
		}
		return nil
	}
	if custom == 1 {
		if err := w.askFields(done, fs[:6], bad); err != nil {
			return err
		}
	} else {
		n = rules.Network{SubnetPrefix: n.SubnetPrefix, LoadBalancer: n.LoadBalancer, LoadBalancerSubnet: n.LoadBalancerSubnet}
	}
	lb, err := w.q.choose(done, lbTitle, choiceLabels(wizard.LoadBalancerChoices), map[bool]int{true: 1}[n.Internal()], func(int) error { return nil })
	if err != nil {
		return err
	}
	n.LoadBalancer, n.LoadBalancerSubnet = rules.PublicIP, ""
	if lb == 1 {
		n.LoadBalancer = rules.InternalLoadBalancer
		fs[6].def = n.Subnet
		if err := w.askFields(done, fs[6:], bad); err != nil {
			return err
		}
	}
	if err := w.settle(done, fs, bad, func() []rules.Violation { return rules.CheckNetwork(n) }); err != nil {
		return err
	}
	w.p.Network = n
	w.p.Mark(wizard.FNetwork, wizard.Asked)
	return nil
}

// tls asks the TLS step: off, a Microsoft certificate (leaf label,
// overwrite), or your own certificate and key files (~ expanded, read and
// checked as given) with a CNAME.
func (w *walker) tls(done <-chan struct{}) error {
	t := w.p.TLS
	internal := w.p.Network.Internal()
	// the modes the compute type offers, as the wizard's TLS step
	rule := w.p.Variant().TLS
	cur := 0
	for i, c := range rule.Modes {
		if c.Mode == t.Mode {
			cur = i
		}
	}
	if rule.Note != "" {
		fmt.Fprintln(w.q.out, "note: "+rule.Note)
	}
	i, err := w.q.choose(done, w.label(wizard.StepTLS), choiceLabels(rule.Choices()), cur, func(i int) error {
		for _, v := range rules.CheckTLS(rules.TLS{Mode: rule.Modes[i].Mode, LeafDomainLabel: "x"}, internal, time.Now()) {
			if v.Code == "tls-microsoft-internal-lb" {
				return errors.New(v.Message)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	t.Mode = rule.Modes[i].Mode
	bad := func(f field) error {
		pem := map[string]*[]byte{"ssl-cert-file": &t.CertPEM, "ssl-key-file": &t.KeyPEM}[f.id]
		if err := readPEM(w.a.ctx, f.id, f.dst, pem); err != nil {
			var v rules.Violation
			if errors.As(err, &v) {
				return v
			}
			return rules.Violation{Field: f.id, Code: "file", Message: err.Error()}
		}
		for _, v := range rules.CheckTLS(t, internal, time.Now()) {
			if v.Field == f.id {
				return v
			}
		}
		return nil
	}
	fs := []field{{"ssl-leaf-domain-label", "Leaf domain label", "", &t.LeafDomainLabel},
		{"ssl-cert-file", "Certificate PEM file", "", &t.CertFile}, {"ssl-key-file", "Key PEM file", "", &t.KeyFile}, {"ssl-cname", "CNAME", "", &t.CNAME}}
	switch t.Mode {
	case rules.TLSMicrosoft:
		if err := w.askFields(done, fs[:1], bad); err != nil {
			return err
		}
		if t.Overwrite, err = w.q.yesNo(done, "Overwrite an existing domain with that label?"); err != nil {
			return err
		}
	case rules.TLSCustom:
		if err := w.askFields(done, fs[1:], bad); err != nil {
			return err
		}
		for _, f := range fs[1:3] {
			if err := bad(f); err != nil { // reads the files the answers name
				fmt.Fprintln(w.q.out, err)
			}
		}
	}
	if err := w.settle(done, fs, bad, func() []rules.Violation { return rules.CheckTLS(t, internal, time.Now()) }); err != nil {
		return err
	}
	w.p.TLS = t
	w.p.Mark(wizard.FTLS, wizard.Asked)
	return nil
}

// readPEM expands ~ in a file name and reads the file into pem (nil:
// not a file field) through the capped reader line mode uses
// (wizard.ReadPEMFile: a regular file, at most 1 MiB).
func readPEM(ctx context.Context, flag string, path *string, pem *[]byte) error {
	if pem == nil {
		return nil
	}
	*path = files.ExpandHome(*path)
	*pem = nil
	if *path == "" {
		return nil
	}
	b, err := wizard.ReadPEMFile(ctx, flag, *path)
	if err != nil {
		return err
	}
	*pem = b
	return nil
}
