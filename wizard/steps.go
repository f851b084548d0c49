package wizard

// StepID names a step of the wizard.
type StepID string

// Steps of SPEC §2 and §3.
const (
	StepSubscription StepID = "subscription"
	StepWorkspace    StepID = "workspace"
	StepMode         StepID = "mode"
	StepPurpose      StepID = "purpose"
	StepRegion       StepID = "region"
	StepVersion      StepID = "version"
	StepVMSize       StepID = "vm-size"
	StepNodes        StepID = "nodes"
	StepNetwork      StepID = "network"
	StepTLS          StepID = "tls"
	StepName         StepID = "name"
	StepCluster      StepID = "cluster"
	StepReview       StepID = "review"
	StepSubmit       StepID = "submit"
)

// Step is one row of the step table.
type Step struct {
	ID    StepID
	Title string
	// Field is the Plan field the step answers ("" for view-only steps);
	// a step whose field was given by a flag is skipped.
	Field Field
	// Optional steps may be skipped with their defaults (networking, TLS).
	Optional bool
}

var stepTable = map[StepID]Step{
	StepSubscription: {StepSubscription, "Subscription", FSubscription, false},
	StepWorkspace:    {StepWorkspace, "Workspace", FWorkspace, false},
	StepMode:         {StepMode, "Mode", FMode, false},
	StepPurpose:      {StepPurpose, "Cluster purpose", FPurpose, false},
	StepRegion:       {StepRegion, "Region", FRegion, false},
	StepVersion:      {StepVersion, "Kubernetes version", "", false},
	StepVMSize:       {StepVMSize, "VM size", FVMSize, false},
	StepNodes:        {StepNodes, "Node count", FNodes, false},
	StepNetwork:      {StepNetwork, "Networking", FNetwork, true},
	StepTLS:          {StepTLS, "TLS", FTLS, true},
	StepName:         {StepName, "Name", FName, false},
	StepCluster:      {StepCluster, "Cluster", FCluster, false},
	StepReview:       {StepReview, "Review", "", false},
	StepSubmit:       {StepSubmit, "Submit", "", false},
}

// StepOf returns the row of a step.
func StepOf(id StepID) Step { return stepTable[id] }

// Flow is the ordered list of steps of a mode. The numbered steps (the
// indicator "4/11 Region") are all but Subscription and Submit.
func Flow(m Mode) []StepID {
	switch m {
	case ModeAttach:
		return []StepID{StepSubscription, StepWorkspace, StepMode, StepPurpose, StepCluster, StepTLS, StepName, StepReview, StepSubmit}
	case ModeBrowse:
		return []StepID{StepSubscription, StepWorkspace, StepMode, StepVersion}
	case ModeList:
		return []StepID{StepSubscription, StepWorkspace, StepMode}
	}
	return []StepID{StepSubscription, StepWorkspace, StepMode, StepPurpose, StepRegion, StepVersion, StepVMSize, StepNodes, StepNetwork, StepTLS, StepName, StepReview, StepSubmit}
}

// Position returns the 1-based number of a step among the numbered steps
// of the mode and their count; 0 for unnumbered steps (subscription, submit).
func Position(m Mode, id StepID) (n, total int) {
	for _, s := range Flow(m) {
		if s == StepSubscription || s == StepSubmit {
			continue
		}
		total++
		if s == id {
			n = total
		}
	}
	return n, total
}

// skipped reports whether the wizard should not stop at step s.
func skipped(p *Plan, s StepID) bool {
	switch s {
	case StepSubmit, StepReview:
		return false
	case StepVersion:
		// shown in create only as information; skipped when the region and
		// size came from flags (nothing to browse on the way)
		return p.Mode == ModeCreate && p.Given(FRegion) && p.Given(FVMSize)
	case StepNodes:
		return p.Given(FNodes)
	}
	f := stepTable[s].Field
	return f != "" && p.Given(f)
}

// Next returns the step after cur in p's mode that still needs the user,
// or "" at the end.
func Next(p *Plan, cur StepID) StepID {
	flow := Flow(p.Mode)
	i := indexOf(flow, cur)
	for j := i + 1; j < len(flow); j++ {
		if !skipped(p, flow[j]) {
			return flow[j]
		}
	}
	return ""
}

// Prev returns the step before cur that the user answered (skipping steps
// given by flags), or "" at the start.
func Prev(p *Plan, cur StepID) StepID {
	flow := Flow(p.Mode)
	i := indexOf(flow, cur)
	if i < 0 {
		i = len(flow)
	}
	for j := i - 1; j >= 0; j-- {
		if !skipped(p, flow[j]) {
			return flow[j]
		}
	}
	return ""
}

// First returns the first step that needs the user.
func First(p *Plan) StepID {
	for _, s := range Flow(p.Mode) {
		if !skipped(p, s) {
			return s
		}
	}
	return StepReview
}

func indexOf(flow []StepID, id StepID) int {
	for i, s := range flow {
		if s == id {
			return i
		}
	}
	return -1
}

// Skipped reports whether the wizard does not stop at step s for plan p
// (the rule Next and Prev apply), so a front end with its own extra rules
// (e.g. "ask the workspace until the flag's name is resolved") can walk
// Flow itself.
func Skipped(p *Plan, s StepID) bool { return skipped(p, s) }
