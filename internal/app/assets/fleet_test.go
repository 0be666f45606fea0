package assets_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/access"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/assets"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/fleet/assetfile"
)

var (
	demoCMMS        = apptest.DemoData("st-elsewhere-cmms-export.csv")
	demoCMMSMapping = apptest.DemoData("st-elsewhere-cmms-mapping.yaml")
	pyxisAdvisory   = apptest.DemoData("feeds/csaf/vigil-demo-2022-001.json")
)

func demoMapping(t *testing.T) assetfile.Mapping {
	t.Helper()
	raw, err := os.ReadFile(demoCMMSMapping)
	if err != nil {
		t.Fatal(err)
	}
	var m assetfile.Mapping
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func importCMMS(t *testing.T, svc *app.App, sc vigil.Scope, data []byte, dry bool) (*assets.AssetImport, error) {
	t.Helper()
	return svc.Assets.ImportAssets(t.Context(), sc, bytes.NewReader(data), assets.AssetImportOptions{Mapping: demoMapping(t), DryRun: dry})
}

func tags(es []*assets.ExposedAsset) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.AssetTag)
	}
	slices.Sort(out)
	return out
}

// fleetWorld is the demo's world: a manufacturer whose Infusion Pump 3.0
// carries the demo SBOM, a hospital with the demo CMMS
// export, and a second hospital.
type fleetWorld struct {
	svc             *app.App
	clock           *apptest.Clock
	mdm, hdo, other vigil.Scope
	pump30          *vigil.Release
}

func newFleetWorld(t *testing.T, opts ...app.Option) *fleetWorld {
	t.Helper()
	svc, c := apptest.New(t, opts...)
	w := &fleetWorld{svc: svc, clock: c,
		mdm:   apptest.OrgOfKind(t, svc, "acme-medical", vigil.Manufacturer),
		hdo:   apptest.OrgOfKind(t, svc, "st-elsewhere", vigil.HealthcareProvider),
		other: apptest.OrgOfKind(t, svc, "county-general", vigil.HealthcareProvider),
	}
	ctx := t.Context()
	pump, err := svc.Catalog.CreateProduct(ctx, w.mdm, vigil.ProductInput{Name: "Infusion Pump", Manufacturer: "Acme Medical Devices",
		DeviceModels: []string{"IP-3000", "IP-3000W"}})
	if err != nil {
		t.Fatal(err)
	}
	if w.pump30, err = svc.Catalog.CreateRelease(ctx, w.mdm, pump.ID, vigil.ReleaseInput{Version: "3.0"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Catalog.CreateRelease(ctx, w.mdm, pump.ID, vigil.ReleaseInput{Version: "2.1"}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(apptest.DemoSBOM)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Inventory.ImportSBOM(ctx, w.mdm, w.pump30.ID, bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestFleetImportMapExpose(t *testing.T) {
	w := newFleetWorld(t)
	svc, ctx := w.svc, t.Context()
	data, err := os.ReadFile(demoCMMS)
	if err != nil {
		t.Fatal(err)
	}

	// A manufacturer has no fleet.
	if _, err := importCMMS(t, svc, w.mdm, data, false); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("import into a manufacturer: %v, want ErrInvalid", err)
	}
	// The dry run reports and writes nothing.
	dry, err := importCMMS(t, svc, w.hdo, data, true)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Created != 18 || dry.Rows != 18 || len(dry.Problems) != 0 {
		t.Errorf("dry run = %+v, want 18 to create", dry)
	}
	if as, _, _ := svc.Assets.List(ctx, w.hdo, vigil.AssetFilter{}); len(as) != 0 {
		t.Fatalf("dry run wrote %d assets", len(as))
	}
	rep, err := importCMMS(t, svc, w.hdo, data, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 18 || rep.Mapping.Mapped != 0 {
		t.Errorf("import = %+v, mapping %+v; want 18 created and none mapped before any share", rep, rep.Mapping)
	}
	// Importing the same file again changes nothing.
	again, err := importCMMS(t, svc, w.hdo, data, false)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created != 0 || again.Updated != 0 || again.Unchanged != 18 {
		t.Errorf("re-import = created %d, updated %d, unchanged %d; want 0, 0, 18", again.Created, again.Updated, again.Unchanged)
	}

	// Nothing maps before the manufacturer shares.
	un, err := svc.Assets.UnmappedAssets(ctx, w.hdo)
	if err != nil {
		t.Fatal(err)
	}
	// All 18: the monitor the CMMS calls disposed is imported as retired
	// (only vigil asset decommission decommissions), and the import's
	// count is what the list holds.
	if len(un) != 18 || again.UnmappedAssets != len(un) {
		t.Errorf("unmapped = %d, the import said %d; want 18", len(un), again.UnmappedAssets)
	}
	if !slices.ContainsFunc(rep.Warnings, func(p assetfile.RowProblem) bool {
		return p.Field == "status" && strings.Contains(p.Message, "imported as retired")
	}) {
		t.Errorf("no warning that the disposed row was imported as retired: %v", rep.Warnings)
	}
	if _, err := svc.Access.Share(ctx, w.hdo, access.ShareInput{Grantee: "county-general"}); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("a hospital shares: %v, want ErrInvalid", err)
	}
	if _, err := svc.Access.Share(ctx, w.mdm, access.ShareInput{Grantee: "st-elsewhere", Product: "Infusion Pump"}); err != nil {
		t.Fatal(err)
	}
	sum, err := svc.Assets.MapAssets(ctx, w.hdo)
	if err != nil {
		t.Fatal(err)
	}
	// IP-3000 3.0 ×2 exact, IP-3000W 2.1 ×2 exact; "ACME Med" needs an alias.
	if sum.Mapped != 4 {
		t.Errorf("mapped after the share = %+v, want 4", sum)
	}
	if sum, err = svc.Assets.AddManufacturerAlias(ctx, w.hdo, vigil.ManufacturerAlias{Alias: "ACME Med", Canonical: "Acme Medical Devices"}); err != nil {
		t.Fatal(err)
	}
	if sum.Mapped != 1 {
		t.Errorf("mapped after the alias = %+v, want 1", sum)
	}
	d, err := svc.Assets.Asset(ctx, w.hdo, "BME-100233")
	if err != nil {
		t.Fatal(err)
	}
	if d.Mapping.ReleaseID != w.pump30.ID || d.Mapping.Confidence != vigil.MappingProbable ||
		!strings.Contains(d.Mapping.Reason, `manufacturer alias "ACME Med" / "Acme Medical Devices"`) {
		t.Errorf("BME-100233 mapping = %+v", d.Mapping)
	}
	// The IP-4000 is unknown to the catalogue: unmapped, closest candidates listed.
	d, err = svc.Assets.Asset(ctx, w.hdo, "BME-100260")
	if err != nil {
		t.Fatal(err)
	}
	if d.Mapping.Mapped() || len(d.Candidates) == 0 || d.Candidates[0].Release.Product != "Infusion Pump" {
		t.Errorf("BME-100260: mapping %+v, candidates %+v", d.Mapping, d.Candidates)
	}

	// The manufacturer's next release drops Newtonsoft.Json.
	pump32, err := svc.Catalog.CreateRelease(ctx, w.mdm, w.pump30.ProductID, vigil.ReleaseInput{Version: "3.2"})
	if err != nil {
		t.Fatal(err)
	}
	next := `{"bomFormat":"CycloneDX","specVersion":"1.4","version":1,"components":[{"type":"library","name":"jquery","version":"3.5.1","purl":"pkg:npm/jquery@3.5.1"}]}`
	if _, err := svc.Inventory.ImportSBOM(ctx, w.mdm, pump32.ID, strings.NewReader(next)); err != nil {
		t.Fatal(err)
	}

	// A feed update: the OSV record of Newtonsoft.Json's CVE-2024-21907 (in
	// the SBOM), and the device advisory for BD Pyxis (two CVEs).
	events := 0
	opt := knowledge.FeedOptions{OnMatched: func(s *knowledge.IncrementalSummary) { events += s.ExposureEvents }}
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{apptest.NewtonsoftOSV, pyxisAdvisory}, opt); err != nil {
		t.Fatal(err)
	}
	if events != 7 {
		t.Errorf("fleet events = %d, want 7 (3 pumps exposed by SBOM, the Pyxis exposed by advisory to 2 CVEs, and the advisory's 2 on it)", events)
	}
	evs, err := svc.Assets.AssetEvents(ctx, w.hdo, vigil.AssetEventFilter{Kinds: []vigil.AssetEventKind{vigil.EventExposed}})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 5 {
		t.Errorf("exposed events = %d, want 5", len(evs))
	}
	evs, err = svc.Assets.AssetEvents(ctx, w.hdo, vigil.AssetEventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// Re-importing the same feeds records nothing new.
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{apptest.NewtonsoftOSV, pyxisAdvisory}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if evs2, _ := svc.Assets.AssetEvents(ctx, w.hdo, vigil.AssetEventFilter{}); len(evs2) != len(evs) {
		t.Errorf("events after re-import = %d, want %d", len(evs2), len(evs))
	}

	ex, err := svc.Assets.Exposure(ctx, w.hdo, "CVE-2024-21907")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tags(ex.Exposed), []string{"BME-100231", "BME-100232", "BME-100233"}; !slices.Equal(got, want) {
		t.Errorf("exposed to CVE-2024-21907 = %v, want %v", got, want)
	}
	if e := ex.Exposed[0]; e.Priority == nil || e.Location == "" || e.Zone != "Clinical-Infusion" || !slices.Contains(e.Via, "sbom") ||
		len(e.Evidence) == 0 || !strings.Contains(e.Evidence[0], "Newtonsoft.Json") {
		t.Errorf("exposed entry = %+v", e)
	}
	if p := ex.Exposed[0].Patches; len(p) != 1 || !strings.HasPrefix(p[0], "Infusion Pump 3.2 (acme-medical): its SBOM has no finding") ||
		ex.Exposed[0].Remediation != vigil.RemediationPatchAvailable {
		t.Errorf("patches = %v, remediation %s", p, ex.Exposed[0].Remediation)
	}
	if ex, err := svc.Assets.Exposure(ctx, w.other, "CVE-2024-21907"); err != nil || len(ex.Exposed) != 0 {
		t.Errorf("another hospital's exposure = %v, %v", ex, err)
	}
	px, err := svc.Assets.Exposure(ctx, w.hdo, "CVE-2022-22766")
	if err != nil {
		t.Fatal(err)
	}
	if got := tags(px.Exposed); !slices.Equal(got, []string{"BME-200110"}) {
		t.Errorf("exposed to CVE-2022-22766 = %v", got)
	}
	if len(px.Exposed) == 1 && (len(px.Exposed[0].Patches) == 0 || px.Exposed[0].Remediation != vigil.RemediationPatchAvailable) {
		t.Errorf("Pyxis entry: patches %v, remediation %s", px.Exposed[0].Patches, px.Exposed[0].Remediation)
	}

	// Revoking the share hides the release's findings at once.
	granted, _, err := svc.Access.Shares(ctx, w.mdm)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Access.Unshare(ctx, w.mdm, granted[0].ID); err != nil {
		t.Fatal(err)
	}
	if ex, _ := svc.Assets.Exposure(ctx, w.hdo, "CVE-2024-21907"); len(ex.Exposed) != 0 {
		t.Errorf("exposure after unshare = %v", tags(ex.Exposed))
	}
}

// TestAdvisoryNotAffected: an updated advisory that says a product is not
// affected removes the asset, with the statement shown.
func TestAdvisoryNotAffected(t *testing.T) {
	w := newFleetWorld(t)
	svc, ctx := w.svc, t.Context()
	data, _ := os.ReadFile(demoCMMS)
	if _, err := importCMMS(t, svc, w.hdo, data, false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{pyxisAdvisory}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	// The same advisory, revised: MedStation ES (DEMO-0001) moved to
	// known_not_affected with a justification.
	raw, err := os.ReadFile(pyxisAdvisory)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	tr := doc["document"].(map[string]any)["tracking"].(map[string]any)
	tr["version"], tr["current_release_date"] = "2", "2022-07-01T00:00:00.000Z"
	tr["revision_history"] = append(tr["revision_history"].([]any), map[string]any{"date": "2022-07-01T00:00:00.000Z", "number": "2", "summary": "MedStation ES not affected"})
	v := doc["vulnerabilities"].([]any)[0].(map[string]any)
	ps := v["product_status"].(map[string]any)
	var ka []any
	for _, p := range ps["known_affected"].([]any) {
		if p != "DEMO-0001" {
			ka = append(ka, p)
		}
	}
	ps["known_affected"], ps["known_not_affected"] = ka, []any{"DEMO-0001"}
	v["flags"] = []any{map[string]any{"label": "vulnerable_code_not_in_execute_path", "product_ids": []any{"DEMO-0001"}}}
	threats, _ := v["threats"].([]any)
	v["threats"] = append(threats, map[string]any{"category": "impact", "details": "The affected service is disabled on MedStation ES.", "product_ids": []any{"DEMO-0001"}})
	revised, _ := json.Marshal(doc)
	p := filepath.Join(t.TempDir(), "vigil-demo-2022-001.json")
	if err := os.WriteFile(p, revised, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{p}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	ex, err := svc.Assets.Exposure(ctx, w.hdo, "CVE-2022-22766")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Exposed) != 0 || len(ex.NotAffected) != 1 {
		t.Fatalf("exposed %v, not affected %v", tags(ex.Exposed), tags(ex.NotAffected))
	}
	st := ex.NotAffected[0].Statements
	if len(st) != 1 || st[0].Status != "known_not_affected" || st[0].Justification != "vulnerable_code_not_in_execute_path" ||
		!strings.Contains(st[0].Detail, "service is disabled") || st[0].By != "VIGIL-DEMO-2022-001" {
		t.Errorf("statement = %+v", st)
	}
}

func TestRemediationAndWorklist(t *testing.T) {
	w := newFleetWorld(t)
	svc, ctx := w.svc, t.Context()
	data, _ := os.ReadFile(demoCMMS)
	if _, err := importCMMS(t, svc, w.hdo, data, false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Access.Share(ctx, w.mdm, access.ShareInput{Grantee: "st-elsewhere", Product: "Infusion Pump", Release: "3.0"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Assets.MapAssets(ctx, w.hdo); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{apptest.NewtonsoftOSV, pyxisAdvisory}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	list, err := svc.Assets.Worklist(ctx, w.hdo, assets.WorklistOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := tags(list); !slices.Equal(got, []string{"BME-100231", "BME-100232", "BME-200110", "BME-200110"}) {
		t.Fatalf("worklist = %v", got)
	}
	for _, e := range list {
		if e.Priority == nil || len(e.Priority.Factors) < 7 {
			t.Errorf("%s: priority %+v", e.AssetTag, e.Priority)
		}
	}

	bad := []struct {
		name  string
		in    vigil.WorkItemInput
		field string
	}{
		{"AcceptWithoutApprover", vigil.WorkItemInput{State: vigil.RemediationRiskAccepted, Reason: "r", ExpiresOn: apptest.Date("2027-01-01")}, "approver"},
		{"AcceptWithoutExpiry", vigil.WorkItemInput{State: vigil.RemediationRiskAccepted, Approver: "a", Reason: "r"}, "expires_on"},
		{"AcceptInThePast", vigil.WorkItemInput{State: vigil.RemediationRiskAccepted, Approver: "a", Reason: "r", ExpiresOn: apptest.Date("2026-01-01")}, "expires_on"},
		{"ControlWithoutDetail", vigil.WorkItemInput{State: vigil.RemediationCompensating}, "detail"},
		{"UnknownState", vigil.WorkItemInput{State: "ignored"}, "state"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.Assets.SetRemediation(ctx, w.hdo, "BME-100231", "CVE-2024-21907", tc.in)
			var ve *vigil.ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Field != tc.field {
				t.Errorf("error = %v, want a problem with %s", err, tc.field)
			}
		})
	}

	if _, err := svc.Assets.SetRemediation(ctx, w.hdo, "BME-100232", "CVE-2024-21907", vigil.WorkItemInput{
		State: vigil.RemediationCompensating, Detail: "moved to the isolated infusion VLAN 499"}); err != nil {
		t.Fatal(err)
	}
	item, err := svc.Assets.SetRemediation(ctx, w.hdo, "BME-100231", "CVE-2024-21907", vigil.WorkItemInput{
		State: vigil.RemediationRiskAccepted, Approver: "Dr. A. Chief, CMIO", Reason: "no fix until pump firmware 3.1", ExpiresOn: apptest.Date("2026-12-31")})
	if err != nil {
		t.Fatal(err)
	}
	if len(item.History) != 1 || item.History[0].ToState != vigil.RemediationRiskAccepted || item.Effective != vigil.RemediationRiskAccepted {
		t.Errorf("work item = %+v", item)
	}
	list, _ = svc.Assets.Worklist(ctx, w.hdo, assets.WorklistOptions{})
	if got := tags(list); !slices.Equal(got, []string{"BME-100232", "BME-200110", "BME-200110"}) {
		t.Errorf("worklist with an accepted risk = %v", got)
	}
	for _, e := range list {
		if e.AssetTag == "BME-100232" && e.Priority.Factors[5].Multiplier != 0.5 {
			t.Errorf("compensating control factor = %+v", e.Priority.Factors[5])
		}
	}
	// The acceptance expires: the item is open again and says so.
	w.clock.Time = time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC)
	expired, err := svc.Assets.Worklist(ctx, w.hdo, assets.WorklistOptions{ExpiredOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(expired) != 1 || expired[0].AssetTag != "BME-100231" || !expired[0].RiskExpired || expired[0].Remediation != vigil.RemediationOpen {
		t.Errorf("expired = %+v", expired)
	}
	// The history is kept: patching appends.
	item, err = svc.Assets.SetRemediation(ctx, w.hdo, "BME-100231", "CVE-2024-21907", vigil.WorkItemInput{State: vigil.RemediationPatchApplied, Detail: "firmware 3.1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(item.History) != 2 || item.History[1].FromState != vigil.RemediationRiskAccepted {
		t.Errorf("history = %+v", item.History)
	}
}

func TestImportProblemsWriteNothing(t *testing.T) {
	svc, _ := apptest.New(t)
	hdo := apptest.OrgOfKind(t, svc, "st-elsewhere", vigil.HealthcareProvider)
	data, _ := os.ReadFile(demoCMMS)
	bad := strings.Replace(string(data), "10.40.12.32", "10.40.12.999", 1)
	bad = strings.Replace(bad, "BME-100241,", "BME-100240,", 1)
	rep, err := importCMMS(t, svc, hdo, []byte(bad), false)
	if !errors.Is(err, assets.ErrImportProblems) {
		t.Fatalf("error = %v, want ErrImportProblems", err)
	}
	want := []assetfile.RowProblem{
		{Row: 3, Column: "IP Address", Field: "ip", Message: `"10.40.12.999" is not an IPv4 or IPv6 address`},
		{Row: 6, Column: "Equipment ID", Field: "asset_tag", Message: `asset tag "BME-100240" is also on row 5`},
	}
	if !slices.Equal(rep.Problems, want) {
		t.Errorf("problems = %v, want %v", rep.Problems, want)
	}
	if as, _, _ := svc.Assets.List(t.Context(), hdo, vigil.AssetFilter{}); len(as) != 0 {
		t.Errorf("an import with problems wrote %d assets", len(as))
	}
}

// TestManufacturerTriage: the manufacturer's triage of a finding of its
// shared release reaches the hospital — a not_affected decision removes the
// assets with the decision shown; a patient-harm assessment is a factor.
func TestManufacturerTriage(t *testing.T) {
	w := newFleetWorld(t)
	svc, ctx := w.svc, t.Context()
	data, _ := os.ReadFile(demoCMMS)
	if _, err := svc.Access.Share(ctx, w.mdm, access.ShareInput{Grantee: "st-elsewhere"}); err != nil {
		t.Fatal(err)
	}
	if _, err := importCMMS(t, svc, w.hdo, data, false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{apptest.NewtonsoftOSV, apptest.JQueryOSV}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	fs, err := svc.Knowledge.Findings(ctx, w.mdm, w.pump30.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	var newtonsoft, jquery int64
	for _, f := range fs {
		switch f.VulnID {
		case "CVE-2024-21907":
			newtonsoft = f.ID
		case "CVE-2020-11022":
			jquery = f.ID
		}
	}
	if newtonsoft == 0 || jquery == 0 {
		t.Fatalf("findings = %+v", fs)
	}
	if _, err := svc.Triage.TriageFinding(ctx, w.mdm, newtonsoft, vigil.TriageInput{State: vigil.TriageNotAffected,
		Justification: vigil.JustVulnerableCodeNotInExecutePath, Detail: "the device never deserialises untrusted JSON"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Triage.AssessFinding(ctx, w.mdm, jquery, vigil.RiskAssessmentInput{Harm: vigil.HarmCritical,
		HarmRationale: "a script in the pump's web console could change an infusion"}); err != nil {
		t.Fatal(err)
	}
	ex, err := svc.Assets.Exposure(ctx, w.hdo, "CVE-2024-21907")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Exposed) != 0 || len(ex.NotAffected) != 2 {
		t.Fatalf("exposed %v, not affected %v", tags(ex.Exposed), tags(ex.NotAffected))
	}
	st := ex.NotAffected[0].Statements
	if len(st) != 1 || st[0].Source != "triage" || st[0].Justification != string(vigil.JustVulnerableCodeNotInExecutePath) ||
		!strings.Contains(st[0].Detail, "never deserialises") {
		t.Errorf("statement = %+v", st)
	}
	jx, err := svc.Assets.Exposure(ctx, w.hdo, "CVE-2020-11022")
	if err != nil {
		t.Fatal(err)
	}
	if len(jx.Exposed) != 2 {
		t.Fatalf("exposed to CVE-2020-11022: %v", tags(jx.Exposed))
	}
	for _, f := range jx.Exposed[0].Priority.Factors {
		if f.Name == "patient_harm" && f.Multiplier != 1.3 {
			t.Errorf("patient harm factor = %+v, want the manufacturer's critical (1.3)", f)
		}
	}
	// The triage stays the manufacturer's: another hospital sees none of it.
	if ex, _ := svc.Assets.Exposure(ctx, w.other, "CVE-2024-21907"); len(ex.Exposed)+len(ex.NotAffected) != 0 {
		t.Errorf("another hospital: %+v", ex)
	}
}

// TestExposureEventsAfterFullRematch imports the same OSV zip into two
// identical worlds, one with room to remember a single changed record, so
// that its import overflows and every release is rematched: both must record
// the same exposure events, and a second import none.
func TestExposureEventsAfterFullRematch(t *testing.T) {
	zipPath := filepath.Join(t.TempDir(), "osv.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []string{apptest.NewtonsoftOSV, apptest.JQueryOSV} {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fw, err := zw.Create(filepath.Base(p))
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(raw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(zipPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(limit int) (events []string, full bool) {
		w := newFleetWorld(t, app.WithIncrementalLimit(limit))
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
		recorded := 0
		opt := knowledge.FeedOptions{OnMatched: func(s *knowledge.IncrementalSummary) { recorded += s.ExposureEvents; full = full || s.Full }}
		if _, err := svc.Knowledge.ImportFeeds(ctx, []string{zipPath}, opt); err != nil {
			t.Fatal(err)
		}
		evs, err := svc.Assets.AssetEvents(ctx, w.hdo, vigil.AssetEventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			events = append(events, fmt.Sprintf("asset %d %s", e.AssetID, e.VulnID))
		}
		slices.Sort(events)
		if recorded != len(evs) {
			t.Errorf("limit %d: %d events recorded, %d stored", limit, recorded, len(evs))
		}
		// Importing the same zip again records nothing new.
		recorded = 0
		if _, err := svc.Knowledge.ImportFeeds(ctx, []string{zipPath}, opt); err != nil {
			t.Fatal(err)
		}
		if recorded != 0 {
			t.Errorf("limit %d: a re-import recorded %d events", limit, recorded)
		}
		return events, full
	}
	incremental, full := run(0)
	if full || len(incremental) == 0 {
		t.Fatalf("incremental import: full %v, events %v", full, incremental)
	}
	rematched, full := run(1)
	if !full {
		t.Fatal("the import with a limit of 1 did not overflow into a full rematch")
	}
	if diff := cmp.Diff(incremental, rematched); diff != "" {
		t.Errorf("events after a full rematch differ from incremental matching (-incremental +full):\n%s", diff)
	}

	// Exposures that were there before a full rematch get no event from
	// it: the assets are mapped after the findings appeared, then records
	// for a package none of the SBOMs holds overflow a second import.
	w := newFleetWorld(t, app.WithIncrementalLimit(1))
	svc, ctx := w.svc, t.Context()
	data, err := os.ReadFile(demoCMMS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importCMMS(t, svc, w.hdo, data, false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{zipPath}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Access.Share(ctx, w.mdm, access.ShareInput{Grantee: "st-elsewhere", Product: "Infusion Pump"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Assets.MapAssets(ctx, w.hdo); err != nil {
		t.Fatal(err)
	}
	if ex, err := svc.Assets.Exposure(ctx, w.hdo, "CVE-2024-21907"); err != nil || len(ex.Exposed) == 0 {
		t.Fatalf("exposure before the second import = %v, %v", ex, err)
	}
	other := filepath.Join(t.TempDir(), "other.zip")
	buf.Reset()
	zw = zip.NewWriter(&buf)
	for i := range 2 {
		fw, err := zw.Create(fmt.Sprintf("GHSA-test-000%d.json", i))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(fw, `{"schema_version":"1.6.0","id":"GHSA-test-000%d","modified":"2024-01-0%dT00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"left-pad-%d"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"9.9.9"}]}]}]}`, i, i+1, i)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var recorded int
	full = false
	opt := knowledge.FeedOptions{OnMatched: func(s *knowledge.IncrementalSummary) { recorded += s.ExposureEvents; full = full || s.Full }}
	rep, err := svc.Knowledge.ImportFeeds(ctx, []string{other}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !full {
		t.Fatalf("the second import did not overflow: %+v", rep)
	}
	if evs, _ := svc.Assets.AssetEvents(ctx, w.hdo, vigil.AssetEventFilter{}); recorded != 0 || len(evs) != 0 {
		t.Errorf("a full rematch that found nothing new recorded %d events (%d stored)", recorded, len(evs))
	}
}

// TestImportKeepsDecommissioned: a CMMS export that still lists a
// decommissioned device as active does not bring it back.
func TestImportKeepsDecommissioned(t *testing.T) {
	w := newFleetWorld(t)
	svc, ctx := w.svc, t.Context()
	data, err := os.ReadFile(demoCMMS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importCMMS(t, svc, w.hdo, data, false); err != nil {
		t.Fatal(err)
	}
	// BME-100250 is an active PM-12 that stores PHI.
	if _, err := svc.Support.RecordSanitization(ctx, w.hdo, "BME-100250", apptest.SSDSanitization()); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Support.DecommissionAsset(ctx, w.hdo, "BME-100250", vigil.DecommissionInput{Reason: "replaced"}); err != nil {
		t.Fatal(err)
	}
	rep, err := importCMMS(t, svc, w.hdo, data, false)
	if err != nil {
		t.Fatal(err)
	}
	d, err := svc.Assets.Asset(ctx, w.hdo, "BME-100250")
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != vigil.AssetDecommissioned || rep.Updated != 0 {
		t.Errorf("after re-import: status %s, %d updated", d.Status, rep.Updated)
	}
}
