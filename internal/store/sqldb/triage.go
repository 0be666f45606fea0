package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// AddTriageEvent appends to a finding's triage history.
func (tx *Tx) AddTriageEvent(ctx context.Context, sc vigil.Scope, e *vigil.TriageEvent) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	e.OrgID, e.At = sc.OrgID, StoredTime(tx.now)
	var carried sql.NullInt64
	if e.CarriedFromID != 0 {
		carried = sql.NullInt64{Int64: e.CarriedFromID, Valid: true}
	}
	err := tx.queryRow(ctx,
		`INSERT INTO triage_events (org_id, finding_id, release_id, vuln_id, component_key, component_version, from_state, state,
			justification, response, detail, source, source_ref, source_time, carried_from_id, actor, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, e.FindingID, e.ReleaseID, e.VulnID, e.ComponentKey, e.ComponentVersion, string(e.From), string(e.State),
		string(e.Justification), string(e.Response), e.Detail, string(e.Source), e.SourceRef, FormatNullTime(e.SourceTime),
		carried, e.Actor, FormatTime(e.At)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("triage finding %d: %w", e.FindingID, mapError(err))
	}
	if !e.SourceTime.IsZero() {
		e.SourceTime = StoredTime(e.SourceTime)
	}
	return nil
}

const triageColumns = `id, org_id, finding_id, release_id, vuln_id, component_key, component_version, from_state, state,
	justification, response, detail, source, source_ref, source_time, carried_from_id, actor, at`

func scanTriageEvent(rows *sql.Rows) (*vigil.TriageEvent, error) {
	var e vigil.TriageEvent
	var from, state, just, resp, src, at string
	var srcTime sql.NullString
	var carried sql.NullInt64
	if err := rows.Scan(&e.ID, &e.OrgID, &e.FindingID, &e.ReleaseID, &e.VulnID, &e.ComponentKey, &e.ComponentVersion, &from, &state,
		&just, &resp, &e.Detail, &src, &e.SourceRef, &srcTime, &carried, &e.Actor, &at); err != nil {
		return nil, fmt.Errorf("triage history: %w", err)
	}
	e.From, e.State, e.Justification, e.Response = vigil.TriageState(from), vigil.TriageState(state), vigil.Justification(just), vigil.Response(resp)
	e.Source, e.CarriedFromID = vigil.DecisionSource(src), carried.Int64
	var err error
	if e.SourceTime, err = ParseNullTime(srcTime); err != nil {
		return nil, err
	}
	if e.At, err = parseTime(at); err != nil {
		return nil, err
	}
	return &e, nil
}

// FindTriageEvents returns a finding's history, oldest first.
func (tx *Tx) FindTriageEvents(ctx context.Context, sc vigil.Scope, findingID int64) ([]*vigil.TriageEvent, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT `+triageColumns+` FROM triage_events WHERE org_id = ? AND finding_id = ? ORDER BY id`,
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

// eachIDBatch runs query, whose "%s" is replaced by an IN list, over ids
// in batches, with the org id as the first argument.
func (tx *Tx) eachIDBatch(ctx context.Context, sc vigil.Scope, query string, ids []int64, fn func(*sql.Rows) error) error {
	for len(ids) > 0 {
		n := min(len(ids), idBatch)
		args := make([]any, 0, n+1)
		args = append(args, sc.OrgID)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		ids = ids[n:]
		rows, err := tx.query(ctx, fmt.Sprintf(query, "?"+strings.Repeat(", ?", n-1)), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := fn(rows); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
	}
	return nil
}

// FindTriageDecisions returns each finding's newest history entry.
func (tx *Tx) FindTriageDecisions(ctx context.Context, sc vigil.Scope, findingIDs []int64) (map[int64]*vigil.TriageDecision, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	out := map[int64]*vigil.TriageDecision{}
	err := tx.eachIDBatch(ctx, sc, `SELECT `+triageColumns+` FROM triage_events WHERE id IN (
		SELECT MAX(id) FROM triage_events WHERE org_id = ? AND finding_id IN (%s) GROUP BY finding_id)`, findingIDs,
		func(rows *sql.Rows) error {
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
	a.OrgID, a.At = sc.OrgID, StoredTime(tx.now)
	doc, err := json.Marshal(a.RiskAssessmentInput)
	if err != nil {
		return err
	}
	err = tx.queryRow(ctx, `INSERT INTO risk_assessments (org_id, finding_id, doc, actor, at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, a.FindingID, string(doc), a.Actor, FormatTime(a.At)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("assess finding %d: %w", a.FindingID, mapError(err))
	}
	return nil
}

func scanAssessment(rows *sql.Rows) (*vigil.RiskAssessment, error) {
	var a vigil.RiskAssessment
	var doc, at string
	if err := rows.Scan(&a.ID, &a.OrgID, &a.FindingID, &doc, &a.Actor, &at); err != nil {
		return nil, fmt.Errorf("risk assessments: %w", err)
	}
	if err := json.Unmarshal([]byte(doc), &a.RiskAssessmentInput); err != nil {
		return nil, fmt.Errorf("stored assessment %d: %w", a.ID, err)
	}
	var err error
	a.At, err = parseTime(at)
	return &a, err
}

// FindRiskAssessments returns a finding's assessments, oldest first.
func (tx *Tx) FindRiskAssessments(ctx context.Context, sc vigil.Scope, findingID int64) ([]*vigil.RiskAssessment, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT id, org_id, finding_id, doc, actor, at FROM risk_assessments
		WHERE org_id = ? AND finding_id = ? ORDER BY id`, sc.OrgID, findingID)
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
	err := tx.eachIDBatch(ctx, sc, `SELECT id, org_id, finding_id, doc, actor, at FROM risk_assessments WHERE id IN (
		SELECT MAX(id) FROM risk_assessments WHERE org_id = ? AND finding_id IN (%s) GROUP BY finding_id)`, findingIDs,
		func(rows *sql.Rows) error {
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
	a.OrgID, a.At = sc.OrgID, StoredTime(tx.now)
	answers, err := json.Marshal(a.Answers)
	if err != nil {
		return err
	}
	notes, err := json.Marshal(a.Notes)
	if err != nil {
		return err
	}
	err = tx.queryRow(ctx, `INSERT INTO rubric_answers (org_id, finding_id, rubric, answers, notes, vector, actor, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, a.FindingID, a.Rubric, string(answers), string(notes), a.Vector, a.Actor, FormatTime(a.At)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("rubric answers of finding %d: %w", a.FindingID, mapError(err))
	}
	return nil
}

func scanRubric(rows *sql.Rows) (*vigil.RubricAnswers, error) {
	var a vigil.RubricAnswers
	var answers, notes, at string
	if err := rows.Scan(&a.ID, &a.OrgID, &a.FindingID, &a.Rubric, &answers, &notes, &a.Vector, &a.Actor, &at); err != nil {
		return nil, fmt.Errorf("rubric answers: %w", err)
	}
	if err := json.Unmarshal([]byte(answers), &a.Answers); err != nil {
		return nil, fmt.Errorf("stored rubric answers %d: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(notes), &a.Notes); err != nil {
		return nil, fmt.Errorf("stored rubric notes %d: %w", a.ID, err)
	}
	var err error
	a.At, err = parseTime(at)
	return &a, err
}

const rubricColumns = `id, org_id, finding_id, rubric, answers, notes, vector, actor, at`

// FindRubricAnswers returns a finding's passes, oldest first.
func (tx *Tx) FindRubricAnswers(ctx context.Context, sc vigil.Scope, findingID int64) ([]*vigil.RubricAnswers, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT `+rubricColumns+` FROM rubric_answers WHERE org_id = ? AND finding_id = ? ORDER BY id`,
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
	err := tx.eachIDBatch(ctx, sc, `SELECT `+rubricColumns+` FROM rubric_answers WHERE id IN (
		SELECT MAX(id) FROM rubric_answers WHERE org_id = ? AND finding_id IN (%s) GROUP BY finding_id)`, findingIDs,
		func(rows *sql.Rows) error {
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
	e.UpdatedAt = StoredTime(tx.now)
	_, err := tx.exec(ctx, `INSERT INTO release_cvss_environments (org_id, release_id, cvss2, cvss3, cvss4, rationale, actor, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id, release_id) DO UPDATE SET cvss2 = excluded.cvss2, cvss3 = excluded.cvss3, cvss4 = excluded.cvss4,
			rationale = excluded.rationale, actor = excluded.actor, updated_at = excluded.updated_at`,
		sc.OrgID, e.ReleaseID, e.CVSS2, e.CVSS3, e.CVSS4, e.Rationale, e.Actor, FormatTime(e.UpdatedAt))
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
	var at string
	err := tx.queryRow(ctx, `SELECT cvss2, cvss3, cvss4, rationale, actor, updated_at FROM release_cvss_environments
		WHERE org_id = ? AND release_id = ?`, sc.OrgID, releaseID).Scan(&e.CVSS2, &e.CVSS3, &e.CVSS4, &e.Rationale, &e.Actor, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("CVSS environment of release %d: %w", releaseID, vigil.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("CVSS environment of release %d: %w", releaseID, err)
	}
	if e.UpdatedAt, err = parseTime(at); err != nil {
		return nil, err
	}
	return &e, nil
}

// PutRiskSettings writes the organization's risk settings.
func (tx *Tx) PutRiskSettings(ctx context.Context, sc vigil.Scope, s *vigil.RiskSettings) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	s.UpdatedAt = StoredTime(tx.now)
	doc, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO org_risk_settings (org_id, settings, actor, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (org_id) DO UPDATE SET settings = excluded.settings, actor = excluded.actor, updated_at = excluded.updated_at`,
		sc.OrgID, string(doc), s.Actor, FormatTime(s.UpdatedAt))
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
	var doc string
	err := tx.queryRow(ctx, `SELECT settings FROM org_risk_settings WHERE org_id = ?`, sc.OrgID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("risk settings: %w", vigil.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("risk settings: %w", err)
	}
	var s vigil.RiskSettings
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		return nil, fmt.Errorf("stored risk settings: %w", err)
	}
	return &s, nil
}
