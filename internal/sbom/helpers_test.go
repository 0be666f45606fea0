package sbom

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/realdata"
)

// sbomFiles lists every SBOM of the shared test data: every file under
// sbom/ but the schemas, the notes and the checksum and dataset listings
// beside them, as paths relative to that folder.
func sbomFiles(t testing.TB) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(testdataRoot(t), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.Contains(p, "/schema/") || strings.HasSuffix(p, ".md") || strings.HasSuffix(p, "LICENSE") ||
			strings.HasSuffix(p, ".csv") || strings.HasSuffix(p, ".sha256") || d.Name() == "shas" {
			return nil
		}
		rel, _ := filepath.Rel(testdataRoot(t), p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("found only %d SBOM files under %s", len(out), testdataRoot(t))
	}
	return out
}

func readFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdataRoot(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The counters below count components without the code under test: a
// generic JSON tree, an XML element stack, or the text's PackageName lines.

// decodeText undoes a UTF-16 or UTF-8 byte order mark.
func decodeText(b []byte) []byte {
	switch {
	case len(b) >= 2 && b[0] == 0xff && b[1] == 0xfe, len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff:
		big := b[0] == 0xfe
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			if big {
				u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
			} else {
				u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
			}
		}
		return []byte(string(utf16.Decode(u)))
	case bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}):
		return b[3:]
	}
	return b
}

// countCycloneDXJSON counts components[] recursively plus
// metadata.component and its nested components, and dependencies[].
func countCycloneDXJSON(b []byte) (comps, deps int, err error) {
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return 0, 0, err
	}
	var count func(v any) int
	count = func(v any) int {
		arr, _ := v.([]any)
		n := 0
		for _, e := range arr {
			n++
			if m, ok := e.(map[string]any); ok {
				n += count(m["components"])
			}
		}
		return n
	}
	comps = count(doc["components"])
	if md, ok := doc["metadata"].(map[string]any); ok {
		if c, ok := md["component"].(map[string]any); ok {
			comps += 1 + count(c["components"])
		}
	}
	d, _ := doc["dependencies"].([]any)
	return comps, len(d), nil
}

// countCycloneDXXML counts <component> elements that are BOM components:
// children of /bom/components, of /bom/metadata, or of the <components> of
// a counted component (not tools, not pedigree ancestors).
func countCycloneDXXML(b []byte) (comps, deps int, err error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	type el struct {
		name    string
		counted bool
	}
	var stack []el
	for {
		t, err := d.Token()
		if errors.Is(err, io.EOF) {
			return comps, deps, nil
		}
		if err != nil {
			return 0, 0, err
		}
		switch v := t.(type) {
		case xml.StartElement:
			e := el{name: v.Name.Local}
			n := len(stack)
			if e.name == "component" && n >= 2 {
				parent, grand := stack[n-1], stack[n-2]
				e.counted = parent.name == "components" && (grand.name == "bom" || grand.name == "component" && grand.counted) ||
					parent.name == "metadata" && grand.name == "bom"
				if e.counted {
					comps++
				}
			}
			if e.name == "dependency" && n >= 2 && stack[n-1].name == "dependencies" && stack[n-2].name == "bom" {
				deps++
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

// countSPDXJSON counts packages[].
func countSPDXJSON(b []byte) (int, error) {
	var doc struct {
		Packages []json.RawMessage `json:"packages"`
	}
	err := json.Unmarshal(b, &doc)
	return len(doc.Packages), err
}

var rePackageName = regexp.MustCompile(`(?m)^PackageName:`)

// countSPDXTagValue counts PackageName: lines (any line ending).
func countSPDXTagValue(b []byte) int {
	text := strings.ReplaceAll(strings.ReplaceAll(string(b), "\r\n", "\n"), "\r", "\n")
	return len(rePackageName.FindAllStringIndex(text, -1))
}

// independentCount counts a file's components by the file's kind, told
// from the content the simplest way.
func independentCount(t *testing.T, b []byte) (comps, deps int) {
	t.Helper()
	text := decodeText(b)
	trim := bytes.TrimSpace(text)
	var err error
	switch {
	case bytes.HasPrefix(trim, []byte("{")) && bytes.Contains(trim, []byte(`"bomFormat"`)):
		comps, deps, err = countCycloneDXJSON(trim)
	case bytes.HasPrefix(trim, []byte("{")):
		comps, err = countSPDXJSON(trim)
		deps = -1
	case bytes.HasPrefix(trim, []byte("<")):
		comps, deps, err = countCycloneDXXML(text)
	default:
		comps, deps = countSPDXTagValue(text), -1
	}
	if err != nil {
		t.Fatalf("independent count: %v", err)
	}
	return comps, deps
}

// parseBytes parses b into a Collector.
func parseBytes(t testing.TB, b []byte) (*vigil.SBOMDocument, *Collector, error) {
	t.Helper()
	var c Collector
	doc, err := Parse(t.Context(), bytes.NewReader(b), &c)
	return doc, &c, err
}

// identity is what the round trip keeps across formats.
type identity struct {
	Name, Version, PURL string
}

func identities(cs []vigil.Component) map[identity]int {
	m := make(map[identity]int)
	for _, c := range cs {
		m[identity{c.Name, c.Version, c.PURL}]++
	}
	return m
}

// testdataRoot is the shared test data folder sbom.
func testdataRoot(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "sbom")
}
