package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// SupersedeMDS2Forms retires the current form of a release or candidate.
func (tx *Tx) SupersedeMDS2Forms(ctx context.Context, sc vigil.Scope, releaseID int64, candidate string) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	q, arg := `UPDATE mds2_forms SET superseded_at = ? WHERE org_id = ? AND release_id = ? AND superseded_at IS NULL`, any(releaseID)
	if releaseID == 0 {
		q, arg = `UPDATE mds2_forms SET superseded_at = ? WHERE org_id = ? AND candidate = ? AND release_id IS NULL AND superseded_at IS NULL`, candidate
	}
	if _, err := tx.exec(ctx, q, FormatTime(tx.now), sc.OrgID, arg); err != nil {
		return fmt.Errorf("supersede MDS2 forms: %w", mapError(err))
	}
	return nil
}

// CreateMDS2Form inserts a form and its answers.
func (tx *Tx) CreateMDS2Form(ctx context.Context, sc vigil.Scope, f *vigil.MDS2Form, entries []vigil.MDS2Entry) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	if f.ReleaseID != 0 {
		if err := tx.releaseInScope(ctx, sc, f.ReleaseID); err != nil {
			return err
		}
	}
	f.OrgID, f.CreatedAt, f.Answers, f.SupersededAt = sc.OrgID, tx.now, len(entries), time.Time{}
	err := tx.queryRow(ctx,
		`INSERT INTO mds2_forms (org_id, release_id, candidate, filename, format, sha256, answer_count, issues, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, nullID(f.ReleaseID), f.Candidate, f.Filename, f.Format, f.SHA256, f.Answers, store.JSONArray(f.Issues),
		FormatTime(tx.now)).Scan(&f.ID)
	if err != nil {
		return fmt.Errorf("create MDS2 form of %s: %w", f.Subject(), mapError(err))
	}
	rows := make([][]any, len(entries))
	for i, e := range entries {
		rows[i] = []any{sc.OrgID, f.ID, i, e.QuestionID, string(e.Answer), e.Text, e.Note, e.Sheet, e.Row}
	}
	if err := tx.insertRows(ctx, "mds2_answers",
		[]string{"org_id", "form_id", "seq", "question_id", "answer", "text", "note", "sheet", "row_num"}, rows, ""); err != nil {
		return fmt.Errorf("store answers of MDS2 form %d: %w", f.ID, err)
	}
	return nil
}

const mds2Columns = `id, org_id, release_id, candidate, filename, format, sha256, answer_count, issues, created_at, superseded_at`

func scanMDS2Form(s scanner) (*vigil.MDS2Form, error) {
	var f vigil.MDS2Form
	var release sql.NullInt64
	var issues, created string
	var superseded sql.NullString
	if err := s.Scan(&f.ID, &f.OrgID, &release, &f.Candidate, &f.Filename, &f.Format, &f.SHA256, &f.Answers, &issues,
		&created, &superseded); err != nil {
		return nil, err
	}
	f.ReleaseID = release.Int64
	var err error
	if f.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if f.SupersededAt, err = ParseNullTime(superseded); err != nil {
		return nil, err
	}
	if err := store.UnmarshalArray([]byte(issues), &f.Issues); err != nil {
		return nil, err
	}
	return &f, nil
}

// FindMDS2FormByID returns one form.
func (tx *Tx) FindMDS2FormByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.MDS2Form, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	f, err := scanMDS2Form(tx.queryRow(ctx, `SELECT `+mds2Columns+` FROM mds2_forms WHERE id = ? AND org_id = ?`, id, sc.OrgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("MDS2 form %d: %w", id, vigil.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find MDS2 form %d: %w", id, err)
	}
	return f, nil
}

// FindMDS2Forms lists forms, newest first.
func (tx *Tx) FindMDS2Forms(ctx context.Context, sc vigil.Scope, f vigil.MDS2Filter) ([]*vigil.MDS2Form, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	where, args := []string{"org_id = ?"}, []any{sc.OrgID}
	if f.ReleaseID != nil {
		where, args = append(where, "release_id = ?"), append(args, *f.ReleaseID)
	}
	if f.Candidate != nil {
		where, args = append(where, "candidate = ? AND release_id IS NULL"), append(args, *f.Candidate)
	}
	if f.CandidatesOnly {
		where = append(where, "release_id IS NULL")
	}
	if f.CurrentOnly {
		where = append(where, "superseded_at IS NULL")
	}
	rows, err := tx.query(ctx, `SELECT `+mds2Columns+` FROM mds2_forms WHERE `+strings.Join(where, " AND ")+
		` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("find MDS2 forms: %w", err)
	}
	defer rows.Close()
	var out []*vigil.MDS2Form
	for rows.Next() {
		form, err := scanMDS2Form(rows)
		if err != nil {
			return nil, fmt.Errorf("find MDS2 forms: %w", err)
		}
		out = append(out, form)
	}
	return out, rows.Err()
}

// FindMDS2Entries returns a form's answers in stored order.
func (tx *Tx) FindMDS2Entries(ctx context.Context, sc vigil.Scope, formID int64) ([]vigil.MDS2Entry, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx,
		`SELECT form_id, question_id, answer, text, note, sheet, row_num FROM mds2_answers WHERE org_id = ? AND form_id = ? ORDER BY seq`,
		sc.OrgID, formID)
	if err != nil {
		return nil, fmt.Errorf("find answers of MDS2 form %d: %w", formID, err)
	}
	defer rows.Close()
	var out []vigil.MDS2Entry
	for rows.Next() {
		var e vigil.MDS2Entry
		var answer string
		if err := rows.Scan(&e.FormID, &e.QuestionID, &answer, &e.Text, &e.Note, &e.Sheet, &e.Row); err != nil {
			return nil, fmt.Errorf("find answers of MDS2 form %d: %w", formID, err)
		}
		e.Answer = vigil.MDS2Answer(answer)
		out = append(out, e)
	}
	return out, rows.Err()
}

// DeleteMDS2Form deletes a form and its answers.
func (tx *Tx) DeleteMDS2Form(ctx context.Context, sc vigil.Scope, id int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `DELETE FROM mds2_forms WHERE id = ? AND org_id = ?`, id, sc.OrgID)
	return mustAffect(res, err, fmt.Sprintf("delete MDS2 form %d", id))
}

// SetReleasePorts replaces a release's declared ports.
func (tx *Tx) SetReleasePorts(ctx context.Context, sc vigil.Scope, releaseID int64, ports []vigil.ReleasePort) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	if err := tx.releaseInScope(ctx, sc, releaseID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM release_ports WHERE org_id = ? AND release_id = ?`, sc.OrgID, releaseID); err != nil {
		return fmt.Errorf("set ports of release %d: %w", releaseID, mapError(err))
	}
	for _, p := range ports {
		if _, err := tx.exec(ctx, `INSERT INTO release_ports (org_id, release_id, protocol, port, service) VALUES (?, ?, ?, ?, ?)`,
			sc.OrgID, releaseID, p.Protocol, p.Port, p.Service); err != nil {
			return fmt.Errorf("set ports of release %d: %s: %w", releaseID, p, mapError(err))
		}
	}
	return nil
}

// FindReleasePorts lists a release's declared ports.
func (tx *Tx) FindReleasePorts(ctx context.Context, sc vigil.Scope, releaseID int64) ([]vigil.ReleasePort, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT port, protocol, service FROM release_ports WHERE org_id = ? AND release_id = ? ORDER BY protocol COLLATE "C", port`,
		sc.OrgID, releaseID)
	if err != nil {
		return nil, fmt.Errorf("find ports of release %d: %w", releaseID, err)
	}
	defer rows.Close()
	var out []vigil.ReleasePort
	for rows.Next() {
		var p vigil.ReleasePort
		if err := rows.Scan(&p.Port, &p.Protocol, &p.Service); err != nil {
			return nil, fmt.Errorf("find ports of release %d: %w", releaseID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// releaseInScope reports ErrNotFound unless the release belongs to sc.
func (tx *Tx) releaseInScope(ctx context.Context, sc vigil.Scope, id int64) error {
	var one int
	err := tx.queryRow(ctx, `SELECT 1 FROM releases WHERE id = ? AND org_id = ?`, id, sc.OrgID).Scan(&one)
	if err != nil {
		return notFound(err, fmt.Sprintf("release %d", id))
	}
	return nil
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, vigil.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, mapError(err))
}
