package ui

import (
	"context"
	"errors"
	"io"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// Run runs the wizard on in/out (alt screen) until it ends and returns how
// it ended. A SIGINT (when in is not a raw terminal) is handled like
// Ctrl+C: during an operation it asks before it stops watching.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer) (Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	m := New(ctx, opts)
	popts := []tea.ProgramOption{
		tea.WithContext(ctx),
		tea.WithInput(in),
		tea.WithOutput(out),
		tea.WithFilter(interruptAsKey),
	}
	switch {
	case opts.ColorProfile != colorprofile.Unknown:
		popts = append(popts, tea.WithColorProfile(opts.ColorProfile))
	case opts.NoColor:
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	if opts.Width > 0 && opts.Height > 0 {
		popts = append(popts, tea.WithWindowSize(opts.Width, opts.Height))
	}
	final, err := tea.NewProgram(m, popts...).Run()
	fm, ok := final.(Model)
	if !ok {
		fm = m
	}
	res := fm.Result()
	if err != nil {
		if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, context.Canceled) || ctx.Err() != nil {
			if res.Status != Detached {
				res.Status = Quit
			}
			if res.Err == nil {
				res.Err = ctx.Err()
			}
			return res, nil
		}
		return res, err
	}
	return res, nil
}

// interruptAsKey turns a SIGINT into the Ctrl+C key so the model decides.
func interruptAsKey(_ tea.Model, msg tea.Msg) tea.Msg {
	if _, ok := msg.(tea.InterruptMsg); ok {
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	return msg
}
