package knowledge_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/knowledge"
)

// writeOSV writes an OSV record for NuGet Newtonsoft.Json fixed at fixed.
func writeOSV(t *testing.T, dir, modified, fixed string) string {
	t.Helper()
	raw, err := os.ReadFile(apptest.NewtonsoftOSV)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(raw), `"fixed": "13.0.1"`, `"fixed": "`+fixed+`"`, 1)
	s = strings.Replace(s, `"modified": "2025-02-01T00:00:00Z"`, `"modified": "`+modified+`"`, 1)
	p := filepath.Join(dir, "CVE-2024-21907.json")
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIncrementalMatching(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	other := apptest.Org(t, svc, "other")
	r := apptest.NewRelease(t, svc, sc, "Pump", "3.0")
	raw, _ := os.ReadFile(apptest.DemoSBOM)
	if _, err := svc.Inventory.ImportSBOM(t.Context(), sc, r.ID, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	// Another organization's release with the same SBOM: matched too, and
	// its findings stay its own.
	ro := apptest.NewRelease(t, svc, other, "Their Pump", "1.0")
	if _, err := svc.Inventory.ImportSBOM(t.Context(), other, ro.ID, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}

	// The advisory: Newtonsoft.Json before 13.0.1; the SBOM has 9.0.1.
	var got *knowledge.IncrementalSummary
	opt := knowledge.FeedOptions{OnMatched: func(s *knowledge.IncrementalSummary) { got = s }}
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{apptest.NewtonsoftOSV}, opt); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Records != 1 || got.Releases != 2 || got.New != 2 {
		t.Fatalf("incremental match = %+v, want 1 record, 2 releases, 2 new findings", got)
	}
	fs, err := svc.Knowledge.Findings(t.Context(), sc, r.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].VulnID != "CVE-2024-21907" || fs[0].ComponentName != "Newtonsoft.Json" ||
		fs[0].Status != vigil.MatchAffected || fs[0].Confidence != vigil.ConfidenceExact || fs[0].Evidence.Range != "introduced 0, fixed 13.0.1" {
		t.Fatalf("findings = %+v", fs)
	}
	first := fs[0]

	// Importing the same record again changes nothing and matches nothing.
	got = nil
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{apptest.NewtonsoftOSV}, opt); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Releases != 0 {
		t.Errorf("re-import matched %+v, want nothing", got)
	}

	// A newer version of the record says 9.0.1 was never affected (fixed
	// earlier): the finding resolves, and stays on record.
	dir := t.TempDir()
	got = nil
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{writeOSV(t, dir, "2026-01-01T00:00:00Z", "9.0.0")}, opt); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Resolved != 2 {
		t.Fatalf("after the fix moved: %+v, want 2 resolved", got)
	}
	if fs, _ := svc.Knowledge.Findings(t.Context(), sc, r.ID, false); len(fs) != 0 {
		t.Errorf("open findings = %+v, want none", fs)
	}
	all, _ := svc.Knowledge.Findings(t.Context(), sc, r.ID, true)
	if len(all) != 1 || all[0].ID != first.ID || all[0].ResolvedAt.IsZero() {
		t.Errorf("all findings = %+v, want the first one resolved", all)
	}

	// The next release of the product links back to the finding.
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{writeOSV(t, dir, "2026-06-01T00:00:00Z", "13.0.1")}, opt); err != nil {
		t.Fatal(err)
	}
	next := apptest.NewRelease(t, svc, sc, "Pump", "3.1")
	if _, err := svc.Inventory.ImportSBOM(t.Context(), sc, next.ID, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	sum, err := svc.Knowledge.MatchRelease(t.Context(), sc, next.ID, nil)
	if err != nil || sum.New != 1 {
		t.Fatalf("match of the next release: %+v, %v", sum, err)
	}
	nf, _ := svc.Knowledge.Findings(t.Context(), sc, next.ID, false)
	if len(nf) != 1 || nf[0].PreviousID != first.ID {
		t.Errorf("next release finding = %+v, want it linked to %d", nf, first.ID)
	}
	// Organization B sees none of A's findings.
	if _, err := svc.Knowledge.Findings(t.Context(), other, r.ID, true); err == nil {
		t.Error("org B read A's findings")
	}
}

func TestScanSBOM(t *testing.T) {
	svc, _ := apptest.New(t)
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{apptest.DemoFeeds}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(apptest.DemoSBOM)
	res, err := svc.Knowledge.ScanSBOM(t.Context(), bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range res.Findings {
		got[f.VulnID] = f.Component.Name + " " + f.Component.Version + " " + f.Evidence[0].Matcher
	}
	// OSV ranges reach the NuGet packages by purl, NVD configurations the
	// C libraries by CPE; the device advisories reach none of them.
	want := map[string]string{
		"CVE-2020-11022": "jQuery 3.4.1 match/purlrange", "CVE-2020-11023": "jQuery 3.4.1 match/purlrange",
		"CVE-2024-21907": "Newtonsoft.Json 9.0.1 match/purlrange",
		"CVE-2018-25032": "zlib 1.2.11 match/cpeconfig", "CVE-2022-37434": "zlib 1.2.11 match/cpeconfig",
		"CVE-2022-0778": "OpenSSL 1.1.1k match/cpeconfig",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scan findings (-want +got):\n%s", diff)
	}
	// The KEV-listed jQuery flaw ranks first, with the score of its CVSS
	// 3.1 vector.
	if f := res.Findings[0]; f.VulnID != "CVE-2020-11023" || f.KEV == nil || f.Severity == nil || f.Severity.BaseScore != 6.9 {
		t.Errorf("first finding = %+v", f)
	}
	if !res.FailsOn("medium") || !res.FailsOn("critical") || !res.FailsOn("kev") || res.FailsOn("none") {
		t.Errorf("FailsOn medium/critical/kev/none = %v/%v/%v/%v, want true/true/true/false (zlib's 9.8 is critical; CVE-2020-11023 is in KEV)",
			res.FailsOn("medium"), res.FailsOn("critical"), res.FailsOn("kev"), res.FailsOn("none"))
	}
}
