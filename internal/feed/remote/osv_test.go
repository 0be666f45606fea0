package remote_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/fetch"
	"github.com/vigil/vigil/internal/feed/remote"
	"github.com/vigil/vigil/internal/feed/source"
)

// osvRecord is a real OSV file of the test data.
type osvRecord struct {
	id       string
	modified time.Time
	data     []byte
}

// bitnami reads the real Bitnami OSV records.
func bitnami(t *testing.T) []osvRecord {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(testdata(t), "osv/bitnami/*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no OSV files: %v", err)
	}
	var recs []osvRecord
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ ID, Modified string }
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		at, err := feed.ParseTime(r.Modified)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, osvRecord{id: r.ID, modified: at, data: b})
	}
	return recs
}

// allZip builds the ecosystem's all.zip from the records, as OSV does.
func allZip(t *testing.T, recs []osvRecord) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, r := range recs {
		f, err := zw.Create(r.id + ".json")
		if err != nil {
			t.Fatal(err)
		}
		f.Write(r.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// modifiedIDs builds a modified_id.csv, newest first, with the dates of
// the records except those overridden in changed.
func modifiedIDs(recs []osvRecord, changed map[string]time.Time) []byte {
	type line struct {
		at time.Time
		id string
	}
	var lines []line
	for _, r := range recs {
		at := r.modified
		if c, ok := changed[r.id]; ok {
			at = c
		}
		lines = append(lines, line{at, r.id})
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].at.After(lines[j].at) })
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%s,%s\n", l.at.Format("2006-01-02T15:04:05.000000Z"), l.id)
	}
	return []byte(b.String())
}

const osvBase = remote.DefaultOSVURL + "/Bitnami/"

func TestOSV_FullThenIncremental(t *testing.T) {
	t.Parallel()
	recs := bitnami(t)
	w := newWorld(t, fetch.Config{})
	for _, r := range recs {
		w.file(osvBase+r.id+".json", r.data, `"`+r.id+`"`)
	}
	w.file(osvBase+"all.zip", allZip(t, recs), `"zip-1"`)
	w.file(osvBase+"modified_id.csv", modifiedIDs(recs, nil), `"csv-1"`)
	cfg := remote.Config{OSV: remote.OSVConfig{Ecosystems: []string{"Bitnami"}, MaxIncremental: 5}}
	src := w.source(t, cfg, remote.OSVName)
	emit, sink, rep := importer(t)
	st := &source.State{}

	// First run: the whole ecosystem from all.zip.
	sum, err := src.Sync(t.Context(), st, emit)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files != len(recs) || rep.Records != len(recs) || len(sink.Vulnerabilities)+rep.Rejected != len(recs) || sum.Documents != 1 {
		t.Errorf("imported %d files, %d records (%+v); want %d", rep.Files, rep.Records, sum, len(recs))
	}
	newest := recs[0].modified
	for _, r := range recs {
		if r.modified.After(newest) {
			newest = r.modified
		}
	}
	if got := st.Cursors["osv/Bitnami"].Since; !got.Equal(newest) {
		t.Errorf("since %v, want the newest modified %v", got, newest)
	}
	w.requests("")

	// Three records change: only they are fetched, oldest first.
	changed := map[string]time.Time{
		recs[2].id: newest.Add(3 * time.Hour),
		recs[0].id: newest.Add(time.Hour),
		recs[1].id: newest.Add(2 * time.Hour),
	}
	w.file(osvBase+"modified_id.csv", modifiedIDs(recs, changed), `"csv-2"`)
	st = roundTrip(t, st)
	var got []string
	sum, err = src.Sync(t.Context(), st, names(&got))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{osvBase + recs[0].id + ".json", osvBase + recs[1].id + ".json", osvBase + recs[2].id + ".json"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records fetched (-want +got):\n%s", diff)
	}
	if reqs := w.requests("osv-vulnerabilities.storage.googleapis.com/Bitnami/all.zip"); len(reqs) != 0 {
		t.Errorf("all.zip fetched again: %v", reqs)
	}
	if got := st.Cursors["osv/Bitnami"].Since; !got.Equal(newest.Add(3 * time.Hour)) {
		t.Errorf("since %v", got)
	}

	// Nothing new: the list is not modified.
	got = nil
	sum, err = src.Sync(t.Context(), st, names(&got))
	if err != nil || len(got) != 0 || sum.NotModified != 1 || sum.Requests != 1 {
		t.Errorf("third sync: %+v, %v, %v", sum, err, got)
	}

	// Too many changes: all.zip instead.
	many := map[string]time.Time{}
	for _, r := range recs {
		many[r.id] = newest.Add(24 * time.Hour)
	}
	w.file(osvBase+"modified_id.csv", modifiedIDs(recs, many), `"csv-3"`)
	w.file(osvBase+"all.zip", allZip(t, recs), `"zip-2"`)
	w.requests("")
	got = nil
	if _, err := src.Sync(t.Context(), st, names(&got)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{osvBase + "all.zip"}, got); diff != "" {
		t.Errorf("fallback (-want +got):\n%s", diff)
	}
	if got := st.Cursors["osv/Bitnami"].Since; !got.Equal(newest.Add(24 * time.Hour)) {
		t.Errorf("since %v", got)
	}
}

func TestOSV_DeletedRecordAndMissingList(t *testing.T) {
	t.Parallel()
	recs := bitnami(t)
	w := newWorld(t, fetch.Config{})
	newest := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	// The list names a record that is gone (404).
	w.file(osvBase+"modified_id.csv", modifiedIDs(recs[:1], map[string]time.Time{recs[0].id: newest}), `"csv"`)
	st := &source.State{Cursors: map[string]*source.Cursor{"osv/Bitnami": {Since: newest.Add(-time.Hour)}}}
	src := w.source(t, remote.Config{OSV: remote.OSVConfig{Ecosystems: []string{"Bitnami"}}}, remote.OSVName)
	sum, err := src.Sync(t.Context(), st, names(new([]string)))
	if err != nil || sum.Errors != 1 || len(sum.Problems) != 1 {
		t.Errorf("Sync = %+v, %v; want the missing record reported", sum, err)
	}
	if got := st.Cursors["osv/Bitnami"].Since; !got.Equal(newest) {
		t.Errorf("since %v: a deleted record must not hold the cursor back", got)
	}

	// No list at all: all.zip.
	w2 := newWorld(t, fetch.Config{})
	w2.file(osvBase+"all.zip", allZip(t, recs), `"zip"`)
	var got []string
	sum, err = w2.source(t, remote.Config{OSV: remote.OSVConfig{Ecosystems: []string{"Bitnami"}}}, remote.OSVName).Sync(t.Context(), &source.State{}, names(&got))
	if err != nil || len(got) != 1 || sum.Documents != 1 {
		t.Errorf("without modified_id.csv: %+v, %v, %v", sum, err, got)
	}
}

func TestOSV_ZipDownloadResumesNextRun(t *testing.T) {
	t.Parallel()
	recs := bitnami(t)
	data := allZip(t, recs)
	w := newWorld(t, fetch.Config{Retries: -1})
	w.file(osvBase+"modified_id.csv", modifiedIDs(recs, nil), `"csv"`)
	var n atomic.Int32
	var ranges []string
	w.handle(osvBase+"all.zip", func(rw http.ResponseWriter, r *http.Request) {
		ranges = append(ranges, r.Header.Get("Range"))
		rw.Header().Set("ETag", `"zip"`)
		if n.Add(1) == 1 {
			rw.Header().Set("Content-Length", fmt.Sprint(len(data)))
			rw.Write(data[:len(data)/2])
			rw.(http.Flusher).Flush()
			conn, _, err := http.NewResponseController(rw).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		http.ServeContent(rw, r, "", time.Time{}, bytes.NewReader(data))
	})
	src := w.source(t, remote.Config{OSV: remote.OSVConfig{Ecosystems: []string{"Bitnami"}}}, remote.OSVName)
	st := &source.State{}
	emit, sink, _ := importer(t)
	if _, err := src.Sync(t.Context(), st, emit); err == nil {
		t.Fatal("cut download succeeded")
	}
	if c := st.Cursors["osv/Bitnami"]; c != nil && !c.Since.IsZero() {
		t.Errorf("cursor advanced: %+v", c)
	}
	if _, err := src.Sync(t.Context(), st, emit); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"", fmt.Sprintf("bytes=%d-", len(data)/2)}, ranges); diff != "" {
		t.Errorf("Range headers (-want +got):\n%s", diff)
	}
	if len(sink.Vulnerabilities) != len(recs) {
		t.Errorf("imported %d records, want %d", len(sink.Vulnerabilities), len(recs))
	}
}
