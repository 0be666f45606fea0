package lifecycle

import (
	"fmt"
	"testing"

	"github.com/vigil/vigil"
)

// synthComponents makes n components whose support fields cycle through
// every case of Classify; generated, not typed.
func synthComponents(n int) []*vigil.Component {
	levels := append([]vigil.SupportLevel{""}, vigil.SupportLevels...)
	out := make([]*vigil.Component, n)
	base := vigil.Date{Year: 2020, Month: 1, Day: 1}
	for i := range out {
		c := &vigil.Component{Ref: fmt.Sprintf("c%d", i), Name: fmt.Sprintf("lib%d", i%5000), Version: fmt.Sprint(i % 97),
			SupportLevel: levels[i%len(levels)]}
		if i%3 != 0 {
			c.EndOfSupport = base.AddDays(i % 4000)
		}
		out[i] = c
	}
	return out
}

// BenchmarkRollup300k rolls up the 300,000-component SBOM the design
// calls for (the store streams; this is the roll-up's own cost).
func BenchmarkRollup300k(b *testing.B) {
	comps := synthComponents(300_000)
	today := vigil.Date{Year: 2026, Month: 12, Day: 1}
	b.ReportAllocs()
	for b.Loop() {
		u := NewRollup(today, 12, vigil.Date{Year: 2028, Month: 6, Day: 30}, false)
		for _, c := range comps {
			u.Add(c)
		}
		r := u.Result()
		b.ReportMetric(float64(len(r.Items)), "listed")
	}
}

// BenchmarkHorizon10k lays out the 24-month horizon of a 10,000-asset
// fleet over 200 releases.
func BenchmarkHorizon10k(b *testing.B) {
	today := vigil.Date{Year: 2026, Month: 12, Day: 1}
	rels := map[int64]*vigil.Release{}
	for i := int64(1); i <= 200; i++ {
		rel := vigil.Date{Year: 2018, Month: 1, Day: 1}.AddDays(int(i) * 9)
		rels[i] = &vigil.Release{ID: i, Product: "P", Version: fmt.Sprint(i), Milestones: vigil.Milestones{
			ReleasedOn: rel, EOLNoticeOn: rel.AddDays(1500), EndOfSupportOn: rel.AddDays(2300)}}
	}
	assets := make([]*vigil.Asset, 10_000)
	for i := range assets {
		assets[i] = &vigil.Asset{ID: int64(i + 1), AssetTag: fmt.Sprintf("BME-%05d", i), Manufacturer: "Acme", Model: "M",
			Criticality: vigil.Criticalities[i%len(vigil.Criticalities)], Status: vigil.AssetInService,
			Mapping: vigil.AssetMapping{ReleaseID: int64(i%210 + 1)}} // some unmapped-looking ids beyond 200
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = BuildHorizon(today, 24, assets, rels)
	}
}
