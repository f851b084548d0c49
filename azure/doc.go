// Package azure implements wizard.Cloud over the Azure SDK for Go (track 2):
// credential, cloud and az CLI defaults, clients, pagers, pollers and resume
// tokens, SDK types → wizard types, *azcore.ResponseError → wizard errors
// with hints. It may import wizard, rules and the Azure SDK; never ui.
package azure
