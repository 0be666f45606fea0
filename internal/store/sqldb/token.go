package sqldb

import (
	"context"
	"database/sql"
	"fmt"

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
	t.OrgID, t.CreatedAt, t.ExpiresAt = sc.OrgID, tx.now, StoredTime(t.ExpiresAt)
	err := tx.queryRow(ctx,
		`INSERT INTO api_tokens (org_id, name, hint, secret_hash, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		t.OrgID, t.Name, t.Hint, hash, FormatTime(t.CreatedAt), FormatNullTime(t.ExpiresAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("create token %q: %w", t.Name, mapError(err))
	}
	return nil
}

// FindTokenByHash finds the token whose secret hashes to hash.
func (tx *Tx) FindTokenByHash(ctx context.Context, hash []byte) (*vigil.APIToken, error) {
	row := tx.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE secret_hash = ?`, hash)
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
	rows, err := tx.query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE org_id = ? ORDER BY name`, sc.OrgID)
	if err != nil {
		return nil, fmt.Errorf("find tokens: %w", err)
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
	return out, rows.Err()
}

// TouchToken records that a token was used now.
func (tx *Tx) TouchToken(ctx context.Context, sc vigil.Scope, id int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND org_id = ?`,
		FormatTime(tx.now), id, sc.OrgID)
	return mustAffect(res, err, fmt.Sprintf("touch token %d", id))
}

// DeleteToken revokes a token.
func (tx *Tx) DeleteToken(ctx context.Context, sc vigil.Scope, id int64) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `DELETE FROM api_tokens WHERE id = ? AND org_id = ?`, id, sc.OrgID)
	return mustAffect(res, err, fmt.Sprintf("delete token %d", id))
}

type scanner interface{ Scan(dest ...any) error }

func scanToken(s scanner) (*vigil.APIToken, error) {
	var t vigil.APIToken
	var created string
	var expires, used sql.NullString
	if err := s.Scan(&t.ID, &t.OrgID, &t.Name, &t.Hint, &created, &expires, &used); err != nil {
		return nil, err
	}
	var err error
	if t.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if t.ExpiresAt, err = ParseNullTime(expires); err != nil {
		return nil, err
	}
	if t.LastUsedAt, err = ParseNullTime(used); err != nil {
		return nil, err
	}
	return &t, nil
}
