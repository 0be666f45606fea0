// Package backend opens the store a database setting names: SQLite for an
// explicit sqlite: path (or a bare path), PostgreSQL for a postgres URL or
// key-value DSN. It is the one place that knows both backends, so the
// binary's wiring and the tests that run the whole CLI open stores alike.
package backend

import (
	"context"

	"github.com/vigil/vigil/internal/config"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/postgres"
	"github.com/vigil/vigil/internal/store/sqlite"
)

// Open opens the database db names. Without create, a missing SQLite
// database is an error rather than a new empty file, so a mistyped
// setting leaves nothing behind.
func Open(ctx context.Context, db string, create bool) (store.Store, error) {
	kind, target, err := config.ParseDB(db)
	if err != nil {
		return nil, err
	}
	switch kind {
	case config.SQLite:
		if !create {
			return sqlite.OpenExisting(ctx, target)
		}
		return sqlite.Open(ctx, target)
	default:
		return postgres.Open(ctx, target)
	}
}
