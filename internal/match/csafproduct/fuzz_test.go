package csafproduct

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seedVersions returns every version and range text of the real CISA and
// OASIS product trees, for fuzz seeds.
func seedVersions(f *testing.F) []string {
	f.Helper()
	var paths []string
	for _, g := range []string{"csaf/cisa-icsma/*.json", "csaf/cisa-icsa-it/*.json", "csaf/oasis-csaf20/examples/csaf/csaf_vex/*.json"} {
		ps, _ := filepath.Glob(filepath.Join(testdata(f), g))
		paths = append(paths, ps...)
	}
	seen := map[string]bool{}
	var out []string
	for _, a := range advisories(f, paths...) {
		for _, p := range a.ProductTree.Products() {
			for _, s := range []string{p.Version, p.VersionRange, p.Vendor, p.Product} {
				if s != "" && !seen[s] {
					seen[s] = true
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// FuzzParseRange: ParseRange never panics, Contains never panics, and a
// range it accepts survives String → ParseRange unchanged.
func FuzzParseRange(f *testing.F) {
	for _, s := range seedVersions(f) {
		f.Add(s, "1.0")
	}
	f.Add("vers:generic/>=1.0|<2.0", "1.5")
	f.Add("vers:generic/1.0%7Cx|!=2", "2")
	f.Fuzz(func(t *testing.T, s, v string) {
		r, err := ParseRange(s)
		if err != nil {
			return
		}
		_, _ = r.Contains(v)
		back, err := ParseRange(r.String())
		if err != nil {
			t.Fatalf("ParseRange(%q) → %q: %v", s, r.String(), err)
		}
		if diff := cmp.Diff(r, back); diff != "" {
			t.Fatalf("ParseRange(%q) → %q changed (-first +second):\n%s", s, r.String(), diff)
		}
	})
}

// FuzzNormalize: name normalisation never panics, is idempotent, and its
// results hold only lower-case words.
func FuzzNormalize(f *testing.F) {
	for _, s := range seedVersions(f) {
		f.Add(s)
	}
	f.Add("Becton, Dickinson and Company (BD)")
	f.Add("Koninklijke Philips N.V.")
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize not idempotent: %q → %q → %q", s, n, Normalize(n))
		}
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q", s, n)
		}
		for _, v := range VendorNames(s) {
			if v == "" || StripSuffixes(v) != v {
				t.Fatalf("VendorNames(%q) holds %q", s, v)
			}
			if !SameVendor(v, v) && len(v) > 0 && hasAlnum(v) {
				t.Fatalf("SameVendor(%q, itself) is false", v)
			}
		}
		_ = CompareVersions(s, n)
	})
}

func hasAlnum(s string) bool {
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return true
		}
	}
	return false
}
