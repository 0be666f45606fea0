package sqldb

import "testing"

func TestRebind(t *testing.T) {
	pg := NewPostgres(nil)
	for _, tt := range []struct{ in, sqlite, postgres string }{
		{`SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = ? AND c = ?`, `SELECT a FROM t WHERE b = $1 AND c = $2`},
		{`SELECT '?', "a?" FROM t WHERE b = ?`, `SELECT '?', "a?" FROM t WHERE b = ?`, `SELECT '?', "a?" FROM t WHERE b = $1`},
		{`SELECT a FROM t ORDER BY a COLLATE "C", b`, `SELECT a FROM t ORDER BY a COLLATE BINARY, b`, `SELECT a FROM t ORDER BY a COLLATE "C", b`},
		{`INSERT INTO t (j) VALUES (?::jsonb)`, `INSERT INTO t (j) VALUES (?::jsonb)`, `INSERT INTO t (j) VALUES ($1::jsonb)`},
	} {
		for range 2 { // the second time from the cache
			if got := SQLite.Rebind(tt.in); got != tt.sqlite {
				t.Errorf("SQLite.Rebind(%q) = %q, want %q", tt.in, got, tt.sqlite)
			}
			if got := pg.Rebind(tt.in); got != tt.postgres {
				t.Errorf("Postgres.Rebind(%q) = %q, want %q", tt.in, got, tt.postgres)
			}
		}
	}
}
