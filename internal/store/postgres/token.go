package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

const tokenColumns = `id, org_id, name, hint, created_at, expires_at, last_used_at`

// CreateToken inserts a token with the hash of its secret.
func (tx *Tx) CreateToken(ctx context.Context, sc vigil.Scope, t *vigil.APIToken, hash []byte) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	// The expiry is kept as stored: in UTC, to the microsecond.
	t.OrgID, t.CreatedAt, t.ExpiresAt = sc.OrgID, tx.Now(), storedTime(t.ExpiresAt)
	err := tx.tx.QueryRow(ctx,
		`INSERT INTO api_tokens (org_id, name, hint, secret_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		t.OrgID, t.Name, t.Hint, hash, t.CreatedAt, nullTime(t.ExpiresAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("create token %q: %w", t.Name, mapError(err))
	}
	return nil
}

// FindTokenByHash finds the token whose secret hashes to hash.
func (tx *Tx) FindTokenByHash(ctx context.Context, hash []byte) (*vigil.APIToken, error) {
	row := tx.tx.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE secret_hash = $1`, hash)
	t, err := scanToken(row)
	if err != nil {
		return nil, notFoundIfNoRows(err, "token")
	}
	return t, nil
}

// FindTokens lists the organization's tokens by name.
func (tx *Tx) FindTokens(ctx context.Context, sc vigil.Scope) ([]*vigil.APIToken, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	rows, err := tx.tx.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE org_id = $1 ORDER BY name`, sc.OrgID)
	if err != nil {
		return nil, fmt.Errorf("find tokens: %w", mapError(err))
	}
	defer rows.Close()
	var out []*vigil.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("find tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find tokens: %w", mapError(err))
	}
	return out, nil
}

// TouchToken records that a token was used now.
func (tx *Tx) TouchToken(ctx context.Context, sc vigil.Scope, id int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	tag, err := tx.tx.Exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND org_id = $3`,
		tx.Now(), id, sc.OrgID)
	return mustAffect(tag, err, fmt.Sprintf("touch token %d", id))
}

// DeleteToken revokes a token.
func (tx *Tx) DeleteToken(ctx context.Context, sc vigil.Scope, id int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	tag, err := tx.tx.Exec(ctx, `DELETE FROM api_tokens WHERE id = $1 AND org_id = $2`, id, sc.OrgID)
	return mustAffect(tag, err, fmt.Sprintf("delete token %d", id))
}

func scanToken(row pgx.Row) (*vigil.APIToken, error) {
	var t vigil.APIToken
	var expires, used pgtype.Timestamptz
	if err := row.Scan(&t.ID, &t.OrgID, &t.Name, &t.Hint, &t.CreatedAt, &expires, &used); err != nil {
		return nil, err
	}
	t.ExpiresAt, t.LastUsedAt = expires.Time, used.Time
	return &t, nil
}
