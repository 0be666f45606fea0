package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestDBSettingDoesNoHarm: whatever --db says, a password never reaches
// the output, and nothing is created on disk unless the setting is an
// explicit sqlite: path and the command writes.
func TestDBSettingDoesNoHarm(t *testing.T) {
	const secret = "hunter2"
	work := t.TempDir()
	t.Chdir(work)
	r := newRunner(t)
	tests := []struct {
		name, db string
		args     []string
		wantErr  string
	}{
		{"URL user-info", "postgres://u:" + secret + "@127.0.0.1:1/x?connect_timeout=2", []string{"db", "status"}, "open database"},
		{"password parameter", "postgres://u@127.0.0.1:1/x?connect_timeout=2&password=" + secret, []string{"db", "status"}, "open database"},
		{"key-value DSN", "host=127.0.0.1 port=1 dbname=x user=u password=" + secret + " connect_timeout=2", []string{"db", "status"}, "open database"},
		{"key-value DSN, quoted", "host=127.0.0.1 port=1 password='" + secret + " x' connect_timeout=2", []string{"org", "create", "a", "--kind", "manufacturer"}, "open database"},
		{"scheme with one slash", "postgres:/host/db", []string{"db", "migrate"}, "unknown database scheme"},
		{"unknown key-value", "colour=blue sslpassword=" + secret, []string{"db", "migrate"}, "names no PostgreSQL setting"},
		{"bare path, write", "bare.db", []string{"org", "create", "a", "--kind", "manufacturer"}, "no database at"},
		{"sqlite path, read", "sqlite:sub/new.db", []string{"db", "status"}, "no database at"},
		{"sqlite path, list", "sqlite:new.db", []string{"product", "list"}, "no database at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := r.run(append([]string{"--db", tt.db}, tt.args...)...)
			if code != 1 || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, tt.wantErr)
			}
			if strings.Contains(out+stderr, secret) {
				t.Errorf("the password shows: %q", out+stderr)
			}
			if entries, _ := os.ReadDir(work); len(entries) > 0 {
				t.Errorf("created %s in the working directory", entries[0].Name())
				for _, e := range entries {
					os.RemoveAll(filepath.Join(work, e.Name()))
				}
			}
		})
	}
}

// TestFilesArePrivate: the database, its WAL and a backup hold every
// organisation's data, so they are 0600 in a 0700 directory even under a
// permissive umask.
func TestFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o002)
	t.Cleanup(func() { syscall.Umask(old) })
	r := newRunner(t)
	dir := filepath.Join(t.TempDir(), "data")
	db := filepath.Join(dir, "vigil.db")
	r.env["VIGIL_DB"] = "sqlite:" + db
	r.ok("org", "create", "acme", "--kind", "manufacturer")
	backup := filepath.Join(t.TempDir(), "backup.db")
	r.ok("db", "backup", backup)
	export := filepath.Join(t.TempDir(), "fleet.csv")
	r.ok("asset", "export", "--out", export)
	for path, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, db: 0o600, backup: 0o600, export: 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, st.Mode(), want)
		}
	}
	matches, _ := filepath.Glob(db + "-*")
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", m, st.Mode())
		}
	}
}
