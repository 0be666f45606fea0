package cvss

import (
	"bufio"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/realdata"
)

// expected is one line of a Red Hat vector file: "vector - (b, t, e)",
// "vector - (b,)" or "vector - score". A NaN means "None".
type expected struct {
	file, vector     string
	line             int
	base, temp, envi float64
	scores           int
}

func readVectors(t *testing.T, name string) []expected {
	t.Helper()
	f, err := os.Open(filepath.Join(vectorDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []expected
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		vec, rest, ok := strings.Cut(line, " - ")
		if !ok {
			t.Fatalf("%s:%d: no \" - \" in %q", name, n, line)
		}
		rest = strings.Trim(rest, "()")
		var nums []float64
		for _, f := range strings.Split(rest, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			if f == "None" {
				nums = append(nums, math.NaN())
				continue
			}
			x, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("%s:%d: score %q: %v", name, n, f, err)
			}
			nums = append(nums, x)
		}
		e := expected{file: name, line: n, vector: vec, scores: len(nums), temp: math.NaN(), envi: math.NaN()}
		e.base = nums[0]
		if len(nums) == 3 {
			e.temp, e.envi = nums[1], nums[2]
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// knownV40Ties are the v4.0 lines where go-cvss v0.6.4 disagrees with the
// Red Hat reference values, investigated: each is an exact x.x5 tie
// (the reference's interpolated score is 5.65) that float64 arithmetic puts
// one ULP below, and go-cvss rounds with math.Round(x*10)/10 and no
// epsilon, so it gives 5.6 where the FIRST/Red Hat v4.0 calculators,
// which lift ties with EPSILON = 1e-6 before rounding half up, give 5.7.
// The test pins the library's value for exactly these lines, so a fixed
// library (or a new disagreement) makes it fail and this table is revisited.
var knownV40Ties = map[string]float64{
	"CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:H/VA:L/SC:N/SI:N/SA:L": 5.6,
	"CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:A/VC:L/VI:H/VA:N/SC:L/SI:N/SA:N": 5.6,
	"CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:A/VC:L/VI:H/VA:N/SC:N/SI:N/SA:N": 5.6,
	"CVSS:4.0/AV:L/AC:L/AT:P/PR:H/UI:N/VC:N/VI:L/VA:H/SC:L/SI:L/SA:N": 5.6,
	"CVSS:4.0/AV:L/AC:H/AT:P/PR:N/UI:A/VC:L/VI:H/VA:N/SC:L/SI:N/SA:L": 5.6,
}

// TestVectorFiles scores every line of every Red Hat vector file and
// compares with the expected scores. No line is skipped: each file's line
// count is asserted, and every line must agree.
func TestVectorFiles(t *testing.T) {
	files := []struct {
		name    string
		version vigil.CVSSVersion
		lines   int // counted with: wc -l testdata/cvss/redhat-cvss-vectors/*.txt
	}{
		{"vectors_simple2.txt", vigil.CVSS20, 729},
		{"vectors_cvsslib2.txt", vigil.CVSS20, 24},
		{"vectors_calculator2.txt", vigil.CVSS20, 5},
		{"vectors_simple3.txt", vigil.CVSS30, 2592},
		{"vectors_simple31.txt", vigil.CVSS31, 2592},
		{"vectors_simple4.txt", vigil.CVSS40, 1058},
		{"vectors_supplemental4.txt", vigil.CVSS40, 576},
		{"vectors_threat4.txt", vigil.CVSS40, 6},
	}
	for _, tc := range files {
		t.Run(tc.name, func(t *testing.T) {
			lines := readVectors(t, tc.name)
			if len(lines) != tc.lines {
				t.Fatalf("%s: %d lines, want %d", tc.name, len(lines), tc.lines)
			}
			bad, ties := 0, 0
			for _, e := range lines {
				s, err := Parse(e.vector)
				if err != nil {
					t.Errorf("%s:%d: Parse(%q): %v", e.file, e.line, e.vector, err)
					bad++
					continue
				}
				if s.Version != tc.version {
					t.Errorf("%s:%d: version %s, want %s", e.file, e.line, s.Version, tc.version)
				}
				if want, ok := knownV40Ties[e.vector]; ok {
					if s.Base != want || !same(e.base-0.1, want) {
						t.Errorf("%s:%d: known tie %s: got %v, reference %v; revisit knownV40Ties", e.file, e.line, e.vector, s.Base, e.base)
					}
					ties++
					continue
				}
				if !same(s.Base, e.base) {
					t.Errorf("%s:%d: %s base %v, want %v", e.file, e.line, e.vector, s.Base, e.base)
					bad++
				}
				if e.scores == 3 {
					if !math.IsNaN(e.temp) && (!s.HasTemporal || !same(s.Temporal, e.temp)) {
						t.Errorf("%s:%d: %s temporal %v, want %v", e.file, e.line, e.vector, s.Temporal, e.temp)
						bad++
					}
					if math.IsNaN(e.temp) && s.HasTemporal {
						t.Errorf("%s:%d: %s has a temporal score, want None", e.file, e.line, e.vector)
					}
					if !math.IsNaN(e.envi) && (!s.HasEnvironmental || !same(s.Environmental, e.envi)) {
						t.Errorf("%s:%d: %s environmental %v, want %v", e.file, e.line, e.vector, s.Environmental, e.envi)
						bad++
					}
					if math.IsNaN(e.envi) && s.HasEnvironmental {
						t.Errorf("%s:%d: %s has an environmental score, want None", e.file, e.line, e.vector)
					}
				}
				if s.Rating != RatingOf(s.Version, s.Base) {
					t.Errorf("%s:%d: rating %s for %v", e.file, e.line, s.Rating, s.Base)
				}
			}
			if bad > 0 {
				t.Logf("%s: %d of %d lines disagree", tc.name, bad, len(lines))
			}
			if ties > 0 {
				t.Logf("%s: %d lines are known v4.0 rounding ties (see knownV40Ties)", tc.name, ties)
			}
		})
	}
}

func same(a, b float64) bool { return math.Abs(a-b) < 0.05 }

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		vector string
		want   Score
	}{
		{"V2WithParens", "(AV:N/AC:L/Au:N/C:C/I:C/A:C)", Score{Version: vigil.CVSS20,
			Vector: "AV:N/AC:L/Au:N/C:C/I:C/A:C", Base: 10, Rating: vigil.RatingHigh}},
		{"V2WithPrefix", "CVSS:2.0/AV:N/AC:M/Au:N/C:P/I:N/A:N", Score{Version: vigil.CVSS20,
			Vector: "CVSS:2.0/AV:N/AC:M/Au:N/C:P/I:N/A:N", Base: 4.3, Rating: vigil.RatingMedium}},
		{"V2PartialTemporal", "AV:N/AC:L/Au:N/C:C/I:C/A:C/E:F", Score{Version: vigil.CVSS20,
			Vector: "AV:N/AC:L/Au:N/C:C/I:C/A:C/E:F", Base: 10, Temporal: 9.5, HasTemporal: true, Rating: vigil.RatingHigh}},
		{"V31Log4Shell", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", Score{Version: vigil.CVSS31,
			Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", Base: 10, Temporal: 10, Environmental: 10,
			HasTemporal: true, HasEnvironmental: true, Rating: vigil.RatingCritical}},
		{"V40Base", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", Score{Version: vigil.CVSS40,
			Vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", Base: 9.3,
			Nomenclature: "CVSS-B", Rating: vigil.RatingCritical}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.vector)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.vector, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, vector string
	}{
		{"Empty", ""},
		{"UnknownVersion", "CVSS:5.0/AV:N"},
		{"V2MissingBase", "AV:N/AC:L/Au:N/C:C/I:C"},
		{"V2Duplicate", "AV:N/AV:N/AC:L/Au:N/C:C/I:C/A:C"},
		{"V2Unknown", "AV:N/AC:L/Au:N/C:C/I:C/A:C/XX:Y"},
		{"V31BadValue", "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"},
		{"V31Missing", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H"},
		{"V40Missing", "CVSS:4.0/AV:N/AC:L"},
		{"TooLong", "CVSS:3.1/" + strings.Repeat("AV:N/", 200)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse(tc.vector); !errors.Is(err, ErrVector) {
				t.Errorf("Parse(%q) = %v, want ErrVector", tc.vector, err)
			}
		})
	}
}

func TestParseVersionMismatch(t *testing.T) {
	_, err := ParseVersion(vigil.CVSS30, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H")
	if !errors.Is(err, ErrVector) {
		t.Errorf("got %v, want ErrVector", err)
	}
}

func TestFill(t *testing.T) {
	tests := []struct {
		name    string
		in      vigil.Severity
		want    vigil.Severity
		wantErr bool
	}{
		{"FromVector",
			vigil.Severity{Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", GivenScore: 7.5, HasGivenScore: true},
			vigil.Severity{Version: vigil.CVSS31, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
				BaseScore: 7.5, Rating: vigil.RatingHigh, Computed: true, GivenScore: 7.5, HasGivenScore: true}, false},
		{"ScoreWithoutVectorKept",
			vigil.Severity{Version: vigil.CVSS31, GivenScore: 6.1, HasGivenScore: true},
			vigil.Severity{Version: vigil.CVSS31, BaseScore: 6.1, Rating: vigil.RatingMedium, GivenScore: 6.1, HasGivenScore: true}, false},
		{"VectorWinsOverWrongScore",
			vigil.Severity{Vector: "AV:N/AC:L/Au:N/C:N/I:N/A:P", GivenScore: 9.9, HasGivenScore: true},
			vigil.Severity{Version: vigil.CVSS20, Vector: "AV:N/AC:L/Au:N/C:N/I:N/A:P", BaseScore: 5,
				Rating: vigil.RatingMedium, Computed: true, GivenScore: 9.9, HasGivenScore: true}, false},
		{"BadVector", vigil.Severity{Vector: "CVSS:3.1/AV:N"}, vigil.Severity{Vector: "CVSS:3.1/AV:N"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in
			err := Fill(&got)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Fill: %v, wantErr %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Fill (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"vectors_simple2.txt", "vectors_cvsslib2.txt", "vectors_simple31.txt", "vectors_simple4.txt", "vectors_supplemental4.txt"} {
		b, err := os.ReadFile(filepath.Join(vectorDir(f), name))
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for i := 0; i < len(lines); i += 97 {
			vec, _, _ := strings.Cut(lines[i], " - ")
			f.Add(vec)
		}
	}
	f.Fuzz(func(t *testing.T, v string) {
		s, err := Parse(v)
		if err != nil {
			return
		}
		if s.Base < 0 || s.Base > 10 || math.IsNaN(s.Base) {
			t.Fatalf("Parse(%q): base %v out of range", v, s.Base)
		}
		// Whatever parses must parse again the same.
		again, err := Parse(s.Vector)
		if err != nil {
			t.Fatalf("Parse(%q) again: %v", s.Vector, err)
		}
		if diff := cmp.Diff(s, again); diff != "" {
			t.Fatalf("reparse (-first +second):\n%s", diff)
		}
	})
}

// vectorDir is the shared test data folder cvss/redhat-cvss-vectors.
func vectorDir(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "cvss/redhat-cvss-vectors")
}
