package catalog_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/catalog"
)

func TestRefreshPhases(t *testing.T) {
	svc, clk := apptest.New(t) // 2026-11-28
	sc := apptest.Org(t, svc, "acme")
	ctx := t.Context()
	r := apptest.Release(t, svc, sc, "Pump", vigil.ReleaseInput{Version: "1.0", Milestones: vigil.Milestones{
		ReleasedOn: apptest.Date("2024-01-01"), EOLNoticeOn: apptest.Date("2026-12-01"), EndOfSupportOn: apptest.Date("2027-01-15")}})
	set := apptest.Release(t, svc, sc, "Pump", vigil.ReleaseInput{Version: "0.9", Phase: vigil.PhaseSupport,
		Milestones: vigil.Milestones{ReleasedOn: apptest.Date("2020-01-01"), EndOfSupportOn: apptest.Date("2021-01-01")}})
	if r.Phase != vigil.PhaseSupport {
		t.Fatalf("created in %s", r.Phase)
	}
	moves, err := svc.Catalog.RefreshPhases(ctx, sc)
	if err != nil || len(moves) != 0 {
		t.Fatalf("RefreshPhases before any date passed = %v, %v", moves, err)
	}
	// Days pass: first the end-of-life notice, then end of support.
	clk.Time = time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	moves, err = svc.Catalog.RefreshPhases(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.PhaseMove{{ReleaseID: r.ID, Product: "Pump", Version: "1.0", From: vigil.PhaseSupport, To: vigil.PhaseLimitedSupport,
		Reason: "end-of-life notice 2026-12-01 reached (checked 2026-12-02)"}}
	if diff := cmp.Diff(want, moves); diff != "" {
		t.Errorf("RefreshPhases (-want +got):\n%s", diff)
	}
	if again, _ := svc.Catalog.RefreshPhases(ctx, sc); len(again) != 0 {
		t.Errorf("second refresh moved %v", again)
	}
	clk.Time = time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	all, err := svc.Catalog.RefreshAllPhases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Org != "acme" || len(all[0].Moves) != 1 || all[0].Moves[0].To != vigil.PhaseEndOfSupport {
		t.Errorf("RefreshAllPhases = %+v", all)
	}
	det, err := svc.Catalog.Release(ctx, sc, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range det.History {
		got = append(got, string(c.From)+">"+string(c.To)+" "+c.Actor+": "+c.Reason)
	}
	wantHist := []string{
		">support tester: release created",
		"support>limited_support system:lifecycle: end-of-life notice 2026-12-01 reached (checked 2026-12-02)",
		"limited_support>end_of_support system:lifecycle: end of support 2027-01-15 reached (checked 2027-02-01)",
	}
	if diff := cmp.Diff(wantHist, got); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	// A phase a person set is not moved by dates.
	det, err = svc.Catalog.Release(ctx, sc, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	if det.Phase != vigil.PhaseSupport || len(det.History) != 1 {
		t.Errorf("explicit release: %s, %d changes", det.Phase, len(det.History))
	}
}

// TestRefreshPhasesConcurrent runs refreshes side by side: each move is
// recorded once.
func TestRefreshPhasesConcurrent(t *testing.T) {
	svc, clk := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	for _, v := range []string{"1", "2", "3", "4"} {
		apptest.Release(t, svc, sc, "Pump", vigil.ReleaseInput{Version: v, Milestones: vigil.Milestones{ReleasedOn: apptest.Date("2026-12-01")}})
	}
	clk.Time = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 4 {
		wg.Go(func() {
			m, err := svc.Catalog.RefreshPhases(t.Context(), sc)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += len(m)
			mu.Unlock()
		})
	}
	wg.Wait()
	if total != 4 {
		t.Errorf("%d moves recorded, want 4", total)
	}
}
