package azure

import (
	"context"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// NewCredential returns azidentity's DefaultAzureCredential for the cloud
// cfg (environment, workload identity, managed identity, Azure CLI, azd,
// PowerShell; AZURE_TOKEN_CREDENTIALS narrows the chain). It makes no
// network call; a missing sign-in shows up as ErrNoCredential on the first
// call.
func NewCredential(cfg cloud.Configuration) (azcore.TokenCredential, error) {
	cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
		ClientOptions: policy.ClientOptions{Cloud: cfg},
	})
	if err != nil {
		return nil, mapError("sign in to Azure", err)
	}
	return cred, nil
}

// StaticCredential is a token credential that returns a fixed fake token.
// It is for --demo, where the simulator ignores authentication.
type StaticCredential struct{}

// GetToken returns the fixed token "amlaks-demo", valid for an hour.
func (StaticCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "amlaks-demo", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// NewDeviceCodeCredential signs in with a device code for the cloud cfg.
// prompt receives the sign-in instruction ("To sign in, use a web browser
// to open the page ... and enter the code ...") so the caller can show it
// inside its UI; azidentity's default prompt would print it over the
// screen.
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
	return cred, nil
}
