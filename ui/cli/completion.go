package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// completeTimeout bounds one completion request: a shell waits for it, so
// a slow sign-in or a throttled call gives no candidates instead of a hang.
// AMLAKS_COMPLETION_TIMEOUT (a Go duration, e.g. 5s) changes it.
const completeTimeout = 2500 * time.Millisecond

func completionTimeout() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("AMLAKS_COMPLETION_TIMEOUT")); err == nil && d > 0 {
		return d
	}
	return completeTimeout
}

// completer answers a completion request from the Cloud (its caches make
// the second TAB fast): candidates starting with what was typed, nothing
// (and no file names) on any failure, nothing printed besides.
type completer func(ctx context.Context, cmd *cobra.Command, args []string, s *Session) ([]string, error)

func (a *app) complete(fn completer) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		a.completing = true
		a.readEnv()
		// a completion never writes a trace (nor truncates a --debug-file)
		a.g.Debug, a.g.DebugFile, a.g.Output, a.g.Query = false, "", fmtTable, ""
		_ = a.workspaceFromID()
		ctx, cancel := context.WithTimeout(a.ctx, completionTimeout())
		defer cancel()
		saved := a.ctx
		a.ctx = ctx
		defer func() { a.ctx = saved }()
		s, err := a.session()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		s.Notes.Set(nil)
		cands, err := fn(ctx, cmd, args, s)
		if err != nil || ctx.Err() != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return withPrefix(cands, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// withPrefix keeps the candidates ("value\tdescription") whose value starts
// with prefix, ignoring case, sorted naturally.
func withPrefix(cands []string, prefix string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, c := range cands {
		v, _, _ := strings.Cut(c, "\t")
		if seen[v] || !strings.HasPrefix(strings.ToLower(v), strings.ToLower(prefix)) {
			continue
		}
		seen[v] = true
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return wizard.NaturalCompare(out[i], out[j]) < 0 })
	return out
}

// fixed completes a field's choices, sorted as every candidate list is.
func fixed(vals ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return withPrefix(vals, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// fixedInOrder completes values in the order given.
func fixedInOrder(vals ...string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return withPrefix(vals, toComplete), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
	}
}

func fileExt(exts ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return exts, cobra.ShellCompDirectiveFilterFileExt
	}
}

// completionPlan resolves the subscription (and, withWorkspace, the
// workspace) from the flags typed so far, as the commands do.
func (a *app) completionPlan(ctx context.Context, s *Session, withWorkspace bool) (*wizard.Plan, error) {
	p := wizard.NewPlan(wizard.ModeBrowse)
	a.applyGlobals(nil, p, s)
	vs, err := wizard.ResolveSubscription(ctx, s.Cloud, p)
	if err == nil && len(vs) == 0 && withWorkspace {
		vs, err = wizard.ResolveWorkspace(ctx, s.Cloud, p)
	}
	if err != nil {
		return nil, err
	}
	if len(vs) > 0 {
		return nil, &Invalid{vs}
	}
	return p, nil
}

func (a *app) completeSubscriptions(ctx context.Context, _ *cobra.Command, _ []string, s *Session) ([]string, error) {
	subs, err := s.Cloud.Subscriptions(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, sub := range subs {
		out = append(out, sub.ID+"\t"+sub.Name, sub.Name+"\t"+sub.ID)
	}
	return out, nil
}

// ofSubscription completes from one list of the subscription typed so
// far: each item's candidates ("value\tdescription"; none to leave it out).
func ofSubscription[T any](a *app, list func(ctx context.Context, c wizard.Cloud, sub string) ([]T, error), cands func(T) []string) completer {
	return func(ctx context.Context, _ *cobra.Command, _ []string, s *Session) ([]string, error) {
		p, err := a.completionPlan(ctx, s, false)
		if err != nil {
			return nil, err
		}
		all, err := list(ctx, s.Cloud, p.Subscription)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, x := range all {
			out = append(out, cands(x)...)
		}
		return out, nil
	}
}

func workspacesOf(ctx context.Context, c wizard.Cloud, sub string) ([]wizard.Workspace, error) {
	return c.Workspaces(ctx, sub)
}

func (a *app) completeWorkspaces() completer {
	return ofSubscription(a, workspacesOf, func(w wizard.Workspace) []string {
		if a.g.ResourceGroup != "" && !strings.EqualFold(a.g.ResourceGroup, w.ResourceGroup) {
			return nil
		}
		return []string{w.Name + "\t" + w.ResourceGroup + ", " + w.Region}
	})
}

// completeGroups offers the resource groups of the workspaces (of the one
// given with -w), each with its workspaces.
func (a *app) completeGroups() completer {
	type group struct{ name, workspaces string }
	groups := func(ctx context.Context, c wizard.Cloud, sub string) ([]group, error) {
		all, err := c.Workspaces(ctx, sub)
		names := map[string][]string{}
		var order []string
		for _, w := range all {
			if a.g.Workspace != "" && !strings.EqualFold(a.g.Workspace, w.Name) {
				continue
			}
			if names[w.ResourceGroup] == nil {
				order = append(order, w.ResourceGroup)
			}
			names[w.ResourceGroup] = append(names[w.ResourceGroup], w.Name)
		}
		out := make([]group, len(order))
		for i, g := range order {
			out[i] = group{g, strings.Join(names[g], ", ")}
		}
		return out, err
	}
	return ofSubscription(a, groups, func(g group) []string { return []string{g.name + "\tworkspaces " + g.workspaces} })
}

func (a *app) completeRegions() completer {
	return ofSubscription(a, func(ctx context.Context, c wizard.Cloud, sub string) ([]wizard.Region, error) {
		return c.Regions(ctx, sub)
	},
		func(r wizard.Region) []string { return []string{r.Name + "\t" + r.DisplayName} })
}

// completionRegion is the region given with -l (as Azure names it), else
// the workspace's.
func (a *app) completionRegion(ctx context.Context, cmd *cobra.Command, s *Session) (*wizard.Plan, string, error) {
	region := ""
	if f := cmd.Flags().Lookup("region"); f != nil && f.Changed {
		region = f.Value.String()
	}
	p, err := a.completionPlan(ctx, s, region == "")
	if err != nil {
		return nil, "", err
	}
	if region == "" {
		region = p.Workspace.Region
	} else if rs, err := s.Cloud.Regions(ctx, p.Subscription); err == nil {
		if r, ok := wizard.FindRegion(rs, region); ok {
			region = r.Name
		}
	}
	return p, region, nil
}

// completeSizes offers the usable sizes of the region given with -l, else
// of the workspace's region.
func (a *app) completeSizes(ctx context.Context, cmd *cobra.Command, _ []string, s *Session) ([]string, error) {
	p, region, err := a.completionRegion(ctx, cmd, s)
	if err != nil {
		return nil, err
	}
	l, err := s.Cloud.Sizes(ctx, p.Subscription, region)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, z := range l.Sizes {
		if z.Restricted != "" {
			continue
		}
		d := z.Shape()
		if z.GPUs > 0 {
			d += fmt.Sprintf(", %d GPU", z.GPUs)
		}
		out = append(out, z.Name+"\t"+d)
	}
	return out, nil
}

// completeComputes offers the computes of the workspace (those amlaks
// detaches, AKS and Kubernetes, when detachable); a command that has its
// NAME completes nothing more.
func (a *app) completeComputes(detachable bool) completer {
	return func(ctx context.Context, _ *cobra.Command, args []string, s *Session) ([]string, error) {
		if len(args) > 0 {
			return nil, nil
		}
		p, err := a.completionPlan(ctx, s, true)
		if err != nil {
			return nil, err
		}
		cs, err := s.Cloud.Computes(ctx, p.WorkspaceRef())
		if err != nil {
			return nil, err
		}
		var out []string
		for _, c := range cs {
			if detachable && !wizard.VariantOf(c.Type).Ours() {
				continue
			}
			out = append(out, c.Name+"\t"+c.Type+", "+c.State)
		}
		return out, nil
	}
}

// completeVersions offers the Kubernetes versions of the region given
// with -l, else of the workspace's region.
func (a *app) completeVersions(ctx context.Context, cmd *cobra.Command, _ []string, s *Session) ([]string, error) {
	p, region, err := a.completionRegion(ctx, cmd, s)
	if err != nil {
		return nil, err
	}
	vs, err := s.Cloud.Versions(ctx, p.Subscription, region)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, v := range rules.SortVersions(vs) {
		var notes []string
		if v.Default {
			notes = append(notes, "the region's default")
		}
		if v.Preview {
			notes = append(notes, "preview")
		}
		out = append(out, v.Version+"\t"+strings.Join(append([]string{"Kubernetes " + v.Version}, notes...), ", "))
	}
	return out, nil
}

// completeClusters offers the AKS clusters of the subscription as flag
// takes them: names, resource groups or resource IDs.
func (a *app) completeClusters(flag string) completer {
	return ofSubscription(a, func(ctx context.Context, c wizard.Cloud, sub string) ([]wizard.Cluster, error) {
		return c.Clusters(ctx, sub)
	},
		func(c wizard.Cluster) []string {
			switch flag {
			case "cluster-id":
				return []string{c.ID}
			case "cluster-resource-group":
				return []string{c.ResourceGroup}
			}
			return []string{c.Name + "\t" + c.ResourceGroup + ", " + c.Region + ", Kubernetes " + c.Version}
		})
}

// lookups are the completions of the field table's named Azure lookups.
func (a *app) lookups() map[wizard.Lookup]cobra.CompletionFunc {
	return map[wizard.Lookup]cobra.CompletionFunc{
		wizard.LookupRegions:  a.complete(a.completeRegions()),
		wizard.LookupSizes:    a.complete(a.completeSizes),
		wizard.LookupVersions: a.complete(a.completeVersions),
	}
}

// inputCompletion is a field's completion from its row: its choices, its
// files, its Azure lookup, or nothing (never file names).
func (a *app) inputCompletion(in wizard.Input, lookups map[wizard.Lookup]cobra.CompletionFunc) cobra.CompletionFunc {
	switch {
	case len(in.Files) > 0:
		return fileExt(in.Files...)
	case in.Lookup == wizard.LookupClusters:
		return a.complete(a.completeClusters(in.Flag))
	case in.Lookup != "":
		return lookups[in.Lookup]
	case len(in.Choices) > 0:
		vals := make([]string, len(in.Choices))
		for i, c := range in.Choices {
			vals[i] = c.Value + "\t" + c.Label
		}
		return fixed(vals...)
	}
	return cobra.NoFileCompletions
}

// registerCompletions attaches the completions to every command that has
// the flag: the field table's from their rows, the others here.
func (a *app) registerCompletions(root *cobra.Command) {
	reg := func(cmd *cobra.Command, flag string, f cobra.CompletionFunc) {
		if cmd.Flags().Lookup(flag) != nil || cmd.PersistentFlags().Lookup(flag) != nil {
			// the only errors are a missing flag (checked) or a second registration
			_ = cmd.RegisterFlagCompletionFunc(flag, f)
		}
	}
	lookups := a.lookups()
	reg(root, "subscription", a.complete(a.completeSubscriptions))
	reg(root, "workspace", a.complete(a.completeWorkspaces()))
	reg(root, "resource-group", a.complete(a.completeGroups()))
	reg(root, "output", fixedInOrder(outputFormats...))
	reg(root, "cloud", fixedInOrder("AzureCloud\tAzure (global)", "AzureChinaCloud\tAzure operated by 21Vianet", "AzureUSGovernment\tAzure Government"))
	reg(root, "query", cobra.NoFileCompletions)
	reg(root, "timeout", cobra.NoFileCompletions)
	reg(root, "debug-file", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveDefault // a file
	})
	for _, cmd := range append([]*cobra.Command{root}, root.Commands()...) {
		name := cmd.Name()
		for _, in := range wizard.Inputs(name) {
			if !in.Bool {
				reg(cmd, in.Flag, a.inputCompletion(in, lookups))
			}
		}
		for _, f := range []string{"min-vcpus", "release-version", "source-date-epoch"} {
			reg(cmd, f, cobra.NoFileCompletions)
		}
		switch name {
		case "status":
			cmd.ValidArgsFunction = a.complete(a.completeComputes(false))
		case "detach":
			cmd.ValidArgsFunction = a.complete(a.completeComputes(true))
		case "migrate":
			cmd.ValidArgsFunction = a.complete(a.completeComputes(true))
			reg(cmd, "to", cobra.NoFileCompletions)
			reg(cmd, "namespace", cobra.NoFileCompletions)
			reg(cmd, "save-secret", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
				return nil, cobra.ShellCompDirectiveDefault // a file
			})
		}
	}
}

// completionCmd replaces cobra's default: the bash script works without
// the bash-completion package.
func (a *app) completionCmd(root *cobra.Command) *cobra.Command {
	var noDesc bool
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script",
		Long: `Print the completion script of a shell. Completions know Azure: TAB after -w, -g, -l,
--vm-size, --kubernetes-version, --cluster, --subscription or after status/detach offers your
workspaces, regions, sizes, versions, clusters and computes (from the simulated Azure with
--demo); a flag that takes one of a few values offers them, and only file flags offer files.

  bash:        source <(amlaks completion bash)      # add to ~/.bashrc; no bash-completion package needed
  zsh:         amlaks completion zsh > "${fpath[1]}/_amlaks"   # then restart zsh (compinit must be on)
  fish:        amlaks completion fish > ~/.config/fish/completions/amlaks.fish
  PowerShell:  amlaks completion powershell | Out-String | Invoke-Expression   # add to $PROFILE`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeCompletion(root, args[0], a.s.Out, !noDesc)
		},
	}
	cmd.Flags().BoolVar(&noDesc, "no-descriptions", false, "no descriptions beside the candidates")
	return cmd
}

// writeCompletion writes the completion script of shell.
func writeCompletion(root *cobra.Command, shell string, w io.Writer, desc bool) error {
	switch shell {
	case "bash":
		var b strings.Builder
		if err := root.GenBashCompletionV2(&b, desc); err != nil {
			return err
		}
		s, err := standaloneBash(b.String(), root.Name())
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, s)
		return err
	case "zsh":
		if desc {
			return root.GenZshCompletion(w)
		}
		return root.GenZshCompletionNoDesc(w)
	case "fish":
		return root.GenFishCompletion(w, desc)
	case "powershell":
		if desc {
			return root.GenPowerShellCompletionWithDesc(w)
		}
		return root.GenPowerShellCompletion(w)
	}
	return &Invalid{[]rules.Violation{{Field: "shell", Code: "bad", Message: fmt.Sprintf("bash, zsh, fish or powershell (got %q)", shell)}}}
}

// bashShims stand in for the two functions of the bash-completion package
// that cobra's script calls, when that package is not loaded: words are
// split at blanks only (so --flag=value and host:port stay one word), and
// file completion honours an extension filter.
const bashShims = `
# amlaks: stand-ins for bash-completion's _get_comp_words_by_ref and
# _filedir, used only when that package is not loaded.
__PROG_comp_words() {
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        _get_comp_words_by_ref "$@"
        return
    fi
    local line="${COMP_LINE:0:COMP_POINT}"
    local -a ws=()
    read -r -a ws <<< "$line"
    if [[ -z "$line" || "$line" =~ [[:space:]]$ ]]; then
        ws+=("")
    fi
    words=("${ws[@]}")
    cword=$(( ${#ws[@]} - 1 ))
    cur="${ws[cword]}"
    prev=""
    if (( cword > 0 )); then
        prev="${ws[cword-1]}"
    fi
}

__PROG_filedir() {
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir "$@"
        return
    fi
    local IFS=$'\n'
    if [[ "${1-}" == -d ]]; then
        COMPREPLY=( $(compgen -d -- "$cur") )
        return
    fi
    local -a found=( $(compgen -d -- "$cur") )
    if [[ -n "${1-}" ]]; then
        local restore
        restore=$(shopt -p extglob)
        shopt -s extglob
        found+=( $(compgen -f -X "!*.@(${1%|})" -- "$cur") )
        eval "$restore"
    else
        found+=( $(compgen -f -- "$cur") )
    fi
    COMPREPLY=( "${found[@]}" )
}
`

// standaloneBash makes cobra's bash script independent of the
// bash-completion package: its two calls into that package go through the
// shims above.
func standaloneBash(script, prog string) (string, error) {
	n1 := strings.Count(script, `_get_comp_words_by_ref "$@" cur prev words cword`)
	script = strings.ReplaceAll(script, `_get_comp_words_by_ref "$@" cur prev words cword`, `__`+prog+`_comp_words "$@" cur prev words cword`)
	n2 := strings.Count(script, "_filedir")
	script = strings.ReplaceAll(script, "_filedir", "__"+prog+"_filedir")
	if n1 != 1 || n2 == 0 {
		return "", fmt.Errorf("the bash completion script of this cobra version has changed: cannot make it standalone")
	}
	shims := strings.ReplaceAll(bashShims, "__PROG_", "__"+prog+"_")
	// the shims go after the header comment
	i := strings.Index(script, "\n__"+prog+"_debug()")
	if i < 0 {
		return "", fmt.Errorf("the bash completion script of this cobra version has changed: no debug function")
	}
	return script[:i] + shims + script[i:], nil
}
