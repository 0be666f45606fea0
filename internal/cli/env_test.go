package cli_test

import (
	"context"
	"testing"

	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/cli"
	"github.com/vigil/vigil/internal/store/backend"
)

// testEnv is the outside world the CLI tests run in: the real stores, no
// network and no server (no test here syncs feeds or serves).
func testEnv(t *testing.T) cli.Env {
	t.Helper()
	return cli.Env{Version: "dev", Open: func(ctx context.Context, db string, create bool, opts ...app.Option) (*app.App, error) {
		st, err := backend.Open(ctx, db, create)
		if err != nil {
			return nil, err
		}
		return app.New(st, opts...), nil
	}}
}
