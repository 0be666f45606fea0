package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// CreateVEXDocument stores an imported VEX document and its bytes.
func (tx *Tx) CreateVEXDocument(ctx context.Context, sc vigil.Scope, d *vigil.VEXDocument, content []byte) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	d.OrgID, d.ImportedAt = sc.OrgID, StoredTime(tx.now)
	err := tx.queryRow(ctx,
		`INSERT INTO vex_documents (org_id, format, document_id, version, title, publisher, issued_at, updated_at, sha256, size,
			content, statements, applied, unchanged, conflicts, unmatched, invalid, imported_at, imported_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, string(d.Format), d.DocumentID, d.Version, d.Title, d.Publisher, FormatNullTime(d.Issued), FormatNullTime(d.Updated),
		d.SHA256, d.Size, content, d.Statements, d.Applied, d.Unchanged, d.Conflicts, d.Unmatched, d.Invalid,
		FormatTime(d.ImportedAt), d.ImportedBy).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("store VEX document %s: %w", d.DocumentID, mapError(err))
	}
	d.Issued, d.Updated = storedNullTime(d.Issued), storedNullTime(d.Updated)
	return nil
}

func storedNullTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return StoredTime(t)
}

// UpdateVEXDocumentCounts writes a document's counts.
func (tx *Tx) UpdateVEXDocumentCounts(ctx context.Context, sc vigil.Scope, d *vigil.VEXDocument) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx,
		`UPDATE vex_documents SET statements = ?, applied = ?, unchanged = ?, conflicts = ?, unmatched = ?, invalid = ?
		WHERE id = ? AND org_id = ?`,
		d.Statements, d.Applied, d.Unchanged, d.Conflicts, d.Unmatched, d.Invalid, d.ID, sc.OrgID)
	return mustAffect(res, err, fmt.Sprintf("update VEX document %d", d.ID))
}

const vexDocumentColumns = `id, org_id, format, document_id, version, title, publisher, issued_at, updated_at, sha256, size,
	statements, applied, unchanged, conflicts, unmatched, invalid, imported_at, imported_by`

func scanVEXDocument(row interface{ Scan(...any) error }, extra ...any) (*vigil.VEXDocument, error) {
	var d vigil.VEXDocument
	var format, imported string
	var issued, updated sql.NullString
	dest := []any{&d.ID, &d.OrgID, &format, &d.DocumentID, &d.Version, &d.Title, &d.Publisher, &issued, &updated, &d.SHA256, &d.Size,
		&d.Statements, &d.Applied, &d.Unchanged, &d.Conflicts, &d.Unmatched, &d.Invalid, &imported, &d.ImportedBy}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	d.Format = vigil.VEXFormat(format)
	var err error
	if d.Issued, err = ParseNullTime(issued); err != nil {
		return nil, err
	}
	if d.Updated, err = ParseNullTime(updated); err != nil {
		return nil, err
	}
	if d.ImportedAt, err = parseTime(imported); err != nil {
		return nil, err
	}
	return &d, nil
}

// FindVEXDocumentByID returns one imported document.
func (tx *Tx) FindVEXDocumentByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.VEXDocument, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	d, err := scanVEXDocument(tx.queryRow(ctx,
		`SELECT `+vexDocumentColumns+` FROM vex_documents WHERE id = ? AND org_id = ?`, id, sc.OrgID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("VEX document %d: %w", id, vigil.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("VEX document %d: %w", id, err)
	}
	return d, nil
}

// FindVEXDocuments lists imported documents, newest import first.
func (tx *Tx) FindVEXDocuments(ctx context.Context, sc vigil.Scope, f vigil.VEXDocumentFilter) ([]*vigil.VEXDocument, int, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, 0, err
	}
	where, args := "org_id = ?", []any{sc.OrgID}
	if f.SHA256 != nil {
		where += " AND sha256 = ?"
		args = append(args, *f.SHA256)
	}
	limit, largs := tx.limitClause(f.Page)
	rows, err := tx.query(ctx, `SELECT `+vexDocumentColumns+`, COUNT(*) OVER () FROM vex_documents WHERE `+where+
		` ORDER BY imported_at DESC, id DESC`+limit, append(args, largs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find VEX documents: %w", err)
	}
	defer rows.Close()
	out := []*vigil.VEXDocument{}
	total := 0
	for rows.Next() {
		d, err := scanVEXDocument(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("find VEX documents: %w", err)
		}
		out = append(out, d)
	}
	return out, total, rows.Err()
}

// FindVEXDocumentContent returns a document's bytes.
func (tx *Tx) FindVEXDocumentContent(ctx context.Context, sc vigil.Scope, id int64) ([]byte, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	var b []byte
	err := tx.queryRow(ctx, `SELECT content FROM vex_documents WHERE id = ? AND org_id = ?`, id, sc.OrgID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("VEX document %d: %w", id, vigil.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("VEX document %d: %w", id, err)
	}
	return b, nil
}

// AddVEXStatements stores statements of a document.
func (tx *Tx) AddVEXStatements(ctx context.Context, sc vigil.Scope, documentID int64, sts []*vigil.VEXStatement) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	stmt, err := tx.prepare(ctx,
		`INSERT INTO vex_statements (org_id, document_id, idx, vuln_id, aliases, product, component, status, justification,
			response, detail, action, stated_at, matched, applied, unchanged, conflicts)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	if err != nil {
		return fmt.Errorf("VEX statements: %w", err)
	}
	defer stmt.Close()
	for _, s := range sts {
		s.OrgID, s.DocumentID = sc.OrgID, documentID
		if err := stmt.QueryRowContext(ctx, sc.OrgID, documentID, s.Index, s.VulnID, store.JSONArray(s.Aliases), s.Product, s.Component,
			string(s.Status), string(s.Justification), string(s.Response), s.Detail, s.Action, FormatNullTime(s.StatedAt),
			s.Matched, s.Applied, s.Unchanged, s.Conflicts).Scan(&s.ID); err != nil {
			return fmt.Errorf("VEX statement %d of document %d: %w", s.Index, documentID, mapError(err))
		}
		s.StatedAt = storedNullTime(s.StatedAt)
	}
	return nil
}

// FindVEXStatements returns a document's statements in order.
func (tx *Tx) FindVEXStatements(ctx context.Context, sc vigil.Scope, documentID int64) ([]*vigil.VEXStatement, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx,
		`SELECT id, org_id, document_id, idx, vuln_id, aliases, product, component, status, justification, response, detail, action,
			stated_at, matched, applied, unchanged, conflicts
		FROM vex_statements WHERE org_id = ? AND document_id = ? ORDER BY idx`, sc.OrgID, documentID)
	if err != nil {
		return nil, fmt.Errorf("VEX statements of document %d: %w", documentID, err)
	}
	defer rows.Close()
	out := []*vigil.VEXStatement{}
	for rows.Next() {
		var s vigil.VEXStatement
		var aliases, status, just, resp string
		var stated sql.NullString
		if err := rows.Scan(&s.ID, &s.OrgID, &s.DocumentID, &s.Index, &s.VulnID, &aliases, &s.Product, &s.Component, &status, &just,
			&resp, &s.Detail, &s.Action, &stated, &s.Matched, &s.Applied, &s.Unchanged, &s.Conflicts); err != nil {
			return nil, fmt.Errorf("VEX statements of document %d: %w", documentID, err)
		}
		s.Status, s.Justification, s.Response = vigil.TriageState(status), vigil.Justification(just), vigil.Response(resp)
		if err := store.UnmarshalArray([]byte(aliases), &s.Aliases); err != nil {
			return nil, err
		}
		if s.StatedAt, err = ParseNullTime(stated); err != nil {
			return nil, err
		}
		out = append(out, &s)
	}
	return out, rows.Err()
}
