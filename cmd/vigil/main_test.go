package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil/vigil/internal/cli"
)

// TestEnvironmentWired checks that main hands the CLI every part of the
// outside world, and that the real wiring opens a store and runs commands
// against it. The CLI's behaviour is tested in internal/cli.
func TestEnvironmentWired(t *testing.T) {
	env := environment()
	if env.OpenStore == nil || env.FeedSources == nil || env.Serve == nil || env.RunJobs == nil ||
		env.Getenv == nil || env.Stdin == nil || env.Stdout == nil || env.Stderr == nil || env.Version == "" {
		t.Fatalf("environment() leaves parts unwired: %+v", env)
	}
	dir := t.TempDir()
	vars := map[string]string{"HOME": dir, "USER": "tester", "VIGIL_DB": "sqlite:" + filepath.Join(dir, "vigil.db")}
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		env.Stdin, env.Stdout, env.Stderr = strings.NewReader(""), &out, &errb
		env.Getenv = func(k string) string { return vars[k] }
		if code := cli.Main(t.Context(), args, env); code != cli.ExitOK {
			t.Fatalf("vigil %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
		}
		return out.String()
	}
	run("org", "create", "acme", "--kind", "manufacturer")
	run("product", "create", "Infusion Pump", "--manufacturer", "Acme Medical", "--org", "acme")
	if out := run("product", "list", "--org", "acme"); !strings.Contains(out, "Infusion Pump") {
		t.Errorf("product list through the real store:\n%s", out)
	}
	if out := run("db", "status"); !strings.Contains(out, "sqlite") {
		t.Errorf("db status through the real store:\n%s", out)
	}
}

// TestFeedSourcesWired checks the remote feed sources main builds: one per
// feed, a custom URL taken, an unknown one refused.
func TestFeedSourcesWired(t *testing.T) {
	all, err := feedSources(cli.SyncOptions{Version: "test", CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no feed sources")
	}
	one, err := feedSources(cli.SyncOptions{Version: "test", CacheDir: t.TempDir(), Sources: []string{"kev"}})
	if err != nil || len(one) != 1 {
		t.Errorf("feedSources(kev) = %d sources, %v; want 1", len(one), err)
	}
	if _, err := feedSources(cli.SyncOptions{URLs: map[string]string{"gopher": "https://example.org"}}); err == nil {
		t.Error("feedSources accepted an unknown --url feed")
	}
}
