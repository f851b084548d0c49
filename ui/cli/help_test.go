package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

func TestMistypedCommandSuggestsTheNearestOne(t *testing.T) {
	code, _, errs := runPlain(t, wizardtest.New(), "lst", "-w", "mlw-prod")
	if code != ExitInvalid || !strings.Contains(errs, `unknown command "lst"`) || !strings.Contains(errs, "Did you mean this?\n\tlist") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}

func TestHelpGroupsCommandsAndListsEveryExitCode(t *testing.T) {
	c := wizardtest.New()
	_, out, _ := runPlain(t, c, "--help")
	for _, want := range []string{"Set up a compute:\n  attach", "Look around:\n  list", "Remove a compute:\n  detach", "Other commands:\n",
		"detach      Detach an AKS or Kubernetes compute from the workspace (the cluster is kept unless --delete-cluster)"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q:\n%s", want, out)
		}
	}
	for _, args := range [][]string{{"--help"}, {"create", "--help"}, {"detach", "--help"}, {"list", "--help"}} {
		_, out, _ := runPlain(t, c, args...)
		for _, code := range []int{ExitOK, ExitFailure, ExitInvalid, ExitStoppedWatching, ExitInterrupted} {
			if !strings.Contains(out, fmt.Sprintf("\n  %-4d ", code)) {
				t.Errorf("%v --help does not explain exit %d:\n%s", args, code, out)
			}
		}
	}
}

func TestVersionCommand(t *testing.T) {
	code, stdout, errs := runVersion(t, "version")
	if code != 0 || stdout != "amlaks v1.2.3 (commit 0123456789ab)\n" {
		t.Fatalf("exit %d %q %s", code, stdout, errs)
	}
	code, stdout, errs = runVersion(t, "version", "-o", "json")
	var m map[string]string
	if code != 0 || json.Unmarshal([]byte(stdout), &m) != nil {
		t.Fatalf("exit %d %q %s", code, stdout, errs)
	}
	if m["version"] != "v1.2.3" || m["commit"] != "0123456789ab" || !strings.HasPrefix(m["goVersion"], "go") || !strings.Contains(m["platform"], "/") {
		t.Errorf("version json %v", m)
	}
}

func runVersion(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	code := Run(context.Background(), args, s, fakeFactory(wizardtest.New()), "v1.2.3 (commit 0123456789ab)")
	return code, out.String(), errb.String()
}

func TestSizeCompletionSaysOneVCPU(t *testing.T) {
	c := wizardtest.New()
	l := c.SizeL["eastus"]
	l.Sizes = append(l.Sizes, wizard.VMSize{Name: "Standard_B1ls", Family: "standardBSFamily", VCPUs: 1, MemoryGB: 0.5, FamilyQuota: l.Sizes[0].FamilyQuota})
	c.SetSizes("eastus", l)
	_, out, errs := runPlain(t, c, "__complete", "create", "-w", "mlw-prod", "--region", "eastus", "--vm-size", "Standard_B1")
	if !strings.Contains(out, "Standard_B1ls\t1 vCPU, 0.5 GiB") {
		t.Fatalf("completion:\n%s\n%s", out, errs)
	}
}
