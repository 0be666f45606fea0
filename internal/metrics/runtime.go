package metrics

import (
	"runtime"
	rtmetrics "runtime/metrics"
	"time"
)

// RegisterGoRuntime adds basic Go runtime statistics to r, read from
// runtime/metrics each time r is written: goroutines, heap in use and
// obtained, GOMAXPROCS, and the process start time.
func RegisterGoRuntime(r *Registry) {
	goroutines := r.Gauge("go_goroutines", "Number of goroutines that currently exist.").With()
	heapAlloc := r.Gauge("go_memstats_heap_alloc_bytes", "Bytes of allocated heap objects.").With()
	heapSys := r.Gauge("go_memstats_heap_sys_bytes", "Bytes of heap memory obtained from the OS.").With()
	maxProcs := r.Gauge("go_gomaxprocs", "The current GOMAXPROCS setting.").With()
	r.Gauge("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.").
		With().Set(float64(time.Now().UnixNano()) / 1e9)

	names := []string{
		"/sched/goroutines:goroutines",
		"/memory/classes/heap/objects:bytes",
		// Heap obtained from the OS is these three plus the objects, as
		// runtime.MemStats.HeapSys is.
		"/memory/classes/heap/unused:bytes",
		"/memory/classes/heap/free:bytes",
		"/memory/classes/heap/released:bytes",
	}
	r.OnCollect(func() {
		s := make([]rtmetrics.Sample, len(names))
		for i, n := range names {
			s[i].Name = n
		}
		rtmetrics.Read(s)
		goroutines.Set(value(s[0]))
		heapAlloc.Set(value(s[1]))
		heapSys.Set(value(s[1]) + value(s[2]) + value(s[3]) + value(s[4]))
		maxProcs.Set(float64(runtime.GOMAXPROCS(0)))
	})
}

// value reads a sample as a float, 0 when the runtime does not know it.
func value(s rtmetrics.Sample) float64 {
	switch s.Value.Kind() {
	case rtmetrics.KindUint64:
		return float64(s.Value.Uint64())
	case rtmetrics.KindFloat64:
		return s.Value.Float64()
	}
	return 0
}
