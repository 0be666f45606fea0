package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// FindKBCandidateRows finds what the reverse index connects to the keys.
func (tx *Tx) FindKBCandidateRows(ctx context.Context, keys []vigil.IndexKey) (*store.KBCandidates, error) {
	var purls, names, ecos, enames, vendors, products, akinds, avalues []string
	for _, k := range keys {
		switch k.Kind {
		case vigil.KeyPURL:
			purls = append(purls, k.Value)
			akinds, avalues = append(akinds, "purl"), append(avalues, k.Value)
		case vigil.KeyPackageName:
			names = append(names, k.Value)
		case vigil.KeyEcoPackage:
			eco, name, _ := strings.Cut(k.Value, "|")
			ecos, enames = append(ecos, eco), append(enames, name)
		case vigil.KeyCPE:
			vendor, product, _ := strings.Cut(k.Value, ":")
			vendors, products = append(vendors, vendor), append(products, product)
			akinds, avalues = append(akinds, "cpe"), append(avalues, k.Value)
		case vigil.KeyName:
			for _, kind := range []string{"name", "product", "model", "sku", "serial"} {
				akinds, avalues = append(akinds, kind), append(avalues, k.Value)
			}
		case vigil.KeyHash:
			akinds, avalues = append(akinds, "hash"), append(avalues, k.Value)
		}
	}
	out := &store.KBCandidates{}
	// UNION (not UNION ALL): a row reached by its purl and by its name
	// comes back once (and so may two rows of a record that hold the same).
	rows, err := tx.tx.Query(ctx,
		`SELECT record_id, affected FROM kb_packages WHERE purl <> '' AND purl = ANY($1::text[])
		UNION SELECT p.record_id, p.affected FROM kb_packages p
			JOIN unnest($2::text[], $3::text[]) AS q (eco, name) ON p.ecosystem = q.eco AND p.name = q.name
		ORDER BY 1`,
		purls, ecos, enames)
	if err != nil {
		return nil, fmt.Errorf("knowledge base candidates: %w", err)
	}
	for rows.Next() {
		var r store.KBPackageRow
		if err := rows.Scan(&r.RecordID, &r.Affected); err != nil {
			rows.Close()
			return nil, fmt.Errorf("knowledge base candidates: %w", err)
		}
		out.Packages = append(out.Packages, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("knowledge base candidates: %w", err)
	}
	if out.Vulns, err = tx.ids(ctx,
		`SELECT record_id FROM kb_packages WHERE name = ANY($1::text[])
		UNION SELECT c.record_id FROM kb_cpes c JOIN unnest($2::text[], $3::text[]) AS q (vendor, product)
			ON c.vendor = q.vendor AND c.product = q.product
		ORDER BY 1`, names, vendors, products); err != nil {
		return nil, err
	}
	if out.Advisories, err = tx.ids(ctx,
		`SELECT DISTINCT p.advisory_id FROM kb_advisory_products p JOIN unnest($1::text[], $2::text[]) AS q (kind, value)
			ON p.kind = q.kind AND p.value = q.value
		ORDER BY 1`, akinds, avalues); err != nil {
		return nil, err
	}
	return out, nil
}

func (tx *Tx) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := tx.tx.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("knowledge base candidates: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("knowledge base candidates: %w", err)
	}
	return ids, nil
}

// FindKBVulnsByID returns the records with these ids, withdrawn ones left
// out.
func (tx *Tx) FindKBVulnsByID(ctx context.Context, ids []int64) ([]*vigil.Vulnerability, error) {
	var out []*vigil.Vulnerability
	err := tx.eachDocByID(ctx, `SELECT doc FROM kb_vulns WHERE withdrawn IS NULL AND id = ANY($1::bigint[]) ORDER BY id`, ids,
		func(doc []byte) error {
			var v vigil.Vulnerability
			if err := json.Unmarshal(doc, &v); err != nil {
				return fmt.Errorf("stored record: %w", err)
			}
			out = append(out, &v)
			return nil
		})
	return out, err
}

// FindAdvisoriesByID returns the CSAF advisories with these ids.
func (tx *Tx) FindAdvisoriesByID(ctx context.Context, ids []int64) ([]*vigil.Advisory, error) {
	var out []*vigil.Advisory
	err := tx.eachDocByID(ctx, `SELECT doc FROM kb_advisories WHERE id = ANY($1::bigint[]) ORDER BY id`, ids,
		func(doc []byte) error {
			var a vigil.Advisory
			if err := json.Unmarshal(doc, &a); err != nil {
				return fmt.Errorf("stored advisory: %w", err)
			}
			out = append(out, &a)
			return nil
		})
	return out, err
}

func (tx *Tx) eachDocByID(ctx context.Context, query string, ids []int64, fn func([]byte) error) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := tx.tx.Query(ctx, query, ids)
	if err != nil {
		return fmt.Errorf("knowledge base records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return fmt.Errorf("knowledge base records: %w", err)
		}
		if err := fn(doc); err != nil {
			return err
		}
	}
	return rows.Err()
}

// FindKEVs returns the KEV entries of the CVEs that have one.
func (tx *Tx) FindKEVs(ctx context.Context, cveIDs []string) (map[string]*vigil.KEVEntry, error) {
	out := map[string]*vigil.KEVEntry{}
	if len(cveIDs) == 0 {
		return out, nil
	}
	rows, err := tx.tx.Query(ctx, `SELECT cve_id, doc FROM kb_kev WHERE cve_id = ANY($1::text[])`, cveIDs)
	if err != nil {
		return nil, fmt.Errorf("KEV entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var doc []byte
		if err := rows.Scan(&id, &doc); err != nil {
			return nil, fmt.Errorf("KEV entries: %w", err)
		}
		var e vigil.KEVEntry
		if err := json.Unmarshal(doc, &e); err != nil {
			return nil, fmt.Errorf("stored KEV entry %s: %w", id, err)
		}
		out[id] = &e
	}
	return out, rows.Err()
}

// FindLatestEPSS returns each CVE's newest EPSS score.
func (tx *Tx) FindLatestEPSS(ctx context.Context, cveIDs []string) (map[string]*vigil.EPSSScore, error) {
	out := map[string]*vigil.EPSSScore{}
	if len(cveIDs) == 0 {
		return out, nil
	}
	rows, err := tx.tx.Query(ctx, `SELECT DISTINCT ON (cve_id) cve_id, score_date, epss, percentile, model_version
		FROM kb_epss WHERE cve_id = ANY($1::text[]) ORDER BY cve_id, score_date DESC`, cveIDs)
	if err != nil {
		return nil, fmt.Errorf("EPSS scores: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s vigil.EPSSScore
		var day pgtype.Date
		if err := rows.Scan(&s.CVEID, &day, &s.Score, &s.Percentile, &s.ModelVersion); err != nil {
			return nil, fmt.Errorf("EPSS scores: %w", err)
		}
		if s.Date, err = dateOf(day); err != nil {
			return nil, err
		}
		s.Provenance = vigil.Provenance{Source: vigil.SourceEPSS, SourceID: s.CVEID}
		out[s.CVEID] = &s
	}
	return out, rows.Err()
}
