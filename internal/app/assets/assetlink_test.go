package assets_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/realdata"
)

// sigmaAdvisory is CISA's advisory on Baxter's Sigma Spectrum and
// Spectrum IQ pumps (product CSAFPID-0003: Sigma Spectrum 8.x model
// 35700BAX2), revision 2.
const sigmaAdvisory = "csaf/cisa-icsma/icsma-22-251-01.json"

func exposedTags(t *testing.T, svc *app.App, sc vigil.Scope, cve string) []string {
	t.Helper()
	ex, err := svc.Assets.Exposure(t.Context(), sc, cve)
	if err != nil {
		t.Fatal(err)
	}
	out := tags(ex.Exposed)
	slices.Sort(out)
	return out
}

// TestAdvisoryLinkDecisions: a CMMS row written the messy way links by
// identification (model number, firmware in the model) with its evidence;
// a vague row only possibly, listed for review and not exposed; a person's
// confirmation exposes it, a rejection removes a link for the advisory's
// revision through remapping and re-imports, and the next revision brings
// it back for review.
func TestAdvisoryLinkDecisions(t *testing.T) {
	svc, _ := apptest.New(t)
	ctx := t.Context()
	hdo := apptest.OrgOfKind(t, svc, "st-elsewhere", vigil.HealthcareProvider)
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{realdata.Path(t, sigmaAdvisory)}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []vigil.Asset{
		{AssetTag: "PUMP-1", Manufacturer: "BAXTER HEALTHCARE CORP", Model: "SIGMA SPECTRUM 35700BAX2 (FW 8.00.01)", Criticality: vigil.CriticalityLifeSustaining},
		{AssetTag: "PUMP-2", Manufacturer: "Baxter", Model: "Spectrum", Criticality: vigil.CriticalityLifeSustaining},
		{AssetTag: "MON-1", Manufacturer: "Baxter", Model: "Spectrum V8", Version: "8.01", Criticality: vigil.CriticalityTherapeutic},
	} {
		if _, err := svc.Assets.CreateAsset(ctx, hdo, a); err != nil {
			t.Fatal(err)
		}
	}
	const cve = "CVE-2022-26390"
	if got := exposedTags(t, svc, hdo, cve); !slices.Equal(got, []string{"PUMP-1"}) {
		t.Fatalf("exposed = %v, want PUMP-1 alone", got)
	}
	links, err := svc.Assets.AdvisoryLinks(ctx, hdo, assets.LinkFilter{Asset: "PUMP-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 1 || links[0].ProductID != "CSAFPID-0003" || links[0].Confidence != vigil.MappingExact || links[0].Score < 0.95 {
		t.Fatalf("PUMP-1 links = %+v, want CSAFPID-0003 exact", links)
	}
	for _, want := range []string{"35700bax2", `firmware "8.00.01" read from the model`, "within"} {
		if !strings.Contains(links[0].Reason, want) {
			t.Errorf("evidence %q lacks %q", links[0].Reason, want)
		}
	}

	// The vague row: possible links only, on the review list.
	possible, err := svc.Assets.AdvisoryLinks(ctx, hdo, assets.LinkFilter{Possible: true})
	if err != nil {
		t.Fatal(err)
	}
	var pump2 []string
	for _, l := range possible {
		if l.Confidence != vigil.MappingPossible {
			t.Errorf("possible list holds %+v", l)
		}
		if l.AssetTag == "PUMP-2" {
			pump2 = append(pump2, l.ProductID)
		}
	}
	if !slices.Contains(pump2, "CSAFPID-0003") {
		t.Fatalf("possible links of PUMP-2 = %v, want CSAFPID-0003 among them", pump2)
	}

	// Confirming exposes it.
	l, err := svc.Assets.DecideAdvisoryLink(ctx, hdo, assets.LinkDecisionInput{Asset: "PUMP-2", Advisory: "ICSMA-22-251-01", ProductID: "CSAFPID-0003",
		Decision: vigil.LinkConfirmed, Note: "checked the label: 35700BAX2"})
	if err != nil {
		t.Fatal(err)
	}
	if l.Confidence != vigil.MappingConfirmed || l.Decision == nil || l.Decision.DecidedBy != hdo.Actor {
		t.Errorf("confirmed link = %+v", l)
	}
	if got := exposedTags(t, svc, hdo, cve); !slices.Equal(got, []string{"PUMP-1", "PUMP-2"}) {
		t.Fatalf("after confirming: exposed = %v", got)
	}

	// Rejecting removes it, through a remap and a re-import of the row.
	if _, err := svc.Assets.DecideAdvisoryLink(ctx, hdo, assets.LinkDecisionInput{Asset: "PUMP-1", Advisory: "icsma-22-251-01", ProductID: "CSAFPID-0003",
		Decision: vigil.LinkRejected, Note: "this one is a Spectrum IQ relabelled"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Assets.MapAssets(ctx, hdo); err != nil {
		t.Fatal(err)
	}
	if got := exposedTags(t, svc, hdo, cve); !slices.Equal(got, []string{"PUMP-2"}) {
		t.Fatalf("after rejecting and remapping: exposed = %v", got)
	}
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{realdata.Path(t, sigmaAdvisory)}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := exposedTags(t, svc, hdo, cve); !slices.Equal(got, []string{"PUMP-2"}) {
		t.Fatalf("after re-importing the same revision: exposed = %v", got)
	}
	// Deciding on a link the asset does not have says so.
	if _, err := svc.Assets.DecideAdvisoryLink(ctx, hdo, assets.LinkDecisionInput{Asset: "MON-1", Advisory: "ICSMA-22-251-01", ProductID: "CSAFPID-0003",
		Decision: vigil.LinkConfirmed}); err == nil {
		t.Error("deciding on a link the asset lacks succeeded")
	}

	// Revision 3 of the advisory: the rejected link is looked at again.
	var doc map[string]any
	if err := json.Unmarshal(realdata.Read(t, sigmaAdvisory), &doc); err != nil {
		t.Fatal(err)
	}
	tr := doc["document"].(map[string]any)["tracking"].(map[string]any)
	tr["version"], tr["current_release_date"] = "3", "2023-01-10T00:00:00.000000Z"
	tr["revision_history"] = append(tr["revision_history"].([]any), map[string]any{"date": "2023-01-10T00:00:00.000000Z", "number": "3", "summary": "update"})
	revised, _ := json.Marshal(doc)
	p := filepath.Join(t.TempDir(), "icsma-22-251-01.json")
	if err := os.WriteFile(p, revised, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{p}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Assets.MapAssets(ctx, hdo); err != nil {
		t.Fatal(err)
	}
	if got := exposedTags(t, svc, hdo, cve); !slices.Equal(got, []string{"PUMP-1", "PUMP-2"}) {
		t.Fatalf("after revision 3: exposed = %v, want PUMP-1 back", got)
	}
}

// TestAdvisoryLinksWhicheverCameFirst: a fleet imported before the
// advisory is linked exactly as one imported after it. The import's
// relinking looks assets up by the same identification keys (model
// numbers, tokens) as mapping an asset does; before, it knew only model
// names, and rows written the messy way stayed unlinked.
func TestAdvisoryLinksWhicheverCameFirst(t *testing.T) {
	rows := []vigil.Asset{
		{AssetTag: "PUMP-1", Manufacturer: "BAXTER HEALTHCARE CORP", Model: "SIGMA SPECTRUM 35700BAX2 (FW 8.00.01)", Criticality: vigil.CriticalityLifeSustaining},
		{AssetTag: "PUMP-2", Manufacturer: "Baxter", Model: "Spectrum", Criticality: vigil.CriticalityLifeSustaining},
		{AssetTag: "MON-1", Manufacturer: "Baxter", Model: "Spectrum V8", Version: "8.01", Criticality: vigil.CriticalityTherapeutic},
	}
	links := func(advisoryFirst bool) []string {
		svc, _ := apptest.New(t)
		ctx := t.Context()
		hdo := apptest.OrgOfKind(t, svc, "st-elsewhere", vigil.HealthcareProvider)
		importFeed := func() {
			if _, err := svc.Knowledge.ImportFeeds(ctx, []string{realdata.Path(t, sigmaAdvisory)}, knowledge.FeedOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if advisoryFirst {
			importFeed()
		}
		for _, a := range rows {
			if _, err := svc.Assets.CreateAsset(ctx, hdo, a); err != nil {
				t.Fatal(err)
			}
		}
		if !advisoryFirst {
			importFeed()
		}
		ls, err := svc.Assets.AdvisoryLinks(ctx, hdo, assets.LinkFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range ls {
			out = append(out, fmt.Sprintf("%s %s %s %s %.2f", l.AssetTag, l.ProductID, l.Confidence, l.Reason, l.Score))
		}
		slices.Sort(out)
		return out
	}
	after, before := links(true), links(false)
	if len(after) < 3 {
		t.Fatalf("assets after the advisory: %d links, want every row linked at least possibly:\n%s", len(after), strings.Join(after, "\n"))
	}
	if diff := cmp.Diff(after, before); diff != "" {
		t.Errorf("links of a fleet imported before the advisory differ (-fleet after +fleet before):\n%s", diff)
	}
}
