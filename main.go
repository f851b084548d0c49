// Command amlaks creates a new Azure Kubernetes Service inference cluster
// from an Azure Machine Learning workspace, or attaches an existing one.
//
// main.go is the only place that sees everything: it builds the Cloud (the
// azure package over real Azure, or over the simulator for --demo), wires
// context and signals, and turns the result into an exit code.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/charmbracelet/x/term"

	"github.com/amlaks/amlaks/azure"
	"github.com/amlaks/amlaks/azure/sim"
	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/ui/cli"
	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/files"
)

// Set by -ldflags "-X main.version=... -X main.commit=...".
var (
	version = ""
	commit  = ""
)

func versionString() string {
	v, c := version, commit
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	if c == "" {
		c = "unknown"
	} else if len(c) > 12 {
		c = c[:12]
	}
	return v + " (commit " + c + ")"
}

func main() {
	var out, errw io.Writer = os.Stdout, os.Stderr
	if closedAtStart(1) {
		out = closedStream{"standard output"}
	}
	if closedAtStart(2) {
		errw = closedStream{"standard error"}
	}
	code := run(os.Args[1:], os.Stdin, out, errw)
	azure.ExitHelpers()
	os.Exit(code)
}

// inertStream escapes, in what it is given, what a terminal would act on
// (rules.InertTerminal).
type inertStream struct{ w io.Writer }

func (s inertStream) Write(p []byte) (int, error) {
	if _, err := io.WriteString(s.w, rules.InertTerminal(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// closedStream stands for a standard stream that was closed: every write
// fails, so a result that cannot be shown is an exit 1, as documented.
type closedStream struct{ name string }

func (c closedStream) Write([]byte) (int, error) {
	return 0, fmt.Errorf("%s is closed", c.name)
}

// run is the in-process seam of the program: tests call it with their own
// arguments and streams.
func run(args []string, in io.Reader, out, errw io.Writer) int {
	// an az still running when amlaks is done (a prefetch nobody waited
	// for, a fetch cut short by an error or a signal) goes with it
	defer azure.KillHelpers()
	early := startSignIn(args) // the first token fetch starts now
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s := cli.Streams{In: in, Out: out, Err: errw, InTTY: isTTY(in), OutTTY: isTTY(out)}
	return cli.Run(ctx, args, s, sessionFactory(early, errw), versionString())
}

// appVersion is the version in the User-Agent of every request
// ("amlaks/v1.2.0", "amlaks/dev").
func appVersion() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	if v == "" {
		v = "dev"
	}
	return v
}

// openDebug returns where the --debug trace goes: the --debug-file, else
// stderr; nil without --debug.
func openDebug(g cli.Globals, errw io.Writer) (io.Writer, func(), error) {
	if !g.Debug && g.DebugFile == "" {
		return nil, func() {}, nil
	}
	if g.DebugFile == "" {
		// the trace shows Azure's answers as sent: on a terminal only
		// amlaks's own styling may act
		return inertStream{errw}, azure.StopDebugLog, nil
	}
	f, err := openDebugFile(g.DebugFile)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { azure.StopDebugLog(); f.Close() }, nil
}

func isTTY(f any) bool {
	if x, ok := f.(interface{ Fd() uintptr }); ok {
		return term.IsTerminal(x.Fd())
	}
	return false
}

// newSession builds the Cloud for the global flags: the simulator for
// --demo (same azure code, in-memory transport), else real Azure.
func newSession(ctx context.Context, g cli.Globals) (*cli.Session, error) {
	return newSessionTo(ctx, g, os.Stderr)
}

// newSessionTo is newSession with the --debug trace going to errw.
func newSessionTo(ctx context.Context, g cli.Globals, errw io.Writer) (*cli.Session, error) {
	return sessionFactory(nil, errw)(ctx, g)
}

// sessionFactory builds sessions that use the sign-in started early when
// it fits the flags; the --debug trace goes to errw.
func sessionFactory(early *signIn, errw io.Writer) cli.Factory {
	return func(ctx context.Context, g cli.Globals) (*cli.Session, error) {
		return buildSession(ctx, g, early, errw)
	}
}

func buildSession(_ context.Context, g cli.Globals, early *signIn, errw io.Writer) (s *cli.Session, err error) {
	debugLog, closeFn, err := openDebug(g, errw)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			closeFn()
		}
	}()
	if g.Demo {
		s, err := demoSession(g, debugLog)
		if err != nil {
			return nil, err
		}
		s.Close = closeFn
		return s, nil
	}
	si, err := signInFor(early, g)
	if err != nil {
		return nil, err
	}
	cfg, cl, cred := si.cfg, si.cl, si.cred
	sub, src := g.Subscription, wizard.Flag
	if sub == "" {
		if sub = os.Getenv("AZURE_SUBSCRIPTION_ID"); sub != "" {
			src = wizard.Env
		} else if sub = cfg.DefaultSubscription; sub != "" {
			src = wizard.AzCLI
		}
	}
	notes := si.notes
	every, poll := pollFromEnv()
	c, err := azure.New(azure.Options{Credential: cred, Cloud: cl, DefaultSubscription: sub, DebugLog: debugLog, OnNote: notes.Emit,
		CatalogDir: catalogDir(), Refresh: g.Refresh, ApplicationID: "amlaks/" + appVersion(),
		FollowTimeout: g.Timeout, Retry: retryFromEnv(), PollEvery: poll})
	if err != nil {
		return nil, err
	}
	signIn := func(prompt func(string)) (wizard.Cloud, error) {
		dc, err := azure.NewDeviceCodeCredential(cl, prompt)
		if err != nil {
			return nil, err
		}
		return azure.New(azure.Options{Credential: dc, Cloud: cl, DefaultSubscription: sub, DebugLog: debugLog, OnNote: notes.Emit,
			CatalogDir: catalogDir(), Refresh: g.Refresh, ApplicationID: "amlaks/" + appVersion(),
			FollowTimeout: g.Timeout, Retry: retryFromEnv(), PollEvery: poll})
	}
	recordDir := ""
	if d, err := azure.DefaultStateDir(); err == nil {
		recordDir = filepath.Join(d, "records")
	}
	return &cli.Session{Cloud: c, Notes: notes, SignIn: signIn, DefaultSubscription: sub, SubscriptionSource: src, PollEvery: every, Close: closeFn,
		RecordDir:    recordDir,
		Portal:       azure.PortalURL(si.cloudName),
		DemoFallback: func() (*cli.Session, error) { return demoSession(g, debugLog) }}, nil
}

// demoSession wires the azure package to the simulator through an
// in-memory transport. AMLAKS_SIM_SPEED scales operation durations
// (default 1: create ≈ 20 s); AMLAKS_SIM_FAULTS injects faults.
func demoSession(g cli.Globals, debugLog io.Writer) (*cli.Session, error) {
	speed := 1.0
	if v := os.Getenv("AMLAKS_SIM_SPEED"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			return nil, fmt.Errorf("AMLAKS_SIM_SPEED=%q: want a positive number", v)
		}
		speed = f
	}
	faults, err := sim.ParseFaults(os.Getenv("AMLAKS_SIM_FAULTS"))
	if err != nil {
		return nil, fmt.Errorf("AMLAKS_SIM_FAULTS: %w", err)
	}
	path := sim.DefaultStatePath()
	if os.Getenv(sim.EnvState) == "" {
		// amlaks's own state directory (not one named by the user, which
		// may be shared such as /tmp): private to the user; one that cannot
		// be made is left for the first save to report
		if err := files.PrivateDir(filepath.Dir(path)); files.Untrusted(err) {
			return nil, fmt.Errorf("demo state directory %s: %w; remove it, or set %s to another file", filepath.Dir(path), err, sim.EnvState)
		}
	}
	notes := &cli.NoteRelay{}
	h, err := sim.New(sim.Options{StatePath: path, Speed: speed, Faults: faults, OnNote: notes.Emit})
	if err != nil {
		return nil, err
	}
	sub, src := g.Subscription, wizard.Flag
	if sub == "" {
		if sub = os.Getenv("AZURE_SUBSCRIPTION_ID"); sub != "" {
			src = wizard.Env
		} else {
			sub, src = sim.DefaultSubscriptionID, wizard.AzCLI
		}
	}
	scale := func(d time.Duration) time.Duration { return time.Duration(float64(d) / speed) }
	ops := demoStateDir(path)
	expected := map[wizard.OpKind]time.Duration{wizard.OpCreate: scale(20 * time.Second), wizard.OpAttach: scale(10 * time.Second), wizard.OpDetach: scale(3 * time.Second),
		wizard.OpCluster: scale(sim.BaseDuration("cluster")), wizard.OpExtension: scale(sim.BaseDuration("extension")), wizard.OpDelete: scale(sim.BaseDuration("delete-cluster")),
		wizard.OpTrustedAccess: scale(sim.BaseDuration("trusted-access")), wizard.OpExtensionUpdate: scale(sim.BaseDuration("extension-update"))}
	c, err := azure.New(azure.Options{
		OnNote:                notes.Emit,
		ApplicationID:         "amlaks/" + appVersion(),
		DisableRPRegistration: true,
		Credential:            azure.StaticCredential{},
		Transport:             sim.NewTransport(h),
		DefaultSubscription:   sub,
		DebugLog:              debugLog,
		StateDir:              demoStateDir(path),
		PollEvery:             scale(time.Second),
		Expected:              expected,
		FollowTimeout:         g.Timeout,
		Retry:                 demoRetry(scale),
	})
	if err != nil {
		return nil, err
	}
	return &cli.Session{Cloud: c, Notes: notes, Demo: true, Expected: expected, Portal: azure.PortalURL(azure.CloudPublic), DefaultSubscription: sub, SubscriptionSource: src, PollEvery: scale(time.Second),
		LockDir: filepath.Join(filepath.Dir(path), "locks"), RecordDir: filepath.Join(ops, "records"),
		Reset: func() error {
			if err := os.RemoveAll(ops); err != nil {
				return err
			}
			return sim.Reset(path)
		}}, nil
}

// pollFromEnv reads AMLAKS_POLL_INTERVAL (how often a running operation
// is polled, a Go duration; default 10 s): every is the interval, poll
// the Cloud's shortest one (0: its own default). An unparsable value is
// ignored.
func pollFromEnv() (every, poll time.Duration) {
	if d, err := time.ParseDuration(os.Getenv("AMLAKS_POLL_INTERVAL")); err == nil && d > 0 {
		return d, d
	}
	return 10 * time.Second, 0
}

// retryFromEnv reads AMLAKS_TRY_TIMEOUT (the per-request timeout, a Go
// duration; default azure.DefaultTryTimeout). An unparsable value is
// ignored: the default bound stays.
func retryFromEnv() policy.RetryOptions {
	var o policy.RetryOptions
	if d, err := time.ParseDuration(os.Getenv("AMLAKS_TRY_TIMEOUT")); err == nil && d > 0 {
		o.TryTimeout = d
	}
	return o
}

// demoRetry is retryFromEnv with the retry back-off scaled like the
// simulated Azure's durations (0.8 s at speed 1).
func demoRetry(scale func(time.Duration) time.Duration) policy.RetryOptions {
	o := retryFromEnv()
	o.RetryDelay = max(scale(800*time.Millisecond), time.Millisecond)
	return o
}

// demoStateDir keeps demo resume tokens beside the demo state, apart from
// real ones.
func demoStateDir(statePath string) string {
	return filepath.Join(filepath.Dir(statePath), "demo-ops")
}
