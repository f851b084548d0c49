package ui

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

func TestNetworkCustomValidatedAsTyped(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepNetwork)
	d.wantScreen("Basic (AML-managed)", "Public IP")
	d.wantNoScreen("VNet resource group")
	d.press("right") // custom: the six fields appear
	d.wantScreen("Custom VNet", "VNet resource group", "Docker bridge CIDR")
	d.press("tab")
	d.typ("rg-net")
	// checked as typed, before the field is left
	d.wantScreen("set all six custom VNet fields or none")
	d.press("tab")
	d.typ("vnet-ml")
	d.press("tab")
	d.typ("snet-aks")
	d.press("tab")
	d.typ("10.0.0.0/16")
	d.press("tab")
	d.typ("10.1.0.10")
	d.wantScreen("10.1.0.10 is outside the service CIDR 10.0.0.0/16")
	// the focus may go back to the field that causes it: huh's blur
	// validation would keep it on the DNS IP
	d.press("shift+tab")
	if f := d.networkForm().focused(); f.id != "service-cidr" {
		t.Fatalf("focus on %s, want service-cidr", f.id)
	}
	d.press("tab")
	d.press("ctrl+u")
	d.typ("10.0.0.10")
	d.wantNoScreen("outside the service CIDR")
	d.press("tab")
	d.typ("10.0.5.1/24")
	d.wantScreen("overlaps")
	d.press("ctrl+u")
	d.typ("172.17.0.1/16")
	d.press("tab", "right") // internal LB: its subnet appears
	d.wantScreen("an internal load balancer needs a subnet", "Load balancer subnet")
	d.press("enter") // to the subnet, not an answer
	d.wantStep(wizard.StepNetwork)
	if f := d.networkForm().focused(); f.id != "load-balancer-subnet" {
		t.Fatalf("focus on %s, want load-balancer-subnet", f.id)
	}
	d.press("enter") // the last field, empty: refused, the form stays
	d.wantStep(wizard.StepNetwork)
	d.wantScreen("not yet: an internal load balancer needs a subnet")
	d.typ("snet-ilb")
	d.press("enter")
	d.wantStep(wizard.StepTLS)
	n := d.m.plan.Network
	if n.VNet != "vnet-ml" || n.DNSServiceIP != "10.0.0.10" || !n.Internal() || n.LoadBalancerSubnet != "snet-ilb" {
		t.Fatalf("network %+v", n)
	}
	// the internal LB refuses a Microsoft certificate
	d.press("right")
	d.press("tab")
	d.typ("myscoring")
	d.wantScreen("a Microsoft certificate does not work with an internal load balancer")
	// esc back keeps the network answers
	d.press("esc")
	d.wantStep(wizard.StepNetwork)
	d.wantScreen("vnet-ml", "snet-ilb")
}

func (d *driver) networkForm() *form    { return d.m.screens[wizard.StepNetwork].(*networkScreen).f }
func (d *driver) tlsScreen() *tlsScreen { return d.m.screens[wizard.StepTLS].(*tlsScreen) }

// The step's form is huh: its fields are huh fields, Enter walks them and
// answers on the last one.
func TestNetworkIsAHuhForm(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepNetwork)
	f := d.networkForm()
	if f.hf == nil || f.focused().sel == nil || f.focused().sel != f.hf.GetFocusedField() {
		t.Fatal("the network step is not on a huh form")
	}
	d.press("enter")
	d.wantStep(wizard.StepNetwork)
	if f := d.networkForm().focused(); f.id != "load-balancer" {
		t.Fatalf("focus on %s, want load-balancer", f.id)
	}
	d.press("enter")
	d.wantStep(wizard.StepTLS)
	if d.m.plan.From(wizard.FNetwork) == wizard.Unset || d.m.plan.Network.Custom() {
		t.Fatalf("network %+v from %v", d.m.plan.Network, d.m.plan.From(wizard.FNetwork))
	}
}

func writeCert(t *testing.T, dir string) (cert, key, otherKey string) {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	k2, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "scoring.contoso.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), DNSNames: []string{"scoring.contoso.com"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	cert = filepath.Join(dir, "cert.pem")
	key = filepath.Join(dir, "key.pem")
	otherKey = filepath.Join(dir, "other.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	kb, _ := x509.MarshalPKCS8PrivateKey(k)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600)
	kb2, _ := x509.MarshalPKCS8PrivateKey(k2)
	os.WriteFile(otherKey, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb2}), 0o600)
	return
}

func TestTLSOwnCertificateFiles(t *testing.T) {
	cert, key, other := writeCert(t, t.TempDir())
	d := newDriver(t)
	d.createTo(wizard.StepTLS)
	d.press("2", "3") // a digit picks: "Your own certificate"
	d.press("tab")
	d.typ(cert)
	d.press("tab")
	d.typ(other)
	d.press("tab")
	d.typ("scoring.contoso.com")
	d.wantScreen("does not belong to the certificate")
	d.press("enter") // the last field: refused, the focus goes to the key file
	d.wantStep(wizard.StepTLS)
	d.wantScreen("not yet:")
	if f := d.tlsScreen().f.focused(); f.id != "ssl-key-file" {
		t.Fatalf("focus on %s, want ssl-key-file", f.id)
	}
	d.press("ctrl+u")
	d.typ(key)
	d.wantNoScreen("does not belong")
	d.wantScreen("the key matches the certificate")
	if strings.Contains(d.screen(), "PRIVATE KEY") {
		t.Fatal("key material on screen")
	}
	d.press("enter", "enter") // key → CNAME → answered
	d.wantStep(wizard.StepName)
	tl := d.m.plan.TLS
	if tl.Mode != rules.TLSCustom || len(tl.CertPEM) == 0 || len(tl.KeyPEM) == 0 || tl.CNAME != "scoring.contoso.com" {
		t.Fatalf("tls %+v", tl.Mode)
	}
	d.typ("aks-tls")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	if strings.Contains(d.screen(), "PRIVATE KEY") || strings.Contains(d.m.Result().Summary, "PRIVATE") {
		t.Fatal("key material shown")
	}
}

// The PEM files can be picked with huh's file picker: it opens in the
// folder of the path typed (~ expanded), offers the allowed types only,
// and the pick fills the field, which is read and checked like a typed path.
func TestTLSFilePicker(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	dir := filepath.Join(home, "certs")
	os.Mkdir(dir, 0o700)
	cert, key, _ := writeCert(t, dir)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600)
	d := newDriver(t, sized(100, 30))
	d.createTo(wizard.StepTLS)
	d.press("3", "tab")
	d.typ("~/certs/")
	d.press("ctrl+o")
	d.wantScreen("Certificate file", ".pem, .crt, .cer files · starting in "+dir, "cert.pem")
	if d.tlsScreen().browse == nil {
		t.Fatal("no file picker")
	}
	// the first entry is cert.pem (sorted); a .txt is not offered
	d.press("enter")
	if d.tlsScreen().browse != nil {
		t.Fatalf("picker still open:\n%s", d.screen())
	}
	if got := d.tlsScreen().cert.text; got != cert {
		t.Fatalf("certificate field %q, want %q", got, cert)
	}
	// the pick moved the focus on, as huh's picker does: to the key
	if f := d.tlsScreen().f.focused(); f.id != "ssl-key-file" {
		t.Fatalf("focus on %s after the pick, want ssl-key-file", f.id)
	}
	d.typ("~/certs/key.pem")
	d.press("ctrl+o", "esc") // esc closes the picker, keeps the typed path
	d.wantStep(wizard.StepTLS)
	if d.tlsScreen().browse != nil || d.tlsScreen().key.text != "~/certs/key.pem" {
		t.Fatalf("after esc: open %v, key %q", d.tlsScreen().browse != nil, d.tlsScreen().key.text)
	}
	d.press("tab")
	d.typ("scoring.contoso.com")
	d.wantScreen("the key matches the certificate")
	d.press("enter")
	d.wantStep(wizard.StepName)
	if tl := d.m.plan.TLS; tl.KeyFile != key || len(tl.KeyPEM) == 0 || tl.CertFile != cert {
		t.Fatalf("tls files %q %q", tl.CertFile, tl.KeyFile)
	}
}

func TestTLSMissingFile(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepTLS)
	d.press("3", "tab")
	d.typ("/nonexistent/cert.pem")
	d.wantScreen("cannot read /nonexistent/cert.pem")
}

// B3: the name's placeholder is a valid name.
func TestNamePlaceholderIsValid(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepName)
	d.wantScreen("e.g. aks-prod-b")
	if vs := rules.ComputeName("aks-prod-b", nil); len(vs) > 0 {
		t.Fatalf("placeholder invalid: %v", vs)
	}
}

// B4: Custom VNet with every field empty does not fall back to basic.
func TestNetworkCustomEmptyDoesNotAdvance(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepNetwork)
	d.press("right") // custom
	for i := 0; i < 8; i++ {
		d.press("enter") // through the six empty fields and the load balancer
	}
	d.wantStep(wizard.StepNetwork)
	d.wantScreen("fill in the six custom VNet fields, or choose Basic")
	if d.m.plan.From(wizard.FNetwork) == wizard.Asked {
		t.Fatal("network marked answered")
	}
	// the focus went to the first field: typing fills it
	d.typ("rg-net")
	if n := d.m.screens[wizard.StepNetwork].(*networkScreen).net; n.VNetResourceGroup != "rg-net" {
		t.Fatalf("network %+v", n)
	}
	// back to basic: enter goes on
	d.press("shift+tab", "left", "enter", "enter")
	d.wantStep(wizard.StepTLS)
	if d.m.plan.Network.Custom() {
		t.Fatalf("network %+v", d.m.plan.Network)
	}
}

// A paste lands in the focused field of a form and is checked like typing.
func TestFormPaste(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepNetwork)
	d.press("right", "tab")
	d.send(tea.PasteMsg{Content: "rg-pasted"})
	if n := d.m.screens[wizard.StepNetwork].(*networkScreen).net; n.VNetResourceGroup != "rg-pasted" {
		t.Fatalf("network %+v", n)
	}
	d.wantScreen("rg-pasted", "set all six custom VNet fields or none")
}
