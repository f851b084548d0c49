package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// env is all a screen sees of the wizard: the router (*Model) is its only
// implementation, and screens get it instead of *Model, so a screen cannot
// write the plan (answers go back as answerMsg; the plan it sees is a
// View, a copy), walk the table, or touch the router's own state (the
// screens, the dialog, the type-ahead, the result).
type env interface {
	// What is shown.
	Plan() wizard.Plan // a view: what is done to it never reaches the plan
	Step() wizard.StepID
	known() wizard.Known
	Keys() keyMap
	Styles() *styles
	Height() int
	Spinner() string
	Now() time.Time
	regionLabel(name string) string
	subscriptionLabel() string
	cliCmd(sub string, args ...string) string
	opVariant() wizard.Variant
	portalURL() string
	size() (wizard.VMSize, wizard.SizeList, bool)
	sizeProblems(nodes int) []string

	// The store, typed, and the Cmds that fill it (tagged requests: a late
	// answer is dropped).
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
	fetchSubs(force bool) tea.Cmd
	fetchWorkspaces(force bool) tea.Cmd
	fetchRegions(force bool) tea.Cmd
	fetchComputes(force bool) tea.Cmd
	fetchVersions(region, reqKey string, force bool) tea.Cmd
	fetchSizes(region string, force bool) tea.Cmd
	fetchClusters(force bool) tea.Cmd
	fetchAttachments(force bool) tea.Cmd
	fetchClusterVersions() tea.Cmd

	// A screen's own calls: a request number per key (debounce, late
	// answers dropped), and the Cmds that call Azure for it.
	nextReq(key string) int
	isLatest(key string, req int) bool
	Debounce() time.Duration
	checkName(req int, name string) tea.Cmd
	preflight(req int) tea.Cmd
	readPEM(req int, field, path string) tea.Cmd
	equivalentsText(tab int) string
	guardBusy(key string) bool
	detach(c wizard.Compute) tea.Cmd
	verify(name string) tea.Cmd
	doctor(name string) tea.Cmd
	planMigration(req int, legacy string) tea.Cmd
	runMigration(req int, mig *wizard.Migration) tea.Cmd

	// What a screen may ask of the router.
	Flash(text string)
	goTo(id wizard.StepID) tea.Cmd
	advance() tea.Cmd
	fixStep(err error) wizard.StepID
	quit(s Status) tea.Cmd
	open(d *dialog) tea.Cmd
	submit() tea.Cmd
	resume(name string) tea.Cmd
	expectedOf(p wizard.Plan) time.Duration
	failedComputeNote(screen bool) string
	Op() *opState
	clearOp()
}

var _ env = (*Model)(nil)

// The router's state a screen reads, as methods of env.

func (m *Model) Plan() wizard.Plan         { return m.plan.View() }
func (m *Model) Step() wizard.StepID       { return m.step }
func (m *Model) Keys() keyMap              { return m.keys }
func (m *Model) Styles() *styles           { return m.st }
func (m *Model) Height() int               { return m.height }
func (m *Model) Spinner() string           { return m.spin.View() }
func (m *Model) Debounce() time.Duration   { return m.debounce }
func (m *Model) Flash(text string)         { m.flash = wizardWords(text) }
func (m *Model) Op() *opState              { return m.op }
func (m *Model) Now() time.Time            { return m.now() }
func (m *Model) clearOp()                  { m.op = nil }
func (m *Model) nextReq(key string) int    { return m.data.next(key) }
func (m *Model) guardBusy(key string) bool { return m.guard.Busy(key) }
func (m *Model) isLatest(key string, req int) bool {
	return m.data.isLatest(key, req)
}
