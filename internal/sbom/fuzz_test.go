package sbom

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
)

// fuzzLimits keep the fuzzer's inputs cheap.
var fuzzLimits = Limits{MaxSize: 1 << 20, MaxDepth: 64, MaxString: 64 << 10, MaxComponents: 10000}

// addSeeds adds the real files of the test data whose name matches one of
// exts, up to maxSize bytes each, plus extra seeds.
func addSeeds(f *testing.F, maxSize int, exts []string, extra ...string) {
	for _, rel := range sbomFiles(f) {
		ok := false
		for _, e := range exts {
			ok = ok || strings.HasSuffix(rel, e)
		}
		b := readFile(f, rel)
		if ok && len(b) <= maxSize {
			f.Add(b)
		}
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// roundTrip checks the fuzz property: whatever the parser accepts, written
// again in the same format family and parsed, gives the same components
// and dependencies.
func roundTrip(t *testing.T, doc *vigil.SBOMDocument, col *Collector) {
	t.Helper()
	kinds := []Kind{KindCycloneDXJSON, KindCycloneDXXML}
	if doc.Format == vigil.FormatSPDX {
		kinds = []Kind{KindSPDXJSON, KindSPDXTagValue}
	}
	for _, kind := range kinds {
		var out bytes.Buffer
		if err := Encode(&out, kind, exportDoc(doc), col.Components, col.Dependencies); err != nil {
			t.Fatalf("Encode %s: %v", kind, err)
		}
		var p Parser
		var col2 Collector
		if _, err := p.Parse(t.Context(), bytes.NewReader(out.Bytes()), &col2); err != nil {
			t.Fatalf("parse of %s export: %v\n%s", kind, err, head(out.Bytes()))
		}
		opts := []cmp.Option{cmpopts.EquateEmpty()}
		order := sortByRef
		if doc.Format == vigil.FormatSPDX {
			opts = append(opts, cmpopts.IgnoreFields(vigil.Component{}, "Ref"))
			order = sortByContent
		}
		if diff := cmp.Diff(order(col.Components), order(col2.Components), opts...); diff != "" {
			t.Fatalf("%s round trip changed the components (-before +after)\n%s", kind, diff)
		}
		if doc.Format == vigil.FormatCycloneDX {
			if diff := cmp.Diff(mergedDependencies(col.Dependencies), mergedDependencies(col2.Dependencies), cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("%s round trip changed the dependencies (-before +after)\n%s", kind, diff)
			}
		}
	}
}

// fuzzParse parses data as kind ("" detects), checking that an error is an
// *Error or the sink's, and that what is accepted survives a round trip.
func fuzzParse(t *testing.T, data []byte, kind Kind) {
	p := Parser{Limits: fuzzLimits}
	var col Collector
	var doc *vigil.SBOMDocument
	var err error
	if kind == "" {
		doc, err = p.Parse(t.Context(), bytes.NewReader(data), &col)
	} else {
		in, derr := p.decode(bytes.NewReader(data))
		if derr != nil {
			return
		}
		doc, err = p.parseAs(t.Context(), in, kind, &col)
	}
	if err != nil {
		if msg := err.Error(); msg == "" {
			t.Fatalf("empty error message")
		}
		return
	}
	if doc.Components != len(col.Components) {
		t.Fatalf("doc says %d components, sink got %d", doc.Components, len(col.Components))
	}
	roundTrip(t, doc, &col)
}

// FuzzParse feeds anything to format detection and every parser.
func FuzzParse(f *testing.F) {
	addSeeds(f, 64<<10, []string{".json", ".xml", ".spdx", ".yaml"},
		`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","components":[{"type":"library","name":"b"}]}]}`,
		"SPDXVersion: SPDX-2.3\nPackageName: a\nSPDXID: SPDXRef-a\n",
		"\xff\xfe{\x00}\x00",
	)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, "") })
}

// FuzzParseCycloneDXJSON drives the CycloneDX JSON decoder directly.
func FuzzParseCycloneDXJSON(f *testing.F) {
	addSeeds(f, 32<<10, []string{"cdx.json", "bom.json", "-1.6.json", "-1.5.json", "-1.4.json"},
		`{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"type":"device","name":"d","bom-ref":"d"}},"dependencies":[{"ref":"d","dependsOn":["x"]}]}`)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, KindCycloneDXJSON) })
}

// FuzzParseCycloneDXXML drives the CycloneDX XML decoder directly.
func FuzzParseCycloneDXXML(f *testing.F) {
	addSeeds(f, 32<<10, []string{".xml"},
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>a</name></component></components></bom>`)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, KindCycloneDXXML) })
}

// FuzzParseSPDXJSON drives the SPDX JSON decoder directly.
func FuzzParseSPDXJSON(f *testing.F) {
	addSeeds(f, 32<<10, []string{".spdx.json", "SBOM.json", "-v2.3.spdx.json", "-v2.2.spdx.json"},
		`{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-a","name":"a"}],"relationships":[{"spdxElementId":"SPDXRef-a","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-b"}]}`)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, KindSPDXJSON) })
}

// FuzzParseSPDXTagValue drives the tag-value decoder directly.
func FuzzParseSPDXTagValue(f *testing.F) {
	addSeeds(f, 32<<10, []string{".spdx"},
		"SPDXVersion: SPDX-2.3\nPackageName: a\nSPDXID: SPDXRef-a\nPackageDescription: <text>x\ny</text>\nRelationship: SPDXRef-a DEPENDS_ON SPDXRef-b\n",
		"SPDXVersion: SPDX-2.2\rPackageName: a\rSPDXID: SPDXRef-a\r")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, data, KindSPDXTagValue) })
}

// FuzzParseSupportCSV checks the addendum parser never panics and that the
// rows it accepts, written again as CSV, read back the same.
func FuzzParseSupportCSV(f *testing.F) {
	f.Add([]byte("purl,name,version,support_level,end_of_support\npkg:npm/a@1,,,active,2030-01-01\n,b,2,eol,\n"))
	f.Add([]byte("name;version;support level\nzlib;1.3;abandoned\n"))
	f.Add([]byte("\ufeffPURL,EOS\n\"pkg:npm/%40x/y@1\",2029-02-28T00:00:00Z\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, _, err := ParseSupportCSV(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Write(supportColumns)
		for _, r := range recs {
			w.Write([]string{r.PURL, r.Name, r.Version, string(r.SupportLevel), r.EndOfSupport.String()})
		}
		w.Flush()
		again, bad, err := ParseSupportCSV(&buf)
		if err != nil && len(recs) > 0 {
			t.Fatalf("re-read: %v\n%s", err, buf.String())
		}
		if len(bad) > 0 {
			t.Fatalf("re-read row errors: %v\n%s", bad, buf.String())
		}
		strip := func(rs []SupportRecord) []SupportRecord {
			out := make([]SupportRecord, len(rs))
			for i, r := range rs {
				r.Line = 0
				out[i] = r
			}
			return out
		}
		if diff := cmp.Diff(strip(recs), strip(again), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("(-first +second)\n%s", diff)
		}
	})
}
