package azure

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/files"
)

// Names of the built-in clouds, as the az CLI spells them.
const (
	CloudPublic     = "AzureCloud"
	CloudChina      = "AzureChinaCloud"
	CloudGovernment = "AzureUSGovernment"
)

// CLIConfig is what amlaks reads from the az CLI's configuration
// directory: the active cloud, the clouds registered with
// `az cloud register`, and the signed-in subscriptions.
type CLIConfig struct {
	// Dir is the directory read.
	Dir string
	// ActiveCloud is `[cloud] name` of the config file ("" when unset).
	ActiveCloud string
	// Clouds are the registered (custom) clouds by name.
	Clouds map[string]cloud.Configuration
	// DefaultSubscription is the ID of the default subscription of the
	// active cloud ("" when none).
	DefaultSubscription string
	// Subscriptions are the entries of azureProfile.json.
	Subscriptions []CLISubscription
}

// CLISubscription is one subscription of azureProfile.json.
type CLISubscription struct {
	ID        string
	Name      string
	TenantID  string
	State     string
	IsDefault bool
	Cloud     string // environmentName, e.g. "AzureCloud"
}

// CLIConfigDir is $AZURE_CONFIG_DIR, else ~/.azure.
func CLIConfigDir() string {
	if d := os.Getenv("AZURE_CONFIG_DIR"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".azure"
	}
	return filepath.Join(home, ".azure")
}

// LoadCLIConfig reads the az CLI configuration in dir ("" means
// CLIConfigDir()). Missing files are not errors; malformed ones are.
func LoadCLIConfig(dir string) (CLIConfig, error) {
	if dir == "" {
		dir = CLIConfigDir()
	}
	cfg := CLIConfig{Dir: dir, Clouds: map[string]cloud.Configuration{}}

	ini, err := readINI(filepath.Join(dir, "config"))
	if err != nil {
		return cfg, err
	}
	cfg.ActiveCloud = ini["cloud"]["name"]

	clouds, err := readINI(filepath.Join(dir, "clouds.config"))
	if err != nil {
		return cfg, err
	}
	for name, kv := range clouds {
		rm := strings.TrimRight(kv["endpoint_resource_manager"], "/")
		if rm == "" || builtinCloud(name) != "" {
			continue
		}
		aud := kv["endpoint_active_directory_resource_id"]
		if aud == "" {
			aud = kv["endpoint_management"]
		}
		if aud == "" {
			aud = rm + "/"
		}
		aad := kv["endpoint_active_directory"]
		if aad != "" && !strings.HasSuffix(aad, "/") {
			aad += "/"
		}
		cfg.Clouds[name] = cloud.Configuration{
			ActiveDirectoryAuthorityHost: aad,
			Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
				cloud.ResourceManager: {Endpoint: rm, Audience: aud},
			},
		}
	}

	subs, err := readProfile(filepath.Join(dir, "azureProfile.json"))
	if err != nil {
		return cfg, err
	}
	cfg.Subscriptions = subs
	active := cfg.ActiveCloud
	if active == "" {
		active = CloudPublic
	}
	for _, s := range subs {
		if s.IsDefault && (s.Cloud == "" || strings.EqualFold(s.Cloud, active)) {
			cfg.DefaultSubscription = s.ID
			break
		}
	}
	if cfg.DefaultSubscription == "" {
		// az also remembers the current subscription per cloud in clouds.config.
		for name, kv := range clouds {
			if strings.EqualFold(name, active) && kv["subscription"] != "" {
				cfg.DefaultSubscription = kv["subscription"]
			}
		}
	}
	return cfg, nil
}

// maxAzFile caps what is read of one az configuration file (a profile
// with hundreds of subscriptions is a few hundred KB).
const maxAzFile = 16 << 20

// readAzFile reads one of az's files: a regular file under a size cap,
// within a second (a FIFO or a device put there must not hang amlaks).
func readAzFile(path string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), diskTimeout)
	defer cancel()
	return files.ReadRegular(ctx, path, maxAzFile)
}

// readINI parses the Python configparser files of the az CLI: [section]
// headers, "key = value" or "key: value", # and ; comments. Section names
// keep their case; keys are lower-cased. A missing file gives an empty map.
func readINI(path string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	b, err := readAzFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read az CLI configuration: %w", err)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	sec := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' && line[len(line)-1] == ']' {
			sec = strings.TrimSpace(line[1 : len(line)-1])
			if out[sec] == nil {
				out[sec] = map[string]string{}
			}
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i < 0 || sec == "" {
			continue
		}
		out[sec][strings.ToLower(strings.TrimSpace(line[:i]))] = strings.TrimSpace(line[i+1:])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read az CLI configuration %s: %w", path, err)
	}
	return out, nil
}

func readProfile(path string) ([]CLISubscription, error) {
	b, err := readAzFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read az CLI profile: %w", err)
	}
	// The az CLI writes azureProfile.json with a UTF-8 byte-order mark.
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	var p struct {
		Subscriptions []struct {
			ID              string `json:"id"`
			Name            string `json:"name"`
			TenantID        string `json:"tenantId"`
			State           string `json:"state"`
			IsDefault       bool   `json:"isDefault"`
			EnvironmentName string `json:"environmentName"`
		} `json:"subscriptions"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("read az CLI profile %s: %w", path, err)
	}
	out := make([]CLISubscription, 0, len(p.Subscriptions))
	for _, s := range p.Subscriptions {
		out = append(out, CLISubscription{ID: s.ID, Name: s.Name, TenantID: s.TenantID, State: s.State,
			IsDefault: s.IsDefault, Cloud: s.EnvironmentName})
	}
	return out, nil
}

func builtinCloud(name string) string {
	for _, n := range []string{CloudPublic, CloudChina, CloudGovernment} {
		if strings.EqualFold(n, name) {
			return n
		}
	}
	return ""
}

// ResolveCloud returns the configuration and canonical name of a cloud:
// AzureCloud, AzureChinaCloud or AzureUSGovernment (any case), or a cloud
// registered with `az cloud register`. "" means the az CLI's active cloud,
// else AzureCloud. An unknown name is an error listing the valid names.
func ResolveCloud(name string, cli CLIConfig) (cloud.Configuration, string, error) {
	if name == "" {
		name = cli.ActiveCloud
	}
	if name == "" {
		name = CloudPublic
	}
	switch builtinCloud(name) {
	case CloudPublic:
		return cloud.AzurePublic, CloudPublic, nil
	case CloudChina:
		return cloud.AzureChina, CloudChina, nil
	case CloudGovernment:
		return cloud.AzureGovernment, CloudGovernment, nil
	}
	for n, c := range cli.Clouds {
		if strings.EqualFold(n, name) {
			return c, n, nil
		}
	}
	valid := []string{CloudPublic, CloudChina, CloudGovernment}
	var reg []string
	for n := range cli.Clouds {
		reg = append(reg, n)
	}
	sort.Strings(reg)
	valid = append(valid, reg...)
	return cloud.Configuration{}, "", &wizard.Error{Kind: wizard.ErrBadRequest, Op: "pick the cloud",
		Message: fmt.Sprintf("unknown cloud %q", name),
		Hint:    "use one of " + strings.Join(valid, ", ") + " (register others with `az cloud register`)"}
}

// DefaultSubscription picks the subscription to use: the flag, else
// $AZURE_SUBSCRIPTION_ID, else the az CLI's default. It may be a name or an
// ID (see MatchSubscription).
func DefaultSubscription(flag string, cli CLIConfig) string {
	if flag != "" {
		return flag
	}
	if s := os.Getenv("AZURE_SUBSCRIPTION_ID"); s != "" {
		return s
	}
	return cli.DefaultSubscription
}

// MatchSubscription finds s (an ID or a display name, any case) in subs.
// An ambiguous name or no match is an ErrNotFound error listing the choices.
func MatchSubscription(subs []wizard.Subscription, s string) (wizard.Subscription, error) {
	s = strings.TrimSpace(s)
	for _, x := range subs {
		if strings.EqualFold(x.ID, s) {
			return x, nil
		}
	}
	var hits []wizard.Subscription
	for _, x := range subs {
		if strings.EqualFold(x.Name, s) {
			hits = append(hits, x)
		}
	}
	if len(hits) == 1 {
		return hits[0], nil
	}
	var names []string
	for _, x := range subs {
		names = append(names, fmt.Sprintf("%s (%s)", x.Name, x.ID))
	}
	msg := fmt.Sprintf("no subscription %q", s)
	if len(hits) > 1 {
		msg = fmt.Sprintf("%d subscriptions are named %q", len(hits), s)
	}
	hint := "you are signed in to no subscription: run `az login`"
	if len(names) > 0 {
		hint = "use the ID of one of: " + strings.Join(names, ", ")
	}
	return wizard.Subscription{}, &wizard.Error{Kind: wizard.ErrNotFound, Op: "pick the subscription", Message: msg, Hint: hint}
}
