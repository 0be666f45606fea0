package cli_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLifecycleWorkflow runs the lifecycle commands the way the quickstart
// suggests, on the quickstart's store.
func TestLifecycleWorkflow(t *testing.T) {
	r := newRunner(t)
	delete(r.env, "VIGIL_DB")
	dir := filepath.Join(t.TempDir(), "qs")
	out := r.ok("quickstart", "--dir", dir)
	for _, want := range []string{"Lifecycle: Patient Monitor 5.4 is past end of support", "transfer of responsibility",
		"components past their end of support", "decommissioned BME-100251", "certificate SAN-"} {
		if !strings.Contains(out, want) {
			t.Errorf("quickstart output lacks %q:\n%s", want, out)
		}
	}
	r.env["VIGIL_DB"] = "sqlite:" + filepath.Join(dir, "vigil.db")

	// What the quickstart says of the hospital is what its commands say:
	// the notice that reaches the monitor still on 5.4, and the horizon.
	r.env["VIGIL_ORG"] = "st-elsewhere"
	var notices []struct {
		Assets []struct {
			Label string `json:"label"`
		} `json:"assets"`
	}
	if err := json.Unmarshal([]byte(r.ok("lifecycle", "notices", "-o", "json")), &notices); err != nil {
		t.Fatal(err)
	}
	// Two assets: the monitor still on 5.4, and the one the CMMS calls
	// disposed, which is retired with its sanitization pending (an import
	// never decommissions) and so still reached by the notice.
	if len(notices) != 1 || len(notices[0].Assets) != 2 || !strings.Contains(notices[0].Assets[1].Label, "BME-100253") || !strings.Contains(out, "notices reaching st-elsewhere's assets in service (vigil lifecycle notices): 1; BME-100253 still runs Patient Monitor 5.4") {
		t.Errorf("lifecycle notices = %+v; the quickstart said:\n%s", notices, out)
	}
	horizon, _, _ := strings.Cut(r.ok("lifecycle", "horizon", "--months", "24"), "\n")
	if !strings.Contains(out, "hospital horizon (24 months): "+horizon+"\n") || !strings.Contains(horizon, "2 past end of support") {
		t.Errorf("lifecycle horizon says %q; the quickstart said:\n%s", horizon, out)
	}
	r.env["VIGIL_ORG"] = "acme-medical"

	var sup struct {
		Components, Ended int
		Summary           string
	}
	if err := json.Unmarshal([]byte(r.ok("lifecycle", "support", "-p", "Infusion Pump", "-r", "3.0", "-o", "json")), &sup); err != nil {
		t.Fatal(err)
	}
	// 6 by the addendum, and OpenSSL 1.1.1k by the SBOM's own words
	// ("Level of Support: End of Life", "End-of-Support: 2023-09-11").
	if sup.Components != 25 || sup.Ended != 7 {
		t.Errorf("support %+v", sup)
	}
	if out := r.ok("lifecycle", "notice", "list"); !strings.Contains(out, "Patient Monitor 6.0") {
		t.Errorf("notice list:\n%s", out)
	}
	// A notice for a release in support moves it to limited support and
	// its history says so.
	r.ok("release", "update", "3.0", "-p", "Infusion Pump", "--released", "2024-09-15")
	out = r.ok("lifecycle", "notice", "create", "-p", "Infusion Pump", "-r", "3.0", "--kind", "end_of_life",
		"--title", "End of life of IP-3000 3.0", "--issued", "2026-11-01", "--end-of-support", "2028-06-30",
		"--control", "Segment the pump VLAN", "--successor", "3.1")
	if !strings.Contains(out, "support → limited_support") || !strings.Contains(out, "Infusion Pump 3.1") {
		t.Errorf("notice create:\n%s", out)
	}
	if out := r.ok("release", "show", "3.0", "-p", "Infusion Pump"); !strings.Contains(out, "end-of-life notice") {
		t.Errorf("release history lacks the notice:\n%s", out)
	}
	if code, _, errOut := r.run("lifecycle", "notice", "create", "-p", "Infusion Pump", "-r", "3.0", "--kind", "sunset", "--title", "x"); code != 2 ||
		!strings.Contains(errOut, "end_of_life") {
		t.Errorf("bad kind: exit %d, %s", code, errOut)
	}
	if code, _, errOut := r.run("lifecycle", "transfer", "create", "-p", "Infusion Pump", "-r", "3.1", "--risk", "x"); code != 1 ||
		!strings.Contains(errOut, "end of support") {
		t.Errorf("transfer of a release without end of support: exit %d, %s", code, errOut)
	}

	// The hospital side.
	r.env["VIGIL_ORG"] = "st-elsewhere"
	cert := filepath.Join(t.TempDir(), "certificate.html")
	r.ok("asset", "certificate", "BME-100251", "--out", cert)
	b, err := os.ReadFile(cert)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "<h1>Certificate of sanitization</h1>") || !strings.Contains(string(b), "BME-100251") {
		t.Errorf("certificate file:\n%s", b)
	}
	rows, err := csv.NewReader(strings.NewReader(r.ok("lifecycle", "horizon", "--months", "24", "-o", "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 1 || rows[0][0] != "ASSET" {
		t.Errorf("horizon csv %v", rows)
	}
	if out := r.ok("lifecycle", "decommissions", "--search", "pm-12"); !strings.Contains(out, "BME-100251") {
		t.Errorf("decommissions:\n%s", out)
	}
	code, _, errOut := r.run("asset", "decommission", "BME-100251", "--reason", "again")
	if code != 1 || !strings.Contains(errOut, "decommissioned already") {
		t.Errorf("second decommission: exit %d, %s", code, errOut)
	}
}
