package ui

import (
	"go/build"
	"strings"
	"testing"
)

// TestImports keeps ui off the Azure SDK and the azure package.
func TestImports(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if strings.Contains(imp, "amlaks/azure") || strings.Contains(imp, "azure-sdk-for-go") {
			t.Errorf("ui imports %s", imp)
		}
	}
}
