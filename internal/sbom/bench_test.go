package sbom_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/sbom"
	"github.com/vigil/vigil/internal/sbom/synth"
)

// BenchmarkParse parses synthetic SBOMs of 1k, 10k and 100k components in
// each format with a sink that only counts, and reports components/s.
//
//	go test ./internal/sbom -run '^$' -bench Parse -benchmem
func BenchmarkParse(b *testing.B) {
	for _, kind := range sbom.Kinds {
		for _, n := range []int{1_000, 10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%dk", kind, n/1000), func(b *testing.B) {
				var in bytes.Buffer
				if err := synth.Write(&in, kind, synth.Options{Components: n, Seed: 1}); err != nil {
					b.Fatal(err)
				}
				data := in.Bytes()
				b.SetBytes(int64(len(data)))
				count := 0
				sink := sbom.SinkFuncs{OnComponent: func(*vigil.Component) error { count++; return nil }}
				b.ResetTimer()
				for b.Loop() {
					count = 0
					if _, err := sbom.Parse(b.Context(), bytes.NewReader(data), sink); err != nil {
						b.Fatal(err)
					}
				}
				if count != n {
					b.Fatalf("parsed %d components; want %d", count, n)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "components/s")
			})
		}
	}
}

// BenchmarkEncode writes 10k components in each format.
func BenchmarkEncode(b *testing.B) {
	doc, comps, deps := synth.Generate(synth.Options{Components: 10_000, Seed: 1})
	for _, kind := range sbom.Kinds {
		b.Run(string(kind), func(b *testing.B) {
			for b.Loop() {
				var out bytes.Buffer
				if err := sbom.Encode(&out, kind, doc, comps, deps); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(comps))*float64(b.N)/b.Elapsed().Seconds(), "components/s")
		})
	}
}
