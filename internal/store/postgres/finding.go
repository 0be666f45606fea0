package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

func splitKeys(keys []store.Key) (kinds, values []string) {
	for _, k := range keys {
		kinds, values = append(kinds, k.Kind), append(values, k.Value)
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
		refs, kinds, values = append(refs, k.Ref), append(kinds, k.Kind), append(values, k.Value)
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
func (tx *Tx) FindComponentsByKeys(ctx context.Context, sc vigil.Scope, keys []store.Key) ([]store.ComponentHit, error) {
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

// FindKBCandidates finds the records whose index rows carry the keys.
func (tx *Tx) FindKBCandidates(ctx context.Context, keys []store.Key) ([]*vigil.Vulnerability, []*vigil.Advisory, error) {
	var purls, names, ecos, enames, vendors, products, akinds, avalues []string
	for _, k := range keys {
		switch k.Kind {
		case store.KeyPackage:
			purls = append(purls, k.Value)
			akinds, avalues = append(akinds, "purl"), append(avalues, k.Value)
		case store.KeyPackageName:
			names = append(names, k.Value)
		case store.KeyEcoPackage:
			eco, name, _ := strings.Cut(k.Value, "|")
			ecos, enames = append(ecos, eco), append(enames, name)
		case store.KeyCPE:
			vendor, product, _ := strings.Cut(k.Value, ":")
			vendors, products = append(vendors, vendor), append(products, product)
			akinds, avalues = append(akinds, "cpe"), append(avalues, k.Value)
		case store.KeyName:
			for _, kind := range []string{"name", "product", "model", "sku", "serial"} {
				akinds, avalues = append(akinds, kind), append(avalues, k.Value)
			}
		case store.KeyHash:
			akinds, avalues = append(akinds, "hash"), append(avalues, k.Value)
		}
	}
	rows, err := tx.tx.Query(ctx,
		`SELECT doc FROM kb_vulns WHERE withdrawn IS NULL AND id IN (
			SELECT record_id FROM kb_packages WHERE purl <> '' AND purl = ANY($1::text[])
			UNION SELECT record_id FROM kb_packages WHERE name = ANY($2::text[])
			UNION SELECT c.record_id FROM kb_cpes c JOIN unnest($3::text[], $4::text[]) AS q (vendor, product)
				ON c.vendor = q.vendor AND c.product = q.product
			UNION SELECT p.record_id FROM kb_packages p JOIN unnest($5::text[], $6::text[]) AS q (eco, name)
				ON p.ecosystem = q.eco AND p.name = q.name)`,
		purls, names, vendors, products, ecos, enames)
	if err != nil {
		return nil, nil, fmt.Errorf("knowledge base candidates: %w", err)
	}
	var vulns []*vigil.Vulnerability
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			rows.Close()
			return nil, nil, err
		}
		var v vigil.Vulnerability
		if err := json.Unmarshal(doc, &v); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("stored record: %w", err)
		}
		vulns = append(vulns, &v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	arows, err := tx.tx.Query(ctx,
		`SELECT doc FROM kb_advisories WHERE id IN (
			SELECT p.advisory_id FROM kb_advisory_products p JOIN unnest($1::text[], $2::text[]) AS q (kind, value)
				ON p.kind = q.kind AND p.value = q.value)`, akinds, avalues)
	if err != nil {
		return nil, nil, fmt.Errorf("advisory candidates: %w", err)
	}
	defer arows.Close()
	var advs []*vigil.Advisory
	for arows.Next() {
		var doc []byte
		if err := arows.Scan(&doc); err != nil {
			return nil, nil, err
		}
		var a vigil.Advisory
		if err := json.Unmarshal(doc, &a); err != nil {
			return nil, nil, fmt.Errorf("stored advisory: %w", err)
		}
		advs = append(advs, &a)
	}
	return vulns, advs, arows.Err()
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
func (tx *Tx) FindFindings(ctx context.Context, sc vigil.Scope, f store.FindingFilter) ([]*vigil.Finding, error) {
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
		var x vigil.Finding
		var aliases, evidence []byte
		var status, confidence string
		var resolved pgtype.Timestamptz
		var prev pgtype.Int8
		if err := rows.Scan(&x.ID, &x.OrgID, &x.ReleaseID, &x.SBOMID, &x.ComponentID, &x.ComponentRef, &x.ComponentName,
			&x.ComponentVersion, &x.ComponentKey, &x.VulnID, &aliases, &status, &confidence, &evidence, &x.FirstSeenAt,
			&x.LastSeenAt, &resolved, &prev); err != nil {
			return nil, fmt.Errorf("find findings: %w", err)
		}
		x.Status, x.Confidence, x.PreviousID, x.ResolvedAt = vigil.MatchStatus(status), vigil.Confidence(confidence), prev.Int64, timeOf(resolved)
		if err := store.UnmarshalArray(aliases, &x.Aliases); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(evidence, &x.Evidence); err != nil {
			return nil, fmt.Errorf("finding %d evidence: %w", x.ID, err)
		}
		out = append(out, &x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, tx.attachTriage(ctx, sc, out)
}
