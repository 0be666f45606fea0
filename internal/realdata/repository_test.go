package realdata

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The repository holds only what this project wrote: code, docs, golden
// files of our own output, fuzz corpora, fixtures our generators make and
// small fixtures of facts in structures we wrote. These tests keep copies of
// third-party files from creeping back.

// ourFixtures lists the hand-written fixtures kept under a testdata folder,
// by path from the module root. Each holds facts (names, IDs, versions,
// expected answers) in a layout of our own.
var ourFixtures = map[string]bool{
	"internal/cpe/testdata/versions.txt":                               true,
	"internal/fleet/testdata/SOURCES.md":                               true,
	"internal/fleet/testdata/manufacturers.txt":                        true,
	"internal/fleet/assetfile/testdata/SOURCES.md":                     true,
	"internal/fleet/assetfile/testdata/st-elsewhere-cmms-export.csv":   true,
	"internal/fleet/assetfile/testdata/st-elsewhere-cmms-mapping.yaml": true,
	"internal/lifecycle/testdata/classify.txt":                         true,
	"internal/match/csafproduct/testdata/ranges.txt":                   true,
	"internal/match/csafproduct/testdata/versions.txt":                 true,
	"internal/risk/testdata/evaluate.txt":                              true,
	"internal/risk/testdata/rubric.txt":                                true,
	"internal/sbom/testdata/spdx-2.3-export.schema.json":               true,
}

// generated lists the folders whose files a generator of ours writes (and a
// test keeps in step with the generator).
var generated = []string{
	"internal/mds2/testdata/fixtures/",
}

// allowedUnderTestdata reports whether a file under a testdata folder is of
// a kind the repository may hold.
func allowedUnderTestdata(rel string) bool {
	switch {
	case strings.Contains(rel, "/testdata/fuzz/"):
		return true
	case strings.HasSuffix(rel, ".golden") || strings.Contains(rel, "/testdata/golden/"):
		return true
	case ourFixtures[rel]:
		return true
	}
	for _, g := range generated {
		if strings.HasPrefix(rel, g) {
			return true
		}
	}
	return false
}

// repositoryFiles lists the files of the working tree that git tracks or
// would track (untracked but not ignored), relative to the module root.
func repositoryFiles(t *testing.T) (string, []string) {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("git ls-files: %v (not a git checkout)", err)
	}
	var files []string
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		if f == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			continue // deleted in the working tree
		}
		files = append(files, f)
	}
	return root, files
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}

// TestOnlyOurFilesUnderTestdata fails on a file under a testdata folder,
// or under internal/**/data, that is not of an allowed kind.
func TestOnlyOurFilesUnderTestdata(t *testing.T) {
	root, files := repositoryFiles(t)
	declared := demoDeclared(t, root)
	for _, f := range files {
		switch {
		case strings.HasPrefix(f, "testdata/") || strings.Contains(f, "/testdata/"):
			if !allowedUnderTestdata(f) {
				t.Errorf("%s: not a kind of file the repository may hold under testdata (fuzz corpus, golden file, generated fixture, or a fixture of ours listed in %s)", f, "internal/realdata/repository_test.go")
			}
		case strings.HasPrefix(f, "internal/") && strings.Contains(f, "/data/"):
			if name := path.Base(f); !strings.HasPrefix(f, "internal/demo/data/") || (name != "SOURCES.md" && !declared[name]) {
				t.Errorf("%s: demo data must be ours and declared in internal/demo/data/SOURCES.md", f)
			}
		}
	}
}

// demoDeclared returns the file names internal/demo/data/SOURCES.md names
// in backquotes.
func demoDeclared(t *testing.T, root string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "internal/demo/data/SOURCES.md"))
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	for _, part := range strings.Split(string(b), "`")[1:] {
		if part != "" && !strings.ContainsAny(part, " \n|") {
			out[path.Base(part)] = true
		}
	}
	return out
}

// TestNoCopyOfSharedData fails when a file of the repository, or a value of
// a committed fuzz corpus, is byte for byte a file of the shared test data.
func TestNoCopyOfSharedData(t *testing.T) {
	shared := map[[32]byte]string{}
	for _, p := range Walk(t, ".") {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 64 {
			continue // too small to be a copy rather than a coincidence
		}
		rel, _ := filepath.Rel(Dir(t), p)
		shared[sha256.Sum256(b)] = rel
	}
	root, files := repositoryFiles(t)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		values := [][]byte{b}
		if strings.Contains(f, "/testdata/fuzz/") {
			values = append(values, corpusValues(b)...)
		}
		for _, v := range values {
			if src, ok := shared[sha256.Sum256(v)]; ok {
				t.Errorf("%s is a copy of the shared test data's %s: read it with internal/realdata instead", f, src)
			}
		}
	}
}

// corpusValues decodes the []byte and string values of a Go fuzz corpus
// file ("go test fuzz v1" and one Go literal per line).
func corpusValues(b []byte) [][]byte {
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, prefix := range []string{"[]byte(", "string("} {
			if inner, ok := strings.CutPrefix(line, prefix); ok && strings.HasSuffix(inner, ")") {
				if s, err := strconv.Unquote(strings.TrimSuffix(inner, ")")); err == nil {
					out = append(out, []byte(s))
				}
			}
		}
	}
	return out
}

func TestCorpusValues(t *testing.T) {
	got := corpusValues([]byte("go test fuzz v1\n[]byte(\"a\\nb\")\nstring(\"c\")\nint(3)\n"))
	if len(got) != 2 || string(got[0]) != "a\nb" || string(got[1]) != "c" {
		t.Fatalf("corpusValues = %q", got)
	}
}
