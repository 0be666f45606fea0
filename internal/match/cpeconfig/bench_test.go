package cpeconfig

import (
	"context"
	"fmt"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match"
)

// sbom10k is a 10,000-component SBOM: 9,997 synthetic CPEs over 2,000
// vendors plus VMware Tools 10.3.24, a Linux kernel and Windows.
func sbom10k() *match.SBOM {
	comps := make([]*vigil.Component, 0, 10000)
	for i := range 9997 {
		v := fmt.Sprintf("%d.%d.%d", i%7, i%13, i%101)
		comps = append(comps, &vigil.Component{
			Ref: fmt.Sprintf("c%d", i), Name: fmt.Sprintf("product%d", i), Version: v,
			CPEs: []string{fmt.Sprintf("cpe:2.3:a:vendor%d:product%d:%s:*:*:*:*:*:*:*", i%2000, i, v)},
		})
	}
	for i, c := range []string{tools("10.3.24"), linux, windows} {
		comps = append(comps, &vigil.Component{Ref: fmt.Sprintf("t%d", i), CPEs: []string{c}})
	}
	return match.NewSBOM(comps)
}

// One real record (CVE-2022-31676: three configurations, AND with
// running-on platforms) against a 10k-component SBOM, index built.
func BenchmarkMatch_OneRecord10k(b *testing.B) {
	v := load(b, "feed-1.1")["CVE-2022-31676"]
	sbom := sbom10k()
	m := New()
	ctx := context.Background()
	rec := match.Record{Vuln: v}
	if res, _ := m.Match(ctx, rec, sbom); len(res.Matches) != 1 {
		b.Fatalf("want 1 match, got %v", res.Matches)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Match(ctx, rec, sbom); err != nil {
			b.Fatal(err)
		}
	}
}

// Building the CPE index of a 10k-component SBOM (once per SBOM).
func BenchmarkNewCPEIndex10k(b *testing.B) {
	sbom := sbom10k()
	b.ReportAllocs()
	for b.Loop() {
		match.NewCPEIndex(sbom)
	}
}

// Every record of the real 1.1 feed (669 CVEs) against the 10k SBOM; one
// op is the whole feed.
func BenchmarkMatch_Feed11x10k(b *testing.B) {
	recs := load(b, "feed-1.1")
	sbom := sbom10k()
	m := New()
	ctx := context.Background()
	list := make([]match.Record, 0, len(recs))
	for _, v := range recs {
		list = append(list, match.Record{Vuln: v})
	}
	m.Match(ctx, list[0], sbom)
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range list {
			if _, err := m.Match(ctx, r, sbom); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(list)), "ns/record")
}
