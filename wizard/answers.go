package wizard

import (
	"strconv"
	"strings"

	"github.com/amlaks/amlaks/rules"
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

// as is the write of an answer of type T (a wrong type writes nothing).
func as[T any](apply func(p *Plan, v T)) func(p *Plan, v any) bool {
	return func(p *Plan, v any) bool {
		t, ok := v.(T)
		if ok {
			apply(p, t)
		}
		return ok
	}
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
	FNetwork: {set: as(func(p *Plan, n rules.Network) {
		n.SubnetPrefix = p.Network.SubnetPrefix
		p.Network = n
	})},
	FTLS:         {set: as(func(p *Plan, t rules.TLS) { p.TLS = t.Normalized() })},
	FName:        text(func(p *Plan) *string { return &p.Name }),
	FDescription: {get: func(p *Plan) string { return p.Description }},
	FCluster: {get: func(p *Plan) string {
		if p.ClusterID == "" {
			return p.ClusterName
		}
		return p.ClusterID
	}, set: as(func(p *Plan, cl Cluster) { p.ClusterID, p.Cluster = cl.ID, &cl })},
	FComputeType: {get: func(p *Plan) string { return string(p.ComputeType) },
		set: func(p *Plan, v any) bool { return into(&p.ComputeType, v) }},
	FKubernetesVer: {get: func(p *Plan) string { return p.KubernetesVersion },
		set: func(p *Plan, v any) bool { return into(&p.KubernetesVersion, v) }},
	FNewCluster: {get: func(p *Plan) string { return p.ClusterName }, set: as(func(p *Plan, c NewCluster) {
		p.ClusterName, p.ClusterGroup = strings.TrimSpace(c.Name), strings.TrimSpace(c.ResourceGroup)
	})},
	FAPIAccess: {get: func(p *Plan) string { return string(p.APIAccess) },
		set: as(func(p *Plan, a APIAnswer) { p.APIAccess, p.AuthorizedRanges = a.Access, a.Ranges })},
	FRouter: {get: func(p *Plan) string { return string(p.Router) }, set: as(func(p *Plan, r RouterAnswer) {
		p.Router, p.RouterHA = r.Router, r.HA
		p.Mark(FRouterHA, Asked)
	})},
	FRouterHA:         {get: func(p *Plan) string { return strconv.FormatBool(p.RouterHA) }},
	FAllowInsecure:    flag(func(p *Plan) *bool { return &p.AllowInsecure }),
	FInstallExtension: flag(func(p *Plan) *bool { return &p.InstallExtension }),
	FNamespace: {get: func(p *Plan) string { return p.Namespace }, set: func(p *Plan, v any) bool {
		// the wizard's namespace step also keeps, edits or drops the
		// instance types the readiness phase creates
		var na NamespaceAnswer
		if into(&na, v) {
			p.Namespace, p.InstanceTypes, p.NoInstanceTypes = strings.TrimSpace(na.Namespace), na.InstanceTypes, na.NoInstanceTypes
			return true
		}
		return text(func(p *Plan) *string { return &p.Namespace }).set(p, v)
	}},
	FIdentity: text(func(p *Plan) *string { return &p.Identity }),
}
