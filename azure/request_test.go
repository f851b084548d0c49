package azure

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// wireTap sits in front of the simulator and keeps the last PUT exactly as
// it arrived: method, full URL and body bytes.
type wireTap struct {
	h   http.Handler
	mu  sync.Mutex
	put *seenRequest
}

type seenRequest struct {
	method, url string
	body        []byte
}

func (w *wireTap) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPut {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		w.mu.Lock()
		w.put = &seenRequest{method: r.Method, url: scheme + "://" + r.Host + r.RequestURI, body: b}
		w.mu.Unlock()
	}
	w.h.ServeHTTP(rw, r)
}

func (w *wireTap) last() *seenRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.put
}

// testPEM returns a fresh self-signed EC certificate for cname and its
// PKCS#8 key, both PEM.
func testPEM(t testing.TB, cname string) (cert, key []byte) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cname}, DNSNames: []string{cname},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	p8, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})
}

// normal is a JSON document as a comparable value.
func normal(t testing.TB, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

// sslOf digs properties.properties.sslConfiguration out of a body.
func sslOf(body any) map[string]any {
	m, _ := body.(map[string]any)
	p, _ := m["properties"].(map[string]any)
	in, _ := p["properties"].(map[string]any)
	s, _ := in["sslConfiguration"].(map[string]any)
	return s
}

// TestRequestIsWhatIsSent: for every option combination of a create and an
// attach, the request Cloud.Request shows (what the dry run, the review's
// REST view and the JSON output print) is the request the simulator
// receives from Submit — method, URL with the SDK's api-version, and body
// (equal after JSON normalisation, the certificate and key redacted in the
// received copy too). The real PEM goes out and is never in what is shown.
func TestRequestIsWhatIsSent(t *testing.T) {
	const cname = "ml.contoso.com"
	cert, key := testPEM(t, cname)
	tlsModes := []struct {
		name string
		tls  rules.TLS
	}{
		{"tls off", rules.TLS{}},
		{"tls microsoft", rules.TLS{Mode: rules.TLSMicrosoft, LeafDomainLabel: "mlscore", Overwrite: true}},
		{"tls own cert", rules.TLS{Mode: rules.TLSCustom, CertFile: "cert.pem", KeyFile: "key.pem", CertPEM: cert, KeyPEM: key, CNAME: cname}},
	}
	vnet := rules.Network{VNetResourceGroup: "rg-net", VNet: "vnet-ml", Subnet: "aks", ServiceCIDR: "10.0.0.0/16",
		DNSServiceIP: "10.0.0.10", DockerBridgeCIDR: "172.17.0.1/16"}
	internal := vnet
	internal.LoadBalancer, internal.LoadBalancerSubnet = rules.InternalLoadBalancer, "aks"
	internalLower := internal
	internalLower.LoadBalancer = "internalloadbalancer"
	stray := rules.Network{LoadBalancer: rules.PublicIP, LoadBalancerSubnet: "stray-subnet"}
	create := func(name string, n rules.Network) wizard.ComputeSpec {
		return wizard.ComputeSpec{Name: name, Location: "eastus", ComputeLocation: "eastus", Purpose: rules.Production,
			Nodes: 3, VMSize: "Standard_D3_v2", Network: n}
	}
	type tc struct {
		name string
		spec wizard.ComputeSpec
	}
	var cases []tc
	for _, m := range tlsModes {
		cases = append(cases, tc{"create basic, " + m.name, func() wizard.ComputeSpec { s := create("aks-new", rules.Network{}); s.TLS = m.tls; return s }()})
	}
	devtest := create("aks-dev", rules.Network{})
	devtest.Purpose, devtest.Nodes, devtest.VMSize, devtest.Description = rules.DevTest, 1, "Standard_D2_v2", "dev <test> & co"
	unset := create("aks-unset", rules.Network{})
	unset.Purpose = ""
	cases = append(cases,
		tc{"create dev-test with description", devtest},
		tc{"create purpose unset", unset},
		tc{"create custom vnet", create("aks-vnet", vnet)},
		tc{"create internal lb with subnet", create("aks-ilb", internal)},
		tc{"create internal lb spelled in lower case", create("aks-ilb2", internalLower)},
		tc{"create internal lb with own cert", func() wizard.ComputeSpec { s := create("aks-ilb3", internal); s.TLS = tlsModes[2].tls; return s }()},
		tc{"create public lb with a stray subnet", create("aks-stray", stray)},
	)
	aksPrivate := "/subscriptions/" + sub1 + "/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-private"
	for _, p := range []struct {
		name    string
		purpose rules.Purpose
		cluster string
	}{{"production", rules.Production, aksPrivate}, {"dev-test", rules.DevTest, aksSmall}, {"purpose unset", "", aksPrivate}} {
		for _, m := range tlsModes {
			cases = append(cases, tc{"attach " + p.name + ", " + m.name,
				wizard.ComputeSpec{Name: "aks-att", Location: "eastus", Purpose: p.purpose, ClusterID: p.cluster, TLS: m.tls}})
		}
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tap := &wireTap{h: newSim(t, simSpeedy)}
			cl := memClient(t, tap, nil)
			shown, err := cl.Request(wsProd, c.spec)
			if err != nil {
				t.Fatal(err)
			}
			if tap.last() != nil {
				t.Fatal("Request sent something")
			}
			if _, err := cl.Submit(context.Background(), wsProd, c.spec); err != nil {
				t.Fatalf("submit: %v", err)
			}
			got := tap.last()
			if got == nil {
				t.Fatal("no PUT reached the simulator")
			}
			if got.method != shown.Method || got.url != shown.URL() {
				t.Errorf("shown %s %s\n sent %s %s", shown.Method, shown.URL(), got.method, got.url)
			}
			if !strings.HasSuffix(shown.URL(), "?api-version="+computeAPIVersion) || !strings.HasPrefix(shown.URL(), "https://management.azure.com/subscriptions/") {
				t.Errorf("shown URL %s", shown.URL())
			}

			sent := normal(t, got.body)
			wantShown := normal(t, got.body)
			if s := sslOf(wantShown); s != nil {
				for _, k := range []string{"cert", "key"} {
					if _, ok := s[k]; ok {
						s[k] = wizard.Redacted
					}
				}
			}
			if !reflect.DeepEqual(normal(t, shown.Body), wantShown) {
				t.Errorf("shown body differs from the one sent\nshown %s\n sent %s", shown.Body, got.body)
			}

			if c.spec.TLS.Mode == rules.TLSCustom {
				s := sslOf(sent)
				if s["cert"] != string(cert) || s["key"] != string(key) || s["cname"] != cname {
					t.Errorf("the certificate and key were not sent as read: %v", s)
				}
				if s := sslOf(normal(t, shown.Body)); s["cert"] != wizard.Redacted || s["key"] != wizard.Redacted {
					t.Errorf("shown ssl %v", s)
				}
			}
			for _, secret := range []string{"-----BEGIN", "PRIVATE KEY", string(key[40:80]), string(cert[40:80])} {
				if bytes.Contains(shown.Body, []byte(secret)) {
					t.Fatalf("shown body holds %q:\n%s", secret, shown.Body)
				}
			}
			if bytes.Contains(shown.Body, []byte(`\u003c`)) {
				t.Errorf("shown body is HTML-escaped:\n%s", shown.Body)
			}
		})
	}
}

// TestRequestShowsWhatTheUserDidNotChoose pins the three ways the old
// preview and the wire differed: an attach goes out with loadBalancerType
// PublicIp, a stray load balancer subnet of a public load balancer is not
// sent, and an unset purpose goes out as FastProd — and the shown body says
// so.
func TestRequestShowsWhatTheUserDidNotChoose(t *testing.T) {
	cl := memClient(t, newSim(t, simSpeedy), nil)
	inner := func(spec wizard.ComputeSpec) map[string]any {
		t.Helper()
		r, err := cl.Request(wsProd, spec)
		if err != nil {
			t.Fatal(err)
		}
		m := normal(t, r.Body).(map[string]any)
		return m["properties"].(map[string]any)["properties"].(map[string]any)
	}
	att := inner(wizard.ComputeSpec{Name: "aks-att", Location: "eastus", ClusterID: aksSmall})
	if _, ok := att["loadBalancerType"]; ok || att["clusterPurpose"] != "FastProd" {
		t.Errorf("attach: %v (no load balancer chosen: none asked for, as azureml-core's attach)", att)
	}
	cr := inner(wizard.ComputeSpec{Name: "aks-new", Location: "eastus", ComputeLocation: "eastus", Nodes: 3, VMSize: "Standard_D3_v2",
		Network: rules.Network{LoadBalancer: rules.PublicIP, LoadBalancerSubnet: "stray"}})
	if _, ok := cr["loadBalancerSubnet"]; ok || cr["clusterPurpose"] != "FastProd" {
		t.Errorf("create: %v", cr)
	}
}

// TestRequestEndpointFollowsTheCloud: the URL shown names the Resource
// Manager host of the configured cloud, as the SDK's clients use it.
func TestRequestEndpointFollowsTheCloud(t *testing.T) {
	cl := memClient(t, newSim(t, simSpeedy), func(o *Options) {
		o.Cloud = cloud.AzureChina
	})
	r, err := cl.Request(wsProd, wizard.ComputeSpec{Name: "aks-new"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://management.chinacloudapi.cn/subscriptions/" + sub1 + "/resourceGroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod/computes/aks-new?api-version=2024-04-01"; r.URL() != want {
		t.Errorf("URL\n got %s\nwant %s", r.URL(), want)
	}
	if !strings.HasPrefix(r.String(), "PUT https://management.chinacloudapi.cn/") || !strings.HasSuffix(r.String(), "}\n") {
		t.Errorf("String:\n%s", r.String())
	}
}

// BenchmarkRequest: the review's REST view calls Request on every render.
func BenchmarkRequest(b *testing.B) {
	cl := memClient(b, newSim(b, simSpeedy), nil)
	cert, key := testPEM(b, "ml.contoso.com")
	spec := wizard.ComputeSpec{Name: "aks-new", Location: "eastus", ComputeLocation: "eastus", Purpose: rules.Production, Nodes: 3, VMSize: "Standard_D3_v2",
		Network: rules.Network{VNetResourceGroup: "rg-net", VNet: "vnet-ml", Subnet: "aks", ServiceCIDR: "10.0.0.0/16", DNSServiceIP: "10.0.0.10",
			DockerBridgeCIDR: "172.17.0.1/16", LoadBalancer: rules.InternalLoadBalancer, LoadBalancerSubnet: "aks"},
		TLS: rules.TLS{Mode: rules.TLSCustom, CertPEM: cert, KeyPEM: key, CNAME: "ml.contoso.com"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cl.Request(wsProd, spec); err != nil {
			b.Fatal(err)
		}
	}
}
