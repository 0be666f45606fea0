package openvex

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil/vigil/internal/golden"

	"github.com/google/go-cmp/cmp"
	ovex "github.com/openvex/go-vex/pkg/vex"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/realdata"
	"github.com/vigil/vigil/internal/vex"
	"github.com/vigil/vigil/internal/vex/vextest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// examples is the folder of OpenVEX documents that the go-vex module ships.
func examples(t testing.TB) string {
	t.Helper()
	return filepath.Join(realdata.Module(t, "github.com/openvex/go-vex"), "pkg", "vex", "testdata")
}

func write(t *testing.T, d *vex.Document) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := New().Write(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// lossy is what a document keeps through OpenVEX: the mappings the
// package documents.
func lossy(d *vex.Document) *vex.Document {
	d.Title, d.Summary, d.PublisherURL = "", "", ""
	for i := range d.Products {
		p := &d.Products[i]
		p.Vendor, p.Name, p.Version, p.Label, p.Models = "", "", "", "", nil
	}
	for i := range d.Statements {
		s := &d.Statements[i]
		switch s.Status {
		case vigil.TriageFalsePositive:
			s.Status = vigil.TriageNotAffected
			if s.Justification == "" {
				s.Justification = vigil.JustVulnerableCodeNotPresent
			}
			s.Detail = FalsePositivePrefix + s.Detail
		case vigil.TriageFixed:
			s.Response, s.Action = "", ""
		case vigil.TriageAffected:
			if s.Action != "" {
				s.Response = ""
			}
		}
	}
	return d
}

// TestWrite checks the output against go-vex's own rules for every
// statement and against the golden file.
func TestWrite(t *testing.T) {
	b := write(t, vextest.Sample())
	var doc ovex.VEX
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Context != Context || len(doc.Statements) == 0 {
		t.Fatalf("context %q, %d statements", doc.Context, len(doc.Statements))
	}
	for i, st := range doc.Statements {
		if err := st.Validate(); err != nil {
			t.Errorf("statements[%d]: %v", i, err)
		}
	}
	golden.Check(t, *update, "sample.openvex.golden", b)
	if again := write(t, vextest.Sample()); !bytes.Equal(b, again) {
		t.Error("two writes of one document differ")
	}
}

func TestRoundTrip(t *testing.T) {
	got, err := New().Parse(bytes.NewReader(write(t, vextest.Sample())))
	if err != nil {
		t.Fatal(err)
	}
	want := lossy(vextest.Sample())
	want.Format = vex.FormatOpenVEX
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("export → parse (-want +got):\n%s", diff)
	}
}

func TestRealDocuments(t *testing.T) {
	for _, tc := range []struct {
		file       string
		statements int
		status     map[vigil.TriageState]int
	}{
		// 5 statements; two products (with two subcomponents each) for the
		// fixed ones, one each for not_affected.
		{"v0.2.0.json", 10, map[vigil.TriageState]int{vigil.TriageFixed: 6, vigil.TriageNotAffected: 4}},
		{"v020-1.vex.json", 1, map[vigil.TriageState]int{vigil.TriageUnderInvestigation: 1}},
		{"v020-2.vex.json", 1, map[vigil.TriageState]int{vigil.TriageUnderInvestigation: 1}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(examples(t), tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !New().Detect(raw) {
				t.Error("not detected")
			}
			d, err := New().Parse(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			got := map[vigil.TriageState]int{}
			for _, s := range d.Statements {
				got[s.Status]++
			}
			if len(d.Statements) != tc.statements || !cmp.Equal(got, tc.status) {
				t.Errorf("%d statements %v, want %d %v", len(d.Statements), got, tc.statements, tc.status)
			}
			again, err := New().Parse(bytes.NewReader(write(t, d)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(d, again); diff != "" {
				t.Errorf("parse → write → parse (-first +second):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"not json", `{"@context": "https://openvex.dev/ns/v0.2.0", `, "unexpected end"},
		{"other context", `{"@context": "https://spdx.dev/", "@id": "x"}`, "is not OpenVEX's"},
		{"old version", `{"@context": "https://openvex.dev/ns/v0.0.1", "@id": "x"}`, "only 0.2"},
		{"no id", `{"@context": "https://openvex.dev/ns/v0.2.0"}`, "$.@id is empty"},
		{"bad status", `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "statements": [{"vulnerability": {"name": "CVE-2020-1"}, "products": [{"@id": "pkg:npm/a@1"}], "status": "maybe"}]}`,
			"$.statements[0]: invalid status"},
		{"affected without action", `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "statements": [{"vulnerability": {"name": "CVE-2020-1"}, "products": [{"@id": "pkg:npm/a@1"}], "status": "affected"}]}`,
			"action statement must be set"},
		{"no products", `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "statements": [{"vulnerability": {"name": "CVE-2020-1"}, "status": "fixed"}]}`,
			"$.statements[0].products: none"},
		{"bad timestamp", `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "timestamp": "tuesday"}`, "timestamp"},
		{"hostile nesting", strings.Repeat("[", 10000), "limit exceeded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New().Parse(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// FuzzParse feeds the parser real OpenVEX documents and vigil's own
// output, mutated. It must never panic, and what it accepts must survive
// write → parse unchanged.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(examples(f), "v0*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var b bytes.Buffer
	if err := New().Write(&b, vextest.Sample()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := New().Parse(bytes.NewReader(b))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := New().Write(&out, d); err != nil {
			if !errors.Is(err, vigil.ErrInvalid) {
				t.Fatalf("write: %v", err)
			}
			return
		}
		again, err := New().Parse(&out)
		if err != nil {
			t.Fatalf("parse of own output: %v\n%s", err, out.String())
		}
		if diff := cmp.Diff(d, again); diff != "" {
			t.Fatalf("parse → write → parse (-first +second):\n%s", diff)
		}
	})
}

func BenchmarkWrite(b *testing.B) {
	d := vextest.Large(5000)
	b.ReportAllocs()
	for b.Loop() {
		var out bytes.Buffer
		if err := New().Write(&out, d); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(out.Len()))
	}
}

func BenchmarkParse(b *testing.B) {
	var doc bytes.Buffer
	if err := New().Write(&doc, vextest.Large(5000)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(doc.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New().Parse(bytes.NewReader(doc.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}
