// Package scale holds what the scale harnesses under tools/ share: opening
// a fresh store to measure, and reading the process's peak RSS.
package scale

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vigil/vigil/internal/store"
	"github.com/vigil/vigil/internal/store/postgres"
	"github.com/vigil/vigil/internal/store/sqlite"
)

// OpenStore opens and migrates the store the harness measures: db is a
// SQLite path (empty: a new file in tmp) or a PostgreSQL URL, for which a
// fresh schema named prefix + random hex is created and, unless keep,
// dropped by the returned close function. It also returns the backend
// name.
func OpenStore(ctx context.Context, db, tmp, prefix string, keep bool) (store.Store, string, func() error, error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return openPostgres(ctx, db, prefix, keep)
	}
	path := db
	if path == "" {
		path = filepath.Join(tmp, "vigil.db")
	} else if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil, fmt.Errorf("sqlite %s: exists; give a new path", path)
	}
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, "", nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, "", nil, err
	}
	return s, "sqlite", s.Close, nil
}

// openPostgres creates a fresh schema, opens a store whose search_path is
// that schema, and migrates it.
func openPostgres(ctx context.Context, url, prefix string, keep bool) (store.Store, string, func() error, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, "", nil, err
	}
	schema := prefix + RandomHex(6)
	if err := AdminExec(ctx, url, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		return nil, "", nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	drop := func() error {
		if keep {
			fmt.Fprintln(os.Stderr, "kept schema", schema)
			return nil
		}
		// The run's context may be cancelled (interrupt); dropping must
		// still happen.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := AdminExec(dctx, url, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		return nil
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	db, err := postgres.OpenConfig(ctx, cfg)
	if err != nil {
		return nil, "", nil, errors.Join(err, drop())
	}
	closeAll := func() error {
		return errors.Join(db.Close(), drop())
	}
	if _, err := db.Migrate(ctx); err != nil {
		return nil, "", nil, errors.Join(err, closeAll())
	}
	return db, "postgres", closeAll, nil
}

// AdminExec runs one statement on the PostgreSQL server at url, on a
// connection of its own (CREATE SCHEMA, DROP SCHEMA … CASCADE).
func AdminExec(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql)
	return err
}

// RandomHex returns n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ResetPeakRSS sets VmHWM back to the current RSS (Linux 4.0+), so the
// next reading is the peak of what runs in between. Where that is not
// possible the reading is the process's peak so far, never less.
func ResetPeakRSS() {
	f, err := os.OpenFile("/proc/self/clear_refs", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	io.WriteString(f, "5")
	f.Close()
}

// PeakRSS is the process's peak resident set size in bytes, VmHWM in
// /proc/self/status.
func PeakRSS() (int64, error) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(raw)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("VmHWM: %w", err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// LoadAverage returns the machine's 1, 5 and 15 minute load averages as
// /proc/loadavg gives them ("?" where it cannot be read): printed beside
// every figure, since the machines these harnesses run on are shared.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
