package sqldb

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/pressly/goose/v3"

	"github.com/vigil/vigil/internal/store"
)

// Migrate applies the provider's pending migrations and reports them.
func Migrate(ctx context.Context, p *goose.Provider) ([]store.Migration, error) {
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	out := make([]store.Migration, 0, len(results))
	for _, r := range results {
		out = append(out, store.Migration{Version: r.Source.Version, Source: filepath.Base(r.Source.Path), Duration: r.Duration})
	}
	return out, nil
}

// SchemaVersion reports the applied and the newest migration the provider
// knows.
func SchemaVersion(ctx context.Context, p *goose.Provider) (int64, int64, error) {
	cur, latest, err := p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	return cur, latest, nil
}
