package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/amlaks/amlaks/wizard"
)

// verify and doctor: from "attached" to "serving, proven".

func (a *app) verifyCmd() *cobra.Command {
	var keep bool
	cmd := &cobra.Command{
		Use:   "verify NAME",
		Short: "Smoke-test a Kubernetes compute: deploy a throwaway endpoint, call it with its key, delete it",
		Long: `verify deploys a throwaway Kubernetes online endpoint and deployment on the compute
(a tiny public container, docker.io/traefik/whoami, no model of yours, the defaultinstancetype),
calls its scoring URI with the endpoint's key and prints the HTTP status, the latency and
the URI, then deletes the endpoint. The endpoint is tagged amlaks-verify=NAME: a run
stopped half-way leaves it, and the next verify of NAME removes it first.

A scoring URI on a private address (internal load balancer, ClusterIP or NodePort router)
cannot be called from here: the deployment is checked and the call is skipped, said so.

It exits 0 when the endpoint answered 200 (or the call was skipped), 1 when a step failed
(with its meaning and fix), 130 when stopped (what exists in Azure is said).`,
		Example: "  amlaks verify k8s-prod -w mlw-prod\n  amlaks verify k8s-prod -w mlw-prod --keep",
		Args:    nameArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			name, p, err := a.computeAndWorkspace(cmd, args[0])
			if err != nil {
				return err
			}
			start := time.Now()
			last := ""
			rep, err := wizard.Verify(a.ctx, a.sess.Cloud, p.Workspace, name, wizard.VerifyOptions{Keep: keep, Every: a.sess.PollEvery}, func(s wizard.VerifyStep) {
				line := fmt.Sprintf("[%s] %s", s.Step, s.State)
				if line != last {
					fmt.Fprintf(a.s.Err, "%s (%s elapsed)\n", line, round(time.Since(start)))
				}
				last = line
			})
			var ve *wizard.VerifyError
			if errors.As(err, &ve) {
				if a.jsonOut() {
					writeJSON(a.s.Out, map[string]any{"error": map[string]any{"step": ve.Step, "meaning": ve.Meaning, "fix": ve.Fix, "exists": ve.Exists,
						"message": fmt.Sprint(ve.Err)}})
				} else {
					fmt.Fprintln(a.s.Err, strings.Join(ve.Lines(name), "\n"))
				}
				if a.ctx.Err() != nil {
					return exit(ExitInterrupted, errSilent)
				}
				return exit(ExitFailure, errSilent)
			}
			if err != nil {
				return err
			}
			m := map[string]any{"compute": rep.Compute, "endpoint": rep.Endpoint, "scoringUri": rep.ScoringURI, "called": rep.Called,
				"status": rep.Status, "latencyMs": rep.Latency.Milliseconds(), "kept": rep.Kept, "removedLeftovers": rep.Removed}
			if rep.Skipped != "" {
				m["skipped"] = rep.Skipped
			}
			return a.emit(m, func(w io.Writer) {
				if rep.Called {
					fmt.Fprintf(w, "OK %s answered %d in %s: %s\n", rep.Compute, rep.Status, rep.Latency.Round(time.Millisecond), rep.ScoringURI)
				} else {
					fmt.Fprintf(w, "deployed on %s; call skipped: %s\n", rep.Compute, rep.Skipped)
				}
				if rep.Kept {
					fmt.Fprintf(w, "kept endpoint %s; call it with its key:\n  KEY=$(az ml online-endpoint get-credentials -n %s -w %s -g %s --query primaryKey -o tsv)\n"+
						"  curl -X POST -H \"Authorization: Bearer $KEY\" -H 'azureml-model-deployment: smoke' -H 'Content-Type: application/json' -d '{}' %s\n"+
						"remove it with: az ml online-endpoint delete -n %s -w %s -g %s --yes\n",
						rep.Endpoint, rep.Endpoint, p.Workspace.Name, p.Workspace.ResourceGroup, rep.ScoringURI, rep.Endpoint, p.Workspace.Name, p.Workspace.ResourceGroup)
				} else {
					fmt.Fprintf(w, "endpoint %s deleted\n", rep.Endpoint)
				}
			})
		},
	}
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the endpoint and print how to call it")
	return cmd
}

func (a *app) doctorCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "doctor NAME",
		Short: "Diagnose a compute read-only: compute, cluster, extension, healthcheck codes, namespace, instance types",
		Long: `doctor looks at a Kubernetes (or legacy AKS) compute without changing anything: the compute
and its AKS cluster (state, power, Kubernetes version still supported), the Azure ML extension
(state and settings: inference, router HA against the nodes, plain HTTP, GPU), and, through
AKS's run command (kubectl get only), what the cluster itself reports: the extension's
healthcheck codes (each with its meaning and fix), the compute's namespace, the instance
types against the nodes, and the v1 router (azureml-fe): on a legacy AKS compute which of its
eight objects and live v1 services are there, on a Kubernetes compute's cluster what is left of it.

Findings are Block, Warn or Info. It exits 0 without a Block, 1 with one.`,
		Example: "  amlaks doctor k8s-prod -w mlw-prod\n  amlaks doctor k8s-prod -w mlw-prod -o json",
		Args:    nameArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			name, p, err := a.computeAndWorkspace(cmd, args[0])
			if err != nil {
				return err
			}
			rep, err := wizard.Doctor(a.ctx, a.sess.Cloud, p.WorkspaceRef(), name)
			if err != nil {
				return err
			}
			m := map[string]any{"compute": rep.Compute.Name, "type": rep.Compute.Type, "healthy": rep.Healthy(), "findings": findingsJSON(rep.Findings)}
			if rep.Cluster != nil {
				m["cluster"] = rep.Cluster.ID
			}
			if err := a.emit(m, func(w io.Writer) {
				for _, f := range rep.Findings {
					fmt.Fprintln(w, f.String())
				}
				if rep.Healthy() {
					fmt.Fprintf(w, "%s: no blocking finding\n", name)
				} else {
					fmt.Fprintf(w, "%s: blocked: fix the BLOCK findings above\n", name)
				}
			}); err != nil {
				return err
			}
			if !rep.Healthy() {
				return exit(ExitFailure, errSilent)
			}
			return nil
		},
	}
	return cmd
}

// computeAndWorkspace resolves a command's NAME|ID argument and its
// workspace.
func (a *app) computeAndWorkspace(cmd *cobra.Command, arg string) (string, *wizard.Plan, error) {
	name, err := a.computeArg(arg)
	if err != nil {
		return "", nil, err
	}
	p, err := a.workspacePlan(cmd)
	return name, p, err
}

// removeVerifyLeftovers is status's share of the smoke test: the endpoint
// a stopped verify of name left behind is removed (one kept with --keep is
// left), each said on stderr. A failure to look is a note, not status's
// failure.
func (a *app) removeVerifyLeftovers(ws wizard.WorkspaceRef, name string) {
	removed, err := wizard.RemoveVerifyLeftovers(a.ctx, a.sess.Cloud, ws, name, true, func(wizard.VerifyStep) {})
	for _, e := range removed {
		fmt.Fprintf(a.s.Err, "removed endpoint %s, left by a stopped amlaks verify %s\n", e, name)
	}
	if err != nil && !errors.Is(err, wizard.ErrUnsupported) {
		fmt.Fprintf(a.s.Err, "note: the leftovers of a stopped amlaks verify %s were not all removed: %v\n", name, err)
	}
}
