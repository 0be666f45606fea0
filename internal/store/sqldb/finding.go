package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// AddComponentKeys stores reverse-index keys in multi-row statements.
func (tx *Tx) AddComponentKeys(ctx context.Context, sc vigil.Scope, sbomID int64, keys []store.ComponentKey) error {
	if err := store.RequireScope(sc); err != nil {
		return err
	}
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{sc.OrgID, sbomID, k.Ref, k.Kind, k.Value}
	}
	if err := tx.insertRows(ctx, "component_keys", []string{"org_id", "sbom_id", "ref", "kind", "value"}, rows,
		"ON CONFLICT DO NOTHING"); err != nil {
		return fmt.Errorf("component keys of SBOM %d: %w", sbomID, err)
	}
	return nil
}

// keyBatch bounds the keys of one lookup statement (two parameters each).
const keyBatch = 400

// keyClause renders "(kind = ? AND value = ?) OR …" for a batch of keys.
func keyClause(keys []vigil.IndexKey, kindCol, valueCol string) (string, []any) {
	parts := make([]string, len(keys))
	args := make([]any, 0, 2*len(keys))
	for i, k := range keys {
		parts[i] = "(" + kindCol + " = ? AND " + valueCol + " = ?)"
		args = append(args, k.Kind, k.Value)
	}
	return strings.Join(parts, " OR "), args
}

// FindComponentsByKeys finds components of current SBOMs by key.
func (tx *Tx) FindComponentsByKeys(ctx context.Context, sc vigil.Scope, keys []vigil.IndexKey) ([]store.ComponentHit, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	seen := map[store.ComponentHit]bool{}
	var out []store.ComponentHit
	for len(keys) > 0 {
		n := min(len(keys), keyBatch)
		where, args := keyClause(keys[:n], "k.kind", "k.value")
		keys = keys[n:]
		rows, err := tx.query(ctx,
			`SELECT DISTINCT d.release_id, k.sbom_id, k.ref FROM component_keys k
			JOIN sbom_documents d ON d.id = k.sbom_id AND d.org_id = k.org_id AND d.superseded_at IS NULL
			WHERE k.org_id = ? AND (`+where+`)`, append([]any{sc.OrgID}, args...)...)
		if err != nil {
			return nil, fmt.Errorf("find components by key: %w", err)
		}
		for rows.Next() {
			var h store.ComponentHit
			if err := rows.Scan(&h.ReleaseID, &h.SBOMID, &h.Ref); err != nil {
				rows.Close()
				return nil, fmt.Errorf("find components by key: %w", err)
			}
			if !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
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
	var prev sql.NullInt64
	if f.PreviousID != 0 {
		prev = sql.NullInt64{Int64: f.PreviousID, Valid: true}
	}
	err = tx.queryRow(ctx,
		`INSERT INTO findings (org_id, release_id, sbom_id, component_id, component_ref, component_name, component_version,
			component_key, vuln_id, aliases, status, confidence, matcher, evidence, first_seen_at, last_seen_at, resolved_at, previous_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		sc.OrgID, f.ReleaseID, f.SBOMID, f.ComponentID, f.ComponentRef, f.ComponentName, f.ComponentVersion, f.ComponentKey,
		f.VulnID, store.JSONArray(f.Aliases), string(f.Status), string(f.Confidence), f.Evidence.Matcher, string(evidence),
		FormatTime(f.FirstSeenAt), FormatTime(f.LastSeenAt), FormatNullTime(f.ResolvedAt), prev).Scan(&f.ID)
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
	res, err := tx.exec(ctx,
		`UPDATE findings SET aliases = ?, status = ?, confidence = ?, evidence = ?, last_seen_at = ?, resolved_at = ?
		WHERE id = ? AND org_id = ?`,
		store.JSONArray(f.Aliases), string(f.Status), string(f.Confidence), string(evidence), FormatTime(f.LastSeenAt),
		FormatNullTime(f.ResolvedAt), f.ID, sc.OrgID)
	return mustAffect(res, err, fmt.Sprintf("update finding %d", f.ID))
}

// FindFindings lists findings, ordered by vulnerability and component.
func (tx *Tx) FindFindings(ctx context.Context, sc vigil.Scope, f vigil.FindingFilter) ([]*vigil.Finding, error) {
	if err := store.RequireScope(sc); err != nil {
		return nil, err
	}
	where, args := "org_id = ?", []any{sc.OrgID}
	if f.ID != nil {
		where += " AND id = ?"
		args = append(args, *f.ID)
	}
	if f.ReleaseID != nil {
		where += " AND release_id = ?"
		args = append(args, *f.ReleaseID)
	}
	if f.SBOMID != nil {
		where += " AND sbom_id = ?"
		args = append(args, *f.SBOMID)
	}
	if f.VulnID != nil {
		where += " AND vuln_id = ?"
		args = append(args, *f.VulnID)
	}
	if f.ComponentKey != nil {
		where += " AND component_key = ?"
		args = append(args, *f.ComponentKey)
	}
	if !f.IncludeResolved {
		where += " AND resolved_at IS NULL"
	}
	rows, err := tx.query(ctx,
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
	return out, tx.attachTriage(ctx, sc, out)
}

// idBatch bounds the ids of one IN list.
const idBatch = 500

// scanFinding reads one findings row selected as id, org_id, release_id,
// sbom_id, component_id, component_ref, component_name, component_version,
// component_key, vuln_id, aliases, status, confidence, evidence,
// first_seen_at, last_seen_at, resolved_at, previous_id.
func scanFinding(rows *sql.Rows) (*vigil.Finding, error) {
	var x vigil.Finding
	var aliases, status, confidence, evidence, first, last string
	var resolved sql.NullString
	var prev sql.NullInt64
	if err := rows.Scan(&x.ID, &x.OrgID, &x.ReleaseID, &x.SBOMID, &x.ComponentID, &x.ComponentRef, &x.ComponentName,
		&x.ComponentVersion, &x.ComponentKey, &x.VulnID, &aliases, &status, &confidence, &evidence, &first, &last,
		&resolved, &prev); err != nil {
		return nil, err
	}
	x.Status, x.Confidence, x.PreviousID = vigil.MatchStatus(status), vigil.Confidence(confidence), prev.Int64
	if err := store.UnmarshalArray([]byte(aliases), &x.Aliases); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(evidence), &x.Evidence); err != nil {
		return nil, fmt.Errorf("finding %d evidence: %w", x.ID, err)
	}
	var err error
	if x.FirstSeenAt, err = parseTime(first); err != nil {
		return nil, err
	}
	if x.LastSeenAt, err = parseTime(last); err != nil {
		return nil, err
	}
	if x.ResolvedAt, err = ParseNullTime(resolved); err != nil {
		return nil, err
	}
	return &x, nil
}
