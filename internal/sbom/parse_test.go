package sbom

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
)

// specInvalid says, per test case of the CycloneDX specification's
// invalid-* documents, the text of the error that refuses it or of the
// warning that flags it. The key is the case name without its version,
// plus the extension. vigil refuses what would corrupt the data it keeps
// (identity, refs, hashes, types, dates, licence choices it cannot read)
// and warns, keeping the document, on problems in values it keeps as given
// (licence ids not on the SPDX list) or in parts it does not keep
// (pedigree, SWID beyond the tag id, services, licence text, metadata
// licences, nameless properties). A case in neither table must still be
// refused or warned: the held-back cases of the suite are judged by that.
var specInvalid = map[string]string{
	"invalid-bomformat.json":                      `bomFormat: bomFormat is "AnotherFormat", want "CycloneDX"`,
	"invalid-component-ref.json":                  "components[1]",
	"invalid-component-ref.xml":                   `components[0].components[0]: duplicate ref "123"`,
	"invalid-component-swid.json":                 "components[0].swid: SWID tag without tagId or name",
	"invalid-component-swid.xml":                  "components[0].swid: SWID tag without tagId or name",
	"invalid-component-type.json":                 `components[0].type: unknown component type "foo"`,
	"invalid-component-type.xml":                  `components[0].type: unknown component type "foo"`,
	"invalid-empty-component.json":                "components[0].name: component has no name",
	"invalid-empty-component.xml":                 "components[0].name: component has no name",
	"invalid-hash-alg.json":                       `components[0].hashes[0]: unknown hash algorithm "FOO"`,
	"invalid-hash-alg.xml":                        `components[0].hashes[0]: unknown hash algorithm "FOO"`,
	"invalid-hash-md5.json":                       "components[0].hashes[0]: MD5 value is not hexadecimal",
	"invalid-hash-md5.xml":                        "components[0].hashes[0]: MD5 value is not hexadecimal",
	"invalid-hash-sha1.json":                      "components[0].hashes[1]: SHA-1 value is not hexadecimal",
	"invalid-hash-sha1.xml":                       "components[0].hashes[1]: SHA-1 value is not hexadecimal",
	"invalid-hash-sha512.json":                    "components[0].hashes[3]: SHA-512 value is not hexadecimal",
	"invalid-hash-sha512.xml":                     "components[0].hashes[3]: SHA-512 value is not hexadecimal",
	"invalid-issue-type.json":                     `components[0].pedigree.patches[0].resolves[0].type: issue type "foo"`,
	"invalid-issue-type.xml":                      `components[0].pedigree.patches[0].resolves[0].type: issue type "foo"`,
	"invalid-license-choice.json":                 "components[0].licenses[0]: license choice has both a license and an expression",
	"invalid-license-choice.xml":                  "components[0].licenses[1]: a licence expression must be the only entry",
	"invalid-license-declared-concluded-mix.json": "components[0].licenses[3]: a licence expression must be the only entry",
	"invalid-license-declared-concluded-mix.xml":  "components[0].licenses[3]: a licence expression must be the only entry",
	"invalid-license-encoding.json":               `components[0].licenses[0].license.text: encoding "base85" is not base64`,
	"invalid-license-encoding.xml":                `components[0].licenses[0].license.text: encoding "base85" is not base64`,
	"invalid-license-id.json":                     `components[0].licenses[0].license.id: licence id "Apache-2" is not on the SPDX license list`,
	"invalid-license-id.xml":                      `components[0].licenses[0].license.id: licence id "Apache-2" is not on the SPDX license list`,
	"invalid-license-missing-id-and-name.json":    "components[0].licenses[0].license: license has neither id nor name",
	"invalid-license-missing-id-and-name.xml":     "components[0].licenses[0].license: license has neither id nor name",
	"invalid-metadata-license.json":               `metadata.licenses[0].license.id: licence id "Apache-2" is not on the SPDX license list`,
	"invalid-metadata-license.xml":                `metadata.licenses[0].license.id: licence id "Apache-2" is not on the SPDX license list`,
	"invalid-metadata-timestamp.json":             `metadata.timestamp: timestamp "2020-04-13" is not an RFC 3339 date-time`,
	"invalid-metadata-timestamp.xml":              `metadata.timestamp: timestamp "2020-04-07" is not an RFC 3339 date-time`,
	"invalid-missing-component-type.json":         "components[0].type: component has no type",
	"invalid-missing-component-type.xml":          "components[0].type: component has no type",
	"invalid-namespace.xml":                       `namespace "http://cyclonedx.org/schema/bom/12" is not a CycloneDX`,
	"invalid-patch-type.json":                     `components[0].pedigree.patches[0].type: patch type "foo"`,
	"invalid-patch-type.xml":                      `components[0].pedigree.patches[0].type: patch type "foo"`,
	"invalid-properties.json":                     "property has no name",
	"invalid-properties.xml":                      "property has no name",
	"invalid-scope.json":                          `components[0].scope: unknown scope "foo"`,
	"invalid-scope.xml":                           `components[0].scope: unknown scope "foo"`,
	"invalid-serialnumber.json":                   `serialNumber: serial number "urn:uuid:3e671687-395b-41f5-a30f" is not urn:uuid`,
	"invalid-serialnumber.xml":                    `bom/@serialNumber: serial number "urn:uuid:3e671687-395b-41f5-a30f" is not urn:uuid`,
	"invalid-service-data.json":                   `services[0].data[0].flow: data flow "bar" is not one of`,
	"invalid-service-data.xml":                    `services[0].data[0].flow: data flow "foo" is not one of`,
}

// specUnchecked lists the invalid-* cases vigil accepts without a word,
// and why: rules it deliberately does not check.
var specUnchecked = map[string]string{
	"invalid-license-id-count.xml":   "two <id> elements in one <license>: the XML decoder keeps one, and the schema's element count is not checked",
	"invalid-license-name-count.xml": "two <name> elements in one <license>: as for <id>, the element count is not checked",
}

// rejected lists the other files of the test data that must be rejected,
// with the text the error must hold.
var rejected = map[string]string{
	"spdx/spdx-tools-python/SPDXXMLExample-v2.3.spdx.xml":   "looks like SPDX XML",
	"spdx/spdx-tools-python/SPDXYAMLExample-v2.3.spdx.yaml": "looks like SPDX YAML",
}

var reSpecCase = regexp.MustCompile(`^(invalid-.*)-1\.[0-9]\.(json|xml)$`)

// wantError returns the error text a file must be rejected with, and
// whether it must be rejected at all. The specification's invalid-*
// documents are TestParse_cycloneDXSuite's.
func wantError(t *testing.T, rel string) (string, bool) {
	if msg, ok := rejected[rel]; ok {
		return msg, true
	}
	return "", false
}

// TestParse_cycloneDXSuite runs every document of the CycloneDX
// specification's own test suite the shared data holds: each valid-* one
// is accepted, each invalid-* one is refused or warned with the reason
// specInvalid names, or listed in specUnchecked with why not.
func TestParse_cycloneDXSuite(t *testing.T) {
	var valid, refused, warned, unchecked int
	for _, rel := range sbomFiles(t) {
		if !strings.Contains(rel, "spec-test-resources/") {
			continue
		}
		base := path.Base(rel)
		b := readFile(t, rel)
		doc, _, err := parseBytes(t, b)
		if strings.HasPrefix(base, "valid-") {
			if err != nil {
				t.Errorf("%s: refused: %v", rel, err)
				continue
			}
			valid++
			continue
		}
		key := base
		if m := reSpecCase.FindStringSubmatch(base); m != nil {
			key = m[1] + "." + m[2]
		}
		if why, ok := specUnchecked[key]; ok {
			if err != nil {
				t.Errorf("%s: listed as not checked (%s) but refused: %v", rel, why, err)
			}
			t.Logf("%s: not checked: %s", rel, why)
			unchecked++
			continue
		}
		want := specInvalid[key]
		var warnings string
		if doc != nil {
			warnings = strings.Join(doc.Warnings, "\n")
		}
		switch {
		case err != nil:
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q; want it to contain %q", rel, err, want)
			}
			if !errors.Is(err, vigil.ErrInvalid) {
				t.Errorf("%s: error %v does not wrap vigil.ErrInvalid", rel, err)
			}
			refused++
		case warnings != "" && strings.Contains(warnings, want):
			warned++
		case warnings != "":
			t.Errorf("%s: warnings %q; want one with %q", rel, warnings, want)
		default:
			t.Errorf("%s: accepted without a word; want it refused or warned (%q), or listed in specUnchecked with a reason", rel, want)
		}
	}
	t.Logf("CycloneDX suite: %d valid accepted, %d invalid refused, %d invalid warned, %d invalid not checked", valid, refused, warned, unchecked)
	if valid == 0 || refused == 0 || warned == 0 {
		t.Errorf("suite not found or not exercised: %d valid, %d refused, %d warned", valid, refused, warned)
	}
}

// TestParse_testdata parses every SBOM of the test data. Each either parses
// with the component count an independent counter finds, or is rejected
// with the error the tables above name.
func TestParse_testdata(t *testing.T) {
	for _, rel := range sbomFiles(t) {
		t.Run(rel, func(t *testing.T) {
			t.Parallel()
			if reSpecCase.MatchString(path.Base(rel)) {
				t.Skip("the specification's invalid documents: TestParse_cycloneDXSuite")
			}
			b := readFile(t, rel)
			doc, col, err := parseBytes(t, b)
			msg, mustFail := wantError(t, rel)
			if mustFail {
				if err == nil {
					t.Fatalf("Parse accepted it; want an error with %q", msg)
				}
				if !strings.Contains(err.Error(), msg) {
					t.Errorf("Parse error = %q; want it to contain %q", err, msg)
				}
				if !errors.Is(err, vigil.ErrInvalid) {
					t.Errorf("error %v does not wrap vigil.ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			wantComps, wantDeps := independentCount(t, b)
			if doc.Components != wantComps || len(col.Components) != wantComps {
				t.Errorf("components: doc says %d, sink got %d; independent count %d", doc.Components, len(col.Components), wantComps)
			}
			if wantDeps >= 0 && len(col.Dependencies) != wantDeps {
				t.Errorf("dependencies: got %d; independent count %d", len(col.Dependencies), wantDeps)
			}
			sum := sha256.Sum256(b)
			if doc.SHA256 != hex.EncodeToString(sum[:]) || doc.Size != int64(len(b)) {
				t.Errorf("sha256/size = %s/%d; want %x/%d", doc.SHA256, doc.Size, sum, len(b))
			}
			seen := make(map[string]bool)
			for _, c := range col.Components {
				if c.Ref == "" || seen[c.Ref] {
					t.Errorf("component %q: empty or repeated ref %q", c.Name, c.Ref)
				}
				seen[c.Ref] = true
				if !c.Type.Valid() {
					t.Errorf("component %q: invalid type %q", c.Name, c.Type)
				}
			}
		})
	}
}

// TestParse_formats checks what detection and the parsers make of
// particular files, the metadata included.
func TestParse_formats(t *testing.T) {
	tests := []struct {
		file string
		want vigil.SBOMDocument
	}{
		{"cyclonedx/medical-device-case-study/extended.sbom.json", vigil.SBOMDocument{Format: vigil.FormatCycloneDX, Encoding: vigil.EncodingJSON, SpecVersion: "1.4"}},
		{"cyclonedx/bom-examples/SBOM/laravel-7.12.0/bom.1.1.xml", vigil.SBOMDocument{Format: vigil.FormatCycloneDX, Encoding: vigil.EncodingXML, SpecVersion: "1.1"}},
		{"spdx/bom-shelter-in-the-wild/grype-sbom-modified.spdx.json", vigil.SBOMDocument{Format: vigil.FormatSPDX, Encoding: vigil.EncodingTagValue, SpecVersion: "2.2"}},
		{"spdx/spdx-tools-python/SPDXJSONExample-UTF-16.spdx.json", vigil.SBOMDocument{Format: vigil.FormatSPDX, Encoding: vigil.EncodingJSON, SpecVersion: "2.2"}},
		{"spdx/spdx-tools-python/SPDXTagExample-UTF-16.spdx", vigil.SBOMDocument{Format: vigil.FormatSPDX, Encoding: vigil.EncodingTagValue, SpecVersion: "2.2"}},
		{"spdx/bom-shelter-in-the-wild/cbor-sbom.spdx", vigil.SBOMDocument{Format: vigil.FormatSPDX, Encoding: vigil.EncodingTagValue, SpecVersion: "2.2"}},
		{"spdx/bom-shelter-in-the-wild/usbutils.spdx", vigil.SBOMDocument{Format: vigil.FormatSPDX, Encoding: vigil.EncodingTagValue, SpecVersion: "2.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, _, err := parseBytes(t, readFile(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := vigil.SBOMDocument{Format: doc.Format, Encoding: doc.Encoding, SpecVersion: doc.SpecVersion}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestParse_medicalDevice checks the fields of the real device SBOM.
func TestParse_medicalDevice(t *testing.T) {
	doc, col, err := parseBytes(t, readFile(t, "cyclonedx/medical-device-case-study/extended.sbom.json"))
	if err != nil {
		t.Fatal(err)
	}
	var free *vigil.Component
	for i, c := range col.Components {
		if strings.EqualFold(c.Name, "FreeRTOS") {
			free = &col.Components[i]
		}
	}
	if free == nil {
		t.Fatalf("no FreeRTOS among %d components", len(col.Components))
	}
	if free.Version != "10.0.1" {
		t.Errorf("FreeRTOS version = %q", free.Version)
	}
	if doc.Timestamp.IsZero() {
		t.Errorf("no timestamp")
	}
}

// TestParse_controlCharacters: escaped control characters are removed from
// the values, with a warning; raw ones are a JSON syntax error.
func TestParse_controlCharacters(t *testing.T) {
	doc, _, err := parseBytes(t, readFile(t, "spdx/spdx-tools-python/ControlCharacters.spdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range doc.Authors {
		if strings.ContainsAny(a, "\b\f") {
			t.Errorf("author %q keeps a control character", a)
		}
	}
	if len(doc.Warnings) == 0 {
		t.Errorf("no warning about the removed control characters")
	}
}

// TestParse_spdxRelationships checks how relationships become dependencies.
func TestParse_spdxRelationships(t *testing.T) {
	in := `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"x","documentNamespace":"https://x","creationInfo":{"created":"2024-01-02T03:04:05Z","creators":["Tool: t"]},
"packages":[{"SPDXID":"SPDXRef-a","name":"a"},{"SPDXID":"SPDXRef-b","name":"b"},{"SPDXID":"SPDXRef-c","name":"c"}],
"relationships":[
 {"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-a"},
 {"spdxElementId":"SPDXRef-a","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-b"},
 {"spdxElementId":"SPDXRef-c","relationshipType":"DEPENDENCY_OF","relatedSpdxElement":"SPDXRef-a"},
 {"spdxElementId":"SPDXRef-a","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-c"},
 {"spdxElementId":"SPDXRef-b","relationshipType":"DEV_DEPENDENCY_OF","relatedSpdxElement":"SPDXRef-c"},
 {"spdxElementId":"SPDXRef-b","relationshipType":"GENERATED_FROM","relatedSpdxElement":"SPDXRef-c"},
 {"spdxElementId":"SPDXRef-a","relationshipType":"DEPENDS_ON","relatedSpdxElement":"NOASSERTION"}]}`
	doc, col, err := parseBytes(t, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []vigil.Dependency{
		{Ref: "SPDXRef-a", DependsOn: []string{"SPDXRef-b"}},
		{Ref: "SPDXRef-a", DependsOn: []string{"SPDXRef-c"}},
		{Ref: "SPDXRef-a", DependsOn: []string{"SPDXRef-c"}},
		{Ref: "SPDXRef-c", DependsOn: []string{"SPDXRef-b"}},
	}
	if diff := cmp.Diff(want, col.Dependencies); diff != "" {
		t.Errorf("dependencies (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]string{"SPDXRef-a"}, doc.Describes); diff != "" {
		t.Errorf("describes (-want +got)\n%s", diff)
	}
}

// TestParse_nested flattens nested components and keeps the parent.
func TestParse_nested(t *testing.T) {
	in := `{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"type":"device","name":"pump","bom-ref":"pump"}},
"components":[{"type":"firmware","name":"fw","bom-ref":"fw","components":[{"type":"library","name":"zlib","version":"1.3","purl":"pkg:generic/zlib@1.3"},{"type":"library","name":"ssl","bom-ref":"ssl","components":[{"type":"library","name":"asn1"}]}]}],
"dependencies":[{"ref":"pump","dependsOn":["fw"]},{"ref":"fw"}]}`
	doc, col, err := parseBytes(t, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Ref, Parent, Name string }
	var got []row
	for _, c := range col.Components {
		got = append(got, row{c.Ref, c.ParentRef, c.Name})
	}
	want := []row{
		{"pump", "", "pump"},
		{"fw", "", "fw"},
		{"vigil:components[0].components[0]", "fw", "zlib"},
		{"ssl", "fw", "ssl"},
		{"vigil:components[0].components[1].components[0]", "ssl", "asn1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]string{"pump"}, doc.Describes); diff != "" {
		t.Errorf("describes (-want +got)\n%s", diff)
	}
	if len(col.Dependencies) != 2 || col.Dependencies[1].DependsOn != nil {
		t.Errorf("dependencies = %+v", col.Dependencies)
	}
}

// TestParse_hostile feeds broken and hostile input; each must fail with
// an error that says what and where, or parse.
func TestParse_hostile(t *testing.T) {
	small := Limits{MaxSize: 4096, MaxDepth: 16, MaxString: 256, MaxComponents: 3}
	deep := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[` + strings.Repeat(`{"type":"library","name":"x","components":[`, 40) + strings.Repeat(`]}`, 40) + `]}`
	tests := []struct {
		name   string
		in     string
		limits Limits
		err    string // "" means it must parse
	}{
		{"empty", "", Limits{}, "empty document"},
		{"white space", " \n\t ", Limits{}, "empty document"},
		{"binary", "\x00\x01\x02\x03garbage", Limits{}, "looks like"},
		{"utf16 without bom", "{\x00\"\x00", Limits{}, "UTF-16 without a byte order mark"},
		{"csaf", `{"document":{"csaf_version":"2.0"}}`, Limits{}, "looks like a CSAF advisory"},
		{"osv", `{"schema_version":"1.6.0","id":"GHSA-x","affected":[]}`, Limits{}, "looks like an OSV record"},
		{"spdx3", `{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[]}`, Limits{}, "SPDX 3"},
		{"json array", `[{"bomFormat":"CycloneDX"}]`, Limits{}, "JSON array"},
		{"html", `<!DOCTYPE html><html><body>x</body></html>`, Limits{}, "root element <html>"},
		{"trailing garbage", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]} trailing`, Limits{}, "content after the end of the document"},
		{"second document", `{"bomFormat":"CycloneDX","specVersion":"1.6"}{"bomFormat":"CycloneDX"}`, Limits{}, "content after the end of the document (an object)"},
		{"trailing white space", "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}\n\n", Limits{}, ""},
		{"truncated", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library",`, Limits{}, "components[0]"},
		{"raw control character", "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"type\":\"library\",\"name\":\"a\x01b\"}]}", Limits{}, "components[0]: invalid JSON: invalid character '\\x01' in string literal (line 1, column"},
		{"syntax error position", "{\"bomFormat\":\"CycloneDX\",\n\"specVersion\":\"1.6\",\n\"components\":[\n{\"type\":\"library\" \"name\":\"a\"}]}", Limits{}, "(line 4, column"},
		{"wrong type", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":42}]}`, Limits{}, "components[0]: name is a JSON number, want string"},
		{"components not array", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":{}}`, Limits{}, "components: want an array, found an object"},
		{"bad purl", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a"},{"type":"library","name":"b","purl":"pkg:npm/"}]}`, Limits{}, `components[1].purl: invalid purl "pkg:npm/"`},
		{"no bomFormat", `{"specVersion":"1.6","components":[],"$schema":"http://cyclonedx.org/schema/bom-1.6.schema.json"}`, Limits{}, "no bomFormat"},
		{"spec 1.7", `{"bomFormat":"CycloneDX","specVersion":"1.7"}`, Limits{}, `spec version "1.7"`},
		{"spdx 3 version", `{"spdxVersion":"SPDX-3.0"}`, Limits{}, `SPDX version "SPDX-3.0"`},
		{"deep nesting", deep, small, "nesting deeper than the limit of 16"},
		{"deep nesting default", `{"bomFormat":"CycloneDX","x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`, Limits{}, "nesting deeper than the limit of 256"},
		{"long string", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"` + strings.Repeat("a", 300) + `"}]}`, small, "string longer than the 256-byte limit"},
		{"too big", `{"bomFormat":"CycloneDX","specVersion":"1.6","x":"` + strings.Repeat("a", 200) + `",` + strings.Repeat(`"y":1,`, 1000) + `"z":1}`, small, "larger than the 4096-byte limit"},
		{"too many components", `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a"},{"type":"library","name":"b"},{"type":"library","name":"c"},{"type":"library","name":"d"}]}`, small, "components[3]: more than the limit of 3 components"},
		{"xml deep", `<bom xmlns="http://cyclonedx.org/schema/bom/1.6">` + strings.Repeat("<a>", 40) + strings.Repeat("</a>", 40) + `</bom>`, small, "elements nested deeper than the limit of 16"},
		{"xml trailing", `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"></bom><bom/>`, Limits{}, "content after the end of the document"},
		{"xml mismatched", `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>a</name></components></bom>`, Limits{}, "invalid XML"},
		{"xml entity", `<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x "xx">]><bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>&x;</name></component></components></bom>`, Limits{}, "invalid XML"},
		{"xml long text", `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>` + strings.Repeat("a", 300) + `</name></component></components></bom>`, small, "text longer than the 256-byte limit"},
		{"tag-value bad line", "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nthis is not a tag\n", Limits{}, `not a "Tag: value" line: "this is not a tag" (line 3)`},
		{"tag-value open text", "SPDXVersion: SPDX-2.3\nPackageName: a\nSPDXID: SPDXRef-a\nPackageDescription: <text>never closed\n", Limits{}, "PackageDescription: <text> is never closed by </text> (line 4)"},
		{"tag-value long line", "SPDXVersion: SPDX-2.3\nPackageName: " + strings.Repeat("a", 300) + "\n", small, "line longer than the 256-byte limit (line 2)"},
		{"tag-value no id", "SPDXVersion: SPDX-2.3\nPackageName: a\nPackageVersion: 1\n", Limits{}, `package "a".SPDXID: package has no SPDXID (line 2)`},
		{"tag-value bad checksum", "SPDXVersion: SPDX-2.3\nPackageName: a\nSPDXID: SPDXRef-a\nPackageChecksum: SHA1: zz\n", Limits{}, `package "a".checksums[0]: SHA-1 value is not hexadecimal (line 2)`},
		{"tag-value nul", "SPDXVersion: SPDX-2.3\nPackageName: a\x00b\n", Limits{}, "NUL byte"},
		{"spdx json bad created", `{"spdxVersion":"SPDX-2.3","creationInfo":{"created":"yesterday","creators":[]}}`, Limits{}, `creationInfo.created: created "yesterday"`},
		{"spdx json duplicate id", `{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-a","name":"a"},{"SPDXID":"SPDXRef-a","name":"b"}]}`, Limits{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Parser{Limits: tt.limits}
			var col Collector
			_, err := p.Parse(t.Context(), strings.NewReader(tt.in), &col)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse accepted it; want %q", tt.err)
			}
			if !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error = %q\nwant it to contain %q", err, tt.err)
			}
			if !errors.Is(err, vigil.ErrInvalid) {
				t.Errorf("error %v does not wrap vigil.ErrInvalid", err)
			}
		})
	}
}

// TestParse_sinkError stops at the sink's error and passes it on.
func TestParse_sinkError(t *testing.T) {
	stop := errors.New("disk full")
	n := 0
	sink := SinkFuncs{OnComponent: func(*vigil.Component) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	}}
	_, err := Parse(t.Context(), bytes.NewReader(readFile(t, "cyclonedx/bom-examples/SBOM/dropwizard-1.3.15/bom.json")), sink)
	if !errors.Is(err, stop) {
		t.Fatalf("error = %v; want %v", err, stop)
	}
	if errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("a sink error is not the input's fault: %v", err)
	}
	if n != 2 {
		t.Errorf("sink called %d times after its error", n)
	}
}

// TestParse_canceled stops when the context ends.
func TestParse_canceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Parse(ctx, bytes.NewReader(readFile(t, "cyclonedx/bom-examples/SBOM/dropwizard-1.3.15/bom.json")), &Collector{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v; want context.Canceled", err)
	}
}

// TestDetect names each kind from content alone.
func TestDetect(t *testing.T) {
	tests := []struct {
		head string
		want Kind
	}{
		{`{"bomFormat":"CycloneDX"}`, KindCycloneDXJSON},
		{"\ufeff" + `{"spdxVersion":"SPDX-2.3"}`, KindSPDXJSON},
		{`<?xml version="1.0"?><!-- c --><bom xmlns="http://cyclonedx.org/schema/bom/1.4">`, KindCycloneDXXML},
		{"# comment\nSPDXVersion: SPDX-2.2\n", KindSPDXTagValue},
	}
	for _, tt := range tests {
		got, err := Detect([]byte(tt.head))
		if err != nil || got != tt.want {
			t.Errorf("Detect(%q) = %q, %v; want %q", tt.head, got, err, tt.want)
		}
	}
}

func ExampleParse() {
	in := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
	  {"type":"library","name":"zlib","version":"1.3.1","purl":"pkg:generic/zlib@1.3.1",
	   "properties":[{"name":"fda:support_level","value":"actively_maintained"},{"name":"fda:end_of_support","value":"2030-12-31"}]}]}`
	sink := SinkFuncs{OnComponent: func(c *vigil.Component) error {
		fmt.Println(c.Name, c.Version, c.PURL, c.SupportLevel, c.EndOfSupport)
		return nil
	}}
	doc, err := Parse(context.Background(), strings.NewReader(in), sink)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Format, doc.SpecVersion, doc.Components)
	// Output:
	// zlib 1.3.1 pkg:generic/zlib@1.3.1 actively_maintained 2030-12-31
	// cyclonedx 1.6 1
}
