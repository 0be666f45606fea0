package knowledge_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/realdata"
	"github.com/vigil/vigil/internal/store"
)

func TestBundleRoundTrip(t *testing.T) {
	src, _ := apptest.New(t)
	paths := []string{realdata.Path(t, "kev/known_exploited_vulnerabilities.json"), realdata.Path(t, "csaf/cisa-icsma"),
		realdata.Path(t, "nvd/api-2.0/osv-dev"), realdata.Path(t, "osv/go-vulndb"), realdata.Path(t, "epss/vunnel-fixtures/example-1.csv")}
	if _, err := src.Knowledge.ImportFeeds(t.Context(), paths, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	m, err := src.Knowledge.ExportBundle(t.Context(), &buf, "test")
	if err != nil {
		t.Fatal(err)
	}
	dst, _ := apptest.New(t)
	rep, _, err := dst.Knowledge.ImportBundle(t.Context(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), knowledge.FeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	records := 0
	for _, f := range m.Files {
		records += f.Records
	}
	if rep.Accepted != records || rep.Rejected != 0 {
		t.Errorf("bundle import accepted %d rejected %d, want %d and 0", rep.Accepted, rep.Rejected, records)
	}
	want, _ := src.Knowledge.KnowledgeBaseStatus(t.Context())
	got, _ := dst.Knowledge.KnowledgeBaseStatus(t.Context())
	if diff := cmp.Diff(want.Sources, got.Sources, cmpopts.IgnoreFields(store.KBSourceStats{}, "LastModified")); diff != "" {
		t.Errorf("knowledge base after the round trip (-source +copy):\n%s", diff)
	}
	a, _ := src.Knowledge.Vulnerability(t.Context(), "CVE-2023-4863")
	b, _ := dst.Knowledge.Vulnerability(t.Context(), "CVE-2023-4863")
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("CVE-2023-4863 after the round trip (-source +copy):\n%s", diff)
	}
	again, _, err := dst.Knowledge.ImportBundle(t.Context(), bytes.NewReader(buf.Bytes()), int64(buf.Len()), knowledge.FeedOptions{})
	if err != nil || again.Accepted != 0 || again.Unchanged != records {
		t.Errorf("second bundle import: %+v, %v; want all unchanged", again, err)
	}
}

// rezip rewrites a bundle, changing the entry named name with change.
func rezip(t *testing.T, raw []byte, name string, change func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		body, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == name {
			body = change(body)
		}
		w, _ := zw.Create(f.Name)
		w.Write(body)
	}
	zw.Close()
	return out.Bytes()
}

func TestBundleRefusesTampering(t *testing.T) {
	src, _ := apptest.New(t)
	if _, err := src.Knowledge.ImportFeeds(t.Context(), []string{realdata.Path(t, "kev/known_exploited_vulnerabilities.json")}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := src.Knowledge.ExportBundle(t.Context(), &buf, "test"); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	tests := []struct {
		name string
		body []byte
		want string
	}{
		{"not a zip", []byte("PK but not really"), "not a zip"},
		{"changed record", rezip(t, raw, "kev.jsonl", func(b []byte) []byte { return bytes.Replace(b, []byte("CVE-"), []byte("CVX-"), 1) }), "sha256"},
		{"truncated file", rezip(t, raw, "kev.jsonl", func(b []byte) []byte { return b[:len(b)/2] }), "bytes, manifest says"},
		{"unknown file", rezip(t, raw, "manifest.json", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"kev.jsonl"`), []byte(`"../../etc/passwd"`), 1)
		}), "unknown file"},
		{"other format", rezip(t, raw, "manifest.json", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`vigil-kb-bundle`), []byte(`something-else`), 1)
		}), "format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst, _ := apptest.New(t)
			_, _, err := dst.Knowledge.ImportBundle(t.Context(), bytes.NewReader(tt.body), int64(len(tt.body)), knowledge.FeedOptions{})
			if !errors.Is(err, vigil.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want invalid mentioning %q", err, tt.want)
			}
			st, _ := dst.Knowledge.KnowledgeBaseStatus(t.Context())
			if len(st.Sources) != 0 {
				t.Errorf("a refused bundle left %v behind", st.Sources)
			}
		})
	}
}
