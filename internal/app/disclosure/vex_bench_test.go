package disclosure_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/disclosure"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/store/sqlite"
	"github.com/vigil/vigil/internal/vex"
	"github.com/vigil/vigil/internal/vex/openvex"
	"github.com/vigil/vigil/internal/vex/vextest"
)

// BenchmarkImportVEX imports (as a dry run, so every iteration does the
// same work) an OpenVEX document of 5,002 statements into an organization
// with 20 releases of the demo pump's SBOM (25 components, 3 findings
// each): detection, parse, storing the document and its
// statement rows, matching every statement against the findings on its
// vulnerability, and the 40 triage decisions, in one transaction.
//
//	go test ./internal/app/disclosure -run '^$' -bench ImportVEX -benchmem
func BenchmarkImportVEX(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "vigil.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	svc := app.New(db)
	if _, err := svc.Access.CreateOrg(ctx, vigil.OrgInput{Slug: "acme", Kind: vigil.Manufacturer}); err != nil {
		b.Fatal(err)
	}
	sc, _, err := svc.Access.ScopeFor(ctx, "acme", "bench")
	if err != nil {
		b.Fatal(err)
	}
	p, err := svc.Catalog.CreateProduct(ctx, sc, vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"})
	if err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile(apptest.DemoSBOM)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 20 {
		r, err := svc.Catalog.CreateRelease(ctx, sc, p.ID, vigil.ReleaseInput{Version: fmt.Sprintf("1.%d", i)})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Inventory.ImportSBOM(ctx, sc, r.ID, bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{apptest.DemoFeeds + "/osv"}, knowledge.FeedOptions{}); err != nil {
		b.Fatal(err)
	}
	d := vextest.Large(5000)
	for _, x := range []struct{ vuln, purl string }{
		{"CVE-2024-21907", "pkg:nuget/Newtonsoft.Json"}, {"CVE-2020-11022", "pkg:nuget/jQuery"},
	} {
		d.Products = append(d.Products, vex.Product{Ref: x.purl, PURL: x.purl})
		d.Statements = append(d.Statements, vex.Statement{Vulnerability: x.vuln, Product: x.purl, Status: vigil.TriageNotAffected,
			Justification: vigil.JustVulnerableCodeNotInExecutePath, Detail: "not reached"})
	}
	var doc bytes.Buffer
	if err := openvex.New().Write(&doc, d); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(doc.Len()))
	b.ReportAllocs()
	for b.Loop() {
		rep, err := svc.Disclosure.ImportVEX(ctx, sc, bytes.NewReader(doc.Bytes()), disclosure.VEXImportOptions{DryRun: true})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Document.Applied != 40 {
			b.Fatalf("applied %d, want 40", rep.Document.Applied)
		}
	}
}
