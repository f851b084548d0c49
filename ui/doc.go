// Package ui is the Bubble Tea front end of the wizard: one router model
// (Model) over the steps of wizard.Flow, a screen per step, keys and styles.
// Every Azure call is a tea.Cmd through wizard.Cloud returning one typed
// message tagged with a request number, so late answers are dropped.
//
// Inputs are small own models (bubbles textinput, a fuzzy-filtered table
// that renders only its visible rows, a tiny form) rather than huh fields:
// huh's *Func fields race with the event loop, validate only on Enter and
// take no context (STACK.md §3), and the steps need live checks as typed.
//
// It imports wizard, rules and the Charm libraries, never azure.
package ui
