package assets_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/fleet"
	"github.com/vigil/vigil/internal/realdata"
)

func priorityOf(t *testing.T, svc *app.App, sc vigil.Scope, cve string) *fleet.AssetPriority {
	t.Helper()
	ex, err := svc.Assets.Exposure(t.Context(), sc, cve)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Exposed) != 1 || ex.Exposed[0].Priority == nil {
		t.Fatalf("%s: exposed %v", cve, tags(ex.Exposed))
	}
	return ex.Exposed[0].Priority
}

func factorOf(p *fleet.AssetPriority, name string) fleet.PriorityFactor {
	for _, f := range p.Factors {
		if f.Name == name {
			return f
		}
	}
	return fleet.PriorityFactor{}
}

// TestAdvisoryOnlySeverity: a CVE known only from a device advisory is
// scored with the advisory's CVSS vector (its attack vector in the
// factors); with no vector anywhere, the severity says unknown and the
// organization's unscored_cvss setting ranks it.
func TestAdvisoryOnlySeverity(t *testing.T) {
	svc, _ := apptest.New(t)
	ctx := t.Context()
	hdo := apptest.OrgOfKind(t, svc, "st-elsewhere", vigil.HealthcareProvider)
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{realdata.Path(t, sigmaAdvisory)}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Assets.CreateAsset(ctx, hdo, vigil.Asset{AssetTag: "PUMP-1", Manufacturer: "Baxter", Model: "Sigma Spectrum 35700BAX2",
		Version: "8.00.01", Criticality: vigil.CriticalityLifeSustaining, IP: "10.1.1.1"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		cve      string
		severity string
		base, av float64
	}{
		{"CVE-2022-26390", "medium", 4.2, 0.4},
		{"CVE-2022-26394", "high", 7.5, 0.85},
	} {
		p := priorityOf(t, svc, hdo, c.cve)
		sev, av := factorOf(p, "severity"), factorOf(p, "attack_vector")
		if p.Severity != c.severity || sev.Multiplier != c.base || av.Multiplier != c.av || !strings.Contains(sev.Why, "advisory ICSMA-22-251-01") {
			t.Errorf("%s: severity %q, factors %+v %+v", c.cve, p.Severity, sev, av)
		}
	}

	// The same advisory without scores: unknown, ranked by the setting.
	var doc map[string]any
	if err := json.Unmarshal(realdata.Read(t, sigmaAdvisory), &doc); err != nil {
		t.Fatal(err)
	}
	for _, v := range doc["vulnerabilities"].([]any) {
		delete(v.(map[string]any), "scores")
	}
	tr := doc["document"].(map[string]any)["tracking"].(map[string]any)
	tr["version"], tr["current_release_date"] = "3", "2023-01-10T00:00:00.000000Z"
	tr["revision_history"] = append(tr["revision_history"].([]any), map[string]any{"date": "2023-01-10T00:00:00.000000Z", "number": "3", "summary": "scores withdrawn"})
	raw, _ := json.Marshal(doc)
	path := filepath.Join(t.TempDir(), "icsma-22-251-01.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Knowledge.ImportFeeds(ctx, []string{path}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	p := priorityOf(t, svc, hdo, "CVE-2022-26394")
	if sev := factorOf(p, "severity"); p.Severity != fleet.SeverityUnknown || sev.Multiplier != vigil.DefaultUnscoredCVSS || !strings.Contains(sev.Why, "unscored_cvss") {
		t.Errorf("unscored: severity %q, %+v", p.Severity, sev)
	}
	rs := vigil.DefaultRiskSettings()
	rs.UnscoredCVSS = 9.5
	if _, err := svc.Triage.SetRiskSettings(ctx, hdo, rs); err != nil {
		t.Fatal(err)
	}
	if sev := factorOf(priorityOf(t, svc, hdo, "CVE-2022-26394"), "severity"); sev.Multiplier != 9.5 || !strings.Contains(sev.Why, "organization's unscored_cvss") {
		t.Errorf("unscored with the setting: %+v", sev)
	}
}
