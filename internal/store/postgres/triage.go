package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// AddTriageEvent appends to a finding's triage history.
func (tx *Tx) AddTriageEvent(ctx context.Context, sc vigil.Scope, e *vigil.TriageEvent) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	e.OrgID, e.At = sc.OrgID, tx.Now()
	if !e.SourceTime.IsZero() {
		e.SourceTime = storedTime(e.SourceTime)
	}
	carried := pgtype.Int8{Int64: e.CarriedFromID, Valid: e.CarriedFromID != 0}
	err := tx.tx.QueryRow(ctx,
		`INSERT INTO triage_events (org_id, finding_id, release_id, vuln_id, component_key, component_version, from_state, state,
			justification, response, detail, source, source_ref, source_time, carried_from_id, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		sc.OrgID, e.FindingID, e.ReleaseID, e.VulnID, e.ComponentKey, e.ComponentVersion, string(e.From), string(e.State),
		string(e.Justification), string(e.Response), e.Detail, string(e.Source), e.SourceRef, nullTime(e.SourceTime),
		carried, e.Actor, e.At).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("triage finding %d: %w", e.FindingID, mapError(err))
	}
	return nil
}

const triageColumns = `id, org_id, finding_id, release_id, vuln_id, component_key, component_version, from_state, state,
	justification, response, detail, source, source_ref, source_time, carried_from_id, actor, at`

func scanTriageEvent(rows pgx.Rows) (*vigil.TriageEvent, error) {
	var e vigil.TriageEvent
	var from, state, just, resp, src string
	var srcTime pgtype.Timestamptz
	var carried pgtype.Int8
	if err := rows.Scan(&e.ID, &e.OrgID, &e.FindingID, &e.ReleaseID, &e.VulnID, &e.ComponentKey, &e.ComponentVersion, &from, &state,
		&just, &resp, &e.Detail, &src, &e.SourceRef, &srcTime, &carried, &e.Actor, &e.At); err != nil {
		return nil, fmt.Errorf("triage history: %w", err)
	}
	e.From, e.State, e.Justification, e.Response = vigil.TriageState(from), vigil.TriageState(state), vigil.Justification(just), vigil.Response(resp)
	e.Source, e.CarriedFromID, e.SourceTime, e.At = vigil.DecisionSource(src), carried.Int64, timeOf(srcTime), e.At.UTC()
	return &e, nil
}

// FindTriageEvents returns a finding's history, oldest first.
func (tx *Tx) FindTriageEvents(ctx context.Context, sc vigil.Scope, findingID int64) ([]*vigil.TriageEvent, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.tx.Query(ctx, `SELECT `+triageColumns+` FROM triage_events WHERE org_id = $1 AND finding_id = $2 ORDER BY id`,
		sc.OrgID, findingID)
	if err != nil {
		return nil, fmt.Errorf("triage history of finding %d: %w", findingID, err)
	}
	defer rows.Close()
	var out []*vigil.TriageEvent
	for rows.Next() {
		e, err := scanTriageEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// eachNewest runs query over the newest row per finding of ids; the
// query takes the org id as $1 and the ids as the array $2.
func (tx *Tx) eachNewest(ctx context.Context, sc vigil.Scope, query string, ids []int64, fn func(pgx.Rows) error) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.tx.Query(ctx, query, sc.OrgID, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// FindTriageDecisions returns each finding's newest history entry.
func (tx *Tx) FindTriageDecisions(ctx context.Context, sc vigil.Scope, findingIDs []int64) (map[int64]*vigil.TriageDecision, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	out := map[int64]*vigil.TriageDecision{}
	err := tx.eachNewest(ctx, sc, `SELECT DISTINCT ON (finding_id) `+triageColumns+` FROM triage_events
		WHERE org_id = $1 AND finding_id = ANY($2) ORDER BY finding_id, id DESC`, findingIDs,
		func(rows pgx.Rows) error {
			e, err := scanTriageEvent(rows)
			if err != nil {
				return err
			}
			out[e.FindingID] = &e.TriageDecision
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("triage decisions: %w", err)
	}
	return out, nil
}

// attachTriage fills the current decision of each finding.
func (tx *Tx) attachTriage(ctx context.Context, sc vigil.Scope, fs []*vigil.Finding) error {
	if len(fs) == 0 {
		return nil
	}
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	ds, err := tx.FindTriageDecisions(ctx, sc, ids)
	if err != nil {
		return err
	}
	for _, f := range fs {
		f.Triage = ds[f.ID]
	}
	return nil
}

// AddRiskAssessment appends an assessment.
func (tx *Tx) AddRiskAssessment(ctx context.Context, sc vigil.Scope, a *vigil.RiskAssessment) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	a.OrgID, a.At = sc.OrgID, tx.Now()
	doc, err := json.Marshal(a.RiskAssessmentInput)
	if err != nil {
		return err
	}
	err = tx.tx.QueryRow(ctx, `INSERT INTO risk_assessments (org_id, finding_id, doc, actor, at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		sc.OrgID, a.FindingID, doc, a.Actor, a.At).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("assess finding %d: %w", a.FindingID, mapError(err))
	}
	return nil
}

func scanAssessment(rows pgx.Rows) (*vigil.RiskAssessment, error) {
	var a vigil.RiskAssessment
	var doc []byte
	if err := rows.Scan(&a.ID, &a.OrgID, &a.FindingID, &doc, &a.Actor, &a.At); err != nil {
		return nil, fmt.Errorf("risk assessments: %w", err)
	}
	if err := json.Unmarshal(doc, &a.RiskAssessmentInput); err != nil {
		return nil, fmt.Errorf("stored assessment %d: %w", a.ID, err)
	}
	a.At = a.At.UTC()
	return &a, nil
}

// FindRiskAssessments returns a finding's assessments, oldest first.
func (tx *Tx) FindRiskAssessments(ctx context.Context, sc vigil.Scope, findingID int64) ([]*vigil.RiskAssessment, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.tx.Query(ctx, `SELECT id, org_id, finding_id, doc, actor, at FROM risk_assessments
		WHERE org_id = $1 AND finding_id = $2 ORDER BY id`, sc.OrgID, findingID)
	if err != nil {
		return nil, fmt.Errorf("risk assessments of finding %d: %w", findingID, err)
	}
	defer rows.Close()
	var out []*vigil.RiskAssessment
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FindCurrentRiskAssessments returns each finding's newest assessment.
func (tx *Tx) FindCurrentRiskAssessments(ctx context.Context, sc vigil.Scope, findingIDs []int64) (map[int64]*vigil.RiskAssessment, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	out := map[int64]*vigil.RiskAssessment{}
	err := tx.eachNewest(ctx, sc, `SELECT DISTINCT ON (finding_id) id, org_id, finding_id, doc, actor, at FROM risk_assessments
		WHERE org_id = $1 AND finding_id = ANY($2) ORDER BY finding_id, id DESC`, findingIDs,
		func(rows pgx.Rows) error {
			a, err := scanAssessment(rows)
			if err != nil {
				return err
			}
			out[a.FindingID] = a
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("risk assessments: %w", err)
	}
	return out, nil
}

// AddRubricAnswers appends a pass through the rubric.
func (tx *Tx) AddRubricAnswers(ctx context.Context, sc vigil.Scope, a *vigil.RubricAnswers) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	a.OrgID, a.At = sc.OrgID, tx.Now()
	answers, err := json.Marshal(a.Answers)
	if err != nil {
		return err
	}
	notes, err := json.Marshal(a.Notes)
	if err != nil {
		return err
	}
	err = tx.tx.QueryRow(ctx, `INSERT INTO rubric_answers (org_id, finding_id, rubric, answers, notes, vector, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		sc.OrgID, a.FindingID, a.Rubric, answers, notes, a.Vector, a.Actor, a.At).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("rubric answers of finding %d: %w", a.FindingID, mapError(err))
	}
	return nil
}

const rubricColumns = `id, org_id, finding_id, rubric, answers, notes, vector, actor, at`

func scanRubric(rows pgx.Rows) (*vigil.RubricAnswers, error) {
	var a vigil.RubricAnswers
	var answers, notes []byte
	if err := rows.Scan(&a.ID, &a.OrgID, &a.FindingID, &a.Rubric, &answers, &notes, &a.Vector, &a.Actor, &a.At); err != nil {
		return nil, fmt.Errorf("rubric answers: %w", err)
	}
	if err := json.Unmarshal(answers, &a.Answers); err != nil {
		return nil, fmt.Errorf("stored rubric answers %d: %w", a.ID, err)
	}
	if err := json.Unmarshal(notes, &a.Notes); err != nil {
		return nil, fmt.Errorf("stored rubric notes %d: %w", a.ID, err)
	}
	a.At = a.At.UTC()
	return &a, nil
}

// FindRubricAnswers returns a finding's passes, oldest first.
func (tx *Tx) FindRubricAnswers(ctx context.Context, sc vigil.Scope, findingID int64) ([]*vigil.RubricAnswers, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.tx.Query(ctx, `SELECT `+rubricColumns+` FROM rubric_answers WHERE org_id = $1 AND finding_id = $2 ORDER BY id`,
		sc.OrgID, findingID)
	if err != nil {
		return nil, fmt.Errorf("rubric answers of finding %d: %w", findingID, err)
	}
	defer rows.Close()
	var out []*vigil.RubricAnswers
	for rows.Next() {
		a, err := scanRubric(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FindCurrentRubricAnswers returns each finding's newest pass.
func (tx *Tx) FindCurrentRubricAnswers(ctx context.Context, sc vigil.Scope, findingIDs []int64) (map[int64]*vigil.RubricAnswers, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	out := map[int64]*vigil.RubricAnswers{}
	err := tx.eachNewest(ctx, sc, `SELECT DISTINCT ON (finding_id) `+rubricColumns+` FROM rubric_answers
		WHERE org_id = $1 AND finding_id = ANY($2) ORDER BY finding_id, id DESC`, findingIDs,
		func(rows pgx.Rows) error {
			a, err := scanRubric(rows)
			if err != nil {
				return err
			}
			out[a.FindingID] = a
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("rubric answers: %w", err)
	}
	return out, nil
}

// PutCVSSEnvironment writes a release's CVSS environment.
func (tx *Tx) PutCVSSEnvironment(ctx context.Context, sc vigil.Scope, e *vigil.CVSSEnvironment) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	e.UpdatedAt = tx.Now()
	_, err := tx.tx.Exec(ctx, `INSERT INTO release_cvss_environments (org_id, release_id, cvss2, cvss3, cvss4, rationale, actor, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (org_id, release_id) DO UPDATE SET cvss2 = excluded.cvss2, cvss3 = excluded.cvss3, cvss4 = excluded.cvss4,
			rationale = excluded.rationale, actor = excluded.actor, updated_at = excluded.updated_at`,
		sc.OrgID, e.ReleaseID, e.CVSS2, e.CVSS3, e.CVSS4, e.Rationale, e.Actor, e.UpdatedAt)
	if err != nil {
		return fmt.Errorf("CVSS environment of release %d: %w", e.ReleaseID, mapError(err))
	}
	return nil
}

// FindCVSSEnvironment returns a release's CVSS environment.
func (tx *Tx) FindCVSSEnvironment(ctx context.Context, sc vigil.Scope, releaseID int64) (*vigil.CVSSEnvironment, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	e := vigil.CVSSEnvironment{ReleaseID: releaseID}
	err := tx.tx.QueryRow(ctx, `SELECT cvss2, cvss3, cvss4, rationale, actor, updated_at FROM release_cvss_environments
		WHERE org_id = $1 AND release_id = $2`, sc.OrgID, releaseID).Scan(&e.CVSS2, &e.CVSS3, &e.CVSS4, &e.Rationale, &e.Actor, &e.UpdatedAt)
	if err != nil {
		return nil, notFoundIfNoRows(err, fmt.Sprintf("CVSS environment of release %d", releaseID))
	}
	e.UpdatedAt = e.UpdatedAt.UTC()
	return &e, nil
}

// PutRiskSettings writes the organization's risk settings.
func (tx *Tx) PutRiskSettings(ctx context.Context, sc vigil.Scope, s *vigil.RiskSettings) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	s.UpdatedAt = tx.Now()
	doc, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = tx.tx.Exec(ctx, `INSERT INTO org_risk_settings (org_id, settings, actor, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id) DO UPDATE SET settings = excluded.settings, actor = excluded.actor, updated_at = excluded.updated_at`,
		sc.OrgID, doc, s.Actor, s.UpdatedAt)
	if err != nil {
		return fmt.Errorf("risk settings: %w", mapError(err))
	}
	return nil
}

// FindRiskSettings returns the organization's risk settings.
func (tx *Tx) FindRiskSettings(ctx context.Context, sc vigil.Scope) (*vigil.RiskSettings, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	var doc []byte
	err := tx.tx.QueryRow(ctx, `SELECT settings FROM org_risk_settings WHERE org_id = $1`, sc.OrgID).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("risk settings: %w", vigil.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("risk settings: %w", err)
	}
	var s vigil.RiskSettings
	if err := json.Unmarshal(doc, &s); err != nil {
		return nil, fmt.Errorf("stored risk settings: %w", err)
	}
	s.UpdatedAt = s.UpdatedAt.UTC()
	return &s, nil
}
