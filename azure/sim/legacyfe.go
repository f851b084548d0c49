package sim

import (
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// The legacy v1 router (azureml-fe) that an AKS compute leaves in its
// cluster, and the v1 web services it serves.
//
// Known (azure-facts §15.1, v1/how-to-create-attach-kubernetes.md "Delete
// azureml-fe related resources", how-to-troubleshoot-kubernetes-extension.md
// E45004/E45005): the eight objects in namespace default — sa azureml-fe,
// clusterrole azureml-fe-role, clusterrolebinding azureml-fe-binding, svc
// azureml-fe, svc azureml-fe-int-http, deploy azureml-fe, secret
// azuremlfessl, cm azuremlfeconfig; v1 web services run in namespace
// azureml-<workspace>; the secret holds cert.pem and key.pem; the extension
// installs over the router only when the deployment is annotated
// azureml-fe-enable-upgrade=true and the extension is given
// scoringFe.enableUpgrade=true (Azure/AML-Kubernetes
// docs/attach-compute-on-aks-v1-cluster.md); otherwise its healthcheck
// fails with E45005 (deployment) or E45004 (cluster role).
//
// Modelled: the objects' exact contents (labels, replicas, the config
// map's data), a v1 web service as one deployment plus one service of its
// name, its "traffic" as a requests-per-minute annotation, the secret only
// where the compute had TLS on (the brief's fixture rule; Azure may keep an
// empty one), and the healthcheck deciding on the deployment before the
// cluster role. An in-place install leaves the v1 objects where they are
// (the extension takes the router over; what it does to them is not
// public).

// Names of the legacy fixtures.
const (
	// ClusterLegacyTLS runs the v1 router of the AKS compute
	// ComputeLegacyTLS (AML created the cluster; TLS on with an own
	// certificate for LegacyTLSCname) and no live v1 web service.
	ClusterLegacyTLS = "aks-ml-v1"
	// ComputeLegacyTLS is mlw-prod's legacy AKS compute on it.
	ComputeLegacyTLS = "aks-scoring"
	// LegacyTLSCname is the CNAME of its certificate.
	LegacyTLSCname = "scoring.contoso.com"
	// ComputeLegacyLive is mlw-prod's legacy AKS compute on aks-shared,
	// which serves live v1 web services.
	ComputeLegacyLive = "aks-inference"
)

// LegacyObjects are the v1 router's objects in the order the sources list
// them, as "kind/name" (all in namespace default, the cluster role and its
// binding cluster-wide).
var LegacyObjects = []string{"serviceaccount/azureml-fe", "clusterrole/azureml-fe-role", "clusterrolebinding/azureml-fe-binding",
	"service/azureml-fe", "service/azureml-fe-int-http", "deployment/azureml-fe", "secret/azuremlfessl", "configmap/azuremlfeconfig"}

// legacySetup is what a v1 compute runs in its cluster.
type legacySetup struct {
	Workspace string      // namespace azureml-<Workspace> holds the web services
	Services  []v1Service // live v1 web services
	TLS       bool        // azuremlfessl exists
	CNAME     string
	Internal  bool // the router's service is an internal load balancer
}

// v1Service is one v1 web service (Model.deploy to the AKS compute).
type v1Service struct {
	Name     string
	Replicas int
	PerMin   int // requests per minute, as the model shows "traffic"
}

// legacySetupLocked is the v1 setup of a cluster (ok false: none). The
// fixtures have their own; any other cluster an AKS compute points at gets
// the router without services, TLS as the compute says.
func (h *Handler) legacySetupLocked(c *cluster) (legacySetup, bool) {
	switch strings.ToLower(c.id()) {
	case strings.ToLower((&cluster{Sub: DefaultSubscriptionID, RG: "rg-aks", Name: "aks-shared"}).id()):
		return legacySetup{Workspace: "mlw-prod", Services: []v1Service{{"churn-v1", 2, 140}, {"fraud-score", 1, 35}}}, true
	case strings.ToLower((&cluster{Sub: DefaultSubscriptionID, RG: ClusterMLGroup, Name: ClusterLegacyTLS}).id()):
		return legacySetup{Workspace: "mlw-prod", TLS: true, CNAME: LegacyTLSCname}, true
	}
	for _, cp := range h.st.Computes {
		if cp.Type == "AKS" && strings.EqualFold(cp.ResourceID, c.id()) {
			s := legacySetup{Workspace: cp.Workspace}
			if cp.AKS != nil && cp.AKS.SSL != nil && !strings.EqualFold(cp.AKS.SSL.Status, "Disabled") && cp.AKS.SSL.Status != "" {
				s.TLS, s.CNAME = true, cp.AKS.SSL.Cname
			}
			s.Internal = cp.AKS != nil && strings.EqualFold(cp.AKS.LoadBalancerType, "InternalLoadBalancer")
			return s, true
		}
	}
	return legacySetup{}, false
}

// legacyPresentLocked: the v1 object kind/name is in the cluster (not
// deleted by kubectl).
func (h *Handler) legacyPresentLocked(c *cluster, obj string) bool {
	s, ok := h.legacySetupLocked(c)
	if !ok || (obj == "secret/azuremlfessl" && !s.TLS) {
		return false
	}
	return indexOf(h.kubeLocked(c, false).LegacyGone, obj) < 0
}

// legacyFrontLocked: the v1 router's deployment azureml-fe runs in the
// default namespace.
func (h *Handler) legacyFrontLocked(c *cluster) bool {
	return h.legacyPresentLocked(c, "deployment/azureml-fe")
}

// legacyNamespaceLocked is the v1 web services' namespace ("" none).
func (h *Handler) legacyNamespaceLocked(c *cluster) string {
	if s, ok := h.legacySetupLocked(c); ok && len(s.Services) > 0 {
		return "azureml-" + s.Workspace
	}
	return ""
}

// legacyObjectsLocked are the v1 objects of a kind in namespace ns (""
// all), the router's and the web services'.
func (h *Handler) legacyObjectsLocked(c *cluster, kind, ns string) []kobj {
	s, ok := h.legacySetupLocked(c)
	if !ok {
		return nil
	}
	var out []kobj
	inDefault := ns == "" || ns == "default"
	labels := kobj{"app": "azureml-fe", "azuremlappname": "azureml-fe"}
	add := func(name string, o kobj) {
		if h.legacyPresentLocked(c, kind+"/"+name) {
			out = append(out, o)
		}
	}
	switch kind {
	case "serviceaccount":
		if inDefault {
			add("azureml-fe", kobj{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta("azureml-fe", "default", kobj{"labels": labels})})
		}
	case "clusterrole":
		add("azureml-fe-role", kobj{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta("azureml-fe-role", "", kobj{"labels": labels})})
	case "clusterrolebinding":
		add("azureml-fe-binding", kobj{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
			"metadata": meta("azureml-fe-binding", "", kobj{"labels": labels}),
			"roleRef":  kobj{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "azureml-fe-role"}})
	case "service":
		if inDefault {
			ann := kobj{}
			if s.Internal {
				ann["service.beta.kubernetes.io/azure-load-balancer-internal"] = "true"
			}
			add("azureml-fe", kobj{"apiVersion": "v1", "kind": "Service", "metadata": meta("azureml-fe", "default", kobj{"labels": labels, "annotations": ann}),
				"spec": kobj{"type": "LoadBalancer"}})
			add("azureml-fe-int-http", kobj{"apiVersion": "v1", "kind": "Service", "metadata": meta("azureml-fe-int-http", "default", kobj{"labels": labels}),
				"spec": kobj{"type": "ClusterIP"}})
		}
	case "deployment":
		if inDefault {
			ann := kobj{}
			for k, v := range h.kubeLocked(c, false).Annotations["deployment/default/azureml-fe"] {
				ann[k] = v
			}
			add("azureml-fe", kobj{"apiVersion": "apps/v1", "kind": "Deployment",
				"metadata": meta("azureml-fe", "default", kobj{"annotations": ann, "labels": labels}),
				"spec":     kobj{"replicas": 3}, "status": kobj{"readyReplicas": 3}})
		}
	case "secret":
		if inDefault && s.TLS {
			cert, key := legacyCertificate(s.CNAME)
			add("azuremlfessl", kobj{"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": meta("azuremlfessl", "default", nil),
				"data": kobj{"cert.pem": base64.StdEncoding.EncodeToString(cert), "key.pem": base64.StdEncoding.EncodeToString(key)}})
		}
	case "configmap":
		if inDefault {
			add("azuremlfeconfig", kobj{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("azuremlfeconfig", "default", kobj{"labels": labels}),
				"data": kobj{"workspace": s.Workspace, "sslEnabled": fmt.Sprint(s.TLS)}})
		}
	}
	// the v1 web services: not router objects, never deleted by migrate
	wsNS := "azureml-" + s.Workspace
	if (ns == "" || ns == wsNS) && (kind == "deployment" || kind == "service") {
		for _, v := range s.Services {
			o := kobj{"apiVersion": "v1", "kind": "Service", "metadata": meta(v.Name, wsNS, kobj{"labels": kobj{"isazuremlapp": "true"}}),
				"spec": kobj{"type": "ClusterIP"}}
			if kind == "deployment" {
				o = kobj{"apiVersion": "apps/v1", "kind": "Deployment",
					"metadata": meta(v.Name, wsNS, kobj{"labels": kobj{"isazuremlapp": "true"},
						"annotations": kobj{"amlaks.sim/requests-per-minute": fmt.Sprint(v.PerMin)}}),
					"spec": kobj{"replicas": v.Replicas}, "status": kobj{"readyReplicas": v.Replicas}}
			}
			out = append(out, o)
		}
	}
	return out
}

// deleteLegacyLocked deletes one v1 router object (ok false: not one of
// them, or not there).
func (h *Handler) deleteLegacyLocked(c *cluster, kind, name string) bool {
	obj := kind + "/" + name
	if indexOf(LegacyObjects, obj) < 0 || !h.legacyPresentLocked(c, obj) {
		return false
	}
	k := h.kubeLocked(c, true)
	k.LegacyGone = append(k.LegacyGone, obj)
	h.dirty = true
	return true
}

// legacyConflictLocked is the healthcheck's inferencev1 checker on an
// install of the Azure ML extension ("" passes): a v1 router deployment
// not annotated for the upgrade, or an install without
// scoringFe.enableUpgrade, is E45005; a v1 cluster role left without its
// deployment is E45004.
func (h *Handler) legacyConflictLocked(c *cluster, e *extensionRec) string {
	if h.legacyFrontLocked(c) {
		ann := h.kubeLocked(c, false).Annotations["deployment/default/azureml-fe"]
		if strings.EqualFold(ann["azureml-fe-enable-upgrade"], "true") && strings.EqualFold(e.Settings["scoringFe.enableUpgrade"], "true") {
			return ""
		}
		return healthcheckFailure(e.Name, "inferencev1", "E45005", "Azureml Fe deployment confict: AZUREML_FE_DEPLOYMENT_CONFLICT: "+
			"deployment azureml-fe in namespace default is not owned by the extension (a legacy AKS compute's router); "+
			"annotate it azureml-fe-enable-upgrade=true and install with scoringFe.enableUpgrade=true, or delete the legacy azureml-fe objects")
	}
	if h.legacyPresentLocked(c, "clusterrole/azureml-fe-role") {
		return healthcheckFailure(e.Name, "inferencev1", "E45004", "Azureml Fe role confict: AZUREML_FE_ROLE_CONFLICT: "+
			"cluster role azureml-fe-role is not owned by the extension; delete the legacy azureml-fe objects")
	}
	return ""
}

// legacyCertificate is the v1 compute's own certificate for cname and its
// key, PEM: made from a fixed seed, so every run (and a saved copy)
// sees the same one. Valid 2026-01-01 to 2029-01-01.
func legacyCertificate(cname string) (certPEM, keyPEM []byte) {
	seed := make([]byte, ed25519.SeedSize)
	copy(seed, "amlaks-sim-legacy-"+cname)
	key := ed25519.NewKeyFromSeed(seed)
	tpl := &x509.Certificate{SerialNumber: big.NewInt(2020), Subject: pkix.Name{CommonName: cname}, DNSNames: []string{cname},
		NotBefore: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(nil, tpl, tpl, key.Public(), key)
	if err != nil {
		return nil, nil
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})
}
