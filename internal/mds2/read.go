package mds2

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/vigil/vigil"
)

// Limits bound what an import reads, so that a hostile file (a zip bomb, a
// sheet of a million rows, a cell of a gigabyte) costs bounded memory and
// time. The MDS2 form has some 250 rows on one or two sheets; the limits
// leave room for generous variants.
type Limits struct {
	// MaxFileSize is the largest file read, compressed.
	MaxFileSize int64
	// MaxUnzipped is the most an xlsx may expand to, all parts together.
	MaxUnzipped int64
	// MaxSheets, MaxRows (per sheet), MaxColumns and MaxCell (bytes)
	// bound the table; what lies beyond is cut and reported.
	MaxSheets  int
	MaxRows    int
	MaxColumns int
	MaxCell    int
}

// DefaultLimits are the limits of Read.
var DefaultLimits = Limits{
	MaxFileSize: 16 << 20,
	MaxUnzipped: 64 << 20,
	MaxSheets:   32,
	MaxRows:     10000,
	MaxColumns:  64,
	MaxCell:     8 << 10,
}

// Table is one sheet of a workbook (or the one table of a CSV file).
type Table struct {
	Sheet string
	// Rows holds cell text; Rows[i] is spreadsheet row i+1.
	Rows [][]string
	// Formulas marks the cells that held a formula, keyed by [row, col]
	// (0-based).
	Formulas map[[2]int]bool
}

// Format names of the files Read understands.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

// ReadTables reads an xlsx workbook or a CSV file, told apart by content,
// into tables within lim. The issues report what was cut.
func ReadTables(r io.Reader, lim Limits) (format string, tables []Table, issues []vigil.MDS2Issue, err error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxFileSize+1))
	if err != nil {
		return "", nil, nil, fmt.Errorf("read MDS2 file: %w", err)
	}
	if int64(len(data)) > lim.MaxFileSize {
		return "", nil, nil, fmt.Errorf("MDS2 file is larger than %d bytes: %w", lim.MaxFileSize, vigil.ErrInvalid)
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		tables, issues, err := readXLSX(data, lim)
		return FormatXLSX, tables, issues, err
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", nil, nil, fmt.Errorf("MDS2 file is a legacy .xls workbook (or encrypted); save it as .xlsx: %w", vigil.ErrInvalid)
	case len(data) == 0:
		return "", nil, nil, fmt.Errorf("MDS2 file is empty: %w", vigil.ErrInvalid)
	default:
		t, issues, err := readCSV(data, lim)
		if err != nil {
			return "", nil, nil, err
		}
		return FormatCSV, []Table{t}, issues, nil
	}
}

func readXLSX(data []byte, lim Limits) ([]Table, []vigil.MDS2Issue, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipped,
		UnzipXMLSizeLimit: lim.MaxUnzipped,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read MDS2 workbook: %v: %w", err, vigil.ErrInvalid)
	}
	defer f.Close()
	var tables []Table
	var issues []vigil.MDS2Issue
	for i, name := range f.GetSheetList() {
		if i >= lim.MaxSheets {
			issues = append(issues, vigil.MDS2Issue{Kind: vigil.MDS2Truncated, Sheet: name,
				Message: fmt.Sprintf("workbook has more than %d sheets; the rest were not read", lim.MaxSheets)})
			break
		}
		t, more, err := readSheet(f, name, lim)
		if err != nil {
			return nil, nil, err
		}
		issues = append(issues, more...)
		tables = append(tables, t)
	}
	return tables, issues, nil
}

func readSheet(f *excelize.File, name string, lim Limits) (Table, []vigil.MDS2Issue, error) {
	t := Table{Sheet: name, Formulas: map[[2]int]bool{}}
	var issues []vigil.MDS2Issue
	rows, err := f.Rows(name)
	if err != nil {
		// Chart sheets and dialog sheets have no rows.
		return t, nil, nil
	}
	defer rows.Close()
	cut := false
	for rows.Next() {
		if len(t.Rows) >= lim.MaxRows {
			issues = append(issues, vigil.MDS2Issue{Kind: vigil.MDS2Truncated, Sheet: name,
				Message: fmt.Sprintf("sheet has more than %d rows; the rest were not read", lim.MaxRows)})
			break
		}
		cols, err := rows.Columns()
		if err != nil {
			return t, nil, fmt.Errorf("read MDS2 sheet %q row %d: %v: %w", name, len(t.Rows)+1, err, vigil.ErrInvalid)
		}
		if len(cols) > lim.MaxColumns {
			cols = cols[:lim.MaxColumns]
			if !cut {
				issues = append(issues, vigil.MDS2Issue{Kind: vigil.MDS2Truncated, Sheet: name, Row: len(t.Rows) + 1,
					Message: fmt.Sprintf("more than %d columns; the rest were not read", lim.MaxColumns)})
				cut = true
			}
		}
		for j, c := range cols {
			if len(c) > lim.MaxCell {
				cols[j] = truncate(c, lim.MaxCell)
				issues = append(issues, vigil.MDS2Issue{Kind: vigil.MDS2Truncated, Sheet: name, Row: len(t.Rows) + 1,
					Message: fmt.Sprintf("cell %s is longer than %d bytes and was cut", cellName(j, len(t.Rows)), lim.MaxCell)})
			}
		}
		t.Rows = append(t.Rows, cols)
	}
	if err := rows.Error(); err != nil {
		return t, nil, fmt.Errorf("read MDS2 sheet %q: %v: %w", name, err, vigil.ErrInvalid)
	}
	// Formulas are looked up only in rows that carry a question ID, the
	// only rows whose cells are taken, so that a huge sheet of formulas
	// costs no more than a sheet of values. The lookups decode the sheet
	// once more; a sheet the streaming read took but the full decode
	// refuses is decoded again on every lookup, so the first failure ends
	// them (and is reported) rather than cost seconds per cell.
formulas:
	for i, row := range t.Rows {
		if !hasQuestionID(row) {
			continue
		}
		// A formula without a saved value reads as an empty cell, so the
		// cells just right of the row's last value are looked at too.
		for j := range min(len(row)+2, lim.MaxColumns) {
			fm, err := f.GetCellFormula(name, cellName(j, i))
			if err != nil {
				issues = append(issues, vigil.MDS2Issue{Kind: vigil.MDS2Formula, Sheet: name,
					Message: fmt.Sprintf("formulas could not be checked: %v", err)})
				break formulas
			}
			if fm != "" {
				t.Formulas[[2]int{i, j}] = true
			}
		}
	}
	return t, issues, nil
}

// cellName is the A1 name of 0-based column j, row i.
func cellName(j, i int) string {
	n, err := excelize.CoordinatesToCellName(j+1, i+1)
	if err != nil {
		return fmt.Sprintf("R%dC%d", i+1, j+1)
	}
	return n
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) && len(s) > 0 {
		s = s[:len(s)-1]
	}
	return s
}

func readCSV(data []byte, lim Limits) (Table, []vigil.MDS2Issue, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return Table{}, nil, fmt.Errorf("MDS2 CSV is not UTF-8 text: %w", vigil.ErrInvalid)
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffDelimiter(string(first))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	t := Table{Sheet: "csv"}
	var issues []vigil.MDS2Issue
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, _ := cr.FieldPos(0)
			return Table{}, nil, fmt.Errorf("MDS2 CSV line %d: %v: %w", line, err, vigil.ErrInvalid)
		}
		if len(t.Rows) >= lim.MaxRows {
			issues = append(issues, vigil.MDS2Issue{Kind: vigil.MDS2Truncated, Sheet: t.Sheet,
				Message: fmt.Sprintf("file has more than %d rows; the rest were not read", lim.MaxRows)})
			break
		}
		if len(rec) > lim.MaxColumns {
			rec = rec[:lim.MaxColumns]
		}
		for j, c := range rec {
			if len(c) > lim.MaxCell {
				rec[j] = truncate(c, lim.MaxCell)
				issues = append(issues, vigil.MDS2Issue{Kind: vigil.MDS2Truncated, Sheet: t.Sheet, Row: len(t.Rows) + 1,
					Message: fmt.Sprintf("field %d is longer than %d bytes and was cut", j+1, lim.MaxCell)})
			}
		}
		t.Rows = append(t.Rows, rec)
	}
	return t, issues, nil
}

// sniffDelimiter picks the separator the header line uses most.
func sniffDelimiter(line string) rune {
	best, n := ',', strings.Count(line, ",")
	for _, d := range []rune{';', '\t'} {
		if c := strings.Count(line, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}

func hasQuestionID(row []string) bool {
	for _, c := range row {
		if _, ok := CanonicalID(c); ok {
			return true
		}
	}
	return false
}
