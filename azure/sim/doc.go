// Package sim is a wire-level simulator of the Azure Resource Manager calls
// amlaks makes (SPEC §6): an http.Handler speaking the real REST paths and
// JSON shapes, with paging, long-running operations, state persisted to a
// JSON file, realistic fixtures, and latency/fault injection. It knows only
// HTTP and JSON: it imports the standard library only.
package sim
