package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// genDocsCmd writes the man pages and the completion scripts into a
// directory; the release (.goreleaser.yaml) runs it and ships both in every
// archive and package.
func (a *app) genDocsCmd(root *cobra.Command) *cobra.Command {
	var release, epoch string
	cmd := &cobra.Command{
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
			v := a.version
			if release != "" {
				v = release
			}
			hdr := &doc.GenManHeader{Title: "AMLAKS", Section: "1", Source: "amlaks " + v, Manual: "amlaks manual"}
			e := epoch
			if e == "" {
				e = os.Getenv("SOURCE_DATE_EPOCH")
			}
			if e != "" {
				sec, err := strconv.ParseInt(e, 10, 64)
				if err != nil {
					return fmt.Errorf("the source date epoch must be seconds since 1970 (got %q)", e)
				}
				d := time.Unix(sec, 0).UTC()
				hdr.Date = &d
			}
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
	// go run (the release's hook) builds without the -X version, so the
	// release says which it is; the date comes from --source-date-epoch or SOURCE_DATE_EPOCH
	// (the commit's), not from the build machine's clock
	cmd.Flags().StringVar(&release, "release-version", "", "the version the man pages name (default: this binary's)")
	cmd.Flags().StringVar(&epoch, "source-date-epoch", "", "the man pages' date, in seconds since 1970 (default: $SOURCE_DATE_EPOCH, else today)")
	return cmd
}
