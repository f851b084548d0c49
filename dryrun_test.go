package main

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
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/amlaks/amlaks/azure"
	"github.com/amlaks/amlaks/azure/sim"
	"github.com/amlaks/amlaks/ui/cli"
	"github.com/amlaks/amlaks/wizard"
)

// putTap sits in front of the simulator and keeps every PUT as it arrived.
type putTap struct {
	h    http.Handler
	mu   sync.Mutex
	puts []sentPut
}

type sentPut struct {
	url  string
	body []byte
}

func (p *putTap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPut {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		p.mu.Lock()
		p.puts = append(p.puts, sentPut{url: "https://" + r.Host + r.RequestURI, body: b})
		p.mu.Unlock()
	}
	p.h.ServeHTTP(w, r)
}

func (p *putTap) sent() []sentPut {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]sentPut(nil), p.puts...)
}

// tappedFactory is the --demo wiring (the azure package over the simulator
// through its in-memory transport) with a tap in front of the simulator.
func tappedFactory(t *testing.T) (cli.Factory, *putTap) {
	t.Helper()
	h, err := sim.New(sim.Options{Speed: 500})
	if err != nil {
		t.Fatal(err)
	}
	tap := &putTap{h: h}
	c, err := azure.New(azure.Options{Credential: azure.StaticCredential{}, Transport: sim.NewTransport(tap), StateDir: t.TempDir(),
		DisableRPRegistration: true, PollEvery: time.Millisecond,
		Retry: policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return func(context.Context, cli.Globals) (*cli.Session, error) {
		return &cli.Session{Cloud: c, Demo: true, Notes: &cli.NoteRelay{}, PollEvery: time.Millisecond,
			DefaultSubscription: sim.DefaultSubscriptionID, SubscriptionSource: wizard.AzCLI}, nil
	}, tap
}

func runLine(t *testing.T, f cli.Factory, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	s := cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	code := cli.Run(context.Background(), args, s, f, "test")
	return result{code, out.String(), errb.String()}
}

// tlsFiles writes a fresh self-signed EC certificate for cname and its key
// into dir and returns the two paths and the PEM texts.
func tlsFiles(t *testing.T, dir, cname string) (certFile, keyFile string, cert, key []byte) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: cname}, DNSNames: []string{cname},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	p8, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	key = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, cert, key
}

func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

func sslConfig(body any) map[string]any {
	m, _ := body.(map[string]any)
	p, _ := m["properties"].(map[string]any)
	in, _ := p["properties"].(map[string]any)
	s, _ := in["sslConfiguration"].(map[string]any)
	return s
}

// TestDryRunPrintsTheBodySent runs every option combination of create and
// attach in line mode twice over the same simulated Azure: `--dry-run -o
// json`, then `--yes`. The request the dry run printed (method, URL with
// api-version, body) must be the PUT the simulator received, equal after
// JSON normalisation with the certificate and key redacted in the received
// copy; the real PEM must have gone out and never been printed. The text
// dry run prints the same request.
func TestDryRunPrintsTheBodySent(t *testing.T) {
	dir := t.TempDir()
	const cname = "ml.contoso.com"
	certFile, keyFile, cert, key := tlsFiles(t, dir, cname)
	tlsModes := []struct {
		name  string
		flags []string
	}{
		{"tls off", nil},
		{"tls microsoft", []string{"--ssl-leaf-domain-label", "mlscore", "--ssl-overwrite-domain"}},
		{"tls own cert", []string{"--ssl-cert-file", certFile, "--ssl-key-file", keyFile, "--ssl-cname", cname}},
	}
	vnet := []string{"--vnet-resource-group", "rg-net", "--vnet", "vnet-ml", "--subnet", "aks", "--service-cidr", "10.0.0.0/16",
		"--dns-service-ip", "10.0.0.10", "--docker-bridge-cidr", "172.17.0.1/16"}
	type tc struct {
		name string
		args []string
	}
	var cases []tc
	for _, m := range tlsModes {
		cases = append(cases, tc{"create basic, " + m.name, append([]string{"create", "--compute-type", "AKS", "-n", "aks-basic"}, m.flags...)})
	}
	cases = append(cases,
		tc{"create dev-test", []string{"create", "--compute-type", "AKS", "-n", "aks-dev", "--purpose", "devtest", "--vm-size", "Standard_D2_v2", "--nodes", "1", "--description", "try <this> & that"}},
		tc{"create custom vnet", append([]string{"create", "--compute-type", "AKS", "-n", "aks-vnet"}, vnet...)},
		tc{"create internal lb with subnet", append([]string{"create", "--compute-type", "AKS", "-n", "aks-ilb", "--load-balancer", "internal", "--load-balancer-subnet", "aks"}, vnet...)},
		tc{"create internal lb with own cert", append(append([]string{"create", "--compute-type", "AKS", "-n", "aks-ilb", "--load-balancer", "internal", "--load-balancer-subnet", "aks"}, vnet...), tlsModes[2].flags...)},
		tc{"create public lb with a stray subnet", []string{"create", "--compute-type", "AKS", "-n", "aks-stray", "--load-balancer", "public", "--load-balancer-subnet", "stray"}},
	)
	for _, p := range []struct {
		name    string
		cluster string
		flags   []string
	}{
		{"production", "aks-private", []string{"--purpose", "production"}},
		{"dev-test", "aks-small", []string{"--purpose", "devtest"}},
		{"purpose unset", "aks-private", nil},
	} {
		for _, m := range tlsModes {
			args := append([]string{"attach", "--compute-type", "AKS", "-n", "aks-att", "--cluster", p.cluster, "--cluster-resource-group", "rg-aks"}, p.flags...)
			cases = append(cases, tc{"attach " + p.name + ", " + m.name, append(args, m.flags...)})
		}
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, tap := tappedFactory(t)
			args := append(append([]string{}, c.args...), "-w", "mlw-prod")

			dry := runLine(t, f, append(args, "--dry-run", "-o", "json")...)
			if dry.code != 0 {
				t.Fatal(dry)
			}
			var printed struct {
				Request struct {
					Method, URL, Path string
					Body              json.RawMessage
				}
			}
			if err := json.Unmarshal([]byte(dry.out), &printed); err != nil {
				t.Fatalf("dry run output: %v\n%s", err, dry.out)
			}
			text := runLine(t, f, append(args, "--dry-run")...)
			if len(tap.sent()) != 0 {
				t.Fatal("the dry run sent a PUT")
			}

			wet := runLine(t, f, append(args, "--yes", "--no-wait", "-o", "json")...)
			if wet.code != 0 {
				t.Fatal(wet)
			}
			puts := tap.sent()
			if len(puts) != 1 {
				t.Fatalf("%d PUTs sent", len(puts))
			}
			got := puts[0]
			if printed.Request.Method != http.MethodPut || printed.Request.URL != got.url || !strings.HasSuffix(got.url, printed.Request.Path) {
				t.Errorf("printed %s %s (path %s)\n   sent PUT %s", printed.Request.Method, printed.Request.URL, printed.Request.Path, got.url)
			}
			if !strings.Contains(got.url, "?api-version=2024-04-01") {
				t.Errorf("api-version: %s", got.url)
			}
			want := jsonValue(t, got.body)
			if s := sslConfig(want); s != nil {
				for _, k := range []string{"cert", "key"} {
					if _, ok := s[k]; ok {
						s[k] = wizard.Redacted
					}
				}
			}
			if shown := jsonValue(t, printed.Request.Body); !reflect.DeepEqual(shown, want) {
				t.Errorf("the dry run printed another body than the one sent\nprinted %s\n   sent %s", printed.Request.Body, got.body)
			}

			// The text dry run starts with the same request.
			if !strings.HasPrefix(text.out, "PUT "+got.url+"\n") {
				t.Errorf("text dry run:\n%s", text.out)
			} else {
				b := strings.TrimPrefix(text.out, "PUT "+got.url+"\n")
				b = b[:strings.Index(b, "\n}\n")+2]
				if !reflect.DeepEqual(jsonValue(t, []byte(b)), want) {
					t.Errorf("text dry run body:\n%s", b)
				}
			}

			if strings.Contains(strings.Join(c.args, " "), "--ssl-cert-file") {
				s := sslConfig(jsonValue(t, got.body))
				if s["cert"] != string(cert) || s["key"] != string(key) {
					t.Errorf("the certificate and key files were not sent as read: %v", s)
				}
			}
			for _, out := range []string{dry.out, dry.err, text.out, text.err, wet.out, wet.err} {
				for _, secret := range []string{"-----BEGIN", string(key[40:80]), string(cert[40:80])} {
					if strings.Contains(out, secret) {
						t.Fatalf("printed %q:\n%s", secret, out)
					}
				}
			}
		})
	}
}

// TestKubernetesDryRunPrintsTheBodiesSent: the current path's dry run
// prints one request per phase (cluster, extension, attach); running the
// same command sends exactly those PUTs, in that order, with those bodies
// (protected settings redacted in the printed copy only), for a create
// with and without a certificate and for an attach that installs the
// extension.
func TestKubernetesDryRunPrintsTheBodiesSent(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, cert, key := tlsFiles(t, dir, "ml.contoso.com")
	cases := []struct {
		name string
		args []string
	}{
		{"create, plain HTTP", []string{"create", "-n", "k8s-dry", "--cluster", "aks-dry", "--allow-insecure-connections", "--purpose", "dev-test", "--nodes", "1", "--router", "nodeport"}},
		{"create, own certificate, private API", []string{"create", "-n", "k8s-tls", "--cluster", "aks-tls", "--api-access", "private", "--namespace", "team-a",
			"--ssl-cert-file", certFile, "--ssl-key-file", keyFile, "--ssl-cname", "ml.contoso.com"}},
		{"attach, installing the extension", []string{"attach", "-n", "k8s-att", "--cluster", "aks-ml-plain", "--cluster-resource-group", "rg-aks-ml",
			"--install-extension", "--allow-insecure-connections"}},
		// the failed instance is reinstalled under its own name
		{"attach, reinstalling a failed extension", []string{"attach", "-n", "k8s-re", "--cluster", "aks-ml-failed", "--cluster-resource-group", "rg-aks-ml",
			"--install-extension", "--allow-insecure-connections", "--router", "internal"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, tap := tappedFactory(t)
			args := append(append([]string{}, c.args...), "-w", "mlw-prod")
			dry := runLine(t, f, append(args, "--dry-run", "-o", "json")...)
			if dry.code != 0 {
				t.Fatal(dry)
			}
			var printed struct {
				Phases []struct {
					Kind    string
					Request struct {
						Method, Path string
						Body         json.RawMessage
					}
				}
			}
			if err := json.Unmarshal([]byte(dry.out), &printed); err != nil || len(printed.Phases) == 0 {
				t.Fatalf("dry run output: %v\n%s", err, dry.out)
			}
			if len(tap.sent()) != 0 {
				t.Fatal("the dry run sent a PUT")
			}
			if strings.Contains(dry.out, string(cert)) || strings.Contains(dry.out, string(key)) {
				t.Fatal("the dry run printed the certificate or key")
			}
			wet := runLine(t, f, append(args, "--yes")...)
			if wet.code != 0 {
				t.Fatal(wet)
			}
			puts := tap.sent()
			if len(puts) != len(printed.Phases) {
				t.Fatalf("%d PUTs sent, %d phases printed\n%s", len(puts), len(printed.Phases), wet)
			}
			for i, ph := range printed.Phases {
				got := puts[i]
				if ph.Kind == "extension" && strings.Contains(c.name, "reinstalling") &&
					!strings.Contains(got.url, "/managedClusters/aks-ml-failed/providers/Microsoft.KubernetesConfiguration/extensions/aml-inference?") {
					t.Errorf("the failed extension aml-inference was not reinstalled under its name: PUT %s", got.url)
				}
				if ph.Request.Method != http.MethodPut || !strings.HasSuffix(got.url, ph.Request.Path) {
					t.Errorf("phase %s: printed %s %s, sent PUT %s", ph.Kind, ph.Request.Method, ph.Request.Path, got.url)
				}
				sent := redactProtected(jsonValue(t, got.body))
				if shown := jsonValue(t, ph.Request.Body); !reflect.DeepEqual(shown, sent) {
					t.Errorf("phase %s: the dry run printed another body than the one sent\nprinted %s\n   sent %s", ph.Kind, ph.Request.Body, got.body)
				}
			}
		})
	}
}

// redactProtected replaces what a printed request hides: the values of the
// extension's protected settings.
func redactProtected(v any) any {
	m, _ := v.(map[string]any)
	props, _ := m["properties"].(map[string]any)
	if ps, ok := props["configurationProtectedSettings"].(map[string]any); ok {
		for k := range ps {
			ps[k] = wizard.Redacted
		}
	}
	return v
}
