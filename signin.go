package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"

	"github.com/amlaks/amlaks/azure"
	"github.com/amlaks/amlaks/ui/cli"
)

// signIn is the credential of a real (not demo) run, built before cobra
// parses the command line so the first token fetch (one `az account
// get-access-token`, or none on a warm start) overlaps everything else.
type signIn struct {
	cfg       azure.CLIConfig
	cl        cloud.Configuration
	cloudName string
	noCache   bool
	cred      *azure.CachingCredential
	// notes carries what the token cache has to say (a kept file set
	// aside); the session shows them.
	notes *cli.NoteRelay
}

// startSignIn looks at the few global flags that matter (--demo, --cloud,
// --no-token-cache; help and version need no Azure) and starts fetching the
// Resource Manager token. It returns nil when nothing was started; errors
// are left for newSession to report.
func startSignIn(args []string) *signIn {
	if v := os.Getenv("AMLAKS_DEMO"); v != "" && v != "0" {
		return nil
	}
	cloudName, noCache := "", azure.TokenCacheDisabled()
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			i = len(args)
		case a == "--demo" || strings.HasPrefix(a, "--demo=") && a != "--demo=false",
			a == "-h" || a == "--help" || a == "--version" || a == "help" || a == "completion" || a == "reset":
			return nil
		case a == "--no-token-cache" || a == "--no-token-cache=true":
			noCache = true
		case a == "--cloud" && i+1 < len(args):
			cloudName = args[i+1]
			i++
		case strings.HasPrefix(a, "--cloud="):
			cloudName = strings.TrimPrefix(a, "--cloud=")
		}
	}
	s, err := newSignIn(cloudName, noCache)
	if err != nil {
		return nil
	}
	s.cred.Prefetch(azure.ARMScope(s.cl))
	return s
}

// newSignIn reads the az CLI configuration and builds the credential of a
// cloud ("" means the az CLI's active cloud).
func newSignIn(cloudName string, noCache bool) (*signIn, error) {
	cfg, err := azure.LoadCLIConfig("")
	if err != nil {
		return nil, err
	}
	cl, name, err := azure.ResolveCloud(cloudName, cfg)
	if err != nil {
		return nil, err
	}
	notes := &cli.NoteRelay{}
	o := azure.CredentialOptions{Cloud: cl, CloudName: name, CLIDir: cfg.Dir, OnNote: notes.Emit}
	if !noCache {
		o.CacheDir, _ = azure.DefaultCacheDir()
	}
	cred, err := azure.NewCredentialWith(o)
	if err != nil {
		return nil, err
	}
	return &signIn{cfg: cfg, cl: cl, cloudName: name, noCache: noCache, cred: cred, notes: notes}, nil
}

// signInFor returns the early sign-in when it fits the parsed flags, else a
// new one.
func signInFor(early *signIn, g cli.Globals) (*signIn, error) {
	noCache := g.NoTokenCache || azure.TokenCacheDisabled()
	if early != nil && early.noCache == noCache {
		if cl, name, err := azure.ResolveCloud(g.Cloud, early.cfg); err == nil && name == early.cloudName && azure.CloudID(cl) == azure.CloudID(early.cl) {
			return early, nil
		}
	}
	return newSignIn(g.Cloud, noCache)
}

// catalogDir is where regions, versions and SKUs are kept across runs
// ("" when there is no user cache directory).
func catalogDir() string {
	d, err := azure.DefaultCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "catalog")
}
