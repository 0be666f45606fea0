package sbom

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
)

const medicalSBOM = "cyclonedx/medical-device-case-study/extended.sbom.json"

// TestFDANames: the names the FDA fields go by in published SBOMs, with and
// without namespaces, in any case and punctuation.
func TestFDANames(t *testing.T) {
	tests := []struct {
		name string
		want fdaKind
	}{
		{"Level of Support", fdaLevel},
		{"level-of-support", fdaLevel},
		{"LEVEL_OF_SUPPORT", fdaLevel},
		{"fda:support_level", fdaLevel},
		{"fda:supportLevel", fdaLevel},
		{"acme:levelOfSupport", fdaLevel},
		{"urn:acme:sbom:support-level", fdaLevel},
		{"Support Status", fdaLevel},
		{"End-of-Support", fdaEOS},
		{"End of Support Date", fdaEOS},
		{"fda:end_of_support", fdaEOS},
		{"eos", fdaEOS},
		{"EOL date", fdaEOS},
		{"cdx:end-of-life", fdaEOS},
		{"fda:support_level_text", fdaLevelText},
		{"fda:end_of_support_text", fdaEOSText},
		{"fda:support_level_source", fdaLevelSource},
		{"fda:end_of_support_source", fdaEOSSource},
		{"Support", fdaNone},
		{"support_contact", fdaNone},
		{"vigil:cpe", fdaNone},
		{"syft:package:type", fdaNone},
		{"", fdaNone},
	}
	for _, tt := range tests {
		if got := fdaKindOf(tt.name); got != tt.want {
			t.Errorf("fdaKindOf(%q) = %d; want %d", tt.name, got, tt.want)
		}
	}
}

// TestMapSupportLevel: the words manufacturers write for a level.
func TestMapSupportLevel(t *testing.T) {
	tests := []struct {
		in   string
		want vigil.SupportLevel
		ok   bool
	}{
		{"Actively maintained", vigil.SupportActive, true},
		{"actively_maintained", vigil.SupportActive, true},
		{"ACTIVELY-MAINTAINED", vigil.SupportActive, true},
		{"Supported", vigil.SupportActive, true},
		{"Inactive", vigil.SupportNone, true},
		{"Deprecated", vigil.SupportNone, true},
		{"No longer maintained", vigil.SupportNone, true},
		{"No longer maintained.", vigil.SupportNone, true},
		{"End-of-Life", vigil.SupportNone, true},
		{"Limited support", vigil.SupportLimited, true},
		{"Security fixes only", vigil.SupportLimited, true},
		{"Abandoned", vigil.SupportAbandoned, true},
		{"Unknown", vigil.SupportUnknown, true},
		{"Open source", "", false},
		{"sometimes", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := MapSupportLevel(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("MapSupportLevel(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestParseEndOfSupport: dates in the forms seen, and the statements
// manufacturers write instead of a date.
func TestParseEndOfSupport(t *testing.T) {
	d := func(y, m, day int) vigil.Date { return vigil.Date{Year: y, Month: time.Month(m), Day: day} }
	tests := []struct {
		in   string
		date vigil.Date
		st   EOSStatement
		ok   bool
	}{
		{"2030-12-31", d(2030, 12, 31), "", true},
		{"2030-12-31T00:00:00Z", d(2030, 12, 31), "", true},
		{"2030-12-31T23:59:59+02:00", d(2030, 12, 31), "", true},
		{"2030-12-31 10:00", d(2030, 12, 31), "", true},
		{"20301231", d(2030, 12, 31), "", true},
		{"2030/12/31", d(2030, 12, 31), "", true},
		{"31.12.2030", d(2030, 12, 31), "", true},
		{"1.2.2030", d(2030, 2, 1), "", true}, // European: 1 February
		{"31/12/2030", d(2030, 12, 31), "", true},
		{"12/31/2030", d(2030, 12, 31), "", true},
		{"05/05/2030", d(2030, 5, 5), "", true},
		{"31 Dec 2030", d(2030, 12, 31), "", true},
		{"December 31, 2030", d(2030, 12, 31), "", true},
		{"Dec 31st 2030", d(2030, 12, 31), "", true},
		{"Dec 2030", d(2030, 12, 1), "", true},
		{"2030-12", d(2030, 12, 1), "", true},
		{"12/2030", d(2030, 12, 1), "", true},
		{"2030", d(2030, 1, 1), "", true},
		{"Until hardware support ends", vigil.Date{}, EOSWithDevice, true},
		{"until the device is retired", vigil.Date{}, EOSWithDevice, true},
		{"Open source", vigil.Date{}, EOSCommunity, true},
		{"Unknown", vigil.Date{}, EOSUnknown, true},
		{"No longer supported", vigil.Date{}, EOSEnded, true},
		{"12/11/2030", vigil.Date{}, "", false}, // 12 November or 11 December
		{"31/02/2030", vigil.Date{}, "", false},
		{"2030-13-01", vigil.Date{}, "", false},
		{"soon", vigil.Date{}, "", false},
		{"", vigil.Date{}, "", false},
	}
	for _, tt := range tests {
		date, st, ok := ParseEndOfSupport(tt.in)
		if date != tt.date || st != tt.st || ok != tt.ok {
			t.Errorf("ParseEndOfSupport(%q) = %v, %q, %v; want %v, %q, %v", tt.in, date, st, ok, tt.date, tt.st, tt.ok)
		}
	}
}

// TestParse_fda reads the FDA fields from CycloneDX properties and SPDX
// fields and annotations under the names used in the wild, keeps the
// original words, and warns on a value it cannot map (refusing it only
// under Strict).
func TestParse_fda(t *testing.T) {
	eos := vigil.Date{Year: 2030, Month: 12, Day: 31}
	cdxDoc := func(props string) string {
		return `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","properties":[` + props + `]}]}`
	}
	spdxDoc := func(pkg string) string {
		return `{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-a","name":"a"` + pkg + `}]}`
	}
	ann := func(comment string) string {
		return `{"annotationType":"OTHER","annotator":"Tool: x","annotationDate":"2024-01-01T00:00:00Z","comment":"` + comment + `"}`
	}
	tests := []struct {
		name  string
		in    string
		level vigil.SupportLevel
		eos   vigil.Date
		props []vigil.Property
		warn  string // a warning holding this text, or none
		err   string // the error under Strict
	}{
		{"cyclonedx vigil names", cdxDoc(`{"name":"fda:support_level","value":"actively_maintained"},{"name":"fda:end_of_support","value":"2030-12-31"}`),
			vigil.SupportActive, eos, []vigil.Property{{Name: PropSupportLevelText, Value: "actively_maintained"}, {Name: PropEndOfSupportText, Value: "2030-12-31"}}, "", ""},
		{"cyclonedx manufacturer names", cdxDoc(`{"name":"team","value":"x"},{"name":"End-of-Support","value":"Until hardware support ends"},{"name":"Level of Support","value":"Inactive"}`),
			vigil.SupportNone, vigil.Date{}, []vigil.Property{{Name: PropSupportLevelText, Value: "Inactive"}, {Name: PropEndOfSupportText, Value: "Until hardware support ends"}, {Name: "team", Value: "x"}}, "", ""},
		{"cyclonedx namespaced and dated", cdxDoc(`{"name":"acme:level-of-support","value":"Deprecated"},{"name":"acme:eos_date","value":"31.12.2030"}`),
			vigil.SupportNone, eos, []vigil.Property{{Name: PropSupportLevelText, Value: "Deprecated"}, {Name: PropEndOfSupportText, Value: "31.12.2030"}}, "", ""},
		{"cyclonedx first value wins", cdxDoc(`{"name":"Level of Support","value":"Actively maintained"},{"name":"support_level","value":"abandoned"}`),
			vigil.SupportActive, vigil.Date{}, []vigil.Property{{Name: PropSupportLevelText, Value: "Actively maintained"}}, "", ""},
		{"cyclonedx unmappable level", cdxDoc(`{"name":"Level of Support","value":"sometimes"}`),
			"", vigil.Date{}, []vigil.Property{{Name: PropSupportLevelText, Value: "sometimes"}},
			`components[0].properties[0]: support level "sometimes" is not one vigil can map`, `components[0].properties[0]: support level "sometimes"`},
		{"cyclonedx unreadable date", cdxDoc(`{"name":"fda:end_of_support","value":"12/11/2030"}`),
			"", vigil.Date{}, []vigil.Property{{Name: PropEndOfSupportText, Value: "12/11/2030"}},
			`components[0].properties[0]: end of support "12/11/2030" is neither a date`, `end of support "12/11/2030"`},
		{"cyclonedx sources dropped", cdxDoc(`{"name":"fda:support_level","value":"unknown"},{"name":"fda:support_level_source","value":"addendum"}`),
			vigil.SupportUnknown, vigil.Date{}, []vigil.Property{{Name: PropSupportLevelText, Value: "unknown"}}, "", ""},
		{"spdx annotations", spdxDoc(`,"annotations":[` + ann(`fda:support_level=abandoned`) + `,` + ann(`fda:end_of_support=2030-12-31`) + `]`),
			vigil.SupportAbandoned, eos, []vigil.Property{{Name: PropSupportLevelText, Value: "abandoned"}, {Name: PropEndOfSupportText, Value: "2030-12-31"}}, "", ""},
		{"spdx annotation in words", spdxDoc(`,"annotations":[` + ann(`Level of Support: No longer maintained\nEnd-of-Support: December 31, 2030`) + `]`),
			vigil.SupportNone, eos, []vigil.Property{{Name: PropSupportLevelText, Value: "No longer maintained"}, {Name: PropEndOfSupportText, Value: "December 31, 2030"}}, "", ""},
		{"spdx validUntilDate", spdxDoc(`,"validUntilDate":"2030-12-31T00:00:00Z"`),
			"", eos, []vigil.Property{{Name: PropEndOfSupportText, Value: "2030-12-31T00:00:00Z"}}, "", ""},
		{"spdx tag-value annotation", "SPDXVersion: SPDX-2.3\nPackageName: a\nSPDXID: SPDXRef-a\nAnnotator: Tool: x\nAnnotationDate: 2024-01-01T00:00:00Z\nAnnotationType: OTHER\nSPDXREF: SPDXRef-a\nAnnotationComment: <text>fda:support_level=limited_support\nfda:end_of_support=2030-12-31</text>\n",
			vigil.SupportLimited, eos, []vigil.Property{{Name: PropSupportLevelText, Value: "limited_support"}, {Name: PropEndOfSupportText, Value: "2030-12-31"}}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, col, err := parseBytes(t, []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(col.Components) != 1 {
				t.Fatalf("got %d components", len(col.Components))
			}
			c := col.Components[0]
			if c.SupportLevel != tt.level || c.EndOfSupport != tt.eos {
				t.Errorf("support = %q, %v; want %q, %v", c.SupportLevel, c.EndOfSupport, tt.level, tt.eos)
			}
			if diff := cmp.Diff(tt.props, c.Properties); diff != "" {
				t.Errorf("properties (-want +got)\n%s", diff)
			}
			warned := strings.Join(doc.Warnings, "\n")
			if tt.warn == "" && warned != "" {
				t.Errorf("warnings %q; want none", warned)
			}
			if tt.warn != "" && !strings.Contains(warned, tt.warn) {
				t.Errorf("warnings %q; want one with %q", warned, tt.warn)
			}
			_, err = (&Parser{Strict: true}).Parse(context.Background(), strings.NewReader(tt.in), SinkFuncs{})
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("strict parse: %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("strict parse error = %v; want %q", err, tt.err)
			}
		})
	}
}

// TestFDA_medicalDevice reads the support fields of the real medical-device
// SBOM: every component states "Level of Support" and "End-of-Support" in
// the manufacturer's words, and every one is understood.
func TestFDA_medicalDevice(t *testing.T) {
	doc, col, err := parseBytes(t, readFile(t, medicalSBOM))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Warnings) != 0 {
		t.Errorf("warnings: %q", doc.Warnings)
	}
	levels := map[vigil.SupportLevel]int{}
	texts := map[string]int{}
	stated := 0
	for i := range col.Components {
		c := &col.Components[i]
		if propValue(c, PropSupportLevelText) == "" {
			continue // the redacted device in metadata states nothing
		}
		stated++
		levels[c.SupportLevel]++
		texts[propValue(c, PropSupportLevelText)+" / "+propValue(c, PropEndOfSupportText)]++
		if !EndOfSupportStated(c) {
			t.Errorf("%s: end of support %q not understood", c.Name, propValue(c, PropEndOfSupportText))
		}
		for _, p := range c.Properties {
			if fdaKindOf(p.Name) == fdaLevel || fdaKindOf(p.Name) == fdaEOS {
				t.Errorf("%s: property %q left beside the field", c.Name, p.Name)
			}
		}
	}
	if stated != 65 {
		t.Errorf("%d components state a support level; the file has 65", stated)
	}
	want := map[vigil.SupportLevel]int{vigil.SupportActive: 55, vigil.SupportNone: 9, vigil.SupportUnknown: 1}
	if diff := cmp.Diff(want, levels); diff != "" {
		t.Errorf("levels (-want +got)\n%s", diff)
	}
	if texts["Deprecated / No longer supported"] != 1 || texts["Actively maintained / Until hardware support ends"] != 9 {
		t.Errorf("original words not kept: %v", texts)
	}
	r := Check(doc, col.Components, col.Dependencies)
	for _, e := range r.Elements {
		if (e.Element == ElementSupportLevel || e.Element == ElementEndOfSupport) && e.Present != 65 {
			t.Errorf("%s present on %d of %d components; want 65", e.Element, e.Present, r.Components)
		}
	}
}

// TestFDA_addendum: after a support addendum changes a component's fields,
// an export carries one value per field, marked as the addendum's, and
// drops the SBOM's words that said otherwise; untouched components keep
// the SBOM's words, marked as the SBOM's.
func TestFDA_addendum(t *testing.T) {
	doc, col, err := parseBytes(t, readFile(t, medicalSBOM))
	if err != nil {
		t.Fatal(err)
	}
	recs, bad, err := ParseSupportCSV(strings.NewReader("name,version,support_level,end_of_support\n" +
		"Common.Logging,3.3.1,actively maintained,2029-06-30\n" + // SBOM: Inactive / Unknown
		"FreeRTOS,10.0.1,,2027-01-31\n")) // SBOM: Actively maintained / Open source
	if err != nil || len(bad) != 0 {
		t.Fatalf("addendum: %v %v", err, bad)
	}
	x := NewSupportIndex(recs)
	for i := range col.Components {
		x.Apply(&col.Components[i])
	}
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			var out bytes.Buffer
			if err := Encode(&out, kind, exportDoc(doc), col.Components, col.Dependencies); err != nil {
				t.Fatal(err)
			}
			props := exportedFDA(t, kind, out.Bytes())
			want := map[string]map[string][]string{
				"Common.Logging": {
					PropSupportLevel: {"actively_maintained"}, PropSupportLevelSource: {SourceAddendum},
					PropEndOfSupport: {"2029-06-30"}, PropEndOfSupportSource: {SourceAddendum},
				},
				"FreeRTOS": {
					PropSupportLevel: {"actively_maintained"}, PropSupportLevelText: {"Actively maintained"}, PropSupportLevelSource: {SourceSBOM},
					PropEndOfSupport: {"2027-01-31"}, PropEndOfSupportSource: {SourceAddendum},
				},
				"FluentValidationNA": {
					PropSupportLevel: {"no_longer_maintained"}, PropSupportLevelText: {"Deprecated"}, PropSupportLevelSource: {SourceSBOM},
					PropEndOfSupportText: {"No longer supported"}, PropEndOfSupportSource: {SourceSBOM},
				},
			}
			for name, w := range want {
				if diff := cmp.Diff(w, props[name]); diff != "" {
					t.Errorf("%s FDA fields (-want +got)\n%s", name, diff)
				}
			}
			// The export reads back with the addendum's values.
			_, col2, err := parseBytes(t, out.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range col2.Components {
				if c.Name == "Common.Logging" && (c.SupportLevel != vigil.SupportActive || c.EndOfSupport != (vigil.Date{Year: 2029, Month: 6, Day: 30})) {
					t.Errorf("re-import: Common.Logging = %q, %v", c.SupportLevel, c.EndOfSupport)
				}
			}
		})
	}
}

// exportedFDA collects the FDA name/value pairs an export writes per
// component name, read with a generic decoder rather than the parser.
func exportedFDA(t *testing.T, kind Kind, b []byte) map[string]map[string][]string {
	t.Helper()
	out := map[string]map[string][]string{}
	add := func(comp, name, value string) {
		if !strings.HasPrefix(name, "fda:") {
			return
		}
		if out[comp] == nil {
			out[comp] = map[string][]string{}
		}
		out[comp][name] = append(out[comp][name], value)
	}
	switch kind {
	case KindCycloneDXJSON:
		var d struct {
			Components []struct {
				Name       string `json:"name"`
				Properties []struct{ Name, Value string }
			} `json:"components"`
		}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		for _, c := range d.Components {
			for _, p := range c.Properties {
				add(c.Name, p.Name, p.Value)
			}
		}
	case KindCycloneDXXML:
		var d struct {
			Components []struct {
				Name       string `xml:"name"`
				Properties []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:",chardata"`
				} `xml:"properties>property"`
			} `xml:"components>component"`
		}
		if err := xml.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		for _, c := range d.Components {
			for _, p := range c.Properties {
				add(c.Name, p.Name, p.Value)
			}
		}
	case KindSPDXJSON:
		var d struct {
			Packages []struct {
				Name        string `json:"name"`
				Annotations []struct {
					Comment string `json:"comment"`
				} `json:"annotations"`
			} `json:"packages"`
		}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		for _, p := range d.Packages {
			for _, a := range p.Annotations {
				name, value, _ := strings.Cut(a.Comment, "=")
				add(p.Name, name, value)
			}
		}
	case KindSPDXTagValue:
		pkg := ""
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PackageName: "); ok {
				pkg = v
			}
			if v, ok := strings.CutPrefix(line, "AnnotationComment: "); ok {
				name, value, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(v, "<text>"), "</text>"), "=")
				add(pkg, name, value)
			}
		}
	}
	return out
}
