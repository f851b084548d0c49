package azure

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/amlaks/amlaks/wizard"
)

// Token lifetimes the caching credential works with.
const (
	// refreshAhead: a token with less life left is refreshed in the
	// background while it is still handed out.
	refreshAhead = 10 * time.Minute
	// minLife: a token with less life left is not handed out while a new
	// one can be had, and a token on disk with less is never used (azcore's
	// bearer policy itself refreshes 5 minutes before expiry).
	minLife = 5 * time.Minute
	// retryRefresh is the shortest interval between two background
	// refreshes that failed.
	retryRefresh = 30 * time.Second
	// holdFailure: for this long after a fetch failed, callers get its
	// error without a new fetch (the calls of one step that come just after
	// a "not signed in" must not run az again each).
	holdFailure = 2 * time.Second
)

// tokenSource fetches a token and says which credential gave it
// (credNameAzureCLI, …) so the disk cache keeps only what it may.
type tokenSource func(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, string, error)

// CachingCredential is the one azcore.TokenCredential every SDK client of a
// process shares. It keeps one token per scope and tenant: concurrent
// requests for the same token share one fetch (the Azure CLI runs once, not
// once per SDK client), a token is refreshed in the background before it
// expires, and the ARM token obtained from the Azure CLI is kept across
// runs in a 0600 file (see tokenDisk) so a warm start runs no `az` at all.
// Tokens are never logged or printed.
type CachingCredential struct {
	// realm is the cloud the tokens are for (CloudID): part of every key,
	// so a token is never handed out for another cloud's request.
	realm   string
	src     tokenSource
	what    string     // what fetches the tokens ("`az account get-access-token`"), for messages
	disk    *tokenDisk // nil: no cache across runs
	timeout time.Duration

	mu   sync.Mutex
	toks map[string]*tokenEntry
}

var _ azcore.TokenCredential = (*CachingCredential)(nil)

type tokenEntry struct {
	tok       azcore.AccessToken
	have      bool
	fl        *tokenFlight
	lastFail  time.Time
	failErr   error
	diskTried bool
}

type tokenFlight struct {
	done chan struct{}
	tok  azcore.AccessToken
	err  error
}

// newCaching wraps src. timeout bounds one fetch, which runs detached from
// the caller that started it (others may be waiting for it).
func newCaching(src tokenSource, disk *tokenDisk, timeout time.Duration) *CachingCredential {
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	return &CachingCredential{src: src, disk: disk, timeout: timeout, toks: map[string]*tokenEntry{}}
}

// NewCachingCredential puts the in-memory cache (one fetch per scope and
// tenant, refresh ahead of expiry) in front of any credential; it keeps
// nothing across runs.
func NewCachingCredential(cred azcore.TokenCredential) *CachingCredential {
	if c, ok := cred.(*CachingCredential); ok {
		return c
	}
	return newCaching(func(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, string, error) {
		t, err := cred.GetToken(ctx, o)
		return t, "", err
	}, nil, 0)
}

func (c *CachingCredential) tokenKey(o policy.TokenRequestOptions) string {
	return c.realm + "|" + o.TenantID + "|" + strings.Join(o.Scopes, " ")
}

// ARMScope is the scope of Resource Manager tokens in cfg, as azcore's arm
// clients ask for it.
func ARMScope(cfg cloud.Configuration) string {
	if cfg.Services == nil {
		cfg = cloud.AzurePublic
	}
	return cfg.Services[cloud.ResourceManager].Audience + "/.default"
}

// Prefetch starts fetching the token of scope in the background (the first
// call of a process, made before the first frame) and returns at once.
func (c *CachingCredential) Prefetch(scope string) {
	o := policy.TokenRequestOptions{Scopes: []string{scope}, EnableCAE: true}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(c.tokenKey(o))
	if e.fl == nil && !(e.have && fresh(e.tok, time.Now())) {
		c.start(context.Background(), c.tokenKey(o), e, o)
	}
}

// GetToken returns the shared token of the scope and tenant of opts.
func (c *CachingCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	key := c.tokenKey(opts)
	if opts.Claims != "" {
		// a claims challenge (CAE) needs a new token whatever is cached
		t, src, err := c.src(ctx, opts)
		if err != nil {
			return azcore.AccessToken{}, err
		}
		c.mu.Lock()
		e := c.entry(key)
		e.tok, e.have = t, true
		c.mu.Unlock()
		c.save(opts, t, src)
		return t, nil
	}
	now := time.Now()
	c.mu.Lock()
	e := c.entry(key)
	if e.have && fresh(e.tok, now) {
		t := e.tok
		c.mu.Unlock()
		return t, nil
	}
	if e.have && e.tok.ExpiresOn.Sub(now) > time.Minute {
		// still good: hand it out, refresh behind it
		if e.fl == nil && now.Sub(e.lastFail) > retryRefresh {
			c.start(ctx, key, e, opts)
		}
		t := e.tok
		c.mu.Unlock()
		return t, nil
	}
	waitFrom := time.Now()
	fl := e.fl
	if fl == nil && e.failErr != nil && now.Sub(e.lastFail) < holdFailure {
		err := e.failErr
		c.mu.Unlock()
		return azcore.AccessToken{}, err
	}
	if fl == nil {
		fl = c.start(ctx, key, e, opts)
	}
	c.mu.Unlock()
	select {
	case <-fl.done:
		if fl.err != nil {
			// an expiring token still valid beats none
			c.mu.Lock()
			t, have := e.tok, e.have
			c.mu.Unlock()
			if have && t.ExpiresOn.After(time.Now()) {
				return t, nil
			}
			return azcore.AccessToken{}, fl.err
		}
		return fl.tok, nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			// the request's time ran out waiting for the token, not for
			// Azure: say which (the fetch itself goes on, bounded)
			return azcore.AccessToken{}, tokenTimeout{&wizard.Error{Kind: wizard.ErrNoCredential, Op: "sign in to Azure",
				Message: fmt.Sprintf("%s did not answer in %s", c.fetcher(), fmtSeconds(time.Since(waitFrom))), Hint: hintSignInTimeout}}
		}
		return azcore.AccessToken{}, ctx.Err()
	}
}

// tokenTimeout is the caller's deadline passed while waiting for a token:
// the sign-in's error for people, context.DeadlineExceeded for code.
type tokenTimeout struct{ e *wizard.Error }

func (t tokenTimeout) Error() string   { return t.e.Error() }
func (t tokenTimeout) Unwrap() []error { return []error{t.e, context.DeadlineExceeded} }

// fetcher names what fetches the tokens, for a message.
func (c *CachingCredential) fetcher() string {
	if c.what != "" {
		return c.what
	}
	return "the sign-in"
}

func (c *CachingCredential) entry(key string) *tokenEntry {
	e := c.toks[key]
	if e == nil {
		e = &tokenEntry{}
		c.toks[key] = e
	}
	return e
}

// fresh reports whether t is handed out without any refresh.
func fresh(t azcore.AccessToken, now time.Time) bool {
	if !t.RefreshOn.IsZero() && !t.RefreshOn.After(now) {
		return false
	}
	return t.ExpiresOn.Sub(now) > refreshAhead
}

// start runs a fetch for key (c.mu held). The first fetch of a key looks
// in the disk cache before asking the credential chain.
func (c *CachingCredential) start(ctx context.Context, key string, e *tokenEntry, opts policy.TokenRequestOptions) *tokenFlight {
	fl := &tokenFlight{done: make(chan struct{})}
	e.fl = fl
	tryDisk := !e.diskTried && c.disk != nil
	e.diskTried = true
	go func() {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
		defer cancel()
		var t azcore.AccessToken
		var src string
		var err error
		hit := false
		if tryDisk {
			t, hit = c.disk.load(opts)
		}
		if !hit {
			t, src, err = c.src(fctx, opts)
		}
		c.mu.Lock()
		fl.tok, fl.err = t, err
		if err == nil {
			e.tok, e.have, e.failErr = t, true, nil
		} else {
			e.lastFail, e.failErr = time.Now(), err
		}
		e.fl = nil
		c.mu.Unlock()
		if err == nil && !hit {
			c.save(opts, t, src)
		}
		close(fl.done)
	}()
	return fl
}

func (c *CachingCredential) save(opts policy.TokenRequestOptions, t azcore.AccessToken, src string) {
	if c.disk != nil && src == credNameAzureCLI {
		c.disk.store(opts, t)
	}
}
