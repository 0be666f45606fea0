package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFleetWorkflow(t *testing.T) {
	r := newRunner(t)
	const (
		csvFile = "../../internal/demo/data/st-elsewhere-cmms-export.csv"
		mapping = "../../internal/demo/data/st-elsewhere-cmms-mapping.yaml"
		sbom    = demoSBOM
	)
	r.ok("org", "create", "acme-medical", "--kind", "manufacturer", "--name", "Acme Medical Devices")
	r.ok("org", "create", "st-elsewhere", "--kind", "healthcare_provider", "--name", "St. Elsewhere")
	r.env["VIGIL_ORG"] = "acme-medical"
	r.ok("product", "create", "Infusion Pump", "--manufacturer", "Acme Medical Devices", "--model", "IP-3000", "--model", "IP-3000W")
	r.ok("release", "create", "3.0", "--product", "Infusion Pump")
	r.ok("sbom", "import", sbom, "--product", "Infusion Pump", "--release", "3.0")
	if out := r.ok("share", "create", "--with", "st-elsewhere", "--product", "Infusion Pump"); !strings.Contains(out, "every release of Infusion Pump") {
		t.Errorf("share create:\n%s", out)
	}
	r.env["VIGIL_ORG"] = "st-elsewhere"

	// A broken file: every problem listed with row and column, nothing imported.
	raw, err := os.ReadFile(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	broken := strings.Replace(strings.Replace(string(raw), "10.40.12.32", "10.40.12.999", 1), "Life Support,Y,St. Elsewhere Main,South Wing", "Vital,Y,St. Elsewhere Main,South Wing", 1)
	if err := os.WriteFile(bad, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := r.run("asset", "import", bad, "--mapping", mapping)
	if code != 1 || !strings.Contains(out, `3    IP Address  "10.40.12.999" is not an IPv4 or IPv6 address`) || !strings.Contains(stderr, "nothing was imported") {
		t.Errorf("import of a broken file: exit %d\n%s\n%s", code, out, stderr)
	}
	if out := r.ok("asset", "list"); strings.Count(out, "\n") != 1 {
		t.Errorf("assets after a failed import:\n%s", out)
	}
	if out := r.ok("asset", "import", csvFile, "--mapping", mapping, "--dry-run"); !strings.Contains(out, "18 rows checked (dry run, nothing written): 18 created") {
		t.Errorf("dry run:\n%s", out)
	}
	if out := r.ok("asset", "import", csvFile, "--mapping", mapping); !strings.Contains(out, "18 created, 0 updated, 0 unchanged, 0 decommissioned (frozen), 0 problems") ||
		!strings.Contains(out, "2 mapped to releases") {
		t.Errorf("import:\n%s", out)
	}
	if out := r.ok("asset", "import", csvFile, "--mapping", mapping); !strings.Contains(out, "0 created, 0 updated, 18 unchanged") {
		t.Errorf("re-import:\n%s", out)
	}
	// The same export, read with flags instead of the mapping file, and a
	// changed unit: one row updated.
	changed := filepath.Join(t.TempDir(), "changed.csv")
	if err := os.WriteFile(changed, []byte(strings.Replace(string(raw), "ICU 4S", "ICU 4S bed 12", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := r.ok("asset", "import", changed, "--mapping", mapping); !strings.Contains(out, "0 created, 1 updated, 17 unchanged") {
		t.Errorf("import of a changed row:\n%s", out)
	}

	r.ok("asset", "alias", "add", "ACME Med", "Acme Medical Devices")
	if out := r.ok("asset", "show", "BME-100233"); !strings.Contains(out, "Infusion Pump 3.0 (probable)") {
		t.Errorf("asset show after the alias:\n%s", out)
	}
	if out := r.ok("asset", "unmapped"); !strings.Contains(out, "BME-100260") || !strings.Contains(out, "Infusion Pump@3.0") {
		t.Errorf("unmapped:\n%s", out)
	}
	r.ok("asset", "map", "BME-100260", "--release", "Infusion Pump@3.0", "--note", "IP-4000 runs the 3.0 firmware")
	if code, _, stderr := r.run("asset", "map", "BME-100260"); code != 2 || !strings.Contains(stderr, "--release or --unmap") {
		t.Errorf("map without a release: exit %d %s", code, stderr)
	}

	r.ok("feed", "import", "../../internal/demo/data/feeds/osv/CVE-2020-11022.json")
	out = r.ok("exposure", "CVE-2020-11022")
	for _, want := range []string{"4 assets exposed", "BME-100231", "BME-100260", "ICU 4N", "Clinical-Infusion", "sbom", "jQuery 3.4.1"} {
		if !strings.Contains(out, want) {
			t.Errorf("exposure lacks %q:\n%s", want, out)
		}
	}
	var events []struct {
		AssetTag string `json:"asset_tag"`
		VulnID   string `json:"vuln_id"`
	}
	if err := json.Unmarshal([]byte(r.ok("asset", "events", "-o", "json")), &events); err != nil || len(events) == 0 {
		t.Errorf("events: %v %v", events, err)
	}
	if out := r.ok("asset", "events", "--refresh", "--kind", "exposed,kev_added"); !strings.Contains(out, "CHANGE") ||
		!strings.Contains(out, "- → exposed") || strings.Contains(out, " advisory ") {
		t.Errorf("events of two kinds:\n%s", out)
	}
	if code, _, stderr := r.run("asset", "events", "--kind", "bogus"); code != 2 || !strings.Contains(stderr, "exposure_removed") {
		t.Errorf("events --kind bogus: exit %d %s", code, stderr)
	}
	r.ok("asset", "remediate", "BME-100231", "CVE-2020-11022", "--state", "risk_accepted", "--approver", "CMIO",
		"--reason", "no fix before 3.1", "--expires", "2027-06-30")
	if code, _, stderr := r.run("asset", "remediate", "BME-100232", "CVE-2020-11022", "--state", "risk_accepted"); code != 1 || !strings.Contains(stderr, "approver: is required") {
		t.Errorf("risk acceptance without approver: exit %d %s", code, stderr)
	}
	if out := r.ok("asset", "work", "BME-100231", "GHSA-gxr4-xjj5-5px2"); !strings.Contains(out, "risk_accepted") || !strings.Contains(out, "→ risk_accepted") {
		t.Errorf("work item by alias:\n%s", out)
	}
	out = r.ok("asset", "worklist")
	if strings.Contains(out, "BME-100231") || !strings.Contains(out, "BME-100232") || !strings.Contains(out, "clinical_criticality ×1.5") {
		t.Errorf("worklist:\n%s", out)
	}
	csvOut := r.ok("asset", "export")
	if !strings.HasPrefix(csvOut, "asset_tag,serial,manufacturer") || !strings.Contains(csvOut, "ICU 4S bed 12") {
		t.Errorf("export:\n%.300s", csvOut)
	}
	xlsx := filepath.Join(t.TempDir(), "fleet.xlsx")
	r.ok("asset", "export", "--format", "xlsx", "--out", xlsx)
	if out := r.ok("asset", "import", xlsx); !strings.Contains(out, "0 created, 0 updated, 18 unchanged") {
		t.Errorf("import of the XLSX export:\n%s", out)
	}
}
