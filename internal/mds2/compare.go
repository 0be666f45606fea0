package mds2

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/vigil/vigil"
)

// Comparison puts the answers of several forms side by side, section by
// section in form order.
type Comparison struct {
	Candidates []string            `json:"candidates"`
	Sections   []ComparisonSection `json:"sections"`
}

// ComparisonSection is one section of a comparison.
type ComparisonSection struct {
	Code  string          `json:"code"`
	Title string          `json:"title"`
	Rows  []ComparisonRow `json:"rows"`
}

// ComparisonRow is one question across the candidates.
type ComparisonRow struct {
	QuestionID string `json:"question_id"`
	Question   string `json:"question"`
	// Answers and Notes are in the order of Candidates; "" is unanswered.
	Answers []string `json:"answers"`
	Notes   []string `json:"notes"`
	// Differs is true when the candidates do not all answer alike.
	Differs bool `json:"differs"`
}

// Compare lines up forms (one per name) question by question. Questions no
// candidate answers are left out.
func Compare(cat *Catalogue, names []string, forms [][]vigil.MDS2Entry) Comparison {
	maps := make([]map[string]vigil.MDS2Entry, len(forms))
	for i, f := range forms {
		maps[i] = byQuestion(f)
	}
	c := Comparison{Candidates: names}
	for _, s := range cat.Sections {
		sec := ComparisonSection{Code: s.Code, Title: s.Title}
		for _, q := range cat.Questions {
			if q.Section != s.Code {
				continue
			}
			row := ComparisonRow{QuestionID: q.ID, Question: q.Text}
			answered := false
			for _, m := range maps {
				e, ok := m[q.ID]
				answered = answered || ok
				row.Answers = append(row.Answers, e.Value())
				row.Notes = append(row.Notes, e.Note)
			}
			if !answered {
				continue
			}
			for _, a := range row.Answers[1:] {
				if a != row.Answers[0] {
					row.Differs = true
				}
			}
			sec.Rows = append(sec.Rows, row)
		}
		if len(sec.Rows) > 0 {
			c.Sections = append(c.Sections, sec)
		}
	}
	return c
}

// WriteText writes the comparison as an aligned table; onlyDiffering
// leaves out the questions all candidates answer alike.
func (c Comparison) WriteText(w io.Writer, onlyDiffering bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	names := make([]string, len(c.Candidates))
	for i, n := range c.Candidates {
		names[i] = oneLine(strings.ToUpper(n), 30)
	}
	fmt.Fprintf(tw, "QUESTION\t%s\t\n", strings.Join(names, "\t"))
	for _, s := range c.Sections {
		if onlyDiffering && !slices.ContainsFunc(s.Rows, func(r ComparisonRow) bool { return r.Differs }) {
			continue
		}
		fmt.Fprintf(tw, "%s (%s)\t%s\t\n", s.Title, s.Code, strings.Repeat("\t", len(c.Candidates)-1))
		for _, r := range s.Rows {
			if onlyDiffering && !r.Differs {
				continue
			}
			mark := " "
			if r.Differs {
				mark = "*"
			}
			vals := make([]string, len(r.Answers))
			for i, a := range r.Answers {
				vals[i] = oneLine(a, 30)
				if vals[i] == "" {
					vals[i] = "-"
				}
			}
			fmt.Fprintf(tw, "%s %s\t%s\t\n", mark, r.QuestionID, strings.Join(vals, "\t"))
		}
	}
	return tw.Flush()
}

// WriteCSV writes one row per question: section, ID, question, then answer
// and note per candidate. Cells that a spreadsheet would run as a formula
// are prefixed with an apostrophe.
func (c Comparison) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"section", "question_id", "question"}
	for _, n := range c.Candidates {
		head = append(head, n, n+" note")
	}
	if err := cw.Write(safeRow(head)); err != nil {
		return err
	}
	for _, s := range c.Sections {
		for _, r := range s.Rows {
			rec := []string{s.Code, r.QuestionID, r.Question}
			for i := range r.Answers {
				rec = append(rec, r.Answers[i], r.Notes[i])
			}
			if err := cw.Write(safeRow(rec)); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the comparison as a workbook: one sheet, a section row
// before each section's questions, differing rows highlighted.
func (c Comparison) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Comparison"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}})
	if err != nil {
		return err
	}
	differs, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}})
	if err != nil {
		return err
	}
	head := []string{"Question ID", "Question"}
	for _, n := range c.Candidates {
		head = append(head, n, n+" note")
	}
	row := 1
	if err := setRow(f, sheet, row, head, bold); err != nil {
		return err
	}
	for _, s := range c.Sections {
		row++
		if err := setRow(f, sheet, row, []string{s.Title + " (" + s.Code + ")"}, bold); err != nil {
			return err
		}
		for _, r := range s.Rows {
			row++
			vals := []string{r.QuestionID, r.Question}
			for i := range r.Answers {
				vals = append(vals, r.Answers[i], r.Notes[i])
			}
			style := 0
			if r.Differs {
				style = differs
			}
			if err := setRow(f, sheet, row, vals, style); err != nil {
				return err
			}
		}
	}
	if err := f.SetColWidth(sheet, "B", "B", 60); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// setRow writes text cells (never formulas) across a row.
func setRow(f *excelize.File, sheet string, row int, vals []string, style int) error {
	for j, v := range vals {
		axis, err := excelize.CoordinatesToCellName(j+1, row)
		if err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, axis, v); err != nil {
			return err
		}
		if style != 0 {
			if err := f.SetCellStyle(sheet, axis, axis, style); err != nil {
				return err
			}
		}
	}
	return nil
}

// safeRow defuses CSV formula injection: a cell starting with = + - @ or a
// control character is prefixed with an apostrophe, as OWASP advises.
func safeRow(rec []string) []string {
	out := make([]string, len(rec))
	for i, v := range rec {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			v = "'" + v
		}
		out[i] = v
	}
	return out
}

// oneLine flattens s for a table cell and cuts it at n runes.
// Control characters become spaces, so that text from an imported file
// cannot drive a terminal.
func oneLine(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
