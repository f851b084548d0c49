package wizard

import (
	"context"
	"strings"
	"time"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard/files"
)

// Deleting the cluster of a detached Kubernetes compute: only a cluster
// amlaks made, and only while no other compute uses it.

// ClusterUsers lists the computes of every workspace of the subscription
// attached to clusterID, as "WORKSPACE/NAME", leaving out self
// ("WORKSPACE/NAME" of the compute being detached).
func ClusterUsers(ctx context.Context, c Cloud, sub, clusterID, self string) ([]string, error) {
	list, err := AttachedAs(ctx, c, sub, clusterID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range list {
		if i := strings.Index(a, kubernetesMark); i >= 0 {
			a = a[:i]
		}
		name, ws, _ := strings.Cut(a, " in ")
		if u := ws + "/" + name; !strings.EqualFold(u, self) {
			out = append(out, u)
		}
	}
	return out, nil
}

// ClusterDeleteCheck looks at the cluster of compute self
// ("WORKSPACE/NAME") before it is deleted: the cluster, and the Block
// findings that refuse the delete (rules.ClusterDeleteFindings).
func ClusterDeleteCheck(ctx context.Context, c Cloud, sub, clusterID, self string) (Cluster, []rules.Finding, error) {
	cl, err := c.Cluster(ctx, clusterID)
	if err != nil {
		return cl, nil, err
	}
	others, err := ClusterUsers(ctx, c, sub, clusterID, self)
	if err != nil {
		return cl, nil, err
	}
	return cl, rules.ClusterDeleteFindings(rules.ClusterDeleteFacts{Cluster: cl.Name, Ours: ClusterMadeByAmlaks(cl), Others: others}), nil
}

// DeleteCluster deletes the cluster of the detached compute self
// ("WORKSPACE/NAME") and follows the delete to its end, holding the
// cluster's OS lock (ClusterGuardKey) throughout: under it the check is
// made again (another compute may have been attached meanwhile: a
// *BlockedError, nothing deleted), so a create joining the cluster, which
// takes the same lock, waits and then finds it gone. on sees each
// observation; a stop (ctx done) before the end returns *Interrupted.
func DeleteCluster(ctx context.Context, c Cloud, g *Guard, sub, clusterID, self string, every time.Duration, on func(Progress)) error {
	path, err := g.LockPath(ClusterGuardKey(clusterID))
	if err != nil {
		return &Error{Kind: ErrBadRequest, Op: "delete cluster", Message: "no place for the cluster's lock file: " + err.Error(),
			Hint: "set XDG_CACHE_HOME (or HOME) to a writable directory"}
	}
	lk, err := files.Lock(ctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return &Interrupted{Phase: PhaseCluster}
		}
		return &Error{Kind: ErrBadRequest, Op: "delete cluster", Message: "cannot take the cluster's lock " + path + ": " + err.Error(),
			Hint: "check that the directory is writable (or set XDG_CACHE_HOME)"}
	}
	defer lk.Unlock()
	_, fs, err := ClusterDeleteCheck(ctx, c, sub, clusterID, self)
	if err != nil {
		return err
	}
	if rules.Blocked(fs) {
		return &BlockedError{Findings: fs}
	}
	op, err := c.DeleteCluster(ctx, clusterID)
	if err != nil {
		return err
	}
	var last Progress
	for pr := range c.Follow(ctx, op, every) {
		if on != nil {
			on(pr)
		}
		last = pr
	}
	if !last.Done {
		return &Interrupted{Phase: PhaseCluster}
	}
	return last.Err
}

// holdCluster takes the cluster's OS lock (ClusterGuardKey) for the
// attach of a Kubernetes compute to it and checks, under the lock, that
// the cluster is still there and not being deleted: a detach deleting it
// (DeleteCluster) holds the same lock while it checks for other computes
// and deletes, so one of the two goes first and the other sees it. The
// caller unlocks once the attach is sent.
func holdCluster(ctx context.Context, c Cloud, g *Guard, clusterID string) (func(), error) {
	path, err := g.LockPath(ClusterGuardKey(clusterID))
	if err != nil {
		return nil, &Error{Kind: ErrBadRequest, Op: "attach", Message: "no place for the cluster's lock file: " + err.Error(),
			Hint: "set XDG_CACHE_HOME (or HOME) to a writable directory"}
	}
	lk, err := files.Lock(ctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &Interrupted{Phase: PhaseAttach}
		}
		return nil, &Error{Kind: ErrBadRequest, Op: "attach", Message: "cannot take the cluster's lock " + path + ": " + err.Error(),
			Hint: "check that the directory is writable (or set XDG_CACHE_HOME)"}
	}
	cl, err := c.Cluster(ctx, clusterID)
	if err == nil && strings.EqualFold(cl.ProvisioningState, "Deleting") {
		err = &Error{Kind: ErrNotFound, Op: "attach", Message: "the AKS cluster " + cl.Name + " is being deleted",
			Hint: "name another cluster, or a new one"}
	}
	if err != nil {
		lk.Unlock()
		return nil, err
	}
	return lk.Unlock, nil
}
