package cli_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil/internal/cli"
	"github.com/vigil/vigil/internal/realdata"
)

// runner runs the whole CLI in-process against one database, as a user at a
// terminal would, with a fixed "today".
type runner struct {
	t   *testing.T
	env map[string]string
}

func newRunner(t *testing.T) *runner {
	t.Helper()
	dir := t.TempDir()
	return &runner{t: t, env: map[string]string{
		"HOME":     dir,
		"VIGIL_DB": "sqlite:" + filepath.Join(dir, "vigil.db"),
		"USER":     "tester",
	}}
}

func (r *runner) run(args ...string) (code int, stdout, stderr string) {
	r.t.Helper()
	var out, errb bytes.Buffer
	env := testEnv(r.t)
	env.Stdin, env.Stdout, env.Stderr = strings.NewReader(""), &out, &errb
	env.Getenv = func(k string) string { return r.env[k] }
	env.Now = func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }
	code = cli.Main(r.t.Context(), args, env)
	return code, out.String(), errb.String()
}

// ok runs args and fails the test unless they exit 0.
func (r *runner) ok(args ...string) string {
	r.t.Helper()
	code, out, errOut := r.run(args...)
	if code != 0 {
		r.t.Fatalf("vigil %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func TestExitCodes(t *testing.T) {
	r := newRunner(t)
	r.ok("org", "create", "acme", "--kind", "manufacturer")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"version", []string{"version"}, 0, ""},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown subcommand", []string{"product", "frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"product", "list", "--colour"}, 2, "unknown flag: --colour"},
		{"missing argument", []string{"product", "show"}, 2, "usage: vigil product show PRODUCT"},
		{"bad output format", []string{"product", "list", "-o", "yaml"}, 2, `-o "yaml"`},
		{"group without command", []string{"release"}, 2, "missing command"},
		{"missing required flag", []string{"org", "create", "x"}, 2, "--kind is required"},
		{"not found", []string{"product", "show", "Nope"}, 1, `product "Nope": not found`},
		{"invalid input", []string{"org", "create", "Bad Slug", "--kind", "manufacturer"}, 1, "slug: must be"},
		{"invalid kind", []string{"org", "create", "x", "--kind", "hospital"}, 1, `kind: must be "manufacturer" or "healthcare_provider"`},
		{"duplicate", []string{"org", "create", "acme", "--kind", "manufacturer"}, 1, `organization "acme": already exists`},
		{"bad date", []string{"release", "create", "1.0", "--product", "x", "--released", "31/01/2024"}, 2, "--released"},
		{"bad db scheme", []string{"--db", "mysql://x", "product", "list"}, 1, "unknown database scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := r.run(tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr: %s)", code, tt.wantCode, stderr)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.wantErr)
			}
		})
	}
}

func TestPortfolioWorkflow(t *testing.T) {
	r := newRunner(t)
	r.ok("org", "create", "acme", "--kind", "manufacturer", "--name", "Acme Medical")
	r.ok("product", "create", "Infusion Pump", "--manufacturer", "Acme Medical", "--model", "IP-1", "--model", "IP-2",
		"--clinical-function", "infusion therapy")
	r.ok("release", "create", "1.0", "--product", "Infusion Pump", "--released", "2020-01-01", "--eol-notice", "2025-01-01", "--end-of-support", "2027-01-01")
	r.ok("release", "create", "2.0", "--product", "Infusion Pump", "--released", "2025-01-01")
	r.ok("release", "create", "3.0-beta", "-p", "Infusion Pump")

	var rels []struct {
		Version       string `json:"version"`
		Phase         string `json:"phase"`
		PhaseExplicit bool   `json:"phase_explicit"`
	}
	if err := json.Unmarshal([]byte(r.ok("release", "list", "-o", "json")), &rels); err != nil {
		t.Fatal(err)
	}
	type rel = struct {
		Version       string `json:"version"`
		Phase         string `json:"phase"`
		PhaseExplicit bool   `json:"phase_explicit"`
	}
	want := []rel{{"1.0", "limited_support", false}, {"2.0", "support", false}, {"3.0-beta", "development", false}}
	if diff := cmp.Diff(want, rels); diff != "" {
		t.Errorf("release list (-want +got):\n%s", diff)
	}

	// Moving back needs --force; every change needs a reason.
	if code, _, stderr := r.run("release", "set-phase", "1.0", "support", "-p", "Infusion Pump", "--reason", "oops"); code != 1 || !strings.Contains(stderr, "force") {
		t.Errorf("set-phase backwards: exit %d, stderr %q; want 1 mentioning force", code, stderr)
	}
	if code, _, stderr := r.run("release", "set-phase", "2.0", "limited_support", "-p", "Infusion Pump"); code != 1 || !strings.Contains(stderr, "reason: is required") {
		t.Errorf("set-phase without reason: exit %d, stderr %q", code, stderr)
	}
	r.ok("release", "set-phase", "2.0", "limited_support", "-p", "Infusion Pump", "--reason", "EOL notice sent to customers")
	out := r.ok("release", "show", "2.0", "-p", "Infusion Pump")
	for _, want := range []string{"limited_support (set)", "support → limited_support  by cli:tester: EOL notice sent to customers", "· → support  by cli:tester: release created"} {
		if !strings.Contains(out, want) {
			t.Errorf("release show lacks %q:\n%s", want, out)
		}
	}
	r.ok("release", "set-phase", "2.0", "milestones", "-p", "Infusion Pump", "--reason", "back to the plan")
	r.ok("release", "update", "2.0", "-p", "Infusion Pump", "--eol-notice", "2026-06-01")
	out = r.ok("release", "show", "2.0", "-p", "Infusion Pump", "-o", "json")
	var detail struct {
		Phase   string `json:"phase"`
		History []struct {
			To     string `json:"to_phase"`
			Reason string `json:"reason"`
		} `json:"history"`
	}
	if err := json.Unmarshal([]byte(out), &detail); err != nil {
		t.Fatal(err)
	}
	if detail.Phase != "limited_support" || len(detail.History) != 4 {
		t.Errorf("after milestones update: phase %s, %d history entries; want limited_support, 4\n%s", detail.Phase, len(detail.History), out)
	}

	out = r.ok("product", "list", "-o", "csv")
	if want := "ID,NAME,MANUFACTURER,MODELS,CLINICAL FUNCTION\n1,Infusion Pump,Acme Medical,\"IP-1, IP-2\",infusion therapy\n"; out != want {
		t.Errorf("product list -o csv = %q, want %q", out, want)
	}
	r.ok("product", "update", "Infusion Pump", "--model", "IP-9")
	if out := r.ok("product", "show", "Infusion Pump"); !strings.Contains(out, "IP-9") || strings.Contains(out, "IP-1") {
		t.Errorf("product show after update:\n%s", out)
	}
	if code, _, _ := r.run("product", "delete", "Infusion Pump"); code != 2 {
		t.Errorf("delete without --yes: exit %d, want 2", code)
	}
	r.ok("product", "delete", "Infusion Pump", "--yes")
	if out := r.ok("release", "list", "-o", "json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("releases after product delete = %s, want []", out)
	}
}

func TestOrgSelection(t *testing.T) {
	r := newRunner(t)
	// A read creates no database.
	if code, _, stderr := r.run("product", "list"); code != 1 || !strings.Contains(stderr, "no database at") {
		t.Errorf("product list with no database: exit %d, %q", code, stderr)
	}
	r.ok("db", "migrate")
	if code, _, stderr := r.run("product", "list"); code != 1 || !strings.Contains(stderr, "no organization exists yet") {
		t.Errorf("product list with no org: exit %d, %q", code, stderr)
	}
	r.ok("org", "create", "acme", "--kind", "manufacturer")
	r.ok("product", "create", "Pump", "--manufacturer", "Acme")
	r.ok("org", "create", "general", "--kind", "healthcare_provider")
	if code, _, stderr := r.run("product", "list"); code != 1 || !strings.Contains(stderr, "choose one with --org") {
		t.Errorf("product list with two orgs: exit %d, %q", code, stderr)
	}
	if out := r.ok("product", "list", "--org", "acme"); !strings.Contains(out, "Pump") {
		t.Errorf("acme's products:\n%s", out)
	}
	r.env["VIGIL_ORG"] = "general"
	if out := r.ok("product", "list"); strings.Contains(out, "Pump") {
		t.Errorf("general sees acme's product:\n%s", out)
	}
	if code, _, _ := r.run("product", "show", "Pump"); code != 1 {
		t.Errorf("general shows acme's product: exit %d, want 1", code)
	}
}

func TestQuickstart(t *testing.T) {
	r := newRunner(t)
	delete(r.env, "VIGIL_DB")
	dir := filepath.Join(t.TempDir(), "qs")
	out := r.ok("quickstart", "--dir", dir)
	for _, want := range []string{"created  acme-medical", "Infusion Pump 2.1", "limited_support", "Patient Monitor 5.4", "end_of_support", "Bearer vgl_"} {
		if !strings.Contains(out, want) {
			t.Errorf("quickstart output lacks %q:\n%s", want, out)
		}
	}
	// The story on the demo data: findings by two matchers, one of them
	// KEV-listed, an exposure through the SBOM and one through a device
	// advisory, a token for each organization.
	for _, want := range []string{
		"10 files: 27 records stored, 0 unchanged, 0 rejected",
		"CVE-2020-11023       jQuery           3.4.1      affected by match/purlrange (introduced 1.0.3, fixed 3.5.0)",
		"CVE-2022-37434       zlib             1.2.11     affected by match/cpeconfig (versionEndIncluding 1.2.12)",
		"CVE-2022-0778        OpenSSL          1.1.1k     affected by match/cpeconfig",
		"1.  60.4  CVE-2020-11023       jQuery           under_investigation  cvss 19.8 + kev 20.0",
		"vigil exposure CVE-2020-11022 (jQuery in the pump SBOM): 3 assets exposed",
		"vigil exposure CVE-2022-22766 (device advisory VIGIL-DEMO-2022-001, BD Pyxis; no SBOM): 3 assets exposed",
		"QS-ID-1     BECTON DICKINSON & CO PYXIS MEDSTATION 4000 (FW 1.7)",
		"BME-200110  Becton Dickinson Pyxis MedStation ES 1.7.2",
		"decommissioned BME-100251 (Acme Medical Devices PM-12)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("quickstart output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "Bearer vgl_"); n != 2 {
		t.Errorf("quickstart prints %d tokens, want one per organization:\n%s", n, out)
	}
	again := r.ok("quickstart", "--dir", dir)
	if strings.Contains(again, "created ") {
		t.Errorf("second quickstart created things again:\n%s", again)
	}
	// A rerun, and a run in a fresh directory, tell the same story.
	other := filepath.Join(t.TempDir(), "qs2")
	fresh := strings.ReplaceAll(r.ok("quickstart", "--dir", other), other, dir)
	// A rerun finds the share and the assets there already.
	rerun := func(lines []string) []string {
		var keep []string
		for _, l := range lines {
			if !strings.HasPrefix(l, "  share from ") && !strings.HasPrefix(l, "  CMMS import: ") {
				keep = append(keep, l)
			}
		}
		return keep
	}
	if diff := cmp.Diff(rerun(quickstartStory(t, out)), rerun(quickstartStory(t, again))); diff != "" {
		t.Errorf("a rerun tells another story (-first +rerun):\n%s", diff)
	}
	if diff := cmp.Diff(quickstartStory(t, out), quickstartStory(t, fresh)); diff != "" {
		t.Errorf("a run in a fresh directory tells another story (-first +fresh):\n%s", diff)
	}
	r.env["VIGIL_DB"] = "sqlite:" + filepath.Join(dir, "vigil.db")
	r.env["VIGIL_ORG"] = "acme-medical"
	if out := r.ok("release", "list"); !strings.Contains(out, "end_of_support") || !strings.Contains(out, "development") {
		t.Errorf("release list after quickstart:\n%s", out)
	}
	// Only the last run's tokens are live, one per organization.
	for _, org := range []string{"acme-medical", "st-elsewhere"} {
		if toks := r.ok("--org", org, "token", "list", "-o", "csv"); strings.Count(toks, ",quickstart,") != 1 {
			t.Errorf("tokens of %s after three quickstarts:\n%s", org, toks)
		}
	}
}

// quickstartStory is the part of the quickstart's output that tells what
// the demo shows, from the findings to the end of life; the VEX document
// id (a hash over its time) is left out.
func quickstartStory(t *testing.T, out string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(out, "\nFindings on ")
	story, _, ok2 := strings.Cut(rest, "\nTry next:\n  export")
	if !ok || !ok2 {
		t.Fatalf("quickstart output has no findings or no hints:\n%s", out)
	}
	lines := strings.Split(story, "\n")
	for i, l := range lines {
		if before, _, ok := strings.Cut(l, ", id urn:vigil:vex:"); ok {
			lines[i] = before
		}
	}
	return lines
}

// TestQuickstartFeeds loads other feeds than the demo's: the story goes
// on with what they hold, and the triage, whose finding they lack, says
// it was skipped.
func TestQuickstartFeeds(t *testing.T) {
	r := newRunner(t)
	delete(r.env, "VIGIL_DB")
	feeds := "../../internal/demo/data/feeds/nvd"
	out := r.ok("quickstart", "--dir", filepath.Join(t.TempDir(), "qs"), "--feeds", feeds)
	for _, want := range []string{
		"Knowledge base (feeds imported from " + feeds + ")", "1 files: 6 records stored", "nvd        6 records",
		"CVE-2022-0778        OpenSSL", "Patient-safety triage: skipped, no CVE-2024-21907 finding",
		"vigil exposure CVE-2022-22766 (device advisories, BD Pyxis; no SBOM): 0 assets exposed",
		"decommissioned BME-100251",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("quickstart --feeds output lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"osv ", "csaf ", "kev ", "CVE-2020-11022       jQuery"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("quickstart --feeds loaded the demo feeds too (%q):\n%s", unwanted, out)
		}
	}
	if code, _, stderr := r.run("quickstart", "--dir", filepath.Join(t.TempDir(), "qs2"), "--feeds", filepath.Join(t.TempDir(), "none")); code != 1 || !strings.Contains(stderr, "none") {
		t.Errorf("quickstart --feeds of a missing folder: exit %d %s", code, stderr)
	}
}

// TestQuickstartRealFeeds runs the quickstart on the real public feeds:
// the real CISA advisory about BD Pyxis reaches the hospital's station.
func TestQuickstartRealFeeds(t *testing.T) {
	feeds := realdata.Path(t, "csaf/cisa-icsma")
	r := newRunner(t)
	delete(r.env, "VIGIL_DB")
	out := r.ok("quickstart", "--dir", filepath.Join(t.TempDir(), "qs"), "--feeds", feeds)
	for _, want := range []string{"csaf      40 records", "vigil exposure CVE-2022-22766 (device advisories, BD Pyxis; no SBOM): 3 assets exposed",
		"BME-200110  Becton Dickinson Pyxis MedStation ES"} {
		if !strings.Contains(out, want) {
			t.Errorf("quickstart on real feeds lacks %q:\n%s", want, out)
		}
	}
}

func TestDBCommands(t *testing.T) {
	r := newRunner(t)
	out := r.ok("db", "migrate")
	if !strings.Contains(out, "migration(s) applied") {
		t.Errorf("db migrate: %s", out)
	}
	if out := r.ok("db", "migrate", "-o", "json"); !strings.Contains(out, `"applied": []`) {
		t.Errorf("second migrate applied something: %s", out)
	}
	r.ok("org", "create", "acme", "--kind", "manufacturer")
	backup := filepath.Join(t.TempDir(), "backup.db")
	r.ok("db", "backup", backup)
	if code, _, stderr := r.run("db", "backup", backup); code != 1 || !strings.Contains(stderr, "exists") {
		t.Errorf("backup over an existing file: exit %d, %q", code, stderr)
	}
	r.env["VIGIL_DB"] = "sqlite:" + backup
	if out := r.ok("org", "list"); !strings.Contains(out, "acme") {
		t.Errorf("backup lacks the org:\n%s", out)
	}
}
