package knowledge_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/realdata"
)

// countKEV counts the catalog's entries with a plain JSON decode, apart
// from the importer.
func countKEV(t *testing.T, path string) int {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cat struct {
		Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(raw, &cat); err != nil {
		t.Fatal(err)
	}
	return len(cat.Vulnerabilities)
}

func TestImportFeeds(t *testing.T) {
	svc, _ := apptest.New(t)
	kevFile := realdata.Path(t, "kev/known_exploited_vulnerabilities.json")
	icsma := realdata.Path(t, "csaf/cisa-icsma")
	nvdDir := realdata.Path(t, "nvd/api-2.0/osv-dev")
	paths := []string{kevFile, icsma, nvdDir, realdata.Path(t, "osv/go-vulndb"), realdata.Path(t, "cve5/vulnrichment")}

	rep, err := svc.Knowledge.ImportFeeds(t.Context(), paths, knowledge.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantKEV := countKEV(t, kevFile)
	if rep.Accepted == 0 || rep.Rejected > rep.Records/10 {
		t.Fatalf("report = %+v", rep)
	}
	st, err := svc.Knowledge.KnowledgeBaseStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	counts := map[vigil.Source]int{}
	for _, s := range st.Sources {
		counts[s.Source] = s.Records
	}
	icsmaFiles, _ := filepath.Glob(filepath.Join(icsma, "*.json"))
	goFiles := realdata.Glob(t, "osv/go-vulndb/*.json")
	if counts[vigil.SourceKEV] != wantKEV || counts[vigil.SourceCSAF] != len(icsmaFiles) || counts[vigil.SourceOSV] != len(goFiles) {
		t.Errorf("counts = %v; want KEV %d, CSAF %d, OSV %d", counts, wantKEV, len(icsmaFiles), len(goFiles))
	}
	if len(st.Feeds) == 0 {
		t.Error("no feed state recorded")
	}

	again, err := svc.Knowledge.ImportFeeds(t.Context(), paths, knowledge.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Accepted != 0 || again.Unchanged != rep.Accepted {
		t.Errorf("re-import accepted %d, unchanged %d; want 0 and %d", again.Accepted, again.Unchanged, rep.Accepted)
	}

	// CVE-2023-4863 (libwebp) is in NVD with KEV data and in the KEV
	// catalog; the merged view carries both.
	v, err := svc.Knowledge.Vulnerability(t.Context(), "CVE-2023-4863")
	if err != nil {
		t.Fatal(err)
	}
	if v.KEV == nil || len(v.Records) == 0 {
		t.Errorf("CVE-2023-4863: KEV %v, %d records; want both", v.KEV, len(v.Records))
	}
	if _, err := svc.Knowledge.Vulnerability(t.Context(), "CVE-1999-99999"); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("unknown CVE: %v, want not found", err)
	}
}

func TestVulnerabilityMergesAliases(t *testing.T) {
	svc, _ := apptest.New(t)
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{realdata.Path(t, "osv/go-vulndb")}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	// Find a Go record with a CVE alias, independently of the store.
	files := realdata.Glob(t, "osv/go-vulndb/*.json")
	var goID, cve string
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		var rec struct {
			ID      string   `json:"id"`
			Aliases []string `json:"aliases"`
		}
		if json.Unmarshal(raw, &rec) == nil {
			for _, a := range rec.Aliases {
				if vigil.IsCVE(a) {
					goID, cve = rec.ID, a
				}
			}
		}
		if cve != "" {
			break
		}
	}
	if cve == "" {
		t.Skip("no Go record with a CVE alias in the test data")
	}
	byCVE, err := svc.Knowledge.Vulnerability(t.Context(), cve)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range byCVE.Records {
		found = found || r.ID == goID
	}
	if !found {
		t.Errorf("looking up %s does not find %s: %+v", cve, goID, byCVE.Records)
	}
}
