// Package sim is a wire-level simulator of the Azure Resource Manager calls
// amlaks makes: an http.Handler speaking the real REST paths and
// JSON shapes, with paging, long-running operations, state persisted to a
// JSON file, realistic fixtures, and latency/fault injection. It knows only
// HTTP and JSON: it imports the standard library only.
//
// # Serving
//
// Handler is an http.Handler: mount it on an httptest server (TLS or
// not), or give NewTransport(h) to the Azure SDK clients as their
// policy.Transporter (no socket; https URLs such as
// https://management.azure.com/... are served as if over TLS). Links the
// simulator hands out (nextLink, Azure-AsyncOperation, Location) are
// absolute and use the scheme and host of the request. Every answer about
// a running operation (its 201 or 202, its status while InProgress, its
// Location's 202) carries a Retry-After of 1 s of simulated time, scaled
// by the speed (whole seconds, at least 1; below a second also the exact
// wait in retry-after-ms). Modelled: ARM's contract says such answers
// carry one; the value is each resource provider's own.
//
// Paths match case-insensitively; every request needs an api-version
// query parameter (any value; 400 MissingApiVersionParameter otherwise).
// Answers are JSON; errors use the ARM shape {"error":{"code","message"}}
// with an x-ms-error-code header. Route keys (for faults) in brackets:
//
//	GET    /subscriptions                                                  [subscriptions]
//	GET    /subscriptions/{sub}                                            [subscription]
//	GET    /subscriptions/{sub}/locations                                  [locations]
//	GET    /subscriptions/{sub}/providers/Microsoft.MachineLearningServices/workspaces  (paged) [workspaces]
//	GET    /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces (paged) [workspaces]
//	GET    .../workspaces/{ws}                                             [workspace]
//	GET    .../workspaces/{ws}/computes                         (paged)    [computes]
//	GET    .../workspaces/{ws}/computes/{name}                             [compute]
//	PUT    .../workspaces/{ws}/computes/{name}    create or attach, 201 + Azure-AsyncOperation [compute]
//	DELETE .../workspaces/{ws}/computes/{name}?underlyingResourceAction=Delete|Detach, 202/204 [compute]
//	GET    /subscriptions/{sub}/providers/Microsoft.MachineLearningServices/locations/{loc}/vmSizes [vmsizes]
//	GET    /subscriptions/{sub}/providers/Microsoft.MachineLearningServices/locations/{loc}/computeOperationsStatus/{id} [operations]
//	GET    /subscriptions/{sub}/providers/Microsoft.MachineLearningServices/locations/{loc}/computeOperationsResults/{id} [operations]
//	GET    /subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{loc}/kubernetesVersions [versions]
//	GET    /subscriptions/{sub}/providers/Microsoft.ContainerService/managedClusters (paged) [clusters]
//	GET    /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters (paged) [clusters]
//	GET    /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name} [cluster]
//	GET    /subscriptions/{sub}/providers/Microsoft.Compute/skus?$filter=location eq '{loc}' (paged) [skus]
//	GET    /subscriptions/{sub}/providers/Microsoft.Compute/locations/{loc}/usages (paged) [usages]
//
// The current path:
//
//	PUT    .../managedClusters/{name}         create, 201 + Azure-AsyncOperation (200: exists already) [cluster]
//	DELETE .../managedClusters/{name}         202 + Azure-AsyncOperation + Location, 204 if absent [cluster]
//	GET    /subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{loc}/operations/{id} [operations]
//	GET    /subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{loc}/operationresults/{id} [operations]
//	GET    {cluster}/providers/Microsoft.KubernetesConfiguration/extensions (paged) [extensions]
//	GET    {cluster}/providers/Microsoft.KubernetesConfiguration/extensions/{name} [extension]
//	PUT    {cluster}/providers/Microsoft.KubernetesConfiguration/extensions/{name}  201 + Azure-AsyncOperation [extension]
//	DELETE {cluster}/providers/Microsoft.KubernetesConfiguration/extensions/{name}  202 + Azure-AsyncOperation [extension]
//	GET    /api/retail/prices?$filter=... the Azure Retail Prices API (prices.azure.com, no sign-in) for the AKS
//	       Standard and Premium tiers ($0.10 and $0.60 per cluster hour; meters modelled) [prices]
//	GET    {cluster}/providers/Microsoft.KubernetesConfiguration/extensions/{name}/operations/{id} [operations]
//	GET    /subscriptions/{sub}/providers/{namespace}                     registrationState [providers]
//	POST   /subscriptions/{sub}/providers/{namespace}/register            Registering, Registered 5 s later [providers]
//
// A managedClusters PUT is checked as AKS does, synchronously (400): the
// name (1–63 letters, digits, '-', '_'), dnsPrefix (1–54), at least one
// agent pool with mode System (MustDefineAtLeastOneSystemPool), pool names
// (1–12 lower-case letters and digits), a Kubernetes version the region
// offers ("", "1.36" or "1.36.7"; K8sVersionNotSupported), a VM size that
// exists, is offered and not restricted here, with ≥ 2 vCPUs and 4 GiB, the
// standard load balancer only, a managed identity or a service principal,
// valid authorized IP ranges (not with a private cluster), then the family
// and regional vCPU quota (ErrCode_InsufficientVCPUQuota). The cluster is
// listed at once (Creating) and its vCPUs count in usages; a delete gives
// them back. Without a registration of Microsoft.ContainerService (or
// Microsoft.KubernetesConfiguration for extensions) calls answer 409
// MissingSubscriptionRegistration.
//
// An extension PUT starts the install; what the Helm install would meet on
// the cluster ends it Failed with ExtensionOperationFailed: a stopped or
// not-yet-succeeded cluster, a cluster on a service principal, neither
// inference nor training enabled, an unknown inferenceRouterServiceType,
// no TLS without allowInsecureConnections=True, scoringFe.sslCert/sslKey
// that are not base64 PEM; and, as the chart's pre-install healthcheck
// with its code in the message (Azure's message stops at "pod healthcheck
// failed", the report lives in the cluster): the HA router on fewer than 3
// nodes (E40002), a certificate that does not cover sslCname (E40007), a
// raw install without the keys az adds for AKS (relayserver.enabled=false,
// servicebus.enabled=false, nginxIngress.enabled=true, the cluster's id
// and region; E45001, modelled on hashicorp/terraform-provider-azurerm#24547).
// configurationProtectedSettings are never stored nor returned (always {}).
// One extension per type per cluster (409 otherwise); a PUT over a failed
// one reinstalls it.
//
// A Kubernetes compute PUT (computeType Kubernetes, resourceId,
// properties.namespace, identity) is accepted; the attach then fails
// (BadRequest / BadArgument) when the cluster is stopped or has no Azure ML
// extension, or one that is not Succeeded. The wording of that failure is
// modelled: the exact Azure message was not found in public sources.
//
// An extension PATCH merges the settings given into the extension's
// (protected settings, when given, replace all of the earlier ones) and
// runs the same checks as an install (202, Updating, then Succeeded or
// Failed).
//
// Trusted Access role bindings (managedClusters/{c}/trustedAccessRoleBindings):
// PUT 201 (200 for an existing name) with an Azure-AsyncOperation on the
// ContainerService operations, GET, list, DELETE 202 (204 when absent);
// the name is 1–24 letters, digits and '-'; the roles must be those of the
// source's resource type (mlworkload for an Azure ML workspace, which must
// exist); at most 8 per cluster, the 9th refused with
// TrustedAccessRoleBindingLimitExceeded naming the others (code and text
// modelled: Azure's are not in public sources). A Kubernetes attach of a
// cluster with local accounts disabled fails (ClusterUnauthorized,
// modelled) unless the workspace has the mlworkload binding on it; in the
// simulator a binding works at once (Azure applies it within minutes).
//
// Fixtures: aks-ml-ready (extension healthy), aks-ml-plain (none),
// aks-ml-failed (extension Failed), aks-ml-sp (service principal),
// aks-ml-nolocal (local accounts disabled), aks-ml-full (local accounts
// disabled, 8 bindings of other services and workspaces), aks-ml-training
// (extension azureml-training for training only) in rg-aks-ml; mlw-secure
// (westeurope) has a private endpoint; the sandbox subscription has not
// registered Microsoft.KubernetesConfiguration (nor Microsoft.Kubernetes,
// Microsoft.Relay).
//
// Serving (kube.go, kubectl.go, runcommand.go, endpoints.go):
//
//	POST   {cluster}/runCommand                202 + Location (body: command, context = base64 zip, clusterToken) [runcommand]
//	GET    {cluster}/commandResults/{id}       202 while the pod runs, then the RunCommandResult [runcommand]
//	GET    .../workspaces/{ws}/onlineEndpoints (paged) [endpoints]
//	GET|PUT|DELETE .../workspaces/{ws}/onlineEndpoints/{ep}  PUT 201 + Azure-AsyncOperation, DELETE 202 + Location [endpoint]
//	POST   .../onlineEndpoints/{ep}/listKeys [endpoint]
//	GET    .../onlineEndpoints/{ep}/deployments (paged) [deployments]
//	GET|PUT|DELETE .../onlineEndpoints/{ep}/deployments/{d} [deployment]
//	GET|PUT .../workspaces/{ws}/environments/{name}/versions/{v} (synchronous) [environment]
//	GET    /subscriptions/{sub}/providers/Microsoft.MachineLearningServices/locations/{loc}/mfeOperationsStatus|mfeOperationResults/{id} [operations]
//	POST   {scoring base}/api/v1/endpoint/{ep}/score  (ServeScoring; Options.ScoringURL, else a loopback server)
//
// The run command runs a subset of kubectl (get, create, apply, delete,
// annotate, describe; -n, -A, -l, -f from the context, -o
// json|yaml|name|jsonpath; statements joined with ';', '&&' and newlines)
// over a model of the cluster: nodes from the pools (allocatable by AKS's
// reservation rules, pool labels, GPUs and taints), namespaces, the
// InstanceType CRD only while a healthy extension is installed, the
// arcml-healthcheck configmap, the legacy azureml-fe on clusters attached
// as AKS computes. kubectl's texts and exit codes are kubectl's; the
// refusals of the run command itself (disabled, stopped cluster) and the
// unschedulable pod's reason are modelled. An online endpoint on a legacy
// AKS compute is refused with Azure's NotSupported text; a deployment
// fails as the cluster decides (namespace missing, instance type missing
// or larger than every node, extension unhealthy); the scoring server
// needs the endpoint key as a bearer token. Readiness fixtures (rg-aks-ml,
// southcentralus): aks-ml-norun (disableRunCommand), aks-ml-onenode (one
// full node: the command pod cannot be scheduled), aks-ml-gpu (a tainted
// GPU pool, AKS-managed Entra: the run command needs clusterToken),
// aks-ml-unhealthy (extension Succeeded, healthcheck E45006).
//
// Lists come in pages with an absolute nextLink carrying $skiptoken.
//
// # Operations
//
// A create, attach, detach or delete runs by the clock (Options.Now) from
// its start, which is persisted, so another process sees the same
// progress: create 20 s, attach 10 s, detach 3 s, delete 6 s, cluster
// create 24 s, cluster delete 8 s, extension install 12 s, extension
// delete 4 s at Speed 1 (divided by Speed; BaseDuration). The async status (computeOperationsStatus) says
// InProgress, then Succeeded or Failed with the ARM error; the compute's
// provisioningState goes Creating/Updating/Deleting → Succeeded, Failed
// (with provisioningErrors) or gone. A successful create adds a managed
// cluster (the compute's name plus five hex digits, in the workspace's
// resource group) and its vCPUs to the family and regional usage.
//
// Rejected at PUT (400): computeType other than AKS, no location, a create
// without agentVmSize/agentCount, an unknown or unoffered VM size, a node
// size under 2 vCPUs or 4 GiB (the AKS system pool minimum), an invalid
// name, FastProd/DenseProd under 12 vCPUs or 3 nodes, an
// aksNetworkingConfiguration value that breaks the API's IPv4 patterns
// (InvalidRequestContent) or lies in a range AKS reserves (169.254.0.0/16,
// 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24), a PUT into an AI Foundry
// hub or project (workspace kind Hub/Project; fixtures aif-hub and
// aif-project); 404 for an attach to an unknown cluster; 409 for a name in
// use. Failed asynchronously: a create over the family or regional quota
// (in Azure's wrapped shape: BadArgument whose message is the
// InvalidTemplateDeployment with the inner 'QuotaExceeded' and its
// Current Limit / Current Usage / Additional Required) or with a size restricted for the subscription
// (SkuNotAvailable); an attach of an unsupported Kubernetes version
// (BadRequest / BadRequestFormat), of a stopped or failed cluster, or of a
// private cluster with a public FQDN. Attaching a cluster attached
// elsewhere succeeds, as in Azure.
//
// # State
//
// Options.StatePath keeps computes, operations, created clusters and usage
// changes in one JSON file (mode 0600, directory 0700, written atomically)
// that is reloaded whenever another Handler or process replaced it. A
// request that reads or changes state holds a lock file beside it
// (StatePath + ".lock", taken to be stale after 10 s), so processes do
// not lose each other's changes.
// DefaultStatePath honours AMLAKS_DEMO_STATE; Reset restores the fixtures.
//
// # Faults (AMLAKS_SIM_FAULTS)
//
// ParseFaults reads comma-separated key=value items:
//
//	latency=DURATION        add DURATION (e.g. 200ms) to every call; a cancelled request stops waiting
//	throttle=ROUTE[:N]      429 TooManyRequests + Retry-After on the first N (default 1) calls of ROUTE
//	retry-after=SECONDS     the Retry-After of throttled answers (default 1; 0 lets the client pick)
//	unavailable=ROUTE[:N]   503 ServiceUnavailable on the first N calls of ROUTE (after the throttled ones)
//	drop=ROUTE[:N]          drop the connection on the first N calls of ROUTE (before the others)
//	unauthorized=ROUTE[:N]  401 ExpiredAuthenticationToken on the first N calls of ROUTE (after the others)
//	drop-before-put=ROUTE[:N] drop the connection of the first N PUTs of ROUTE before serving them
//	drop-after-put=ROUTE[:N] serve the first N PUTs of ROUTE (they take effect), then drop the connection
//	fail=KIND[:N]           the next N operations of KIND that would succeed end Failed:
//	                        create with the wrapped QuotaExceeded (BadArgument), attach/detach/delete with InternalServerError,
//	                        cluster with OutboundConnFailVMExtensionError, extension with
//	                        ExtensionOperationFailed, delete-cluster with InternalOperationError
//	slow=KIND[:FACTOR]      every operation of KIND takes FACTOR (default 3) times as long
//
// ROUTE is a route key above or "all"; KIND is create, attach, detach,
// delete, cluster, extension or delete-cluster. Calls are counted per Handler (per process) and per route.
// Example:
//
//	AMLAKS_SIM_FAULTS='latency=200ms,throttle=computes:2,retry-after=1,unavailable=skus:3,drop=workspaces:1,fail=create,slow=attach'
//
// An unknown key, route or kind, or a bad number, is an error naming the
// item.
package sim
