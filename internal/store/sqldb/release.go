package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// CreateRelease inserts a release of one of the organization's products.
func (tx *Tx) CreateRelease(ctx context.Context, sc vigil.Scope, r *vigil.Release) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	r.OrgID, r.CreatedAt, r.UpdatedAt = sc.OrgID, tx.now, tx.now
	err := tx.queryRow(ctx,
		`INSERT INTO releases (org_id, product_id, version, phase, phase_explicit,
			released_on, eol_notice_on, end_of_support_on, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.OrgID, r.ProductID, r.Version, string(r.Phase), r.PhaseExplicit,
		FormatDate(r.ReleasedOn), FormatDate(r.EOLNoticeOn), FormatDate(r.EndOfSupportOn),
		FormatTime(tx.now), FormatTime(tx.now)).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("create release %q: %w", r.Version, mapError(err))
	}
	return nil
}

// FindReleaseByID returns one of the organization's releases.
func (tx *Tx) FindReleaseByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Release, error) {
	return tx.findOneRelease(ctx, sc, "r.id = ?", []any{id}, fmt.Sprintf("release %d", id))
}

// FindReleaseByVersion returns the release of a product with a version.
func (tx *Tx) FindReleaseByVersion(ctx context.Context, sc vigil.Scope, productID int64, version string) (*vigil.Release, error) {
	return tx.findOneRelease(ctx, sc, "r.product_id = ? AND r.version = ?", []any{productID, version},
		fmt.Sprintf("release %q of product %d", version, productID))
}

func (tx *Tx) findOneRelease(ctx context.Context, sc vigil.Scope, where string, args []any, what string) (*vigil.Release, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rs, _, err := tx.findReleases(ctx, sc, where, args, vigil.Page{})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("%s: %w", what, vigil.ErrNotFound)
	}
	return rs[0], nil
}

// FindReleases lists the organization's releases.
func (tx *Tx) FindReleases(ctx context.Context, sc vigil.Scope, f vigil.ReleaseFilter) ([]*vigil.Release, int, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, 0, err
	}
	where, args := "1 = 1", []any{}
	if f.ProductID != nil {
		where += " AND r.product_id = ?"
		args = append(args, *f.ProductID)
	}
	return tx.findReleases(ctx, sc, where, args, f.Page)
}

func (tx *Tx) findReleases(ctx context.Context, sc vigil.Scope, where string, args []any, p vigil.Page) ([]*vigil.Release, int, error) {
	limit, largs := tx.limitClause(p)
	args = append([]any{sc.OrgID}, args...)
	rows, err := tx.query(ctx,
		`SELECT r.id, r.org_id, r.product_id, p.name, r.version, r.phase, r.phase_explicit,
			r.released_on, r.eol_notice_on, r.end_of_support_on, r.created_at, r.updated_at, COUNT(*) OVER ()
		FROM releases r JOIN products p ON p.id = r.product_id AND p.org_id = r.org_id
		WHERE r.org_id = ? AND `+where+` ORDER BY p.name, r.created_at, r.id`+limit, append(args, largs...)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find releases: %w", err)
	}
	defer rows.Close()
	var out []*vigil.Release
	total := 0
	for rows.Next() {
		var r vigil.Release
		var phase, created, updated string
		var released, eol, eos sql.NullString
		if err := rows.Scan(&r.ID, &r.OrgID, &r.ProductID, &r.Product, &r.Version, &phase, &r.PhaseExplicit,
			&released, &eol, &eos, &created, &updated, &total); err != nil {
			return nil, 0, fmt.Errorf("find releases: %w", err)
		}
		r.Phase = vigil.Phase(phase)
		if r.ReleasedOn, err = parseDate(released); err != nil {
			return nil, 0, err
		}
		if r.EOLNoticeOn, err = parseDate(eol); err != nil {
			return nil, 0, err
		}
		if r.EndOfSupportOn, err = parseDate(eos); err != nil {
			return nil, 0, err
		}
		if r.CreatedAt, err = parseTime(created); err != nil {
			return nil, 0, err
		}
		if r.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, 0, err
		}
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find releases: %w", err)
	}
	return out, total, nil
}

// UpdateRelease writes r's phase and milestones.
func (tx *Tx) UpdateRelease(ctx context.Context, sc vigil.Scope, r *vigil.Release) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx,
		`UPDATE releases SET phase = ?, phase_explicit = ?, released_on = ?, eol_notice_on = ?,
			end_of_support_on = ?, updated_at = ?
		WHERE id = ? AND org_id = ?`,
		string(r.Phase), r.PhaseExplicit, FormatDate(r.ReleasedOn), FormatDate(r.EOLNoticeOn),
		FormatDate(r.EndOfSupportOn), FormatTime(tx.now), r.ID, sc.OrgID)
	if err := mustAffect(res, err, fmt.Sprintf("update release %d", r.ID)); err != nil {
		return err
	}
	r.UpdatedAt = tx.now
	return nil
}

// DeleteRelease deletes a release.
func (tx *Tx) DeleteRelease(ctx context.Context, sc vigil.Scope, id int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `DELETE FROM releases WHERE id = ? AND org_id = ?`, id, sc.OrgID)
	return mustAffect(res, err, fmt.Sprintf("delete release %d", id))
}

// AddPhaseChange appends to a release's phase history.
func (tx *Tx) AddPhaseChange(ctx context.Context, sc vigil.Scope, c *vigil.PhaseChange) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	c.ChangedAt = tx.now
	err := tx.queryRow(ctx,
		`INSERT INTO release_phase_changes (org_id, release_id, from_phase, to_phase, actor, reason, changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, c.ReleaseID, string(c.From), string(c.To), c.Actor, c.Reason, FormatTime(tx.now)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("record phase change of release %d: %w", c.ReleaseID, mapError(err))
	}
	return nil
}

// FindPhaseChanges returns a release's phase history, oldest first.
func (tx *Tx) FindPhaseChanges(ctx context.Context, sc vigil.Scope, releaseID int64) ([]*vigil.PhaseChange, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx,
		`SELECT id, release_id, from_phase, to_phase, actor, reason, changed_at
		FROM release_phase_changes WHERE org_id = ? AND release_id = ? ORDER BY id`, sc.OrgID, releaseID)
	if err != nil {
		return nil, fmt.Errorf("find phase changes: %w", err)
	}
	defer rows.Close()
	var out []*vigil.PhaseChange
	for rows.Next() {
		var c vigil.PhaseChange
		var from, to, at string
		if err := rows.Scan(&c.ID, &c.ReleaseID, &from, &to, &c.Actor, &c.Reason, &at); err != nil {
			return nil, fmt.Errorf("find phase changes: %w", err)
		}
		c.From, c.To = vigil.Phase(from), vigil.Phase(to)
		if c.ChangedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, &c)
	}
	return out, rows.Err()
}
