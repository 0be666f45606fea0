package storetest

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// testKBMatch checks the reads matching does (store.KBMatchTx): package
// rows with their slim data, other candidates by id, whole records by id.
// The knowledge base is global (no organization), so there is no isolation
// case.
func testKBMatch(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	put := func(tx store.Tx, id string, withdrawn bool, pkgs []store.PackageKey, cpes []store.CPEKey) {
		t.Helper()
		v := &vigil.Vulnerability{ID: id, Provenance: vigil.Provenance{Source: vigil.SourceOSV, SourceID: id}}
		if withdrawn {
			v.Withdrawn = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
		}
		doc, _ := json.Marshal(v)
		if err := tx.PutKBVuln(ctx, &store.KBVuln{Vuln: v, Doc: doc, SHA256: id, Aliases: []string{id}, Packages: pkgs, CPEs: cpes}); err != nil {
			t.Fatalf("PutKBVuln %s: %v", id, err)
		}
	}
	slimA, slimB := []byte{1, 2, 0, 3}, []byte(`[{"ecosystem":"PyPI","name":"foo"}]`)
	update(t, s, func(tx store.Tx) error {
		// A first version of A with a package row that a re-import drops.
		put(tx, "A", false, []store.PackageKey{{Ecosystem: "Go", Name: "example.com/gone", Affected: []byte{9}}}, nil)
		put(tx, "A", false, []store.PackageKey{{Ecosystem: "npm", Name: "left-pad", PURL: "pkg:npm/left-pad", Affected: slimA}}, nil)
		put(tx, "B", false, []store.PackageKey{{Ecosystem: "PyPI", Name: "foo", Affected: slimB}, {Ecosystem: "PyPI", Name: "bar"}},
			[]store.CPEKey{{Part: "a", Vendor: "acme", Product: "bar", Vulnerable: true}})
		put(tx, "C", true, []store.PackageKey{{Ecosystem: "npm", Name: "left-pad", Affected: slimA}}, nil)
		put(tx, "D", false, []store.PackageKey{{Ecosystem: "Maven", Name: "g:a", Affected: slimA}}, nil)
		adv := &vigil.Advisory{ID: "ICSMA-1", Title: "Pump", Provenance: vigil.Provenance{Source: vigil.SourceCSAF, SourceID: "ICSMA-1"}}
		doc, _ := json.Marshal(adv)
		kev := &vigil.KEVEntry{CVEID: "CVE-2024-0001", DateAdded: vigil.Date{Year: 2024, Month: 3, Day: 2},
			Provenance: vigil.Provenance{Source: vigil.SourceKEV, SourceID: "CVE-2024-0001"}}
		kevDoc, _ := json.Marshal(kev)
		if err := tx.PutKEV(ctx, kev, "k", kevDoc); err != nil {
			return err
		}
		for _, s := range []struct {
			cve string
			day int
		}{{"CVE-2024-0001", 1}, {"CVE-2024-0001", 3}, {"CVE-2024-0001", 2}, {"CVE-2024-0002", 1}} {
			if _, err := tx.PutEPSS(ctx, &vigil.EPSSScore{CVEID: s.cve, Score: float64(s.day) / 10, Percentile: 0.5,
				ModelVersion: "v2025", Date: vigil.Date{Year: 2024, Month: 3, Day: s.day}}); err != nil {
				return err
			}
		}
		return tx.PutAdvisory(ctx, &store.KBAdvisory{Advisory: adv, Doc: doc, SHA256: "a", Vulns: []string{"CVE-2024-0001"},
			Products: []store.ProductKey{{ProductID: "P1", Kind: "model", Value: "ip 3000"}, {ProductID: "P1", Kind: "purl", Value: "pkg:npm/left-pad"}}})
	})
	view(t, s, func(tx store.Tx) error {
		empty, err := tx.FindKBCandidateRows(ctx, nil)
		if err != nil || len(empty.Packages)+len(empty.Vulns)+len(empty.Advisories) != 0 {
			t.Errorf("FindKBCandidateRows(nil) = %+v, %v; want nothing", empty, err)
		}
		got, err := tx.FindKBCandidateRows(ctx, []vigil.IndexKey{
			{Kind: vigil.KeyPURL, Value: "pkg:npm/left-pad"},
			{Kind: vigil.KeyEcoPackage, Value: "npm|left-pad"}, // A's row again, and C's
			{Kind: vigil.KeyEcoPackage, Value: "PyPI|bar"},
			{Kind: vigil.KeyEcoPackage, Value: "Go|example.com/gone"},
			{Kind: vigil.KeyEcoPackage, Value: "Maven|g:b"},
			{Kind: vigil.KeyPackageName, Value: "foo"},
			{Kind: vigil.KeyCPE, Value: "acme:bar"},
			{Kind: vigil.KeyName, Value: "ip 3000"},
		})
		if err != nil {
			return err
		}
		// Name each record id by the record it holds; withdrawn C is not
		// returned by id.
		name := map[int64]string{}
		for _, r := range got.Packages {
			vs, err := tx.FindKBVulnsByID(ctx, []int64{r.RecordID})
			if err != nil {
				return err
			}
			name[r.RecordID] = "withdrawn"
			if len(vs) == 1 {
				name[r.RecordID] = vs[0].ID
			}
		}
		type row struct {
			Record   string
			Affected []byte
		}
		var rows []row
		var order []int64
		for _, r := range got.Packages {
			rows = append(rows, row{name[r.RecordID], r.Affected})
			order = append(order, r.RecordID)
		}
		want := []row{
			{"A", slimA}, // reached by purl and by name, once
			{"B", nil},
			{"withdrawn", slimA},
		}
		slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.Record, b.Record) })
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("FindKBCandidateRows packages (-want +got):\n%s", diff)
		}
		if !slices.IsSorted(order) {
			t.Errorf("packages not in record id order: %v", order)
		}
		var vulnIDs []string
		vulns, err := tx.FindKBVulnsByID(ctx, got.Vulns)
		if err != nil {
			return err
		}
		for _, v := range vulns {
			vulnIDs = append(vulnIDs, v.ID)
		}
		if diff := cmp.Diff([]string{"B"}, vulnIDs); diff != "" {
			t.Errorf("FindKBCandidateRows vulns, by name and CPE (-want +got):\n%s", diff)
		}
		advs, err := tx.FindAdvisoriesByID(ctx, got.Advisories)
		if err != nil || len(advs) != 1 || advs[0].ID != "ICSMA-1" || len(got.Advisories) != 1 {
			t.Errorf("FindKBCandidateRows advisories = %v → %v, %v; want ICSMA-1 once", got.Advisories, advs, err)
		}
		ids := slices.Sorted(maps.Keys(name))
		all, err := tx.FindKBVulnsByID(ctx, append(ids, ids...))
		if err != nil {
			return err
		}
		var allIDs []string
		for _, v := range all {
			allIDs = append(allIDs, v.ID)
		}
		if diff := cmp.Diff([]string{"A", "B"}, allIDs); diff != "" {
			t.Errorf("FindKBVulnsByID, withdrawn left out, each once (-want +got):\n%s", diff)
		}
		if none, err := tx.FindKBVulnsByID(ctx, []int64{-1, 1 << 40}); err != nil || len(none) != 0 {
			t.Errorf("FindKBVulnsByID of unknown ids = %v, %v", none, err)
		}
		cves := []string{"CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0003"}
		kevs, err := tx.FindKEVs(ctx, cves)
		if err != nil {
			return err
		}
		one, err := tx.FindKEV(ctx, "CVE-2024-0001")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(map[string]*vigil.KEVEntry{"CVE-2024-0001": one}, kevs); diff != "" {
			t.Errorf("FindKEVs (-want +got):\n%s", diff)
		}
		latest, err := tx.FindLatestEPSS(ctx, cves)
		if err != nil {
			return err
		}
		wantEPSS := map[string]*vigil.EPSSScore{}
		for _, id := range cves {
			scores, err := tx.FindEPSS(ctx, id)
			if err != nil {
				return err
			}
			if len(scores) > 0 {
				wantEPSS[id] = scores[0]
			}
		}
		if len(wantEPSS) != 2 || wantEPSS["CVE-2024-0001"].Date.Day != 3 {
			t.Errorf("FindEPSS newest = %+v; want day 3 of CVE-2024-0001 and CVE-2024-0002", wantEPSS)
		}
		if diff := cmp.Diff(wantEPSS, latest); diff != "" {
			t.Errorf("FindLatestEPSS (-FindEPSS newest +got):\n%s", diff)
		}
		if k, err := tx.FindKEVs(ctx, nil); err != nil || len(k) != 0 {
			t.Errorf("FindKEVs(nil) = %v, %v", k, err)
		}
		if e, err := tx.FindLatestEPSS(ctx, nil); err != nil || len(e) != 0 {
			t.Errorf("FindLatestEPSS(nil) = %v, %v", e, err)
		}
		if none, err := tx.FindAdvisoriesByID(ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("FindAdvisoriesByID(nil) = %v, %v", none, err)
		}
		return nil
	})
}
