package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// azAliases makes az's flag names work as hidden aliases of ours: users
// type them from habit (`az ml computetarget create aks --agent-count`,
// `az aks create --location`).
func azAliases(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	switch name {
	case "workspace-name":
		return "workspace"
	case "subscription-id":
		return "subscription"
	}
	if n, ok := fieldAliases[name]; ok {
		return pflag.NormalizedName(n)
	}
	return pflag.NormalizedName(name)
}

// fieldAliases are the field table's az names.
var fieldAliases = wizard.Aliases()

// mlID is an Azure ML workspace or compute resource ID.
type mlID struct {
	Subscription, ResourceGroup, Workspace, Compute string
}

// looksLikeID reports whether s is written as a resource ID rather than a name.
func looksLikeID(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(strings.ToLower(strings.TrimPrefix(s, "/")), "subscriptions/")
}

// parseMLID parses
// /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}[/computes/{name}]
// (segment names in any case, a trailing "/" tolerated). The error names
// the segment that is wrong.
func parseMLID(s string) (mlID, error) {
	t := strings.Trim(strings.TrimSpace(s), "/")
	seg := strings.Split(t, "/")
	want := []string{"subscriptions", "", "resourceGroups", "", "providers", "Microsoft.MachineLearningServices", "workspaces", ""}
	if len(seg) != 8 && len(seg) != 10 {
		return mlID{}, fmt.Errorf("%q is not a workspace or compute resource ID: want /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.MachineLearningServices/workspaces/NAME[/computes/NAME]", s)
	}
	if len(seg) == 10 {
		want = append(want, "computes", "")
	}
	for i, w := range want {
		if seg[i] == "" {
			return mlID{}, fmt.Errorf("segment %d of %q is empty", i+1, s)
		}
		if w != "" && !strings.EqualFold(seg[i], w) {
			return mlID{}, fmt.Errorf("segment %d of %q should be %s (found '%s')", i+1, s, w, seg[i])
		}
	}
	if !rules.IsGUID(seg[1]) {
		return mlID{}, fmt.Errorf("subscription ID '%s' in %q is not a GUID", seg[1], s)
	}
	id := mlID{Subscription: seg[1], ResourceGroup: seg[3], Workspace: seg[7]}
	if len(seg) == 10 {
		id.Compute = seg[9]
	}
	return id, nil
}

// applyID puts the subscription, group and workspace of an ID into the
// global flags; a flag given with another value is an error.
func (a *app) applyID(field string, id mlID) error {
	var vs []rules.Violation
	set := func(flag string, cur *string, v string) {
		if *cur != "" && !strings.EqualFold(*cur, v) && !(flag == "subscription" && !rules.IsGUID(*cur)) {
			vs = append(vs, rules.Violation{Field: field, Code: "conflict",
				Message: fmt.Sprintf("the resource ID says %s %s but --%s is %s: give one of them", flag, v, flag, *cur)})
			return
		}
		*cur = v
	}
	set("subscription", &a.g.Subscription, id.Subscription)
	set("resource-group", &a.g.ResourceGroup, id.ResourceGroup)
	if field != "workspace" {
		set("workspace", &a.g.Workspace, id.Workspace)
	} else {
		a.g.Workspace = id.Workspace
	}
	if len(vs) > 0 {
		return &Invalid{vs}
	}
	return nil
}

// workspaceFromID accepts a workspace resource ID in -w.
func (a *app) workspaceFromID() error {
	if !looksLikeID(a.g.Workspace) {
		return nil
	}
	id, err := parseMLID(a.g.Workspace)
	if err == nil && id.Compute != "" {
		err = fmt.Errorf("%q is a compute's ID: -w takes the workspace (…/workspaces/NAME)", a.g.Workspace)
	}
	if err != nil {
		return &Invalid{[]rules.Violation{{Field: "workspace", Code: "bad-id", Message: err.Error()}}}
	}
	return a.applyID("workspace", id)
}

// computeArg is the compute NAME of status and detach: a name, or a
// compute resource ID that also sets the workspace.
func (a *app) computeArg(arg string) (string, error) {
	if !looksLikeID(arg) {
		return arg, nil
	}
	id, err := parseMLID(arg)
	if err == nil && id.Compute == "" {
		err = fmt.Errorf("%q is a workspace's ID: give the compute's name or its ID (…/workspaces/NAME/computes/NAME)", arg)
	}
	if err != nil {
		return "", &Invalid{[]rules.Violation{{Field: "name", Code: "bad-id", Message: err.Error()}}}
	}
	if err := a.applyID("name", id); err != nil {
		return "", err
	}
	return id.Compute, nil
}
