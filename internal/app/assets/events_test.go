package assets_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/access"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/realdata"
)

// TestFleetEventKinds records each kind of fleet event on the demo's
// hospital (its CMMS export mapped to the manufacturer's shared pump
// releases, the demo SBOM's real components) from the change that makes
// it: an advisory published and revised, the real KEV catalog, two days of
// EPSS scores, the manufacturer's triage decision and its withdrawal, and
// a risk acceptance running out. Each change, repeated, records nothing.
func TestFleetEventKinds(t *testing.T) {
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
	if _, err := svc.Assets.AddManufacturerAlias(ctx, w.hdo, vigil.ManufacturerAlias{Alias: "ACME Med", Canonical: "Acme Medical Devices"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// events imports files and returns the events of the kinds asked for
	// that the import recorded, as "TAG VULN before→after source".
	seen := map[int64]bool{}
	newEvents := func(kinds ...vigil.AssetEventKind) []string {
		t.Helper()
		evs, err := svc.Assets.AssetEvents(ctx, w.hdo, vigil.AssetEventFilter{Kinds: kinds})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range evs {
			if seen[e.ID] {
				continue
			}
			seen[e.ID] = true
			out = append(out, fmt.Sprintf("%s %s %s→%s %s", e.AssetTag, e.VulnID, e.Before, e.After, e.Source))
		}
		slices.Sort(out)
		return out
	}
	importFeeds := func(paths ...string) {
		t.Helper()
		if _, err := svc.Knowledge.ImportFeeds(ctx, paths, knowledge.FeedOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string, got, want []string) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", what, diff)
		}
	}

	// Exposed, and a device advisory published: the SBOM's Newtonsoft.Json
	// on three pumps, the Pyxis named by its advisory for two CVEs.
	importFeeds(apptest.NewtonsoftOSV, pyxisAdvisory)
	check("exposed", newEvents(vigil.EventExposed), []string{
		"BME-100231 CVE-2024-21907 →exposed ", "BME-100232 CVE-2024-21907 →exposed ", "BME-100233 CVE-2024-21907 →exposed ",
		"BME-200110 CVE-2022-22766 →exposed ", "BME-200110 CVE-2022-22767 →exposed ",
	})
	check("advisory published", newEvents(vigil.EventAdvisory), []string{
		"BME-200110 CVE-2022-22766 →1 VIGIL-DEMO-2022-001", "BME-200110 CVE-2022-22767 →1 VIGIL-DEMO-2022-001",
	})

	// The advisory's revision 2 (same products): one event per asset and
	// vulnerability, from revision 1 to 2; importing it again records none.
	var adv map[string]any
	raw, err := os.ReadFile(pyxisAdvisory)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &adv); err != nil {
		t.Fatal(err)
	}
	tracking := adv["document"].(map[string]any)["tracking"].(map[string]any)
	tracking["version"] = "2"
	tracking["current_release_date"] = "2022-07-01T00:00:00.000Z"
	tracking["revision_history"] = append(tracking["revision_history"].([]any),
		map[string]any{"number": "2", "date": "2022-07-01T00:00:00.000Z", "summary": "Added mitigations."})
	revised := filepath.Join(dir, "vigil-demo-2022-001-r2.json")
	writeJSON(t, revised, adv)
	importFeeds(revised)
	check("advisory revised", newEvents(vigil.EventAdvisory), []string{
		"BME-200110 CVE-2022-22766 1→2 VIGIL-DEMO-2022-001", "BME-200110 CVE-2022-22767 1→2 VIGIL-DEMO-2022-001",
	})
	importFeeds(revised)
	check("advisory re-imported", newEvents(), nil)

	// The real KEV catalog lists jQuery's CVE-2020-11023, which the pumps'
	// SBOM carries: once its OSV record is known, the catalog's import
	// records the KEV addition on each exposed pump.
	importFeeds(apptest.DemoData("feeds/osv/CVE-2020-11023.json"))
	newEvents()
	kev := realdata.Path(t, "kev/known_exploited_vulnerabilities.json")
	importFeeds(kev)
	check("KEV added", newEvents(vigil.EventKEVAdded), []string{
		"BME-100231 CVE-2020-11023 →2025-01-23 CISA KEV", "BME-100232 CVE-2020-11023 →2025-01-23 CISA KEV",
		"BME-100233 CVE-2020-11023 →2025-01-23 CISA KEV",
	})
	importFeeds(kev)
	check("KEV re-imported", newEvents(), nil)

	// EPSS: a first score under the default threshold (0.1) is no event;
	// the next day's score over it is, on each exposed pump.
	epss := func(day string, score float64) string {
		p := filepath.Join(dir, "epss_scores-"+day+".csv")
		body := fmt.Sprintf("#model_version:v2025.03.14,score_date:%sT00:00:00+0000\ncve,epss,percentile\nCVE-2024-21907,%.5f,0.91000\n", day, score)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	importFeeds(epss("2025-09-01", 0.02))
	check("EPSS under the threshold", newEvents(vigil.EventEPSSCrossed), nil)
	second := epss("2025-09-02", 0.35)
	importFeeds(second)
	check("EPSS crossed", newEvents(vigil.EventEPSSCrossed), []string{
		"BME-100231 CVE-2024-21907 0.02000→0.35000 EPSS 2025-09-02", "BME-100232 CVE-2024-21907 0.02000→0.35000 EPSS 2025-09-02",
		"BME-100233 CVE-2024-21907 0.02000→0.35000 EPSS 2025-09-02",
	})
	importFeeds(second)
	check("EPSS re-imported", newEvents(), nil)

	// The manufacturer triages Newtonsoft.Json's CVE not affected on 3.0:
	// the hourly pass removes the exposure of the pumps on 3.0 (the
	// 3.0-mapped ones); withdrawing the decision restores it.
	fs, err := svc.Knowledge.Findings(ctx, w.mdm, w.pump30.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(fs, func(f *vigil.Finding) bool { return f.VulnID == "CVE-2024-21907" })
	if i < 0 {
		t.Fatalf("no finding of CVE-2024-21907 on pump 3.0: %v", fs)
	}
	decide := func(in vigil.TriageInput) {
		t.Helper()
		if _, err := svc.Triage.TriageFinding(ctx, w.mdm, fs[i].ID, in); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Assets.RefreshEvents(ctx); err != nil {
			t.Fatal(err)
		}
	}
	decide(vigil.TriageInput{State: vigil.TriageNotAffected, Justification: vigil.JustVulnerableCodeNotInExecutePath,
		Detail: "JSON parsing of untrusted input is not reachable"})
	removed := newEvents(vigil.EventExposureRemoved)
	if len(removed) == 0 {
		t.Fatal("the not-affected decision removed no exposure")
	}
	for _, e := range removed {
		if !strings.Contains(e, "CVE-2024-21907 exposed→not_affected") {
			t.Errorf("removal event %q", e)
		}
	}
	if _, err := svc.Assets.RefreshEvents(ctx); err != nil {
		t.Fatal(err)
	}
	check("second pass after the decision", newEvents(), nil)
	decide(vigil.TriageInput{State: vigil.TriageAffected, Detail: "reachable after all"})
	restored := newEvents(vigil.EventExposureRestored)
	if len(restored) != len(removed) {
		t.Errorf("restored %v after removing %v", restored, removed)
	}

	// A risk acceptance that runs out: one event the day after its end,
	// none on the next pass.
	tomorrow := vigil.DateOf(w.clock.Now()).AddDays(1)
	if _, err := svc.Assets.SetRemediation(ctx, w.hdo, "BME-100231", "CVE-2024-21907", vigil.WorkItemInput{
		State: vigil.RemediationRiskAccepted, Approver: "CISO", Reason: "segmented VLAN", ExpiresOn: tomorrow}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Assets.RefreshEvents(ctx); err != nil {
		t.Fatal(err)
	}
	check("acceptance still running", newEvents(vigil.EventRiskAcceptanceExpired), nil)
	w.clock.Time = w.clock.Time.AddDate(0, 0, 2)
	if _, err := svc.Assets.RefreshEvents(ctx); err != nil {
		t.Fatal(err)
	}
	check("acceptance expired", newEvents(vigil.EventRiskAcceptanceExpired), []string{
		"BME-100231 CVE-2024-21907 risk_accepted→open work item 1",
	})
	if _, err := svc.Assets.RefreshEvents(ctx); err != nil {
		t.Fatal(err)
	}
	check("pass after the expiry", newEvents(), nil)

	// The other hospital, which holds none of these devices, saw nothing.
	if evs, _ := svc.Assets.AssetEvents(ctx, w.other, vigil.AssetEventFilter{}); len(evs) != 0 {
		t.Errorf("the other hospital has %d events", len(evs))
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
