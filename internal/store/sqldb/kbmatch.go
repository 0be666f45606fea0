package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/vigil/vigil"
)

// queryList runs query, whose %s stands for "col is in list" (a JSON array
// in SQLite, an array in PostgreSQL), prepared once per transaction; nil
// rows when the list is empty.
func (tx *Tx) queryList(ctx context.Context, query, col string, list any) (*sql.Rows, error) {
	cond, arg, err := tx.d.inList(col, list)
	if err != nil || arg == nil {
		return nil, err
	}
	st, err := tx.prepared(ctx, fmt.Sprintf(query, cond))
	if err != nil {
		return nil, mapError(err)
	}
	rows, err := st.QueryContext(ctx, arg)
	if err != nil {
		return nil, mapError(err)
	}
	return rows, nil
}

// FindKBVulnsByID returns the records with these ids, withdrawn ones left
// out.
func (tx *Tx) FindKBVulnsByID(ctx context.Context, ids []int64) ([]*vigil.Vulnerability, error) {
	var out []*vigil.Vulnerability
	err := tx.eachDocByID(ctx, `SELECT doc FROM kb_vulns WHERE withdrawn IS NULL AND %s ORDER BY id`, ids,
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
	err := tx.eachDocByID(ctx, `SELECT doc FROM kb_advisories WHERE %s ORDER BY id`, ids,
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
	rows, err := tx.queryList(ctx, query, "id", ids)
	if err != nil {
		return fmt.Errorf("knowledge base records: %w", err)
	}
	if rows == nil {
		return nil
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

// NullBlob binds a nil b as NULL.
func NullBlob(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// FindKEVs returns the KEV entries of the CVEs that have one.
func (tx *Tx) FindKEVs(ctx context.Context, cveIDs []string) (map[string]*vigil.KEVEntry, error) {
	out := map[string]*vigil.KEVEntry{}
	rows, err := tx.queryList(ctx, `SELECT cve_id, doc FROM kb_kev WHERE %s`, "cve_id", cveIDs)
	if err != nil || rows == nil {
		return out, err
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
	rows, err := tx.queryList(ctx, `SELECT cve_id, score_date, epss, percentile, model_version
		FROM kb_epss WHERE %s ORDER BY cve_id, score_date DESC`, "cve_id", cveIDs)
	if err != nil || rows == nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var s vigil.EPSSScore
		var day string
		if err := rows.Scan(&s.CVEID, &day, &s.Score, &s.Percentile, &s.ModelVersion); err != nil {
			return nil, fmt.Errorf("EPSS scores: %w", err)
		}
		if out[s.CVEID] != nil {
			continue
		}
		if s.Date, err = parseDay(day); err != nil {
			return nil, err
		}
		s.Provenance = vigil.Provenance{Source: vigil.SourceEPSS, SourceID: s.CVEID}
		out[s.CVEID] = &s
	}
	return out, rows.Err()
}
