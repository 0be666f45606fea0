package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/sqldb"
)

// The knowledge-base writes that differ on PostgreSQL: a record and its
// index rows go to the server in one round trip (a pipelined batch whose
// index statements take their rows as arrays), where the shared form would
// take one round trip a row.

// PutKBVuln inserts or replaces a source record and its index rows, in one
// round trip: the upsert and the index statements go in one batch, the
// index statements finding the record's id by its (source, source_id).
func (tx *Tx) PutKBVuln(ctx context.Context, r *store.KBVuln) error {
	v := r.Vuln
	var ecos, names, purls, parts, vendors, products []string
	var affected [][]byte
	var vulnerable []bool
	for _, p := range r.Packages {
		ecos, names, purls, affected = append(ecos, p.Ecosystem), append(names, p.Name), append(purls, p.PURL), append(affected, p.Affected)
	}
	for _, c := range r.CPEs {
		parts, vendors, products, vulnerable = append(parts, c.Part), append(vendors, c.Vendor), append(products, c.Product), append(vulnerable, c.Vulnerable)
	}
	src := string(v.Source)
	const rec = `(SELECT id FROM kb_vulns WHERE source = $1 AND source_id = $2)`
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO kb_vulns (source, source_id, vuln_id, published, modified, withdrawn, summary, sha256, doc, imported_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (source, source_id) DO UPDATE SET vuln_id = excluded.vuln_id, published = excluded.published,
			modified = excluded.modified, withdrawn = excluded.withdrawn, summary = excluded.summary,
			sha256 = excluded.sha256, doc = excluded.doc, imported_at = excluded.imported_at`,
		src, v.SourceID, v.ID, nullTime(v.Published), nullTime(v.Modified), nullTime(v.Withdrawn),
		v.Summary, r.SHA256, string(r.Doc), tx.Now())
	batch.Queue(`DELETE FROM kb_aliases WHERE record_id = `+rec, src, v.SourceID)
	batch.Queue(`DELETE FROM kb_packages WHERE record_id = `+rec, src, v.SourceID)
	batch.Queue(`DELETE FROM kb_cpes WHERE record_id = `+rec, src, v.SourceID)
	batch.Queue(`INSERT INTO kb_aliases (record_id, alias) SELECT `+rec+`, a FROM unnest($3::text[]) AS a ON CONFLICT DO NOTHING`, src, v.SourceID, r.Aliases)
	batch.Queue(`INSERT INTO kb_packages (record_id, ecosystem, name, purl, affected)
		SELECT `+rec+`, e, n, p, a FROM unnest($3::text[], $4::text[], $5::text[], $6::bytea[]) AS x (e, n, p, a)`,
		src, v.SourceID, ecos, names, purls, affected)
	batch.Queue(`INSERT INTO kb_cpes (record_id, part, vendor, product, vulnerable)
		SELECT `+rec+`, p, v, pr, vu FROM unnest($3::text[], $4::text[], $5::text[], $6::boolean[]) AS x (p, v, pr, vu)`,
		src, v.SourceID, parts, vendors, products, vulnerable)
	if err := tx.sendBatch(ctx, batch); err != nil {
		return fmt.Errorf("store %s record %s: %w", v.Source, v.SourceID, sqldb.MapError(err))
	}
	return nil
}

// PutAdvisory inserts or replaces an advisory and its index rows.
func (tx *Tx) PutAdvisory(ctx context.Context, r *store.KBAdvisory) error {
	a := r.Advisory
	var id int64
	err := tx.SQL().QueryRowContext(ctx,
		`INSERT INTO kb_advisories (source_id, publisher, title, modified, sha256, doc, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (source_id) DO UPDATE SET publisher = excluded.publisher, title = excluded.title,
			modified = excluded.modified, sha256 = excluded.sha256, doc = excluded.doc, imported_at = excluded.imported_at
		RETURNING id`,
		a.SourceID, a.Publisher.Name, a.Title, nullTime(a.Modified), r.SHA256, string(r.Doc), tx.Now()).Scan(&id)
	if err != nil {
		return fmt.Errorf("store advisory %s: %w", a.SourceID, sqldb.MapError(err))
	}
	var pids, kinds, values []string
	for _, p := range r.Products {
		pids, kinds, values = append(pids, p.ProductID), append(kinds, p.Kind), append(values, p.Value)
	}
	batch := &pgx.Batch{}
	batch.Queue(`DELETE FROM kb_advisory_vulns WHERE advisory_id = $1`, id)
	batch.Queue(`DELETE FROM kb_advisory_products WHERE advisory_id = $1`, id)
	batch.Queue(`INSERT INTO kb_advisory_vulns (advisory_id, vuln_id) SELECT $1, v FROM unnest($2::text[]) AS v ON CONFLICT DO NOTHING`, id, r.Vulns)
	batch.Queue(`INSERT INTO kb_advisory_products (advisory_id, product_id, kind, value)
		SELECT $1, p, k, v FROM unnest($2::text[], $3::text[], $4::text[]) AS x (p, k, v)`, id, pids, kinds, values)
	if err := tx.sendBatch(ctx, batch); err != nil {
		return fmt.Errorf("store advisory %s index: %w", a.SourceID, sqldb.MapError(err))
	}
	return nil
}

// sendBatch sends batch on the connection that holds the transaction and
// reads all its results.
func (tx *Tx) sendBatch(ctx context.Context, batch *pgx.Batch) error {
	return tx.Raw(func(dc any) error {
		return dc.(*stdlib.Conn).Conn().SendBatch(ctx, batch).Close()
	})
}

// The digest lookups below run once per record of a feed import, and on a
// re-import they are nearly all the work; asked through pgx on the
// transaction's own connection they skip database/sql's per-query
// conversion and context watching, which more than doubled a re-import's
// CPU time on PostgreSQL (docs/performance.md, "The redesign").

// FindKBVulnMeta returns a source record's digest and modified time.
func (tx *Tx) FindKBVulnMeta(ctx context.Context, source vigil.Source, sourceID string) (store.KBMeta, bool, error) {
	m, found, err := tx.findMeta(ctx, `SELECT sha256, modified FROM kb_vulns WHERE source = $1 AND source_id = $2`, string(source), sourceID)
	if err != nil {
		return m, false, fmt.Errorf("knowledge base record %s %s: %w", source, sourceID, err)
	}
	return m, found, nil
}

// FindKEVMeta returns a KEV entry's digest.
func (tx *Tx) FindKEVMeta(ctx context.Context, cveID string) (store.KBMeta, bool, error) {
	m, found, err := tx.findMeta(ctx, `SELECT sha256, NULL::timestamptz FROM kb_kev WHERE cve_id = $1`, cveID)
	if err != nil {
		return m, false, fmt.Errorf("KEV entry %s: %w", cveID, err)
	}
	return m, found, nil
}

// FindAdvisoryMeta returns an advisory's digest and modified time.
func (tx *Tx) FindAdvisoryMeta(ctx context.Context, sourceID string) (store.KBMeta, bool, error) {
	m, found, err := tx.findMeta(ctx, `SELECT sha256, modified FROM kb_advisories WHERE source_id = $1`, sourceID)
	if err != nil {
		return m, false, fmt.Errorf("advisory %s: %w", sourceID, err)
	}
	return m, found, nil
}

func (tx *Tx) findMeta(ctx context.Context, query string, args ...any) (store.KBMeta, bool, error) {
	var m store.KBMeta
	var modified *time.Time
	found := true
	err := tx.Raw(func(dc any) error {
		err := dc.(*stdlib.Conn).Conn().QueryRow(ctx, query, args...).Scan(&m.SHA256, &modified)
		if errors.Is(err, pgx.ErrNoRows) {
			found = false
			return nil
		}
		return err
	})
	if err != nil {
		return m, false, sqldb.MapError(err)
	}
	if modified != nil {
		m.Modified = modified.UTC()
	}
	return m, found, nil
}
