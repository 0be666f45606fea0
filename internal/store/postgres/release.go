package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// CreateRelease inserts a release of one of the organization's products.
func (tx *Tx) CreateRelease(ctx context.Context, sc vigil.Scope, r *vigil.Release) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	r.OrgID, r.CreatedAt, r.UpdatedAt = sc.OrgID, tx.Now(), tx.Now()
	err := tx.tx.QueryRow(ctx,
		`INSERT INTO releases (org_id, product_id, version, phase, phase_explicit,
			released_on, eol_notice_on, end_of_support_on, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		r.OrgID, r.ProductID, r.Version, string(r.Phase), r.PhaseExplicit,
		nullDate(r.ReleasedOn), nullDate(r.EOLNoticeOn), nullDate(r.EndOfSupportOn),
		tx.Now(), tx.Now()).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("create release %q: %w", r.Version, mapError(err))
	}
	return nil
}

// FindReleaseByID returns one of the organization's releases.
func (tx *Tx) FindReleaseByID(ctx context.Context, sc vigil.Scope, id int64) (*vigil.Release, error) {
	return tx.findOneRelease(ctx, sc, "r.id = $2", []any{id}, fmt.Sprintf("release %d", id))
}

// FindReleaseByVersion returns the release of a product with a version.
func (tx *Tx) FindReleaseByVersion(ctx context.Context, sc vigil.Scope, productID int64, version string) (*vigil.Release, error) {
	return tx.findOneRelease(ctx, sc, "r.product_id = $2 AND r.version = $3", []any{productID, version},
		fmt.Sprintf("release %q of product %d", version, productID))
}

// findOneRelease finds the release matching cond, whose placeholders start
// at $2 ($1 is the organization).
func (tx *Tx) findOneRelease(ctx context.Context, sc vigil.Scope, cond string, args []any, what string) (*vigil.Release, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rs, _, err := tx.findReleases(ctx, "r.org_id = $1 AND "+cond, append([]any{sc.OrgID}, args...), vigil.Page{})
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
	where, args := "r.org_id = $1", []any{sc.OrgID}
	if f.ProductID != nil {
		args = append(args, *f.ProductID)
		where += fmt.Sprintf(" AND r.product_id = $%d", len(args))
	}
	return tx.findReleases(ctx, where, args, f.Page)
}

// findReleases lists the releases matching where, whose placeholders number
// args; where must hold the organization condition.
func (tx *Tx) findReleases(ctx context.Context, where string, args []any, p vigil.Page) ([]*vigil.Release, int, error) {
	limit, args := limitClause(p, args)
	rows, err := tx.tx.Query(ctx,
		`SELECT r.id, r.org_id, r.product_id, p.name, r.version, r.phase, r.phase_explicit,
			r.released_on, r.eol_notice_on, r.end_of_support_on, r.created_at, r.updated_at, COUNT(*) OVER ()
		FROM releases r JOIN products p ON p.id = r.product_id AND p.org_id = r.org_id
		WHERE `+where+` ORDER BY p.name, r.created_at, r.id`+limit, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find releases: %w", mapError(err))
	}
	defer rows.Close()
	var out []*vigil.Release
	total := 0
	for rows.Next() {
		var r vigil.Release
		var phase string
		var released, eol, eos pgtype.Date
		if err := rows.Scan(&r.ID, &r.OrgID, &r.ProductID, &r.Product, &r.Version, &phase, &r.PhaseExplicit,
			&released, &eol, &eos, &r.CreatedAt, &r.UpdatedAt, &total); err != nil {
			return nil, 0, fmt.Errorf("find releases: %w", err)
		}
		r.Phase = vigil.Phase(phase)
		if r.ReleasedOn, err = dateOf(released); err != nil {
			return nil, 0, err
		}
		if r.EOLNoticeOn, err = dateOf(eol); err != nil {
			return nil, 0, err
		}
		if r.EndOfSupportOn, err = dateOf(eos); err != nil {
			return nil, 0, err
		}
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find releases: %w", mapError(err))
	}
	return out, total, nil
}

// UpdateRelease writes r's phase and milestones.
func (tx *Tx) UpdateRelease(ctx context.Context, sc vigil.Scope, r *vigil.Release) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	tag, err := tx.tx.Exec(ctx,
		`UPDATE releases SET phase = $1, phase_explicit = $2, released_on = $3, eol_notice_on = $4,
			end_of_support_on = $5, updated_at = $6
		WHERE id = $7 AND org_id = $8`,
		string(r.Phase), r.PhaseExplicit, nullDate(r.ReleasedOn), nullDate(r.EOLNoticeOn),
		nullDate(r.EndOfSupportOn), tx.Now(), r.ID, sc.OrgID)
	if err := mustAffect(tag, err, fmt.Sprintf("update release %d", r.ID)); err != nil {
		return err
	}
	r.UpdatedAt = tx.Now()
	return nil
}

// DeleteRelease deletes a release.
func (tx *Tx) DeleteRelease(ctx context.Context, sc vigil.Scope, id int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	tag, err := tx.tx.Exec(ctx, `DELETE FROM releases WHERE id = $1 AND org_id = $2`, id, sc.OrgID)
	return mustAffect(tag, err, fmt.Sprintf("delete release %d", id))
}

// AddPhaseChange appends to a release's phase history.
func (tx *Tx) AddPhaseChange(ctx context.Context, sc vigil.Scope, c *vigil.PhaseChange) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	c.ChangedAt = tx.Now()
	err := tx.tx.QueryRow(ctx,
		`INSERT INTO release_phase_changes (org_id, release_id, from_phase, to_phase, actor, reason, changed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		sc.OrgID, c.ReleaseID, string(c.From), string(c.To), c.Actor, c.Reason, tx.Now()).Scan(&c.ID)
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
	rows, err := tx.tx.Query(ctx,
		`SELECT id, release_id, from_phase, to_phase, actor, reason, changed_at
		FROM release_phase_changes WHERE org_id = $1 AND release_id = $2 ORDER BY id`, sc.OrgID, releaseID)
	if err != nil {
		return nil, fmt.Errorf("find phase changes: %w", mapError(err))
	}
	defer rows.Close()
	var out []*vigil.PhaseChange
	for rows.Next() {
		var c vigil.PhaseChange
		var from, to string
		if err := rows.Scan(&c.ID, &c.ReleaseID, &from, &to, &c.Actor, &c.Reason, &c.ChangedAt); err != nil {
			return nil, fmt.Errorf("find phase changes: %w", err)
		}
		c.From, c.To = vigil.Phase(from), vigil.Phase(to)
		out = append(out, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find phase changes: %w", mapError(err))
	}
	return out, nil
}
