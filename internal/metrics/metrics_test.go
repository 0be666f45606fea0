package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func scrape(t *testing.T, h http.Handler, accept string) (string, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	return rec.Header().Get("Content-Type"), rec.Body.String()
}

func TestHandler(t *testing.T) {
	r := NewRegistry("1.2.3-test")
	jobs := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vigil_test_jobs_total", Help: "Jobs."}, []string{"kind"})
	r.MustRegister(jobs)
	jobs.WithLabelValues("feed_sync").Add(2)

	ct, body := scrape(t, Handler(r), "")
	if !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q, want the text format", ct)
	}
	for _, want := range []string{
		`vigil_build_info{go_version="go`,
		`version="1.2.3-test"} 1`,
		`vigil_test_jobs_total{kind="feed_sync"} 2`,
		"# TYPE go_goroutines gauge",
		"# TYPE process_start_time_seconds gauge",
		"go_memstats_heap_alloc_bytes ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("text format lacks %q", want)
		}
	}

	ct, body = scrape(t, Handler(r), "application/openmetrics-text; version=1.0.0")
	if !strings.HasPrefix(ct, "application/openmetrics-text") {
		t.Errorf("Content-Type %q, want OpenMetrics", ct)
	}
	if !strings.HasSuffix(body, "# EOF\n") || !strings.Contains(body, `vigil_test_jobs_total{kind="feed_sync"} 2`) {
		t.Errorf("OpenMetrics body:\n%s", body)
	}
}
