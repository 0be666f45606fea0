package demo

import (
	"context"
	"fmt"
	"maps"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/app/triage"
)

// TriageStep is the postmarket part of the demo: the release's CVSS
// environment, one finding walked through the rubric, triaged and
// assessed for patient safety, and the prioritised queue.
type TriageStep struct {
	Environment *vigil.CVSSEnvironment `json:"environment"`
	Rubric      *triage.RubricResult   `json:"rubric"`
	Finding     *triage.FindingRisk    `json:"finding"`
	Queue       []*triage.FindingRisk  `json:"queue"`
}

// TriagedVuln is the demo's triaged finding: Newtonsoft.Json's deep-nesting
// denial of service, which NVD scores 7.5 for any network service; on the
// pump the drug-library sync needs a clinician login, so the rubric gives
// the device's own vector.
const TriagedVuln = "CVE-2024-21907"

// rubricAnswers judge the Newtonsoft.Json flaw on the pump: the drug-
// library sync service parses JSON from the network after a clinician
// account logs in; a deep document stops the service (the workflow),
// not the infusion.
func rubricAnswers() map[string]string {
	a := map[string]string{
		"av_network": "yes", "av_layer34": "yes", "ac_conditions": "no", "pr_auth": "yes", "pr_level": "no",
		"ui_user": "no", "s_authority": "no",
	}
	for _, m := range []string{"c", "i", "a"} {
		for _, c := range []string{"phi", "diagnosis_monitoring", "therapy_delivery", "clinical_workflow", "system_data", "other_data"} {
			a[m+"_"+c] = "none"
		}
	}
	a["a_clinical_workflow"] = "total"
	return a
}

// loadTriage sets the release's environment, answers the rubric for the
// demo finding, triages and assesses it, and lists the queue. A rerun
// records nothing new: the same decision, answers and assessment are
// left as they are. Without the finding (feeds other than the demo's that
// lack it) there is nothing to triage unless required says it must be
// there.
func loadTriage(ctx context.Context, svc *app.App, sc vigil.Scope, rel *vigil.Release, findings []*vigil.Finding, required bool) (*TriageStep, error) {
	var f *vigil.Finding
	for _, x := range findings {
		if x.VulnID == TriagedVuln {
			f = x
		}
	}
	if f == nil && !required {
		return nil, nil
	}
	if f == nil {
		return nil, fmt.Errorf("demo triage: no %s finding on %s %s", TriagedVuln, rel.Product, rel.Version)
	}
	step := &TriageStep{}
	env := vigil.CVSSEnvironment{CVSS3: "MAV:A/CR:H/IR:H/AR:M", CVSS4: "MAV:A/CR:H/IR:H/AR:M",
		Rationale: "Deployed on the hospital's segregated clinical network (no route from the Internet); " +
			"patient data and infusion settings matter most."}
	cur, err := svc.Triage.CVSSEnvironment(ctx, sc, rel.ID)
	if err != nil {
		return nil, err
	}
	if cur.CVSS3 != env.CVSS3 || cur.CVSS4 != env.CVSS4 || cur.Rationale != env.Rationale {
		if cur, err = svc.Triage.SetCVSSEnvironment(ctx, sc, rel.ID, env); err != nil {
			return nil, fmt.Errorf("demo environment: %w", err)
		}
	}
	step.Environment = cur

	answers := rubricAnswers()
	notes := map[string]string{"pr_auth": "the sync endpoint needs a clinician login",
		"a_clinical_workflow": "drug-library updates stop until the service restarts; running infusions continue"}
	prev, err := svc.Triage.RubricAnswers(ctx, sc, f.ID)
	if err == nil && maps.Equal(prev.Answers.Answers, answers) && maps.Equal(prev.Answers.Notes, notes) {
		step.Rubric = prev
	} else if step.Rubric, err = svc.Triage.AnswerRubric(ctx, sc, f.ID, answers, notes); err != nil {
		return nil, fmt.Errorf("demo rubric: %w", err)
	}

	if _, err := svc.Triage.TriageFinding(ctx, sc, f.ID, vigil.TriageInput{
		State: vigil.TriageAffected, Response: vigil.ResponseWorkaroundAvailable,
		Detail: "The sync service deserializes vendor JSON with Newtonsoft.Json 9.0.1. Workaround: MaxDepth = 128 " +
			"(configuration change MDS-2041, sent to customers); the update to 13.0.1 ships in 3.1.",
	}); err != nil {
		return nil, fmt.Errorf("demo triage: %w", err)
	}
	assess := vigil.RiskAssessmentInput{
		Harm: vigil.HarmSerious,
		HarmRationale: "A stopped drug-library sync leaves pumps on the previous library: a newly added drug or " +
			"changed limit is missing until restart, which can delay or misdose a therapy.",
		CompensatingControls: "Segregated clinical network; MaxDepth workaround; library version shown on the pump screen.",
		LearnedOn:            vigil.DateOf(f.FirstSeenAt),
	}
	fr, err := svc.Triage.FindingRisk(ctx, sc, f.ID)
	if err != nil {
		return nil, err
	}
	if a := fr.Assessment; a == nil || a.RiskAssessmentInput != assess {
		if fr, err = svc.Triage.AssessFinding(ctx, sc, f.ID, assess); err != nil {
			return nil, fmt.Errorf("demo assessment: %w", err)
		}
	}
	step.Finding = fr
	if step.Queue, err = svc.Triage.Queue(ctx, sc, triage.QueueFilter{ReleaseID: &rel.ID, IncludeClosed: true}); err != nil {
		return nil, err
	}
	return step, nil
}
