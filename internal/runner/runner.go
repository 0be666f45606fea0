// Package runner runs vigil's background work: each registered job runs at
// start and then once per interval until the context ends, never two runs
// of one job at once. The job interface is deliberately small (a name, an
// interval, a run) so that another engine, such as a job queue backed by
// the database, can run the same jobs.
package runner

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Job is one piece of periodic work.
type Job interface {
	// Name identifies the job in logs, in snake_case ("lifecycle_refresh").
	Name() string
	// Interval is the time between the starts of two runs.
	Interval() time.Duration
	// Run does the work once. It returns when the work is done or ctx ends.
	Run(ctx context.Context) error
}

// Runner runs jobs until its context ends.
type Runner struct {
	log  *slog.Logger
	jobs []Job
	// tick makes the ticker of a job; tests replace it with a fake clock.
	tick func(d time.Duration) (c <-chan time.Time, stop func())
}

// New returns a runner of jobs that logs to log.
func New(log *slog.Logger, jobs ...Job) *Runner {
	return &Runner{log: log.With("component", "jobs"), jobs: jobs, tick: realTicker}
}

func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// Run runs every job now and then once per its interval until ctx ends,
// then waits for the runs in progress and returns. A job whose run outlasts
// its interval starts again at the next tick after it ends, never while it
// still runs. A failed run is logged and retried at the next tick.
func (r *Runner) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range r.jobs {
		wg.Go(func() { r.loop(ctx, j) })
	}
	wg.Wait()
}

// loop runs one job: sequentially, so never overlapping itself.
func (r *Runner) loop(ctx context.Context, j Job) {
	log := r.log.With("job", j.Name())
	c, stop := r.tick(j.Interval())
	defer stop()
	for {
		r.runOnce(ctx, log, j)
		select {
		case <-ctx.Done():
			return
		case <-c:
		}
	}
}

func (r *Runner) runOnce(ctx context.Context, log *slog.Logger, j Job) {
	if ctx.Err() != nil {
		return
	}
	start := time.Now()
	err := j.Run(ctx)
	switch {
	case ctx.Err() != nil:
		// Cancelled mid-run: shutting down, not failing.
	case err != nil:
		log.Error("job failed", "error", err, "duration_ms", time.Since(start).Milliseconds())
	default:
		log.Debug("job done", "duration_ms", time.Since(start).Milliseconds())
	}
}
