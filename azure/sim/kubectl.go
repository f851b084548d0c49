package sim

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// A faithful subset of kubectl for the run command: get, create, apply,
// delete, annotate and describe over the model of kube.go, with kubectl's
// own output forms (-o json|yaml|name|jsonpath=…, the default table) and
// its error texts and exit codes. Statements may be joined with ';', '&&'
// and newlines, as a shell would run them.

// kubectlRun runs a command line on c and returns its output and exit
// code. files are the run command's context (base name → content).
func (h *Handler) kubectlRun(c *cluster, line string, files map[string][]byte) (string, int) {
	var out strings.Builder
	code := 0
	for _, st := range splitStatements(line) {
		if st.cond && code != 0 {
			continue
		}
		args, err := shellWords(st.text)
		if err != nil {
			return out.String() + "sh: 1: Syntax error: Unterminated quoted string\n", 2
		}
		if len(args) == 0 {
			continue
		}
		if args[0] != "kubectl" {
			out.WriteString("sh: 1: " + args[0] + ": not found\n")
			code = 127
			continue
		}
		o, c2 := h.kubectl(c, args[1:], files)
		out.WriteString(o)
		code = c2
	}
	return out.String(), code
}

type statement struct {
	text string
	cond bool // runs only when the previous succeeded (&&)
}

// splitStatements splits at ';', '&&' and newlines outside quotes.
func splitStatements(s string) []statement {
	var out []statement
	var cur strings.Builder
	var quote byte
	cond := false
	flush := func(next bool) {
		out = append(out, statement{strings.TrimSpace(cur.String()), cond})
		cur.Reset()
		cond = next
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == ';' || ch == '\n':
			flush(false)
			continue
		case ch == '&' && i+1 < len(s) && s[i+1] == '&':
			flush(true)
			i++
			continue
		}
		cur.WriteByte(ch)
	}
	flush(false)
	return out
}

// shellWords splits a statement into words with sh's quoting.
func shellWords(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			} else {
				cur.WriteByte(ch)
			}
		case ch == '\'' || ch == '"':
			quote, inWord = ch, true
		case ch == ' ' || ch == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote")
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

// kubectlArgs are a kubectl invocation's flags and positional words.
type kubectlArgs struct {
	verb      string
	pos       []string
	namespace string
	all       bool
	output    string
	files     []string
	overwrite bool
	// ignoreNotFound: get and delete of a missing name are not errors
	ignoreNotFound bool
	dryRun         string
	selector       []string // -l key=value (equality only)
}

func parseKubectl(args []string) (kubectlArgs, string) {
	var a kubectlArgs
	// val reads a flag's value under its short or long name, as
	// "-n ns", "-n=ns", "--namespace ns" or "--namespace=ns"
	val := func(i *int, short, long string) (string, bool) {
		for _, flag := range []string{short, long} {
			if k, v, ok := strings.Cut(args[*i], "="); ok && k == flag {
				return v, true
			}
			if args[*i] == flag && *i+1 < len(args) {
				*i++
				return args[*i], true
			}
		}
		return "", false
	}
	for i := 0; i < len(args); i++ {
		w := args[i]
		if v, ok := val(&i, "-n", "--namespace"); ok {
			a.namespace = v
			continue
		}
		if v, ok := val(&i, "-o", "--output"); ok {
			a.output = v
			continue
		}
		if v, ok := val(&i, "-f", "--filename"); ok {
			a.files = append(a.files, v)
			continue
		}
		if v, ok := val(&i, "-l", "--selector"); ok {
			a.selector = append(a.selector, strings.Split(v, ",")...)
			continue
		}
		if v, ok := val(&i, "--dry-run", "--dry-run"); ok {
			a.dryRun = v
			continue
		}
		switch {
		case w == "-A" || w == "--all-namespaces":
			a.all = true
		case w == "--ignore-not-found" || w == "--ignore-not-found=true":
			a.ignoreNotFound = true
		case w == "--overwrite" || w == "--overwrite=true":
			a.overwrite = true
		case strings.HasPrefix(w, "-"):
			return a, fmt.Sprintf("error: unknown flag: %s\nSee 'kubectl --help' for usage.\n", w)
		case a.verb == "":
			a.verb = w
		default:
			a.pos = append(a.pos, w)
		}
	}
	return a, ""
}

func (h *Handler) kubectl(c *cluster, args []string, files map[string][]byte) (string, int) {
	a, bad := parseKubectl(args)
	if bad != "" {
		return bad, 1
	}
	if a.output != "" && a.output != "json" && a.output != "yaml" && a.output != "name" && a.output != "wide" && !strings.HasPrefix(a.output, "jsonpath=") {
		return fmt.Sprintf("error: unable to match a printer suitable for the output format %q, allowed formats are: json,jsonpath,name,wide,yaml\n", a.output), 1
	}
	switch a.verb {
	case "get":
		return h.kubectlGet(c, a)
	case "describe":
		return h.kubectlDescribe(c, a)
	case "create":
		return h.kubectlCreate(c, a, files)
	case "apply":
		if len(a.files) == 0 {
			return "error: must specify one of -f and -k\n", 1
		}
		return h.kubectlApply(c, a, files, false)
	case "delete":
		return h.kubectlDelete(c, a)
	case "annotate":
		return h.kubectlAnnotate(c, a)
	case "":
		return "kubectl controls the Kubernetes cluster manager.\n", 0
	}
	return fmt.Sprintf("error: unknown command %q for \"kubectl\"\nRun 'kubectl --help' for usage.\n", a.verb), 1
}

// target splits "kind/name" or "kind name…" positional words.
func target(pos []string) (kind string, names []string) {
	if len(pos) == 0 {
		return "", nil
	}
	if k, n, ok := strings.Cut(pos[0], "/"); ok {
		return k, append([]string{n}, pos[1:]...)
	}
	return pos[0], pos[1:]
}

func noResourceType(k string) string {
	return fmt.Sprintf("error: the server doesn't have a resource type %q\n", k)
}

func objName(o kobj) string {
	if m, ok := o["metadata"].(map[string]any); ok {
		s, _ := m["name"].(string)
		return s
	}
	return ""
}

func objNS(o kobj) string {
	if m, ok := o["metadata"].(map[string]any); ok {
		s, _ := m["namespace"].(string)
		return s
	}
	return ""
}

// resourceRef is "plural.group" as kubectl names a kind in messages.
func resourceRef(kind string, plural bool) string {
	k := kinds[kind]
	n := k.kind
	if plural {
		n = k.plural
	}
	if k.group != "" {
		n += "." + k.group
	}
	return n
}

func (h *Handler) kubectlGet(c *cluster, a kubectlArgs) (string, int) {
	kw, names := target(a.pos)
	if kw == "" {
		return "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\n", 1
	}
	k, ok := kinds[strings.ToLower(kw)]
	if !ok {
		return noResourceType(kw), 1
	}
	ns := a.namespace
	if k.namespaced && ns == "" && !a.all {
		ns = "default"
	}
	if !k.namespaced || a.all {
		if !k.namespaced {
			ns = ""
		} else {
			ns = ""
		}
	}
	objs, ok := h.objectsLocked(c, k.kind, ns)
	if !ok {
		return noResourceType(kw), 1
	}
	if len(a.selector) > 0 {
		var kept []kobj
		for _, o := range objs {
			labels, _ := o["metadata"].(map[string]any)["labels"].(map[string]any)
			ok := true
			for _, sel := range a.selector {
				k, v, eq := strings.Cut(sel, "=")
				if !eq || labelValue(labels[k]) != v {
					ok = false
				}
			}
			if ok {
				kept = append(kept, o)
			}
		}
		objs = kept
	}
	var out strings.Builder
	code := 0
	var picked []kobj
	if len(names) > 0 {
		for _, n := range names {
			found := false
			for _, o := range objs {
				if objName(o) == n {
					picked = append(picked, o)
					found = true
				}
			}
			if !found && !a.ignoreNotFound {
				out.WriteString(fmt.Sprintf("Error from server (NotFound): %s %q not found\n", resourceRef(k.kind, true), n))
				code = 1
			}
		}
	} else {
		picked = objs
	}
	single := len(names) == 1 && len(picked) == 1
	switch {
	case a.output == "json" || a.output == "yaml" || strings.HasPrefix(a.output, "jsonpath="):
		var v any = kobj{"apiVersion": "v1", "kind": "List", "items": toAny(picked), "metadata": kobj{"resourceVersion": ""}}
		if single {
			v = picked[0]
		}
		if len(names) > 0 && len(picked) == 0 {
			return out.String(), code
		}
		switch {
		case a.output == "json":
			b, _ := json.MarshalIndent(v, "", "    ")
			out.Write(b)
			out.WriteString("\n")
		case a.output == "yaml":
			out.WriteString(toYAML(v))
		default:
			s, err := jsonPath(v, strings.TrimPrefix(a.output, "jsonpath="))
			if err != "" {
				return err, 1
			}
			out.WriteString(s)
		}
	case a.output == "name":
		for _, o := range picked {
			out.WriteString(resourceRef(k.kind, false) + "/" + objName(o) + "\n")
		}
	default:
		if len(picked) == 0 && len(names) == 0 {
			if ns == "" {
				return "No resources found\n", 0
			}
			return fmt.Sprintf("No resources found in %s namespace.\n", ns), 0
		}
		out.WriteString(table(k.kind, picked, a.all))
	}
	return out.String(), code
}

func toAny(os []kobj) []any {
	out := make([]any, 0, len(os))
	for _, o := range os {
		out = append(out, o)
	}
	return out
}

// table is kubectl's default output for the kinds modelled.
func table(kind string, objs []kobj, allNS bool) string {
	var rows [][]string
	switch kind {
	case "node":
		rows = append(rows, []string{"NAME", "STATUS", "ROLES", "AGE", "VERSION"})
		for _, o := range objs {
			v, _ := o["status"].(kobj)["nodeInfo"].(kobj)["kubeletVersion"].(string)
			rows = append(rows, []string{objName(o), "Ready", "<none>", "41d", v})
		}
	case "namespace":
		rows = append(rows, []string{"NAME", "STATUS", "AGE"})
		for _, o := range objs {
			rows = append(rows, []string{objName(o), "Active", "41d"})
		}
	case "instancetype":
		rows = append(rows, []string{"NAME", "AGE"})
		for _, o := range objs {
			rows = append(rows, []string{objName(o), "1m"})
		}
	default:
		rows = append(rows, []string{"NAME", "AGE"})
		if allNS {
			rows[0] = append([]string{"NAMESPACE"}, rows[0]...)
		}
		for _, o := range objs {
			r := []string{objName(o), "41d"}
			if allNS {
				r = append([]string{objNS(o)}, r...)
			}
			rows = append(rows, r)
		}
	}
	w := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			w[i] = max(w[i], len(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
			} else {
				b.WriteString(c + strings.Repeat(" ", w[i]-len(c)+3))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func (h *Handler) kubectlDescribe(c *cluster, a kubectlArgs) (string, int) {
	kw, names := target(a.pos)
	k, ok := kinds[strings.ToLower(kw)]
	if !ok {
		return noResourceType(kw), 1
	}
	ns := a.namespace
	if k.namespaced && ns == "" {
		ns = "default"
	}
	if !k.namespaced {
		ns = ""
	}
	objs, ok := h.objectsLocked(c, k.kind, ns)
	if !ok {
		return noResourceType(kw), 1
	}
	var b strings.Builder
	for _, n := range names {
		var o kobj
		for _, x := range objs {
			if objName(x) == n {
				o = x
			}
		}
		if o == nil {
			return b.String() + fmt.Sprintf("Error from server (NotFound): %s %q not found\n", resourceRef(k.kind, true), n), 1
		}
		b.WriteString("Name:         " + n + "\n")
		if ns != "" {
			b.WriteString("Namespace:    " + ns + "\n")
		}
		b.WriteString("Labels:       <none>\nAnnotations:  <none>\n")
		if data, ok := o["data"].(kobj); ok {
			b.WriteString("\nData\n====\n")
			keys := make([]string, 0, len(data))
			for key := range data {
				keys = append(keys, key)
			}
			sort.Strings(keys)
			for _, key := range keys {
				b.WriteString(key + ":\n----\n" + fmt.Sprint(data[key]) + "\n")
			}
			b.WriteString("\nBinaryData\n====\n\nEvents:  <none>\n")
		}
	}
	return b.String(), 0
}

func (h *Handler) kubectlCreate(c *cluster, a kubectlArgs, files map[string][]byte) (string, int) {
	if len(a.files) > 0 {
		return h.kubectlApply(c, a, files, true)
	}
	kw, names := target(a.pos)
	if k, ok := kinds[kw]; !ok || k.kind != "namespace" || len(names) != 1 {
		return fmt.Sprintf("error: unknown command %q for \"kubectl create\"\n", strings.Join(a.pos, " ")), 1
	}
	return h.applyNamespace(c, names[0], true, a.dryRun != "" && a.dryRun != "none")
}

func (h *Handler) applyNamespace(c *cluster, name string, create, dry bool) (string, int) {
	if !validNamespace(name) {
		return fmt.Sprintf("The Namespace %q is invalid: metadata.name: Invalid value: %q: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n", name, name), 1
	}
	for _, n := range h.namespacesLocked(c) {
		if n == name {
			if create {
				return fmt.Sprintf("Error from server (AlreadyExists): namespaces %q already exists\n", name), 1
			}
			return "namespace/" + name + " unchanged\n", 0
		}
	}
	suffix := " created"
	if dry {
		return "namespace/" + name + suffix + " (dry run)\n", 0
	}
	k := h.kubeLocked(c, true)
	k.Namespaces = append(k.Namespaces, name)
	h.dirty = true
	return "namespace/" + name + suffix + "\n", 0
}

// kubectlApply applies the documents of the -f files (from the context).
func (h *Handler) kubectlApply(c *cluster, a kubectlArgs, files map[string][]byte, create bool) (string, int) {
	var out strings.Builder
	for _, f := range a.files {
		base := f[strings.LastIndex(f, "/")+1:]
		b, ok := files[base]
		if !ok {
			return out.String() + fmt.Sprintf("error: the path %q does not exist\n", f), 1
		}
		docs, err := parseManifests(b)
		if err != "" {
			return out.String() + fmt.Sprintf("error: error parsing %s: %s\n", f, err), 1
		}
		for _, d := range docs {
			if list, ok := d["items"].([]any); ok && strings.HasSuffix(fmt.Sprint(d["kind"]), "List") {
				for _, it := range list {
					if m, ok := it.(map[string]any); ok {
						o, code := h.applyObject(c, f, m, create, a.dryRun)
						out.WriteString(o)
						if code != 0 {
							return out.String(), code
						}
					}
				}
				continue
			}
			o, code := h.applyObject(c, f, d, create, a.dryRun)
			out.WriteString(o)
			if code != 0 {
				return out.String(), code
			}
		}
	}
	return out.String(), 0
}

func (h *Handler) applyObject(c *cluster, file string, o kobj, create bool, dry string) (string, int) {
	kind, _ := o["kind"].(string)
	apiVersion, _ := o["apiVersion"].(string)
	name := objName(o)
	if name == "" {
		return "error: error validating data: metadata.name: Required value\n", 1
	}
	isDry := dry != "" && dry != "none"
	switch {
	case kind == "Namespace" && apiVersion == "v1":
		return h.applyNamespace(c, name, create, isDry)
	case kind == "InstanceType" && apiVersion == "amlarc.azureml.com/v1alpha1":
		if !h.crdInstalledLocked(c) {
			return fmt.Sprintf("error: resource mapping not found for name: %q namespace: \"\" from %q: no matches for kind \"InstanceType\" in version \"amlarc.azureml.com/v1alpha1\"\nensure CRDs are installed first\n", name, file), 1
		}
		if msg := validInstanceType(o); msg != "" {
			return fmt.Sprintf("The InstanceType %q is invalid: %s\n", name, msg), 1
		}
		k := h.kubeLocked(c, true)
		b, _ := json.Marshal(o)
		verb := " created"
		if old, ok := k.InstanceTypes[name]; ok {
			if create {
				return fmt.Sprintf("Error from server (AlreadyExists): instancetypes.amlarc.azureml.com %q already exists\n", name), 1
			}
			verb = " configured"
			if bytes.Equal(old, b) {
				verb = " unchanged"
			}
		}
		if isDry {
			return "instancetype.amlarc.azureml.com/" + name + verb + " (dry run)\n", 0
		}
		if k.InstanceTypes == nil {
			k.InstanceTypes = map[string]json.RawMessage{}
		}
		k.InstanceTypes[name] = b
		h.dirty = true
		return "instancetype.amlarc.azureml.com/" + name + verb + "\n", 0
	}
	return fmt.Sprintf("error: resource mapping not found for name: %q namespace: \"\" from %q: no matches for kind %q in version %q\nensure CRDs are installed first\n", name, file, kind, apiVersion), 1
}

// validInstanceType applies the rules of how-to-manage-kubernetes-instance-types:
// cpu and memory requests and limits are required, non-empty strings; a
// GPU count only under limits, an integer.
func validInstanceType(o kobj) string {
	spec, _ := o["spec"].(map[string]any)
	res, _ := spec["resources"].(map[string]any)
	for _, part := range []string{"requests", "limits"} {
		m, _ := res[part].(map[string]any)
		for _, r := range []string{"cpu", "memory"} {
			s, ok := m[r].(string)
			if !ok || s == "" || s == "0" {
				return fmt.Sprintf("spec.resources.%s.%s: Required value", part, r)
			}
			if _, ok := quantity(s, r == "memory"); !ok {
				return fmt.Sprintf("spec.resources.%s.%s: Invalid value: %q: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", part, r, s)
			}
		}
		if part == "requests" {
			if _, ok := m["nvidia.com/gpu"]; ok {
				return "spec.resources.requests.nvidia.com/gpu: Forbidden: a GPU is set under limits only"
			}
		}
	}
	return ""
}

// quantity parses a Kubernetes quantity into millicores (cpu) or Mi
// (memory).
func quantity(s string, memory bool) (int, bool) {
	num := strings.TrimRight(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
	unit := s[len(num):]
	var f float64
	if _, err := fmt.Sscanf(num, "%g", &f); err != nil || f < 0 {
		return 0, false
	}
	if !memory {
		switch unit {
		case "":
			return int(f * 1000), true
		case "m":
			return int(f), true
		}
		return 0, false
	}
	mult := map[string]float64{"": 1.0 / (1 << 20), "Ki": 1.0 / 1024, "Mi": 1, "Gi": 1024, "Ti": 1 << 20,
		"k": 1000.0 / (1 << 20), "M": 1e6 / (1 << 20), "G": 1e9 / (1 << 20), "T": 1e12 / (1 << 20)}[unit]
	if mult == 0 {
		return 0, false
	}
	return int(f * mult), true
}

func (h *Handler) kubectlDelete(c *cluster, a kubectlArgs) (string, int) {
	kw, names := target(a.pos)
	k, ok := kinds[strings.ToLower(kw)]
	if !ok {
		return noResourceType(kw), 1
	}
	if len(names) == 0 {
		return "error: resource(s) were provided, but no name was specified\n", 1
	}
	var out strings.Builder
	for _, n := range names {
		switch k.kind {
		case "namespace":
			kr := h.kubeLocked(c, true)
			i := indexOf(kr.Namespaces, n)
			if i < 0 {
				for _, s := range h.namespacesLocked(c) {
					if s == n {
						return out.String() + fmt.Sprintf("Error from server (Forbidden): namespaces %q is forbidden: this namespace may not be deleted\n", n), 1
					}
				}
				return out.String() + fmt.Sprintf("Error from server (NotFound): namespaces %q not found\n", n), 1
			}
			kr.Namespaces = append(kr.Namespaces[:i], kr.Namespaces[i+1:]...)
		case "instancetype":
			if !h.crdInstalledLocked(c) {
				return out.String() + noResourceType(kw), 1
			}
			kr := h.kubeLocked(c, true)
			if _, ok := kr.InstanceTypes[n]; !ok {
				return out.String() + fmt.Sprintf("Error from server (NotFound): instancetypes.amlarc.azureml.com %q not found\n", n), 1
			}
			delete(kr.InstanceTypes, n)
		default:
			if (!k.namespaced || a.namespace == "" || a.namespace == "default") && h.deleteLegacyLocked(c, k.kind, n) {
				break
			}
			if objs, _ := h.objectsLocked(c, k.kind, a.namespace); !hasObject(objs, n) {
				if a.ignoreNotFound {
					continue
				}
				return out.String() + fmt.Sprintf("Error from server (NotFound): %s %q not found\n", resourceRef(k.kind, true), n), 1
			}
			return out.String() + fmt.Sprintf("Error from server (Forbidden): %s %q is forbidden: the simulator does not delete this kind\n", resourceRef(k.kind, true), n), 1
		}
		h.dirty = true
		out.WriteString(fmt.Sprintf("%s %q deleted\n", resourceRef(k.kind, false), n))
	}
	return out.String(), 0
}

func (h *Handler) kubectlAnnotate(c *cluster, a kubectlArgs) (string, int) {
	kw, rest := target(a.pos)
	k, ok := kinds[strings.ToLower(kw)]
	if !ok {
		return noResourceType(kw), 1
	}
	if len(rest) < 2 {
		return "error: at least one annotation update is required\n", 1
	}
	name, pairs := rest[0], rest[1:]
	ns := a.namespace
	if ns == "" {
		ns = "default"
	}
	objs, _ := h.objectsLocked(c, k.kind, ns)
	found := false
	for _, o := range objs {
		if objName(o) == name {
			found = true
		}
	}
	if !found || k.kind != "deployment" {
		return fmt.Sprintf("Error from server (NotFound): %s %q not found\n", resourceRef(k.kind, true), name), 1
	}
	kr := h.kubeLocked(c, true)
	if kr.Annotations == nil {
		kr.Annotations = map[string]map[string]string{}
	}
	key := k.kind + "/" + ns + "/" + name
	if kr.Annotations[key] == nil {
		kr.Annotations[key] = map[string]string{}
	}
	for _, p := range pairs {
		ak, av, ok := strings.Cut(p, "=")
		if !ok {
			if strings.HasSuffix(p, "-") {
				delete(kr.Annotations[key], strings.TrimSuffix(p, "-"))
				continue
			}
			return fmt.Sprintf("error: invalid annotation format: %s\n", p), 1
		}
		if old, ok := kr.Annotations[key][ak]; ok && old != av && !a.overwrite {
			return fmt.Sprintf("error: --overwrite is false but found the following declared annotation(s): '%s' already has a value (%s)\n", ak, old), 1
		}
		kr.Annotations[key][ak] = av
	}
	h.dirty = true
	return resourceRef(k.kind, false) + "/" + name + " annotated\n", 0
}

func hasObject(objs []kobj, name string) bool {
	for _, o := range objs {
		if objName(o) == name {
			return true
		}
	}
	return false
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// ---- context, manifests, YAML and jsonpath ----

// unzipContext reads the run command's context: a base64 zip of files
// (az encodes with line breaks).
func unzipContext(s string) (map[string][]byte, error) {
	files := map[string][]byte{}
	if strings.TrimSpace(s) == "" {
		return files, nil
	}
	raw, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\n", "", "\r", "").Replace(s))
	if err != nil {
		return nil, fmt.Errorf("context is not base64: %v", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("context is not a zip file: %v", err)
	}
	for _, f := range zr.File {
		if f.UncompressedSize64 > 1<<20 {
			return nil, fmt.Errorf("context file %s is too large", f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		if err != nil {
			return nil, err
		}
		files[f.Name[strings.LastIndex(f.Name, "/")+1:]] = b
	}
	return files, nil
}

// parseManifests reads JSON or block-style YAML documents (maps, lists of
// maps, scalars): what amlaks and hand-written manifests use.
func parseManifests(b []byte) ([]kobj, string) {
	t := bytes.TrimSpace(b)
	if len(t) > 0 && t[0] == '{' {
		var o kobj
		if err := json.Unmarshal(t, &o); err != nil {
			return nil, err.Error()
		}
		return []kobj{o}, ""
	}
	var out []kobj
	for _, doc := range strings.Split("\n"+string(b), "\n---") {
		var lines []yline
		for _, l := range strings.Split(doc, "\n") {
			if i := commentAt(l); i >= 0 {
				l = l[:i]
			}
			if strings.TrimSpace(l) == "" {
				continue
			}
			lines = append(lines, yline{indent: len(l) - len(strings.TrimLeft(l, " ")), text: strings.TrimSpace(l)})
		}
		if len(lines) == 0 {
			continue
		}
		v, rest, err := yamlBlock(lines, lines[0].indent)
		if err != "" {
			return nil, err
		}
		if len(rest) > 0 {
			return nil, fmt.Sprintf("yaml: line %q: did not find expected key", rest[0].text)
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, "yaml: a document must be a mapping"
		}
		out = append(out, m)
	}
	return out, ""
}

type yline struct {
	indent int
	text   string
}

func commentAt(l string) int {
	var q byte
	for i := 0; i < len(l); i++ {
		switch {
		case q != 0:
			if l[i] == q {
				q = 0
			}
		case l[i] == '"' || l[i] == '\'':
			q = l[i]
		case l[i] == '#' && (i == 0 || l[i-1] == ' '):
			return i
		}
	}
	return -1
}

// yamlBlock parses the block at indent: a sequence ("- ") or a mapping.
func yamlBlock(lines []yline, indent int) (any, []yline, string) {
	if strings.HasPrefix(lines[0].text, "- ") || lines[0].text == "-" {
		var seq []any
		for len(lines) > 0 && lines[0].indent == indent && (strings.HasPrefix(lines[0].text, "- ") || lines[0].text == "-") {
			item := strings.TrimSpace(strings.TrimPrefix(lines[0].text, "-"))
			if item == "" {
				if len(lines) < 2 || lines[1].indent <= indent {
					return nil, nil, "yaml: empty sequence item"
				}
				v, rest, err := yamlBlock(lines[1:], lines[1].indent)
				if err != "" {
					return nil, nil, err
				}
				seq, lines = append(seq, v), rest
				continue
			}
			if !strings.Contains(item, ": ") && !strings.HasSuffix(item, ":") {
				seq, lines = append(seq, yamlScalar(item)), lines[1:]
				continue
			}
			// "- key: value" opens a mapping at the item's indent
			sub := append([]yline{{indent: indent + 2, text: item}}, lines[1:]...)
			v, rest, err := yamlBlock(sub, indent+2)
			if err != "" {
				return nil, nil, err
			}
			seq, lines = append(seq, v), rest
		}
		return seq, lines, ""
	}
	m := map[string]any{}
	for len(lines) > 0 && lines[0].indent == indent {
		l := lines[0]
		if strings.HasPrefix(l.text, "- ") {
			break
		}
		k, v, ok := strings.Cut(l.text, ":")
		if !ok || (v != "" && v[0] != ' ') {
			return nil, nil, fmt.Sprintf("yaml: line %q: could not find expected ':'", l.text)
		}
		k = unquote(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		lines = lines[1:]
		if v != "" {
			m[k] = yamlScalar(v)
			continue
		}
		if len(lines) > 0 && (lines[0].indent > indent || (lines[0].indent == indent && strings.HasPrefix(lines[0].text, "- "))) {
			sv, rest, err := yamlBlock(lines, lines[0].indent)
			if err != "" {
				return nil, nil, err
			}
			m[k], lines = sv, rest
			continue
		}
		m[k] = nil
	}
	return m, lines, ""
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"') {
		var out string
		if json.Unmarshal([]byte(s), &out) == nil {
			return out
		}
	}
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	return s
}

func yamlScalar(s string) any {
	switch {
	case s == "{}":
		return map[string]any{}
	case s == "[]":
		return []any{}
	case s == "null" || s == "~":
		return nil
	case s == "true":
		return true
	case s == "false":
		return false
	case s[0] == '"' || s[0] == '\'':
		return unquote(s)
	}
	var f float64
	if _, err := fmt.Sscanf(s, "%g", &f); err == nil && fmt.Sprint(f) == s {
		return f
	}
	return s
}

// toYAML writes v as kubectl's -o yaml does (keys sorted, two spaces).
func toYAML(v any) string {
	var b strings.Builder
	writeYAML(&b, v, 0, false)
	return b.String()
}

func writeYAML(b *strings.Builder, v any, indent int, inSeq bool) {
	pad := strings.Repeat(" ", indent)
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) == 0 {
			b.WriteString(pad + "{}\n")
			return
		}
		for i, k := range keys {
			p := pad
			if inSeq && i == 0 {
				p = ""
			}
			switch c := t[k].(type) {
			case map[string]any:
				if len(c) == 0 {
					b.WriteString(p + yamlKey(k) + ": {}\n")
					continue
				}
				b.WriteString(p + yamlKey(k) + ":\n")
				writeYAML(b, c, indent+2, false)
			case []any:
				if len(c) == 0 {
					b.WriteString(p + yamlKey(k) + ": []\n")
					continue
				}
				b.WriteString(p + yamlKey(k) + ":\n")
				writeYAML(b, c, indent, false)
			default:
				b.WriteString(p + yamlKey(k) + ": " + yamlValue(c, indent+2) + "\n")
			}
		}
	case []any:
		for _, it := range t {
			b.WriteString(pad + "- ")
			switch it.(type) {
			case map[string]any:
				writeYAML(b, it, indent+2, true)
			default:
				b.WriteString(yamlValue(it, indent+2) + "\n")
			}
		}
	default:
		b.WriteString(pad + yamlValue(v, indent) + "\n")
	}
}

func yamlKey(k string) string {
	if strings.ContainsAny(k, ": #") {
		return fmt.Sprintf("%q", k)
	}
	return k
}

func yamlValue(v any, indent int) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		if strings.Contains(t, "\n") {
			pad := strings.Repeat(" ", indent)
			return "|\n" + pad + strings.ReplaceAll(strings.TrimSuffix(t, "\n"), "\n", "\n"+pad)
		}
		if t == "" || t == "true" || t == "false" || t == "null" || strings.ContainsAny(t[:1], "0123456789-{[*&!|>'\"%@`") || strings.Contains(t, ": ") {
			return "\"" + strings.ReplaceAll(t, "\"", "\\\"") + "\""
		}
		return t
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// jsonPath evaluates kubectl's jsonpath subset: {.a.b}, {.items[*].x},
// {.a[0]}, {.data.key\.with\.dots}, literal text between expressions.
func jsonPath(v any, tmpl string) (string, string) {
	var out strings.Builder
	for tmpl != "" {
		i := strings.Index(tmpl, "{")
		if i < 0 {
			out.WriteString(tmpl)
			break
		}
		out.WriteString(tmpl[:i])
		j := strings.Index(tmpl[i:], "}")
		if j < 0 {
			return "", "error: error parsing jsonpath " + tmpl + ", unclosed action\n"
		}
		expr := tmpl[i+1 : i+j]
		tmpl = tmpl[i+j+1:]
		vals, err := evalPath([]any{v}, expr)
		if err != "" {
			return "", err
		}
		for k, x := range vals {
			if k > 0 {
				out.WriteString(" ")
			}
			switch t := x.(type) {
			case string:
				out.WriteString(t)
			case map[string]any, []any:
				b, _ := json.Marshal(t)
				out.Write(b)
			default:
				out.WriteString(fmt.Sprint(t))
			}
		}
	}
	return out.String(), ""
}

func evalPath(cur []any, expr string) ([]any, string) {
	expr = strings.TrimPrefix(strings.TrimSpace(expr), "$")
	for expr != "" {
		switch {
		case strings.HasPrefix(expr, "[*]"):
			var next []any
			for _, c := range cur {
				if l, ok := c.([]any); ok {
					next = append(next, l...)
				}
			}
			cur, expr = next, expr[3:]
		case strings.HasPrefix(expr, "["):
			end := strings.Index(expr, "]")
			if end < 0 {
				return nil, "error: error parsing jsonpath, unterminated array\n"
			}
			var n int
			if _, err := fmt.Sscanf(expr[1:end], "%d", &n); err != nil {
				return nil, "error: error parsing jsonpath, unsupported index " + expr[1:end] + "\n"
			}
			var next []any
			for _, c := range cur {
				if l, ok := c.([]any); ok && n >= 0 && n < len(l) {
					next = append(next, l[n])
				}
			}
			cur, expr = next, expr[end+1:]
		case strings.HasPrefix(expr, "."):
			expr = expr[1:]
			var key strings.Builder
			for expr != "" && expr[0] != '.' && expr[0] != '[' {
				if expr[0] == '\\' && len(expr) > 1 {
					key.WriteByte(expr[1])
					expr = expr[2:]
					continue
				}
				key.WriteByte(expr[0])
				expr = expr[1:]
			}
			var next []any
			for _, c := range cur {
				if m, ok := c.(map[string]any); ok {
					if x, ok := m[key.String()]; ok {
						next = append(next, x)
					}
				}
			}
			cur = next
		default:
			return nil, "error: error parsing jsonpath {" + expr + "}, unrecognized character\n"
		}
	}
	return cur, ""
}

func labelValue(v any) string {
	s, _ := v.(string)
	return s
}
