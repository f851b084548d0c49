package azure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// azCLITimeout bounds one `az account get-access-token` when the caller's
// context has no deadline (azidentity's own default).
const azCLITimeout = 10 * time.Second

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
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, azCLITimeout)
		defer cancel()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
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
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return at, fmt.Errorf("%s: az timed out (%v): %w", credNameAzureCLI, ctx.Err(), ctx.Err())
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
