package realdata

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindHonoursTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvDir, dir)
	got, err := find()
	if err != nil || got != dir {
		t.Fatalf("find() = %q, %v; want %q", got, err, dir)
	}

	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvDir, file)
	if _, err := find(); err == nil || !strings.Contains(err.Error(), "is not a folder") {
		t.Fatalf("find() with a file = %v; want 'is not a folder'", err)
	}
}

func TestFindBesideTheModuleRoot(t *testing.T) {
	t.Setenv(EnvDir, "")
	base := t.TempDir()
	module := filepath.Join(base, "main")
	deep := filepath.Join(module, "internal", "pkg")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(module, "go.mod"), []byte("module x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(deep)
	if _, err := find(); err == nil || !strings.Contains(err.Error(), "beside the module root") {
		t.Fatalf("find() without the folder = %v; want an error naming the module root", err)
	}
	want := filepath.Join(base, "shared", "testdata")
	if err := os.MkdirAll(want, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := find()
	if err != nil || got != want {
		t.Fatalf("find() = %q, %v; want %q", got, err, want)
	}
}

// TestTheSharedDataIsHere reads the folder's index: under CI=true its absence
// fails, elsewhere it skips with the marker make test counts.
func TestTheSharedDataIsHere(t *testing.T) {
	if b := Read(t, "SOURCES.md"); len(b) == 0 {
		t.Fatal("SOURCES.md is empty")
	}
	if ps := Glob(t, "csaf/cisa-icsma/*.json"); len(ps) < 10 {
		t.Fatalf("only %d ICSMA advisories", len(ps))
	}
	if _, ok := Lookup("no/such/file"); ok {
		t.Fatal("Lookup found a file that does not exist")
	}
}

func TestModule(t *testing.T) {
	dir := Module(t, "github.com/openvex/go-vex")
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("Module: %v", err)
	}
}
