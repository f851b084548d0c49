package azure

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v8"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// The current path: the AKS cluster, the Azure
// ML extension and the provider registrations, over
// armcontainerservice/v8, armkubernetesconfiguration/v2 and armresources.

// API versions of the SDK modules (they build the request URLs; the
// printed Request names the same).
const (
	aksAPIVersion       = "2025-09-01" // armcontainerservice/v8 v8.1.0
	extensionAPIVersion = "2022-11-01" // armkubernetesconfiguration/v2 v2.0.0
)

// Names amlaks gives what it creates.
const (
	systemPoolName   = "system"
	releaseNamespace = "azureml"
	createdByValue   = "amlaks"
)

// protectedKeys are the Azure ML extension's protected settings amlaks
// sends: the scoring front end's certificate and key, base64 of the PEM
// files (Azure/azure-cli-extensions
// src/k8s-extension/azext_k8s_extension/partner_extensions/AzureMLKubernetes.py,
// __set_up_inference_ssl).
var protectedKeys = []string{"scoringFe.sslCert", "scoringFe.sslKey"}

// DNSPrefix derives an AKS dnsPrefix from a cluster name: letters, digits
// and '-' only, 1–54 characters, starting and ending with a letter or
// digit.
func DNSPrefix(cluster string) string {
	var b strings.Builder
	for _, r := range cluster {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == '_' || r == '.':
			b.WriteByte('-')
		}
	}
	s := b.String()
	if len(s) > 50 {
		s = s[:50]
	}
	s = strings.Trim(s, "-")
	if s == "" {
		s = "aks"
	}
	return s + "-dns"
}

// clusterBody is the managedClusters PUT body of spec: one Linux System
// pool, a system-assigned identity, the Standard load balancer, the API
// server access and the created-by tag.
func clusterBody(spec wizard.ClusterSpec) armcontainerservice.ManagedCluster {
	tags := map[string]*string{}
	for k, v := range spec.Tags {
		tags[k] = to.Ptr(v)
	}
	tags[wizard.TagCreatedBy] = to.Ptr(createdByValue)
	prefix := spec.DNSPrefix
	if prefix == "" {
		prefix = DNSPrefix(spec.Name)
	}
	props := &armcontainerservice.ManagedClusterProperties{
		DNSPrefix: to.Ptr(prefix),
		AgentPoolProfiles: []*armcontainerservice.ManagedClusterAgentPoolProfile{{
			Name:   to.Ptr(systemPoolName),
			Mode:   to.Ptr(armcontainerservice.AgentPoolModeSystem),
			Count:  to.Ptr(int32(spec.Nodes)),
			VMSize: to.Ptr(spec.VMSize),
			OSType: to.Ptr(armcontainerservice.OSTypeLinux),
		}},
		NetworkProfile: &armcontainerservice.NetworkProfile{
			LoadBalancerSKU: to.Ptr(armcontainerservice.LoadBalancerSKUStandard),
		},
	}
	if spec.KubernetesVersion != "" {
		props.KubernetesVersion = to.Ptr(spec.KubernetesVersion)
	}
	switch spec.APIAccess {
	case wizard.APIPrivate:
		// without the public FQDN, which Azure ML does not support on a
		// private cluster (az --disable-public-fqdn)
		props.APIServerAccessProfile = &armcontainerservice.ManagedClusterAPIServerAccessProfile{EnablePrivateCluster: to.Ptr(true),
			EnablePrivateClusterPublicFQDN: to.Ptr(false)}
	case wizard.APIAuthorized:
		ap := &armcontainerservice.ManagedClusterAPIServerAccessProfile{}
		for _, r := range spec.AuthorizedRanges {
			ap.AuthorizedIPRanges = append(ap.AuthorizedIPRanges, to.Ptr(r))
		}
		props.APIServerAccessProfile = ap
	}
	mc := armcontainerservice.ManagedCluster{
		Location:   to.Ptr(spec.Location),
		Tags:       tags,
		Identity:   &armcontainerservice.ManagedClusterIdentity{Type: to.Ptr(armcontainerservice.ResourceIdentityTypeSystemAssigned)},
		Properties: props,
	}
	if spec.LTS {
		// an LTS-only version: AKS refuses it outside the Premium tier
		// with the long-term support plan (az --tier premium
		// --k8s-support-plan AKSLongTermSupport)
		mc.SKU = &armcontainerservice.ManagedClusterSKU{Name: to.Ptr(armcontainerservice.ManagedClusterSKUNameBase),
			Tier: to.Ptr(armcontainerservice.ManagedClusterSKUTierPremium)}
		props.SupportPlan = to.Ptr(armcontainerservice.KubernetesSupportPlanAKSLongTermSupport)
	}
	return mc
}

// extensionBody is the extension PUT body of spec: the body `az
// k8s-extension create --cluster-type managedClusters` builds from the
// --config pairs amlaks prints (Azure/azure-cli-extensions
// src/k8s-extension/azext_k8s_extension/partner_extensions/AzureMLKubernetes.py,
// Create and __validate_scoring_fe_settings). The Go SDK adds none of az's
// keys, and a raw install without them fails the chart's pre-install
// healthcheck (hashicorp/terraform-provider-azurerm#24547). The
// certificate and key go only into configurationProtectedSettings; the
// PEM file paths az also copies there are its own input, not the chart's.
// As az, no identity (AKS assigns the extension's own) and no
// autoUpgradeMinorVersion (the server's default, true).
func extensionBody(spec wizard.ExtensionSpec) armkubernetesconfiguration.Extension {
	tf := func(b bool) *string {
		if b {
			return to.Ptr("True")
		}
		return to.Ptr("False")
	}
	// what the printed command types
	settings := map[string]*string{
		"enableInference":          to.Ptr("True"),
		"inferenceRouterHA":        tf(spec.RouterHA),
		"allowInsecureConnections": tf(spec.AllowInsecure),
	}
	switch spec.Router {
	case wizard.RouterNodePort:
		settings["inferenceRouterServiceType"] = to.Ptr("NodePort")
		settings["scoringFe.serviceType.nodePort"] = to.Ptr("True")
	case wizard.RouterClusterIP:
		settings["inferenceRouterServiceType"] = to.Ptr("ClusterIP")
	case wizard.RouterInternal:
		settings["inferenceRouterServiceType"] = to.Ptr("LoadBalancer")
		settings["internalLoadBalancerProvider"] = to.Ptr("azure")
		settings["scoringFe.serviceType.internalLoadBalancer"] = to.Ptr("True")
	default:
		settings["inferenceRouterServiceType"] = to.Ptr("LoadBalancer")
	}
	purpose := "FastProd"
	if spec.Purpose == rules.DevTest {
		purpose = "DevTest"
	}
	settings["clusterPurpose"] = to.Ptr(purpose)
	if spec.GPU {
		settings["installNvidiaDevicePlugin"] = to.Ptr("True")
	}
	if spec.EnableUpgrade {
		// typed by the user and passed through by az as it is
		settings["scoringFe.enableUpgrade"] = to.Ptr("true")
	}
	// what az adds on its own for an AKS cluster
	settings["enableTraining"] = to.Ptr("False")
	if spec.ClusterID != "" {
		settings["cluster_name"] = to.Ptr(spec.ClusterID)
		settings["clusterId"] = to.Ptr(spec.ClusterID)
		settings["prometheus.prometheusSpec.externalLabels.cluster_name"] = to.Ptr(spec.ClusterID)
		settings["cluster_name_friendly"] = to.Ptr(lastSegment(spec.ClusterID))
	}
	if r := normRegion(spec.Region); r != "" {
		settings["location"] = to.Ptr(r)
		settings["jobSchedulerLocation"] = to.Ptr(r)
		settings["domain"] = to.Ptr(r + ".cloudapp.azure.com")
	}
	settings["servicebus.enabled"] = to.Ptr("false")
	settings["relayserver.enabled"] = to.Ptr("false")
	settings["nginxIngress.enabled"] = to.Ptr("true")
	props := &armkubernetesconfiguration.ExtensionProperties{
		ExtensionType:         to.Ptr(wizard.ExtensionType),
		ReleaseTrain:          to.Ptr("stable"),
		Scope:                 &armkubernetesconfiguration.Scope{Cluster: &armkubernetesconfiguration.ScopeCluster{ReleaseNamespace: to.Ptr(releaseNamespace)}},
		ConfigurationSettings: settings,
	}
	if spec.TLS.Mode == rules.TLSCustom {
		settings["sslCname"] = to.Ptr(spec.TLS.CNAME)
		props.ConfigurationProtectedSettings = map[string]*string{
			"scoringFe.sslCert": to.Ptr(base64.StdEncoding.EncodeToString(spec.TLS.CertPEM)),
			"scoringFe.sslKey":  to.Ptr(base64.StdEncoding.EncodeToString(spec.TLS.KeyPEM)),
		}
	}
	return armkubernetesconfiguration.Extension{Properties: props}
}

// inferenceKeys are the settings a patch that adds inference to a
// training-only extension carries (with every scoringFe.* key): what `az
// k8s-extension update --config` would be given for inference. The
// cluster's own keys (cluster_name, location, domain, ...) were set at its
// install and stay.
var inferenceKeys = map[string]bool{"enableInference": true, "inferenceRouterServiceType": true, "inferenceRouterHA": true,
	"allowInsecureConnections": true, "internalLoadBalancerProvider": true, "sslCname": true, "clusterPurpose": true,
	"installNvidiaDevicePlugin": true}

// extensionPatch is the PATCH that adds inference to an installed
// extension: the inference settings of extensionBody and its protected
// settings (a patch with protected settings replaces them all, so they go
// only when there are some: the certificate and key given here).
func extensionPatch(spec wizard.ExtensionSpec) armkubernetesconfiguration.PatchExtension {
	full := extensionBody(spec).Properties
	settings := map[string]*string{}
	for k, v := range full.ConfigurationSettings {
		if inferenceKeys[k] || strings.HasPrefix(k, "scoringFe.") {
			settings[k] = v
		}
	}
	return armkubernetesconfiguration.PatchExtension{Properties: &armkubernetesconfiguration.PatchExtensionProperties{
		ConfigurationSettings: settings, ConfigurationProtectedSettings: full.ConfigurationProtectedSettings}}
}

func clusterPath(sub, rg, name string) string {
	return "/subscriptions/" + url.PathEscape(sub) + "/resourceGroups/" + url.PathEscape(rg) +
		"/providers/Microsoft.ContainerService/managedClusters/" + url.PathEscape(name)
}

// ClusterRequest is the managedClusters PUT CreateCluster sends.
func (c *Client) ClusterRequest(spec wizard.ClusterSpec) (wizard.Request, error) {
	body := clusterBody(spec)
	b, err := printable(&body)
	if err != nil {
		return wizard.Request{}, mapError("build the cluster request", err)
	}
	return wizard.Request{Method: "PUT", Path: clusterPath(spec.SubscriptionID, spec.ResourceGroup, spec.Name) + "?api-version=" + aksAPIVersion, Body: b}, nil
}

// ExtensionRequest is the extension PUT InstallExtension sends, protected
// settings "<redacted>".
func (c *Client) ExtensionRequest(spec wizard.ExtensionSpec) (wizard.Request, error) {
	id, err := parseCluster(spec.ClusterID)
	if err != nil {
		return wizard.Request{}, err
	}
	method := "PUT"
	var b []byte
	if spec.Update {
		method = "PATCH"
		body := extensionPatch(spec)
		b, err = printable(&body)
	} else {
		body := extensionBody(spec)
		b, err = printable(&body)
	}
	if err != nil {
		return wizard.Request{}, mapError("build the extension request", err)
	}
	return wizard.Request{Method: method, Path: clusterPath(id.SubscriptionID, id.ResourceGroup, id.Name) +
		"/providers/Microsoft.KubernetesConfiguration/extensions/" + url.PathEscape(extName(spec.Name)) + "?api-version=" + extensionAPIVersion, Body: b}, nil
}

func extName(n string) string {
	if n == "" {
		return wizard.ExtensionName
	}
	return n
}

// parseCluster reads an AKS cluster resource ID.
func parseCluster(id string) (rules.ClusterID, error) {
	cid, err := rules.ParseClusterID(id)
	if err != nil {
		return rules.ClusterID{}, &wizard.Error{Kind: wizard.ErrBadRequest, Op: "read the cluster ID", Message: err.Error(),
			Hint: "give the cluster as /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/NAME"}
	}
	return cid, nil
}

// ---- providers ----

// Providers returns the registrationState of each namespace (read in
// parallel).
func (c *Client) Providers(ctx context.Context, sub string, namespaces []string) (map[string]string, error) {
	s, err := c.forSub(sub)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(namespaces))
	var mu sync.Mutex
	var wg sync.WaitGroup
	var first error
	for _, ns := range namespaces {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.providers.Get(ctx, ns, nil)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = mapError("read the registration of "+ns, err)
				}
				return
			}
			st := str(r.RegistrationState)
			if st == "" {
				st = "NotRegistered"
			}
			out[ns] = st
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return out, nil
}

// RegisterProvider starts the registration of a namespace (POST
// .../register); it takes a few minutes in Azure, Providers tells when it
// is done.
func (c *Client) RegisterProvider(ctx context.Context, sub, namespace string) error {
	s, err := c.forSub(sub)
	if err != nil {
		return err
	}
	if _, err := s.providers.Register(ctx, namespace, nil); err != nil {
		return mapError("register "+namespace, err)
	}
	return nil
}

// ---- cluster ----

// Cluster gets one AKS cluster (ErrNotFound when absent). Pool vCPUs come
// from the region's sizes when they are cached.
func (c *Client) Cluster(ctx context.Context, id string) (wizard.Cluster, error) {
	cid, err := parseCluster(id)
	if err != nil {
		return wizard.Cluster{}, err
	}
	s, err := c.forSub(cid.SubscriptionID)
	if err != nil {
		return wizard.Cluster{}, err
	}
	r, err := s.clusters.Get(ctx, cid.ResourceGroup, cid.Name, nil)
	if err != nil {
		return wizard.Cluster{}, mapError("get cluster "+cid.Name, err)
	}
	x := toCluster(&r.ManagedCluster)
	if l, ok := c.sizeLists(ctx, cid.SubscriptionID, []string{x.Region}, false)[x.Region]; ok {
		for j := range x.Pools {
			if sz, ok := l.Find(x.Pools[j].Size); ok {
				x.Pools[j].VCPUs, x.Pools[j].MemoryGB, x.Pools[j].GPUs = sz.VCPUs, sz.MemoryGB, sz.GPUs
			}
		}
	}
	return x, nil
}

// CreateCluster sends the managedClusters PUT of ClusterRequest and
// returns once AKS accepted it; the resume token is saved.
func (c *Client) CreateCluster(ctx context.Context, spec wizard.ClusterSpec) (wizard.Operation, error) {
	label := "create AKS cluster " + spec.Name
	s, err := c.forSub(spec.SubscriptionID)
	if err != nil {
		return wizard.Operation{}, err
	}
	started := time.Now()
	p, err := s.clusters.BeginCreateOrUpdate(ctx, spec.ResourceGroup, spec.Name, clusterBody(spec), nil)
	if err != nil {
		return wizard.Operation{}, mapError(label, err)
	}
	op := wizard.Operation{Kind: wizard.OpCluster, Name: spec.Name, Started: started, Target: spec.ID()}
	return c.started(op, p, label)
}

// DeleteCluster starts the delete of a cluster. It refuses a cluster that
// amlaks did not create (no created-by: amlaks tag).
func (c *Client) DeleteCluster(ctx context.Context, id string) (wizard.Operation, error) {
	cid, err := parseCluster(id)
	if err != nil {
		return wizard.Operation{}, err
	}
	label := "delete AKS cluster " + cid.Name
	s, err := c.forSub(cid.SubscriptionID)
	if err != nil {
		return wizard.Operation{}, err
	}
	g, err := s.clusters.Get(ctx, cid.ResourceGroup, cid.Name, nil)
	if err != nil {
		return wizard.Operation{}, mapError(label, err)
	}
	if t := g.Tags[wizard.TagCreatedBy]; t == nil || *t != createdByValue {
		return wizard.Operation{}, &wizard.Error{Kind: wizard.ErrBadRequest, Op: label,
			Message: "the cluster was not created by amlaks (it has no tag " + wizard.TagCreatedBy + "=" + createdByValue + ")",
			Hint:    "amlaks deletes only clusters it created; delete this one in AKS if you mean to: `az aks delete -n " + cid.Name + " -g " + cid.ResourceGroup + "`"}
	}
	started := time.Now()
	p, err := s.clusters.BeginDelete(ctx, cid.ResourceGroup, cid.Name, nil)
	if err != nil {
		return wizard.Operation{}, mapError(label, err)
	}
	op := wizard.Operation{Kind: wizard.OpDelete, Name: cid.Name, Started: started, Target: cid.String()}
	return c.started(op, p, label)
}

// resumable is what started needs of an SDK poller.
type resumable interface {
	Done() bool
	ResumeToken() (string, error)
}

// started records the resume token of an operation still running (a
// compute, cluster or extension).
func (c *Client) started(op wizard.Operation, p resumable, label string) (wizard.Operation, error) {
	if !p.Done() {
		tok, err := p.ResumeToken()
		if err != nil {
			return op, mapError(label, err)
		}
		op.Token = tok
		c.save(op)
	}
	return op, nil
}

// ---- extension ----

// Extension gets the Azure ML extension of a cluster: the one of type
// Microsoft.AzureML.Kubernetes, whatever its name (ok false when none).
func (c *Client) Extension(ctx context.Context, clusterID string) (wizard.Extension, bool, error) {
	cid, err := parseCluster(clusterID)
	if err != nil {
		return wizard.Extension{}, false, err
	}
	op := "read the extensions of " + cid.Name
	s, err := c.forSub(cid.SubscriptionID)
	if err != nil {
		return wizard.Extension{}, false, err
	}
	pg := s.extensions.NewListPager(cid.ResourceGroup, "Microsoft.ContainerService", "managedClusters", cid.Name, nil)
	for pg.More() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return wizard.Extension{}, false, mapError(op, err)
		}
		for _, e := range page.Value {
			if e != nil && e.Properties != nil && strings.EqualFold(str(e.Properties.ExtensionType), wizard.ExtensionType) {
				return toExtension(e), true, nil
			}
		}
	}
	return wizard.Extension{}, false, nil
}

func toExtension(e *armkubernetesconfiguration.Extension) wizard.Extension {
	x := wizard.Extension{ID: str(e.ID), Name: str(e.Name)}
	p := e.Properties
	if p == nil {
		return x
	}
	x.Type = str(p.ExtensionType)
	x.Version = str(p.CurrentVersion)
	if x.Version == "" {
		x.Version = str(p.Version)
	}
	if p.ProvisioningState != nil {
		x.State = string(*p.ProvisioningState)
	}
	var walk func(d *armkubernetesconfiguration.ErrorDetail)
	walk = func(d *armkubernetesconfiguration.ErrorDetail) {
		if d == nil {
			return
		}
		if str(d.Code) != "" || str(d.Message) != "" {
			x.Errors = append(x.Errors, wizard.OpError{Code: str(d.Code), Message: str(d.Message)})
		}
		for _, c := range d.Details {
			walk(c)
		}
	}
	walk(p.ErrorInfo)
	if len(p.ConfigurationSettings) > 0 {
		x.Settings = map[string]string{}
		for k, v := range p.ConfigurationSettings {
			if v != nil {
				x.Settings[k] = *v
			}
		}
	}
	return x
}

// InstallExtension sends the extension PUT of ExtensionRequest and returns
// once Azure accepted it; the resume token is saved.
func (c *Client) InstallExtension(ctx context.Context, spec wizard.ExtensionSpec) (wizard.Operation, error) {
	cid, err := parseCluster(spec.ClusterID)
	if err != nil {
		return wizard.Operation{}, err
	}
	name := extName(spec.Name)
	label := "install the Azure ML extension on " + cid.Name
	s, err := c.forSub(cid.SubscriptionID)
	if err != nil {
		return wizard.Operation{}, err
	}
	started := time.Now()
	if spec.Update {
		label = "add inference to the Azure ML extension on " + cid.Name
		p, err := s.extensions.BeginUpdate(ctx, cid.ResourceGroup, "Microsoft.ContainerService", "managedClusters", cid.Name, name, extensionPatch(spec), nil)
		if err != nil {
			return wizard.Operation{}, mapError(label, err)
		}
		op := wizard.Operation{Kind: wizard.OpExtensionUpdate, Name: name, Started: started, Target: cid.String()}
		return c.started(op, p, label)
	}
	p, err := s.extensions.BeginCreate(ctx, cid.ResourceGroup, "Microsoft.ContainerService", "managedClusters", cid.Name, name, extensionBody(spec), nil)
	if err != nil {
		return wizard.Operation{}, mapError(label, err)
	}
	op := wizard.Operation{Kind: wizard.OpExtension, Name: name, Started: started, Target: cid.String()}
	return c.started(op, p, label)
}

// extensionOp reports the operations that work on an extension.
func extensionOp(k wizard.OpKind) bool {
	return k == wizard.OpExtension || k == wizard.OpExtensionUpdate
}

// ---- following cluster and extension operations ----

func k8sKind(k wizard.OpKind) bool {
	return k == wizard.OpCluster || k == wizard.OpExtension || k == wizard.OpDelete || k == wizard.OpExtensionUpdate || k == wizard.OpTrustedAccess
}

func k8sLabel(op wizard.Operation) string {
	name := lastSegment(op.Target)
	switch op.Kind {
	case wizard.OpCluster:
		return "create AKS cluster " + name
	case wizard.OpExtension:
		return "install the Azure ML extension on " + name
	case wizard.OpDelete:
		return "delete AKS cluster " + name
	case wizard.OpExtensionUpdate:
		return "add inference to the Azure ML extension on " + name
	case wizard.OpTrustedAccess:
		return "create Trusted Access role binding " + op.Name + " on " + name
	}
	return string(op.Kind) + " " + name
}

// k8sPoller is the part of the SDK pollers followK8s needs.
type k8sPoller interface {
	Poll(ctx context.Context) (*http.Response, error)
	Done() bool
	result(ctx context.Context) error
}

type sdkPoller[T any] struct{ p *runtime.Poller[T] }

func (s sdkPoller[T]) Poll(ctx context.Context) (*http.Response, error) { return s.p.Poll(ctx) }
func (s sdkPoller[T]) Done() bool                                       { return s.p.Done() }
func (s sdkPoller[T]) result(ctx context.Context) error {
	_, err := s.p.Result(ctx)
	return err
}

func (c *Client) resumeK8s(ctx context.Context, s *subClients, op wizard.Operation, cid rules.ClusterID) (k8sPoller, error) {
	switch op.Kind {
	case wizard.OpCluster:
		p, err := s.clusters.BeginCreateOrUpdate(ctx, cid.ResourceGroup, cid.Name, armcontainerservice.ManagedCluster{},
			&armcontainerservice.ManagedClustersClientBeginCreateOrUpdateOptions{ResumeToken: op.Token})
		if err != nil {
			return nil, err
		}
		return sdkPoller[armcontainerservice.ManagedClustersClientCreateOrUpdateResponse]{p}, nil
	case wizard.OpDelete:
		p, err := s.clusters.BeginDelete(ctx, cid.ResourceGroup, cid.Name,
			&armcontainerservice.ManagedClustersClientBeginDeleteOptions{ResumeToken: op.Token})
		if err != nil {
			return nil, err
		}
		return sdkPoller[armcontainerservice.ManagedClustersClientDeleteResponse]{p}, nil
	case wizard.OpTrustedAccess:
		p, err := s.bindings.BeginCreateOrUpdate(ctx, cid.ResourceGroup, cid.Name, op.Name, armcontainerservice.TrustedAccessRoleBinding{},
			&armcontainerservice.TrustedAccessRoleBindingsClientBeginCreateOrUpdateOptions{ResumeToken: op.Token})
		if err != nil {
			return nil, err
		}
		return sdkPoller[armcontainerservice.TrustedAccessRoleBindingsClientCreateOrUpdateResponse]{p}, nil
	case wizard.OpExtensionUpdate:
		p, err := s.extensions.BeginUpdate(ctx, cid.ResourceGroup, "Microsoft.ContainerService", "managedClusters", cid.Name, extName(op.Name),
			armkubernetesconfiguration.PatchExtension{}, &armkubernetesconfiguration.ExtensionsClientBeginUpdateOptions{ResumeToken: op.Token})
		if err != nil {
			return nil, err
		}
		return sdkPoller[armkubernetesconfiguration.ExtensionsClientUpdateResponse]{p}, nil
	}
	p, err := s.extensions.BeginCreate(ctx, cid.ResourceGroup, "Microsoft.ContainerService", "managedClusters", cid.Name, extName(op.Name),
		armkubernetesconfiguration.Extension{}, &armkubernetesconfiguration.ExtensionsClientBeginCreateOptions{ResumeToken: op.Token})
	if err != nil {
		return nil, err
	}
	return sdkPoller[armkubernetesconfiguration.ExtensionsClientCreateResponse]{p}, nil
}

// resourceState reads the state of what op works on: the cluster's or the
// extension's provisioningState ("Gone" when it does not exist), with the
// extension's errors.
func (c *Client) resourceState(ctx context.Context, s *subClients, op wizard.Operation, cid rules.ClusterID) (string, []wizard.OpError, error) {
	if op.Kind == wizard.OpTrustedAccess {
		st, err := c.bindingState(ctx, s, cid, op.Name)
		return st, nil, err
	}
	if extensionOp(op.Kind) {
		e, err := s.extensions.Get(ctx, cid.ResourceGroup, "Microsoft.ContainerService", "managedClusters", cid.Name, extName(op.Name), nil)
		if err != nil {
			if errors.Is(mapError("", err), wizard.ErrNotFound) {
				return "Gone", nil, nil
			}
			return "", nil, err
		}
		x := toExtension(&e.Extension)
		return x.State, x.Errors, nil
	}
	g, err := s.clusters.Get(ctx, cid.ResourceGroup, cid.Name, nil)
	if err != nil {
		if errors.Is(mapError("", err), wizard.ErrNotFound) {
			return "Gone", nil, nil
		}
		return "", nil, err
	}
	return toCluster(&g.ManagedCluster).ProvisioningState, nil, nil
}

// followK8s follows a cluster, binding or extension operation: through
// its resume token when there is one, else by the resource's
// provisioningState, under the watch's deadline and retry rules (network,
// server, throttling and sign-in errors are tried again until the
// deadline; then it stops watching, the token kept).
func (w *watch) followK8s() {
	c, op := w.c, w.op
	label := k8sLabel(op)
	cid, err := parseCluster(op.Target)
	if err != nil {
		w.send(wizard.Progress{Done: true, State: "Failed", Err: err})
		return
	}
	s, err := c.forSub(cid.SubscriptionID)
	if err != nil {
		w.stop(err.Error())
		return
	}
	done := func(lroErr error) {
		if w.ctx.Err() != nil {
			return
		}
		if lroErr == nil {
			c.forget(op)
			w.send(wizard.Progress{Done: true, State: "Succeeded"})
			return
		}
		var details []wizard.OpError
		if extensionOp(op.Kind) {
			if _, ds, err := c.resourceState(w.dctx, s, op, cid); err == nil {
				details = ds
			}
		}
		c.forget(op)
		w.send(wizard.Progress{Done: true, State: "Failed", Err: failedOp(label, lroErr, details)})
	}
	byState := func() {
		// No poller: the operation ended in its first answer, or it was
		// started by another process. The resource's state tells.
		for {
			st, errs, err := c.resourceState(w.dctx, s, op, cid)
			if w.over() {
				return
			}
			if err != nil {
				m := mapError(label, err)
				if transient(m) {
					if !w.retry(w.last, "could not read the state", m) {
						return
					}
					continue
				}
				w.stop("cannot read the state: " + m.Error())
				return
			}
			w.fails = 0
			switch {
			case op.Kind == wizard.OpDelete && st == "Gone", op.Kind != wizard.OpDelete && st == "Succeeded":
				done(nil)
				return
			case st == "Gone":
				c.forget(op)
				w.send(wizard.Progress{Done: true, State: "Gone", Err: &wizard.Error{Kind: wizard.ErrNotFound, Op: label,
					Message: "it no longer exists", Hint: "it was deleted meanwhile: run the command again to make it again"}})
				return
			case st == "Failed" || st == "Canceled":
				c.forget(op)
				e := &wizard.Error{Op: label, Code: st, Message: "the provisioning state is " + st, Details: errs}
				if len(errs) > 0 {
					e.Code, e.Message = errs[0].Code, errs[0].Message
				}
				classify(e, true)
				w.send(wizard.Progress{Done: true, State: st, Err: e})
				return
			}
			if !w.send(wizard.Progress{State: st}) || !w.wait(w.every) {
				return
			}
		}
	}
	if op.Token == "" {
		byState()
		return
	}
	var p k8sPoller
	for {
		p, err = c.resumeK8s(w.dctx, s, op, cid)
		if w.over() {
			return
		}
		if err == nil {
			break
		}
		if m := mapError(label, err); transient(m) {
			if !w.retry(w.last, "could not resume the operation", m) {
				return
			}
			continue
		}
		// a token this SDK cannot read: the resource says how it goes
		byState()
		return
	}
	state := "InProgress"
	for {
		resp, err := p.Poll(w.dctx)
		if w.over() {
			return
		}
		if err != nil {
			m := mapError(label, err)
			if transient(m) {
				if !w.retry(state, "could not poll the operation", m) {
					return
				}
				continue
			}
			if lroFailed(err) {
				done(err)
				return
			}
			// any other error on the poll says nothing of the outcome:
			// the resource does
			byState()
			return
		}
		w.fails = 0
		if st := stateOf(resp); st != "" {
			state = st
		}
		if p.Done() {
			err := p.result(w.dctx)
			if w.over() {
				return
			}
			if err != nil && !lroFailed(err) {
				byState()
				return
			}
			done(err)
			return
		}
		if strings.EqualFold(state, "InProgress") {
			if st, _, err := c.resourceState(w.dctx, s, op, cid); err == nil && st != "" && st != "Gone" {
				state = st // Creating, Deleting: what the user understands
			}
			if w.over() {
				return
			}
		}
		if !w.send(wizard.Progress{State: state}) {
			return
		}
		if !w.wait(pollDelay(resp, w.every)) {
			return
		}
	}
}
