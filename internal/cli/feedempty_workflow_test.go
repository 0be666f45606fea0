package cli_test

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFeedImportNothingUsable: an input that yields no usable record exits
// 1, says so in the summary and in feed status; --allow-empty exits 0.
func TestFeedImportNothingUsable(t *testing.T) {
	r := newRunner(t)
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk")
	if err := os.Mkdir(junk, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.json", "b.txt"} {
		if err := os.WriteFile(filepath.Join(junk, name), []byte("\x00\x01 not a feed {"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	zipPath := filepath.Join(dir, "mirror.zip")
	f, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, _ := zw.Create("nvd/page-1.json")
	w.Write([]byte(`{"truncated`))
	zw.Close()
	f.Close()
	rejected := filepath.Join(dir, "epss.csv")
	if err := os.WriteFile(rejected, []byte("#model_version:v2025.03.14,score_date:2026-11-27T00:00:00+0000\ncve,epss,percentile\nnot-a-cve,0.5,0.5\nCVE-2024-0001,7,0.5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte("#model_version:v2025.03.14,score_date:2026-11-27T00:00:00+0000\ncve,epss,percentile\nCVE-2024-0001,0.5,0.5\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, in := range []string{junk, zipPath, rejected} {
		code, out, stderr := r.run("feed", "import", in)
		if code != 1 || !strings.Contains(stderr, "nothing usable imported from "+in) || !strings.Contains(out, "NOTHING USABLE IMPORTED") {
			t.Errorf("feed import %s: exit %d\nstdout: %s\nstderr: %s", filepath.Base(in), code, out, stderr)
		}
		if code, _, stderr := r.run("feed", "import", "--allow-empty", in); code != 0 {
			t.Errorf("feed import --allow-empty %s: exit %d, %s", filepath.Base(in), code, stderr)
		}
	}
	status := r.ok("feed", "status")
	for _, want := range []string{"unrecognised", "epss", "NOTHING USABLE"} {
		if !strings.Contains(status, want) {
			t.Errorf("feed status lacks %q:\n%s", want, status)
		}
	}
	// One good input beside a bad one: the good one is imported, the
	// command still fails for the bad one.
	if code, _, stderr := r.run("feed", "import", good, junk); code != 1 || !strings.Contains(stderr, junk) || strings.Contains(stderr, good) {
		t.Errorf("feed import good+junk: exit %d, %s", code, stderr)
	}
	status = r.ok("feed", "status")
	for _, line := range strings.Split(status, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "epss") && !strings.Contains(line, " ok") {
			t.Errorf("epss after a good import: %q", line)
		}
	}
}
