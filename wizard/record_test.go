package wizard_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// A record is written before the first request and holds the plan's
// answers (never the certificate's PEM), what it owns and each phase's
// state; Find reaches it by workspace and compute name alone; the plan
// rebuilt from it is the plan; flags that disagree are named with both
// values; Remove forgets it.
func TestRecordRoundTrip(t *testing.T) {
	c := wizardtest.New()
	p := k8sPlan(t, c, wizard.ModeCreate, "k8s-rec")
	p.ClusterName, p.Nodes, p.Namespace = "aks-rec", 1, "ml-team"
	p.TLS = rules.TLS{Mode: rules.TLSCustom, CertFile: "c.pem", KeyFile: "k.pem", CertPEM: []byte("SECRET-CERT"), KeyPEM: []byte("SECRET-KEY"), CNAME: "ml.contoso.com"}
	recs := &wizard.Records{Dir: filepath.Join(t.TempDir(), "records")}
	r := wizard.NewRecord(p, wizard.PhaseKinds(p))
	r.Phase(wizard.PhaseCluster).State = wizard.PhaseAccepted
	r.Phase(wizard.PhaseCluster).Op = &wizard.Operation{Kind: wizard.OpCluster, Token: "tok", Target: p.TargetClusterID(), Started: time.Now()}
	if err := recs.Save(&r); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(recs.Dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	b, _ := os.ReadFile(files[0])
	if strings.Contains(string(b), "SECRET") {
		t.Fatalf("the record holds the certificate's PEM:\n%s", b)
	}
	if fi, _ := os.Stat(files[0]); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	got, ok, err := recs.Find(t.Context(), "", "", "MLW-PROD", "k8s-rec")
	if err != nil || !ok {
		t.Fatalf("find: %v %v", ok, err)
	}
	q := got.RebuildPlan()
	if q.NewClusterName() != "aks-rec" || q.Nodes != 1 || q.Namespace != "ml-team" || q.TLS.CertFile != "c.pem" || q.From(wizard.FWorkspace) != wizard.Flag ||
		q.TargetClusterID() != p.TargetClusterID() || got.Cluster.Name != "aks-rec" || !got.Cluster.Made {
		t.Fatalf("rebuilt %+v / %+v", q, got)
	}
	if rem := got.Remaining(); len(rem) != 3 || got.Phase(wizard.PhaseCluster).Op.Token != "tok" {
		t.Fatalf("remaining %v", rem)
	}
	now := wizard.NewPlan(wizard.ModeCreate)
	now.Workspace.Name, now.Nodes, now.Name = "mlw-prod", 2, "k8s-rec"
	now.Mark(wizard.FNodes, wizard.Flag)
	now.Mark(wizard.FWorkspace, wizard.Flag)
	if ds := got.Disagreements(now); len(ds) != 1 || !strings.Contains(ds[0], `nodes: "2" now, "1" in the create of k8s-rec`) {
		t.Fatalf("disagreements %v", ds)
	}
	if err := recs.Remove(got.Ref(), "k8s-rec"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := recs.Find(t.Context(), "", "", "mlw-prod", "k8s-rec"); ok {
		t.Fatal("still found after Remove")
	}
}

// RunPhases keeps the record while it runs (a stop leaves it, with the
// phase Azure accepted and its operation), continues from it, refuses a
// plan that names another cluster for the same compute, and removes it
// when everything is done. The stop says what goes on and what is left.
func TestRunPhasesKeepsTheRecord(t *testing.T) {
	c := wizardtest.New()
	p := k8sPlan(t, c, wizard.ModeCreate, "k8s-keep")
	g := &wizard.Guard{LockDir: t.TempDir(), RecordDir: t.TempDir()}
	cctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c.StopAfter = func(op wizard.Operation, _ string) bool {
		if op.Kind == wizard.OpExtension {
			cancel()
			return true
		}
		return false
	}
	c.PhaseProgress = map[wizard.OpKind][]string{wizard.OpExtension: {"Creating"}}
	_, err := wizard.RunPhases(cctx, c, p, g, time.Millisecond, nil)
	var ie *wizard.Interrupted
	if !errors.As(err, &ie) || ie.Phase != wizard.PhaseExtension || !ie.Sent ||
		!strings.Contains(ie.Error(), "the extension install goes on in Azure; the attach is not done yet: `amlaks status k8s-keep` continues them") {
		t.Fatalf("stop: %v", err)
	}
	rec, ok, err := g.Records().Load(t.Context(), p.WorkspaceRef(), "k8s-keep")
	if err != nil || !ok || rec.Phase(wizard.PhaseCluster).State != wizard.PhaseDone || rec.Phase(wizard.PhaseExtension).State != wizard.PhaseAccepted ||
		rec.Phase(wizard.PhaseExtension).Op == nil || rec.Phase(wizard.PhaseAttach).State != wizard.PhasePending {
		t.Fatalf("record after the stop: %v %+v", err, rec)
	}
	other := p.Clone()
	other.ClusterName = "aks-other"
	if _, err := wizard.RunPhases(t.Context(), c, other, g, time.Millisecond, nil); !errors.Is(err, wizard.ErrConflict) || !strings.Contains(err.Error(), "unfinished create on cluster k8s-keep") {
		t.Fatalf("another cluster for the same compute: %v", err)
	}
	c.StopAfter = nil
	if _, err := wizard.RunPhases(t.Context(), c, p, g, time.Millisecond, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := g.Records().Load(t.Context(), p.WorkspaceRef(), "k8s-keep"); ok || len(c.ClusterSpecs) != 1 || len(c.ExtensionSpecs) != 1 || len(c.Specs) != 1 {
		t.Fatalf("after the end: record kept %v; sent %d clusters %d extensions %d computes", ok, len(c.ClusterSpecs), len(c.ExtensionSpecs), len(c.Specs))
	}
}

// The "leave the wizard" command carries the confirmed defaults of the
// steps gone through (and the current path's answers), so it opens at the
// step left; the az CLI's subscription is still left out.
func TestCommandThroughCarriesConfirmedDefaults(t *testing.T) {
	p := wizard.NewPlan(wizard.ModeCreate)
	p.Subscription = "s"
	p.Mark(wizard.FSubscription, wizard.AzCLI)
	p.Workspace = wizard.Workspace{WorkspaceRef: wizard.WorkspaceRef{Name: "mlw-prod", ResourceGroup: "rg-ml-prod"}}
	p.Mark(wizard.FWorkspace, wizard.Asked)
	p.AllowInsecure = true
	p.Mark(wizard.FAllowInsecure, wizard.Asked)
	passed := map[wizard.Field]bool{wizard.FSubscription: true, wizard.FPurpose: true, wizard.FVMSize: true, wizard.FRouter: true, wizard.FNamespace: true}
	got := wizard.CommandThrough(p, false, passed)
	for _, w := range []string{"--purpose production", "--vm-size Standard_D3_v2", "--router loadbalancer", "--namespace default", "--allow-insecure-connections"} {
		if !strings.Contains(got, w) {
			t.Errorf("%q lacks %q", got, w)
		}
	}
	if strings.Contains(got, "--subscription") || strings.Contains(got, "--nodes") {
		t.Errorf("%q: the az CLI's subscription and a step not reached are left out", got)
	}
}
