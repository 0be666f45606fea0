package osv

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/realdata"
)

func newImporter(t testing.TB) *Importer {
	t.Helper()
	im, err := New(ingest.Limits{}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	return im
}

type counts struct {
	Records, Withdrawn, Aliases, Affected, Ranges, Versions, Severities int
	Events                                                              map[string]int
}

// osvFiles lists the OSV records of the test data: every .json except the
// schema and the GitHub-format inputs of ghsa-conversion (X.json beside
// X.osv.json).
func osvFiles(t *testing.T) (osv, other []string) {
	t.Helper()
	err := filepath.WalkDir(dir(t), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		switch {
		case strings.Contains(p, "/schema/"):
		case strings.Contains(p, "ghsa-conversion") && !strings.HasSuffix(p, ".osv.json"):
			other = append(other, p)
		default:
			osv = append(osv, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return osv, other
}

func TestImportAll(t *testing.T) {
	files, other := osvFiles(t)
	// find testdata/osv -name '*.json' | wc -l = 359: 347 OSV records, 11
	// GitHub-format files, 1 schema.
	if len(files) != 347 || len(other) != 11 {
		t.Fatalf("%d OSV files and %d others, want 347 and 11", len(files), len(other))
	}
	exp := counts{Events: map[string]int{}}
	rejectedIDs := []string{}
	for _, f := range files {
		doc := feedtest.LoadJSON(t, f)
		// The one record the OSV schema refuses (checked with python
		// jsonschema Draft202012Validator): a GIT range without an
		// introduced event.
		if strings.Contains(f, "nointroduced-") {
			rejectedIDs = append(rejectedIDs, feedtest.Str(doc, "id"))
			continue
		}
		exp.Records++
		if feedtest.Str(doc, "withdrawn") != "" {
			exp.Withdrawn++
		}
		exp.Aliases += len(feedtest.List(doc, "aliases"))
		exp.Severities += len(feedtest.List(doc, "severity"))
		for _, a := range feedtest.List(doc, "affected") {
			exp.Affected++
			exp.Versions += len(feedtest.List(a, "versions"))
			exp.Severities += len(feedtest.List(a, "severity"))
			for _, r := range feedtest.List(a, "ranges") {
				exp.Ranges++
				for _, e := range feedtest.List(r, "events") {
					for k := range e.(map[string]any) {
						exp.Events[k]++
					}
				}
			}
		}
	}
	sink := &feedtest.Sink{}
	rep, err := feed.ImportPath(t.Context(), dir(t), []feed.Importer{newImporter(t)}, sink, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := counts{Events: map[string]int{}}
	for _, v := range sink.Vulnerabilities {
		got.Records++
		if !v.Withdrawn.IsZero() {
			got.Withdrawn++
		}
		got.Aliases += len(v.Aliases)
		got.Severities += len(v.Severities)
		for _, a := range v.Affected {
			got.Affected++
			got.Versions += len(a.Versions)
			got.Severities += len(a.Severities)
			for _, r := range a.Ranges {
				got.Ranges++
				for _, e := range r.Events {
					got.Events[string(e.Kind)]++
				}
			}
		}
	}
	if diff := cmp.Diff(exp, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	var gotRejected []string
	for _, p := range rep.Problems {
		if !p.Warning {
			gotRejected = append(gotRejected, p.RecordID)
		}
	}
	if diff := cmp.Diff(rejectedIDs, gotRejected); diff != "" {
		t.Errorf("rejected (-want +got):\n%s\n%v", diff, rep.Problems)
	}
	// 11 GitHub-format files and the schema are not OSV: skipped.
	if rep.Rejected != 1 || rep.SkippedFiles != 12 || rep.Accepted != 346 {
		t.Errorf("report: accepted %d rejected %d skipped %d", rep.Accepted, rep.Rejected, rep.SkippedFiles)
	}
	if exp.Withdrawn < 2 {
		t.Errorf("%d withdrawn records, want the go-vulndb and ghsa ones", exp.Withdrawn)
	}
}

func TestFields(t *testing.T) {
	sink := &feedtest.Sink{}
	p := filepath.Join(dir(t), "almalinux")
	if _, err := feed.ImportPath(t.Context(), p, []feed.Importer{newImporter(t)}, sink, feed.Options{}); err != nil {
		t.Fatal(err)
	}
	// File names had ':' turned into '_'; ids inside are unchanged.
	v := sink.Vulnerability("ALSA-2021:4191")
	if v == nil {
		var ids []string
		for _, v := range sink.Vulnerabilities {
			ids = append(ids, v.ID)
		}
		sort.Strings(ids)
		t.Fatalf("ALSA-2021:4191 not imported; have %v", ids[:5])
	}
	doc := feedtest.LoadJSON(t, filepath.Join(p, "almalinux8/ALSA-2021_4191.json"))
	a0 := feedtest.Get(doc, "affected", 0)
	want := vigil.AffectedPackage{
		Ecosystem: vigil.Ecosystem(feedtest.Str(a0, "package", "ecosystem")),
		Name:      feedtest.Str(a0, "package", "name"),
		PURL:      feedtest.Str(a0, "package", "purl"),
		Ranges: []vigil.Range{{Type: vigil.RangeEcosystem, Events: []vigil.Event{
			{Kind: vigil.Introduced, Version: feedtest.Str(a0, "ranges", 0, "events", 0, "introduced")},
			{Kind: vigil.Fixed, Version: feedtest.Str(a0, "ranges", 0, "events", 1, "fixed")},
		}}},
	}
	got := v.Affected[0]
	got.EcosystemSpecific, got.DatabaseSpecific = nil, nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("affected[0] (-want +got):\n%s", diff)
	}
	if v.Affected[0].Ecosystem.Base() != "AlmaLinux" {
		t.Errorf("ecosystem base %q", v.Affected[0].Ecosystem.Base())
	}
}

// TestZip imports the go-vulndb records from an all.zip as osv.dev ships
// them, with hostile entries added.
func TestZip(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files, _ := filepath.Glob(filepath.Join(dir(t), "go-vulndb/*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(filepath.Base(f))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	rec, _ := os.ReadFile(files[0])
	for _, name := range []string{"../evil.json", "/abs.json", `..\win.json`} {
		w, _ := zw.Create(name)
		w.Write(rec)
	}
	h := &zip.FileHeader{Name: "link.json", Method: zip.Store}
	h.SetMode(os.ModeSymlink | 0o777)
	w, _ := zw.CreateHeader(h)
	w.Write([]byte("/etc/passwd"))
	// A bomb: 64 MiB of spaces before a record compress ~1000:1.
	w, _ = zw.Create("bomb.json")
	w.Write(bytes.Repeat([]byte(" "), 64<<20))
	w.Write(rec)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "all.zip")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	sink := &feedtest.Sink{}
	rep, err := feed.ImportPath(t.Context(), path, []feed.Importer{newImporter(t)}, sink, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 150 || rep.Accepted != 150 {
		t.Errorf("accepted %d of %d", rep.Accepted, len(files))
	}
	var reasons []string
	for _, p := range rep.Problems {
		reasons = append(reasons, p.File+": "+p.Reason)
	}
	sort.Strings(reasons)
	if rep.SkippedFiles != 5 {
		t.Errorf("skipped %d, want 5: %q", rep.SkippedFiles, reasons)
	}
	for _, want := range []string{"../evil.json: entry name climbs", "/abs.json: entry name is an absolute", `..\win.json: entry name climbs`, "link.json: symbolic link", "bomb.json: "} {
		found := false
		for _, r := range reasons {
			found = found || strings.HasPrefix(r, want)
		}
		if !found {
			t.Errorf("no problem %q in %q", want, reasons)
		}
	}
}

func TestUnknownPrefixKept(t *testing.T) {
	doc := `{"schema_version":"1.6.0","id":"NEWDB-2025-1","modified":"2025-01-01T00:00:00Z",
	 "affected":[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}`
	sink := &feedtest.Sink{}
	rep, err := newImporter(t).Import(t.Context(), strings.NewReader(doc), sink)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 1 || rep.Warnings != 1 || rep.Problems[0].Path != "$.id" {
		t.Errorf("report %+v", rep)
	}
	bad := strings.Replace(doc, `"introduced":"0"`, `"introduced":0`, 1)
	rep, _ = newImporter(t).Import(t.Context(), strings.NewReader(bad), sink)
	if rep.Rejected != 1 {
		t.Errorf("bad record: %+v", rep)
	}
}

func FuzzImport(f *testing.F) {
	for _, p := range []string{"go-vulndb/GO-2020-0001.json", "bitnami/BIT-minio-2020-11012.json", "psf-python/PSF-2023-1.json", "osv-schema/linter-testdata/RHSA-2022_0216.json", "osv-schema/linter-testdata/nointroduced-CVE-2023-41045.json"} {
		b, err := os.ReadFile(filepath.Join(dir(f), p))
		if err != nil {
			continue
		}
		f.Add(b)
	}
	im := newImporter(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		sink := &feedtest.Sink{}
		rep, _ := im.Import(context.Background(), bytes.NewReader(doc), sink)
		if rep.Accepted+rep.Unchanged+rep.Rejected != rep.Records {
			t.Fatalf("inconsistent report %+v", rep)
		}
		for _, v := range sink.Vulnerabilities {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			var again vigil.Vulnerability
			if err := json.Unmarshal(b, &again); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(*v, again, cmp.Comparer(func(a, b json.RawMessage) bool { return jsonEqual(a, b) })); diff != "" {
				t.Fatalf("round trip (-first +second):\n%s", diff)
			}
		}
	})
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return cmp.Equal(x, y)
}

// dir is the shared test data folder osv.
func dir(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "osv")
}
