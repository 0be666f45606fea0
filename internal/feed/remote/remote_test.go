package remote_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil/internal/feed"
	"github.com/vigil/vigil/internal/feed/feedtest"
	"github.com/vigil/vigil/internal/feed/fetch"
	"github.com/vigil/vigil/internal/feed/fetch/fetchtest"
	"github.com/vigil/vigil/internal/feed/importers"
	"github.com/vigil/vigil/internal/feed/remote"
	"github.com/vigil/vigil/internal/feed/source"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/realdata"
)

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata(t), p))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// world is the internet as the tests see it: one local TLS server that
// every host name reaches (fetchtest.Route), answering from handlers
// registered by URL, 404 otherwise; and a fake clock.
type world struct {
	t      *testing.T
	ts     *httptest.Server
	clock  *fetchtest.Clock
	client *fetch.Client
	cache  string

	mu       sync.Mutex
	handlers map[string]http.Handler
	log      []string
}

func newWorld(t *testing.T, cfg fetch.Config) *world {
	t.Helper()
	w := &world{t: t, handlers: map[string]http.Handler{}, cache: t.TempDir(),
		clock: fetchtest.NewClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))}
	w.ts = httptest.NewTLSServer(http.HandlerFunc(w.serve))
	t.Cleanup(w.ts.Close)
	cfg.Transport = fetchtest.Route(w.ts)
	cfg.Now, cfg.Sleep = w.clock.Now, w.clock.Sleep
	cfg.Jitter = func() float64 { return 0 }
	if cfg.Retries == 0 {
		cfg.Retries = 2
	}
	c, err := fetch.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.client = c
	return w
}

func (w *world) serve(rw http.ResponseWriter, r *http.Request) {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	key := host + r.URL.Path
	w.mu.Lock()
	w.log = append(w.log, key+"?"+r.URL.RawQuery)
	h := w.handlers[key]
	w.mu.Unlock()
	if h == nil {
		http.NotFound(rw, r)
		return
	}
	h.ServeHTTP(rw, r)
}

// handle serves rawURL (scheme and query ignored) with h.
func (w *world) handle(rawURL string, h http.HandlerFunc) {
	u, err := url.Parse(rawURL)
	if err != nil {
		w.t.Fatal(err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handlers[u.Hostname()+u.Path] = h
}

// file serves data at rawURL with an ETag, answering conditional and
// Range requests as a real server does.
func (w *world) file(rawURL string, data []byte, etag string) {
	w.handle(rawURL, func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("ETag", etag)
		http.ServeContent(rw, r, "", time.Time{}, bytes.NewReader(data))
	})
}

// requests returns the requests so far whose "host/path?query" starts
// with prefix, and forgets all requests.
func (w *world) requests(prefix string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, l := range w.log {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	w.log = nil
	return out
}

func (w *world) sources(t *testing.T, cfg remote.Config) []source.Source {
	t.Helper()
	cfg.CacheDir, cfg.Now = w.cache, w.clock.Now
	srcs, err := remote.Sources(w.client, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srcs
}

func (w *world) source(t *testing.T, cfg remote.Config, name string) source.Source {
	t.Helper()
	s, err := remote.ByName(w.sources(t, cfg), name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// importer returns an Emit importing into a fresh in-memory sink.
func importer(t *testing.T) (source.Emit, *feedtest.Sink, *feed.Report) {
	t.Helper()
	all, err := importers.All(importers.Config{})
	if err != nil {
		t.Fatal(err)
	}
	sink, rep := &feedtest.Sink{}, &feed.Report{}
	return remote.Import(all, sink, feed.Options{}, rep), sink, rep
}

// names returns an Emit that records the documents' names.
func names(got *[]string) source.Emit {
	return func(_ context.Context, d *source.Document) error {
		if _, err := io.Copy(io.Discard, d.Body); err != nil {
			return err
		}
		*got = append(*got, d.Name)
		return nil
	}
}

// roundTrip saves and loads st as the caller would.
func roundTrip(t *testing.T, st *source.State) *source.State {
	t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var out source.State
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func TestKEV_ConditionalRequestsAndImport(t *testing.T) {
	t.Parallel()
	data := readFile(t, "kev/known_exploited_vulnerabilities.json")
	var want struct {
		Count           int               `json:"count"`
		Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, fetch.Config{})
	w.file(remote.DefaultKEVURL, data, `"kev-1"`)
	src := w.source(t, remote.Config{}, remote.KEVName)
	st := &source.State{}

	// An import that fails leaves the state alone.
	boom := errors.New("database is locked")
	_, err := src.Sync(t.Context(), st, func(context.Context, *source.Document) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Sync error %v, want the emit's", err)
	}
	if len(st.HTTP) != 0 {
		t.Errorf("state advanced past a failed emit: %+v", st.HTTP)
	}

	emit, sink, rep := importer(t)
	sum, err := src.Sync(t.Context(), st, emit)
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.KEV) != len(want.Vulnerabilities) || len(sink.KEV) != want.Count || !slices.Equal(rep.Importers, []string{"feed/kev"}) {
		t.Errorf("imported %d KEV entries by %q, want %d", len(sink.KEV), rep.Importers, want.Count)
	}
	if sum.Documents != 1 || sum.Bytes != int64(len(data)) {
		t.Errorf("summary %+v", sum)
	}
	st = roundTrip(t, st)
	if st.HTTP[remote.DefaultKEVURL].ETag != `"kev-1"` {
		t.Errorf("state %+v", st)
	}

	// Unchanged: a 304, nothing emitted.
	var got []string
	sum, err = src.Sync(t.Context(), st, names(&got))
	if err != nil || sum.NotModified != 1 || sum.Documents != 0 || len(got) != 0 {
		t.Errorf("second sync: %+v, %v, emitted %v", sum, err, got)
	}

	// Changed upstream: fetched again.
	w.file(remote.DefaultKEVURL, data, `"kev-2"`)
	sum, err = src.Sync(t.Context(), st, names(&got))
	if err != nil || sum.Documents != 1 || st.HTTP[remote.DefaultKEVURL].ETag != `"kev-2"` {
		t.Errorf("third sync: %+v, %v, state %+v", sum, err, st.HTTP)
	}
}

func TestEPSS_FollowsRedirectAndGunzips(t *testing.T) {
	t.Parallel()
	csvData := readFile(t, "epss/vunnel-fixtures/example-1.csv")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(csvData)
	zw.Close()
	w := newWorld(t, fetch.Config{})
	// As the real one, the current file redirects to the dated one.
	w.handle(remote.DefaultEPSSURL, func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, "/epss_scores-2025-02-20.csv.gz", http.StatusFound)
	})
	w.file("https://epss.empiricalsecurity.com/epss_scores-2025-02-20.csv.gz", gz.Bytes(), `"epss-0220"`)
	emit, sink, rep := importer(t)
	st := &source.State{}
	sum, err := w.source(t, remote.Config{}, remote.EPSSName).Sync(t.Context(), st, emit)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(strings.TrimSpace(string(csvData)), "\n") - 1 // the #model line and the header
	if len(sink.EPSS) != lines || sum.Documents != 1 {
		t.Errorf("imported %d EPSS scores (%+v), want %d; report %+v", len(sink.EPSS), sum, lines, rep)
	}
	if st.HTTP[remote.DefaultEPSSURL].ETag != `"epss-0220"` {
		t.Errorf("state %+v", st.HTTP)
	}
	sum, err = w.source(t, remote.Config{}, remote.EPSSName).Sync(t.Context(), st, emit)
	if err != nil || sum.NotModified != 1 || sum.Documents != 0 {
		t.Errorf("second sync %+v, %v", sum, err)
	}
}

func TestEPSS_SizeLimit(t *testing.T) {
	t.Parallel()
	w := newWorld(t, fetch.Config{})
	w.file(remote.DefaultEPSSURL, bytes.Repeat([]byte("x"), 4096), `"big"`)
	st := &source.State{}
	var got []string
	sum, err := w.source(t, remote.Config{EPSS: remote.FileConfig{MaxSize: 1000}}, remote.EPSSName).Sync(t.Context(), st, names(&got))
	if !errors.Is(err, ingest.ErrLimit) || len(got) != 0 || sum.Errors != 1 {
		t.Errorf("Sync = %+v, %v; want ingest.ErrLimit", sum, err)
	}
}

// nvdPage is an NVD CVE API 2.0 response, keys in NVD's order.
type nvdPage struct {
	ResultsPerPage  int               `json:"resultsPerPage"`
	StartIndex      int               `json:"startIndex"`
	TotalResults    int               `json:"totalResults"`
	Format          string            `json:"format"`
	Version         string            `json:"version"`
	Timestamp       string            `json:"timestamp"`
	Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
}

// nvdServer serves the real 38-CVE page of the NVD API, split into pages
// by startIndex and resultsPerPage and filtered by the lastModified
// window, as the API does. failAt makes requests for that startIndex
// fail with 503.
type nvdServer struct {
	t      *testing.T
	page   nvdPage
	mu     sync.Mutex
	failAt int
	apiKey string
	keys   []string
}

func newNVDServer(t *testing.T) *nvdServer {
	s := &nvdServer{t: t, failAt: -1}
	if err := json.Unmarshal(readFile(t, "nvd/api-2.0/vunnel/full-page.json"), &s.page); err != nil {
		t.Fatal(err)
	}
	return s
}

func lastModified(t *testing.T, v json.RawMessage) time.Time {
	var r struct {
		CVE struct {
			LastModified string `json:"lastModified"`
		} `json:"cve"`
	}
	if err := json.Unmarshal(v, &r); err != nil {
		t.Fatal(err)
	}
	at, err := feed.ParseTime(r.CVE.LastModified)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func (s *nvdServer) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	s.keys = append(s.keys, r.Header.Get("apiKey"))
	fail, key := s.failAt, s.apiKey
	s.mu.Unlock()
	if key != "" && r.Header.Get("apiKey") != key {
		rw.Header().Set("message", "Invalid apiKey")
		rw.WriteHeader(http.StatusNotFound)
		return
	}
	start, err1 := strconv.Atoi(q.Get("startIndex"))
	per, err2 := strconv.Atoi(q.Get("resultsPerPage"))
	if err1 != nil || err2 != nil || per > 2000 {
		http.Error(rw, "bad paging", http.StatusBadRequest)
		return
	}
	if start == fail {
		http.Error(rw, "unavailable", http.StatusServiceUnavailable)
		return
	}
	vulns := s.page.Vulnerabilities
	if from, to := q.Get("lastModStartDate"), q.Get("lastModEndDate"); from != "" || to != "" {
		const layout = "2006-01-02T15:04:05.000-07:00"
		a, err1 := time.Parse(layout, from)
		b, err2 := time.Parse(layout, to)
		if err1 != nil || err2 != nil || b.Sub(a) > 120*24*time.Hour || b.Before(a) {
			http.Error(rw, "bad window "+from+" "+to, http.StatusBadRequest)
			return
		}
		vulns = nil
		for _, v := range s.page.Vulnerabilities {
			if m := lastModified(s.t, v); !m.Before(a) && !m.After(b) {
				vulns = append(vulns, v)
			}
		}
	}
	out := s.page
	out.TotalResults, out.StartIndex = len(vulns), start
	out.Vulnerabilities = vulns[min(start, len(vulns)):min(start+per, len(vulns))]
	out.ResultsPerPage = len(out.Vulnerabilities)
	json.NewEncoder(rw).Encode(out)
}

// startIndexes returns the startIndex of each request logged.
func startIndexes(t *testing.T, reqs []string) []int {
	var out []int
	for _, r := range reqs {
		_, q, _ := strings.Cut(r, "?")
		v, err := url.ParseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(v.Get("startIndex"))
		out = append(out, n)
	}
	return out
}

func cveIDs(sink *feedtest.Sink) []string {
	var ids []string
	for _, v := range sink.Vulnerabilities {
		ids = append(ids, v.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestNVD_PagingAndRateLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		apiKey    string
		wantSlept []time.Duration
	}{
		// 8 pages: 5 requests in a 30 s window, the sixth waits.
		{"WithoutKey", "", []time.Duration{30 * time.Second}},
		{"WithKey", "0a1b2c3d-secret-api-key", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, fetch.Config{})
			nvd := newNVDServer(t)
			nvd.apiKey = tc.apiKey
			w.handle(remote.DefaultNVDURL, nvd.ServeHTTP)
			emit, sink, _ := importer(t)
			st := &source.State{}
			src := w.source(t, remote.Config{NVD: remote.NVDConfig{ResultsPerPage: 5, APIKey: tc.apiKey}}, remote.NVDName)
			sum, err := src.Sync(t.Context(), st, emit)
			if err != nil {
				t.Fatal(err)
			}
			reqs := w.requests("services.nvd.nist.gov/rest/json/cves/2.0?")
			if diff := cmp.Diff([]int{0, 5, 10, 15, 20, 25, 30, 35}, startIndexes(t, reqs)); diff != "" {
				t.Errorf("startIndex (-want +got):\n%s", diff)
			}
			var want []string
			for _, v := range nvd.page.Vulnerabilities {
				var r struct {
					CVE struct{ ID string } `json:"cve"`
				}
				json.Unmarshal(v, &r)
				want = append(want, r.CVE.ID)
			}
			slices.Sort(want)
			if diff := cmp.Diff(want, cveIDs(sink)); diff != "" {
				t.Errorf("CVEs imported (-want +got):\n%s", diff)
			}
			if sum.Documents != 8 || sum.Requests != 8 {
				t.Errorf("summary %+v", sum)
			}
			if diff := cmp.Diff(tc.wantSlept, w.clock.Slept()); diff != "" {
				t.Errorf("rate limit waits (-want +got):\n%s", diff)
			}
			cur := st.Cursors["nvd"]
			if cur == nil || !cur.Since.Equal(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)) || cur.Index != 0 || !cur.Until.IsZero() {
				t.Errorf("cursor %+v, want since the start of the full sync", cur)
			}
			b, _ := json.Marshal(st)
			if tc.apiKey != "" && (bytes.Contains(b, []byte(tc.apiKey)) || nvd.keys[0] != tc.apiKey) {
				t.Errorf("API key not sent, or in the state %s", b)
			}
		})
	}
}

func TestNVD_IncrementalWindows(t *testing.T) {
	t.Parallel()
	w := newWorld(t, fetch.Config{})
	nvd := newNVDServer(t)
	w.handle(remote.DefaultNVDURL, nvd.ServeHTTP)
	since := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
	now := time.Date(2023, 10, 20, 0, 0, 0, 0, time.UTC)
	w.clock.Advance(now.Sub(w.clock.Now()))
	st := &source.State{Cursors: map[string]*source.Cursor{"nvd": {Since: since}}}
	emit, sink, _ := importer(t)
	if _, err := w.source(t, remote.Config{}, remote.NVDName).Sync(t.Context(), st, emit); err != nil {
		t.Fatal(err)
	}
	var windows []string
	for _, r := range w.requests("services.nvd.nist.gov") {
		_, q, _ := strings.Cut(r, "?")
		v, _ := url.ParseQuery(q)
		windows = append(windows, v.Get("lastModStartDate")+" "+v.Get("lastModEndDate"))
	}
	want := []string{
		"2023-06-01T00:00:00.000+00:00 2023-09-29T00:00:00.000+00:00",
		"2023-09-29T00:00:00.000+00:00 2023-10-20T00:00:00.000+00:00",
	}
	if diff := cmp.Diff(want, windows); diff != "" {
		t.Errorf("windows (-want +got):\n%s", diff)
	}
	n := 0
	for _, v := range nvd.page.Vulnerabilities {
		if m := lastModified(t, v); !m.Before(since) && !m.After(now) {
			n++
		}
	}
	if n == 0 || len(sink.Vulnerabilities) != n {
		t.Errorf("imported %d CVEs, want the %d modified in the windows", len(sink.Vulnerabilities), n)
	}
	if got := st.Cursors["nvd"].Since; !got.Equal(now) {
		t.Errorf("since %v, want %v", got, now)
	}
}

func TestNVD_ResumesWhereItStopped(t *testing.T) {
	t.Parallel()
	w := newWorld(t, fetch.Config{Retries: 1})
	nvd := newNVDServer(t)
	nvd.failAt = 20
	w.handle(remote.DefaultNVDURL, nvd.ServeHTTP)
	emit, sink, _ := importer(t)
	st := &source.State{}
	src := w.source(t, remote.Config{NVD: remote.NVDConfig{ResultsPerPage: 10}}, remote.NVDName)
	sum, err := src.Sync(t.Context(), st, emit)
	var se *fetch.StatusError
	if !errors.As(err, &se) || se.Code != http.StatusServiceUnavailable {
		t.Fatalf("error %v, want the 503", err)
	}
	if sum.Documents != 2 || sum.Retries != 1 || sum.Errors != 1 || len(sink.Vulnerabilities) != 20 {
		t.Errorf("summary %+v, %d CVEs", sum, len(sink.Vulnerabilities))
	}
	st = roundTrip(t, st)
	if cur := st.Cursors["nvd"]; cur.Index != 20 || !cur.Since.IsZero() {
		t.Errorf("cursor %+v, want index 20 of the full sync", cur)
	}
	w.requests("")
	nvd.mu.Lock()
	nvd.failAt = -1
	nvd.mu.Unlock()
	w.clock.Advance(time.Hour)
	if _, err := src.Sync(t.Context(), st, emit); err != nil {
		t.Fatal(err)
	}
	got := startIndexes(t, w.requests("services.nvd.nist.gov"))
	// The rest of the full sync, then the hour since it began.
	if diff := cmp.Diff([]int{20, 30, 0}, got); diff != "" {
		t.Errorf("startIndex (-want +got):\n%s", diff)
	}
	if len(sink.Vulnerabilities) != 38 {
		t.Errorf("%d CVEs in all, want 38", len(sink.Vulnerabilities))
	}
}

func TestNVD_APIKeyNeverInErrors(t *testing.T) {
	t.Parallel()
	const key = "6f1ed002-ab5d-4ff7-SECRET"
	w := newWorld(t, fetch.Config{})
	for _, status := range []int{http.StatusForbidden, http.StatusTooManyRequests, http.StatusInternalServerError} {
		w.handle(remote.DefaultNVDURL, func(rw http.ResponseWriter, r *http.Request) {
			if r.Header.Get("apiKey") != key {
				t.Error("apiKey header missing")
			}
			rw.WriteHeader(status)
		})
		st := &source.State{}
		sum, err := w.source(t, remote.Config{NVD: remote.NVDConfig{APIKey: key}}, remote.NVDName).Sync(t.Context(), st, names(new([]string)))
		if err == nil {
			t.Fatalf("status %d: no error", status)
		}
		b, _ := json.Marshal(struct {
			S *source.State
			M source.Summary
		}{st, sum})
		for _, s := range []string{err.Error(), string(b)} {
			if strings.Contains(s, key) || strings.Contains(s, "SECRET") {
				t.Errorf("status %d: API key in %q", status, s)
			}
		}
	}
}

func TestNVD_CancelledKeepsProgress(t *testing.T) {
	t.Parallel()
	w := newWorld(t, fetch.Config{})
	w.handle(remote.DefaultNVDURL, newNVDServer(t).ServeHTTP)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pages := 0
	st := &source.State{}
	src := w.source(t, remote.Config{NVD: remote.NVDConfig{ResultsPerPage: 5}}, remote.NVDName)
	sum, err := src.Sync(ctx, st, func(_ context.Context, d *source.Document) error {
		if pages++; pages == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if cur := st.Cursors["nvd"]; sum.Documents != 2 || cur.Index != 10 {
		t.Errorf("summary %+v, cursor %+v; want 2 pages done and index 10", sum, cur)
	}
}

// testdata is the shared test data folder ..
func testdata(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, ".")
}
