package cyclonedx

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/golden"
	"github.com/vigil/vigil/internal/realdata"
	"github.com/vigil/vigil/internal/vex"
	"github.com/vigil/vigil/internal/vex/vextest"
)

var ignoreWarnings = cmpopts.IgnoreFields(vex.Document{}, "Warnings")

var update = flag.Bool("update", false, "rewrite the golden files")

func write(t *testing.T, d *vex.Document) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := New().Write(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	for url, file := range map[string]string{
		"http://cyclonedx.org/schema/bom-1.6.schema.json":  "bom-1.6.schema.json",
		"http://cyclonedx.org/schema/spdx.schema.json":     "spdx.schema.json",
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": "jsf-0.82.schema.json",
	} {
		f, err := os.Open(filepath.Join(schemaDir(t), file))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, b []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("does not validate against CycloneDX 1.6: %v", err)
	}
}

// lossy is what a document keeps through CycloneDX: the mappings the
// package documents.
func lossy(d *vex.Document) *vex.Document {
	d.Title, d.Summary = "", ""
	d.Issued = d.Updated
	main := d.Statements[0].Product
	for _, s := range d.Statements {
		if s.Product != main {
			main = ""
		}
	}
	for i := range d.Products {
		p := &d.Products[i]
		if p.Name == "" {
			p.Name = p.Describe()
		}
		// A product without a type is written as the writer chooses.
		switch {
		case p.Type != "":
		case p.Ref == main && len(p.Models) > 0:
			p.Type = vigil.ComponentDevice
		case p.Ref == main:
			p.Type = vigil.ComponentApplication
		default:
			p.Type = vigil.ComponentLibrary
		}
		p.Label, p.Models = "", nil
	}
	return d
}

// TestRatingsAndComponents writes what a scan says of its components —
// type, group, CVSS ratings with and without a score or a version — and
// reads it back unchanged.
func TestRatingsAndComponents(t *testing.T) {
	d := &vex.Document{ID: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", Version: "1", Tool: "vigil 1.0.0",
		Updated: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC),
		Products: []vex.Product{
			{Ref: "fw", Type: vigil.ComponentFirmware, Name: "VxWorks", Version: "6.4"},
			{Ref: "log4j", Type: vigil.ComponentLibrary, Group: "org.apache.logging.log4j", Name: "log4j-core", Version: "2.14.1",
				PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
		},
		Statements: []vex.Statement{
			{Vulnerability: "CVE-2019-12256", Product: "fw", Status: vigil.TriageNotAffected},
			{Vulnerability: "CVE-2021-44228", Product: "log4j", Status: vigil.TriageUnderInvestigation, Ratings: []vex.Rating{
				{Source: "nvd@nist.gov", Version: vigil.CVSS31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", Score: 10, Severity: vigil.RatingCritical},
				{Version: vigil.CVSS20, Vector: "AV:N/AC:M/Au:N/C:C/I:C/A:C"},
				{Severity: vigil.RatingHigh},
			}},
		},
	}
	b := write(t, d)
	validate(t, schema(t), b)
	for _, want := range []string{`"group": "org.apache.logging.log4j"`, `"type": "firmware"`, `"method": "CVSSv31"`, `"method": "CVSSv2"`, `"method": "other"`, `"severity": "critical"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("written VEX lacks %s:\n%s", want, b)
		}
	}
	got, err := New().Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	d.Format, d.Issued = vex.FormatCycloneDX, d.Updated
	if diff := cmp.Diff(d, got); diff != "" {
		t.Errorf("write → parse (-want +got):\n%s", diff)
	}
}

func TestWrite(t *testing.T) {
	b := write(t, vextest.Sample())
	validate(t, schema(t), b)
	golden.Check(t, *update, "sample.cdx.golden", b)
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
	want.Format = vex.FormatCycloneDX
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("export → parse (-want +got):\n%s", diff)
	}
}

// TestRealExamples parses every CycloneDX VEX example, counts statements
// against a generic walk (vulnerabilities with an analysis state × their
// affects), re-exports each (the output must validate against CycloneDX
// 1.6) and parses it back unchanged.
func TestRealExamples(t *testing.T) {
	var files []string
	filepath.WalkDir(examples(t), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "vex") && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	})
	if len(files) != 25 {
		t.Fatalf("%d VEX examples, want 25", len(files))
	}
	sch := schema(t)
	total := 0
	for _, f := range files {
		t.Run(strings.TrimPrefix(f, examples(t)+"/"), func(t *testing.T) {
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
			if n := statements(t, raw); n != len(d.Statements) {
				t.Errorf("%d statements, the document has %d", len(d.Statements), n)
			}
			total += len(d.Statements)
			if len(d.Statements) == 0 {
				// Use case 7 names no product at all: nothing to write back.
				if len(d.Warnings) == 0 {
					t.Error("no statements and no warning why")
				}
				return
			}
			out := write(t, d)
			validate(t, sch, out)
			again, err := New().Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(d, again, ignoreWarnings); diff != "" {
				t.Errorf("parse → write → parse (-first +second):\n%s", diff)
			}
		})
	}
	if total == 0 {
		t.Error("no statements in any example")
	}
}

// statements counts analysed vulnerability × affects pairs with a generic
// JSON walk (an analysed vulnerability without affects is about the
// metadata component).
func statements(t *testing.T, raw []byte) int {
	t.Helper()
	var doc struct {
		Metadata struct {
			Component *struct{} `json:"component"`
		} `json:"metadata"`
		Vulnerabilities []struct {
			ID       string `json:"id"`
			Analysis *struct {
				State string `json:"state"`
			} `json:"analysis"`
			Affects []struct {
				Ref string `json:"ref"`
			} `json:"affects"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, v := range doc.Vulnerabilities {
		if v.Analysis == nil || v.Analysis.State == "" {
			continue
		}
		if len(v.Affects) == 0 && doc.Metadata.Component != nil {
			seen[v.ID+"|"] = true
		}
		for _, a := range v.Affects {
			seen[v.ID+"|"+a.Ref] = true
		}
	}
	return len(seen)
}

func TestJustifications(t *testing.T) {
	for _, j := range vigil.Justifications {
		got, ok := justificationOf(justification(j))
		if !ok || got == "" {
			t.Errorf("%s → %s does not read back", j, justification(j))
		}
	}
	// The property keeps component_not_present exact.
	d := vextest.Sample()
	got, err := New().Parse(bytes.NewReader(write(t, d)))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range got.Statements {
		if s.Justification == vigil.JustComponentNotPresent {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d component_not_present statements read back, want 1", n)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"not json", `{"bomFormat": "CycloneDX", `, "unexpected end"},
		{"not cyclonedx", `{"bomFormat": "SPDX"}`, "is not CycloneDX"},
		{"bad state", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": {"name": "x", "bom-ref": "x"}}, "vulnerabilities": [{"id": "CVE-2020-1", "analysis": {"state": "maybe"}}]}`,
			`$.vulnerabilities[0].analysis.state: unknown "maybe"`},
		{"bad justification", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": {"name": "x", "bom-ref": "x"}}, "vulnerabilities": [{"id": "CVE-2020-1", "analysis": {"state": "not_affected", "justification": "because"}}]}`,
			"analysis.justification"},
		{"nameless component", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"bom-ref": "a", "type": "library"}], "vulnerabilities": [{"id": "CVE-2020-1"}]}`, "$.components[0].name is required"},
		{"bad time", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"timestamp": "noon"}, "vulnerabilities": [{"id": "CVE-2020-1"}]}`, "metadata.timestamp"},
		{"an SBOM", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "a", "type": "library"}]}`, "not a VEX"},
		{"hostile nesting", `{"bomFormat": "CycloneDX", "a": ` + strings.Repeat("[", 10000), "limit exceeded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New().Parse(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// FuzzParse feeds the parser the real CycloneDX VEX examples, mutated. It
// must never panic, and what it accepts must survive write → parse
// unchanged.
func FuzzParse(f *testing.F) {
	filepath.WalkDir(examples(f), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "vex") && strings.HasSuffix(p, ".json") {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			f.Add(b)
		}
		return err
	})
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
		if diff := cmp.Diff(d, again, ignoreWarnings); diff != "" {
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

// TestXML reads the CycloneDX 1.5 conformance document with a
// vulnerability, in XML.
func TestXML(t *testing.T) {
	raw, err := os.ReadFile(realdata.Path(t, "sbom/cyclonedx/spec-test-resources/1.5/valid-vulnerability-1.5.xml"))
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
	if d.ID != "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" || len(d.Statements) != 1 {
		t.Fatalf("id %s, statements %+v", d.ID, d.Statements)
	}
	s := d.Statements[0]
	want := vex.Statement{Vulnerability: s.Vulnerability, Aliases: s.Aliases, Description: s.Description, Action: s.Action,
		Ratings:  []vex.Rating{{Source: "NVD", Version: vigil.CVSS30, Vector: "AN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8, Severity: vigil.RatingCritical}},
		Product:  "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4",
		Versions: []string{"vers:semver/<2.6.7.5", "vers:semver/2.7.0|<2.8.11.1", "vers:semver/2.9.0|<2.9.5"}, Status: vigil.TriageNotAffected,
		Justification: vigil.JustVulnerableCodeNotInExecutePath, Response: vigil.ResponseWillNotFix,
		Detail:    "An optional explanation of why the application is not affected by the vulnerable component.",
		Timestamp: time.Date(2022, 2, 1, 0, 0, 0, 0, time.UTC)}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("statement (-want +got):\n%s", diff)
	}
	if p, ok := d.ProductByRef(s.Product); !ok || p.PURL != s.Product || p.Name != "jackson-databind" {
		t.Errorf("product %+v", p)
	}
}

// examples is the shared test data folder sbom/cyclonedx/bom-examples/VEX.
func examples(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "sbom/cyclonedx/bom-examples/VEX")
}

// schemaDir is the shared test data folder sbom/cyclonedx/schema.
func schemaDir(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "sbom/cyclonedx/schema")
}
