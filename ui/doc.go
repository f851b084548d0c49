// Package ui is the Bubble Tea front end of the wizard: one router model
// (Model) over the step table (wizard.FlowFor: the rows of the plan's mode
// and compute type), a screen per step, keys and styles.
//
// A screen gets *common (env.go), not *Model: plain values of the moment
// (keys, styles, height, the spinner's frame, the time), the plan to read
// (Plan, a View) and four small interfaces grouped by purpose: show (labels
// and figures beside the plan), data (the typed store), calls (the Cmds
// that call Azure: the fetches and a screen's own calls) and nav (what it
// may ask of the router: flash a line, go to a step, open a dialog,
// submit). The compiler keeps screens off the router's state;
// TestScreensDoNotWriteThePlan reads their source for the rest (no write
// under Plan(), no assertion back to *Model).
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
//     vCPU meter) — and the pickers (subscription, workspace, region,
//     version, cluster with badges), which are tables filtered as typed.
//     huh validates on blur, which is wrong for these.
//   - huh (charm.land/huh/v2), embedded in the router:
//     the multi-field steps — networking, TLS, and the current path's
//     cluster, API access, router, namespace and identity — as a form of
//     huh Inputs and inline Selects (form.go), one group per field so a
//     field that does not apply is a hidden group huh skips, drawn by the
//     form's own huh Layout with a label column and each field's messages
//     under it. The checks are the parent's, run after every update,
//     so a message appears as a value is typed and the
//     focus may go back to the field that causes it; Enter walks the
//     fields and, on the last one, answers (or reopens the form on the
//     field to mend). TLS's PEM files can be picked with huh's FilePicker
//     (browse.go: .pem/.crt/.cer or .pem/.key, in the folder typed, ~
//     expanded), made in a Cmd since huh reads a folder when a picker is
//     made. The confirmations — detach, and leaving the wizard with
//     answers given — are an embedded huh Confirm (confirm.go). huh's
//     messages name no form, so while a dialog is open they go to it
//     alone. And the whole accessible mode (ui/cli), where every question
//     is a huh field.
//
// It imports wizard, rules and the Charm libraries, never azure.
package ui
