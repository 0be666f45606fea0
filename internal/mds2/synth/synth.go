// Package synth generates filled MDS2 forms for tests, fuzz corpora and
// the demo. No filled HN 1-2019 form of a real device is public under a
// licence that lets us ship it, so the fixtures are built by code: plausible
// answers from a seed, written in vigil's export layout, in the layout of
// the HN 1-2019 workbook (a "See note" column, numbered notes) and in the
// variants manufacturers use (extra columns, merged headers, forms split
// over sheets, notes in the answer cell, CSV).
package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/mds2"
)

// Device is what the DOC fields and some notes say.
type Device struct {
	Manufacturer string
	Name         string
	Model        string
	Version      string
	DocumentID   string
	// Date is the document's release date, YYYY-MM-DD.
	Date string
	// Ports are listed in the note of CONN-2.
	Ports []string
	// Answers override generated answers by question ID ("SBOM-1": "No");
	// the text is parsed like a cell ("Yes, see IFU").
	Answers map[string]string
}

// Form is a generated form: its answers, plus raw rows appended as they
// are (to plant unknown IDs, duplicates and bad answers in a fixture).
type Form struct {
	Device  Device
	Entries []vigil.MDS2Entry
	Extra   []Row
}

// Row is one raw row: question ID, answer cell, note cell.
type Row struct {
	ID, Answer, Note string
}

var yesNotes = []string{
	"see IFU, chapter Security",
	"configurable by the administrator",
	"see Security Guide",
	"default on delivery",
	"LDAP and Active Directory",
	"service mode only",
}

var noNotes = []string{
	"planned for next major release",
	"not required for intended use",
	"compensating controls described in Security Guide",
}

// Generate answers every question of cat for d, deterministically from
// seed: top-level questions mostly Yes, details N/A under a No, some
// answers with notes, the DOC fields from d.
func Generate(cat *mds2.Catalogue, d Device, seed uint64) Form {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	answers := map[string]vigil.MDS2Answer{}
	var es []vigil.MDS2Entry
	doc := map[string]string{
		"DOC-1": d.Manufacturer,
		"DOC-2": d.Name,
		"DOC-3": d.Model,
		"DOC-4": d.DocumentID,
		"DOC-5": d.Manufacturer + ", Product Security Office, psirt@" + domain(d.Manufacturer),
		"DOC-6": "Connects to the hospital network for " + strings.ToLower(d.Name) + " data exchange with clinical systems.",
		"DOC-7": d.Date,
	}
	for _, q := range cat.Questions {
		e := vigil.MDS2Entry{QuestionID: q.ID}
		if q.Kind == mds2.KindText {
			e.Text = doc[q.ID]
			if e.Text != "" {
				es = append(es, e)
			}
			continue
		}
		parent := answers[q.Parent]
		switch {
		case q.Parent != "" && (parent == vigil.MDS2No || parent == vigil.MDS2NA):
			e.Answer = vigil.MDS2NA
		default:
			switch p := r.IntN(100); {
			case p < 66:
				e.Answer = vigil.MDS2Yes
				if r.IntN(5) == 0 {
					e.Note = yesNotes[r.IntN(len(yesNotes))]
				}
			case p < 95:
				e.Answer = vigil.MDS2No
				if r.IntN(4) == 0 {
					e.Note = noNotes[r.IntN(len(noNotes))]
				}
			default:
				e.Answer = vigil.MDS2SeeNote
				e.Note = "depends on configuration; see Security Guide"
			}
		}
		if q.ID == "CONN-2" && len(d.Ports) > 0 {
			e.Answer, e.Note = vigil.MDS2Yes, "Ports: "+strings.Join(d.Ports, ", ")
		}
		// Overrides replace the drawn answer after the draw, so that one
		// override does not change every answer after it.
		if raw, ok := d.Answers[q.ID]; ok {
			e = vigil.MDS2Entry{QuestionID: q.ID}
			if a, note, ok := mds2.ParseAnswer(raw); ok {
				e.Answer, e.Note = a, note
			} else {
				e.Text = raw
			}
		}
		answers[q.ID] = e.Answer
		es = append(es, e)
	}
	return Form{Device: d, Entries: es}
}

func domain(s string) string {
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 0 {
		return "example.com"
	}
	return f[0] + ".example"
}

func (f Form) subject() string {
	return strings.TrimSpace(f.Device.Manufacturer + " " + f.Device.Name + " " + f.Device.Version)
}

// WriteOfficial writes the form in the official layout (mds2.Export),
// with the extra rows after the last question.
func WriteOfficial(w io.Writer, cat *mds2.Catalogue, f Form) error {
	if len(f.Extra) == 0 {
		return mds2.Export(w, cat, f.Entries, mds2.ExportInfo{Subject: f.subject(), Generated: f.Device.Date})
	}
	// Export, then append the extra rows to the same sheet.
	var buf bytes.Buffer
	if err := mds2.Export(&buf, cat, f.Entries, mds2.ExportInfo{Subject: f.subject(), Generated: f.Device.Date}); err != nil {
		return err
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		return err
	}
	defer x.Close()
	rows, err := x.GetRows(mds2.SheetName)
	if err != nil {
		return err
	}
	n := len(rows)
	for i, r := range f.Extra {
		if err := x.SetSheetRow(mds2.SheetName, fmt.Sprintf("A%d", n+1+i), &[]any{r.ID, "", r.Answer, r.Note}); err != nil {
			return err
		}
	}
	_, err = x.WriteTo(w)
	return err
}

// WriteColumns writes the variant with extra columns: a cover sheet
// without answers, then the form split over two sheets. Each sheet has a
// two-row header whose "Manufacturer response" cell is merged over the
// answer and detail columns, a running number left of the question, the
// ID right of it, and reference and reviewer columns after the notes.
func WriteColumns(w io.Writer, cat *mds2.Catalogue, f Form) error {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", "Cover"); err != nil {
		return err
	}
	cover := [][]any{
		{"Manufacturer Disclosure Statement for Medical Device Security"},
		{"Device", f.subject()},
		{"Prepared by", f.Device.Manufacturer},
		{"Form version", "HN 1-2019"},
		{"Answers are on the sheets that follow; see AUDT-1 and SBOM-1 in particular."},
	}
	for i, r := range cover {
		if err := x.SetSheetRow("Cover", fmt.Sprintf("A%d", i+1), &r); err != nil {
			return err
		}
	}
	byID := map[string]vigil.MDS2Entry{}
	for _, e := range f.Entries {
		byID[e.QuestionID] = e
	}
	half := len(cat.Questions) / 2
	// Split at a section boundary so that sections are not cut.
	for half < len(cat.Questions) && cat.Questions[half].Section == cat.Questions[half-1].Section {
		half++
	}
	parts := []struct {
		name string
		qs   []mds2.FormQuestion
	}{{"Part 1", cat.Questions[:half]}, {"Part 2", cat.Questions[half:]}}
	for pi, p := range parts {
		if _, err := x.NewSheet(p.name); err != nil {
			return err
		}
		head1 := []any{"#", "Question", "ID", "Manufacturer response", "", "IEC TR 80001-2-2", "Reviewed by"}
		head2 := []any{"", "", "", "Response", "Details", "", ""}
		if err := x.SetSheetRow(p.name, "A1", &head1); err != nil {
			return err
		}
		if err := x.SetSheetRow(p.name, "A2", &head2); err != nil {
			return err
		}
		if err := x.MergeCell(p.name, "D1", "E1"); err != nil {
			return err
		}
		for _, c := range []string{"A", "B", "C", "F", "G"} {
			if err := x.MergeCell(p.name, c+"1", c+"2"); err != nil {
				return err
			}
		}
		row := 3
		for i, q := range p.qs {
			e := byID[q.ID]
			vals := []any{i + 1, q.Text, spacedID(q.ID, i), e.Value(), e.Note, q.Section, "J. Doe"}
			if err := x.SetSheetRow(p.name, fmt.Sprintf("A%d", row), &vals); err != nil {
				return err
			}
			row++
		}
		if pi == len(parts)-1 {
			for _, r := range f.Extra {
				vals := []any{"", "", r.ID, r.Answer, r.Note, "", ""}
				if err := x.SetSheetRow(p.name, fmt.Sprintf("A%d", row), &vals); err != nil {
					return err
				}
				row++
			}
		}
	}
	_, err := x.WriteTo(w)
	return err
}

// hnStandards heads the reference columns of the HN 1-2019 form.
var hnStandards = []string{"IEC TR 80001-2-2:2012", "NIST SP 800-53 Rev. 4", "ISO 27002:2013"}

// WriteHN writes the form laid out as the HN 1-2019 workbook is: a title
// and the device block, a header row "Question ID | Question | | See
// note" followed by the references to other standards, and per section a
// row repeating "Yes, No, N/A, or See Note" and "Note #" over the answer
// and note columns. Notes used by one question are written in its "See
// note" cell; notes shared by several are numbered, referred to as "Note
// N" (or, for See Note answers, "See Note N" in the answer cell) and
// listed after the last section.
func WriteHN(w io.Writer, cat *mds2.Catalogue, f Form) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "MDS2 HN 1-2019"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	uses := map[string]int{}
	for _, e := range f.Entries {
		if e.Note != "" {
			uses[e.Note]++
		}
	}
	numbers := map[string]int{}
	var numbered []string
	for _, e := range f.Entries {
		if uses[e.Note] > 1 && numbers[e.Note] == 0 {
			numbered = append(numbered, e.Note)
			numbers[e.Note] = len(numbered)
		}
	}
	rows := [][]any{
		{"Manufacturer Disclosure Statement for Medical Device Security – MDS2"},
		{"Device Category", "Manufacturer", "Document ID", "Document Release Date"},
		{f.Device.Name, f.Device.Manufacturer, f.Device.DocumentID, f.Device.Date},
		{"Device Model", "Software Revision", "", "Software Release Date"},
		{f.Device.Model, f.Device.Version, "", f.Device.Date},
		{},
		append([]any{"Question ID", "Question", "", "See note"}, anys(hnStandards)...),
	}
	byID := map[string]vigil.MDS2Entry{}
	for _, e := range f.Entries {
		byID[e.QuestionID] = e
	}
	cur := ""
	for i, q := range cat.Questions {
		if q.Section != cur {
			cur = q.Section
			s, _ := cat.Section(cur)
			rows = append(rows, append([]any{strings.ToUpper(s.Title), "", "Yes, No, N/A, or See Note", "Note #"}, anys(hnStandards)...))
		}
		e := byID[q.ID]
		answer, note := e.Value(), e.Note
		if n := numbers[note]; n > 0 {
			if e.Answer == vigil.MDS2SeeNote {
				answer, note = fmt.Sprintf("See Note %d", n), ""
			} else {
				note = fmt.Sprintf("Note %d", n)
			}
		}
		rows = append(rows, []any{q.ID, q.Text, answer, note, q.Section, nistRef(i), fmt.Sprintf("A.%d.%d.%d", 5+i%14, 1+i%4, 1+i%7)})
	}
	for _, r := range f.Extra {
		rows = append(rows, []any{r.ID, "", r.Answer, r.Note})
	}
	if len(numbered) > 0 {
		rows = append(rows, []any{}, []any{"Notes:"})
		for i, n := range numbered {
			rows = append(rows, []any{fmt.Sprintf("Note %d", i+1), n})
		}
	}
	for i, r := range rows {
		if err := x.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return err
		}
	}
	_, err := x.WriteTo(w)
	return err
}

// nistRef is a plausible NIST SP 800-53 control list for the i-th question.
func nistRef(i int) string {
	fams := []string{"AC", "AU", "CM", "IA", "SC", "SI", "CP", "MP"}
	return fmt.Sprintf("%s-%d, %s-%d", fams[i%len(fams)], 1+i%12, fams[(i+3)%len(fams)], 2+i%9)
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// spacedID writes some IDs the way hand-typed forms do ("AUDT - 2").
func spacedID(id string, i int) string {
	if i%7 == 3 {
		return strings.Replace(id, "-", " - ", 1)
	}
	return id
}

// WriteInline writes the variant that puts notes in the answer cell
// ("Yes, see IFU") and has no note column, answers in lower case, on a
// sheet named "Security".
func WriteInline(w io.Writer, cat *mds2.Catalogue, f Form) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Security"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if err := x.SetSheetRow(sheet, "A1", &[]any{"MDS2 — " + f.subject()}); err != nil {
		return err
	}
	if err := x.SetSheetRow(sheet, "A3", &[]any{"Ref.", "Requirement", "Answer"}); err != nil {
		return err
	}
	row := 4
	for _, r := range inlineRows(cat, f) {
		if err := x.SetSheetRow(sheet, fmt.Sprintf("A%d", row), &[]any{r[0], r[1], r[2]}); err != nil {
			return err
		}
		row++
	}
	_, err := x.WriteTo(w)
	return err
}

func inlineRows(cat *mds2.Catalogue, f Form) [][3]string {
	byID := map[string]vigil.MDS2Entry{}
	for _, e := range f.Entries {
		byID[e.QuestionID] = e
	}
	var out [][3]string
	for i, q := range cat.Questions {
		e, ok := byID[q.ID]
		if !ok {
			continue
		}
		v := e.Value()
		if i%3 == 0 && e.Answer != "" {
			v = strings.ToLower(v)
		}
		if e.Note != "" {
			v += ", " + e.Note
		}
		out = append(out, [3]string{q.ID, q.Text, v})
	}
	for _, r := range f.Extra {
		v := r.Answer
		if r.Note != "" {
			v += ", " + r.Note
		}
		out = append(out, [3]string{r.ID, "", v})
	}
	return out
}

// WriteCSV writes the form as a semicolon-separated CSV with a header.
func WriteCSV(w io.Writer, cat *mds2.Catalogue, f Form) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.Write([]string{"Question ID", "Question", "Answer", "Notes"}); err != nil {
		return err
	}
	byID := map[string]vigil.MDS2Entry{}
	for _, e := range f.Entries {
		byID[e.QuestionID] = e
	}
	for _, q := range cat.Questions {
		e := byID[q.ID]
		if err := cw.Write([]string{q.ID, q.Text, e.Value(), e.Note}); err != nil {
			return err
		}
	}
	for _, r := range f.Extra {
		if err := cw.Write([]string{r.ID, "", r.Answer, r.Note}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Layout is one way of writing a form.
type Layout struct {
	Name  string
	Ext   string
	Write func(io.Writer, *mds2.Catalogue, Form) error
}

// Layouts lists the writers, for tests and the fixture generator.
func Layouts() []Layout {
	return []Layout{
		{"official", "xlsx", WriteOfficial},
		{"columns", "xlsx", WriteColumns},
		{"inline", "xlsx", WriteInline},
		{"csv", "csv", WriteCSV},
		{"hn2019", "xlsx", WriteHN},
	}
}
