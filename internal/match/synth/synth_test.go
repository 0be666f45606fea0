package synth

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var small = Options{Seed: 7, Advisories: 3000, Names: 400}

// generate writes a small corpus, a 300-component SBOM and its truth.
func generate(t *testing.T, o Options) (dir string, c *Corpus, comps []Component, sbom []byte, truth []Pair) {
	t.Helper()
	dir = t.TempDir()
	c, _, err := WriteCorpus(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	comps = c.Components(SBOMOptions{Components: 300, Seed: o.Seed})
	var b bytes.Buffer
	if err := WriteSBOM(&b, comps, o.Seed); err != nil {
		t.Fatal(err)
	}
	return dir, c, comps, b.Bytes(), c.Truth(comps)
}

func TestDeterministicForASeed(t *testing.T) {
	dir1, _, _, sbom1, truth1 := generate(t, small)
	dir2, _, _, sbom2, truth2 := generate(t, small)
	for _, e := range Ecosystems {
		a, err := os.ReadFile(ZipPath(dir1, e))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(ZipPath(dir2, e))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s/all.zip differs between two runs with the same seed", e)
		}
	}
	if !bytes.Equal(sbom1, sbom2) {
		t.Error("SBOM differs between two runs with the same seed")
	}
	if diff := cmp.Diff(truth1, truth2); diff != "" {
		t.Errorf("truth differs (-first +second):\n%s", diff)
	}
	other := small
	other.Seed++
	_, _, _, sbom3, _ := generate(t, other)
	if bytes.Equal(sbom1, sbom3) {
		t.Error("another seed gave the same SBOM")
	}
}

// readRecords reads every OSV record of the corpus back from the zips.
func readRecords(t *testing.T, dir string) map[string]osvRecord {
	t.Helper()
	out := map[string]osvRecord{}
	for _, e := range Ecosystems {
		zr, err := zip.OpenReader(ZipPath(dir, e))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			var rec osvRecord
			if err := json.Unmarshal(b, &rec); err != nil {
				t.Fatalf("%s/%s: %v", e, f.Name, err)
			}
			if f.Name != rec.ID+".json" {
				t.Errorf("%s/%s holds %s", e, f.Name, rec.ID)
			}
			for _, a := range rec.Affected {
				if a.Package.Ecosystem != e.OSVEcosystem() {
					t.Errorf("%s in %s/all.zip names ecosystem %q", rec.ID, e, a.Package.Ecosystem)
				}
			}
			out[rec.ID] = rec
		}
		zr.Close()
	}
	return out
}

// affectsByRecord decides from the written OSV record alone whether
// version position k of p is affected, reading each event's version as its
// position in p's history: an oracle over positions, independent of the
// sets the generator kept.
func affectsByRecord(t *testing.T, rec osvRecord, p *Package, k int) bool {
	t.Helper()
	pos := func(v string) int {
		if v == "0" {
			return -1
		}
		i := slices.Index(p.Versions, v)
		if i < 0 {
			t.Fatalf("%s: version %q is not in the history of %s", rec.ID, v, p.Name())
		}
		return i
	}
	for _, a := range rec.Affected {
		if a.Package.Name != p.Name() {
			continue
		}
		for _, v := range a.Versions {
			if pos(v) == k {
				return true
			}
		}
		for _, r := range a.Ranges {
			in := false
			for _, e := range r.Events {
				switch {
				case e.Introduced != "":
					in = in || k >= pos(e.Introduced)
				case e.Fixed != "" && in:
					in = k < pos(e.Fixed)
					if in {
						return true
					}
				case e.LastAffected != "" && in:
					in = k <= pos(e.LastAffected)
					if in {
						return true
					}
				}
			}
			if in {
				return true // an open range (the generator writes none)
			}
		}
	}
	return false
}

func TestTruthFollowsTheWrittenRecords(t *testing.T) {
	dir, c, comps, _, truth := generate(t, small)
	recs := readRecords(t, dir)
	if len(recs) != small.Advisories {
		t.Fatalf("zips hold %d records, want %d", len(recs), small.Advisories)
	}
	want := map[Pair]bool{}
	for _, p := range truth {
		want[p] = true
	}
	vulnerable := 0
	for _, cm := range comps {
		u := cm.Package.PURL(cm.Position)
		hit := false
		// Every advisory that names the package, affected or not.
		for _, ei := range c.byPkg[pkgKey{uint8(cm.Package.Ecosystem.index()), int32(cm.Package.Index)}] {
			id, _ := c.ID(int(c.entries[ei].adv))
			got := affectsByRecord(t, recs[id], cm.Package, cm.Position)
			if got != want[Pair{u, id}] {
				t.Errorf("%s at %s: record says affected=%v, truth says %v", id, u, got, want[Pair{u, id}])
			}
			hit = hit || got
		}
		if hit {
			vulnerable++
		}
		if cm.Position == len(cm.Package.Versions)-1 && hit {
			t.Errorf("%s: the latest version is affected", u)
		}
	}
	if vulnerable != 30 {
		t.Errorf("%d of 300 components are vulnerable, want 30 (10 %%)", vulnerable)
	}
	for _, p := range truth {
		if _, ok := recs[p.ID]; !ok {
			t.Errorf("truth names %s, which is not in the corpus", p.ID)
		}
	}
}

func TestSBOMHasDistinctPURLsAndValidCycloneDX(t *testing.T) {
	_, _, comps, sbom, _ := generate(t, small)
	var doc cdxBOM
	if err := json.Unmarshal(sbom, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.BOMFormat != "CycloneDX" || doc.SpecVersion != "1.6" || len(doc.Components) != len(comps) {
		t.Fatalf("got %s %s with %d components, want CycloneDX 1.6 with %d", doc.BOMFormat, doc.SpecVersion, len(doc.Components), len(comps))
	}
	seen := map[string]bool{}
	for _, c := range doc.Components {
		if seen[c.PURL] {
			t.Errorf("purl %s twice", c.PURL)
		}
		seen[c.PURL] = true
	}
}

// Version strings look like their ecosystem's, and a history never
// repeats one.
func TestHistoriesAreWellFormed(t *testing.T) {
	forms := map[Ecosystem]*regexp.Regexp{
		NPM:      regexp.MustCompile(`^\d+\.\d+\.\d+(-(beta|rc)\.\d+)?$`),
		CratesIO: regexp.MustCompile(`^\d+\.\d+\.\d+(-(beta|rc)\.\d+)?$`),
		Go:       regexp.MustCompile(`^[01]\.\d+\.\d+(-(beta|rc)\.\d+)?$`),
		PyPI:     regexp.MustCompile(`^\d+\.\d+(\.\d+)?((a|rc)1|\.post1)?$`),
		Maven:    regexp.MustCompile(`^\d+\.\d+\.\d+(-M1|-RC1)?$`),
		Debian:   regexp.MustCompile(`^(1:)?\d+\.\d+\.\d+(~rc1)?-\d+(\+deb12u\d+)?$`),
		Alpine:   regexp.MustCompile(`^\d+\.\d+\.\d+(_rc1|_p1)?-r\d+$`),
	}
	c := &Corpus{opt: small, packages: map[pkgKey]*Package{}}
	for _, e := range Ecosystems {
		for i := range 300 {
			p := c.Package(e, i)
			if n := len(p.Versions); n < 6 || n > maxHistory {
				t.Fatalf("%s %s: %d versions", e, p.Name(), n)
			}
			seen := map[string]bool{}
			for _, v := range p.Versions {
				if !forms[e].MatchString(v) {
					t.Errorf("%s %s: version %q", e, p.Name(), v)
				}
				if seen[v] {
					t.Errorf("%s %s: version %q twice", e, p.Name(), v)
				}
				seen[v] = true
			}
		}
	}
}

func TestNamesAreDistinct(t *testing.T) {
	for _, e := range Ecosystems {
		seen := map[string]bool{}
		for i := range 5000 {
			n := packageName(e, i)
			if seen[n] {
				t.Fatalf("%s: name %q twice", e, n)
			}
			seen[n] = true
		}
	}
}

func TestZipPathIsOSVScannerLayout(t *testing.T) {
	if got, want := ZipPath("db", Debian), filepath.Join("db", "osv-scalibr", "Debian", "all.zip"); got != want {
		t.Errorf("ZipPath = %q, want %q", got, want)
	}
}
