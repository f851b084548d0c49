package azure

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// publicPrices is the Azure Retail Prices API (no sign-in).
const publicPrices = "https://prices.azure.com"

// pricesAPIVersion is the Retail Prices API version asked for.
const pricesAPIVersion = "2023-01-01-preview"

// pricesEndpoint is where the Retail Prices API is asked: prices.azure.com
// for Azure's public cloud; for another cloud (a sovereign one, or the
// simulator's) its Resource Manager endpoint, where the simulator serves
// the same route and a real cloud answers 404 (the price is then unknown).
func (c *Client) pricesEndpoint() string {
	arm := strings.TrimRight(c.opts.Cloud.Services[cloud.ResourceManager].Endpoint, "/")
	if arm == "" || arm == strings.TrimRight(cloud.AzurePublic.Services[cloud.ResourceManager].Endpoint, "/") {
		return publicPrices
	}
	return arm
}

// PremiumTierPrice is what AKS's Premium tier costs per cluster and hour
// in region (USD, pay-as-you-go), from the Azure Retail Prices API. The
// request carries no token: the API is public, and the Resource Manager
// token is not sent anywhere else.
func (c *Client) PremiumTierPrice(ctx context.Context, region string) (float64, error) {
	v, err := c.cache.do(ctx, "premium-tier|"+normRegion(region), func(ctx context.Context) (any, error) {
		filter := fmt.Sprintf("serviceName eq 'Azure Kubernetes Service' and armRegionName eq '%s' and skuName eq 'Premium' and priceType eq 'Consumption'",
			normRegion(region))
		u := c.pricesEndpoint() + "/api/retail/prices?api-version=" + pricesAPIVersion + "&$filter=" + url.QueryEscape(filter)
		pl := runtime.NewPipeline("amlaks", "", runtime.PipelineOptions{}, &policy.ClientOptions{Transport: c.opts.Transport,
			Retry: policy.RetryOptions{MaxRetries: 1, TryTimeout: c.opts.Retry.TryTimeout}})
		req, err := runtime.NewRequest(ctx, http.MethodGet, u)
		if err != nil {
			return 0, err
		}
		resp, err := pl.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("the Retail Prices API answered %s", resp.Status)
		}
		var page struct {
			Items []struct {
				CurrencyCode  string  `json:"currencyCode"`
				RetailPrice   float64 `json:"retailPrice"`
				UnitOfMeasure string  `json:"unitOfMeasure"`
				SkuName       string  `json:"skuName"`
			} `json:"Items"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
			return 0, fmt.Errorf("the Retail Prices API answered no price list: %w", err)
		}
		for _, it := range page.Items {
			if strings.EqualFold(it.SkuName, "Premium") && strings.EqualFold(it.CurrencyCode, "USD") && it.UnitOfMeasure == "1 Hour" && it.RetailPrice > 0 {
				return it.RetailPrice, nil
			}
		}
		return 0, fmt.Errorf("the Retail Prices API has no hourly Premium tier price for %s", region)
	})
	if err != nil {
		return 0, err
	}
	return v.(float64), nil
}
