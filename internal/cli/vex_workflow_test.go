package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil/vigil/internal/realdata"
)

// TestVEXWorkflow runs the VEX commands end to end: a release exported in
// each format, the real OASIS CSAF VEX example imported (it matches
// nothing), the release's own earlier OpenVEX imported after a person
// triaged one finding (a dry run, then for real: the person's decision is
// kept as a conflict, the other finding takes the statement), list and
// show.
func TestVEXWorkflow(t *testing.T) {
	r := newRunner(t)
	r.ok("org", "create", "acme", "--kind", "manufacturer")
	r.env["VIGIL_ORG"] = "acme"
	r.ok("product", "create", "Pump", "--manufacturer", "Acme")
	r.ok("release", "create", "3.0", "-p", "Pump")
	r.ok("sbom", "import", demoSBOM, "-p", "Pump", "-r", "3.0")
	r.ok("feed", "import", "../../internal/demo/data/feeds/osv")

	dir := t.TempDir()
	for _, format := range []string{"csaf", "openvex", "cyclonedx"} {
		file := filepath.Join(dir, "pump."+format+".json")
		out := r.ok("vex", "export", "-p", "Pump", "-r", "3.0", "--format", format, "--out", file)
		if !strings.Contains(out, "under_investigation 3") {
			t.Errorf("export %s summary:\n%s", format, out)
		}
		b, err := os.ReadFile(file)
		if err != nil || !json.Valid(b) {
			t.Fatalf("export %s: %v", format, err)
		}
	}
	if code, _, stderr := r.run("vex", "export", "-p", "Pump", "-r", "3.0", "--format", "spdx"); code != 2 || !strings.Contains(stderr, "--format") {
		t.Errorf("bad format: exit %d %q", code, stderr)
	}
	if code, _, _ := r.run("vex", "export", "-p", "Pump", "-r", "3.0", "--format", "csaf", "--out", filepath.Join(dir, "pump.csaf.json")); code != 1 {
		t.Errorf("export over an existing file: exit %d, want 1", code)
	}

	out := r.ok("vex", "import", realdata.Path(t, "csaf/oasis-csaf20/examples/csaf/csaf_vex/2022-evd-uc-01-na-001.json"))
	if !strings.Contains(out, "statements matching no finding 1") || !strings.Contains(out, "no matching finding") {
		t.Errorf("import of the OASIS example:\n%s", out)
	}

	// A person decides one finding; the manufacturer's own earlier export
	// (under_investigation) then conflicts there and applies on the other.
	var findings []struct {
		ID     int64  `json:"id"`
		VulnID string `json:"vuln_id"`
	}
	if err := json.Unmarshal([]byte(r.ok("finding", "list", "-p", "Pump", "-r", "3.0", "-o", "json")), &findings); err != nil || len(findings) != 3 {
		t.Fatalf("finding list: %v %v", findings, err)
	}
	r.ok("finding", "triage", strconv.FormatInt(findings[0].ID, 10), "--state", "not_affected", "--justification", "vulnerable_code_not_in_execute_path",
		"--reason", "never called")
	openvex := filepath.Join(dir, "pump.openvex.json")
	dry := r.ok("vex", "import", openvex, "--dry-run")
	if !strings.Contains(dry, "Dry run, nothing stored") || !strings.Contains(dry, "conflicts 1") || !strings.Contains(dry, "says: under_investigation") {
		t.Errorf("dry run:\n%s", dry)
	}
	if list := r.ok("vex", "list", "-o", "csv"); strings.Count(list, "\n") != 2 {
		t.Errorf("after a dry run the list has %d lines:\n%s", strings.Count(list, "\n"), list)
	}
	var rep struct {
		Document struct {
			ID        int64 `json:"id"`
			Applied   int   `json:"applied"`
			Conflicts int   `json:"conflicts"`
		} `json:"document"`
		Conflicts []struct {
			FindingID int64 `json:"finding_id"`
			Current   struct {
				Source string `json:"source"`
				State  string `json:"state"`
			} `json:"current"`
		} `json:"conflicts"`
	}
	if err := json.Unmarshal([]byte(r.ok("vex", "import", openvex, "-o", "json")), &rep); err != nil {
		t.Fatal(err)
	}
	// The export read back changes nothing but where a person decided
	// since: the two undecided findings stay under investigation.
	if rep.Document.Applied != 0 || rep.Document.Conflicts != 1 || len(rep.Conflicts) != 1 ||
		rep.Conflicts[0].FindingID != findings[0].ID || rep.Conflicts[0].Current.Source != "human" || rep.Conflicts[0].Current.State != "not_affected" {
		t.Errorf("import: %+v", rep)
	}
	if show := r.ok("vex", "show", strconv.FormatInt(rep.Document.ID, 10)); !strings.Contains(show, "under_investigation") {
		t.Errorf("show:\n%s", show)
	}
	if code, _, _ := r.run("vex", "import", demoSBOM); code != 1 {
		t.Errorf("import of an SBOM: exit %d, want 1", code)
	}
}
