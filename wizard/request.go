package wizard

import "strings"

// Request is the HTTP request Submit sends for a spec, as the Cloud builds
// it for Azure: the dry run, the review's REST view and the JSON output
// show this value and nothing else, so what is shown is what is sent.
type Request struct {
	Method   string // "PUT"
	Endpoint string // "https://management.azure.com" (the cloud's ARM host)
	Path     string // ARM path with the query the SDK adds ("?api-version=...")
	// Body is the JSON the SDK sends, indented by two spaces, with no
	// trailing newline; secrets (TLS certificate and key) are Redacted.
	Body []byte
}

// URL is the request's full address.
func (r Request) URL() string { return strings.TrimSuffix(r.Endpoint, "/") + r.Path }

// String is the request as shown: the method and URL on one line, then
// the body, ending in a newline.
func (r Request) String() string {
	return r.Method + " " + r.URL() + "\n" + string(r.Body) + "\n"
}
