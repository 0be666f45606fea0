package epss

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/realdata"
)

func TestImportExample(t *testing.T) {
	path := filepath.Join(dir(t), "example-1.csv")
	// Expectations read straight from the CSV lines.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []*vigil.EPSSScore
	sc := bufio.NewScanner(f)
	for n := 0; sc.Scan(); n++ {
		if n < 2 {
			continue
		}
		parts := strings.Split(sc.Text(), ",")
		s, _ := strconv.ParseFloat(parts[1], 64)
		p, _ := strconv.ParseFloat(parts[2], 64)
		want = append(want, &vigil.EPSSScore{CVEID: parts[0], Score: s, Percentile: p,
			Date: vigil.Date{Year: 2025, Month: 2, Day: 20}, ModelVersion: "v2023.03.01",
			Provenance: vigil.Provenance{Source: vigil.SourceEPSS, SourceID: parts[0]}})
	}
	sink := &feedtest.Sink{}
	rep, err := feed.ImportPath(t.Context(), path, []feed.Importer{New(ingest.Limits{})}, sink, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 5 || rep.Accepted != 5 {
		t.Errorf("want 5 rows, report %+v", rep)
	}
	if diff := cmp.Diff(want, sink.EPSS); diff != "" {
		t.Errorf("scores (-want +got):\n%s", diff)
	}
}

func TestRefused(t *testing.T) {
	tests := []struct{ name, file, wantErr string }{
		{"InvalidHeader", "invalid-header.csv", "header"},
		{"MissingDate", "missing-date.csv", "no score_date"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := feed.ImportPath(t.Context(), filepath.Join(dir(t), tc.file), []feed.Importer{New(ingest.Limits{})}, &feedtest.Sink{}, feed.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestBadRows(t *testing.T) {
	doc := "#model_version:v1,score_date:2025-01-01T00:00:00+0000\ncve,epss,percentile\nCVE-2024-0001,0.5,0.9\nCVE-2024-0002,abc,0.1\nCVE-2024-0003,0.1\nnope,0.1,0.1\nCVE-2024-0005,1.5,0.1\n"
	rep, err := New(ingest.Limits{}).Import(t.Context(), strings.NewReader(doc), feedtest.Discard{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rep.Problems {
		got = append(got, p.Path)
	}
	if diff := cmp.Diff([]string{"line 4", "line 5", "line 6", "line 7"}, got); diff != "" {
		t.Errorf("problem lines (-want +got):\n%s\n%v", diff, rep.Problems)
	}
	if rep.Accepted != 1 || rep.Rejected != 4 {
		t.Errorf("report %+v", rep)
	}
}

func TestGzip(t *testing.T) {
	// A gzipped file is detected through its content.
	b, err := os.ReadFile(filepath.Join(dir(t), "example-1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	rep, err := feed.ImportReader(t.Context(), "epss.csv.gz", &buf, []feed.Importer{New(ingest.Limits{})}, feedtest.Discard{}, feed.Options{})
	if err != nil || rep.Accepted != 5 {
		t.Errorf("gzip: %v %+v", err, rep)
	}
}

func FuzzImport(f *testing.F) {
	for _, name := range []string{"example-1.csv", "invalid-header.csv", "missing-date.csv"} {
		b, err := os.ReadFile(filepath.Join(dir(f), name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	im := New(ingest.Limits{})
	f.Fuzz(func(t *testing.T, doc []byte) {
		rep, _ := im.Import(context.Background(), bytes.NewReader(doc), feedtest.Discard{})
		if rep.Accepted+rep.Unchanged+rep.Rejected != rep.Records {
			t.Fatalf("inconsistent report %+v", rep)
		}
	})
}

// dir is the shared test data folder epss/vunnel-fixtures.
func dir(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "epss/vunnel-fixtures")
}
