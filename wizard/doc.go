// Package wizard is the flow as data: the Plan (answers and where each came
// from), the step table, the Cloud port (interface, plain value types and
// the error vocabulary) and Resolve / Preflight / Apply, shared by the TUI
// and line mode. It imports rules and the standard library only: no Charm,
// no Azure SDK.
package wizard
