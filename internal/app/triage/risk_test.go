package triage_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/apptest"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/app/triage"
)

func TestFindingRiskLifecycle(t *testing.T) {
	svc, clk := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	other := apptest.Org(t, svc, "other")
	r, f := apptest.Finding(t, svc, sc, "Pump", "1.0")

	fr, err := svc.Triage.FindingRisk(t.Context(), sc, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	ev := fr.Evaluation
	if ev.Scores.BaseVector != "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:L/A:N" || ev.Scores.Base != 6.9 || ev.Scores.Adjusted {
		t.Fatalf("scores from the knowledge base = %+v", ev.Scores)
	}
	if ev.Class != vigil.RiskUnassessed || ev.Exploitability != vigil.ExploitabilityMedium {
		t.Fatalf("before assessment: %s %s (%v)", ev.Class, ev.Exploitability, ev.ExploitabilityBasis)
	}

	// The release's environment re-scores it: the pump sits on an
	// isolated clinical network and its data matter.
	if _, err := svc.Triage.SetCVSSEnvironment(t.Context(), sc, r.ID, vigil.CVSSEnvironment{CVSS3: "MAV:A/CR:H/IR:H", Rationale: "clinical VLAN"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Triage.SetCVSSEnvironment(t.Context(), sc, r.ID, vigil.CVSSEnvironment{CVSS3: "AV:L"}); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("base metric in the environment: %v, want ErrInvalid", err)
	}
	if _, err := svc.Triage.SetCVSSEnvironment(t.Context(), sc, r.ID, vigil.CVSSEnvironment{CVSS4: "MAV:Q"}); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("bad value in the environment: %v, want ErrInvalid", err)
	}
	if _, err := svc.Triage.SetCVSSEnvironment(t.Context(), other, r.ID, vigil.CVSSEnvironment{CVSS3: "CR:L"}); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("another org's release: %v, want ErrNotFound", err)
	}

	// The assessment: serious harm. A bad overlay is refused first.
	in := vigil.RiskAssessmentInput{Harm: vigil.HarmSerious, HarmRationale: "a forged dose display could mislead the nurse",
		CVSSOverlay: "MVC:H"}
	if _, err := svc.Triage.AssessFinding(t.Context(), sc, f.ID, in); !errors.Is(err, vigil.ErrInvalid) {
		t.Fatalf("v4 metric on a v3.1 vector: %v, want ErrInvalid", err)
	}
	in.CVSSOverlay = "E:F"
	fr, err = svc.Triage.AssessFinding(t.Context(), sc, f.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	ev = fr.Evaluation
	if !ev.Scores.Adjusted || ev.Scores.Vector != "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:L/A:N/E:F/CR:H/IR:H/MAV:A" {
		t.Errorf("adjusted vector = %s", ev.Scores.Vector)
	}
	if ev.Scores.Effective == ev.Scores.Base {
		t.Errorf("environment did not change the score: %+v", ev.Scores)
	}
	// AV:A/AC:H/UI:R is low exploitability; low needs catastrophic harm
	// for uncontrolled risk.
	if ev.Class != vigil.RiskControlled || ev.Exploitability != vigil.ExploitabilityLow {
		t.Fatalf("class %s (%s)", ev.Class, ev.ClassBasis)
	}
	in.Harm, in.HarmRationale = vigil.HarmCatastrophic, "a wrong infusion rate could be shown and accepted"
	if fr, err = svc.Triage.AssessFinding(t.Context(), sc, f.ID, in); err != nil {
		t.Fatal(err)
	}
	ev = fr.Evaluation
	if ev.Class != vigil.RiskUncontrolled || len(ev.Clocks) != 2 || ev.Overdue {
		t.Fatalf("after catastrophic harm: %s, clocks %+v", ev.Class, ev.Clocks)
	}
	if want := vigil.DateOf(f.FirstSeenAt).AddDays(30); ev.Clocks[0].Due != want {
		t.Errorf("notification due %s, want %s (30 days from first seen)", ev.Clocks[0].Due, want)
	}
	hist, err := svc.Triage.RiskAssessments(t.Context(), sc, f.ID)
	if err != nil || len(hist) != 2 || hist[0].Harm != vigil.HarmSerious || hist[1].Harm != vigil.HarmCatastrophic {
		t.Errorf("assessment history = %+v, %v", hist, err)
	}

	// 31 days later the notification clock has run out: it is overdue and
	// heads the overdue list.
	clk.Time = clk.Time.Add(31 * 24 * time.Hour)
	q, err := svc.Triage.Queue(t.Context(), sc, triage.QueueFilter{OverdueOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || q[0].Finding.ID != f.ID || !q[0].Evaluation.Clocks[0].Overdue {
		t.Fatalf("overdue = %+v", q)
	}
	// The organization's own clock: 45 days to notify, not overdue yet.
	set, _ := svc.Triage.RiskSettings(t.Context(), sc)
	set.NotifyDays = 45
	if _, err := svc.Triage.SetRiskSettings(t.Context(), sc, set); err != nil {
		t.Fatal(err)
	}
	if q, _ = svc.Triage.Queue(t.Context(), sc, triage.QueueFilter{OverdueOnly: true}); len(q) != 0 {
		t.Errorf("overdue with a 45-day clock: %d", len(q))
	}
	set.NotifyDays = 0
	if _, err := svc.Triage.SetRiskSettings(t.Context(), sc, set); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("0-day clock: %v, want ErrInvalid", err)
	}
	if got, _ := svc.Triage.RiskSettings(t.Context(), other); got.NotifyDays != 30 {
		t.Errorf("another org's settings: %d days, want the default 30", got.NotifyDays)
	}

	// Customers notified and a fix shipped: no clock overdue any more.
	in.CustomersNotifiedOn = vigil.DateOf(clk.Time)
	if _, err := svc.Triage.AssessFinding(t.Context(), sc, f.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Triage.TriageFinding(t.Context(), sc, f.ID, vigil.TriageInput{State: vigil.TriageAffected, Response: vigil.ResponseUpdate,
		Detail: "jQuery 3.5.0 in firmware 1.0.1"}); err != nil {
		t.Fatal(err)
	}
	fr, _ = svc.Triage.FindingRisk(t.Context(), sc, f.ID)
	if fr.Evaluation.Overdue || fr.Evaluation.Clocks[1].DoneOn.IsZero() {
		t.Errorf("after notification and update: %+v", fr.Evaluation.Clocks)
	}

	// The rubric's vector replaces the knowledge base's.
	answers := map[string]string{"av_network": "yes", "av_layer34": "yes", "ac_conditions": "no", "pr_auth": "no", "ui_user": "no",
		"s_authority": "no"}
	for _, m := range []string{"c", "i", "a"} {
		for _, c := range []string{"phi", "diagnosis_monitoring", "therapy_delivery", "clinical_workflow", "system_data", "other_data"} {
			answers[m+"_"+c] = "none"
		}
	}
	answers["i_therapy_delivery"] = "partial"
	res, err := svc.Triage.AnswerRubric(t.Context(), sc, f.ID, answers, map[string]string{"ui_user": "the pump accepts pushed libraries"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Derivation.Vector != "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N" {
		t.Errorf("rubric vector %s", res.Derivation.Vector)
	}
	fr, _ = svc.Triage.FindingRisk(t.Context(), sc, f.ID)
	if fr.Evaluation.Scores.BaseVector != res.Derivation.Vector || fr.Evaluation.Scores.Source == "" {
		t.Errorf("after rubric: %+v", fr.Evaluation.Scores)
	}
	got, err := svc.Triage.RubricAnswers(t.Context(), sc, f.ID)
	if err != nil || got.Derivation.Vector != res.Derivation.Vector || got.Answers.Notes["ui_user"] == "" {
		t.Errorf("stored rubric = %+v, %v", got, err)
	}
	delete(answers, "ac_conditions")
	if _, err := svc.Triage.AnswerRubric(t.Context(), sc, f.ID, answers, nil); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("incomplete answers: %v", err)
	}
	if _, err := svc.Triage.FindingRisk(t.Context(), other, f.ID); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("another org: %v", err)
	}
}

func TestCarryTriage(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	_, f1 := apptest.Finding(t, svc, sc, "Pump", "1.0")
	_, f2 := apptest.Finding(t, svc, sc, "Pump", "1.1")
	_, f3 := apptest.Finding(t, svc, sc, "Pump", "1.2")
	_, fx := apptest.Finding(t, svc, sc, "Monitor", "1.0") // another product: never a target

	if _, err := svc.Triage.TriageFinding(t.Context(), sc, f3.ID, vigil.TriageInput{State: vigil.TriageAffected, Detail: "seen on 1.2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Triage.TriageFinding(t.Context(), sc, f1.ID, vigil.TriageInput{State: vigil.TriageNotAffected,
		Justification: vigil.JustVulnerableCodeNotInExecutePath, Detail: "jQuery only serves the offline manual"}); err != nil {
		t.Fatal(err)
	}
	// The next release's finding points back at the decided one.
	if fr, err := svc.Triage.FindingRisk(t.Context(), sc, f2.ID); err != nil || fr.CarryFrom == nil || fr.CarryFrom.ID != f1.ID {
		t.Errorf("carry hint on 1.1 = %+v, %v; want finding %d", fr.CarryFrom, err, f1.ID)
	}
	plan, err := svc.Triage.CarryTriage(t.Context(), sc, triage.CarryRequest{FindingIDs: []int64{f1.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Applied || plan.Carried != 1 || len(plan.Items) != 2 {
		t.Fatalf("preview = %+v", plan)
	}
	acts := map[int64]triage.CarryAction{}
	for _, it := range plan.Items {
		acts[it.FindingID] = it.Action
	}
	if acts[f2.ID] != triage.CarryApply || acts[f3.ID] != triage.CarrySkip || acts[fx.ID] != "" {
		t.Errorf("actions = %v", acts)
	}
	// A preview writes nothing.
	if g, _ := svc.Triage.Finding(t.Context(), sc, f2.ID); g.Triage != nil {
		t.Fatalf("preview wrote %+v", g.Triage)
	}
	if plan, err = svc.Triage.CarryTriage(t.Context(), sc, triage.CarryRequest{ReleaseID: f1.ReleaseID, Apply: true}); err != nil || plan.Carried != 1 {
		t.Fatalf("apply = %+v, %v", plan, err)
	}
	if fr, _ := svc.Triage.FindingRisk(t.Context(), sc, f2.ID); fr.CarryFrom != nil {
		t.Errorf("carry hint after carrying: %+v", fr.CarryFrom)
	}
	g, _ := svc.Triage.Finding(t.Context(), sc, f2.ID)
	if g.Triage == nil || g.Triage.Source != vigil.DecisionCarried || g.Triage.CarriedFromID != f1.ID ||
		g.Triage.State != vigil.TriageNotAffected || g.Triage.Justification != vigil.JustVulnerableCodeNotInExecutePath {
		t.Fatalf("carried = %+v", g.Triage)
	}
	if h, _ := svc.Triage.FindTriageHistory(t.Context(), sc, f3.ID); len(h) != 1 {
		t.Errorf("the human decision on 1.2 was touched: %+v", h)
	}
	// Carrying again changes nothing.
	if plan, _ = svc.Triage.CarryTriage(t.Context(), sc, triage.CarryRequest{FindingIDs: []int64{f1.ID}, Apply: true}); plan.Carried != 0 {
		t.Errorf("second carry = %+v", plan)
	}
	if _, err := svc.Triage.CarryTriage(t.Context(), sc, triage.CarryRequest{FindingIDs: []int64{fx.ID}}); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("carry of an undecided finding: %v", err)
	}
}

// TestExploitationSignals lists the jQuery CVE in KEV and gives it an
// EPSS score — files derived by code from the demo's catalog and EPSS
// file, the entry of its sibling CVE-2020-11023 moved to it and its score
// raised — and checks that both reach the
// finding's view: KEV adds its threat metric and raises exploitability,
// EPSS is shown, and both weigh in the priority.
func TestExploitationSignals(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	_, f := apptest.Finding(t, svc, sc, "Pump", "1.0")
	before, err := svc.Triage.FindingRisk(t.Context(), sc, f.ID)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	var cat map[string]any
	raw, err := os.ReadFile(apptest.DemoFeeds + "/kev/known_exploited_vulnerabilities.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &cat); err != nil {
		t.Fatal(err)
	}
	entry := cat["vulnerabilities"].([]any)[0].(map[string]any)
	entry["cveID"] = "CVE-2020-11022"
	cat["vulnerabilities"], cat["count"] = []any{entry}, 1
	kev, _ := json.Marshal(cat)
	epss, err := os.ReadFile(apptest.DemoFeeds + "/epss/epss-demo.csv")
	if err != nil {
		t.Fatal(err)
	}
	epss = bytes.Replace(epss, []byte("CVE-2020-11022,0.06142,0.90480"), []byte("CVE-2020-11022,0.21500,0.96000"), 1)
	for name, b := range map[string][]byte{"kev.json": kev, "epss.csv": epss} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Knowledge.ImportFeeds(t.Context(), []string{dir}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	fr, err := svc.Triage.FindingRisk(t.Context(), sc, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fr.KEV == nil || fr.EPSS == nil || fr.EPSS.Score != 0.215 {
		t.Fatalf("signals = %+v %+v", fr.KEV, fr.EPSS)
	}
	ev := fr.Evaluation
	if len(fr.Overlays) != 1 || fr.Overlays[0] != "E:H" || !strings.HasSuffix(ev.Scores.Vector, "/E:H") {
		t.Errorf("KEV threat overlay: %v, %s", fr.Overlays, ev.Scores.Vector)
	}
	if before.Evaluation.Exploitability == vigil.ExploitabilityHigh || ev.Exploitability != vigil.ExploitabilityHigh {
		t.Errorf("exploitability %s → %s, want raised to high (%v)", before.Evaluation.Exploitability, ev.Exploitability, ev.ExploitabilityBasis)
	}
	if fr.Priority.Score <= before.Priority.Score {
		t.Errorf("priority %v → %v, want higher", before.Priority.Score, fr.Priority.Score)
	}
}

func TestRiskHostileInput(t *testing.T) {
	svc, _ := apptest.New(t)
	sc := apptest.Org(t, svc, "acme")
	r, f := apptest.Finding(t, svc, sc, "Pump", "1.0")
	many := map[string]string{}
	for i := range 1000 {
		many[fmt.Sprintf("q%d", i)] = "yes"
	}
	tests := []struct {
		name string
		run  func() error
	}{
		{"ManyAnswers", func() error { _, err := svc.Triage.AnswerRubric(t.Context(), sc, f.ID, many, nil); return err }},
		{"NoteWithEscape", func() error {
			_, err := svc.Triage.AnswerRubric(t.Context(), sc, f.ID, map[string]string{"av_network": "yes"}, map[string]string{"av_network": "\x1b[2Jgone"})
			return err
		}},
		{"RationaleWithEscape", func() error {
			_, err := svc.Triage.SetCVSSEnvironment(t.Context(), sc, r.ID, vigil.CVSSEnvironment{CVSS3: "CR:H", Rationale: "ok\x00"})
			return err
		}},
		{"HugeOverlay", func() error {
			_, err := svc.Triage.SetCVSSEnvironment(t.Context(), sc, r.ID, vigil.CVSSEnvironment{CVSS3: strings.Repeat("CR:H/", 200)})
			return err
		}},
		{"AssessmentWithEscape", func() error {
			_, err := svc.Triage.AssessFinding(t.Context(), sc, f.ID, vigil.RiskAssessmentInput{Harm: vigil.HarmMinor, HarmRationale: "x\x07"})
			return err
		}},
		{"UnknownHarm", func() error {
			_, err := svc.Triage.AssessFinding(t.Context(), sc, f.ID, vigil.RiskAssessmentInput{Harm: "fatal", HarmRationale: "x"})
			return err
		}},
		{"OverrideWithoutRationale", func() error {
			_, err := svc.Triage.AssessFinding(t.Context(), sc, f.ID, vigil.RiskAssessmentInput{Harm: vigil.HarmMinor, HarmRationale: "x",
				Exploitability: vigil.ExploitabilityLow})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, vigil.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
	// Nothing was stored.
	if as, _ := svc.Triage.RiskAssessments(t.Context(), sc, f.ID); len(as) != 0 {
		t.Errorf("assessments stored: %+v", as)
	}
	if _, err := svc.Triage.RubricAnswers(t.Context(), sc, f.ID); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("rubric answers stored: %v", err)
	}
	if e, _ := svc.Triage.CVSSEnvironment(t.Context(), sc, r.ID); e.CVSS3 != "" {
		t.Errorf("environment stored: %+v", e)
	}
}
