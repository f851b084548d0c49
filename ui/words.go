package ui

import (
	"regexp"
	"strings"
)

// The rules and the preflight speak to line mode, naming flags
// ("authorized access needs --authorized-ip-ranges", "turn HA off
// (--router-ha=false …)"). In the wizard nobody typed a flag: wizardWords
// names the field or the step and the choice instead. A command to run
// ("amlaks attach --cluster …") is left whole: there the flags are what
// is meant.

// flagWords maps a flag, or a flag with its value, to the wizard's words.
var flagWords = map[string]string{
	"--router-ha=false":            "High availability: Off",
	"--router-ha":                  "High availability",
	"--router":                     "Inference router",
	"--compute-type Kubernetes":    "a Kubernetes compute (Compute type step)",
	"--compute-type AKS":           "the AKS compute (Compute type step)",
	"--compute-type":               "the Compute type step",
	"--allow-insecure-connections": "TLS: Off (plain HTTP)",
	"--api-access authorized":      "API server: Authorized IP ranges",
	"--api-access":                 "API server",
	"--authorized-ip-ranges":       "Authorized ranges",
	"--ssl-cert-file":              "Certificate file",
	"--ssl-key-file":               "Key file",
	"--ssl-cname":                  "CNAME",
	"--ssl-leaf-domain-label":      "Leaf domain label",
	"--name":                       "the Name step",
	"--cluster":                    "AKS cluster name",
	"--cluster-resource-group":     "Resource group (AKS cluster step)",
	"--kubernetes-version":         "the Kubernetes version step",
	"--namespace":                  "Namespace",
	"--identity":                   "Identity",
	"--nodes":                      "the Node count step",
	"--vm-size":                    "the VM size step",
	"--purpose":                    "the Cluster purpose step",
	"--region":                     "the Region step",
	"--workspace":                  "the Workspace step",
	"--vnet-resource-group":        "VNet resource group",
	"--vnet":                       "VNet",
	"--subnet":                     "Subnet",
	"--service-cidr":               "Service CIDR",
	"--dns-service-ip":             "DNS service IP",
	"--docker-bridge-cidr":         "Docker bridge CIDR",
	"--load-balancer internal":     "Load balancer: Internal",
	"--load-balancer":              "Load balancer",
	"--load-balancer-subnet":       "Load balancer subnet",
}

var (
	flagRef = regexp.MustCompile(`--[a-z][a-z-]*(=[a-z]+| (?:Kubernetes|AKS|authorized|internal)\b)?`)
	// a command to run, kept as it is
	commandRef = regexp.MustCompile("amlaks [^)`]*")
)

// wizardWords is msg with the flags it names put in the wizard's words.
func wizardWords(msg string) string {
	if !strings.Contains(msg, "--") {
		return msg
	}
	var b strings.Builder
	last := 0
	for _, c := range commandRef.FindAllStringIndex(msg, -1) {
		b.WriteString(rewordFlags(msg[last:c[0]]))
		b.WriteString(msg[c[0]:c[1]])
		last = c[1]
	}
	b.WriteString(rewordFlags(msg[last:]))
	return b.String()
}

func rewordFlags(s string) string {
	return flagRef.ReplaceAllStringFunc(s, func(ref string) string {
		if w, ok := flagWords[ref]; ok {
			return w
		}
		// the flag alone, and what followed it as it was
		name, rest := ref, ""
		if i := strings.IndexAny(ref, "= "); i > 0 {
			name, rest = ref[:i], ref[i:]
		}
		if w, ok := flagWords[name]; ok {
			return w + rest
		}
		return ref
	})
}
