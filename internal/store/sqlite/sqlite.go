// Package sqlite is vigil's embedded store: SQLite through the pure-Go
// modernc.org/sqlite driver, in WAL mode with foreign keys on. Writes go
// through one connection (SQLite has one writer anyway, and BEGIN IMMEDIATE
// on it turns lock waits into a queue instead of SQLITE_BUSY deadlocks);
// reads use a small pool of query-only connections that WAL lets run beside
// the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open SQLite database.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB
	// Now is the clock read once at the start of each transaction.
	Now func() time.Time
}

var _ store.Store = (*DB)(nil)

// readPragmas tune the read-only connections for scans, which read many
// small rows all over the knowledge base: the file is memory-mapped (up
// to 1 GiB, so rows are read from the OS page cache without a system call
// each) and each connection caches up to 64 MiB of pages.
const readPragmas = "&_pragma=query_only(1)&_pragma=cache_size(-32768)"

// Open opens the database file at path, creating it (and its directory)
// if needed: the file 0600 and the directory 0700, whatever the umask,
// since it holds organisation data. It does not migrate; call Migrate.
func Open(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, true)
}

// OpenExisting opens the database file at path and fails with
// vigil.ErrNotFound, creating nothing, when there is none: for commands
// that only read, and for paths the user did not clearly mean as SQLite.
func OpenExisting(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, false)
}

func open(ctx context.Context, path string, create bool) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("open sqlite: empty path: %w", vigil.ErrInvalid)
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open sqlite %s: path must not contain '?' or '#': %w", path, vigil.ErrInvalid)
	}
	if create {
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
	} else if st, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s (vigil db migrate --db sqlite:%s creates one): %w", path, path, vigil.ErrNotFound)
		}
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	} else if st.IsDir() {
		return nil, fmt.Errorf("open sqlite %s: is a directory: %w", path, vigil.ErrInvalid)
	}
	const pragmas = "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	// Writers begin IMMEDIATE, so a writer waits for the lock at BEGIN,
	// before it has read anything, and waiting can neither deadlock nor
	// fail half-way; what holds the lock is short (imports are staged,
	// stage.go), so the wait allowed is long: running out of it means
	// something is wrong, not busy.
	// mode=rw: the file exists by now, and must not be created behind
	// our back if it vanished.
	write, err := sql.Open("sqlite", "file:"+path+"?mode=rw&"+pragmas+"&_pragma=busy_timeout(30000)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", "file:"+path+"?mode=rw&"+pragmas+"&_pragma=busy_timeout(10000)"+readPragmas)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	db := &DB{path: path, write: write, read: read, Now: time.Now}
	// The first connection creates the file and switches it to WAL; do it
	// on the writer so the readers never race to.
	if err := write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// createPrivate creates the database file, and its directory, readable by
// the owner only; an existing file is left as it is. SQLite gives the
// -wal and -shm files it creates beside it the same mode.
func createPrivate(path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return err
			}
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// Backend names the database kind.
func (db *DB) Backend() string { return "sqlite" }

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// View runs fn in a read-only transaction.
func (db *DB) View(ctx context.Context, fn func(store.Tx) error) error {
	return db.run(ctx, db.read, fn)
}

// Update runs fn in a read-write transaction.
func (db *DB) Update(ctx context.Context, fn func(store.Tx) error) error {
	return db.run(ctx, db.write, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, fn func(store.Tx) error) error {
	sqlTx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", mapError(err))
	}
	defer sqlTx.Rollback()
	// Cut the clock as times are stored, so what a transaction returns
	// equals what it later reads back.
	if err := fn(&Tx{tx: sqlTx, now: storedTime(db.Now())}); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapError(err))
	}
	return nil
}

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, db.write, sub, goose.WithDisableGlobalRegistry(true))
}

// Migrate applies pending migrations.
func (db *DB) Migrate(ctx context.Context) ([]store.Migration, error) {
	p, err := db.provider()
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
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

// SchemaVersion reports the applied and the newest known migration.
func (db *DB) SchemaVersion(ctx context.Context) (int64, int64, error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	cur, latest, err := p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	return cur, latest, nil
}

// Ping checks that the database answers and its schema is current.
func (db *DB) Ping(ctx context.Context) error {
	return store.CheckSchema(ctx, db)
}

// Backup writes a consistent copy of the live database to path with VACUUM
// INTO, which reads one snapshot while writers go on. It refuses to
// overwrite an existing file.
func (db *DB) Backup(ctx context.Context, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	// Create the file first, empty and 0600 (VACUUM INTO accepts an empty
	// file): SQLite would create it 0644 less the umask, and a backup
	// holds every organisation's data. O_EXCL refuses to overwrite.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("backup to %s: file exists: %w", path, vigil.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	f.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(path)
		}
	}()
	// A connection of its own: the readers are query-only, which VACUUM
	// INTO refuses, and the writer must stay free for writes meanwhile.
	conn, err := sql.Open("sqlite", "file:"+db.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, mapError(err))
	}
	done = true
	return nil
}

// Tx is one SQLite transaction.
type Tx struct {
	tx    *sql.Tx
	now   time.Time
	stmts map[string]*sql.Stmt
}

// prepared returns query prepared once per transaction; database/sql closes
// it when the transaction ends.
func (tx *Tx) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := tx.stmts[query]; ok {
		return s, nil
	}
	s, err := tx.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = s
	return s, nil
}

var _ store.Tx = (*Tx)(nil)

// Now is the transaction's time.
func (tx *Tx) Now() time.Time { return tx.now }

// mapError turns driver errors into vigil's error kinds by SQLite's extended
// result code, keeping the original text for the message.
func mapError(err error) error {
	var se *sqlite3.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
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
	switch se.Code() & 0xff {
	case sqlite3lib.SQLITE_BUSY, sqlite3lib.SQLITE_LOCKED:
		return fmt.Errorf("%w: %w", vigil.ErrUnavailable, err)
	}
	return err
}

// Times are stored as fixed-width UTC text so that they sort as strings.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// storedTime is t as it reads back: in UTC, cut to the microsecond.
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func formatNullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

func parseNullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTime(s.String)
}

func formatDate(d vigil.Date) sql.NullString {
	if d.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: d.String(), Valid: true}
}

func parseDate(s sql.NullString) (vigil.Date, error) {
	if !s.Valid {
		return vigil.Date{}, nil
	}
	return vigil.ParseDate(s.String)
}

// limitClause renders a page; SQLite spells "no limit" as LIMIT -1.
func limitClause(p vigil.Page) (string, []any) {
	limit := p.Limit
	if limit <= 0 {
		limit = -1
	}
	return " LIMIT ? OFFSET ?", []any{limit, max(p.Offset, 0)}
}

// Restore replaces the database with the backup at path, through SQLite's
// online backup API on the writer connection, so open readers see either
// the old or the new database, never a torn one.
func (db *DB) Restore(ctx context.Context, path string) error {
	if err := db.checkBackup(ctx, path); err != nil {
		return fmt.Errorf("restore from %s: %w", path, err)
	}
	if err := db.restore(ctx, path); err != nil {
		return fmt.Errorf("restore from %s: %w", path, err)
	}
	// The writer connection is free again: Migrate needs it.
	if _, err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("restore from %s: %w", path, err)
	}
	return nil
}

func (db *DB) restore(ctx context.Context, path string) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		r, ok := driverConn.(interface {
			NewRestore(string) (*sqlite3.Backup, error)
		})
		if !ok {
			return errors.New("driver connection cannot restore")
		}
		b, err := r.NewRestore(path)
		if err != nil {
			return err
		}
		for more := true; more; {
			if more, err = b.Step(-1); err != nil {
				b.Finish()
				return err
			}
		}
		return b.Finish()
	})
}

// checkBackup refuses a file that is not an intact vigil database, or that
// a newer vigil wrote.
func (db *DB) checkBackup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	src, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer src.Close()
	var integrity string
	if err := src.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&integrity); err != nil {
		return fmt.Errorf("not a readable SQLite database: %w: %w", mapError(err), vigil.ErrInvalid)
	}
	if integrity != "ok" {
		return fmt.Errorf("integrity check failed: %s: %w", integrity, vigil.ErrInvalid)
	}
	var version int64
	if err := src.QueryRowContext(ctx, "SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied").Scan(&version); err != nil {
		return fmt.Errorf("not a vigil database (no schema version table): %w", vigil.ErrInvalid)
	}
	_, latest, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if version > latest {
		return fmt.Errorf("backup has schema version %d, newer than this vigil knows (%d): %w", version, latest, vigil.ErrInvalid)
	}
	return nil
}
