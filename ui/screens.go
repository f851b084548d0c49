package ui

import "github.com/amlaks/amlaks/wizard"

// screens make each step's screen: one row a step (a step without its own
// screen has none to make; the submit screen stands in).
var screens = map[wizard.StepID]func() screen{
	wizard.StepSubscription: newSubscriptionScreen,
	wizard.StepWorkspace:    newWorkspaceScreen,
	wizard.StepMode:         newModeScreen,
	wizard.StepComputeType:  newComputeTypeScreen,
	wizard.StepPurpose:      newPurposeScreen,
	wizard.StepRegion:       newRegionScreen,
	wizard.StepVersion:      newVersionScreen,
	wizard.StepK8sVersion:   newK8sVersionScreen,
	wizard.StepVMSize:       newSizeScreen,
	wizard.StepNodes:        newNodesScreen,
	wizard.StepNewCluster:   newNewClusterScreen,
	wizard.StepAPIAccess:    newAPIAccessScreen,
	wizard.StepCluster:      newClusterScreen,
	wizard.StepNetwork:      newNetworkScreen,
	wizard.StepRouter:       newRouterScreen,
	wizard.StepTLS:          newTLSScreen,
	wizard.StepNamespace:    newNamespaceScreen,
	wizard.StepIdentity:     newIdentityScreen,
	wizard.StepName:         newNameScreen,
	wizard.StepReview:       newReviewScreen,
	wizard.StepSubmit:       func() screen { return &submitScreen{} },
	wizard.StepList:         newListScreen,
	wizard.StepMigrate:      newMigrateScreen,
}

func newScreen(id wizard.StepID) screen {
	if mk, ok := screens[id]; ok {
		return mk()
	}
	return &submitScreen{}
}
