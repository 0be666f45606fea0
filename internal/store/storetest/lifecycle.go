package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

func testLifecycle(t *testing.T, open Opener) {
	t.Run("Notices", func(t *testing.T) { testNotices(t, open) })
	t.Run("Transfers", func(t *testing.T) { testTransfers(t, open) })
	t.Run("AdvanceReleasePhase", func(t *testing.T) { testAdvancePhase(t, open) })
	t.Run("Isolation", func(t *testing.T) { testLifecycleIsolation(t, open) })
	t.Run("AssetNotices", func(t *testing.T) { testAssetNotices(t, open) })
	t.Run("Decommissioning", func(t *testing.T) { testDecommissioning(t, open) })
	t.Run("Frozen", func(t *testing.T) { testFrozen(t, open) })
	t.Run("DecommissionIsolation", func(t *testing.T) { testDecommissionIsolation(t, open) })
}

func day(y, m, d int) vigil.Date { return vigil.Date{Year: y, Month: time.Month(m), Day: d} }

func sampleNotice(releaseID, successor int64) *vigil.Notice {
	return &vigil.Notice{
		ReleaseID: releaseID, Kind: vigil.NoticeEndOfLife, Title: "End of life of Pump 1.0",
		IssuedOn: day(2025, 6, 1), EOLOn: day(2025, 6, 30), EndOfSupportOn: day(2027, 6, 30),
		RemainsSupported:     "Critical security patches until end of support.\nSpare parts.",
		CompensatingControls: []string{"Put the pump on its own VLAN", "Disable the Wi-Fi module"},
		SuccessorReleaseID:   successor, Successor: "Pump 2.0", URL: "https://example.com/eol/pump-1.0",
		CreatedBy: "cli:alice",
	}
}

func testNotices(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "acme", vigil.Manufacturer)
	p := mustCreateProduct(t, s, sc, "Pump")
	r1 := mustCreateRelease(t, s, sc, p.ID, "1.0")
	r2 := mustCreateRelease(t, s, sc, p.ID, "2.0")
	n1 := sampleNotice(r1.ID, r2.ID)
	n2 := &vigil.Notice{ReleaseID: r1.ID, Kind: vigil.NoticeEndOfSupport, Title: "Support ends", IssuedOn: day(2027, 1, 2),
		EndOfSupportOn: day(2027, 6, 30), CreatedBy: "cli:bob"}
	n3 := &vigil.Notice{ReleaseID: r2.ID, Kind: vigil.NoticeEndOfLife, Title: "2.0 EOL", IssuedOn: day(2026, 1, 1),
		EOLOn: day(2026, 1, 1), CreatedBy: "cli:bob"}
	update(t, s, func(tx store.Tx) error {
		for _, n := range []*vigil.Notice{n1, n2, n3} {
			if err := tx.CreateNotice(ctx, sc, n); err != nil {
				return err
			}
		}
		return nil
	})
	want := sampleNotice(r1.ID, r2.ID)
	want.ID, want.OrgID, want.Product, want.Version, want.CreatedAt = n1.ID, sc.OrgID, "Pump", "1.0", fixedClock()()
	if diff := cmp.Diff(want, n1); diff != "" {
		t.Errorf("CreateNotice (-want +got):\n%s", diff)
	}
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindNoticeByID(ctx, sc, n1.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindNoticeByID (-want +got):\n%s", diff)
		}
		_, err = tx.FindNoticeByID(ctx, sc, n3.ID+100)
		wantErr(t, "FindNoticeByID(absent)", err, vigil.ErrNotFound)
		all, err := tx.FindNotices(ctx, sc, vigil.NoticeFilter{})
		if err != nil {
			return err
		}
		if got, want := noticeIDs(all), []int64{n2.ID, n3.ID, n1.ID}; !cmp.Equal(got, want) {
			t.Errorf("FindNotices = %v, want %v (newest issue first)", got, want)
		}
		some, err := tx.FindNotices(ctx, sc, vigil.NoticeFilter{ReleaseID: &r1.ID})
		if err != nil {
			return err
		}
		if got, want := noticeIDs(some), []int64{n2.ID, n1.ID}; !cmp.Equal(got, want) {
			t.Errorf("FindNotices(release 1) = %v, want %v", got, want)
		}
		k := vigil.NoticeEndOfSupport
		some, err = tx.FindNotices(ctx, sc, vigil.NoticeFilter{Kind: &k})
		if err != nil {
			return err
		}
		if got, want := noticeIDs(some), []int64{n2.ID}; !cmp.Equal(got, want) {
			t.Errorf("FindNotices(kind eos) = %v, want %v", got, want)
		}
		if len(some) == 1 && (some[0].CompensatingControls != nil || !some[0].EOLOn.IsZero() || some[0].SuccessorReleaseID != 0) {
			t.Errorf("notice without optional fields read back as %+v", some[0])
		}
		return nil
	})
	// A notice of an absent release is refused.
	err := s.Update(ctx, func(tx store.Tx) error {
		return tx.CreateNotice(ctx, sc, &vigil.Notice{ReleaseID: r2.ID + 100, Kind: vigil.NoticeEndOfLife, Title: "x", IssuedOn: day(2026, 1, 1), CreatedBy: "x"})
	})
	if !errors.Is(err, vigil.ErrInvalid) && !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("CreateNotice(absent release) = %v, want invalid or not found", err)
	}
	// Deleting the successor leaves the notice as published.
	update(t, s, func(tx store.Tx) error { return tx.DeleteRelease(ctx, sc, r2.ID) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindNoticeByID(ctx, sc, n1.ID)
		if err != nil {
			return err
		}
		if got.SuccessorReleaseID != r2.ID || got.Successor != "Pump 2.0" {
			t.Errorf("after deleting the successor: %d %q", got.SuccessorReleaseID, got.Successor)
		}
		// The deleted release's own notices went with it.
		_, err = tx.FindNoticeByID(ctx, sc, n3.ID)
		wantErr(t, "notice of a deleted release", err, vigil.ErrNotFound)
		return nil
	})
}

func noticeIDs(ns []*vigil.Notice) []int64 {
	out := []int64{}
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

func sampleTransfer(releaseID int64) *vigil.Transfer {
	return &vigil.Transfer{
		ReleaseID: releaseID, EffectiveOn: day(2027, 6, 30),
		ResidualRisks: []vigil.ResidualRisk{
			{Description: "CVE-2019-10964: unauthenticated configuration change", Harm: vigil.HarmCritical, Mitigation: "isolated VLAN"},
			{Description: "Outdated TLS library"},
		},
		CompensatingControls: []string{"VLAN 40, no route to the internet"},
		Documents:            []vigil.DocumentLink{{Title: "Final SBOM", URL: "https://example.com/sbom.json"}},
		SanitizationGuidance: "Factory reset from the service menu, then remove the SD card.",
		Notes:                "Signed on paper, scanned.",
		RecordedBy:           "cli:alice",
	}
}

func testTransfers(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "acme", vigil.Manufacturer)
	p := mustCreateProduct(t, s, sc, "Pump")
	r := mustCreateRelease(t, s, sc, p.ID, "1.0")
	open1 := sampleTransfer(r.ID)
	done := sampleTransfer(r.ID)
	done.AcceptedBy, done.AcceptedRole, done.AcceptedOrg, done.AcceptedOn = "Dana Chief", "CISO", "St. Elsewhere", day(2027, 7, 1)
	done.AcceptanceRecordedBy = "cli:alice"
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateTransfer(ctx, sc, open1); err != nil {
			return err
		}
		return tx.CreateTransfer(ctx, sc, done)
	})
	want := sampleTransfer(r.ID)
	want.ID, want.OrgID, want.Product, want.Version, want.CreatedAt = open1.ID, sc.OrgID, "Pump", "1.0", fixedClock()()
	if diff := cmp.Diff(want, open1); diff != "" {
		t.Errorf("CreateTransfer (-want +got):\n%s", diff)
	}
	if done.AcceptedAt != fixedClock()() || !done.Accepted() {
		t.Errorf("accepted on creation: accepted_at = %v", done.AcceptedAt)
	}
	acc := *open1
	acc.AcceptedBy, acc.AcceptedOn, acc.AcceptanceRecordedBy = "Dana Chief", day(2027, 7, 2), "cli:bob"
	update(t, s, func(tx store.Tx) error { return tx.AcceptTransfer(ctx, sc, &acc) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindTransferByID(ctx, sc, open1.ID)
		if err != nil {
			return err
		}
		want.AcceptedBy, want.AcceptedOn, want.AcceptanceRecordedBy, want.AcceptedAt = "Dana Chief", day(2027, 7, 2), "cli:bob", fixedClock()()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("after AcceptTransfer (-want +got):\n%s", diff)
		}
		list, err := tx.FindTransfers(ctx, sc, vigil.TransferFilter{ReleaseID: &r.ID})
		if err != nil {
			return err
		}
		if len(list) != 2 || list[0].ID != open1.ID || list[1].ID != done.ID {
			t.Errorf("FindTransfers = %v", list)
		}
		return nil
	})
	// A second acceptance is refused and changes nothing.
	again := acc
	again.AcceptedBy = "Mallory"
	err := s.Update(ctx, func(tx store.Tx) error { return tx.AcceptTransfer(ctx, sc, &again) })
	wantErr(t, "AcceptTransfer(again)", err, vigil.ErrConflict)
	err = s.Update(ctx, func(tx store.Tx) error {
		x := acc
		x.ID = done.ID + 100
		return tx.AcceptTransfer(ctx, sc, &x)
	})
	wantErr(t, "AcceptTransfer(absent)", err, vigil.ErrNotFound)
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindTransferByID(ctx, sc, open1.ID)
		if err != nil {
			return err
		}
		if got.AcceptedBy != "Dana Chief" {
			t.Errorf("accepted_by = %q after a refused second acceptance", got.AcceptedBy)
		}
		return nil
	})
}

func testAdvancePhase(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "acme", vigil.Manufacturer)
	p := mustCreateProduct(t, s, sc, "Pump")
	r := mustCreateRelease(t, s, sc, p.ID, "1.0") // support, follows milestones
	set := &vigil.Release{ProductID: p.ID, Version: "2.0", Phase: vigil.PhaseSupport, PhaseExplicit: true}
	update(t, s, func(tx store.Tx) error { return tx.CreateRelease(ctx, sc, set) })
	tests := []struct {
		name     string
		id       int64
		from, to vigil.Phase
		want     bool
	}{
		{"Moves", r.ID, vigil.PhaseSupport, vigil.PhaseEndOfSupport, true},
		{"AlreadyMoved", r.ID, vigil.PhaseSupport, vigil.PhaseEndOfSupport, false},
		{"ExplicitStays", set.ID, vigil.PhaseSupport, vigil.PhaseEndOfSupport, false},
		{"Absent", set.ID + 100, vigil.PhaseSupport, vigil.PhaseEndOfSupport, false},
	}
	for _, tt := range tests {
		var got bool
		update(t, s, func(tx store.Tx) error {
			var err error
			got, err = tx.AdvanceReleasePhase(ctx, sc, tt.id, tt.from, tt.to)
			return err
		})
		if got != tt.want {
			t.Errorf("%s: AdvanceReleasePhase = %v, want %v", tt.name, got, tt.want)
		}
	}
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindReleaseByID(ctx, sc, r.ID)
		if err != nil {
			return err
		}
		if got.Phase != vigil.PhaseEndOfSupport || got.PhaseExplicit {
			t.Errorf("release 1.0: phase %s explicit %v, want end_of_support following milestones", got.Phase, got.PhaseExplicit)
		}
		got, err = tx.FindReleaseByID(ctx, sc, set.ID)
		if err != nil {
			return err
		}
		if got.Phase != vigil.PhaseSupport {
			t.Errorf("explicit release moved to %s", got.Phase)
		}
		return nil
	})
}

// testLifecycleIsolation is the isolation matrix for lifecycle rows.
func testLifecycleIsolation(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	a := MustCreateOrg(t, s, "org-a", vigil.Manufacturer)
	b := MustCreateOrg(t, s, "org-b", vigil.HealthcareProvider)
	ra := mustCreateRelease(t, s, a, mustCreateProduct(t, s, a, "A's Pump").ID, "1.0")
	rb := mustCreateRelease(t, s, b, mustCreateProduct(t, s, b, "B's Pump").ID, "1.0")
	na, ta := sampleNotice(ra.ID, 0), sampleTransfer(ra.ID)
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateNotice(ctx, a, na); err != nil {
			return err
		}
		if err := tx.CreateTransfer(ctx, a, ta); err != nil {
			return err
		}
		// B has rows of its own, so an empty listing is not trivially true.
		if err := tx.CreateNotice(ctx, b, sampleNotice(rb.ID, 0)); err != nil {
			return err
		}
		return tx.CreateTransfer(ctx, b, sampleTransfer(rb.ID))
	})
	type op struct {
		name     string
		readOnly bool
		run      func(tx store.Tx, sc vigil.Scope) error
	}
	ops := []op{
		{"FindNoticeByID", true, func(tx store.Tx, sc vigil.Scope) error {
			_, err := tx.FindNoticeByID(ctx, sc, na.ID)
			return err
		}},
		{"FindNotices", true, func(tx store.Tx, sc vigil.Scope) error {
			list, err := tx.FindNotices(ctx, sc, vigil.NoticeFilter{})
			return notListed(list, 0, err)(func(n *vigil.Notice) bool { return n.ID == na.ID })
		}},
		{"FindNotices(release filter)", true, func(tx store.Tx, sc vigil.Scope) error {
			list, err := tx.FindNotices(ctx, sc, vigil.NoticeFilter{ReleaseID: &ra.ID})
			return notListed(list, 0, err)(func(n *vigil.Notice) bool { return n.ID == na.ID })
		}},
		{"CreateNotice(for A's release)", false, func(tx store.Tx, sc vigil.Scope) error {
			return tx.CreateNotice(ctx, sc, sampleNotice(ra.ID, 0))
		}},
		{"FindTransferByID", true, func(tx store.Tx, sc vigil.Scope) error {
			_, err := tx.FindTransferByID(ctx, sc, ta.ID)
			return err
		}},
		{"FindTransfers", true, func(tx store.Tx, sc vigil.Scope) error {
			list, err := tx.FindTransfers(ctx, sc, vigil.TransferFilter{})
			return notListed(list, 0, err)(func(x *vigil.Transfer) bool { return x.ID == ta.ID })
		}},
		{"CreateTransfer(for A's release)", false, func(tx store.Tx, sc vigil.Scope) error {
			return tx.CreateTransfer(ctx, sc, sampleTransfer(ra.ID))
		}},
		{"AcceptTransfer", false, func(tx store.Tx, sc vigil.Scope) error {
			x := *ta
			x.AcceptedBy, x.AcceptedOn = "Mallory", day(2027, 1, 1)
			return tx.AcceptTransfer(ctx, sc, &x)
		}},
		{"AdvanceReleasePhase", false, func(tx store.Tx, sc vigil.Scope) error {
			ok, err := tx.AdvanceReleasePhase(ctx, sc, ra.ID, ra.Phase, vigil.PhaseEndOfSupport)
			if err != nil {
				return err
			}
			if ok {
				return errLeak
			}
			return vigil.ErrNotFound
		}},
	}
	for _, o := range ops {
		t.Run(o.name+"/other org", func(t *testing.T) {
			err := runIsolated(t, s, o.readOnly, func(tx store.Tx) error { return o.run(tx, b) })
			if !errors.Is(err, vigil.ErrNotFound) && !(errors.Is(err, vigil.ErrInvalid) && !o.readOnly) {
				t.Errorf("as org B: error = %v, want not found", err)
			}
		})
		t.Run(o.name+"/no scope", func(t *testing.T) {
			err := runIsolated(t, s, o.readOnly, func(tx store.Tx) error { return o.run(tx, vigil.Scope{}) })
			if !errors.Is(err, vigil.ErrForbidden) {
				t.Errorf("without scope: error = %v, want forbidden", err)
			}
		})
		if o.readOnly {
			t.Run(o.name+"/own org", func(t *testing.T) {
				err := s.View(ctx, func(tx store.Tx) error { return o.run(tx, a) })
				if err != nil && !errors.Is(err, errLeak) {
					t.Errorf("as org A: error = %v, want A's row found", err)
				}
			})
		}
	}
	// B's writes really did nothing to A's rows.
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindTransferByID(ctx, a, ta.ID)
		if err != nil {
			return err
		}
		if got.Accepted() {
			t.Errorf("A's transfer accepted by %q through B", got.AcceptedBy)
		}
		list, err := tx.FindNotices(ctx, a, vigil.NoticeFilter{})
		if err != nil {
			return err
		}
		if len(list) != 1 {
			t.Errorf("A has %d notices, want 1", len(list))
		}
		r, err := tx.FindReleaseByID(ctx, a, ra.ID)
		if err != nil {
			return err
		}
		if r.Phase != ra.Phase {
			t.Errorf("A's release phase changed to %s by B", r.Phase)
		}
		return nil
	})
}

func testAssetNotices(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	f := newFleetFixture(t, s)
	n1, n2 := sampleNotice(f.r1.ID, 0), sampleNotice(f.r2.ID, 0)
	n2.IssuedOn = day(2025, 7, 1)
	a := sampleAsset("BME-1", "")
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateNotice(ctx, f.mdm, n1); err != nil {
			return err
		}
		if err := tx.CreateNotice(ctx, f.mdm, n2); err != nil {
			return err
		}
		return tx.CreateAsset(ctx, f.hdo, a)
	})
	tr := sampleTransfer(f.r1.ID)
	update(t, s, func(tx store.Tx) error { return tx.CreateTransfer(ctx, f.mdm, tr) })
	transfers := func(sc vigil.Scope) []int64 {
		t.Helper()
		var out []int64
		view(t, s, func(tx store.Tx) error {
			ts, err := tx.FindAssetTransfers(ctx, sc)
			for _, x := range ts {
				out = append(out, x.ID)
			}
			return err
		})
		return out
	}
	notices := func(sc vigil.Scope) []int64 {
		t.Helper()
		var out []int64
		view(t, s, func(tx store.Tx) error {
			ns, err := tx.FindAssetNotices(ctx, sc)
			out = noticeIDs(ns)
			return err
		})
		return out
	}
	if got := notices(f.hdo); len(got) != 0 {
		t.Errorf("notices without a share: %v", got)
	}
	if got := transfers(f.hdo); len(got) != 0 {
		t.Errorf("transfers without a share: %v", got)
	}
	// Shared but no asset mapped: still nothing.
	update(t, s, func(tx store.Tx) error {
		return tx.CreateShare(ctx, f.mdm, &vigil.Share{GranteeOrgID: f.hdo.OrgID, ProductID: f.product.ID})
	})
	if got := notices(f.hdo); len(got) != 0 {
		t.Errorf("notices with a share but no mapped asset: %v", got)
	}
	update(t, s, func(tx store.Tx) error {
		return tx.SetAssetMapping(ctx, f.hdo, a.ID, vigil.AssetMapping{ReleaseID: f.r1.ID, Confidence: vigil.MappingConfirmed})
	})
	if diff := cmp.Diff([]int64{tr.ID}, transfers(f.hdo)); diff != "" {
		t.Errorf("transfers of the mapped release (-want +got):\n%s", diff)
	}
	if got := transfers(f.other); len(got) != 0 {
		t.Errorf("another hospital sees transfers %v", got)
	}
	if diff := cmp.Diff([]int64{n1.ID}, notices(f.hdo)); diff != "" {
		t.Errorf("notices of the mapped release (-want +got):\n%s", diff)
	}
	view(t, s, func(tx store.Tx) error {
		ns, err := tx.FindAssetNotices(ctx, f.hdo)
		if err != nil {
			return err
		}
		if len(ns) == 1 && (ns[0].OrgID != f.mdm.OrgID || ns[0].Product != "Pump" || ns[0].Version != "1.0") {
			t.Errorf("notice as the hospital sees it: %+v", ns[0])
		}
		return nil
	})
	if got := notices(f.other); len(got) != 0 {
		t.Errorf("another hospital sees %v", got)
	}
	// The manufacturer has no assets: its own notices are not "asset
	// notices".
	if got := notices(f.mdm); len(got) != 0 {
		t.Errorf("manufacturer asset notices: %v", got)
	}
}

func sampleSanitization(assetID int64) *vigil.Sanitization {
	yes := true
	return &vigil.Sanitization{
		AssetID: assetID, MediaType: vigil.MediaSSD, MediaManufacturer: "Kingston", MediaModel: "SA400", MediaSerial: "50026B",
		Method: vigil.SanitizePurge, Technique: vigil.TechniqueCryptographicErase, Tool: "nvme-cli 2.8",
		Details: "sanact=4", VerificationMethod: vigil.VerifySampling, VerificationResult: vigil.VerificationPassed,
		VerificationNotes: "10,000 LBAs", PerformedBy: vigil.Person{Name: "Sam", Title: "Technician", Organization: "Biomed"},
		VerifiedBy: vigil.Person{Name: "Priya", Title: "Analyst", Organization: "IT Security"}, PerformedOn: day(2026, 3, 1),
		VerifiedOn: day(2026, 3, 2), Location: "B-014", Destination: vigil.DestinationRecycling, BackupMade: &yes,
		Notes: "ok", RecordedBy: "cli:sam",
	}
}

func testDecommissioning(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "hospital", vigil.HealthcareProvider)
	a, b := sampleAsset("BME-100%", ""), sampleAsset("BME-200", "SN-2")
	s1 := sampleSanitization(0)
	s2 := &vigil.Sanitization{MediaType: vigil.MediaFlash, Method: vigil.SanitizeDestroy, Technique: vigil.TechniqueShred,
		Tool: "shredder", VerificationMethod: vigil.VerifyInspection, VerificationResult: vigil.VerificationPassed,
		PerformedBy: vigil.Person{Name: "Sam"}, VerifiedBy: vigil.Person{Name: "Sam"}, PerformedOn: day(2026, 3, 1),
		Destination: vigil.DestinationDestroyed, RecordedBy: "cli:sam"}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateAsset(ctx, sc, a); err != nil {
			return err
		}
		if err := tx.CreateAsset(ctx, sc, b); err != nil {
			return err
		}
		s1.AssetID, s2.AssetID = a.ID, a.ID
		if err := tx.CreateSanitization(ctx, sc, s1); err != nil {
			return err
		}
		return tx.CreateSanitization(ctx, sc, s2)
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindSanitizations(ctx, sc, a.ID)
		if err != nil {
			return err
		}
		want1, want2 := *s1, *s2
		want1.CreatedAt, want2.CreatedAt = fixedClock()(), fixedClock()()
		if diff := cmp.Diff([]*vigil.Sanitization{&want1, &want2}, got); diff != "" {
			t.Errorf("FindSanitizations (-want +got):\n%s", diff)
		}
		none, err := tx.FindSanitizations(ctx, sc, b.ID)
		if err != nil || len(none) != 0 {
			t.Errorf("asset b sanitizations = %v, %v", none, err)
		}
		return nil
	})
	err := s.Update(ctx, func(tx store.Tx) error {
		x := sampleSanitization(b.ID + 1000)
		return tx.CreateSanitization(ctx, sc, x)
	})
	if !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("sanitization of an absent asset: %v, want invalid", err)
	}
	d := &vigil.Decommission{AssetID: a.ID, DecommissionedOn: day(2026, 3, 3), Reason: "Past end of support",
		PreviousStatus: vigil.AssetRetired, PHI: true, CertificateNumber: "SAN-1-1-20260303", DecommissionedBy: "cli:sam"}
	update(t, s, func(tx store.Tx) error { return tx.CreateDecommission(ctx, sc, d) })
	want := &vigil.Decommission{ID: d.ID, OrgID: sc.OrgID, AssetID: a.ID, AssetTag: "BME-100%", Manufacturer: "Acme Medical",
		Model: "AP-1", DecommissionedOn: day(2026, 3, 3), Reason: "Past end of support", PreviousStatus: vigil.AssetRetired,
		PHI: true, CertificateNumber: "SAN-1-1-20260303", Sanitizations: 2, DecommissionedBy: "cli:sam", CreatedAt: fixedClock()()}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("CreateDecommission (-want +got):\n%s", diff)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		again := *d
		return tx.CreateDecommission(ctx, sc, &again)
	})
	wantErr(t, "CreateDecommission(twice)", err, vigil.ErrConflict)
	bd := &vigil.Decommission{AssetID: b.ID, DecommissionedOn: day(2026, 4, 1), Reason: "Dropped and broken",
		PreviousStatus: vigil.AssetInService, CertificateNumber: "SAN-1-2-20260401", DecommissionedBy: "cli:sam"}
	update(t, s, func(tx store.Tx) error { return tx.CreateDecommission(ctx, sc, bd) })
	tests := []struct {
		query string
		want  []int64
	}{
		{"", []int64{bd.ID, d.ID}},
		{"bme-", []int64{bd.ID, d.ID}},
		{"100%", []int64{d.ID}},
		{"%", []int64{d.ID}}, // a literal percent sign, not a wildcard
		{"_", []int64{}},
		{"sn-2", []int64{bd.ID}},
		{"END OF SUPPORT", []int64{d.ID}},
		{"20260401", []int64{bd.ID}},
		{"ap-1", []int64{bd.ID, d.ID}},
		{"nothing like it", []int64{}},
	}
	for _, tt := range tests {
		view(t, s, func(tx store.Tx) error {
			got, err := tx.FindDecommissions(ctx, sc, vigil.DecommissionFilter{Query: tt.query})
			if err != nil {
				return err
			}
			ids := []int64{}
			for _, x := range got {
				ids = append(ids, x.ID)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("FindDecommissions(%q) (-want +got):\n%s", tt.query, diff)
			}
			return nil
		})
	}
}

func testDecommissionIsolation(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	a := MustCreateOrg(t, s, "hospital-a", vigil.HealthcareProvider)
	b := MustCreateOrg(t, s, "hospital-b", vigil.HealthcareProvider)
	asA, asB := sampleAsset("A-1", ""), sampleAsset("B-1", "")
	var san *vigil.Sanitization
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateAsset(ctx, a, asA); err != nil {
			return err
		}
		if err := tx.CreateAsset(ctx, b, asB); err != nil {
			return err
		}
		san = sampleSanitization(asA.ID)
		if err := tx.CreateSanitization(ctx, a, san); err != nil {
			return err
		}
		if err := tx.CreateSanitization(ctx, b, sampleSanitization(asB.ID)); err != nil {
			return err
		}
		if err := tx.CreateDecommission(ctx, a, &vigil.Decommission{AssetID: asA.ID, DecommissionedOn: day(2026, 1, 1), Reason: "x",
			PreviousStatus: vigil.AssetRetired, CertificateNumber: "A", DecommissionedBy: "a"}); err != nil {
			return err
		}
		return tx.CreateDecommission(ctx, b, &vigil.Decommission{AssetID: asB.ID, DecommissionedOn: day(2026, 1, 1), Reason: "x",
			PreviousStatus: vigil.AssetRetired, CertificateNumber: "B", DecommissionedBy: "b"})
	})
	ops := []struct {
		name     string
		readOnly bool
		run      func(tx store.Tx, sc vigil.Scope) error
	}{
		{"FindSanitizations", true, func(tx store.Tx, sc vigil.Scope) error {
			list, err := tx.FindSanitizations(ctx, sc, asA.ID)
			return notListed(list, 0, err)(func(x *vigil.Sanitization) bool { return x.ID == san.ID })
		}},
		{"CreateSanitization(for A's asset)", false, func(tx store.Tx, sc vigil.Scope) error {
			return tx.CreateSanitization(ctx, sc, sampleSanitization(asA.ID))
		}},
		{"FindDecommissions", true, func(tx store.Tx, sc vigil.Scope) error {
			list, err := tx.FindDecommissions(ctx, sc, vigil.DecommissionFilter{})
			return notListed(list, 0, err)(func(x *vigil.Decommission) bool { return x.AssetID == asA.ID })
		}},
		{"FindDecommissions(asset filter)", true, func(tx store.Tx, sc vigil.Scope) error {
			list, err := tx.FindDecommissions(ctx, sc, vigil.DecommissionFilter{AssetID: &asA.ID})
			return notListed(list, 0, err)(func(x *vigil.Decommission) bool { return x.AssetID == asA.ID })
		}},
		{"CreateDecommission(of A's asset)", false, func(tx store.Tx, sc vigil.Scope) error {
			return tx.CreateDecommission(ctx, sc, &vigil.Decommission{AssetID: asA.ID, DecommissionedOn: day(2026, 1, 1),
				Reason: "x", PreviousStatus: vigil.AssetRetired, CertificateNumber: "X", DecommissionedBy: "b"})
		}},
		{"FindAssetTransfers", true, func(tx store.Tx, sc vigil.Scope) error {
			_, err := tx.FindAssetTransfers(ctx, sc)
			if err != nil {
				return err
			}
			return vigil.ErrNotFound
		}},
		{"FindAssetNotices", true, func(tx store.Tx, sc vigil.Scope) error {
			_, err := tx.FindAssetNotices(ctx, sc)
			if err != nil {
				return err
			}
			return vigil.ErrNotFound
		}},
	}
	for _, o := range ops {
		t.Run(o.name+"/other org", func(t *testing.T) {
			err := runIsolated(t, s, o.readOnly, func(tx store.Tx) error { return o.run(tx, b) })
			if !errors.Is(err, vigil.ErrNotFound) && !(errors.Is(err, vigil.ErrInvalid) && !o.readOnly) {
				t.Errorf("as org B: error = %v, want not found", err)
			}
		})
		t.Run(o.name+"/no scope", func(t *testing.T) {
			err := runIsolated(t, s, o.readOnly, func(tx store.Tx) error { return o.run(tx, vigil.Scope{}) })
			if !errors.Is(err, vigil.ErrForbidden) {
				t.Errorf("without scope: error = %v, want forbidden", err)
			}
		})
	}
}

// testFrozen: a decommissioned asset, its sanitization records and its
// decommissioning are frozen in the store itself, whatever the caller: no
// update, no delete, no new record. Its tag may go to a new device, and
// looking the tag up then finds the new one.
func testFrozen(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "hospital", vigil.HealthcareProvider)
	a, live := sampleAsset("BME-1", "SN-1"), sampleAsset("BME-2", "SN-2")
	rec := sampleSanitization(0)
	liveRec := sampleSanitization(0)
	d := &vigil.Decommission{DecommissionedOn: day(2026, 3, 3), Reason: "end of support", PreviousStatus: vigil.AssetInService,
		PHI: true, CertificateNumber: "SAN-1-1-20260303", DecommissionedBy: "cli:sam",
		Certificate: []byte(`{"number":"SAN-1-1-20260303"}`), CertificateSHA256: "abc"}
	update(t, s, func(tx store.Tx) error {
		for _, x := range []*vigil.Asset{a, live} {
			if err := tx.CreateAsset(ctx, sc, x); err != nil {
				return err
			}
		}
		rec.AssetID, liveRec.AssetID, d.AssetID = a.ID, live.ID, a.ID
		if err := tx.CreateSanitization(ctx, sc, rec); err != nil {
			return err
		}
		if err := tx.CreateSanitization(ctx, sc, liveRec); err != nil {
			return err
		}
		a.Status = vigil.AssetDecommissioned
		if err := tx.UpdateAsset(ctx, sc, a); err != nil {
			return err
		}
		return tx.CreateDecommission(ctx, sc, d)
	})
	if string(d.Certificate) != `{"number":"SAN-1-1-20260303"}` || d.CertificateSHA256 != "abc" {
		t.Errorf("stored certificate %q %q", d.Certificate, d.CertificateSHA256)
	}
	for _, tt := range []struct {
		name string
		fn   func(tx store.Tx) error
	}{
		{"rewrite the device", func(tx store.Tx) error {
			b := *a
			b.Model, b.Serial = "Other model", "SN-9"
			return tx.UpdateAsset(ctx, sc, &b)
		}},
		{"bring it back", func(tx store.Tx) error {
			b := *a
			b.Status = vigil.AssetInService
			return tx.UpdateAsset(ctx, sc, &b)
		}},
		{"delete it", func(tx store.Tx) error { return tx.DeleteAsset(ctx, sc, a.ID) }},
		{"add a record", func(tx store.Tx) error {
			r := sampleSanitization(a.ID)
			return tx.CreateSanitization(ctx, sc, r)
		}},
		{"decommission again", func(tx store.Tx) error {
			again := *d
			again.CertificateNumber = "SAN-other"
			return tx.CreateDecommission(ctx, sc, &again)
		}},
	} {
		err := s.Update(ctx, tt.fn)
		if !errors.Is(err, vigil.ErrConflict) {
			t.Errorf("%s: %v, want a conflict", tt.name, err)
		}
	}
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindAssetByID(ctx, sc, a.ID)
		if err != nil {
			return err
		}
		if got.Model != a.Model || got.Serial != "SN-1" || got.Status != vigil.AssetDecommissioned {
			t.Errorf("decommissioned asset changed: %+v", got)
		}
		recs, err := tx.FindSanitizations(ctx, sc, a.ID)
		if err != nil || len(recs) != 1 {
			t.Errorf("sanitizations %v, %v", recs, err)
		}
		return nil
	})
	// An active asset's records can still go with it (rows imported by
	// mistake), and the decommissioned asset's tag can be reused.
	update(t, s, func(tx store.Tx) error { return tx.DeleteAsset(ctx, sc, live.ID) })
	reused := sampleAsset("BME-1", "SN-NEW")
	update(t, s, func(tx store.Tx) error { return tx.CreateAsset(ctx, sc, reused) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindAssetByTag(ctx, sc, "BME-1", "")
		if err != nil {
			return err
		}
		if got.ID != reused.ID {
			t.Errorf("tag BME-1 finds asset %d, want the new one %d", got.ID, reused.ID)
		}
		return nil
	})
	// Two active assets still cannot share a tag.
	err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateAsset(ctx, sc, sampleAsset("BME-1", "SN-3")) })
	wantErr(t, "a second active BME-1", err, vigil.ErrConflict)
}
