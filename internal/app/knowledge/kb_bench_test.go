package knowledge_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/feed/synth"
	"github.com/vigil/vigil/internal/store/sqlite"
)

// BenchmarkImportFeeds imports synthetic NVD (one CVE API 2.0 response) and
// OSV (an osv.dev-style all.zip, schema not checked) feeds of 1k records
// into SQLite through service.ImportFeeds (parse, digest check, store the
// record and its alias, package and CPE index rows, in one transaction) and
// reports records/s. "first" imports into an empty store each iteration;
// "reimport" imports the same file again, every record unchanged, as a
// daily sync mostly does. The full sizes (300k NVD, 500k OSV) and
// PostgreSQL are measured by tools/kbimport (make scale-kb).
//
//	go test ./internal/app/knowledge -run '^$' -bench ImportFeeds -benchmem
func BenchmarkImportFeeds(b *testing.B) {
	feeds := []struct {
		name  string
		file  string
		write func(io.Writer, int, uint64) error
	}{
		{"nvd", "nvd.json", synth.NVD},
		{"osv", "all.zip", synth.OSVZip},
	}
	const n = 1_000
	opt := knowledge.FeedOptions{SkipOSVSchema: true}
	for _, f := range feeds {
		dir := b.TempDir()
		var buf bytes.Buffer
		if err := f.write(&buf, n, 1); err != nil {
			b.Fatal(err)
		}
		path := filepath.Join(dir, f.file)
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			b.Fatal(err)
		}
		open := func(b *testing.B, name string) *app.App {
			db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), name))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(b.Context()); err != nil {
				b.Fatal(err)
			}
			return app.New(db)
		}
		importOnce := func(b *testing.B, svc *app.App, stored, unchanged int) {
			rep, err := svc.Knowledge.ImportFeeds(b.Context(), []string{path}, opt)
			if err != nil {
				b.Fatal(err)
			}
			if rep.Accepted != stored || rep.Unchanged != unchanged || rep.Rejected != 0 {
				b.Fatalf("accepted/unchanged/rejected %d/%d/%d, want %d/%d/0", rep.Accepted, rep.Unchanged, rep.Rejected, stored, unchanged)
			}
		}

		b.Run(fmt.Sprintf("sqlite/%s/%dk/first", f.name, n/1000), func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			i := 0
			for b.Loop() {
				b.StopTimer()
				i++
				svc := open(b, fmt.Sprintf("vigil-%d.db", i))
				b.StartTimer()
				importOnce(b, svc, n, 0)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
		b.Run(fmt.Sprintf("sqlite/%s/%dk/reimport", f.name, n/1000), func(b *testing.B) {
			svc := open(b, "vigil.db")
			importOnce(b, svc, n, 0)
			b.SetBytes(int64(buf.Len()))
			for b.Loop() {
				importOnce(b, svc, 0, n)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
