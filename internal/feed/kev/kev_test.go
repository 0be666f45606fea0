package kev

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/realdata"
)

func importFile(t *testing.T, name string) (*feedtest.Sink, feed.Report) {
	t.Helper()
	sink := &feedtest.Sink{}
	rep, err := feed.ImportPath(t.Context(), filepath.Join(dir(t), name), []feed.Importer{New(ingest.Limits{})}, sink, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sink, rep
}

func TestCatalogJSONAndCSVAgree(t *testing.T) {
	js, jrep := importFile(t, "known_exploited_vulnerabilities.json")
	cs, crep := importFile(t, "known_exploited_vulnerabilities.csv")
	doc := feedtest.LoadJSON(t, filepath.Join(dir(t), "known_exploited_vulnerabilities.json"))
	entries := feedtest.List(doc, "vulnerabilities")
	known := 0
	for _, e := range entries {
		if feedtest.Str(e, "knownRansomwareCampaignUse") == "Known" {
			known++
		}
	}
	if len(entries) != 1404 || jrep.Accepted != 1404 || crep.Accepted != 1404 || jrep.Rejected+crep.Rejected != 0 {
		t.Fatalf("entries %d, json %+v, csv %+v", len(entries), jrep, crep)
	}
	gotKnown := 0
	for i, e := range js.KEV {
		if e.CVEID != feedtest.Str(entries[i], "cveID") || e.DateAdded.String() != feedtest.Str(entries[i], "dateAdded") ||
			e.DueDate.String() != feedtest.Str(entries[i], "dueDate") || e.CatalogVersion != "2025.08.25" {
			t.Errorf("entry %d: %+v", i, e)
		}
		if e.RansomwareUse == vigil.RansomwareKnown {
			gotKnown++
		}
	}
	if gotKnown != known {
		t.Errorf("known ransomware use: %d, want %d", gotKnown, known)
	}
	// The CSV and the JSON hold the same catalog; the CSV has no version.
	if diff := cmp.Diff(js.KEV, cs.KEV, cmpopts.IgnoreFields(vigil.KEVEntry{}, "CatalogVersion")); diff != "" {
		t.Errorf("JSON vs CSV (-json +csv):\n%s", diff)
	}
}

func TestFixtures(t *testing.T) {
	// valid-catalog-1 says "count": 1273 but holds 3 entries.
	s, rep := importFile(t, "vunnel-fixtures/valid-catalog-1.json")
	if rep.Accepted != 3 || len(s.KEV) != 3 {
		t.Errorf("valid-catalog-1: %+v", rep)
	}
	s, rep = importFile(t, "vunnel-fixtures/single-entry-example1.json")
	if rep.Accepted != 1 || s.KEV[0].CVEID != "CVE-2025-0108" || s.KEV[0].VendorProject != "Palo Alto Networks" {
		t.Errorf("single entry: %+v %+v", rep, s.KEV)
	}
}

func TestBadEntries(t *testing.T) {
	doc := `{"catalogVersion":"x","vulnerabilities":[
	{"cveID":"CVE-2024-0001","vendorProject":"V","product":"P","dateAdded":"2024-01-01","dueDate":"2024-01-22","knownRansomwareCampaignUse":"Unknown"},
	{"cveID":"not-a-cve","vendorProject":"V","dateAdded":"2024-01-01"},
	{"cveID":"CVE-2024-0003","vendorProject":"V","dateAdded":"01/01/2024"},
	{"cveID":"CVE-2024-0004","vendorProject":"V","dateAdded":"2024-01-01","knownRansomwareCampaignUse":"Maybe"},
	{"cveID":"CVE-2024-0005","vendorProject":["V"],"dateAdded":"2024-01-01"}]}`
	sink := &feedtest.Sink{}
	rep, err := New(ingest.Limits{}).Import(t.Context(), strings.NewReader(doc), sink)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rep.Problems {
		got = append(got, p.Path+" "+p.RecordID)
	}
	want := []string{"$.vulnerabilities[1] not-a-cve", "$.vulnerabilities[2] CVE-2024-0003", "$.vulnerabilities[3] CVE-2024-0004", "$.vulnerabilities[4] CVE-2024-0005"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if rep.Accepted != 1 || rep.Rejected != 4 {
		t.Errorf("report %+v", rep)
	}
}

func FuzzImport(f *testing.F) {
	for _, name := range []string{"vunnel-fixtures/valid-catalog-1.json", "vunnel-fixtures/single-entry-example1.json"} {
		b, err := os.ReadFile(filepath.Join(dir(f), name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	b, err := os.ReadFile(filepath.Join(dir(f), "known_exploited_vulnerabilities.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b[:3000])
	im := New(ingest.Limits{})
	f.Fuzz(func(t *testing.T, doc []byte) {
		rep, _ := im.Import(context.Background(), bytes.NewReader(doc), feedtest.Discard{})
		if rep.Accepted+rep.Unchanged+rep.Rejected != rep.Records {
			t.Fatalf("inconsistent report %+v", rep)
		}
	})
}

// dir is the shared test data folder kev.
func dir(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "kev")
}
