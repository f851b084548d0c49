package wizard

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/amlaks/amlaks/rules"
)

// Migrate: a legacy AKS compute (computeType AKS, its v1 router azureml-fe
// in the cluster's default namespace) becomes a Kubernetes compute on the
// same cluster, by one of the two paths the sources describe (Azure/AML-Kubernetes
// attach-compute-on-aks-v1-cluster.md): in place (the router annotated azureml-fe-enable-upgrade=true, the
// extension installed with scoringFe.enableUpgrade=true; the v1 services
// keep running) or a clean cut-over (the v1 certificate saved, the eight
// router objects deleted). Then the extension, the attach, readiness and
// verify; the legacy compute is detached (never deleted) only when asked.
// Every phase looks at what exists first, so a re-run continues.

// StateDone is the progress state of a migrate phase that finished (its
// Note says what it did).
const StateDone = "done"

// LegacyNote marks a legacy AKS compute in the lists.
const LegacyNote = "legacy: move to a Kubernetes compute"

// MigrateChoice is the Mode step's choice that moves a legacy AKS compute,
// offered when the workspace has one (HasLegacy).
var MigrateChoice = Choice{string(ModeMigrate), "Move a legacy AKS compute", "make a legacy AKS compute of the workspace a Kubernetes compute on the same cluster, verified; its v1 services keep running"}

// HasLegacy reports whether cs holds a legacy AKS compute.
func HasLegacy(cs []Compute) bool {
	for _, c := range cs {
		if IsLegacy(c) {
			return true
		}
	}
	return false
}

// IsLegacy reports a legacy (v1) AKS compute.
func IsLegacy(cp Compute) bool { return strings.EqualFold(cp.Type, string(ComputeAKS)) }

// Phases of a migration besides RunPhases' own.
const (
	PhaseRead         PhaseKind = "read"
	PhaseAnnotate     PhaseKind = "annotate"
	PhaseSaveSecret   PhaseKind = "save-secret"
	PhaseRemoveRouter PhaseKind = "remove-router"
	PhaseVerify       PhaseKind = "verify"
	PhaseDetachLegacy PhaseKind = "detach-legacy"
)

// MigratePath is how the v1 router is dealt with.
type MigratePath string

// The two paths.
const (
	MigrateInPlace MigratePath = "in-place"
	MigrateClean   MigratePath = "clean"
)

// LegacyObject is one of the v1 router's objects.
type LegacyObject struct{ Kind, Name string }

// Ref is "kind/name".
func (o LegacyObject) Ref() string { return o.Kind + "/" + o.Name }

// namespaced: all but the cluster role and its binding live in default.
func (o LegacyObject) namespaced() bool { return !strings.HasPrefix(o.Kind, "clusterrole") }

// LegacyObjects are the eight objects of the v1 router (namespace
// default), in the order the sources delete them
// (v1/how-to-create-attach-kubernetes.md; how-to-troubleshoot-kubernetes-extension.md).
var LegacyObjects = []LegacyObject{{"serviceaccount", "azureml-fe"}, {"clusterrole", "azureml-fe-role"}, {"clusterrolebinding", "azureml-fe-binding"},
	{"service", "azureml-fe"}, {"service", "azureml-fe-int-http"}, {"deployment", "azureml-fe"}, {"secret", "azuremlfessl"}, {"configmap", "azuremlfeconfig"}}

// LegacyUpgradeAnnotation lets the extension take the v1 router over.
const LegacyUpgradeAnnotation = "azureml-fe-enable-upgrade"

// LegacySecret is the v1 router's certificate secret.
const LegacySecret = "azuremlfessl"

// V1Service is a live v1 web service of the legacy compute.
type V1Service struct {
	Name     string
	Replicas int
	// Traffic is what the cluster shows of its load ("" unknown).
	Traffic string
}

// LegacyState is what the run command reads of the v1 router.
type LegacyState struct {
	Objects   []string // present, "kind/name"
	Annotated bool     // azureml-fe carries azureml-fe-enable-upgrade=true
	Services  []V1Service
}

// Has reports whether object kind/name is in the cluster.
func (s LegacyState) Has(ref string) bool {
	for _, o := range s.Objects {
		if o == ref {
			return true
		}
	}
	return false
}

// ServiceNames are the live v1 services' names.
func (s LegacyState) ServiceNames() []string {
	var out []string
	for _, v := range s.Services {
		out = append(out, v.Name)
	}
	return out
}

// LegacyReadCommand reads the v1 router in one run command: the web
// services of namespace azureml-<workspace> (JSON first), one line per
// router object present (-o name), then the upgrade annotation.
func LegacyReadCommand(workspace string) string {
	parts := []string{"kubectl get deployments -n " + shq("azureml-"+workspace) + " -o json"}
	for _, o := range LegacyObjects {
		ns := ""
		if o.namespaced() {
			ns = " -n default"
		}
		parts = append(parts, "kubectl get "+o.Kind+" "+o.Name+ns+" -o name --ignore-not-found")
	}
	parts = append(parts, "kubectl get deployment azureml-fe -n default --ignore-not-found -o 'jsonpath=annotation={.metadata.annotations."+LegacyUpgradeAnnotation+"}'")
	return strings.Join(parts, "; ")
}

// ParseLegacyRead reads LegacyReadCommand's output.
func ParseLegacyRead(logs string) (LegacyState, error) {
	var s LegacyState
	dec := json.NewDecoder(strings.NewReader(logs))
	var list struct {
		Items []struct {
			Metadata struct {
				Name        string            `json:"name"`
				Annotations map[string]string `json:"annotations"`
			} `json:"metadata"`
			Spec struct {
				Replicas int `json:"replicas"`
			} `json:"spec"`
			Status struct {
				ReadyReplicas int `json:"readyReplicas"`
			} `json:"status"`
		} `json:"items"`
	}
	// kubectl prints an empty list for a namespace that does not exist
	if err := dec.Decode(&list); err != nil {
		return s, fmt.Errorf("the v1 services could not be read: %s", firstLine(logs))
	}
	rest := logs[dec.InputOffset():]
	for _, it := range list.Items {
		v := V1Service{Name: it.Metadata.Name, Replicas: it.Status.ReadyReplicas}
		if n, err := strconv.Atoi(it.Metadata.Annotations["amlaks.sim/requests-per-minute"]); err == nil {
			v.Traffic = fmt.Sprintf("%d requests/min", n)
		}
		if v.Replicas > 0 {
			s.Services = append(s.Services, v)
		}
	}
	for _, line := range strings.Split(rest, "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "annotation="); ok {
			s.Annotated = strings.EqualFold(strings.TrimSpace(v), "true")
			continue
		}
		kind, name, ok := strings.Cut(line, "/")
		if !ok || strings.Contains(line, " ") {
			continue
		}
		kind, _, _ = strings.Cut(kind, ".") // deployment.apps, clusterrole.rbac.authorization.k8s.io
		for _, o := range LegacyObjects {
			if o.Kind == kind && o.Name == name {
				s.Objects = append(s.Objects, o.Ref())
			}
		}
	}
	return s, nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

// LegacySecretCommand prints the v1 certificate secret.
const LegacySecretCommand = "kubectl get secret " + LegacySecret + " -n default -o json"

// AnnotateCommand is the in-place path's first step.
const AnnotateCommand = "kubectl annotate deployment azureml-fe " + LegacyUpgradeAnnotation + "=true -n default --overwrite"

// RemoveRouterCommand deletes the router objects of refs ("kind/name";
// all eight when empty).
func RemoveRouterCommand(refs []string) string {
	var parts []string
	for _, o := range LegacyObjects {
		if len(refs) > 0 && !contains(refs, o.Ref()) {
			continue
		}
		ns := ""
		if o.namespaced() {
			ns = " -n default"
		}
		parts = append(parts, "kubectl delete "+o.Kind+" "+o.Name+ns+" --ignore-not-found")
	}
	return strings.Join(parts, "; ")
}

func contains(xs []string, v string) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// MigrateOptions are a migrate's answers.
type MigrateOptions struct {
	Legacy    string // the AKS compute
	To        string // the Kubernetes compute ("" LegacyName-k8s)
	Namespace string // its namespace ("" the compute's name)
	// Clean asks for the clean cut-over even where in place is the default.
	Clean bool
	// SaveSecret is the file azuremlfessl is saved to (clean cut-over).
	SaveSecret string
	// KeepCertificate carries the v1 certificate and CNAME over.
	KeepCertificate bool
	AllowInsecure   bool
	// DetachLegacy detaches the AKS compute at the end (never a delete).
	DetachLegacy bool
	// NoInstanceTypes skips the readiness phase's instance types.
	NoInstanceTypes bool
}

// Migration is a planned migrate: what was read and the attach it makes.
type Migration struct {
	Options MigrateOptions
	Legacy  Compute
	Cluster Cluster
	State   LegacyState
	// Unreadable says why the cluster could not be read ("" read).
	Unreadable string
	Path       MigratePath
	// Secret is azuremlfessl as kubectl printed it (nil: none, or gone);
	// CertSource says where the carried certificate comes from.
	Secret     []byte
	CertSource string
	// Plan is the Kubernetes attach (extension, attach, readiness).
	Plan   *Plan
	Report Report
}

// DefaultMigrateName is the Kubernetes compute's name when none is given:
// the legacy name with -k8s, within the compute name's length.
func DefaultMigrateName(legacy string) string {
	base := legacy
	if len(base) > rules.NameMaxLen-4 {
		base = strings.TrimRight(base[:rules.NameMaxLen-4], "-")
	}
	return base + "-k8s"
}

// routerOfLegacy is the extension's router that matches the v1 one.
func routerOfLegacy(cp Compute) Router {
	if strings.EqualFold(cp.LoadBalancerType, "InternalLoadBalancer") {
		return RouterInternal
	}
	return RouterLoadBalancer
}

// runIn runs a command and turns its trouble into an error.
func runIn(ctx context.Context, c Cloud, clusterID, cmd string) (string, error) {
	res, err := c.RunCommand(ctx, clusterID, cmd, nil)
	if why := commandTrouble(res, err); why != "" {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", errors.New(why)
	}
	return res.Logs, nil
}

// ReadLegacy reads the v1 router of a cluster.
func ReadLegacy(ctx context.Context, c Cloud, cl Cluster, workspace string) (LegacyState, error) {
	switch {
	case cl.RunCommandDisabled:
		return LegacyState{}, errors.New("its run command is disabled (apiServerAccessProfile.disableRunCommand)")
	case cl.PowerState != "" && cl.PowerState != "Running":
		return LegacyState{}, errors.New("it is " + cl.PowerState + ": the run command needs it running")
	}
	logs, err := runIn(ctx, c, cl.ID, LegacyReadCommand(workspace))
	if err != nil {
		return LegacyState{}, err
	}
	return ParseLegacyRead(logs)
}

// secretPEM reads cert.pem and key.pem of azuremlfessl as kubectl prints it.
func secretPEM(secret []byte) (cert, key []byte, err error) {
	var s struct {
		Data map[string]string `json:"data"`
	}
	if err := json.Unmarshal(secret, &s); err != nil {
		return nil, nil, fmt.Errorf("secret %s is not the JSON kubectl prints: %w", LegacySecret, err)
	}
	cert, err1 := base64.StdEncoding.DecodeString(s.Data["cert.pem"])
	key, err2 := base64.StdEncoding.DecodeString(s.Data["key.pem"])
	if err := errors.Join(err1, err2); err != nil || len(cert) == 0 || len(key) == 0 {
		return nil, nil, fmt.Errorf("secret %s has no readable cert.pem and key.pem", LegacySecret)
	}
	return cert, key, nil
}

// certName is the first DNS name of a PEM certificate ("" none).
func certName(certPEM []byte) string {
	blk, _ := pem.Decode(certPEM)
	if blk == nil {
		return ""
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil || len(c.DNSNames) == 0 {
		return ""
	}
	return c.DNSNames[0]
}

// PlanMigration reads the legacy compute, its cluster and its v1 router,
// chooses the path (in place when v1 services are live, else clean; a
// clean cut-over when asked), and makes the Kubernetes attach plan and
// its preflight. base carries the subscription and the workspace.
func PlanMigration(ctx context.Context, c Cloud, base *Plan, opt MigrateOptions) (*Migration, error) {
	ws := base.WorkspaceRef()
	cp, err := c.Compute(ctx, ws, opt.Legacy)
	if err != nil {
		return nil, err
	}
	if !IsLegacy(cp) {
		return nil, &Error{Kind: ErrBadRequest, Op: "migrate", Message: fmt.Sprintf("%s is a %s compute, not a legacy AKS compute", cp.Name, cp.Type),
			Hint: "name an AKS compute (amlaks list marks them \"" + LegacyNote + "\")"}
	}
	if cp.ClusterID == "" {
		return nil, &Error{Kind: ErrBadRequest, Op: "migrate", Message: cp.Name + " has no AKS cluster (properties.resourceId is empty)"}
	}
	cl, err := c.Cluster(ctx, cp.ClusterID)
	if err != nil {
		return nil, err
	}
	if opt.To == "" {
		opt.To = DefaultMigrateName(cp.Name)
	}
	if opt.Namespace == "" {
		opt.Namespace = opt.To
	}
	m := &Migration{Options: opt, Legacy: cp, Cluster: cl}
	m.State, err = ReadLegacy(ctx, c, cl, base.Workspace.Name)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		m.Unreadable = err.Error()
	}
	m.Path = MigrateClean
	if len(m.State.Services) > 0 && !opt.Clean {
		m.Path = MigrateInPlace
	}
	if m.Path == MigrateClean && m.State.Annotated && !opt.Clean && len(m.State.Objects) > 0 {
		m.Path = MigrateInPlace // an earlier in-place run began here
	}
	p := base.Clone()
	p.Mode, p.ComputeType = ModeAttach, ComputeKubernetes
	p.Mark(FMode, Flag)
	p.Mark(FComputeType, Flag)
	p.Name, p.ClusterID, p.Cluster, p.Namespace = opt.To, cl.ID, &cl, opt.Namespace
	p.Mark(FName, Flag)
	p.Mark(FNamespace, Flag)
	p.InstallExtension, p.LegacyUpgrade = true, m.Path == MigrateInPlace
	p.Router = routerOfLegacy(cp)
	p.Mark(FRouter, Flag)
	p.NoInstanceTypes = opt.NoInstanceTypes
	if cp.Purpose == rules.DevTest {
		p.Purpose = rules.DevTest
	}
	if ext, ok, err := c.Extension(ctx, cl.ID); err == nil && ok {
		p.Extension = &ext
	}
	if m.State.Has("secret/" + LegacySecret) {
		if logs, err := runIn(ctx, c, cl.ID, LegacySecretCommand); err == nil {
			m.Secret = []byte(logs)
		} else if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	if cp.SSLStatus != "" && opt.KeepCertificate {
		src, from := m.Secret, "the v1 secret "+LegacySecret
		if src == nil && opt.SaveSecret != "" {
			// deleted by an earlier clean run: its saved copy
			src, _ = os.ReadFile(opt.SaveSecret)
			from = opt.SaveSecret
		}
		if cert, key, err := secretPEM(src); err == nil {
			cname := cp.SSLCname
			if strings.EqualFold(cp.SSLStatus, "Auto") {
				// a Microsoft-issued certificate: the compute keeps only the
				// leaf label; the name is the certificate's own
				cname = certName(cert)
			}
			p.TLS = rules.TLS{Mode: rules.TLSCustom, CertPEM: cert, KeyPEM: key, CNAME: cname, CertFile: "cert.pem", KeyFile: "key.pem"}
			m.CertSource = from
		}
	}
	if p.TLS.Mode != rules.TLSCustom {
		p.AllowInsecure = true
	}
	m.Plan = p
	rep, err := Preflight(ctx, c, p, nil)
	if err != nil {
		return nil, err
	}
	m.Report = migrationReport(rep, m)
	return m, nil
}

// migrationReport is the attach's preflight with the legacy compute's own
// attachment (what migrate deals with) left out, the version Block given
// its az aks upgrade command, plus the migration's rules.
func migrationReport(rep Report, m *Migration) Report {
	var fs []rules.Finding
	for _, f := range rep.Findings {
		switch {
		case f.Code == rules.CodeAttachedLegacy && strings.Count(f.Message, " in ") == 1 && strings.Contains(f.Message, m.Legacy.Name+" in "):
			continue
		case f.Code == rules.CodeInsecure && m.Legacy.SSLStatus == "":
			f.Fix = m.Legacy.Name + " served plain HTTP too; for production give the router a certificate later (az k8s-extension update with sslCname and the PEM files)"
		case f.Code == rules.CodeInsecure:
			f.Fix = "give --keep-certificate to keep serving HTTPS with the v1 certificate"
		case f.Code == rules.CodeVersionUnsupported:
			f.Fix = "upgrade the cluster first: az aks upgrade --resource-group " + shq(m.Cluster.ResourceGroup) + " --name " + shq(m.Cluster.Name) +
				" --kubernetes-version <a supported version>, then run migrate again"
		}
		fs = append(fs, f)
	}
	facts := rules.MigrationFacts{Legacy: m.Legacy.Name, Cluster: m.Cluster.Name, Workspace: m.Plan.Workspace.Name, Namespace: m.Plan.Namespace,
		Clean: m.Path == MigrateClean, Unreadable: m.Unreadable, LiveServices: m.State.ServiceNames(), SecretPresent: m.State.Has("secret/" + LegacySecret),
		SaveTo: m.Options.SaveSecret, LegacyTLS: m.Legacy.SSLStatus, CNAME: m.Legacy.SSLCname, KeepCertificate: m.Options.KeepCertificate,
		AllowInsecure: m.Options.AllowInsecure}
	if m.Legacy.SSLStatus != "" && m.Options.KeepCertificate && m.CertSource == "" && m.Unreadable == "" {
		fs = append(fs, rules.Finding{Code: rules.CodeMigrateTLS, Severity: rules.Block,
			Message: "the v1 certificate could not be read (secret " + LegacySecret + " is gone and no saved copy was given)",
			Fix:     "give --save-secret with the file an earlier run saved, or --allow-insecure-connections"})
		facts.KeepCertificate = false
		facts.AllowInsecure = true
	}
	rep.Findings = rules.SortFindings(append(fs, rules.MigrationFindings(facts)...))
	return rep
}

// MigrationPhases lists what a migrate does, each phase with the request
// it sends (the same builders as what is sent), its equivalent and its
// rollback.
func MigrationPhases(c Cloud, m *Migration) ([]Phase, error) {
	id, _ := rules.ParseClusterID(m.Cluster.ID)
	invoke := func(cmd string) string {
		return "az aks command invoke --resource-group " + shq(id.ResourceGroup) + " --name " + shq(id.Name) + " --command " + shq(cmd)
	}
	cmdPhase := func(kind PhaseKind, title, cmd, kubectl, rollback string) (Phase, error) {
		req, err := c.CommandRequest(m.Cluster.ID, cmd, nil)
		if errors.Is(err, ErrUnsupported) {
			return Phase{}, &Error{Kind: ErrUnsupported, Op: "migrate", Message: "this connection cannot run commands in the cluster: migrate reads and changes the v1 router through AKS's run command"}
		}
		if err != nil {
			return Phase{}, err
		}
		return Phase{Kind: kind, Title: title, Request: req, Equivalent: kubectl + "\n# through the run command:\n" + invoke(cmd), Rollback: rollback}, nil
	}
	var out []Phase
	ph, err := cmdPhase(PhaseRead, "read the v1 router of "+id.Name+": its objects, live v1 services, the "+LegacySecret+" secret",
		LegacyReadCommand(m.Plan.Workspace.Name), "kubectl get deployments -n azureml-"+m.Plan.Workspace.Name+
			"\nkubectl get sa,svc,deploy,secret,cm -n default | grep azureml-fe\nkubectl get clusterrole,clusterrolebinding | grep azureml-fe",
		"nothing to undo: read only")
	if err != nil {
		return nil, err
	}
	out = append(out, ph)
	if m.Path == MigrateInPlace {
		ph, err := cmdPhase(PhaseAnnotate, "let the extension take the v1 router over: annotate deployment azureml-fe "+LegacyUpgradeAnnotation+"=true",
			AnnotateCommand, AnnotateCommand, "kubectl annotate deployment azureml-fe "+LegacyUpgradeAnnotation+"- -n default")
		if err != nil {
			return nil, err
		}
		out = append(out, ph)
	} else {
		if m.State.Has("secret/"+LegacySecret) || m.Options.SaveSecret != "" {
			ph, err := cmdPhase(PhaseSaveSecret, "save the v1 certificate secret "+LegacySecret+" to "+orNone(m.Options.SaveSecret)+" (mode 0600)",
				LegacySecretCommand, "(umask 077; "+LegacySecretCommand+" > "+shq(orNone(m.Options.SaveSecret))+")", "delete the saved file once it is no longer needed: it holds a private key")
			if err != nil {
				return nil, err
			}
			out = append(out, ph)
		}
		rollback := "the v1 router is Azure ML's: re-attaching the cluster as an AKS compute (v1) recreates it"
		if m.Options.SaveSecret != "" {
			rollback += "; kubectl apply -f " + shq(m.Options.SaveSecret) + " restores the certificate secret"
		}
		cmd := RemoveRouterCommand(m.State.Objects)
		ph, err := cmdPhase(PhaseRemoveRouter, "delete the v1 router's objects in namespace default ("+fmt.Sprint(len(objectsOr(m.State.Objects)))+" of 8)", cmd,
			strings.ReplaceAll(cmd, "; ", "\n"), rollback)
		if err != nil {
			return nil, err
		}
		out = append(out, ph)
	}
	phases, err := Phases(c, m.Plan)
	if err != nil {
		return nil, err
	}
	for _, ph := range phases {
		mp := ph
		switch ph.Kind {
		case PhaseTrustedAccess:
			mp.Rollback = "az aks trustedaccess rolebinding delete --resource-group " + shq(id.ResourceGroup) + " --cluster-name " + shq(id.Name) + " --name " + shq(m.Plan.RoleBindingSpec().Name)
		case PhaseExtension:
			mp.Rollback = "az k8s-extension delete --name " + shq(m.Plan.ExtensionSpec().Name) + " --cluster-type managedClusters --cluster-name " + shq(id.Name) +
				" --resource-group " + shq(id.ResourceGroup) + " --yes"
			if m.Path == MigrateInPlace {
				mp.Rollback += " (in place, the v1 router stays: removing the extension may disturb the v1 services; UNVERIFIED)"
			}
		case PhaseAttach:
			mp.Rollback = "amlaks detach " + m.Plan.Name + " -w " + m.Plan.Workspace.Name + " (underlyingResourceAction=Detach: the cluster stays)"
		case PhaseReady:
			mp.Rollback = "kubectl delete namespace " + m.Plan.Namespace + " (and the instance types amlaks created)"
		}
		out = append(out, mp)
	}
	out = append(out, Phase{Kind: PhaseVerify, Title: "prove " + m.Plan.Name + " serves: a throwaway endpoint, called with its key, deleted",
		Equivalent: "amlaks verify " + m.Plan.Name + " -w " + m.Plan.Workspace.Name, Rollback: "nothing left behind: the endpoint is deleted"})
	if m.Options.DetachLegacy {
		ph := Phase{Kind: PhaseDetachLegacy, Title: "detach the legacy compute " + m.Legacy.Name + " (never delete: the cluster stays)",
			Equivalent: "az ml compute detach --name " + shq(m.Legacy.Name) + " --resource-group " + shq(m.Plan.Workspace.ResourceGroup) +
				" --workspace-name " + shq(m.Plan.Workspace.Name) + " --yes",
			Rollback: "the AKS compute cannot be re-attached from v2 tools: detach it only once no v1 service is needed"}
		req, err := c.DetachRequest(m.Plan.WorkspaceRef(), m.Legacy.Name)
		if err != nil {
			return nil, err
		}
		ph.Request = req
		out = append(out, ph)
	}
	return out, nil
}

func orNone(s string) string {
	if s == "" {
		return "<--save-secret FILE>"
	}
	return s
}

func objectsOr(refs []string) []string {
	if len(refs) == 0 {
		var all []string
		for _, o := range LegacyObjects {
			all = append(all, o.Ref())
		}
		return all
	}
	return refs
}

// MigrateReport is what a migrate did.
type MigrateReport struct {
	Path    MigratePath
	Compute *Compute
	Verify  VerifyReport
	// Verified: verify answered (or its call was skipped for a private URI).
	Verified bool
	Detached bool
	Saved    string // the file azuremlfessl was saved to
	Notes    []string
}

// SaveSecret writes the secret to path with mode 0600, never over another
// file: a file already holding the same secret is kept (a re-run).
func SaveSecret(path string, secret []byte) (bool, error) {
	if old, err := os.ReadFile(path); err == nil {
		if bytes.Equal(old, secret) {
			return false, nil
		}
		return false, fmt.Errorf("%s exists and holds something else: give another --save-secret file", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return false, fmt.Errorf("save the v1 certificate secret: %w", err)
	}
	if _, err := f.Write(secret); err != nil {
		f.Close()
		return false, fmt.Errorf("save the v1 certificate secret: %w", err)
	}
	return true, f.Close()
}

// MigrateRecord is what a migration's record keeps beyond the attach
// plan: the answers it was started with and the path it took.
type MigrateRecord struct {
	Options MigrateOptions `json:"options"`
	Path    MigratePath    `json:"path"`
}

// migrationKinds are a migration's phases, in order (as MigrationPhases
// lists them).
func migrationKinds(m *Migration) []PhaseKind {
	out := []PhaseKind{PhaseRead}
	if m.Path == MigrateInPlace {
		out = append(out, PhaseAnnotate)
	} else {
		if m.State.Has("secret/"+LegacySecret) || m.Options.SaveSecret != "" {
			out = append(out, PhaseSaveSecret)
		}
		out = append(out, PhaseRemoveRouter)
	}
	out = append(out, PhaseKinds(m.Plan)...)
	out = append(out, PhaseVerify)
	if m.Options.DetachLegacy {
		out = append(out, PhaseDetachLegacy)
	}
	return out
}

// NewMigrationRecord is the record of a migration about to run, keyed by
// the Kubernetes compute it makes (and found by the legacy name too).
func NewMigrationRecord(m *Migration) Record {
	r := NewRecord(m.Plan, migrationKinds(m))
	r.Mode = ModeMigrate
	r.Migrate = &MigrateRecord{Options: m.Options, Path: m.Path}
	return r
}

// MigrationOptions are the answers to continue the migration of r with:
// its own, on the path it took.
func (r Record) MigrationOptions() MigrateOptions {
	if r.Migrate == nil {
		return MigrateOptions{}
	}
	o := r.Migrate.Options
	o.To = r.Name
	if r.Migrate.Path == MigrateClean {
		o.Clean = true
	}
	return o
}

// RunMigration runs a planned migration phase by phase under its record
// (Record, Mode migrate, kept in g's Records until the end): `amlaks status
// NEWNAME` (or LEGACYNAME), the same migrate, or the wizard continues it.
// Each phase reads what exists first and a phase the record has done is
// not done again: a re-run (after a stop or a failure) continues where the
// last one ended and sends nothing twice. confirmDetach, when the options
// do not detach, is asked after a green verify (nil: not asked).
func RunMigration(ctx context.Context, c Cloud, m *Migration, g *Guard, every time.Duration, on func(PhaseProgress), confirmDetach func() bool) (MigrateReport, error) {
	rep := MigrateReport{Path: m.Path}
	if on == nil {
		on = func(PhaseProgress) {}
	}
	if m.Report.Blocked() {
		return rep, &Error{Kind: ErrBadRequest, Op: "migrate", Message: "the preflight blocks it", Hint: "fix the BLOCK findings"}
	}
	id := m.Cluster.ID
	recs, ws, name := g.Records(), m.Plan.WorkspaceRef(), m.Plan.Name
	lk, err := lockRecord(ctx, g, ws, name, "the migration of "+m.Legacy.Name, on)
	if err != nil {
		return rep, err
	}
	defer lk.Unlock()
	rec, had, err := recs.Load(ctx, ws, name)
	if err != nil || !had {
		rec = NewMigrationRecord(m)
	} else if rec.Migrate == nil || !strings.EqualFold(rec.Migrate.Options.Legacy, m.Legacy.Name) {
		return rep, &Error{Kind: ErrConflict, Op: "migrate", Message: fmt.Sprintf("%s has an unfinished %s", name, rec.What()),
			Hint: "continue it with `amlaks status " + name + "`, or give another --to"}
	}
	if m.Options.DetachLegacy && rec.Phase(PhaseDetachLegacy) == nil {
		rec.Phases = append(rec.Phases, RecordPhase{Kind: PhaseDetachLegacy, State: PhasePending})
	}
	rec.Holder = holder()
	save := func() {
		if err := recs.Save(&rec); err != nil {
			on(PhaseProgress{Phase: PhaseWait, Progress: Progress{State: "note", Note: "could not save the migration's record (" + err.Error() + "): the same migrate continues it"}})
		}
	}
	mark := func(k PhaseKind, state string) {
		if rp := rec.Phase(k); rp != nil {
			rp.State, rp.Op = state, nil
		} else {
			rec.Phases = append(rec.Phases, RecordPhase{Kind: k, State: state})
		}
		save()
	}
	isDone := func(k PhaseKind) bool { rp := rec.Phase(k); return rp != nil && rp.State == PhaseDone }
	save() // before the first request
	status := "`amlaks status " + name + "`"
	later := func(k PhaseKind) []PhaseKind {
		var out []PhaseKind
		for i, ph := range rec.Phases {
			if ph.Kind == k {
				for _, x := range rec.Phases[i+1:] {
					out = append(out, x.Kind)
				}
			}
		}
		return out
	}
	fail := func(ph PhaseKind, err error, next string) error {
		if ctx.Err() != nil {
			return &Interrupted{Phase: ph, Name: name, Later: later(ph)}
		}
		mark(ph, PhaseFailed)
		return &PhaseError{Phase: ph, Err: err, Next: next}
	}
	start := time.Now()
	say := func(ph PhaseKind, skipped bool, note string) {
		mark(ph, PhaseDone)
		on(PhaseProgress{Phase: ph, Skipped: skipped, Progress: Progress{State: StateDone, Done: true, Note: note, Elapsed: time.Since(start)}})
	}
	// read again: what an earlier run left
	on(PhaseProgress{Phase: PhaseRead, Progress: Progress{State: "reading the v1 router through the run command"}})
	st, err := ReadLegacy(ctx, c, m.Cluster, m.Plan.Workspace.Name)
	if err != nil {
		return rep, fail(PhaseRead, err, "let the run command run, then "+status+" (or the same migrate) continues")
	}
	say(PhaseRead, false, fmt.Sprintf("%d of 8 router objects, %d live v1 services", len(st.Objects), len(st.Services)))
	if m.Path == MigrateInPlace {
		switch {
		case st.Annotated:
			say(PhaseAnnotate, true, "azureml-fe is annotated "+LegacyUpgradeAnnotation+"=true")
		case !st.Has("deployment/azureml-fe"):
			say(PhaseAnnotate, true, "no v1 router deployment azureml-fe: nothing to annotate")
		default:
			on(PhaseProgress{Phase: PhaseAnnotate, Progress: Progress{State: "annotating azureml-fe"}})
			mark(PhaseAnnotate, PhaseSending)
			if _, err := runIn(ctx, c, id, AnnotateCommand); err != nil {
				return rep, fail(PhaseAnnotate, err, status+" (or the same migrate) retries the annotation")
			}
			say(PhaseAnnotate, false, "azureml-fe annotated "+LegacyUpgradeAnnotation+"=true")
		}
	} else {
		if st.Has("secret/" + LegacySecret) {
			secret := m.Secret
			if secret == nil {
				logs, err := runIn(ctx, c, id, LegacySecretCommand)
				if err != nil {
					return rep, fail(PhaseSaveSecret, err, status+" (or the same migrate) retries the save")
				}
				secret = []byte(logs)
			}
			wrote, err := SaveSecret(m.Options.SaveSecret, secret)
			if err != nil {
				return rep, fail(PhaseSaveSecret, err, "fix the file, then "+status+" (or the same migrate) continues: nothing was deleted")
			}
			rep.Saved = m.Options.SaveSecret
			say(PhaseSaveSecret, !wrote, LegacySecret+" saved to "+m.Options.SaveSecret+" (mode 0600)")
		} else if m.Options.SaveSecret != "" {
			say(PhaseSaveSecret, true, LegacySecret+" is gone from the cluster (saved by an earlier run to "+m.Options.SaveSecret+")")
		}
		if len(st.Objects) == 0 {
			say(PhaseRemoveRouter, true, "no v1 router object is left")
		} else {
			on(PhaseProgress{Phase: PhaseRemoveRouter, Progress: Progress{State: fmt.Sprintf("deleting %d v1 router objects", len(st.Objects))}})
			mark(PhaseRemoveRouter, PhaseSending)
			if _, err := runIn(ctx, c, id, RemoveRouterCommand(st.Objects)); err != nil {
				return rep, fail(PhaseRemoveRouter, err, status+" (or the same migrate) deletes what is left")
			}
			say(PhaseRemoveRouter, false, fmt.Sprintf("%d v1 router objects deleted", len(st.Objects)))
		}
	}
	kinds := PhaseKinds(m.Plan)
	allDone := true
	for _, k := range kinds {
		allDone = allDone && isDone(k)
	}
	if allDone {
		// an earlier run attached it: nothing of the attach is sent again
		cp, err := c.Compute(ctx, ws, name)
		if err != nil {
			return rep, fail(PhaseAttach, err, status+" (or the same migrate) continues")
		}
		for _, k := range kinds {
			on(PhaseProgress{Phase: k, Skipped: true, Progress: Progress{State: "Succeeded", Done: true, Note: PhaseWords(k) + " is done"}})
		}
		rep.Compute = &cp
	} else {
		cp, err := runPhases(ctx, c, m.Plan, g, every, on, &rec)
		if err != nil {
			var ie *Interrupted
			if errors.As(err, &ie) {
				ie.Later = later(ie.Phase)
			}
			return rep, err
		}
		for _, k := range kinds {
			mark(k, PhaseDone)
		}
		rep.Compute = cp
	}
	if isDone(PhaseVerify) {
		rep.Verified = true
		say(PhaseVerify, true, "verified by an earlier run")
	} else {
		on(PhaseProgress{Phase: PhaseVerify, Progress: Progress{State: "deploying a throwaway endpoint on " + name}})
		mark(PhaseVerify, PhaseSending)
		vr, err := Verify(ctx, c, m.Plan.Workspace, name, VerifyOptions{Every: every}, func(s VerifyStep) {
			on(PhaseProgress{Phase: PhaseVerify, Progress: Progress{State: s.Step + ": " + s.State}})
		})
		rep.Verify = vr
		if err != nil {
			return rep, fail(PhaseVerify, err, "amlaks doctor "+name+" says why; "+status+" (or the same migrate) verifies again")
		}
		rep.Verified = true
		note := "deployed; call skipped: " + vr.Skipped
		if vr.Called {
			note = fmt.Sprintf("the throwaway endpoint answered %d", vr.Status)
		}
		say(PhaseVerify, false, note)
	}
	detach := rec.Phase(PhaseDetachLegacy) != nil || (confirmDetach != nil && confirmDetach())
	if !detach {
		rep.Notes = append(rep.Notes, m.Legacy.Name+" stays attached; detach it (never delete it) once no v1 service is needed: amlaks migrate "+m.Legacy.Name+" --detach-legacy")
		done(recs, &rec)
		return rep, nil
	}
	if _, err := c.Compute(ctx, ws, m.Legacy.Name); errors.Is(err, ErrNotFound) {
		say(PhaseDetachLegacy, true, m.Legacy.Name+" is detached")
		rep.Detached = true
		done(recs, &rec)
		return rep, nil
	} else if err != nil {
		return rep, fail(PhaseDetachLegacy, err, status+" (or the same migrate) detaches it")
	}
	mark(PhaseDetachLegacy, PhaseSending)
	op, err := c.Detach(ctx, ws, m.Legacy.Name)
	if err != nil {
		return rep, fail(PhaseDetachLegacy, err, status+" (or the same migrate) detaches it")
	}
	if _, err := follow(ctx, c, op, every, PhaseDetachLegacy, on); err != nil {
		return rep, fail(PhaseDetachLegacy, err, status+" (or the same migrate) detaches it")
	}
	mark(PhaseDetachLegacy, PhaseDone)
	rep.Detached = true
	done(recs, &rec)
	return rep, nil
}
