// Command amlaks creates or attaches an AKS inference cluster for an Azure
// Machine Learning workspace.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "amlaks: under construction")
	os.Exit(2)
}
