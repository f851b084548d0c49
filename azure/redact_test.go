package azure

import (
	"encoding/json"
	"strings"
	"testing"
)

type rawBody []byte

func (b rawBody) MarshalJSON() ([]byte, error) { return b, nil }

// TestOneRedactor: every printed body (the compute request, the cluster
// and extension requests) and the debug trace hide the same secrets: TLS
// certificate and key, protected settings, passwords, client secrets and
// tokens, and any PEM block; numbers keep their wire text.
func TestOneRedactor(t *testing.T) {
	const pem = "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----"
	body := `{"properties":{"sslConfiguration":{"cert":"CERTBODY","key":"KEYBODY","cname":"ml.contoso.com"},` +
		`"configurationProtectedSettings":{"scoringFe.sslCert":"SSLCERT","scoringFe.sslKey":"SSLKEY"},` +
		`"servicePrincipal":{"clientSecret":"SPSECRET"},"Password":"PASSWORD","access_token":"TOKEN","note":"` + pem + `",` +
		`"count":12345678901234567890}}`
	printed, err := redactBody([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	viaSDK, err := printable(rawBody(body))
	if err != nil {
		t.Fatal(err)
	}
	if string(printed) != string(viaSDK) {
		t.Errorf("the compute request and the SDK bodies print differently:\n%s\n%s", printed, viaSDK)
	}
	trace := redact(strings.ReplaceAll(body, `\n`, "\n"))
	for name, out := range map[string]string{"body": string(printed), "trace": trace} {
		for _, secret := range []string{"CERTBODY", "KEYBODY", "SSLCERT", "SSLKEY", "SPSECRET", "PASSWORD", "TOKEN", "MIIB"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s shows %s:\n%s", name, secret, out)
			}
		}
	}
	if !strings.Contains(string(printed), "ml.contoso.com") || !strings.Contains(string(printed), "12345678901234567890") {
		t.Errorf("redacted too much, or lost a number's text:\n%s", printed)
	}
	var v map[string]any
	if err := json.Unmarshal(printed, &v); err != nil {
		t.Errorf("not JSON: %v", err)
	}
}
