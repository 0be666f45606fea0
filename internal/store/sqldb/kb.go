package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

func (tx *Tx) findMeta(ctx context.Context, query string, args ...any) (store.KBMeta, bool, error) {
	var m store.KBMeta
	var modified sql.NullString
	st, err := tx.prepared(ctx, query)
	if err != nil {
		return m, false, err
	}
	err = st.QueryRowContext(ctx, args...).Scan(&m.SHA256, &modified)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, err
	}
	if m.Modified, err = ParseNullTime(modified); err != nil {
		return m, false, err
	}
	return m, true, nil
}

// FindKBVulnMeta returns a source record's digest and modified time.
func (tx *Tx) FindKBVulnMeta(ctx context.Context, source vigil.Source, sourceID string) (store.KBMeta, bool, error) {
	m, found, err := tx.findMeta(ctx, `SELECT sha256, modified FROM kb_vulns WHERE source = ? AND source_id = ?`, string(source), sourceID)
	if err != nil {
		return m, false, fmt.Errorf("knowledge base record %s %s: %w", source, sourceID, err)
	}
	return m, found, nil
}

// PutKBVuln inserts or replaces a source record and its index rows, one
// prepared statement a row: SQLite's way, in process. PostgreSQL sends the
// same in one pipelined batch instead (postgres.Tx.PutKBVuln).
func (tx *Tx) PutKBVuln(ctx context.Context, r *store.KBVuln) error {
	v := r.Vuln
	var id int64
	err := tx.queryRowStmt(ctx,
		`INSERT INTO kb_vulns (source, source_id, vuln_id, published, modified, withdrawn, summary, sha256, doc, imported_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (source, source_id) DO UPDATE SET vuln_id = excluded.vuln_id, published = excluded.published,
			modified = excluded.modified, withdrawn = excluded.withdrawn, summary = excluded.summary,
			sha256 = excluded.sha256, doc = excluded.doc, imported_at = excluded.imported_at
		RETURNING id`,
		string(v.Source), v.SourceID, v.ID, FormatNullTime(v.Published), FormatNullTime(v.Modified), FormatNullTime(v.Withdrawn),
		v.Summary, r.SHA256, string(r.Doc), FormatTime(tx.now)).Scan(&id)
	if err != nil {
		return fmt.Errorf("store %s record %s: %w", v.Source, v.SourceID, mapError(err))
	}
	for _, q := range []string{`DELETE FROM kb_aliases WHERE record_id = ?`, `DELETE FROM kb_packages WHERE record_id = ?`, `DELETE FROM kb_cpes WHERE record_id = ?`} {
		if _, err := tx.execStmt(ctx, q, id); err != nil {
			return fmt.Errorf("store %s record %s: %w", v.Source, v.SourceID, err)
		}
	}
	for _, a := range r.Aliases {
		if _, err := tx.execStmt(ctx, `INSERT INTO kb_aliases (record_id, alias) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, a); err != nil {
			return fmt.Errorf("store %s record %s alias: %w", v.Source, v.SourceID, err)
		}
	}
	for _, p := range r.Packages {
		if _, err := tx.execStmt(ctx, `INSERT INTO kb_packages (record_id, ecosystem, name, purl, affected) VALUES (?, ?, ?, ?, ?)`,
			id, p.Ecosystem, p.Name, p.PURL, NullBlob(p.Affected)); err != nil {
			return fmt.Errorf("store %s record %s package: %w", v.Source, v.SourceID, err)
		}
	}
	for _, c := range r.CPEs {
		if _, err := tx.execStmt(ctx, `INSERT INTO kb_cpes (record_id, part, vendor, product, vulnerable) VALUES (?, ?, ?, ?, ?)`,
			id, c.Part, c.Vendor, c.Product, c.Vulnerable); err != nil {
			return fmt.Errorf("store %s record %s CPE: %w", v.Source, v.SourceID, err)
		}
	}
	return nil
}

// FindKBVulns returns every record known by id.
func (tx *Tx) FindKBVulns(ctx context.Context, id string) ([]*vigil.Vulnerability, error) {
	rows, err := tx.query(ctx,
		`SELECT v.doc FROM kb_vulns v WHERE v.id IN (SELECT record_id FROM kb_aliases WHERE alias = ?) ORDER BY v.source COLLATE "C", v.source_id COLLATE "C"`, id)
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", id, err)
	}
	defer rows.Close()
	var out []*vigil.Vulnerability
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("find %s: %w", id, err)
		}
		var v vigil.Vulnerability
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			return nil, fmt.Errorf("stored record of %s: %w", id, err)
		}
		out = append(out, &v)
	}
	return out, rows.Err()
}

// FindKEVMeta returns a KEV entry's digest.
func (tx *Tx) FindKEVMeta(ctx context.Context, cveID string) (store.KBMeta, bool, error) {
	m, found, err := tx.findMeta(ctx, `SELECT sha256, NULL FROM kb_kev WHERE cve_id = ?`, cveID)
	if err != nil {
		return m, false, fmt.Errorf("KEV entry %s: %w", cveID, err)
	}
	return m, found, nil
}

// PutKEV inserts or replaces a KEV entry.
func (tx *Tx) PutKEV(ctx context.Context, e *vigil.KEVEntry, digest string, doc []byte) error {
	_, err := tx.exec(ctx,
		`INSERT INTO kb_kev (cve_id, date_added, due_date, ransomware, sha256, doc, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (cve_id) DO UPDATE SET date_added = excluded.date_added, due_date = excluded.due_date,
			ransomware = excluded.ransomware, sha256 = excluded.sha256, doc = excluded.doc, imported_at = excluded.imported_at`,
		e.CVEID, e.DateAdded.String(), FormatDate(e.DueDate), string(e.RansomwareUse), digest, string(doc), FormatTime(tx.now))
	if err != nil {
		return fmt.Errorf("store KEV entry %s: %w", e.CVEID, mapError(err))
	}
	return nil
}

// FindKEV returns a CVE's KEV entry.
func (tx *Tx) FindKEV(ctx context.Context, cveID string) (*vigil.KEVEntry, error) {
	var doc string
	if err := tx.queryRowStmt(ctx, `SELECT doc FROM kb_kev WHERE cve_id = ?`, cveID).Scan(&doc); err != nil {
		return nil, notFoundIfNoRows(err, "KEV entry "+cveID)
	}
	var e vigil.KEVEntry
	if err := json.Unmarshal([]byte(doc), &e); err != nil {
		return nil, fmt.Errorf("stored KEV entry %s: %w", cveID, err)
	}
	return &e, nil
}

// PutEPSS stores a score for its date.
func (tx *Tx) PutEPSS(ctx context.Context, s *vigil.EPSSScore) (bool, error) {
	res, err := tx.exec(ctx,
		`INSERT INTO kb_epss (cve_id, score_date, epss, percentile, model_version) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (cve_id, score_date) DO UPDATE SET epss = excluded.epss, percentile = excluded.percentile,
			model_version = excluded.model_version
		WHERE kb_epss.epss <> excluded.epss OR kb_epss.percentile <> excluded.percentile
			OR kb_epss.model_version <> excluded.model_version`,
		s.CVEID, s.Date.String(), s.Score, s.Percentile, s.ModelVersion)
	if err != nil {
		return false, fmt.Errorf("store EPSS score of %s: %w", s.CVEID, mapError(err))
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// FindEPSS returns a CVE's scores, newest first.
func (tx *Tx) FindEPSS(ctx context.Context, cveID string) ([]*vigil.EPSSScore, error) {
	st, err := tx.prepared(ctx, `SELECT score_date, epss, percentile, model_version FROM kb_epss WHERE cve_id = ? ORDER BY score_date DESC`)
	if err != nil {
		return nil, fmt.Errorf("EPSS of %s: %w", cveID, err)
	}
	rows, err := st.QueryContext(ctx, cveID)
	if err != nil {
		return nil, fmt.Errorf("EPSS of %s: %w", cveID, err)
	}
	defer rows.Close()
	var out []*vigil.EPSSScore
	for rows.Next() {
		s := vigil.EPSSScore{CVEID: cveID, Provenance: vigil.Provenance{Source: vigil.SourceEPSS, SourceID: cveID}}
		var day string
		if err := rows.Scan(&day, &s.Score, &s.Percentile, &s.ModelVersion); err != nil {
			return nil, fmt.Errorf("EPSS of %s: %w", cveID, err)
		}
		if s.Date, err = parseDay(day); err != nil {
			return nil, err
		}
		out = append(out, &s)
	}
	return out, rows.Err()
}

// FindAdvisoryMeta returns an advisory's digest and modified time.
func (tx *Tx) FindAdvisoryMeta(ctx context.Context, sourceID string) (store.KBMeta, bool, error) {
	m, found, err := tx.findMeta(ctx, `SELECT sha256, modified FROM kb_advisories WHERE source_id = ?`, sourceID)
	if err != nil {
		return m, false, fmt.Errorf("advisory %s: %w", sourceID, err)
	}
	return m, found, nil
}

// PutAdvisory inserts or replaces an advisory and its index rows
// (PostgreSQL: postgres.Tx.PutAdvisory, one batch).
func (tx *Tx) PutAdvisory(ctx context.Context, r *store.KBAdvisory) error {
	a := r.Advisory
	var id int64
	err := tx.queryRow(ctx,
		`INSERT INTO kb_advisories (source_id, publisher, title, modified, sha256, doc, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (source_id) DO UPDATE SET publisher = excluded.publisher, title = excluded.title,
			modified = excluded.modified, sha256 = excluded.sha256, doc = excluded.doc, imported_at = excluded.imported_at
		RETURNING id`,
		a.SourceID, a.Publisher.Name, a.Title, FormatNullTime(a.Modified), r.SHA256, string(r.Doc), FormatTime(tx.now)).Scan(&id)
	if err != nil {
		return fmt.Errorf("store advisory %s: %w", a.SourceID, mapError(err))
	}
	for _, q := range []string{`DELETE FROM kb_advisory_vulns WHERE advisory_id = ?`, `DELETE FROM kb_advisory_products WHERE advisory_id = ?`} {
		if _, err := tx.exec(ctx, q, id); err != nil {
			return fmt.Errorf("store advisory %s: %w", a.SourceID, err)
		}
	}
	for _, v := range r.Vulns {
		if _, err := tx.exec(ctx, `INSERT INTO kb_advisory_vulns (advisory_id, vuln_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, v); err != nil {
			return fmt.Errorf("store advisory %s: %w", a.SourceID, err)
		}
	}
	for _, p := range r.Products {
		if _, err := tx.exec(ctx, `INSERT INTO kb_advisory_products (advisory_id, product_id, kind, value) VALUES (?, ?, ?, ?)`,
			id, p.ProductID, p.Kind, p.Value); err != nil {
			return fmt.Errorf("store advisory %s product: %w", a.SourceID, err)
		}
	}
	return nil
}

// FindAdvisoriesByVuln returns the advisories about a vulnerability.
func (tx *Tx) FindAdvisoriesByVuln(ctx context.Context, vulnID string) ([]*vigil.Advisory, error) {
	rows, err := tx.query(ctx,
		`SELECT a.doc FROM kb_advisories a JOIN kb_advisory_vulns v ON v.advisory_id = a.id
		WHERE v.vuln_id = ? ORDER BY a.modified DESC, a.source_id`, vulnID)
	if err != nil {
		return nil, fmt.Errorf("advisories about %s: %w", vulnID, err)
	}
	defer rows.Close()
	var out []*vigil.Advisory
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("advisories about %s: %w", vulnID, err)
		}
		var a vigil.Advisory
		if err := json.Unmarshal([]byte(doc), &a); err != nil {
			return nil, fmt.Errorf("stored advisory about %s: %w", vulnID, err)
		}
		out = append(out, &a)
	}
	return out, rows.Err()
}

// KBStats counts records per source.
func (tx *Tx) KBStats(ctx context.Context) ([]store.KBSourceStats, error) {
	rows, err := tx.query(ctx, `
		SELECT source, COUNT(*), COUNT(withdrawn), MAX(modified) FROM kb_vulns GROUP BY source
		UNION ALL SELECT 'kev', COUNT(*), 0, MAX(date_added) FROM kb_kev HAVING COUNT(*) > 0
		UNION ALL SELECT 'epss', COUNT(DISTINCT cve_id), 0, MAX(score_date) FROM kb_epss HAVING COUNT(*) > 0
		UNION ALL SELECT 'csaf', COUNT(*), 0, MAX(modified) FROM kb_advisories HAVING COUNT(*) > 0
		ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("knowledge base counts: %w", err)
	}
	defer rows.Close()
	var out []store.KBSourceStats
	for rows.Next() {
		var s store.KBSourceStats
		var src string
		var last sql.NullString
		if err := rows.Scan(&src, &s.Records, &s.Withdrawn, &last); err != nil {
			return nil, fmt.Errorf("knowledge base counts: %w", err)
		}
		s.Source = vigil.Source(src)
		if s.LastModified, err = ParseNullTime(last); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SetFeedState records a feed's last import; a nil syncState keeps the
// stored one (a file import must not reset a sync's cursors).
func (tx *Tx) SetFeedState(ctx context.Context, source vigil.Source, report, syncState []byte) error {
	if report == nil {
		report = []byte("{}")
	}
	var st sql.NullString
	if syncState != nil {
		st = sql.NullString{String: string(syncState), Valid: true}
	}
	_, err := tx.exec(ctx,
		`INSERT INTO kb_feeds (source, last_import_at, last_report, sync_state) VALUES (?, ?, ?, COALESCE(`+tx.d.jsonParam+`, '{}'))
		ON CONFLICT (source) DO UPDATE SET last_import_at = excluded.last_import_at,
			last_report = excluded.last_report, sync_state = COALESCE(`+tx.d.jsonParam+`, kb_feeds.sync_state)`,
		string(source), FormatTime(tx.now), string(report), st, st)
	if err != nil {
		return fmt.Errorf("feed state of %s: %w", source, mapError(err))
	}
	return nil
}

// FindFeedStates lists what each feed last did.
func (tx *Tx) FindFeedStates(ctx context.Context) ([]store.FeedState, error) {
	rows, err := tx.query(ctx, `SELECT source, last_import_at, last_report, sync_state FROM kb_feeds ORDER BY source COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("feed states: %w", err)
	}
	defer rows.Close()
	var out []store.FeedState
	for rows.Next() {
		var f store.FeedState
		var src, at, rep, st string
		if err := rows.Scan(&src, &at, &rep, &st); err != nil {
			return nil, fmt.Errorf("feed states: %w", err)
		}
		f.Source, f.LastReport, f.SyncState = vigil.Source(src), []byte(rep), []byte(st)
		if f.LastImportAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// kbDocQueries are the bundle reads; the kinds are a closed set, so the
// query text never comes from input.
var kbDocQueries = map[store.KBKind]string{
	store.KBVulns:      `SELECT doc FROM kb_vulns ORDER BY source COLLATE "C", source_id COLLATE "C"`,
	store.KBKEV:        `SELECT doc FROM kb_kev ORDER BY cve_id COLLATE "C"`,
	store.KBAdvisories: `SELECT doc FROM kb_advisories ORDER BY source_id COLLATE "C"`,
}

// EachKBDoc streams the stored JSON of one kind of record.
func (tx *Tx) EachKBDoc(ctx context.Context, kind store.KBKind, fn func([]byte) error) error {
	q, ok := kbDocQueries[kind]
	if !ok {
		return fmt.Errorf("knowledge base kind %q: %w", kind, vigil.ErrInvalid)
	}
	rows, err := tx.query(ctx, q)
	if err != nil {
		return fmt.Errorf("read %s: %w", kind, err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return fmt.Errorf("read %s: %w", kind, err)
		}
		if err := fn([]byte(doc)); err != nil {
			return err
		}
	}
	return rows.Err()
}

// EachEPSS streams every stored EPSS score.
func (tx *Tx) EachEPSS(ctx context.Context, fn func(*vigil.EPSSScore) error) error {
	rows, err := tx.query(ctx, `SELECT cve_id, score_date, epss, percentile, model_version FROM kb_epss ORDER BY cve_id COLLATE "C", score_date`)
	if err != nil {
		return fmt.Errorf("read EPSS: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s vigil.EPSSScore
		var day string
		if err := rows.Scan(&s.CVEID, &day, &s.Score, &s.Percentile, &s.ModelVersion); err != nil {
			return fmt.Errorf("read EPSS: %w", err)
		}
		if s.Date, err = parseDay(day); err != nil {
			return err
		}
		s.Provenance = vigil.Provenance{Source: vigil.SourceEPSS, SourceID: s.CVEID}
		if err := fn(&s); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (tx *Tx) queryRowStmt(ctx context.Context, query string, args ...any) *rowScanner {
	st, err := tx.prepared(ctx, query)
	if err != nil {
		return &rowScanner{err: err}
	}
	return &rowScanner{row: st.QueryRowContext(ctx, args...)}
}

type rowScanner struct {
	row *sql.Row
	err error
}

func (r *rowScanner) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.row.Scan(dest...)
}

func (tx *Tx) execStmt(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := tx.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}
