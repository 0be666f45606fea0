// Package sqldb is vigil's store written once for both SQL backends: the
// transaction (store.Tx) over database/sql, with SQLite through
// modernc.org/sqlite and PostgreSQL through pgx's database/sql driver
// (github.com/jackc/pgx/v5/stdlib). Queries are written with ? placeholders
// and the shared spelling; a Dialect rewrites each statement once (and
// caches it) for what truly differs between the two: PostgreSQL numbers its
// placeholders, and byte-order collation is COLLATE "C" there and BINARY
// in SQLite. Times are passed and read as fixed-width UTC text, which
// SQLite stores as it is and PostgreSQL parses into its timestamptz.
//
// What stays per backend lives in the backend's package: opening and
// migrating, SQLite's backup, restore and staged imports, PostgreSQL's
// migration lock and COPY bulk loads, and the few queries whose best form
// differs (list parameters: JSON arrays in SQLite, arrays in PostgreSQL).
package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigil/vigil"
)

// Dialect is what differs between the backends in the SQL they accept.
type Dialect struct {
	name string
	// numbered: placeholders are $1, $2, … rather than ?.
	numbered bool
	// readOnly: read transactions begin READ ONLY (SQLite's readers are
	// query-only connections instead).
	readOnly bool
	// noLimit is the LIMIT argument that means no limit.
	noLimit any
	// jsonParam is a placeholder for a JSON document where the server
	// cannot tell the type from the context.
	jsonParam string
	// maxParams is how many parameters one statement may bind.
	maxParams int
	// copy is the bulk path, if the backend has one.
	copy CopyFunc
	// queries caches each statement as rewritten for this dialect.
	queries sync.Map
}

// SQLite is the SQLite dialect.
var SQLite = &Dialect{name: "sqlite", noLimit: -1, jsonParam: "?", maxParams: 32766}

// Name is the backend's name.
func (d *Dialect) Name() string { return d.name }

// Rebind rewrites query, written with ? placeholders and COLLATE "C", for
// the dialect. A statement of up to maxCachedQuery bytes is rewritten once
// and cached; the longer ones (multi-row inserts, long lists, which vary
// with their row count) are rewritten each time rather than filling the
// cache.
func (d *Dialect) Rebind(query string) string {
	if !d.numbered && !strings.Contains(query, `COLLATE "C"`) {
		return query
	}
	if len(query) > maxCachedQuery {
		return d.rebind(query)
	}
	if q, ok := d.queries.Load(query); ok {
		return q.(string)
	}
	q := d.rebind(query)
	d.queries.Store(query, q)
	return q
}

// maxCachedQuery is the longest statement Rebind caches.
const maxCachedQuery = 4096

func (d *Dialect) rebind(query string) string {
	if !d.numbered {
		return strings.ReplaceAll(query, `COLLATE "C"`, `COLLATE BINARY`)
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte // the quote we are inside, or 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Run runs fn in one transaction on a connection of pool of its own, and
// commits when fn returns nil. now is the transaction's clock, cut as
// times are stored, so what a transaction returns equals what it later
// reads back.
func (d *Dialect) Run(ctx context.Context, pool *sql.DB, readOnly bool, now time.Time, fn func(*Tx) error) error {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", mapError(err))
	}
	defer conn.Close()
	var opts *sql.TxOptions
	if readOnly && d.readOnly {
		opts = &sql.TxOptions{ReadOnly: true}
	}
	sqlTx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", mapError(err))
	}
	defer sqlTx.Rollback()
	if err := fn(d.NewTx(conn, sqlTx, now)); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapError(err))
	}
	return nil
}

// Tx is one transaction of either backend: all of store.Tx but the few
// methods each backend writes its own way (its Tx embeds this one).
type Tx struct {
	d     *Dialect
	conn  *sql.Conn
	tx    *sql.Tx
	now   time.Time
	stmts map[string]*sql.Stmt
}

// NewTx is the store transaction over tx, begun on conn, for a backend that
// begins its transactions itself (SQLite's import publishing).
func (d *Dialect) NewTx(conn *sql.Conn, tx *sql.Tx, now time.Time) *Tx {
	return &Tx{d: d, conn: conn, tx: tx, now: StoredTime(now)}
}

// Now is the transaction's time.
func (tx *Tx) Now() time.Time { return tx.now }

// Dialect is the transaction's dialect.
func (tx *Tx) Dialect() *Dialect { return tx.d }

// SQL is the database/sql transaction, for backend code.
func (tx *Tx) SQL() *sql.Tx { return tx.tx }

// Raw runs f with the driver's connection that holds the transaction, for
// what database/sql cannot say (PostgreSQL's COPY); what f runs there is
// part of the transaction.
func (tx *Tx) Raw(f func(driverConn any) error) error {
	return tx.conn.Raw(f)
}

// exec and query run query, with the driver's error mapped.
func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := tx.tx.ExecContext(ctx, tx.d.Rebind(query), args...)
	if err != nil {
		return nil, mapError(err)
	}
	return res, nil
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := tx.tx.QueryContext(ctx, tx.d.Rebind(query), args...)
	if err != nil {
		return nil, mapError(err)
	}
	return rows, nil
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.d.Rebind(query), args...)
}

// Stmt returns query (written for the dialect as the shared queries are)
// prepared once per transaction, for backend code.
func (tx *Tx) Stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	return tx.prepared(ctx, query)
}

// prepare prepares query for the caller to close.
func (tx *Tx) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(ctx, tx.d.Rebind(query))
}

// prepared returns query prepared once per transaction; database/sql closes
// it when the transaction ends.
func (tx *Tx) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := tx.stmts[query]; ok {
		return s, nil
	}
	s, err := tx.tx.PrepareContext(ctx, tx.d.Rebind(query))
	if err != nil {
		return nil, err
	}
	if tx.stmts == nil {
		tx.stmts = map[string]*sql.Stmt{}
	}
	tx.stmts[query] = s
	return s, nil
}

// limitClause renders a page, to append after the query's other arguments.
func (tx *Tx) limitClause(p vigil.Page) (string, []any) {
	limit := any(p.Limit)
	if p.Limit <= 0 {
		limit = tx.d.noLimit
	}
	return " LIMIT ? OFFSET ?", []any{limit, max(p.Offset, 0)}
}

// inList renders "col is in list" with one parameter, and that parameter:
// SQLite reads the list as a JSON array (json_each), PostgreSQL as an array.
// The argument is nil when the list is empty.
func (d *Dialect) inList(col string, list any) (string, any, error) {
	if reflect.ValueOf(list).Len() == 0 {
		return "", nil, nil
	}
	if d.numbered {
		return col + " = ANY(?)", list, nil
	}
	b, err := json.Marshal(list)
	if err != nil {
		return "", nil, err
	}
	return col + " IN (SELECT value FROM json_each(?))", string(b), nil
}
