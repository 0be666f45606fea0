package sqldb

import (
	"context"
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// PutAdvisoryLinkDecision adds or replaces a decision on a link.
func (tx *Tx) PutAdvisoryLinkDecision(ctx context.Context, sc vigil.Scope, d *vigil.AdvisoryLinkDecision) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM assets WHERE id = ? AND org_id = ?`, d.AssetID, sc.OrgID).Scan(&n); err != nil {
		return fmt.Errorf("link decision on asset %d: %w", d.AssetID, err)
	}
	if n == 0 {
		return fmt.Errorf("link decision on asset %d: %w", d.AssetID, vigil.ErrNotFound)
	}
	d.OrgID, d.DecidedBy, d.DecidedAt = sc.OrgID, sc.Actor, tx.now
	_, err := tx.exec(ctx, `INSERT INTO asset_link_decisions (org_id, asset_id, advisory, product_id, revision, decision, note, decided_by, decided_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id, asset_id, advisory, product_id) DO UPDATE SET revision = excluded.revision, decision = excluded.decision,
			note = excluded.note, decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
		sc.OrgID, d.AssetID, d.Advisory, d.ProductID, d.Revision, string(d.Decision), d.Note, d.DecidedBy, FormatTime(d.DecidedAt))
	if err != nil {
		return fmt.Errorf("link decision on asset %d: %w", d.AssetID, mapError(err))
	}
	return nil
}

// FindAdvisoryLinkDecisions lists decisions on links.
func (tx *Tx) FindAdvisoryLinkDecisions(ctx context.Context, sc vigil.Scope, assetID *int64) ([]*vigil.AdvisoryLinkDecision, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	q := `SELECT asset_id, advisory, product_id, revision, decision, note, decided_by, decided_at FROM asset_link_decisions WHERE org_id = ?`
	args := []any{sc.OrgID}
	if assetID != nil {
		q += ` AND asset_id = ?`
		args = append(args, *assetID)
	}
	rows, err := tx.query(ctx, q+` ORDER BY asset_id, advisory COLLATE "C", product_id COLLATE "C"`, args...)
	if err != nil {
		return nil, fmt.Errorf("find link decisions: %w", err)
	}
	defer rows.Close()
	var out []*vigil.AdvisoryLinkDecision
	for rows.Next() {
		d := &vigil.AdvisoryLinkDecision{OrgID: sc.OrgID}
		var decision, at string
		if err := rows.Scan(&d.AssetID, &d.Advisory, &d.ProductID, &d.Revision, &decision, &d.Note, &d.DecidedBy, &at); err != nil {
			return nil, fmt.Errorf("find link decisions: %w", err)
		}
		d.Decision = vigil.LinkDecision(decision)
		if d.DecidedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("find link decisions: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
