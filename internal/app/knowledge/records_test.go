package knowledge_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/realdata"
)

// ghsaTwin writes the GitHub advisory database's record of the
// vulnerability a PyPA (PYSEC) record describes, as GitHub publishes it:
// its own GHSA id (the PYSEC record's GHSA alias), the CVE and the PYSEC id
// as aliases, and the same package with one ECOSYSTEM range. Two databases,
// one CVE: the shape that made scan drop one of them.
func ghsaTwin(t *testing.T, pysec []byte) (path, id string) {
	t.Helper()
	var rec struct {
		ID       string           `json:"id"`
		Modified string           `json:"modified"`
		Aliases  []string         `json:"aliases"`
		Summary  string           `json:"summary"`
		Affected []map[string]any `json:"affected"`
	}
	if err := json.Unmarshal(pysec, &rec); err != nil {
		t.Fatal(err)
	}
	var aliases []string
	for _, a := range rec.Aliases {
		if len(a) > 5 && a[:5] == "GHSA-" {
			id = a
		} else {
			aliases = append(aliases, a)
		}
	}
	if id == "" {
		t.Fatalf("%s names no GHSA alias", rec.ID)
	}
	aff := rec.Affected[0]
	var ranges []any
	for _, r := range aff["ranges"].([]any) {
		if r.(map[string]any)["type"] == "ECOSYSTEM" {
			ranges = append(ranges, r)
		}
	}
	out := map[string]any{"schema_version": "1.6.0", "id": id, "modified": rec.Modified, "published": rec.Modified,
		"aliases": append(aliases, rec.ID), "summary": "Unintended leak of Proxy-Authorization header in requests",
		"affected": []any{map[string]any{"package": aff["package"], "ranges": ranges}}}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), id+".json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, id
}

// TestEveryMatchingRecordReported: requests 2.30.0 is matched by PyPA's
// PYSEC-2023-74 and GitHub's GHSA-j8r2-6x86-q33q, both CVE-2023-32681. One
// finding, and both records in its evidence with their own id, source and
// range: in a scan's JSON and on the stored finding.
func TestEveryMatchingRecordReported(t *testing.T) {
	pysecPath := realdata.Path(t, "osv/osv-schema/linter-testdata/PYSEC-2023-74.json")
	ghsaPath, ghsaID := ghsaTwin(t, realdata.Read(t, "osv/osv-schema/linter-testdata/PYSEC-2023-74.json"))
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{pysecPath, ghsaPath}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	sbom := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:6c1e3a57-0d7e-4a43-9c6f-3b2a1d0e9f8c","version":1,
"metadata":{"component":{"bom-ref":"app","type":"application","name":"Pump gateway","version":"2.0"}},
"components":[{"bom-ref":"requests","type":"library","name":"requests","version":"2.30.0","purl":"pkg:pypi/requests@2.30.0"}]}`)
	want := map[string]bool{"PYSEC-2023-74": true, ghsaID: true}
	check := func(where string, vulnID string, evidence []vigil.Evidence) {
		t.Helper()
		if vulnID != "CVE-2023-32681" {
			t.Errorf("%s: vulnerability %s", where, vulnID)
		}
		got := map[string]bool{}
		for _, e := range evidence {
			for _, r := range e.Records {
				if r.Source.Source != vigil.SourceOSV || r.Range == "" {
					t.Errorf("%s: record %+v", where, r)
				}
				got[r.Source.SourceID] = true
			}
		}
		for id := range want {
			if !got[id] {
				t.Errorf("%s: record %s missing from the evidence (%v)", where, id, got)
			}
		}
	}

	res, err := svc.Knowledge.ScanSBOM(t.Context(), bytes.NewReader(sbom))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("scan: %d findings, want 1", len(res.Findings))
	}
	// What a consumer of scan -o json reads.
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Findings []struct {
			VulnID   string           `json:"vuln_id"`
			Evidence []vigil.Evidence `json:"evidence"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	check("scan -o json", out.Findings[0].VulnID, out.Findings[0].Evidence)

	r := apptest.NewRelease(t, svc, sc, "Pump gateway", "2.0")
	if _, err := svc.Inventory.ImportSBOM(t.Context(), sc, r.ID, bytes.NewReader(sbom)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.MatchRelease(t.Context(), sc, r.ID, nil); err != nil {
		t.Fatal(err)
	}
	fs, err := svc.Knowledge.Findings(t.Context(), sc, r.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 {
		t.Fatalf("release: %d findings, want 1", len(fs))
	}
	check("finding", fs[0].VulnID, []vigil.Evidence{fs[0].Evidence})
	if !slices.Contains(fs[0].Aliases, "PYSEC-2023-74") || !slices.Contains(fs[0].Aliases, ghsaID) {
		t.Errorf("aliases %v", fs[0].Aliases)
	}
	// A rematch finds the same and changes nothing.
	sum, err := svc.Knowledge.MatchRelease(t.Context(), sc, r.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 0 || sum.Changed != 0 || sum.Unchanged != 1 {
		t.Errorf("rematch %+v", sum)
	}
}
