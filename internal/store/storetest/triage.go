package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// mustCreateFinding stores a release with one component and one finding.
func mustCreateFinding(t *testing.T, s store.Store, sc vigil.Scope, product string) *vigil.Finding {
	t.Helper()
	ctx := t.Context()
	p := mustCreateProduct(t, s, sc, product)
	r := mustCreateRelease(t, s, sc, p.ID, "1.0")
	f := &vigil.Finding{ReleaseID: r.ID, ComponentKey: "pkg:npm/left-pad", ComponentName: "left-pad", ComponentVersion: "1.3.0",
		Match: vigil.Match{VulnID: "CVE-2024-0001", ComponentRef: "pkg:npm/left-pad@1.3.0", Status: vigil.MatchAffected,
			Confidence: vigil.ConfidenceExact, Evidence: vigil.Evidence{Matcher: "purlrange", MatcherVersion: 1,
				Source: vigil.Provenance{Source: vigil.SourceOSV, SourceID: "X"}}}}
	update(t, s, func(tx store.Tx) error {
		doc := &vigil.SBOMDocument{ReleaseID: r.ID, Format: vigil.FormatCycloneDX, SpecVersion: "1.6", Encoding: vigil.EncodingJSON}
		if err := tx.CreateSBOM(ctx, sc, doc); err != nil {
			return err
		}
		comps := sampleComponents()[:1]
		if err := tx.AddComponents(ctx, sc, doc, comps); err != nil {
			return err
		}
		doc.SHA256, doc.Components = "aa", 1
		if err := tx.FinishSBOM(ctx, sc, doc); err != nil {
			return err
		}
		f.SBOMID = doc.ID
		if err := tx.EachComponent(ctx, sc, doc.ID, func(c *vigil.Component) error {
			f.ComponentID = c.ID
			return nil
		}); err != nil {
			return err
		}
		f.FirstSeenAt, f.LastSeenAt = tx.Now(), tx.Now()
		return tx.CreateFinding(ctx, sc, f)
	})
	return f
}

func testTriage(t *testing.T, open Opener) {
	s := open(t, fixedClock())
	ctx := t.Context()
	sc := MustCreateOrg(t, s, "acme", vigil.Manufacturer)
	other := MustCreateOrg(t, s, "other", vigil.Manufacturer)
	f := mustCreateFinding(t, s, sc, "Pump")
	g := mustCreateFinding(t, s, sc, "Monitor")

	stmt := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.FixedZone("CET", 3600))
	events := []*vigil.TriageEvent{
		{FindingID: f.ID, ReleaseID: f.ReleaseID, VulnID: f.VulnID, ComponentKey: f.ComponentKey, ComponentVersion: "1.3.0",
			From: vigil.TriageUnderInvestigation, TriageDecision: vigil.TriageDecision{State: vigil.TriageAffected,
				Response: vigil.ResponseUpdate, Detail: "fix in 1.1", Source: vigil.DecisionVEX, SourceRef: "doc#1", SourceTime: stmt, Actor: "alice"}},
		{FindingID: f.ID, ReleaseID: f.ReleaseID, VulnID: f.VulnID, ComponentKey: f.ComponentKey,
			From: vigil.TriageAffected, TriageDecision: vigil.TriageDecision{State: vigil.TriageNotAffected,
				Justification: vigil.JustVulnerableCodeNotPresent, Detail: "stripped", Source: vigil.DecisionCarried,
				SourceRef: "finding 9", CarriedFromID: g.ID, Actor: "bob"}},
	}
	update(t, s, func(tx store.Tx) error {
		for _, e := range events {
			if err := tx.AddTriageEvent(ctx, sc, e); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindTriageEvents(ctx, sc, f.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(events, got); diff != "" {
			t.Errorf("FindTriageEvents (-want +got):\n%s", diff)
		}
		if !got[0].SourceTime.Equal(stmt) || got[0].SourceTime.Location() != time.UTC {
			t.Errorf("source time %v, want %v in UTC", got[0].SourceTime, stmt)
		}
		fs, err := tx.FindFindings(ctx, sc, vigil.FindingFilter{ID: &f.ID})
		if err != nil {
			return err
		}
		if len(fs) != 1 || fs[0].Triage == nil {
			t.Fatalf("FindFindings by id = %+v", fs)
		}
		if diff := cmp.Diff(&events[1].TriageDecision, fs[0].Triage); diff != "" {
			t.Errorf("current decision (-want +got):\n%s", diff)
		}
		all, err := tx.FindFindings(ctx, sc, vigil.FindingFilter{})
		if err != nil {
			return err
		}
		for _, x := range all {
			if x.ID == g.ID && x.Triage != nil {
				t.Errorf("undecided finding has decision %+v", x.Triage)
			}
		}
		return nil
	})

	// Assessments and rubric answers: the newest is current.
	a1 := &vigil.RiskAssessment{FindingID: f.ID, Actor: "alice", RiskAssessmentInput: vigil.RiskAssessmentInput{
		Harm: vigil.HarmSerious, HarmRationale: "wrong dose", LearnedOn: vigil.Date{Year: 2026, Month: 1, Day: 5}}}
	a2 := &vigil.RiskAssessment{FindingID: f.ID, Actor: "bob", RiskAssessmentInput: vigil.RiskAssessmentInput{
		Harm: vigil.HarmCritical, HarmRationale: "overdose", Exploitability: vigil.ExploitabilityLow, ExploitabilityRationale: "isolated"}}
	r1 := &vigil.RubricAnswers{FindingID: f.ID, Rubric: "mitre-medical/1", Answers: map[string]string{"av_network": "yes"},
		Notes: map[string]string{"av_network": "Wi-Fi"}, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Actor: "alice"}
	update(t, s, func(tx store.Tx) error {
		for _, a := range []*vigil.RiskAssessment{a1, a2} {
			if err := tx.AddRiskAssessment(ctx, sc, a); err != nil {
				return err
			}
		}
		return tx.AddRubricAnswers(ctx, sc, r1)
	})
	view(t, s, func(tx store.Tx) error {
		all, err := tx.FindRiskAssessments(ctx, sc, f.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]*vigil.RiskAssessment{a1, a2}, all); diff != "" {
			t.Errorf("FindRiskAssessments (-want +got):\n%s", diff)
		}
		cur, err := tx.FindCurrentRiskAssessments(ctx, sc, []int64{f.ID, g.ID})
		if err != nil {
			return err
		}
		if diff := cmp.Diff(map[int64]*vigil.RiskAssessment{f.ID: a2}, cur); diff != "" {
			t.Errorf("FindCurrentRiskAssessments (-want +got):\n%s", diff)
		}
		rs, err := tx.FindRubricAnswers(ctx, sc, f.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]*vigil.RubricAnswers{r1}, rs); diff != "" {
			t.Errorf("FindRubricAnswers (-want +got):\n%s", diff)
		}
		cr, err := tx.FindCurrentRubricAnswers(ctx, sc, []int64{f.ID})
		if err != nil {
			return err
		}
		if diff := cmp.Diff(map[int64]*vigil.RubricAnswers{f.ID: r1}, cr); diff != "" {
			t.Errorf("FindCurrentRubricAnswers (-want +got):\n%s", diff)
		}
		return nil
	})

	// Environment and settings: absent is not found, then written over.
	env := &vigil.CVSSEnvironment{ReleaseID: f.ReleaseID, CVSS3: "MAV:A/CR:H", CVSS4: "MAV:A", Rationale: "VLAN", Actor: "alice"}
	set := vigil.DefaultRiskSettings()
	set.Actor = "alice"
	view(t, s, func(tx store.Tx) error {
		if _, err := tx.FindCVSSEnvironment(ctx, sc, f.ReleaseID); !errors.Is(err, vigil.ErrNotFound) {
			t.Errorf("FindCVSSEnvironment before: %v, want ErrNotFound", err)
		}
		if _, err := tx.FindRiskSettings(ctx, sc); !errors.Is(err, vigil.ErrNotFound) {
			t.Errorf("FindRiskSettings before: %v, want ErrNotFound", err)
		}
		return nil
	})
	for _, days := range []int{30, 15} { // the second write replaces the first
		set.NotifyDays = days
		env.CVSS3 = "MAV:L/CR:" + map[int]string{30: "H", 15: "M"}[days]
		update(t, s, func(tx store.Tx) error {
			if err := tx.PutCVSSEnvironment(ctx, sc, env); err != nil {
				return err
			}
			return tx.PutRiskSettings(ctx, sc, &set)
		})
	}
	view(t, s, func(tx store.Tx) error {
		got, err := tx.FindCVSSEnvironment(ctx, sc, f.ReleaseID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(env, got); diff != "" {
			t.Errorf("FindCVSSEnvironment (-want +got):\n%s", diff)
		}
		gs, err := tx.FindRiskSettings(ctx, sc)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(&set, gs); diff != "" {
			t.Errorf("FindRiskSettings (-want +got):\n%s", diff)
		}
		return nil
	})

	// Isolation: another organization sees none of it and cannot write
	// onto a release it does not own.
	view(t, s, func(tx store.Tx) error {
		if es, err := tx.FindTriageEvents(ctx, other, f.ID); err != nil || len(es) != 0 {
			t.Errorf("other org history: %v, %v", es, err)
		}
		if ds, err := tx.FindTriageDecisions(ctx, other, []int64{f.ID}); err != nil || len(ds) != 0 {
			t.Errorf("other org decisions: %v, %v", ds, err)
		}
		if as, err := tx.FindCurrentRiskAssessments(ctx, other, []int64{f.ID}); err != nil || len(as) != 0 {
			t.Errorf("other org assessments: %v, %v", as, err)
		}
		if rs, err := tx.FindRubricAnswers(ctx, other, f.ID); err != nil || len(rs) != 0 {
			t.Errorf("other org rubric answers: %v, %v", rs, err)
		}
		if _, err := tx.FindCVSSEnvironment(ctx, other, f.ReleaseID); !errors.Is(err, vigil.ErrNotFound) {
			t.Errorf("other org environment: %v", err)
		}
		if _, err := tx.FindRiskSettings(ctx, other); !errors.Is(err, vigil.ErrNotFound) {
			t.Errorf("other org settings: %v", err)
		}
		if _, err := tx.FindTriageEvents(ctx, vigil.Scope{}, f.ID); !errors.Is(err, vigil.ErrForbidden) {
			t.Errorf("no scope: %v, want ErrForbidden", err)
		}
		return nil
	})
	err := s.Update(ctx, func(tx store.Tx) error {
		return tx.PutCVSSEnvironment(ctx, other, &vigil.CVSSEnvironment{ReleaseID: f.ReleaseID, Actor: "mallory"})
	})
	if !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("environment on another org's release: %v, want ErrInvalid", err)
	}
}
