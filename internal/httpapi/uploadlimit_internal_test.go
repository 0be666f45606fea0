package httpapi

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

func TestUploadLimiter(t *testing.T) {
	l := newUploadLimiter(2, 1)
	ctx := t.Context()
	rel1, err := l.acquire(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	// A second upload of the same organization: 429 with Retry-After.
	_, err = l.acquire(ctx, 1)
	var se huma.StatusError
	var hs huma.HeadersError
	if !errors.As(err, &se) || se.GetStatus() != http.StatusTooManyRequests || !errors.As(err, &hs) || hs.GetHeaders().Get("Retry-After") == "" {
		t.Fatalf("second upload of org 1: %v", err)
	}
	rel2, err := l.acquire(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	// The server is full: a third organization waits for a turn.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := l.acquire(short, 3); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("upload beyond the server's limit: %v, want it to wait", err)
	}
	rel1(0)
	rel3, err := l.acquire(ctx, 3)
	if err != nil {
		t.Fatalf("after a release: %v", err)
	}
	rel2(0)
	rel3(0)
	if len(l.byOrg) != 0 || len(l.slots) != 0 {
		t.Errorf("counts left behind: %v, %d slots", l.byOrg, len(l.slots))
	}
}
