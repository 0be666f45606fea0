package service_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/service"
	"github.com/vigil/vigil/internal/vex"
	"github.com/vigil/vigil/internal/vex/codecs"
)

// supplierVEX writes a document, as a component's supplier would, in
// format: one statement per (vulnerability, purl, status).
func supplierVEX(t *testing.T, format vigil.VEXFormat, id string, sts ...vex.Statement) []byte {
	t.Helper()
	d := &vex.Document{ID: id, Publisher: "A supplier", PublisherURL: "https://supplier.example", Version: "1",
		Issued: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Updated: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
	seen := map[string]bool{}
	for _, s := range sts {
		if !seen[s.Product] {
			seen[s.Product] = true
			d.Products = append(d.Products, vex.Product{Ref: s.Product, PURL: s.Product, Name: "supplied component"})
		}
		d.Statements = append(d.Statements, s)
	}
	c, err := codecs.ByFormat(format)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.Write(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importVEX(t *testing.T, svc *service.Service, sc vigil.Scope, b []byte, opt service.VEXImportOptions) *service.VEXImport {
	t.Helper()
	rep, err := svc.ImportVEX(t.Context(), sc, bytes.NewReader(b), opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

type counts struct{ Applied, Unchanged, Conflicts, Unmatched, Invalid int }

func countsOf(d *vigil.VEXDocument) counts {
	return counts{d.Applied, d.Unchanged, d.Conflicts, d.Unmatched, d.Invalid}
}

func TestImportVEX(t *testing.T) {
	svc, _ := newService(t)
	sc := mustOrg(t, svc, "acme")
	other := mustOrg(t, svc, "other")
	_, f1 := newFinding(t, svc, sc, "Pump", "1.0")
	_, f2 := newFinding(t, svc, sc, "Pump", "2.0")
	purl, _, _ := strings.Cut(f1.Evidence.Identifier, "@") // versionless: every version
	notAffected := vex.Statement{Vulnerability: f1.VulnID, Product: purl, Status: vigil.TriageNotAffected,
		Justification: vigil.JustVulnerableCodeNotInExecutePath, Detail: "JSON parsing of untrusted input is never reached."}
	unrelated := vex.Statement{Vulnerability: "CVE-1999-0001", Product: purl, Status: vigil.TriageAffected, Response: vigil.ResponseUpdate}

	for _, format := range vigil.VEXFormats {
		t.Run(string(format), func(t *testing.T) {
			svc, _ := newService(t)
			sc := mustOrg(t, svc, "acme")
			_, f := newFinding(t, svc, sc, "Pump", "1.0")
			purl, _, _ := strings.Cut(f.Evidence.Identifier, "@")
			doc := supplierVEX(t, format, "urn:uuid:11111111-2222-4333-8444-555555555555", vex.Statement{
				Vulnerability: f.VulnID, Product: purl, Status: vigil.TriageNotAffected,
				Justification: vigil.JustVulnerableCodeNotInExecutePath, Detail: "not reached"})
			rep := importVEX(t, svc, sc, doc, service.VEXImportOptions{})
			if rep.Document.Format != format || countsOf(rep.Document) != (counts{Applied: 1}) {
				t.Fatalf("format %s, counts %+v", rep.Document.Format, countsOf(rep.Document))
			}
			got, err := svc.Finding(t.Context(), sc, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d := got.Triage; d == nil || d.State != vigil.TriageNotAffected || d.Source != vigil.DecisionVEX ||
				d.Justification != vigil.JustVulnerableCodeNotInExecutePath || !strings.HasPrefix(d.SourceRef, "vex_documents/") {
				t.Errorf("decision after import: %+v", got.Triage)
			}
		})
	}

	// Dry run: the report, and nothing stored.
	doc := supplierVEX(t, vigil.VEXOpenVEX, "https://example.com/vex/1", notAffected, unrelated)
	rep := importVEX(t, svc, sc, doc, service.VEXImportOptions{DryRun: true})
	if !rep.DryRun || countsOf(rep.Document) != (counts{Applied: 2, Unmatched: 1}) {
		t.Fatalf("dry run counts %+v", countsOf(rep.Document))
	}
	if docs, _, err := svc.VEXDocuments(t.Context(), sc, vigil.Page{}); err != nil || len(docs) != 0 {
		t.Fatalf("dry run stored documents: %v, %v", docs, err)
	}
	if got, _ := svc.Finding(t.Context(), sc, f1.ID); got.Triage != nil {
		t.Fatalf("dry run changed the finding: %+v", got.Triage)
	}

	// The import applies to both releases' findings.
	rep = importVEX(t, svc, sc, doc, service.VEXImportOptions{})
	if countsOf(rep.Document) != (counts{Applied: 2, Unmatched: 1}) {
		t.Fatalf("import counts %+v", countsOf(rep.Document))
	}
	if n := len(rep.Statements); n != 2 || rep.Statements[0].Matched+rep.Statements[1].Matched != 2 {
		t.Fatalf("statements %+v", rep.Statements)
	}
	for _, st := range rep.Statements {
		want := 0
		if st.VulnID == f1.VulnID {
			want = 2
		}
		if len(st.Outcomes) != want {
			t.Errorf("statement on %s: %d outcomes, want %d", st.VulnID, len(st.Outcomes), want)
		}
		for _, o := range st.Outcomes {
			if o.Match != "component by purl" || o.Result != service.OutcomeApplied {
				t.Errorf("outcome %+v", o)
			}
		}
	}
	// Again: nothing changes.
	rep = importVEX(t, svc, sc, doc, service.VEXImportOptions{})
	if countsOf(rep.Document) != (counts{Unchanged: 2, Unmatched: 1}) {
		t.Fatalf("second import counts %+v", countsOf(rep.Document))
	}

	// A person decides otherwise on one release; a newer statement that
	// says fixed conflicts there and applies on the other.
	if _, err := svc.TriageFinding(t.Context(), sc, f1.ID, vigil.TriageInput{State: vigil.TriageAffected,
		Response: vigil.ResponseWorkaroundAvailable, Detail: "our build calls the vulnerable path"}); err != nil {
		t.Fatal(err)
	}
	fixed := notAffected
	fixed.Status, fixed.Justification, fixed.Detail, fixed.Response = vigil.TriageFixed, "", "", vigil.ResponseUpdate
	fixed.Timestamp = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	rep = importVEX(t, svc, sc, supplierVEX(t, vigil.VEXCycloneDX, "urn:uuid:aaaaaaaa-2222-4333-8444-555555555555", fixed), service.VEXImportOptions{})
	if countsOf(rep.Document) != (counts{Applied: 1, Conflicts: 1}) || len(rep.Conflicts) != 1 {
		t.Fatalf("conflict import counts %+v, conflicts %v", countsOf(rep.Document), rep.Conflicts)
	}
	c := rep.Conflicts[0]
	if c.FindingID != f1.ID || c.Current == nil || c.Current.State != vigil.TriageAffected || c.Current.Source != vigil.DecisionHuman ||
		c.Stated.State != vigil.TriageFixed || !strings.Contains(c.Reason, "VEX statement says fixed") {
		t.Errorf("conflict %+v", c)
	}
	g1, _ := svc.Finding(t.Context(), sc, f1.ID)
	g2, _ := svc.Finding(t.Context(), sc, f2.ID)
	if g1.Triage.State != vigil.TriageAffected || g1.Triage.Source != vigil.DecisionHuman {
		t.Errorf("the person's decision was overridden: %+v", g1.Triage)
	}
	if g2.Triage.State != vigil.TriageFixed || !g2.Triage.SourceTime.Equal(fixed.Timestamp) {
		t.Errorf("f2 decision %+v", g2.Triage)
	}
	// Force replaces it, and says so in the history.
	rep = importVEX(t, svc, sc, supplierVEX(t, vigil.VEXCycloneDX, "urn:uuid:aaaaaaaa-2222-4333-8444-555555555555", fixed), service.VEXImportOptions{Force: true})
	if countsOf(rep.Document) != (counts{Applied: 1, Unchanged: 1}) {
		t.Fatalf("forced import counts %+v", countsOf(rep.Document))
	}

	// The stored document and statements.
	docs, n, err := svc.VEXDocuments(t.Context(), sc, vigil.Page{})
	if err != nil || n != 4 || len(docs) != 4 {
		t.Fatalf("documents %d %v %v", n, docs, err)
	}
	det, err := svc.VEXDocument(t.Context(), sc, docs[len(docs)-1].ID)
	if err != nil {
		t.Fatal(err)
	}
	byVuln := map[string]*vigil.VEXStatement{}
	for _, st := range det.Statements {
		byVuln[st.VulnID] = st
	}
	if det.DocumentID != "https://example.com/vex/1" || len(det.Statements) != 2 || byVuln[f1.VulnID].Applied != 2 || byVuln["CVE-1999-0001"].Matched != 0 {
		t.Errorf("first document %+v, statements %+v", det.VEXDocument, det.Statements)
	}

	// Another organization's import finds none of acme's findings.
	rep = importVEX(t, svc, other, doc, service.VEXImportOptions{})
	if countsOf(rep.Document) != (counts{Unmatched: 2}) {
		t.Errorf("other org counts %+v", countsOf(rep.Document))
	}
	if _, err := svc.VEXDocument(t.Context(), other, det.ID); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("other org reads acme's document: %v", err)
	}
}

func TestImportVEXRejects(t *testing.T) {
	svc, _ := newService(t)
	sc := mustOrg(t, svc, "acme")
	for _, tc := range []struct{ name, in, want string }{
		{"not VEX", `{"spdxVersion": "SPDX-2.3"}`, "not a VEX document"},
		{"empty", ``, "not a VEX document"},
		{"broken OpenVEX", `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": `, "openvex"},
		{"CSAF failing mandatory tests", `{"document": {"category": "csaf_vex", "csaf_version": "2.0", "title": "t", "publisher": {"category": "vendor", "name": "n", "namespace": "https://x"},
			"tracking": {"id": "X", "status": "final", "version": "1", "initial_release_date": "2024-01-01T00:00:00Z", "current_release_date": "2024-01-01T00:00:00Z",
			"revision_history": [{"date": "2024-01-01T00:00:00Z", "number": "1", "summary": "s"}]}}}`, "6.1.27"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.ImportVEX(t.Context(), sc, strings.NewReader(tc.in), service.VEXImportOptions{})
			if !errors.Is(err, vigil.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
	if docs, _, _ := svc.VEXDocuments(t.Context(), sc, vigil.Page{}); len(docs) != 0 {
		t.Errorf("rejected documents were stored: %v", docs)
	}
}

// TestExportVEX exports a triaged release in every format, parses each
// back and imports it again: the manufacturer's own statements match their
// findings by release and component and change nothing.
func TestExportVEX(t *testing.T) {
	svc, _ := newService(t)
	sc := mustOrg(t, svc, "acme")
	_, f := newFinding(t, svc, sc, "Pump", "1.0")
	if _, err := svc.TriageFinding(t.Context(), sc, f.ID, vigil.TriageInput{State: vigil.TriageNotAffected,
		Justification: vigil.JustVulnerableCodeNotInExecutePath, Detail: "the pump never deserialises untrusted JSON"}); err != nil {
		t.Fatal(err)
	}
	for _, format := range vigil.VEXFormats {
		t.Run(string(format), func(t *testing.T) {
			ex, err := svc.ExportVEX(t.Context(), sc, "Pump", "1.0", format, service.VEXExportOptions{Tool: "vigil test"})
			if err != nil {
				t.Fatal(err)
			}
			if ex.Statements != 1 || ex.ByStatus[vigil.TriageNotAffected] != 1 || !strings.HasPrefix(ex.Filename, "Pump-1.0-vex") {
				t.Fatalf("export %+v", ex)
			}
			c, _ := codecs.ByFormat(format)
			d, err := c.Parse(bytes.NewReader(ex.Content))
			if err != nil {
				t.Fatal(err)
			}
			want := vex.Statement{Vulnerability: f.VulnID, Aliases: f.Aliases, Status: vigil.TriageNotAffected,
				Justification: vigil.JustVulnerableCodeNotInExecutePath, Detail: "the pump never deserialises untrusted JSON"}
			got := d.Statements[0]
			got.Product, got.Component, got.Timestamp, got.Description = "", "", time.Time{}, ""
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("statement (-want +got):\n%s", diff)
			}
			rep := importVEX(t, svc, sc, ex.Content, service.VEXImportOptions{DryRun: true})
			if countsOf(rep.Document) != (counts{Unchanged: 1}) {
				t.Errorf("re-import of own export: %+v %+v", countsOf(rep.Document), rep.Statements)
			}
		})
	}
	if _, err := svc.ExportVEX(t.Context(), sc, "Pump", "9.9", vigil.VEXCSAF, service.VEXExportOptions{}); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("unknown release: %v", err)
	}
	if _, err := svc.ExportVEX(t.Context(), sc, "Pump", "1.0", "spdx", service.VEXExportOptions{}); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("unknown format: %v", err)
	}
	other := mustOrg(t, svc, "other")
	if _, err := svc.ExportVEX(t.Context(), other, "Pump", "1.0", vigil.VEXCSAF, service.VEXExportOptions{}); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("other org exports acme's release: %v", err)
	}
}
