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

// ConstraintError is a constraint the database enforced, told in words a
// user understands ("already exists"). The driver's own error stays in the
// chain for logs and errors.As; Kind is the vigil error kind it maps to.
type ConstraintError struct {
	Kind    error
	Message string
	Err     error
}

func (e *ConstraintError) Error() string { return e.Message }

// Unwrap exposes both the kind and the driver error.
func (e *ConstraintError) Unwrap() []error { return []error{e.Kind, e.Err} }

// Constraint messages shared by the backends.
const (
	MsgExists      = "already exists"
	MsgNoReference = "refers to something that does not exist"
	MsgNotAllowed  = "has a value that is not allowed"
	MsgMissing     = "lacks a required value"
	MsgBadText     = "contains a NUL byte or invalid UTF-8"
	// MsgFrozen is a trigger's refusal: the row is history (append-only)
	// or belongs to a decommissioned asset.
	MsgFrozen = "is frozen: history is append-only and a decommissioned asset never changes"
)
