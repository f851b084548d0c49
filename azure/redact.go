package azure

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/amlaks/amlaks/wizard"
)

// The one redactor of everything amlaks prints of a body or a trace: the
// compute, cluster and extension requests shown by the dry run and the
// review, and the --debug trace.

// secretKeys are the body fields (any case, at any depth) whose values are
// never shown, with everything under them: the TLS certificate and key of
// sslConfiguration, the extension's protected settings, and any secret,
// password or token.
var secretKeys = []string{"cert", "key", "configurationProtectedSettings", "secret", "clientSecret", "password",
	"accessToken", "access_token", "refresh_token", "clusterToken", "primaryKey", "secondaryKey"}

func isSecretKey(k string) bool {
	for _, s := range secretKeys {
		if strings.EqualFold(s, k) {
			return true
		}
	}
	return false
}

// printable marshals an SDK body with the SDK's own MarshalJSON and
// redacts it; the bytes sent are the same marshalling without the
// redaction.
func printable(body json.Marshaler) ([]byte, error) {
	b, err := body.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return redactBody(b)
}

// redactBody returns the wire body indented, with every secret replaced by
// wizard.Redacted: the values under secretKeys, and any string holding a
// PEM block wherever it is. Numbers keep their wire text.
func redactBody(wire []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(wire))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	v = redactValue(v, false)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<redacted>" stays readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func redactValue(v any, secret bool) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = redactValue(e, secret || isSecretKey(k))
		}
	case []any:
		for i, e := range x {
			x[i] = redactValue(e, secret)
		}
	case string:
		if secret || strings.Contains(x, "-----BEGIN ") {
			return wizard.Redacted
		}
	}
	return v
}

// The trace's patterns: a JWT, a PEM block, a bearer token, and the value
// of a secret key in a JSON text (a string, or an object).
var (
	reJWT    = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*`)
	rePEM    = regexp.MustCompile(`(?s)-----BEGIN [A-Z ]+-----.*?-----END [A-Z ]+-----`)
	reBearer = regexp.MustCompile(`(?i)(bearer\s+)[^\s"]+`)
	reSecret = regexp.MustCompile(`(?i)("(?:` + strings.Join(secretKeys, "|") + `)"\s*:\s*")[^"]*`)
	// an object under a secret key (the protected settings) goes whole
	reSecretObj = regexp.MustCompile(`(?i)("(?:` + strings.Join(secretKeys, "|") + `)"\s*:\s*)\{[^{}]*\}`)
)

// redact removes anything that looks like a token, a key or a certificate
// from a trace line. azcore already redacts headers (Authorization
// included) and query values; bodies are never logged
// (LogOptions.IncludeBody is false).
func redact(s string) string {
	s = rePEM.ReplaceAllString(s, "<redacted PEM>")
	s = reJWT.ReplaceAllString(s, "<redacted token>")
	s = reBearer.ReplaceAllString(s, "${1}<redacted>")
	s = reSecretObj.ReplaceAllString(s, `${1}"`+wizard.Redacted+`"`)
	s = reSecret.ReplaceAllString(s, "${1}"+wizard.Redacted)
	return s
}
