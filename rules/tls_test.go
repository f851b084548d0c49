package rules

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

var tlsNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// makeCert returns a self-signed certificate PEM for key valid from
// notBefore to notAfter.
func makeCert(t testing.TB, key any, pub any, notBefore, notAfter time.Time) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "scoring.contoso.com"},
		DNSNames:     []string{"scoring.contoso.com"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func ecKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pkcs8PEM(t testing.TB, key any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func ecPEM(t testing.TB, key *ecdsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
}

type tlsFixture struct {
	certPEM, keyPEM, ecKeyPEM, otherKeyPEM, expired, notYet []byte
	rsaCert, rsaKey, edCert, edKey                          []byte
}

func newTLSFixture(t testing.TB) tlsFixture {
	k, other := ecKey(t), ecKey(t)
	valid := makeCert(t, k, &k.PublicKey, tlsNow.Add(-24*time.Hour), tlsNow.Add(365*24*time.Hour))
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return tlsFixture{
		certPEM:     append(valid, makeCert(t, other, &other.PublicKey, tlsNow.Add(-time.Hour), tlsNow.Add(time.Hour))...), // leaf + "chain"
		keyPEM:      pkcs8PEM(t, k),
		ecKeyPEM:    ecPEM(t, k),
		otherKeyPEM: pkcs8PEM(t, other),
		expired:     makeCert(t, k, &k.PublicKey, tlsNow.Add(-48*time.Hour), tlsNow.Add(-time.Second)),
		notYet:      makeCert(t, k, &k.PublicKey, tlsNow.Add(time.Hour), tlsNow.Add(48*time.Hour)),
		rsaCert:     makeCert(t, rk, &rk.PublicKey, tlsNow.Add(-time.Hour), tlsNow.Add(time.Hour)),
		rsaKey:      pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}),
		edCert:      makeCert(t, edPriv, edPub, tlsNow.Add(-time.Hour), tlsNow.Add(time.Hour)),
		edKey:       pkcs8PEM(t, edPriv),
	}
}

func TestCheckTLS(t *testing.T) {
	fx := newTLSFixture(t)
	custom := func(change func(*TLS)) TLS {
		c := TLS{Mode: TLSCustom, CertFile: "cert.pem", KeyFile: "key.pem", CertPEM: fx.certPEM, KeyPEM: fx.keyPEM, CNAME: "scoring.contoso.com"}
		change(&c)
		return c
	}
	ms := func(label string) TLS { return TLS{Mode: TLSMicrosoft, LeafDomainLabel: label} }
	garbage := []byte("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")
	tests := []struct {
		name     string
		tls      TLS
		internal bool
		now      time.Time
		codes    []string
		msg      string
	}{
		{"off", TLS{}, true, tlsNow, nil, ""},
		{"unknown mode", TLS{Mode: 7}, false, tlsNow, nil, ""},
		// Microsoft certificate: leaf label
		{"ms ok", ms("myscoring"), false, tlsNow, nil, ""},
		{"ms 1 char", ms("a"), false, tlsNow, nil, ""},
		{"ms 63 chars", ms(strings.Repeat("a", 63)), false, tlsNow, nil, ""},
		{"ms 64 chars", ms(strings.Repeat("a", 64)), false, tlsNow, []string{"tls-leaf-too-long"}, "63 characters at most (now 64)"},
		{"ms empty", ms(""), false, tlsNow, []string{"tls-leaf-missing"}, "enter a leaf domain label"},
		{"ms upper", ms("MyScoring"), false, tlsNow, []string{"tls-leaf-chars"}, "(found 'M', 'S')"},
		{"ms dot", ms("my.scoring"), false, tlsNow, []string{"tls-leaf-chars"}, "'.'"},
		{"ms leading -", ms("-abc"), false, tlsNow, []string{"tls-leaf-hyphen"}, "must not start or end with -"},
		{"ms trailing -", ms("abc-"), false, tlsNow, []string{"tls-leaf-hyphen"}, ""},
		{"ms inner -", ms("a-b"), false, tlsNow, nil, ""},
		{"ms with internal lb", ms("abc"), true, tlsNow, []string{"tls-microsoft-internal-lb"}, "does not work with an internal load balancer"},
		// custom certificate
		{"custom ok", custom(func(*TLS) {}), false, tlsNow, nil, ""},
		{"custom ok with internal lb", custom(func(*TLS) {}), true, tlsNow, nil, ""},
		{"custom ok, EC key", custom(func(c *TLS) { c.KeyPEM = fx.ecKeyPEM }), false, tlsNow, nil, ""},
		{"custom ok, RSA PKCS#1", custom(func(c *TLS) { c.CertPEM, c.KeyPEM = fx.rsaCert, fx.rsaKey }), false, tlsNow, nil, ""},
		{"custom ok, ed25519", custom(func(c *TLS) { c.CertPEM, c.KeyPEM = fx.edCert, fx.edKey }), false, tlsNow, nil, ""},
		{"custom ok, trailing dot", custom(func(c *TLS) { c.CNAME = "scoring.contoso.com." }), false, tlsNow, nil, ""},
		{"custom all missing", TLS{Mode: TLSCustom}, false, tlsNow, []string{"tls-cert-missing", "tls-key-missing", "tls-cname-missing"}, "choose the certificate file"},
		{"expired", custom(func(c *TLS) { c.CertPEM = fx.expired }), false, tlsNow, []string{"tls-cert-expired"}, "the certificate in 'cert.pem' expired on 2026-03-01: renew it"},
		{"expires this instant", custom(func(c *TLS) { c.CertPEM = fx.expired }), false, tlsNow.Add(-time.Second), nil, ""},
		{"not yet valid", custom(func(c *TLS) { c.CertPEM = fx.notYet }), false, tlsNow, []string{"tls-cert-not-yet-valid"}, "valid only from 2026-03-01"},
		{"valid from this instant", custom(func(c *TLS) { c.CertPEM = fx.notYet }), false, tlsNow.Add(time.Hour), nil, ""},
		{"mismatched key", custom(func(c *TLS) { c.KeyPEM = fx.otherKeyPEM }), false, tlsNow, []string{"tls-key-mismatch"}, "the key in 'key.pem' does not belong to the certificate in 'cert.pem'"},
		{"rsa key, ec cert", custom(func(c *TLS) { c.KeyPEM = fx.rsaKey }), false, tlsNow, []string{"tls-key-mismatch"}, ""},
		{"garbage cert pem", custom(func(c *TLS) { c.CertPEM = []byte("hello") }), false, tlsNow, []string{"tls-cert-invalid"}, "'cert.pem' is not a PEM certificate"},
		{"garbage cert der", custom(func(c *TLS) { c.CertPEM = garbage }), false, tlsNow, []string{"tls-cert-invalid"}, "does not parse"},
		{"files swapped", custom(func(c *TLS) { c.CertPEM, c.KeyPEM = fx.keyPEM, fx.certPEM }), false, tlsNow, []string{"tls-cert-invalid", "tls-key-invalid"}, "swapped"},
		{"garbage key", custom(func(c *TLS) { c.KeyPEM = []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }), false, tlsNow, []string{"tls-key-invalid"}, "the key in 'key.pem' does not parse"},
		{"no key block", custom(func(c *TLS) { c.KeyPEM = []byte("nope") }), false, tlsNow, []string{"tls-key-invalid"}, "not a PEM private key"},
		{"encrypted key", custom(func(c *TLS) {
			c.KeyPEM = pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}})
		}), false, tlsNow, []string{"tls-key-encrypted"}, "is encrypted"},
		{"legacy encrypted key", custom(func(c *TLS) {
			c.KeyPEM = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}, Bytes: []byte{1}})
		}), false, tlsNow, []string{"tls-key-encrypted"}, ""},
		{"key unchecked when cert is bad", custom(func(c *TLS) { c.CertPEM = []byte("x") }), false, tlsNow, []string{"tls-cert-invalid"}, ""},
		{"no file names", custom(func(c *TLS) { c.CertFile, c.KeyFile, c.KeyPEM = "", "", fx.otherKeyPEM }), false, tlsNow, []string{"tls-key-mismatch"}, "the key in the key file does not belong to the certificate in the certificate file"},
		{"bad cname", custom(func(c *TLS) { c.CNAME = "scoring_contoso.com" }), false, tlsNow, []string{"tls-cname-invalid"}, "'scoring_contoso.com' is not a DNS name"},
		{"cname empty label", custom(func(c *TLS) { c.CNAME = "a..b" }), false, tlsNow, []string{"tls-cname-invalid"}, ""},
		{"cname hyphen label", custom(func(c *TLS) { c.CNAME = "-a.b" }), false, tlsNow, []string{"tls-cname-invalid"}, ""},
		{"cname 64-char label", custom(func(c *TLS) { c.CNAME = strings.Repeat("a", 64) + ".com" }), false, tlsNow, []string{"tls-cname-invalid"}, ""},
		{"cname 63-char label is a DNS name", custom(func(c *TLS) { c.CNAME = strings.Repeat("a", 63) + ".com" }), false, tlsNow, []string{"tls-cname-not-covered"}, ""},
		{"cname too long", custom(func(c *TLS) { c.CNAME = strings.Repeat("abcdefghi.", 26) + "com" }), false, tlsNow, []string{"tls-cname-invalid"}, ""},
		{"cname dot only", custom(func(c *TLS) { c.CNAME = "." }), false, tlsNow, []string{"tls-cname-invalid"}, ""},
		{"zero now uses the clock", custom(func(c *TLS) { c.CertPEM = fx.expired }), false, time.Time{}, []string{"tls-cert-expired"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckTLS(tt.tls, tt.internal, tt.now)
			if line := TLSReadLine(tt.tls, tt.internal, tt.now); (line != "") != (tt.tls.Mode == TLSCustom && len(got) == 0) {
				t.Errorf("TLSReadLine = %q with violations %v", line, got)
			}
			wantCodes(t, got, tt.codes...)
			checkStyle(t, got)
			if tt.msg != "" && len(got) > 0 {
				contains(t, "message", got[0].Message, tt.msg)
			}
			for _, v := range got {
				if strings.Contains(v.Message, "-----") || strings.Contains(v.Message, string(fx.keyPEM[30:60])) {
					t.Errorf("message leaks PEM: %q", v.Message)
				}
				if !strings.HasPrefix(v.Field, "ssl-") {
					t.Errorf("field %q", v.Field)
				}
			}
		})
	}
}

func TestTLSModeString(t *testing.T) {
	for m, want := range map[TLSMode]string{TLSOff: "off", TLSMicrosoft: "microsoft", TLSCustom: "custom", 9: "unknown"} {
		if m.String() != want {
			t.Errorf("%d.String() = %q", m, m.String())
		}
	}
}

func TestPublicKeyMatchesNonSigner(t *testing.T) {
	if publicKeyMatches(struct{}{}, nil) {
		t.Error("non-signer matched")
	}
}

// makeCertNames is a self-signed certificate for names (DNS names; an IP
// literal becomes an IP SAN) with key k, valid around tlsNow.
func makeCertNames(t testing.TB, k *ecdsa.PrivateKey, cn string, names ...string) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: cn},
		NotBefore: tlsNow.Add(-time.Hour), NotAfter: tlsNow.Add(time.Hour)}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestCheckTLSCNAMECoverage(t *testing.T) {
	k := ecKey(t)
	multi := makeCertNames(t, k, "a.example.com", "a.example.com", "*.b.example.com", "10.0.0.1")
	cnOnly := makeCertNames(t, k, "scoring.contoso.com")
	for _, tc := range []struct {
		name, cname string
		cert        []byte
		msg         string // "" = covered
	}{
		{"exact name", "a.example.com", multi, ""},
		{"upper case", "A.Example.COM", multi, ""},
		{"trailing dot", "a.example.com.", multi, ""},
		{"wildcard covers one label", "c.b.example.com", multi, ""},
		{"wildcard does not cover two labels", "x.c.b.example.com", multi, "covers a.example.com, *.b.example.com, 10.0.0.1; not x.c.b.example.com"},
		{"wildcard does not cover the apex", "b.example.com", multi, "not b.example.com"},
		{"other name", "c.example.com", multi, "the certificate in 'cert.pem' covers a.example.com, *.b.example.com, 10.0.0.1; not c.example.com: clients would get a hostname mismatch"},
		{"common name only", "scoring.contoso.com", cnOnly, "covers no host name (clients ignore the subject's common name); not scoring.contoso.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tls := TLS{Mode: TLSCustom, CertFile: "cert.pem", CertPEM: tc.cert, KeyPEM: pkcs8PEM(t, k), CNAME: tc.cname}
			vs := CheckTLS(tls, false, tlsNow)
			checkStyle(t, vs)
			line := TLSReadLine(tls, false, tlsNow)
			if tc.msg == "" {
				wantCodes(t, vs)
				if !strings.Contains(line, "which covers "+strings.TrimSuffix(tc.cname, ".")) {
					t.Errorf("read line %q", line)
				}
				return
			}
			wantCodes(t, vs, "tls-cname-not-covered")
			if vs[0].Field != "ssl-cname" {
				t.Errorf("field %q", vs[0].Field)
			}
			contains(t, "message", vs[0].Message, tc.msg)
			if line != "" {
				t.Errorf("read line shown for a CNAME the certificate does not cover: %q", line)
			}
		})
	}
}

// FuzzCNAMECoverage: CheckTLS accepts a CNAME exactly when it is a DNS name
// that x509 VerifyHostname accepts for the certificate.
func FuzzCNAMECoverage(f *testing.F) {
	k := ecKey(f)
	cert := makeCertNames(f, k, "x", "a.example.com", "*.b.example.com")
	parsed, _ := parseCertPEM(cert, "c")
	key := pkcs8PEM(f, k)
	for _, s := range []string{"a.example.com", "c.b.example.com", "b.example.com", "*.b.example.com", "A.EXAMPLE.COM.", "", "..", "x.c.b.example.com", "a.example.com.."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cname string) {
		vs := CheckTLS(TLS{Mode: TLSCustom, CertPEM: cert, KeyPEM: key, CNAME: cname}, false, tlsNow)
		checkStyle(t, vs)
		trimmed := strings.TrimSpace(cname)
		want := trimmed != "" && validDNSName(trimmed) && parsed.VerifyHostname(trimmed) == nil
		if got := len(vs) == 0; got != want {
			t.Errorf("CNAME %q: accepted %v, want %v (%v)", cname, got, want, vs)
		}
	})
}

// BenchmarkCheckTLSCustom is the TLS check the form runs on every change:
// parse certificate and key, match them, check the CNAME is covered.
func BenchmarkCheckTLSCustom(b *testing.B) {
	k := ecKey(b)
	t := TLS{Mode: TLSCustom, CertPEM: makeCertNames(b, k, "x", "a.example.com", "*.b.example.com"), KeyPEM: pkcs8PEM(b, k), CNAME: "c.b.example.com"}
	for b.Loop() {
		if vs := CheckTLS(t, false, tlsNow); len(vs) > 0 {
			b.Fatal(vs)
		}
	}
}
