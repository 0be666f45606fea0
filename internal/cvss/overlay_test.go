package cvss

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigil/vigil"
)

// TestApplyVectorFiles re-scores every real vector that carries
// threat/temporal or environmental metrics the way a release's
// environment is applied: its base part plus the rest as an overlay must
// give the expected scores of the whole vector. Every vector file in the
// test data directory takes part, whatever its name.
func TestApplyVectorFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(vectorDir(t), "vectors_*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vector files in %s: %v", vectorDir(t), err)
	}
	total := 0
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			for _, e := range readVectors(t, name) {
				full, err := Parse(e.vector)
				if err != nil {
					t.Errorf("%s:%d: %v", name, e.line, err)
					continue
				}
				base, err := Base(e.vector)
				if err != nil {
					t.Fatalf("%s:%d: Base: %v", name, e.line, err)
				}
				ms, _ := Metrics(full.Vector)
				nb := baseCount[full.Version]
				var rest []string
				for _, m := range ms {
					if !slices.Contains(metricOrder[full.Version][:nb], m.Key) {
						rest = append(rest, m.Key+":"+m.Value)
					}
				}
				if len(rest) == 0 {
					continue
				}
				total++
				got, err := Apply(base, strings.Join(rest, "/"))
				if err != nil {
					t.Errorf("%s:%d: Apply(%s, %s): %v", name, e.line, base, strings.Join(rest, "/"), err)
					continue
				}
				if got.Effective() != full.Effective() || got.Base != full.Base || got.Temporal != full.Temporal {
					t.Errorf("%s:%d: Apply gives %+v, the whole vector %+v", name, e.line, got, full)
				}
				// And the expected value of the file, where it gives one.
				want := e.base
				if e.scores == 3 {
					want = e.envi
					if math.IsNaN(want) {
						want = e.temp
					}
					if math.IsNaN(want) {
						want = e.base
					}
				}
				if _, tie := knownV40Ties[e.vector]; !tie && !same(got.Effective(), want) {
					t.Errorf("%s:%d: %s + %s effective %v, file says %v", name, e.line, base, rest, got.Effective(), want)
				}
			}
		})
	}
	if total < 500 {
		t.Errorf("only %d vectors with overlays in the test data, want the 600-odd v2/v4 ones", total)
	}
}

func TestApply(t *testing.T) {
	// Expected scores worked by hand from the v3.1 specification's
	// formulas (e.g. 9.8 × E:U 0.91 = 8.918, rounded up to 9.0); the v4.0
	// ones are the library's, which the real vector files above check.
	tests := []struct {
		name, vector string
		overlays     []string
		wantVector   string
		wantEff      float64
		wantErr      bool
	}{
		{"V31IsolatedNetwork", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", []string{"MAV:A/CR:H/IR:H/AR:H", "E:P"},
			"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/CR:H/IR:H/AR:H/MAV:A", 8.3, false},
		{"LaterOverlayWins", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:H", []string{"E:U"},
			"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U", 9.0, false},
		{"V40Attacked", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", []string{"E:A"},
			"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A", 9.3, false},
		{"V40Unreported", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", []string{"E:U"},
			"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 8.1, false},
		{"V2Temporal", "AV:N/AC:L/Au:N/C:C/I:C/A:C", []string{"E:F"}, "AV:N/AC:L/Au:N/C:C/I:C/A:C/E:F", 9.5, false},
		{"EmptyOverlay", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", []string{""},
			"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, false},
		{"BaseMetricRefused", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", []string{"AV:L"}, "", 0, true},
		{"OtherVersionMetric", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", []string{"MVC:H"}, "", 0, true},
		{"BadValue", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", []string{"MAV:Q"}, "", 0, true},
		{"Twice", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", []string{"CR:H/CR:L"}, "", 0, true},
		{"Garbage", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", []string{"hello"}, "", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Apply(tc.vector, tc.overlays...)
			if tc.wantErr {
				if !errors.Is(err, ErrVector) {
					t.Errorf("Apply = %+v, %v; want ErrVector", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Vector != tc.wantVector || got.Effective() != tc.wantEff {
				t.Errorf("Apply = %s %v, want %s %v", got.Vector, got.Effective(), tc.wantVector, tc.wantEff)
			}
		})
	}
}

func TestExploitability(t *testing.T) {
	tests := []struct {
		vector string
		want   float64
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 1},
		{"CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 0.2 / 0.85},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:P", 0.2 / 0.85},
		{"AV:N/AC:L/Au:N/C:C/I:C/A:C", 20 * 0.71 * 0.704 / 10},
		{"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 0.57},
	}
	for _, tc := range tests {
		got, err := Exploitability(tc.vector)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("Exploitability(%s) = %v, want %v", tc.vector, got, tc.want)
		}
	}
	// The v3.1 sub-score over its maximum, from the specification's
	// weights: ≤ 1 for every real vector.
	for _, e := range readVectors(t, "vectors_simple31.txt") {
		x, err := Exploitability(e.vector)
		if err != nil || x <= 0 || x > 1+1e-9 {
			t.Fatalf("%s: %v, %v", e.vector, x, err)
		}
	}
	_ = vigil.CVSS31
}

// TestEveryVectorFile scores every vector file in the test data
// directory, including ones TestVectorFiles does not list (the same
// sources hold more: vectors_calculator3, vectors_cvsslib3, …), against
// the scores the file gives.
func TestEveryVectorFile(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(vectorDir(t), "vectors_*.txt"))
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			lines := readVectors(t, name)
			if len(lines) == 0 {
				t.Fatal("no vectors")
			}
			for _, e := range lines {
				s, err := Parse(e.vector)
				if err != nil {
					t.Errorf("%s:%d: %v", name, e.line, err)
					continue
				}
				if _, tie := knownV40Ties[e.vector]; tie {
					continue
				}
				if !same(s.Base, e.base) {
					t.Errorf("%s:%d: %s base %v, want %v", name, e.line, e.vector, s.Base, e.base)
				}
				if e.scores == 3 && !math.IsNaN(e.temp) && !same(s.Temporal, e.temp) {
					t.Errorf("%s:%d: %s temporal %v, want %v", name, e.line, e.vector, s.Temporal, e.temp)
				}
				if e.scores == 3 && !math.IsNaN(e.envi) && !same(s.Environmental, e.envi) {
					t.Errorf("%s:%d: %s environmental %v, want %v", name, e.line, e.vector, s.Environmental, e.envi)
				}
			}
		})
	}
}

func FuzzApply(f *testing.F) {
	for _, name := range []string{"vectors_cvsslib2.txt", "vectors_simple31.txt", "vectors_threat4.txt", "vectors_supplemental4.txt"} {
		lines := readVectorsF(f, name)
		for i := 0; i < len(lines); i += 61 {
			full := lines[i]
			base, err := Base(full)
			if err != nil {
				f.Fatal(err)
			}
			rest := strings.TrimPrefix(strings.TrimPrefix(full, base), "/")
			f.Add(base, rest)
			f.Add(full, "")
		}
	}
	f.Add("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "MAV:A/CR:H/IR:H/AR:H")
	f.Add("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "E:A/MAV:A")
	f.Fuzz(func(t *testing.T, vector, overlay string) {
		s, err := Apply(vector, overlay)
		if err != nil {
			return
		}
		// What Apply writes parses, and applying the overlay again
		// changes nothing.
		again, err := Apply(s.Vector, overlay)
		if err != nil {
			t.Fatalf("Apply(%q, %q) again: %v", s.Vector, overlay, err)
		}
		if again.Vector != s.Vector || again.Effective() != s.Effective() {
			t.Fatalf("not idempotent: %s %v, then %s %v", s.Vector, s.Effective(), again.Vector, again.Effective())
		}
		if x, err := Exploitability(s.Vector); err != nil || x < 0 || x > 1+1e-9 || math.IsNaN(x) {
			t.Fatalf("Exploitability(%s) = %v, %v", s.Vector, x, err)
		}
	})
}

// readVectorsF reads the vectors of a file for a fuzz seed.
func readVectorsF(f *testing.F, name string) []string {
	f.Helper()
	b, err := os.ReadFile(filepath.Join(vectorDir(f), name))
	if err != nil {
		f.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if vec, _, ok := strings.Cut(l, " - "); ok {
			out = append(out, vec)
		}
	}
	return out
}
