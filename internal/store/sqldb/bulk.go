package sqldb

import (
	"context"
	"strings"
	"time"

	"github.com/vigil/vigil"
)

// CopyFunc loads rows into table through a backend's bulk path (PostgreSQL's
// COPY) on driverConn, the connection that holds the transaction. The rows'
// values are Go values the driver encodes: time.Time for times and dates,
// nil for NULL.
type CopyFunc func(ctx context.Context, driverConn any, table string, columns []string, rows [][]any) error

// NewPostgres is the PostgreSQL dialect, with copy as its bulk path.
func NewPostgres(copy CopyFunc) *Dialect {
	return &Dialect{name: "postgres", numbered: true, readOnly: true, jsonParam: "?::jsonb", maxParams: 65535, copy: copy}
}

// insertRows inserts rows into table's columns: through the dialect's bulk
// path when it has one and conflict is empty, otherwise in multi-row INSERT
// statements as large as the dialect's parameter limit allows, each ending
// with conflict (such as "ON CONFLICT DO NOTHING"). Values may be
// vigil.Date and time.Time, the zero value of either meaning NULL; the
// dialect encodes them.
func (tx *Tx) insertRows(ctx context.Context, table string, columns []string, rows [][]any, conflict string) error {
	if len(rows) == 0 {
		return nil
	}
	for _, r := range rows {
		for i, v := range r {
			r[i] = tx.d.encode(v)
		}
	}
	if tx.d.copy != nil && conflict == "" {
		return mapError(tx.conn.Raw(func(dc any) error {
			return tx.d.copy(ctx, dc, table, columns, rows)
		}))
	}
	row := "(?" + strings.Repeat(", ?", len(columns)-1) + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES "
	batch := min(500, tx.d.maxParams/len(columns))
	for len(rows) > 0 {
		n := min(len(rows), batch)
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, n*len(columns))
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			args = append(args, r...)
		}
		if conflict != "" {
			b.WriteString(" " + conflict)
		}
		if _, err := tx.exec(ctx, b.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// encode turns a date or time into what the backend's driver stores.
func (d *Dialect) encode(v any) any {
	switch v := v.(type) {
	case time.Time:
		if v.IsZero() {
			return nil
		}
		if d.numbered {
			return v
		}
		return FormatTime(v)
	case vigil.Date:
		if v.IsZero() {
			return nil
		}
		if d.numbered {
			return v.Time()
		}
		return v.String()
	}
	return v
}
