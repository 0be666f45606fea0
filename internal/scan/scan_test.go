package scan

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/realdata"
	"github.com/vigil/vigil/internal/vex/cyclonedx"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sample is a scan result as the service builds it, with the real
// advisories of the demo SBOM's jQuery and Newtonsoft.Json, and a vendor
// statement that a firmware component is not affected.
func sample() *Result {
	jq := &vigil.Component{Ref: "jq", Type: vigil.ComponentLibrary, Name: "jQuery", Version: "3.1.1", PURL: "pkg:nuget/jQuery@3.1.1"}
	nj := &vigil.Component{Ref: "nj", Type: vigil.ComponentLibrary, Name: "Newtonsoft.Json", Version: "9.0.1", PURL: "pkg:nuget/Newtonsoft.Json@9.0.1"}
	fw := &vigil.Component{Ref: "fw", Type: vigil.ComponentFirmware, Name: "VxWorks", Version: "6.4"}
	ev := func(m, id string) []vigil.Evidence {
		return []vigil.Evidence{{Matcher: m, MatcherVersion: 1, Identifier: id, Source: vigil.Provenance{Source: vigil.SourceOSV, SourceID: id}}}
	}
	r := &Result{
		Document:   &vigil.SBOMDocument{Format: vigil.FormatCycloneDX, SpecVersion: "1.4", Encoding: vigil.EncodingJSON},
		Components: 3, Candidates: 3,
		Findings: []Entry{
			{Component: nj, VulnID: "GHSA-5crp-9r3c-p9vr", Summary: "Improper Handling of Exceptional Conditions in Newtonsoft.Json",
				Status: vigil.MatchAffected, Confidence: vigil.ConfidenceExact, Evidence: ev("match/purlrange", "GHSA-5crp-9r3c-p9vr")},
			{Component: fw, VulnID: "CVE-2019-12256", Status: vigil.MatchNotAffected, Confidence: vigil.ConfidenceHeuristic,
				Evidence: ev("match/csafproduct", "ICSA-19-211-01")},
			{Component: jq, VulnID: "CVE-2020-11022", Aliases: []string{"GHSA-gxr4-xjj5-5px2"}, Summary: "Potential XSS vulnerability in jQuery",
				Status: vigil.MatchAffected, Confidence: vigil.ConfidenceExact,
				Severity: &vigil.Severity{Version: vigil.CVSS31, Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:L/A:N", BaseScore: 6.9, Rating: vigil.RatingMedium},
				EPSS:     &vigil.EPSSScore{CVEID: "CVE-2020-11022", Score: 0.2, Percentile: 0.96},
				Evidence: ev("match/purlrange", "GHSA-gxr4-xjj5-5px2")},
		},
	}
	Sort(r.Findings)
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/scan -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./internal/scan -update and review the diff\ngot:\n%s", name, got)
	}
}

func TestSortAndFailOn(t *testing.T) {
	r := sample()
	var order []string
	for _, f := range r.Findings {
		order = append(order, f.VulnID)
	}
	// Findings before statements; the scored one before the unscored.
	want := []string{"CVE-2020-11022", "GHSA-5crp-9r3c-p9vr", "CVE-2019-12256"}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order = %v, want %v", order, want)
		}
	}
	for level, want := range map[string]bool{"none": false, "": false, "low": true, "critical": true, "kev": false} {
		if got := r.FailsOn(level); got != want {
			t.Errorf("FailsOn(%q) = %v, want %v", level, got, want)
		}
	}
	if _, err := ParseFailOn("severe"); err == nil {
		t.Error("ParseFailOn(severe) succeeded")
	}
}

func TestSARIF(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSARIF(&b, sample(), "device.cdx.json", "1.0.0"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
				Level  string `json:"level"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) != 2 {
		t.Fatalf("SARIF = %s", b.String())
	}
	golden(t, "scan.sarif.golden", b.Bytes())
}

func TestCycloneDXVEX(t *testing.T) {
	var b bytes.Buffer
	if err := cyclonedx.New().Write(&b, VEX(sample(), time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC), "1.0.0")); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	dir := realdata.Path(t, "sbom/cyclonedx/schema")
	for url, file := range map[string]string{
		"http://cyclonedx.org/schema/bom-1.6.schema.json":  "bom-1.6.schema.json",
		"http://cyclonedx.org/schema/spdx.schema.json":     "spdx.schema.json",
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": "jsf-0.82.schema.json",
	} {
		f, err := os.Open(filepath.Join(dir, file))
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
	sch, err := c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("VEX does not validate against CycloneDX 1.6: %v", err)
	}
	golden(t, "scan.cdx-vex.golden", b.Bytes())
}

// TestVEXStatements checks what the VEX says per finding: each component
// keeps its own status (one vulnerability fixed in one component and not in
// another is two statements), a finding listed twice is one statement, and
// the CycloneDX VEX reads back with the rating.
func TestVEXStatements(t *testing.T) {
	r := sample()
	lib := &vigil.Component{Ref: "jq2", Type: vigil.ComponentLibrary, Group: "web", Name: "jQuery", Version: "3.5.0"}
	r.Findings = append(r.Findings, r.Findings[0], Entry{Component: lib, VulnID: "CVE-2020-11022", Status: vigil.MatchFixed})
	d := VEX(r, time.Date(2026, 11, 28, 12, 0, 0, 500, time.UTC), "1.0.0")
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	got := map[string]vigil.TriageState{}
	for _, s := range d.Statements {
		got[s.Vulnerability+" "+s.Component] = s.Status
	}
	want := map[string]vigil.TriageState{"CVE-2019-12256 fw": vigil.TriageNotAffected, "CVE-2020-11022 jq": vigil.TriageUnderInvestigation,
		"CVE-2020-11022 jq2": vigil.TriageFixed, "GHSA-5crp-9r3c-p9vr nj": vigil.TriageUnderInvestigation}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	var b bytes.Buffer
	if err := cyclonedx.New().Write(&b, d); err != nil {
		t.Fatal(err)
	}
	back, err := cyclonedx.New().Parse(&b)
	if err != nil {
		t.Fatal(err)
	}
	if back.ID != d.ID || !back.Updated.Equal(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("id %s, updated %v", back.ID, back.Updated)
	}
	rated := 0
	for _, s := range back.Statements {
		if s.Vulnerability == "CVE-2020-11022" && s.Product == "jq" {
			rated++
			if len(s.Ratings) != 1 || s.Ratings[0].Score != 6.9 || s.Ratings[0].Version != vigil.CVSS31 || s.Ratings[0].Severity != vigil.RatingMedium {
				t.Errorf("ratings %+v", s.Ratings)
			}
		}
	}
	if rated != 1 {
		t.Errorf("%d statements on CVE-2020-11022 in jq, want 1", rated)
	}
	if p, ok := back.ProductByRef("jq2"); !ok || p.Group != "web" || p.Type != vigil.ComponentLibrary {
		t.Errorf("jq2 = %+v", p)
	}
}
