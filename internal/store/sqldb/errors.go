package sqldb

import (
	"database/sql"
	"errors"
	"fmt"

	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

// SQLSTATE codes that mapError turns into vigil's error kinds.
const (
	codeIntegrityViolation      = "23000" // raised by the append-only and frozen triggers
	codeNotNullViolation        = "23502"
	codeForeignKeyViolation     = "23503"
	codeUniqueViolation         = "23505"
	codeCheckViolation          = "23514"
	codeCharacterNotInRepertory = "22021" // invalid UTF-8, or a NUL byte in text
	// Contention: the transaction lost a race or waited too long; it
	// changed nothing and may be retried.
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	codeLockNotAvailable     = "55P03"
	codeTooManyConnections   = "53300"
	codeCannotConnectNow     = "57P03"
)

// MapError turns driver errors into vigil's error kinds, keeping the
// driver's error in the chain (and its text in the message): PostgreSQL's
// by SQLSTATE (pgconn.PgError), SQLite's by extended result code
// (modernc.org/sqlite's Error). The errors are recognised by their
// methods, so this package needs neither driver.
func MapError(err error) error { return mapError(err) }

func mapError(err error) error {
	var ce *store.ConstraintError
	if errors.As(err, &ce) || errors.Is(err, vigil.ErrUnavailable) {
		return err // mapped already
	}
	var pe interface{ SQLState() string }
	if errors.As(err, &pe) {
		return mapSQLState(pe.SQLState(), err)
	}
	var se interface{ Code() int }
	if errors.As(err, &se) {
		return mapSQLiteCode(se.Code(), err)
	}
	return err
}

func mapSQLState(code string, err error) error {
	switch code {
	case codeUniqueViolation:
		return &store.ConstraintError{Kind: vigil.ErrConflict, Message: store.MsgExists, Err: err}
	case codeForeignKeyViolation:
		return &store.ConstraintError{Kind: vigil.ErrInvalid, Message: store.MsgNoReference, Err: err}
	case codeCheckViolation:
		return &store.ConstraintError{Kind: vigil.ErrInvalid, Message: store.MsgNotAllowed, Err: err}
	case codeNotNullViolation:
		return &store.ConstraintError{Kind: vigil.ErrInvalid, Message: store.MsgMissing, Err: err}
	case codeCharacterNotInRepertory:
		return &store.ConstraintError{Kind: vigil.ErrInvalid, Message: store.MsgBadText, Err: err}
	case codeIntegrityViolation:
		return &store.ConstraintError{Kind: vigil.ErrConflict, Message: store.MsgFrozen, Err: err}
	case codeSerializationFailure, codeDeadlockDetected, codeLockNotAvailable, codeTooManyConnections, codeCannotConnectNow:
		return fmt.Errorf("%w: %w", vigil.ErrUnavailable, err)
	}
	return err
}

func mapSQLiteCode(code int, err error) error {
	switch code {
	case sqlite3lib.SQLITE_CONSTRAINT_UNIQUE, sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY:
		return &store.ConstraintError{Kind: vigil.ErrConflict, Message: store.MsgExists, Err: err}
	case sqlite3lib.SQLITE_CONSTRAINT_FOREIGNKEY:
		return &store.ConstraintError{Kind: vigil.ErrInvalid, Message: store.MsgNoReference, Err: err}
	case sqlite3lib.SQLITE_CONSTRAINT_CHECK:
		return &store.ConstraintError{Kind: vigil.ErrInvalid, Message: store.MsgNotAllowed, Err: err}
	case sqlite3lib.SQLITE_CONSTRAINT_NOTNULL:
		return &store.ConstraintError{Kind: vigil.ErrInvalid, Message: store.MsgMissing, Err: err}
	case sqlite3lib.SQLITE_CONSTRAINT_TRIGGER:
		return &store.ConstraintError{Kind: vigil.ErrConflict, Message: store.MsgFrozen, Err: err}
	}
	// Another connection held the lock past the busy timeout: nothing was
	// written, and the caller may try again.
	switch code & 0xff {
	case sqlite3lib.SQLITE_BUSY, sqlite3lib.SQLITE_LOCKED:
		return fmt.Errorf("%w: %w", vigil.ErrUnavailable, err)
	}
	return err
}

// notFoundIfNoRows turns sql.ErrNoRows into ErrNotFound for what.
func notFoundIfNoRows(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, vigil.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, mapError(err))
}

// mustAffect reports ErrNotFound when a scoped UPDATE or DELETE touched no
// row: the row is absent or belongs to another organization, and the caller
// must not learn which.
func mustAffect(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, mapError(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, vigil.ErrNotFound)
	}
	return nil
}
