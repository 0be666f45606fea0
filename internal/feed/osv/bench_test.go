package osv

import (
	"bytes"
	"testing"

	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/ingest"
)

// BenchmarkImport imports every OSV record of the shared test data, one
// document each, with the checks on and off.
func BenchmarkImport(b *testing.B) {
	recs := sharedRecords(b)
	var docs [][]byte
	size := 0
	for _, d := range recs {
		docs = append(docs, d)
		size += len(d)
	}
	for _, bc := range []struct {
		name string
		cfg  Config
	}{{"checked", Config{}}, {"unchecked", Config{SkipChecks: true}}} {
		b.Run(bc.name, func(b *testing.B) {
			im, err := New(ingest.Limits{}, bc.cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range docs {
					if _, err := im.Import(b.Context(), bytes.NewReader(d), &feedtest.Sink{}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "records/s")
		})
	}
}
