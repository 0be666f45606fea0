package store

import (
	"context"
	"fmt"

	"github.com/vigil/vigil"
)

// CheckSchema returns an error unless s answers and its schema is current;
// readiness checks use it, since a server on an old schema would fail on
// the first query that needs a new column.
func CheckSchema(ctx context.Context, s Store) error {
	cur, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if cur != latest {
		return fmt.Errorf("schema at version %d, binary expects %d (run vigil db migrate): %w", cur, latest, vigil.ErrConflict)
	}
	return nil
}

// RequireScope refuses a call without an organization. Every scoped store
// method starts with it.
func RequireScope(sc vigil.Scope) error {
	if !sc.Valid() {
		return fmt.Errorf("no organization scope: %w", vigil.ErrForbidden)
	}
	return nil
}
