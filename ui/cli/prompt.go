package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"charm.land/huh/v2"
)

// Line prompts of the accessible mode: huh v2 fields run one at a time in
// huh's accessible mode over stdin, with the workarounds below.

// lineReader hands huh at most one line per Read: huh v2.0.3 makes a new
// bufio.Scanner per prompt, which would swallow every piped line at the
// first one. It remembers end of input, which huh drops.
type lineReader struct {
	mu      sync.Mutex
	br      *bufio.Reader
	pending []byte
	eof     bool // a Read met the end of input
	given   int  // bytes handed out since reset
	// echo shows piped answers after their prompt, as a terminal would
	echo io.Writer
}

func (r *lineReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.pending) == 0 {
		line, err := r.br.ReadSlice('\n')
		r.pending = append(r.pending[:0], line...)
		if r.echo != nil && len(line) > 0 {
			fmt.Fprintln(r.echo, strings.TrimRight(string(line), "\r\n"))
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) && len(line) == 0 {
			r.eof = true
			return 0, err
		}
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	r.given += n
	return n, nil
}

// reset starts a question: nothing handed out yet.
func (r *lineReader) reset() { r.mu.Lock(); r.given, r.eof = 0, false; r.mu.Unlock() }

// ended reports end of input, and whether any text came before it.
func (r *lineReader) ended() (eof, gotText bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.eof, r.given > 0
}

// lines wraps stdin once (detach's prompt reads through it too).
func (a *app) lines() *lineReader {
	if lr, ok := a.s.In.(*lineReader); ok {
		return lr
	}
	lr := &lineReader{br: bufio.NewReader(a.s.In)}
	a.s.In = lr
	return lr
}

// canAsk reports whether the accessible mode may ask: on a terminal, or
// when piped stdin holds data (waits for the first byte or the end); with
// nothing to read, line mode reports what is missing instead.
func (a *app) canAsk() bool {
	if !a.g.Accessible {
		return false
	}
	if a.s.InTTY {
		return true
	}
	lr := a.lines()
	got := make(chan bool, 1)
	go func() { lr.mu.Lock(); _, err := lr.br.Peek(1); lr.mu.Unlock(); got <- err == nil }()
	select {
	case ok := <-got:
		return ok
	case <-a.ctx.Done():
		return false
	}
}

// errEOF is the end of input (Ctrl+D, or the end of a piped script).
var errEOF = errors.New("end of input")

// asker runs one huh field at a time in accessible mode.
type asker struct {
	in  *lineReader
	out io.Writer
}

// run asks f; done (Ctrl+C) ends the wait at once. valid re-checks the
// answer when input ended during the question (huh then returns the last
// line or the default without saying so).
func (q asker) run(done <-chan struct{}, f huh.Field, valid func() bool) error {
	q.in.reset()
	form := huh.NewForm(huh.NewGroup(f)).WithAccessible(true).WithInput(q.in).WithOutput(q.out).
		WithTheme(huh.ThemeFunc(huh.ThemeBase)).WithShowHelp(false)
	errc := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil { // huh indexes option -1 after an invalid last line
				errc <- fmt.Errorf("prompt failed: %v", r)
			}
		}()
		// huh v2.0.3 ignores the context in accessible mode: done ends the wait
		errc <- form.RunWithContext(context.Background())
	}()
	select {
	case err := <-errc:
		if eof, got := q.in.ended(); eof && (!got || err != nil || !valid()) {
			return errEOF
		}
		return err
	case <-done:
		fmt.Fprintln(q.out)
		return context.Canceled
	}
}

// check is a huh validator over a rule; at end of input it lets huh
// return (huh would loop on a default that fails), run re-checks.
func (q asker) check(f func() error) error {
	if eof, _ := q.in.ended(); eof {
		return nil
	}
	return f()
}

func (q asker) choose(done <-chan struct{}, title string, labels []string, cur int, ok func(int) error) (int, error) {
	opts := make([]huh.Option[int], len(labels))
	for i, l := range labels {
		opts[i] = huh.NewOption(l, i)
	}
	v := max(cur, 0)
	sel := huh.NewSelect[int]().Title(title).Options(opts...).Value(&v).
		Validate(func(i int) error { return q.check(func() error { return ok(i) }) })
	if err := q.run(done, sel, func() bool { return ok(v) == nil }); err != nil {
		return 0, err // v may still be written by an abandoned prompt
	}
	return v, nil
}

func (q asker) text(done <-chan struct{}, title, def string, ok func(string) error) (string, error) {
	if def != "" {
		title += " [" + def + "]"
	}
	v := def
	or := func(s string) string {
		if s = strings.TrimSpace(s); s == "" {
			return def
		}
		return s
	}
	in := huh.NewInput().Title(title + ":").Value(&v).Validate(func(s string) error { return q.check(func() error { return ok(or(s)) }) })
	in.CharLimit(4096)
	if err := q.run(done, in, func() bool { return ok(or(v)) == nil }); err != nil {
		return "", err
	}
	return or(v), nil
}

// yesNo accepts y, yes, n or no (any case); Enter keeps No; anything
// else is asked again.
func (q asker) yesNo(done <-chan struct{}, title string) (bool, error) {
	var v bool
	if err := q.run(done, huh.NewConfirm().Title(title).Value(&v), func() bool { return true }); err != nil {
		return false, err
	}
	return v, nil
}

// lockedWriter lets progress lines and a question share stderr.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// prompter reads one answer line (detach's confirmation).
type prompter struct {
	ctx context.Context
	in  io.Reader
	out io.Writer
}

func (a *app) prompter() prompter { return prompter{ctx: a.ctx, in: a.s.In, out: a.s.Err} }

// line asks one question. Ctrl+C (the context) ends the wait at once.
func (q prompter) line(prompt string) (string, error) {
	fmt.Fprint(q.out, prompt)
	type answer struct {
		s   string
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		s, err := readLine(q.in)
		ch <- answer{s, err}
	}()
	select {
	case a := <-ch:
		if a.err != nil && a.s == "" {
			return "", fmt.Errorf("no answer to %q: %w", strings.TrimSpace(prompt), a.err)
		}
		return strings.TrimSpace(a.s), nil
	case <-q.ctx.Done():
		fmt.Fprintln(q.out)
		return "", q.ctx.Err()
	}
}
