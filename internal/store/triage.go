package store

import (
	"context"

	"github.com/vigil/vigil"
)

// TriageTx stores what people (and VEX statements) decide about findings:
// the append-only triage history, whose newest entry per finding is the
// finding's current decision (FindFindings fills Finding.Triage from it),
// the append-only patient-safety assessments and rubric answers, a
// release's CVSS environment and an organization's risk settings.
type TriageTx interface {
	// AddTriageEvent appends an entry to a finding's history and sets
	// its ID. Entries are never updated or deleted.
	AddTriageEvent(ctx context.Context, sc vigil.Scope, e *vigil.TriageEvent) error
	// FindTriageEvents returns a finding's history, oldest first; the
	// history outlives the finding, so an unknown finding has none.
	FindTriageEvents(ctx context.Context, sc vigil.Scope, findingID int64) ([]*vigil.TriageEvent, error)
	// FindTriageDecisions returns the current decision of each finding
	// that has one.
	FindTriageDecisions(ctx context.Context, sc vigil.Scope, findingIDs []int64) (map[int64]*vigil.TriageDecision, error)

	// AddRiskAssessment appends an assessment and sets its ID.
	AddRiskAssessment(ctx context.Context, sc vigil.Scope, a *vigil.RiskAssessment) error
	// FindRiskAssessments returns a finding's assessments, oldest first.
	FindRiskAssessments(ctx context.Context, sc vigil.Scope, findingID int64) ([]*vigil.RiskAssessment, error)
	// FindCurrentRiskAssessments returns the newest assessment of each
	// finding that has one.
	FindCurrentRiskAssessments(ctx context.Context, sc vigil.Scope, findingIDs []int64) (map[int64]*vigil.RiskAssessment, error)

	// AddRubricAnswers appends a pass through the rubric and sets its ID.
	AddRubricAnswers(ctx context.Context, sc vigil.Scope, a *vigil.RubricAnswers) error
	// FindRubricAnswers returns a finding's passes, oldest first.
	FindRubricAnswers(ctx context.Context, sc vigil.Scope, findingID int64) ([]*vigil.RubricAnswers, error)
	// FindCurrentRubricAnswers returns the newest pass of each finding
	// that has one.
	FindCurrentRubricAnswers(ctx context.Context, sc vigil.Scope, findingIDs []int64) (map[int64]*vigil.RubricAnswers, error)

	// PutCVSSEnvironment writes (inserts or replaces) a release's CVSS
	// environment.
	PutCVSSEnvironment(ctx context.Context, sc vigil.Scope, e *vigil.CVSSEnvironment) error
	// FindCVSSEnvironment returns a release's environment, ErrNotFound
	// when it has none.
	FindCVSSEnvironment(ctx context.Context, sc vigil.Scope, releaseID int64) (*vigil.CVSSEnvironment, error)

	// PutRiskSettings writes the organization's risk settings.
	PutRiskSettings(ctx context.Context, sc vigil.Scope, s *vigil.RiskSettings) error
	// FindRiskSettings returns them, ErrNotFound when it set none.
	FindRiskSettings(ctx context.Context, sc vigil.Scope) (*vigil.RiskSettings, error)
}
