package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// genDocsCmd writes the man pages and the completion scripts into a
// directory; the release (.goreleaser.yaml) runs it and ships both in every
// archive and package.
func (a *app) genDocsCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:    "gen-docs DIR",
		Short:  "Write man pages (DIR/man) and completion scripts (DIR/completions)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			man := filepath.Join(dir, "man")
			comp := filepath.Join(dir, "completions")
			for _, d := range []string{man, comp} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					return err
				}
			}
			root.DisableAutoGenTag = true
			hdr := &doc.GenManHeader{Title: "AMLAKS", Section: "1", Source: "amlaks " + a.version, Manual: "amlaks manual"}
			if err := doc.GenManTree(root, hdr, man); err != nil {
				return fmt.Errorf("man pages: %w", err)
			}
			for shell, name := range map[string]string{"bash": "amlaks.bash", "zsh": "_amlaks", "fish": "amlaks.fish", "powershell": "amlaks.ps1"} {
				f, err := os.Create(filepath.Join(comp, name))
				if err != nil {
					return err
				}
				err = writeCompletion(root, shell, f, true)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					return fmt.Errorf("%s completion: %w", shell, err)
				}
			}
			fmt.Fprintf(a.s.Err, "wrote %s and %s\n", man, comp)
			return nil
		},
	}
}
