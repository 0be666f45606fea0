package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestScanAndFindings(t *testing.T) {
	r := newRunner(t)
	r.ok("org", "create", "acme", "--kind", "manufacturer")
	r.ok("product", "create", "Pump", "--manufacturer", "Acme")
	r.ok("release", "create", "3.0", "-p", "Pump")
	r.ok("sbom", "import", demoSBOM, "-p", "Pump", "-r", "3.0")
	out := r.ok("feed", "import", "../../internal/demo/data/feeds/osv")
	if !strings.Contains(out, "matched 3 changed record(s) against 1 release(s): 3 new finding(s)") {
		t.Errorf("feed import did not match incrementally:\n%s", out)
	}
	if out := r.ok("match", "run", "-p", "Pump", "-r", "3.0", "-o", "csv"); !strings.Contains(out, "Pump 3.0,25,3,0,0,3,0") {
		t.Errorf("match run:\n%s", out)
	}
	list := r.ok("finding", "list", "-p", "Pump", "-r", "3.0")
	for _, want := range []string{"CVE-2020-11022", "CVE-2020-11023", "jQuery", "3.4.1", "introduced 1.2.0, fixed 3.5.0", "introduced 1.0.3, fixed 3.5.0", "CVE-2024-21907", "Newtonsoft.Json"} {
		if !strings.Contains(list, want) {
			t.Errorf("finding list lacks %q:\n%s", want, list)
		}
	}

	code, stdout, stderr := r.run("scan", demoSBOM, "--fail-on", "medium")
	if code != 3 || !strings.Contains(stdout, "CVE-2020-11022") || !strings.Contains(stderr, "--fail-on medium") {
		t.Errorf("scan --fail-on medium: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, _ := r.run("scan", demoSBOM, "--fail-on", "kev"); code != 0 {
		t.Errorf("scan --fail-on kev: exit %d, want 0 (nothing in KEV)", code)
	}
	if code, _, stderr := r.run("scan", demoSBOM, "--fail-on", "severe"); code != 2 {
		t.Errorf("scan --fail-on severe: exit %d %q, want 2", code, stderr)
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.ok("scan", demoSBOM, "-o", "sarif")), &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs[0].Results) != 3 {
		t.Errorf("scan -o sarif: %+v, %v", sarif, err)
	}
	var vex struct {
		SpecVersion     string `json:"specVersion"`
		Vulnerabilities []struct {
			ID string `json:"id"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal([]byte(r.ok("scan", demoSBOM, "-o", "cyclonedx-vex")), &vex); err != nil || vex.SpecVersion != "1.6" || len(vex.Vulnerabilities) != 3 {
		t.Errorf("scan -o cyclonedx-vex: %+v, %v", vex, err)
	}
	if code, _, _ := r.run("product", "list", "-o", "sarif"); code != 2 {
		t.Errorf("sarif outside scan: exit %d, want 2", code)
	}
}
