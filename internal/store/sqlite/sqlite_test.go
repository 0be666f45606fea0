package sqlite_test

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/sqlite"
	"github.com/vigil/vigil/internal/store/storetest"
)

// MustOpen returns a migrated store in a temporary directory.
func MustOpen(t *testing.T, now func() time.Time) store.Store {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = now
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestContract(t *testing.T) {
	storetest.Run(t, MustOpen)
}

func TestBackupRestore(t *testing.T) {
	ctx := t.Context()
	s := MustOpen(t, time.Now).(*sqlite.DB)
	create := func(slug string) {
		t.Helper()
		if err := s.Update(ctx, func(tx store.Tx) error {
			_, err := tx.CreateOrg(ctx, vigil.OrgInput{Slug: slug, Name: slug, Kind: vigil.Manufacturer})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	slugs := func() []string {
		t.Helper()
		var out []string
		if err := s.View(ctx, func(tx store.Tx) error {
			orgs, _, err := tx.FindOrgs(ctx, vigil.OrgFilter{})
			for _, o := range orgs {
				out = append(out, o.Slug)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	create("before")
	backup := filepath.Join(t.TempDir(), "sub", "backup.db")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, backup); !errors.Is(err, vigil.ErrConflict) {
		t.Errorf("Backup over an existing file: %v, want conflict", err)
	}
	create("after")
	if err := s.Restore(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"before"}, slugs()); diff != "" {
		t.Errorf("orgs after restore (-want +got):\n%s", diff)
	}

	garbage := filepath.Join(t.TempDir(), "garbage.db")
	if err := os.WriteFile(garbage, []byte("this is not a database, it is a shopping list"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Restore(ctx, garbage); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("Restore(garbage) = %v, want invalid", err)
	}
	// A SQLite file that is not a vigil database.
	other := filepath.Join(t.TempDir(), "other.db")
	odb, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odb.Exec("CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	odb.Close()
	if err := s.Restore(ctx, other); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("Restore(non-vigil db) = %v, want invalid", err)
	}
	// A backup from a newer vigil.
	newer := filepath.Join(t.TempDir(), "newer.db")
	if err := s.Backup(ctx, newer); err != nil {
		t.Fatal(err)
	}
	ndb, err := sql.Open("sqlite", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ndb.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)"); err != nil {
		t.Fatal(err)
	}
	ndb.Close()
	if err := s.Restore(ctx, newer); !errors.Is(err, vigil.ErrInvalid) {
		t.Errorf("Restore(newer schema) = %v, want invalid", err)
	}
	if diff := cmp.Diff([]string{"before"}, slugs()); diff != "" {
		t.Errorf("orgs after refused restores (-want +got):\n%s", diff)
	}
}
