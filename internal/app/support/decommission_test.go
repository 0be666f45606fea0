package support_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/store"
)

// fleetSetup is a manufacturer with a release past end of support and one
// in support, shared with a hospital that has three assets.
type fleetSetup struct {
	mdm, hdo, other vigil.Scope
	old, cur        *vigil.Release
	pump, monitor   *vigil.Asset
	spare           *vigil.Asset
}

func newFleetSetup(t *testing.T, svc *app.App, db store.Store) *fleetSetup {
	t.Helper()
	ctx := t.Context()
	f := &fleetSetup{mdm: apptest.Org(t, svc, "acme")}
	for _, slug := range []string{"general", "elsewhere"} {
		if _, err := svc.Access.CreateOrg(ctx, vigil.OrgInput{Slug: slug, Kind: vigil.HealthcareProvider}); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if f.hdo, _, err = svc.Access.ScopeFor(ctx, "general", "biomed"); err != nil {
		t.Fatal(err)
	}
	if f.other, _, err = svc.Access.ScopeFor(ctx, "elsewhere", "intruder"); err != nil {
		t.Fatal(err)
	}
	f.old = apptest.Release(t, svc, f.mdm, "Infusion Pump", vigil.ReleaseInput{Version: "2.1", Milestones: vigil.Milestones{
		ReleasedOn: apptest.Date("2021-03-01"), EOLNoticeOn: apptest.Date("2025-06-30"), EndOfSupportOn: apptest.Date("2027-06-30")}})
	f.cur = apptest.Release(t, svc, f.mdm, "Infusion Pump", vigil.ReleaseInput{Version: "3.0", Milestones: vigil.Milestones{ReleasedOn: apptest.Date("2024-09-15")}})
	asset := func(tag string, phi bool, crit vigil.Criticality) *vigil.Asset {
		return &vigil.Asset{AssetTag: tag, Manufacturer: "Acme Medical Devices", Model: "IP-3000", Version: "2.1",
			DeviceType: "infusion pump", Criticality: crit, PHI: phi, Site: "Main", Unit: "ICU 3", Status: vigil.AssetInService}
	}
	f.pump, f.monitor, f.spare = asset("BME-1", true, vigil.CriticalityLifeSustaining), asset("BME-2", false, vigil.CriticalityTherapeutic),
		asset("BME-3", true, vigil.CriticalityTherapeutic)
	err = db.Update(ctx, func(tx store.Tx) error {
		if err := tx.CreateShare(ctx, f.mdm, &vigil.Share{GranteeOrgID: f.hdo.OrgID, ProductID: f.old.ProductID, CreatedBy: "acme"}); err != nil {
			return err
		}
		for _, a := range []*vigil.Asset{f.pump, f.monitor, f.spare} {
			if err := tx.CreateAsset(ctx, f.hdo, a); err != nil {
				return err
			}
		}
		for _, m := range []struct {
			a *vigil.Asset
			r *vigil.Release
		}{{f.pump, f.old}, {f.monitor, f.old}, {f.spare, f.cur}} {
			if err := tx.SetAssetMapping(ctx, f.hdo, m.a.ID, vigil.AssetMapping{ReleaseID: m.r.ID, Confidence: vigil.MappingConfirmed}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDecommissionAsset(t *testing.T) {
	svc, db, _ := apptest.Open(t) // 2026-11-28
	f := newFleetSetup(t, svc, db)
	ctx := t.Context()

	t.Run("ErrPHIWithoutSanitization", func(t *testing.T) {
		_, err := svc.Support.DecommissionAsset(ctx, f.hdo, "BME-1", vigil.DecommissionInput{Reason: "past end of support"})
		if !errors.Is(err, vigil.ErrConflict) || !strings.Contains(err.Error(), "PHI") {
			t.Errorf("error %v, want conflict about PHI", err)
		}
	})
	t.Run("ErrInvalidRecord", func(t *testing.T) {
		r := apptest.SSDSanitization()
		r.Technique = vigil.TechniqueDegauss
		if _, err := svc.Support.RecordSanitization(ctx, f.hdo, "BME-1", r); !errors.Is(err, vigil.ErrInvalid) {
			t.Errorf("degaussing an SSD: %v, want invalid", err)
		}
	})
	t.Run("ErrFailedNotRedone", func(t *testing.T) {
		r := apptest.SSDSanitization()
		r.VerificationResult = vigil.VerificationFailed
		rec, err := svc.Support.RecordSanitization(ctx, f.hdo, "BME-3", r)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Complete || len(rec.Warnings) == 0 {
			t.Errorf("failed record %+v", rec)
		}
		if _, err := svc.Support.DecommissionAsset(ctx, f.hdo, "BME-3", vigil.DecommissionInput{Reason: "x"}); !errors.Is(err, vigil.ErrConflict) ||
			!strings.Contains(err.Error(), "failed verification") {
			t.Errorf("error %v, want conflict about the failed record", err)
		}
	})
	t.Run("ErrOtherHospital", func(t *testing.T) {
		if _, err := svc.Support.RecordSanitization(ctx, f.other, "BME-1", apptest.SSDSanitization()); !errors.Is(err, vigil.ErrNotFound) {
			t.Errorf("other hospital: %v, want not found", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		rec, err := svc.Support.RecordSanitization(ctx, f.hdo, "BME-1", apptest.SSDSanitization())
		if err != nil {
			t.Fatal(err)
		}
		if !rec.Complete || rec.RecordedBy != "biomed" {
			t.Errorf("record %+v", rec)
		}
		res, err := svc.Support.DecommissionAsset(ctx, f.hdo, "BME-1", vigil.DecommissionInput{Reason: "Past end of support; replaced"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Asset.Status != vigil.AssetDecommissioned || res.Decommission.PreviousStatus != vigil.AssetInService ||
			res.Decommission.Sanitizations != 1 || !res.Decommission.PHI {
			t.Errorf("result %+v / %+v", res.Asset, res.Decommission)
		}
		c := res.Certificate
		if c.Number != res.Decommission.CertificateNumber || c.Device.Release != "Infusion Pump 2.1" || len(c.Records) != 1 || c.Organization == "" {
			t.Errorf("certificate %+v", c)
		}
		again, err := svc.Support.Certificate(ctx, f.hdo, "BME-1")
		if err != nil {
			t.Fatal(err)
		}
		var a, b strings.Builder
		if err := c.WriteText(&a); err != nil {
			t.Fatal(err)
		}
		if err := again.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Errorf("certificate changed when read again:\n%s\n---\n%s", a.String(), b.String())
		}
		if _, err := svc.Support.DecommissionAsset(ctx, f.hdo, "BME-1", vigil.DecommissionInput{Reason: "again"}); !errors.Is(err, vigil.ErrConflict) {
			t.Errorf("second decommission: %v", err)
		}
		if _, err := svc.Support.RecordSanitization(ctx, f.hdo, "BME-1", apptest.SSDSanitization()); !errors.Is(err, vigil.ErrConflict) {
			t.Errorf("record after decommission: %v", err)
		}
		// The history stays searchable.
		found, err := svc.Support.Decommissions(ctx, f.hdo, "bme-1")
		if err != nil || len(found) != 1 {
			t.Errorf("Decommissions(bme-1) = %v, %v", found, err)
		}
		if found, _ := svc.Support.Decommissions(ctx, f.other, ""); len(found) != 0 {
			t.Errorf("another hospital finds %v", found)
		}
	})
	t.Run("NoPHI", func(t *testing.T) {
		if _, err := svc.Support.Certificate(ctx, f.hdo, "BME-2"); !errors.Is(err, vigil.ErrNotFound) {
			t.Errorf("certificate before decommission: %v", err)
		}
		res, err := svc.Support.DecommissionAsset(ctx, f.hdo, "BME-2", vigil.DecommissionInput{Reason: "no patient data; sold"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Certificate.Records) != 0 {
			t.Errorf("records %v", res.Certificate.Records)
		}
	})
	t.Run("ErrFuture", func(t *testing.T) {
		if _, err := svc.Support.DecommissionAsset(ctx, f.hdo, "BME-3", vigil.DecommissionInput{Reason: "x", On: apptest.Date("2027-01-01")}); !errors.Is(err, vigil.ErrInvalid) {
			t.Errorf("future day: %v", err)
		}
	})
}

func TestHorizonAndAssetNotices(t *testing.T) {
	svc, db, _ := apptest.Open(t) // 2026-11-28
	f := newFleetSetup(t, svc, db)
	ctx := t.Context()
	h, err := svc.Support.Horizon(ctx, f.hdo, 24)
	if err != nil {
		t.Fatal(err)
	}
	if h.Assets != 3 || h.ByPhase[vigil.PhaseLimitedSupport] != 2 || h.ByPhase[vigil.PhaseSupport] != 1 {
		t.Errorf("horizon now: %d assets, %v", h.Assets, h.ByPhase)
	}
	var eos []int64
	for _, q := range h.Quarters {
		if q.Label == "2027-Q2" {
			eos = q.ReachEndOfSupport
		}
	}
	if len(eos) != 2 {
		t.Errorf("2027-Q2 reaches end of support: %v", eos)
	}
	if _, err := svc.Support.Horizon(ctx, f.hdo, 0); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("0 months: %v", err)
	}
	if h, err := svc.Support.Horizon(ctx, f.other, 24); err != nil || h.Assets != 0 {
		t.Errorf("other hospital: %v, %v", h, err)
	}

	// A notice on the shared release reaches the hospital, with its assets.
	if _, err := svc.Support.RecordNotice(ctx, f.mdm, f.old.ID, vigil.NoticeInput{Kind: vigil.NoticeEndOfSupport, Title: "Support of IP-3000 2.1 ends",
		EndOfSupportOn: apptest.Date("2027-06-30"), CompensatingControls: []string{"Disable the wireless module"}, SuccessorReleaseID: f.cur.ID}); err != nil {
		t.Fatal(err)
	}
	ns, err := svc.Support.AssetNotices(ctx, f.hdo)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 || ns[0].Manufacturer != "acme" || len(ns[0].Assets) != 2 || ns[0].Successor != "Infusion Pump 3.0" {
		t.Fatalf("asset notices %+v", ns)
	}
	if ns, _ := svc.Support.AssetNotices(ctx, f.other); len(ns) != 0 {
		t.Errorf("another hospital receives %+v", ns)
	}
	// A decommissioned asset leaves the horizon and the notice.
	if _, err := svc.Support.DecommissionAsset(ctx, f.hdo, "BME-2", vigil.DecommissionInput{Reason: "broken"}); err != nil {
		t.Fatal(err)
	}
	ns, _ = svc.Support.AssetNotices(ctx, f.hdo)
	if len(ns) != 1 || len(ns[0].Assets) != 1 || ns[0].Assets[0].Label != "BME-1" {
		t.Errorf("after decommissioning BME-2: %+v", ns)
	}
	if h, _ := svc.Support.Horizon(ctx, f.hdo, 24); h.Assets != 2 {
		t.Errorf("horizon after decommissioning: %d assets", h.Assets)
	}
}
