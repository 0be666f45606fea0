// Package postgres is vigil's server store: PostgreSQL through pgx's native
// interface and a pgxpool connection pool (native rather than database/sql,
// so bulk imports can use COPY). Migrations are goose files embedded in the
// binary; goose reaches the same pool through pgx's database/sql adapter.
//
// Every row of organization data carries org_id, and child rows reference
// their parent by (org_id, id), so the schema itself refuses a row that
// points into another organization.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open PostgreSQL database.
type DB struct {
	pool *pgxpool.Pool
	// sqlDB is pool seen through database/sql, for goose.
	sqlDB *sql.DB
	// dumpURL names the database for pg_dump, without a password.
	dumpURL string
	// Now is the clock read once at the start of each transaction.
	Now func() time.Time
}

var _ store.Store = (*DB)(nil)

// Open connects to the database at url, a postgres:// URL or a keyword/value
// connection string as libpq takes them. It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	if url == "" {
		return nil, fmt.Errorf("open postgres: empty URL: %w", vigil.ErrInvalid)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgconn's message shows the URL with its password redacted.
		return nil, fmt.Errorf("open postgres: %w: %w", err, vigil.ErrInvalid)
	}
	return OpenConfig(ctx, cfg)
}

// OpenConfig connects with a parsed pool configuration, for callers that set
// pool sizes or runtime parameters (such as search_path) themselves. It
// leaves cfg as it was.
func OpenConfig(ctx context.Context, cfg *pgxpool.Config) (*DB, error) {
	cfg = cfg.Copy()
	cc := cfg.ConnConfig
	if _, ok := cc.RuntimeParams["application_name"]; !ok {
		cc.RuntimeParams["application_name"] = "vigil"
	}
	afterConnect := cfg.AfterConnect
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		// Scan every timestamptz in UTC, not in the process's local zone,
		// so times read back equal the UTC times the store wrote.
		conn.TypeMap().RegisterType(&pgtype.Type{
			Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC},
		})
		if afterConnect != nil {
			return afterConnect(ctx, conn)
		}
		return nil
	}
	target := dumpURL(&cc.Config)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", target, err)
	}
	// The pool connects lazily; connect now so a wrong address or password
	// shows at startup, not at the first request.
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres %s: %w", target, err)
	}
	return &DB{pool: pool, sqlDB: stdlib.OpenDBFromPool(pool), dumpURL: target, Now: time.Now}, nil
}

// Backend names the database kind.
func (db *DB) Backend() string { return "postgres" }

// Close closes the pool.
func (db *DB) Close() error {
	err := db.sqlDB.Close()
	db.pool.Close()
	return err
}

// View runs fn in a read-only transaction.
func (db *DB) View(ctx context.Context, fn func(store.Tx) error) error {
	return db.run(ctx, true, fn)
}

// Update runs fn in a read-write transaction.
func (db *DB) Update(ctx context.Context, fn func(store.Tx) error) error {
	return db.run(ctx, false, fn)
}

func (db *DB) run(ctx context.Context, readOnly bool, fn func(store.Tx) error) error {
	return sqldb.Postgres.Run(ctx, db.sqlDB, readOnly, db.Now(), func(t *sqldb.Tx) error {
		tx := &Tx{Tx: t}
		if err := t.Raw(func(dc any) error {
			tx.tx = dc.(*stdlib.Conn).Conn()
			return nil
		}); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		return fn(tx)
	})
}

func (db *DB) provider(opts ...goose.ProviderOption) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	opts = append([]goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}, opts...)
	return goose.NewProvider(goose.DialectPostgres, db.sqlDB, sub, opts...)
}

// migrationLocker is the session-level advisory lock that makes vigil
// processes starting together on one database (the scale-out setup) migrate
// one at a time: the first applies what is pending, the others wait and find
// nothing left to do. The lock is named after the store's schema, so stores
// in other schemas of the same server (tests, several tenants) never wait
// for each other.
func (db *DB) migrationLocker(ctx context.Context) (lock.SessionLocker, error) {
	var schema string
	if err := db.pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return nil, mapError(err)
	}
	h := fnv.New64a()
	h.Write([]byte("vigil migrate " + schema))
	// Retry every second for up to ten minutes: the longest migration
	// (the kb_packages backfill) takes minutes on a full knowledge base.
	return lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64())), lock.WithLockTimeout(1, 600))
}

// Migrate applies pending migrations, holding the schema's migration lock.
func (db *DB) Migrate(ctx context.Context) ([]store.Migration, error) {
	locker, err := db.migrationLocker(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: lock: %w", err)
	}
	p, err := db.provider(goose.WithSessionLocker(locker))
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

// Backup refuses: a PostgreSQL server is backed up with its own tools, which
// the error names, ready to run.
func (db *DB) Backup(ctx context.Context, path string) error {
	return fmt.Errorf("backup to %s: PostgreSQL backups are taken with pg_dump: pg_dump --format=custom --file=%s %s: %w",
		path, shellQuote(path), shellQuote(db.dumpURL), vigil.ErrInvalid)
}

// Restore refuses for the same reason: pg_restore restores what pg_dump
// wrote.
func (db *DB) Restore(ctx context.Context, path string) error {
	return fmt.Errorf("restore from %s: PostgreSQL restores are done with pg_restore: pg_restore --clean --if-exists --dbname=%s %s: %w",
		path, shellQuote(db.dumpURL), shellQuote(path), vigil.ErrInvalid)
}

// dumpURL renders a connection configuration as a URL for pg_dump, leaving
// out the password (pg_dump asks for it, or reads PGPASSWORD or ~/.pgpass).
func dumpURL(c *pgconn.Config) string {
	u := url.URL{Scheme: "postgres", User: url.User(c.User), Path: "/" + c.Database}
	if strings.HasPrefix(c.Host, "/") {
		// A Unix socket directory goes in the query, as libpq spells it.
		u.RawQuery = url.Values{"host": {c.Host}, "port": {strconv.Itoa(int(c.Port))}}.Encode()
	} else {
		u.Host = net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port)))
	}
	return u.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Tx is one PostgreSQL transaction: the shared one, and the methods whose
// PostgreSQL form differs, which reach pgx's connection underneath.
type Tx struct {
	*sqldb.Tx
	tx pgxConn
}

// pgxConn is what the PostgreSQL-only methods use of the transaction's
// connection.
type pgxConn interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

var _ store.Tx = (*Tx)(nil)

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

// mapError turns server errors into vigil's error kinds by SQLSTATE, keeping
// the server's error in the chain (and its text in the message).
func mapError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
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

// notFoundIfNoRows turns pgx.ErrNoRows into ErrNotFound for what.
func notFoundIfNoRows(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, vigil.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, mapError(err))
}

// mustAffect reports ErrNotFound when a scoped UPDATE or DELETE touched no
// row: the row is absent or belongs to another organization, and the caller
// must not learn which.
func mustAffect(tag pgconn.CommandTag, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, mapError(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", what, vigil.ErrNotFound)
	}
	return nil
}

// storedTime is t as it reads back: in UTC (see OpenConfig), cut to the
// microsecond that PostgreSQL keeps.
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// nullDate stores the zero Date as NULL.
func nullDate(d vigil.Date) pgtype.Date {
	return pgtype.Date{Time: d.Time(), Valid: !d.IsZero()}
}

// dateOf reads a DATE column; NULL is the zero Date.
func dateOf(d pgtype.Date) (vigil.Date, error) {
	if !d.Valid {
		return vigil.Date{}, nil
	}
	if d.InfinityModifier != pgtype.Finite {
		return vigil.Date{}, fmt.Errorf("stored date is %s, want a day", d.InfinityModifier)
	}
	return vigil.DateOf(d.Time), nil
}

// limitClause appends a page's placeholders to args, numbered after those
// already there; PostgreSQL reads LIMIT NULL as no limit.
func limitClause(p vigil.Page, args []any) (string, []any) {
	var limit any
	if p.Limit > 0 {
		limit = p.Limit
	}
	args = append(slices.Clip(args), limit, max(p.Offset, 0))
	return fmt.Sprintf(" LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args
}
