package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/vigil/vigil"
)

// TestContentionIs503: a store too busy to answer is a 503 with
// Retry-After, never a 500.
func TestContentionIs503(t *testing.T) {
	busy := fmt.Errorf("begin: %w: %w", vigil.ErrUnavailable, errors.New("database is locked (5) (SQLITE_BUSY)"))
	ri := &requestInfo{id: "r1"}
	ctx := context.WithValue(t.Context(), infoKey, ri)
	status, detail, _ := classify(ctx, busy)
	if status != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", status)
	}
	if detail == "" || ri.err == nil {
		t.Errorf("detail %q, logged error %v; want a detail and the driver's error kept for the log", detail, ri.err)
	}
	if got := problemHeaders(status).Get("Retry-After"); got == "" {
		t.Error("no Retry-After")
	}
}
