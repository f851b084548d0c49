package azure

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"

	"github.com/amlaks/amlaks/wizard"
)

func TestLoadCLIConfig(t *testing.T) {
	cli, err := LoadCLIConfig("testdata/azcli")
	if err != nil {
		t.Fatal(err)
	}
	if cli.ActiveCloud != "MyStack" {
		t.Errorf("ActiveCloud = %q", cli.ActiveCloud)
	}
	if len(cli.Subscriptions) != 3 || cli.Subscriptions[0].Name != "Contoso Prod" || cli.Subscriptions[2].Cloud != "MyStack" {
		t.Errorf("Subscriptions = %+v", cli.Subscriptions)
	}
	// The default of the active cloud, not the AzureCloud one.
	if cli.DefaultSubscription != "33333333-3333-4333-8333-333333333333" {
		t.Errorf("DefaultSubscription = %q", cli.DefaultSubscription)
	}
	if _, ok := cli.Clouds["AzureCloud"]; ok {
		t.Error("AzureCloud (subscription only) listed as a registered cloud")
	}
	c, ok := cli.Clouds["MyStack"]
	if !ok {
		t.Fatalf("MyStack not registered: %v", cli.Clouds)
	}
	rm := c.Services[cloud.ResourceManager]
	if rm.Endpoint != "https://management.stack.contoso.example" || rm.Audience != "https://management.adfs.stack.contoso.example/abc" {
		t.Errorf("ResourceManager = %+v", rm)
	}
	if c.ActiveDirectoryAuthorityHost != "https://login.stack.contoso.example/" {
		t.Errorf("authority = %q", c.ActiveDirectoryAuthorityHost)
	}
}

func TestLoadCLIConfigMissingAndEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AZURE_CONFIG_DIR", dir)
	cli, err := LoadCLIConfig("")
	if err != nil {
		t.Fatalf("missing files: %v", err)
	}
	if cli.Dir != dir || cli.ActiveCloud != "" || cli.DefaultSubscription != "" || len(cli.Clouds) != 0 {
		t.Errorf("empty dir gave %+v", cli)
	}
	// Only a profile: the AzureCloud default wins.
	b, _ := os.ReadFile("testdata/azcli/azureProfile.json")
	if err := os.WriteFile(filepath.Join(dir, "azureProfile.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	cli, err = LoadCLIConfig("")
	if err != nil {
		t.Fatal(err)
	}
	if cli.DefaultSubscription != "11111111-1111-4111-8111-111111111111" {
		t.Errorf("DefaultSubscription = %q", cli.DefaultSubscription)
	}
	if err := os.WriteFile(filepath.Join(dir, "azureProfile.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCLIConfig(""); err == nil {
		t.Error("a broken profile is not an error")
	}
}

func TestResolveCloud(t *testing.T) {
	cli, err := LoadCLIConfig("testdata/azcli")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		cli      CLIConfig
		want     string
		endpoint string
	}{
		{"", CLIConfig{}, "AzureCloud", "https://management.azure.com"},
		{"azurecloud", cli, "AzureCloud", "https://management.azure.com"},
		{"AZURECHINACLOUD", cli, "AzureChinaCloud", "https://management.chinacloudapi.cn"},
		{"AzureUSGovernment", cli, "AzureUSGovernment", "https://management.usgovcloudapi.net"},
		{"", cli, "MyStack", "https://management.stack.contoso.example"},
		{"mystack", cli, "MyStack", "https://management.stack.contoso.example"},
	}
	for _, c := range cases {
		cfg, name, err := ResolveCloud(c.name, c.cli)
		if err != nil {
			t.Errorf("%q: %v", c.name, err)
			continue
		}
		if name != c.want || cfg.Services[cloud.ResourceManager].Endpoint != c.endpoint {
			t.Errorf("%q: got %q %q, want %q %q", c.name, name, cfg.Services[cloud.ResourceManager].Endpoint, c.want, c.endpoint)
		}
	}
	_, _, err = ResolveCloud("Mars", cli)
	if !errors.Is(err, wizard.ErrBadRequest) {
		t.Fatalf("unknown cloud: %v", err)
	}
	if h := wizard.HintOf(err); !strings.Contains(h, "AzureChinaCloud") || !strings.Contains(h, "MyStack") {
		t.Errorf("hint does not list the clouds: %q", h)
	}
}

func TestDefaultSubscriptionAndMatch(t *testing.T) {
	cli := CLIConfig{DefaultSubscription: "cli-sub"}
	t.Setenv("AZURE_SUBSCRIPTION_ID", "")
	if got := DefaultSubscription("", cli); got != "cli-sub" {
		t.Errorf("cli default: %q", got)
	}
	t.Setenv("AZURE_SUBSCRIPTION_ID", "env-sub")
	if got := DefaultSubscription("", cli); got != "env-sub" {
		t.Errorf("env: %q", got)
	}
	if got := DefaultSubscription("flag-sub", cli); got != "flag-sub" {
		t.Errorf("flag: %q", got)
	}
	subs := []wizard.Subscription{
		{ID: "00000000-0000-4000-8000-000000000001", Name: "Contoso ML (demo)"},
		{ID: "00000000-0000-4000-8000-000000000002", Name: "Twin"},
		{ID: "00000000-0000-4000-8000-000000000003", Name: "twin"},
	}
	if s, err := MatchSubscription(subs, "contoso ml (DEMO)"); err != nil || s.ID != subs[0].ID {
		t.Errorf("by name: %v %v", s, err)
	}
	if s, err := MatchSubscription(subs, "00000000-0000-4000-8000-000000000002"); err != nil || s.Name != "Twin" {
		t.Errorf("by id: %v %v", s, err)
	}
	if _, err := MatchSubscription(subs, "twin"); !errors.Is(err, wizard.ErrNotFound) || !strings.Contains(err.Error(), "2 subscriptions") {
		t.Errorf("ambiguous: %v", err)
	}
	if _, err := MatchSubscription(subs, "nope"); !errors.Is(err, wizard.ErrNotFound) || !strings.Contains(wizard.HintOf(err), "Contoso ML (demo)") {
		t.Errorf("unknown: %v", err)
	}
}
