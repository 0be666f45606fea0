package feed

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/cvss"
	"github.com/vigil/vigil/internal/ingest"
)

// ParseTime is ingest.ParseTime: the timestamps feeds write, an empty
// string being the zero time.
func ParseTime(s string) (time.Time, error) { return ingest.ParseTime(s) }

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
