// Package metrics is a small, dependency-free metrics registry that writes
// the Prometheus text exposition format (version 0.0.4): counters, gauges and
// histograms, each with an optional fixed set of labels.
//
// There is no global registry. A program makes one Registry, hands it to the
// components that record metrics, and serves Registry.WriteText at /metrics.
// Every type is safe for concurrent use. Output is deterministic: families
// are sorted by name and series by their label values.
//
// Registering a metric with an invalid or duplicate name, or asking a vector
// for a series with the wrong number of label values, is a programming error
// and panics, as it would at start-up in any program that has it.
package metrics

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// ContentType is the media type of WriteText's output.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// DefaultBuckets are histogram upper bounds, in seconds, suited to request
// latencies from a few milliseconds to ten seconds.
var DefaultBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

var (
	metricNamePattern = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelNamePattern  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// Registry holds metric families and writes them out.
type Registry struct {
	mu       sync.Mutex
	families map[string]family
	hooks    []func()
}

// family is one named metric with its series.
type family interface {
	write(w *bufio.Writer)
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{families: make(map[string]family)}
}

// Counter registers a counter: a value that only goes up, such as the number
// of requests served. Its name should end in _total.
func (r *Registry) Counter(name, help string, labels ...string) *CounterVec {
	v := &CounterVec{vec: newVec[Counter](name, help, labels)}
	r.register(name, v)
	return v
}

// Gauge registers a gauge: a value that goes up and down, such as the number
// of requests in flight.
func (r *Registry) Gauge(name, help string, labels ...string) *GaugeVec {
	v := &GaugeVec{vec: newVec[Gauge](name, help, labels)}
	r.register(name, v)
	return v
}

// Histogram registers a histogram that counts observations into buckets with
// the given upper bounds (strictly increasing; +Inf is implied), such as
// request durations in seconds.
func (r *Registry) Histogram(name, help string, buckets []float64, labels ...string) *HistogramVec {
	if len(buckets) == 0 {
		panic(fmt.Sprintf("metrics: histogram %s: no buckets", name))
	}
	for i, b := range buckets {
		if math.IsNaN(b) || math.IsInf(b, 0) || (i > 0 && b <= buckets[i-1]) {
			panic(fmt.Sprintf("metrics: histogram %s: buckets must be finite and strictly increasing", name))
		}
	}
	if slices.Contains(labels, "le") {
		panic(fmt.Sprintf("metrics: histogram %s: label name \"le\" is reserved", name))
	}
	v := &HistogramVec{vec: newVec[Histogram](name, help, labels), buckets: slices.Clone(buckets)}
	r.register(name, v)
	return v
}

// OnCollect registers fn to run before each WriteText, so values that are
// cheaper to read on demand (Go runtime statistics) can be set just in time.
func (r *Registry) OnCollect(fn func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hooks = append(r.hooks, fn)
}

func (r *Registry) register(name string, f family) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.families[name]; dup {
		panic(fmt.Sprintf("metrics: %s registered twice", name))
	}
	r.families[name] = f
}

// WriteText writes every family in the Prometheus text format 0.0.4, sorted
// by name.
func (r *Registry) WriteText(w io.Writer) error {
	r.mu.Lock()
	hooks := slices.Clone(r.hooks)
	names := make([]string, 0, len(r.families))
	for name := range r.families {
		names = append(names, name)
	}
	fams := make(map[string]family, len(r.families))
	for name, f := range r.families {
		fams[name] = f
	}
	r.mu.Unlock()

	for _, fn := range hooks {
		fn()
	}
	sort.Strings(names)
	bw := bufio.NewWriter(w)
	for _, name := range names {
		fams[name].write(bw)
	}
	return bw.Flush()
}

// vec is the label handling shared by the three kinds.
type vec[T any] struct {
	name   string
	help   string
	labels []string

	mu     sync.RWMutex
	series map[string]*series[T]
}

type series[T any] struct {
	values []string
	metric *T
}

func newVec[T any](name, help string, labels []string) vec[T] {
	if !metricNamePattern.MatchString(name) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", name))
	}
	seen := make(map[string]bool, len(labels))
	for _, l := range labels {
		if !labelNamePattern.MatchString(l) || strings.HasPrefix(l, "__") {
			panic(fmt.Sprintf("metrics: %s: invalid label name %q", name, l))
		}
		if seen[l] {
			panic(fmt.Sprintf("metrics: %s: label %q given twice", name, l))
		}
		seen[l] = true
	}
	return vec[T]{name: name, help: help, labels: slices.Clone(labels), series: make(map[string]*series[T])}
}

// with returns the series for values, creating it with mk on first use.
func (v *vec[T]) with(values []string, mk func() *T) *T {
	if len(values) != len(v.labels) {
		panic(fmt.Sprintf("metrics: %s: got %d label values for %d labels", v.name, len(values), len(v.labels)))
	}
	key := strings.Join(values, "\xff")
	v.mu.RLock()
	s, ok := v.series[key]
	v.mu.RUnlock()
	if ok {
		return s.metric
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok := v.series[key]; ok {
		return s.metric
	}
	s = &series[T]{values: slices.Clone(values), metric: mk()}
	v.series[key] = s
	return s.metric
}

// sorted returns the series ordered by label values.
func (v *vec[T]) sorted() []*series[T] {
	v.mu.RLock()
	out := make([]*series[T], 0, len(v.series))
	for _, s := range v.series {
		out = append(out, s)
	}
	v.mu.RUnlock()
	slices.SortFunc(out, func(a, b *series[T]) int { return slices.Compare(a.values, b.values) })
	return out
}

func (v *vec[T]) writeHeader(w *bufio.Writer, typ string) {
	if v.help != "" {
		fmt.Fprintf(w, "# HELP %s %s\n", v.name, escapeHelp(v.help))
	}
	fmt.Fprintf(w, "# TYPE %s %s\n", v.name, typ)
}

// writeSample writes one line: name{labels,extra} value.
func (v *vec[T]) writeSample(w *bufio.Writer, suffix string, values []string, extraName, extraValue string, val float64) {
	w.WriteString(v.name)
	w.WriteString(suffix)
	if len(values) > 0 || extraName != "" {
		w.WriteByte('{')
		for i, l := range v.labels {
			if i > 0 {
				w.WriteByte(',')
			}
			writeLabel(w, l, values[i])
		}
		if extraName != "" {
			if len(v.labels) > 0 {
				w.WriteByte(',')
			}
			writeLabel(w, extraName, extraValue)
		}
		w.WriteByte('}')
	}
	w.WriteByte(' ')
	w.WriteString(formatFloat(val))
	w.WriteByte('\n')
}

func writeLabel(w *bufio.Writer, name, value string) {
	w.WriteString(name)
	w.WriteString(`="`)
	w.WriteString(escapeLabelValue(value))
	w.WriteByte('"')
}

var (
	labelValueEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper       = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

// escapeLabelValue escapes a label value as the text format requires:
// backslash, double quote and line feed. Invalid UTF-8 becomes U+FFFD, since
// the format is UTF-8.
func escapeLabelValue(s string) string {
	return labelValueEscaper.Replace(strings.ToValidUTF8(s, "\uFFFD"))
}

// escapeHelp escapes a HELP text: backslash and line feed.
func escapeHelp(s string) string {
	return helpEscaper.Replace(strings.ToValidUTF8(s, "\uFFFD"))
}

// formatFloat writes a sample value the way Prometheus parses it.
func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// atomicFloat is a float64 updated without locks.
type atomicFloat struct{ bits atomic.Uint64 }

func (a *atomicFloat) add(d float64) {
	for {
		old := a.bits.Load()
		next := math.Float64bits(math.Float64frombits(old) + d)
		if a.bits.CompareAndSwap(old, next) {
			return
		}
	}
}

func (a *atomicFloat) set(v float64) { a.bits.Store(math.Float64bits(v)) }

func (a *atomicFloat) load() float64 { return math.Float64frombits(a.bits.Load()) }

// Counter is one counter series.
type Counter struct{ v atomicFloat }

// Inc adds one.
func (c *Counter) Inc() { c.v.add(1) }

// Add adds d, which must not be negative: counters only go up.
func (c *Counter) Add(d float64) {
	if d < 0 {
		panic("metrics: counter decreased")
	}
	c.v.add(d)
}

// Value is the current count.
func (c *Counter) Value() float64 { return c.v.load() }

// CounterVec is a counter family.
type CounterVec struct{ vec vec[Counter] }

// With returns the series with the given label values, in the order the
// labels were registered.
func (v *CounterVec) With(values ...string) *Counter {
	return v.vec.with(values, func() *Counter { return new(Counter) })
}

func (v *CounterVec) write(w *bufio.Writer) {
	v.vec.writeHeader(w, "counter")
	for _, s := range v.vec.sorted() {
		v.vec.writeSample(w, "", s.values, "", "", s.metric.Value())
	}
}

// Gauge is one gauge series.
type Gauge struct{ v atomicFloat }

// Set sets the value.
func (g *Gauge) Set(v float64) { g.v.set(v) }

// Add adds d, which may be negative.
func (g *Gauge) Add(d float64) { g.v.add(d) }

// Inc adds one.
func (g *Gauge) Inc() { g.v.add(1) }

// Dec subtracts one.
func (g *Gauge) Dec() { g.v.add(-1) }

// Value is the current value.
func (g *Gauge) Value() float64 { return g.v.load() }

// GaugeVec is a gauge family.
type GaugeVec struct{ vec vec[Gauge] }

// With returns the series with the given label values.
func (v *GaugeVec) With(values ...string) *Gauge {
	return v.vec.with(values, func() *Gauge { return new(Gauge) })
}

func (v *GaugeVec) write(w *bufio.Writer) {
	v.vec.writeHeader(w, "gauge")
	for _, s := range v.vec.sorted() {
		v.vec.writeSample(w, "", s.values, "", "", s.metric.Value())
	}
}

// Histogram is one histogram series.
type Histogram struct {
	upper []float64

	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	count  uint64
}

// Observe records one value.
func (h *Histogram) Observe(v float64) {
	i := sort.SearchFloat64s(h.upper, v) // first bucket with v <= upper
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.count++
	h.mu.Unlock()
}

func (h *Histogram) snapshot() (cumulative []uint64, sum float64, count uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cumulative = make([]uint64, len(h.counts))
	var acc uint64
	for i, c := range h.counts {
		acc += c
		cumulative[i] = acc
	}
	return cumulative, h.sum, h.count
}

// HistogramVec is a histogram family.
type HistogramVec struct {
	vec     vec[Histogram]
	buckets []float64
}

// With returns the series with the given label values.
func (v *HistogramVec) With(values ...string) *Histogram {
	return v.vec.with(values, func() *Histogram {
		return &Histogram{upper: v.buckets, counts: make([]uint64, len(v.buckets)+1)}
	})
}

func (v *HistogramVec) write(w *bufio.Writer) {
	v.vec.writeHeader(w, "histogram")
	for _, s := range v.vec.sorted() {
		cum, sum, count := s.metric.snapshot()
		for i, upper := range v.buckets {
			v.vec.writeSample(w, "_bucket", s.values, "le", formatFloat(upper), float64(cum[i]))
		}
		v.vec.writeSample(w, "_bucket", s.values, "le", "+Inf", float64(count))
		v.vec.writeSample(w, "_sum", s.values, "", "", sum)
		v.vec.writeSample(w, "_count", s.values, "", "", float64(count))
	}
}
