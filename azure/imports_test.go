package azure

import (
	"go/build"
	"strings"
	"testing"
)

// TestImports keeps the package's dependencies one way: the standard
// library, wizard, rules and the Azure SDK (azure/sim only in tests).
func TestImports(t *testing.T) {
	p, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range p.Imports {
		switch {
		case !strings.Contains(strings.SplitN(imp, "/", 2)[0], "."): // standard library
		case imp == "github.com/amlaks/amlaks/wizard", imp == "github.com/amlaks/amlaks/rules", imp == "github.com/amlaks/amlaks/wizard/files":
		case strings.HasPrefix(imp, "github.com/Azure/azure-sdk-for-go/sdk/"):
		default:
			t.Errorf("package azure imports %s", imp)
		}
	}
}
