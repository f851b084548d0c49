package rules

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"time"
)

// TLSMode selects how the scoring endpoint gets its certificate.
type TLSMode int

// TLS modes.
const (
	TLSOff       TLSMode = iota
	TLSMicrosoft         // Microsoft-issued certificate for a leaf domain label (sslConfiguration.status Auto)
	TLSCustom            // your own cert + key + CNAME (sslConfiguration.status Enabled)
)

// String returns "off", "microsoft" or "custom".
func (m TLSMode) String() string {
	switch m {
	case TLSOff:
		return "off"
	case TLSMicrosoft:
		return "microsoft"
	case TLSCustom:
		return "custom"
	}
	return "unknown"
}

// TLS is the optional TLS answer. CertPEM/KeyPEM are the file contents,
// read by the caller (rules does no I/O).
type TLS struct {
	Mode            TLSMode
	LeafDomainLabel string
	Overwrite       bool
	CertFile        string // for messages only
	KeyFile         string // for messages only
	CertPEM         []byte
	KeyPEM          []byte
	CNAME           string
}

// Normalized is t with its CNAME as it is sent and shown: spaces and the
// root's trailing dot dropped, lower case (DNS names are case-insensitive;
// "API.ml.contoso.com." and "api.ml.contoso.com" are one name).
func (t TLS) Normalized() TLS {
	t.CNAME = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(t.CNAME), "."))
	return t
}

// CheckTLS returns Violations (fields ssl-leaf-domain-label, ssl-cert-file,
// ssl-key-file, ssl-cname): leaf label is a DNS label (1–63 chars of
// lower-case letters, digits, '-', not starting or ending with '-');
// custom needs cert, key and cname; the cert PEM parses as an X.509
// certificate, the key PEM as a private key that matches the certificate's
// public key; the certificate is not expired at now (nor not yet valid);
// cname is a valid DNS name that the certificate covers (CertCovers:
// x509 VerifyHostname semantics, wildcards included); a Microsoft certificate does not work with an
// internal load balancer, which needs your own certificate. No message ever
// contains key material.
//
// The first CERTIFICATE block of CertPEM is the leaf (a chain may follow).
// Keys may be PKCS#8, PKCS#1 (RSA) or SEC 1 (EC); encrypted keys are
// refused. A zero now means the current time.
func CheckTLS(t TLS, internalLB bool, now time.Time) []Violation {
	switch t.Mode {
	case TLSMicrosoft:
		var vs []Violation
		if internalLB {
			vs = append(vs, Violation{Field: "ssl-leaf-domain-label", Code: "tls-microsoft-internal-lb",
				Message: "a Microsoft certificate does not work with an internal load balancer: use your own certificate, key and CNAME"})
		}
		return append(vs, checkLeafLabel(t.LeafDomainLabel)...)
	case TLSCustom:
		return checkCustomTLS(t, now)
	}
	return nil
}

// checkLeafLabel checks the leaf domain label of a Microsoft certificate.
func checkLeafLabel(label string) []Violation {
	v := func(code, msg string) Violation {
		return Violation{Field: "ssl-leaf-domain-label", Code: code, Message: msg}
	}
	if label == "" {
		return []Violation{v("tls-leaf-missing", "enter a leaf domain label for the Microsoft certificate, like myscoring")}
	}
	var vs []Violation
	if n := len([]rune(label)); n > 63 {
		vs = append(vs, v("tls-leaf-too-long", fmt.Sprintf("63 characters at most (now %d)", n)))
	}
	if bad := badRunes(label, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' }); bad != "" {
		vs = append(vs, v("tls-leaf-chars", "only lower-case letters, digits and - are allowed (found "+bad+")"))
	}
	if strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
		vs = append(vs, v("tls-leaf-hyphen", "must not start or end with -"))
	}
	return vs
}

// checkCustomTLS checks your own certificate, key and CNAME.
func checkCustomTLS(t TLS, now time.Time) []Violation {
	var vs []Violation
	certName, keyName := fileName(t.CertFile, "the certificate file"), fileName(t.KeyFile, "the key file")
	var cert *x509.Certificate
	if len(t.CertPEM) == 0 {
		vs = append(vs, Violation{Field: "ssl-cert-file", Code: "tls-cert-missing", Message: "choose the certificate file (PEM)"})
	} else {
		var v *Violation
		cert, v = parseCertPEM(t.CertPEM, certName)
		if v != nil {
			vs = append(vs, *v)
		}
	}
	if cert != nil {
		if now.IsZero() {
			now = time.Now()
		}
		switch {
		case now.After(cert.NotAfter):
			vs = append(vs, Violation{Field: "ssl-cert-file", Code: "tls-cert-expired",
				Message: fmt.Sprintf("the certificate in %s expired on %s: renew it", certName, cert.NotAfter.UTC().Format(time.DateOnly))})
		case now.Before(cert.NotBefore):
			vs = append(vs, Violation{Field: "ssl-cert-file", Code: "tls-cert-not-yet-valid",
				Message: fmt.Sprintf("the certificate in %s is valid only from %s: use one that is valid now", certName, cert.NotBefore.UTC().Format(time.DateOnly))})
		}
	}
	if len(t.KeyPEM) == 0 {
		vs = append(vs, Violation{Field: "ssl-key-file", Code: "tls-key-missing", Message: "choose the private key file (PEM) of the certificate"})
	} else {
		key, v := parseKeyPEM(t.KeyPEM, keyName)
		switch {
		case v != nil:
			vs = append(vs, *v)
		case cert != nil && !publicKeyMatches(key, cert.PublicKey):
			vs = append(vs, Violation{Field: "ssl-key-file", Code: "tls-key-mismatch",
				Message: fmt.Sprintf("the key in %s does not belong to the certificate in %s: choose the matching key", keyName, certName)})
		}
	}
	switch cname := strings.TrimSpace(t.CNAME); {
	case cname == "":
		vs = append(vs, Violation{Field: "ssl-cname", Code: "tls-cname-missing",
			Message: "enter the CNAME clients will use for the scoring endpoint, like scoring.contoso.com"})
	case !validDNSName(cname):
		vs = append(vs, Violation{Field: "ssl-cname", Code: "tls-cname-invalid",
			Message: quote(cname) + " is not a DNS name: use labels of letters, digits and -, like scoring.contoso.com"})
	case cert != nil:
		if ok, names := CertCovers(cert, cname); !ok {
			covers := "no host name (clients ignore the subject's common name)"
			if len(names) > 0 {
				covers = strings.Join(names, ", ")
			}
			vs = append(vs, Violation{Field: "ssl-cname", Code: "tls-cname-not-covered",
				Message: fmt.Sprintf("the certificate in %s covers %s; not %s: clients would get a hostname mismatch; use a certificate for %s or a CNAME it covers",
					certName, covers, strings.TrimSuffix(cname, "."), strings.TrimSuffix(cname, "."))})
		}
	}
	return vs
}

// CertCovers reports whether a client connecting to host accepts cert, by
// the rules of x509.Certificate.VerifyHostname (subject alternative names
// only, a wildcard covers exactly one left-most label, case-insensitive),
// and returns the names the certificate covers (DNS names, then IP
// addresses) for messages.
func CertCovers(cert *x509.Certificate, host string) (bool, []string) {
	names := append([]string(nil), cert.DNSNames...)
	for _, ip := range cert.IPAddresses {
		names = append(names, ip.String())
	}
	return cert.VerifyHostname(strings.TrimSpace(host)) == nil, names
}

// TLSReadLine is the confirmation a TLS form shows once your own
// certificate, key and CNAME all pass CheckTLS: "certificate and key read;
// the key matches the certificate, which covers scoring.contoso.com". It is
// "" whenever CheckTLS reports anything, or the mode is not TLSCustom, so a
// screen never confirms what the preflight would block.
func TLSReadLine(t TLS, internalLB bool, now time.Time) string {
	if t.Mode != TLSCustom || len(CheckTLS(t, internalLB, now)) > 0 {
		return ""
	}
	return "certificate and key read; the key matches the certificate, which covers " + strings.TrimSuffix(strings.TrimSpace(t.CNAME), ".")
}

func fileName(path, fallback string) string {
	if strings.TrimSpace(path) == "" {
		return fallback
	}
	return quote(path)
}

// parseCertPEM returns the first certificate of data.
func parseCertPEM(data []byte, name string) (*x509.Certificate, *Violation) {
	sawKey := false
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if strings.HasSuffix(b.Type, "PRIVATE KEY") {
			sawKey = true
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, &Violation{Field: "ssl-cert-file", Code: "tls-cert-invalid",
				Message: name + " holds a certificate that does not parse: export it again as PEM (X.509)"}
		}
		return cert, nil
	}
	msg := name + " is not a PEM certificate: choose a file with a BEGIN CERTIFICATE block"
	if sawKey {
		msg = name + " holds a private key, not a certificate: are the certificate and key files swapped?"
	}
	return nil, &Violation{Field: "ssl-cert-file", Code: "tls-cert-invalid", Message: msg}
}

// parseKeyPEM returns the first private key of data.
func parseKeyPEM(data []byte, name string) (crypto.PrivateKey, *Violation) {
	sawCert := false
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			sawCert = true
		}
		if !strings.HasSuffix(b.Type, "PRIVATE KEY") {
			continue
		}
		// Legacy OpenSSL encryption shows as a Proc-Type header (RFC 1421).
		if b.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
			return nil, &Violation{Field: "ssl-key-file", Code: "tls-key-encrypted",
				Message: "the key in " + name + " is encrypted: export it without a passphrase"}
		}
		if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
			return k, nil
		}
		if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
			return k, nil
		}
		if k, err := x509.ParseECPrivateKey(b.Bytes); err == nil {
			return k, nil
		}
		return nil, &Violation{Field: "ssl-key-file", Code: "tls-key-invalid",
			Message: "the key in " + name + " does not parse: use an unencrypted PEM key (PKCS#8, PKCS#1 or EC)"}
	}
	msg := name + " is not a PEM private key: choose a file with a BEGIN PRIVATE KEY block"
	if sawCert {
		msg = name + " holds a certificate, not a private key: are the certificate and key files swapped?"
	}
	return nil, &Violation{Field: "ssl-key-file", Code: "tls-key-invalid", Message: msg}
}

// publicKeyMatches reports whether key's public half equals pub.
func publicKeyMatches(key crypto.PrivateKey, pub crypto.PublicKey) bool {
	signer, ok := key.(crypto.Signer)
	if !ok {
		return false
	}
	eq, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(pub)
}

// validDNSName: 1–253 characters (a trailing dot allowed), labels of 1–63
// letters, digits and '-', not starting or ending with '-'.
func validDNSName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if !validLabel(label) {
			return false
		}
	}
	return true
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		if c := l[i]; !isASCIILetter(c) && !isASCIIDigit(c) && c != '-' {
			return false
		}
	}
	return true
}
