package service_test

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/lifecycle"
	"github.com/vigil/vigil/internal/service"
)

func mustRelease(t *testing.T, svc *service.Service, sc vigil.Scope, product string, in vigil.ReleaseInput) *vigil.Release {
	t.Helper()
	p, err := svc.ResolveProduct(t.Context(), sc, product)
	if err != nil {
		p, err = svc.CreateProduct(t.Context(), sc, vigil.ProductInput{Name: product, Manufacturer: "Acme"})
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err := svc.CreateRelease(t.Context(), sc, p.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRefreshPhases(t *testing.T) {
	svc, clk := newService(t) // 2026-11-28
	sc := mustOrg(t, svc, "acme")
	ctx := t.Context()
	r := mustRelease(t, svc, sc, "Pump", vigil.ReleaseInput{Version: "1.0", Milestones: vigil.Milestones{
		ReleasedOn: d("2024-01-01"), EOLNoticeOn: d("2026-12-01"), EndOfSupportOn: d("2027-01-15")}})
	set := mustRelease(t, svc, sc, "Pump", vigil.ReleaseInput{Version: "0.9", Phase: vigil.PhaseSupport,
		Milestones: vigil.Milestones{ReleasedOn: d("2020-01-01"), EndOfSupportOn: d("2021-01-01")}})
	if r.Phase != vigil.PhaseSupport {
		t.Fatalf("created in %s", r.Phase)
	}
	moves, err := svc.RefreshPhases(ctx, sc)
	if err != nil || len(moves) != 0 {
		t.Fatalf("RefreshPhases before any date passed = %v, %v", moves, err)
	}
	// Days pass: first the end-of-life notice, then end of support.
	clk.now = time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
	moves, err = svc.RefreshPhases(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	want := []service.PhaseMove{{ReleaseID: r.ID, Product: "Pump", Version: "1.0", From: vigil.PhaseSupport, To: vigil.PhaseLimitedSupport,
		Reason: "end-of-life notice 2026-12-01 reached (checked 2026-12-02)"}}
	if diff := cmp.Diff(want, moves); diff != "" {
		t.Errorf("RefreshPhases (-want +got):\n%s", diff)
	}
	if again, _ := svc.RefreshPhases(ctx, sc); len(again) != 0 {
		t.Errorf("second refresh moved %v", again)
	}
	clk.now = time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	all, err := svc.RefreshAllPhases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].Org != "acme" || len(all[0].Moves) != 1 || all[0].Moves[0].To != vigil.PhaseEndOfSupport {
		t.Errorf("RefreshAllPhases = %+v", all)
	}
	det, err := svc.Release(ctx, sc, r.ID)
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
	det, err = svc.Release(ctx, sc, set.ID)
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
	svc, clk := newService(t)
	sc := mustOrg(t, svc, "acme")
	for _, v := range []string{"1", "2", "3", "4"} {
		mustRelease(t, svc, sc, "Pump", vigil.ReleaseInput{Version: v, Milestones: vigil.Milestones{ReleasedOn: d("2026-12-01")}})
	}
	clk.now = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 4 {
		wg.Go(func() {
			m, err := svc.RefreshPhases(t.Context(), sc)
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

func TestReleaseSupport(t *testing.T) {
	svc, _ := newService(t)
	sc := mustOrg(t, svc, "acme")
	ctx := t.Context()
	r := mustRelease(t, svc, sc, "Infusion Pump", vigil.ReleaseInput{Version: "3.0",
		Milestones: vigil.Milestones{ReleasedOn: d("2024-09-15"), EndOfSupportOn: d("2030-12-31")}})
	if _, err := svc.ReleaseSupport(ctx, sc, r.ID, 12, false); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("without SBOM: %v, want not found", err)
	}
	doc, err := os.ReadFile("../demo/data/infusion-pump-3.0.cdx.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportSBOM(ctx, sc, r.ID, bytes.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	csv, err := os.ReadFile("../demo/data/infusion-pump-3.0-support.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportSupport(ctx, sc, r.ID, bytes.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	got, err := svc.ReleaseSupport(ctx, sc, r.ID, 24, false)
	if err != nil {
		t.Fatal(err)
	}
	// The roll-up agrees with classifying each stored component by hand.
	_, comps, err := svc.ReleaseComponents(ctx, sc, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[lifecycle.SupportStatus]int{}
	for _, c := range comps {
		st, _ := lifecycle.Classify(c.SupportLevel, c.EndOfSupport, got.Today, got.HorizonEnd)
		count[st]++
	}
	if got.Components != len(comps) || got.Ended != count[lifecycle.StatusEnded] || got.Ending != count[lifecycle.StatusEnding] ||
		got.Unknown != count[lifecycle.StatusUnknown] || got.Supported != count[lifecycle.StatusSupported] {
		t.Errorf("roll-up %+v, by hand %v of %d", got, count, len(comps))
	}
	if got.Ended == 0 || got.Ending == 0 {
		t.Errorf("the demo addendum has ended and ending components; got %d ended, %d ending", got.Ended, got.Ending)
	}
	// The SBOM's own "End-of-Support" dates count with the addendum's.
	if !regexp.MustCompile(`components past their end of support, \d+ more within 24 months`).MatchString(got.Summary) {
		t.Errorf("summary %q", got.Summary)
	}
	if _, err := svc.ReleaseSupport(ctx, sc, r.ID, 0, false); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("0 months: %v", err)
	}
	other := mustOrg(t, svc, "other")
	if _, err := svc.ReleaseSupport(ctx, other, r.ID, 12, false); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("other org: %v", err)
	}
}

func TestRecordNotice(t *testing.T) {
	svc, _ := newService(t) // 2026-11-28
	sc := mustOrg(t, svc, "acme")
	ctx := t.Context()
	r := mustRelease(t, svc, sc, "Pump", vigil.ReleaseInput{Version: "2.1", Milestones: vigil.Milestones{ReleasedOn: d("2021-03-01")}})
	succ := mustRelease(t, svc, sc, "Pump", vigil.ReleaseInput{Version: "3.0", Milestones: vigil.Milestones{ReleasedOn: d("2024-09-15")}})

	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := svc.RecordNotice(ctx, sc, r.ID, vigil.NoticeInput{Kind: "sunset", URL: "javascript:alert(1)",
			EOLOn: d("2027-01-01"), EndOfSupportOn: d("2026-01-01")})
		var ve *vigil.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("error %v, want validation error", err)
		}
		fields := map[string]bool{}
		for _, f := range ve.Fields {
			fields[f.Field] = true
		}
		for _, f := range []string{"kind", "title", "url", "end_of_support_on"} {
			if !fields[f] {
				t.Errorf("no problem reported for %s: %v", f, ve)
			}
		}
	})
	t.Run("ErrBeforeRelease", func(t *testing.T) {
		_, err := svc.RecordNotice(ctx, sc, r.ID, vigil.NoticeInput{Kind: vigil.NoticeEndOfLife, Title: "x", EOLOn: d("2020-01-01")})
		if !errors.Is(err, vigil.ErrInvalid) || !strings.Contains(err.Error(), "released 2021-03-01") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("ErrSuccessorItself", func(t *testing.T) {
		_, err := svc.RecordNotice(ctx, sc, r.ID, vigil.NoticeInput{Kind: vigil.NoticeEndOfLife, Title: "x", SuccessorReleaseID: r.ID})
		if !errors.Is(err, vigil.ErrInvalid) {
			t.Errorf("error %v", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		rec, err := svc.RecordNotice(ctx, sc, r.ID, vigil.NoticeInput{
			Kind: vigil.NoticeEndOfLife, Title: "  End of life of Pump 2.1 ", EndOfSupportOn: d("2027-06-30"),
			RemainsSupported:     "Critical security patches",
			CompensatingControls: []string{" Segment the pump network ", ""}, SuccessorReleaseID: succ.ID,
		})
		if err != nil {
			t.Fatal(err)
		}
		n := rec.Notice
		if n.Title != "End of life of Pump 2.1" || n.IssuedOn != d("2026-11-28") || n.EOLOn != d("2026-11-28") ||
			n.Successor != "Pump 3.0" || !cmp.Equal(n.CompensatingControls, []string{"Segment the pump network"}) || n.CreatedBy != "tester" {
			t.Errorf("notice %+v", n)
		}
		if rec.Release.EOLNoticeOn != d("2026-11-28") || rec.Release.EndOfSupportOn != d("2027-06-30") || rec.Release.Phase != vigil.PhaseLimitedSupport {
			t.Errorf("release after notice %+v", rec.Release)
		}
		if rec.PhaseChange == nil || rec.PhaseChange.To != vigil.PhaseLimitedSupport || !strings.Contains(rec.PhaseChange.Reason, "end-of-life notice") {
			t.Errorf("phase change %+v", rec.PhaseChange)
		}
		list, err := svc.Notices(ctx, sc, &r.ID)
		if err != nil || len(list) != 1 || list[0].ID != n.ID {
			t.Errorf("Notices = %v, %v", list, err)
		}
	})
	t.Run("ErrHospital", func(t *testing.T) {
		if _, err := svc.CreateOrg(ctx, vigil.OrgInput{Slug: "general", Kind: vigil.HealthcareProvider}); err != nil {
			t.Fatal(err)
		}
		hdo, _, err := svc.ScopeFor(ctx, "general", "nurse")
		if err != nil {
			t.Fatal(err)
		}
		hr := mustRelease(t, svc, hdo, "Catalogue Pump", vigil.ReleaseInput{Version: "1"})
		_, err = svc.RecordNotice(ctx, hdo, hr.ID, vigil.NoticeInput{Kind: vigil.NoticeEndOfLife, Title: "x"})
		if !errors.Is(err, vigil.ErrForbidden) {
			t.Errorf("hospital notice: %v, want forbidden", err)
		}
	})
}

func TestRecordTransfer(t *testing.T) {
	svc, _ := newService(t)
	sc := mustOrg(t, svc, "acme")
	ctx := t.Context()
	supported := mustRelease(t, svc, sc, "Monitor", vigil.ReleaseInput{Version: "6.0", Milestones: vigil.Milestones{ReleasedOn: d("2023-05-01")}})
	old := mustRelease(t, svc, sc, "Monitor", vigil.ReleaseInput{Version: "5.4", Milestones: vigil.Milestones{
		ReleasedOn: d("2018-01-10"), EOLNoticeOn: d("2022-01-01"), EndOfSupportOn: d("2024-12-31")}})
	in := vigil.TransferInput{
		ResidualRisks:        []vigil.ResidualRisk{{Description: "Unpatched TLS stack", Harm: vigil.HarmSerious, Mitigation: "VLAN"}},
		CompensatingControls: []string{"VLAN 40"},
		Documents:            []vigil.DocumentLink{{Title: "Final SBOM", URL: "https://acme.example/sbom"}},
	}
	if _, err := svc.RecordTransfer(ctx, sc, supported.ID, in); !errors.Is(err, vigil.ErrConflict) {
		t.Errorf("transfer of a supported release: %v, want conflict", err)
	}
	bad := in
	bad.ResidualRisks = nil
	bad.Documents = []vigil.DocumentLink{{Title: "x", URL: "file:///etc/passwd"}}
	if _, err := svc.RecordTransfer(ctx, sc, old.ID, bad); !errors.Is(err, vigil.ErrInvalid) ||
		!strings.Contains(err.Error(), "residual_risks") || !strings.Contains(err.Error(), "documents.url") {
		t.Errorf("invalid transfer: %v", err)
	}
	tr, err := svc.RecordTransfer(ctx, sc, old.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if tr.EffectiveOn != d("2024-12-31") || tr.Accepted() || tr.RecordedBy != "tester" {
		t.Errorf("transfer %+v", tr)
	}
	acc, err := svc.AcceptTransfer(ctx, sc, tr.ID, vigil.TransferAcceptance{By: " Dana Chief ", Role: "CISO", Org: "St. Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	if acc.AcceptedBy != "Dana Chief" || acc.AcceptedOn != d("2026-11-28") || acc.AcceptanceRecordedBy != "tester" || acc.AcceptedAt.IsZero() {
		t.Errorf("accepted %+v", acc)
	}
	if _, err := svc.AcceptTransfer(ctx, sc, tr.ID, vigil.TransferAcceptance{By: "Mallory"}); !errors.Is(err, vigil.ErrConflict) {
		t.Errorf("second acceptance: %v, want conflict", err)
	}
	if _, err := svc.AcceptTransfer(ctx, sc, tr.ID, vigil.TransferAcceptance{}); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("acceptance without a name: %v, want invalid", err)
	}
	list, err := svc.Transfers(ctx, sc, nil)
	if err != nil || len(list) != 1 || list[0].AcceptedBy != "Dana Chief" {
		t.Errorf("Transfers = %v, %v", list, err)
	}
}
