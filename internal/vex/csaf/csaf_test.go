package csaf

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	csafdoc "github.com/vigil/vigil/internal/csaf"

	"github.com/vigil/vigil/internal/golden"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/realdata"
	"github.com/vigil/vigil/internal/vex"
	"github.com/vigil/vigil/internal/vex/vextest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// check runs the CSAF 2.0 schema and mandatory tests on b.
func check(t *testing.T, name string, b []byte) {
	t.Helper()
	doc, err := csafdoc.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	problems, err := csafdoc.Check(doc, csafdoc.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", name, p)
	}
}

func write(t *testing.T, d *vex.Document) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := New().Write(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// lossy is what a document keeps through CSAF: the mappings the package
// documents.
func lossy(d *vex.Document) *vex.Document {
	for i := range d.Statements {
		s := &d.Statements[i]
		switch s.Status {
		case vigil.TriageFalsePositive:
			s.Status = vigil.TriageNotAffected
			if s.Justification == "" {
				s.Justification = vigil.JustVulnerableCodeNotPresent
			}
			s.Detail = FalsePositivePrefix + s.Detail
		case vigil.TriageUnderInvestigation:
			s.Timestamp = time.Time{} // CSAF has nowhere to date it
		}
		switch s.Response {
		case vigil.ResponseRollback:
			s.Response = vigil.ResponseWorkaroundAvailable
		case vigil.ResponseCanNotFix:
			s.Response = ""
		}
	}
	return d
}

func TestWrite(t *testing.T) {
	b := write(t, vextest.Sample())
	check(t, "sample", b)
	golden.Check(t, *update, "sample.csaf.golden", b)
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
	want.Format = vex.FormatCSAF
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("export → parse (-want +got):\n%s", diff)
	}
}

// TestRealExamples parses every OASIS CSAF VEX example, checks the
// statements against a generic walk of product_status, and re-exports each:
// the output must pass the schema and the mandatory tests and parse back
// unchanged.
func TestRealExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(examples(t), "*.json"))
	if err != nil || len(files) != 13 {
		t.Fatalf("%d examples, %v; want 13", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !New().Detect(raw[:min(len(raw), 512)]) {
				t.Error("not detected")
			}
			d, err := New().Parse(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if n := statusEntries(t, raw); n != len(d.Statements) {
				t.Errorf("%d statements, product_status lists %d products", len(d.Statements), n)
			}
			out := write(t, d)
			check(t, "re-export", out)
			again, err := New().Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(d, again); diff != "" {
				t.Errorf("parse → write → parse (-first +second):\n%s", diff)
			}
		})
	}
}

// statusEntries counts the product ids of the statuses vigil reads, with a
// generic JSON walk.
func statusEntries(t *testing.T, raw []byte) int {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range doc.(map[string]any)["vulnerabilities"].([]any) {
		ps, _ := v.(map[string]any)["product_status"].(map[string]any)
		for _, k := range []string{"known_affected", "first_affected", "last_affected", "known_not_affected", "fixed", "first_fixed", "under_investigation"} {
			l, _ := ps[k].([]any)
			n += len(l)
		}
	}
	return n
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"not json", `{"document": `, "unexpected EOF"},
		{"wrong type", `{"document": {"tracking": {"id": 7}}}`, "document.tracking.id"},
		{"wrong version", `{"document": {"csaf_version": "1.2", "tracking": {"id": "x"}}}`, `"1.2" is not 2.0`},
		{"no id", `{"document": {"csaf_version": "2.0"}}`, "tracking.id is empty"},
		{"undefined product", `{"document": {"csaf_version": "2.0", "tracking": {"id": "x"}}, "vulnerabilities": [{"cve": "CVE-2020-1234", "product_status": {"fixed": ["P1"]}}]}`,
			`$.vulnerabilities[0].product_status: product "P1" is not defined`},
		{"no vulnerability id", `{"document": {"csaf_version": "2.0", "tracking": {"id": "x"}}, "vulnerabilities": [{"product_status": {}}]}`,
			"$.vulnerabilities[0]: neither cve nor ids"},
		{"bad date", `{"document": {"csaf_version": "2.0", "tracking": {"id": "x", "current_release_date": "yesterday"}}}`, "current_release_date"},
		{"too deep", `{"document": {"csaf_version": "2.0", "tracking": {"id": "x"}}, "product_tree": {"branches": [` + strings.Repeat(`{"category": "vendor", "name": "a", "branches": [`, 45) +
			strings.Repeat(`]}`, 45) + `]}}`, "nest deeper"},
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

func TestWriteRefuses(t *testing.T) {
	d := vextest.Sample()
	d.PublisherURL = ""
	if err := New().Write(&bytes.Buffer{}, d); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("no publisher namespace: err = %v, want ErrInvalid", err)
	}
	d = vextest.Sample()
	d.Statements[0].Product = "nowhere"
	if err := New().Write(&bytes.Buffer{}, d); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("undefined product: err = %v, want ErrInvalid", err)
	}
}

// FuzzParse feeds the parser the real examples, mutated. It must never
// panic, and what it accepts and can write must parse back unchanged.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(examples(f), "*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
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
			return // the writer refuses what would not be valid CSAF (no publisher, no date)
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

// examples is the shared test data folder csaf/oasis-csaf20/examples/csaf/csaf_vex.
func examples(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "csaf/oasis-csaf20/examples/csaf/csaf_vex")
}
