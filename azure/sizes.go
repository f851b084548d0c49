package azure

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

func sizesKey(sub, region string) string { return "sizes|" + sub + "|" + normRegion(region) }

// Sizes lists the VM sizes of a region for sub, joined from three calls
// made in parallel: AML vmSizes (prices, family), compute resource SKUs
// (capabilities and restrictions) and compute usages (quota). Results are
// cached per (sub, region) for Options.CacheTTL, and concurrent callers
// share one fetch. If usages cannot be read, QuotaUnknown is set and the
// sizes are still returned; if AML vmSizes cannot be read, prices are 0.
func (c *Client) Sizes(ctx context.Context, sub, region string) (wizard.SizeList, error) {
	op := "list VM sizes of " + region
	s, err := c.forSub(sub)
	if err != nil {
		return wizard.SizeList{}, err
	}
	region = normRegion(region)
	v, err := c.cache.do(ctx, sizesKey(sub, region), func(ctx context.Context) (any, error) {
		return c.fetchSizes(ctx, s, sub, region)
	})
	if err != nil {
		return wizard.SizeList{}, mapError(op, err)
	}
	return v.(wizard.SizeList), nil
}

// skuCatalog is what Sizes keeps across runs: the region's VM SKUs
// (trimmed to what joinSizes reads) and AML's sizes with their prices.
// Quota (usages) is always read live.
type skuCatalog struct {
	AML  []*armmachinelearning.VirtualMachineSize `json:"aml"`
	SKUs []*armcompute.ResourceSKU                `json:"skus"`
}

func (c *Client) fetchSizes(ctx context.Context, s *subClients, sub, region string) (wizard.SizeList, error) {
	var (
		wg       sync.WaitGroup
		aml      []*armmachinelearning.VirtualMachineSize
		amlErr   error
		skus     []*armcompute.ResourceSKU
		skuErr   error
		usages   []*armcompute.Usage
		usageErr error
	)
	key := "skus|" + sub + "|" + region
	var kept skuCatalog
	if c.disk.get(key, SKUsLifetime, &kept) {
		p := s.usages.NewListPager(region, nil)
		for p.More() {
			page, err := p.NextPage(ctx)
			if err != nil {
				usageErr = err
				break
			}
			usages = append(usages, page.Value...)
		}
		if ctx.Err() != nil {
			return wizard.SizeList{}, ctx.Err()
		}
		return joinSizes(region, kept.AML, kept.SKUs, usages, usageErr != nil), nil
	}
	wg.Add(3)
	go func() {
		defer wg.Done()
		r, err := s.vmSizes.List(ctx, region, nil)
		aml, amlErr = r.Value, err
	}()
	go func() {
		defer wg.Done()
		p := s.skus.NewListPager(&armcompute.ResourceSKUsClientListOptions{Filter: to.Ptr("location eq '" + region + "'")})
		for p.More() {
			page, err := p.NextPage(ctx)
			if err != nil {
				skuErr = err
				return
			}
			for _, k := range page.Value {
				if k != nil && strings.EqualFold(str(k.ResourceType), "virtualMachines") {
					skus = append(skus, k)
				}
			}
		}
	}()
	go func() {
		defer wg.Done()
		p := s.usages.NewListPager(region, nil)
		for p.More() {
			page, err := p.NextPage(ctx)
			if err != nil {
				usageErr = err
				return
			}
			usages = append(usages, page.Value...)
		}
	}()
	wg.Wait()
	if skuErr != nil {
		return wizard.SizeList{}, skuErr
	}
	// prices are optional: a region without AML still lists sizes (and is
	// not kept, so the prices come back next time)
	if amlErr == nil {
		c.disk.put(key, skuCatalog{AML: aml, SKUs: trimSKUs(skus)})
	}
	l := joinSizes(region, aml, skus, usages, usageErr != nil)
	l.PricesUnknown = amlErr != nil
	return l, nil
}

// trimSKUs keeps what joinSizes reads: on real Azure a region's SKU list is
// several MB, most of it zone details and capabilities amlaks ignores.
func trimSKUs(skus []*armcompute.ResourceSKU) []*armcompute.ResourceSKU {
	out := make([]*armcompute.ResourceSKU, 0, len(skus))
	for _, k := range skus {
		t := &armcompute.ResourceSKU{Name: k.Name, Family: k.Family, ResourceType: k.ResourceType, Restrictions: k.Restrictions}
		for _, cp := range k.Capabilities {
			if cp == nil || cp.Name == nil {
				continue
			}
			switch strings.ToLower(*cp.Name) {
			case "vcpus", "memorygb", "gpus":
				t.Capabilities = append(t.Capabilities, cp)
			}
		}
		out = append(out, t)
	}
	return out
}

// joinSizes builds the size list of a region: one entry per VM SKU of the
// region, with capabilities from the SKU (falling back to AML's vmSizes),
// the Linux pay-as-you-go price from AML, the family quota from usages.
func joinSizes(region string, aml []*armmachinelearning.VirtualMachineSize, skus []*armcompute.ResourceSKU,
	usages []*armcompute.Usage, usageFailed bool) wizard.SizeList {
	out := wizard.SizeList{Region: region, QuotaUnknown: usageFailed}

	quota := map[string]rules.Quota{}
	for _, u := range usages {
		if u == nil || u.Name == nil {
			continue
		}
		q := rules.Quota{Name: str(u.Name.Value), Label: str(u.Name.LocalizedValue)}
		if u.CurrentValue != nil {
			q.Used = int(*u.CurrentValue)
		}
		if u.Limit != nil {
			q.Limit = int(*u.Limit)
		}
		quota[strings.ToLower(q.Name)] = q
	}
	if q, ok := quota["cores"]; ok {
		out.RegionQuota = q
	} else if !usageFailed {
		out.RegionQuota = rules.Quota{Name: "cores", Label: "Total Regional vCPUs"}
	}

	amlBy := make(map[string]*armmachinelearning.VirtualMachineSize, len(aml))
	for _, a := range aml {
		if a != nil && a.Name != nil {
			amlBy[strings.ToLower(*a.Name)] = a
		}
	}

	seen := make(map[string]bool, len(skus))
	out.Sizes = make([]wizard.VMSize, 0, len(skus))
	for _, k := range skus {
		name := str(k.Name)
		if name == "" || seen[strings.ToLower(name)] {
			continue
		}
		seen[strings.ToLower(name)] = true
		v := wizard.VMSize{Name: name, Family: str(k.Family)}
		a := amlBy[strings.ToLower(name)]
		for _, cp := range k.Capabilities {
			if cp == nil || cp.Name == nil || cp.Value == nil {
				continue
			}
			switch strings.ToLower(*cp.Name) {
			case "vcpus":
				v.VCPUs, _ = strconv.Atoi(*cp.Value)
			case "memorygb":
				v.MemoryGB, _ = strconv.ParseFloat(*cp.Value, 64)
			case "gpus":
				v.GPUs, _ = strconv.Atoi(*cp.Value)
			}
		}
		if a != nil {
			if v.Family == "" {
				v.Family = str(a.Family)
			}
			if v.VCPUs == 0 && a.VCPUs != nil {
				v.VCPUs = int(*a.VCPUs)
			}
			if v.MemoryGB == 0 && a.MemoryGB != nil {
				v.MemoryGB = *a.MemoryGB
			}
			if v.GPUs == 0 && a.Gpus != nil {
				v.GPUs = int(*a.Gpus)
			}
			v.PricePerHour = linuxPrice(a)
		}
		v.FPGA = isFPGA(v.Name, v.Family)
		v.Restricted = restriction(k, region)
		if q, ok := quota[strings.ToLower(v.Family)]; ok {
			v.FamilyQuota = q
		} else {
			v.FamilyQuota = rules.Quota{Name: v.Family}
		}
		out.Sizes = append(out.Sizes, v)
	}
	sort.SliceStable(out.Sizes, func(i, j int) bool { return wizard.NaturalCompare(out.Sizes[i].Name, out.Sizes[j].Name) < 0 })
	return out
}

// linuxPrice is the Linux, standard-tier (pay-as-you-go) hourly price.
func linuxPrice(a *armmachinelearning.VirtualMachineSize) float64 {
	if a.EstimatedVMPrices == nil {
		return 0
	}
	for _, p := range a.EstimatedVMPrices.Values {
		if p == nil || p.RetailPrice == nil || p.OSType == nil || p.VMTier == nil {
			continue
		}
		if *p.OSType == armmachinelearning.VMPriceOSTypeLinux && *p.VMTier == armmachinelearning.VMTierStandard {
			return *p.RetailPrice
		}
	}
	return 0
}

// isFPGA recognises the FPGA sizes (the PB series, family standardPBSFamily).
func isFPGA(name, family string) bool {
	n, f := strings.ToLower(name), strings.ToLower(family)
	return strings.Contains(f, "fpga") || strings.Contains(n, "fpga") ||
		strings.HasPrefix(f, "standardpbs") || strings.HasPrefix(n, "standard_pb")
}

// restriction says why a SKU cannot be used in region: a Location-type
// restriction covering the region. Zone restrictions still allow a
// non-zonal cluster and are ignored.
func restriction(k *armcompute.ResourceSKU, region string) string {
	for _, r := range k.Restrictions {
		if r == nil || r.Type == nil || *r.Type != armcompute.ResourceSKURestrictionsTypeLocation {
			continue
		}
		covers := false
		for _, v := range r.Values {
			if v != nil && normRegion(*v) == region {
				covers = true
			}
		}
		if r.RestrictionInfo != nil {
			for _, l := range r.RestrictionInfo.Locations {
				if l != nil && normRegion(*l) == region {
					covers = true
				}
			}
		}
		if !covers {
			continue
		}
		reason := ""
		if r.ReasonCode != nil {
			reason = string(*r.ReasonCode)
		}
		switch reason {
		case string(armcompute.ResourceSKURestrictionsReasonCodeNotAvailableForSubscription):
			return "not available for this subscription in " + region
		case string(armcompute.ResourceSKURestrictionsReasonCodeQuotaID):
			return "not available for this subscription's offer in " + region
		default:
			return "restricted in " + region
		}
	}
	return ""
}
