package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/amlaks/amlaks/wizard"
	"github.com/amlaks/amlaks/wizard/wizardtest"
)

// TestFieldTableDrivesFlags walks every flag of every command: a value
// flag completes without file names unless it is a file, a choice lists
// all its choices, and a field's flag says the same wherever it is
// declared.
func TestFieldTableDrivesFlags(t *testing.T) {
	var out, errb bytes.Buffer
	a := &app{ctx: context.Background(), s: Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, f: fakeFactory(wizardtest.New()), version: "test"}
	root := a.rootCmd()
	usage := map[string]string{}
	seen := 0
	for _, cmd := range append([]*cobra.Command{root}, root.Commands()...) {
		check := func(fl *pflag.Flag) {
			if fl.Name == "help" {
				return
			}
			in, row := wizard.InputOf(fl.Name)
			if row && in.Field != "" {
				if u, ok := usage[fl.Name]; ok && u != fl.Usage {
					t.Errorf("--%s: %q on %s, %q elsewhere", fl.Name, fl.Usage, cmd.Name(), u)
				}
				usage[fl.Name] = fl.Usage
			}
			if fl.Value.Type() == "bool" {
				return // takes no value to complete
			}
			seen++
			fn, ok := cmd.GetFlagCompletionFunc(fl.Name)
			if !ok {
				t.Errorf("%s --%s: no completion (a shell offers file names)", cmd.Name(), fl.Name)
				return
			}
			cands, dir := fn(cmd, nil, "")
			file := len(in.Files) > 0 || fl.Name == "debug-file" || fl.Name == "save-secret"
			if !file && dir&cobra.ShellCompDirectiveNoFileComp == 0 {
				t.Errorf("%s --%s: directive %d completes file names", cmd.Name(), fl.Name, dir)
			}
			for _, c := range in.Choices {
				found := false
				for _, x := range cands {
					found = found || strings.HasPrefix(x, c.Value+"\t")
				}
				if !found {
					t.Errorf("%s --%s: candidates %v lack %s", cmd.Name(), fl.Name, cands, c.Value)
				}
			}
		}
		cmd.LocalFlags().VisitAll(check)
	}
	if seen < 40 {
		t.Fatalf("walked %d flags", seen)
	}
	// every row is declared somewhere
	for _, in := range wizard.Inputs("") {
		if _, ok := usage[in.Flag]; !ok && in.Field != "" {
			t.Errorf("--%s of the field table is declared nowhere", in.Flag)
		}
	}
}
