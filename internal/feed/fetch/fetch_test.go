package fetch_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil/internal/feed/fetch"
	"github.com/vigil/vigil/internal/feed/fetch/fetchtest"
	"github.com/vigil/vigil/internal/feed/source"
	"github.com/vigil/vigil/internal/ingest"
	"github.com/vigil/vigil/internal/realdata"
)

// kev is a real file the tests serve.

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newClient returns a client on a fake clock, and the clock.
func newClient(t *testing.T, cfg fetch.Config) (*fetch.Client, *fetchtest.Clock) {
	t.Helper()
	clk := fetchtest.NewClock(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	cfg.Now, cfg.Sleep = clk.Now, clk.Sleep
	if cfg.Jitter == nil {
		cfg.Jitter = func() float64 { return 0 }
	}
	c, err := fetch.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, clk
}

// serveContent serves data with an ETag and Last-Modified, answering
// conditional and Range requests as a real server does.
func serveContent(data []byte, etag string) http.HandlerFunc {
	mod := time.Date(2024, 10, 24, 19, 23, 12, 0, time.UTC)
	return func(w http.ResponseWriter, r *http.Request) {
		if etag != "" {
			w.Header().Set("ETag", etag)
		}
		http.ServeContent(w, r, "", mod, bytes.NewReader(data))
	}
}

func TestGet_ConditionalRoundTrip(t *testing.T) {
	data := readFile(t, kev(t))
	for _, tc := range []struct {
		name string
		etag string
		want source.Validators
	}{
		{"ETag", `"kev-2025"`, source.Validators{ETag: `"kev-2025"`, LastModified: "Thu, 24 Oct 2024 19:23:12 GMT"}},
		{"LastModifiedOnly", "", source.Validators{LastModified: "Thu, 24 Oct 2024 19:23:12 GMT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ua atomic.Value
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ua.Store(r.UserAgent())
				serveContent(data, tc.etag)(w, r)
			}))
			defer ts.Close()
			c, _ := newClient(t, fetch.Config{Version: "1.2.3"})
			var st source.Stats
			state := source.HTTPState{}
			b, resp, err := c.Bytes(t.Context(), fetch.Request{URL: ts.URL + "/kev.json", Validators: state[ts.URL+"/kev.json"], Stats: &st})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, data) {
				t.Fatalf("body differs: %d bytes, want %d", len(b), len(data))
			}
			if diff := cmp.Diff(tc.want, resp.Validators); diff != "" {
				t.Errorf("validators (-want +got):\n%s", diff)
			}
			state[ts.URL+"/kev.json"] = resp.Validators
			b, resp, err = c.Bytes(t.Context(), fetch.Request{URL: ts.URL + "/kev.json", Validators: state[ts.URL+"/kev.json"], Stats: &st})
			if err != nil {
				t.Fatal(err)
			}
			if !resp.NotModified || b != nil {
				t.Errorf("second fetch: NotModified %v, %d bytes; want a 304", resp.NotModified, len(b))
			}
			if diff := cmp.Diff(source.Stats{Requests: 2, NotModified: 1, Bytes: int64(len(data))}, st); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			if got := ua.Load(); got != "vigil/1.2.3" {
				t.Errorf("User-Agent %q", got)
			}
		})
	}
}

// flaky answers the statuses in order, then serves data.
func flaky(data []byte, statuses ...int) (http.Handler, *atomic.Int32) {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(statuses) {
			if statuses[i] == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "7")
			}
			http.Error(w, http.StatusText(statuses[i]), statuses[i])
			return
		}
		w.Write(data)
	}), &n
}

func TestGet_Retries(t *testing.T) {
	data := []byte(`{"ok":true}`)
	for _, tc := range []struct {
		name      string
		statuses  []int
		retries   int
		wantSlept []time.Duration
		wantCode  int // 0: success
		wantReqs  int
	}{
		{"RetryAfterOn429", []int{429}, 5, []time.Duration{7 * time.Second}, 0, 2},
		{"5xxThenSuccess", []int{503, 500}, 5, []time.Duration{500 * time.Millisecond, time.Second}, 0, 3},
		{"GivesUp", []int{502, 502, 502}, 2, []time.Duration{500 * time.Millisecond, time.Second}, 502, 3},
		{"NotFoundIsNotRetried", []int{404}, 5, nil, 404, 1},
		{"ForbiddenIsNotRetried", []int{403}, 5, nil, 403, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, n := flaky(data, tc.statuses...)
			ts := httptest.NewServer(h)
			defer ts.Close()
			c, clk := newClient(t, fetch.Config{Retries: tc.retries})
			var st source.Stats
			b, _, err := c.Bytes(t.Context(), fetch.Request{URL: ts.URL, Stats: &st})
			if tc.wantCode == 0 {
				if err != nil || !bytes.Equal(b, data) {
					t.Fatalf("Bytes = %q, %v", b, err)
				}
			} else {
				var se *fetch.StatusError
				if !errors.As(err, &se) || se.Code != tc.wantCode {
					t.Fatalf("error %v, want status %d", err, tc.wantCode)
				}
			}
			if diff := cmp.Diff(tc.wantSlept, clk.Slept()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if int(n.Load()) != tc.wantReqs || st.Requests != tc.wantReqs || st.Retries != tc.wantReqs-1 {
				t.Errorf("server saw %d requests, stats %+v; want %d", n.Load(), st, tc.wantReqs)
			}
		})
	}
}

func TestGet_RetryAfterTooLong(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "86400")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer ts.Close()
	c, clk := newClient(t, fetch.Config{MaxRetryAfter: time.Hour})
	_, err := c.Get(t.Context(), fetch.Request{URL: ts.URL})
	if err == nil || !strings.Contains(err.Error(), "retry after 24h0m0s") {
		t.Errorf("error %v, want one naming the Retry-After", err)
	}
	if len(clk.Slept()) != 0 {
		t.Errorf("slept %v", clk.Slept())
	}
}

func TestGet_RetryAfterDate(t *testing.T) {
	var n atomic.Int32
	c, clk := newClient(t, fetch.Config{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", clk.Now().Add(90*time.Second).Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer ts.Close()
	if _, _, err := c.Bytes(t.Context(), fetch.Request{URL: ts.URL}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{90 * time.Second}, clk.Slept()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestGet_SizeLimit(t *testing.T) {
	data := readFile(t, kev(t))
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"ContentLength", serveContent(data, `"x"`)},
		{"Chunked", func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < len(data); i += 4096 {
				w.Write(data[i:min(i+4096, len(data))])
				w.(http.Flusher).Flush()
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := httptest.NewServer(tc.handler)
			defer ts.Close()
			c, _ := newClient(t, fetch.Config{MaxSize: 100 << 10})
			_, _, err := c.Bytes(t.Context(), fetch.Request{URL: ts.URL})
			if !errors.Is(err, ingest.ErrLimit) {
				t.Errorf("error %v, want ingest.ErrLimit", err)
			}
			// A per-request limit overrides the client's.
			if _, _, err := c.Bytes(t.Context(), fetch.Request{URL: ts.URL, MaxSize: 8 << 20}); err != nil {
				t.Errorf("with a larger MaxSize: %v", err)
			}
			dir := t.TempDir()
			_, err = c.Download(t.Context(), fetch.Request{URL: ts.URL}, filepath.Join(dir, "kev.json"))
			if !errors.Is(err, ingest.ErrLimit) {
				t.Errorf("Download error %v, want ingest.ErrLimit", err)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
				t.Errorf("left behind %v", left)
			}
		})
	}
}

// cutOnce serves data, but the first request gets only the first cut
// bytes before the connection drops. With ignoreRange the server always
// sends the whole document.
func cutOnce(t *testing.T, data []byte, cut int, ignoreRange bool) (*httptest.Server, *[]string) {
	var n atomic.Int32
	var ranges []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ranges = append(ranges, r.Header.Get("Range")+"|"+r.Header.Get("If-Range"))
		w.Header().Set("ETag", `"v1"`)
		if n.Add(1) == 1 {
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.WriteHeader(http.StatusOK)
			w.Write(data[:cut])
			w.(http.Flusher).Flush()
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			conn.Close()
			return
		}
		if ignoreRange {
			r.Header.Del("Range")
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	}))
	t.Cleanup(ts.Close)
	return ts, &ranges
}

func TestDownload_ResumesAfterCutConnection(t *testing.T) {
	data := readFile(t, kev(t))
	for _, tc := range []struct {
		name        string
		ignoreRange bool
		wantRanges  []string
		wantResumed bool
	}{
		{"Range", false, []string{"|", `bytes=300000-|"v1"`}, true},
		{"ServerIgnoresRange", true, []string{"|", `bytes=300000-|"v1"`}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, ranges := cutOnce(t, data, 300000, tc.ignoreRange)
			c, clk := newClient(t, fetch.Config{})
			path := filepath.Join(t.TempDir(), "kev.json")
			var st source.Stats
			d, err := c.Download(t.Context(), fetch.Request{URL: ts.URL, Stats: &st}, path)
			if err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, path); !bytes.Equal(got, data) {
				t.Fatalf("file has %d bytes, want the %d of the original", len(got), len(data))
			}
			if d.Resumed != tc.wantResumed || d.Size != int64(len(data)) || d.Validators.ETag != `"v1"` {
				t.Errorf("Download = %+v", d)
			}
			if diff := cmp.Diff(tc.wantRanges, *ranges); diff != "" {
				t.Errorf("Range|If-Range headers (-want +got):\n%s", diff)
			}
			if st.Requests != 2 || st.Retries != 1 || len(clk.Slept()) != 1 {
				t.Errorf("stats %+v, waits %v", st, clk.Slept())
			}
			if _, err := os.Stat(path + ".part"); !os.IsNotExist(err) {
				t.Errorf("part file left: %v", err)
			}
		})
	}
}

func TestDownload_ResumesOnNextCall(t *testing.T) {
	data := readFile(t, kev(t))
	ts, ranges := cutOnce(t, data, 500000, false)
	c, _ := newClient(t, fetch.Config{Retries: -1})
	path := filepath.Join(t.TempDir(), "kev.json")
	if _, err := c.Download(t.Context(), fetch.Request{URL: ts.URL}, path); err == nil {
		t.Fatal("cut transfer without retries succeeded")
	}
	if st, err := os.Stat(path + ".part"); err != nil || st.Size() != 500000 {
		t.Fatalf("part file: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("incomplete file in place: %v", err)
	}
	d, err := c.Download(t.Context(), fetch.Request{URL: ts.URL}, path)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Resumed || !bytes.Equal(readFile(t, path), data) {
		t.Errorf("Download = %+v", d)
	}
	if (*ranges)[1] != `bytes=500000-|"v1"` {
		t.Errorf("second request %q", (*ranges)[1])
	}
	// The file is there: the validators make the next call conditional.
	d, err = c.Download(t.Context(), fetch.Request{URL: ts.URL, Validators: d.Validators}, path)
	if err != nil || !d.NotModified {
		t.Errorf("third call: %+v, %v; want not modified", d, err)
	}
}

func TestDownload_ConditionalNeedsTheFile(t *testing.T) {
	data := []byte("hello")
	var cond atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") != "" {
			cond.Add(1)
		}
		serveContent(data, `"e"`)(w, r)
	}))
	defer ts.Close()
	c, _ := newClient(t, fetch.Config{})
	path := filepath.Join(t.TempDir(), "f")
	d, err := c.Download(t.Context(), fetch.Request{URL: ts.URL, Validators: source.Validators{ETag: `"e"`}}, path)
	if err != nil || d.NotModified || cond.Load() != 0 {
		t.Errorf("Download = %+v, %v; conditional requests %d", d, err, cond.Load())
	}
}

func TestGet_SecretsStayOut(t *testing.T) {
	const secret = "8f14e45f-ceea-467a-9575-SECRET"
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("apiKey") != "" {
			leaked.Store(true)
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer other.Close()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("apiKey") != secret {
			t.Errorf("apiKey header not sent")
		}
		if r.URL.Path == "/redirect" {
			// Another host name for the same machine.
			http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x", http.StatusFound)
			return
		}
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer ts.Close()
	var logs bytes.Buffer
	c, _ := newClient(t, fetch.Config{Retries: 2, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	h := http.Header{"apiKey": {secret}}
	var errs []string
	for _, p := range []string{"/fail?apiKey=" + secret, "/redirect"} {
		_, err := c.Get(t.Context(), fetch.Request{URL: ts.URL + p, Header: h})
		if err == nil {
			t.Fatalf("%s: no error", p)
		}
		errs = append(errs, err.Error())
		_, err = c.Download(t.Context(), fetch.Request{URL: ts.URL + p, Header: h}, filepath.Join(t.TempDir(), "f"))
		errs = append(errs, err.Error())
	}
	for _, e := range append(errs, logs.String()) {
		if strings.Contains(e, secret) || strings.Contains(e, "SECRET") {
			t.Errorf("secret in %q", e)
		}
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Errorf("no retry logged: %q", logs.String())
	}
	if leaked.Load() {
		t.Error("apiKey sent to the host redirected to")
	}
}

func TestGet_RateLimitPerHost(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer ts.Close()
	c, clk := newClient(t, fetch.Config{})
	c.SetRate("127.0.0.1", fetch.Rate{Requests: 2, Per: 30 * time.Second})
	for range 5 {
		if _, _, err := c.Bytes(t.Context(), fetch.Request{URL: ts.URL}); err != nil {
			t.Fatal(err)
		}
	}
	// Two at once, then each waits until the request two before it
	// is 30 s old: requests at 0, 0, 30, 30, 60.
	if diff := cmp.Diff([]time.Duration{30 * time.Second, 30 * time.Second}, clk.Slept()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	// Another host is not limited.
	c2, clk2 := newClient(t, fetch.Config{Rates: map[string]fetch.Rate{"services.nvd.nist.gov": {Requests: 1, Per: time.Minute}}})
	for range 3 {
		if _, _, err := c2.Bytes(t.Context(), fetch.Request{URL: ts.URL}); err != nil {
			t.Fatal(err)
		}
	}
	if len(clk2.Slept()) != 0 {
		t.Errorf("unlimited host waited %v", clk2.Slept())
	}
}

func TestGet_ContextCancelled(t *testing.T) {
	h, _ := flaky(nil, 503, 503, 503)
	ts := httptest.NewServer(h)
	defer ts.Close()
	c, err := fetch.New(fetch.Config{MinBackoff: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		time.Sleep(10 * time.Millisecond)
		cancel()
	}()
	_, err = c.Get(ctx, fetch.Request{URL: ts.URL})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestNew_Proxy(t *testing.T) {
	c, err := fetch.New(fetch.Config{Proxy: "http://proxy.example:3128"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.ProxyFor("https://services.nvd.nist.gov/rest/json/cves/2.0")
	if err != nil || p == nil || p.String() != "http://proxy.example:3128" {
		t.Errorf("ProxyFor = %v, %v", p, err)
	}
	if _, err := fetch.New(fetch.Config{Proxy: "http://user:hunter2@:bad"}); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("bad proxy: %v", err)
	}
}

// kev is the shared test data folder kev/known_exploited_vulnerabilities.json.
func kev(t testing.TB) string {
	t.Helper()
	return realdata.Path(t, "kev/known_exploited_vulnerabilities.json")
}
