package postgres

import (
	"context"
	"fmt"
	"strings"

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
	rows, err := tx.SQL().QueryContext(ctx,
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
	rows, err := tx.SQL().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("knowledge base candidates: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("knowledge base candidates: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("knowledge base candidates: %w", err)
	}
	return ids, nil
}
