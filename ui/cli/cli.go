// Package cli is the command line of amlaks: cobra commands, flags → the
// wizard.Plan, the choice between the interactive wizard (package ui) and
// line mode, plain and JSON output, and the mapping of errors to exit
// codes. It imports ui, wizard and rules; the Cloud comes from a Factory
// that main.go provides, so the Azure SDK never shows here.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	jmespath "github.com/jmespath-community/go-jmespath"
	"github.com/spf13/cobra"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// Exit codes. ExitStoppedWatching: amlaks stopped following an
// operation (its --timeout passed, or an error it could not get past)
// without Azure saying it ended; it may still be running, and `amlaks
// status NAME` picks it up again.
const (
	ExitOK              = 0
	ExitFailure         = 1
	ExitInvalid         = 2
	ExitStoppedWatching = 3
	ExitInterrupted     = 130
)

// Streams are the process's standard streams and whether they are terminals.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	InTTY  bool
	OutTTY bool
}

// Globals are the flags every command takes.
type Globals struct {
	Subscription  string
	Workspace     string
	ResourceGroup string
	Cloud         string
	Demo          bool
	Output        string
	NoColor       bool
	Accessible    bool
	// NoTokenCache keeps the Azure token in memory only (--no-token-cache,
	// also AMLAKS_NO_TOKEN_CACHE=1).
	NoTokenCache bool
	// Refresh reads no catalog kept from an earlier run (--refresh).
	Refresh bool
	// Query is the JMESPath expression of --query.
	Query string
	// Debug (--debug, AMLAKS_DEBUG=1) writes an HTTP trace with secrets
	// redacted: to DebugFile when set (--debug-file), else to stderr.
	Debug     bool
	DebugFile string
	// Timeout is how long an operation is followed before amlaks stops
	// watching it (exit 3); 0 means the Cloud's default.
	Timeout time.Duration
}

// Session is what a Factory built: the Cloud and facts about it.
type Session struct {
	Cloud wizard.Cloud
	Demo  bool
	// DefaultSubscription is flag → AZURE_SUBSCRIPTION_ID → az CLI default, with its source.
	DefaultSubscription string
	SubscriptionSource  wizard.Source
	// Expected is how long operations usually take here (demo: seconds).
	Expected map[wizard.OpKind]time.Duration
	// PollEvery is how often operations are polled.
	PollEvery time.Duration
	// LockDir holds the cross-process attach locks ("" = the user cache
	// directory; the demo keeps its own beside its state).
	LockDir string
	// RecordDir keeps the records of the current path's operations, by
	// which create, attach, status and the wizard continue one ("": none).
	RecordDir string
	// Reset restores the simulator's fixtures (demo only).
	Reset func() error
	// Close releases resources (debug log file).
	Close func()
	// Portal is the Azure portal of the cloud in use
	// ("https://portal.azure.cn"); "" when unknown.
	Portal string
	// SignIn builds the Cloud again over a device-code sign-in whose
	// instruction goes to prompt (offered in the wizard when no credential
	// is found); nil in demo mode.
	SignIn func(prompt func(string)) (wizard.Cloud, error)
	// DemoFallback builds a demo session, offered when no credential is found.
	DemoFallback func() (*Session, error)
	// Notes relays visible notices of the Azure layer ("throttled by
	// Azure: retrying in 5 s"): printed to stderr in line mode, shown inside
	// the wizard in the TUI.
	Notes *NoteRelay
}

// NoteRelay forwards notices to whoever shows them now. Emit never blocks
// for long: the sinks write a line or send without waiting.
type NoteRelay struct {
	mu   sync.Mutex
	sink func(string)
	set  bool
	// early are the notices emitted before any sink was set (the token
	// fetch starts before the command line is parsed): the first sink
	// gets them.
	early []string
}

// maxEarlyNotes bounds the notices kept for the first sink.
const maxEarlyNotes = 16

// Emit passes a notice to the current sink (dropped when there is none,
// kept for the first one when no sink was ever set).
func (r *NoteRelay) Emit(s string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.sink != nil:
		r.sink(s)
	case !r.set && len(r.early) < maxEarlyNotes:
		r.early = append(r.early, s)
	}
}

// Set replaces the sink.
func (r *NoteRelay) Set(f func(string)) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sink = f
	if f == nil {
		return
	}
	if !r.set {
		r.set = true
		for _, s := range r.early {
			f(s)
		}
		r.early = nil
	}
}

// Factory builds the session for the global flags.
type Factory func(ctx context.Context, g Globals) (*Session, error)

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exit(code int, err error) error { return &exitError{code: code, err: err} }

// Invalid is the exit-2 error listing every bad or missing flag.
type Invalid struct{ Violations []rules.Violation }

func (e *Invalid) Error() string {
	var b strings.Builder
	b.WriteString("invalid input:")
	for _, v := range e.Violations {
		if v.Field == "" { // not about a flag (a missing argument)
			fmt.Fprintf(&b, "\n  %s", v.Message)
			continue
		}
		fmt.Fprintf(&b, "\n  --%s: %s", v.Field, v.Message)
	}
	return b.String()
}

// app is one invocation.
type app struct {
	ctx     context.Context
	s       Streams
	g       Globals
	f       Factory
	version string
	sess    *Session
	// lastWS is the workspace the command worked on, for follow-up hints.
	lastWS wizard.WorkspaceRef
	// args are the command-line arguments (flag errors look for -o json).
	args []string
	// query is the compiled --query.
	query jmespath.JMESPath
	// rawOut is stdout as given (the wizard draws on it); s.Out and s.Err
	// are watched so a failed write is an exit 1.
	rawOut     io.Writer
	outW, errW *watchedWriter
	// completing is set while answering a shell completion request.
	completing bool
	// keptNote is the cluster a Kubernetes detach keeps (it keeps costing).
	keptNote string
	// deletingCluster is the cluster a detach deletes after the detach;
	// goneCluster the one a detach found deleted already.
	deletingCluster, goneCluster string
	// rootFlags are the wizard's own flags (--compute-type).
	rootFlags *boundFlags
}

// Run executes amlaks with args and returns the exit code. Nothing here
// calls os.Exit, so tests drive it in-process.
func Run(ctx context.Context, args []string, s Streams, f Factory, version string) int {
	a := &app{ctx: ctx, s: s, f: f, version: version, rawOut: s.Out, args: args}
	// every line written goes through rules.InertTerminal: a name from
	// Azure in a message cannot drive the terminal
	a.outW, a.errW = &watchedWriter{w: inertWriter{s.Out}}, &watchedWriter{w: inertWriter{s.Err}}
	a.s.Out, a.s.Err = a.outW, a.errW
	root := a.rootCmd()
	root.SetFlagErrorFunc(a.flagError)
	root.SetArgs(args)
	root.SetIn(s.In)
	root.SetOut(a.s.Out)
	root.SetErr(a.s.Err)
	err := root.ExecuteContext(ctx)
	if a.sess != nil && a.sess.Close != nil {
		a.sess.Close()
	}
	werr := a.outW.failed()
	if werr != nil && err != nil && errors.Is(err, werr) {
		err = exit(ExitFailure, errSilent) // said once, below
	}
	code := a.exitCode(err)
	// a result that could not be written is a failure (a full disk, a
	// closed stream), whatever the command did
	if werr != nil {
		fmt.Fprintf(a.s.Err, "amlaks: could not write the output to stdout: %v\n", werr)
		code = max(code, ExitFailure)
	}
	if a.errW.failed() != nil {
		code = max(code, ExitFailure)
	}
	return code
}

// exitCode maps how the command ended to the exit code, reporting the
// error.
func (a *app) exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	code := ExitFailure
	var ee *exitError
	var inv *Invalid
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case errors.As(err, &inv):
		code = ExitInvalid
	case errors.Is(err, context.Canceled):
		code = ExitInterrupted
	case isUsageError(err):
		code = ExitInvalid
	}
	if !errors.Is(err, errSilent) {
		a.printError(err)
	}
	return code
}

// errSilent marks an error already shown to the user.
var errSilent = errors.New("reported")

func isUsageError(err error) bool {
	m := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand", "unknown command", "invalid argument", "accepts ", "requires at least", "flag needs an argument", "requires exactly", "bad flag"} {
		if strings.Contains(m, p) {
			return true
		}
	}
	return false
}

func (a *app) printError(err error) {
	// argument errors come before the pre-run hook has read -o
	if a.structured() {
		if e := a.render(a.s.Out, mustNormalize(map[string]any{"error": errorJSON(err)})); e == nil {
			return
		}
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(a.s.Err, "amlaks: interrupted")
		return
	}
	fmt.Fprintln(a.s.Err, "amlaks: "+err.Error())
	a.printDetails(err)
}

// printDetails prints the details Azure gave with err (those that say more
// than its message) and its hint.
func (a *app) printDetails(err error) {
	var we *wizard.Error
	if errors.As(err, &we) {
		for _, d := range we.Details {
			if d.Code == we.Code && d.Message == we.Message {
				continue
			}
			fmt.Fprintf(a.s.Err, "  %s: %s\n", d.Code, d.Message)
		}
	}
	if h := wizard.HintOf(err); h != "" {
		fmt.Fprintln(a.s.Err, "hint: "+h)
	}
}

func errorJSON(err error) map[string]any {
	out := map[string]any{"message": err.Error()}
	var we *wizard.Error
	var inv *Invalid
	var bl *blockedError
	switch {
	case errors.As(err, &bl):
		out["code"] = "Blocked"
		out["findings"] = findingsJSON(bl.findings)
	case errors.As(err, &we):
		out["code"] = we.Code
		if we.Code == "" && we.Kind != nil {
			out["code"] = we.Kind.Error()
		}
		out["hint"] = we.Hint
		if len(we.Details) > 0 {
			out["details"] = we.Details
		}
	case errors.As(err, &inv):
		out["code"] = "InvalidInput"
		var vs []map[string]string
		for _, v := range inv.Violations {
			m := map[string]string{"code": v.Code, "message": v.Message}
			if v.Field != "" {
				m["flag"] = "--" + v.Field
			}
			vs = append(vs, m)
		}
		out["violations"] = vs
	default:
		out["code"] = "Error"
	}
	return out
}

func (a *app) session() (*Session, error) {
	if a.sess != nil {
		return a.sess, nil
	}
	if err := a.checkOutput(); err != nil {
		return nil, err
	}
	if a.g.Timeout < 0 {
		return nil, &Invalid{[]rules.Violation{{Field: "timeout", Code: "bad", Message: fmt.Sprintf("must be a positive duration such as 45m (got %s)", a.g.Timeout)}}}
	}
	s, err := a.f(a.ctx, a.g)
	if err != nil {
		return nil, err
	}
	a.sess = s
	if !a.completing {
		s.Notes.Set(func(n string) { fmt.Fprintln(a.s.Err, n) })
	}
	return s, nil
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "amlaks",
		Short: "Create or attach an AKS inference cluster for an Azure Machine Learning workspace",
		Long: `amlaks creates a new Azure Kubernetes Service inference cluster from an Azure Machine
Learning workspace, or attaches an existing one, checking every rule before anything is sent.

Without a command it opens the interactive wizard. Try it without an Azure account:
  amlaks --demo`,
		Version:       a.version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          unknownCommand,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			a.readEnv()
			if err := a.checkOutput(); err != nil {
				return err
			}
			return a.workspaceFromID()
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			g := a.rootFlags.given(cmd)
			probe := wizard.NewPlan(wizard.ModeCreate)
			if vs := wizard.FillFlags(probe, "amlaks", g); len(vs) > 0 {
				return &Invalid{vs}
			}
			if !g.Has("compute-type") && !a.canAsk() {
				return a.runWizard(nil)
			}
			s, err := a.session()
			if err != nil {
				return err
			}
			p := wizard.NewPlan(wizard.ModeCreate)
			a.applyGlobals(nil, p, s)
			wizard.FillFlags(p, "amlaks", g)
			// the accessible mode asks on a terminal or from piped answers;
			// the TUI never starts without a terminal
			if a.canAsk() {
				return a.accessible(p, &submitFlags{})
			}
			return a.runWizard(p)
		},
	}
	a.rootFlags = bindInputs(root, "amlaks")
	root.SetVersionTemplate("amlaks {{.Version}}\n")
	pf := root.PersistentFlags()
	pf.StringVar(&a.g.Subscription, "subscription", "", "subscription ID or name (default: $AZURE_SUBSCRIPTION_ID, then the az CLI default)")
	pf.StringVarP(&a.g.Workspace, "workspace", "w", "", "Azure ML workspace name")
	pf.StringVarP(&a.g.ResourceGroup, "resource-group", "g", "", "resource group of the workspace")
	pf.StringVar(&a.g.Cloud, "cloud", "", "AzureCloud, AzureChinaCloud, AzureUSGovernment or a cloud registered with az cloud register (default: the az CLI's active cloud)")
	pf.BoolVar(&a.g.Demo, "demo", false, "use the built-in simulated Azure (no account, no network; also AMLAKS_DEMO=1)")
	pf.StringVarP(&a.g.Output, "output", "o", fmtTable, "output format: json, jsonc, yaml, table, tsv or none")
	pf.StringVar(&a.g.Query, "query", "", "JMESPath query applied to the JSON result, e.g. \"[?type=='AKS'].name\" (https://jmespath.org)")
	pf.BoolVar(&a.g.NoColor, "no-color", false, "no colours (also NO_COLOR, CLICOLOR=0; CLICOLOR_FORCE=1 forces them)")
	pf.BoolVar(&a.g.Accessible, "accessible", false, "plain line prompts, no animation (also ACCESSIBLE=1, TERM=dumb)")
	pf.BoolVar(&a.g.NoTokenCache, "no-token-cache", false, "keep no Azure access token across runs (also AMLAKS_NO_TOKEN_CACHE=1)")
	pf.BoolVar(&a.g.Refresh, "refresh", false, "fetch regions, Kubernetes versions and VM sizes again instead of using those kept from earlier runs")
	pf.BoolVar(&a.g.Debug, "debug", false, "print an HTTP trace to stderr, secrets redacted (also AMLAKS_DEBUG=1)")
	pf.StringVar(&a.g.DebugFile, "debug-file", "", "write the --debug trace to `FILE` instead (created 0600; links and non-regular files are refused)")
	pf.DurationVar(&a.g.Timeout, "timeout", 0, "stop watching an operation after this long, e.g. 45m (default: 3 × its usual duration, at least 30s); it may still run: exit 3")

	root.AddGroup(&cobra.Group{ID: groupSetUp, Title: "Set up a compute:"}, &cobra.Group{ID: groupInspect, Title: "Look around:"},
		&cobra.Group{ID: groupServe, Title: "Prove a compute serves:"},
		&cobra.Group{ID: groupRemove, Title: "Remove a compute:"}, &cobra.Group{ID: groupOther, Title: "Other commands:"})
	for _, c := range []struct {
		group string
		cmd   *cobra.Command
	}{
		{groupSetUp, a.createCmd()}, {groupSetUp, a.attachCmd()}, {groupSetUp, a.migrateCmd()},
		{groupInspect, a.listCmd()}, {groupInspect, a.statusCmd()}, {groupInspect, a.versionsCmd()}, {groupInspect, a.sizesCmd()},
		{groupServe, a.verifyCmd()}, {groupServe, a.doctorCmd()},
		{groupRemove, a.detachCmd()},
		{groupOther, a.versionCmd()}, {groupOther, a.completionCmd(root)}, {groupOther, a.resetCmd()}, {groupOther, a.genDocsCmd(root)},
	} {
		c.cmd.GroupID = c.group
		root.AddCommand(c.cmd)
	}
	root.SetHelpCommandGroupID(groupOther)
	root.SetCompletionCommandGroupID(groupOther)
	root.SetHelpTemplate(helpTemplate)
	root.SuggestionsMinimumDistance = 2
	root.SetGlobalNormalizationFunc(azAliases)
	a.registerCompletions(root)
	return root
}

// The groups of commands in --help.
const (
	groupSetUp   = "setup"
	groupInspect = "inspect"
	groupServe   = "serve"
	groupRemove  = "remove"
	groupOther   = "other"
)

// exitCodesHelp ends every command's --help: scripts branch on these, and
// 3 differs from az, where it means "not found" (a compute that does not
// exist is a failure here, exit 1).
const exitCodesHelp = `Exit codes:
  0    success
  1    Azure or the operation failed (also: not found), or the result could not be written
  2    invalid or missing input, or a blocking preflight finding: nothing was sent
  3    stopped watching: the operation may still be running (amlaks status NAME picks it up)
  130  interrupted (Ctrl+C); a started operation goes on in Azure
`

// helpTemplate is cobra's help with the exit codes after the usage.
const helpTemplate = `{{with (or .Long .Short)}}{{. | trimTrailingWhitespaces}}

{{end}}{{if or .Runnable .HasSubCommands}}{{.UsageString}}{{end}}
` + exitCodesHelp

// unknownCommand refuses arguments to amlaks itself: a word there is a
// mistyped command, so it says which commands come close.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
	}
	return fmt.Errorf("%s\nRun '%s --help' for the commands", msg, cmd.CommandPath())
}

// readEnv applies the environment variables that stand for flags.
func (a *app) readEnv() {
	if os.Getenv("NO_COLOR") != "" {
		a.g.NoColor = true
	}
	if v := os.Getenv("ACCESSIBLE"); v != "" && v != "0" || os.Getenv("TERM") == "dumb" {
		a.g.Accessible = true
	}
	if !a.g.Demo {
		if v := os.Getenv("AMLAKS_DEMO"); v != "" && v != "0" {
			a.g.Demo = true
		}
	}
	if v := os.Getenv("AMLAKS_DEBUG"); v != "" && v != "0" {
		a.g.Debug = true
	}
	if a.g.DebugFile != "" {
		a.g.Debug = true
	}
}

// applyGlobals puts the global flags into a plan.
func (a *app) applyGlobals(_ *cobra.Command, p *wizard.Plan, s *Session) {
	switch {
	case a.g.Subscription != "":
		p.Subscription = a.g.Subscription
		p.Mark(wizard.FSubscription, wizard.Flag)
	case s.DefaultSubscription != "":
		p.Subscription = s.DefaultSubscription
		p.Mark(wizard.FSubscription, s.SubscriptionSource)
	}
	if a.g.Workspace != "" {
		p.Workspace.Name = a.g.Workspace
		p.Workspace.ResourceGroup = a.g.ResourceGroup
		p.Mark(wizard.FWorkspace, wizard.Flag)
	}
}

// canPrompt reports whether the TUI may start.
func (a *app) canPrompt() bool { return a.s.InTTY && a.s.OutTTY }
