package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// prompter asks plain line questions (accessible mode): numbered choices,
// no animation, no colour. It reads one line at a time so piped answers
// reach the right question.
type prompter struct {
	in  io.Reader
	out io.Writer
}

func (q prompter) line(prompt string) (string, error) {
	fmt.Fprint(q.out, prompt)
	s, err := readLine(q.in)
	if err != nil && s == "" {
		return "", fmt.Errorf("no answer to %q: %w", strings.TrimSpace(prompt), err)
	}
	return strings.TrimSpace(s), nil
}

// choose shows a numbered list and returns the chosen index.
func (q prompter) choose(title string, items []string, def int) (int, error) {
	fmt.Fprintln(q.out, title)
	for i, it := range items {
		fmt.Fprintf(q.out, "  %d. %s\n", i+1, it)
	}
	for {
		prompt := fmt.Sprintf("Enter a number between 1 and %d", len(items))
		if def >= 0 {
			prompt += fmt.Sprintf(" [%d]", def+1)
		}
		s, err := q.line(prompt + ": ")
		if err != nil {
			return 0, err
		}
		if s == "" && def >= 0 {
			return def, nil
		}
		n, err := strconv.Atoi(s)
		if err == nil && n >= 1 && n <= len(items) {
			return n - 1, nil
		}
		fmt.Fprintf(q.out, "%q is not a number between 1 and %d\n", s, len(items))
	}
}

// askMissing asks the plan's missing answers as plain numbered line
// prompts (accessible mode); the rest of the run is line mode.
func (a *app) askMissing(p *wizard.Plan) error {
	q := prompter{in: a.s.In, out: a.s.Err}
	c := a.sess.Cloud
	if p.Subscription == "" {
		subs, err := c.Subscriptions(a.ctx)
		if err != nil {
			return err
		}
		if len(subs) > 1 {
			var items []string
			for _, s := range subs {
				items = append(items, s.Name+"  "+s.ID)
			}
			i, err := q.choose("Subscription:", items, -1)
			if err != nil {
				return err
			}
			p.Subscription = subs[i].ID
			p.Mark(wizard.FSubscription, wizard.Asked)
		}
	}
	if vs, err := wizard.ResolveSubscription(a.ctx, c, p); err != nil || len(vs) > 0 {
		if err != nil {
			return err
		}
		return &Invalid{vs}
	}
	if p.Workspace.Name == "" {
		wss, err := c.Workspaces(a.ctx, p.Subscription)
		if err != nil {
			return err
		}
		if len(wss) > 1 {
			var items []string
			for _, w := range wss {
				items = append(items, fmt.Sprintf("%s  (resource group %s, %s)", w.Name, w.ResourceGroup, w.Region))
			}
			i, err := q.choose("Workspace:", items, -1)
			if err != nil {
				return err
			}
			p.Workspace = wss[i]
			p.Mark(wizard.FWorkspace, wizard.Asked)
		}
	}
	if vs, err := wizard.ResolveWorkspace(a.ctx, c, p); err != nil || len(vs) > 0 {
		if err != nil {
			return err
		}
		return &Invalid{vs}
	}
	if p.Mode == wizard.ModeAttach && p.ClusterID == "" && p.ClusterName == "" {
		cls, err := c.Clusters(a.ctx, p.Subscription)
		if err != nil {
			return err
		}
		if len(cls) == 0 {
			return &Invalid{[]rules.Violation{{Field: "cluster", Code: "none", Message: "the subscription has no AKS cluster to attach: create one with `amlaks create`"}}}
		}
		var items []string
		for _, cl := range cls {
			items = append(items, fmt.Sprintf("%s  (resource group %s, %s, Kubernetes %s, %d nodes)", cl.Name, cl.ResourceGroup, cl.Region, cl.Version, cl.Nodes()))
		}
		i, err := q.choose("AKS cluster to attach:", items, -1)
		if err != nil {
			return err
		}
		p.ClusterID = cls[i].ID
		p.Cluster = &cls[i]
		p.Mark(wizard.FCluster, wizard.Asked)
	}
	if p.Name == "" {
		cs, err := c.Computes(a.ctx, p.WorkspaceRef())
		if err != nil {
			return err
		}
		for {
			s, err := q.line("Compute name (3-24 letters, digits and -, starting with a letter): ")
			if err != nil {
				return err
			}
			vs := rules.ComputeName(s, wizard.ExistingNames(cs))
			if len(vs) == 0 {
				p.Name = s
				p.Mark(wizard.FName, wizard.Asked)
				break
			}
			for _, v := range vs {
				fmt.Fprintln(q.out, "name: "+v.Message)
			}
		}
	}
	return nil
}
