// Package rules holds every decision amlaks makes as pure functions over
// plain values: compute names, cluster purpose thresholds, quota, custom-VNet
// networking, TLS material, AKS resource IDs, Kubernetes versions and the
// create/attach preflight. It imports the standard library only.
//
// Field-level problems are Violations (field, code, message: lower case, no
// trailing period, naming the fix); preflight results are Findings with a
// Severity (Block, Warn, Info).
package rules
