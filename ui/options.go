package ui

import (
	"time"

	"github.com/charmbracelet/colorprofile"

	"github.com/amlaks/amlaks/wizard"
)

// Options configure the wizard.
type Options struct {
	Cloud wizard.Cloud
	// Plan is pre-filled by flags; nil means wizard.NewPlan(create) with
	// the mode still to ask.
	Plan *wizard.Plan
	// Demo shows the SIMULATED badge on every screen.
	Demo bool
	// Guard is the double-submit guard (nil: the model makes its own).
	Guard *wizard.Guard
	// Expected overrides how long operations usually take (demo mode:
	// seconds, not minutes); missing kinds use OpKind.Expected.
	Expected map[wizard.OpKind]time.Duration
	// PollEvery is how often a running operation is polled (0: 2 s).
	PollEvery time.Duration
	// NoColor drops colours (NO_COLOR); bold, faint and reverse stay.
	NoColor bool
	// ColorProfile, when set, is the colour profile the program renders
	// with (the command line decides it from the terminal, NO_COLOR,
	// CLICOLOR and CLICOLOR_FORCE); Unknown lets Bubble Tea detect it.
	ColorProfile colorprofile.Profile
	// Portal is the Azure portal of the cloud in use
	// ("https://portal.azure.us"); "" means https://portal.azure.com.
	Portal string
	// Width and Height are the initial window size (tests); 0 means
	// 80×24 until the terminal reports its size.
	Width, Height int
	// SignIn, when set, builds the Cloud again over a device-code sign-in:
	// offered when no Azure sign-in is found. Its instruction ("open
	// https://microsoft.com/devicelogin and enter the code ...") goes to
	// prompt, which the wizard shows until the sign-in succeeds.
	SignIn func(prompt func(string)) (wizard.Cloud, error)
	// DemoFallback, when set, builds the simulated Azure and its default
	// subscription: offered when no Azure sign-in is found.
	DemoFallback func() (Demo, error)
	// Notices, when set, carries messages to show inside the UI instead of
	// printing over it, e.g. the device-code sign-in prompt of the
	// credential. The UI shows the latest one until an empty string comes.
	Notices <-chan string
}

// Status is how a wizard run ended.
type Status int

// Statuses.
const (
	// Quit: the user left before anything was submitted (Ctrl+C or q).
	Quit Status = iota
	// Succeeded: the create, attach or detach finished successfully.
	Succeeded
	// Failed: the operation (or its submit) failed.
	Failed
	// Detached: the user stopped watching; the operation continues in
	// Azure and `amlaks status NAME` resumes it.
	Detached
)

// String names the status.
func (s Status) String() string {
	switch s {
	case Quit:
		return "quit"
	case Succeeded:
		return "succeeded"
	case Failed:
		return "failed"
	case Detached:
		return "detached"
	}
	return "unknown"
}

// Result is what Run returns.
type Result struct {
	Status  Status
	Compute *wizard.Compute
	Op      *wizard.Operation
	Err     error
	// Summary is plain text for the scrollback after the alt screen
	// closes (what was done, and the `amlaks status NAME` hint).
	Summary string
}

// Demo is the simulated Azure offered when no sign-in is found.
type Demo struct {
	Cloud        wizard.Cloud
	Subscription string
	Expected     map[wizard.OpKind]time.Duration
}
