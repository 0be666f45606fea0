package purlrange

import (
	"context"
	"fmt"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
)

// benchSBOM returns n components spread over five ecosystems, 8 of them
// versions of npm lodash.
func benchSBOM(n int) []*vigil.Component {
	comps := make([]*vigil.Component, 0, n)
	for i := 0; len(comps) < n; i++ {
		var purl string
		switch i % 5 {
		case 0:
			purl = fmt.Sprintf("pkg:npm/pkg-%d@1.%d.%d", i, i%7, i%13)
		case 1:
			purl = fmt.Sprintf("pkg:pypi/Py_Pkg.%d@2.%d.post%d", i, i%11, i%3)
		case 2:
			purl = fmt.Sprintf("pkg:golang/github.com/o%d/m%d@v0.%d.0", i%97, i, i%17)
		case 3:
			purl = fmt.Sprintf("pkg:maven/org.example%d/artifact-%d@3.%d.0-RC%d", i%31, i, i%9, i%4)
		case 4:
			purl = fmt.Sprintf("pkg:deb/debian/lib%d@1:2.%d-1~deb12u%d?distro=debian-12", i, i%5, i%3)
		}
		if i%1250 == 0 {
			purl = fmt.Sprintf("pkg:npm/lodash@4.17.%d", i/1250*3)
		}
		comps = append(comps, &vigil.Component{Ref: fmt.Sprint(i), PURL: purl})
	}
	return comps
}

var lodash = &vigil.Vulnerability{
	ID: "GHSA-35jh-r3h4-6jhm", Aliases: []string{"CVE-2021-23337"},
	Affected: []vigil.AffectedPackage{{Ecosystem: "npm", Name: "lodash",
		Ranges: []vigil.Range{semver("introduced", "0", "fixed", "4.17.21"), semver("introduced", "5.0.0-alpha", "fixed", "5.0.0")}}},
	Provenance: vigil.Provenance{Source: vigil.SourceOSV, SourceID: "GHSA-35jh-r3h4-6jhm"},
}

// BenchmarkMatch_OneRecord10kSBOM matches one record against a 10k
// component SBOM whose index is already built: the record only looks at
// the components of its package.
func BenchmarkMatch_OneRecord10kSBOM(b *testing.B) {
	sbom := match.NewSBOM(benchSBOM(10_000))
	m, ctx := New(), context.Background()
	res, _ := m.Match(ctx, match.Record{Vuln: lodash}, sbom) // builds the index
	if len(res.Matches) != 7 {
		b.Fatalf("matches = %d, want 7", len(res.Matches))
	}
	b.ReportAllocs()
	for b.Loop() {
		m.Match(ctx, match.Record{Vuln: lodash}, sbom)
	}
}

// BenchmarkIndex10k is the one-off cost of indexing a 10k component SBOM
// (purl parsing, name normalisation, version parsing).
func BenchmarkIndex10k(b *testing.B) {
	comps := benchSBOM(10_000)
	b.ReportAllocs()
	for b.Loop() {
		index(match.NewSBOM(comps))
	}
}

// BenchmarkMatch_10kRecordsOneComponent matches 10k records, over as many
// packages of several ecosystems, against a one-component SBOM; one op is
// the whole pass.
func BenchmarkMatch_10kRecordsOneComponent(b *testing.B) {
	sbom := match.NewSBOM([]*vigil.Component{{Ref: "c", PURL: "pkg:npm/lodash@4.17.20"}})
	ecos := []vigil.Ecosystem{"npm", "PyPI", "Go", "Maven", "Debian:12"}
	recs := make([]*vigil.Vulnerability, 10_000)
	for i := range recs {
		recs[i] = &vigil.Vulnerability{ID: fmt.Sprintf("V-%d", i),
			Affected: []vigil.AffectedPackage{{Ecosystem: ecos[i%len(ecos)], Name: fmt.Sprintf("pkg-%d", i),
				Ranges: []vigil.Range{eco("introduced", "0", "fixed", fmt.Sprintf("1.%d.0", i%50))}}},
			Provenance: vigil.Provenance{Source: vigil.SourceOSV, SourceID: fmt.Sprintf("V-%d", i)}}
	}
	recs[5000] = lodash
	m, ctx := New(), context.Background()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, v := range recs {
			res, _ := m.Match(ctx, match.Record{Vuln: v}, sbom)
			n += len(res.Matches)
		}
		if n != 1 {
			b.Fatalf("matches = %d, want 1", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(recs)), "ns/record")
}

// BenchmarkDecodeAffected decodes one slim package row (EncodeAffected),
// as a scan does for every row its components reach.
func BenchmarkDecodeAffected(b *testing.B) {
	row := EncodeAffected(lodash.Affected)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeAffected(row); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSlimRow10kSBOM decides one slim row against a 10k-component
// SBOM, as the scan's prefilter does: decode, then match.
func BenchmarkSlimRow10kSBOM(b *testing.B) {
	sbom := match.NewSBOM(benchSBOM(10000))
	m := New()
	row := EncodeAffected(lodash.Affected)
	ctx := context.Background()
	if _, err := m.Match(ctx, match.Record{Vuln: lodash}, sbom); err != nil { // builds the index
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		entries, err := DecodeAffected(row)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Match(ctx, match.Record{Vuln: &vigil.Vulnerability{ID: "-", Affected: entries}}, sbom); err != nil {
			b.Fatal(err)
		}
	}
}
