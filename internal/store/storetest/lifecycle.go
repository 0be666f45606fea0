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
		all, err := tx.FindNotices(ctx, sc, store.NoticeFilter{})
		if err != nil {
			return err
		}
		if got, want := noticeIDs(all), []int64{n2.ID, n3.ID, n1.ID}; !cmp.Equal(got, want) {
			t.Errorf("FindNotices = %v, want %v (newest issue first)", got, want)
		}
		some, err := tx.FindNotices(ctx, sc, store.NoticeFilter{ReleaseID: &r1.ID})
		if err != nil {
			return err
		}
		if got, want := noticeIDs(some), []int64{n2.ID, n1.ID}; !cmp.Equal(got, want) {
			t.Errorf("FindNotices(release 1) = %v, want %v", got, want)
		}
		k := vigil.NoticeEndOfSupport
		some, err = tx.FindNotices(ctx, sc, store.NoticeFilter{Kind: &k})
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
		list, err := tx.FindTransfers(ctx, sc, store.TransferFilter{ReleaseID: &r.ID})
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
			list, err := tx.FindNotices(ctx, sc, store.NoticeFilter{})
			return notListed(list, 0, err)(func(n *vigil.Notice) bool { return n.ID == na.ID })
		}},
		{"FindNotices(release filter)", true, func(tx store.Tx, sc vigil.Scope) error {
			list, err := tx.FindNotices(ctx, sc, store.NoticeFilter{ReleaseID: &ra.ID})
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
			list, err := tx.FindTransfers(ctx, sc, store.TransferFilter{})
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
		list, err := tx.FindNotices(ctx, a, store.NoticeFilter{})
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
