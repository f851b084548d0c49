package rules

import "time"

// TLSMode selects how the scoring endpoint gets its certificate.
type TLSMode int

// TLS modes.
const (
	TLSOff       TLSMode = iota
	TLSMicrosoft         // Microsoft-issued certificate for a leaf domain label (sslConfiguration.status Auto)
	TLSCustom            // your own cert + key + CNAME (sslConfiguration.status Enabled)
)

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

// CheckTLS returns Violations (fields ssl-leaf-domain-label, ssl-cert-file,
// ssl-key-file, ssl-cname): leaf label is a DNS label (1–63 chars of
// lower-case letters, digits, '-', not starting or ending with '-');
// custom needs cert, key and cname; the cert PEM parses as an X.509
// certificate, the key PEM as a private key that matches the certificate's
// public key; the certificate is not expired at now (nor not yet valid);
// cname is a valid DNS name; a Microsoft certificate does not work with an
// internal load balancer, which needs your own certificate. No message ever
// contains key material.
func CheckTLS(t TLS, internalLB bool, now time.Time) []Violation { return nil /* TODO */ }
