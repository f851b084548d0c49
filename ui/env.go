package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// common is all a screen sees of the wizard, made by the router for each
// call (what soft-serve's Common is to its components): plain values of
// the moment, the plan to read, and four small interfaces grouped by
// purpose. The router (*Model) is their only implementation, and screens
// get common instead of *Model, so a screen cannot write the plan (answers
// go back as answerMsg; the plan it sees is a View, a copy), walk the
// table, or touch the router's own state (the screens, the dialog, the
// type-ahead, the result).
type common struct {
	keys     keyMap
	st       *styles
	height   int
	spinner  string // the spinner's frame
	now      time.Time
	debounce time.Duration

	show  planView // the plan and what is shown beside it
	data  data     // the store's typed data
	calls calls    // the Cmds that call Azure (and read files)
	nav   nav      // what a screen may ask of the router
}

// Plan is the plan as a View: what is done to it never reaches the plan.
func (c *common) Plan() wizard.Plan { return c.show.Plan() }

// planView is the plan and what is shown beside it: labels and figures read
// from the plan and the store.
type planView interface {
	Plan() wizard.Plan // a view: what is done to it never reaches the plan
	known() wizard.Known
	regionLabel(name string) string
	subscriptionLabel() string
	cliCmd(sub string, args ...string) string
	portalURL() string
	size() (wizard.VMSize, wizard.SizeList, bool)
	sizeProblems(nodes int) []string
	equivalentsText(tab int) string
	expectedOf(p wizard.Plan) time.Duration
}

// data is the store, typed, with its request numbers (a screen's own
// calls take a number per key, so a late answer is dropped).
type data interface {
	subsData() ([]wizard.Subscription, *slot)
	workspacesData() ([]wizard.Workspace, *slot)
	regionsData() ([]wizard.Region, *slot)
	computesData() ([]wizard.Compute, *slot)
	versionsData(region string) ([]rules.Version, *slot)
	sizesData(region string) (wizard.SizeList, *slot)
	clustersData() ([]wizard.Cluster, *slot)
	attachmentsData() (wizard.Attachments, *slot)
	extensionsData() (map[string]wizard.Extension, *slot)
	bindingsData() (map[string][]wizard.RoleBinding, *slot)
	nextReq(key string) int
	isLatest(key string, req int) bool
}

// calls are the Cmds that call Azure: the fetches that fill the store
// (tagged requests: a late answer is dropped) and a screen's own calls.
type calls interface {
	fetchSubs(force bool) tea.Cmd
	fetchWorkspaces(force bool) tea.Cmd
	fetchRegions(force bool) tea.Cmd
	fetchComputes(force bool) tea.Cmd
	fetchVersions(region, reqKey string, force bool) tea.Cmd
	fetchSizes(region string, force bool) tea.Cmd
	fetchClusters(force bool) tea.Cmd
	fetchAttachments(force bool) tea.Cmd
	fetchClusterVersions() tea.Cmd
	checkName(req int, name string) tea.Cmd
	preflight(req int) tea.Cmd
	readPEM(req int, field, path string) tea.Cmd
	detach(c wizard.Compute) tea.Cmd
	detachDeleting(c wizard.Compute) tea.Cmd
	detachGone(c wizard.Compute) tea.Cmd
	checkClusterDelete(c wizard.Compute) tea.Cmd
	unfinished() tea.Cmd
	verify(name string) tea.Cmd
	doctor(name string) tea.Cmd
	planMigration(req int, o wizard.MigrateOptions) tea.Cmd
	runMigration(req int, mig *wizard.Migration) tea.Cmd
}

// nav is what a screen may ask of the router, and the router's state it
// reads: the step, the operation under way.
type nav interface {
	Step() wizard.StepID
	Flash(text string)
	goTo(id wizard.StepID) tea.Cmd
	advance() tea.Cmd
	fixStep(err error) wizard.StepID
	quit(s Status) tea.Cmd
	open(d *dialog) tea.Cmd
	submit() tea.Cmd
	resume(name string) tea.Cmd
	guardBusy(key string) bool
	Op() *opState
	clearOp()
	opVariant() wizard.Variant
	failedComputeNote(screen bool) string
}

var (
	_ planView = (*Model)(nil)
	_ data     = (*Model)(nil)
	_ calls    = (*Model)(nil)
	_ nav      = (*Model)(nil)
)

// common is what the router gives the current screen now.
func (m *Model) common() *common {
	return &common{keys: m.keys, st: m.st, height: m.height, spinner: m.spin.View(), now: m.now(), debounce: m.debounce,
		show: m, data: m, calls: m, nav: m}
}

// The router's state a screen reads, as methods of its interfaces.

func (m *Model) Plan() wizard.Plan         { return m.plan.View() }
func (m *Model) Step() wizard.StepID       { return m.step }
func (m *Model) Flash(text string)         { m.flash = wizardWords(text) }
func (m *Model) Op() *opState              { return m.op }
func (m *Model) clearOp()                  { m.op = nil }
func (m *Model) nextReq(key string) int    { return m.data.next(key) }
func (m *Model) guardBusy(key string) bool { return m.guard.Busy(key) }
func (m *Model) isLatest(key string, req int) bool {
	return m.data.isLatest(key, req)
}
