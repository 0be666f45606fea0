package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

func testKnowledgeBase(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	modified := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	v := &vigil.Vulnerability{
		ID: "GHSA-xxxx-yyyy-zzzz", Aliases: []string{"CVE-2024-0001"}, Summary: "heap overflow",
		Modified: modified, Provenance: vigil.Provenance{Source: vigil.SourceOSV, SourceID: "GHSA-xxxx-yyyy-zzzz"},
		Affected: []vigil.AffectedPackage{{Ecosystem: "npm", Name: "left-pad"}},
	}
	doc, _ := json.Marshal(v)
	rec := &store.KBVuln{Vuln: v, Doc: doc, SHA256: "d1", Aliases: []string{"CVE-2024-0001", "GHSA-xxxx-yyyy-zzzz"},
		Packages: []store.PackageKey{{Ecosystem: "npm", Name: "left-pad", PURL: "pkg:npm/left-pad"}},
		CPEs:     []store.CPEKey{{Part: "a", Vendor: "left-pad_project", Product: "left-pad", Vulnerable: true}}}
	kev := &vigil.KEVEntry{CVEID: "CVE-2024-0001", DateAdded: vigil.Date{Year: 2024, Month: 3, Day: 2}, RansomwareUse: vigil.RansomwareKnown,
		Provenance: vigil.Provenance{Source: vigil.SourceKEV, SourceID: "CVE-2024-0001"}}
	kevDoc, _ := json.Marshal(kev)
	adv := &vigil.Advisory{ID: "ICSMA-24-001-01", Title: "Pump", Modified: modified, Publisher: vigil.Publisher{Name: "CISA"},
		Provenance: vigil.Provenance{Source: vigil.SourceCSAF, SourceID: "ICSMA-24-001-01"}}
	advDoc, _ := json.Marshal(adv)
	update(t, s, func(tx store.Tx) error {
		if _, found, err := tx.FindKBVulnMeta(ctx, vigil.SourceOSV, v.SourceID); err != nil || found {
			t.Errorf("meta of a new record: found %v, %v", found, err)
		}
		if err := tx.PutKBVuln(ctx, rec); err != nil {
			return err
		}
		if err := tx.PutKBVuln(ctx, rec); err != nil { // replace, not duplicate
			return err
		}
		if err := tx.PutKEV(ctx, kev, "k1", kevDoc); err != nil {
			return err
		}
		for _, day := range []int{1, 2} {
			stored, err := tx.PutEPSS(ctx, &vigil.EPSSScore{CVEID: "CVE-2024-0001", Score: 0.5, Percentile: 0.9, Date: vigil.Date{Year: 2024, Month: 3, Day: day}})
			if err != nil || !stored {
				t.Errorf("PutEPSS day %d = %v, %v; want stored", day, stored, err)
			}
		}
		if stored, err := tx.PutEPSS(ctx, &vigil.EPSSScore{CVEID: "CVE-2024-0001", Score: 0.5, Percentile: 0.9, Date: vigil.Date{Year: 2024, Month: 3, Day: 2}}); err != nil || stored {
			t.Errorf("PutEPSS of the same score = %v, %v; want not stored", stored, err)
		}
		if err := tx.PutAdvisory(ctx, &store.KBAdvisory{Advisory: adv, Doc: advDoc, SHA256: "a1", Vulns: []string{"CVE-2024-0001"},
			Products: []store.ProductKey{{ProductID: "CSAFPID-1", Kind: "model", Value: "ip-3000"}}}); err != nil {
			return err
		}
		if err := tx.SetFeedState(ctx, vigil.SourceOSV, []byte(`{"records":0}`), []byte(`{"cursor":7}`)); err != nil {
			return err
		}
		// A file import (nil sync state) keeps the sync's cursor.
		return tx.SetFeedState(ctx, vigil.SourceOSV, []byte(`{"records":1}`), nil)
	})
	view(t, s, func(tx store.Tx) error {
		meta, found, err := tx.FindKBVulnMeta(ctx, vigil.SourceOSV, v.SourceID)
		if err != nil || !found || meta.SHA256 != "d1" || !meta.Modified.Equal(modified) {
			t.Errorf("FindKBVulnMeta = %+v %v %v", meta, found, err)
		}
		for _, id := range []string{"CVE-2024-0001", "GHSA-xxxx-yyyy-zzzz"} {
			got, err := tx.FindKBVulns(ctx, id)
			if err != nil {
				return err
			}
			if len(got) != 1 || !cmp.Equal(got[0], v) {
				t.Errorf("FindKBVulns(%s) = %v", id, got)
			}
		}
		if got, err := tx.FindKEV(ctx, "CVE-2024-0001"); err != nil || !cmp.Equal(got, kev) {
			t.Errorf("FindKEV = %+v, %v", got, err)
		}
		if _, err := tx.FindKEV(ctx, "CVE-2000-0001"); err == nil {
			t.Error("FindKEV of an unknown CVE succeeded")
		}
		scores, err := tx.FindEPSS(ctx, "CVE-2024-0001")
		if err != nil || len(scores) != 2 || scores[0].Date.Day != 2 {
			t.Errorf("FindEPSS = %v, %v; want two days, newest first", scores, err)
		}
		advs, err := tx.FindAdvisoriesByVuln(ctx, "CVE-2024-0001")
		if err != nil || len(advs) != 1 || advs[0].ID != adv.ID {
			t.Errorf("FindAdvisoriesByVuln = %v, %v", advs, err)
		}
		stats, err := tx.KBStats(ctx)
		if err != nil {
			return err
		}
		got := map[vigil.Source]int{}
		for _, st := range stats {
			got[st.Source] = st.Records
		}
		if diff := cmp.Diff(map[vigil.Source]int{vigil.SourceOSV: 1, vigil.SourceKEV: 1, vigil.SourceEPSS: 1, vigil.SourceCSAF: 1}, got); diff != "" {
			t.Errorf("KBStats (-want +got):\n%s", diff)
		}
		feeds, err := tx.FindFeedStates(ctx)
		if err != nil || len(feeds) != 1 || feeds[0].Source != vigil.SourceOSV ||
			!jsonEqual(feeds[0].LastReport, `{"records":1}`) || !jsonEqual(feeds[0].SyncState, `{"cursor":7}`) {
			t.Errorf("FindFeedStates = %+v, %v", feeds, err)
		}
		return nil
	})
}

func jsonEqual(got []byte, want string) bool {
	var a, b any
	return json.Unmarshal(got, &a) == nil && json.Unmarshal([]byte(want), &b) == nil && cmp.Equal(a, b)
}
