package ingest

import (
	"fmt"
	"strings"
	"time"
)

// ParseTime parses the timestamps feeds write: RFC 3339 with or without
// fraction, NVD's zone-less "2023-10-12T19:15:11.747" (UTC), NVD 1.1's
// "2022-01-01T05:15Z", and a bare date. An empty string is the zero time.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04Z07:00",
		"2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: not RFC 3339 or a date", clip(s))
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
