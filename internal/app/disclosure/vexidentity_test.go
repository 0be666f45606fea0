package disclosure_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/disclosure"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/realdata"
	"github.com/vigil/vigil/internal/vex"
	"github.com/vigil/vigil/internal/vex/codecs"
)

// rtosSBOM is a device release's CycloneDX SBOM with an RTOS of the
// URGENT/11 family in it: CISA's ICSMA-19-274-01 names the vendor list
// "ENEA, Green Hills Software, ITRON, IP Infusion, and Wind River" and
// product "VxWorks" with versions up to 6.5.
func rtosSBOM(device, version string) []byte {
	return fmt.Appendf(nil, `{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:5b0e0c7e-2f46-4c1c-9d6f-0a1b2c3d4e5f","version":1,
"metadata":{"component":{"bom-ref":"device","type":"device","name":%q,"version":%q,"supplier":{"name":"Acme Medical"}}},
"components":[{"bom-ref":"rtos","type":"operating-system","name":"VxWorks","version":"6.5","supplier":{"name":"Wind River"},"purl":"pkg:generic/windriver/vxworks@6.5"}],
"dependencies":[{"ref":"device","dependsOn":["rtos"]}]}`, device, version)
}

// TestOwnVEXRoundTripUnderGroupingAdvisory is the release of the report: one
// component, the eleven CVEs of one CISA advisory, one of them triaged
// not_affected. Exporting the release's VEX and importing it back changes
// nothing, in every format: the advisory's id is no alias of any of them,
// so the statement on one CVE stays on that CVE.
func TestOwnVEXRoundTripUnderGroupingAdvisory(t *testing.T) {
	advisory := realdata.Path(t, "csaf/cisa-icsma/icsma-19-274-01.json")
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	r := apptest.NewRelease(t, svc, sc, "Infusion Pump", "3.0")
	if _, err := svc.Inventory.ImportSBOM(t.Context(), sc, r.ID, bytes.NewReader(rtosSBOM("Infusion Pump", "3.0"))); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{advisory}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.MatchRelease(t.Context(), sc, r.ID, nil); err != nil {
		t.Fatal(err)
	}
	fs, err := svc.Knowledge.Findings(t.Context(), sc, r.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	var open []*vigil.Finding
	for _, f := range fs {
		if f.Status.IsFinding() {
			open = append(open, f)
		}
	}
	if len(open) != 11 {
		t.Fatalf("%d findings, want the advisory's 11 CVEs", len(open))
	}
	for _, f := range open {
		if slices.Contains(f.Aliases, "ICSMA-19-274-01") || f.Evidence.Source.SourceID != "ICSMA-19-274-01" {
			t.Fatalf("finding %s: aliases %v, source %+v: the advisory is a source, not an alias", f.VulnID, f.Aliases, f.Evidence.Source)
		}
	}
	target := open[0]
	if _, err := svc.Triage.TriageFinding(t.Context(), sc, target.ID, vigil.TriageInput{State: vigil.TriageNotAffected,
		Justification: vigil.JustVulnerableCodeNotInExecutePath, Detail: "the pump's IPnet build has no IPv4 options parsing"}); err != nil {
		t.Fatal(err)
	}
	for _, format := range vigil.VEXFormats {
		t.Run(string(format), func(t *testing.T) {
			ex, err := svc.Disclosure.ExportVEX(t.Context(), sc, "Infusion Pump", "3.0", format, disclosure.VEXExportOptions{Tool: "vigil test"})
			if err != nil {
				t.Fatal(err)
			}
			if ex.Statements != 11 || ex.ByStatus[vigil.TriageNotAffected] != 1 {
				t.Fatalf("export: %d statements, %v", ex.Statements, ex.ByStatus)
			}
			c, _ := codecs.ByFormat(format)
			back, err := c.Parse(bytes.NewReader(ex.Content))
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range back.Statements {
				if slices.Contains(st.Aliases, "ICSMA-19-274-01") {
					t.Errorf("the export names the grouping advisory as an alias of %s", st.Vulnerability)
				}
			}
			if format == vigil.VEXCycloneDX {
				// The advisory is cited as what it is, from where it came.
				if !bytes.Contains(ex.Content, []byte(`"title": "ICSMA-19-274-01 (CISA)"`)) ||
					!bytes.Contains(ex.Content, []byte(`"url": "https://www.cisa.gov/news-events/ics-medical-advisories/icsma-19-274-01"`)) ||
					bytes.Contains(ex.Content, []byte("osv.dev")) {
					t.Errorf("advisory citation:\n%s", ex.Content)
				}
			}
			rep := importVEX(t, svc, sc, ex.Content, disclosure.VEXImportOptions{DryRun: true})
			if got := countsOf(rep.Document); got != (counts{Unchanged: 11}) {
				t.Errorf("re-import of own export: %+v", got)
			}
			for _, st := range rep.Statements {
				for _, o := range st.Outcomes {
					if o.VulnID != st.VulnID {
						t.Errorf("statement on %s applied to %s", st.VulnID, o.VulnID)
					}
				}
			}
		})
	}

	// A document written as the report saw it (the advisory as an alias
	// of every CVE) binds each statement to its own CVE all the same.
	for _, format := range vigil.VEXFormats {
		t.Run(string(format)+"/advisory-as-alias", func(t *testing.T) {
			// The RTOS by its BOM-Link, which every format carries.
			rtos := "urn:cdx:5b0e0c7e-2f46-4c1c-9d6f-0a1b2c3d4e5f/1#rtos"
			d := &vex.Document{ID: "urn:uuid:0f0e0d0c-0b0a-4908-8706-050403020100", Publisher: "Acme Medical", PublisherURL: "https://acme.example", Updated: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
				Version: "1", Products: []vex.Product{{Ref: rtos}}}
			for _, f := range open {
				st := vex.Statement{Vulnerability: f.VulnID, Aliases: []string{"ICSMA-19-274-01"}, Product: rtos, Status: vigil.TriageUnderInvestigation}
				if f.ID == target.ID {
					st.Status, st.Justification, st.Detail = vigil.TriageNotAffected, vigil.JustVulnerableCodeNotInExecutePath, "the pump's IPnet build has no IPv4 options parsing"
				}
				d.Statements = append(d.Statements, st)
			}
			c, _ := codecs.ByFormat(format)
			var b bytes.Buffer
			if err := c.Write(&b, d); err != nil {
				t.Fatal(err)
			}
			rep := importVEX(t, svc, sc, b.Bytes(), disclosure.VEXImportOptions{DryRun: true})
			for _, st := range rep.Statements {
				if st.Matched != 1 {
					t.Errorf("statement on %s matched %d findings, want 1", st.VulnID, st.Matched)
				}
			}
			if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "ICSMA-19-274-01") }) {
				t.Errorf("no warning about the grouping id: %v", rep.Warnings)
			}
		})
	}
}

// TestImportVEXVersionRanges: a supplier's statement on a range of the
// RTOS's versions applies to the release's VxWorks 6.5 when the range holds
// it and not otherwise, in each format's way of writing versions: CSAF
// product_version_range, CycloneDX affects[].versions, an OpenVEX purl's
// version (compared by the matcher's order: 6.5.0 is 6.5).
func TestImportVEXVersionRanges(t *testing.T) {
	advisory := realdata.Path(t, "csaf/cisa-icsma/icsma-19-274-01.json")
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	r := apptest.NewRelease(t, svc, sc, "Infusion Pump", "3.0")
	if _, err := svc.Inventory.ImportSBOM(t.Context(), sc, r.ID, bytes.NewReader(rtosSBOM("Infusion Pump", "3.0"))); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{advisory}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.MatchRelease(t.Context(), sc, r.ID, nil); err != nil {
		t.Fatal(err)
	}
	const cve = "CVE-2019-12256"
	updated := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		format vigil.VEXFormat
		prod   vex.Product
		vers   []string
		want   int
	}{
		{"csaf range holds", vigil.VEXCSAF, vex.Product{Ref: "CSAFPID-0001", Vendor: "Wind River", Name: "VxWorks", VersionRange: "vers:generic/>=6.5|<7"}, nil, 1},
		{"csaf range misses", vigil.VEXCSAF, vex.Product{Ref: "CSAFPID-0001", Vendor: "Wind River", Name: "VxWorks", VersionRange: "vers:generic/>=6.6|<7"}, nil, 0},
		{"cyclonedx range holds", vigil.VEXCycloneDX, vex.Product{Ref: "vxworks", Name: "VxWorks", PURL: "pkg:generic/windriver/vxworks"}, []string{"vers:generic/>=6.5|<7"}, 1},
		{"cyclonedx version holds", vigil.VEXCycloneDX, vex.Product{Ref: "vxworks", Name: "VxWorks", PURL: "pkg:generic/windriver/vxworks"}, []string{"6.5.0"}, 1},
		{"cyclonedx range misses", vigil.VEXCycloneDX, vex.Product{Ref: "vxworks", Name: "VxWorks", PURL: "pkg:generic/windriver/vxworks"}, []string{"vers:generic/<6.5"}, 0},
		{"openvex purl version by order", vigil.VEXOpenVEX, vex.Product{Ref: "pkg:generic/windriver/vxworks@6.5.0", PURL: "pkg:generic/windriver/vxworks@6.5.0"}, nil, 1},
		{"openvex purl other version", vigil.VEXOpenVEX, vex.Product{Ref: "pkg:generic/windriver/vxworks@6.6", PURL: "pkg:generic/windriver/vxworks@6.6"}, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &vex.Document{ID: "urn:uuid:0f0e0d0c-0b0a-4908-8706-050403020101", Publisher: "Wind River", PublisherURL: "https://windriver.example",
				Version: "1", Updated: updated, Issued: updated, Products: []vex.Product{tc.prod},
				Statements: []vex.Statement{{Vulnerability: cve, Product: tc.prod.Ref, Versions: tc.vers, Status: vigil.TriageNotAffected,
					Justification: vigil.JustVulnerableCodeNotPresent, Detail: "IPnet is not built into this VxWorks release line"}}}
			c, _ := codecs.ByFormat(tc.format)
			var b bytes.Buffer
			if err := c.Write(&b, d); err != nil {
				t.Fatal(err)
			}
			rep := importVEX(t, svc, sc, b.Bytes(), disclosure.VEXImportOptions{DryRun: true})
			if len(rep.Statements) != 1 || rep.Statements[0].Matched != tc.want {
				t.Fatalf("matched %+v, want %d finding\n%s", rep.Statements, tc.want, b.Bytes())
			}
			if tc.want == 1 && (rep.Document.Applied != 1 || rep.Statements[0].Outcomes[0].VulnID != cve) {
				t.Errorf("outcomes %+v", rep.Statements[0].Outcomes)
			}
		})
	}
}
