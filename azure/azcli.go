package azure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// azCLITimeout bounds one `az account get-access-token`: a real one
// answers in about a second, a slow network in a few; past this az is
// hung (a proxy, a pending prompt) and is named as such.
const azCLITimeout = 30 * time.Second

// maxAzOutput caps what is read from az: a token answer is a few KB; a
// broken az may print megabytes.
const maxAzOutput = 1 << 20

// azCLICredential gets tokens from the Azure CLI as azidentity's
// AzureCLICredential does (`az account get-access-token -o json --resource
// R [--tenant T]`), but runs az itself: without a shell, in its own
// process group, and kills the whole group when the context ends — az is
// a script that starts Python, and killing only the script (azidentity
// v1.15.0 runs `/bin/sh -c` and kills the shell) leaves a hung Python
// behind after amlaks exits.
type azCLICredential struct {
	mu sync.Mutex // one az at a time, as azidentity does
	// az is the command to run (tests: a fake); "" means "az".
	az string
	// cloud is the cloud whose token is wanted (as `az cloud list` names
	// it); "" takes whatever az's active cloud gives. az has no option to
	// ask another cloud's authority: a token it gives is always its active
	// cloud's, so for any other cloud it is not asked at all.
	cloud string
	// cliDir is az's configuration directory, where its active cloud is.
	cliDir string
	// timeout replaces azCLITimeout (tests).
	timeout time.Duration
}

// wrongCloudError: az is signed in to another cloud than the one wanted.
type wrongCloudError struct{ want, active string }

func (e *wrongCloudError) Error() string {
	return fmt.Sprintf("az's active cloud is %s, not %s: a token from az would be issued for %s", e.active, e.want, e.active)
}

func (e *wrongCloudError) hint() string {
	return fmt.Sprintf("to use %s, sign in to it: run `az cloud set --name %s && az login` (or drop --cloud to use %s)", e.want, e.want, e.active)
}

// azActiveCloud is the cloud az's commands use: `[cloud] name` of its
// configuration, AzureCloud when unset.
func azActiveCloud(dir string) string {
	if dir == "" {
		dir = CLIConfigDir()
	}
	ini, err := readINI(filepath.Join(dir, "config"))
	if err != nil || ini["cloud"]["name"] == "" {
		return CloudPublic
	}
	return ini["cloud"]["name"]
}

// hungAz is a run of az killed after its time ran out.
type hungAz struct{ after time.Duration }

func (e *hungAz) Error() string {
	return fmt.Sprintf("`az account get-access-token` did not answer in %s (killed)", fmtSeconds(e.after))
}

func fmtSeconds(d time.Duration) string {
	if d < time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return strconv.Itoa(int(d.Round(time.Second)/time.Second)) + " s"
}

// running holds the process groups of the az runs under way, so that
// KillHelpers can end them when amlaks exits before their time is up.
var running = struct {
	mu     sync.Mutex
	cmds   map[*exec.Cmd]bool
	closed bool // ExitHelpers ran: no az is started any more
}{cmds: map[*exec.Cmd]bool{}}

// KillHelpers kills every az still running (with its children). main calls
// it on its way out: a token fetch started for a command that ended (an
// error, Ctrl+C, a prefetch nobody waited for) must not outlive amlaks.
func KillHelpers() {
	running.mu.Lock()
	defer running.mu.Unlock()
	killLocked()
}

// ExitHelpers is KillHelpers for good: no az starts after it (the process
// is about to exit, and an az started now would outlive it).
func ExitHelpers() {
	running.mu.Lock()
	defer running.mu.Unlock()
	running.closed = true
	killLocked()
}

func killLocked() {
	for cmd := range running.cmds {
		if cmd.Cancel != nil {
			_ = cmd.Cancel()
		}
	}
}

// GetToken implements azcore.TokenCredential.
func (c *azCLICredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	var at azcore.AccessToken
	if len(opts.Scopes) != 1 {
		return at, errors.New(credNameAzureCLI + ": GetToken() requires exactly one scope")
	}
	resource := strings.TrimSuffix(opts.Scopes[0], "/.default")
	if !safeArg(resource) || (opts.TenantID != "" && !safeArg(opts.TenantID)) {
		return at, fmt.Errorf("%s: invalid scope or tenant %q", credNameAzureCLI, opts.Scopes[0])
	}
	if opts.Claims != "" {
		return at, fmt.Errorf("%s: Azure CLI requires multifactor authentication or additional claims: run az login and retry", credNameAzureCLI)
	}
	args := []string{"account", "get-access-token", "-o", "json", "--resource", resource}
	if opts.TenantID != "" {
		args = append(args, "--tenant", opts.TenantID)
	}
	if c.cloud != "" {
		if active := azActiveCloud(c.cliDir); !strings.EqualFold(active, c.cloud) {
			return at, &wrongCloudError{want: c.cloud, active: active}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	limit := c.timeout
	if limit <= 0 {
		limit = azCLITimeout
	}
	parent, start := ctx, time.Now()
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	az := c.az
	if az == "" {
		az = "az"
	}
	path, err := exec.LookPath(az)
	if err != nil {
		return at, fmt.Errorf("%s: Azure CLI not found on path: executable not found", credNameAzureCLI)
	}
	cmd := exec.CommandContext(ctx, path, args...)
	ownGroup(cmd) // killed as a group when ctx ends
	cmd.WaitDelay = 100 * time.Millisecond
	var out, errb capped
	out.max, errb.max = maxAzOutput, 64<<10
	cmd.Stdout, cmd.Stderr = &out, &errb
	// started and registered under the lock: ExitHelpers either sees this
	// az (and kills it) or keeps it from starting
	running.mu.Lock()
	if running.closed {
		running.mu.Unlock()
		return at, errors.New(credNameAzureCLI + ": amlaks is exiting")
	}
	runErr := cmd.Start()
	if runErr == nil {
		running.cmds[cmd] = true
	}
	running.mu.Unlock()
	if runErr == nil {
		runErr = cmd.Wait()
		running.mu.Lock()
		delete(running.cmds, cmd)
		running.mu.Unlock()
	}
	if err := parent.Err(); errors.Is(err, context.Canceled) {
		return at, err
	}
	if ctx.Err() != nil {
		return at, &hungAz{after: min(limit, time.Since(start))}
	}
	if runErr != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = runErr.Error()
		}
		return at, fmt.Errorf("%s: %s", credNameAzureCLI, msg)
	}
	return parseAzToken(out.Bytes())
}

// parseAzToken reads az's answer: accessToken, and expires_on (Unix
// seconds, az 2.54+) or expiresOn (local time, older az).
func parseAzToken(b []byte) (azcore.AccessToken, error) {
	var t struct {
		AccessToken string          `json:"accessToken"`
		ExpiresOn   string          `json:"expiresOn"`
		ExpiresOnTS json.RawMessage `json:"expires_on"`
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return azcore.AccessToken{}, fmt.Errorf("%s: error parsing token: %w", credNameAzureCLI, err)
	}
	if t.AccessToken == "" {
		return azcore.AccessToken{}, fmt.Errorf("%s: error parsing token: no accessToken in the answer", credNameAzureCLI)
	}
	var exp time.Time
	if len(t.ExpiresOnTS) > 0 {
		if n, err := strconv.ParseInt(strings.Trim(string(t.ExpiresOnTS), `"`), 10, 64); err == nil && n > 0 {
			exp = time.Unix(n, 0)
		}
	}
	if exp.IsZero() && t.ExpiresOn != "" {
		if v, err := time.ParseInLocation("2006-01-02 15:04:05.999999", t.ExpiresOn, time.Local); err == nil {
			exp = v
		}
	}
	if exp.IsZero() {
		return azcore.AccessToken{}, fmt.Errorf("%s: error parsing token: no expiry in the answer", credNameAzureCLI)
	}
	return azcore.AccessToken{Token: t.AccessToken, ExpiresOn: exp.UTC(), RefreshOn: exp.Add(-5 * time.Minute).UTC()}, nil
}

// safeArg: a scope or tenant is letters, digits and . - _ : /
func safeArg(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_:/", r)) {
			return false
		}
	}
	return s != ""
}

// capped keeps the first max bytes written and drops the rest.
type capped struct {
	bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); room > 0 {
		c.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
