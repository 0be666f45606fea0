package assetfile

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/vigil/vigil/internal/sheet"
)

// ErrTooLarge marks a file over one of the limits.
var ErrTooLarge = sheet.ErrTooLarge

// Read reads a CSV or XLSX file (told apart by its content) and maps its
// columns. A CSV is streamed: its lines, cells, rows and bytes are bounded
// as it is read, and only the mapped cells of each row are kept, so a
// hostile file (one line of 200 MB) is refused after one line's worth of
// memory. An XLSX, a zip archive, is read whole up to l.MaxXLSXBytes.
func Read(r io.Reader, m Mapping, l Limits) (*Table, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("column mapping: %w", err)
	}
	l = l.withDefaults()
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4)
	if DetectFormat(head) == XLSX {
		max := min(l.MaxBytes, l.MaxXLSXBytes)
		data, err := io.ReadAll(io.LimitReader(br, max+1))
		if err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
		if int64(len(data)) > max {
			return nil, fmt.Errorf("XLSX file is larger than %d bytes: %w", max, ErrTooLarge)
		}
		return readXLSX(data, m, l)
	}
	return readCSV(br, m, l)
}

// countingReader fails once more than max bytes went through it.
type countingReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, fmt.Errorf("file is larger than %d bytes: %w", c.max, ErrTooLarge)
	}
	return n, err
}

// readCSV reads CSV: comma, semicolon or tab separated (whichever the
// header line has most of), UTF-8 (with or without byte order mark) or
// Windows-1252 / Latin-1 (detected, or m.Encoding).
func readCSV(r io.Reader, m Mapping, l Limits) (*Table, error) {
	text, enc, err := sheet.Text(&countingReader{r: r, max: l.MaxBytes}, m.Encoding)
	if err != nil {
		return nil, fmt.Errorf("CSV: %w", err)
	}
	br := bufio.NewReaderSize(sheet.LimitLines(text, l.MaxLine), 64<<10)
	first, err := br.Peek(min(l.MaxLine, 64<<10))
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("CSV: %w", err)
	}
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	cr := csv.NewReader(br)
	cr.Comma = ','
	best := bytes.Count(first, []byte(","))
	for _, sep := range []rune{';', '\t'} {
		if n := bytes.Count(first, []byte(string(sep))); n > best {
			best, cr.Comma = n, sep
		}
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	tb := newTableBuilder(m)
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var nu *sheet.NotUTF8Error
			if errors.As(err, &nu) || errors.Is(err, ErrTooLarge) {
				return nil, fmt.Errorf("CSV: %w", err)
			}
			return nil, fmt.Errorf("CSV: %w", err)
		}
		if n > l.MaxRows+100 {
			return nil, fmt.Errorf("more than %d rows: %w", l.MaxRows, ErrTooLarge)
		}
		if len(rec) > l.MaxCols {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("row %d (line %d) has %d columns, more than %d: %w", n, line, len(rec), l.MaxCols, ErrTooLarge)
		}
		for i, c := range rec {
			if len(c) > l.MaxCell {
				line, _ := cr.FieldPos(i)
				return nil, fmt.Errorf("row %d (line %d) column %d: cell of %d bytes, more than %d: %w", n, line, i+1, len(c), l.MaxCell, ErrTooLarge)
			}
			if strings.IndexByte(c, 0) >= 0 {
				line, _ := cr.FieldPos(i)
				return nil, fmt.Errorf("row %d (line %d) column %d: a NUL byte: not a text file", n, line, i+1)
			}
		}
		if err := tb.add(n, rec, nil); err != nil {
			return nil, err
		}
	}
	t, err := tb.table()
	if err != nil {
		return nil, err
	}
	t.Encoding = enc
	return t, nil
}

// readXLSX reads one worksheet of an XLSX after checking the archive:
// the sum of its entries' declared sizes and each entry's ratio must stay
// within bounds, so a decompression bomb is refused before it is opened.
// Date cells are read as dates (whatever their number format, in the 1900
// or 1904 date system) and formula cells as their cached values, each
// with a warning.
func readXLSX(data []byte, m Mapping, l Limits) (*Table, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("XLSX: not a readable zip archive: %w", err)
	}
	if len(zr.File) > 10000 {
		return nil, fmt.Errorf("XLSX: %d archive entries: %w", len(zr.File), ErrTooLarge)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(l.MaxBytes) {
			return nil, fmt.Errorf("XLSX unpacks to more than %d bytes: %w", l.MaxBytes, ErrTooLarge)
		}
		if f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > 1000 && f.UncompressedSize64 > 1<<20 {
			return nil, fmt.Errorf("XLSX entry %s compresses %d:1, a decompression bomb: %w",
				f.Name, f.UncompressedSize64/f.CompressedSize64, ErrTooLarge)
		}
	}
	x, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: l.MaxBytes, UnzipXMLSizeLimit: min(l.MaxBytes, 16<<20),
	})
	if err != nil {
		return nil, fmt.Errorf("XLSX: %w", err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("XLSX has no worksheet")
	}
	name := sheets[0]
	if m.Sheet != "" {
		name = ""
		for _, s := range sheets {
			if strings.EqualFold(s, m.Sheet) {
				name = s
			}
		}
		if name == "" {
			return nil, fmt.Errorf("XLSX has no sheet %q (sheets: %s)", m.Sheet, strings.Join(sheets, ", "))
		}
	}
	// The cells excelize's formatted values do not tell: formulas and
	// the serial numbers behind dates.
	special, err := scanWorksheet(zr, name, l)
	if err != nil {
		return nil, err
	}
	rows, err := x.Rows(name)
	if err != nil {
		return nil, fmt.Errorf("XLSX sheet %q: %w", name, err)
	}
	defer rows.Close()
	tb := newTableBuilder(m)
	tb.special = special
	for n := 1; rows.Next(); n++ {
		if n > l.MaxRows+100 {
			return nil, fmt.Errorf("more than %d rows: %w", l.MaxRows, ErrTooLarge)
		}
		rec, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("XLSX sheet %q row %d: %w", name, n, err)
		}
		if len(rec) > l.MaxCols {
			return nil, fmt.Errorf("row %d has %d columns, more than %d: %w", n, len(rec), l.MaxCols, ErrTooLarge)
		}
		for i, c := range rec {
			if len(c) > l.MaxCell {
				return nil, fmt.Errorf("row %d column %d: cell of %d bytes, more than %d: %w", n, i+1, len(c), l.MaxCell, ErrTooLarge)
			}
			if !utf8.ValidString(c) {
				return nil, fmt.Errorf("row %d column %d: cell is not valid UTF-8", n, i+1)
			}
		}
		if err := tb.add(n, rec, special); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("XLSX sheet %q: %w", name, err)
	}
	return tb.table()
}

// tableBuilder maps a file's columns from its header row and keeps, of
// each data row below it, only the mapped cells. Fully empty rows are
// skipped; rows above the header (a report title) are ignored.
type tableBuilder struct {
	m       Mapping
	hr      int
	t       *Table
	index   map[string]int
	special *worksheetCells
	// formulas counts the formula warnings given, to stop at a bound.
	formulas int
}

// maxFormulaWarnings bounds the formula warnings of one file: a column of
// formulas gets its first ones and a count.
const maxFormulaWarnings = 50

func newTableBuilder(m Mapping) *tableBuilder {
	hr := m.HeaderRow
	if hr == 0 {
		hr = 1
	}
	return &tableBuilder{m: m, hr: hr}
}

func (b *tableBuilder) add(n int, rec []string, special *worksheetCells) error {
	switch {
	case n < b.hr:
		return nil
	case n == b.hr:
		return b.header(rec)
	}
	row := Row{Number: n, Cells: map[string]string{}}
	empty := true
	for f, i := range b.index {
		v := ""
		if i < len(rec) {
			v = strings.TrimSpace(sheet.Unsafe(rec[i]))
		}
		if special != nil {
			if c, ok := special.cells[cellKey{n, i}]; ok {
				if c.formula != "" {
					b.formulaWarning(n, f, c, v)
				}
				if (f == "purchased_on" || f == "warranty_until") && c.numeric != "" {
					if d, ok := excelDate(c.numeric, special.date1904); ok {
						v = d
					}
				}
			}
		}
		if v != "" {
			row.Cells[f], empty = v, false
		}
	}
	if empty && allBlank(rec) {
		return nil
	}
	b.t.Rows = append(b.t.Rows, row)
	return nil
}

func (b *tableBuilder) formulaWarning(n int, field string, c cellInfo, v string) {
	b.formulas++
	switch {
	case b.formulas == maxFormulaWarnings+1:
		b.t.Warnings = append(b.t.Warnings, RowProblem{Row: n, Column: b.t.Columns[field], Field: field,
			Message: "more formula cells follow, each read as its cached value like those above"})
	case b.formulas > maxFormulaWarnings:
	case v == "":
		b.t.Warnings = append(b.t.Warnings, RowProblem{Row: n, Column: b.t.Columns[field], Field: field,
			Message: fmt.Sprintf("formula =%s has no cached value, so the cell reads as empty: open and save the file in a spreadsheet to compute it", c.formula)})
	default:
		b.t.Warnings = append(b.t.Warnings, RowProblem{Row: n, Column: b.t.Columns[field], Field: field,
			Message: fmt.Sprintf("formula =%s: read as its cached value %q", c.formula, v)})
	}
}

// header finds each field's column from the header row.
func (b *tableBuilder) header(header []string) error {
	header = slices.Clone(header)
	m, hr := b.m, b.hr
	byKey := map[string]int{}
	for i, h := range header {
		k := headerKey(sheet.Unsafe(h))
		if k == "" {
			continue
		}
		if _, dup := byKey[k]; dup {
			return fmt.Errorf("row %d: column %q appears twice", hr, h)
		}
		byKey[k] = i
	}
	t := &Table{Columns: map[string]string{}}
	index := map[string]int{}
	taken := map[int]bool{}
	syn := synonyms()
	for _, f := range fieldNames {
		if h, ok := m.Columns[f]; ok {
			i, found := byKey[headerKey(h)]
			if !found {
				return fmt.Errorf("column mapping: %s is mapped to column %q, which the header row %d lacks", f, h, hr)
			}
			index[f], taken[i] = i, true
			continue
		}
	}
	// Names and synonyms, for fields the mapping left out, never taking a
	// column the mapping gave to another field.
	for _, f := range fieldNames {
		if _, ok := index[f]; ok {
			continue
		}
		for _, cand := range append([]string{f}, syn[f]...) {
			if i, found := byKey[headerKey(cand)]; found && !taken[i] {
				index[f], taken[i] = i, true
				break
			}
		}
	}
	for f, i := range index {
		t.Columns[f] = header[i]
	}
	for i, h := range header {
		if !taken[i] && strings.TrimSpace(h) != "" {
			t.Unmapped = append(t.Unmapped, h)
		}
	}
	if _, ok := index["asset_tag"]; !ok {
		if _, ok := index["serial"]; !ok {
			return fmt.Errorf("row %d: no asset tag or serial number column (headers: %s)", hr, strings.Join(header, ", "))
		}
	}
	b.t, b.index = t, index
	return nil
}

func (b *tableBuilder) table() (*Table, error) {
	if b.t == nil {
		return nil, fmt.Errorf("no header row: the file has fewer than %d rows", b.hr)
	}
	return b.t, nil
}

func allBlank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
