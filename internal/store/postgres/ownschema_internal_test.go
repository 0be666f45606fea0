package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// openOwnSchema opens an unmigrated store in a fresh schema of the server
// pgtest uses, dropped when the test ends. Tests inside this package need
// it because pgtest imports the package and so cannot be imported here.
// As with pgtest, a missing server skips the test, except under CI=true.
func openOwnSchema(t *testing.T) *DB {
	t.Helper()
	ctx := t.Context()
	url := os.Getenv("VIGIL_TEST_POSTGRES")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	admin, err := pgx.Connect(cctx, url)
	cancel()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no PostgreSQL at %s (CI=true): %v", url, err)
		}
		t.Skipf("no PostgreSQL at %s: %v", url, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := pgx.Identifier{"vigil_test_" + hex.EncodeToString(b)}.Sanitize()
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close(context.Background())
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c := context.Background()
		_, _ = admin.Exec(c, "DROP SCHEMA "+schema+" CASCADE")
		admin.Close(c)
	})
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = "vigil_test_" + hex.EncodeToString(b)
	db, err := OpenConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Registered after the schema's cleanup, so it runs before it.
	t.Cleanup(func() { db.Close() })
	db.Now = time.Now
	return db
}

// TestMigrateConcurrently starts several stores on one empty schema at
// once, as several vigil processes sharing one database do: each Migrate
// must succeed and every migration must be applied exactly once.
func TestMigrateConcurrently(t *testing.T) {
	ctx := t.Context()
	first := openOwnSchema(t)
	dbs := []*DB{first}
	for range 3 {
		db, err := OpenConfig(ctx, first.pool.Config())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	errs := make(chan error, len(dbs))
	for _, db := range dbs {
		go func() {
			_, err := db.Migrate(ctx)
			errs <- err
		}()
	}
	for range dbs {
		if err := <-errs; err != nil {
			t.Errorf("Migrate: %v", err)
		}
	}
	var versions, distinct int
	if err := first.pool.QueryRow(ctx, "SELECT count(*), count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0").Scan(&versions, &distinct); err != nil {
		t.Fatal(err)
	}
	_, latest, err := first.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Migration numbers are handed out to parallel work, so a branch may
	// have gaps: one row per migration file, the newest being latest.
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if versions != distinct || distinct != len(files) || latest < int64(len(files)) {
		t.Errorf("goose_db_version has %d rows for %d versions, want one row for each of %d migrations up to %d", versions, distinct, len(files), latest)
	}
}
