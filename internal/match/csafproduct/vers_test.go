package csafproduct

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
)

// fixtureLines returns the non-comment lines of a fixture file.
func fixtureLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCompareVersions(t *testing.T) {
	for _, l := range fixtureLines(t, "testdata/versions.txt") {
		var a, op, b string
		for _, o := range []string{" < ", " = ", " > "} {
			if i := strings.Index(l, o); i >= 0 {
				a, op, b = l[:i], strings.TrimSpace(o), l[i+len(o):]
				break
			}
		}
		want := map[string]int{"<": -1, "=": 0, ">": 1}[op]
		if op == "" {
			t.Fatalf("bad line %q", l)
		}
		if got := CompareVersions(a, b); got != want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", a, b, got, want)
		}
		if got := CompareVersions(b, a); got != -want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", b, a, got, -want)
		}
	}
}

func TestRangeContains(t *testing.T) {
	for _, l := range fixtureLines(t, "testdata/ranges.txt") {
		f := strings.Split(l, "\t")
		if len(f) != 3 {
			t.Fatalf("bad line %q", l)
		}
		rs, v, want := f[0], f[1], f[2]
		r, err := ParseRange(rs)
		if want == "error" {
			if err == nil {
				t.Errorf("ParseRange(%q) = %v, want an error", rs, r)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseRange(%q): %v", rs, err)
			continue
		}
		in, cerr := r.Contains(v)
		switch want {
		case "unsupported":
			if !errors.Is(cerr, ErrScheme) {
				t.Errorf("%q.Contains(%q) = %v, %v; want ErrScheme", rs, v, in, cerr)
			}
		case "in", "out":
			if cerr != nil || in != (want == "in") {
				t.Errorf("%q.Contains(%q) = %v, %v; want %s", rs, v, in, cerr, want)
			}
		default:
			t.Fatalf("bad line %q", l)
		}
		// The vers form means the same.
		r2, err := ParseRange(r.String())
		if err != nil {
			t.Errorf("ParseRange(%q) (from %q): %v", r.String(), rs, err)
			continue
		}
		if in2, err2 := r2.Contains(v); in2 != in || (err2 == nil) != (cerr == nil) {
			t.Errorf("%q.Contains(%q) = %v, %v; %q says %v, %v", r.String(), v, in2, err2, rs, in, cerr)
		}
	}
}

func TestRangeString(t *testing.T) {
	tests := map[string]string{
		"vers:generic/>=1.0|<2.0":  "vers:generic/>=1.0|<2.0",
		"vers:generic/<2.0|>=1.0":  "vers:generic/>=1.0|<2.0",
		"<=3.1":                    "vers:generic/<=3.1",
		"All versions":             "vers:generic/*",
		"vers:all/*":               "vers:all/*",
		"Versions 2.3.0 and prior": "vers:generic/<=2.3.0",
		"24950 | 24952":            "vers:generic/24950|24952",
		"vers:generic/1.0%7Cx":     "vers:generic/1.0%7Cx",
		"prior to 2.2":             "vers:generic/<2.2",
		"V8.2.2 and later":         "vers:generic/>=V8.2.2",
	}
	for in, want := range tests {
		r, err := ParseRange(in)
		if err != nil {
			t.Errorf("ParseRange(%q): %v", in, err)
			continue
		}
		if got := r.String(); got != want {
			t.Errorf("ParseRange(%q).String() = %q, want %q", in, got, want)
		}
	}
}
