package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app/triage"
	"github.com/vigil/vigil/internal/risk"
)

// triageRoutes registers triage, patient-safety assessment, the rubric,
// carrying decisions, the prioritised queue and the risk settings.
func (s *Server) triageRoutes() {
	api := s.api
	const (
		get  = http.MethodGet
		post = http.MethodPost
		put  = http.MethodPut
	)
	const (
		notFound = http.StatusNotFound
		conflict = http.StatusConflict // a VEX statement would override a person's decision
		invalid  = http.StatusBadRequest
		tooLarge = http.StatusRequestEntityTooLarge
	)
	huma.Register(api, s.authed(get, "/api/v1/findings/{id}", "get-finding", tagFindings,
		"A finding with its triage decision, base and adjusted CVSS scores, KEV and EPSS, patient-safety assessment, "+
			"FDA postmarket classification with its clocks, and its explained priority.", notFound), s.getFinding)
	huma.Register(api, s.authed(post, "/api/v1/findings/{id}/triage", "triage-finding", tagFindings,
		"Record a triage decision about a finding; it is appended to the finding's history.",
		notFound, invalid, conflict, tooLarge), s.triageFinding)
	huma.Register(api, s.authed(get, "/api/v1/findings/{id}/history", "get-finding-history", tagFindings,
		"A finding's triage history, oldest first: from → to, who, when, why, source.", notFound), s.findingHistory)
	huma.Register(api, created(s.authed(post, "/api/v1/findings/{id}/assessments", "assess-finding", tagFindings,
		"Record a patient-safety assessment (ISO 14971 harm, exploitability override, controls, CVSS overlay, dates); "+
			"the response is the finding's view with the resulting classification.", notFound, invalid, tooLarge)), s.assessFinding)
	huma.Register(api, s.authed(get, "/api/v1/findings/{id}/assessments", "list-finding-assessments", tagFindings,
		"A finding's patient-safety assessments, oldest first (the newest is current).", notFound), s.listAssessments)
	huma.Register(api, s.authed(get, "/api/v1/rubric", "get-rubric", tagFindings,
		"The medical-device CVSS rubric: its questions per base metric, answers and rules."), s.getRubric)
	huma.Register(api, s.authed(get, "/api/v1/findings/{id}/rubric", "get-finding-rubric", tagFindings,
		"A finding's current rubric answers and the CVSS 3.1 vector they give, explained question by question.",
		notFound), s.getFindingRubric)
	huma.Register(api, s.authed(put, "/api/v1/findings/{id}/rubric", "answer-finding-rubric", tagFindings,
		"Answer the rubric for a finding: every question on the way must be answered; the vector it gives becomes "+
			"the finding's. Earlier answers are kept.", notFound, invalid, tooLarge), s.answerFindingRubric)
	huma.Register(api, s.authed(post, "/api/v1/findings/carry", "carry-triage", tagFindings,
		"Carry triage decisions to the product's other releases with the same component version: a preview "+
			"unless apply is true. Decisions a person or a VEX statement made on a target are never replaced.",
		notFound, invalid, tooLarge), s.carryTriage)
	huma.Register(api, s.authed(get, "/api/v1/queue", "get-priority-queue", tagFindings,
		"The prioritised queue: open findings by priority, each with the factors and weights that placed it.",
		notFound), s.queue)
	huma.Register(api, s.authed(get, "/api/v1/org/risk-settings", "get-risk-settings", tagOrgs,
		"The organization's risk settings: FDA clocks, EPSS thresholds, the controlled/uncontrolled matrix, queue weights."),
		s.getRiskSettings)
	huma.Register(api, s.authed(put, "/api/v1/org/risk-settings", "set-risk-settings", tagOrgs,
		"Replace the organization's risk settings.", invalid, tooLarge), s.setRiskSettings)
	huma.Register(api, s.authed(get, "/api/v1/releases/{id}/cvss-environment", "get-cvss-environment", tagReleases,
		"A release's CVSS environment: threat and environmental metrics per CVSS version.", notFound), s.getCVSSEnvironment)
	huma.Register(api, s.authed(put, "/api/v1/releases/{id}/cvss-environment", "set-cvss-environment", tagReleases,
		"Set a release's CVSS environment; base metrics are refused.", notFound, invalid, tooLarge), s.setCVSSEnvironment)
}

type findingRiskOutput struct{ Body *triage.FindingRisk }

type createdFindingRiskOutput struct{ Body *triage.FindingRisk }

func (s *Server) getFinding(ctx context.Context, in *IDPath) (*findingRiskOutput, error) {
	fr, err := s.svc.Triage.FindingRisk(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &findingRiskOutput{Body: fr}, nil
}

// triageBody is a person's decision; VEX statements come in through VEX
// import.
type triageBody struct {
	State         vigil.TriageState   `json:"state" doc:"under_investigation, affected, not_affected, fixed or false_positive."`
	Justification vigil.Justification `json:"justification,omitempty" doc:"Why not affected (required for not_affected)."`
	Response      vigil.Response      `json:"response,omitempty" doc:"What is done: update, workaround_available, will_not_fix, can_not_fix, rollback."`
	Detail        string              `json:"detail" doc:"Why: required." maxLength:"8000"`
}

type triageInput struct {
	IDPath
	Body triageBody
}

type findingOutput struct{ Body *vigil.Finding }

func (s *Server) triageFinding(ctx context.Context, in *triageInput) (*findingOutput, error) {
	b := in.Body
	f, err := s.svc.Triage.TriageFinding(ctx, scopeFrom(ctx), in.ID, vigil.TriageInput{State: b.State, Justification: b.Justification,
		Response: b.Response, Detail: b.Detail, Source: vigil.DecisionHuman})
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &findingOutput{Body: f}, nil
}

type historyOutput struct {
	Body struct {
		Items []*vigil.TriageEvent `json:"items"`
	}
}

func (s *Server) findingHistory(ctx context.Context, in *IDPath) (*historyOutput, error) {
	h, err := s.svc.Triage.FindTriageHistory(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	out := &historyOutput{}
	out.Body.Items = orEmpty(h)
	return out, nil
}

type assessInput struct {
	IDPath
	Body vigil.RiskAssessmentInput
}

func (s *Server) assessFinding(ctx context.Context, in *assessInput) (*createdFindingRiskOutput, error) {
	fr, err := s.svc.Triage.AssessFinding(ctx, scopeFrom(ctx), in.ID, in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &createdFindingRiskOutput{Body: fr}, nil
}

type assessmentsOutput struct {
	Body struct {
		Items []*vigil.RiskAssessment `json:"items"`
	}
}

func (s *Server) listAssessments(ctx context.Context, in *IDPath) (*assessmentsOutput, error) {
	as, err := s.svc.Triage.RiskAssessments(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	out := &assessmentsOutput{}
	out.Body.Items = orEmpty(as)
	return out, nil
}

type rubricOutput struct{ Body *risk.Rubric }

func (s *Server) getRubric(ctx context.Context, _ *struct{}) (*rubricOutput, error) {
	r, err := s.svc.Triage.Rubric()
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &rubricOutput{Body: r}, nil
}

type rubricResultOutput struct{ Body *triage.RubricResult }

func (s *Server) getFindingRubric(ctx context.Context, in *IDPath) (*rubricResultOutput, error) {
	res, err := s.svc.Triage.RubricAnswers(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &rubricResultOutput{Body: res}, nil
}

type rubricAnswersInput struct {
	IDPath
	Body struct {
		Answers map[string]string `json:"answers" doc:"Question id → answer id, for every question on the way (see GET /api/v1/rubric)."`
		Notes   map[string]string `json:"notes,omitempty" doc:"Question id → the assessor's note."`
	}
}

func (s *Server) answerFindingRubric(ctx context.Context, in *rubricAnswersInput) (*rubricResultOutput, error) {
	res, err := s.svc.Triage.AnswerRubric(ctx, scopeFrom(ctx), in.ID, in.Body.Answers, in.Body.Notes)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &rubricResultOutput{Body: res}, nil
}

type carryInput struct{ Body triage.CarryRequest }

type carryOutput struct{ Body *triage.CarryPlan }

func (s *Server) carryTriage(ctx context.Context, in *carryInput) (*carryOutput, error) {
	plan, err := s.svc.Triage.CarryTriage(ctx, scopeFrom(ctx), in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &carryOutput{Body: plan}, nil
}

type queueInput struct {
	ReleaseID int64 `query:"release_id" minimum:"1" doc:"Only this release's findings."`
	All       bool  `query:"all" doc:"Also list closed findings (not affected, false positive, fixed), after the open ones."`
	Overdue   bool  `query:"overdue" doc:"Only findings whose FDA postmarket clock has run out."`
}

type queueOutput struct {
	Body struct {
		Items []*triage.FindingRisk `json:"items"`
	}
}

func (s *Server) queue(ctx context.Context, in *queueInput) (*queueOutput, error) {
	f := triage.QueueFilter{IncludeClosed: in.All, OverdueOnly: in.Overdue}
	if in.ReleaseID != 0 {
		f.ReleaseID = &in.ReleaseID
	}
	q, err := s.svc.Triage.Queue(ctx, scopeFrom(ctx), f)
	if err != nil {
		return nil, problem(ctx, err)
	}
	out := &queueOutput{}
	out.Body.Items = orEmpty(q)
	return out, nil
}

type riskSettingsOutput struct{ Body vigil.RiskSettings }

func (s *Server) getRiskSettings(ctx context.Context, _ *struct{}) (*riskSettingsOutput, error) {
	set, err := s.svc.Triage.RiskSettings(ctx, scopeFrom(ctx))
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &riskSettingsOutput{Body: set}, nil
}

type riskSettingsInput struct{ Body vigil.RiskSettings }

func (s *Server) setRiskSettings(ctx context.Context, in *riskSettingsInput) (*riskSettingsOutput, error) {
	set, err := s.svc.Triage.SetRiskSettings(ctx, scopeFrom(ctx), in.Body)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &riskSettingsOutput{Body: set}, nil
}

type envOutput struct{ Body *vigil.CVSSEnvironment }

func (s *Server) getCVSSEnvironment(ctx context.Context, in *IDPath) (*envOutput, error) {
	e, err := s.svc.Triage.CVSSEnvironment(ctx, scopeFrom(ctx), in.ID)
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &envOutput{Body: e}, nil
}

type envInput struct {
	IDPath
	Body struct {
		CVSS2     string `json:"cvss2,omitempty" doc:"CVSS 2.0 temporal/environmental metrics, e.g. CDP:H/TD:H/CR:H." maxLength:"300"`
		CVSS3     string `json:"cvss3,omitempty" doc:"CVSS 3.x temporal/environmental metrics, e.g. MAV:A/CR:H/IR:H/AR:H." maxLength:"300"`
		CVSS4     string `json:"cvss4,omitempty" doc:"CVSS 4.0 threat/environmental metrics, e.g. MAV:A/CR:H." maxLength:"300"`
		Rationale string `json:"rationale,omitempty" doc:"How the device is deployed." maxLength:"8000"`
	}
}

func (s *Server) setCVSSEnvironment(ctx context.Context, in *envInput) (*envOutput, error) {
	b := in.Body
	e, err := s.svc.Triage.SetCVSSEnvironment(ctx, scopeFrom(ctx), in.ID, vigil.CVSSEnvironment{CVSS2: b.CVSS2, CVSS3: b.CVSS3,
		CVSS4: b.CVSS4, Rationale: b.Rationale})
	if err != nil {
		return nil, problem(ctx, err)
	}
	return &envOutput{Body: e}, nil
}
