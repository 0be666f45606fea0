package synth

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/feed/nvd"
	"github.com/vigil/vigil/internal/feed/osv"
	"github.com/vigil/vigil/internal/ingest"
)

func osvImporter(tb testing.TB) feed.Importer {
	tb.Helper()
	im, err := osv.New(ingest.Limits{}, osv.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	return im
}

func TestSynthImports(t *testing.T) {
	const n = 300
	tests := []struct {
		name  string
		write func(io.Writer, int, uint64) error
		im    feed.Importer
	}{
		{"NVD", NVD, nvd.New(ingest.Limits{})},
		{"OSV", OSV, osvImporter(t)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := tc.write(&a, n, 7); err != nil {
				t.Fatal(err)
			}
			tc.write(&b, n, 7)
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Error("output differs for the same seed")
			}
			sink := &feedtest.Sink{}
			rep, err := feed.ImportReader(t.Context(), tc.name, &a, []feed.Importer{tc.im}, sink, feed.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Accepted != n || rep.Rejected != 0 || rep.Warnings != 0 {
				t.Errorf("report %+v %v", rep, rep.Problems)
			}
		})
	}
}

func TestSynthNVDShape(t *testing.T) {
	var buf bytes.Buffer
	NVD(&buf, 300, 1)
	sink := &feedtest.Sink{}
	if _, err := nvd.New(ingest.Limits{}).Import(t.Context(), &buf, sink); err != nil {
		t.Fatal(err)
	}
	and := 0
	for _, v := range sink.Vulnerabilities {
		if v.Configurations[0].Operator == vigil.OpAnd {
			and++
		}
		if !v.Severities[0].Computed {
			t.Fatalf("%s: severity not computed", v.ID)
		}
	}
	if and < 50 || and > 150 {
		t.Errorf("%d of 300 AND configurations, want about a third", and)
	}
}

func TestSynthOSVZip(t *testing.T) {
	var buf bytes.Buffer
	if err := OSVZip(&buf, 200, 3); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := feed.ImportZip(t.Context(), zr, []feed.Importer{osvImporter(t)}, feedtest.Discard{}, feed.Options{})
	if err != nil || rep.Accepted != 200 || rep.Files != 200 {
		t.Errorf("zip: %v %+v", err, rep)
	}
}

// benchmarkImport writes n synthetic records to a file once, then imports
// it b.N times into a sink that keeps nothing, reporting records/s.
func benchmarkImport(b *testing.B, n int, write func(io.Writer, int, uint64) error, im feed.Importer) {
	path := filepath.Join(b.TempDir(), "feed.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := write(f, n, 1); err != nil {
		b.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		rep, err := feed.ImportPath(b.Context(), path, []feed.Importer{im}, feedtest.Discard{}, feed.Options{})
		if err != nil || rep.Accepted != n {
			b.Fatalf("%v %+v", err, rep)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkNVD(b *testing.B) {
	for _, n := range []int{10_000, NVDSize} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) { benchmarkImport(b, n, NVD, nvd.New(ingest.Limits{})) })
	}
}

func BenchmarkOSV(b *testing.B) {
	for _, n := range []int{10_000, OSVSize} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) { benchmarkImport(b, n, OSV, osvImporter(b)) })
	}
}

// BenchmarkOSVNoSchema is BenchmarkOSV without the OSV schema checks.
func BenchmarkOSVNoSchema(b *testing.B) {
	for _, n := range []int{10_000, OSVSize} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			im, err := osv.New(ingest.Limits{}, osv.Config{SkipChecks: true})
			if err != nil {
				b.Fatal(err)
			}
			benchmarkImport(b, n, OSV, im)
		})
	}
}

func BenchmarkOSVZip(b *testing.B) {
	for _, n := range []int{10_000, OSVSize} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "all.zip")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			if err := OSVZip(f, n, 1); err != nil {
				b.Fatal(err)
			}
			f.Close()
			im := osvImporter(b)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				rep, err := feed.ImportPath(b.Context(), path, []feed.Importer{im}, feedtest.Discard{}, feed.Options{})
				if err != nil || rep.Accepted != n {
					b.Fatalf("%v %+v", err, rep)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
