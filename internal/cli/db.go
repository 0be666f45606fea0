package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/vigil/vigil/internal/config"
	"github.com/vigil/vigil/internal/store"
)

func (a *app) dbCommand() *cobra.Command {
	return group("db", "Manage the database: migrate, status, backup, restore",
		a.dbMigrateCommand(), a.dbStatusCommand(), a.dbBackupCommand(), a.dbRestoreCommand())
}

func (a *app) dbMigrateCommand() *cobra.Command {
	migrate := &cobra.Command{
		Use:   "migrate",
		Short: "Bring the database schema up to date",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			applied, err := st.Migrate(cmd.Context())
			if err != nil {
				return err
			}
			cur, _, err := st.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			out := struct {
				Database string            `json:"database"`
				Version  int64             `json:"version"`
				Applied  []store.Migration `json:"applied"`
			}{config.Redact(a.cfg.DB), cur, applied}
			if applied == nil {
				out.Applied = []store.Migration{}
			}
			t := &table{header: []string{"VERSION", "MIGRATION", "DURATION"}}
			for _, m := range applied {
				t.add(fmt.Sprint(m.Version), m.Source, m.Duration.String())
			}
			if a.output == formatTable {
				cmd.Printf("%s: schema at version %d, %d migration(s) applied\n", out.Database, cur, len(applied))
				if len(applied) == 0 {
					return nil
				}
			}
			return a.render(cmd, out, t)
		},
	}
	return migrate
}

func (a *app) dbStatusCommand() *cobra.Command {
	status := &cobra.Command{
		Use:   "status",
		Short: "Show the database and its schema version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			cur, latest, err := st.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			out := struct {
				Database string `json:"database"`
				Backend  string `json:"backend"`
				Version  int64  `json:"version"`
				Latest   int64  `json:"latest"`
				Current  bool   `json:"current"`
			}{config.Redact(a.cfg.DB), st.Backend(), cur, latest, cur == latest}
			return a.render(cmd, out, keyValues("database", out.Database, "backend", out.Backend,
				"schema version", fmt.Sprint(cur), "latest known", fmt.Sprint(latest), "current", fmt.Sprint(out.Current)))
		},
	}
	return status
}

func (a *app) dbBackupCommand() *cobra.Command {
	backup := &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the database to FILE (SQLite; PostgreSQL uses pg_dump)",
		Args:  exactArgs(1, "FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			dst, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			if err := st.Backup(cmd.Context(), dst); err != nil {
				return err
			}
			cmd.Printf("backup written to %s\n", dst)
			return nil
		},
	}
	return backup
}

func (a *app) dbRestoreCommand() *cobra.Command {
	var yes bool
	restore := &cobra.Command{
		Use:   "restore FILE --yes",
		Short: "Replace the whole database with a backup (SQLite; PostgreSQL uses pg_restore)",
		Long: `Replace the whole database with a backup written by 'vigil db backup'. The
file is checked first (SQLite integrity check, a vigil schema no newer than
this binary); it is then copied in through SQLite's online backup API and
migrated to the current schema. Everything written since the backup is lost,
so --yes is required.`,
		Args: exactArgs(1, "FILE --yes"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !yes {
				return usagef("restoring replaces every row in %s; confirm with --yes", config.Redact(a.cfg.DB))
			}
			st, err := a.openStore(cmd.Context())
			if err != nil {
				return err
			}
			src, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			if err := st.Restore(cmd.Context(), src); err != nil {
				return err
			}
			cmd.Printf("database restored from %s\n", src)
			return nil
		},
	}
	restore.Flags().BoolVar(&yes, "yes", false, "confirm replacing the database")
	return restore
}
