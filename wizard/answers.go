package wizard

import (
	"strconv"
	"strings"
)

// answer is how one plan field is read (as the user would type it) and
// written by a wizard's answer (false: the answer has the wrong type, and
// the plan is left as it was).
type answer struct {
	get func(p *Plan) string
	set func(p *Plan, v any) bool
}

// text is a field held in one string, trimmed when answered.
func text(field func(p *Plan) *string) answer {
	return answer{get: func(p *Plan) string { return *field(p) }, set: func(p *Plan, v any) bool {
		dst := field(p)
		if !into(dst, v) {
			return false
		}
		*dst = strings.TrimSpace(*dst)
		return true
	}}
}

// flag is a field held in one bool.
func flag(field func(p *Plan) *bool) answer {
	return answer{get: func(p *Plan) string { return strconv.FormatBool(*field(p)) }, set: func(p *Plan, v any) bool { return into(field(p), v) }}
}

// answers are the plan's fields, one row each.
var answers = map[Field]answer{
	FSubscription: text(func(p *Plan) *string { return &p.Subscription }),
	FWorkspace: {get: func(p *Plan) string { return p.Workspace.Name },
		set: func(p *Plan, v any) bool { return into(&p.Workspace, v) }},
	FMode: {get: func(p *Plan) string { return string(p.Mode) }, set: func(p *Plan, v any) bool { return into(&p.Mode, v) }},
	FPurpose: {get: func(p *Plan) string { return string(p.Purpose) },
		set: func(p *Plan, v any) bool { return into(&p.Purpose, v) }},
	FRegion: text(func(p *Plan) *string { return &p.Region }),
	FVMSize: text(func(p *Plan) *string { return &p.VMSize }),
	FNodes: {get: func(p *Plan) string { return strconv.Itoa(p.Nodes) },
		set: func(p *Plan, v any) bool { return into(&p.Nodes, v) }},
	// the subnet prefix is derived, never answered
	FNetwork: {set: func(p *Plan, v any) bool {
		prefix := p.Network.SubnetPrefix
		ok := into(&p.Network, v)
		p.Network.SubnetPrefix = prefix
		return ok
	}},
	FTLS:         {set: func(p *Plan, v any) bool { return into(&p.TLS, v) }},
	FName:        text(func(p *Plan) *string { return &p.Name }),
	FDescription: {get: func(p *Plan) string { return p.Description }},
	FCluster: {get: func(p *Plan) string {
		if p.ClusterID == "" {
			return p.ClusterName
		}
		return p.ClusterID
	}, set: func(p *Plan, v any) bool {
		var cl Cluster
		if !into(&cl, v) {
			return false
		}
		p.ClusterID, p.Cluster = cl.ID, &cl
		return true
	}},
	FComputeType: {get: func(p *Plan) string { return string(p.ComputeType) },
		set: func(p *Plan, v any) bool { return into(&p.ComputeType, v) }},
	FKubernetesVer: {get: func(p *Plan) string { return p.KubernetesVersion },
		set: func(p *Plan, v any) bool { return into(&p.KubernetesVersion, v) }},
	FNewCluster: {get: func(p *Plan) string { return p.ClusterName }, set: func(p *Plan, v any) bool {
		var c NewCluster
		if !into(&c, v) {
			return false
		}
		p.ClusterName, p.ClusterGroup = strings.TrimSpace(c.Name), strings.TrimSpace(c.ResourceGroup)
		return true
	}},
	FAPIAccess: {get: func(p *Plan) string { return string(p.APIAccess) }, set: func(p *Plan, v any) bool {
		var a APIAnswer
		if !into(&a, v) {
			return false
		}
		p.APIAccess, p.AuthorizedRanges = a.Access, a.Ranges
		return true
	}},
	FRouter: {get: func(p *Plan) string { return string(p.Router) }, set: func(p *Plan, v any) bool {
		var r RouterAnswer
		if !into(&r, v) {
			return false
		}
		p.Router, p.RouterHA = r.Router, r.HA
		p.Mark(FRouterHA, Asked)
		return true
	}},
	FRouterHA:         {get: func(p *Plan) string { return strconv.FormatBool(p.RouterHA) }},
	FAllowInsecure:    flag(func(p *Plan) *bool { return &p.AllowInsecure }),
	FInstallExtension: flag(func(p *Plan) *bool { return &p.InstallExtension }),
	FNamespace:        text(func(p *Plan) *string { return &p.Namespace }),
	FIdentity:         text(func(p *Plan) *string { return &p.Identity }),
}
