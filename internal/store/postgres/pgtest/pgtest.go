// Package pgtest opens PostgreSQL stores for tests: each in a schema of its
// own on a shared server, dropped when the test ends, so tests of any
// package can run against PostgreSQL side by side without seeing each
// other's rows.
//
// The server is VIGIL_TEST_POSTGRES, or DefaultURL when that is unset.
// When no server answers, tests are skipped, except under CI=true, where
// a missing server fails them: CI must not pass by skipping.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vigil/vigil/internal/store/postgres"
)

// EnvURL names the environment variable that points tests at a server.
const EnvURL = "VIGIL_TEST_POSTGRES"

// DefaultURL is the server tests use when EnvURL is unset: a local
// PostgreSQL with trust authentication and a database named test.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// URL is the server tests run against.
func URL() string {
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	return DefaultURL
}

// MustOpen returns a migrated, empty store in a fresh schema whose clock is
// now (time.Now when nil). The store is closed and the schema dropped when
// the test ends.
func MustOpen(t testing.TB, now func() time.Time) *postgres.DB {
	t.Helper()
	url := URL()
	// Registered first, so the schema is dropped after the store is closed.
	schema := mustSchema(t, url)
	ctx := t.Context()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", EnvURL, err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	db, err := postgres.OpenConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if now != nil {
		db.Now = now
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return db
}

// MustSchemaURL returns a connection URL whose search_path is a fresh,
// empty schema, dropped when the test ends: for tests that hand the
// database to other processes (vigil subprocesses) rather than open it.
func MustSchemaURL(t testing.TB) string {
	t.Helper()
	url := URL()
	schema := mustSchema(t, url)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema
}

// mustSchema creates a fresh, empty schema on the server at url and drops
// it when the test ends (t.Context is already cancelled when cleanups run).
func mustSchema(t testing.TB, url string) string {
	t.Helper()
	admin := mustConnect(t, url)
	schema := "vigil_test_" + randomHex()
	ctx := t.Context()
	_, err := admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
	admin.Close(context.WithoutCancel(ctx))
	if err != nil {
		t.Fatalf("pgtest: create schema %s: %v", schema, err)
	}
	t.Cleanup(func() { dropSchema(t, url, schema) })
	return schema
}

// unreachable remembers that the server did not answer, so a run without
// one skips every test at once instead of waiting on each.
var unreachable struct {
	sync.Mutex
	err error
}

// mustConnect connects to url, or skips (fails under CI) when no server
// answers there. A URL that does not parse fails: it was set on purpose.
func mustConnect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", EnvURL, err)
	}
	unreachable.Lock()
	defer unreachable.Unlock()
	if unreachable.err == nil {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			return conn
		}
		unreachable.err = err
	}
	// pgx's errors name the server and user, never the password.
	if os.Getenv("CI") == "true" {
		t.Fatalf("pgtest: no PostgreSQL server for the tests (CI=true, so this fails instead of skipping): %v", unreachable.err)
	}
	t.Skipf("pgtest: no PostgreSQL server, skipping: %v\n"+
		"To run these tests, point %s at a server where the user may create schemas, e.g. %s=%q",
		unreachable.err, EnvURL, EnvURL, DefaultURL)
	return nil
}

func dropSchema(t testing.TB, url, schema string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Errorf("pgtest: drop schema %s: %v", schema, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
		t.Errorf("pgtest: drop schema %s: %v", schema, err)
	}
}

func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b) // never fails
	return hex.EncodeToString(b)
}
