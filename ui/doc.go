// Package ui is the Bubble Tea front end: one router model, screens, huh
// fields for single inputs, keys and styles. Every Azure call is a tea.Cmd
// through wizard.Cloud. It imports wizard and rules, never azure.
package ui
