package httpapi

import (
	"context"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// Upload concurrency: a parsed upload (CMMS export, support addendum)
// holds what it has read, so many at once multiply the server's memory.
// The server parses at most DefaultMaxUploads at a time, waiting briefly
// for a turn, and an organization at most DefaultMaxOrgUploads; beyond
// that the answer says when to retry. After a large upload the server
// gives its memory back to the operating system, so one hostile upload
// does not leave the process at its peak.
const (
	DefaultMaxUploads    = 2
	DefaultMaxOrgUploads = 2
	// uploadWait is how long an upload waits for a turn before 503.
	uploadWait = 30 * time.Second
	// freeAfterBytes is the upload size after which memory is returned.
	freeAfterBytes = 8 << 20
)

// uploadLimiter counts uploads in flight, in all and per organization.
type uploadLimiter struct {
	slots  chan struct{}
	perOrg int

	mu       sync.Mutex
	byOrg    map[int64]int
	lastFree time.Time
}

func newUploadLimiter(max, perOrg int) *uploadLimiter {
	if max <= 0 {
		max = DefaultMaxUploads
	}
	if perOrg <= 0 {
		perOrg = DefaultMaxOrgUploads
	}
	return &uploadLimiter{slots: make(chan struct{}, max), perOrg: perOrg, byOrg: map[int64]int{}}
}

// acquire takes a turn for org, or fails with 429 (the organization has
// too many uploads in flight) or 503 (the server stayed busy), each with
// Retry-After. release gives the turn back; read is how many bytes the
// upload read.
func (l *uploadLimiter) acquire(ctx context.Context, org int64) (release func(read int64), err error) {
	l.mu.Lock()
	if l.byOrg[org] >= l.perOrg {
		l.mu.Unlock()
		return nil, retryLater(huma.NewError(http.StatusTooManyRequests,
			"this organization already has "+strconv.Itoa(l.perOrg)+" uploads in progress; retry when one has finished"), 10)
	}
	l.byOrg[org]++
	l.mu.Unlock()
	undo := func() {
		l.mu.Lock()
		if l.byOrg[org]--; l.byOrg[org] <= 0 {
			delete(l.byOrg, org)
		}
		l.mu.Unlock()
	}
	timer := time.NewTimer(uploadWait)
	defer timer.Stop()
	select {
	case l.slots <- struct{}{}:
	case <-timer.C:
		undo()
		return nil, retryLater(huma.Error503ServiceUnavailable("the server is busy with other uploads; retry shortly"), 30)
	case <-ctx.Done():
		undo()
		return nil, ctx.Err()
	}
	return func(read int64) {
		<-l.slots
		undo()
		if read >= freeAfterBytes {
			l.free()
		}
	}, nil
}

// free returns the heap to the operating system, at most every few
// seconds: the upload's buffers are garbage now, and without it the
// process would stay at its peak until the runtime's scavenger gets to it.
func (l *uploadLimiter) free() {
	l.mu.Lock()
	if time.Since(l.lastFree) < 5*time.Second {
		l.mu.Unlock()
		return
	}
	l.lastFree = time.Now()
	l.mu.Unlock()
	go debug.FreeOSMemory()
}

func retryLater(err huma.StatusError, seconds int) error {
	return huma.ErrorWithHeaders(err, http.Header{"Retry-After": {strconv.Itoa(seconds)}})
}
