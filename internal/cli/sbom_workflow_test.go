package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vigil/vigil/internal/realdata"
)

// demoSBOM is the quickstart pump's SBOM, written for the demo (real
// components and versions), which the demo feeds' records match.
const demoSBOM = "../../internal/demo/data/infusion-pump-3.0.cdx.json"

func TestSBOMWorkflow(t *testing.T) {
	r := newRunner(t)
	r.ok("org", "create", "acme", "--kind", "manufacturer")
	r.ok("product", "create", "Pump", "--manufacturer", "Acme")
	r.ok("release", "create", "3.0", "-p", "Pump")
	r.ok("release", "create", "3.1", "-p", "Pump")

	out := r.ok("sbom", "import", medicalSBOM(t), "-p", "Pump", "-r", "3.0")
	if !strings.Contains(out, "imported cyclonedx 1.4 (json) into Pump 3.0: 66 components") {
		t.Errorf("import output:\n%s", out)
	}
	if out := r.ok("sbom", "import", medicalSBOM(t), "-p", "Pump", "-r", "3.0"); !strings.HasPrefix(out, "unchanged") {
		t.Errorf("second import:\n%s", out)
	}

	// 3.1: the same SBOM with FreeRTOS upgraded and jQuery gone, made here.
	raw, err := os.ReadFile(medicalSBOM(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var kept []any
	for _, c := range doc["components"].([]any) {
		m := c.(map[string]any)
		switch m["name"] {
		case "jQuery":
			continue
		case "FreeRTOS":
			m["version"] = "10.4.3"
		}
		kept = append(kept, m)
	}
	doc["components"] = kept
	next, _ := json.Marshal(doc)
	nextFile := filepath.Join(t.TempDir(), "next.json")
	if err := os.WriteFile(nextFile, next, 0o600); err != nil {
		t.Fatal(err)
	}
	r.ok("sbom", "import", nextFile, "-p", "Pump", "-r", "3.1")
	diff := r.ok("sbom", "diff", "-p", "Pump", "3.0", "3.1", "-o", "csv")
	for _, want := range []string{"removed,pkg:nuget/jquery,3.1.1,-", "changed,", "10.0.1,10.4.3"} {
		if !strings.Contains(strings.ToLower(diff), strings.ToLower(want)) {
			t.Errorf("diff lacks %q:\n%s", want, diff)
		}
	}

	// --strict exits 3 while the FDA fields are missing.
	code, stdout, _ := r.run("sbom", "check", "-p", "Pump", "-r", "3.0", "--strict")
	if code != 3 || !strings.Contains(stdout, "support_level") {
		t.Errorf("check --strict: exit %d\n%s", code, stdout)
	}
	if code, _, _ := r.run("sbom", "check", medicalSBOM(t)); code != 0 {
		t.Errorf("check FILE without --strict: exit %d", code)
	}
	// What the parser flags is shown by the check too, not only by import.
	badLicence := filepath.Join(t.TempDir(), "licence.cdx.json")
	os.WriteFile(badLicence, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[
		{"type":"library","name":"zlib","version":"1.3","licenses":[{"license":{"id":"Apache-2"}}]}]}`), 0o600)
	if code, stdout, _ := r.run("sbom", "check", badLicence); code != 0 || !strings.Contains(stdout, "warning: ") || !strings.Contains(stdout, `"Apache-2"`) {
		t.Errorf("check of an SBOM with a licence id not on the SPDX list: exit %d, no warning naming it:\n%s", code, stdout)
	}
	if code, _, stderr := r.run("sbom", "check"); code != 2 || !strings.Contains(stderr, "usage") {
		t.Errorf("check with neither: exit %d %q", code, stderr)
	}

	csvFile := filepath.Join(t.TempDir(), "support.csv")
	os.WriteFile(csvFile, []byte("name,version,support_level,end_of_support\nFreeRTOS,10.0.1,maybe,2021-12-31\n"), 0o600)
	code, _, stderr := r.run("sbom", "support", "import", csvFile, "-p", "Pump", "-r", "3.0")
	if code != 1 || !strings.Contains(stderr, "line 2") || !strings.Contains(stderr, "nothing was applied") {
		t.Errorf("faulty addendum: exit %d, stderr %q", code, stderr)
	}
	os.WriteFile(csvFile, []byte("name,version,support_level,end_of_support\nFreeRTOS,10.0.1,no_longer_maintained,2021-12-31\n"), 0o600)
	if out := r.ok("sbom", "support", "import", csvFile, "-p", "Pump", "-r", "3.0"); !regexp.MustCompile(`components updated\s+1\n`).MatchString(out) {
		t.Errorf("addendum:\n%s", out)
	}

	exported := filepath.Join(t.TempDir(), "out.spdx.json")
	r.ok("sbom", "export", "-p", "Pump", "-r", "3.0", "--format", "spdx-json", "--out", exported)
	if code, _, stderr := r.run("sbom", "export", "-p", "Pump", "-r", "3.0", "--format", "spdx-json", "--out", exported); code != 1 || !strings.Contains(stderr, "exists") {
		t.Errorf("export over an existing file: exit %d %q", code, stderr)
	}
	// The export carries the support fields and checks as such.
	check := r.ok("sbom", "check", exported, "-o", "json")
	var rep struct {
		Components int `json:"components"`
		Elements   []struct {
			Element string `json:"element"`
			Present int    `json:"present"`
		} `json:"elements"`
	}
	if err := json.Unmarshal([]byte(check), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Components != 66 {
		t.Errorf("exported SPDX has %d components, want 66", rep.Components)
	}
	for _, e := range rep.Elements {
		// The SBOM states it ("Open source", "Until hardware support ends"…)
		// on 65 components; the addendum gave FreeRTOS a date.
		if e.Element == "end_of_support" && e.Present != 65 {
			t.Errorf("exported SPDX has end_of_support on %d components, want 65", e.Present)
		}
	}
	if out := r.ok("sbom", "export", "-p", "Pump", "-r", "3.0", "--format", "original"); out != string(raw) {
		t.Errorf("original export differs from the file")
	}
	if code, _, _ := r.run("sbom", "export", "-p", "Pump", "-r", "3.0", "--format", "pdf"); code != 2 {
		t.Errorf("unknown export format: exit %d, want 2", code)
	}
	if out := r.ok("sbom", "list", "-p", "Pump", "-r", "3.0", "-o", "json"); strings.Count(out, `"sha256"`) != 1 {
		t.Errorf("sbom list:\n%s", out)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, raw[:500], 0o600)
	if code, _, stderr := r.run("sbom", "import", bad, "-p", "Pump", "-r", "3.0"); code != 1 || !strings.Contains(stderr, "line") {
		t.Errorf("truncated SBOM: exit %d %q", code, stderr)
	}
}

// medicalSBOM is the shared test data folder sbom/cyclonedx/medical-device-case-study/extended.sbom.json.
func medicalSBOM(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "sbom/cyclonedx/medical-device-case-study/extended.sbom.json")
}
