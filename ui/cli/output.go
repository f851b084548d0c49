package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/colorprofile"
	"github.com/goccy/go-yaml"
	jmespath "github.com/jmespath-community/go-jmespath"

	"github.com/amlaks/amlaks/rules"
	"github.com/amlaks/amlaks/wizard"
)

// Output formats (-o), as az spells them.
const (
	fmtJSON  = "json"
	fmtJSONC = "jsonc"
	fmtYAML  = "yaml"
	fmtTable = "table"
	fmtTSV   = "tsv"
	fmtNone  = "none"
)

// outputFormats are the values -o takes, with what each prints (also the
// completion candidates).
var outputFormats = []string{
	fmtJSON + "\tJSON",
	fmtJSONC + "\tJSON, coloured on a terminal",
	fmtYAML + "\tYAML",
	fmtTable + "\ta table for people (the default)",
	fmtTSV + "\ttab-separated values, no header (for scripts)",
	fmtNone + "\tnothing (the exit code says how it went)",
}

func validFormat(f string) bool {
	for _, o := range outputFormats {
		if strings.HasPrefix(o, f+"\t") {
			return true
		}
	}
	return false
}

// checkOutput validates -o and compiles --query; the errors are exit 2.
func (a *app) checkOutput() error {
	a.g.Output = strings.ToLower(strings.TrimSpace(a.g.Output))
	if !validFormat(a.g.Output) {
		return &Invalid{[]rules.Violation{{Field: "output", Code: "bad",
			Message: fmt.Sprintf("must be json, jsonc, yaml, table, tsv or none (got %q)", a.g.Output)}}}
	}
	if a.g.Query == "" {
		a.query = nil
		return nil
	}
	q, err := jmespath.Compile(a.g.Query)
	if err != nil {
		return &Invalid{[]rules.Violation{{Field: "query", Code: "syntax",
			Message: fmt.Sprintf("not a JMESPath expression: %s (see https://jmespath.org)", oneLine(err.Error()))}}}
	}
	a.query = q
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// structured reports an output format that carries data (json, jsonc,
// yaml): errors are printed as {"error": {...}} objects in it.
func (a *app) structured() bool {
	switch strings.ToLower(a.g.Output) {
	case fmtJSON, fmtJSONC, fmtYAML:
		return true
	}
	return false
}

// jsonOut reports a structured -o (read from the flag itself, so errors
// from argument checks, which come before any hook, are structured too).
// Everything that is not a table for people goes through emit.
func (a *app) jsonOut() bool {
	o := strings.ToLower(a.g.Output)
	return o != "" && o != fmtTable
}

// emit prints a result: v is its JSON shape (objects, arrays of objects);
// table prints it for people when -o table and no --query. --query applies
// to the JSON shape in every format.
func (a *app) emit(v any, table func(io.Writer)) error {
	if a.g.Output == fmtNone {
		return nil
	}
	if a.query == nil && a.g.Output == fmtTable && table != nil {
		table(a.s.Out)
		return nil
	}
	data, err := normalize(v)
	if err != nil {
		return err
	}
	if a.query != nil {
		if data, err = a.query.Search(data); err != nil {
			return &Invalid{[]rules.Violation{{Field: "query", Code: "eval", Message: oneLine(err.Error())}}}
		}
	}
	return a.render(a.s.Out, data)
}

// render writes JSON-shaped data in the -o format.
func (a *app) render(w io.Writer, data any) error {
	switch a.g.Output {
	case fmtNone:
		return nil
	case fmtJSONC:
		if a.colorProfile() >= colorprofile.ANSI {
			_, err := io.WriteString(w, colorJSON(data))
			return err
		}
		_, err := w.Write(wizard.JSON(data))
		return err
	case fmtYAML:
		b, err := yaml.MarshalWithOptions(yamlInert(data), yaml.UseLiteralStyleIfMultiline(true))
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	case fmtTSV:
		writeTSV(w, data)
		return nil
	case fmtTable:
		writeGenericTable(w, data)
		return nil
	}
	_, err := w.Write(wizard.JSON(data))
	return err
}

// yamlInert makes YAML write each string that holds a character a
// terminal would act on (rules.Hostile) double-quoted with escapes: the
// YAML library writes such strings raw. Integral numbers become int64: the
// encoder writes a float64 3 as "3.0", which reads back as a float.
func yamlInert(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = yamlInert(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = yamlInert(e)
		}
		return out
	case string:
		if strings.ContainsFunc(x, func(r rune) bool { return r != '\n' && rules.Hostile(r) }) {
			return yamlQuoted(x)
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return int64(x)
		}
	}
	return v
}

// yamlQuoted is a string YAML writes as a double-quoted scalar with
// escapes (the JSON form of the string is one).
type yamlQuoted string

func (s yamlQuoted) MarshalYAML() ([]byte, error) {
	b, err := json.Marshal(string(s))
	return rules.InertJSON(b), err
}

// normalize turns v into what encoding/json decodes (map[string]any,
// []any, string, float64, bool, nil), the shape JMESPath works on.
func normalize(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&out); err != nil {
		return nil, err
	}
	return numbers(out), nil
}

// numbers turns json.Number into float64, the number JMESPath compares
// (YAML gets integers back through integers).
func numbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = numbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbers(e)
		}
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return float64(n)
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

// scalar renders a scalar for tsv and table cells.
func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

// keyOrder puts the identifying fields first in tsv and query tables; other
// keys follow alphabetically.
var keyOrder = func() map[string]int {
	m := map[string]int{}
	for i, k := range []string{"name", "version", "type", "state", "purpose", "nodes", "vmSize", "vCPUs", "memoryGB", "gpus", "fpga", "family",
		"quotaLeft", "quotaLimit", "regionalQuotaLeft", "regionalQuotaLimit", "pricePerHour", "isDefault", "isPreview", "region",
		"workspace", "resourceGroup", "clusterId", "fqdn", "attached", "id"} {
		m[k] = i
	}
	return m
}()

// scalarKeys are the keys of an object whose values are scalars, in
// keyOrder.
func scalarKeys(m map[string]any) []string {
	var ks []string
	for k, v := range m {
		if isScalar(v) {
			ks = append(ks, k)
		}
	}
	sortKeys(ks)
	return ks
}

// sortKeys puts keys in keyOrder, the unknown ones after it alphabetically.
func sortKeys(ks []string) {
	sort.Slice(ks, func(i, j int) bool {
		oi, iok := keyOrder[ks[i]]
		oj, jok := keyOrder[ks[j]]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return ks[i] < ks[j]
	})
}

// writeTSV is az's tsv: one line per array element, the scalar values of
// an object tab-separated in key order (nested objects and arrays are left
// out), no header; a scalar is printed alone.
func writeTSV(w io.Writer, data any) {
	line := func(v any) {
		switch x := v.(type) {
		case map[string]any:
			var cells []string
			for _, k := range scalarKeys(x) {
				cells = append(cells, tsvCell(x[k]))
			}
			fmt.Fprintln(w, strings.Join(cells, "\t"))
		case []any:
			var cells []string
			for _, e := range x {
				if isScalar(e) {
					cells = append(cells, tsvCell(e))
				}
			}
			fmt.Fprintln(w, strings.Join(cells, "\t"))
		default:
			fmt.Fprintln(w, tsvCell(x))
		}
	}
	switch x := data.(type) {
	case nil:
	case []any:
		// objects that lack a key get an empty cell for it, so every row
		// has the same columns in the same place (cut -f works)
		keys, objects := unionKeys(x)
		for _, e := range x {
			if m, ok := e.(map[string]any); ok && objects {
				cells := make([]string, len(keys))
				for i, k := range keys {
					cells[i] = tsvCell(m[k])
				}
				fmt.Fprintln(w, strings.Join(cells, "\t"))
				continue
			}
			line(e)
		}
	default:
		line(x)
	}
}

// unionKeys is every scalar key of an array of objects, in key order;
// objects is false when an element is not an object.
func unionKeys(x []any) (keys []string, objects bool) {
	seen := map[string]bool{}
	for _, e := range x {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		for k, v := range m {
			if isScalar(v) && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sortKeys(keys)
	return keys, true
}

// tsvCell is one value on a tsv line: tabs and line breaks become spaces
// (they would split the line), other controls are escaped (rules.Inert).
func tsvCell(v any) string {
	return rules.Inert(strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(scalar(v)))
}

// writeGenericTable prints query results as a table: an array of objects
// has a column per scalar key, an array of scalars a Result column, an
// object a single row, a scalar itself.
func writeGenericTable(w io.Writer, data any) {
	switch x := data.(type) {
	case nil:
		return
	case map[string]any:
		writeGenericTable(w, []any{x})
		return
	case []any:
		keys, objects := unionKeys(x)
		if !objects || len(keys) == 0 {
			t := newTable(w, "Result")
			for _, e := range x {
				t.row(tsvCell(e))
			}
			t.flush()
			return
		}
		head := make([]string, len(keys))
		for i, k := range keys {
			head[i] = columnName(k)
		}
		t := newTable(w, head...)
		for _, e := range x {
			m := e.(map[string]any)
			cells := make([]string, len(keys))
			for i, k := range keys {
				cells[i] = tsvCell(m[k])
			}
			t.row(cells...)
		}
		t.flush()
	default:
		fmt.Fprintln(w, tsvCell(x))
	}
}

// columnName turns a JSON key into az's column title: "vmSize" → "VmSize".
func columnName(k string) string {
	if k == "" {
		return k
	}
	return strings.ToUpper(k[:1]) + k[1:]
}

// ---- jsonc ----

const (
	sgrKey    = "\x1b[34m"
	sgrString = "\x1b[32m"
	sgrNumber = "\x1b[33m"
	sgrLit    = "\x1b[36m"
	sgrReset  = "\x1b[0m"
)

// colorJSON renders data as indented JSON with ANSI colours (keys blue,
// strings green, numbers yellow, true/false/null cyan).
func colorJSON(data any) string {
	var b strings.Builder
	var walk func(v any, ind string)
	str := func(s string) string {
		e, _ := json.Marshal(s)
		return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(rules.InertJSON(e)))
	}
	walk = func(v any, ind string) {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				b.WriteString("{}")
				return
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.WriteString("{\n")
			for i, k := range keys {
				b.WriteString(ind + "  " + sgrKey + str(k) + sgrReset + ": ")
				walk(x[k], ind+"  ")
				if i < len(keys)-1 {
					b.WriteString(",")
				}
				b.WriteString("\n")
			}
			b.WriteString(ind + "}")
		case []any:
			if len(x) == 0 {
				b.WriteString("[]")
				return
			}
			b.WriteString("[\n")
			for i, e := range x {
				b.WriteString(ind + "  ")
				walk(e, ind+"  ")
				if i < len(x)-1 {
					b.WriteString(",")
				}
				b.WriteString("\n")
			}
			b.WriteString(ind + "]")
		case string:
			b.WriteString(sgrString + str(x) + sgrReset)
		case float64:
			b.WriteString(sgrNumber + scalar(x) + sgrReset)
		case nil:
			b.WriteString(sgrLit + "null" + sgrReset)
		case bool:
			b.WriteString(sgrLit + strconv.FormatBool(x) + sgrReset)
		default:
			e, _ := json.Marshal(x)
			b.Write(e)
		}
	}
	walk(data, "")
	b.WriteString("\n")
	return b.String()
}

// ---- colour ----

// colorProfile decides the colours of everything amlaks prints, the
// wizard included: the terminal's profile, then --no-color, NO_COLOR (any
// value) and CLICOLOR=0 drop colours (bold and reverse stay), and
// CLICOLOR_FORCE=1 keeps them even when stdout is not a terminal.
func (a *app) colorProfile() colorprofile.Profile {
	env := os.Environ()
	p := colorprofile.NoTTY
	if a.s.OutTTY {
		p = colorprofile.Env(env)
	}
	force := false
	if v, ok := os.LookupEnv("CLICOLOR_FORCE"); ok && v != "" && v != "0" {
		force = true
		if p < colorprofile.ANSI {
			p = colorprofile.ANSI
		}
		if e := colorprofile.Env(env); e > p {
			p = e
		}
	}
	noColor := a.g.NoColor || os.Getenv("NO_COLOR") != ""
	if v, ok := os.LookupEnv("CLICOLOR"); ok && v == "0" && !force {
		noColor = true
	}
	if noColor && p > colorprofile.ASCII {
		p = colorprofile.ASCII
	}
	return p
}

// ---- inert output ----

// inertWriter escapes what a terminal would act on in each write, keeping
// amlaks's own colours (rules.InertTerminal). Writes are whole lines or
// documents, so a sequence is not split between two.
type inertWriter struct{ w io.Writer }

func (w inertWriter) Write(p []byte) (int, error) {
	s := rules.InertTerminal(string(p))
	if len(s) == len(p) {
		n, err := io.WriteString(w.w, s)
		return n, err
	}
	if _, err := io.WriteString(w.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}

// ---- failed writes ----

// watchedWriter remembers the first write error of a stream, so a result
// that could not be written (a full disk, a closed pipe) is an exit 1.
type watchedWriter struct {
	w   io.Writer
	mu  sync.Mutex
	err error
}

// Write is safe for concurrent use: notes of calls made in parallel (retry
// notices) and the command's own lines reach the same stream.
func (w *watchedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

func (w *watchedWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// mustNormalize is normalize for values built here (maps of strings,
// numbers and slices), which always encode.
func mustNormalize(v any) any {
	n, err := normalize(v)
	if err != nil {
		return map[string]any{"error": map[string]any{"code": "Encoding", "message": err.Error()}}
	}
	return n
}
