package ingest_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/vigil/vigil/internal/ingest"
)

func TestGuards(t *testing.T) {
	tests := []struct {
		name string
		in   string
		lim  ingest.Limits
	}{
		{"Depth", strings.Repeat("[", 10), ingest.Limits{MaxDepth: 5}},
		{"String", `"` + strings.Repeat("x", 100) + `"`, ingest.Limits{MaxStringSize: 50}},
		{"Size", strings.Repeat(" ", 100), ingest.Limits{MaxDocumentSize: 50}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := io.ReadAll(ingest.GuardJSON(strings.NewReader(tc.in), tc.lim)); !errors.Is(err, ingest.ErrLimit) {
				t.Errorf("err %v, want ErrLimit", err)
			}
		})
	}
	// Brackets and quotes inside strings do not count.
	if _, err := io.ReadAll(ingest.GuardJSON(strings.NewReader(`"[[[[[[\"[[[["`), ingest.Limits{MaxDepth: 2})); err != nil {
		t.Errorf("brackets in a string: %v", err)
	}
	if _, err := io.ReadAll(ingest.SizeGuard(strings.NewReader("12345"), 4)); !errors.Is(err, ingest.ErrLimit) {
		t.Errorf("SizeGuard: %v", err)
	}
	if b, err := io.ReadAll(ingest.SizeGuard(strings.NewReader("1234"), 4)); err != nil || string(b) != "1234" {
		t.Errorf("SizeGuard at the limit: %q %v", b, err)
	}
}

func TestParseTime(t *testing.T) {
	for _, s := range []string{"2023-10-12T19:15:11.747", "2022-01-01T05:15Z", "2024-02-02T14:05:34.031031Z", "2025-02-20T00:00:00+0000", "2024-01-01", "2021-07-22T10:00:00.000Z"} {
		if tm, err := ingest.ParseTime(s); err != nil || tm.IsZero() {
			t.Errorf("ParseTime(%q) = %v, %v", s, tm, err)
		}
	}
	if _, err := ingest.ParseTime("yesterday"); err == nil {
		t.Error("ParseTime(yesterday) succeeded")
	}
}
