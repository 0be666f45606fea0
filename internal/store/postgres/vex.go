package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// CreateVEXDocument stores an imported VEX document and its bytes.
func (tx *Tx) CreateVEXDocument(ctx context.Context, sc vigil.Scope, d *vigil.VEXDocument, content []byte) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	d.OrgID, d.ImportedAt = sc.OrgID, tx.Now()
	d.Issued, d.Updated = storedNullTime(d.Issued), storedNullTime(d.Updated)
	err := tx.tx.QueryRow(ctx,
		`INSERT INTO vex_documents (org_id, format, document_id, version, title, publisher, issued_at, updated_at, sha256, size,
			content, statements, applied, unchanged, conflicts, unmatched, invalid, imported_at, imported_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
		sc.OrgID, string(d.Format), d.DocumentID, d.Version, d.Title, d.Publisher, nullTime(d.Issued), nullTime(d.Updated),
		d.SHA256, d.Size, content, d.Statements, d.Applied, d.Unchanged, d.Conflicts, d.Unmatched, d.Invalid,
		d.ImportedAt, d.ImportedBy).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("store VEX document %s: %w", d.DocumentID, mapError(err))
	}
	return nil
}

func storedNullTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return storedTime(t)
}

// UpdateVEXDocumentCounts writes a document's counts.
func (tx *Tx) UpdateVEXDocumentCounts(ctx context.Context, sc vigil.Scope, d *vigil.VEXDocument) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	tag, err := tx.tx.Exec(ctx,
		`UPDATE vex_documents SET statements = $1, applied = $2, unchanged = $3, conflicts = $4, unmatched = $5, invalid = $6
		WHERE id = $7 AND org_id = $8`,
		d.Statements, d.Applied, d.Unchanged, d.Conflicts, d.Unmatched, d.Invalid, d.ID, sc.OrgID)
	return mustAffect(tag, err, fmt.Sprintf("update VEX document %d", d.ID))
}

const vexDocumentColumns = `id, org_id, format, document_id, version, title, publisher, issued_at, updated_at, sha256, size,
	statements, applied, unchanged, conflicts, unmatched, invalid, imported_at, imported_by`

func scanVEXDocument(row pgx.Row, extra ...any) (*vigil.VEXDocument, error) {
	var d vigil.VEXDocument
	var format string
	var issued, updated pgtype.Timestamptz
	dest := []any{&d.ID, &d.OrgID, &format, &d.DocumentID, &d.Version, &d.Title, &d.Publisher, &issued, &updated, &d.SHA256, &d.Size,
		&d.Statements, &d.Applied, &d.Unchanged, &d.Conflicts, &d.Unmatched, &d.Invalid, &d.ImportedAt, &d.ImportedBy}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	d.Format, d.Issued, d.Updated, d.ImportedAt = vigil.VEXFormat(format), timeOf(issued), timeOf(updated), d.ImportedAt.UTC()
	return &d, nil
}

// FindVEXDocumentByID returns one imported document.
func (tx *Tx) FindVEXDocumentByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.VEXDocument, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	d, err := scanVEXDocument(tx.tx.QueryRow(ctx,
		`SELECT `+vexDocumentColumns+` FROM vex_documents WHERE id = $1 AND org_id = $2`, id, sc.OrgID))
	if err != nil {
		return nil, notFoundIfNoRows(err, fmt.Sprintf("VEX document %d", id))
	}
	return d, nil
}

// FindVEXDocuments lists imported documents, newest import first.
func (tx *Tx) FindVEXDocuments(ctx context.Context, sc vigil.Scope, f vigil.VEXDocumentFilter) ([]*vigil.VEXDocument, int, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, 0, err
	}
	where, args := "org_id = $1", []any{sc.OrgID}
	if f.SHA256 != nil {
		args = append(args, *f.SHA256)
		where += fmt.Sprintf(" AND sha256 = $%d", len(args))
	}
	limit, args := limitClause(f.Page, args)
	rows, err := tx.tx.Query(ctx, `SELECT `+vexDocumentColumns+`, COUNT(*) OVER () FROM vex_documents WHERE `+where+
		` ORDER BY imported_at DESC, id DESC`+limit, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find VEX documents: %w", err)
	}
	defer rows.Close()
	out := []*vigil.VEXDocument{}
	var total int64
	for rows.Next() {
		d, err := scanVEXDocument(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("find VEX documents: %w", err)
		}
		out = append(out, d)
	}
	return out, int(total), rows.Err()
}

// FindVEXDocumentContent returns a document's bytes.
func (tx *Tx) FindVEXDocumentContent(ctx context.Context, sc vigil.Scope, id int64) ([]byte, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	var b []byte
	if err := tx.tx.QueryRow(ctx, `SELECT content FROM vex_documents WHERE id = $1 AND org_id = $2`, id, sc.OrgID).Scan(&b); err != nil {
		return nil, notFoundIfNoRows(err, fmt.Sprintf("VEX document %d", id))
	}
	return b, nil
}

// AddVEXStatements stores statements of a document.
func (tx *Tx) AddVEXStatements(ctx context.Context, sc vigil.Scope, documentID int64, sts []*vigil.VEXStatement) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	for _, s := range sts {
		s.OrgID, s.DocumentID = sc.OrgID, documentID
		s.StatedAt = storedNullTime(s.StatedAt)
		if err := tx.tx.QueryRow(ctx,
			`INSERT INTO vex_statements (org_id, document_id, idx, vuln_id, aliases, product, component, status, justification,
				response, detail, action, stated_at, matched, applied, unchanged, conflicts)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
			sc.OrgID, documentID, s.Index, s.VulnID, store.JSONArray(s.Aliases), s.Product, s.Component,
			string(s.Status), string(s.Justification), string(s.Response), s.Detail, s.Action, nullTime(s.StatedAt),
			s.Matched, s.Applied, s.Unchanged, s.Conflicts).Scan(&s.ID); err != nil {
			return fmt.Errorf("VEX statement %d of document %d: %w", s.Index, documentID, mapError(err))
		}
	}
	return nil
}

// FindVEXStatements returns a document's statements in order.
func (tx *Tx) FindVEXStatements(ctx context.Context, sc vigil.Scope, documentID int64) ([]*vigil.VEXStatement, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.tx.Query(ctx,
		`SELECT id, org_id, document_id, idx, vuln_id, aliases, product, component, status, justification, response, detail, action,
			stated_at, matched, applied, unchanged, conflicts
		FROM vex_statements WHERE org_id = $1 AND document_id = $2 ORDER BY idx`, sc.OrgID, documentID)
	if err != nil {
		return nil, fmt.Errorf("VEX statements of document %d: %w", documentID, err)
	}
	defer rows.Close()
	out := []*vigil.VEXStatement{}
	for rows.Next() {
		var s vigil.VEXStatement
		var aliases []byte
		var status, just, resp string
		var stated pgtype.Timestamptz
		if err := rows.Scan(&s.ID, &s.OrgID, &s.DocumentID, &s.Index, &s.VulnID, &aliases, &s.Product, &s.Component, &status, &just,
			&resp, &s.Detail, &s.Action, &stated, &s.Matched, &s.Applied, &s.Unchanged, &s.Conflicts); err != nil {
			return nil, fmt.Errorf("VEX statements of document %d: %w", documentID, err)
		}
		s.Status, s.Justification, s.Response, s.StatedAt = vigil.TriageState(status), vigil.Justification(just), vigil.Response(resp), timeOf(stated)
		if err := store.UnmarshalArray(aliases, &s.Aliases); err != nil {
			return nil, err
		}
		out = append(out, &s)
	}
	return out, rows.Err()
}
