package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(file, []byte("db: sqlite:/from/file.db\norg: file-org\nlog_level: warn\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": "/home/nurse", "VIGIL_ORG": "env-org", "VIGIL_LOG_LEVEL": "debug"}
	tests := []struct {
		name  string
		flags map[string]string
		file  string
		env   map[string]string
		want  map[string]string
	}{
		{
			name: "defaults",
			env:  map[string]string{"HOME": "/home/nurse"},
			want: map[string]string{"db": "sqlite:/home/nurse/.local/share/vigil/vigil.db", "org": "", "log-format": "text", "log-level": "info", "listen": "127.0.0.1:8080"},
		},
		{
			name: "XDG data home",
			env:  map[string]string{"HOME": "/home/nurse", "XDG_DATA_HOME": "/data"},
			want: map[string]string{"db": "sqlite:/data/vigil/vigil.db", "org": "", "log-format": "text", "log-level": "info", "listen": "127.0.0.1:8080"},
		},
		{
			name: "file over defaults, env over file",
			file: file,
			env:  env,
			want: map[string]string{"db": "sqlite:/from/file.db", "org": "env-org", "log-format": "text", "log-level": "debug", "listen": "127.0.0.1:8080"},
		},
		{
			name:  "flags over everything",
			flags: map[string]string{"org": "flag-org", "db": "postgres://u@h/db"},
			file:  file,
			env:   env,
			want:  map[string]string{"db": "postgres://u@h/db", "org": "flag-org", "log-format": "text", "log-level": "debug", "listen": "127.0.0.1:8080"},
		},
		{
			name: "VIGIL_CONFIG names the file",
			env:  map[string]string{"HOME": "/home/nurse", "VIGIL_CONFIG": file},
			want: map[string]string{"db": "sqlite:/from/file.db", "org": "file-org", "log-format": "text", "log-level": "warn", "listen": "127.0.0.1:8080"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(Inputs{Flags: tt.flags, ConfigFile: tt.file, Getenv: func(k string) string { return tt.env[k] }})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{"db": c.DB, "org": c.Org, "log-format": c.LogFormat, "log-level": c.LogLevel, "listen": c.Listen}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		in      Inputs
		wantErr string
	}{
		{"missing explicit file", Inputs{ConfigFile: filepath.Join(dir, "nope.yaml")}, "no such file"},
		{"unknown key", Inputs{ConfigFile: write("unknown.yaml", "databse: x\n")}, `unknown key "databse"`},
		{"bad yaml", Inputs{ConfigFile: write("bad.yaml", "db: [unclosed\n")}, "config file"},
		{"bad log format", Inputs{Flags: map[string]string{"log-format": "xml"}}, `log-format (flag --log-format): "xml" is not text or json`},
		{"bad level from env", Inputs{Getenv: func(k string) string {
			return map[string]string{"VIGIL_LOG_LEVEL": "loud"}[k]
		}}, "log-level (environment VIGIL_LOG_LEVEL)"},
		{"bad scheme", Inputs{Flags: map[string]string{"db": "mysql://root:secret@h/db"}}, "unknown database scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load error = %v, want containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error leaks a password: %v", err)
			}
		})
	}
}

func TestParseDB(t *testing.T) {
	tests := []struct {
		in, backend, target string
	}{
		{"sqlite:/var/lib/vigil.db", SQLite, "/var/lib/vigil.db"},
		{"sqlite://rel/v.db", SQLite, "rel/v.db"},
		{"./v.db", SQLite, "./v.db"},
		{"postgres://vigil@db/vigil", Postgres, "postgres://vigil@db/vigil"},
		{"postgresql://vigil@db/vigil", Postgres, "postgresql://vigil@db/vigil"},
		{"host=db dbname=vigil user=v password=s3cret", Postgres, "host=db dbname=vigil user=v password=s3cret"},
		{" dbname = vigil", Postgres, " dbname = vigil"},
		{"sqlite:postgres:/host/db", SQLite, "postgres:/host/db"},
		{"C:/data/v.db", SQLite, "C:/data/v.db"},
	}
	for _, tt := range tests {
		b, target, err := ParseDB(tt.in)
		if err != nil || b != tt.backend || target != tt.target {
			t.Errorf("ParseDB(%q) = %q, %q, %v; want %q, %q", tt.in, b, target, err, tt.backend, tt.target)
		}
	}
	for _, bad := range []string{"", "sqlite:", "mysql://x", "postgres:/host/db", "postgres:host", "file:v.db",
		"colour=blue sslpassword=hunter2", "mysql://u:hunter2@h/d"} {
		_, _, err := ParseDB(bad)
		if err == nil {
			t.Errorf("ParseDB(%q) succeeded, want error", bad)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ParseDB(%q) error shows the password: %v", bad, err)
		}
	}
}

func TestRedactError(t *testing.T) {
	for _, tt := range []struct{ db, secret string }{
		{"postgres://v:p%40ss@db/vigil", "p@ss"},
		{"postgres://db/vigil?password=a%20b", "a b"},
		{"host=db password='it''s' user=v", "it"},
		{"host=db password='o\\'neil' user=v", "o'neil"},
	} {
		base := errors.New("connect to " + tt.db + " failed; password " + tt.secret + " rejected")
		err := RedactError(fmt.Errorf("open: %w", base), tt.db)
		if strings.Contains(err.Error(), tt.secret) {
			t.Errorf("RedactError(%q) = %q, still shows %q", tt.db, err, tt.secret)
		}
		if !errors.Is(err, base) {
			t.Errorf("RedactError(%q) lost the wrapped error", tt.db)
		}
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://vigil:s3cret@db:5432/vigil":               "postgres://vigil:xxxxx@db:5432/vigil",
		"postgres://vigil@db/vigil":                           "postgres://vigil@db/vigil",
		"sqlite:/a@b/c.db":                                    "sqlite:/a@b/c.db",
		"postgres://db/vigil?sslmode=disable&password=s3cret": "postgres://db/vigil?sslmode=disable&password=xxxxx",
		"postgres://db/vigil?PASSWORD=s3cret&user=v":          "postgres://db/vigil?PASSWORD=xxxxx&user=v",
		"postgres://v:p%40ss@db/vigil":                        "postgres://v:xxxxx@db/vigil",
		"host=db user=v password=s3cret dbname=vigil":         "host=db user=v password=xxxxx dbname=vigil",
		"host=db password = 'two words\\' here' dbname=vigil": "host=db password = xxxxx dbname=vigil",
		"host=db sslpassword=k3y password=s3cret":             "host=db sslpassword=xxxxx password=xxxxx",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
