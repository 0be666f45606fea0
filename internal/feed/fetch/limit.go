package fetch

import (
	"sync"
	"time"
)

// Rate allows at most Requests requests to a host in any window of Per.
// The zero Rate is unlimited.
//
// This is a sliding window rather than a token bucket: NVD states its
// limits as "N requests in a rolling 30 second window", and a bucket
// refilling at N/30 s would let N+1 requests into some window after a
// burst.
type Rate struct {
	Requests int           `json:"requests"`
	Per      time.Duration `json:"per"`
}

func (r Rate) unlimited() bool { return r.Requests <= 0 || r.Per <= 0 }

// limiter hands out request slots: the times at which the last Requests
// requests start, oldest first from next.
type limiter struct {
	mu    sync.Mutex
	rate  Rate
	slots []time.Time
	next  int
}

func newLimiter(r Rate) *limiter { return &limiter{rate: r} }

// reserve books the next slot and returns how long to wait for it from
// now. A booked slot stays booked even if the caller gives up, which only
// errs on the side of fewer requests.
func (l *limiter) reserve(now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rate.unlimited() {
		return 0
	}
	if len(l.slots) < l.rate.Requests {
		at := now
		if n := len(l.slots); n > 0 && l.slots[n-1].After(at) {
			at = l.slots[n-1]
		}
		l.slots = append(l.slots, at)
		return at.Sub(now)
	}
	at := now
	if t := l.slots[l.next].Add(l.rate.Per); t.After(at) {
		at = t
	}
	l.slots[l.next] = at
	l.next = (l.next + 1) % len(l.slots)
	return at.Sub(now)
}
