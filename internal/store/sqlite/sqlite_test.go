package sqlite_test

import (
	"path/filepath"
	"testing"
	"time"

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
