package cli_test

import (
	"context"
	"testing"

	"github.com/vigil/vigil/internal/cli"
	"github.com/vigil/vigil/internal/config"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/postgres"
	"github.com/vigil/vigil/internal/store/sqlite"
)

// testEnv is the outside world the CLI tests run in: the real stores, no
// network and no server (no test here syncs feeds or serves).
func testEnv(t *testing.T) cli.Env {
	t.Helper()
	return cli.Env{Version: "dev", OpenStore: openStore}
}

// openStore opens the backend a database setting names, as cmd/vigil does.
func openStore(ctx context.Context, db string, create bool) (store.Store, error) {
	backend, target, err := config.ParseDB(db)
	if err != nil {
		return nil, err
	}
	switch backend {
	case config.SQLite:
		if !create {
			return sqlite.OpenExisting(ctx, target)
		}
		return sqlite.Open(ctx, target)
	default:
		return postgres.Open(ctx, target)
	}
}
