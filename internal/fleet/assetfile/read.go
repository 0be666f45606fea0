package assetfile

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/vigil/vigil/internal/sheet"
)

// ErrTooLarge marks a file over one of the limits.
var ErrTooLarge = errors.New("file too large")

// Read reads a CSV or XLSX file (told apart by its content) and maps its
// columns. The whole file is read into memory up to l.MaxBytes; beyond
// that it is refused.
func Read(r io.Reader, m Mapping, l Limits) (*Table, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("column mapping: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(r, l.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(len(data)) > l.MaxBytes {
		return nil, fmt.Errorf("file is larger than %d bytes: %w", l.MaxBytes, ErrTooLarge)
	}
	var records [][]string
	switch DetectFormat(data) {
	case XLSX:
		records, err = xlsxRecords(data, m.Sheet, l)
	default:
		records, err = csvRecords(data, l)
	}
	if err != nil {
		return nil, err
	}
	return mapColumns(records, m)
}

// csvRecords reads CSV: comma, semicolon or tab separated (whichever the
// header line has most of), an optional UTF-8 byte order mark.
func csvRecords(data []byte, l Limits) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, errors.New("CSV is not UTF-8 text (export it from the CMMS as UTF-8)")
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, errors.New("CSV contains NUL bytes: not a text file")
	}
	first := data
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = ','
	best := bytes.Count(first, []byte(","))
	for _, sep := range []rune{';', '\t'} {
		if n := bytes.Count(first, []byte(string(sep))); n > best {
			best, cr.Comma = n, sep
		}
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	var out [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("CSV: %w", err)
		}
		if len(out) >= l.MaxRows+100 {
			return nil, fmt.Errorf("more than %d rows: %w", l.MaxRows, ErrTooLarge)
		}
		if len(rec) > l.MaxCols {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("row %d has %d columns, more than %d: %w", line, len(rec), l.MaxCols, ErrTooLarge)
		}
		for i, c := range rec {
			if len(c) > l.MaxCell {
				line, _ := cr.FieldPos(i)
				return nil, fmt.Errorf("row %d column %d: cell of %d bytes, more than %d: %w", line, i+1, len(c), l.MaxCell, ErrTooLarge)
			}
		}
		out = append(out, rec)
	}
	return out, nil
}

// xlsxRecords reads one worksheet of an XLSX after checking the archive:
// the sum of its entries' declared sizes and each entry's ratio must stay
// within bounds, so a decompression bomb is refused before it is opened.
func xlsxRecords(data []byte, sheetName string, l Limits) ([][]string, error) {
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
	if sheetName != "" {
		name = ""
		for _, s := range sheets {
			if strings.EqualFold(s, sheetName) {
				name = s
			}
		}
		if name == "" {
			return nil, fmt.Errorf("XLSX has no sheet %q (sheets: %s)", sheetName, strings.Join(sheets, ", "))
		}
	}
	rows, err := x.Rows(name)
	if err != nil {
		return nil, fmt.Errorf("XLSX sheet %q: %w", name, err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		if len(out) >= l.MaxRows+100 {
			return nil, fmt.Errorf("more than %d rows: %w", l.MaxRows, ErrTooLarge)
		}
		rec, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("XLSX sheet %q row %d: %w", name, len(out)+1, err)
		}
		if len(rec) > l.MaxCols {
			return nil, fmt.Errorf("row %d has %d columns, more than %d: %w", len(out)+1, len(rec), l.MaxCols, ErrTooLarge)
		}
		for i, c := range rec {
			if len(c) > l.MaxCell {
				return nil, fmt.Errorf("row %d column %d: cell of %d bytes, more than %d: %w", len(out)+1, i+1, len(c), l.MaxCell, ErrTooLarge)
			}
			if !utf8.ValidString(c) {
				return nil, fmt.Errorf("row %d column %d: cell is not valid UTF-8", len(out)+1, i+1)
			}
		}
		out = append(out, rec)
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("XLSX sheet %q: %w", name, err)
	}
	return out, nil
}

// mapColumns finds each field's column from the header row and keeps the
// data rows below it. Fully empty rows are skipped.
func mapColumns(records [][]string, m Mapping) (*Table, error) {
	hr := m.HeaderRow
	if hr == 0 {
		hr = 1
	}
	if len(records) < hr {
		return nil, fmt.Errorf("no header row: the file has %d rows, the header is row %d", len(records), hr)
	}
	header := records[hr-1]
	byKey := map[string]int{}
	for i, h := range header {
		k := headerKey(sheet.Unsafe(h))
		if k == "" {
			continue
		}
		if _, dup := byKey[k]; dup {
			return nil, fmt.Errorf("row %d: column %q appears twice", hr, h)
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
				return nil, fmt.Errorf("column mapping: %s is mapped to column %q, which the header row %d lacks", f, h, hr)
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
			return nil, fmt.Errorf("row %d: no asset tag or serial number column (headers: %s)", hr, strings.Join(header, ", "))
		}
	}
	for n, rec := range records[hr:] {
		row := Row{Number: hr + 1 + n, Cells: map[string]string{}}
		empty := true
		for f, i := range index {
			if i < len(rec) {
				v := strings.TrimSpace(sheet.Unsafe(rec[i]))
				if v != "" {
					row.Cells[f], empty = v, false
				}
			}
		}
		if empty && allBlank(rec) {
			continue
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

func allBlank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
