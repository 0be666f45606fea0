package httpapi_test

import (
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/knowledge"
	"github.com/vigil/vigil/internal/app/triage"
)

func TestTriageAPI(t *testing.T) {
	e := newEnv(t)
	tokA := e.org(t, "org-a")
	tokB := e.org(t, "org-b")
	raw, err := os.ReadFile(demoSBOM)
	if err != nil {
		t.Fatal(err)
	}
	var p vigil.Product
	e.do(t, "POST", "/api/v1/products", tokA, vigil.ProductInput{Name: "Pump", Manufacturer: "Acme"}).want(t, http.StatusCreated, &p)
	var rels []vigil.Release
	for _, v := range []string{"3.0", "3.1"} {
		var r vigil.Release
		e.do(t, "POST", fmt.Sprintf("/api/v1/products/%d/releases", p.ID), tokA, vigil.ReleaseInput{Version: v}).want(t, http.StatusCreated, &r)
		e.send(t, fmt.Sprintf("/api/v1/releases/%d/sbom", r.ID), tokA, raw, "application/json").want(t, http.StatusCreated, nil)
		rels = append(rels, r)
	}
	if _, err := e.svc.Knowledge.ImportFeeds(t.Context(), []string{"../demo/data/feeds/osv"}, knowledge.FeedOptions{}); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Items []vigil.Finding `json:"items"`
	}
	e.do(t, "GET", fmt.Sprintf("/api/v1/releases/%d/findings", rels[0].ID), tokA, nil).want(t, http.StatusOK, &list)
	var jq int64
	for _, f := range list.Items {
		if f.VulnID == "CVE-2020-11022" {
			jq = f.ID
		}
	}
	if jq == 0 {
		t.Fatalf("findings = %+v", list.Items)
	}
	path := fmt.Sprintf("/api/v1/findings/%d", jq)

	// Triage: invalid input is a 422 naming the field; another org sees nothing.
	pr := e.do(t, "POST", path+"/triage", tokA, map[string]any{"state": "not_affected", "detail": "x"}).problem(t, http.StatusUnprocessableEntity)
	if len(pr.Errors) != 1 || pr.Errors[0].Location != "body.justification" {
		t.Errorf("problem = %+v", pr)
	}
	e.do(t, "POST", path+"/triage", tokA, map[string]any{"state": "maybe", "detail": "x"}).problem(t, http.StatusUnprocessableEntity)
	e.do(t, "POST", path+"/triage", tokB, map[string]any{"state": "affected", "detail": "x"}).problem(t, http.StatusNotFound)
	var f vigil.Finding
	e.do(t, "POST", path+"/triage", tokA, map[string]any{"state": "affected", "response": "update", "detail": "fixed in 3.0.1"}).want(t, http.StatusOK, &f)
	if f.Triage == nil || f.Triage.State != vigil.TriageAffected || f.Triage.Source != vigil.DecisionHuman {
		t.Fatalf("triaged = %+v", f.Triage)
	}
	var hist struct {
		Items []vigil.TriageEvent `json:"items"`
	}
	e.do(t, "GET", path+"/history", tokA, nil).want(t, http.StatusOK, &hist)
	if len(hist.Items) != 1 || hist.Items[0].From != vigil.TriageUnderInvestigation || hist.Items[0].Detail != "fixed in 3.0.1" {
		t.Errorf("history = %+v", hist)
	}
	e.do(t, "GET", path+"/history", tokB, nil).problem(t, http.StatusNotFound)

	// Rubric: questions, a bad pass, a good one.
	var rubric struct {
		ID      string `json:"id"`
		Metrics []struct {
			Metric    string `json:"metric"`
			Questions []struct {
				ID string `json:"id"`
			} `json:"questions"`
		} `json:"metrics"`
	}
	e.do(t, "GET", "/api/v1/rubric", tokA, nil).want(t, http.StatusOK, &rubric)
	if rubric.ID != "mitre-medical" || len(rubric.Metrics) != 8 || len(rubric.Metrics[5].Questions) != 6 {
		t.Fatalf("rubric = %+v", rubric)
	}
	e.do(t, "GET", path+"/rubric", tokA, nil).problem(t, http.StatusNotFound)
	answers := map[string]string{"av_network": "yes", "av_layer34": "yes", "ac_conditions": "no", "pr_auth": "no", "ui_user": "no", "s_authority": "no"}
	for _, m := range rubric.Metrics[5:] {
		for _, q := range m.Questions {
			answers[q.ID] = "none"
		}
	}
	answers["a_therapy_delivery"] = "total"
	bad := map[string]string{"av_network": "yes"}
	pr = e.do(t, "PUT", path+"/rubric", tokA, map[string]any{"answers": bad}).problem(t, http.StatusUnprocessableEntity)
	if len(pr.Errors) < 5 {
		t.Errorf("incomplete answers: %+v", pr)
	}
	var res triage.RubricResult
	e.do(t, "PUT", path+"/rubric", tokA, map[string]any{"answers": answers, "notes": map[string]string{"ui_user": "pushed over the network"}}).want(t, http.StatusOK, &res)
	if res.Derivation.Vector != "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H" || len(res.Derivation.Metrics) != 8 {
		t.Errorf("rubric result = %+v", res.Derivation)
	}
	e.do(t, "PUT", path+"/rubric", tokB, map[string]any{"answers": answers}).problem(t, http.StatusNotFound)

	// Environment, assessment, the view.
	envPath := fmt.Sprintf("/api/v1/releases/%d/cvss-environment", rels[0].ID)
	e.do(t, "PUT", envPath, tokA, map[string]any{"cvss3": "AV:L"}).problem(t, http.StatusUnprocessableEntity)
	e.do(t, "PUT", envPath, tokA, map[string]any{"cvss3": "MAV:A/AR:H", "rationale": "clinical VLAN"}).want(t, http.StatusOK, nil)
	e.do(t, "PUT", envPath, tokB, map[string]any{"cvss3": "MAV:A"}).problem(t, http.StatusNotFound)
	var fr triage.FindingRisk
	e.do(t, "POST", path+"/assessments", tokA, map[string]any{"harm": "catastrophic", "harm_rationale": "infusion stops"}).want(t, http.StatusCreated, &fr)
	ev := fr.Evaluation
	if !ev.Scores.Adjusted || ev.Scores.Base != 7.5 || ev.Class != vigil.RiskUncontrolled || len(ev.Clocks) != 2 {
		t.Errorf("assessed = %+v", ev)
	}
	e.do(t, "POST", path+"/assessments", tokA, map[string]any{"harm": "deadly", "harm_rationale": "x"}).problem(t, http.StatusUnprocessableEntity)
	e.do(t, "GET", path, tokB, nil).problem(t, http.StatusNotFound)
	var as struct {
		Items []vigil.RiskAssessment `json:"items"`
	}
	e.do(t, "GET", path+"/assessments", tokA, nil).want(t, http.StatusOK, &as)
	if len(as.Items) != 1 || as.Items[0].Harm != vigil.HarmCatastrophic {
		t.Errorf("assessments = %+v", as)
	}

	// Carry: preview then apply.
	var plan triage.CarryPlan
	e.do(t, "POST", "/api/v1/findings/carry", tokA, map[string]any{"finding_ids": []int64{jq}, "apply": false}).want(t, http.StatusOK, &plan)
	if plan.Applied || plan.Carried != 1 {
		t.Errorf("preview = %+v", plan)
	}
	e.do(t, "POST", "/api/v1/findings/carry", tokA, map[string]any{"release_id": rels[0].ID, "apply": true}).want(t, http.StatusOK, &plan)
	if !plan.Applied || plan.Carried != 1 {
		t.Errorf("apply = %+v", plan)
	}
	e.do(t, "POST", "/api/v1/findings/carry", tokB, map[string]any{"finding_ids": []int64{jq}, "apply": true}).problem(t, http.StatusNotFound)

	// The queue: the explained order.
	var q struct {
		Items []triage.FindingRisk `json:"items"`
	}
	e.do(t, "GET", "/api/v1/queue?all=true", tokA, nil).want(t, http.StatusOK, &q)
	if len(q.Items) != 6 || q.Items[0].Finding.ID != jq || len(q.Items[0].Priority.Factors) != 7 {
		t.Fatalf("queue = %d items, first %+v", len(q.Items), q.Items[0].Finding)
	}
	e.do(t, "GET", "/api/v1/queue", tokB, nil).want(t, http.StatusOK, &q)
	if len(q.Items) != 0 {
		t.Errorf("another org's queue: %d items", len(q.Items))
	}
	e.do(t, "GET", fmt.Sprintf("/api/v1/queue?release_id=%d", rels[0].ID), tokB, nil).problem(t, http.StatusNotFound)

	// Settings.
	var set vigil.RiskSettings
	e.do(t, "GET", "/api/v1/org/risk-settings", tokA, nil).want(t, http.StatusOK, &set)
	if set.NotifyDays != 30 || set.RemediateDays != 60 {
		t.Errorf("default settings = %+v", set)
	}
	set.NotifyDays = 0
	e.do(t, "PUT", "/api/v1/org/risk-settings", tokA, set).problem(t, http.StatusUnprocessableEntity)
	set.NotifyDays = 14
	e.do(t, "PUT", "/api/v1/org/risk-settings", tokA, set).want(t, http.StatusOK, &set)
	e.do(t, "GET", "/api/v1/org/risk-settings", tokB, nil).want(t, http.StatusOK, &set)
	if set.NotifyDays != 30 {
		t.Errorf("org-b settings changed: %+v", set)
	}
}
