// Package ui is the Bubble Tea front end of the wizard: one router model
// (Model) over the step table (wizard.FlowFor: the rows of the plan's mode
// and compute type), a screen per step, keys and styles.
//
// The router alone writes the plan: a screen returns an answer message
// (answerMsg: field and value) and the router records it
// (wizard.Plan.Answer), starts the fetches the answer makes possible and
// moves on with wizard.Next/Prev, whose skip rule is the table's (an answer
// given up front that passes the step's check). Every Azure call is a
// tea.Cmd through wizard.Cloud tagged with a request number, so late
// answers are dropped; the store has one cache-key builder per call and
// typed reads.
//
// Which widget where, and why:
//   - bubbles (own small models): the steps that must react on every
//     keystroke — the name (checked as typed, then a debounced lookup), the
//     VM size table (filter as typed, sort) and the node count (the live
//     vCPU meter), the pickers (subscription, workspace, region, version,
//     cluster with badges) and the small forms of networking, TLS and the
//     Kubernetes steps, whose messages appear as a value is typed. huh
//     validates on blur and its *Func fields race with the event loop
//     (STACK.md §3), which is wrong for these.
//   - huh (charm.land/huh/v2): the confirmations — detach, and leaving the
//     wizard with answers given — as an embedded Confirm (dialog in
//     confirm.go: its value on the heap, Ctrl+C and Esc handled by the
//     router, huh's own messages routed back to it); and the whole
//     accessible mode (ui/cli), where every question is a huh field.
//
// It imports wizard, rules and the Charm libraries, never azure.
package ui
