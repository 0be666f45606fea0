package assets_test

import (
	"os"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/access"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/fleet"
)

func phaseFactor(p *fleet.AssetPriority) *fleet.PriorityFactor {
	for i := range p.Factors {
		if p.Factors[i].Name == "lifecycle_phase" {
			return &p.Factors[i]
		}
	}
	return nil
}

// TestExposurePhaseEscalation: the same vulnerability on the same devices
// ranks higher once their release is past end of support, and the
// explanation says why.
func TestExposurePhaseEscalation(t *testing.T) {
	w := newFleetWorld(t)
	svc, ctx := w.svc, t.Context()
	data, err := os.ReadFile(demoCMMS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importCMMS(t, svc, w.hdo, data, false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Access.Share(ctx, w.mdm, access.ShareInput{Grantee: "st-elsewhere", Product: "Infusion Pump"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Assets.MapAssets(ctx, w.hdo); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{apptest.NewtonsoftOSV}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	score := func() (float64, *fleet.PriorityFactor) {
		t.Helper()
		ex, err := svc.Assets.Exposure(ctx, w.hdo, "CVE-2024-21907")
		if err != nil {
			t.Fatal(err)
		}
		if len(ex.Exposed) == 0 || ex.Exposed[0].Priority == nil {
			t.Fatalf("nothing exposed: %+v", ex)
		}
		p := ex.Exposed[0].Priority
		return p.Score, phaseFactor(p)
	}
	released := vigil.Date{Year: 2024, Month: 9, Day: 15}
	if _, err := svc.Catalog.UpdateRelease(ctx, w.mdm, w.pump30.ID, vigil.ReleaseUpdate{ReleasedOn: &released}); err != nil {
		t.Fatal(err)
	}
	supported, f := score()
	if f == nil || f.Multiplier != 1 || f.Why == "" {
		t.Fatalf("supported: phase factor %+v", f)
	}
	eol, eos := vigil.Date{Year: 2025, Month: 1, Day: 1}, vigil.Date{Year: 2026, Month: 1, Day: 1}
	if _, err := svc.Catalog.UpdateRelease(ctx, w.mdm, w.pump30.ID, vigil.ReleaseUpdate{EOLNoticeOn: &eol, EndOfSupportOn: &eos}); err != nil {
		t.Fatal(err)
	}
	past, f := score()
	if f == nil || f.Multiplier < 1.2 || past <= supported {
		t.Errorf("past end of support: score %.1f (supported %.1f), factor %+v", past, supported, f)
	}
}
