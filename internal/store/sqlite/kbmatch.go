package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/sqldb"
)

// Tx is one SQLite transaction: the shared one, and the knowledge-base
// candidate lookup, which SQLite does its own way.
type Tx struct {
	*sqldb.Tx
}

var _ store.Tx = (*Tx)(nil)

// The key lists go to SQLite as one JSON array each (json_each), so that
// every lookup is one statement, parsed once, whatever the number of keys;
// CROSS JOIN keeps the keys the outer loop over the indexes.
const (
	qPackagesByPURL = `SELECT p.rowid, p.record_id, p.affected
		FROM json_each(?) AS k CROSS JOIN kb_packages p ON p.purl = k.value AND p.purl <> ''`
	qPackagesByEco = `SELECT p.rowid, p.record_id, p.affected
		FROM json_each(?) AS k CROSS JOIN kb_packages p ON p.name = k.value ->> 1 AND p.ecosystem = k.value ->> 0`
	qVulnsByName = `SELECT p.record_id FROM json_each(?) AS k CROSS JOIN kb_packages p ON p.name = k.value`
	qVulnsByCPE  = `SELECT c.record_id FROM json_each(?) AS k CROSS JOIN kb_cpes c
		ON c.product = k.value ->> 1 AND c.vendor = k.value ->> 0`
	qAdvisoriesByProduct = `SELECT p.advisory_id FROM json_each(?) AS k CROSS JOIN kb_advisory_products p
		ON p.kind = k.value ->> 0 AND p.value = k.value ->> 1`
)

// FindKBCandidateRows finds what the reverse index connects to the keys.
func (tx *Tx) FindKBCandidateRows(ctx context.Context, keys []vigil.IndexKey) (*store.KBCandidates, error) {
	var purls, names []string
	var ecos, cpes, products [][2]string
	for _, k := range keys {
		switch k.Kind {
		case vigil.KeyPURL:
			purls = append(purls, k.Value)
			products = append(products, [2]string{"purl", k.Value})
		case vigil.KeyPackageName:
			names = append(names, k.Value)
		case vigil.KeyEcoPackage:
			eco, name, _ := strings.Cut(k.Value, "|")
			ecos = append(ecos, [2]string{eco, name})
		case vigil.KeyCPE:
			vendor, product, _ := strings.Cut(k.Value, ":")
			cpes = append(cpes, [2]string{vendor, product})
			products = append(products, [2]string{"cpe", k.Value})
		case vigil.KeyName:
			for _, kind := range []string{"name", "product", "model", "sku", "serial"} {
				products = append(products, [2]string{kind, k.Value})
			}
		case vigil.KeyHash:
			products = append(products, [2]string{"hash", k.Value})
		}
	}
	out := &store.KBCandidates{}
	seen := map[int64]bool{} // rowid: a row reached by purl and by name comes back once
	readRows := func(query string, list any) error {
		rows, err := tx.queryJSON(ctx, query, list)
		if err != nil || rows == nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var rowid int64
			var r store.KBPackageRow
			if err := rows.Scan(&rowid, &r.RecordID, &r.Affected); err != nil {
				return fmt.Errorf("knowledge base candidates: %w", err)
			}
			if !seen[rowid] {
				seen[rowid] = true
				out.Packages = append(out.Packages, r)
			}
		}
		return rows.Err()
	}
	if err := readRows(qPackagesByPURL, purls); err != nil {
		return nil, err
	}
	if err := readRows(qPackagesByEco, ecos); err != nil {
		return nil, err
	}
	vulns, advisories := map[int64]bool{}, map[int64]bool{}
	readIDs := func(dst map[int64]bool, query string, list any) error {
		rows, err := tx.queryJSON(ctx, query, list)
		if err != nil || rows == nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return fmt.Errorf("knowledge base candidates: %w", err)
			}
			dst[id] = true
		}
		return rows.Err()
	}
	if err := readIDs(vulns, qVulnsByName, names); err != nil {
		return nil, err
	}
	if err := readIDs(vulns, qVulnsByCPE, cpes); err != nil {
		return nil, err
	}
	if err := readIDs(advisories, qAdvisoriesByProduct, products); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out.Packages, func(a, b store.KBPackageRow) int { return cmp.Compare(a.RecordID, b.RecordID) })
	out.Vulns, out.Advisories = sortedIDs(vulns), sortedIDs(advisories)
	return out, nil
}

// queryJSON runs a prepared query whose one parameter is list as a JSON
// array; nil rows when the list is empty.
func (tx *Tx) queryJSON(ctx context.Context, query string, list any) (*sql.Rows, error) {
	b, err := json.Marshal(list)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" || string(b) == "[]" {
		return nil, nil
	}
	st, err := tx.Stmt(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("knowledge base candidates: %w", err)
	}
	rows, err := st.QueryContext(ctx, string(b))
	if err != nil {
		return nil, fmt.Errorf("knowledge base candidates: %w", err)
	}
	return rows, nil
}

func sortedIDs(set map[int64]bool) []int64 {
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
