package azure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v8"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/kubernetesconfiguration/armkubernetesconfiguration/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"

	"github.com/amlaks/amlaks/wizard"
)

// Options configure a Client.
type Options struct {
	// Credential signs requests (NewCredential for real Azure,
	// StaticCredential for the simulator).
	Credential azcore.TokenCredential
	// Cloud is the Azure cloud; the zero value means AzurePublic.
	Cloud cloud.Configuration
	// Transport sends the HTTP requests; nil means the SDK's default HTTP
	// client. The simulator's in-memory transport goes here for --demo.
	Transport policy.Transporter
	// StateDir keeps the resume tokens of running operations; "" means the
	// user state directory ($XDG_STATE_HOME/amlaks or ~/.local/state/amlaks).
	StateDir string
	// Retry tunes the SDK retry policy. Zero fields get amlaks's bounds:
	// MaxRetries DefaultMaxRetries, TryTimeout DefaultTryTimeout,
	// MaxRetryDelay DefaultMaxRetryDelay (RetryDelay: the SDK's 0.8 s,
	// doubling; Retry-After honoured up to MaxRetryDelay).
	Retry policy.RetryOptions
	// FollowTimeout is how long Follow watches an operation before it
	// stops watching (ErrStoppedWatching); 0 means FollowFactor × the
	// expected duration, at least MinFollow (--timeout).
	FollowTimeout time.Duration
	// PollEvery is the shortest interval between two polls of an operation
	// in Follow when Azure's answer asks for no wait (a Retry-After, shorter
	// or longer, is followed instead: pollDelay); 0 means 2 s.
	PollEvery time.Duration
	// Expected overrides OpKind.Expected (demo mode: create 20 s, attach 10 s).
	Expected map[wizard.OpKind]time.Duration
	// OnNote receives visible notices such as
	// "throttled by Azure: retrying in 5 s". It may be called from any
	// goroutine and must not block.
	OnNote func(string)
	// DebugLog receives an HTTP trace with secrets redacted (--debug FILE).
	// It installs azcore's process-wide log listener.
	DebugLog io.Writer
	// DefaultSubscription (ID or name) is marked Default by Subscriptions.
	DefaultSubscription string
	// CacheTTL is how long regions, versions and sizes are kept; 0 means
	// 60 s, a negative value disables the cache.
	CacheTTL time.Duration
	// DisableRPRegistration turns off the SDK's automatic resource-provider
	// registration (tests and the simulator).
	DisableRPRegistration bool
	// CatalogDir keeps regions, Kubernetes versions and VM SKUs across runs
	// (DefaultCacheDir()/catalog; lifetimes: RegionsLifetime, …); "" keeps
	// them in memory only (demo mode).
	CatalogDir string
	// Refresh reads no catalog kept across runs (--refresh); what is
	// fetched is kept for the next run.
	Refresh bool
	// ApplicationID starts the User-Agent of every request
	// ("amlaks/v1.2.0"), so amlaks's calls can be told apart in logs.
	ApplicationID string
}

// Client implements wizard.Cloud over the Azure SDK. It is safe for
// concurrent use.
type Client struct {
	opts     Options
	armOpts  *arm.ClientOptions
	stateDir string
	cache    *memo
	// short shares the subscription and workspace lists between the calls
	// of one command (a prefetch and the resolution that follows it).
	short *memo
	disk  *catalogDisk

	mu   sync.Mutex
	subs map[string]*subClients
	acct *armsubscriptions.Client
}

var _ wizard.Cloud = (*Client)(nil)

// subClients are the SDK clients of one subscription.
type subClients struct {
	computes   *armmachinelearning.ComputeClient
	workspaces *armmachinelearning.WorkspacesClient
	vmSizes    *armmachinelearning.VirtualMachineSizesClient
	skus       *armcompute.ResourceSKUsClient
	usages     *armcompute.UsageClient
	clusters   *armcontainerservice.ManagedClustersClient
	extensions *armkubernetesconfiguration.ExtensionsClient
	providers  *armresources.ProvidersClient
	bindings   *armcontainerservice.TrustedAccessRoleBindingsClient
}

// New returns a Client. It makes no network call.
func New(opts Options) (*Client, error) {
	if opts.Credential == nil {
		return nil, &wizard.Error{Kind: wizard.ErrNoCredential, Op: "connect to Azure", Message: "no credential", Hint: hintNoCredential}
	}
	if opts.Cloud.Services == nil && opts.Cloud.ActiveDirectoryAuthorityHost == "" {
		opts.Cloud = cloud.AzurePublic
	}
	if opts.PollEvery <= 0 {
		opts.PollEvery = 2 * time.Second
	}
	if opts.CacheTTL == 0 {
		opts.CacheTTL = 60 * time.Second
	}
	dir := opts.StateDir
	if dir == "" {
		d, err := DefaultStateDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	opts.Retry = bounded(opts.Retry)
	// one token per scope for every SDK client of this Client
	opts.Credential = NewCachingCredential(opts.Credential)
	short := shortTTL
	if opts.CacheTTL < 0 {
		short = -1
	}
	c := &Client{opts: opts, stateDir: dir, subs: map[string]*subClients{}, cache: newMemo(opts.CacheTTL), short: newMemo(short)}
	if opts.CatalogDir != "" {
		c.disk = &catalogDisk{dir: opts.CatalogDir, cloud: opts.Cloud.Services[cloud.ResourceManager].Endpoint, refresh: opts.Refresh, note: opts.OnNote}
	}
	n := &notePolicy{retry: opts.Retry, onNote: opts.OnNote}
	c.armOpts = &arm.ClientOptions{
		ClientOptions: policy.ClientOptions{
			Cloud:            opts.Cloud,
			Transport:        opts.Transport,
			Retry:            opts.Retry,
			PerCallPolicies:  []policy.Policy{tryCounterPolicy{}},
			PerRetryPolicies: []policy.Policy{n},
			Logging:          policy.LogOptions{IncludeBody: false},
			Telemetry:        policy.TelemetryOptions{ApplicationID: opts.ApplicationID},
		},
		DisableRPRegistration: opts.DisableRPRegistration,
	}
	if opts.DebugLog != nil {
		installDebugLog(opts.DebugLog)
	}
	acct, err := armsubscriptions.NewClient(opts.Credential, c.armOpts)
	if err != nil {
		return nil, mapError("connect to Azure", err)
	}
	c.acct = acct
	return c, nil
}

// Bounds of every request (SDK retry policy), unless Options.Retry says
// otherwise. A call makes at most 1 + DefaultMaxRetries tries of at most
// DefaultTryTimeout each, waiting at most DefaultMaxRetryDelay between
// them; a server asking for a longer Retry-After is not retried.
const (
	DefaultMaxRetries    = 3
	DefaultTryTimeout    = 30 * time.Second
	DefaultMaxRetryDelay = 60 * time.Second
)

// bounded fills the zero fields of o with amlaks's bounds.
func bounded(o policy.RetryOptions) policy.RetryOptions {
	if o.MaxRetries == 0 {
		o.MaxRetries = DefaultMaxRetries
	}
	if o.TryTimeout == 0 {
		o.TryTimeout = DefaultTryTimeout
	}
	if o.MaxRetryDelay == 0 {
		o.MaxRetryDelay = DefaultMaxRetryDelay
	}
	return o
}

// DefaultStateDir is $XDG_STATE_HOME/amlaks, else ~/.local/state/amlaks.
func DefaultStateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "amlaks"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the state directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", "amlaks"), nil
}

// forSub returns the (cached) SDK clients of a subscription.
func (c *Client) forSub(sub string) (*subClients, error) {
	if sub == "" {
		return nil, &wizard.Error{Kind: wizard.ErrBadRequest, Op: "connect to Azure", Message: "no subscription given",
			Hint: "pick a subscription (--subscription or AZURE_SUBSCRIPTION_ID)"}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.subs[sub]; ok {
		return s, nil
	}
	cred, o := c.opts.Credential, c.armOpts
	var s subClients
	var err error
	join := func(e error) {
		if e != nil && err == nil {
			err = e
		}
	}
	var e error
	s.computes, e = armmachinelearning.NewComputeClient(sub, cred, o)
	join(e)
	s.workspaces, e = armmachinelearning.NewWorkspacesClient(sub, cred, o)
	join(e)
	s.vmSizes, e = armmachinelearning.NewVirtualMachineSizesClient(sub, cred, o)
	join(e)
	s.skus, e = armcompute.NewResourceSKUsClient(sub, cred, o)
	join(e)
	s.usages, e = armcompute.NewUsageClient(sub, cred, o)
	join(e)
	s.clusters, e = armcontainerservice.NewManagedClustersClient(sub, cred, o)
	join(e)
	s.extensions, e = armkubernetesconfiguration.NewExtensionsClient(sub, cred, o)
	join(e)
	s.providers, e = armresources.NewProvidersClient(sub, cred, o)
	join(e)
	s.bindings, e = armcontainerservice.NewTrustedAccessRoleBindingsClient(sub, cred, o)
	join(e)
	if err != nil {
		return nil, mapError("connect to Azure", err)
	}
	c.subs[sub] = &s
	return &s, nil
}

func (c *Client) expected(k wizard.OpKind) time.Duration {
	if d, ok := c.opts.Expected[k]; ok && d > 0 {
		return d
	}
	return k.Expected()
}

// ---- retry notices ----

type tryCounterKey struct{}

// tryCounter counts the tries of one call. uncertain is set when a try
// may have reached Azure without its answer reaching amlaks (a transport
// error, a timeout, a 5xx): what a retried PUT then gets (409) says
// nothing of the first try.
type tryCounter struct {
	n         int
	uncertain bool
}

// tryCounterPolicy runs once per call (before the retry policy) and gives
// the per-try notePolicy a counter to know which try it sees. A caller
// that wants to read the counter afterwards puts its own in the context.
type tryCounterPolicy struct{}

func (tryCounterPolicy) Do(req *policy.Request) (*http.Response, error) {
	if _, ok := req.Raw().Context().Value(tryCounterKey{}).(*tryCounter); ok {
		return req.Next()
	}
	ctx := context.WithValue(req.Raw().Context(), tryCounterKey{}, &tryCounter{})
	return req.WithContext(ctx).Next()
}

type noteSinkKey struct{}

// withNoteSink makes retry notices of calls made with ctx also reach f
// (Follow puts them into Progress.Note).
func withNoteSink(ctx context.Context, f func(string)) context.Context {
	return context.WithValue(ctx, noteSinkKey{}, f)
}

// notePolicy runs on every try, after the SDK retry policy: when the answer
// is one the retry policy will retry, it tells the user how long the wait is
// (the Retry-After header when present, as the retry policy does).
type notePolicy struct {
	retry  policy.RetryOptions
	onNote func(string)
}

// nonRetriable matches azcore's errorinfo.NonRetriable marker.
type nonRetriable interface{ NonRetriable() }

func (p *notePolicy) Do(req *policy.Request) (*http.Response, error) {
	ctx := req.Raw().Context()
	try := 1
	tc, _ := ctx.Value(tryCounterKey{}).(*tryCounter)
	if tc != nil {
		tc.n++
		try = tc.n
	}
	resp, err := req.Next()
	if tc != nil && (err != nil || resp.StatusCode >= 500) {
		tc.uncertain = true
	}
	if ctx.Err() != nil {
		return resp, err
	}
	sink, _ := ctx.Value(noteSinkKey{}).(func(string))
	if p.onNote == nil && sink == nil {
		return resp, err
	}
	o := p.retry
	if o.MaxRetries == 0 {
		o.MaxRetries = 3
	}
	if o.MaxRetries < 0 || try > int(o.MaxRetries) {
		return resp, err
	}
	if o.MaxRetryDelay == 0 {
		o.MaxRetryDelay = DefaultMaxRetryDelay
	}
	if o.RetryDelay == 0 {
		o.RetryDelay = 800 * time.Millisecond
	}
	codes := o.StatusCodes
	if codes == nil {
		codes = []int{408, 429, 500, 502, 503, 504}
	}
	var what string
	var delay time.Duration
	switch {
	case err != nil:
		var nr nonRetriable
		if errors.As(err, &nr) {
			return resp, err
		}
		what = "network error"
	case hasStatus(resp.StatusCode, codes):
		if resp.StatusCode == 429 {
			what = "throttled by Azure"
		} else {
			what = fmt.Sprintf("Azure answered %d", resp.StatusCode)
		}
		delay = retryAfter(resp)
		if delay > o.MaxRetryDelay && o.MaxRetryDelay > 0 {
			return resp, err // the retry policy gives up
		}
	default:
		return resp, err
	}
	if delay <= 0 {
		// The retry policy's back-off without its jitter.
		delay = time.Duration((int64(1)<<min(try, 30))-1) * o.RetryDelay
		if o.MaxRetryDelay > 0 && delay > o.MaxRetryDelay {
			delay = o.MaxRetryDelay
		}
	}
	msg := what + ": retrying in " + fmtDelay(delay)
	if p.onNote != nil {
		p.onNote(msg)
	}
	if sink != nil {
		sink(msg)
	}
	return resp, err
}

func hasStatus(code int, codes []int) bool {
	for _, c := range codes {
		if c == code {
			return true
		}
	}
	return false
}

// retryAfter reads retry-after-ms, x-ms-retry-after-ms, then Retry-After
// (seconds or an HTTP date), in azcore's order.
func retryAfter(resp *http.Response) time.Duration {
	if resp == nil {
		return 0
	}
	for _, h := range []string{"retry-after-ms", "x-ms-retry-after-ms"} {
		if v := resp.Header.Get(h); v != "" {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				return time.Duration(n) * time.Millisecond
			}
		}
	}
	if v := resp.Header.Get("Retry-After"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := time.Parse(time.RFC1123, v); err == nil {
			return time.Until(t)
		}
	}
	return 0
}

func fmtDelay(d time.Duration) string {
	if d < time.Second {
		return strconv.Itoa(int(d/time.Millisecond)) + " ms"
	}
	return strconv.Itoa(int((d+time.Second/2)/time.Second)) + " s"
}

// ---- debug log ----

// StopDebugLog removes the trace listener of Options.DebugLog (the
// session is over).
func StopDebugLog() { azlog.SetListener(nil) }

// installDebugLog sets azcore's (process-wide) log listener to write a
// redacted HTTP trace to w.
func installDebugLog(w io.Writer) {
	var mu sync.Mutex
	azlog.SetEvents(azlog.EventRequest, azlog.EventResponse, azlog.EventResponseError, azlog.EventRetryPolicy, azlog.EventLRO)
	azlog.SetListener(func(e azlog.Event, msg string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s [%s] %s\n", time.Now().Format("15:04:05.000"), e, strings.TrimRight(redact(msg), "\n"))
	})
}
