// Command sbomparse parses one SBOM with a sink that only counts, and
// prints what it found, how long it took and the process's peak RSS: the
// harness behind docs/performance.md ("SBOM parsing").
//
//	go run ./tools/sbomgen -n 300000 > big.json
//	go build -o /tmp/sbomparse ./tools/sbomparse && /usr/bin/time -v /tmp/sbomparse big.json
package main

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/sbom"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: sbomparse FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "sbomparse:", err)
		os.Exit(1)
	}
	defer f.Close()
	var comps, deps, eos int
	sink := sbom.SinkFuncs{
		OnComponent: func(c *vigil.Component) error {
			comps++
			if !c.EndOfSupport.IsZero() {
				eos++
			}
			return nil
		},
		OnDependency: func(*vigil.Dependency) error { deps++; return nil },
	}
	start := time.Now()
	doc, err := sbom.Parse(context.Background(), f, sink)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sbomparse:", err)
		os.Exit(1)
	}
	d := time.Since(start)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("format=%s-%s spec=%s bytes=%d components=%d dependencies=%d with_eos=%d seconds=%.2f components_per_s=%.0f max_rss_mb=%.1f\n",
		doc.Format, doc.Encoding, doc.SpecVersion, doc.Size, comps, deps, eos, d.Seconds(), float64(comps)/d.Seconds(), float64(ru.Maxrss)/1024)
}
