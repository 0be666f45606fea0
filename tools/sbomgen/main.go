// Command sbomgen writes a large synthetic SBOM for benchmarks and load
// tests:
//
//	go run ./tools/sbomgen -n 300000 -format cyclonedx-json > big.json
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/vigil/vigil/internal/sbom"
	"github.com/vigil/vigil/internal/sbom/synth"
)

func main() {
	n := flag.Int("n", 1000, "number of components")
	format := flag.String("format", string(sbom.KindCycloneDXJSON), fmt.Sprintf("output format, one of %v", sbom.Kinds))
	seed := flag.Uint64("seed", 1, "random seed; the same seed gives the same document")
	flag.Parse()
	kind := sbom.Kind(*format)
	if !kind.Valid() {
		fmt.Fprintf(os.Stderr, "sbomgen: unknown format %q, want one of %v\n", *format, sbom.Kinds)
		os.Exit(2)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	if err := synth.Write(w, kind, synth.Options{Components: *n, Seed: *seed}); err != nil {
		fmt.Fprintln(os.Stderr, "sbomgen:", err)
		os.Exit(1)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "sbomgen:", err)
		os.Exit(1)
	}
}
