package cli

import (
	"bytes"
	"context"
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
	code, _, errs = runTTY(t, c, "", "list", "-o", "xml")
	if code != 2 || !strings.Contains(errs, "--output: must be json, jsonc, yaml, table, tsv or none") {
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

func TestArgErrorIsJSONWithOutputJSON(t *testing.T) {
	c := wizardtest.New()
	var out, errb bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	code := Run(context.Background(), []string{"status", "-w", "mlw-prod", "-o", "json"}, s, fakeFactory(c), "test")
	if code != 2 || !strings.Contains(out.String(), `"code": "InvalidInput"`) || !strings.Contains(out.String(), "give the compute name: amlaks status NAME") ||
		strings.Contains(out.String(), "--name") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
	}
}
