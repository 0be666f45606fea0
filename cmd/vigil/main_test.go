package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil/internal/cli"
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
	env := environment()
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
	again := r.ok("quickstart", "--dir", dir)
	if strings.Contains(again, "created ") {
		t.Errorf("second quickstart created things again:\n%s", again)
	}
	r.env["VIGIL_DB"] = "sqlite:" + filepath.Join(dir, "vigil.db")
	r.env["VIGIL_ORG"] = "acme-medical"
	if out := r.ok("release", "list"); !strings.Contains(out, "end_of_support") || !strings.Contains(out, "development") {
		t.Errorf("release list after quickstart:\n%s", out)
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
