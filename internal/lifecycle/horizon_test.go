package lifecycle

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
)

func TestBuildHorizon(t *testing.T) {
	today := mustDate(t, "2026-12-01")
	rel := func(id int64, version, eol, eos string) *vigil.Release {
		r := &vigil.Release{ID: id, Product: "Pump", Version: version, Milestones: vigil.Milestones{
			ReleasedOn: mustDate(t, "2020-01-01"), EOLNoticeOn: mustDate(t, eol), EndOfSupportOn: mustDate(t, eos)}}
		r.Phase = r.PhaseOn(today)
		return r
	}
	releases := map[int64]*vigil.Release{
		1: rel(1, "2.1", "2025-06-30", "2027-06-30"), // limited now, EOS in 2027-Q2
		2: rel(2, "5.4", "2022-01-01", "2024-12-31"), // past EOS
		3: rel(3, "3.0", "2027-01-15", "2029-01-01"), // EOL in 2027-Q1, EOS beyond 24 months
		4: {ID: 4, Product: "Pump", Version: "9", Phase: vigil.PhaseSupport, PhaseExplicit: true,
			Milestones: vigil.Milestones{EndOfSupportOn: mustDate(t, "2027-02-01")}}, // set by hand: dates do not move it
	}
	asset := func(id int64, tag string, crit vigil.Criticality, releaseID int64, status vigil.AssetStatus) *vigil.Asset {
		return &vigil.Asset{ID: id, AssetTag: tag, Manufacturer: "Acme", Model: "IP-3000", Site: "Main", Unit: "ICU",
			Criticality: crit, Status: status, Mapping: vigil.AssetMapping{ReleaseID: releaseID}}
	}
	assets := []*vigil.Asset{
		asset(10, "A-10", vigil.CriticalityLifeSustaining, 1, vigil.AssetInService),
		asset(11, "A-11", vigil.CriticalityMonitoring, 2, vigil.AssetInService),
		asset(12, "A-12", vigil.CriticalityTherapeutic, 3, vigil.AssetInStorage),
		asset(13, "A-13", vigil.CriticalityDiagnostic, 4, vigil.AssetInService),
		asset(14, "A-14", vigil.CriticalityNonClinical, 0, vigil.AssetInService),
		asset(15, "A-15", vigil.CriticalityTherapeutic, 2, vigil.AssetDecommissioned),
		asset(16, "A-16", vigil.CriticalityTherapeutic, 99, vigil.AssetInService), // release not visible
	}
	h := BuildHorizon(today, 24, assets, releases)
	if h.Assets != 6 || h.End != mustDate(t, "2028-12-01") {
		t.Errorf("assets %d, end %s", h.Assets, h.End)
	}
	if diff := cmp.Diff(map[vigil.Phase]int{vigil.PhaseLimitedSupport: 1, vigil.PhaseEndOfSupport: 1, vigil.PhaseSupport: 2, PhaseUnknown: 2}, h.ByPhase); diff != "" {
		t.Errorf("by phase (-want +got):\n%s", diff)
	}
	var labels []string
	for _, q := range h.Quarters {
		labels = append(labels, q.Label)
	}
	want := []string{"2026-Q4", "2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2028-Q1", "2028-Q2", "2028-Q3", "2028-Q4"}
	if diff := cmp.Diff(want, labels); diff != "" {
		t.Errorf("quarters (-want +got):\n%s", diff)
	}
	q1, q2 := h.Quarters[1], h.Quarters[2]
	if !cmp.Equal(q1.ReachLimitedSupport, []int64{12}) || len(q1.ReachEndOfSupport) != 0 {
		t.Errorf("2027-Q1: limited %v, eos %v", q1.ReachLimitedSupport, q1.ReachEndOfSupport)
	}
	if !cmp.Equal(q2.ReachEndOfSupport, []int64{10}) || q2.EndOfSupportByCriticality[vigil.CriticalityLifeSustaining] != 1 {
		t.Errorf("2027-Q2: eos %v, by criticality %v", q2.ReachEndOfSupport, q2.EndOfSupportByCriticality)
	}
	if q2.ByPhase[vigil.PhaseEndOfSupport] != 2 || h.Quarters[0].ByPhase[vigil.PhaseEndOfSupport] != 1 {
		t.Errorf("end of support at quarter ends: %v, %v", h.Quarters[0].ByPhase, q2.ByPhase)
	}
	var order []string
	for _, it := range h.Items {
		order = append(order, it.Label+" "+string(it.Next)+" "+it.NextQuarter)
	}
	wantOrder := []string{
		"A-12 limited_support 2027-Q1", // soonest milestone first
		"A-10 end_of_support 2027-Q2",
		"A-11  ",           // then past end of support
		"A-13  ",           // supported (set by hand), diagnostic
		"A-16  ", "A-14  ", // unknown phase, most critical first
	}
	if diff := cmp.Diff(wantOrder, order); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if s := h.Summary(); s != "6 assets: 1 past end of support, 1 in limited support, 2 supported, 0 in development, 2 of unknown phase; within 24 months 1 more reach limited support and 1 reach end of support" {
		t.Errorf("summary %q", s)
	}
}
