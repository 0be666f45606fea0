package postgres

import (
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestDumpURL(t *testing.T) {
	tests := []struct{ name, conn, want string }{
		{"URL", "postgres://vigil:hunter2@db.example:5433/vigil?sslmode=require", "postgres://vigil@db.example:5433/vigil"},
		{"KeywordValue", "host=db.example user=vigil password=hunter2 dbname=vigil", "postgres://vigil@db.example:5432/vigil"},
		{"IPv6", "postgres://vigil@[::1]:5432/vigil", "postgres://vigil@[::1]:5432/vigil"},
		{"UnixSocket", "host=/run/postgresql user=vigil dbname=vigil", "postgres://vigil@/vigil?host=%2Frun%2Fpostgresql&port=5432"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := pgconn.ParseConfig(tt.conn)
			if err != nil {
				t.Fatal(err)
			}
			if got := dumpURL(cfg); got != tt.want {
				t.Errorf("dumpURL(%q) = %q, want %q", tt.conn, got, tt.want)
			}
		})
	}
}
