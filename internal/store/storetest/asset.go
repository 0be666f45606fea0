package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

func sampleAsset(tag, serial string) *vigil.Asset {
	return &vigil.Asset{
		AssetTag: tag, Serial: serial, Manufacturer: "Acme Medical", Model: "AP-1", Version: "1.0",
		DeviceType: "infusion pump", ClinicalFunction: "infusion therapy", Criticality: vigil.CriticalityLifeSustaining,
		PHI: true, Site: "Main", Building: "B", Unit: "ICU", IP: "10.1.2.3", MAC: "00:1a:2b:3c:4d:5e", VLAN: "120",
		Zone: "clinical", InternetExposed: true, Owner: "Biomed", Status: vigil.AssetInService,
		PurchasedOn: vigil.Date{Year: 2022, Month: 5, Day: 1}, WarrantyUntil: vigil.Date{Year: 2027, Month: 5, Day: 1},
	}
}

// fleetFixture is a manufacturer with a product of two releases, one with
// an SBOM and a finding, and two hospitals.
type fleetFixture struct {
	mdm, hdo, other vigil.Scope
	product         *vigil.Product
	r1, r2          *vigil.Release
	finding         *vigil.Finding
}

func newFleetFixture(t *testing.T, s store.Store) *fleetFixture {
	t.Helper()
	ctx := t.Context()
	f := &fleetFixture{
		mdm:   MustCreateOrg(t, s, "maker", vigil.Manufacturer),
		hdo:   MustCreateOrg(t, s, "hospital", vigil.HealthcareProvider),
		other: MustCreateOrg(t, s, "other-hospital", vigil.HealthcareProvider),
	}
	f.product = mustCreateProduct(t, s, f.mdm, "Pump", "AP-1")
	f.r1 = mustCreateRelease(t, s, f.mdm, f.product.ID, "1.0")
	f.r2 = mustCreateRelease(t, s, f.mdm, f.product.ID, "2.0")
	doc := &vigil.SBOMDocument{ReleaseID: f.r1.ID, Format: vigil.FormatCycloneDX, SpecVersion: "1.6", Encoding: vigil.EncodingJSON, SHA256: "ab"}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateSBOM(ctx, f.mdm, doc); err != nil {
			return err
		}
		if err := tx.AddComponents(ctx, f.mdm, doc, sampleComponents()); err != nil {
			return err
		}
		var comp *vigil.Component
		if err := tx.EachComponent(ctx, f.mdm, doc.ID, func(c *vigil.Component) error {
			if comp == nil {
				comp = c
			}
			return nil
		}); err != nil {
			return err
		}
		f.finding = &vigil.Finding{
			ReleaseID: f.r1.ID, SBOMID: doc.ID, ComponentID: comp.ID, ComponentKey: "pkg:npm/left-pad",
			ComponentName: comp.Name, ComponentVersion: comp.Version,
			Match: vigil.Match{VulnID: "CVE-2024-0001", ComponentRef: comp.Ref, Status: vigil.MatchAffected,
				Confidence: vigil.ConfidenceExact, Evidence: vigil.Evidence{Matcher: "test", Identifier: comp.PURL}},
			FirstSeenAt: tx.Now(), LastSeenAt: tx.Now(),
		}
		return tx.CreateFinding(ctx, f.mdm, f.finding)
	})
	return f
}

func testAssets(t *testing.T, open Opener) {
	t.Run("CRUD", func(t *testing.T) { testAssetCRUD(t, open) })
	t.Run("Sharing", func(t *testing.T) { testSharing(t, open) })
	t.Run("EventsAndWork", func(t *testing.T) { testAssetEventsAndWork(t, open) })
	t.Run("Isolation", func(t *testing.T) { testAssetIsolation(t, open) })
	t.Run("LinkDecisions", func(t *testing.T) { testLinkDecisions(t, open) })
}

func testAssetCRUD(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	h := MustCreateOrg(t, s, "hospital", vigil.HealthcareProvider)
	a := sampleAsset("BIO-0001", "SN-1")
	b := sampleAsset("", "SN-2")
	b.IP, b.MAC, b.PurchasedOn, b.WarrantyUntil, b.Status = "", "", vigil.Date{}, vigil.Date{}, vigil.AssetRetired
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateAsset(ctx, h, a); err != nil {
			return err
		}
		return tx.CreateAsset(ctx, h, b)
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindAssetByID(ctx, h, a.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(a, got); diff != "" {
			t.Errorf("FindAssetByID (-want +got):\n%s", diff)
		}
		bySerial, err := tx.FindAssetByTag(ctx, h, "NO-SUCH-TAG", "SN-2")
		if err != nil {
			return err
		}
		if bySerial.ID != b.ID {
			t.Errorf("FindAssetByTag(serial SN-2) = %d, want %d", bySerial.ID, b.ID)
		}
		_, err = tx.FindAssetByTag(ctx, h, "NOPE", "NOPE")
		wantErr(t, "FindAssetByTag(absent)", err, vigil.ErrNotFound)
		all, total, err := tx.FindAssets(ctx, h, vigil.AssetFilter{})
		if err != nil {
			return err
		}
		// Tag order: the empty tag of b sorts first.
		if total != 2 || len(all) != 2 || all[0].ID != b.ID || all[1].ID != a.ID {
			t.Errorf("FindAssets = %d assets (total %d), want b then a", len(all), total)
		}
		retired := vigil.AssetRetired
		rs, _, err := tx.FindAssets(ctx, h, vigil.AssetFilter{Status: &retired})
		if err != nil {
			return err
		}
		if len(rs) != 1 || rs[0].ID != b.ID {
			t.Errorf("FindAssets(status retired) = %v, want b", rs)
		}
		return nil
	})
	err := s.Update(ctx, func(tx store.Tx) error { return tx.CreateAsset(ctx, h, sampleAsset("BIO-0001", "SN-9")) })
	wantErr(t, "CreateAsset(duplicate tag)", err, vigil.ErrConflict)
	err = s.Update(ctx, func(tx store.Tx) error {
		x := sampleAsset("BIO-0002", "")
		x.Criticality = "vital"
		return tx.CreateAsset(ctx, h, x)
	})
	wantErr(t, "CreateAsset(bad criticality)", err, vigil.ErrInvalid)
	update(t, s, func(tx store.Tx) error {
		a.Unit, a.Version = "NICU", "1.1"
		return tx.UpdateAsset(ctx, h, a)
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindAssetByID(ctx, h, a.ID)
		if err != nil {
			return err
		}
		if got.Unit != "NICU" || got.Version != "1.1" {
			t.Errorf("after UpdateAsset: unit %q version %q", got.Unit, got.Version)
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.DeleteAsset(ctx, h, b.ID) })
	err = s.View(ctx, func(tx store.Tx) error { _, err := tx.FindAssetByID(ctx, h, b.ID); return err })
	wantErr(t, "FindAssetByID(deleted)", err, vigil.ErrNotFound)

	update(t, s, func(tx store.Tx) error {
		if err := tx.PutManufacturerAlias(ctx, h, vigil.ManufacturerAlias{Alias: "acme med", Canonical: "Acme Medical"}); err != nil {
			return err
		}
		return tx.PutManufacturerAlias(ctx, h, vigil.ManufacturerAlias{Alias: "acme med", Canonical: "Acme Medical Devices"})
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindManufacturerAliases(ctx, h)
		if err != nil {
			return err
		}
		want := []vigil.ManufacturerAlias{{OrgID: h.OrgID, Alias: "acme med", Canonical: "Acme Medical Devices"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindManufacturerAliases (-want +got):\n%s", diff)
		}
		return nil
	})
}

func catalogIDs(cs []*vigil.CatalogRelease) []int64 {
	var ids []int64
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

func testSharing(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	f := newFleetFixture(t, s)
	own := mustCreateProduct(t, s, f.hdo, "Catalogue Pump", "CP-1")
	ownRel := mustCreateRelease(t, s, f.hdo, own.ID, "7")
	a := sampleAsset("BIO-1", "")
	update(t, s, func(tx store.Tx) error { return tx.CreateAsset(ctx, f.hdo, a) })

	catalog := func(sc vigil.Scope) []int64 {
		t.Helper()
		var ids []int64
		view(t, s, func(tx store.Tx) error {
			cs, err := tx.FindCatalogReleases(ctx, sc, vigil.CatalogFilter{})
			ids = catalogIDs(cs)
			return err
		})
		return ids
	}
	visible := func(sc vigil.Scope) int {
		t.Helper()
		var n int
		view(t, s, func(tx store.Tx) error {
			fs, err := tx.FindVisibleFindings(ctx, sc, vigil.VisibleFindingFilter{VulnIDs: []string{"CVE-2024-0001"}})
			n = len(fs)
			return err
		})
		return n
	}

	// Nothing is visible without a share.
	if diff := cmp.Diff([]int64{ownRel.ID}, catalog(f.hdo)); diff != "" {
		t.Errorf("catalogue without a share (-want +got):\n%s", diff)
	}
	if n := visible(f.hdo); n != 0 {
		t.Errorf("findings visible without a share: %d", n)
	}
	err := s.Update(ctx, func(tx store.Tx) error {
		return tx.SetAssetMapping(ctx, f.hdo, a.ID, vigil.AssetMapping{ReleaseID: f.r1.ID, Confidence: vigil.MappingExact})
	})
	wantErr(t, "SetAssetMapping(unshared release)", err, vigil.ErrNotFound)

	// A release share shows that release only.
	rs := &vigil.Share{GranteeOrgID: f.hdo.OrgID, ProductID: f.product.ID, ReleaseID: f.r1.ID}
	update(t, s, func(tx store.Tx) error { return tx.CreateShare(ctx, f.mdm, rs) })
	if diff := cmp.Diff([]int64{ownRel.ID, f.r1.ID}, catalog(f.hdo)); diff != "" {
		t.Errorf("catalogue with a release share (-want +got):\n%s", diff)
	}
	if got := catalog(f.other); len(got) != 0 {
		t.Errorf("another hospital sees %v", got)
	}
	// A product share shows every release of the product.
	ps := &vigil.Share{GranteeOrgID: f.hdo.OrgID, ProductID: f.product.ID}
	update(t, s, func(tx store.Tx) error { return tx.CreateShare(ctx, f.mdm, ps) })
	if diff := cmp.Diff([]int64{ownRel.ID, f.r1.ID, f.r2.ID}, catalog(f.hdo)); diff != "" {
		t.Errorf("catalogue with a product share (-want +got):\n%s", diff)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.CreateShare(ctx, f.mdm, &vigil.Share{GranteeOrgID: f.hdo.OrgID, ProductID: f.product.ID})
	})
	wantErr(t, "CreateShare(duplicate)", err, vigil.ErrConflict)
	err = s.Update(ctx, func(tx store.Tx) error { return tx.CreateShare(ctx, f.mdm, &vigil.Share{GranteeOrgID: f.mdm.OrgID}) })
	wantErr(t, "CreateShare(to itself)", err, vigil.ErrInvalid)
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.CreateShare(ctx, f.hdo, &vigil.Share{GranteeOrgID: f.other.OrgID, ProductID: f.product.ID})
	})
	wantErr(t, "CreateShare(of another organization's product)", err, vigil.ErrInvalid)

	update(t, s, func(tx store.Tx) error {
		return tx.SetAssetMapping(ctx, f.hdo, a.ID, vigil.AssetMapping{ReleaseID: f.r1.ID, Confidence: vigil.MappingExact,
			Reason: "model and version equal", MappedBy: "test"})
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindAssetByID(ctx, f.hdo, a.ID)
		if err != nil {
			return err
		}
		want := vigil.AssetMapping{ReleaseID: f.r1.ID, ReleaseOrgID: f.mdm.OrgID, Product: "Pump", ReleaseVersion: "1.0",
			Confidence: vigil.MappingExact, Reason: "model and version equal", MappedBy: "test", MappedAt: fixedClock()()}
		if diff := cmp.Diff(want, got.Mapping); diff != "" {
			t.Errorf("mapping (-want +got):\n%s", diff)
		}
		mapped, _, err := tx.FindAssets(ctx, f.hdo, vigil.AssetFilter{ReleaseIDs: []int64{f.r1.ID}})
		if err != nil {
			return err
		}
		if len(mapped) != 1 {
			t.Errorf("FindAssets(release r1) = %d, want 1", len(mapped))
		}
		lean, err := tx.FindAssetsOfReleases(ctx, f.hdo, []int64{f.r1.ID, f.r2.ID})
		if err != nil {
			return err
		}
		if len(lean) != 1 || lean[0].ID != a.ID || lean[0].Mapping.ReleaseID != f.r1.ID || lean[0].Unit != a.Unit ||
			lean[0].Criticality != a.Criticality || lean[0].Mapping.ReleaseOrgID != f.mdm.OrgID {
			t.Errorf("FindAssetsOfReleases = %+v", lean)
		}
		if other, err := tx.FindAssetsOfReleases(ctx, f.other, []int64{f.r1.ID}); err != nil || len(other) != 0 {
			t.Errorf("FindAssetsOfReleases as another hospital = %v, %v", other, err)
		}
		byProduct, err := tx.FindCatalogReleases(ctx, f.hdo, vigil.CatalogFilter{ProductIDs: []int64{f.product.ID}})
		if err != nil {
			return err
		}
		byRelease, err := tx.FindCatalogReleases(ctx, f.hdo, vigil.CatalogFilter{ReleaseIDs: []int64{f.r2.ID}})
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]int64{f.r1.ID, f.r2.ID}, catalogIDs(byProduct)); diff != "" {
			t.Errorf("catalogue by product (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int64{f.r2.ID}, catalogIDs(byRelease)); diff != "" {
			t.Errorf("catalogue by release (-want +got):\n%s", diff)
		}
		fs, err := tx.FindVisibleFindings(ctx, f.hdo, vigil.VisibleFindingFilter{MappedOnly: true})
		if err != nil {
			return err
		}
		if len(fs) != 1 || fs[0].ID != f.finding.ID {
			t.Errorf("FindVisibleFindings(mapped) = %v, want the finding", fs)
		}
		granted, err := tx.FindShares(ctx, f.mdm, true)
		if err != nil {
			return err
		}
		received, err := tx.FindShares(ctx, f.hdo, false)
		if err != nil {
			return err
		}
		if len(granted) != 2 || len(received) != 2 || received[0].Owner != "maker" || received[0].Grantee != "hospital" {
			t.Errorf("shares: granted %v, received %v", granted, received)
		}
		return nil
	})
	if n := visible(f.other); n != 0 {
		t.Errorf("another hospital sees %d findings", n)
	}
	// Revoking every share hides the findings again, though the mapping stays.
	update(t, s, func(tx store.Tx) error {
		if err := tx.DeleteShare(ctx, f.mdm, rs.ID); err != nil {
			return err
		}
		return tx.DeleteShare(ctx, f.mdm, ps.ID)
	})
	if n := visible(f.hdo); n != 0 {
		t.Errorf("findings visible after the shares were revoked: %d", n)
	}
}

func testAssetEventsAndWork(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	h := MustCreateOrg(t, s, "hospital", vigil.HealthcareProvider)
	a := sampleAsset("BIO-1", "")
	update(t, s, func(tx store.Tx) error { return tx.CreateAsset(ctx, h, a) })
	var added []*vigil.AssetEvent
	update(t, s, func(tx store.Tx) error {
		var err error
		added, err = tx.AddAssetEvents(ctx, h, []*vigil.AssetEvent{
			{AssetID: a.ID, VulnID: "CVE-1", Kind: vigil.EventExposed, Via: "sbom", Detail: "x", After: "exposed", Dedupe: "exposed"},
			{AssetID: a.ID, VulnID: "CVE-2", Kind: vigil.EventExposed, Via: "advisory", After: "exposed", Dedupe: "exposed"},
		})
		return err
	})
	if len(added) != 2 {
		t.Fatalf("AddAssetEvents added %d, want 2", len(added))
	}
	update(t, s, func(tx store.Tx) error {
		var err error
		added, err = tx.AddAssetEvents(ctx, h, []*vigil.AssetEvent{
			{AssetID: a.ID, VulnID: "CVE-1", Kind: vigil.EventExposed, Via: "sbom", Dedupe: "exposed"},
			{AssetID: a.ID, VulnID: "CVE-3", Kind: vigil.EventExposed, Via: "sbom", Dedupe: "exposed"},
		})
		return err
	})
	if len(added) != 1 || added[0].VulnID != "CVE-3" {
		t.Errorf("AddAssetEvents(again) added %v, want only CVE-3", added)
	}
	view(t, s, func(tx store.Tx) error {
		evs, err := tx.FindAssetEvents(ctx, h, vigil.AssetEventFilter{})
		if err != nil {
			return err
		}
		if len(evs) != 3 || evs[0].VulnID != "CVE-3" || evs[0].AssetTag != "BIO-1" {
			t.Errorf("FindAssetEvents = %v", evs)
		}
		return nil
	})
	// A fact with its own key (an advisory's revision) is kept once per
	// key; transitions (no key) are kept every time the application
	// records one. What changed and why round-trips.
	update(t, s, func(tx store.Tx) error {
		var err error
		added, err = tx.AddAssetEvents(ctx, h, []*vigil.AssetEvent{
			{AssetID: a.ID, VulnID: "CVE-1", Kind: vigil.EventAdvisory, Via: "advisory", Before: "1", After: "2", Source: "ICSMA-1", Dedupe: "ICSMA-1@2"},
			{AssetID: a.ID, VulnID: "CVE-1", Kind: vigil.EventAdvisory, Via: "advisory", Before: "1", After: "2", Source: "ICSMA-1", Dedupe: "ICSMA-1@2"},
			{AssetID: a.ID, VulnID: "CVE-1", Kind: vigil.EventExposureRemoved, Via: "sbom", Before: "exposed", After: "not_affected", Source: "acme"},
			{AssetID: a.ID, VulnID: "CVE-1", Kind: vigil.EventExposureRestored, Via: "sbom", Before: "not_affected", After: "exposed"},
			{AssetID: a.ID, VulnID: "CVE-1", Kind: vigil.EventExposureRemoved, Via: "sbom", Before: "exposed", After: "not_affected", Source: "acme"},
		})
		return err
	})
	if len(added) != 4 {
		t.Errorf("AddAssetEvents(facts and transitions) added %d, want 4 (the repeated revision once)", len(added))
	}
	view(t, s, func(tx store.Tx) error {
		cve1 := "CVE-1"
		evs, err := tx.FindAssetEvents(ctx, h, vigil.AssetEventFilter{VulnID: &cve1,
			Kinds: []vigil.AssetEventKind{vigil.EventAdvisory, vigil.EventExposureRemoved}})
		if err != nil {
			return err
		}
		var got []string
		for _, e := range evs {
			got = append(got, fmt.Sprintf("%s %s→%s %s %s", e.Kind, e.Before, e.After, e.Source, e.Dedupe))
		}
		want := []string{"exposure_removed exposed→not_affected acme ", "exposure_removed exposed→not_affected acme ",
			"advisory 1→2 ICSMA-1 ICSMA-1@2"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindAssetEvents(kinds) (-want +got):\n%s", diff)
		}
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		_, err := tx.AddAssetEvents(ctx, h, []*vigil.AssetEvent{{AssetID: a.ID, VulnID: "CVE-1", Kind: "bogus", Via: "sbom"}})
		if err == nil {
			t.Error("AddAssetEvents accepted an unknown kind")
		}
		return nil
	})

	w := &vigil.WorkItem{AssetID: a.ID, VulnID: "CVE-1", State: vigil.RemediationOpen}
	update(t, s, func(tx store.Tx) error {
		return tx.PutWorkItem(ctx, h, w, &vigil.WorkItemChange{ToState: vigil.RemediationOpen})
	})
	accepted := vigil.Date{Year: 2026, Month: 6, Day: 30}
	update(t, s, func(tx store.Tx) error {
		w.State, w.Approver, w.Reason, w.ExpiresOn = vigil.RemediationRiskAccepted, "Dr. Chief", "no patch yet", accepted
		return tx.PutWorkItem(ctx, h, w, &vigil.WorkItemChange{FromState: vigil.RemediationOpen, ToState: w.State,
			Approver: w.Approver, Reason: w.Reason, ExpiresOn: accepted})
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindWorkItem(ctx, h, a.ID, "CVE-1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("FindWorkItem (-want +got):\n%s", diff)
		}
		hist, err := tx.FindWorkItemChanges(ctx, h, w.ID)
		if err != nil {
			return err
		}
		want := []*vigil.WorkItemChange{
			{OrgID: h.OrgID, WorkItemID: w.ID, ToState: vigil.RemediationOpen, Actor: "test", ChangedAt: fixedClock()()},
			{OrgID: h.OrgID, WorkItemID: w.ID, FromState: vigil.RemediationOpen, ToState: vigil.RemediationRiskAccepted,
				Approver: "Dr. Chief", Reason: "no patch yet", ExpiresOn: accepted, Actor: "test", ChangedAt: fixedClock()()},
		}
		if diff := cmp.Diff(want, hist, cmpopts.IgnoreFields(vigil.WorkItemChange{}, "ID")); diff != "" {
			t.Errorf("FindWorkItemChanges (-want +got):\n%s", diff)
		}
		return nil
	})
	err := s.Update(ctx, func(tx store.Tx) error {
		return tx.PutWorkItem(ctx, h, &vigil.WorkItem{AssetID: a.ID, VulnID: "CVE-1", State: vigil.RemediationOpen},
			&vigil.WorkItemChange{ToState: vigil.RemediationOpen})
	})
	wantErr(t, "PutWorkItem(second item for the same asset and vulnerability)", err, vigil.ErrConflict)
}

func testAssetIsolation(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	f := newFleetFixture(t, s)
	a := sampleAsset("BIO-1", "SN-1")
	share := &vigil.Share{GranteeOrgID: f.hdo.OrgID}
	w := &vigil.WorkItem{AssetID: 0, VulnID: "CVE-2024-0001", State: vigil.RemediationOpen}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateAsset(ctx, f.hdo, a); err != nil {
			return err
		}
		if err := tx.CreateShare(ctx, f.mdm, share); err != nil {
			return err
		}
		if err := tx.SetAssetMapping(ctx, f.hdo, a.ID, vigil.AssetMapping{ReleaseID: f.r1.ID, Confidence: vigil.MappingExact}); err != nil {
			return err
		}
		if _, err := tx.AddAssetEvents(ctx, f.hdo, []*vigil.AssetEvent{{AssetID: a.ID, VulnID: "CVE-2024-0001", Kind: vigil.EventExposed, Via: "sbom"}}); err != nil {
			return err
		}
		if err := tx.PutManufacturerAlias(ctx, f.hdo, vigil.ManufacturerAlias{Alias: "x", Canonical: "y"}); err != nil {
			return err
		}
		w.AssetID = a.ID
		return tx.PutWorkItem(ctx, f.hdo, w, &vigil.WorkItemChange{ToState: vigil.RemediationOpen})
	})
	// The other hospital gets an asset of its own.
	update(t, s, func(tx store.Tx) error { return tx.CreateAsset(ctx, f.other, sampleAsset("OTHER-1", "")) })

	ops := []struct {
		name     string
		readOnly bool
		run      func(tx store.Tx, sc vigil.Scope) error
	}{
		{"FindAssetByID", true, func(tx store.Tx, sc vigil.Scope) error { _, err := tx.FindAssetByID(ctx, sc, a.ID); return err }},
		{"FindAssetByTag", true, func(tx store.Tx, sc vigil.Scope) error {
			_, err := tx.FindAssetByTag(ctx, sc, "BIO-1", "SN-1")
			return err
		}},
		{"FindAssets", true, func(tx store.Tx, sc vigil.Scope) error {
			return notListed(tx.FindAssets(ctx, sc, vigil.AssetFilter{}))(func(x *vigil.Asset) bool { return x.ID == a.ID })
		}},
		{"UpdateAsset", false, func(tx store.Tx, sc vigil.Scope) error {
			x := *a
			x.Unit = "hijacked"
			return tx.UpdateAsset(ctx, sc, &x)
		}},
		{"SetAssetMapping", false, func(tx store.Tx, sc vigil.Scope) error {
			return tx.SetAssetMapping(ctx, sc, a.ID, vigil.AssetMapping{})
		}},
		{"DeleteAsset", false, func(tx store.Tx, sc vigil.Scope) error { return tx.DeleteAsset(ctx, sc, a.ID) }},
		{"ReplaceAdvisoryProducts", false, func(tx store.Tx, sc vigil.Scope) error { return tx.ReplaceAdvisoryProducts(ctx, sc, a.ID, nil) }},
		{"FindAdvisoryProducts", true, func(tx store.Tx, sc vigil.Scope) error {
			ps, err := tx.FindAdvisoryProducts(ctx, sc, vigil.AdvisoryProductFilter{AssetID: &a.ID})
			if err == nil && len(ps) == 0 {
				return vigil.ErrNotFound
			}
			return err
		}},
		{"FindCatalogReleases(shared to another)", true, func(tx store.Tx, sc vigil.Scope) error {
			cs, err := tx.FindCatalogReleases(ctx, sc, vigil.CatalogFilter{ReleaseID: &f.r1.ID})
			if err == nil && len(cs) == 0 {
				return vigil.ErrNotFound
			}
			if err == nil {
				return errLeak
			}
			return err
		}},
		{"FindVisibleFindings(shared to another)", true, func(tx store.Tx, sc vigil.Scope) error {
			fs, err := tx.FindVisibleFindings(ctx, sc, vigil.VisibleFindingFilter{VulnIDs: []string{"CVE-2024-0001"}})
			if err == nil && len(fs) == 0 {
				return vigil.ErrNotFound
			}
			if err == nil {
				return errLeak
			}
			return err
		}},
		{"FindAssetEvents", true, func(tx store.Tx, sc vigil.Scope) error {
			evs, err := tx.FindAssetEvents(ctx, sc, vigil.AssetEventFilter{AssetID: &a.ID})
			if err == nil && len(evs) == 0 {
				return vigil.ErrNotFound
			}
			if err == nil {
				return errLeak
			}
			return err
		}},
		{"AddAssetEvents(to A's asset)", false, func(tx store.Tx, sc vigil.Scope) error {
			_, err := tx.AddAssetEvents(ctx, sc, []*vigil.AssetEvent{{AssetID: a.ID, VulnID: "CVE-9", Kind: vigil.EventExposed, Via: "sbom"}})
			if errors.Is(err, vigil.ErrInvalid) {
				return vigil.ErrNotFound
			}
			return err
		}},
		{"FindWorkItem", true, func(tx store.Tx, sc vigil.Scope) error {
			_, err := tx.FindWorkItem(ctx, sc, a.ID, w.VulnID)
			return err
		}},
		{"PutWorkItem(update A's)", false, func(tx store.Tx, sc vigil.Scope) error {
			x := *w
			x.State = vigil.RemediationPatchApplied
			return tx.PutWorkItem(ctx, sc, &x, &vigil.WorkItemChange{ToState: x.State})
		}},
		{"PutWorkItem(on A's asset)", false, func(tx store.Tx, sc vigil.Scope) error {
			err := tx.PutWorkItem(ctx, sc, &vigil.WorkItem{AssetID: a.ID, VulnID: "CVE-9", State: vigil.RemediationOpen},
				&vigil.WorkItemChange{ToState: vigil.RemediationOpen})
			if errors.Is(err, vigil.ErrInvalid) {
				return vigil.ErrNotFound
			}
			return err
		}},
		{"FindWorkItemChanges", true, func(tx store.Tx, sc vigil.Scope) error {
			cs, err := tx.FindWorkItemChanges(ctx, sc, w.ID)
			if err == nil && len(cs) == 0 {
				return vigil.ErrNotFound
			}
			if err == nil {
				return errLeak
			}
			return err
		}},
		{"DeleteShare(granted by another)", false, func(tx store.Tx, sc vigil.Scope) error { return tx.DeleteShare(ctx, sc, share.ID) }},
		{"DeleteManufacturerAlias", false, func(tx store.Tx, sc vigil.Scope) error { return tx.DeleteManufacturerAlias(ctx, sc, "x") }},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			err := runIsolated(t, s, op.readOnly, func(tx store.Tx) error { return op.run(tx, f.other) })
			if !errors.Is(err, vigil.ErrNotFound) {
				t.Errorf("as another hospital: error = %v, want ErrNotFound", err)
			}
			err = runIsolated(t, s, op.readOnly, func(tx store.Tx) error { return op.run(tx, vigil.Scope{}) })
			if !errors.Is(err, vigil.ErrForbidden) {
				t.Errorf("without a scope: error = %v, want ErrForbidden", err)
			}
		})
	}
	// The manufacturer, though it shared its release, sees nothing of the
	// hospital's assets.
	err := runIsolated(t, s, true, func(tx store.Tx) error { _, err := tx.FindAssetByID(ctx, f.mdm, a.ID); return err })
	wantErr(t, "manufacturer reads the hospital's asset", err, vigil.ErrNotFound)
}

// testLinkDecisions: a link's score is kept, decisions are put, replaced,
// listed per asset, scoped to the organization, and survive the links'
// replacement by a mapping run.
func testLinkDecisions(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	hdo := MustCreateOrg(t, s, "hospital", vigil.HealthcareProvider)
	other := MustCreateOrg(t, s, "other-hospital", vigil.HealthcareProvider)
	a := sampleAsset("BIO-1", "SN-1")
	adv := &vigil.Advisory{ID: "ICSMA-99-001-01", Version: "2", Publisher: vigil.Publisher{Name: "CISA"}, Provenance: vigil.Provenance{Source: vigil.SourceCSAF, SourceID: "ICSMA-99-001-01"}}
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateAsset(ctx, hdo, a); err != nil {
			return err
		}
		if err := tx.PutAdvisory(ctx, &store.KBAdvisory{Advisory: adv, Doc: []byte(`{}`), SHA256: "s1", Vulns: []string{"CVE-2099-0001"},
			Products: []store.ProductKey{{ProductID: "P1", Kind: "token", Value: "ap1"}}}); err != nil {
			return err
		}
		hits, err := tx.FindAdvisoryIDsByProductNames(ctx, []string{"ap1"})
		if err != nil || len(hits) != 1 || hits[0].ProductID != "P1" {
			t.Errorf("FindAdvisoryIDsByProductNames(token) = %+v, %v", hits, err)
		}
		if len(hits) == 0 {
			return nil
		}
		return tx.ReplaceAdvisoryProducts(ctx, hdo, a.ID, []vigil.AdvisoryProduct{{AdvisoryID: hits[0].AdvisoryID, ProductID: "P1", Name: "AP 1",
			Confidence: vigil.MappingPossible, Score: 0.45, Reason: "model number ap1"}})
	})
	view(t, s, func(tx store.Tx) error {
		ps, err := tx.FindAdvisoryProducts(ctx, hdo, vigil.AdvisoryProductFilter{AssetID: &a.ID})
		if err != nil || len(ps) != 1 || ps[0].Score != 0.45 || ps[0].Advisory != "ICSMA-99-001-01" {
			t.Errorf("FindAdvisoryProducts = %+v, %v; want one with score 0.45", ps, err)
		}
		return nil
	})
	d := &vigil.AdvisoryLinkDecision{AssetID: a.ID, Advisory: "ICSMA-99-001-01", ProductID: "P1", Revision: "2", Decision: vigil.LinkRejected, Note: "a different pump"}
	update(t, s, func(tx store.Tx) error {
		if err := tx.PutAdvisoryLinkDecision(ctx, hdo, d); err != nil {
			return err
		}
		bad := *d
		bad.Decision = "maybe"
		if err := tx.PutAdvisoryLinkDecision(ctx, hdo, &bad); !errors.Is(err, vigil.ErrInvalid) {
			t.Errorf("PutAdvisoryLinkDecision(maybe) = %v, want ErrInvalid", err)
		}
		// Another organization cannot decide on this asset.
		if err := tx.PutAdvisoryLinkDecision(ctx, other, &vigil.AdvisoryLinkDecision{AssetID: a.ID, Advisory: "X", ProductID: "P", Decision: vigil.LinkConfirmed}); !errors.Is(err, vigil.ErrNotFound) {
			t.Errorf("PutAdvisoryLinkDecision by another organization = %v, want ErrNotFound", err)
		}
		// A mapping run replaces the links; the decision stays.
		return tx.ReplaceAdvisoryProducts(ctx, hdo, a.ID, nil)
	})
	view(t, s, func(tx store.Tx) error {
		ds, err := tx.FindAdvisoryLinkDecisions(ctx, hdo, &a.ID)
		want := []*vigil.AdvisoryLinkDecision{{OrgID: hdo.OrgID, AssetID: a.ID, Advisory: "ICSMA-99-001-01", ProductID: "P1", Revision: "2",
			Decision: vigil.LinkRejected, Note: "a different pump", DecidedBy: hdo.Actor, DecidedAt: fixedClock()()}}
		if diff := cmp.Diff(want, ds); err != nil || diff != "" {
			t.Errorf("FindAdvisoryLinkDecisions (-want +got), err %v:\n%s", err, diff)
		}
		if ds, err := tx.FindAdvisoryLinkDecisions(ctx, other, nil); err != nil || len(ds) != 0 {
			t.Errorf("another organization's decisions = %+v, %v; want none", ds, err)
		}
		return nil
	})
	// Confirming replaces the rejection.
	d.Decision, d.Note = vigil.LinkConfirmed, ""
	update(t, s, func(tx store.Tx) error { return tx.PutAdvisoryLinkDecision(ctx, hdo, d) })
	view(t, s, func(tx store.Tx) error {
		ds, err := tx.FindAdvisoryLinkDecisions(ctx, hdo, nil)
		if err != nil || len(ds) != 1 || ds[0].Decision != vigil.LinkConfirmed {
			t.Errorf("after confirming: %+v, %v", ds, err)
		}
		return nil
	})
}
