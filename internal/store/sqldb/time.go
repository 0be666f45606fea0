package sqldb

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/vigil/vigil"
)

// Times are passed as fixed-width UTC text: SQLite stores them so, and they
// sort as strings; PostgreSQL parses them into timestamptz and DATE.
const (
	timeLayout = "2006-01-02T15:04:05.000000Z"
	dateLayout = "2006-01-02"
)

// FormatTime is t as the store passes it.
func FormatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// StoredTime is t as it reads back: in UTC, cut to the microsecond.
func StoredTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// FormatNullTime is FormatTime, the zero time NULL.
func FormatNullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: FormatTime(t), Valid: true}
}

// parseTime reads a stored time: SQLite's text, or PostgreSQL's timestamptz
// as database/sql renders a time.Time into a string (RFC 3339).
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil && len(s) == len(dateLayout) {
		// A day (KBStats' latest KEV and EPSS dates in SQLite).
		t, err = time.Parse(dateLayout, s)
	}
	if err != nil {
		var err2 error
		if t, err2 = time.Parse(time.RFC3339Nano, s); err2 != nil {
			return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
		}
		t = t.UTC()
	}
	return t, nil
}

// ParseNullTime reads a stored time that may be NULL (the zero time).
func ParseNullTime(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTime(s.String)
}

// FormatDate is a date as the store passes it, the zero Date NULL.
func FormatDate(d vigil.Date) sql.NullString {
	if d.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: d.String(), Valid: true}
}

// parseDate reads a stored date: SQLite's text, or PostgreSQL's DATE as
// database/sql renders a time.Time (midnight UTC) into a string.
func parseDate(s sql.NullString) (vigil.Date, error) {
	if !s.Valid {
		return vigil.Date{}, nil
	}
	return parseDay(s.String)
}

// parseDay reads a stored date that is not NULL.
func parseDay(s string) (vigil.Date, error) {
	if len(s) > len("2006-01-02") && s[len("2006-01-02")] == 'T' {
		s = s[:len("2006-01-02")]
	}
	return vigil.ParseDate(s)
}
