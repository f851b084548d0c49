package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

func fakeFactory(c *wizardtest.Cloud) Factory {
	return func(ctx context.Context, g Globals) (*Session, error) {
		return &Session{Cloud: c, Demo: true, Notes: &NoteRelay{}, PollEvery: time.Millisecond,
			DefaultSubscription: wizardtest.Sub, SubscriptionSource: wizard.AzCLI}, nil
	}
}

func runTTY(t *testing.T, c *wizardtest.Cloud, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	s := Streams{In: strings.NewReader(stdin), Out: &out, Err: &errb, InTTY: true, OutTTY: true}
	code := Run(context.Background(), args, s, fakeFactory(c), "test")
	return code, out.String(), errb.String()
}

func TestAccessibleAsksMissingAnswersAsNumberedPrompts(t *testing.T) {
	t.Setenv("ACCESSIBLE", "")
	c := wizardtest.New()
	// workspace 1 (mlw-prod), a bad name, a taken name, a good name, confirm
	// workspace 1, purpose/region/size/nodes defaults, then names
	code, out, errs := runTTY(t, c, "1\n\n\n\n\n\n1bad\naks-inference\naks-acc\ny\n", "create", "--accessible", "--compute-type", "AKS")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"Workspace:", "  1. mlw-prod", "Enter a number between 1 and 2", "Cluster purpose:", "Region [eastus]:",
		"VM size [Standard_D3_v2]", "Standard_D3_v2 has 4 vCPUs: 3 nodes or more", "Node count [3]:", "name: must start with a letter",
		"already used in this workspace", "az ml computetarget create aks", "Submit the create of aks-acc? [y/N]"} {
		if !strings.Contains(errs, want) {
			t.Errorf("prompts lack %q:\n%s", want, errs)
		}
	}
	if len(c.Specs) != 1 || c.Specs[0].Name != "aks-acc" || c.Specs[0].VMSize != "Standard_D3_v2" || c.Specs[0].Nodes != 3 {
		t.Fatalf("sent %+v", c.Specs)
	}
	if strings.Contains(errs, "\x1b[") || strings.Contains(out, "\x1b[") {
		t.Fatal("escape codes in accessible output")
	}
}

func TestAccessibleDeclineSendsNothing(t *testing.T) {
	c := wizardtest.New()
	code, _, errs := runTTY(t, c, "1\n\n\n\n\n\naks-acc\nn\n", "create", "--accessible", "--compute-type", "AKS")
	if code != 0 || len(c.Specs) != 0 || !strings.Contains(errs, "nothing was sent") {
		t.Fatalf("exit %d, %d sent\n%s", code, len(c.Specs), errs)
	}
}

func TestAccessibleAttachPicksCluster(t *testing.T) {
	c := wizardtest.New()
	// workspace 1, cluster 2 (aks-private), name, confirm
	code, _, errs := runTTY(t, c, "1\n2\n\naks-priv\ny\n", "attach", "--accessible", "--compute-type", "AKS")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "AKS cluster to attach:") || !strings.Contains(errs, "INFO") {
		t.Fatalf("prompts:\n%s", errs)
	}
	if len(c.Specs) != 1 || !strings.HasSuffix(c.Specs[0].ClusterID, "/aks-private") {
		t.Fatalf("sent %+v", c.Specs)
	}
}

func TestAccessibleEndOfInputIsAnError(t *testing.T) {
	c := wizardtest.New()
	code, _, errs := runTTY(t, c, "1\n", "create", "--accessible", "--compute-type", "AKS")
	if code == 0 || len(c.Specs) != 0 || !strings.Contains(errs, "no answer") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}

func TestNoTTYNeverPrompts(t *testing.T) {
	c := wizardtest.New()
	var out, errb bytes.Buffer
	s := Streams{In: strings.NewReader("1\naks-x\ny\n"), Out: &out, Err: &errb}
	code := Run(context.Background(), []string{"create", "--accessible"}, s, fakeFactory(c), "test")
	if code != 2 || !strings.Contains(errb.String(), "--name: missing") || !strings.Contains(errb.String(), "--workspace: missing") {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
	if len(c.Specs) != 0 {
		t.Fatal("sent without answers")
	}
}

func TestCompletionAndUsageErrors(t *testing.T) {
	c := wizardtest.New()
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, errs := runTTY(t, c, "", "completion", sh)
		if code != 0 || !strings.Contains(out, "amlaks") {
			t.Errorf("completion %s: exit %d %s", sh, code, errs)
		}
	}
	code, _, errs := runTTY(t, c, "", "create", "--nodez", "3")
	if code != 2 || !strings.Contains(errs, "unknown flag: --nodez") {
		t.Fatalf("unknown flag: exit %d %s", code, errs)
	}
	code, _, errs = runTTY(t, c, "", "list", "-o", "yaml")
	if code != 2 || !strings.Contains(errs, "--output: must be table or json") {
		t.Fatalf("bad output: exit %d %s", code, errs)
	}
}

func TestFailedOperationExit1WithHint(t *testing.T) {
	c := wizardtest.New()
	c.Outcome = &wizard.Error{Kind: wizard.ErrQuota, Code: "QuotaExceeded", Message: "exceeding approved standardDv2Family Cores quota", Hint: "request a quota increase"}
	var out, errb bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	code := Run(context.Background(), []string{"create", "-w", "mlw-prod", "-n", "aks-q", "--yes", "--compute-type", "AKS"}, s, fakeFactory(c), "test")
	if code != 1 || !strings.Contains(errb.String(), "QuotaExceeded") || !strings.Contains(errb.String(), "hint: request a quota increase") {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	c.Outcome = &wizard.Error{Kind: wizard.ErrQuota, Code: "QuotaExceeded", Message: "x", Hint: "h"}
	code = Run(context.Background(), []string{"create", "-w", "mlw-prod", "-n", "aks-q2", "--yes", "-o", "json", "--compute-type", "AKS"}, s, fakeFactory(c), "test")
	if code != 1 || !strings.Contains(out.String(), `"code": "QuotaExceeded"`) || !strings.Contains(out.String(), `"hint": "h"`) {
		t.Fatalf("json failure: exit %d\n%s", code, out.String())
	}
}

func TestAccessibleWizardAsksAndChecksEachAnswer(t *testing.T) {
	c := wizardtest.New()
	// mode 1 (create), compute type 2 (AKS, legacy), workspace 1, dev-test, bad region then westeurope,
	// unknown size then D2_v2, 0 nodes then 1, name, confirm
	in := "1\n2\n1\n2\nmarsnorth\nwesteurope\nStandard_Nope\nStandard_D2_v2\n0\n1\n\naks-dev\ny\n"
	code, _, errs := runTTY(t, c, in, "--accessible")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"What do you want to do?", `unknown region "marsnorth"`, "vm-size: Standard_Nope is not offered in westeurope",
		"nodes: ", "1 node × 2 vCPUs = 2 vCPUs: enough for dev-test", "SIMULATED Azure", "Summary: create aks-dev in mlw-prod: Dev-test, westeurope, 1 × Standard_D2_v2"} {
		if !strings.Contains(errs, want) {
			t.Errorf("lacks %q:\n%s", want, errs)
		}
	}
	if len(c.Specs) != 1 {
		t.Fatalf("sent %d", len(c.Specs))
	}
	sp := c.Specs[0]
	if sp.Purpose != "DevTest" || sp.ComputeLocation != "westeurope" || sp.VMSize != "Standard_D2_v2" || sp.Nodes != 1 || sp.Name != "aks-dev" {
		t.Fatalf("spec %+v", sp)
	}
}

func TestAccessibleBrowseAndList(t *testing.T) {
	c := wizardtest.New()
	code, out, errs := runTTY(t, c, "3\nwesteurope\n", "--accessible")
	if code != 0 || !strings.Contains(out, "KubernetesVersion") || !strings.Contains(out, "1.32.4") {
		t.Fatalf("browse: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runTTY(t, c, "4\n1\n", "--accessible")
	if code != 0 || !strings.Contains(out, "aks-inference") || strings.Contains(errs, "Compute name") {
		t.Fatalf("list: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestAccessibleSizeThatCannotFitIsAskedAgain(t *testing.T) {
	c := wizardtest.New()
	// workspace 1, production, eastus, a GPU size with quota 0, then D3_v2, 3 nodes, name, confirm
	code, _, errs := runTTY(t, c, "1\n\n\nStandard_NC6s_v3\nStandard_D3_v2\n\n\naks-ok\ny\n", "create", "--accessible", "--compute-type", "AKS")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "note: GPU/FPGA sizes must be chosen now") || !strings.Contains(errs, "quota: even the smallest production cluster (3 × Standard_NC6s_v3) does not fit") {
		t.Fatalf("prompts:\n%s", errs)
	}
	if len(c.Specs) != 1 || c.Specs[0].VMSize != "Standard_D3_v2" {
		t.Fatalf("sent %+v", c.Specs)
	}
}

// blockingReader never answers, like a terminal nobody types into.
type blockingReader struct{ ch chan struct{} }

func (b blockingReader) Read([]byte) (int, error) { <-b.ch; return 0, io.EOF }

func TestAccessibleCtrlCExits130(t *testing.T) {
	c := wizardtest.New()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb bytes.Buffer
	in := blockingReader{make(chan struct{})}
	defer close(in.ch)
	s := Streams{In: in, Out: &out, Err: &errb, InTTY: true, OutTTY: true}
	done := make(chan int)
	go func() { done <- Run(ctx, []string{"--accessible"}, s, fakeFactory(c), "test") }()
	time.Sleep(50 * time.Millisecond)
	cancel() // what SIGINT does through signal.NotifyContext
	select {
	case code := <-done:
		if code != 130 || !strings.Contains(errb.String(), "amlaks: interrupted") {
			t.Fatalf("exit %d\n%s", code, errb.String())
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Ctrl+C did not end the prompt")
	}
}

func TestAccessibleAdvancedNetworkAndTLS(t *testing.T) {
	c := wizardtest.New()
	dir := t.TempDir()
	cert, key := dir+"/c.pem", dir+"/k.pem"
	wizardtest.WriteCert(t, cert, key)
	in := strings.Join([]string{
		"1", "", "", "", "", // workspace, purpose, region, size, nodes
		"y",                                                     // advanced
		"rg-net", "vnet1", "aks", "10.0.0.0/16", "10.0.0.0", "", // DNS = first address: refused
		"2", "", // internal LB, subnet default
		"rg-net", "vnet1", "aks", "", "", "", "2", "", // defaults pass
		"2",                              // Microsoft cert with an internal LB: refused at once
		"3", cert, key, "ml.contoso.com", // own certificate
		"aks-adv", "y", ""}, "\n")
	code, _, errs := runTTY(t, c, in, "create", "--accessible", "--compute-type", "AKS")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"dns-service-ip: 10.0.0.0 is the first address", "ssl: a Microsoft certificate does not work with an internal load balancer", "Summary: create aks-adv in mlw-prod", "custom VNet vnet1/aks", "TLS with your certificate for ml.contoso.com"} {
		if !strings.Contains(errs, want) {
			t.Errorf("lacks %q:\n%s", want, errs)
		}
	}
	if len(c.Specs) != 1 {
		t.Fatalf("sent %d", len(c.Specs))
	}
	sp := c.Specs[0]
	if sp.Network.LoadBalancer != "InternalLoadBalancer" || sp.Network.LoadBalancerSubnet != "aks" || sp.Network.DNSServiceIP != "10.0.0.10" ||
		sp.TLS.Mode != 2 || len(sp.TLS.KeyPEM) == 0 || sp.TLS.CNAME != "ml.contoso.com" {
		t.Fatalf("spec %+v", sp)
	}
	if strings.Contains(errs, "PRIVATE KEY") {
		t.Fatal("key material on screen")
	}
}

func TestAccessibleVNetFieldsCheckedAsGiven(t *testing.T) {
	c := wizardtest.New()
	in := strings.Join([]string{"1", "", "", "", "", "y",
		"rg-net", "vnet1", "aks", "10.0.0.0/33", "", "nope", "", "", // bad CIDR and bad IP asked again at once
		"1", // public LB
		"1", // TLS off
		"aks-net", "y", ""}, "\n")
	code, _, errs := runTTY(t, c, in, "create", "--accessible", "--compute-type", "AKS")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "service-cidr: ") || !strings.Contains(errs, `dns-service-ip: 'nope' is not an IP address`) {
		t.Fatalf("prompts:\n%s", errs)
	}
	if len(c.Specs) != 1 || c.Specs[0].Network.ServiceCIDR != "10.0.0.0/16" || c.Specs[0].Network.DNSServiceIP != "10.0.0.10" {
		t.Fatalf("sent %+v", c.Specs)
	}
}

func TestAccessibleAttachRefusesBlockedClusterAndAsksAgain(t *testing.T) {
	c := wizardtest.New()
	// workspace 1, aks-shared (blocked: already attached), then aks-private, no advanced, name, confirm
	code, _, errs := runTTY(t, c, "1\n1\n2\n\naks-priv\ny\n", "attach", "--accessible", "--compute-type", "AKS")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"[block] aks-shared", "[ok] aks-private", "already attached as aks-inference in mlw-prod", "aks-shared cannot be attached as production: pick another cluster"} {
		if !strings.Contains(errs, want) {
			t.Errorf("lacks %q:\n%s", want, errs)
		}
	}
	if len(c.Specs) != 1 || !strings.HasSuffix(c.Specs[0].ClusterID, "/aks-private") {
		t.Fatalf("sent %+v", c.Specs)
	}
}

func TestAccessibleBrowseAsksRegionAgain(t *testing.T) {
	c := wizardtest.New()
	code, out, errs := runTTY(t, c, "3\n1\nwesteurope\n", "--accessible")
	if code != 0 || !strings.Contains(errs, `unknown region "1"`) || !strings.Contains(out, "KubernetesVersion") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
}

func TestArgErrorIsJSONWithOutputJSON(t *testing.T) {
	c := wizardtest.New()
	var out, errb bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	code := Run(context.Background(), []string{"status", "-w", "mlw-prod", "-o", "json"}, s, fakeFactory(c), "test")
	if code != 2 || !strings.Contains(out.String(), `"code": "InvalidInput"`) || !strings.Contains(out.String(), "--name") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
	}
}
