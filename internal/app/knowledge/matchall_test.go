package knowledge_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/knowledge"
)

func TestMatchAllReleases(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	other := apptest.Org(t, svc, "other")
	// The advisory first, so that importing the SBOMs matches nothing yet.
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{apptest.NewtonsoftOSV}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	withSBOM := apptest.NewRelease(t, svc, sc, "Pump", "3.0")
	apptest.NewRelease(t, svc, sc, "Pump", "4.0") // no SBOM: skipped
	raw, err := os.ReadFile(apptest.DemoSBOM)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Inventory.ImportSBOM(t.Context(), sc, withSBOM.ID, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	theirs := apptest.NewRelease(t, svc, other, "Their Pump", "1.0")
	if _, err := svc.Inventory.ImportSBOM(t.Context(), other, theirs.ID, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}

	got, err := svc.Knowledge.MatchAllReleases(t.Context(), sc)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, m := range got {
		ids = append(ids, m.Release.ID)
		if m.Summary.ReleaseID != m.Release.ID {
			t.Errorf("summary of release %d says release %d", m.Release.ID, m.Summary.ReleaseID)
		}
	}
	if diff := cmp.Diff([]int64{withSBOM.ID}, ids); diff != "" {
		t.Errorf("matched releases (-want +got):\n%s", diff)
	}
	if len(got) == 1 && got[0].Summary.New != 1 {
		t.Errorf("first match of acme's release = %+v, want 1 new finding", got[0].Summary)
	}

	// Again: nothing new, the finding unchanged.
	again, err := svc.Knowledge.MatchAllReleases(t.Context(), sc)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || again[0].Summary.New != 0 || again[0].Summary.Unchanged != 1 {
		t.Errorf("second match = %+v, want one release with 1 unchanged finding", again)
	}

	// An organization with no SBOM at all: an empty list, not an error.
	empty := apptest.Org(t, svc, "empty")
	apptest.NewRelease(t, svc, empty, "Monitor", "1.0")
	none, err := svc.Knowledge.MatchAllReleases(t.Context(), empty)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("MatchAllReleases(no SBOMs) = %v, %v; want an empty list", none, err)
	}
}
