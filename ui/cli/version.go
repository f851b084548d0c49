package cli

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
)

// versionCmd prints what --version prints, and with -o json/yaml the same
// as fields a script can read (as gh and kubectl do).
func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version of amlaks",
		Example: "  amlaks version\n  amlaks version -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, commit := splitVersion(a.version)
			m := map[string]any{"version": v, "commit": commit, "goVersion": runtime.Version(), "platform": runtime.GOOS + "/" + runtime.GOARCH}
			return a.emit(m, func(w io.Writer) {
				fmt.Fprintf(w, "amlaks %s\n", a.version)
			})
		},
	}
}

// splitVersion reads "v1.2.0 (commit 0123abcd)", the form main passes, back
// into its parts; a version without a commit has commit "".
func splitVersion(s string) (version, commit string) {
	v, c, ok := strings.Cut(s, " (commit ")
	if !ok {
		return s, ""
	}
	return v, strings.TrimSuffix(c, ")")
}
