package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil/vigil/internal/cli"
)

// runIn runs args with stdin as the terminal's input.
func (r *runner) runIn(stdin string, args ...string) (code int, stdout, stderr string) {
	r.t.Helper()
	var out, errb bytes.Buffer
	env := testEnv(r.t)
	env.Stdin, env.Stdout, env.Stderr = strings.NewReader(stdin), &out, &errb
	env.Getenv = func(k string) string { return r.env[k] }
	env.Now = func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }
	code = cli.Main(r.t.Context(), args, env)
	return code, out.String(), errb.String()
}

func TestTriageWorkflow(t *testing.T) {
	r := newRunner(t)
	r.ok("org", "create", "acme", "--kind", "manufacturer")
	r.ok("product", "create", "Pump", "--manufacturer", "Acme")
	for _, v := range []string{"3.0", "3.1"} {
		r.ok("release", "create", v, "-p", "Pump")
		r.ok("sbom", "import", demoSBOM, "-p", "Pump", "-r", v)
	}
	r.ok("feed", "import", "../../internal/demo/data/feeds/osv")
	var fs []struct {
		ID     int64  `json:"id"`
		VulnID string `json:"vuln_id"`
	}
	if err := json.Unmarshal([]byte(r.ok("finding", "list", "-p", "Pump", "-r", "3.0", "-o", "json")), &fs); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, f := range fs {
		ids[f.VulnID] = fmt.Sprint(f.ID)
	}
	jq, jq2, nj := ids["CVE-2020-11022"], ids["CVE-2020-11023"], ids["CVE-2024-21907"]
	if len(fs) != 3 || jq == "" || jq2 == "" || nj == "" {
		t.Fatalf("findings = %+v", fs)
	}

	// Triage, with the usage and validation errors first.
	if code, _, stderr := r.run("finding", "triage", nj, "--state", "not_affected", "--reason", "x"); code != 1 || !strings.Contains(stderr, "justification") {
		t.Errorf("not_affected without justification: exit %d %s", code, stderr)
	}
	if code, _, _ := r.run("finding", "triage", "abc", "--state", "affected"); code != 2 {
		t.Errorf("bad id: exit %d, want 2", code)
	}
	r.ok("finding", "triage", nj, "--state", "not_affected", "--justification", "vulnerable_code_not_in_execute_path",
		"--reason", "the firmware never parses JSON from outside")
	r.ok("finding", "triage", jq, "--state", "affected", "--response", "update", "--reason", "jQuery 3.5.0 in 3.0.1")
	r.ok("finding", "triage", jq2, "--state", "affected", "--response", "update", "--reason", "jQuery 3.5.0 in 3.0.1")
	hist := r.ok("finding", "history", nj)
	for _, want := range []string{"under_investigation", "not_affected", "vulnerable_code_not_in_execute_path", "tester", "never parses JSON"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q:\n%s", want, hist)
		}
	}

	// Carry to 3.1: preview, then apply.
	prev := r.ok("finding", "carry", nj, "--preview")
	if !strings.Contains(prev, "preview: 1 decisions would be carried") || !strings.Contains(prev, "Pump 3.1") {
		t.Errorf("carry preview:\n%s", prev)
	}
	if out := r.ok("finding", "carry", "-p", "Pump", "-r", "3.0", "--apply"); !strings.Contains(out, "3 decisions carried") {
		t.Errorf("carry apply:\n%s", out)
	}
	var fs31 []struct {
		VulnID string `json:"vuln_id"`
		Triage *struct {
			Source        string `json:"source"`
			CarriedFromID int64  `json:"carried_from_id"`
		} `json:"triage"`
	}
	if err := json.Unmarshal([]byte(r.ok("finding", "list", "-p", "Pump", "-r", "3.1", "-o", "json")), &fs31); err != nil {
		t.Fatal(err)
	}
	for _, f := range fs31 {
		if f.Triage == nil || f.Triage.Source != "carried" || fmt.Sprint(f.Triage.CarriedFromID) != ids[f.VulnID] {
			t.Errorf("3.1 %s: %+v", f.VulnID, f.Triage)
		}
	}

	// The rubric, interactively: a wrong choice and a help request first.
	script := strings.Join([]string{
		"7", "?", "yes", // av_network
		"1",                                               // av_layer34: routable → N
		"no # works at will",                              // ac_conditions → L
		"no",                                              // pr_auth → N
		"yes",                                             // ui_user → R
		"no",                                              // s_authority → U
		"partial", "none", "none", "none", "none", "none", // C: PHI partial → L
		"none", "partial", "none", "none", "none", "none", // I: diagnosis partial → H
		"none", "none", "none", "none", "none", "none", // A → N
	}, "\n") + "\n"
	code, out, prompts := r.runIn(script, "finding", "rubric", jq)
	if code != 0 {
		t.Fatalf("rubric: exit %d\n%s\n%s", code, out, prompts)
	}
	if !strings.Contains(out, "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:H/A:N") || !strings.Contains(out, "works at will") {
		t.Errorf("rubric result:\n%s", out)
	}
	if !strings.Contains(prompts, `"7" is not a choice`) || !strings.Contains(prompts, "av_network> ") {
		t.Errorf("rubric prompts:\n%s", prompts)
	}
	// Input that ends early saves nothing.
	if code, _, stderr := r.runIn("yes\n", "finding", "rubric", nj); code != 1 || !strings.Contains(stderr, "nothing was saved") {
		t.Errorf("truncated rubric: exit %d %s", code, stderr)
	}
	if code, _, _ := r.run("finding", "rubric", nj, "--show"); code != 1 {
		t.Errorf("--show without answers: exit %d, want 1", code)
	}
	// Non-interactive, from a file.
	answers := map[string]string{"av_network": "no", "av_local": "physical", "ac_conditions": "no", "pr_auth": "no",
		"ui_user": "no", "s_authority": "no"}
	for _, m := range []string{"c", "i", "a"} {
		for _, c := range []string{"phi", "diagnosis_monitoring", "therapy_delivery", "clinical_workflow", "system_data", "other_data"} {
			answers[m+"_"+c] = "none"
		}
	}
	answers["a_therapy_delivery"] = "total"
	raw, _ := json.Marshal(map[string]any{"answers": answers})
	file := filepath.Join(t.TempDir(), "answers.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if out := r.ok("finding", "rubric", nj, "--answers", file); !strings.Contains(out, "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H") {
		t.Errorf("rubric --answers:\n%s", out)
	}

	// Assess, and the release's environment.
	r.ok("release", "environment", "set", "-p", "Pump", "-r", "3.0", "--cvss3", "MAV:A/CR:H/IR:H/AR:H", "--rationale", "clinical VLAN")
	if code, _, _ := r.run("release", "environment", "set", "-p", "Pump", "-r", "3.0", "--cvss3", "AV:L"); code != 1 {
		t.Errorf("base metric as environment: exit %d, want 1", code)
	}
	show := r.ok("finding", "assess", jq, "--harm", "critical", "--rationale", "a forged reading could delay treatment",
		"--learned-on", "2026-10-01")
	for _, want := range []string{"cvss base", "cvss adjusted", "MAV:A", "harm", "critical", "risk", "uncontrolled",
		"customer notification due 2026-10-31: OVERDUE by 28 days", "fix or compensating controls due 2026-11-30, done "} {
		if !strings.Contains(show, want) {
			t.Errorf("assess output lacks %q:\n%s", want, show)
		}
	}
	if out := r.ok("finding", "assessments", jq); !strings.Contains(out, "a forged reading could delay treatment") || !strings.Contains(out, "2026-10-01") {
		t.Errorf("assessments:\n%s", out)
	}
	over := r.ok("finding", "overdue")
	if !strings.Contains(over, "CVE-2020-11022") || strings.Contains(over, "CVE-2024-21907") {
		t.Errorf("overdue:\n%s", over)
	}
	if out := r.ok("finding", "list", "--overdue", "-o", "json"); !strings.Contains(out, `"overdue": true`) {
		t.Errorf("list --overdue -o json:\n%s", out)
	}

	// The queue, explained; weights of the organization reorder it.
	var q []struct {
		Finding struct {
			VulnID string `json:"vuln_id"`
		} `json:"finding"`
		Priority struct {
			Score   float64 `json:"score"`
			Factors []struct {
				Name   string  `json:"name"`
				Weight float64 `json:"weight"`
				Points float64 `json:"points"`
				Why    string  `json:"why"`
			} `json:"factors"`
		} `json:"priority"`
	}
	if err := json.Unmarshal([]byte(r.ok("finding", "list", "--sort", "priority", "--all", "-o", "json")), &q); err != nil {
		t.Fatal(err)
	}
	if len(q) != 6 || q[0].Finding.VulnID != "CVE-2020-11022" || len(q[0].Priority.Factors) != 7 || q[0].Priority.Factors[0].Why == "" {
		t.Fatalf("queue = %+v", q)
	}
	if code, _, _ := r.run("finding", "list", "--sort", "severity"); code != 2 {
		t.Errorf("--sort severity: exit %d, want 2", code)
	}
	r.ok("org", "settings", "set", "--notify-days", "75", "--weight", "kev=0", "--uncontrolled-at", "medium=serious")
	st := r.ok("org", "settings", "show")
	if !strings.Contains(st, "notify_days      75") || !strings.Contains(st, "kev=0") || !strings.Contains(st, "medium: from serious") {
		t.Errorf("settings:\n%s", st)
	}
	if code, _, stderr := r.run("org", "settings", "set", "--weight", "cvss=-1"); code != 1 || !strings.Contains(stderr, "weights.cvss") {
		t.Errorf("negative weight: exit %d %s", code, stderr)
	}
	if out := r.ok("finding", "overdue"); !strings.Contains(out, "no findings") {
		t.Errorf("overdue with a 75-day clock:\n%s", out)
	}
}

func TestQuickstartTriage(t *testing.T) {
	r := newRunner(t)
	delete(r.env, "VIGIL_DB")
	dir := filepath.Join(t.TempDir(), "qs")
	out := r.ok("quickstart", "--dir", dir)
	for _, want := range []string{"Patient-safety triage of finding", "CVE-2024-21907", "rubric (25 questions answered): CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H",
		"adjusted", "MAV:A", "affected / response workaround_available", "harm serious → controlled risk", "Prioritised queue of Infusion Pump 3.0", "CVE-2020-11022"} {
		if !strings.Contains(out, want) {
			t.Errorf("quickstart lacks %q:\n%s", want, out)
		}
	}
	r.ok("quickstart", "--dir", dir)
	r.env["VIGIL_DB"] = "sqlite:" + filepath.Join(dir, "vigil.db")
	r.env["VIGIL_ORG"] = "acme-medical"
	var fs []struct {
		ID     int64  `json:"id"`
		VulnID string `json:"vuln_id"`
	}
	if err := json.Unmarshal([]byte(r.ok("finding", "list", "-p", "Infusion Pump", "-r", "3.0", "-o", "json")), &fs); err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.VulnID != "CVE-2024-21907" {
			continue
		}
		var h []json.RawMessage
		if err := json.Unmarshal([]byte(r.ok("finding", "history", fmt.Sprint(f.ID), "-o", "json")), &h); err != nil || len(h) != 1 {
			t.Errorf("history after two quickstarts: %d entries, %v; want 1", len(h), err)
		}
		show := r.ok("finding", "show", fmt.Sprint(f.ID))
		if !strings.Contains(show, "harm") || !strings.Contains(show, "serious") {
			t.Errorf("finding show:\n%s", show)
		}
	}
}
