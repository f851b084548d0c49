package sim

import (
	"net/http"
	"regexp"
	"strings"
)

// The Azure Retail Prices API (GET https://prices.azure.com/api/retail/prices,
// no sign-in), for the AKS control plane tiers only: what the Premium tier
// that long-term support needs costs per cluster and hour. The shape is
// the API's (Items, Count, NextPageLink; currencyCode, retailPrice,
// unitOfMeasure, armRegionName, skuName, serviceName); the meter names and
// the rates ($0.10 Standard, $0.60 Premium per cluster hour, the AKS
// pricing page) are modelled.

var reFilterEq = regexp.MustCompile(`(?i)(\w+)\s+eq\s+'([^']*)'`)

type priceItem struct {
	CurrencyCode  string  `json:"currencyCode"`
	RetailPrice   float64 `json:"retailPrice"`
	UnitPrice     float64 `json:"unitPrice"`
	ArmRegionName string  `json:"armRegionName"`
	Location      string  `json:"location"`
	MeterName     string  `json:"meterName"`
	ProductName   string  `json:"productName"`
	SkuName       string  `json:"skuName"`
	ServiceName   string  `json:"serviceName"`
	UnitOfMeasure string  `json:"unitOfMeasure"`
	Type          string  `json:"type"`
}

type pricesJSON struct {
	BillingCurrency    string      `json:"BillingCurrency"`
	CustomerEntityID   string      `json:"CustomerEntityId"`
	CustomerEntityType string      `json:"CustomerEntityType"`
	Items              []priceItem `json:"Items"`
	NextPageLink       *string     `json:"NextPageLink"`
	Count              int         `json:"Count"`
}

// servePrices is GET /api/retail/prices?$filter=serviceName eq '…' and
// armRegionName eq '…' and skuName eq '…'.
func (h *Handler) servePrices(r *http.Request, _ []string) reply {
	want := map[string]string{}
	for _, m := range reFilterEq.FindAllStringSubmatch(r.URL.Query().Get("$filter"), -1) {
		want[strings.ToLower(m[1])] = m[2]
	}
	out := pricesJSON{BillingCurrency: "USD", CustomerEntityID: "Default", CustomerEntityType: "Retail", Items: []priceItem{}}
	region := strings.ToLower(want["armregionname"])
	if rg := h.w.physical(region); rg != nil || region == "" {
		for _, t := range []struct {
			sku   string
			price float64
		}{{"Standard", 0.10}, {"Premium", 0.60}} {
			if s := want["skuname"]; s != "" && !strings.EqualFold(s, t.sku) {
				continue
			}
			if s := want["servicename"]; s != "" && !strings.EqualFold(s, "Azure Kubernetes Service") {
				continue
			}
			out.Items = append(out.Items, priceItem{CurrencyCode: "USD", RetailPrice: t.price, UnitPrice: t.price, ArmRegionName: region, Location: region,
				MeterName: t.sku + " Cluster Management", ProductName: "Azure Kubernetes Service", SkuName: t.sku, ServiceName: "Azure Kubernetes Service",
				UnitOfMeasure: "1 Hour", Type: "Consumption"})
		}
	}
	out.Count = len(out.Items)
	return okReply(out)
}
