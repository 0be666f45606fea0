package postgres_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/postgres"
	"github.com/vigil/vigil/internal/store/postgres/pgtest"
	"github.com/vigil/vigil/internal/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		return pgtest.MustOpen(t, now)
	})
}

func TestOpen_BadURL(t *testing.T) {
	tests := []struct {
		name, url string
		// want is in the message; secret must not be.
		want, secret string
	}{
		{"Empty", "", "empty URL", ""},
		{"BadPort", "postgres://vigil:hunter2@db.example:notaport/vigil", "cannot parse", "hunter2"},
		{"NotAURL", "/var/lib/vigil/vigil.db", "cannot parse", ""},
		{"UnknownSSLMode", "postgres://vigil@db.example/vigil?sslmode=sometimes", "sslmode", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := postgres.Open(t.Context(), tt.url)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded, want an error", tt.url)
			}
			if !errors.Is(err, vigil.ErrInvalid) {
				t.Errorf("Open(%q) = %v, want ErrInvalid", tt.url, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "open postgres") || !strings.Contains(msg, tt.want) {
				t.Errorf("Open(%q) = %q, want it to start with \"open postgres\" and mention %q", tt.url, msg, tt.want)
			}
			if tt.secret != "" && strings.Contains(msg, tt.secret) {
				t.Errorf("Open(%q) = %q, shows the password", tt.url, msg)
			}
		})
	}
}

func TestBackup(t *testing.T) {
	db := pgtest.MustOpen(t, nil)
	err := db.Backup(t.Context(), "/backups/vigil.dump")
	if !errors.Is(err, vigil.ErrInvalid) {
		t.Fatalf("Backup = %v, want ErrInvalid", err)
	}
	if want := "pg_dump --format=custom --file='/backups/vigil.dump' 'postgres://"; !strings.Contains(err.Error(), want) {
		t.Errorf("Backup = %q, want it to say %q", err, want)
	}
	if got := db.Backend(); got != "postgres" {
		t.Errorf("Backend = %q, want postgres", got)
	}
}

// TestErrorMapping checks what the contract suite cannot: that a mapped
// error keeps the server's error, and that text PostgreSQL cannot store
// (SQLite can) is refused as invalid rather than as an internal error.
func TestErrorMapping(t *testing.T) {
	db := pgtest.MustOpen(t, nil)
	ctx := t.Context()
	sc := storetest.MustCreateOrg(t, db, "acme", vigil.Manufacturer)

	err := db.Update(ctx, func(tx store.Tx) error {
		_, err := tx.CreateOrg(ctx, vigil.OrgInput{Slug: "acme", Name: "Again", Kind: vigil.Manufacturer})
		return err
	})
	var pe *pgconn.PgError
	if !errors.Is(err, vigil.ErrConflict) || !errors.As(err, &pe) || pe.ConstraintName != "organizations_slug_key" {
		t.Errorf("duplicate slug: error = %v, want ErrConflict wrapping the server's error on organizations_slug_key", err)
	}

	for _, s := range []string{"nul\x00byte", "bad utf-8 \xff"} {
		err = db.View(ctx, func(tx store.Tx) error {
			_, err := tx.FindProductByName(ctx, sc, s)
			return err
		})
		if !errors.Is(err, vigil.ErrInvalid) {
			t.Errorf("FindProductByName(%q): error = %v, want ErrInvalid", s, err)
		}
	}
}
