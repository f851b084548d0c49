package azure

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/amlaks/amlaks/wizard/files"
)

// tokenDisk keeps access tokens obtained from the Azure CLI across runs,
// one 0600 file per cloud, tenant, signed-in account and scope under
// <user cache dir>/amlaks/tokens. Only the access token is kept (the az CLI
// keeps its refresh tokens to itself). An entry is dropped when the az
// profile changes (az login, az logout, az account set rewrite
// azureProfile.json or clouds.config), and never used within minLife of
// its expiry.
//
// azidentity's persistent cache (azidentity/cache) does not apply here: it
// serves only the MSAL-based credentials (client secret/certificate,
// device code, browser, workload identity); AzureCLICredential caches
// nothing, not even in memory (azidentity TOKEN_CACHING.MD, and
// AzureCLICredential.GetToken runs `az account get-access-token` on every
// call).
type tokenDisk struct {
	root   string // …/amlaks, the cache directory (made private too)
	dir    string // …/amlaks/tokens
	cloud  string // cloud name, e.g. AzureCloud
	realm  string // the cloud's authority and endpoints (CloudID)
	cliDir string // az configuration directory
	note   func(string)
}

// maxTokenFile caps what is read of a kept token (a few KB).
const maxTokenFile = 64 << 10

// diskTimeout bounds a read of a kept file: anything slower is not a
// file amlaks wrote.
const diskTimeout = time.Second

// diskToken is the file content.
type diskToken struct {
	Cloud     string    `json:"cloud"`
	Realm     string    `json:"realm"` // CloudID: authority, ARM endpoint, audience
	Tenant    string    `json:"tenant"`
	Account   string    `json:"account"`
	Scope     string    `json:"scope"`
	Profile   string    `json:"profile"` // sha256 of the az profile files
	Token     string    `json:"accessToken"`
	ExpiresOn time.Time `json:"expiresOn"`
}

// DefaultCacheDir is os.UserCacheDir()/amlaks ($XDG_CACHE_HOME/amlaks or
// ~/.cache/amlaks on Linux).
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "amlaks"), nil
}

// cliIdentity is who the az CLI is signed in as, from its profile files.
type cliIdentity struct {
	tenant, account, hash string
}

// readCLIIdentity reads azureProfile.json (and clouds.config, where az
// keeps the current subscription of each cloud) in dir: the default
// subscription of cloudName gives tenant and account; the hash of both
// files changes with every az login, az logout and az account set.
func readCLIIdentity(dir, cloudName string) (cliIdentity, bool) {
	prof, err := readAzFile(filepath.Join(dir, "azureProfile.json"))
	if err != nil {
		return cliIdentity{}, false
	}
	clouds, _ := readAzFile(filepath.Join(dir, "clouds.config"))
	h := sha256.New()
	h.Write(prof)
	h.Write([]byte{0})
	h.Write(clouds)
	var p struct {
		Subscriptions []struct {
			TenantID        string `json:"tenantId"`
			IsDefault       bool   `json:"isDefault"`
			EnvironmentName string `json:"environmentName"`
			User            struct {
				Name string `json:"name"`
			} `json:"user"`
		} `json:"subscriptions"`
	}
	if json.Unmarshal(bytes.TrimPrefix(prof, []byte("\xef\xbb\xbf")), &p) != nil {
		return cliIdentity{}, false
	}
	for _, s := range p.Subscriptions {
		if s.IsDefault && (s.EnvironmentName == "" || strings.EqualFold(s.EnvironmentName, cloudName)) && s.User.Name != "" {
			return cliIdentity{tenant: s.TenantID, account: s.User.Name, hash: hex.EncodeToString(h.Sum(nil))}, true
		}
	}
	return cliIdentity{}, false
}

// path returns the file of a token request for the signed-in identity.
func (d *tokenDisk) path(opts policy.TokenRequestOptions) (string, diskToken, bool) {
	if len(opts.Scopes) != 1 {
		return "", diskToken{}, false
	}
	id, ok := readCLIIdentity(d.cliDir, d.cloud)
	if !ok {
		return "", diskToken{}, false
	}
	tenant := opts.TenantID
	if tenant == "" {
		tenant = id.tenant
	}
	want := diskToken{Cloud: d.cloud, Realm: d.realm, Tenant: tenant, Account: id.account, Scope: opts.Scopes[0], Profile: id.hash}
	sum := sha256.Sum256([]byte(strings.Join([]string{want.Cloud, want.Realm, want.Tenant, want.Account, want.Scope}, "\x00")))
	return filepath.Join(d.dir, hex.EncodeToString(sum[:16])+".json"), want, true
}

// load returns the kept token of opts when it belongs to the current az
// sign-in and has more than minLife left.
func (d *tokenDisk) load(opts policy.TokenRequestOptions) (azcore.AccessToken, bool) {
	p, want, ok := d.path(opts)
	if !ok {
		return azcore.AccessToken{}, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), diskTimeout)
	defer cancel()
	b, err := files.ReadPrivate(ctx, p, maxTokenFile)
	if files.Untrusted(err) {
		setAside(p, "kept token", err, d.note)
		return azcore.AccessToken{}, false
	}
	if err != nil {
		return azcore.AccessToken{}, false
	}
	var got diskToken
	if json.Unmarshal(b, &got) != nil || got.Token == "" {
		os.Remove(p)
		return azcore.AccessToken{}, false
	}
	if got.Cloud != want.Cloud || got.Realm != want.Realm || got.Tenant != want.Tenant || got.Account != want.Account || got.Scope != want.Scope ||
		got.Profile != want.Profile || !got.ExpiresOn.After(time.Now()) {
		os.Remove(p) // another sign-in, or expired
		return azcore.AccessToken{}, false
	}
	if time.Until(got.ExpiresOn) <= minLife {
		return azcore.AccessToken{}, false
	}
	return azcore.AccessToken{Token: got.Token, ExpiresOn: got.ExpiresOn}, true
}

// store writes the token of opts (0600, atomically). Failures are ignored:
// the cache only saves time.
func (d *tokenDisk) store(opts policy.TokenRequestOptions, t azcore.AccessToken) {
	p, e, ok := d.path(opts)
	if !ok || time.Until(t.ExpiresOn) <= minLife {
		return
	}
	e.Token, e.ExpiresOn = t.Token, t.ExpiresOn.UTC()
	b, err := json.Marshal(e)
	if err != nil {
		return
	}
	if err := privateDirs(d.root, d.dir); err != nil {
		if d.note != nil {
			d.note("the token is not kept across runs: " + err.Error())
		}
		return
	}
	writePrivate(p, b)
}

// privateDirs makes the cache directories private to the user (0700,
// tightened when looser), and refuses them when they are not the user's.
func privateDirs(dirs ...string) error {
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if err := files.PrivateDir(d); err != nil {
			return fmt.Errorf("%s: %w; remove it and run amlaks again", d, err)
		}
	}
	return nil
}

// setAside moves a kept file that cannot be trusted out of the way (it is
// built again) and says so.
func setAside(path, what string, why error, note func(string)) {
	aside, err := files.SetAside(path)
	if note == nil {
		return
	}
	if err != nil {
		note(fmt.Sprintf("the %s %s is ignored (%v), and could not be moved aside: %v", what, path, why, err))
		return
	}
	note(fmt.Sprintf("the %s %s is ignored (%v); moved aside as %s", what, path, why, aside))
}

// writePrivate writes b to path through a 0600 temporary file in the same
// directory (created 0700) and a rename, so readers never see half a file.
func writePrivate(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(b)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
