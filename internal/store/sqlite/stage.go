package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/sqldb"
)

// A knowledge-base import on SQLite is staged (docs/architecture.md,
// "Concurrent writers"): SQLite has one writer per database file, and an
// import that wrote the live tables in one transaction held that lock for
// as long as it read its input (20 s for 100,000 NVD records), so every
// other writer waited or gave up with SQLITE_BUSY. The import writes into
// a private scratch database beside the live one instead, taking no lock
// anyone else waits on; Publish then attaches it to the writer connection
// and moves its rows into the live tables with a few set-based statements
// in one BEGIN IMMEDIATE transaction, so readers see the import whole or
// not at all and other writers wait only for that.

var _ store.KBStager = (*DB)(nil)

// stageBatch is how many staged writes share one scratch transaction.
const stageBatch = 1000

const stageSchema = `
CREATE TABLE vulns (
    source TEXT NOT NULL, source_id TEXT NOT NULL, vuln_id TEXT NOT NULL,
    published TEXT, modified TEXT, withdrawn TEXT, summary TEXT NOT NULL,
    sha256 TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (source, source_id));
CREATE TABLE aliases (source TEXT NOT NULL, source_id TEXT NOT NULL, alias TEXT NOT NULL);
CREATE INDEX aliases_record ON aliases (source, source_id);
CREATE TABLE packages (source TEXT NOT NULL, source_id TEXT NOT NULL,
    ecosystem TEXT NOT NULL, name TEXT NOT NULL, purl TEXT NOT NULL, affected BLOB);
CREATE INDEX packages_record ON packages (source, source_id);
CREATE TABLE cpes (source TEXT NOT NULL, source_id TEXT NOT NULL,
    part TEXT NOT NULL, vendor TEXT NOT NULL, product TEXT NOT NULL, vulnerable INTEGER NOT NULL);
CREATE INDEX cpes_record ON cpes (source, source_id);
CREATE TABLE kev (cve_id TEXT PRIMARY KEY, date_added TEXT NOT NULL, due_date TEXT,
    ransomware TEXT NOT NULL, sha256 TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE epss (cve_id TEXT NOT NULL, score_date TEXT NOT NULL, epss REAL NOT NULL,
    percentile REAL NOT NULL, model_version TEXT NOT NULL, PRIMARY KEY (cve_id, score_date));
CREATE TABLE advisories (source_id TEXT PRIMARY KEY, publisher TEXT NOT NULL, title TEXT NOT NULL,
    modified TEXT, sha256 TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE advisory_vulns (source_id TEXT NOT NULL, vuln_id TEXT NOT NULL);
CREATE INDEX advisory_vulns_record ON advisory_vulns (source_id);
CREATE TABLE advisory_products (source_id TEXT NOT NULL, product_id TEXT NOT NULL,
    kind TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX advisory_products_record ON advisory_products (source_id);
`

// Stage is one import's scratch database.
type Stage struct {
	db      *DB
	path    string
	scratch *sql.DB
	tx      *sql.Tx
	pending int
	stmts   map[string]*sql.Stmt
	spent   bool
}

// StageKB creates an empty stage: a file beside the database, readable by
// its owner only, removed by Publish or Close.
func (db *DB) StageKB(ctx context.Context) (store.KBStage, error) {
	f, err := os.CreateTemp(filepath.Dir(db.path), filepath.Base(db.path)+".stage-*")
	if err != nil {
		return nil, fmt.Errorf("stage import: %w", err)
	}
	path := f.Name()
	f.Close()
	// The stage is scratch: a crash loses only the import in progress,
	// which never reached the live database, so it needs no journal.
	scratch, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("stage import: %w", err)
	}
	scratch.SetMaxOpenConns(1)
	st := &Stage{db: db, path: path, scratch: scratch, stmts: map[string]*sql.Stmt{}}
	if _, err := scratch.ExecContext(ctx, stageSchema); err != nil {
		st.Close()
		return nil, fmt.Errorf("stage import: %w", err)
	}
	return st, nil
}

// Close discards the stage.
func (s *Stage) Close() error {
	if s.tx != nil {
		s.tx.Rollback()
		s.tx = nil
	}
	err := s.scratch.Close()
	if rerr := os.Remove(s.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	s.spent = true
	return err
}

// begin returns the open scratch transaction, committing it first every
// stageBatch writes.
func (s *Stage) begin(ctx context.Context, write bool) (*sql.Tx, error) {
	if s.spent {
		return nil, errors.New("stage already published or closed")
	}
	if s.tx != nil && write {
		s.pending++
		if s.pending >= stageBatch {
			if err := s.flush(); err != nil {
				return nil, err
			}
		}
	}
	if s.tx == nil {
		tx, err := s.scratch.BeginTx(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("stage: %w", err)
		}
		s.tx, s.pending = tx, 0
		clear(s.stmts)
	}
	return s.tx, nil
}

func (s *Stage) flush() error {
	if s.tx == nil {
		return nil
	}
	err := s.tx.Commit()
	s.tx = nil
	if err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	return nil
}

func (s *Stage) exec(ctx context.Context, query string, args ...any) error {
	tx, err := s.begin(ctx, true)
	if err != nil {
		return err
	}
	st, ok := s.stmts[query]
	if !ok {
		if st, err = tx.PrepareContext(ctx, query); err != nil {
			return err
		}
		s.stmts[query] = st
	}
	_, err = st.ExecContext(ctx, args...)
	return err
}

// meta looks a record's digest up in the stage first (an earlier copy in
// the same import), then in the live database.
func (s *Stage) meta(ctx context.Context, stageQuery, liveQuery string, args ...any) (store.KBMeta, bool, error) {
	tx, err := s.begin(ctx, false)
	if err != nil {
		return store.KBMeta{}, false, err
	}
	for i, q := range []string{stageQuery, liveQuery} {
		var m store.KBMeta
		var modified sql.NullString
		var row *sql.Row
		if i == 0 {
			row = tx.QueryRowContext(ctx, q, args...)
		} else {
			row = s.db.read.QueryRowContext(ctx, q, args...)
		}
		err := row.Scan(&m.SHA256, &modified)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return m, false, sqldb.MapError(err)
		}
		if m.Modified, err = sqldb.ParseNullTime(modified); err != nil {
			return m, false, err
		}
		return m, true, nil
	}
	return store.KBMeta{}, false, nil
}

// FindKBVulnMeta returns a source record's digest and modified time.
func (s *Stage) FindKBVulnMeta(ctx context.Context, source vigil.Source, sourceID string) (store.KBMeta, bool, error) {
	m, found, err := s.meta(ctx, `SELECT sha256, modified FROM vulns WHERE source = ? AND source_id = ?`,
		`SELECT sha256, modified FROM kb_vulns WHERE source = ? AND source_id = ?`, string(source), sourceID)
	if err != nil {
		return m, false, fmt.Errorf("knowledge base record %s %s: %w", source, sourceID, err)
	}
	return m, found, nil
}

// PutKBVuln stages a source record and its index rows.
func (s *Stage) PutKBVuln(ctx context.Context, r *store.KBVuln) error {
	v := r.Vuln
	src, id := string(v.Source), v.SourceID
	wrap := func(err error) error { return fmt.Errorf("stage %s record %s: %w", v.Source, v.SourceID, err) }
	if err := s.exec(ctx, `INSERT OR REPLACE INTO vulns (source, source_id, vuln_id, published, modified, withdrawn, summary, sha256, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		src, id, v.ID, sqldb.FormatNullTime(v.Published), sqldb.FormatNullTime(v.Modified), sqldb.FormatNullTime(v.Withdrawn),
		v.Summary, r.SHA256, string(r.Doc)); err != nil {
		return wrap(err)
	}
	for _, q := range []string{`DELETE FROM aliases WHERE source = ? AND source_id = ?`,
		`DELETE FROM packages WHERE source = ? AND source_id = ?`, `DELETE FROM cpes WHERE source = ? AND source_id = ?`} {
		if err := s.exec(ctx, q, src, id); err != nil {
			return wrap(err)
		}
	}
	for _, a := range r.Aliases {
		if err := s.exec(ctx, `INSERT INTO aliases (source, source_id, alias) VALUES (?, ?, ?)`, src, id, a); err != nil {
			return wrap(err)
		}
	}
	for _, p := range r.Packages {
		if err := s.exec(ctx, `INSERT INTO packages (source, source_id, ecosystem, name, purl, affected) VALUES (?, ?, ?, ?, ?, ?)`,
			src, id, p.Ecosystem, p.Name, p.PURL, sqldb.NullBlob(p.Affected)); err != nil {
			return wrap(err)
		}
	}
	for _, c := range r.CPEs {
		if err := s.exec(ctx, `INSERT INTO cpes (source, source_id, part, vendor, product, vulnerable) VALUES (?, ?, ?, ?, ?, ?)`,
			src, id, c.Part, c.Vendor, c.Product, c.Vulnerable); err != nil {
			return wrap(err)
		}
	}
	return nil
}

// FindKEVMeta returns a KEV entry's digest.
func (s *Stage) FindKEVMeta(ctx context.Context, cveID string) (store.KBMeta, bool, error) {
	m, found, err := s.meta(ctx, `SELECT sha256, NULL FROM kev WHERE cve_id = ?`, `SELECT sha256, NULL FROM kb_kev WHERE cve_id = ?`, cveID)
	if err != nil {
		return m, false, fmt.Errorf("KEV entry %s: %w", cveID, err)
	}
	return m, found, nil
}

// PutKEV stages a KEV entry.
func (s *Stage) PutKEV(ctx context.Context, e *vigil.KEVEntry, digest string, doc []byte) error {
	err := s.exec(ctx, `INSERT OR REPLACE INTO kev (cve_id, date_added, due_date, ransomware, sha256, doc) VALUES (?, ?, ?, ?, ?, ?)`,
		e.CVEID, e.DateAdded.String(), sqldb.FormatDate(e.DueDate), string(e.RansomwareUse), digest, string(doc))
	if err != nil {
		return fmt.Errorf("stage KEV entry %s: %w", e.CVEID, err)
	}
	return nil
}

// PutEPSS stages a score unless the stage or the live database already has
// exactly it.
func (s *Stage) PutEPSS(ctx context.Context, sc *vigil.EPSSScore) (bool, error) {
	tx, err := s.begin(ctx, false)
	if err != nil {
		return false, err
	}
	same := func(row *sql.Row) (found, equal bool, err error) {
		var score, pct float64
		var model string
		err = row.Scan(&score, &pct, &model)
		if errors.Is(err, sql.ErrNoRows) {
			return false, false, nil
		}
		if err != nil {
			return false, false, fmt.Errorf("EPSS score of %s: %w", sc.CVEID, sqldb.MapError(err))
		}
		return true, score == sc.Score && pct == sc.Percentile && model == sc.ModelVersion, nil
	}
	day := sc.Date.String()
	staged, stagedEqual, err := same(tx.QueryRowContext(ctx, `SELECT epss, percentile, model_version FROM epss WHERE cve_id = ? AND score_date = ?`, sc.CVEID, day))
	if err != nil || stagedEqual {
		return false, err
	}
	if !staged {
		_, liveEqual, err := same(s.db.read.QueryRowContext(ctx, `SELECT epss, percentile, model_version FROM kb_epss WHERE cve_id = ? AND score_date = ?`, sc.CVEID, day))
		if err != nil || liveEqual {
			return false, err
		}
	}
	if err := s.exec(ctx, `INSERT OR REPLACE INTO epss (cve_id, score_date, epss, percentile, model_version) VALUES (?, ?, ?, ?, ?)`,
		sc.CVEID, day, sc.Score, sc.Percentile, sc.ModelVersion); err != nil {
		return false, fmt.Errorf("stage EPSS score of %s: %w", sc.CVEID, err)
	}
	return true, nil
}

// FindAdvisoryMeta returns an advisory's digest and modified time.
func (s *Stage) FindAdvisoryMeta(ctx context.Context, sourceID string) (store.KBMeta, bool, error) {
	m, found, err := s.meta(ctx, `SELECT sha256, modified FROM advisories WHERE source_id = ?`,
		`SELECT sha256, modified FROM kb_advisories WHERE source_id = ?`, sourceID)
	if err != nil {
		return m, false, fmt.Errorf("advisory %s: %w", sourceID, err)
	}
	return m, found, nil
}

// PutAdvisory stages an advisory and its index rows.
func (s *Stage) PutAdvisory(ctx context.Context, r *store.KBAdvisory) error {
	a := r.Advisory
	wrap := func(err error) error { return fmt.Errorf("stage advisory %s: %w", a.SourceID, err) }
	if err := s.exec(ctx, `INSERT OR REPLACE INTO advisories (source_id, publisher, title, modified, sha256, doc) VALUES (?, ?, ?, ?, ?, ?)`,
		a.SourceID, a.Publisher.Name, a.Title, sqldb.FormatNullTime(a.Modified), r.SHA256, string(r.Doc)); err != nil {
		return wrap(err)
	}
	for _, q := range []string{`DELETE FROM advisory_vulns WHERE source_id = ?`, `DELETE FROM advisory_products WHERE source_id = ?`} {
		if err := s.exec(ctx, q, a.SourceID); err != nil {
			return wrap(err)
		}
	}
	for _, v := range r.Vulns {
		if err := s.exec(ctx, `INSERT INTO advisory_vulns (source_id, vuln_id) VALUES (?, ?)`, a.SourceID, v); err != nil {
			return wrap(err)
		}
	}
	for _, p := range r.Products {
		if err := s.exec(ctx, `INSERT INTO advisory_products (source_id, product_id, kind, value) VALUES (?, ?, ?, ?)`,
			a.SourceID, p.ProductID, p.Kind, p.Value); err != nil {
			return wrap(err)
		}
	}
	return nil
}

// publishSQL moves a stage (attached as "stage") into the live tables.
// Staged records the live table already holds (same digest) or holds newer
// are dropped first: another import may have published them meanwhile.
// Index rows of every record that stays are replaced whole.
var publishSQL = []string{
	`DELETE FROM stage.vulns WHERE EXISTS (SELECT 1 FROM main.kb_vulns v
		WHERE v.source = stage.vulns.source AND v.source_id = stage.vulns.source_id
		AND (v.sha256 = stage.vulns.sha256 OR (stage.vulns.modified IS NOT NULL AND v.modified IS NOT NULL AND stage.vulns.modified < v.modified)))`,
	`INSERT INTO main.kb_vulns (source, source_id, vuln_id, published, modified, withdrawn, summary, sha256, doc, imported_at)
		SELECT source, source_id, vuln_id, published, modified, withdrawn, summary, sha256, doc, :now FROM stage.vulns WHERE true
		ON CONFLICT (source, source_id) DO UPDATE SET vuln_id = excluded.vuln_id, published = excluded.published,
			modified = excluded.modified, withdrawn = excluded.withdrawn, summary = excluded.summary,
			sha256 = excluded.sha256, doc = excluded.doc, imported_at = excluded.imported_at`,
	`CREATE TEMP TABLE IF NOT EXISTS staged_ids (id INTEGER PRIMARY KEY, source TEXT NOT NULL, source_id TEXT NOT NULL)`,
	`DELETE FROM temp.staged_ids`,
	`INSERT INTO temp.staged_ids (id, source, source_id)
		SELECT v.id, v.source, v.source_id FROM stage.vulns s JOIN main.kb_vulns v ON v.source = s.source AND v.source_id = s.source_id`,
	`DELETE FROM main.kb_aliases WHERE record_id IN (SELECT id FROM temp.staged_ids)`,
	`DELETE FROM main.kb_packages WHERE record_id IN (SELECT id FROM temp.staged_ids)`,
	`DELETE FROM main.kb_cpes WHERE record_id IN (SELECT id FROM temp.staged_ids)`,
	`INSERT INTO main.kb_aliases (record_id, alias) SELECT i.id, a.alias FROM stage.aliases a
		JOIN temp.staged_ids i ON i.source = a.source AND i.source_id = a.source_id WHERE true ON CONFLICT DO NOTHING`,
	`INSERT INTO main.kb_packages (record_id, ecosystem, name, purl, affected) SELECT i.id, p.ecosystem, p.name, p.purl, p.affected
		FROM stage.packages p JOIN temp.staged_ids i ON i.source = p.source AND i.source_id = p.source_id`,
	`INSERT INTO main.kb_cpes (record_id, part, vendor, product, vulnerable) SELECT i.id, c.part, c.vendor, c.product, c.vulnerable
		FROM stage.cpes c JOIN temp.staged_ids i ON i.source = c.source AND i.source_id = c.source_id`,
	`DELETE FROM temp.staged_ids`,

	`DELETE FROM stage.kev WHERE EXISTS (SELECT 1 FROM main.kb_kev k WHERE k.cve_id = stage.kev.cve_id AND k.sha256 = stage.kev.sha256)`,
	`INSERT INTO main.kb_kev (cve_id, date_added, due_date, ransomware, sha256, doc, imported_at)
		SELECT cve_id, date_added, due_date, ransomware, sha256, doc, :now FROM stage.kev WHERE true
		ON CONFLICT (cve_id) DO UPDATE SET date_added = excluded.date_added, due_date = excluded.due_date,
			ransomware = excluded.ransomware, sha256 = excluded.sha256, doc = excluded.doc, imported_at = excluded.imported_at`,

	`INSERT INTO main.kb_epss (cve_id, score_date, epss, percentile, model_version)
		SELECT cve_id, score_date, epss, percentile, model_version FROM stage.epss WHERE true
		ON CONFLICT (cve_id, score_date) DO UPDATE SET epss = excluded.epss, percentile = excluded.percentile,
			model_version = excluded.model_version
		WHERE kb_epss.epss <> excluded.epss OR kb_epss.percentile <> excluded.percentile
			OR kb_epss.model_version <> excluded.model_version`,

	`DELETE FROM stage.advisories WHERE EXISTS (SELECT 1 FROM main.kb_advisories a
		WHERE a.source_id = stage.advisories.source_id
		AND (a.sha256 = stage.advisories.sha256 OR (stage.advisories.modified IS NOT NULL AND a.modified IS NOT NULL AND stage.advisories.modified < a.modified)))`,
	`INSERT INTO main.kb_advisories (source_id, publisher, title, modified, sha256, doc, imported_at)
		SELECT source_id, publisher, title, modified, sha256, doc, :now FROM stage.advisories WHERE true
		ON CONFLICT (source_id) DO UPDATE SET publisher = excluded.publisher, title = excluded.title,
			modified = excluded.modified, sha256 = excluded.sha256, doc = excluded.doc, imported_at = excluded.imported_at`,
	`DELETE FROM temp.staged_ids`,
	`INSERT INTO temp.staged_ids (id, source, source_id)
		SELECT a.id, '', a.source_id FROM stage.advisories s JOIN main.kb_advisories a ON a.source_id = s.source_id`,
	`DELETE FROM main.kb_advisory_vulns WHERE advisory_id IN (SELECT id FROM temp.staged_ids)`,
	`DELETE FROM main.kb_advisory_products WHERE advisory_id IN (SELECT id FROM temp.staged_ids)`,
	`INSERT INTO main.kb_advisory_vulns (advisory_id, vuln_id) SELECT i.id, v.vuln_id FROM stage.advisory_vulns v
		JOIN temp.staged_ids i ON i.source_id = v.source_id WHERE true ON CONFLICT DO NOTHING`,
	`INSERT INTO main.kb_advisory_products (advisory_id, product_id, kind, value) SELECT i.id, p.product_id, p.kind, p.value
		FROM stage.advisory_products p JOIN temp.staged_ids i ON i.source_id = p.source_id`,
	`DELETE FROM temp.staged_ids`,
}

// Publish moves the stage into the live knowledge base and runs fn, in one
// write transaction on the writer connection.
func (s *Stage) Publish(ctx context.Context, fn func(store.Tx) error) (err error) {
	if s.spent {
		return errors.New("publish import: stage already published or closed")
	}
	defer func() {
		if cerr := s.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("publish import: %w", cerr)
		}
	}()
	if err := s.flush(); err != nil {
		return fmt.Errorf("publish import: %w", err)
	}
	// Close the scratch pool so the writer connection is the file's only
	// user while it is attached.
	if err := s.scratch.Close(); err != nil {
		return fmt.Errorf("publish import: %w", err)
	}
	conn, err := s.db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("publish import: %w", sqldb.MapError(err))
	}
	defer conn.Close()
	// ATTACH cannot run inside a transaction, so it comes before BEGIN;
	// the writer connection is held meanwhile, so no other transaction
	// runs on it with the stage attached.
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS stage", s.path); err != nil {
		return fmt.Errorf("publish import: attach stage: %w", sqldb.MapError(err))
	}
	defer func() {
		if _, derr := conn.ExecContext(context.WithoutCancel(ctx), "DETACH DATABASE stage"); derr != nil {
			// A connection left with the stage attached must not serve
			// anyone else: drop it from the pool.
			conn.Raw(func(any) error { return driver.ErrBadConn })
			if err == nil {
				err = fmt.Errorf("publish import: detach stage: %w", derr)
			}
		}
	}()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("publish import: begin: %w", sqldb.MapError(err))
	}
	defer sqlTx.Rollback()
	tx := &Tx{sqldb.SQLite.NewTx(conn, sqlTx, s.db.Now())}
	now := sql.Named("now", sqldb.FormatTime(tx.Now()))
	for _, q := range publishSQL {
		var args []any
		if strings.Contains(q, ":now") {
			args = []any{now}
		}
		if _, err := sqlTx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("publish import: %w", sqldb.MapError(err))
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("publish import: commit: %w", sqldb.MapError(err))
	}
	return nil
}
