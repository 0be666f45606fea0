package httpapi_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/httpapi"
)

func TestHealth(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		var got map[string]string
		e.do(t, "GET", path, "", nil).want(t, http.StatusOK, &got)
		if diff := cmp.Diff(map[string]string{"status": "ok"}, got); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", path, diff)
		}
	}

	// With the store gone, the process is alive but not ready, and the
	// reason goes to the log, not to the caller.
	e.db.Close()
	e.do(t, "GET", "/healthz", "", nil).want(t, http.StatusOK, nil)
	p := e.do(t, "GET", "/readyz", "", nil).problem(t, http.StatusServiceUnavailable)
	if p.Detail != "the store is not ready" {
		t.Errorf("detail %q", p.Detail)
	}
	rec := lastRequestLog(t, e, "/readyz")
	if rec["level"] != "ERROR" || rec["error"] == nil {
		t.Errorf("readyz failure log: %v", rec)
	}
}

func lastRequestLog(t *testing.T, e *env, route string) map[string]any {
	t.Helper()
	var last map[string]any
	for _, r := range e.logs.records(t) {
		if r["msg"] == "http request" && r["route"] == route {
			last = r
		}
	}
	if last == nil {
		t.Fatalf("no log line for %s in:\n%s", route, e.logs)
	}
	return last
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	token := e.org(t, "acme")
	for range 3 {
		e.do(t, "GET", "/api/v1/products", token, nil).want(t, http.StatusOK, nil)
	}
	e.do(t, "GET", "/api/v1/products/42", token, nil).want(t, http.StatusNotFound, nil)
	e.do(t, "GET", "/api/v1/products", "", nil).want(t, http.StatusUnauthorized, nil)
	e.do(t, "GET", "/no/such/page", "", nil).want(t, http.StatusNotFound, nil)
	e.do(t, "BREW", "/healthz", "", nil).want(t, http.StatusMethodNotAllowed, nil)

	res := e.do(t, "GET", "/metrics", "", nil)
	res.want(t, http.StatusOK, nil)
	if got, want := res.header.Get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8"; !strings.HasPrefix(got, want) {
		t.Errorf("Content-Type %q, want %q", got, want)
	}
	body := string(res.body)
	for _, want := range []string{
		`vigil_http_requests_total{method="GET",route="/api/v1/products",status="200"} 3`,
		`vigil_http_requests_total{method="GET",route="/api/v1/products",status="401"} 1`,
		`vigil_http_requests_total{method="GET",route="/api/v1/products/{id}",status="404"} 1`,
		`vigil_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`vigil_http_requests_total{method="OTHER",route="unmatched",status="405"} 1`,
		`vigil_http_request_duration_seconds_count{method="GET",route="/api/v1/products"} 4`,
		`vigil_http_request_duration_seconds_bucket{method="GET",route="/api/v1/products",le="+Inf"} 4`,
		`vigil_http_requests_in_flight 1`, // this scrape
		`vigil_build_info{go_version="go`,
		`,version="1.2.3-test"} 1`,
		"# TYPE go_goroutines gauge\ngo_goroutines ",
		"# TYPE go_memstats_heap_alloc_bytes gauge\n",
		"# TYPE process_resident_memory_bytes gauge\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// Every sample line parses as name{labels} value.
	sample := regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [^ ]+$`)
	for line := range strings.Lines(body) {
		line = strings.TrimSuffix(line, "\n")
		if !strings.HasPrefix(line, "#") && !sample.MatchString(line) {
			t.Errorf("malformed sample line %q", line)
		}
	}
}

func TestRequestLogAndID(t *testing.T) {
	e := newEnv(t)
	token := e.org(t, "acme")
	secretBody := "Top secret intended use"
	tests := []struct {
		name   string
		given  string
		wantID func(string) bool
	}{
		{"Kept", "req-123.abc:XYZ_9", func(id string) bool { return id == "req-123.abc:XYZ_9" }},
		{"Generated", "", isGenerated},
		{"ReplacedWhenUnsafe", "bad id\twith spaces", isGenerated},
		{"ReplacedWhenLong", strings.Repeat("a", 129), isGenerated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(t, "POST", "/api/v1/products", token,
				vigil.ProductInput{Name: "P-" + tt.name, Manufacturer: "M", IntendedUse: secretBody},
				"X-Request-ID", tt.given)
			res.want(t, http.StatusCreated, nil)
			id := res.header.Get("X-Request-ID")
			if !tt.wantID(id) {
				t.Fatalf("X-Request-ID %q", id)
			}
			var rec map[string]any
			for _, r := range e.logs.records(t) {
				if r["request_id"] == id {
					rec = r
				}
			}
			want := map[string]any{
				"level": "INFO", "msg": "http request",
				"method": "POST", "route": "/api/v1/products", "status": float64(201), "request_id": id,
			}
			if diff := cmp.Diff(want, rec, cmp.FilterPath(func(p cmp.Path) bool {
				k := p.Last().String()
				return k == `["time"]` || k == `["duration_ms"]`
			}, cmp.Ignore())); diff != "" {
				t.Errorf("log line (-want +got):\n%s", diff)
			}
			if _, ok := rec["duration_ms"].(float64); !ok {
				t.Errorf("duration_ms %v", rec["duration_ms"])
			}
		})
	}
	logs := e.logs.String()
	for _, secret := range []string{token, secretBody, "Bearer"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log holds %q:\n%s", secret, logs)
		}
	}
}

func isGenerated(id string) bool { return regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) }

// TestPanic runs a server with no service: any handler that reaches it
// panics, and the panic must become a 500 problem and one log line.
func TestPanic(t *testing.T) {
	logs := &syncBuffer{}
	srv := httpapi.New(nil, httpapi.Config{}, slog.New(slog.NewJSONHandler(logs, nil)))
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e := &env{srv: srv, url: ts.URL, logs: logs}

	res := e.do(t, "GET", "/readyz", "", nil)
	p := res.problem(t, http.StatusInternalServerError)
	id := res.header.Get("X-Request-ID")
	if !strings.Contains(p.Detail, id) || strings.Contains(p.Detail, "nil pointer") {
		t.Errorf("detail %q should quote request ID %s and nothing else", p.Detail, id)
	}
	rec := lastRequestLog(t, e, "/readyz")
	if rec["level"] != "ERROR" || !strings.Contains(rec["panic"].(string), "nil pointer") || rec["stack"] == "" || rec["request_id"] != id {
		t.Errorf("panic log line: %v", rec)
	}
	// The server still serves.
	e.do(t, "GET", "/healthz", "", nil).want(t, http.StatusOK, nil)
}

// TestServe runs Serve on a real port, cancels its context while a
// request is in flight, and checks that the request completes, new
// connections are refused, and Serve returns nil.
func TestServe(t *testing.T) {
	e := newEnv(t)
	token := e.org(t, "acme")
	srv := httpapi.New(e.svc, httpapi.Config{}, slog.New(slog.NewJSONHandler(e.logs, nil)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	if res, err := http.Get(url + "/healthz"); err != nil {
		t.Fatal(err)
	} else {
		res.Body.Close()
	}

	// A request whose body arrives in two parts stays in flight until
	// the second part is written.
	pr, pw := io.Pipe()
	req, err := http.NewRequestWithContext(t.Context(), "POST", url+"/api/v1/products", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Transport: &http.Transport{}}
	done := make(chan *http.Response, 1)
	go func() {
		res, err := client.Do(req)
		if err != nil {
			t.Errorf("in-flight request: %v", err)
			done <- nil
			return
		}
		done <- res
	}()
	if _, err := pw.Write([]byte(`{"name": "Pump", `)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return inFlight(t, url) >= 2 }) // it and the scrape

	cancel()
	waitFor(t, func() bool {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	if _, err := pw.Write([]byte(`"manufacturer": "Acme"}`)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if res := <-done; res == nil || res.StatusCode != http.StatusCreated {
		t.Errorf("in-flight request: %+v", res)
	} else {
		res.Body.Close()
	}
	if err := <-served; err != nil {
		t.Errorf("Serve returned %v, want nil", err)
	}
	if _, err := e.svc.Catalog.ResolveProduct(t.Context(), scopeOf(t, e, "acme"), "Pump"); err != nil {
		t.Errorf("product from the drained request: %v", err)
	}
}

// inFlight scrapes the in-flight gauge.
func inFlight(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`(?m)^vigil_http_requests_in_flight (\d+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no in-flight gauge in %s", b)
	}
	n, err := strconv.Atoi(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond until it holds, a bounded number of times.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 2000 {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("condition never held")
}

func TestServeListenError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srv := httpapi.New(nil, httpapi.Config{Addr: ln.Addr().String()}, nil)
	err = srv.ListenAndServe(t.Context())
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("ListenAndServe on a used port: %v, want a *net.OpError", err)
	}
}
