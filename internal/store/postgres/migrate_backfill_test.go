package postgres

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/match/purlrange"
)

// TestMigration00006Backfill checks that migrating a store from before
// kb_packages.affected gives each row of an OSV-only record the record's
// affected list, and none to records other matchers read, as on SQLite.
// It needs the server pgtest uses (pgtest itself cannot be imported here).
func TestMigration00006Backfill(t *testing.T) {
	ctx := t.Context()
	db := openOwnSchema(t)
	p, err := db.provider()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 5); err != nil {
		t.Fatal(err)
	}
	osvDoc := `{"id":"GHSA-1","affected":[{"ecosystem":"npm","name":"left-pad","ranges":[{"type":"SEMVER","events":[{"kind":"introduced","version":"0"},{"kind":"fixed","version":"1.3.0"}]}]},{"ecosystem":"PyPI","name":"x","versions":["1.0"]}],"source":"osv","source_id":"GHSA-1"}`
	nvdDoc := `{"id":"CVE-2024-1","affected":[{"ecosystem":"npm","name":"left-pad"}],"configurations":[{"nodes":[]}],"source":"nvd","source_id":"CVE-2024-1"}`
	var ids []int64
	for i, doc := range []string{osvDoc, nvdDoc} {
		var id int64
		if err := db.pool.QueryRow(ctx, `INSERT INTO kb_vulns (source, source_id, vuln_id, sha256, doc, imported_at) VALUES ('osv', $1, $1, '', $2, now()) RETURNING id`,
			string(rune('a'+i)), doc).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := db.pool.Exec(ctx, `INSERT INTO kb_packages (record_id, ecosystem, name) VALUES ($1, 'npm', 'left-pad')`, id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var osvRow, nvdRow []byte
	if err := db.pool.QueryRow(ctx, `SELECT affected FROM kb_packages WHERE record_id = $1`, ids[0]).Scan(&osvRow); err != nil {
		t.Fatal(err)
	}
	if err := db.pool.QueryRow(ctx, `SELECT affected FROM kb_packages WHERE record_id = $1`, ids[1]).Scan(&nvdRow); err != nil {
		t.Fatal(err)
	}
	got, err := purlrange.DecodeAffected(osvRow)
	if err != nil {
		t.Fatalf("backfilled row %q: %v", osvRow, err)
	}
	want := []vigil.AffectedPackage{
		{Ecosystem: "npm", Name: "left-pad", Ranges: []vigil.Range{{Type: vigil.RangeSemVer, Events: []vigil.Event{{Kind: vigil.Introduced, Version: "0"}, {Kind: vigil.Fixed, Version: "1.3.0"}}}}},
		{Ecosystem: "PyPI", Name: "x", Versions: []string{"1.0"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("backfilled affected (-want +got):\n%s", diff)
	}
	if nvdRow != nil {
		t.Errorf("row of a record with configurations = %q, want NULL (read whole)", nvdRow)
	}
}
