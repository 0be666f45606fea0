// Package realdata finds the real public data that tests read: advisories,
// feeds, SBOMs, schemas and CVSS vectors kept beside the repository in
// ../shared/testdata (its SOURCES.md says what each file is and where it came
// from). The repository holds none of it; this package is the one place that
// knows where it lives.
//
// The folder is $VIGIL_SHARED_TESTDATA when that is set, else shared/testdata
// next to the module root. When it is absent a test that needs it is skipped
// with SkipMarker in its message (make test counts them in one line), except
// under CI=true, where the data must be there and its absence fails the test.
package realdata

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// EnvDir names the environment variable that points at the shared test data.
const EnvDir = "VIGIL_SHARED_TESTDATA"

// SkipMarker begins the message of every test skipped because the shared
// data is absent, so that a runner can count those skips.
const SkipMarker = "shared testdata absent:"

// root finds the folder once per test binary.
var root = sync.OnceValues(find)

func find() (string, error) {
	if dir := os.Getenv(EnvDir); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return "", fmt.Errorf("%s=%s is not a folder", EnvDir, dir)
		}
		return filepath.Abs(dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			cand := filepath.Join(filepath.Dir(dir), "shared", "testdata")
			if st, err := os.Stat(cand); err == nil && st.IsDir() {
				return cand, nil
			}
			return "", fmt.Errorf("no %s beside the module root %s (set %s)", cand, dir, EnvDir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s (set %s)", wd, EnvDir)
		}
		dir = parent
	}
}

// Dir returns the shared test data folder, skipping the test (failing it
// under CI=true) when there is none.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := root()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the shared test data is required under CI=true: %v", err)
		}
		t.Skipf("%s %v", SkipMarker, err)
	}
	return dir
}

// Path returns the absolute path of rel (slash-separated, relative to the
// shared folder). A missing file fails the test: the folder is there, so the
// test names the wrong thing.
func Path(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(Dir(t), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared test data: %v", err)
	}
	return p
}

// Read returns the bytes of the shared file rel.
func Read(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(Path(t, rel))
	if err != nil {
		t.Fatalf("shared test data: %v", err)
	}
	return b
}

// Glob returns the shared files matching pattern (filepath.Match syntax,
// relative to the shared folder), sorted; matching nothing fails the test.
func Glob(t testing.TB, pattern string) []string {
	t.Helper()
	ps, err := filepath.Glob(filepath.Join(Dir(t), filepath.FromSlash(pattern)))
	if err != nil {
		t.Fatalf("shared test data: %v", err)
	}
	if len(ps) == 0 {
		t.Fatalf("shared test data: nothing matches %s", pattern)
	}
	sort.Strings(ps)
	return ps
}

// Walk returns every regular file under the shared folder rel, sorted.
func Walk(t testing.TB, rel string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(Path(t, rel), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("shared test data: %v", err)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the path of rel without a test to skip: for fuzz seeds and
// tools that use the real data when it is there and do without it otherwise.
func Lookup(rel string) (string, bool) {
	dir, err := root()
	if err != nil {
		return "", false
	}
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		return "", false
	}
	return p, true
}

// Module returns the folder of a Go module the project depends on, as the
// go command has it in its module cache: for documents and schemas that a
// dependency ships, which tests read there rather than from a copy.
func Module(t testing.TB, path string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", path).Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = strings.TrimSpace(string(ee.Stderr))
		}
		t.Fatalf("go list -m %s: %v %s", path, err, stderr)
	}
	return dir
}
