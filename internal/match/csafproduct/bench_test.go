package csafproduct

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
	"github.com/vigil/vigil/internal/sbom/synth"
)

// benchSBOM is a synthetic 10,000-component SBOM (internal/sbom/synth)
// whose last n components are products the advisory names, stated the way
// a device maker's SBOM would (name, supplier, version), so that the
// benchmark pays for hits as well as misses.
func benchSBOM(b *testing.B, a *vigil.Advisory, n int) *match.SBOM {
	b.Helper()
	_, cs, _ := synth.Generate(synth.Options{Components: 10_000 - n, Seed: 1})
	comps := make([]*vigil.Component, 0, 10_000)
	for i := range cs {
		comps = append(comps, &cs[i])
	}
	// Half of them products with a version (firmware), half without
	// (devices), so that relationship statements find both sides.
	withVersion, without := 0, 0
	for i, p := range a.ProductTree.Products() {
		if p.Vendor == "" || p.Product == "" {
			continue
		}
		v := p.Version
		if v == "" || v == "vers:all/*" {
			if without >= n/2 {
				continue
			}
			without++
			v = "1.0"
		} else {
			if withVersion >= n/2 {
				continue
			}
			withVersion++
		}
		comps = append(comps, &vigil.Component{Ref: fmt.Sprintf("named-%d", i), Type: vigil.ComponentDevice,
			Name: p.Product, Supplier: p.Vendor, Version: v})
	}
	return match.NewSBOM(comps)
}

func benchMatch(b *testing.B, file string) {
	a := advisories(b, filepath.Join(testdata(b), file))[filepath.Base(file)]
	sb := benchSBOM(b, a, 100)
	m := New()
	ctx := b.Context()
	res, err := m.Match(ctx, match.Record{Advisory: a}, sb)
	if err != nil || len(res.Matches) == 0 {
		b.Fatalf("%d matches, %v", len(res.Matches), err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Match(ctx, match.Record{Advisory: a}, sb); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(res.Matches)), "matches")
}

// BenchmarkMatchICSMA20343 matches ICSMA-20-343-01 (GE Healthcare, 107
// products × 2 CVEs = 214 product ids) against 10,000 components. The
// SBOM's index is built before the timer starts, as the engine builds it
// once per SBOM.
func BenchmarkMatchICSMA20343(b *testing.B) { benchMatch(b, "csaf/cisa-icsma/icsma-20-343-01.json") }

// BenchmarkMatchMobotixRelationships matches ICSA-24-235-03 (1,391
// products, 1,316 of them relationships, statuses over 1,316 ids) against
// 10,000 components.
func BenchmarkMatchMobotixRelationships(b *testing.B) {
	benchMatch(b, "csaf/cisa-icsa-it/icsa-24-235-03.json")
}

// BenchmarkProductIndex10k builds the index of a 10,000-component SBOM.
func BenchmarkProductIndex10k(b *testing.B) {
	_, cs, _ := synth.Generate(synth.Options{Components: 10_000, Seed: 1})
	comps := make([]*vigil.Component, len(cs))
	for i := range cs {
		comps[i] = &cs[i]
	}
	for b.Loop() {
		match.NewProductIndex(comps)
	}
}
