package rules

import (
	"strings"
	"testing"
)

func TestMigrationFindings(t *testing.T) {
	base := MigrationFacts{Legacy: "aks-inference", Cluster: "aks-shared", Workspace: "mlw-prod", Namespace: "aks-inference-k8s"}
	cases := []struct {
		name  string
		edit  func(*MigrationFacts)
		block []string // codes that block
		want  string   // in some message or fix
	}{
		{"in place, nothing wrong", func(*MigrationFacts) {}, nil, "share one router and one scoring URL"},
		{"namespace of the v1 services", func(f *MigrationFacts) { f.Namespace = "azureml-mlw-prod" }, []string{CodeMigrateNamespace}, "give another --namespace"},
		{"namespace case-insensitive", func(f *MigrationFacts) { f.Namespace = "AzureML-mlw-prod" }, []string{CodeMigrateNamespace}, ""},
		{"clean with live services", func(f *MigrationFacts) { f.Clean, f.LiveServices = true, []string{"churn-v1", "fraud-score"} },
			[]string{CodeMigrateLiveServices}, "churn-v1 and fraud-score"},
		{"clean, secret unsaved", func(f *MigrationFacts) { f.Clean, f.SecretPresent = true, true }, []string{CodeMigrateSecret}, "--save-secret FILE"},
		{"clean, secret saved", func(f *MigrationFacts) { f.Clean, f.SecretPresent, f.SaveTo = true, true, "s.json" }, nil, ""},
		{"TLS without an answer", func(f *MigrationFacts) { f.LegacyTLS, f.CNAME = "Enabled", "scoring.contoso.com" }, []string{CodeMigrateTLS}, "--keep-certificate"},
		{"TLS kept", func(f *MigrationFacts) { f.LegacyTLS, f.KeepCertificate = "Enabled", true }, nil, ""},
		{"TLS dropped", func(f *MigrationFacts) { f.LegacyTLS, f.AllowInsecure = "Enabled", true }, nil, ""},
		{"Microsoft certificate kept", func(f *MigrationFacts) { f.LegacyTLS, f.KeepCertificate = "Auto", true }, nil, "cannot renew it"},
		{"unreadable", func(f *MigrationFacts) { f.Unreadable = "its run command is disabled" }, []string{CodeMigrateUnreadable}, "run command is disabled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := base
			c.edit(&f)
			fs := MigrationFindings(f)
			var blocks []string
			var text strings.Builder
			for _, x := range fs {
				if x.Severity == Block {
					blocks = append(blocks, x.Code)
				}
				text.WriteString(x.Message + " " + x.Fix + "\n")
			}
			if strings.Join(blocks, ",") != strings.Join(c.block, ",") {
				t.Errorf("blocks %v, want %v\n%s", blocks, c.block, text.String())
			}
			if !strings.Contains(text.String(), c.want) {
				t.Errorf("no %q in\n%s", c.want, text.String())
			}
			for _, x := range fs {
				if x.Message != strings.TrimRight(x.Message, ".") || x.Message == "" {
					t.Errorf("message %q: lower case, no trailing period", x.Message)
				}
			}
		})
	}
}

func TestCheckMigrationAnswers(t *testing.T) {
	ok := MigrationAnswers{To: "aks-scoring-k8s", Namespace: "aks-scoring-k8s", Workspace: "mlw-prod", Clean: true, SecretPresent: true,
		SaveTo: "./fessl.json", LegacyTLS: true, KeepCertificate: true}
	if vs := CheckMigrationAnswers(ok); len(vs) != 0 {
		t.Fatalf("good answers: %v", vs)
	}
	for _, c := range []struct {
		name  string
		edit  func(a *MigrationAnswers)
		field string
	}{
		{"no file for the secret", func(a *MigrationAnswers) { a.SaveTo = " " }, "save-secret"},
		{"no TLS answer", func(a *MigrationAnswers) { a.KeepCertificate = false }, "keep-certificate"},
		{"both TLS answers", func(a *MigrationAnswers) { a.AllowInsecure = true }, "keep-certificate"},
		{"the v1 namespace", func(a *MigrationAnswers) { a.Namespace = "azureml-mlw-prod" }, "namespace"},
		{"a bad namespace", func(a *MigrationAnswers) { a.Namespace = "Bad_NS" }, "namespace"},
		{"a taken name", func(a *MigrationAnswers) { a.Existing = []string{"aks-scoring-k8s"} }, "to"},
		{"a bad name", func(a *MigrationAnswers) { a.To = "9x" }, "to"},
	} {
		a := ok
		c.edit(&a)
		vs := CheckMigrationAnswers(a)
		if len(vs) == 0 || vs[0].Field != c.field || vs[0].Message == "" {
			t.Errorf("%s: %v, want a violation of %s", c.name, vs, c.field)
		}
	}
	// in place with the secret present needs no file
	a := ok
	a.Clean, a.SaveTo = false, ""
	if vs := CheckMigrationAnswers(a); len(vs) != 0 {
		t.Errorf("in place: %v", vs)
	}
}
