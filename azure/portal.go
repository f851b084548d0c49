package azure

// PortalURL is the Azure portal of a cloud by its az CLI name
// (https://portal.azure.com for AzureCloud, https://portal.azure.cn for
// AzureChinaCloud, https://portal.azure.us for AzureUSGovernment); "" for
// a registered cloud, whose portal amlaks does not know (no link is
// better than a wrong one).
func PortalURL(cloudName string) string {
	switch builtinCloud(cloudName) {
	case CloudPublic:
		return "https://portal.azure.com"
	case CloudChina:
		return "https://portal.azure.cn"
	case CloudGovernment:
		return "https://portal.azure.us"
	}
	return ""
}
