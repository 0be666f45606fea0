package assetfile

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// cellKey is a cell by 1-based row and 0-based column, as the table
// builder counts them.
type cellKey struct{ row, col int }

// cellInfo is what a worksheet's XML says of a cell beyond its displayed
// value: its formula, and the raw number behind a styled numeric cell
// (a date's serial number).
type cellInfo struct {
	formula string
	numeric string
}

// worksheetCells are a worksheet's formula and styled numeric cells, and
// the workbook's date system.
type worksheetCells struct {
	cells    map[cellKey]cellInfo
	date1904 bool
}

// scanWorksheet reads the worksheet's XML once, as a stream, for what
// excelize's formatted values hide: which cells are formulas, and the
// serial number of every styled numeric cell, so that a date shows as a
// date whatever its number format (built-in short date, custom) and date
// system (1900 or 1904).
func scanWorksheet(zr *zip.Reader, sheetName string, l Limits) (*worksheetCells, error) {
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(files, "xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(files, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	out := &worksheetCells{cells: map[cellKey]cellInfo{}, date1904: wb.Pr.Date1904 == "1" || strings.EqualFold(wb.Pr.Date1904, "true")}
	part := ""
	for _, s := range wb.Sheets {
		if s.Name != sheetName {
			continue
		}
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				part = r.Target
			}
		}
	}
	if part == "" {
		return out, nil // excelize found the sheet another way; nothing more to tell
	}
	if strings.HasPrefix(part, "/") {
		part = strings.TrimPrefix(part, "/")
	} else {
		part = path.Join("xl", part)
	}
	f := files[part]
	if f == nil {
		return nil, fmt.Errorf("XLSX: worksheet %q (%s) is missing from the archive", sheetName, part)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("XLSX worksheet %q: %w", sheetName, err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, l.MaxBytes))
	var (
		key            cellKey
		ok, numeric    bool
		styled         bool
		in             string
		formula, value strings.Builder
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("XLSX worksheet %q: %w", sheetName, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "c":
				ok, numeric, styled = false, true, false
				formula.Reset()
				value.Reset()
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "r":
						if col, row, err := excelize.CellNameToCoordinates(a.Value); err == nil {
							key, ok = cellKey{row, col - 1}, true
						}
					case "t":
						numeric = a.Value == "n" || a.Value == ""
					case "s":
						styled = a.Value != "" && a.Value != "0"
					}
				}
			case "f":
				in = "f"
				if formula.Len() == 0 {
					for _, a := range t.Attr {
						if a.Name.Local == "t" && a.Value == "shared" {
							formula.WriteString("(shared formula)")
						}
					}
				}
			case "v":
				in = "v"
			}
		case xml.CharData:
			switch in {
			case "f":
				if formula.String() == "(shared formula)" {
					formula.Reset()
				}
				if formula.Len() < 200 {
					formula.Write(t)
				}
			case "v":
				if value.Len() < 64 {
					value.Write(t)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "f", "v":
				in = ""
			case "c":
				if !ok {
					continue
				}
				var c cellInfo
				if formula.Len() > 0 {
					c.formula = strings.TrimSpace(formula.String())
				}
				if numeric && styled && value.Len() > 0 {
					c.numeric = value.String()
				}
				if c.formula != "" || c.numeric != "" {
					if len(out.cells) >= 4*l.MaxRows {
						return nil, fmt.Errorf("XLSX worksheet %q: more than %d formula or number cells: %w", sheetName, 4*l.MaxRows, ErrTooLarge)
					}
					out.cells[key] = c
				}
			}
		}
	}
	return out, nil
}

func decodePart(files map[string]*zip.File, name string, v any) error {
	f := files[name]
	if f == nil {
		return fmt.Errorf("XLSX: %s is missing from the archive", name)
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("XLSX %s: %w", name, err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(v); err != nil {
		return fmt.Errorf("XLSX %s: %w", name, err)
	}
	return nil
}

// excelDate turns a cell's serial number into an ISO date, in the
// workbook's date system; ok is false for a number no date has.
func excelDate(raw string, date1904 bool) (string, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || f < 1 || f >= 2958466 { // 9999-12-31
		return "", false
	}
	t, err := excelize.ExcelDateToTime(f, date1904)
	if err != nil {
		return "", false
	}
	return t.Format("2006-01-02"), true
}
