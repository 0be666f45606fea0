package sqlite_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/sqlite"
)

// TestStageIsInvisibleUntilPublished: what an import stages is not seen by
// readers, nor does it hold the write lock, until Publish moves it in
// whole; a staged record the live one has overtaken meanwhile is left out.
func TestStageIsInvisibleUntilPublished(t *testing.T) {
	ctx := t.Context()
	db := MustOpen(t, time.Now).(*sqlite.DB)
	vuln := func(id, summary string, modified time.Time) *store.KBVuln {
		v := &vigil.Vulnerability{ID: id, Summary: summary, Modified: modified,
			Provenance: vigil.Provenance{Source: vigil.SourceOSV, SourceID: id}}
		return &store.KBVuln{Vuln: v, Doc: []byte(`{"id":"` + id + `","summary":"` + summary + `"}`), SHA256: summary,
			Aliases: []string{id, "CVE-" + id}, Packages: []store.PackageKey{{Ecosystem: "npm", Name: "left-pad"}}}
	}
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	stage, err := db.StageKB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stage.Close()
	for _, r := range []*store.KBVuln{vuln("A-1", "first", day), vuln("A-2", "second", day), vuln("A-2", "second again", day)} {
		if err := stage.PutKBVuln(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if m, found, err := stage.FindKBVulnMeta(ctx, vigil.SourceOSV, "A-2"); err != nil || !found || m.SHA256 != "second again" {
		t.Fatalf("stage meta of A-2 = %+v, %v, %v; want the later copy", m, found, err)
	}
	// Meanwhile another writer publishes a newer A-1, and writes freely.
	if err := db.Update(ctx, func(tx store.Tx) error { return tx.PutKBVuln(ctx, vuln("A-1", "newer", day.AddDate(0, 1, 0))) }); err != nil {
		t.Fatalf("write beside a stage: %v", err)
	}
	count := func() map[string]string {
		got := map[string]string{}
		err := db.View(ctx, func(tx store.Tx) error {
			for _, id := range []string{"CVE-A-1", "CVE-A-2"} {
				recs, err := tx.FindKBVulns(ctx, id)
				if err != nil {
					return err
				}
				for _, r := range recs {
					got[r.ID] = r.Summary
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := count(); len(got) != 1 || got["A-1"] != "newer" {
		t.Fatalf("before publish, readers see %v; want only the other writer's A-1", got)
	}
	published := false
	if err := stage.Publish(ctx, func(store.Tx) error { published = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if got := count(); !published || got["A-1"] != "newer" || got["A-2"] != "second again" {
		t.Errorf("after publish, readers see %v (fn ran: %v); want A-1 newer kept, A-2 second again", got, published)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(db.Path()), "*.stage-*")); len(left) > 0 {
		t.Errorf("stage files left behind: %v", left)
	}
	if err := stage.PutKBVuln(ctx, vuln("A-3", "late", day)); err == nil {
		t.Error("a published stage took another record")
	}
}
