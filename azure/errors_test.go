package azure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/amlaks/amlaks/wizard"
)

func respErr(status int, code, body string) *azcore.ResponseError {
	h := http.Header{"Content-Type": {"application/json"}}
	return &azcore.ResponseError{ErrorCode: code, StatusCode: status, RawResponse: &http.Response{
		StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body)),
		Request: &http.Request{Method: "PUT"},
	}}
}

func armBody(code, msg string) string {
	return fmt.Sprintf(`{"error":{"code":%q,"message":%q}}`, code, msg)
}

func TestMapError(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		kind   error
		code   string
		inHint []string
	}{
		{"not found", respErr(404, "ResourceNotFound", armBody("ResourceNotFound", "The Resource 'x' was not found.")), wizard.ErrNotFound, "ResourceNotFound", nil},
		{"compute 404 code only", respErr(404, "", armBody("NotFound", "Compute aks-9 not found")), wizard.ErrNotFound, "NotFound", nil},
		{"conflict", respErr(409, "Conflict", armBody("Conflict", "Compute with this name already exists.")), wizard.ErrConflict, "Conflict",
			[]string{"pick another name"}},
		{"already exists 400", respErr(400, "BadRequest", armBody("BadRequest", "Compute name 'aks-1' is not available. Reason: AlreadyExists")), wizard.ErrConflict, "BadRequest", nil},
		{"quota", respErr(400, "QuotaExceeded", armBody("QuotaExceeded", "Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: eastus, Current Limit: 10, Current Usage: 8, Additional Required: 12, (Minimum) New Limit Required: 20.")),
			wizard.ErrQuota, "QuotaExceeded", []string{"allows 10 vCPUs, 8 are in use and 12 more", "quota increase", "another region", "smaller size", "dev-test"}},
		// the real shape of an AML create that hit the quota: AKS's QuotaExceeded
		// inside the template deployment AML runs, under BadArgument, all in one
		// message (microsoft/computervision-recipes#499)
		{"quota wrapped in BadArgument", respErr(200, "BadArgument", `{"status":"Failed","error":{"code":"BadArgument","message":`+fmt.Sprintf("%q", wrappedQuota)+`}}`),
			wizard.ErrQuota, "BadArgument", []string{"the Total Regional quota in eastus2 allows 4 vCPUs, 0 are in use and 12 more are needed", "quota increase"}},
		{"quota wrapped without figures", respErr(400, "BadArgument", armBody("BadArgument", "InvalidTemplateDeployment: Details: Error code: 'QuotaExceeded'. Target: ''. Message: 'Provisioning failed.'")),
			wizard.ErrQuota, "BadArgument", []string{"not enough vCPU quota", "quota increase"}},
		{"threshold cores", respErr(400, "BadArgument", armBody("BadArgument", "Cluster should have at least 12 cores to operate")), wizard.ErrThreshold, "BadArgument", []string{"12 vCPUs", "dev-test"}},
		{"threshold machines", respErr(400, "BadArgument", armBody("BadArgument", "At least 3 machine(s) are required for cluster with purpose 'FastProd'. Available machine(s) : 2")), wizard.ErrThreshold, "", nil},
		{"version", respErr(400, "BadRequest", `{"error":{"code":"BadRequest","message":"The request is invalid","details":[{"code":"BadRequestFormat","message":"Specified kubernetes version 1.24.9 is not supported. Supported versions are between 1.29 - 1.32."}]}}`),
			wizard.ErrVersion, "BadRequest", []string{"amlaks versions -l", "1.29 - 1.32"}},
		{"policy", respErr(403, "RequestDisallowedByPolicy", armBody("RequestDisallowedByPolicy", "Resource 'kubernetes' was disallowed by policy. Policy identifiers: 'Public IP creation is not allowed'")),
			wizard.ErrPolicy, "RequestDisallowedByPolicy", []string{"internal load balancer", "user-defined route"}},
		{"authz", respErr(403, "AuthorizationFailed", armBody("AuthorizationFailed", "The client 'ada@contoso.example' with object id '1' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action' over scope '/subscriptions/s/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-shared' or the scope is invalid.")),
			wizard.ErrForbidden, "AuthorizationFailed", []string{"listClusterAdminCredential", "/resourceGroups/rg-aks/", "Owner or Contributor", "Azure Kubernetes Service Cluster Admin Role"}},
		{"401", respErr(401, "InvalidAuthenticationToken", armBody("InvalidAuthenticationToken", "The access token is invalid.")), wizard.ErrNoCredential, "", []string{"az login", "--demo"}},
		{"registration", respErr(409, "MissingSubscriptionRegistration", armBody("MissingSubscriptionRegistration", "The subscription is not registered to use namespace 'Microsoft.MachineLearningServices'.")),
			wizard.ErrNotRegistered, "", []string{"az provider register -n Microsoft.MachineLearningServices"}},
		{"aks family quota", respErr(400, "ErrCode_InsufficientVCPUQuota", armBody("ErrCode_InsufficientVCPUQuota", "Insufficient vcpu quota requested 12, remaining 4 for family standardDSv5Family for region eastus.")),
			wizard.ErrQuota, "ErrCode_InsufficientVCPUQuota", []string{"standardDSv5Family quota in eastus has 4 vCPUs left and the nodes need 12", "quota increase"}},
		{"aks regional quota", respErr(400, "ErrCode_InsufficientVCPUQuota", armBody("ErrCode_InsufficientVCPUQuota", "Insufficient regional vcpu quota left for location westus2. left regional vcpu quota 0, requested quota 2.")),
			wizard.ErrQuota, "", []string{"regional vCPU quota in westus2 has 0 vCPUs left and the nodes need 2"}},
		{"aks version", respErr(400, "K8sVersionNotSupported", armBody("K8sVersionNotSupported", "Version 1.24.10 is not supported in this region.")),
			wizard.ErrVersion, "", []string{"pick one of `amlaks versions -l REGION`"}},
		{"aks busy", respErr(409, "OperationNotAllowed", armBody("OperationNotAllowed", "Operation is not allowed because there's an in progress create operation on managed cluster 'c'.")),
			wizard.ErrConflict, "", []string{"wait for it to finish"}},
		{"extension SP", respErr(200, "ExtensionOperationFailed", armBody("ExtensionOperationFailed", "The extension operation failed: clusters using a service principal are not supported")),
			wizard.ErrFailed, "", []string{"--enable-managed-identity", "retry the extension only"}},
		{"extension TLS", respErr(200, "ExtensionOperationFailed", armBody("ExtensionOperationFailed", "Provide ssl certificate and key. Otherwise explicitly allow insecure connection by specifying '--configuration-settings allowInsecureConnections=true'")),
			wizard.ErrFailed, "", []string{"allow insecure (HTTP) connections explicitly"}},
		{"extension stopped", respErr(200, "ExtensionOperationFailed", armBody("ExtensionOperationFailed", "Unable to reach the cluster 'c': its power state is Stopped.")),
			wizard.ErrFailed, "", []string{"az aks start"}},
		{"extension registration", respErr(409, "MissingSubscriptionRegistration", armBody("MissingSubscriptionRegistration", "The subscription is not registered to use namespace 'Microsoft.KubernetesConfiguration'. See https://aka.ms/rps-not-found for how to register subscriptions.")),
			wizard.ErrNotRegistered, "", []string{"let amlaks register it", "az provider register -n Microsoft.KubernetesConfiguration"}},
		{"429", respErr(429, "TooManyRequests", armBody("TooManyRequests", "slow down")), wizard.ErrThrottled, "", nil},
		{"503", respErr(503, "", "upstream unavailable"), wizard.ErrServer, "", nil},
		{"400", respErr(400, "InvalidRequestContent", armBody("InvalidRequestContent", "bad json")), wizard.ErrBadRequest, "", nil},
		{"lro failed generic", respErr(200, "InternalServerError", `{"status":"Failed","error":{"code":"InternalServerError","message":"An internal server error occurred."}}`), wizard.ErrFailed, "InternalServerError", nil},
		{"lro failed quota", respErr(200, "QuotaExceeded", `{"status":"Failed","error":{"code":"QuotaExceeded","message":"Operation results in exceeding quota limits of Core. Maximum allowed: 10, Current in use: 8, Additional requested: 12."}}`), wizard.ErrQuota, "", nil},
		{"credential unavailable", fmt.Errorf("wrapped: %w", azidentity.NewCredentialUnavailableError("AzureCLICredential: Azure CLI not found on path")), wizard.ErrNoCredential, "", []string{"az login"}},
		{"auth failed", &azidentity.AuthenticationFailedError{}, wizard.ErrNoCredential, "", nil},
		{"dial", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, wizard.ErrNetwork, "", []string{"network"}},
		{"eof", fmt.Errorf("Get \"https://x\": %w", io.ErrUnexpectedEOF), wizard.ErrNetwork, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := mapError("create compute aks-1", c.err)
			if !errors.Is(err, c.kind) {
				t.Fatalf("kind: got %v, want %v", err, c.kind)
			}
			var we *wizard.Error
			if !errors.As(err, &we) {
				t.Fatalf("not a *wizard.Error: %T", err)
			}
			if we.Op != "create compute aks-1" || we.Hint == "" || we.Message == "" {
				t.Errorf("incomplete: %+v", we)
			}
			if c.code != "" && we.Code != c.code {
				t.Errorf("code %q, want %q", we.Code, c.code)
			}
			for _, w := range c.inHint {
				if !strings.Contains(we.Hint, w) {
					t.Errorf("hint %q lacks %q", we.Hint, w)
				}
			}
		})
	}
}

func TestMapErrorPassThrough(t *testing.T) {
	if mapError("x", nil) != nil {
		t.Error("nil")
	}
	err := mapError("list", context.Canceled)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancel lost: %v", err)
	}
	we := &wizard.Error{Kind: wizard.ErrConflict}
	if got := mapError("x", fmt.Errorf("w: %w", we)); !errors.Is(got, wizard.ErrConflict) {
		t.Errorf("already mapped: %v", got)
	}
}

func TestFailedOpDetails(t *testing.T) {
	lroErr := respErr(200, "BadRequest", `{"status":"Failed","error":{"code":"BadRequest","message":"The request is invalid"}}`)
	details := []wizard.OpError{{Code: "BadRequestFormat", Message: "Specified kubernetes version 1.24.9 is not supported. Supported versions are between 1.29 - 1.32."}}
	err := failedOp("attach compute aks-1", lroErr, details)
	if !errors.Is(err, wizard.ErrVersion) {
		t.Fatalf("kind from provisioning errors: %v", err)
	}
	var we *wizard.Error
	errors.As(err, &we)
	if len(we.Details) != 1 || we.Details[0].Code != "BadRequestFormat" {
		t.Errorf("details %+v", we.Details)
	}
}

func TestRedact(t *testing.T) {
	in := `Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.sig {"key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----","accessToken":"abc"}`
	out := redact(in)
	for _, bad := range []string{"eyJhbGciOi", "MIIE", `"abc"`} {
		if strings.Contains(out, bad) {
			t.Errorf("%q survived: %s", bad, out)
		}
	}
}

// wrappedQuota is the provisioning error of microsoft/computervision-recipes#499
// (request IDs kept, the support link shortened).
const wrappedQuota = "InvalidTemplateDeployment: Details: RequestId: 9618e9b6-5a5e-4b84-92c0-2b7b69144777\n" +
	"Error code: 'InvalidTemplateDeployment'. Target: ''. Message: 'The template deployment 'caae618f-2c9f-4619-b088-48ba57333c1f' is not valid according to the validation procedure. " +
	"The tracking id is '9618e9b6-5a5e-4b84-92c0-2b7b69144777'. See inner errors for details.'\n" +
	"    Error code: 'QuotaExceeded'. Target: ''. Message: 'Provisioning of resource(s) for container service imgclass-aks-cpu9fe63651 in resource group docs-aml failed. Message: {\n" +
	"      \"code\": \"QuotaExceeded\",\n" +
	"      \"message\": \"Provisioning of resource(s) for container service imgclass-aks-cpu9fe63651 in resource group docs-aml failed. Message: Operation could not be completed as it results in exceeding approved Total Regional Cores quota. " +
	"Additional details - Deployment Model: Resource Manager, Location: eastus2, Current Limit: 4, Current Usage: 0, Additional Required: 12, (Minimum) New Limit Required: 12. Submit a request for Quota increase at https://aka.ms/ProdportalCRP\"\n    }'"

// TestExtensionHintByHealthcheckCode: a failed install's hint comes from
// the healthcheck code of its report, not from the policy words every
// Helm failure carries.
func TestExtensionHintByHealthcheckCode(t *testing.T) {
	helm := "helm installation failed : unable to create/update kubernetes resources for the extension : recommendation please check that there are no policies blocking " +
		"the resource creation/update for the extension. innererror [release azureml failed, and has been uninstalled due to atomic being set: failed pre-install: pod healthcheck failed]"
	for text, want := range map[string]string{
		helm + " (status: failed name: service errorcode: e45001 errormessage: agent_unhealthy)": "healthcheck E45001: an extension pod is unhealthy",
		helm + " (status: failed name: service errorcode: e40007 errormessage: x)":               "healthcheck E40007: the certificate or key is not valid",
		helm: "the extension's pre-install healthcheck failed: its report is in the cluster",
		"admission webhook denied the request: policy": "an Azure Policy or admission policy blocked",
	} {
		if got := extensionHint(text); !strings.HasPrefix(got, want) {
			t.Errorf("extensionHint(%q) = %q, want %q…", text, got, want)
		}
	}
}
