package rules

import (
	"fmt"
	"strings"
)

// Finding codes of a migration from a legacy AKS compute.
const (
	CodeMigrateNamespace    = "migrate-namespace"
	CodeMigrateLiveServices = "migrate-live-services"
	CodeMigrateSecret       = "migrate-secret-unsaved"
	CodeMigrateTLS          = "migrate-tls"
	CodeMigrateShared       = "migrate-shared-url"
	CodeMigrateUnreadable   = "migrate-unreadable"
	CodeMigrateNotLegacy    = "migrate-not-legacy"
)

// MigrationFacts are what a move of a legacy AKS compute to a Kubernetes
// compute is judged on.
type MigrationFacts struct {
	Legacy    string // the AKS compute
	Cluster   string
	Workspace string
	Namespace string // the Kubernetes compute's
	// Clean is the clean cut-over (the v1 router deleted); else in place.
	Clean bool
	// Unreadable says why the cluster could not be read ("" read).
	Unreadable string
	// LiveServices are the v1 web services running in the cluster.
	LiveServices []string
	// SecretPresent: the v1 router's certificate secret azuremlfessl
	// exists; SaveTo is the file it is saved to before a clean cut-over.
	SecretPresent bool
	SaveTo        string
	// LegacyTLS is the AKS compute's TLS status (Enabled, Auto; "" off)
	// and CNAME its name; KeepCertificate carries the v1 certificate over,
	// AllowInsecure serves plain HTTP instead.
	LegacyTLS       string
	CNAME           string
	KeepCertificate bool
	AllowInsecure   bool
}

// MigrationFindings are the rules of a move from a legacy AKS compute
// (Azure/AML-Kubernetes attach-compute-on-aks-v1-cluster.md): the Kubernetes compute's namespace is not the v1
// services' azureml-<workspace>; a clean cut-over is only for a cluster
// without live v1 services and saves the v1 certificate first; a compute
// that served HTTPS keeps its certificate or says it goes plain HTTP; in
// place, the two computes share one scoring URL.
func MigrationFindings(f MigrationFacts) []Finding {
	var fs []Finding
	add := func(code string, s Severity, msg, fix string) {
		fs = append(fs, Finding{Code: code, Severity: s, Message: msg, Fix: fix})
	}
	if f.Unreadable != "" {
		add(CodeMigrateUnreadable, Block, "the cluster "+f.Cluster+" could not be read: "+f.Unreadable,
			"migrate reads and changes the v1 router through AKS's run command: let it run (the cluster running, the run command enabled), then run migrate again")
	}
	v1NS := "azureml-" + f.Workspace
	if strings.EqualFold(f.Namespace, v1NS) {
		add(CodeMigrateNamespace, Block, "namespace "+f.Namespace+" is the legacy compute's own (v1 web services run there): the Kubernetes compute must use another",
			"give another --namespace")
	}
	if f.Clean && len(f.LiveServices) > 0 {
		add(CodeMigrateLiveServices, Block, fmt.Sprintf("%s serves live v1 web services (%s): a clean cut-over deletes their router and they stop answering",
			f.Legacy, joinAnd(f.LiveServices)), "leave out --clean to move in place (the v1 services keep running), or delete those services first")
	}
	if f.Clean && f.SecretPresent && f.SaveTo == "" {
		add(CodeMigrateSecret, Block, "the v1 router's certificate secret azuremlfessl would be deleted without a copy",
			"give --save-secret FILE: it is written there (mode 0600) before anything is deleted")
	}
	if f.LegacyTLS != "" && !f.KeepCertificate && !f.AllowInsecure {
		add(CodeMigrateTLS, Block, fmt.Sprintf("%s serves HTTPS for %s: say what the Kubernetes compute serves", f.Legacy, orDefault(f.CNAME, "its domain")),
			"give --keep-certificate to carry the v1 certificate and CNAME over, or --allow-insecure-connections for plain HTTP")
	}
	if strings.EqualFold(f.LegacyTLS, "Auto") && f.KeepCertificate {
		add(CodeMigrateTLS, Warn, "the v1 certificate was issued by Microsoft for "+orDefault(f.CNAME, "its leaf domain")+": the extension cannot renew it, and that DNS name may not follow the new router",
			"plan a certificate and a DNS name of your own before it expires")
	}
	if !f.Clean {
		add(CodeMigrateShared, Info, fmt.Sprintf("in place: %s and the Kubernetes compute share one router and one scoring URL; each serves the other's deployments", f.Legacy),
			"keep endpoint names distinct; detach "+f.Legacy+" (never delete it) once no v1 service is needed")
	}
	return fs
}

// MigrationAnswers are a migrate's answers as the user gives them (flags
// in line mode, the wizard's migrate form, accessible mode's questions).
type MigrationAnswers struct {
	To, Namespace string
	Workspace     string
	// Existing are the workspace's compute names (the new name must be
	// free); nil skips that check.
	Existing []string
	// Clean and SecretPresent: a clean cut-over of a cluster holding
	// azuremlfessl needs SaveTo.
	Clean, SecretPresent bool
	SaveTo               string
	// LegacyTLS: the legacy compute served HTTPS, so KeepCertificate or
	// AllowInsecure is needed.
	LegacyTLS                      bool
	KeepCertificate, AllowInsecure bool
}

// CheckMigrationAnswers checks a migrate's answers, each violation naming
// its flag: the new compute's name (--to) and namespace, the file the v1
// certificate is saved to before a clean cut-over, and what a compute
// that served HTTPS serves now.
func CheckMigrationAnswers(a MigrationAnswers) []Violation {
	var vs []Violation
	if a.To != "" {
		for _, v := range ComputeName(a.To, a.Existing) {
			v.Field = "to"
			vs = append(vs, v)
		}
	}
	if a.Namespace != "" {
		vs = append(vs, Namespace(a.Namespace)...)
		if a.Workspace != "" && strings.EqualFold(a.Namespace, "azureml-"+a.Workspace) {
			vs = append(vs, Violation{Field: "namespace", Code: CodeMigrateNamespace,
				Message: "azureml-" + a.Workspace + " is where the v1 services run: pick another namespace"})
		}
	}
	if a.Clean && a.SecretPresent && strings.TrimSpace(a.SaveTo) == "" {
		vs = append(vs, Violation{Field: "save-secret", Code: CodeMigrateSecret,
			Message: "name a file to save the v1 certificate secret azuremlfessl to (mode 0600) before it is deleted"})
	}
	if a.KeepCertificate && a.AllowInsecure {
		vs = append(vs, Violation{Field: "keep-certificate", Code: CodeMigrateTLS,
			Message: "give --keep-certificate or --allow-insecure-connections, not both"})
	} else if a.LegacyTLS && !a.KeepCertificate && !a.AllowInsecure {
		vs = append(vs, Violation{Field: "keep-certificate", Code: CodeMigrateTLS,
			Message: "it served HTTPS: keep the v1 certificate, or allow plain HTTP (--allow-insecure-connections)"})
	}
	return vs
}
