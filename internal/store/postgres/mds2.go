package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// SupersedeMDS2Forms retires the current form of a release or candidate.
func (tx *Tx) SupersedeMDS2Forms(ctx context.Context, sc vigil.Scope, releaseID int64, candidate string) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	q, arg := `UPDATE mds2_forms SET superseded_at = $1 WHERE org_id = $2 AND release_id = $3 AND superseded_at IS NULL`, any(releaseID)
	if releaseID == 0 {
		q, arg = `UPDATE mds2_forms SET superseded_at = $1 WHERE org_id = $2 AND candidate = $3 AND release_id IS NULL AND superseded_at IS NULL`, candidate
	}
	if _, err := tx.tx.Exec(ctx, q, tx.Now(), sc.OrgID, arg); err != nil {
		return fmt.Errorf("supersede MDS2 forms: %w", mapError(err))
	}
	return nil
}

// CreateMDS2Form inserts a form and copies its answers in.
func (tx *Tx) CreateMDS2Form(ctx context.Context, sc vigil.Scope, f *vigil.MDS2Form, entries []vigil.MDS2Entry) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	if f.ReleaseID != 0 {
		if err := tx.releaseInScope(ctx, sc, f.ReleaseID); err != nil {
			return err
		}
	}
	f.OrgID, f.CreatedAt, f.Answers, f.SupersededAt = sc.OrgID, tx.Now(), len(entries), time.Time{}
	err := tx.tx.QueryRow(ctx,
		`INSERT INTO mds2_forms (org_id, release_id, candidate, filename, format, sha256, answer_count, issues, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		sc.OrgID, nullID(f.ReleaseID), f.Candidate, f.Filename, f.Format, f.SHA256, f.Answers, store.JSONArray(f.Issues),
		tx.Now()).Scan(&f.ID)
	if err != nil {
		return fmt.Errorf("create MDS2 form of %s: %w", f.Subject(), mapError(err))
	}
	rows := make([][]any, len(entries))
	for i, e := range entries {
		rows[i] = []any{sc.OrgID, f.ID, i, e.QuestionID, string(e.Answer), e.Text, e.Note, e.Sheet, e.Row}
	}
	if _, err := tx.tx.CopyFrom(ctx, pgx.Identifier{"mds2_answers"},
		[]string{"org_id", "form_id", "seq", "question_id", "answer", "text", "note", "sheet", "row_num"},
		pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("store answers of MDS2 form %d: %w", f.ID, mapError(err))
	}
	return nil
}

const mds2Columns = `id, org_id, release_id, candidate, filename, format, sha256, answer_count, issues, created_at, superseded_at`

func scanMDS2Form(row pgx.Row) (*vigil.MDS2Form, error) {
	var f vigil.MDS2Form
	var release pgtype.Int8
	var issues []byte
	var superseded pgtype.Timestamptz
	if err := row.Scan(&f.ID, &f.OrgID, &release, &f.Candidate, &f.Filename, &f.Format, &f.SHA256, &f.Answers, &issues,
		&f.CreatedAt, &superseded); err != nil {
		return nil, err
	}
	f.ReleaseID, f.SupersededAt = release.Int64, timeOf(superseded)
	if err := store.UnmarshalArray(issues, &f.Issues); err != nil {
		return nil, err
	}
	return &f, nil
}

// FindMDS2FormByID returns one form.
func (tx *Tx) FindMDS2FormByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.MDS2Form, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	f, err := scanMDS2Form(tx.tx.QueryRow(ctx, `SELECT `+mds2Columns+` FROM mds2_forms WHERE id = $1 AND org_id = $2`, id, sc.OrgID))
	if err != nil {
		return nil, notFoundIfNoRows(err, fmt.Sprintf("MDS2 form %d", id))
	}
	return f, nil
}

// FindMDS2Forms lists forms, newest first.
func (tx *Tx) FindMDS2Forms(ctx context.Context, sc vigil.Scope, f vigil.MDS2Filter) ([]*vigil.MDS2Form, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	where, args := []string{"org_id = $1"}, []any{sc.OrgID}
	if f.ReleaseID != nil {
		args = append(args, *f.ReleaseID)
		where = append(where, fmt.Sprintf("release_id = $%d", len(args)))
	}
	if f.Candidate != nil {
		args = append(args, *f.Candidate)
		where = append(where, fmt.Sprintf("candidate = $%d AND release_id IS NULL", len(args)))
	}
	if f.CandidatesOnly {
		where = append(where, "release_id IS NULL")
	}
	if f.CurrentOnly {
		where = append(where, "superseded_at IS NULL")
	}
	rows, err := tx.tx.Query(ctx, `SELECT `+mds2Columns+` FROM mds2_forms WHERE `+strings.Join(where, " AND ")+
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
	rows, err := tx.tx.Query(ctx,
		`SELECT form_id, question_id, answer, text, note, sheet, row_num FROM mds2_answers WHERE org_id = $1 AND form_id = $2 ORDER BY seq`,
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
	tag, err := tx.tx.Exec(ctx, `DELETE FROM mds2_forms WHERE id = $1 AND org_id = $2`, id, sc.OrgID)
	return mustAffect(tag, err, fmt.Sprintf("delete MDS2 form %d", id))
}

// SetReleasePorts replaces a release's declared ports.
func (tx *Tx) SetReleasePorts(ctx context.Context, sc vigil.Scope, releaseID int64, ports []vigil.ReleasePort) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	if err := tx.releaseInScope(ctx, sc, releaseID); err != nil {
		return err
	}
	if _, err := tx.tx.Exec(ctx, `DELETE FROM release_ports WHERE org_id = $1 AND release_id = $2`, sc.OrgID, releaseID); err != nil {
		return fmt.Errorf("set ports of release %d: %w", releaseID, mapError(err))
	}
	for _, p := range ports {
		if _, err := tx.tx.Exec(ctx, `INSERT INTO release_ports (org_id, release_id, protocol, port, service) VALUES ($1, $2, $3, $4, $5)`,
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
	rows, err := tx.tx.Query(ctx, `SELECT port, protocol, service FROM release_ports WHERE org_id = $1 AND release_id = $2 ORDER BY protocol COLLATE "C", port`,
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

func nullID(id int64) pgtype.Int8 { return pgtype.Int8{Int64: id, Valid: id != 0} }

// releaseInScope reports ErrNotFound unless the release belongs to sc.
func (tx *Tx) releaseInScope(ctx context.Context, sc vigil.Scope, id int64) error {
	var one int
	err := tx.tx.QueryRow(ctx, `SELECT 1 FROM releases WHERE id = $1 AND org_id = $2`, id, sc.OrgID).Scan(&one)
	if err != nil {
		return notFoundIfNoRows(err, fmt.Sprintf("release %d", id))
	}
	return nil
}
