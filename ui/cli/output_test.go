package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard/wizardtest"
)

func runPlain(t *testing.T, c *wizardtest.Cloud, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	code := Run(context.Background(), args, s, fakeFactory(c), "test")
	return code, out.String(), errb.String()
}

func TestSizesSayWhenQuotaAndPricesCouldNotBeRead(t *testing.T) {
	c := wizardtest.New()
	l := c.SizeL["eastus"]
	l.QuotaUnknown, l.PricesUnknown = true, true
	c.SetSizes("eastus", l)
	code, out, errs := runPlain(t, c, "sizes", "-l", "eastus")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if strings.Contains(out, "?") || strings.Contains(out, "QUOTA LEFT") || strings.Contains(out, "PRICE/H") {
		t.Errorf("table shows unread columns:\n%s", out)
	}
	for _, want := range []string{"note: the vCPU quota of eastus could not be read", "note: prices of eastus could not be read"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	code, out, _ = runPlain(t, c, "sizes", "-l", "eastus", "-o", "json")
	if code != 0 || !strings.Contains(out, `"quotaUnknown": true`) || !strings.Contains(out, `"pricesUnknown": true`) || !strings.Contains(out, `"quotaLeft": null`) {
		t.Fatalf("json lacks the unknown fields:\n%.600s", out)
	}
	// read fine: the columns are back and no note
	c2 := wizardtest.New()
	_, out, errs = runPlain(t, c2, "sizes", "-l", "eastus")
	if !strings.Contains(out, "QUOTA LEFT") || !strings.Contains(out, "PRICE/H") || strings.Contains(errs, "note:") {
		t.Fatalf("normal sizes:\n%s\n%s", out, errs)
	}
}

// failWriter fails every write, like /dev/full.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestFailedStdoutWriteExits1(t *testing.T) {
	c := wizardtest.New()
	for _, o := range []string{"json", "table", "tsv", "yaml"} {
		var errb bytes.Buffer
		s := Streams{In: strings.NewReader(""), Out: failWriter{}, Err: &errb}
		code := Run(context.Background(), []string{"list", "-w", "mlw-prod", "-o", o}, s, fakeFactory(c), "test")
		if code != ExitFailure || !strings.Contains(errb.String(), "could not write the output to stdout: no space left on device") {
			t.Errorf("-o %s: exit %d\n%s", o, code, errb.String())
		}
		if n := strings.Count(errb.String(), "no space left"); n != 1 {
			t.Errorf("-o %s: said %d times:\n%s", o, n, errb.String())
		}
	}
	// stderr failing is a failure too
	var out bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &out, Err: failWriter{}}
	if code := Run(context.Background(), []string{"sizes", "-l", "eastus"}, s, fakeFactory(c), "test"); code != ExitFailure {
		t.Errorf("stderr failing: exit %d", code)
	}
}

func TestColourProfileFromEnvironment(t *testing.T) {
	c := wizardtest.New()
	cases := []struct {
		env   map[string]string
		color bool
	}{
		{map[string]string{}, false}, // not a terminal
		{map[string]string{"CLICOLOR_FORCE": "1"}, true},
		{map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, false},
		{map[string]string{"CLICOLOR_FORCE": "0"}, false},
	}
	for _, tc := range cases {
		for _, k := range []string{"CLICOLOR_FORCE", "NO_COLOR", "CLICOLOR"} {
			t.Setenv(k, tc.env[k])
		}
		code, out, errs := runPlain(t, c, "list", "-w", "mlw-prod", "-o", "jsonc")
		if code != 0 {
			t.Fatalf("exit %d %s", code, errs)
		}
		if got := strings.Contains(out, "\x1b["); got != tc.color {
			t.Errorf("%v: colour %v, want %v\n%q", tc.env, got, tc.color, out[:min(len(out), 80)])
		}
	}
	// on a terminal CLICOLOR=0 and NO_COLOR drop colours, CLICOLOR_FORCE keeps them over CLICOLOR=0
	t.Setenv("NO_COLOR", "")
	t.Setenv("CLICOLOR_FORCE", "")
	t.Setenv("TERM", "xterm-256color")
	prof := func(env map[string]string) string {
		for k, v := range env {
			t.Setenv(k, v)
		}
		a := &app{s: Streams{OutTTY: true}}
		return a.colorProfile().String()
	}
	if p := prof(map[string]string{"CLICOLOR": "0"}); p != "Ascii" {
		t.Errorf("CLICOLOR=0 on a terminal: %s", p)
	}
	if p := prof(map[string]string{"CLICOLOR": "0", "CLICOLOR_FORCE": "1"}); p == "Ascii" || p == "NoTTY" {
		t.Errorf("CLICOLOR_FORCE=1 over CLICOLOR=0: %s", p)
	}
	if p := prof(map[string]string{"CLICOLOR": "", "CLICOLOR_FORCE": "", "NO_COLOR": "yes"}); p != "Ascii" {
		t.Errorf("NO_COLOR on a terminal: %s", p)
	}
}

func TestResourceIDParsing(t *testing.T) {
	id, err := parseMLID("/subscriptions/00000000-0000-4000-8000-000000000001/resourcegroups/rg-ml-prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod/computes/aks-inference/")
	if err != nil || id.Subscription != "00000000-0000-4000-8000-000000000001" || id.ResourceGroup != "rg-ml-prod" || id.Workspace != "mlw-prod" || id.Compute != "aks-inference" {
		t.Fatalf("%+v %v", id, err)
	}
	for in, want := range map[string]string{
		"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGrups/rg/providers/Microsoft.MachineLearningServices/workspaces/w": "segment 3 of",
		"/subscriptions/abc/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w":                                 "is not a GUID",
		"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg":                                                         "not a workspace or compute resource ID",
		"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/workspaces/w":                "should be Microsoft.MachineLearningServices",
	} {
		if _, err := parseMLID(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}

func TestStandaloneBashScript(t *testing.T) {
	c := wizardtest.New()
	code, out, _ := runPlain(t, c, "completion", "bash")
	if code != 0 {
		t.Fatal(code)
	}
	if strings.Contains(out, "    _get_comp_words_by_ref \"$@\" cur prev words cword") && !strings.Contains(out, "__amlaks_comp_words \"$@\" cur prev words cword") {
		t.Fatal("the script still calls bash-completion directly")
	}
	for _, want := range []string{"__amlaks_comp_words()", "__amlaks_filedir()", "filteringCmd=\"__amlaks_filedir $fullFilter\"", "complete -o default -F __start_amlaks amlaks"} {
		if !strings.Contains(out, want) {
			t.Errorf("script lacks %q", want)
		}
	}
}
