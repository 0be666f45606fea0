package nvd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/realdata"
)

func importers() []feed.Importer {
	return []feed.Importer{New(ingest.Limits{}), NewLegacy(ingest.Limits{})}
}

// want holds expectations computed from the files by a generic JSON walk,
// not by the importer.
type want struct {
	records, severities, configs, nodes, matches, platformOnly, kev, refs int
	ids                                                                   map[string]bool
}

func walk20(t *testing.T, files []string) want {
	t.Helper()
	w := want{ids: map[string]bool{}}
	for _, f := range files {
		doc := feedtest.LoadJSON(t, f)
		var cves []any
		if vs := feedtest.List(doc, "vulnerabilities"); vs != nil {
			for _, v := range vs {
				cves = append(cves, feedtest.Get(v, "cve"))
			}
		} else {
			cves = append(cves, doc)
		}
		for _, c := range cves {
			w.records++
			w.ids[feedtest.Str(c, "id")] = true
			for _, k := range []string{"cvssMetricV40", "cvssMetricV31", "cvssMetricV30", "cvssMetricV2"} {
				w.severities += len(feedtest.List(c, "metrics", k))
			}
			for _, cfg := range feedtest.List(c, "configurations") {
				w.configs++
				for _, n := range feedtest.List(cfg, "nodes") {
					w.nodes++
					for _, m := range feedtest.List(n, "cpeMatch") {
						w.matches++
						if feedtest.Get(m, "vulnerable") == false {
							w.platformOnly++
						}
					}
				}
			}
			if feedtest.Str(c, "cisaExploitAdd") != "" {
				w.kev++
			}
			w.refs += len(feedtest.List(c, "references"))
		}
	}
	return w
}

func count(vs []*vigil.Vulnerability) want {
	w := want{ids: map[string]bool{}}
	var node func(n vigil.CPENode)
	node = func(n vigil.CPENode) {
		w.nodes++
		for _, m := range n.Matches {
			w.matches++
			if !m.Vulnerable {
				w.platformOnly++
			}
		}
		for _, c := range n.Children {
			node(c)
		}
	}
	for _, v := range vs {
		w.records++
		w.ids[v.ID] = true
		w.severities += len(v.Severities)
		w.configs += len(v.Configurations)
		for _, c := range v.Configurations {
			for _, n := range c.Nodes {
				node(n)
			}
		}
		if v.KEV != nil {
			w.kev++
		}
		w.refs += len(v.References)
	}
	return w
}

func TestImportAPI20(t *testing.T) {
	var files []string
	filepath.WalkDir(api20Dir(t), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	})
	if len(files) != 25 {
		t.Fatalf("%d files, want 25 (23 osv-dev + 2 vunnel)", len(files))
	}
	sink := &feedtest.Sink{Dedup: true}
	rep, err := feed.ImportPath(t.Context(), api20Dir(t), importers(), sink, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	exp := walk20(t, files)
	got := count(sink.Vulnerabilities)
	if diff := cmp.Diff(exp, got, cmp.AllowUnexported(want{})); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if rep.Files != 25 || rep.Rejected != 0 || rep.Records != exp.records || rep.Warnings != 0 {
		t.Errorf("report: %+v", rep)
	}
	// 23 one-CVE responses + a 38-CVE page + a single-entry response, 62
	// distinct CVEs.
	if exp.records != 62 || len(exp.ids) != 62 || rep.Accepted != 62 {
		t.Errorf("records %d (%d ids), accepted %d, want 62", exp.records, len(exp.ids), rep.Accepted)
	}
	// Importing again changes nothing.
	again, err := feed.ImportPath(t.Context(), api20Dir(t), importers(), sink, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Unchanged != 62 || again.Accepted != 0 {
		t.Errorf("re-import: %+v", again)
	}
	// Every vector scores what NVD printed beside it.
	for _, v := range sink.Vulnerabilities {
		for i, s := range v.Severities {
			if !s.Computed || !s.HasGivenScore || s.BaseScore != s.GivenScore {
				t.Errorf("%s severity %d: %+v: computed score differs from NVD's", v.ID, i, s)
			}
		}
	}
}

func TestImportAPI20Fields(t *testing.T) {
	sink := &feedtest.Sink{}
	if _, err := feed.ImportPath(t.Context(), filepath.Join(api20Dir(t), "osv-dev/CVE-2023-4863.json"), importers(), sink, feed.Options{}); err != nil {
		t.Fatal(err)
	}
	v := sink.Vulnerability("CVE-2023-4863")
	if v == nil {
		t.Fatal("CVE-2023-4863 not imported")
	}
	wantKEV := &vigil.KEVMention{
		DateAdded:         vigil.Date{Year: 2023, Month: 9, Day: 13},
		DueDate:           vigil.Date{Year: 2023, Month: 10, Day: 4},
		RequiredAction:    "Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.",
		VulnerabilityName: "Google Chromium WebP Heap-Based Buffer Overflow Vulnerability",
	}
	if diff := cmp.Diff(wantKEV, v.KEV); diff != "" {
		t.Errorf("KEV (-want +got):\n%s", diff)
	}
	if want := time.Date(2023, 9, 12, 15, 15, 24, 327e6, time.UTC); !v.Published.Equal(want) {
		t.Errorf("published %v, want %v", v.Published, want)
	}
	if v.Source != vigil.SourceNVD || v.SourceID != "CVE-2023-4863" {
		t.Errorf("provenance %+v", v.Provenance)
	}
}

func TestImportRunningOn(t *testing.T) {
	// CVE-2023-27314 in the vunnel page: ONTAP ranges, all vulnerable.
	sink := &feedtest.Sink{}
	if _, err := feed.ImportPath(t.Context(), filepath.Join(api20Dir(t), "vunnel/full-page.json"), importers(), sink, feed.Options{}); err != nil {
		t.Fatal(err)
	}
	v := sink.Vulnerability("CVE-2023-27314")
	if v == nil {
		t.Fatal("CVE-2023-27314 not imported")
	}
	first := v.Configurations[0].Nodes[0].Matches[0]
	want := vigil.CPEMatch{Vulnerable: true, Criteria: "cpe:2.3:a:netapp:clustered_data_ontap:*:*:*:*:*:*:*:*",
		VersionStartIncluding: "9.0", VersionEndExcluding: "9.8", MatchCriteriaID: "D9342DC4-2928-49B6-AACA-95B3DE9C994A"}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("first match (-want +got):\n%s", diff)
	}
	// Some configuration of the page is AND(vulnerable, running-on).
	and := 0
	for _, v := range sink.Vulnerabilities {
		for _, c := range v.Configurations {
			if c.Operator == vigil.OpAnd {
				and++
				if len(c.Nodes) < 2 {
					t.Errorf("%s: AND configuration with %d nodes", v.ID, len(c.Nodes))
				}
			}
		}
	}
	if and == 0 {
		t.Error("no AND configuration in the page")
	}
}

func TestImportLegacy(t *testing.T) {
	sink := &feedtest.Sink{}
	rep, err := feed.ImportPath(t.Context(), feed11(t), importers(), sink, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc := feedtest.LoadJSON(t, feed11(t))
	items := feedtest.List(doc, "CVE_Items")
	var exp struct{ records, severities, configs, matches, platformOnly, cwes int }
	var nodeMatches func(n any)
	nodeMatches = func(n any) {
		for _, m := range feedtest.List(n, "cpe_match") {
			exp.matches++
			if feedtest.Get(m, "vulnerable") == false {
				exp.platformOnly++
			}
		}
		for _, c := range feedtest.List(n, "children") {
			nodeMatches(c)
		}
	}
	for _, it := range items {
		exp.records++
		for _, k := range []string{"baseMetricV3", "baseMetricV2"} {
			if feedtest.Get(it, "impact", k) != nil {
				exp.severities++
			}
		}
		for _, n := range feedtest.List(it, "configurations", "nodes") {
			if len(feedtest.List(n, "children")) > 0 || len(feedtest.List(n, "cpe_match")) > 0 {
				exp.configs++
			}
			nodeMatches(n)
		}
	}
	var got struct{ records, severities, configs, matches, platformOnly, cwes int }
	var gotNode func(n vigil.CPENode)
	gotNode = func(n vigil.CPENode) {
		for _, m := range n.Matches {
			got.matches++
			if !m.Vulnerable {
				got.platformOnly++
			}
		}
		for _, c := range n.Children {
			gotNode(c)
		}
	}
	for _, v := range sink.Vulnerabilities {
		got.records++
		got.severities += len(v.Severities)
		got.configs += len(v.Configurations)
		for _, c := range v.Configurations {
			for _, n := range c.Nodes {
				gotNode(n)
			}
		}
	}
	exp.cwes, got.cwes = 0, 0
	if diff := cmp.Diff(exp, got, cmp.AllowUnexported(exp)); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	// jq '.CVE_Items | length' = 669 (the header says 660).
	if exp.records != 669 || rep.Records != 669 || rep.Rejected != 0 {
		t.Errorf("records: walk %d, report %+v", exp.records, rep)
	}
	if rep.Importer != LegacyName {
		t.Errorf("importer %q", rep.Importer)
	}
	for _, v := range sink.Vulnerabilities {
		for _, s := range v.Severities {
			if s.BaseScore != s.GivenScore {
				t.Errorf("%s: computed %v, NVD gave %v for %s", v.ID, s.BaseScore, s.GivenScore, s.Vector)
			}
		}
	}
}

func TestBadRecordsSkipped(t *testing.T) {
	page := `{"format":"NVD_CVE","version":"2.0","vulnerabilities":[
	 {"cve":{"id":"CVE-2024-0001","published":"2024-01-01T00:00:00.000","lastModified":"2024-01-02T00:00:00.000"}},
	 {"cve":{"id":"CVE-2024-0002","published":12}},
	 {"cve":{"id":"","published":"2024-01-01T00:00:00.000"}},
	 {"cve":{"id":"CVE-2024-0004","published":"yesterday"}},
	 {"cve":{"id":"CVE-2024-0005","metrics":{"cvssMetricV31":[{"source":"x","type":"Primary","cvssData":{"version":"3.1","vectorString":"CVSS:3.1/AV:X","baseScore":9.8}}]}}},
	 {"nocve":{}}
	]}`
	sink := &feedtest.Sink{}
	rep, err := New(ingest.Limits{}).Import(t.Context(), strings.NewReader(page), sink)
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []string
	for _, v := range sink.Vulnerabilities {
		gotIDs = append(gotIDs, v.ID)
	}
	if diff := cmp.Diff([]string{"CVE-2024-0001", "CVE-2024-0005"}, gotIDs); diff != "" {
		t.Errorf("imported (-want +got):\n%s", diff)
	}
	if rep.Records != 6 || rep.Accepted != 2 || rep.Rejected != 4 || rep.Warnings != 1 {
		t.Errorf("report %+v", rep)
	}
	var paths []string
	for _, p := range rep.Problems {
		paths = append(paths, p.RecordID+" "+p.Path)
	}
	want := []string{
		"CVE-2024-0002 $.vulnerabilities[1].cve",
		" $.vulnerabilities[2].cve",
		"CVE-2024-0004 $.vulnerabilities[3].cve",
		"CVE-2024-0005 $.vulnerabilities[4].cve.metrics.cvssMetricV31[0]",
		" $.vulnerabilities[5].cve",
	}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("problems (-want +got):\n%s\n%v", diff, rep.Problems)
	}
}

func TestLimits(t *testing.T) {
	deep := `{"format":"NVD_CVE","vulnerabilities":[{"cve":{"id":"CVE-2024-0001","x":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}}]}`
	long := `{"format":"NVD_CVE","vulnerabilities":[{"cve":{"id":"CVE-2024-0001","x":"` + strings.Repeat("a", 2000) + `"}}]}`
	tests := []struct {
		name   string
		doc    string
		limits ingest.Limits
	}{
		{"Depth", deep, ingest.Limits{}},
		{"String", long, ingest.Limits{MaxStringSize: 1000}},
		{"Size", long, ingest.Limits{MaxDocumentSize: 500}},
		{"Records", `{"format":"NVD_CVE","vulnerabilities":[{"cve":{}},{"cve":{}}]}`, ingest.Limits{MaxRecords: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.limits).Import(t.Context(), strings.NewReader(tc.doc), feedtest.Discard{})
			if err == nil || !strings.Contains(err.Error(), "limit exceeded") {
				t.Errorf("Import: %v, want a limit error", err)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		file        string
		api, legacy bool
	}{
		{filepath.Join(api20Dir(t), "vunnel/full-page.json"), true, false},
		{filepath.Join(api20Dir(t), "osv-dev/CVE-2024-3094.json"), true, false},
		{feed11(t), false, true},
		{realdata.Path(t, "kev/known_exploited_vulnerabilities.json"), false, false},
	}
	for _, tc := range tests {
		b, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		head := b[:min(len(b), feed.HeadSize)]
		if got := New(ingest.Limits{}).Detect(head); got != tc.api {
			t.Errorf("api Detect(%s) = %v", tc.file, got)
		}
		if got := NewLegacy(ingest.Limits{}).Detect(head); got != tc.legacy {
			t.Errorf("legacy Detect(%s) = %v", tc.file, got)
		}
	}
}

func FuzzImport(f *testing.F) {
	for _, p := range []string{filepath.Join(api20Dir(f), "osv-dev/CVE-2023-4863.json"), filepath.Join(api20Dir(f), "vunnel/single-entry.json"), filepath.Join(api20Dir(f), "osv-dev/CVE-2024-3094.json")} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	b, err := os.ReadFile(feed11(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b[:4096])
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, im := range importers() {
			sink := &feedtest.Sink{}
			rep, _ := im.Import(context.Background(), bytes.NewReader(doc), sink)
			if rep.Accepted+rep.Unchanged+rep.Rejected != rep.Records {
				t.Fatalf("%s: inconsistent report %+v", im.Name(), rep)
			}
			// What was accepted survives encode → decode unchanged.
			for _, v := range sink.Vulnerabilities {
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				var again vigil.Vulnerability
				if err := json.Unmarshal(b, &again); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(*v, again); diff != "" {
					t.Fatalf("round trip (-first +second):\n%s", diff)
				}
			}
		}
	})
}

// api20Dir is the shared test data folder nvd/api-2.0.
func api20Dir(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "nvd/api-2.0")
}

// feed11 is the shared test data folder nvd/feed-1.1/nvdcve-1.1-test-data.json.
func feed11(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "nvd/feed-1.1/nvdcve-1.1-test-data.json")
}
