package cpe

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/vigil/vigil/internal/realdata"
)

// nvdCriteria returns the distinct match criteria of the shared NVD data:
// the 1.1 feed's cpe23Uri values and the API 2.0 records' criteria.
func nvdCriteria(tb testing.TB) []string {
	tb.Helper()
	files := []string{realdata.Path(tb, "nvd/feed-1.1/nvdcve-1.1-test-data.json")}
	for _, p := range realdata.Walk(tb, "nvd/api-2.0") {
		if filepath.Ext(p) == ".json" {
			files = append(files, p)
		}
	}
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && (k == "cpe23Uri" || k == "criteria") {
					seen[s] = true
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		walk(v)
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	if len(out) < 200 {
		tb.Fatalf("only %d criteria", len(out))
	}
	return out
}

// criteriaAndTargets parses the criteria and derives one product CPE per
// criterion, as an SBOM component would carry it: the criterion with a
// concrete version where it had ANY or a pattern.
func criteriaAndTargets(tb testing.TB) (raw []string, crit, targets []Name) {
	tb.Helper()
	raw = nvdCriteria(tb)
	for _, s := range raw {
		n, err := Parse(s)
		if err != nil {
			tb.Fatalf("NVD criterion: %v", err)
		}
		crit = append(crit, n)
		t := n
		if HasWildcards(t[Version]) {
			t[Version] = Quote("1.2.3")
		}
		targets = append(targets, t)
	}
	return raw, crit, targets
}

// Parsing every distinct criterion of the shared NVD data (327 today):
// what cpeconfig does once per criterion and record matched. One op is all
// of them.
func BenchmarkParseNVDCriteria(b *testing.B) {
	raw, _, _ := criteriaAndTargets(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range raw {
			_, _ = Parse(s)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(raw)), "ns/name")
}

// Every criterion against 64 product CPEs (its own and 63 others spread
// over the data): the NISTIR 7696 comparison cpeconfig runs per index
// candidate. These two benchmarks measured the WFN libraries tried in
// place of this package (docs/matching.md).
func BenchmarkSupersetNVDCriteria(b *testing.B) {
	_, crit, targets := criteriaAndTargets(b)
	const per = 64
	step := max(1, len(targets)/per)
	matches := 0
	for i, c := range crit {
		for k := range per {
			if IsSuperset(c, targets[(i+k*step)%len(targets)]) {
				matches++
			}
		}
	}
	if matches < len(crit)/2 {
		b.Fatalf("%d of %d comparisons match: most criteria should match their own product", matches, len(crit)*per)
	}
	b.Logf("%d criteria, %d of %d comparisons match", len(crit), matches, len(crit)*per)
	b.ReportAllocs()
	for b.Loop() {
		for i, c := range crit {
			for k := range per {
				IsSuperset(c, targets[(i+k*step)%len(targets)])
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(crit)*per), "ns/compare")
}
