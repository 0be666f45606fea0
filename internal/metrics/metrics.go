// Package metrics is vigil's one place that knows Prometheus: it makes the
// registry a process exposes at /metrics (github.com/prometheus/client_golang)
// with the Go runtime, process and build collectors, and serves it in the
// Prometheus text format or OpenMetrics, as the scraper asks.
//
// There is no global registry. A program makes one with NewRegistry, hands it
// (as a prometheus.Registerer) to the components that record metrics — the
// HTTP server, later the job workers — and serves Handler at /metrics.
package metrics

import (
	"net/http"
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The media types Handler answers with: the Prometheus text format by
// default, OpenMetrics when asked.
const (
	TextContentType        = "text/plain; version=0.0.4; charset=utf-8"
	OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8"
)

// DurationBuckets are histogram upper bounds, in seconds, suited to request
// and job latencies from a few milliseconds to ten seconds.
var DurationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// NewRegistry returns a registry holding the Go runtime and process
// collectors and vigil_build_info for version.
func NewRegistry(version string) *prometheus.Registry {
	r := prometheus.NewRegistry()
	r.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "vigil_build_info",
			Help:        "Always 1; the labels say which build is running.",
			ConstLabels: prometheus.Labels{"version": version, "go_version": runtime.Version()},
		}, func() float64 { return 1 }),
	)
	return r
}

// Handler serves the registry's metrics: OpenMetrics to a scraper that asks
// for it, the Prometheus text format otherwise. A collector that fails is
// reported in the response and the rest still served.
func Handler(r *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(r, promhttp.HandlerOpts{
		EnableOpenMetrics: true,
		ErrorHandling:     promhttp.ContinueOnError,
	})
}
