package cli

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// TestListShapesAreTheSameForEveryCompute: scripts read list with cut -f,
// yq and jq, so every row has the same columns, integers stay integers, and
// a Kubernetes compute shows its cluster's nodes and size instead of an
// empty size and 0 nodes; JSON carries data, not the table's display text.
func TestListShapesAreTheSameForEveryCompute(t *testing.T) {
	c := wizardtest.New()
	code, out, errs := runLine(t, c, "create", "-w", "mlw-prod", "-n", "k8s-dev", "--purpose", "devtest", "--nodes", "2",
		"--vm-size", "Standard_D4s_v3", "--allow-insecure-connections", "--yes")
	if code != 0 {
		t.Fatalf("create: exit %d\n%s\n%s", code, out, errs)
	}

	_, out, _ = runLine(t, c, "list", "-w", "mlw-prod", "-o", "tsv")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 2 {
		t.Fatalf("tsv:\n%s", out)
	}
	cols := strings.Count(lines[0], "\t")
	for _, l := range lines {
		if strings.Count(l, "\t") != cols {
			t.Errorf("tsv rows differ in columns (%d vs %d):\n%s", strings.Count(l, "\t")+1, cols+1, out)
			break
		}
	}

	_, out, _ = runLine(t, c, "list", "-w", "mlw-prod", "-o", "yaml")
	if strings.Contains(out, ".0\n") || !strings.Contains(out, "nodes: 2\n") {
		t.Errorf("yaml numbers:\n%s", out)
	}

	_, out, _ = runLine(t, c, "list", "-w", "mlw-prod", "-o", "json")
	var l []map[string]any
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, m := range l {
		if _, ok := m["computeType"]; ok {
			t.Errorf("%s: computeType %v (display text) in JSON", m["name"], m["computeType"])
		}
		switch m["name"] {
		case "k8s-dev":
			if m["nodes"] != 2.0 || m["vmSize"] != "Standard_D4s_v3" || m["vCPUs"] != 8.0 || m["legacy"] != false {
				t.Errorf("k8s-dev: nodes %v vmSize %v vCPUs %v legacy %v", m["nodes"], m["vmSize"], m["vCPUs"], m["legacy"])
			}
		case "aks-inference":
			if m["legacy"] != true || m["namespace"] != nil {
				t.Errorf("aks-inference: legacy %v namespace %v", m["legacy"], m["namespace"])
			}
		}
	}
}

// TestInvalidFlagsAreReportedTogether: a flag that does not parse and a
// flag Azure refuses are reported in the same run, not one round each.
func TestInvalidFlagsAreReportedTogether(t *testing.T) {
	c := wizardtest.New()
	code, _, errs := runLine(t, c, "create", "-w", "mlw-prod", "-n", "1bad", "--purpose", "xx", "--nodes", "0", "--vm-size", "Standard_Nope",
		"--allow-insecure-connections", "--yes")
	if code != ExitInvalid {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, want := range []string{"--purpose: ", "--nodes: ", "--vm-size: Standard_Nope is not offered", "--name: must start with a letter"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if n := sent(c); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// TestDefaultSizeComesFromTheRegion: in a region without the product's
// default size, a create that names no size starts from one the region
// offers instead of refusing a flag the user never gave.
func TestDefaultSizeComesFromTheRegion(t *testing.T) {
	c := wizardtest.New()
	l := c.SizeL["eastus"]
	l.Sizes = slices.DeleteFunc(slices.Clone(l.Sizes), func(z wizard.VMSize) bool { return z.Name == "Standard_D3_v2" })
	c.SetSizes("eastus", l)
	code, out, errs := runLine(t, c, "create", "-w", "mlw-prod", "-n", "k8s-a", "--allow-insecure-connections", "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if len(c.ClusterSpecs) != 1 || c.ClusterSpecs[0].VMSize != "Standard_D4s_v3" {
		t.Fatalf("cluster specs %+v", c.ClusterSpecs)
	}
	// a size the user names is still checked as given
	code, _, errs = runLine(t, c, "create", "-w", "mlw-prod", "-n", "k8s-b", "--vm-size", "Standard_D3_v2", "--allow-insecure-connections", "--yes")
	if code != ExitInvalid || !strings.Contains(errs, "--vm-size: Standard_D3_v2 is not offered in eastus") {
		t.Fatalf("exit %d\n%s", code, errs)
	}
}

// TestCNAMEIsSentAsShown: a CNAME typed with capitals and the root's dot
// is sent, shown and printed as the one name it is.
func TestCNAMEIsSentAsShown(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	wizardtest.WriteCert(t, cert, key)
	c := wizardtest.New()
	code, out, errs := runLine(t, c, "create", "-w", "mlw-prod", "-n", "k8s-tls", "--ssl-cert-file", cert, "--ssl-key-file", key,
		"--ssl-cname", " ML.Contoso.com. ", "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if len(c.ExtensionSpecs) != 1 || c.ExtensionSpecs[0].TLS.CNAME != "ml.contoso.com" {
		t.Fatalf("%d extension specs; sslCname sent %q", len(c.ExtensionSpecs), c.ExtensionSpecs[0].TLS.CNAME)
	}
	if strings.Contains(out+errs, "ML.Contoso") {
		t.Errorf("shown as typed:\n%s\n%s", out, errs)
	}
}
