package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// sized starts the wizard at w×h.
func sized(w, h int) func(*Options) {
	return func(o *Options) { o.Width, o.Height = w, h }
}

// demoClusters adds the demo's long-named clusters to the fake: names
// that share a prefix, a long resource group, a basic load balancer.
func demoClusters(c *wizardtest.Cloud) {
	pool := []rules.Pool{{Name: "nodepool1", Size: "Standard_D4s_v3", Count: 3, VCPUs: 4}}
	id := func(rg, n string) string {
		return "/subscriptions/" + wizardtest.Sub + "/resourceGroups/" + rg + "/providers/Microsoft.ContainerService/managedClusters/" + n
	}
	c.Clus = append(c.Clus,
		wizard.Cluster{ID: id("rg-aks", "aks-private-fqdn"), Name: "aks-private-fqdn", ResourceGroup: "rg-aks", Region: "eastus", Version: "1.32.4", Pools: pool, Private: true, LoadBalancerSKU: "standard", PowerState: "Running", ProvisioningState: "Succeeded"},
		wizard.Cluster{ID: id("rg-aks-preview", "aks-preview2"), Name: "aks-preview2", ResourceGroup: "rg-aks-preview", Region: "westus2", Version: "1.24.10", Pools: pool, LoadBalancerSKU: "basic", PowerState: "Running", ProvisioningState: "Succeeded"},
	)
}

// tableLines are the picker's header and rows: the lines from the column
// header (an indented line holding header) to the first blank line.
func tableLines(t *testing.T, screen, header string) []string {
	t.Helper()
	var out []string
	in := false
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "  ") && strings.Contains(l, header) {
			in = true
		}
		if in && strings.TrimSpace(l) == "" {
			break
		}
		if in {
			out = append(out, strings.TrimRight(l, " "))
		}
	}
	if len(out) < 2 {
		t.Fatalf("no table under %q:\n%s", header, screen)
	}
	return out
}

var (
	wideGap = regexp.MustCompile(`\S {12,}\S`) // a gap wider than any column's padding here
	cutWord = regexp.MustCompile(`\S…`)
)

func TestLayoutClusterPickerWide(t *testing.T) {
	d := newDriver(t, sized(140, 45))
	demoClusters(d.cloud)
	d.toClusters(false)
	lines := tableLines(t, d.screen(), " Cluster ")
	hdr := lines[0]
	for _, h := range []string{"Status", "Cluster", "RG", "Region", "K8s", "Nodes", "vCPUs", "Priv", "IPs", "LB", "Power"} {
		if !strings.Contains(hdr, " "+h) && !strings.HasPrefix(strings.TrimSpace(hdr), h) {
			t.Fatalf("header lacks %q: %q", h, hdr)
		}
	}
	// the Cluster column is as wide as its longest name, no wider
	if got, want := strings.Index(hdr, " RG ")-strings.Index(hdr, " Cluster "), len("aks-private-fqdn")+1; got != want {
		t.Fatalf("Cluster column is %d wide, want %d:\n%s", got-1, want-1, strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if cutWord.MatchString(l) {
			t.Fatalf("a cell is cut at 140 columns: %q", l)
		}
	}
}

func TestLayoutVMSizeWide(t *testing.T) {
	d := newDriver(t, sized(140, 45))
	d.createTo(wizard.StepVMSize)
	lines := tableLines(t, d.screen(), " vCPUs ")
	for _, l := range lines[1:] {
		if wideGap.MatchString(l) {
			t.Fatalf("a gap of 12+ spaces in %q:\n%s", l, strings.Join(lines, "\n"))
		}
	}
	d.wantScreen("standardNCSv3Family", "$/hour")
}

func TestLayoutClusterNamesWhole80(t *testing.T) {
	for _, w := range []int{80, 60} {
		d := newDriver(t, sized(w, 30))
		demoClusters(d.cloud)
		d.toClusters(false)
		s := d.screen()
		lines := tableLines(t, s, " Cluster ")
		body := strings.Join(lines, "\n")
		for _, n := range []string{"aks-private ", "aks-private-fqdn ", "aks-preview ", "aks-preview2 ", "aks-gpu-weu "} {
			if !strings.Contains(body, n) {
				t.Fatalf("at %d columns the table lacks the whole name %q:\n%s", w, n, body)
			}
		}
		if !regexp.MustCompile(`aks-\S+ +rg-aks +`).MatchString(body) {
			t.Fatalf("at %d columns rg-aks is cut:\n%s", w, body)
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Fatalf("line wider than %d: %q", w, l)
			}
		}
	}
}

func TestLayoutNodesSmall(t *testing.T) {
	d := newDriver(t, sized(60, 16))
	d.createTo(wizard.StepNodes)
	s := d.screen()
	d.wantScreen("nodes: 3", "12 of 12 needed",
		"3 nodes × 4 vCPUs = 12 vCPUs (production: 12 vCPUs and 3 nodes at least)",
		"✓ 3 nodes × 4 vCPUs = 12 vCPUs is enough for production",
		"↓ more")
	// nothing cut mid-word: every wrapped line ends on a whole word
	for _, l := range strings.Split(s, "\n") {
		if strings.HasSuffix(strings.TrimRight(l, " "), " east") || strings.HasSuffix(strings.TrimRight(l, " "), "vCPUs a") {
			t.Fatalf("a line is cut mid-word: %q\n%s", l, s)
		}
	}
	// the order: input, vCPU bar, verdict, then quota
	in, bar, ok, quota := strings.Index(s, "nodes: 3"), strings.Index(s, "12 of 12 needed"), strings.Index(s, "✓ 3 nodes"), strings.Index(s, "Quota")
	if !(in < bar && bar < ok && (quota < 0 || ok < quota)) {
		t.Fatalf("order of the node step is wrong:\n%s", s)
	}

	// tall enough: everything, no hint
	d.send(tea_WindowSize(60, 30))
	d.wantScreen("Standard_D3_v2 · 4 vCPUs", "Total Regional vCPUs: needs 12, 74 left of 100", "Only the node count can be scaled later")
	d.wantNoScreen("↓ more")
}

func TestLayoutNodesHeaderWraps(t *testing.T) {
	d := newDriver(t, sized(80, 24))
	l := d.cloud.SizeL["eastus"]
	l.Sizes = append(l.Sizes, wizard.VMSize{Name: "Standard_NC24ads_A100_v4", Family: "standardNCADSA100v4Family", VCPUs: 24, MemoryGB: 220, GPUs: 1,
		PricePerHour: 3.67, FamilyQuota: rules.Quota{Name: "standardNCADSA100v4Family", Label: "Standard NCADSA100v4 Family vCPUs", Used: 0, Limit: 96}})
	d.cloud.SizeL["eastus"] = l
	d.createTo(wizard.StepVMSize)
	d.typ("nc24")
	d.press("enter")
	d.wantStep(wizard.StepNodes)
	s := d.screen()
	lines := strings.Split(s, "\n")
	if two := lines[2] + " · " + lines[3]; !strings.HasPrefix(two, "Standard_NC24ads_A100_v4 · 24 vCPUs, 220 GiB, 1 GPU · ") ||
		!strings.HasSuffix(strings.TrimRight(two, " "), " · standardNCADSA100v4Family in eastus · Production") {
		t.Fatalf("the size line is not wrapped to two whole lines:\n%s", s)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 80 {
			t.Fatalf("line wider than 80: %q", l)
		}
	}
}

func TestFitSections(t *testing.T) {
	st := newStyles(false, true)
	secs := []section{
		{prio: 5, name: "size", text: "size line"},
		{prio: 0, gap: true, text: "input"},
		{prio: 1, gap: true, text: "bar\nsentence"},
		{prio: 1, gap: true, text: "✓ verdict"},
		{prio: 3, gap: true, name: "family quota", text: "q1\nq1 text"},
		{prio: 4, name: "regional quota", text: "q2\nq2 text"},
	}
	for _, c := range []struct {
		h    int
		want string
	}{
		{20, "size line\n\ninput\n\nbar\nsentence\n\n✓ verdict\n\nq1\nq1 text\nq2\nq2 text"},
		{10, "size line\ninput\nbar\nsentence\n✓ verdict\nq1\nq1 text\nq2\nq2 text"},
		{9, "size line\ninput\nbar\nsentence\n✓ verdict\nq1\nq1 text\nq2\nq2 text"},
		{8, "input\nbar\nsentence\n✓ verdict\nq1\nq1 text\n↓ more: size, regional quota (a taller window shows it)"},
		{5, "input\nbar\nsentence\n✓ verdict\n↓ more: size, family quota, regional quota (a taller window shows it)"},
	} {
		if got := ansi.Strip(fitSections(st, secs, 80, c.h)); got != c.want {
			t.Errorf("h=%d:\n%s\nwant:\n%s", c.h, got, c.want)
		}
	}
}

func TestPackParts(t *testing.T) {
	got := packParts(30, " · ", "alpha beta", "gamma delta epsilon", "zeta")
	want := "alpha beta\ngamma delta epsilon · zeta"
	if got != want {
		t.Fatalf("packParts = %q, want %q", got, want)
	}
	if got := packParts(80, " · ", "a", "", "b"); got != "a · b" {
		t.Fatalf("packParts = %q", got)
	}
}

func TestLayoutPortalURLOneLine(t *testing.T) {
	url := "https://portal.azure.com/#resource" + wizardtest.WS.ID + "/overview"
	for _, w := range []int{80, 200} {
		d := newDriver(t, sized(w, 30))
		d.toReview("aks-new")
		d.cloud.Delay["Follow"] = 5e9
		d.press("enter")
		raw := d.m.View().Content
		if !strings.Contains(raw, ansi.SetHyperlink(url)) {
			t.Fatalf("at %d columns the portal URL is not a hyperlink to %s", w, url)
		}
		var urlLines []string
		for _, l := range strings.Split(d.screen(), "\n") {
			if strings.Contains(l, "portal.azure.com") || strings.Contains(l, "/overview") || strings.HasPrefix(l, "spaces/") {
				urlLines = append(urlLines, strings.TrimRight(l, " "))
			}
		}
		if len(urlLines) != 1 || !strings.HasPrefix(urlLines[0], "https://portal.azure.com/#resource/subscriptions/") {
			t.Fatalf("at %d columns the URL is not on one line: %q\n%s", w, urlLines, d.screen())
		}
		if w >= len(url) && urlLines[0] != url {
			t.Fatalf("at %d columns the whole URL should show: %q", w, urlLines[0])
		}
	}
}

func TestLayoutEquivalentsUnwrapped(t *testing.T) {
	d := newDriver(t, sized(60, 30))
	d.toClusters(false)
	d.highlight("aks-private")
	d.press("enter", "enter", "enter")
	d.wantStep(wizard.StepName)
	d.typ("aks-priv")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	d.press("e")
	code := strings.Split(equivalents(d.m.cloud, d.m.plan, 0), "\n")
	check := func(from int) {
		t.Helper()
		lines := strings.Split(d.screen(), "\n")
		start := -1
		for i, l := range lines {
			if strings.HasPrefix(l, ansi.Cut(code[0], from, from+60)) && strings.TrimSpace(l) != "" {
				start = i
				break
			}
		}
		if start < 0 {
			t.Fatalf("the az command's first line is not shown from column %d:\n%s", from, d.screen())
		}
		for j, c := range code {
			if got, want := strings.TrimRight(lines[start+j], " "), strings.TrimRight(ansi.Cut(c, from, from+60), " "); got != want {
				t.Fatalf("code line %d from column %d = %q, want %q (never wrapped)", j, from, got, want)
			}
		}
	}
	d.wantScreen("←/→ scroll sideways")
	check(0)
	d.press("right")
	check(eqStep)
	d.press("left", "left")
	check(0)

	// at 140 columns no line of the command starts with a continuation
	// that lost its backslash
	d.send(tea_WindowSize(140, 40))
	for _, l := range strings.Split(d.screen(), "\n") {
		if strings.HasPrefix(l, "/subscriptions/") {
			t.Fatalf("a command line is broken: %q", l)
		}
	}
}

func TestLayoutNoCredentialHeader(t *testing.T) {
	d := newDriver(t, func(o *Options) {
		o.Demo = false
		c := wizardtest.New()
		c.SetErr("Subscriptions", &wizard.Error{Kind: wizard.ErrNoCredential, Message: "DefaultAzureCredential: failed to acquire a token", Hint: "run `az login`"})
		o.Cloud = c
	})
	first := strings.SplitN(d.screen(), "\n", 2)[0]
	if !strings.HasPrefix(first, "Sign in") || strings.Contains(first, "Subscription") {
		t.Fatalf("header = %q, want Sign in", first)
	}

	// another error keeps the step's own title
	d = newDriver(t, func(o *Options) {
		c := wizardtest.New()
		c.SetErr("Subscriptions", &wizard.Error{Kind: wizard.ErrThrottled, Message: "slow down"})
		o.Cloud = c
	})
	if first := strings.SplitN(d.screen(), "\n", 2)[0]; strings.HasPrefix(first, "Sign in") {
		t.Fatalf("header = %q for a non-credential error", first)
	}
}

func TestSummaryCarriesTheFullPortalLink(t *testing.T) {
	m := New(context.Background(), Options{Cloud: wizardtest.New()})
	m.plan.Workspace = wizardtest.WS
	m.op = &opState{kind: wizard.OpCreate, name: "aks-new", done: true}
	r := m.result(Succeeded)
	if !strings.Contains(r.Summary, "portal: https://portal.azure.com/#resource"+wizardtest.WS.ID+"/overview") {
		t.Fatalf("summary:\n%s", r.Summary)
	}
}

// Keys do nothing while the window is too small to show what they would
// do: Enter at a hidden review submits nothing; Ctrl+C still quits.
func TestKeysIgnoredWhileTooSmall(t *testing.T) {
	d := newDriver(t)
	d.createTo(wizard.StepName)
	d.typ("aks-hidden")
	d.press("enter")
	d.wantStep(wizard.StepReview)
	d.send(tea.WindowSizeMsg{Width: 50, Height: 14})
	d.wantScreen("make the terminal larger")
	d.press("enter")
	d.send(tea.PasteMsg{Content: "x"})
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.wantStep(wizard.StepReview)
	if n := len(d.cloud.Specs); n != 0 {
		t.Fatalf("%d submits sent while the review was hidden", n)
	}
	d.send(tea.WindowSizeMsg{Width: 50, Height: 14})
	d.press("ctrl+c", "ctrl+c") // the second one leaves (answers were given)
	if !d.m.quitting {
		t.Fatal("ctrl+c must still quit while the window is too small")
	}
}

// hangCmd breaks a command only at spaces and indents its continuation.
func TestHangCmdWrapsAtSpaces(t *testing.T) {
	cmd := "amlaks --demo status aks-small60 -w mlw-prod -g rg-ml-prod"
	got := hangCmd("  • check it any time: ", cmd, 40, 4)
	ls := strings.Split(got, "\n")
	if len(ls) < 3 {
		t.Fatalf("not wrapped:\n%s", got)
	}
	for _, l := range ls[1:] {
		if !strings.HasPrefix(l, "    ") || len([]rune(l)) > 40 {
			t.Fatalf("bad line %q in\n%s", l, got)
		}
	}
	if j := strings.Join(strings.Fields(strings.Join(ls[1:], " ")), " "); j != cmd {
		t.Fatalf("command %q, want %q", j, cmd)
	}
	if one := hangCmd("  • check: ", "amlaks list", 60, 4); one != "  • check: amlaks"+nbSpace+"list" && one != "  • check: amlaks list" {
		t.Fatalf("short command %q", one)
	}
}
