package mds2

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/vigil/vigil"
)

// Official layout: one sheet named SheetName; a title block, a header row
// and then, section by section in form order, a section row followed by
// one row per question: ID, question, answer, note.
const (
	SheetName   = "MDS2"
	headerRow   = 4
	colID       = 1
	colQuestion = 2
	colAnswer   = 3
	colNote     = 4
)

// Header names the columns of the official layout.
var Header = []string{"Question ID", "Question", "Answer", "Notes"}

// ExportInfo is what the title block of an exported form says.
type ExportInfo struct {
	// Subject names the device and version ("Acme Infusion Pump 3.0").
	Subject string
	// Generated is the export's date, YYYY-MM-DD.
	Generated string
}

// Export writes entries as a filled MDS2 workbook in the official layout:
// every question of the catalogue, answered or blank, with a drop-down of
// the vocabulary on the yes/no answers. Every value is written as text, so
// an answer beginning with "=" is never a formula.
func Export(w io.Writer, cat *Catalogue, entries []vigil.MDS2Entry, info ExportInfo) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return fmt.Errorf("export MDS2: %w", err)
	}
	if err := writeForm(f, cat, entries, info); err != nil {
		return fmt.Errorf("export MDS2: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("export MDS2: %w", err)
	}
	return nil
}

func writeForm(f *excelize.File, cat *Catalogue, entries []vigil.MDS2Entry, info ExportInfo) error {
	byID := make(map[string]vigil.MDS2Entry, len(entries))
	for _, e := range entries {
		byID[e.QuestionID] = e
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F4E79"}}})
	if err != nil {
		return err
	}
	section, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	set := func(col, row int, v string, style int) error {
		axis, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		if err := f.SetCellStr(SheetName, axis, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(SheetName, axis, axis, style)
		}
		return nil
	}
	if err := set(1, 1, "Manufacturer Disclosure Statement for Medical Device Security – MDS2", title); err != nil {
		return err
	}
	if err := f.MergeCell(SheetName, "A1", "D1"); err != nil {
		return err
	}
	if err := set(1, 2, cat.Standard, 0); err != nil {
		return err
	}
	if err := set(2, 2, info.Subject, 0); err != nil {
		return err
	}
	if info.Generated != "" {
		if err := set(4, 2, "Exported "+info.Generated, 0); err != nil {
			return err
		}
	}
	for j, h := range Header {
		if err := set(j+1, headerRow, h, head); err != nil {
			return err
		}
	}
	row := headerRow + 1
	var yesNo []int
	cur := ""
	for _, q := range cat.Questions {
		if q.Section != cur {
			cur = q.Section
			s, _ := cat.Section(cur)
			if err := set(colID, row, strings.ToUpper(s.Title)+" ("+s.Code+")", section); err != nil {
				return err
			}
			if err := set(colQuestion, row, s.Description, section); err != nil {
				return err
			}
			if err := f.MergeCell(SheetName, fmt.Sprintf("B%d", row), fmt.Sprintf("D%d", row)); err != nil {
				return err
			}
			row++
		}
		e := byID[q.ID]
		for _, c := range []struct {
			col int
			v   string
		}{{colID, q.ID}, {colQuestion, q.Text}, {colAnswer, e.Value()}, {colNote, e.Note}} {
			if err := set(c.col, row, c.v, wrap); err != nil {
				return err
			}
		}
		if q.Kind == KindYesNo {
			yesNo = append(yesNo, row)
		}
		row++
	}
	// One validation over all yes/no answer cells; Excel keeps the list
	// as a drop-down and warns, rather than refuses, on other text.
	dv := excelize.NewDataValidation(true)
	dv.Sqref = ranges("C", yesNo)
	if err := dv.SetDropList([]string{"Yes", "No", "N/A", "See Note"}); err != nil {
		return err
	}
	dv.SetError(excelize.DataValidationErrorStyleWarning, "MDS2 answer", "HN 1-2019 answers are Yes, No, N/A or See Note")
	if err := f.AddDataValidation(SheetName, dv); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 16, "B": 70, "C": 14, "D": 50} {
		if err := f.SetColWidth(SheetName, col, col, width); err != nil {
			return err
		}
	}
	return f.SetPanes(SheetName, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", headerRow+1), ActivePane: "bottomLeft"})
}

// ranges writes ascending rows of one column as space-separated ranges
// ("C5:C9 C11:C20").
func ranges(col string, rows []int) string {
	var parts []string
	for i := 0; i < len(rows); {
		j := i
		for j+1 < len(rows) && rows[j+1] == rows[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, fmt.Sprintf("%s%d", col, rows[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%s%d:%s%d", col, rows[i], col, rows[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, " ")
}
