package sbom

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/sheet"
)

// SupportRecord is one row of the FDA support addendum: the support level
// and end-of-support date of the components it names, by purl or by name
// and version (docs/sbom.md).
type SupportRecord struct {
	Line         int                `json:"line"`
	PURL         string             `json:"purl,omitempty"`
	Name         string             `json:"name,omitempty"`
	Version      string             `json:"version,omitempty"`
	SupportLevel vigil.SupportLevel `json:"support_level,omitempty"`
	EndOfSupport vigil.Date         `json:"end_of_support,omitzero"`
}

// RowError is a problem with one row of the addendum; the other rows are
// still read.
type RowError struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Msg    string `json:"message"`
}

func (e RowError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// supportColumns are the addendum's columns; support_level and
// end_of_support may be empty in a row, but not both.
var supportColumns = []string{"purl", "name", "version", "support_level", "end_of_support"}

// MaxSupportLine and MaxSupportRows bound an addendum: a line of the
// CSV, in bytes, and its rows.
const (
	MaxSupportLine = 1 << 20
	MaxSupportRows = 2_000_000
)

// ParseSupportCSV reads the FDA support addendum: a CSV file (comma or
// semicolon separated, UTF-8 with or without BOM) whose header names the
// columns purl, name, version, support_level and end_of_support in any
// order and case; other columns are ignored. A row names its components by
// purl, or by name and version. It returns the good rows and one RowError
// per bad row; the error is for a file that cannot be read as CSV at all
// (no header, no key column, no support column).
func ParseSupportCSV(r io.Reader) ([]SupportRecord, []RowError, error) {
	head := make([]byte, 4096)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("support csv: %w", err)
	}
	head = head[:n]
	head = []byte(strings.TrimPrefix(string(head), "\ufeff"))
	firstLine, _, _ := strings.Cut(string(head), "\n")
	// Lines are bounded before the CSV parser holds one whole: a hostile
	// body of one 200 MB line is refused after a megabyte.
	cr := csv.NewReader(sheet.LimitLines(io.MultiReader(strings.NewReader(string(head)), r), MaxSupportLine))
	if strings.Count(firstLine, ";") > strings.Count(firstLine, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("support csv: header: %w: %w", err, vigil.ErrInvalid)
	}
	col := make(map[string]int)
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		k = strings.NewReplacer(" ", "_", "-", "_").Replace(k)
		switch k {
		case "eos", "end_of_support_date", "eos_date":
			k = "end_of_support"
		case "level_of_support", "support":
			k = "support_level"
		}
		if _, dup := col[k]; !dup {
			col[k] = i
		}
	}
	_, hasPURL := col["purl"]
	_, hasName := col["name"]
	_, hasLevel := col["support_level"]
	_, hasEOS := col["end_of_support"]
	if !hasPURL && !hasName {
		return nil, nil, fmt.Errorf("support csv: header %q has neither a purl nor a name column (want %s): %w", strings.Join(header, ","), strings.Join(supportColumns, ","), vigil.ErrInvalid)
	}
	if !hasLevel && !hasEOS {
		return nil, nil, fmt.Errorf("support csv: header %q has neither a support_level nor an end_of_support column: %w", strings.Join(header, ","), vigil.ErrInvalid)
	}
	get := func(row []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	var recs []SupportRecord
	var bad []RowError
	for rows := 0; ; rows++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if rows > MaxSupportRows || len(bad) > 10_000 {
			return recs, bad, fmt.Errorf("support csv: more than %d rows or %d faulty ones: %w: %w", MaxSupportRows, 10_000, sheet.ErrTooLarge, vigil.ErrInvalid)
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, RowError{Line: pe.Line, Msg: pe.Err.Error()})
				continue // the reader goes on with the next record
			}
			if errors.Is(err, sheet.ErrTooLarge) {
				return recs, bad, fmt.Errorf("support csv: %w: %w", err, vigil.ErrInvalid)
			}
			return recs, bad, fmt.Errorf("support csv: %w", err)
		}
		if len(strings.Join(row, "")) == 0 {
			continue // blank line
		}
		line, _ := cr.FieldPos(0) // only after a successful Read
		rec := SupportRecord{Line: line, PURL: get(row, "purl"), Name: get(row, "name"), Version: get(row, "version")}
		var rowBad []RowError
		if rec.PURL != "" {
			p, err := normalizePURL(rec.PURL)
			if err != nil {
				rowBad = append(rowBad, RowError{Line: line, Column: "purl", Msg: err.Error()})
			}
			rec.PURL = p
		} else if rec.Name == "" {
			rowBad = append(rowBad, RowError{Line: line, Msg: "neither purl nor name given"})
		}
		level, eos := get(row, "support_level"), get(row, "end_of_support")
		if level == "" && eos == "" {
			rowBad = append(rowBad, RowError{Line: line, Msg: "neither support_level nor end_of_support given"})
		}
		if level != "" {
			l, ok := MapSupportLevel(level)
			if !ok {
				rowBad = append(rowBad, RowError{Line: line, Column: "support_level", Msg: fmt.Sprintf("%q is not one of %v", level, vigil.SupportLevels)})
			}
			rec.SupportLevel = l
		}
		if eos != "" {
			d, ok := parseLooseDate(eos)
			if !ok {
				rowBad = append(rowBad, RowError{Line: line, Column: "end_of_support", Msg: fmt.Sprintf("date %q: want YYYY-MM-DD (or D.M.YYYY, \"31 Dec 2030\", \"2030-12\": a date that reads one way only)", eos)})
			}
			rec.EndOfSupport = d
		}
		if len(rowBad) > 0 {
			bad = append(bad, rowBad...)
			continue
		}
		recs = append(recs, rec)
	}
	return recs, bad, nil
}

// SupportIndex finds the addendum row for a component: by its purl with
// version, then by its purl without version (a row for every version), then
// by name and version, then by name alone (a row with no version).
type SupportIndex struct {
	byPURL map[string]SupportRecord
	byName map[string]SupportRecord
}

// NewSupportIndex indexes records; a later row for the same key wins.
func NewSupportIndex(recs []SupportRecord) *SupportIndex {
	x := &SupportIndex{byPURL: make(map[string]SupportRecord), byName: make(map[string]SupportRecord)}
	for _, r := range recs {
		if r.PURL != "" {
			x.byPURL[r.PURL] = r
		} else {
			x.byName[r.Name+"\x00"+r.Version] = r
		}
	}
	return x
}

// Lookup returns the record for c.
func (x *SupportIndex) Lookup(c *vigil.Component) (SupportRecord, bool) {
	if c.PURL != "" {
		if r, ok := x.byPURL[c.PURL]; ok {
			return r, true
		}
		if r, ok := x.byPURL[Key(c)]; ok {
			return r, true
		}
	}
	if r, ok := x.byName[c.Name+"\x00"+c.Version]; ok {
		return r, true
	}
	r, ok := x.byName[c.Name+"\x00"]
	return r, ok
}

// Apply sets c's FDA fields from its record, if any; fields the record
// leaves empty are kept. It reports whether a record matched.
func (x *SupportIndex) Apply(c *vigil.Component) bool {
	r, ok := x.Lookup(c)
	if !ok {
		return false
	}
	if r.SupportLevel != "" {
		c.SupportLevel = r.SupportLevel
	}
	if !r.EndOfSupport.IsZero() {
		c.EndOfSupport = r.EndOfSupport
	}
	return true
}
