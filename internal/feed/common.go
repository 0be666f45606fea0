package feed

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cvss"
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

// Score fills a severity from its vector (cvss.Fill). A vector that does
// not parse is kept with the score the source gave and reported as a
// warning on the record.
func Score(r *Report, src vigil.Source, id, path string, s *vigil.Severity) {
	if err := cvss.Fill(s); err != nil {
		s.BaseScore, s.Computed = s.GivenScore, false
		r.Warn(src, id, path, err.Error())
	}
}

// Number converts a JSON number (or numeric string) to a float; ok is
// false when absent or not a number.
func Number(n json.Number) (float64, bool) {
	if n == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// AppendUnique appends the non-empty values of add not yet in list.
func AppendUnique(list []string, add ...string) []string {
	for _, a := range add {
		if a == "" {
			continue
		}
		found := false
		for _, l := range list {
			if l == a {
				found = true
				break
			}
		}
		if !found {
			list = append(list, a)
		}
	}
	return list
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
