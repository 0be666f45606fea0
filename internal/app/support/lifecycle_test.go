package support_test

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/lifecycle"
)

func TestReleaseSupport(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	ctx := t.Context()
	r := apptest.Release(t, svc, sc, "Infusion Pump", vigil.ReleaseInput{Version: "3.0",
		Milestones: vigil.Milestones{ReleasedOn: apptest.Date("2024-09-15"), EndOfSupportOn: apptest.Date("2030-12-31")}})
	if _, err := svc.Support.ReleaseSupport(ctx, sc, r.ID, 12, false); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("without SBOM: %v, want not found", err)
	}
	doc, err := os.ReadFile(apptest.DemoData("infusion-pump-3.0.cdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Inventory.ImportSBOM(ctx, sc, r.ID, bytes.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	csv, err := os.ReadFile(apptest.DemoData("infusion-pump-3.0-support.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Inventory.ImportSupport(ctx, sc, r.ID, bytes.NewReader(csv)); err != nil {
		t.Fatal(err)
	}
	got, err := svc.Support.ReleaseSupport(ctx, sc, r.ID, 24, false)
	if err != nil {
		t.Fatal(err)
	}
	// The roll-up agrees with classifying each stored component by hand.
	_, comps, err := svc.Inventory.ReleaseComponents(ctx, sc, r.ID)
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
	if _, err := svc.Support.ReleaseSupport(ctx, sc, r.ID, 0, false); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("0 months: %v", err)
	}
	other := apptest.Org(t, svc, "other")
	if _, err := svc.Support.ReleaseSupport(ctx, other, r.ID, 12, false); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("other org: %v", err)
	}
}

func TestRecordNotice(t *testing.T) {
	svc, _ := apptest.New(t) // 2026-11-28
	sc := apptest.Org(t, svc, "acme")
	ctx := t.Context()
	r := apptest.Release(t, svc, sc, "Pump", vigil.ReleaseInput{Version: "2.1", Milestones: vigil.Milestones{ReleasedOn: apptest.Date("2021-03-01")}})
	succ := apptest.Release(t, svc, sc, "Pump", vigil.ReleaseInput{Version: "3.0", Milestones: vigil.Milestones{ReleasedOn: apptest.Date("2024-09-15")}})

	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := svc.Support.RecordNotice(ctx, sc, r.ID, vigil.NoticeInput{Kind: "sunset", URL: "javascript:alert(1)",
			EOLOn: apptest.Date("2027-01-01"), EndOfSupportOn: apptest.Date("2026-01-01")})
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
		_, err := svc.Support.RecordNotice(ctx, sc, r.ID, vigil.NoticeInput{Kind: vigil.NoticeEndOfLife, Title: "x", EOLOn: apptest.Date("2020-01-01")})
		if !errors.Is(err, vigil.ErrInvalid) || !strings.Contains(err.Error(), "released 2021-03-01") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("ErrSuccessorItself", func(t *testing.T) {
		_, err := svc.Support.RecordNotice(ctx, sc, r.ID, vigil.NoticeInput{Kind: vigil.NoticeEndOfLife, Title: "x", SuccessorReleaseID: r.ID})
		if !errors.Is(err, vigil.ErrInvalid) {
			t.Errorf("error %v", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		rec, err := svc.Support.RecordNotice(ctx, sc, r.ID, vigil.NoticeInput{
			Kind: vigil.NoticeEndOfLife, Title: "  End of life of Pump 2.1 ", EndOfSupportOn: apptest.Date("2027-06-30"),
			RemainsSupported:     "Critical security patches",
			CompensatingControls: []string{" Segment the pump network ", ""}, SuccessorReleaseID: succ.ID,
		})
		if err != nil {
			t.Fatal(err)
		}
		n := rec.Notice
		if n.Title != "End of life of Pump 2.1" || n.IssuedOn != apptest.Date("2026-11-28") || n.EOLOn != apptest.Date("2026-11-28") ||
			n.Successor != "Pump 3.0" || !cmp.Equal(n.CompensatingControls, []string{"Segment the pump network"}) || n.CreatedBy != "tester" {
			t.Errorf("notice %+v", n)
		}
		if rec.Release.EOLNoticeOn != apptest.Date("2026-11-28") || rec.Release.EndOfSupportOn != apptest.Date("2027-06-30") || rec.Release.Phase != vigil.PhaseLimitedSupport {
			t.Errorf("release after notice %+v", rec.Release)
		}
		if rec.PhaseChange == nil || rec.PhaseChange.To != vigil.PhaseLimitedSupport || !strings.Contains(rec.PhaseChange.Reason, "end-of-life notice") {
			t.Errorf("phase change %+v", rec.PhaseChange)
		}
		list, err := svc.Support.Notices(ctx, sc, &r.ID)
		if err != nil || len(list) != 1 || list[0].ID != n.ID {
			t.Errorf("Notices = %v, %v", list, err)
		}
	})
	t.Run("ErrHospital", func(t *testing.T) {
		if _, err := svc.Access.CreateOrg(ctx, vigil.OrgInput{Slug: "general", Kind: vigil.HealthcareProvider}); err != nil {
			t.Fatal(err)
		}
		hdo, _, err := svc.Access.ScopeFor(ctx, "general", "nurse")
		if err != nil {
			t.Fatal(err)
		}
		hr := apptest.Release(t, svc, hdo, "Catalogue Pump", vigil.ReleaseInput{Version: "1"})
		_, err = svc.Support.RecordNotice(ctx, hdo, hr.ID, vigil.NoticeInput{Kind: vigil.NoticeEndOfLife, Title: "x"})
		if !errors.Is(err, vigil.ErrForbidden) {
			t.Errorf("hospital notice: %v, want forbidden", err)
		}
	})
}

func TestRecordTransfer(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	ctx := t.Context()
	supported := apptest.Release(t, svc, sc, "Monitor", vigil.ReleaseInput{Version: "6.0", Milestones: vigil.Milestones{ReleasedOn: apptest.Date("2023-05-01")}})
	old := apptest.Release(t, svc, sc, "Monitor", vigil.ReleaseInput{Version: "5.4", Milestones: vigil.Milestones{
		ReleasedOn: apptest.Date("2018-01-10"), EOLNoticeOn: apptest.Date("2022-01-01"), EndOfSupportOn: apptest.Date("2024-12-31")}})
	in := vigil.TransferInput{
		ResidualRisks:        []vigil.ResidualRisk{{Description: "Unpatched TLS stack", Harm: vigil.HarmSerious, Mitigation: "VLAN"}},
		CompensatingControls: []string{"VLAN 40"},
		Documents:            []vigil.DocumentLink{{Title: "Final SBOM", URL: "https://acme.example/sbom"}},
	}
	if _, err := svc.Support.RecordTransfer(ctx, sc, supported.ID, in); !errors.Is(err, vigil.ErrConflict) {
		t.Errorf("transfer of a supported release: %v, want conflict", err)
	}
	bad := in
	bad.ResidualRisks = nil
	bad.Documents = []vigil.DocumentLink{{Title: "x", URL: "file:///etc/passwd"}}
	if _, err := svc.Support.RecordTransfer(ctx, sc, old.ID, bad); !errors.Is(err, vigil.ErrInvalid) ||
		!strings.Contains(err.Error(), "residual_risks") || !strings.Contains(err.Error(), "documents.url") {
		t.Errorf("invalid transfer: %v", err)
	}
	tr, err := svc.Support.RecordTransfer(ctx, sc, old.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if tr.EffectiveOn != apptest.Date("2024-12-31") || tr.Accepted() || tr.RecordedBy != "tester" {
		t.Errorf("transfer %+v", tr)
	}
	acc, err := svc.Support.AcceptTransfer(ctx, sc, tr.ID, vigil.TransferAcceptance{By: " Dana Chief ", Role: "CISO", Org: "St. Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	if acc.AcceptedBy != "Dana Chief" || acc.AcceptedOn != apptest.Date("2026-11-28") || acc.AcceptanceRecordedBy != "tester" || acc.AcceptedAt.IsZero() {
		t.Errorf("accepted %+v", acc)
	}
	if _, err := svc.Support.AcceptTransfer(ctx, sc, tr.ID, vigil.TransferAcceptance{By: "Mallory"}); !errors.Is(err, vigil.ErrConflict) {
		t.Errorf("second acceptance: %v, want conflict", err)
	}
	if _, err := svc.Support.AcceptTransfer(ctx, sc, tr.ID, vigil.TransferAcceptance{}); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("acceptance without a name: %v, want invalid", err)
	}
	list, err := svc.Support.Transfers(ctx, sc, nil)
	if err != nil || len(list) != 1 || list[0].AcceptedBy != "Dana Chief" {
		t.Errorf("Transfers = %v, %v", list, err)
	}
}
