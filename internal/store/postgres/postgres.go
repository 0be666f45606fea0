// Package postgres is vigil's server store: PostgreSQL through a pgxpool
// connection pool seen through pgx's database/sql driver, running the
// transactions and queries shared with SQLite (package sqldb). What stays
// here is what PostgreSQL does its own way: opening, migrations (goose
// files embedded in the binary) under an advisory lock, COPY for bulk
// loads, pipelined knowledge-base writes, and array parameters for the
// knowledge-base candidate lookup.
//
// Every row of organization data carries org_id, and child rows reference
// their parent by (org_id, id), so the schema itself refuses a row that
// points into another organization.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net"
	"net/url"
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
	return dialect.Run(ctx, db.sqlDB, readOnly, db.Now(), func(t *sqldb.Tx) error { return fn(&Tx{t}) })
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
		return nil, sqldb.MapError(err)
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

// dialect is PostgreSQL's, with COPY as its bulk path.
var dialect = sqldb.NewPostgres(copyFrom)

// copyFrom loads rows into table with COPY, on the connection that holds
// the transaction.
func copyFrom(ctx context.Context, driverConn any, table string, columns []string, rows [][]any) error {
	_, err := driverConn.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
	return err
}

// Tx is one PostgreSQL transaction: the shared one, and the few methods
// whose PostgreSQL form differs.
type Tx struct {
	*sqldb.Tx
}

var _ store.Tx = (*Tx)(nil)

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}
