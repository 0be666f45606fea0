// Package config resolves vigil's settings. Each setting comes from the first
// of these that has it: a command-line flag, an environment variable
// (VIGIL_*), the config file, the default. The config file is YAML, found at
// --config / VIGIL_CONFIG or, if it exists, $XDG_CONFIG_HOME/vigil/config.yaml.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config is the resolved configuration.
type Config struct {
	// DB is the database: sqlite:PATH or postgres://…
	DB string
	// Org is the slug of the organization commands act for.
	Org string
	// LogFormat is text or json.
	LogFormat string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// Listen is the address vigil serve listens on.
	Listen string
	// File is the config file that was read, if any.
	File string
	// Origin says where each setting came from (flag, env, file, default),
	// for `vigil config` and error messages.
	Origin map[string]string
}

// Setting describes one key: its flag name, environment variable and
// config-file key are derived from Key.
type Setting struct {
	Key   string // flag name, e.g. "log-format"
	Usage string
}

// Settings lists every key in documentation order.
var Settings = []Setting{
	{"db", "database: sqlite:PATH or postgres://user@host/db (default $XDG_DATA_HOME/vigil/vigil.db)"},
	{"org", "organization slug to act for (default: the only one there is)"},
	{"log-format", "log format: text or json"},
	{"log-level", "log level: debug, info, warn or error"},
	{"listen", "address for vigil serve"},
}

// EnvName is the environment variable of a key: log-format → VIGIL_LOG_FORMAT.
func EnvName(key string) string {
	return "VIGIL_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
}

// fileKey is the config-file key: log-format → log_format.
func fileKey(key string) string { return strings.ReplaceAll(key, "-", "_") }

// Inputs are where settings come from.
type Inputs struct {
	// Flags holds the flags the user set explicitly, by key.
	Flags map[string]string
	// ConfigFile is --config; empty means VIGIL_CONFIG or the default path.
	ConfigFile string
	Getenv     func(string) string
}

// maxFileSize bounds the config file; a settings file has no reason to be big.
const maxFileSize = 1 << 20

// Load resolves the configuration.
func Load(in Inputs) (*Config, error) {
	getenv := in.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	file, fileVals, err := readFile(in.ConfigFile, getenv)
	if err != nil {
		return nil, err
	}
	defaults := map[string]string{
		"db":         "sqlite:" + DefaultDBPath(getenv),
		"org":        "",
		"log-format": "text",
		"log-level":  "info",
		"listen":     "127.0.0.1:8080",
	}
	c := &Config{File: file, Origin: map[string]string{}}
	vals := map[string]string{}
	for _, s := range Settings {
		switch v, ok := in.Flags[s.Key]; {
		case ok:
			vals[s.Key], c.Origin[s.Key] = v, "flag --"+s.Key
		case getenv(EnvName(s.Key)) != "":
			vals[s.Key], c.Origin[s.Key] = getenv(EnvName(s.Key)), "environment "+EnvName(s.Key)
		case fileVals[fileKey(s.Key)] != "":
			vals[s.Key], c.Origin[s.Key] = fileVals[fileKey(s.Key)], "config file "+file
		default:
			vals[s.Key], c.Origin[s.Key] = defaults[s.Key], "default"
		}
	}
	c.DB, c.Org, c.LogFormat, c.LogLevel, c.Listen = vals["db"], vals["org"], vals["log-format"], vals["log-level"], vals["listen"]
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) validate() error {
	var problems []string
	if _, _, err := ParseDB(c.DB); err != nil {
		problems = append(problems, fmt.Sprintf("db (%s): %v", c.Origin["db"], err))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		problems = append(problems, fmt.Sprintf("log-format (%s): %q is not text or json", c.Origin["log-format"], c.LogFormat))
	}
	if _, err := ParseLevel(c.LogLevel); err != nil {
		problems = append(problems, fmt.Sprintf("log-level (%s): %v", c.Origin["log-level"], err))
	}
	if len(problems) > 0 {
		return fmt.Errorf("configuration: %s", strings.Join(problems, "; "))
	}
	return nil
}

// readFile reads the YAML config file. An explicitly named file must exist;
// the default one is optional.
func readFile(explicit string, getenv func(string) string) (string, map[string]string, error) {
	path, required := explicit, true
	if path == "" {
		path = getenv("VIGIL_CONFIG")
	}
	if path == "" {
		path, required = filepath.Join(configHome(getenv), "vigil", "config.yaml"), false
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && !required {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if n, err := buf.ReadFrom(io.LimitReader(f, maxFileSize+1)); err != nil {
		return "", nil, fmt.Errorf("config file %s: %w", path, err)
	} else if n > maxFileSize {
		return "", nil, fmt.Errorf("config file %s: larger than %d bytes", path, maxFileSize)
	}
	vals := map[string]string{}
	dec := yaml.NewDecoder(&buf)
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return "", nil, fmt.Errorf("config file %s: %w", path, err)
	}
	known := map[string]bool{}
	for _, s := range Settings {
		known[fileKey(s.Key)] = true
	}
	for k, v := range raw {
		if !known[k] {
			return "", nil, fmt.Errorf("config file %s: unknown key %q (known: db, org, log_format, log_level, listen)", path, k)
		}
		switch v := v.(type) {
		case string:
			vals[k] = v
		case nil:
		default:
			vals[k] = fmt.Sprint(v)
		}
	}
	return path, vals, nil
}

// DefaultDBPath is $XDG_DATA_HOME/vigil/vigil.db, falling back to
// ~/.local/share/vigil/vigil.db.
func DefaultDBPath(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "vigil", "vigil.db")
	}
	return filepath.Join(home(getenv), ".local", "share", "vigil", "vigil.db")
}

func configHome(getenv func(string) string) string {
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return d
	}
	return filepath.Join(home(getenv), ".config")
}

func home(getenv func(string) string) string {
	if h := getenv("HOME"); h != "" {
		return h
	}
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return "."
}

// Backend kinds that ParseDB returns.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// ParseDB splits a database setting into its backend and the path or
// connection string that backend opens: sqlite:PATH (or a bare path),
// postgres:// or postgresql:// URLs, and PostgreSQL's key-value form
// (host=… dbname=… user=…). Anything else that starts like a scheme
// ("postgres:/host/db", "mysql://…") is refused rather than taken for a
// file name. Messages never include a password.
func ParseDB(s string) (backend, target string, err error) {
	switch {
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		return Postgres, s, nil
	case strings.HasPrefix(s, "sqlite://"):
		target = strings.TrimPrefix(s, "sqlite://")
	case strings.HasPrefix(s, "sqlite:"):
		target = strings.TrimPrefix(s, "sqlite:")
	case isKeyValueDSN(s):
		return Postgres, s, nil
	case strings.Contains(s, "=") && keyValuePattern.MatchString(s):
		return "", "", fmt.Errorf("%q looks like a key=value connection string but names no PostgreSQL setting (host, dbname, user, …): want sqlite:PATH, postgres://… or host=… dbname=…", Redact(s))
	case schemePattern.MatchString(s):
		return "", "", fmt.Errorf("%q: unknown database scheme (want sqlite:PATH, postgres://… or host=… dbname=…)", Redact(s))
	default:
		target = s
	}
	if target == "" {
		return "", "", errors.New("empty database path")
	}
	return SQLite, target, nil
}

// ExplicitSQLite reports whether a database setting names SQLite with the
// sqlite: prefix, the only form for which vigil creates a missing
// database file (a bare string might be a mistyped URL).
func ExplicitSQLite(s string) bool { return strings.HasPrefix(s, "sqlite:") }

var (
	// schemePattern is a URL scheme of two letters or more followed by a
	// colon; one letter would be a Windows drive.
	schemePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]+:`)
	// keyValuePattern is the start of a libpq key-value string.
	keyValuePattern = regexp.MustCompile(`^\s*[A-Za-z_]+\s*=`)
	// kvPair is one key=value pair, the value bare or single-quoted with
	// backslash escapes, as libpq reads them.
	kvPair = regexp.MustCompile(`([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s']*)`)
)

// libpqKeys are the settings whose presence makes a key=value string a
// PostgreSQL connection string.
var libpqKeys = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "password": true,
	"passfile": true, "sslmode": true, "sslrootcert": true, "sslcert": true, "sslkey": true,
	"connect_timeout": true, "application_name": true, "options": true, "service": true,
	"target_session_attrs": true, "search_path": true,
}

func isKeyValueDSN(s string) bool {
	if !keyValuePattern.MatchString(s) {
		return false
	}
	for _, m := range kvPair.FindAllStringSubmatch(s, -1) {
		if libpqKeys[strings.ToLower(m[1])] {
			return true
		}
	}
	return false
}

// secretKeys are connection settings whose values are secret.
var secretKeys = map[string]bool{"password": true, "sslpassword": true}

// mask replaces a secret.
const mask = "xxxxx"

// Redact hides the passwords in a database setting, whatever its form:
// the password of a URL's user-info, password= (and sslpassword=) query
// parameters, and password= pairs of a key-value string, so that settings
// can be printed and logged.
func Redact(db string) string {
	for _, secret := range Secrets(db) {
		db = strings.ReplaceAll(db, secret, mask)
	}
	return db
}

// Secrets are the secret values a database setting holds, as they appear
// in it (and, for URLs, decoded), longest first.
func Secrets(db string) []string {
	var out []string
	add := func(v string) {
		if v != "" && v != mask {
			out = append(out, v)
		}
	}
	if scheme := strings.Index(db, "://"); scheme >= 0 {
		rest := db[scheme+3:]
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			rest = rest[:i]
		}
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok {
				add(pw)
				if dec, err := url.PathUnescape(pw); err == nil {
					add(dec)
				}
			}
		}
		if _, query, ok := strings.Cut(db, "?"); ok {
			query, _, _ = strings.Cut(query, "#")
			for _, kv := range strings.Split(query, "&") {
				k, v, _ := strings.Cut(kv, "=")
				if secretKeys[strings.ToLower(k)] {
					add(v)
					if dec, err := url.QueryUnescape(v); err == nil {
						add(dec)
					}
				}
			}
		}
	} else if keyValuePattern.MatchString(db) {
		for _, m := range kvPair.FindAllStringSubmatch(db, -1) {
			if secretKeys[strings.ToLower(m[1])] {
				v := m[2]
				add(v)
				if len(v) >= 2 && v[0] == '\'' {
					add(strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(v[1 : len(v)-1]))
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// RedactError returns err with every secret of the database setting db
// masked in its message; errors.Is and errors.As still see through it.
func RedactError(err error, db string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	masked := msg
	for _, secret := range Secrets(db) {
		masked = strings.ReplaceAll(masked, secret, mask)
	}
	if masked == msg {
		return err
	}
	return &redactedError{msg: masked, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// ParseLevel parses a slog level name.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("%q is not debug, info, warn or error", s)
	}
	return l, nil
}
