package bundle

import (
	"bytes"
	"testing"
	"time"

	"github.com/vigil/vigil"
)

func sampleBundle(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "test")
	if err := w.Begin(FileVulns); err != nil {
		t.Fatal(err)
	}
	if err := w.Begin(FileKEV); err != nil {
		t.Fatal(err)
	}
	if err := w.Add(vigil.KEVEntry{CVEID: "CVE-2021-44228", DateAdded: vigil.Date{Year: 2021, Month: 12, Day: 10}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteRead(t *testing.T) {
	raw := sampleBundle(t)
	r, err := Open(bytes.NewReader(raw), int64(len(raw)), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Verify(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	if err := r.Each(FileKEV, func(_ int, doc []byte) error {
		lines = append(lines, string(doc))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || !bytes.Contains([]byte(lines[0]), []byte("CVE-2021-44228")) {
		t.Errorf("kev lines = %q", lines)
	}
	if err := r.Each(FileVulns, func(int, []byte) error { t.Error("record in an empty file"); return nil }); err != nil {
		t.Fatal(err)
	}
	w := NewWriter(&bytes.Buffer{}, time.Now(), "x")
	if err := w.AddJSON([]byte(`{}`)); err == nil {
		t.Error("AddJSON before Begin succeeded")
	}
	w.Begin(FileKEV)
	if err := w.AddJSON([]byte("{\"a\":\n1}")); err == nil {
		t.Error("a record spanning lines was accepted")
	}
	if err := w.Begin(FileKEV); err == nil {
		t.Error("a file begun twice was accepted")
	}
}

// FuzzOpen feeds arbitrary bytes to the bundle reader: it must never panic,
// and whatever it accepts must verify and read without crashing.
func FuzzOpen(f *testing.F) {
	f.Add(sampleBundle(f))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := Open(bytes.NewReader(raw), int64(len(raw)), Limits{MaxFileSize: 1 << 20, MaxLine: 1 << 16})
		if err != nil {
			return
		}
		if r.Verify() != nil {
			return
		}
		for _, name := range Files {
			_ = r.Each(name, func(int, []byte) error { return nil })
		}
	})
}
