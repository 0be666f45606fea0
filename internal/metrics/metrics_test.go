package metrics_test

import (
	"bytes"
	"flag"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/vigil/vigil/internal/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil/internal/metrics"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func write(t *testing.T, r *metrics.Registry) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestWriteText registers families out of order, with label values that
// need escaping, and checks the exposition against a golden file.
func TestWriteText(t *testing.T) {
	r := metrics.NewRegistry()

	req := r.Counter("http_requests_total", "Requests served.", "method", "route", "status")
	req.With("GET", "/b", "200").Add(3)
	req.With("GET", "/a", "200").Inc()
	req.With("POST", "/a", "422").Inc()
	req.With("GET", `/quote"back\slash`+"\nnewline", "404").Inc()
	req.With("GET", "bad\xffutf8", "400").Inc()

	r.Gauge("in_flight", "Requests in flight.\nSecond line with a \\ backslash.").With().Set(2)
	r.Gauge("no_help", "").With().Set(-1.5)
	r.Gauge("special_values", "Non-finite values.", "kind").With("nan").Set(math.NaN())
	r.Gauge("special_values_inf", "", "sign").With("+").Set(math.Inf(1))
	r.Gauge("zz_unused", "A family with no series yet.", "x")
	r.Gauge("big", "").With().Set(1234567890123)

	h := r.Histogram("duration_seconds", "Durations.", []float64{0.1, 0.5, 1, 2.5}, "route")
	for _, v := range []float64{0.05, 0.1, 0.3, 0.7, 3, 10} {
		h.With("/a").Observe(v)
	}
	h.With("/b").Observe(1)
	r.Histogram("plain_seconds", "No labels.", []float64{1}).With().Observe(0.25)

	hook := r.Gauge("hooked", "Set by a collect hook.").With()
	r.OnCollect(func() { hook.Set(42) })

	golden.Check(t, *update, "exposition.golden", []byte(write(t, r)))
}

func TestWriteTextDeterministic(t *testing.T) {
	r := metrics.NewRegistry()
	c := r.Counter("c_total", "", "k")
	for _, k := range []string{"z", "a", "m", "b", "y"} {
		c.With(k).Inc()
	}
	first := write(t, r)
	for range 20 {
		if got := write(t, r); got != first {
			t.Fatalf("output changed between writes:\n%s\nthen:\n%s", first, got)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	r := metrics.NewRegistry()
	c := r.Counter("c_total", "", "k")
	g := r.Gauge("g", "")
	h := r.Histogram("h", "", metrics.DefaultBuckets, "k")
	const workers, each = 8, 1000
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			k := []string{"even", "odd"}[i%2]
			for range each {
				c.With(k).Inc()
				g.With().Inc()
				h.With(k).Observe(0.01)
				g.With().Dec()
			}
		})
		wg.Go(func() {
			for range 10 {
				write(t, r)
			}
		})
	}
	wg.Wait()
	got := map[string]float64{
		"even": c.With("even").Value(),
		"odd":  c.With("odd").Value(),
		"g":    g.With().Value(),
	}
	want := map[string]float64{"even": workers / 2 * each, "odd": workers / 2 * each, "g": 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if out := write(t, r); !strings.Contains(out, `h_count{k="odd"} 4000`) {
		t.Errorf("histogram count missing:\n%s", out)
	}
}

// TestMisuse checks that programming errors are caught when they happen,
// not as a malformed exposition later.
func TestMisuse(t *testing.T) {
	tests := []struct {
		name string
		fn   func(r *metrics.Registry)
	}{
		{"DuplicateName", func(r *metrics.Registry) { r.Counter("x_total", ""); r.Gauge("x_total", "") }},
		{"InvalidMetricName", func(r *metrics.Registry) { r.Counter("1x", "") }},
		{"InvalidLabelName", func(r *metrics.Registry) { r.Counter("x_total", "", "a-b") }},
		{"ReservedLabelName", func(r *metrics.Registry) { r.Counter("x_total", "", "__name") }},
		{"DuplicateLabel", func(r *metrics.Registry) { r.Counter("x_total", "", "a", "a") }},
		{"HistogramLe", func(r *metrics.Registry) { r.Histogram("h", "", []float64{1}, "le") }},
		{"HistogramNoBuckets", func(r *metrics.Registry) { r.Histogram("h", "", nil) }},
		{"HistogramUnsorted", func(r *metrics.Registry) { r.Histogram("h", "", []float64{2, 1}) }},
		{"HistogramInfBucket", func(r *metrics.Registry) { r.Histogram("h", "", []float64{1, math.Inf(1)}) }},
		{"TooFewLabelValues", func(r *metrics.Registry) { r.Counter("x_total", "", "a", "b").With("1") }},
		{"TooManyLabelValues", func(r *metrics.Registry) { r.Gauge("g", "").With("1") }},
		{"CounterDecrease", func(r *metrics.Registry) { r.Counter("x_total", "").With().Add(-1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tt.fn(metrics.NewRegistry())
		})
	}
}

func TestRegisterGoRuntime(t *testing.T) {
	r := metrics.NewRegistry()
	metrics.RegisterGoRuntime(r)
	out := write(t, r)
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "go_memstats_heap_sys_bytes", "go_gomaxprocs", "process_start_time_seconds"} {
		line := lineOf(out, name+" ")
		if line == "" {
			t.Errorf("%s missing:\n%s", name, out)
			continue
		}
		if strings.HasSuffix(line, " 0") {
			t.Errorf("%s is zero: %q", name, line)
		}
	}
}

func lineOf(out, prefix string) string {
	for l := range strings.Lines(out) {
		if strings.HasPrefix(l, prefix) {
			return strings.TrimSuffix(l, "\n")
		}
	}
	return ""
}
