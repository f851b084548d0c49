package sim

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// route is one REST path. Literal segments match case-insensitively; "*"
// is a parameter.
type route struct {
	key     string
	pattern []string
	methods string // space-separated
	serve   func(h *Handler, r *http.Request, p []string) reply
}

func (rt *route) allows(method string) bool {
	for _, m := range strings.Fields(rt.methods) {
		if m == method {
			return true
		}
	}
	return false
}

const (
	mlProvider  = "providers/microsoft.machinelearningservices"
	aksProvider = "providers/microsoft.containerservice"
	crpProvider = "providers/microsoft.compute"
	wsPath      = "subscriptions/*/resourcegroups/*/" + mlProvider + "/workspaces/*"

	k8sConfProvider = "providers/microsoft.kubernetesconfiguration"
	clusterPath     = "subscriptions/*/resourcegroups/*/" + aksProvider + "/managedclusters/*"
)

func routes() []route {
	r := func(key, pattern, methods string, serve func(h *Handler, r *http.Request, p []string) reply) route {
		return route{key: key, pattern: strings.Split(pattern, "/"), methods: methods, serve: serve}
	}
	return []route{
		r("subscriptions", "subscriptions", "GET", (*Handler).serveSubscriptions),
		r("subscription", "subscriptions/*", "GET", (*Handler).serveSubscription),
		r("locations", "subscriptions/*/locations", "GET", (*Handler).serveLocations),
		r("workspaces", "subscriptions/*/"+mlProvider+"/workspaces", "GET", (*Handler).serveWorkspaces),
		r("workspaces", "subscriptions/*/resourcegroups/*/"+mlProvider+"/workspaces", "GET", (*Handler).serveWorkspaces),
		r("workspace", wsPath, "GET", (*Handler).serveWorkspace),
		r("computes", wsPath+"/computes", "GET", (*Handler).serveComputes),
		r("compute", wsPath+"/computes/*", "GET PUT DELETE", (*Handler).serveCompute),
		r("vmsizes", "subscriptions/*/"+mlProvider+"/locations/*/vmsizes", "GET", (*Handler).serveVMSizes),
		r("operations", "subscriptions/*/"+mlProvider+"/locations/*/computeoperationsstatus/*", "GET", (*Handler).serveOperationStatus),
		r("operations", "subscriptions/*/"+mlProvider+"/locations/*/computeoperationsresults/*", "GET", (*Handler).serveOperationResult),
		r("versions", "subscriptions/*/"+aksProvider+"/locations/*/kubernetesversions", "GET", (*Handler).serveVersions),
		r("clusters", "subscriptions/*/"+aksProvider+"/managedclusters", "GET", (*Handler).serveClusters),
		r("clusters", "subscriptions/*/resourcegroups/*/"+aksProvider+"/managedclusters", "GET", (*Handler).serveClusters),
		r("cluster", "subscriptions/*/resourcegroups/*/"+aksProvider+"/managedclusters/*", "GET PUT DELETE", (*Handler).serveCluster),
		r("operations", "subscriptions/*/"+aksProvider+"/locations/*/operations/*", "GET", (*Handler).serveAKSOperation),
		r("operations", "subscriptions/*/"+aksProvider+"/locations/*/operationresults/*", "GET", (*Handler).serveAKSOperationResult),
		r("extensions", clusterPath+"/"+k8sConfProvider+"/extensions", "GET", (*Handler).serveExtensions),
		r("extension", clusterPath+"/"+k8sConfProvider+"/extensions/*", "GET PUT PATCH DELETE", (*Handler).serveExtension),
		r("operations", clusterPath+"/"+k8sConfProvider+"/extensions/*/operations/*", "GET", (*Handler).serveExtensionOperation),
		r("rolebindings", clusterPath+"/trustedaccessrolebindings", "GET", (*Handler).serveRoleBindings),
		r("rolebinding", clusterPath+"/trustedaccessrolebindings/*", "GET PUT DELETE", (*Handler).serveRoleBinding),
		r("skus", "subscriptions/*/"+crpProvider+"/skus", "GET", (*Handler).serveSKUs),
		r("usages", "subscriptions/*/"+crpProvider+"/locations/*/usages", "GET", (*Handler).serveUsages),
		r("subnet", "subscriptions/*/resourcegroups/*/"+networkProvider+"/virtualnetworks/*/subnets/*", "GET", (*Handler).serveSubnet),
		r("providers", "subscriptions/*/providers/*", "GET", (*Handler).serveProvider),
		r("providers", "subscriptions/*/providers/*/register", "POST", (*Handler).serveRegister),
		r("prices", "api/retail/prices", "GET", (*Handler).servePrices),
	}
}

// matchRoute finds the route of path and its parameters.
func matchRoute(rs []route, path string) (*route, []string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := range rs {
		rt := &rs[i]
		if len(rt.pattern) != len(segs) {
			continue
		}
		var params []string
		ok := true
		for j, p := range rt.pattern {
			if p == "*" {
				if segs[j] == "" {
					ok = false
					break
				}
				params = append(params, segs[j])
				continue
			}
			if !strings.EqualFold(p, segs[j]) {
				ok = false
				break
			}
		}
		if ok {
			return rt, params
		}
	}
	return nil, nil
}

// reply is a response to write: status, JSON body (nil: none), headers.
type reply struct {
	status int
	body   any
	header http.Header
}

type errorBody struct {
	Error armError `json:"error"`
}

func errReply(status int, code, msg string) reply {
	return reply{status: status, body: errorBody{armError{Code: code, Message: msg}},
		header: http.Header{"X-Ms-Error-Code": {code}}}
}

func okReply(body any) reply { return reply{status: http.StatusOK, body: body} }

// writeReply writes rep as JSON with ARM's usual headers.
func writeReply(w http.ResponseWriter, r *http.Request, rep reply) {
	hdr := w.Header()
	for k, vs := range rep.header {
		hdr[k] = vs
	}
	hdr.Set("x-ms-request-id", newID())
	if cid := r.Header.Get("x-ms-client-request-id"); cid != "" {
		hdr.Set("x-ms-client-request-id", cid)
	}
	var b []byte
	if rep.body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep.body); err != nil {
			rep = errReply(http.StatusInternalServerError, "InternalServerError", "The simulator could not encode its answer: "+err.Error())
			b, _ = json.Marshal(rep.body)
		} else {
			b = buf.Bytes()
		}
		hdr.Set("Content-Type", "application/json; charset=utf-8")
	}
	hdr.Set("Content-Length", strconv.Itoa(len(b)))
	status := rep.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if len(b) > 0 {
		_, _ = w.Write(b)
	}
}

// baseURL is the scheme and host the request came in on: links we hand
// out (nextLink, Azure-AsyncOperation) point back at the same endpoint.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	if host == "" {
		host = "management.azure.com"
	}
	return scheme + "://" + host
}

// page is a list answer: {"value":[...],"nextLink":"..."}.
type page[T any] struct {
	Value    []T    `json:"value"`
	NextLink string `json:"nextLink,omitempty"`
}

// paged serves items in pages of size with an absolute nextLink carrying
// $skiptoken (the offset) and the request's other query parameters.
func paged[T any](r *http.Request, items []T, size int) reply {
	off := 0
	if tok := r.URL.Query().Get("$skiptoken"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n > len(items) {
			return errReply(http.StatusBadRequest, "InvalidSkipToken", fmt.Sprintf("The $skiptoken '%s' is invalid.", tok))
		}
		off = n
	}
	end := off + size
	if end > len(items) {
		end = len(items)
	}
	p := page[T]{Value: items[off:end]}
	if p.Value == nil {
		p.Value = []T{}
	}
	if end < len(items) {
		q := r.URL.Query()
		q.Set("$skiptoken", strconv.Itoa(end))
		p.NextLink = baseURL(r) + (&url.URL{Path: r.URL.Path}).EscapedPath() + "?" + q.Encode()
	}
	return okReply(p)
}

// newID returns a random UUID-shaped id.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// randHex returns n random hex digits.
func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

func subNotFound(id string) reply {
	return errReply(http.StatusNotFound, "SubscriptionNotFound", fmt.Sprintf("The subscription '%s' could not be found.", id))
}

func resourceNotFound(typ, name, rg string) reply {
	return errReply(http.StatusNotFound, "ResourceNotFound", fmt.Sprintf(
		"The Resource '%s/%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
		typ, name, rg))
}

func rgNotFound(rg string) reply {
	return errReply(http.StatusNotFound, "ResourceGroupNotFound", fmt.Sprintf("Resource group '%s' could not be found.", rg))
}

func noProvider(loc, apiVersion, typ string) reply {
	return errReply(http.StatusBadRequest, "NoRegisteredProviderFound", fmt.Sprintf(
		"No registered resource provider found for location '%s' and API version '%s' for type '%s'.", loc, apiVersion, typ))
}
