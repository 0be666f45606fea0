package feed_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/ingest"
)

// lines is a toy importer: one KEV entry per line "CVE-…".
type lines struct{}

func (lines) Name() string            { return "feed/lines" }
func (lines) Detect(head []byte) bool { return bytes.HasPrefix(head, []byte("CVE-")) }
func (lines) Import(ctx context.Context, r io.Reader, sink feed.Sink) (feed.Report, error) {
	rep := feed.Report{Importer: "feed/lines", Files: 1}
	b, err := io.ReadAll(r)
	if err != nil {
		return rep, err
	}
	for i, l := range strings.Fields(string(b)) {
		e := &vigil.KEVEntry{CVEID: l, VendorProject: "v", DateAdded: vigil.Date{Year: 2024, Month: 1, Day: 1},
			Provenance: vigil.Provenance{Source: vigil.SourceKEV, SourceID: l}}
		if err := feed.Deliver(ctx, &rep, vigil.SourceKEV, l, fmt.Sprintf("line %d", i+1), e, func() (feed.Outcome, error) {
			return sink.PutKEV(ctx, e)
		}); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func TestImportPathDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "CVE-2024-0001 CVE-2024-0002")
	write("sub/b.txt", "CVE-2024-0003 bad")
	write("sub/b.txt.sha256", "whatever")
	write("README.md", "not a feed")
	write("unknown.json", `{"x":1}`)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("CVE-2024-0004"))
	zw.Close()
	write("c.txt.gz", gz.String())
	if err := os.Symlink(filepath.Join(dir, "a.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	sink := &feedtest.Sink{}
	rep, err := feed.ImportPath(t.Context(), dir, []feed.Importer{lines{}}, sink, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range sink.KEV {
		got = append(got, e.CVEID)
	}
	if diff := cmp.Diff([]string{"CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0004", "CVE-2024-0003"}, got); diff != "" {
		t.Errorf("imported (-want +got):\n%s", diff)
	}
	if rep.Files != 3 || rep.Accepted != 4 || rep.Rejected != 1 || rep.SkippedFiles != 2 || rep.Importer != "feed/lines" {
		t.Errorf("report %+v", rep)
	}
	var reasons []string
	for _, p := range rep.Problems {
		reasons = append(reasons, filepath.Base(p.File)+": "+p.Reason)
	}
	for _, want := range []string{"b.txt: invalid input: cve_id", "link.txt: symbolic link", "unknown.json: unknown feed format"} {
		found := false
		for _, r := range reasons {
			found = found || strings.HasPrefix(r, want)
		}
		if !found {
			t.Errorf("no problem %q in %q", want, reasons)
		}
	}
}

func TestGzipBomb(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("CVE-2024-0001 "))
	zw.Write(bytes.Repeat([]byte(" "), 32<<20))
	zw.Close()
	_, err := feed.ImportReader(t.Context(), "bomb.gz", &gz, []feed.Importer{lines{}}, feedtest.Discard{}, feed.Options{})
	if !errors.Is(err, ingest.ErrLimit) {
		t.Errorf("err %v, want ErrLimit", err)
	}
}

func TestSingleFileErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.json")
	os.WriteFile(p, []byte(`{"x":1}`), 0o600)
	if _, err := feed.ImportPath(t.Context(), p, []feed.Importer{lines{}}, feedtest.Discard{}, feed.Options{}); !errors.Is(err, feed.ErrUnknownFormat) {
		t.Errorf("unknown format: %v", err)
	}
	verr := errors.New("bad checksum")
	if _, err := feed.ImportPath(t.Context(), p, []feed.Importer{lines{}}, feedtest.Discard{}, feed.Options{Verify: func(string) error { return verr }}); !errors.Is(err, verr) {
		t.Errorf("verify: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := feed.ImportPath(ctx, dir, []feed.Importer{lines{}}, feedtest.Discard{}, feed.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestReportProblemsBounded(t *testing.T) {
	var r feed.Report
	for range feed.MaxProblems + 5 {
		r.Reject(vigil.SourceNVD, "x", "$", errors.New("bad"))
	}
	if len(r.Problems) != feed.MaxProblems || r.MoreProblems != 5 || r.Rejected != feed.MaxProblems+5 {
		t.Errorf("problems %d more %d rejected %d", len(r.Problems), r.MoreProblems, r.Rejected)
	}
}
