package azure

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/amlaks/amlaks/wizard"
)

// Names of the credentials, as azidentity and AZURE_TOKEN_CREDENTIALS
// spell them.
const (
	credNameEnvironment      = "EnvironmentCredential"
	credNameWorkloadIdentity = "WorkloadIdentityCredential"
	credNameManagedIdentity  = "ManagedIdentityCredential"
	credNameAzureCLI         = "AzureCLICredential"
	credNameAzureDevCLI      = "AzureDeveloperCLICredential"
	credNamePowerShell       = "AzurePowerShellCredential"
)

// CredentialOptions configure NewCredentialWith.
type CredentialOptions struct {
	// Cloud is the Azure cloud (zero: AzurePublic).
	Cloud cloud.Configuration
	// CloudName names the cloud in the token cache (AzureCloud, or the
	// name given to `az cloud register`).
	CloudName string
	// CacheDir holds the token cache across runs (DefaultCacheDir());
	// "" keeps tokens in memory only.
	CacheDir string
	// CLIDir is the az CLI configuration directory ("" means
	// CLIConfigDir()); its profile keys and invalidates the token cache.
	CLIDir string
	// OnNote receives what the user should know about the token cache (a
	// kept file set aside because it is not theirs); nil drops it.
	OnNote func(string)
	// Transport sends the HTTP requests of the credentials that make some
	// (environment, workload and managed identity); nil means the SDK's.
	Transport policy.Transporter
}

// NewCredential returns the credential chain for the cloud cfg behind the
// in-memory token cache (see NewCredentialWith); nothing is kept on disk.
func NewCredential(cfg cloud.Configuration) (*CachingCredential, error) {
	return NewCredentialWith(CredentialOptions{Cloud: cfg})
}

// NewCredentialWith returns the credential of a person at a terminal, behind
// one CachingCredential that every SDK client shares:
//
//   - AZURE_TOKEN_CREDENTIALS, when set, selects credentials as azidentity
//     defines it: "dev" (Azure CLI, azd, Azure PowerShell), "prod"
//     (environment, workload identity, managed identity) or one
//     credential's type name;
//   - otherwise: EnvironmentCredential when its variables are set, the Azure
//     CLI, the Azure Developer CLI, then workload and managed identity only
//     when the environment says the process runs in Azure.
//
// Unlike azidentity's DefaultAzureCredential, a credential that fails does
// not stop the chain (a proxy answering the managed identity endpoint with
// 403 must not hide an `az login`), and managed identity is never probed on
// a machine that is not in Azure (no one-second probe, no 20 s of retries).
// It makes no network call; when every credential fails, GetToken returns a
// *wizard.Error of kind ErrNoCredential naming each one's reason.
func NewCredentialWith(o CredentialOptions) (*CachingCredential, error) {
	if o.Cloud.Services == nil && o.Cloud.ActiveDirectoryAuthorityHost == "" {
		o.Cloud = cloud.AzurePublic
	}
	if o.CLIDir == "" {
		o.CLIDir = CLIConfigDir()
	}
	ch, err := newChain(o)
	if err != nil {
		return nil, err
	}
	var disk *tokenDisk
	if o.CacheDir != "" && ch.cliFirst() {
		name := o.CloudName
		if name == "" {
			name = CloudPublic
		}
		disk = &tokenDisk{root: o.CacheDir, dir: filepath.Join(o.CacheDir, "tokens"), cloud: name, realm: CloudID(o.Cloud), cliDir: o.CLIDir, note: o.OnNote}
	}
	c := newCaching(ch.getToken, disk, 0)
	c.realm = CloudID(o.Cloud)
	if ch.cliFirst() {
		c.what = "`az account get-access-token`"
	}
	return c, nil
}

// CloudID names a cloud by what a token depends on: the authority that
// issues it and the Resource Manager endpoint and audience it is sent to.
// Two clouds with the same name but other endpoints (a re-registered test
// cloud) never share a token.
func CloudID(cfg cloud.Configuration) string {
	if cfg.Services == nil && cfg.ActiveDirectoryAuthorityHost == "" {
		cfg = cloud.AzurePublic
	}
	rm := cfg.Services[cloud.ResourceManager]
	return strings.TrimRight(strings.ToLower(cfg.ActiveDirectoryAuthorityHost), "/") + "|" +
		strings.TrimRight(strings.ToLower(rm.Endpoint), "/") + "|" + strings.TrimRight(strings.ToLower(rm.Audience), "/")
}

// TokenCacheDisabled reports whether AMLAKS_NO_TOKEN_CACHE turns the token
// cache across runs off (any value but "" and "0").
func TokenCacheDisabled() bool {
	v := os.Getenv("AMLAKS_NO_TOKEN_CACHE")
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

type link struct {
	name string
	cred azcore.TokenCredential
	err  error // the credential could not be built: its reason
}

// chain tries its links in order until one gives a token, then keeps
// using that one.
type chain struct {
	links []link
	mu    sync.Mutex
	won   int
}

func (c *chain) cliFirst() bool {
	return len(c.links) > 0 && c.links[0].name == credNameAzureCLI && c.links[0].err == nil
}

// credSet is a selection of credentials, in chain order.
type credSet []string

func selectCredentials() (credSet, error) {
	// an empty value selects nothing: taken as unset (azidentity rejects it)
	if v := os.Getenv("AZURE_TOKEN_CREDENTIALS"); v != "" {
		switch {
		case v == "dev":
			return credSet{credNameAzureCLI, credNameAzureDevCLI, credNamePowerShell}, nil
		case v == "prod":
			return credSet{credNameEnvironment, credNameWorkloadIdentity, credNameManagedIdentity}, nil
		}
		for _, n := range []string{credNameEnvironment, credNameWorkloadIdentity, credNameManagedIdentity, credNameAzureCLI, credNameAzureDevCLI, credNamePowerShell} {
			if strings.EqualFold(v, n) {
				return credSet{n}, nil
			}
		}
		return nil, &wizard.Error{Kind: wizard.ErrBadRequest, Op: "pick the credential",
			Message: fmt.Sprintf("AZURE_TOKEN_CREDENTIALS=%q is not a value azidentity knows", v),
			Hint: `use "dev", "prod" or one of EnvironmentCredential, WorkloadIdentityCredential, ManagedIdentityCredential, ` +
				"AzureCLICredential, AzureDeveloperCLICredential, AzurePowerShellCredential; or unset it"}
	}
	var s credSet
	if envCredentialSet() {
		s = append(s, credNameEnvironment)
	}
	s = append(s, credNameAzureCLI, credNameAzureDevCLI)
	if workloadIdentitySet() {
		s = append(s, credNameWorkloadIdentity)
	}
	if RunsInAzure() {
		s = append(s, credNameManagedIdentity)
	}
	return s, nil
}

// envCredentialSet mirrors azidentity.NewEnvironmentCredential: tenant,
// client and one of secret, certificate or user name.
func envCredentialSet() bool {
	g := os.Getenv
	return g("AZURE_TENANT_ID") != "" && g("AZURE_CLIENT_ID") != "" &&
		(g("AZURE_CLIENT_SECRET") != "" || g("AZURE_CLIENT_CERTIFICATE_PATH") != "" || g("AZURE_USERNAME") != "")
}

// workloadIdentitySet: the variables the AKS workload identity webhook sets.
func workloadIdentitySet() bool {
	g := os.Getenv
	return g("AZURE_FEDERATED_TOKEN_FILE") != "" && g("AZURE_CLIENT_ID") != "" && g("AZURE_TENANT_ID") != ""
}

// azureVMAssetTag is the SMBIOS chassis asset tag of every Azure VM
// (the check cloud-init and Azure's own guides use).
const azureVMAssetTag = "7783-7084-3265-9085-8269-3286-77"

var (
	assetTagPath = "/sys/class/dmi/id/chassis_asset_tag"
	arcHIMDSPath = "/opt/azcmagent/bin/himds"
)

// RunsInAzure reports whether the environment says the process runs where a
// managed identity can exist, without any network call: the variables of
// App Service/Functions (IDENTITY_ENDPOINT), Cloud Shell and Azure ML
// (MSI_ENDPOINT), Azure Arc (IMDS_ENDPOINT or its agent), or an Azure VM
// (SMBIOS asset tag) — the sources MSAL's managedidentity.GetSource knows,
// plus the VM check that replaces azidentity's IMDS probe.
func RunsInAzure() bool {
	for _, v := range []string{"IDENTITY_ENDPOINT", "MSI_ENDPOINT", "IMDS_ENDPOINT"} {
		if os.Getenv(v) != "" {
			return true
		}
	}
	if _, err := os.Stat(arcHIMDSPath); err == nil {
		return true
	}
	b, err := os.ReadFile(assetTagPath)
	return err == nil && strings.TrimSpace(string(b)) == azureVMAssetTag
}

func newChain(o CredentialOptions) (*chain, error) {
	names, err := selectCredentials()
	if err != nil {
		return nil, err
	}
	co := policy.ClientOptions{Cloud: o.Cloud, Transport: o.Transport}
	public := CloudID(o.Cloud) == CloudID(cloud.AzurePublic)
	c := &chain{won: -1}
	for _, n := range names {
		var cred azcore.TokenCredential
		var err error
		switch n {
		case credNameEnvironment:
			cred, err = azidentity.NewEnvironmentCredential(&azidentity.EnvironmentCredentialOptions{ClientOptions: co})
		case credNameWorkloadIdentity:
			cred, err = azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{ClientOptions: co})
		case credNameManagedIdentity:
			mo := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: co}
			if id := os.Getenv("AZURE_CLIENT_ID"); id != "" {
				mo.ID = azidentity.ClientID(id)
			}
			var mi *azidentity.ManagedIdentityCredential
			mi, err = azidentity.NewManagedIdentityCredential(mo)
			if err == nil {
				cred = mi
				if !RunsInAzure() {
					// chosen by AZURE_TOKEN_CREDENTIALS on a machine that does not
					// look like Azure: a one-second probe first, as azidentity does
					cred = &imdsProbed{cred: mi, transport: o.Transport}
				}
			}
		case credNameAzureCLI:
			// our own az runner: a hung az is killed with its children, and
			// az is asked only for the cloud it is signed in to
			cred = &azCLICredential{cloud: o.CloudName, cliDir: o.CLIDir}
		case credNameAzureDevCLI, credNamePowerShell:
			if !public && os.Getenv("AZURE_TOKEN_CREDENTIALS") == "" {
				// azd and Azure PowerShell sign in to a cloud of their own
				// configuration, which amlaks cannot see: their token could
				// be another cloud's. Used there only when asked for by name.
				err = fmt.Errorf("not tried for cloud %s: it cannot be told which cloud to sign in to (select it with AZURE_TOKEN_CREDENTIALS)", cloudLabel(o))
				break
			}
			if n == credNameAzureDevCLI {
				cred, err = azidentity.NewAzureDeveloperCLICredential(nil)
			} else {
				cred, err = azidentity.NewAzurePowerShellCredential(nil)
			}
		}
		c.links = append(c.links, link{name: n, cred: cred, err: err})
	}
	return c, nil
}

// cloudLabel names the cloud of o for a message.
func cloudLabel(o CredentialOptions) string {
	if o.CloudName != "" {
		return o.CloudName
	}
	return o.Cloud.Services[cloud.ResourceManager].Endpoint
}

// getToken is the chain's tokenSource.
func (c *chain) getToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, string, error) {
	c.mu.Lock()
	won := c.won
	c.mu.Unlock()
	if won >= 0 {
		l := c.links[won]
		t, err := l.cred.GetToken(ctx, opts)
		if err != nil {
			return t, l.name, chainFailed(ctx, []string{l.name + ": " + firstLine(err.Error())}, []error{err})
		}
		return t, l.name, nil
	}
	var why []string
	var errs []error
	for i, l := range c.links {
		if l.err != nil {
			why = append(why, l.name+": "+firstLine(l.err.Error()))
			continue
		}
		t, err := l.cred.GetToken(ctx, opts)
		if err == nil {
			c.mu.Lock()
			c.won = i
			c.mu.Unlock()
			return t, l.name, nil
		}
		if ctx.Err() != nil {
			return azcore.AccessToken{}, "", ctx.Err()
		}
		errs = append(errs, err)
		why = append(why, l.name+": "+firstLine(err.Error()))
	}
	return azcore.AccessToken{}, "", chainFailed(ctx, why, errs)
}

// chainFailed is noCredential with the hint of the one cause that says
// more than "not signed in": a hung az (named, with its own hint) or an az
// signed in to another cloud (how to sign in to this one).
func chainFailed(ctx context.Context, why []string, errs []error) error {
	e := noCredential(ctx, why)
	var we *wizard.Error
	if !errors.As(e, &we) {
		return e
	}
	for _, err := range errs {
		var hung *hungAz
		var wrong *wrongCloudError
		switch {
		case errors.As(err, &hung):
			we.Message, we.Hint = hung.Error(), hintSignInTimeout
			return we
		case errors.As(err, &wrong):
			we.Hint = wrong.hint()
		}
	}
	return we
}

// noCredential is the "not signed in" error the UI knows (ErrNoCredential
// offers the device-code sign-in and the demo).
func noCredential(ctx context.Context, why []string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	msg := "no credential found"
	if len(why) > 0 {
		msg += " (" + strings.Join(why, "; ") + ")"
	}
	return &wizard.Error{Kind: wizard.ErrNoCredential, Op: "sign in to Azure", Message: msg, Hint: hintNoCredential}
}

// imdsProbed asks IMDS only after a one-second probe got an answer.
type imdsProbed struct {
	cred      azcore.TokenCredential
	transport policy.Transporter
	once      sync.Once
	probeErr  error
}

func (p *imdsProbed) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	p.once.Do(func() {
		cx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(cx, http.MethodGet, "http://169.254.169.254/metadata/identity/oauth2/token", nil)
		if err != nil {
			p.probeErr = err
			return
		}
		var resp *http.Response
		if p.transport != nil {
			resp, err = p.transport.Do(req)
		} else {
			resp, err = http.DefaultClient.Do(req)
		}
		if err != nil {
			p.probeErr = errors.New("no managed identity endpoint answered (not running in Azure)")
			return
		}
		resp.Body.Close()
	})
	if p.probeErr != nil {
		return azcore.AccessToken{}, p.probeErr
	}
	return p.cred.GetToken(ctx, opts)
}

// StaticCredential is a token credential that returns a fixed fake token.
// It is for --demo, where the simulator ignores authentication.
type StaticCredential struct{}

// GetToken returns the fixed token "amlaks-demo", valid for an hour.
func (StaticCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "amlaks-demo", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// NewDeviceCodeCredential signs in with a device code for the cloud cfg,
// behind the in-memory token cache (the device-code flow runs once, not
// once per SDK client). prompt receives the sign-in instruction ("To sign
// in, use a web browser to open the page ... and enter the code ...") so
// the caller can show it inside its UI; azidentity's default prompt would
// print it over the screen.
func NewDeviceCodeCredential(cfg cloud.Configuration, prompt func(string)) (azcore.TokenCredential, error) {
	cred, err := azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{
		ClientOptions: policy.ClientOptions{Cloud: cfg},
		UserPrompt: func(_ context.Context, m azidentity.DeviceCodeMessage) error {
			prompt(m.Message)
			return nil
		},
	})
	if err != nil {
		return nil, mapError("sign in with a device code", err)
	}
	c := NewCachingCredential(cred)
	c.realm = CloudID(cfg)
	c.timeout = 16 * time.Minute // the user signs in on another device meanwhile
	return c, nil
}
