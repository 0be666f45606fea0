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

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/sqldb"
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
	return sqldb.SQLite.Run(ctx, pool, pool == db.read, db.Now(), func(tx *sqldb.Tx) error { return fn(&Tx{tx}) })
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
	return sqldb.Migrate(ctx, p)
}

// SchemaVersion reports the applied and the newest known migration.
func (db *DB) SchemaVersion(ctx context.Context) (int64, int64, error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	return sqldb.SchemaVersion(ctx, p)
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
		return fmt.Errorf("backup to %s: %w", path, sqldb.MapError(err))
	}
	done = true
	return nil
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
		return fmt.Errorf("not a readable SQLite database: %w: %w", sqldb.MapError(err), vigil.ErrInvalid)
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
