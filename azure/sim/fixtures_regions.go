package sim

// region is one entry of GET /subscriptions/{sub}/locations.
type region struct {
	Name                string
	DisplayName         string
	RegionalDisplayName string
	GeographyGroup      string
	Geography           string
	PhysicalLocation    string
	Latitude, Longitude string
	Category            string   // Recommended | Other
	Logical             bool     // regionType Logical: clients must filter these out
	Pairs               []string // metadata.pairedRegion (real pairs; a few are one-way)
	Zones               bool     // has availability zones
	Versions            string   // Kubernetes version profile: "current", "ahead", "lagging"
	PriceFactor         float64  // multiplies the eastus price list
}

// regionTable returns the simulated public cloud: 49 real physical regions
// with their real pairs (Microsoft's "Azure cross-region replication"
// table; westus3→eastus, brazilsouth→southcentralus,
// brazilsoutheast→brazilsouth and westindia→southindia are one-way in
// reality too; italynorth, polandcentral, qatarcentral, israelcentral and
// mexicocentral have no pair) plus five logical entries.
func regionTable() []region {
	us := func(name, display, phys, lat, long, cat string, zones bool, pair ...string) region {
		return region{Name: name, DisplayName: display, RegionalDisplayName: "(US) " + display, GeographyGroup: "US",
			Geography: "United States", PhysicalLocation: phys, Latitude: lat, Longitude: long, Category: cat, Zones: zones,
			Pairs: pair, Versions: "current", PriceFactor: 1}
	}
	geo := func(group, geography, name, display, phys, lat, long, cat string, zones bool, pair ...string) region {
		return region{Name: name, DisplayName: display, RegionalDisplayName: "(" + group + ") " + display, GeographyGroup: group,
			Geography: geography, PhysicalLocation: phys, Latitude: lat, Longitude: long, Category: cat, Zones: zones,
			Pairs: pair, Versions: "current", PriceFactor: 1.1}
	}
	const rec, other = "Recommended", "Other"
	rs := []region{
		us("eastus", "East US", "Virginia", "37.3719", "-79.8164", rec, true, "westus"),
		us("eastus2", "East US 2", "Virginia", "36.6681", "-78.3889", rec, true, "centralus"),
		us("southcentralus", "South Central US", "Texas", "29.4167", "-98.5", rec, true, "northcentralus"),
		us("westus2", "West US 2", "Washington", "47.233", "-119.852", rec, true, "westcentralus"),
		us("westus3", "West US 3", "Phoenix", "33.448376", "-112.074036", rec, true, "eastus"),
		geo("Asia Pacific", "Australia", "australiaeast", "Australia East", "New South Wales", "-33.86", "151.2094", rec, true, "australiasoutheast"),
		geo("Asia Pacific", "Asia Pacific", "southeastasia", "Southeast Asia", "Singapore", "1.283", "103.833", rec, true, "eastasia"),
		geo("Europe", "Europe", "northeurope", "North Europe", "Ireland", "53.3478", "-6.2597", rec, true, "westeurope"),
		geo("Europe", "Sweden", "swedencentral", "Sweden Central", "Gävle", "60.67488", "17.14127", rec, true, "swedensouth"),
		geo("Europe", "United Kingdom", "uksouth", "UK South", "London", "50.941", "-0.799", rec, true, "ukwest"),
		geo("Europe", "Europe", "westeurope", "West Europe", "Netherlands", "52.3667", "4.9", rec, true, "northeurope"),
		us("centralus", "Central US", "Iowa", "41.5908", "-93.6208", rec, true, "eastus2"),
		geo("Africa", "South Africa", "southafricanorth", "South Africa North", "Johannesburg", "-25.73134", "28.21837", rec, true, "southafricawest"),
		geo("Asia Pacific", "India", "centralindia", "Central India", "Pune", "18.5822", "73.9197", rec, true, "southindia"),
		geo("Asia Pacific", "Asia Pacific", "eastasia", "East Asia", "Hong Kong", "22.267", "114.188", rec, true, "southeastasia"),
		geo("Asia Pacific", "Japan", "japaneast", "Japan East", "Tokyo, Saitama", "35.68", "139.77", rec, true, "japanwest"),
		geo("Asia Pacific", "Korea", "koreacentral", "Korea Central", "Seoul", "37.5665", "126.978", rec, true, "koreasouth"),
		geo("Canada", "Canada", "canadacentral", "Canada Central", "Toronto", "43.653", "-79.383", rec, true, "canadaeast"),
		geo("Europe", "France", "francecentral", "France Central", "Paris", "46.3772", "2.373", rec, true, "francesouth"),
		geo("Europe", "Germany", "germanywestcentral", "Germany West Central", "Frankfurt", "50.110924", "8.682127", rec, true, "germanynorth"),
		geo("Europe", "Italy", "italynorth", "Italy North", "Milan", "45.46888", "9.18109", rec, true),
		geo("Europe", "Norway", "norwayeast", "Norway East", "Norway", "59.913868", "10.752245", rec, true, "norwaywest"),
		geo("Europe", "Poland", "polandcentral", "Poland Central", "Warsaw", "52.23334", "21.01666", rec, true),
		geo("Europe", "Switzerland", "switzerlandnorth", "Switzerland North", "Zurich", "47.451542", "8.564572", rec, true, "switzerlandwest"),
		geo("Middle East", "UAE", "uaenorth", "UAE North", "Dubai", "25.266666", "55.316666", rec, true, "uaecentral"),
		geo("South America", "Brazil", "brazilsouth", "Brazil South", "Sao Paulo State", "-23.55", "-46.633", rec, true, "southcentralus"),
		geo("Middle East", "Israel", "israelcentral", "Israel Central", "Israel", "31.518537", "34.852352", rec, true),
		geo("Middle East", "Qatar", "qatarcentral", "Qatar Central", "Doha", "25.551462", "51.439327", rec, true),
		geo("Mexico", "Mexico", "mexicocentral", "Mexico Central", "Querétaro State", "20.588818", "-100.389888", rec, true),
		us("northcentralus", "North Central US", "Illinois", "41.8819", "-87.6278", other, false, "southcentralus"),
		us("westus", "West US", "California", "37.783", "-122.417", other, false, "eastus"),
		geo("Asia Pacific", "Japan", "japanwest", "Japan West", "Osaka", "34.6939", "135.5022", other, false, "japaneast"),
		us("westcentralus", "West Central US", "Wyoming", "40.89", "-110.234", other, false, "westus2"),
		geo("Africa", "South Africa", "southafricawest", "South Africa West", "Cape Town", "-34.075691", "18.843266", other, false, "southafricanorth"),
		geo("Asia Pacific", "Australia", "australiacentral", "Australia Central", "Canberra", "-35.3075", "149.1244", other, false, "australiacentral2"),
		geo("Asia Pacific", "Australia", "australiacentral2", "Australia Central 2", "Canberra", "-35.3075", "149.1244", other, false, "australiacentral"),
		geo("Asia Pacific", "Australia", "australiasoutheast", "Australia Southeast", "Victoria", "-37.8136", "144.9631", other, false, "australiaeast"),
		geo("Asia Pacific", "India", "southindia", "South India", "Chennai", "12.9822", "80.1636", other, false, "centralindia"),
		geo("Asia Pacific", "India", "westindia", "West India", "Mumbai", "19.088", "72.868", other, false, "southindia"),
		geo("Canada", "Canada", "canadaeast", "Canada East", "Quebec", "46.817", "-71.217", other, false, "canadacentral"),
		geo("Europe", "France", "francesouth", "France South", "Marseille", "43.8345", "2.1972", other, false, "francecentral"),
		geo("Europe", "Germany", "germanynorth", "Germany North", "Berlin", "53.073635", "8.806422", other, false, "germanywestcentral"),
		geo("Europe", "Norway", "norwaywest", "Norway West", "Norway", "58.969975", "5.733107", other, false, "norwayeast"),
		geo("Europe", "Switzerland", "switzerlandwest", "Switzerland West", "Geneva", "46.204391", "6.143158", other, false, "switzerlandnorth"),
		geo("Europe", "United Kingdom", "ukwest", "UK West", "Cardiff", "53.427", "-3.084", other, false, "uksouth"),
		geo("Middle East", "UAE", "uaecentral", "UAE Central", "Abu Dhabi", "24.466667", "54.366669", other, false, "uaenorth"),
		geo("South America", "Brazil", "brazilsoutheast", "Brazil Southeast", "Rio", "-22.90278", "-43.2075", other, false, "brazilsouth"),
		geo("Asia Pacific", "Korea", "koreasouth", "Korea South", "Busan", "35.1796", "129.0756", other, false, "koreacentral"),
		geo("Europe", "Sweden", "swedensouth", "Sweden South", "Malmo", "55.60587", "13.00073", other, false, "swedencentral"),
	}
	ahead := map[string]bool{"westus2": true, "westcentralus": true}
	lagging := map[string]bool{"brazilsouth": true, "brazilsoutheast": true, "southafricanorth": true, "southafricawest": true,
		"uaenorth": true, "uaecentral": true, "australiacentral": true, "australiacentral2": true, "qatarcentral": true,
		"israelcentral": true, "mexicocentral": true}
	cheaper := map[string]float64{"westus": 1.05, "northcentralus": 1.03, "westcentralus": 1.05, "brazilsouth": 1.55,
		"brazilsoutheast": 1.6, "japaneast": 1.2, "japanwest": 1.2, "australiaeast": 1.25, "switzerlandnorth": 1.3}
	for i := range rs {
		switch {
		case ahead[rs[i].Name]:
			rs[i].Versions = "ahead"
		case lagging[rs[i].Name]:
			rs[i].Versions = "lagging"
		}
		if f, ok := cheaper[rs[i].Name]; ok {
			rs[i].PriceFactor = f
		}
	}
	logical := func(name, display, regional, group string, pair ...string) region {
		return region{Name: name, DisplayName: display, RegionalDisplayName: regional, GeographyGroup: group,
			Category: other, Logical: true, Pairs: pair}
	}
	return append(rs,
		logical("eastusstg", "East US (Stage)", "(US) East US (Stage)", "US", "southcentralusstg"),
		logical("southcentralusstg", "South Central US (Stage)", "(US) South Central US (Stage)", "US", "eastusstg"),
		logical("unitedstates", "United States", "United States", ""),
		logical("europe", "Europe", "Europe", ""),
		logical("asiapacific", "Asia Pacific", "Asia Pacific", ""),
	)
}
