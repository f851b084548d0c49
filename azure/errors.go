package azure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// armError is the ARM error body: {"error":{...}} or the bare object, and
// also the async-operation status body {"status":"Failed","error":{...}}.
type armError struct {
	Code    string     `json:"code"`
	Message string     `json:"message"`
	Details []armError `json:"details"`
}

type armErrorBody struct {
	Error   *armError `json:"error"`
	Code    string    `json:"code"`
	Message string    `json:"message"`
}

// Clean escapes, in a text that came from Azure (or anything between: a
// proxy, a custom cloud), the characters that could drive a terminal or
// reorder what is read (rules.InertText): error messages and codes are
// text for people, escaped once here. Values (names, IDs) are kept as
// Azure sent them and escaped where they are shown.
func Clean(s string) string { return rules.InertText(s) }

// mapError turns any error of the SDK, the credential or the network into a
// *wizard.Error whose Kind is one of the port's Err* values. It is the only
// place where SDK errors are looked at. op says what was being done
// ("create compute aks-1"). Context cancellation is passed through wrapped,
// so errors.Is(err, context.Canceled) still works.
func mapError(op string, err error) error {
	if err == nil {
		return nil
	}
	var we *wizard.Error
	if errors.As(err, &we) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", op, err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// amlaks sets no deadline on a whole call: this is the per-try
		// timeout of the retry policy, after its last try.
		return &wizard.Error{Kind: wizard.ErrNetwork, Op: op, Message: "Azure did not answer in time (every try timed out)",
			Hint: "Azure or the network is slow: try again later; AMLAKS_TRY_TIMEOUT sets the per-request timeout (default " +
				fmtDelay(DefaultTryTimeout) + ")"}
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return mapResponseError(op, re, nil)
	}
	var afe *azidentity.AuthenticationFailedError
	var syn *json.SyntaxError
	if errors.As(err, &afe) || credentialError(err) || errors.As(err, &syn) && !strings.Contains(err.Error(), "unmarshalling type") {
		// (azidentity returns az's unparseable output as a bare JSON error;
		// the SDK's own body errors say "unmarshalling type".)
		return signInError(op, err)
	}
	if networkError(err) {
		return &wizard.Error{Kind: wizard.ErrNetwork, Op: op, Message: Clean(firstLine(err.Error())), Hint: hintNetwork}
	}
	return &wizard.Error{Kind: wizard.ErrServer, Op: op, Message: Clean(firstLine(err.Error())),
		Hint: "Azure answered something amlaks did not expect: try again; run with --debug FILE to see the exchange"}
}

// mapResponseError maps an HTTP error answer. details are extra ARM errors
// (the compute's provisioningErrors after a failed operation); they take
// part in the classification and are returned in Details.
func mapResponseError(op string, re *azcore.ResponseError, details []wizard.OpError) *wizard.Error {
	e := &wizard.Error{Op: op, Status: re.StatusCode, Code: re.ErrorCode}
	var body []armError
	if re.RawResponse != nil {
		if b, err := runtime.Payload(re.RawResponse); err == nil && len(b) > 0 {
			var eb armErrorBody
			if json.Unmarshal(b, &eb) == nil {
				top := eb.Error
				if top == nil && (eb.Code != "" || eb.Message != "") {
					top = &armError{Code: eb.Code, Message: eb.Message}
				}
				if top != nil {
					if e.Code == "" {
						e.Code = top.Code
					}
					e.Message = top.Message
					body = append(body, top.Details...)
				}
			}
		}
	}
	if e.Message == "" {
		e.Message = httpStatusText(re.StatusCode)
	}
	e.Code, e.Message = Clean(e.Code), Clean(e.Message)
	e.Details = dedupe(e, append(flatten(body), details...))
	classify(e, re.StatusCode >= 200 && re.StatusCode < 300)
	return e
}

// failedOp maps the error of an operation that ended Failed (or Canceled)
// in Azure, with the compute's provisioning errors as details.
func failedOp(op string, err error, provisioning []wizard.OpError) error {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return mapResponseError(op, re, provisioning)
	}
	m := mapError(op, err)
	var we *wizard.Error
	if errors.As(m, &we) {
		we.Details = append(we.Details, provisioning...)
	}
	return m
}

// dedupe lists each detail once, and drops those repeating the error
// itself unless nothing else is left (a failed operation's error usually
// reappears in the compute's provisioningErrors, which Details must show).
func dedupe(e *wizard.Error, ds []wizard.OpError) []wizard.OpError {
	top := wizard.OpError{Code: e.Code, Message: e.Message}
	seen := map[wizard.OpError]bool{}
	var out, same []wizard.OpError
	for _, d := range ds {
		if seen[d] {
			continue
		}
		seen[d] = true
		if d == top {
			same = append(same, d)
			continue
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return same
	}
	return out
}

func flatten(es []armError) []wizard.OpError {
	var out []wizard.OpError
	var walk func([]armError)
	walk = func(es []armError) {
		for _, d := range es {
			if d.Code != "" || d.Message != "" {
				out = append(out, wizard.OpError{Code: Clean(d.Code), Message: Clean(d.Message)})
			}
			walk(d.Details)
		}
	}
	walk(es)
	return out
}

// flattenSDK flattens the SDK's provisioningErrors.
func flattenSDK(es []*armmachinelearning.ErrorResponse) []wizard.OpError {
	var out []wizard.OpError
	var walk func(d *armmachinelearning.ErrorDetail)
	walk = func(d *armmachinelearning.ErrorDetail) {
		if d == nil {
			return
		}
		if str(d.Code) != "" || str(d.Message) != "" {
			out = append(out, wizard.OpError{Code: str(d.Code), Message: str(d.Message)})
		}
		for _, c := range d.Details {
			walk(c)
		}
	}
	for _, e := range es {
		if e != nil {
			walk(e.Error)
		}
	}
	return out
}

var (
	reThreshold = regexp.MustCompile(`(?i)at least \d+ (cores|vcpus|machine)`)
	reVersion   = regexp.MustCompile(`(?i)kubernetes version .*not supported|version .* is not supported`)
	reQuotaWhat = regexp.MustCompile(`(?i)exceeding approved (.+?) (?:cores )?quota`)
	reLocation  = regexp.MustCompile(`(?i)location: ([a-z0-9]+)`)
	reQuotaNums = regexp.MustCompile(`(?i)current limit:\s*(\d+).*?current usage:\s*(\d+).*?additional required:\s*(\d+)`)
	reAuthz     = regexp.MustCompile(`(?i)perform action '([^']+)' over scope '([^']+)'`)
	reNamespace = regexp.MustCompile(`(?i)namespace '([^']+)'`)
	reSupported = regexp.MustCompile(`(?im)supported versions are (.+?)\.?$`)
	// AKS's quota answers (ErrCode_InsufficientVCPUQuota).
	reAKSQuota    = regexp.MustCompile(`(?i)requested (\d+), remaining (\d+) for family (\S+) for region ([a-z0-9]+)`)
	reAKSRegional = regexp.MustCompile(`(?i)quota left for location ([a-z0-9]+)\. left regional vcpu quota (\d+), requested quota (\d+)`)
)

// reHealthCode finds the code of a healthcheck report line ("ErrorCode:
// E40002").
var reHealthCode = regexp.MustCompile(`(?i)errorcode: (e\d{5})`)

// healthcheckHints are the fixes of the Azure ML extension's healthcheck
// codes (azure-ai-docs how-to-troubleshoot-kubernetes-extension.md, "Error
// Code of HealthCheck"; Azure/AML-Kubernetes docs/troubleshooting.md).
var healthcheckHints = map[string]string{
	"E40001": "the cluster cannot provision a LoadBalancer service: configure one, or use the nodeport or clusterip router",
	"E40002": "the HA inference router needs at least 3 nodes: scale the cluster to 3 nodes, or turn the HA router off (inferenceRouterHA=False)",
	"E40003": "the internal load balancer is supported on AKS only: pick another router",
	"E40007": "the certificate or key is not valid, or sslCname is not a name the certificate covers: fix the PEM files or the CNAME",
	"E45001": "an extension pod is unhealthy; an install without the settings az adds for AKS (relayserver.enabled=false, servicebus.enabled=false, " +
		"nginxIngress.enabled=true, the cluster's id, name and region) fails this way: reinstall it with amlaks or `az k8s-extension create`",
	"E45002": "another Prometheus operator is installed: install with installPromOp=false",
	"E45003": "the cluster's outbound network misses Azure ML's requirements (firewall or proxy rules)",
	"E45004": "a legacy v1 AKS compute's router (azureml-fe) is in the cluster: detach the legacy compute and remove its router, or upgrade in place",
	"E45005": "a legacy v1 AKS compute's router (azureml-fe) is in the cluster: detach the legacy compute and remove its router, or upgrade in place",
}

// extensionHint explains a failed Azure ML extension install from the
// failure's text (lower case).
func extensionHint(text string) string {
	keep := "; the cluster is kept (and keeps costing): fix the cause, then retry the extension only: `amlaks status` of the compute (or the same amlaks command) continues"
	if m := reHealthCode.FindStringSubmatch(text); m != nil {
		if h, ok := healthcheckHints[strings.ToUpper(m[1])]; ok {
			return "healthcheck " + strings.ToUpper(m[1]) + ": " + h + keep
		}
	}
	switch {
	case strings.Contains(text, "anti-affinity") || strings.Contains(text, "at least 3 nodes"):
		return "the HA inference router needs at least 3 nodes: scale the cluster to 3 nodes, or turn the HA router off (inferenceRouterHA=False)" + keep
	case strings.Contains(text, "service principal"):
		return "the Azure ML extension needs a cluster with a managed identity: `az aks update --enable-managed-identity -n CLUSTER -g RG`" + keep
	case strings.Contains(text, "allowinsecureconnections") || strings.Contains(text, "ssl"):
		return "give a TLS certificate, key and CNAME, or allow insecure (HTTP) connections explicitly" + keep
	case strings.Contains(text, "power state") || strings.Contains(text, "unable to reach"):
		return "the cluster is stopped or unreachable: start it (`az aks start`)" + keep
	case strings.Contains(text, "pod healthcheck failed"):
		return "the extension's pre-install healthcheck failed: its report is in the cluster (`kubectl describe configmap -n azureml arcml-healthcheck`, " +
			"or `az aks command invoke` on a private cluster)" + keep
	case strings.Contains(text, "polic"):
		return "an Azure Policy or admission policy blocked the extension's resources: ask for an exemption for the azureml namespace" + keep
	}
	return "the Azure ML extension failed to install (general help: https://aka.ms/k8s-extensions-TSG, Azure ML: https://aka.ms/arcmltsg)" + keep
}

// classify sets Kind and Hint from the code, the status and the text of the
// error and its details. lro marks the body of a failed operation (HTTP 2xx
// with a Failed status), whose generic failures are ErrFailed.
func classify(e *wizard.Error, lro bool) {
	codes := []string{strings.ToLower(e.Code)}
	text := strings.ToLower(e.Message)
	for _, d := range e.Details {
		codes = append(codes, strings.ToLower(d.Code))
		text += "\n" + strings.ToLower(d.Message)
	}
	hasCode := func(cs ...string) bool {
		for _, c := range codes {
			for _, w := range cs {
				if c == strings.ToLower(w) {
					return true
				}
			}
		}
		return false
	}
	all := e.Message
	for _, d := range e.Details {
		all += "\n" + d.Message
	}
	switch {
	case hasCode("MissingSubscriptionRegistration", "MissingRegistrationForResourceProvider", "SubscriptionNotRegistered", "Subscription Not Registered"):
		e.Kind = wizard.ErrNotRegistered
		ns := "Microsoft.MachineLearningServices"
		if m := reNamespace.FindStringSubmatch(all); m != nil {
			ns = m[1]
		}
		e.Hint = "the subscription is not registered for " + ns + ": let amlaks register it (it offers to), or run `az provider register -n " + ns +
			"`; registration takes a few minutes, then try again"
	case hasCode("DemoStateNotSaved"):
		// the simulator of --demo could not write its state file: not
		// retried (the disk does not empty itself), the change not made
		e.Kind = wizard.ErrBadRequest
		e.Hint = "the demo keeps its state in a file it could not write (a full disk?): free some space, " +
			"or set AMLAKS_DEMO_STATE to a file elsewhere, then run the command again"
	case hasCode("RequestDisallowedByPolicy") || strings.Contains(text, "disallowed by policy"):
		e.Kind = wizard.ErrPolicy
		e.Hint = "an Azure Policy forbids this (often: public IP addresses): use an internal load balancer with a subnet, " +
			"or create the cluster in AKS with a user-defined route for egress and attach it"
	case hasCode("AuthorizationFailed", "LinkedAuthorizationFailed") || e.Status == 403:
		e.Kind = wizard.ErrForbidden
		h := "you lack a permission"
		if m := reAuthz.FindStringSubmatch(all); m != nil {
			h = "you may not perform " + m[1] + " on " + m[2]
		}
		e.Hint = h + ": ask for Contributor (or Owner) on that scope. Attaching needs Owner or Contributor on the cluster's resource group " +
			"and the Azure Kubernetes Service Cluster Admin Role on the cluster; if access was just granted, run `az login` again"
	case hasCode("InvalidAuthenticationToken", "ExpiredAuthenticationToken", "InvalidAuthenticationTokenTenant", "AuthenticationFailed") || e.Status == 401:
		e.Kind = wizard.ErrNoCredential
		e.Hint = hintNoCredential
	case hasCode("ErrCode_InsufficientVCPUQuota", "InsufficientVCPUQuota"):
		e.Kind = wizard.ErrQuota
		h := "not enough vCPU quota for the cluster's nodes"
		flat := strings.ReplaceAll(all, "\n", " ")
		if m := reAKSQuota.FindStringSubmatch(flat); m != nil {
			h = fmt.Sprintf("the %s quota in %s has %s vCPUs left and the nodes need %s", m[3], m[4], m[2], m[1])
		} else if m := reAKSRegional.FindStringSubmatch(flat); m != nil {
			h = fmt.Sprintf("the regional vCPU quota in %s has %s vCPUs left and the nodes need %s", m[1], m[2], m[3])
		}
		e.Hint = h + ": request a quota increase, pick another region, a smaller size or fewer nodes"
	case hasCode("ExtensionOperationFailed"):
		e.Kind = wizard.ErrFailed
		e.Hint = extensionHint(text)
	case hasCode("OutboundConnFailVMExtensionError"):
		e.Kind = wizard.ErrFailed
		e.Hint = "the cluster's nodes could not reach the internet (egress blocked by a firewall, route or NSG): allow AKS's required outbound traffic " +
			"(https://aka.ms/aks-required-ports-and-addresses), then delete the failed cluster and create it again"
	case hasCode("MustDefineAtLeastOneSystemPool"):
		e.Kind = wizard.ErrBadRequest
		e.Hint = "AKS needs one node pool with mode System: this is a bug in the request, please report it"
	case strings.Contains(text, "azure machine learning extension") && (strings.Contains(text, "not installed") || strings.Contains(text, "provisioningstate") || strings.Contains(text, "being installed")):
		e.Kind = wizard.ErrFailed
		if !lro {
			e.Kind = wizard.ErrBadRequest
		}
		e.Hint = "a Kubernetes compute needs the Azure ML extension installed and healthy on the cluster: install or reinstall it " +
			"(amlaks attach --install-extension), wait for it to succeed, then detach the failed compute (`amlaks detach NAME`) and attach again"
	case hasCode("OperationNotAllowed") && strings.Contains(text, "in progress"):
		e.Kind = wizard.ErrConflict
		e.Hint = "another operation is running on the cluster: wait for it to finish (amlaks status) and try again"
	case hasCode("BadRequest") && strings.Contains(text, "vm size of") && strings.Contains(text, "not allowed"):
		e.Kind = wizard.ErrBadRequest
		e.Hint = "the VM size is not available for this subscription in this region: pick another size or region"
	case hasCode("QuotaExceeded", "OperationNotAllowed") && strings.Contains(text, "quota"),
		hasCode("QuotaExceeded"),
		strings.Contains(text, "exceeding approved"), strings.Contains(text, "exceeding quota"),
		// AKS's QuotaExceeded wrapped by AML in BadArgument → InvalidTemplateDeployment
		strings.Contains(text, "'quotaexceeded'"), strings.Contains(text, `"code": "quotaexceeded"`):
		e.Kind = wizard.ErrQuota
		h := "not enough vCPU quota"
		flat := strings.ReplaceAll(all, "\n", " ")
		if m := reQuotaNums.FindStringSubmatch(flat); m != nil {
			what := "the quota"
			if w := reQuotaWhat.FindStringSubmatch(flat); w != nil {
				what = "the " + w[1] + " quota"
			}
			if l := reLocation.FindStringSubmatch(flat); l != nil {
				what += " in " + l[1]
			}
			h = fmt.Sprintf("%s allows %s vCPUs, %s are in use and %s more are needed", what, m[1], m[2], m[3])
		}
		e.Hint = h + ": request a quota increase, pick another region or a smaller size, or use dev-test"
	case reThreshold.MatchString(text):
		e.Kind = wizard.ErrThreshold
		e.Hint = "a production cluster needs at least 12 vCPUs in total and 3 nodes: add nodes, pick a bigger VM size, or use dev-test"
	case hasCode("K8sVersionNotSupported", "AgentPoolK8sVersionNotSupported", "UnsupportedAliasMinorVersion") || reVersion.MatchString(text):
		e.Kind = wizard.ErrVersion
		h := "the cluster's Kubernetes version is not supported"
		if m := reSupported.FindStringSubmatch(all); m != nil {
			h += " (supported versions are " + strings.TrimSpace(m[1]) + ")"
		}
		if hasCode("K8sVersionNotSupported") {
			e.Hint = "AKS does not offer this Kubernetes version in the region: pick one of `amlaks versions -l REGION`"
		} else {
			e.Hint = h + ": upgrade the cluster; list the region's versions with `amlaks versions -l REGION`"
		}
	case hasCode("SkuNotAvailable"):
		e.Kind = wizard.ErrBadRequest
		if lro {
			e.Kind = wizard.ErrFailed
		}
		e.Hint = "the VM size is not available for this subscription in this region: pick another size or region"
	case e.Status == 404 || hasCode("NotFound", "ResourceNotFound", "ResourceGroupNotFound", "WorkspaceNotFound", "SubscriptionNotFound", "ParentResourceNotFound"):
		e.Kind = wizard.ErrNotFound
		e.Hint = "it does not exist (or you cannot see it): check the name, resource group and subscription"
	case e.Status == 409 || hasCode("Conflict", "AlreadyExists", "ComputeAlreadyExists") || strings.Contains(text, "already exists") || strings.Contains(text, "reason: alreadyexists"):
		e.Kind = wizard.ErrConflict
		e.Hint = "the name is used in this workspace or by another compute in the region; pick another name"
	case e.Status == 429 || hasCode("TooManyRequests"):
		e.Kind = wizard.ErrThrottled
		e.Hint = "Azure is throttling requests: wait a minute and try again"
	case lro:
		e.Kind = wizard.ErrFailed
		e.Hint = "the operation failed in Azure: the error above says why; the failed compute keeps its name in the workspace, so detach it (`amlaks detach NAME`) before trying again"
		for _, d := range e.Details {
			if d.Code != e.Code || d.Message != e.Message {
				e.Hint = "the operation failed in Azure; the errors below say why; the failed compute keeps its name in the workspace, so detach it (`amlaks detach NAME`) before trying again"
				break
			}
		}
	case e.Status >= 500:
		e.Kind = wizard.ErrServer
		e.Hint = "Azure had a problem (HTTP " + fmt.Sprint(e.Status) + "): try again in a few minutes"
	case e.Status >= 400 && hasCode("InvalidParameter") && strings.Contains(text, "aks-naming-rules"):
		e.Kind = wizard.ErrBadRequest
		e.Hint = "AKS rejected a name: fix the field named in the message (rules: https://aka.ms/aks-naming-rules)"
	case e.Status >= 400:
		e.Kind = wizard.ErrBadRequest
		e.Hint = "Azure rejected the request: check the values shown in the message"
	default:
		e.Kind = wizard.ErrFailed
		e.Hint = "the operation failed in Azure"
	}
}

// Sign-in causes, each with its own hint (issue 12: a hung az, garbage
// output and a missing az must not all read "run az login").
const (
	hintSignInTimeout = "az did not answer in time: run `az account get-access-token` in a shell to see why " +
		"(a proxy, a pending MFA prompt, a slow network), then try again"
	hintNoAz = "the Azure CLI (az) is not installed or not on PATH: install it (https://aka.ms/azcli) and run `az login`, " +
		"or set the AZURE_* environment variables, or try --demo"
	hintSignInGarbage = "az printed something that is not a token: run `az account get-access-token` to see it " +
		"(an old az or a wrapper writing to stdout), update az, then try again"
)

// maxSignInText caps the message kept from a sign-in error (az may print
// megabytes).
const maxSignInText = 300

// signInError maps a credential error, keeping its cause: timeout, az not
// installed, unparseable answer, or not signed in. The message is the line
// that names the cause (a credential chain lists one line per credential).
func signInError(op string, err error) *wizard.Error {
	full := err.Error()
	if len(full) > 64<<10 {
		full = full[:64<<10] // az may print megabytes; the cause is near the start
	}
	line := firstLine(full)
	pick := func(words ...string) (string, bool) {
		for _, l := range strings.Split(full, "\n") {
			ll := strings.ToLower(l)
			for _, w := range words {
				if strings.Contains(ll, w) {
					return strings.TrimSpace(l), true
				}
			}
		}
		return "", false
	}
	e := &wizard.Error{Kind: wizard.ErrNoCredential, Op: op, Hint: hintNoCredential}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn) || errors.As(err, &typ):
		e.Message, e.Hint = "the sign-in answer is not a token: "+line, hintSignInGarbage
	default:
		if l, ok := pick("executable not found", "is not recognized", "az: not found", "command not found"); ok {
			e.Message, e.Hint = l, hintNoAz
		} else if l, ok := pick("did not answer", "deadline exceeded", "signal: killed", "timed out", "timeout"); ok {
			e.Message, e.Hint = l, hintSignInTimeout
		} else if l, ok := pick("invalid character", "error parsing token", "unexpected end of json", "cannot unmarshal"); ok {
			e.Message, e.Hint = l, hintSignInGarbage
		} else if l, ok := pick("az login", "aadsts", "azureclicredential"); ok {
			e.Message = l
		} else {
			e.Message = line
		}
	}
	e.Message = Clean(e.Message)
	if len(e.Message) > maxSignInText {
		e.Message = e.Message[:maxSignInText] + "…"
	}
	return e
}

const (
	hintNoCredential = "not signed in to Azure: run `az login` (or set the AZURE_* environment variables), or try --demo"
	hintNetwork      = "cannot reach Azure: check the network connection, proxy (HTTPS_PROXY) and firewall, then try again"
)

// credentialError recognises azidentity's "credential unavailable" errors,
// whose type is unexported, and the bearer-token policy's refusal.
func credentialError(err error) bool {
	s := err.Error()
	for _, w := range []string{"DefaultAzureCredential", "AzureCLICredential", "credential unavailable",
		"failed to acquire a token", "ManagedIdentityCredential", "EnvironmentCredential", "az login"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func networkError(err error) bool {
	var ne net.Error
	var ue *url.Error
	var oe *net.OpError
	if errors.As(err, &ne) || errors.As(err, &ue) || errors.As(err, &oe) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	s := strings.ToLower(err.Error())
	for _, w := range []string{"connection reset", "connection refused", "no such host", "broken pipe", "tls:", "x509:", "eof"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

func httpStatusText(code int) string {
	switch {
	case code == 0:
		return "no answer"
	case code >= 500:
		return fmt.Sprintf("server error (HTTP %d)", code)
	default:
		return fmt.Sprintf("HTTP %d", code)
	}
}
