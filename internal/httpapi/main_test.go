package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/app"
	"github.com/vigil/vigil/internal/httpapi"
	"github.com/vigil/vigil/internal/store/sqlite"
)

// testMaxBody and testMaxSBOM are small so the oversize cases need no big
// buffer; testMaxSBOM still takes the real SBOMs the tests import.
const (
	testMaxBody = 4096
	testMaxSBOM = 256 << 10
)

// env is a server on a real listener over a real SQLite store.
type env struct {
	svc  *app.App
	db   *sqlite.DB
	srv  *httpapi.Server
	url  string
	logs *syncBuffer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	e := &env{svc: app.New(db), db: db, logs: &syncBuffer{}}
	e.srv = httpapi.New(e.svc, httpapi.Config{
		MaxBodyBytes: testMaxBody, MaxSBOMBytes: testMaxSBOM, Version: "1.2.3-test",
	},
		slog.New(slog.NewJSONHandler(e.logs, nil)))
	ts := httptest.NewServer(validating(t, e.srv))
	t.Cleanup(ts.Close)
	e.url = ts.URL
	return e
}

// org creates an organization and returns a bearer token of it.
func (e *env) org(t *testing.T, slug string) string {
	t.Helper()
	org, err := e.svc.Access.CreateOrg(t.Context(), vigil.OrgInput{Slug: slug, Kind: vigil.Manufacturer})
	if err != nil {
		t.Fatal(err)
	}
	sc := vigil.Scope{OrgID: org.ID, Actor: "test"}
	_, secret, err := e.svc.Access.CreateToken(t.Context(), sc, vigil.TokenInput{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// problem is an RFC 9457 problem as the API writes it.
type problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Errors []struct {
		Message  string `json:"message"`
		Location string `json:"location"`
	} `json:"errors,omitempty"`
}

// do sends a request. body is JSON-encoded unless it is a string, which is
// sent as is. An empty token sends no Authorization header.
func (e *env) do(t *testing.T, method, path, token string, body any, header ...string) response {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// want fails the test unless the response has status, and decodes its
// body into v when v is not nil.
func (r response) want(t *testing.T, status int, v any) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %s", r.status, status, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			t.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

// problem checks the response is a problem with status and returns it.
func (r response) problem(t *testing.T, status int) problem {
	t.Helper()
	var p problem
	r.want(t, status, &p)
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	if p.Status != status || p.Title != http.StatusText(status) {
		t.Errorf("problem status %d title %q, want %d %q", p.Status, p.Title, status, http.StatusText(status))
	}
	return p
}

// syncBuffer collects log output written from the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records returns the JSON log records written so far.
func (b *syncBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for line := range strings.Lines(b.buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
