package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

func splitKeys(keys []vigil.IndexKey) (kinds, values []string) {
	for _, k := range keys {
		kinds, values = append(kinds, string(k.Kind)), append(values, k.Value)
	}
	return kinds, values
}

// AddComponentKeys stores reverse-index keys.
func (tx *Tx) AddComponentKeys(ctx context.Context, sc vigil.Scope, sbomID int64, keys []store.ComponentKey) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	var refs, kinds, values []string
	for _, k := range keys {
		refs, kinds, values = append(refs, k.Ref), append(kinds, string(k.Kind)), append(values, k.Value)
	}
	if len(refs) == 0 {
		return nil
	}
	_, err := tx.tx.Exec(ctx,
		`INSERT INTO component_keys (org_id, sbom_id, ref, kind, value)
		SELECT $1, $2, r, k, v FROM unnest($3::text[], $4::text[], $5::text[]) AS x (r, k, v) ON CONFLICT DO NOTHING`,
		sc.OrgID, sbomID, refs, kinds, values)
	if err != nil {
		return fmt.Errorf("component keys of SBOM %d: %w", sbomID, mapError(err))
	}
	return nil
}

// FindComponentsByKeys finds components of current SBOMs by key.
func (tx *Tx) FindComponentsByKeys(ctx context.Context, sc vigil.Scope, keys []vigil.IndexKey) ([]store.ComponentHit, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	kinds, values := splitKeys(keys)
	rows, err := tx.tx.Query(ctx,
		`SELECT DISTINCT d.release_id, k.sbom_id, k.ref FROM component_keys k
		JOIN unnest($2::text[], $3::text[]) AS q (kind, value) ON k.kind = q.kind AND k.value = q.value
		JOIN sbom_documents d ON d.id = k.sbom_id AND d.org_id = k.org_id AND d.superseded_at IS NULL
		WHERE k.org_id = $1`, sc.OrgID, kinds, values)
	if err != nil {
		return nil, fmt.Errorf("find components by key: %w", err)
	}
	defer rows.Close()
	var out []store.ComponentHit
	for rows.Next() {
		var h store.ComponentHit
		if err := rows.Scan(&h.ReleaseID, &h.SBOMID, &h.Ref); err != nil {
			return nil, fmt.Errorf("find components by key: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// CreateFinding inserts a finding.
func (tx *Tx) CreateFinding(ctx context.Context, sc vigil.Scope, f *vigil.Finding) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	f.OrgID = sc.OrgID
	evidence, err := json.Marshal(f.Evidence)
	if err != nil {
		return err
	}
	prev := pgtype.Int8{Int64: f.PreviousID, Valid: f.PreviousID != 0}
	err = tx.tx.QueryRow(ctx,
		`INSERT INTO findings (org_id, release_id, sbom_id, component_id, component_ref, component_name, component_version,
			component_key, vuln_id, aliases, status, confidence, matcher, evidence, first_seen_at, last_seen_at, resolved_at, previous_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
		sc.OrgID, f.ReleaseID, f.SBOMID, f.ComponentID, f.ComponentRef, f.ComponentName, f.ComponentVersion, f.ComponentKey,
		f.VulnID, store.JSONArray(f.Aliases), string(f.Status), string(f.Confidence), f.Evidence.Matcher, string(evidence),
		f.FirstSeenAt, f.LastSeenAt, nullTime(f.ResolvedAt), prev).Scan(&f.ID)
	if err != nil {
		return fmt.Errorf("create finding %s on %s: %w", f.VulnID, f.ComponentRef, mapError(err))
	}
	return nil
}

// UpdateFinding writes a finding's match and times.
func (tx *Tx) UpdateFinding(ctx context.Context, sc vigil.Scope, f *vigil.Finding) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	evidence, err := json.Marshal(f.Evidence)
	if err != nil {
		return err
	}
	tag, err := tx.tx.Exec(ctx,
		`UPDATE findings SET aliases = $1, status = $2, confidence = $3, evidence = $4, last_seen_at = $5, resolved_at = $6
		WHERE id = $7 AND org_id = $8`,
		store.JSONArray(f.Aliases), string(f.Status), string(f.Confidence), string(evidence), f.LastSeenAt,
		nullTime(f.ResolvedAt), f.ID, sc.OrgID)
	return mustAffect(tag, err, fmt.Sprintf("update finding %d", f.ID))
}

// FindFindings lists findings, ordered by vulnerability and component.
func (tx *Tx) FindFindings(ctx context.Context, sc vigil.Scope, f vigil.FindingFilter) ([]*vigil.Finding, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	where, args := "org_id = $1", []any{sc.OrgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.ID != nil {
		add("id = $%d", *f.ID)
	}
	if f.ReleaseID != nil {
		add("release_id = $%d", *f.ReleaseID)
	}
	if f.SBOMID != nil {
		add("sbom_id = $%d", *f.SBOMID)
	}
	if f.VulnID != nil {
		add("vuln_id = $%d", *f.VulnID)
	}
	if f.ComponentKey != nil {
		add("component_key = $%d", *f.ComponentKey)
	}
	if !f.IncludeResolved {
		where += " AND resolved_at IS NULL"
	}
	rows, err := tx.tx.Query(ctx,
		`SELECT id, org_id, release_id, sbom_id, component_id, component_ref, component_name, component_version, component_key,
			vuln_id, aliases, status, confidence, evidence, first_seen_at, last_seen_at, resolved_at, previous_id
		FROM findings WHERE `+where+` ORDER BY vuln_id COLLATE "C", component_name COLLATE "C", component_ref COLLATE "C", matcher COLLATE "C"`, args...)
	if err != nil {
		return nil, fmt.Errorf("find findings: %w", err)
	}
	defer rows.Close()
	var out []*vigil.Finding
	for rows.Next() {
		x, err := scanFinding(rows)
		if err != nil {
			return nil, fmt.Errorf("find findings: %w", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, tx.attachTriage(ctx, sc, out)
}

// scanFinding reads one findings row selected as id, org_id, release_id,
// sbom_id, component_id, component_ref, component_name, component_version,
// component_key, vuln_id, aliases, status, confidence, evidence,
// first_seen_at, last_seen_at, resolved_at, previous_id.
func scanFinding(rows pgx.Rows) (*vigil.Finding, error) {
	var x vigil.Finding
	var aliases, evidence []byte
	var status, confidence string
	var resolved pgtype.Timestamptz
	var prev pgtype.Int8
	if err := rows.Scan(&x.ID, &x.OrgID, &x.ReleaseID, &x.SBOMID, &x.ComponentID, &x.ComponentRef, &x.ComponentName,
		&x.ComponentVersion, &x.ComponentKey, &x.VulnID, &aliases, &status, &confidence, &evidence, &x.FirstSeenAt,
		&x.LastSeenAt, &resolved, &prev); err != nil {
		return nil, err
	}
	x.Status, x.Confidence, x.PreviousID, x.ResolvedAt = vigil.MatchStatus(status), vigil.Confidence(confidence), prev.Int64, timeOf(resolved)
	if err := store.UnmarshalArray(aliases, &x.Aliases); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(evidence, &x.Evidence); err != nil {
		return nil, fmt.Errorf("finding %d evidence: %w", x.ID, err)
	}
	return &x, nil
}
