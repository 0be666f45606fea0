package runner

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeJob counts its runs and how many ran at once; each run waits for
// release (when set) and returns the next error of errs.
type fakeJob struct {
	interval time.Duration
	release  chan struct{}
	runs     chan int // receives the run number as each run starts

	mu      sync.Mutex
	n       int
	errs    []error
	running atomic.Int32
	maxRun  atomic.Int32
}

func (j *fakeJob) Name() string            { return "fake" }
func (j *fakeJob) Interval() time.Duration { return j.interval }

func (j *fakeJob) Run(ctx context.Context) error {
	now := j.running.Add(1)
	defer j.running.Add(-1)
	for {
		m := j.maxRun.Load()
		if now <= m || j.maxRun.CompareAndSwap(m, now) {
			break
		}
	}
	j.mu.Lock()
	j.n++
	n := j.n
	var err error
	if len(j.errs) > 0 {
		err, j.errs = j.errs[0], j.errs[1:]
	}
	j.mu.Unlock()
	if j.runs != nil {
		j.runs <- n
	}
	if j.release != nil {
		select {
		case <-j.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

// fakeClock hands the runner a ticker whose ticks the test sends, buffered
// by one as time.Ticker is.
type fakeClock struct {
	c       chan time.Time
	stopped atomic.Bool
	got     chan time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{c: make(chan time.Time, 1), got: make(chan time.Duration, 1)}
}

func (f *fakeClock) ticker(d time.Duration) (<-chan time.Time, func()) {
	f.got <- d
	return f.c, func() { f.stopped.Store(true) }
}

// tick sends a tick unless one is already pending.
func (f *fakeClock) tick() {
	select {
	case f.c <- time.Time{}:
	default:
	}
}

func newTestRunner(buf *bytes.Buffer, clock *fakeClock, jobs ...Job) *Runner {
	r := New(slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), jobs...)
	if clock != nil {
		r.tick = clock.ticker
	}
	return r
}

// start runs r in the background; the returned stop cancels it and waits.
func start(t *testing.T, r *Runner) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		r.Run(ctx)
		close(done)
	}()
	return func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Run did not return after its context ended")
		}
	}
}

func TestRunAtStartAndEachTick(t *testing.T) {
	clock := newFakeClock()
	j := &fakeJob{interval: time.Hour, runs: make(chan int)}
	var buf bytes.Buffer
	stop := start(t, newTestRunner(&buf, clock, j))
	if got := <-clock.got; got != time.Hour {
		t.Errorf("ticker interval = %v, want %v", got, time.Hour)
	}
	if n := <-j.runs; n != 1 {
		t.Fatalf("first run = %d, want 1 at start", n)
	}
	for want := 2; want <= 3; want++ {
		clock.tick()
		if n := <-j.runs; n != want {
			t.Fatalf("run after tick = %d, want %d", n, want)
		}
	}
	stop()
	if !clock.stopped.Load() {
		t.Error("ticker not stopped when Run returned")
	}
	if !strings.Contains(buf.String(), "job done") || !strings.Contains(buf.String(), "job=fake") {
		t.Errorf("log lacks the job's runs:\n%s", buf.String())
	}
}

func TestNeverOverlapsItself(t *testing.T) {
	clock := newFakeClock()
	j := &fakeJob{interval: time.Hour, runs: make(chan int), release: make(chan struct{})}
	var buf bytes.Buffer
	stop := start(t, newTestRunner(&buf, clock, j))
	<-clock.got
	<-j.runs // the first run starts and blocks
	for range 5 {
		clock.tick() // ticks while it runs: at most one waits
	}
	j.release <- struct{}{}
	if n := <-j.runs; n != 2 {
		t.Fatalf("run after the blocked one = %d, want 2", n)
	}
	j.release <- struct{}{}
	stop()
	if m := j.maxRun.Load(); m != 1 {
		t.Errorf("at most %d runs of the job at once, want 1", m)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.n != 2 {
		t.Errorf("%d runs, want 2: ticks during a run collapse into one", j.n)
	}
}

func TestFailedRunIsLoggedAndRetried(t *testing.T) {
	clock := newFakeClock()
	j := &fakeJob{interval: time.Minute, runs: make(chan int), errs: []error{errors.New("database is locked")}}
	var buf bytes.Buffer
	stop := start(t, newTestRunner(&buf, clock, j))
	<-clock.got
	<-j.runs
	clock.tick()
	<-j.runs
	stop()
	log := buf.String()
	if !strings.Contains(log, `msg="job failed"`) || !strings.Contains(log, `error="database is locked"`) {
		t.Errorf("failure not logged with its error:\n%s", log)
	}
	if !strings.Contains(log, `msg="job done"`) {
		t.Errorf("retry after the failure not logged as done:\n%s", log)
	}
}

func TestCancelledRunIsNotAFailure(t *testing.T) {
	j := &fakeJob{interval: time.Hour, runs: make(chan int), release: make(chan struct{})}
	var buf bytes.Buffer
	stop := start(t, newTestRunner(&buf, nil, j))
	<-j.runs // blocked in its run until the context ends
	stop()
	if strings.Contains(buf.String(), "job failed") {
		t.Errorf("shutdown logged as a failure:\n%s", buf.String())
	}
}

func TestJobsRunSideBySide(t *testing.T) {
	// Two jobs on the real clock with short intervals: a slow one does not
	// hold the other back.
	slow := &fakeJob{interval: time.Millisecond, release: make(chan struct{})}
	fast := &fakeJob{interval: time.Millisecond, runs: make(chan int)}
	var buf bytes.Buffer
	stop := start(t, newTestRunner(&buf, nil, slow, fast))
	for want := 1; want <= 3; want++ {
		if n := <-fast.runs; n != want {
			t.Fatalf("fast job run %d, want %d", n, want)
		}
	}
	go func() {
		for range fast.runs {
		}
	}()
	stop()
	close(fast.runs)
	slow.mu.Lock()
	defer slow.mu.Unlock()
	if slow.n != 1 {
		t.Errorf("slow job ran %d times while blocked, want 1", slow.n)
	}
}
