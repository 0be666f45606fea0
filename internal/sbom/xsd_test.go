package sbom

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/realdata"
)

// xmllint returns the path of xmllint, skipping the test where it is
// missing (failing it under CI=true, where .ci/run installs it).
func xmllint(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("xmllint is required under CI=true (package libxml2-utils): %v", err)
		}
		t.Skipf("xmllint not installed (package libxml2-utils): %v", err)
	}
	return p
}

// TestEncode_cycloneDXXMLSchema writes every real SBOM, and components with
// CPEs that tools write unquoted ("g++"), as CycloneDX XML and validates
// each file against the official 1.6 XSD with xmllint.
func TestEncode_cycloneDXXMLSchema(t *testing.T) {
	lint := xmllint(t)
	xsd := realdata.Path(t, "sbom/cyclonedx/schema/bom-1.6.xsd")
	dir := t.TempDir()
	var files []string
	write := func(name string, doc *vigil.SBOMDocument, comps []vigil.Component, deps []vigil.Dependency) {
		var out bytes.Buffer
		if err := Encode(&out, KindCycloneDXXML, doc, comps, deps); err != nil {
			t.Fatalf("%s: Encode: %v", name, err)
		}
		f := filepath.Join(dir, fmt.Sprintf("%03d.xml", len(files)))
		if err := os.WriteFile(f, out.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	names := map[string]string{}
	for _, rel := range sbomFiles(t) {
		doc, col, err := parseBytes(t, readFile(t, rel))
		if err != nil {
			continue
		}
		names[filepath.Join(dir, fmt.Sprintf("%03d.xml", len(files)))] = rel
		write(rel, exportDoc(doc), col.Components, col.Dependencies)
	}
	// CPEs as tools write them, parsed and written again.
	in := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[` +
		`{"type":"library","name":"g++","version":"4.8","cpe":"cpe:2.3:a:gnu:g++:4.8:*:*:*:*:*:*:*"},` +
		`{"type":"library","name":"notepad++","version":"8.1","cpe":"cpe:2.3:a:notepad-plus-plus:notepad++:8.1:*:*:*:*:*:*:*","properties":[{"name":"vigil:cpe","value":"cpe:2.3:a:don_ho:notepad++(x64):8.1:*:*:*:*:*:*:*"}]},` +
		`{"type":"library","name":"quoted","version":"1","cpe":"cpe:2.3:a:acme:c\\+\\+lib:1\\.0:*:*:*:*:*:*:*"}]}`
	doc, col, err := parseBytes(t, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	names[filepath.Join(dir, fmt.Sprintf("%03d.xml", len(files)))] = "CPEs with +"
	write("cpes", exportDoc(doc), col.Components, nil)
	if len(files) < 100 {
		t.Fatalf("only %d exports", len(files))
	}
	// The XSD imports the SPDX licence XSD by its URL; a catalog points
	// xmllint at the copy beside it, so nothing is fetched.
	catalog := filepath.Join(dir, "catalog.xml")
	spdx := "file://" + filepath.ToSlash(realdata.Path(t, "sbom/cyclonedx/schema/spdx.xsd"))
	if err := os.WriteFile(catalog, []byte(`<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <uri name="http://cyclonedx.org/schema/spdx" uri="`+spdx+`"/>
  <system systemId="http://cyclonedx.org/schema/spdx" uri="`+spdx+`"/>
</catalog>
`), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(lint, append([]string{"--noout", "--nonet", "--schema", xsd}, files...)...)
	cmd.Env = append(os.Environ(), "XML_CATALOG_FILES="+catalog)
	out, err := cmd.CombinedOutput()
	valid := strings.Count(string(out), " validates")
	if err != nil || valid != len(files) {
		var bad []string
		for _, line := range strings.Split(string(out), "\n") {
			if line == "" || strings.HasSuffix(line, " validates") {
				continue
			}
			f, _, _ := strings.Cut(line, ":")
			bad = append(bad, names[f]+": "+line)
		}
		if len(bad) > 30 {
			bad = bad[:30]
		}
		t.Errorf("xmllint: %d of %d exports validate (%v):\n%s", valid, len(files), err, strings.Join(bad, "\n"))
	}
}
