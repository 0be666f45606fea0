package inventory_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/sbom"
	"github.com/vigil/vigil/internal/sbom/synth"
	"github.com/vigil/vigil/internal/store/sqlite"
)

// BenchmarkImportSBOM imports synthetic CycloneDX JSON SBOMs of 1k and 10k
// components into SQLite through service.ImportSBOM (parse, compress and
// store the original bytes, insert components and dependencies, in one
// transaction) and reports components/s. Each iteration imports into a
// release of its own, so no import is skipped as unchanged. The larger
// sizes and PostgreSQL are measured by tools/sbomimport (make scale).
//
//	go test ./internal/app/inventory -run '^$' -bench ImportSBOM -benchmem
func BenchmarkImportSBOM(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("sqlite/%dk", n/1000), func(b *testing.B) {
			var in bytes.Buffer
			if err := synth.Write(&in, sbom.KindCycloneDXJSON, synth.Options{Components: n, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			data := in.Bytes()
			db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "vigil.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(b.Context()); err != nil {
				b.Fatal(err)
			}
			svc := app.New(db)
			if _, err := svc.Access.CreateOrg(b.Context(), vigil.OrgInput{Slug: "bench", Kind: vigil.Manufacturer}); err != nil {
				b.Fatal(err)
			}
			sc, _, err := svc.Access.ScopeFor(b.Context(), "bench", "bench")
			if err != nil {
				b.Fatal(err)
			}
			p, err := svc.Catalog.CreateProduct(b.Context(), sc, vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			i := 0
			for b.Loop() {
				b.StopTimer()
				i++
				r, err := svc.Catalog.CreateRelease(b.Context(), sc, p.ID, vigil.ReleaseInput{Version: fmt.Sprintf("1.%d", i)})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				res, err := svc.Inventory.ImportSBOM(b.Context(), sc, r.ID, bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				if res.Unchanged || res.Document.Components != n {
					b.Fatalf("import = %+v, want %d components stored", res.Document, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "components/s")
		})
	}
}
