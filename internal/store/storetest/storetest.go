// Package storetest is the contract every store backend keeps. Each
// backend's tests call Run with a function that opens a fresh, migrated,
// empty store; the same cases then run on SQLite and PostgreSQL.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// Opener returns a fresh, migrated, empty store whose clock is now. The
// store is closed by the opener's own t.Cleanup.
type Opener func(t *testing.T, now func() time.Time) store.Store

// Run runs the contract suite.
func Run(t *testing.T, open Opener) {
	t.Run("Orgs", func(t *testing.T) { testOrgs(t, open) })
	t.Run("Products", func(t *testing.T) { testProducts(t, open) })
	t.Run("Releases", func(t *testing.T) { testReleases(t, open) })
	t.Run("Tokens", func(t *testing.T) { testTokens(t, open) })
	t.Run("SBOMs", func(t *testing.T) { testSBOMs(t, open) })
	t.Run("KnowledgeBase", func(t *testing.T) { testKnowledgeBase(t, open) })
	t.Run("KBMatch", func(t *testing.T) { testKBMatch(t, open) })
	t.Run("Triage", func(t *testing.T) { testTriage(t, open) })
	t.Run("VEX", func(t *testing.T) { testVEX(t, open) })
	t.Run("ReadBack", func(t *testing.T) { testReadBack(t, open) })
	t.Run("Constraints", func(t *testing.T) { testConstraints(t, open) })
	t.Run("Order", func(t *testing.T) { testOrder(t, open) })
	t.Run("Isolation", func(t *testing.T) { testIsolation(t, open) })
	t.Run("Assets", func(t *testing.T) { testAssets(t, open) })
	t.Run("MDS2", func(t *testing.T) { testMDS2(t, open) })
	t.Run("Transactions", func(t *testing.T) { testTransactions(t, open) })
	t.Run("Migrate", func(t *testing.T) { testMigrate(t, open) })
	t.Run("Lifecycle", func(t *testing.T) { testLifecycle(t, open) })
}

// fixedClock is a clock at a whole microsecond, which both backends store
// exactly.
func fixedClock() func() time.Time {
	t := time.Date(2026, 3, 14, 15, 9, 26, 535000000, time.UTC)
	return func() time.Time { return t }
}

func update(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func view(t *testing.T, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

// MustCreateOrg creates an organization and returns its scope.
func MustCreateOrg(t *testing.T, s store.Store, slug string, kind vigil.OrgKind) vigil.Scope {
	t.Helper()
	var org *vigil.Organization
	update(t, s, func(tx store.Tx) error {
		var err error
		org, err = tx.CreateOrg(t.Context(), vigil.OrgInput{Slug: slug, Name: "Org " + slug, Kind: kind})
		return err
	})
	return vigil.Scope{OrgID: org.ID, Actor: "test"}
}

func mustCreateProduct(t *testing.T, s store.Store, sc vigil.Scope, name string, models ...string) *vigil.Product {
	t.Helper()
	var p *vigil.Product
	update(t, s, func(tx store.Tx) error {
		var err error
		p, err = tx.CreateProduct(t.Context(), sc, vigil.ProductInput{
			Name: name, Manufacturer: "Acme Medical", DeviceModels: models,
			IntendedUse: "Delivers fluids", ClinicalFunction: "infusion therapy",
		})
		return err
	})
	return p
}

func mustCreateRelease(t *testing.T, s store.Store, sc vigil.Scope, productID int64, version string) *vigil.Release {
	t.Helper()
	r := &vigil.Release{ProductID: productID, Version: version, Phase: vigil.PhaseSupport,
		Milestones: vigil.Milestones{ReleasedOn: vigil.Date{Year: 2024, Month: 1, Day: 31}}}
	update(t, s, func(tx store.Tx) error { return tx.CreateRelease(t.Context(), sc, r) })
	return r
}

func wantErr(t *testing.T, what string, got, want error) {
	t.Helper()
	if !errors.Is(got, want) {
		t.Errorf("%s: error = %v, want %v", what, got, want)
	}
}

func testOrgs(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	var created *vigil.Organization
	update(t, s, func(tx store.Tx) error {
		var err error
		created, err = tx.CreateOrg(ctx, vigil.OrgInput{Slug: "acme", Name: "Acme Medical", Kind: vigil.Manufacturer})
		if err != nil {
			return err
		}
		_, err = tx.CreateOrg(ctx, vigil.OrgInput{Slug: "general", Name: "General Hospital", Kind: vigil.HealthcareProvider})
		return err
	})
	want := &vigil.Organization{ID: created.ID, Slug: "acme", Name: "Acme Medical", Kind: vigil.Manufacturer, CreatedAt: fixedClock()()}
	if diff := cmp.Diff(want, created); diff != "" {
		t.Errorf("CreateOrg (-want +got):\n%s", diff)
	}
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindOrgBySlug(ctx, "acme")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindOrgBySlug (-want +got):\n%s", diff)
		}
		got, err = tx.FindOrgByID(ctx, created.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindOrgByID (-want +got):\n%s", diff)
		}
		_, err = tx.FindOrgBySlug(ctx, "nobody")
		wantErr(t, "FindOrgBySlug(nobody)", err, vigil.ErrNotFound)
		all, total, err := tx.FindOrgs(ctx, vigil.OrgFilter{})
		if err != nil {
			return err
		}
		if total != 2 || len(all) != 2 || all[0].Slug != "acme" || all[1].Slug != "general" {
			t.Errorf("FindOrgs = %d %v, want acme, general", total, all)
		}
		hdo := vigil.HealthcareProvider
		some, total, err := tx.FindOrgs(ctx, vigil.OrgFilter{Kind: &hdo})
		if err != nil {
			return err
		}
		if total != 1 || len(some) != 1 || some[0].Slug != "general" {
			t.Errorf("FindOrgs(kind=hdo) = %d %v, want general", total, some)
		}
		return nil
	})
	err := s.Update(ctx, func(tx store.Tx) error {
		_, err := tx.CreateOrg(ctx, vigil.OrgInput{Slug: "acme", Name: "Again", Kind: vigil.Manufacturer})
		return err
	})
	wantErr(t, "CreateOrg(duplicate)", err, vigil.ErrConflict)
}

func testProducts(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "acme", vigil.Manufacturer)
	p := mustCreateProduct(t, s, sc, "Infusion Pump", "IP-100", "IP-200")
	mustCreateProduct(t, s, sc, "Anesthesia Workstation")
	now := fixedClock()()
	want := &vigil.Product{
		ID: p.ID, OrgID: sc.OrgID, Name: "Infusion Pump", Manufacturer: "Acme Medical",
		DeviceModels: []string{"IP-100", "IP-200"}, IntendedUse: "Delivers fluids",
		ClinicalFunction: "infusion therapy", CreatedAt: now, UpdatedAt: now,
	}
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindProductByID(ctx, sc, p.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindProductByID (-want +got):\n%s", diff)
		}
		got, err = tx.FindProductByName(ctx, sc, "Infusion Pump")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindProductByName (-want +got):\n%s", diff)
		}
		list, total, err := tx.FindProducts(ctx, sc, vigil.ProductFilter{})
		if err != nil {
			return err
		}
		names := []string{}
		for _, p := range list {
			names = append(names, p.Name)
		}
		if diff := cmp.Diff([]string{"Anesthesia Workstation", "Infusion Pump"}, names); diff != "" || total != 2 {
			t.Errorf("FindProducts total %d (-want +got):\n%s", total, diff)
		}
		page, total, err := tx.FindProducts(ctx, sc, vigil.ProductFilter{Page: vigil.Page{Offset: 1, Limit: 1}})
		if err != nil {
			return err
		}
		if total != 2 || len(page) != 1 || page[0].Name != "Infusion Pump" {
			t.Errorf("FindProducts(page 2 of 1) = %d %v", total, page)
		}
		name := "Anesthesia Workstation"
		one, total, err := tx.FindProducts(ctx, sc, vigil.ProductFilter{Name: &name})
		if err != nil {
			return err
		}
		if total != 1 || len(one) != 1 || one[0].Name != name || len(one[0].DeviceModels) != 0 {
			t.Errorf("FindProducts(name) = %d %v", total, one)
		}
		return nil
	})

	err := s.Update(ctx, func(tx store.Tx) error {
		_, err := tx.CreateProduct(ctx, sc, vigil.ProductInput{Name: "Infusion Pump", Manufacturer: "Acme"})
		return err
	})
	wantErr(t, "CreateProduct(duplicate name)", err, vigil.ErrConflict)

	updated := *want
	updated.Manufacturer, updated.DeviceModels = "Acme Medical Inc.", []string{"IP-300"}
	update(t, s, func(tx store.Tx) error { return tx.UpdateProduct(ctx, sc, &updated) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindProductByID(ctx, sc, p.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(&updated, got); diff != "" {
			t.Errorf("after UpdateProduct (-want +got):\n%s", diff)
		}
		return nil
	})

	r := mustCreateRelease(t, s, sc, p.ID, "1.0")
	update(t, s, func(tx store.Tx) error { return tx.DeleteProduct(ctx, sc, p.ID) })
	view(t, s, func(tx store.Tx) error {
		_, err := tx.FindProductByID(ctx, sc, p.ID)
		wantErr(t, "FindProductByID(deleted)", err, vigil.ErrNotFound)
		_, err = tx.FindReleaseByID(ctx, sc, r.ID)
		wantErr(t, "FindReleaseByID(of deleted product)", err, vigil.ErrNotFound)
		return nil
	})
	err = s.Update(ctx, func(tx store.Tx) error { return tx.DeleteProduct(ctx, sc, p.ID) })
	wantErr(t, "DeleteProduct(again)", err, vigil.ErrNotFound)
}

func testReleases(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "acme", vigil.Manufacturer)
	pump := mustCreateProduct(t, s, sc, "Pump")
	monitor := mustCreateProduct(t, s, sc, "Monitor")
	r1 := mustCreateRelease(t, s, sc, pump.ID, "1.0")
	mustCreateRelease(t, s, sc, pump.ID, "2.0")
	mustCreateRelease(t, s, sc, monitor.ID, "7.1")
	now := fixedClock()()
	want := &vigil.Release{
		ID: r1.ID, OrgID: sc.OrgID, ProductID: pump.ID, Product: "Pump", Version: "1.0",
		Phase: vigil.PhaseSupport, Milestones: vigil.Milestones{ReleasedOn: vigil.Date{Year: 2024, Month: 1, Day: 31}},
		CreatedAt: now, UpdatedAt: now,
	}
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindReleaseByID(ctx, sc, r1.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindReleaseByID (-want +got):\n%s", diff)
		}
		got, err = tx.FindReleaseByVersion(ctx, sc, pump.ID, "1.0")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindReleaseByVersion (-want +got):\n%s", diff)
		}
		_, err = tx.FindReleaseByVersion(ctx, sc, monitor.ID, "1.0")
		wantErr(t, "FindReleaseByVersion(other product)", err, vigil.ErrNotFound)
		all, total, err := tx.FindReleases(ctx, sc, vigil.ReleaseFilter{})
		if err != nil {
			return err
		}
		var got3 []string
		for _, r := range all {
			got3 = append(got3, r.Product+" "+r.Version)
		}
		if diff := cmp.Diff([]string{"Monitor 7.1", "Pump 1.0", "Pump 2.0"}, got3); diff != "" || total != 3 {
			t.Errorf("FindReleases total %d (-want +got):\n%s", total, diff)
		}
		pumps, total, err := tx.FindReleases(ctx, sc, vigil.ReleaseFilter{ProductID: &pump.ID})
		if err != nil {
			return err
		}
		if total != 2 || len(pumps) != 2 {
			t.Errorf("FindReleases(product) = %d %v", total, pumps)
		}
		return nil
	})
	err := s.Update(ctx, func(tx store.Tx) error {
		return tx.CreateRelease(ctx, sc, &vigil.Release{ProductID: pump.ID, Version: "1.0", Phase: vigil.PhaseDevelopment})
	})
	wantErr(t, "CreateRelease(duplicate version)", err, vigil.ErrConflict)

	changed := *want
	changed.Phase, changed.PhaseExplicit = vigil.PhaseLimitedSupport, true
	changed.EOLNoticeOn = vigil.Date{Year: 2026, Month: 2, Day: 1}
	changed.EndOfSupportOn = vigil.Date{Year: 2027, Month: 12, Day: 31}
	update(t, s, func(tx store.Tx) error {
		if err := tx.UpdateRelease(ctx, sc, &changed); err != nil {
			return err
		}
		for _, c := range []*vigil.PhaseChange{
			{ReleaseID: r1.ID, To: vigil.PhaseSupport, Actor: "alice", Reason: "launched"},
			{ReleaseID: r1.ID, From: vigil.PhaseSupport, To: vigil.PhaseLimitedSupport, Actor: "bob", Reason: "EOL notice sent"},
		} {
			if err := tx.AddPhaseChange(ctx, sc, c); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindReleaseByID(ctx, sc, r1.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(&changed, got); diff != "" {
			t.Errorf("after UpdateRelease (-want +got):\n%s", diff)
		}
		hist, err := tx.FindPhaseChanges(ctx, sc, r1.ID)
		if err != nil {
			return err
		}
		wantHist := []*vigil.PhaseChange{
			{ReleaseID: r1.ID, To: vigil.PhaseSupport, Actor: "alice", Reason: "launched", ChangedAt: now},
			{ReleaseID: r1.ID, From: vigil.PhaseSupport, To: vigil.PhaseLimitedSupport, Actor: "bob", Reason: "EOL notice sent", ChangedAt: now},
		}
		if diff := cmp.Diff(wantHist, hist, cmpopts.IgnoreFields(vigil.PhaseChange{}, "ID")); diff != "" {
			t.Errorf("FindPhaseChanges (-want +got):\n%s", diff)
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.DeleteRelease(ctx, sc, r1.ID) })
	err = s.View(ctx, func(tx store.Tx) error {
		_, err := tx.FindReleaseByID(ctx, sc, r1.ID)
		return err
	})
	wantErr(t, "FindReleaseByID(deleted)", err, vigil.ErrNotFound)
}

func testTokens(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "acme", vigil.Manufacturer)
	hash := []byte("0123456789abcdef0123456789abcdef")
	tok := &vigil.APIToken{Name: "ci", Hint: "vgl_abcd", ExpiresAt: fixedClock()().Add(time.Hour)}
	update(t, s, func(tx store.Tx) error { return tx.CreateToken(ctx, sc, tok, hash) })
	update(t, s, func(tx store.Tx) error { return tx.TouchToken(ctx, sc, tok.ID) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindTokenByHash(ctx, hash)
		if err != nil {
			return err
		}
		want := *tok
		want.LastUsedAt = fixedClock()()
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("FindTokenByHash (-want +got):\n%s", diff)
		}
		_, err = tx.FindTokenByHash(ctx, []byte("other"))
		wantErr(t, "FindTokenByHash(unknown)", err, vigil.ErrNotFound)
		list, err := tx.FindTokens(ctx, sc)
		if err != nil {
			return err
		}
		if len(list) != 1 || list[0].ID != tok.ID {
			t.Errorf("FindTokens = %v", list)
		}
		return nil
	})
	err := s.Update(ctx, func(tx store.Tx) error {
		return tx.CreateToken(ctx, sc, &vigil.APIToken{Name: "ci", Hint: "x"}, []byte("another hash"))
	})
	wantErr(t, "CreateToken(duplicate name)", err, vigil.ErrConflict)
	update(t, s, func(tx store.Tx) error { return tx.DeleteToken(ctx, sc, tok.ID) })
	err = s.View(ctx, func(tx store.Tx) error {
		_, err := tx.FindTokenByHash(ctx, hash)
		return err
	})
	wantErr(t, "FindTokenByHash(deleted)", err, vigil.ErrNotFound)
}

// testTransactions checks that a failed Update leaves nothing behind and
// that View refuses to write.
func testTransactions(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "acme", vigil.Manufacturer)
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.CreateProduct(ctx, sc, vigil.ProductInput{Name: "Half", Manufacturer: "Acme"}); err != nil {
			return err
		}
		return boom
	})
	wantErr(t, "Update returning an error", err, boom)
	view(t, s, func(tx store.Tx) error {
		_, err := tx.FindProductByName(ctx, sc, "Half")
		wantErr(t, "product of a rolled-back transaction", err, vigil.ErrNotFound)
		return nil
	})
	err = s.View(ctx, func(tx store.Tx) error {
		_, err := tx.CreateProduct(ctx, sc, vigil.ProductInput{Name: "Sneaky", Manufacturer: "Acme"})
		return err
	})
	if err == nil {
		t.Error("CreateProduct inside View succeeded, want an error")
	}
	view(t, s, func(tx store.Tx) error {
		_, err := tx.FindProductByName(ctx, sc, "Sneaky")
		wantErr(t, "product written in View", err, vigil.ErrNotFound)
		return nil
	})
	ctxDone, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.View(ctxDone, func(tx store.Tx) error {
		_, _, err := tx.FindProducts(ctxDone, sc, vigil.ProductFilter{})
		return err
	}); err == nil {
		t.Error("View with a cancelled context succeeded, want an error")
	}
}

func testMigrate(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	applied, err := s.Migrate(t.Context())
	if err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	if len(applied) != 0 {
		t.Errorf("Migrate on a migrated store applied %v, want nothing", applied)
	}
	cur, latest, err := s.SchemaVersion(t.Context())
	if err != nil || cur != latest || cur < 1 {
		t.Errorf("SchemaVersion = %d, %d, %v; want equal and >= 1", cur, latest, err)
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// testReadBack checks that what a write returns is what a later read
// returns, whatever the clock's precision and zone: times cut to the
// microsecond both backends keep and in UTC, no models an empty list.
func testReadBack(t *testing.T, open Opener) {
	india := time.FixedZone("IST", 5*3600+1800)
	s := open(t, func() time.Time { return time.Date(2026, 3, 14, 20, 39, 26, 535897932, india) })
	ctx := t.Context()
	wantNow := time.Date(2026, 3, 14, 15, 9, 26, 535897000, time.UTC)
	var (
		org *vigil.Organization
		p   *vigil.Product
		r   = &vigil.Release{Version: "1.0", Phase: vigil.PhaseDevelopment}
		tok = &vigil.APIToken{Name: "ci", Hint: "vgl_x", ExpiresAt: time.Date(2027, 1, 1, 0, 0, 0, 1999, india)}
		c   = &vigil.PhaseChange{To: vigil.PhaseDevelopment, Actor: "alice", Reason: "started"}
		sc  vigil.Scope
	)
	update(t, s, func(tx store.Tx) error {
		if got := tx.Now(); !exactTime(got, wantNow) {
			t.Errorf("Tx.Now = %v (%v), want %v", got, got.Location(), wantNow)
		}
		var err error
		if org, err = tx.CreateOrg(ctx, vigil.OrgInput{Slug: "acme", Name: "Acme", Kind: vigil.Manufacturer}); err != nil {
			return err
		}
		sc = vigil.Scope{OrgID: org.ID, Actor: "test"}
		if p, err = tx.CreateProduct(ctx, sc, vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"}); err != nil {
			return err
		}
		r.ProductID = p.ID
		if err := tx.CreateRelease(ctx, sc, r); err != nil {
			return err
		}
		if err := tx.CreateToken(ctx, sc, tok, []byte("hash")); err != nil {
			return err
		}
		c.ReleaseID = r.ID
		return tx.AddPhaseChange(ctx, sc, c)
	})
	if !exactTime(org.CreatedAt, wantNow) {
		t.Errorf("CreateOrg: created_at = %v, want %v", org.CreatedAt, wantNow)
	}
	if want := time.Date(2026, 12, 31, 18, 30, 0, 1000, time.UTC); !exactTime(tok.ExpiresAt, want) {
		t.Errorf("CreateToken: expires_at = %v, want %v", tok.ExpiresAt, want)
	}
	same := cmp.Comparer(exactTime)
	view(t, s, func(tx store.Tx) error {
		gotOrg, err := tx.FindOrgByID(ctx, org.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(org, gotOrg, same); diff != "" {
			t.Errorf("CreateOrg, then FindOrgByID (-created +read):\n%s", diff)
		}
		gotP, err := tx.FindProductByID(ctx, sc, p.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(p, gotP, same); diff != "" {
			t.Errorf("CreateProduct, then FindProductByID (-created +read):\n%s", diff)
		}
		gotR, err := tx.FindReleaseByID(ctx, sc, r.ID)
		if err != nil {
			return err
		}
		r.Product = p.Name // CreateRelease does not look the name up
		if diff := cmp.Diff(r, gotR, same); diff != "" {
			t.Errorf("CreateRelease, then FindReleaseByID (-created +read):\n%s", diff)
		}
		gotTok, err := tx.FindTokenByHash(ctx, []byte("hash"))
		if err != nil {
			return err
		}
		if diff := cmp.Diff(tok, gotTok, same); diff != "" {
			t.Errorf("CreateToken, then FindTokenByHash (-created +read):\n%s", diff)
		}
		hist, err := tx.FindPhaseChanges(ctx, sc, r.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]*vigil.PhaseChange{c}, hist, same); diff != "" {
			t.Errorf("AddPhaseChange, then FindPhaseChanges (-created +read):\n%s", diff)
		}
		return nil
	})
}

// exactTime is true when a and b are the same instant in the same location,
// which time.Time's Equal (and so cmp) does not check.
func exactTime(a, b time.Time) bool { return a.Equal(b) && a.Location() == b.Location() }

// testConstraints checks that the schema itself refuses rows the service
// should never send, with the same error kinds on every backend: the store
// is the last check, not the only one.
func testConstraints(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "acme", vigil.Manufacturer)
	p := mustCreateProduct(t, s, sc, "Pump")
	r := mustCreateRelease(t, s, sc, p.ID, "1.0")
	tests := []struct {
		name string
		run  func(tx store.Tx) error
		want error
	}{
		{"UnknownOrgKind", func(tx store.Tx) error {
			_, err := tx.CreateOrg(ctx, vigil.OrgInput{Slug: "vendor", Name: "Vendor", Kind: "vendor"})
			return err
		}, vigil.ErrInvalid},
		{"UnknownPhase", func(tx store.Tx) error {
			return tx.CreateRelease(ctx, sc, &vigil.Release{ProductID: p.ID, Version: "2.0", Phase: "retired"})
		}, vigil.ErrInvalid},
		{"ReleaseOfMissingProduct", func(tx store.Tx) error {
			return tx.CreateRelease(ctx, sc, &vigil.Release{ProductID: p.ID + 1000, Version: "2.0", Phase: vigil.PhaseSupport})
		}, vigil.ErrInvalid},
		{"PhaseChangeOfMissingRelease", func(tx store.Tx) error {
			return tx.AddPhaseChange(ctx, sc, &vigil.PhaseChange{ReleaseID: r.ID + 1000, To: vigil.PhaseSupport, Actor: "a", Reason: "b"})
		}, vigil.ErrInvalid},
		{"TokenOfMissingOrg", func(tx store.Tx) error {
			return tx.CreateToken(ctx, vigil.Scope{OrgID: sc.OrgID + 1000}, &vigil.APIToken{Name: "ci", Hint: "x"}, []byte("h"))
		}, vigil.ErrInvalid},
		{"DuplicateDeviceModel", func(tx store.Tx) error {
			_, err := tx.CreateProduct(ctx, sc, vigil.ProductInput{Name: "Monitor", Manufacturer: "Acme", DeviceModels: []string{"M-1", "M-1"}})
			return err
		}, vigil.ErrConflict},
		{"DuplicateTokenHash", func(tx store.Tx) error {
			if err := tx.CreateToken(ctx, sc, &vigil.APIToken{Name: "one", Hint: "x"}, []byte("same")); err != nil {
				return err
			}
			return tx.CreateToken(ctx, sc, &vigil.APIToken{Name: "two", Hint: "x"}, []byte("same"))
		}, vigil.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.name, s.Update(ctx, tt.run), tt.want)
		})
	}
}

// testOrder checks that listings sort text in byte order, as SQLite does,
// so every backend lists alike whatever the database's locale (which would
// put "a1" before "a-c", or "a" before "B").
func testOrder(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	var sc vigil.Scope
	for _, slug := range []string{"ab", "a1", "acme", "a-c"} {
		sc = MustCreateOrg(t, s, slug, vigil.Manufacturer)
	}
	for _, name := range []string{"b", "Ä", "9", "B", "a", "10"} {
		mustCreateProduct(t, s, sc, name)
	}
	view(t, s, func(tx store.Tx) error {
		orgs, _, err := tx.FindOrgs(ctx, vigil.OrgFilter{})
		if err != nil {
			return err
		}
		var slugs []string
		for _, o := range orgs {
			slugs = append(slugs, o.Slug)
		}
		if diff := cmp.Diff([]string{"a-c", "a1", "ab", "acme"}, slugs); diff != "" {
			t.Errorf("FindOrgs order (-want +got):\n%s", diff)
		}
		products, _, err := tx.FindProducts(ctx, sc, vigil.ProductFilter{})
		if err != nil {
			return err
		}
		var names []string
		for _, p := range products {
			names = append(names, p.Name)
		}
		if diff := cmp.Diff([]string{"10", "9", "B", "a", "b", "Ä"}, names); diff != "" {
			t.Errorf("FindProducts order (-want +got):\n%s", diff)
		}
		return nil
	})
}
