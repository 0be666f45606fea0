package sbom

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/realdata"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// schemas validates exports: CycloneDX JSON against the official 1.6
// schema, SPDX JSON against the SPDX 2.3 constraints (and the official
// schema when it is present).
type schemas struct {
	cdx, spdx, spdxOfficial *jsonschema.Schema
}

func loadSchemas(t testing.TB) *schemas {
	t.Helper()
	c := jsonschema.NewCompiler()
	add := func(url, file string) {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	dir := filepath.Join(testdataRoot(t), "cyclonedx", "schema")
	add("http://cyclonedx.org/schema/bom-1.6.schema.json", filepath.Join(dir, "bom-1.6.schema.json"))
	add("http://cyclonedx.org/schema/spdx.schema.json", filepath.Join(dir, "spdx.schema.json"))
	add("http://cyclonedx.org/schema/jsf-0.82.schema.json", filepath.Join(dir, "jsf-0.82.schema.json"))
	add("https://vigil.invalid/schema/spdx-2.3-export.schema.json", filepath.Join("testdata", "spdx-2.3-export.schema.json"))
	s := &schemas{}
	var err error
	if s.cdx, err = c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json"); err != nil {
		t.Fatal(err)
	}
	if s.spdx, err = c.Compile("https://vigil.invalid/schema/spdx-2.3-export.schema.json"); err != nil {
		t.Fatal(err)
	}
	// The official SPDX 2.3 schema is in neither the shared test data nor
	// tools-golang; when the shared folder gains it, the exports are checked
	// against it too.
	if official, ok := realdata.Lookup("sbom/spdx/schema/spdx-schema.json"); ok {
		add("http://spdx.org/rdf/terms/2.3", official)
		if s.spdxOfficial, err = c.Compile("http://spdx.org/rdf/terms/2.3"); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func (s *schemas) validate(t *testing.T, kind Kind, b []byte) {
	t.Helper()
	var list []*jsonschema.Schema
	switch kind {
	case KindCycloneDXJSON:
		list = []*jsonschema.Schema{s.cdx}
	case KindSPDXJSON:
		list = []*jsonschema.Schema{s.spdx, s.spdxOfficial}
	}
	for _, sch := range list {
		if sch == nil {
			continue
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s output is not JSON: %v", kind, err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s output does not validate:\n%v", kind, err)
		}
	}
}

// exportDoc is the document metadata the round trips write with.
func exportDoc(in *vigil.SBOMDocument) *vigil.SBOMDocument {
	return &vigil.SBOMDocument{
		Name:         in.Name,
		SerialNumber: in.SerialNumber,
		Authors:      in.Authors,
		Tools:        []string{"vigil test"},
		Timestamp:    time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Describes:    in.Describes,
		Supplier:     in.Supplier,
	}
}

func family(k Kind) vigil.SBOMFormat { f, _ := k.Format(); return f }

func sortByRef(cs []vigil.Component) []vigil.Component {
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(a, b vigil.Component) int { return strings.Compare(a.Ref, b.Ref) })
	return cs
}

// sortByContent orders components by everything but their ref, for
// comparing SPDX round trips: the encoder rewrites SPDX ids (prefix and
// digest suffix), so ordering by ref could pair different components.
func sortByContent(cs []vigil.Component) []vigil.Component {
	key := func(c vigil.Component) string {
		c.Ref, c.ParentRef = "", ""
		return fmt.Sprintf("%+v", c)
	}
	cs = slices.Clone(cs)
	slices.SortStableFunc(cs, func(a, b vigil.Component) int { return strings.Compare(key(a), key(b)) })
	return cs
}

// TestEncode_roundTrip parses every real SBOM, writes it in each of the
// four formats, checks CycloneDX JSON and SPDX JSON against their schemas,
// and parses the output again: the component set (name, version, purl) is
// the same in every format, and within a format family every component
// field comes back unchanged.
func TestEncode_roundTrip(t *testing.T) {
	sch := loadSchemas(t)
	for _, rel := range sbomFiles(t) {
		b := readFile(t, rel)
		doc, col, err := parseBytes(t, b)
		if err != nil {
			continue // rejected files are TestParse_testdata's business
		}
		for _, kind := range Kinds {
			t.Run(rel+"/"+string(kind), func(t *testing.T) {
				t.Parallel()
				var out bytes.Buffer
				if err := Encode(&out, kind, exportDoc(doc), col.Components, col.Dependencies); err != nil {
					t.Fatalf("Encode: %v", err)
				}
				sch.validate(t, kind, out.Bytes())
				doc2, col2, err := parseBytes(t, out.Bytes())
				if err != nil {
					t.Fatalf("parse of the export: %v\n%s", err, head(out.Bytes()))
				}
				if doc2.Components != doc.Components {
					t.Errorf("components: %d after the round trip, %d before", doc2.Components, doc.Components)
				}
				if diff := cmp.Diff(identities(col.Components), identities(col2.Components)); diff != "" {
					t.Errorf("component set (-before +after)\n%s", diff)
				}
				if family(kind) != doc.Format {
					return
				}
				opts := []cmp.Option{cmpopts.EquateEmpty()}
				if doc.Format == vigil.FormatSPDX {
					// SPDX ids that are not valid are rewritten.
					opts = append(opts, cmpopts.IgnoreFields(vigil.Component{}, "Ref"))
				}
				if diff := cmp.Diff(sortByRef(col.Components), sortByRef(col2.Components), opts...); diff != "" {
					t.Errorf("components (-before +after)\n%s", diff)
				}
				if doc.Format == vigil.FormatCycloneDX {
					if diff := cmp.Diff(mergedDependencies(col.Dependencies), mergedDependencies(col2.Dependencies), cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("dependencies (-before +after)\n%s", diff)
					}
				}
			})
		}
	}
}

func reversed[T any](s []T) []T {
	s = slices.Clone(s)
	slices.Reverse(s)
	return s
}

func head(b []byte) string {
	if len(b) > 2000 {
		b = b[:2000]
	}
	return string(b)
}

// goldenInput is a small device SBOM that uses every field Encode writes.
func goldenInput() (*vigil.SBOMDocument, []vigil.Component, []vigil.Dependency) {
	doc := &vigil.SBOMDocument{
		Name:         "infusion-pump",
		SerialNumber: "urn:uuid:9c1e0f0a-4d8b-4c39-9a43-6f2f0b7c1d2e",
		Version:      3,
		Authors:      []string{"Acme Medical Product Security"},
		Tools:        []string{"vigil 0.1"},
		Supplier:     "Acme Medical",
		Timestamp:    time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC),
		Describes:    []string{"pump"},
	}
	eos := vigil.Date{Year: 2031, Month: 6, Day: 30}
	comps := []vigil.Component{
		{Ref: "pump", Type: vigil.ComponentDevice, Name: "Acme Pump", Version: "4.2", Manufacturer: "Acme Medical", Supplier: "Acme Medical",
			SupportLevel: vigil.SupportActive, EndOfSupport: vigil.Date{Year: 2035, Month: 1, Day: 1},
			// As the SBOM said it: the words are kept beside the level.
			Properties: []vigil.Property{{Name: PropSupportLevelText, Value: "Actively maintained"}, {Name: PropEndOfSupportText, Value: "1 Jan 2035"}}},
		{Ref: "fw", ParentRef: "pump", Type: vigil.ComponentFirmware, Name: "pump-firmware", Version: "4.2.1", Supplier: "Acme Medical",
			Hashes:       []vigil.Hash{{Alg: vigil.HashSHA256, Value: strings.Repeat("ab", 32)}},
			SupportLevel: vigil.SupportActive, EndOfSupport: vigil.Date{Year: 2035, Month: 1, Day: 1}},
		{Ref: "freertos", ParentRef: "fw", Type: vigil.ComponentOperatingSystem, Name: "FreeRTOS", Version: "10.0.1", Supplier: "Amazon Web Services",
			PURL: "pkg:github/freertos/freertos-kernel@V10.0.1", CPEs: []string{"cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:*:*:*:*"},
			Licenses: []string{"MIT"}, SupportLevel: vigil.SupportNone, EndOfSupport: vigil.Date{Year: 2020, Month: 12, Day: 31},
			// The SBOM said "Actively maintained"; an addendum overrode it.
			Properties:   []vigil.Property{{Name: PropSupportLevelText, Value: "Actively maintained"}, {Name: PropEndOfSupportText, Value: "Open source"}},
			ExternalRefs: []vigil.ExternalRef{{Type: "website", URL: "https://www.freertos.org"}}},
		{Ref: "wolfssl", ParentRef: "fw", Type: vigil.ComponentLibrary, Name: "wolfSSL", Version: "4.8.1", Supplier: "wolfSSL Inc.",
			PURL: "pkg:github/wolfssl/wolfssl@v4.8.1", Licenses: []string{"GPL-2.0-or-later OR LicenseRef-wolfSSL-commercial"},
			Hashes:       []vigil.Hash{{Alg: vigil.HashSHA1, Value: strings.Repeat("12", 20)}, {Alg: vigil.HashSHA224, Value: strings.Repeat("cd", 28)}},
			SupportLevel: vigil.SupportLimited, EndOfSupport: eos, Scope: vigil.ScopeRequired},
		{Ref: "ui", Type: vigil.ComponentApplication, Name: "pump-ui", Version: "2.0.0", Group: "com.acme", Author: "Acme UI team",
			PURL: "pkg:maven/com.acme/pump-ui@2.0.0", Licenses: []string{"LicenseRef-Acme-Proprietary", "Apache License 2.0"},
			Description: "Touch screen UI.\nRuns on the pump's display board.",
			Properties:  []vigil.Property{{Name: "acme:board", Value: "display-rev-c"}}},
		{Ref: "model", Type: vigil.ComponentMachineLearningModel, Name: "occlusion-detector", Version: "1", SupportLevel: vigil.SupportUnknown,
			Properties: []vigil.Property{{Name: PropSupportLevelText, Value: "unknown"}, {Name: PropEndOfSupportText, Value: "Until hardware support ends"}}},
	}
	deps := []vigil.Dependency{
		{Ref: "pump", DependsOn: []string{"ui", "fw"}},
		{Ref: "fw", DependsOn: []string{"wolfssl", "freertos"}},
		{Ref: "wolfssl", DependsOn: []string{"freertos"}},
		{Ref: "ui", DependsOn: []string{"model"}},
	}
	return doc, comps, deps
}

// TestEncode_golden compares each format's output with its golden file;
// go test ./internal/sbom -run TestEncode_golden -update rewrites them.
func TestEncode_golden(t *testing.T) {
	sch := loadSchemas(t)
	ext := map[Kind]string{KindCycloneDXJSON: "cdx.json", KindCycloneDXXML: "cdx.xml", KindSPDXJSON: "spdx.json", KindSPDXTagValue: "spdx"}
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			doc, comps, deps := goldenInput()
			var out bytes.Buffer
			if err := Encode(&out, kind, doc, comps, deps); err != nil {
				t.Fatal(err)
			}
			sch.validate(t, kind, out.Bytes())
			golden := filepath.Join("testdata", "golden", "device."+ext[kind]+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), out.String()); diff != "" {
				t.Errorf("%s (-want +got)\n%s", golden, diff)
			}
			// Same input, same bytes.
			var again bytes.Buffer
			if err := Encode(&again, kind, doc, reversed(comps), deps); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), out.Bytes()) {
				t.Errorf("output depends on the order of the input")
			}
			// And it reads back with its FDA fields.
			_, col, err := parseBytes(t, out.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			got := make(map[string]vigil.Component)
			for _, c := range col.Components {
				got[c.Name] = c
			}
			for _, c := range comps {
				g := got[c.Name]
				if g.SupportLevel != c.SupportLevel || g.EndOfSupport != c.EndOfSupport || g.Type != c.Type {
					t.Errorf("%s: support %q %v type %q; want %q %v %q", c.Name, g.SupportLevel, g.EndOfSupport, g.Type, c.SupportLevel, c.EndOfSupport, c.Type)
				}
			}
		})
	}
}
