package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// runPiped runs amlaks with stdin a pipe (no terminal), as
// `printf ... | amlaks --accessible` does.
func runPiped(t *testing.T, c *wizardtest.Cloud, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	s := Streams{In: strings.NewReader(stdin), Out: &out, Err: &errb}
	code := Run(context.Background(), args, s, fakeFactory(c), "test")
	return code, out.String(), errb.String()
}

// asked lists the step questions printed ("3/7 Cluster purpose" → "Cluster
// purpose"; "Subscription"), in order.
func asked(errs string) []string {
	var out []string
	for _, l := range strings.Split(errs, "\n") {
		if l == "Subscription " {
			out = append(out, "Subscription")
		}
		if m := questionRE.FindStringSubmatch(l); m != nil && !views[m[1]] {
			out = append(out, m[1])
		}
	}
	return out
}

// views are the steps that show and ask nothing of their own.
var views = map[string]bool{}

func init() {
	for _, s := range wizard.Steps() {
		views[s.Title] = views[s.Title] || s.Kind == wizard.KindView
	}
}

var questionRE = regexp.MustCompile(`^\d+/\d+ ([A-Z][A-Za-z -]*[A-Za-z])(?: \[[^]]*\])?(?::| |$)`)

func TestAccessiblePipedAttachAsksPurposeBeforeCluster(t *testing.T) {
	c := wizardtest.New()
	// workspace 1, attach, dev-test, aks-small, public load balancer, TLS off, name, submit
	code, out, errs := runPiped(t, c, "1\n2\n2\n3\n1\n1\naks-dev\ny\n", "--accessible", "--compute-type", "AKS")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if got, want := asked(errs), []string{"Workspace", "Mode", "Cluster purpose", "Cluster", "Networking", "TLS", "Name"}; !slices.Equal(got, want) {
		t.Errorf("questions %q, want %q\n%s", got, want, errs)
	}
	if strings.Contains(errs, "about 10 minutes") || strings.Contains(errs, "about 5 minutes") {
		t.Errorf("the Mode question names a fixed time, before the compute type is known:\n%s", errs)
	}
	for _, want := range []string{"4/9 Cluster purpose", "[ok] aks-small", "Summary: attach aks-small (eastus) to mlw-prod as aks-dev, Dev-test", "Submit the attach of aks-dev? [y/N]"} {
		if !strings.Contains(errs, want) {
			t.Errorf("lacks %q:\n%s", want, errs)
		}
	}
	if len(c.Specs) != 1 || c.Specs[0].Purpose != "DevTest" || !strings.HasSuffix(c.Specs[0].ClusterID, "/aks-small") || c.Specs[0].Name != "aks-dev" {
		t.Fatalf("sent %+v", c.Specs)
	}
	if strings.Contains(errs+out, "\x1b[") {
		t.Fatal("escape codes in accessible output")
	}

	// as production, aks-small is refused with the rule's message and
	// asked again at once; "Back" (the TUI's Esc) returns to the purpose,
	// keeping the answers before it
	c = wizardtest.New()
	code, _, errs = runPiped(t, c, "1\n2\n1\n3\n13\n2\n3\n1\n1\naks-dev\ny\n", "--accessible", "--compute-type", "AKS")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if !strings.Contains(errs, "[block] aks-small") || !strings.Contains(errs, "aks-small: production needs 12 vCPUs") || !strings.Contains(errs, "13. Back to 4/9 Cluster purpose") {
		t.Fatalf("blocked cluster not asked again with the reason and a way back:\n%s", errs)
	}
	if got, want := asked(errs), []string{"Workspace", "Mode", "Cluster purpose", "Cluster", "Cluster purpose", "Cluster", "Networking", "TLS", "Name"}; !slices.Equal(got, want) {
		t.Errorf("questions %q, want %q\n%s", got, want, errs)
	}
	if len(c.Specs) != 1 || c.Specs[0].Purpose != "DevTest" || !strings.HasSuffix(c.Specs[0].ClusterID, "/aks-small") {
		t.Fatalf("sent %+v", c.Specs)
	}
}

// createScript answers the create flow from the top: workspace 1, create,
// production, eastus, Standard_D3_v2, 3 nodes (Enter keeps each current
// answer), then networking, TLS off, the name and submit.
func createScript(network ...string) string {
	lines := append([]string{"1", "1", "", "", "", ""}, network...)
	return strings.Join(append(lines, "1", "aks-net", "y", ""), "\n")
}

func TestAccessibleBadDNSIPAsksThatFieldAgainOnly(t *testing.T) {
	c := wizardtest.New()
	in := createScript("2", "rg-net", "vnet1", "aks", "", "10.0.0.0", "", "", "1") // DNS = the range's first address
	code, _, errs := runPiped(t, c, in, "--accessible", "--compute-type", "AKS")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if n := strings.Count(errs, "DNS service IP [10.0.0.10]:"); n != 2 {
		t.Errorf("DNS question asked %d times, want 2:\n%s", n, errs)
	}
	for _, q := range []string{"VNet resource group:", "VNet name:", "Subnet name:", "Service CIDR [10.0.0.0/16]:", "Docker bridge CIDR [172.17.0.1/16]:"} {
		if n := strings.Count(errs, q); n != 1 {
			t.Errorf("%q asked %d times, want 1", q, n)
		}
	}
	if !strings.Contains(errs, "dns-service-ip: 10.0.0.0 is the first address") {
		t.Errorf("no reason given:\n%s", errs)
	}
	if len(c.Specs) != 1 {
		t.Fatalf("sent %d", len(c.Specs))
	}
	n := c.Specs[0].Network
	if n.VNetResourceGroup != "rg-net" || n.VNet != "vnet1" || n.Subnet != "aks" || n.ServiceCIDR != "10.0.0.0/16" || n.DNSServiceIP != "10.0.0.10" || n.DockerBridgeCIDR != "172.17.0.1/16" {
		t.Fatalf("earlier answers lost: %+v", n)
	}
}

func TestAccessibleVNetValuesCheckedAsGiven(t *testing.T) {
	c := wizardtest.New()
	// a bad CIDR, a bad IP and a bridge overlapping the service range are
	// each asked again at once
	in := createScript("2", "rg-net", "vnet1", "aks", "10.0.0.0/33", "", "nope", "", "10.0.0.0/24", "", "1")
	code, _, errs := runPiped(t, c, in, "--accessible", "--compute-type", "AKS")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"service-cidr: ", "dns-service-ip: 'nope' is not an IP address", "overlaps the Docker bridge CIDR"} {
		if !strings.Contains(errs, want) {
			t.Errorf("lacks %q:\n%s", want, errs)
		}
	}
	if len(c.Specs) != 1 || c.Specs[0].Network.ServiceCIDR != "10.0.0.0/16" || c.Specs[0].Network.DockerBridgeCIDR != "172.17.0.1/16" {
		t.Fatalf("sent %+v", c.Specs)
	}
}

func TestAccessibleCreateThroughEveryStep(t *testing.T) {
	c := wizardtest.New()
	home := t.TempDir()
	t.Setenv("HOME", home)
	wizardtest.WriteCert(t, home+"/c.pem", home+"/k.pem")
	in := strings.Join([]string{
		"1", "1", "2", // mlw-prod, create, dev-test
		"3",      // region westeurope (the workspace's is eastus)
		"2",      // Standard_D2_v2 (the restricted Standard_M8ms is left out)
		"0", "1", // 0 nodes: asked again; 1
		"2", "rg-net", "vnet1", "aks", "", "", "", // custom VNet, defaults
		"2", "", // internal load balancer, its subnet = the VNet's
		"2",                                                       // a Microsoft certificate with an internal LB: asked again
		"3", "~/c.pem", "~/nope.pem", "~/k.pem", "ml.contoso.com", // own certificate; a missing key file asked again
		"1bad", "aks-inference", "aks-all", // bad name, taken name, good name
		"maybe", "y", ""}, "\n")
	code, out, errs := runTTY(t, c, in, "--accessible", "--compute-type", "AKS")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	want := []string{"Workspace", "Mode", "Cluster purpose", "Region", "VM size", "Node count", "Networking", "TLS", "Name"}
	if got := slices.Compact(asked(errs)); !slices.Equal(got, want) {
		t.Errorf("questions %q, want %q\n%s", got, want, errs)
	}
	for _, s := range []string{"6/12 Kubernetes version", "a create in westeurope gets Kubernetes 1.32", "12/12 Review",
		"1 size not available to this subscription in westeurope left out", "must be 1 or more", "a Microsoft certificate does not work with an internal load balancer",
		"ssl-key-file: cannot read " + home + "/nope.pem", "must start with a letter", "aks-inference is already used in mlw-prod",
		"invalid input", "Summary: create aks-all in mlw-prod: Dev-test, westeurope, 1 × Standard_D2_v2, custom VNet vnet1/aks, TLS with your certificate for ml.contoso.com",
		"Request: PUT https://management.example/subscriptions/", `"fake": "wizardtest"`, "az ml computetarget create aks"} {
		if !strings.Contains(errs, s) {
			t.Errorf("lacks %q:\n%s", s, errs)
		}
	}
	if strings.Contains(errs, "PRIVATE KEY") {
		t.Fatal("key material on screen")
	}
	if len(c.Specs) != 1 {
		t.Fatalf("sent %d", len(c.Specs))
	}
	sp := c.Specs[0]
	if sp.Name != "aks-all" || sp.Purpose != "DevTest" || sp.ComputeLocation != "westeurope" || sp.Location != "eastus" || sp.VMSize != "Standard_D2_v2" || sp.Nodes != 1 ||
		sp.Network.LoadBalancer != "InternalLoadBalancer" || sp.Network.LoadBalancerSubnet != "aks" || sp.TLS.CNAME != "ml.contoso.com" || len(sp.TLS.KeyPEM) == 0 || len(sp.TLS.CertPEM) == 0 {
		t.Fatalf("spec %+v", sp)
	}
	if !strings.Contains(out, "aks-all") || !strings.Contains(out, "Succeeded") {
		t.Fatalf("no result on stdout:\n%s", out)
	}
}

// allFlags answer every step of the create and attach flows that has a
// flag, step by step.
var allFlags = map[wizard.StepID][]string{
	wizard.StepSubscription: {"--subscription", wizardtest.Sub},
	wizard.StepWorkspace:    {"-w", "mlw-prod"},
	wizard.StepPurpose:      {"--purpose", "devtest"},
	wizard.StepRegion:       {"--region", "eastus"},
	wizard.StepVMSize:       {"--vm-size", "Standard_D3_v2"},
	wizard.StepNodes:        {"--nodes", "3"},
	wizard.StepNetwork:      {"--load-balancer", "public"},
	wizard.StepCluster:      {"--cluster", "aks-private"},
	wizard.StepTLS:          {"--ssl-leaf-domain-label", "myscoring"},
	wizard.StepName:         {"-n", "aks-gen"},
	wizard.StepComputeType:  {"--compute-type", "AKS"},
}

// answering is stdin that answers each question when it is asked: the
// first option (or Enter) everywhere but the mode, the cluster, the name
// and the submit; it ends after 40 answers.
type answering struct {
	out     *syncBuffer
	mode    wizard.Mode
	n       int
	pending []byte
}

func (r *answering) Read(p []byte) (int, error) {
	if len(r.pending) == 0 {
		if r.n++; r.n > 40 {
			return 0, io.EOF
		}
		r.pending = []byte(r.answer(r.out.String()) + "\n")
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

func (r *answering) answer(out string) string {
	lines := strings.Split(out, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if strings.HasPrefix(l, "Submit the ") {
			return "y"
		}
		if l == "Subscription " {
			return "1"
		}
		if m := questionRE.FindStringSubmatch(l); m != nil {
			switch m[1] {
			case "Mode":
				return map[wizard.Mode]string{wizard.ModeCreate: "1", wizard.ModeAttach: "2"}[r.mode]
			case "Cluster":
				return "2" // aks-private
			case "Name":
				return "aks-gen"
			case "Workspace":
				return "1"
			case "Compute type":
				return "2" // the legacy flow these flags answer
			}
			return ""
		}
	}
	return ""
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestAccessibleAsksEachStepUnlessItsFlagAnswersIt is generated from the
// table: for every step of the create and attach flows that answers a
// field, the accessible mode asks it (and nothing else) when every other
// step is answered by its flag, and asks nothing when its flag is given
// too; the question is the step's Title.
func TestAccessibleAsksEachStepUnlessItsFlagAnswersIt(t *testing.T) {
	run := func(t *testing.T, mode wizard.Mode, skip wizard.StepID) []string {
		t.Helper()
		c := wizardtest.New()
		f := fakeFactory(c)
		args := []string{"--accessible", string(mode)}
		switch skip {
		case wizard.StepMode:
			args = []string{"--accessible"} // the command gives the mode
		case wizard.StepSubscription:
			c.Subs[0].Default = false // no az CLI default
			f = func(ctx context.Context, g Globals) (*Session, error) {
				return &Session{Cloud: c, Notes: &NoteRelay{}, PollEvery: time.Millisecond}, nil
			}
		}
		for _, id := range legacyFlow(mode) {
			if id != skip && skip != wizard.StepMode && allFlags[id] != nil {
				args = append(args, allFlags[id]...)
			}
		}
		var errb syncBuffer
		var out bytes.Buffer
		in := &answering{out: &errb, mode: mode}
		code := Run(context.Background(), args, Streams{In: in, Out: &out, Err: &errb, InTTY: true, OutTTY: true}, f, "test")
		if code != 0 || len(c.Specs) != 1 {
			t.Fatalf("%v: exit %d, %d sent\n%s", args, code, len(c.Specs), errb.String())
		}
		return asked(errb.String())
	}
	for _, mode := range []wizard.Mode{wizard.ModeCreate, wizard.ModeAttach} {
		t.Run(string(mode)+"/all-given", func(t *testing.T) {
			if got := run(t, mode, ""); len(got) != 0 {
				t.Fatalf("asked %q with every flag given", got)
			}
		})
		for _, id := range legacyFlow(mode) {
			st := wizard.StepOf(id)
			// the legacy flags (--load-balancer, --ssl-leaf-domain-label)
			// already say the compute type: it cannot be left to ask here
			if st.Field == "" || id == wizard.StepComputeType {
				continue
			}
			t.Run(string(mode)+"/"+string(id), func(t *testing.T) {
				got := run(t, mode, id)
				if !slices.Contains(got, st.Title) {
					t.Fatalf("%s not asked (asked %q)", st.Title, got)
				}
				if id != wizard.StepMode && len(slices.Compact(got)) != 1 {
					t.Fatalf("asked %q, want only %q", got, st.Title)
				}
			})
		}
	}
}

func TestAccessibleYesNoTakesOnlyYesOrNo(t *testing.T) {
	args := []string{"create", "--accessible", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-m", "--purpose", "devtest", "--region", "eastus", "--vm-size", "Standard_D2_v2",
		"--nodes", "1", "--load-balancer", "public", "--ssl-leaf-domain-label", "myscoring"}
	for _, tc := range []struct {
		in   string
		sent int
	}{{"maybe\nNO\n", 0}, {"maybe\nYes\n", 1}, {"\n", 0}} {
		c := wizardtest.New()
		code, _, errs := runPiped(t, c, tc.in, args...)
		if code != 0 || len(c.Specs) != tc.sent {
			t.Fatalf("%q: exit %d, %d sent\n%s", tc.in, code, len(c.Specs), errs)
		}
		if q := strings.Count(errs, "Submit the create of aks-m? [y/N]"); q != strings.Count(tc.in, "\n") {
			t.Errorf("%q: asked %d times\n%s", tc.in, q, errs)
		}
		if strings.HasPrefix(tc.in, "maybe") && !strings.Contains(errs, "invalid input") {
			t.Errorf("%q: maybe not refused\n%s", tc.in, errs)
		}
	}
}

func TestAccessibleEndOfInputExits130(t *testing.T) {
	c := wizardtest.New()
	code, _, errs := runPiped(t, c, "1\n", "create", "--accessible", "--compute-type", "AKS", "--compute-type", "AKS")
	if code != ExitInterrupted || len(c.Specs) != 0 || !strings.Contains(errs, "amlaks: end of input at Cluster purpose: nothing was sent") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	// a last line without a newline is still an answer
	c = wizardtest.New()
	code, _, errs = runPiped(t, c, "y", "create", "--accessible", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-e", "--purpose", "devtest", "--region", "eastus",
		"--vm-size", "Standard_D2_v2", "--nodes", "1", "--load-balancer", "public", "--ssl-leaf-domain-label", "myscoring")
	if code != 0 || len(c.Specs) != 1 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}

func TestAccessibleFailingFlagIsAskedWithTheReason(t *testing.T) {
	c := wizardtest.New()
	// purpose, region, size kept; --nodes 2 fails for production: asked
	code, _, errs := runPiped(t, c, "\n\n\n3\n\n\n\ny\n", "create", "--accessible", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-n", "--nodes", "2")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	why := strings.Index(errs, "--nodes 2: production needs 12 vCPUs at least")
	q := strings.Index(errs, "8/12 Node count [2]:")
	if why < 0 || q < why {
		t.Fatalf("reason not shown before the question:\n%s", errs)
	}
	if len(c.Specs) != 1 || c.Specs[0].Nodes != 3 {
		t.Fatalf("sent %+v", c.Specs)
	}

	// a restricted --vm-size: shown (and refused) among the sizes, then 2
	c = wizardtest.New()
	code, _, errs = runPiped(t, c, "\n\n2\n\n\n\n\ny\n", "create", "--accessible", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-n", "--purpose", "devtest", "--vm-size", "standard_m8ms")
	if code != 0 || !strings.Contains(errs, "--vm-size Standard_M8ms: Standard_M8ms: not available for this subscription in eastus") ||
		strings.Count(errs, "Standard_M8ms  8 vCPUs") != 1 || strings.Count(errs, "Enter a number between 1 and 8") != 2 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if len(c.Specs) != 1 || c.Specs[0].VMSize != "Standard_D2_v2" {
		t.Fatalf("sent %+v", c.Specs)
	}
}

func TestAccessibleWithoutAnswersNeverPrompts(t *testing.T) {
	c := wizardtest.New()
	code, _, errs := runPiped(t, c, "", "create", "--accessible", "--compute-type", "AKS", "--compute-type", "AKS")
	if code != 2 || !strings.Contains(errs, "--name: missing") || !strings.Contains(errs, "--workspace: missing") || strings.Contains(errs, "Enter a number") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	code, _, errs = runPiped(t, c, "", "--accessible", "--compute-type", "AKS")
	if code != 2 || !strings.Contains(errs, "needs a terminal") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	// without --accessible, piped answers never start any prompt
	code, _, errs = runPiped(t, c, "1\n1\n", "create")
	if code != 2 || strings.Contains(errs, "Enter a number") || len(c.Specs) != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}

func TestAccessibleBrowseAndList(t *testing.T) {
	c := wizardtest.New()
	code, out, errs := runPiped(t, c, "1\n3\nmarsnorth\nwesteurope\n", "--accessible", "--compute-type", "AKS")
	if code != 0 || !strings.Contains(errs, `unknown region "marsnorth"`) || !strings.Contains(out, "KubernetesVersion") || !strings.Contains(out, "1.32.4") {
		t.Fatalf("browse: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runPiped(t, c, "1\n4\n", "--accessible", "--compute-type", "AKS")
	if code != 0 || !strings.Contains(out, "aks-inference") || strings.Contains(errs, "Name") {
		t.Fatalf("list: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestAccessibleSizeThatCannotFitIsAskedAgain(t *testing.T) {
	c := wizardtest.New()
	// production; Standard_NC6s_v3 (GPU quota 0) refused, then Enter keeps Standard_D3_v2
	code, _, errs := runPiped(t, c, "1\n\n\n6\n\n\n\n\n\naks-ok\ny\n", "create", "--accessible", "--compute-type", "AKS", "--compute-type", "AKS")
	if code != 0 || !strings.Contains(errs, "even the smallest production cluster (3 × Standard_NC6s_v3) does not fit the quota") {
		t.Fatalf("exit %d\n%s", code, errs)
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
	var out, errb syncBuffer
	in := blockingReader{make(chan struct{})}
	defer close(in.ch)
	s := Streams{In: in, Out: &out, Err: &errb, InTTY: true, OutTTY: true}
	done := make(chan int)
	go func() { done <- Run(ctx, []string{"--accessible"}, s, fakeFactory(c), "test") }()
	waitFor(t, &errb, "Enter a number")
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

func waitFor(t *testing.T, b *syncBuffer, s string) {
	t.Helper()
	for i := 0; i < 300; i++ {
		if strings.Contains(b.String(), s) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("never saw %q:\n%s", s, b.String())
}

func TestAccessibleCtrlCWhileWatchingAsksStopOrKeep(t *testing.T) {
	c := wizardtest.New()
	sig := make(chan os.Signal, 4)
	old := interrupts
	interrupts = func() (<-chan os.Signal, func()) { return sig, func() {} }
	defer func() { interrupts = old }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	inR, inW := io.Pipe()
	defer inW.Close()
	var out, errb syncBuffer
	s := Streams{In: inR, Out: &out, Err: &errb, InTTY: true, OutTTY: true}
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"create", "--accessible", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-w", "--purpose", "devtest", "--region", "eastus",
			"--vm-size", "Standard_D2_v2", "--nodes", "1", "--load-balancer", "public", "--ssl-leaf-domain-label", "myscoring"}, s,
			func(ctx context.Context, g Globals) (*Session, error) {
				return &Session{Cloud: running{c}, Demo: true, Notes: &NoteRelay{}, DefaultSubscription: wizardtest.Sub, SubscriptionSource: wizard.AzCLI}, nil
			}, "test")
	}()
	waitFor(t, &errb, "Submit the create of aks-w?")
	io.WriteString(inW, "y\n")
	waitFor(t, &errb, "accepted by Azure")
	cancel() // Ctrl+C: the context and the signal
	sig <- os.Interrupt
	waitFor(t, &errb, "Stop watching?")
	io.WriteString(inW, "1\n") // keep watching
	waitFor(t, &errb, "keep watching")
	sig <- os.Interrupt // asked again
	for strings.Count(errb.String(), "Stop watching?") < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	sig <- os.Interrupt // a second Ctrl+C while asked: stop
	select {
	case code := <-done:
		e := errb.String()
		if code != 130 || !strings.Contains(e, "lost track, the create of aks-w may still be running") || !strings.Contains(e, "amlaks --demo status aks-w -w mlw-prod") {
			t.Fatalf("exit %d\n%s", code, e)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("did not stop watching:\n%s", errb.String())
	}
	if len(c.Specs) != 1 {
		t.Fatalf("sent %d", len(c.Specs))
	}
}

// running is a Cloud whose operations run until watching stops.
type running struct{ *wizardtest.Cloud }

func (running) Follow(ctx context.Context, op wizard.Operation, _ time.Duration) <-chan wizard.Progress {
	ch := make(chan wizard.Progress, 1)
	ch <- wizard.Progress{State: "Creating"}
	go func() { <-ctx.Done(); close(ch) }()
	return ch
}

func TestAccessibleUnreadableCertFlagIsAskedKeepingTheFlags(t *testing.T) {
	c := wizardtest.New()
	dir := t.TempDir()
	wizardtest.WriteCert(t, dir+"/c.pem", dir+"/k.pem")
	// the TLS step opens on "your own certificate" with the flags' values:
	// Enter keeps the mode, the certificate and the CNAME; the key is fixed
	code, _, errs := runPiped(t, c, "\n\n"+dir+"/k.pem\n\ny\n", "create", "--accessible", "--compute-type", "AKS", "-w", "mlw-prod", "-n", "aks-c", "--purpose", "devtest",
		"--region", "eastus", "--vm-size", "Standard_D2_v2", "--nodes", "1", "--load-balancer", "public",
		"--ssl-cert-file", dir+"/c.pem", "--ssl-key-file", dir+"/missing.pem", "--ssl-cname", "ml.contoso.com")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	why, q := strings.Index(errs, "ssl-key-file: cannot read "+dir+"/missing.pem"), strings.Index(errs, "TLS \n")
	if why < 0 || q < why || !strings.Contains(errs, "CNAME [ml.contoso.com]:") {
		t.Fatalf("not asked with the reason and the flags' values:\n%s", errs)
	}
	if len(c.Specs) != 1 || c.Specs[0].TLS.CNAME != "ml.contoso.com" || len(c.Specs[0].TLS.KeyPEM) == 0 {
		t.Fatalf("sent %+v", c.Specs)
	}
}

func TestAccessibleBackFromWorkspaceOffersTheSubscriptions(t *testing.T) {
	c := wizardtest.New()
	c.WSs = append(c.WSs, wizard.Workspace{WorkspaceRef: wizard.WorkspaceRef{SubscriptionID: "00000000-0000-4000-8000-000000000002", ResourceGroup: "rg-sandbox", Name: "mlw-sandbox"},
		ID: "/subscriptions/00000000-0000-4000-8000-000000000002/resourceGroups/rg-sandbox/providers/Microsoft.MachineLearningServices/workspaces/mlw-sandbox", Region: "westus"})
	// the az CLI's subscription: workspace → Back → the Sandbox subscription,
	// whose only workspace is taken; list mode lists it
	code, out, errs := runPiped(t, c, "3\n2\n4\n", "--accessible", "--compute-type", "AKS")
	if code != 0 || !strings.Contains(errs, "3. Back to Subscription") || !strings.Contains(errs, "Contoso Sandbox (demo)") || !strings.Contains(errs, "no compute targets in mlw-sandbox") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if got, want := asked(errs), []string{"Workspace", "Subscription", "Mode"}; !slices.Equal(got, want) {
		t.Errorf("questions %q, want %q\n%s", got, want, errs)
	}
}

func TestAccessibleLessThanGoesBackFromALinePrompt(t *testing.T) {
	c := wizardtest.New()
	// node count 3, then at the name "<" goes back to the node count: 2
	code, _, errs := runPiped(t, c, "\n<\n2\naks-b\ny\n", "create", "--accessible", "--compute-type", "AKS", "-w", "mlw-prod", "--purpose", "devtest", "--region", "eastus",
		"--vm-size", "Standard_D2_v2", "--load-balancer", "public", "--ssl-leaf-domain-label", "myscoring")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if got, want := asked(errs), []string{"Node count", "Name", "Node count", "Name"}; !slices.Equal(got, want) || !strings.Contains(errs, "(< goes back to 8/12 Node count)") {
		t.Fatalf("questions %q, want %q\n%s", got, want, errs)
	}
	if len(c.Specs) != 1 || c.Specs[0].Nodes != 2 || c.Specs[0].Name != "aks-b" {
		t.Fatalf("sent %+v", c.Specs)
	}
}

// The accessible mode reads PEM files through the same capped reader as
// line mode: a directory or a device is refused by name, never read.
func TestAccessiblePEMThroughCappedReader(t *testing.T) {
	var pem []byte
	for _, path := range []string{t.TempDir(), "/dev/zero"} {
		p := path
		err := readPEM(context.Background(), "ssl-cert-file", &p, &pem)
		var v rules.Violation
		if !errors.As(err, &v) || v.Field != "ssl-cert-file" || !strings.Contains(v.Message, "not a PEM file") || pem != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
}

// TestAccessibleAsksAsTheWizard: through a pipe, on both compute types,
// the accessible mode numbers the steps as the wizard does (its own
// type's flow), asks what the wizard's forms ask (authorized ranges, the
// router's high availability) and Enter takes the wizard's preselection
// (the region's default version, not the preview; the node count the
// size and purpose need).
func TestAccessibleAsksAsTheWizard(t *testing.T) {
	t.Run("Kubernetes", func(t *testing.T) {
		c := wizardtest.New()
		// workspace 1, Kubernetes; Enter on purpose, region, version, size,
		// nodes; Enter on the router, HA off; Enter on TLS and namespace; the
		// name; Enter on the cluster's name (the compute's) and group;
		// authorized API access with a range
		in := "1\n1\n\n\n\n\n\n\n2\n\n\nk8s-acc\n\n\n2\n20.12.34.7\ny\n"
		code, out, errs := runTTY(t, c, in, "create", "--accessible")
		if code != 0 {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		wantInOrder(t, errs, "1/15 Workspace", "3/15 Compute type", "4/15 Cluster purpose", "5/15 Region", "6/15 Kubernetes version",
			"7/15 VM size", "8/15 Node count [3]", "9/15 Inference router", "9/15 Inference router: high availability", "10/15 TLS",
			"11/15 Namespace", "12/15 Name", "13/15 AKS cluster: AKS cluster name [k8s-acc]", "14/15 API server access",
			"14/15 API server access: authorized IP ranges", "15/15 Review")
		if len(c.ClusterSpecs) != 1 || len(c.ExtensionSpecs) != 1 {
			t.Fatalf("sent %d clusters, %d extensions", len(c.ClusterSpecs), len(c.ExtensionSpecs))
		}
		cs, es := c.ClusterSpecs[0], c.ExtensionSpecs[0]
		if cs.KubernetesVersion != "1.32.4" || cs.Nodes != 3 || cs.APIAccess != wizard.APIAuthorized || strings.Join(cs.AuthorizedRanges, ",") != "20.12.34.7/32" {
			t.Errorf("cluster %+v: want the region's default 1.32.4 on Enter, 3 nodes, authorized 20.12.34.7/32", cs)
		}
		if es.RouterHA || es.Router != wizard.RouterLoadBalancer {
			t.Errorf("extension %+v: want a public router without HA", es)
		}
	})
	t.Run("legacy AKS", func(t *testing.T) {
		c := wizardtest.New()
		// workspace 1, AKS, dev-test; Enter on region, size, nodes, network,
		// load balancer and TLS; the name
		in := "1\n2\n2\n\n\n\n\n\n\nakslegacy\ny\n"
		code, out, errs := runTTY(t, c, in, "create", "--accessible")
		if code != 0 {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		wantInOrder(t, errs, "1/15 Workspace", "3/15 Compute type", "4/12 Cluster purpose", "5/12 Region", "6/12 Kubernetes version",
			"7/12 VM size", "8/12 Node count [1]", "9/12 Networking", "10/12 TLS", "11/12 Name", "12/12 Review")
		if len(c.Specs) != 1 || c.Specs[0].Nodes != 1 || c.Specs[0].Purpose != rules.DevTest {
			t.Fatalf("sent %+v: want 1 dev-test node, as the wizard offers for Standard_D3_v2", c.Specs)
		}
	})
}

// wantInOrder fails unless each string appears in s after the previous.
func wantInOrder(t *testing.T, s string, want ...string) {
	t.Helper()
	rest := s
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("%q missing, or out of order, in:\n%s", w, s)
		}
		rest = rest[i+len(w):]
	}
}

// legacyFlow is the legacy AKS compute's flow of a mode.
func legacyFlow(m wizard.Mode) []wizard.StepID {
	return wizard.FlowFor(&wizard.Plan{Mode: m, ComputeType: wizard.ComputeAKS})
}

// TestAccessibleOffersEachStepsOffer walks the step table: at every step
// with an offer, Enter in the accessible mode takes wizard.Offer's value,
// the one the wizard preselects (TestWizardPreselectsEachStepsOffer).
func TestAccessibleOffersEachStepsOffer(t *testing.T) {
	for _, purpose := range []string{"production", "dev-test"} {
		c := wizardtest.New()
		// workspace 1, Kubernetes, then Enter on every question
		in := "1\n1\n" + strings.Repeat("\n", 9) + "k8s-offer\n" + strings.Repeat("\n", 3) + "y\n"
		code, out, errs := runTTY(t, c, in, "create", "--accessible", "--purpose", purpose)
		if code != 0 {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		// what the steps offer, from the same Known
		p := wizard.NewPlan(wizard.ModeCreate)
		wizard.FillFlags(p, "create", wizard.Given{"purpose": {purpose}})
		p.Subscription, p.Workspace, p.Region = wizardtest.Sub, wizardtest.WS, wizardtest.WS.Region
		var k wizard.Known
		if err := wizard.Fetch(context.Background(), c, p, []wizard.Load{wizard.LoadVersions, wizard.LoadSizes}, &k); err != nil {
			t.Fatal(err)
		}
		for _, st := range wizard.Steps() {
			if st.Offer == nil {
				continue
			}
			want := wizard.Offer(*p, st.ID, k)
			n, total := wizard.PositionFor(p, st.ID)
			label := fmt.Sprintf("%d/%d %s", n, total, st.Title)
			var got string
			switch st.Kind {
			case wizard.KindChoice:
				// the option marked (default) after the step's title
				rest := errs[strings.Index(errs, label):]
				for _, l := range strings.Split(rest, "\n") {
					if strings.HasSuffix(l, "(default)") || strings.HasSuffix(l, "(current)") {
						_, got, _ = strings.Cut(l, ". ")
						got, _, _ = strings.Cut(got, " ")
						break
					}
				}
			default:
				m := regexp.MustCompile(regexp.QuoteMeta(label) + ` \[([^\]]*)\]`).FindStringSubmatch(errs)
				if m != nil {
					got = m[1]
				}
			}
			if got != want || want == "" {
				t.Errorf("%s (%s): Enter takes %q, the step offers %q\n%s", st.ID, purpose, got, want, errs)
			}
		}
	}
}

// The TLS step on a Kubernetes plan offers the type's two modes, as the
// wizard's TLS step does (Variant().TLS.Modes) with its note: no Microsoft
// certificate; the second choice is your own certificate, sent to the
// extension with its CNAME.
func TestAccessibleKubernetesTLSOffersTheTypesModes(t *testing.T) {
	c := wizardtest.New()
	home := t.TempDir()
	t.Setenv("HOME", home)
	wizardtest.WriteCert(t, home+"/c.pem", home+"/k.pem")
	// workspace 1, Kubernetes; Enter up to the TLS step (purpose, region,
	// version, size, nodes, router, HA); your own certificate (2) with its
	// files and CNAME; Enter on the namespace; the name; Enter on the
	// cluster's name, group and API access
	in := "1\n1\n" + strings.Repeat("\n", 7) + "2\n~/c.pem\n~/k.pem\nml.contoso.com\n\nk8s-tls\n\n\n\ny\n"
	code, out, errs := runTTY(t, c, in, "create", "--accessible")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	i, j := strings.Index(errs, "10/15 TLS"), strings.Index(errs, "11/15 Namespace")
	if i < 0 || j < i {
		t.Fatalf("no TLS step before the namespace:\n%s", errs)
	}
	tls := errs[i:j]
	for _, want := range []string{"Off (plain HTTP)", "Your own certificate", "Certificate PEM file", "CNAME"} {
		if !strings.Contains(tls, want) {
			t.Errorf("the TLS step lacks %q:\n%s", want, tls)
		}
	}
	if strings.Contains(tls, "Microsoft certificate") || strings.Contains(tls, "Leaf domain label") {
		t.Errorf("a Kubernetes plan's TLS step offers a Microsoft certificate:\n%s", tls)
	}
	if note := wizard.VariantOf("Kubernetes").TLS.Note; !strings.Contains(errs[:j], note) {
		t.Errorf("the TLS step's note %q is not said:\n%s", note, errs)
	}
	if len(c.ExtensionSpecs) != 1 {
		t.Fatalf("sent %d extensions\n%s", len(c.ExtensionSpecs), errs)
	}
	if es := c.ExtensionSpecs[0]; es.TLS.Mode != rules.TLSCustom || es.TLS.CNAME != "ml.contoso.com" || len(es.TLS.CertPEM) == 0 || es.AllowInsecure {
		t.Errorf("extension TLS %v CNAME %q cert %d bytes insecure %v: want your own certificate for ml.contoso.com", es.TLS.Mode, es.TLS.CNAME, len(es.TLS.CertPEM), es.AllowInsecure)
	}
}

// A GPU size gets the VM size step's note in the wizard's words, on each
// compute type (Variant.SizeNote, the text the TUI's size step shows).
func TestAccessibleGPUNoteIsTheWizards(t *testing.T) {
	for _, tc := range []struct {
		typ, in, want string
	}{
		// workspace 1; Enter on purpose, region (and the Kubernetes
		// version); 6 Standard_NC6s_v3; then the input ends (130): the
		// note comes right after the size
		{"Kubernetes", "1\n\n\n\n6\n", "note: GPU size: the Azure ML extension installs the NVIDIA device plugin for it"},
		{"AKS", "1\n\n\n6\n", "note: GPU size: choose it now — no second node pool can be added later"},
	} {
		c := wizardtest.New()
		// quota for the GPU size, so the step takes it
		l, _ := c.Sizes(context.Background(), wizardtest.Sub, "eastus")
		for i := range l.Sizes {
			l.Sizes[i].FamilyQuota.Limit = 100
		}
		c.SetSizes("eastus", l)
		in := tc.in
		_, out, errs := runTTY(t, c, in, "create", "--accessible", "--compute-type", tc.typ)
		if !strings.Contains(errs, tc.want) {
			t.Errorf("%s: lacks %q\n%s\n%s", tc.typ, tc.want, out, errs)
		}
	}
}
