package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// Screens see the wizard through env, which the compiler enforces; what it
// cannot enforce is that the plan env returns is only read, and that no
// screen asserts its way back to *Model. This reads the screens' source:
// an assignment to anything under Plan(), a call of a Plan method that
// writes, or a conversion to *Model fails it.
func TestScreensDoNotWriteThePlan(t *testing.T) {
	writers := map[string]bool{"Answer": true, "Mark": true, "LoadTLSFiles": true, "LoadTLSFilesContext": true, "ResolveClusterName": true}
	files, _ := filepath.Glob("screen_*.go")
	files = append(files, "browse.go", "form.go", "picker.go")
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		underPlan := func(e ast.Expr) bool {
			found := false
			ast.Inspect(e, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if s, ok := c.Fun.(*ast.SelectorExpr); ok && s.Sel.Name == "Plan" {
						found = true
					}
				}
				return !found
			})
			return found
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				// the router's own methods that live beside a screen
				if n.Recv != nil && len(n.Recv.List) == 1 {
					if st, ok := n.Recv.List[0].Type.(*ast.StarExpr); ok {
						if id, ok := st.X.(*ast.Ident); ok && id.Name == "Model" {
							return false
						}
					}
				}
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if underPlan(l) {
						t.Errorf("%s: a screen writes the plan: %s", fset.Position(n.Pos()), src(fset, l))
					}
				}
			case *ast.IncDecStmt:
				if underPlan(n.X) {
					t.Errorf("%s: a screen writes the plan", fset.Position(n.Pos()))
				}
			case *ast.CallExpr:
				if s, ok := n.Fun.(*ast.SelectorExpr); ok && writers[s.Sel.Name] && underPlan(s.X) {
					t.Errorf("%s: a screen calls Plan.%s", fset.Position(n.Pos()), s.Sel.Name)
				}
			case *ast.TypeAssertExpr:
				if st, ok := n.Type.(*ast.StarExpr); ok {
					if id, ok := st.X.(*ast.Ident); ok && id.Name == "Model" {
						t.Errorf("%s: a screen asserts env back to *Model", fset.Position(n.Pos()))
					}
				}
			}
			return true
		})
	}
	if checked < 10 {
		t.Fatalf("only %d screen files read", checked)
	}
}

func src(fset *token.FileSet, e ast.Expr) string {
	p := fset.Position(e.Pos())
	return p.String()
}
