package mds2

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/vigil/vigil"
)

// Layout is where a sheet's answers were found (columns 0-based, -1 when
// absent).
type Layout struct {
	Sheet          string `json:"sheet"`
	IDColumn       int    `json:"id_column"`
	AnswerColumn   int    `json:"answer_column"`
	NoteColumn     int    `json:"note_column"`
	QuestionColumn int    `json:"question_column"`
	Questions      int    `json:"questions"`
}

// Result is a parsed form.
type Result struct {
	Format string `json:"format"`
	// Entries are the answers to catalogue questions, in form order.
	Entries []vigil.MDS2Entry `json:"entries"`
	Issues  []vigil.MDS2Issue `json:"issues"`
	Layouts []Layout          `json:"layouts"`
}

// Read parses an MDS2 form from an xlsx workbook or a CSV file within
// DefaultLimits.
func Read(ctx context.Context, cat *Catalogue, r io.Reader) (*Result, error) {
	return ReadLimits(ctx, cat, r, DefaultLimits)
}

// ReadLimits is Read within lim.
func ReadLimits(ctx context.Context, cat *Catalogue, r io.Reader, lim Limits) (*Result, error) {
	format, tables, issues, err := ReadTables(r, lim)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := Parse(cat, tables)
	if err != nil {
		return nil, err
	}
	res.Format = format
	res.Issues = capIssues(append(issues, res.Issues...))
	return res, nil
}

// MaxIssues is how many issues one import reports; a file with more (a
// sheet of 10,000 duplicates) gets a last issue counting the rest.
const MaxIssues = 1000

func capIssues(is []vigil.MDS2Issue) []vigil.MDS2Issue {
	if len(is) <= MaxIssues {
		return is
	}
	more := len(is) - MaxIssues
	return append(is[:MaxIssues:MaxIssues], vigil.MDS2Issue{Kind: vigil.MDS2Truncated,
		Message: fmt.Sprintf("%d more issues not listed", more)})
}

// minIDs is how many question IDs a column needs to be taken for the ID
// column: fewer is a stray mention, not a form.
const minIDs = 3

// Parse finds the answers in tables. In each sheet the question-ID column
// is the one with the most cells shaped like question IDs, the answer
// column the one whose cells in those rows most often start with an
// answer of the vocabulary, and the note column the one headed "See note"
// (as in the HN 1-2019 form), "Note #", "Notes", "Comment", "Remarks" or
// "Explanation", or, with no such header, the one whose cells in question
// rows read as notes. Nothing depends on column letters, so extra columns,
// merged headers, moved columns and several sheets are all read.
//
// A note written as a reference ("Note 3", "See Note 3", "3" in a "Note #"
// column) is replaced by the text of that note, given anywhere in the
// workbook as a row "Note 3: text" or "Note 3 | text" (or "3 | text" on a
// sheet named Notes). Unknown IDs, duplicates, answers outside the
// vocabulary, formulas, questions without an answer, "See Note" without a
// note and references to notes the form does not give are reported with
// their sheet and row.
func Parse(cat *Catalogue, tables []Table) (*Result, error) {
	res := &Result{}
	seen := map[string]vigil.MDS2Entry{}
	// blank keeps where each unanswered question's row is, first seen.
	blank := map[string]vigil.MDS2Issue{}
	defs := noteDefinitions(tables)
	for _, t := range tables {
		lay, ok := detect(t)
		if !ok {
			continue
		}
		res.Layouts = append(res.Layouts, lay)
		for i, row := range t.Rows {
			rawID := cell(row, lay.IDColumn)
			id, ok := CanonicalID(rawID)
			if !ok {
				continue
			}
			at := vigil.MDS2Issue{Sheet: t.Sheet, Row: i + 1, QuestionID: id}
			q, known := cat.Question(id)
			raw := strings.TrimSpace(cell(row, lay.AnswerColumn))
			note, lost := resolveNote(strings.TrimSpace(cell(row, lay.NoteColumn)), defs, true)
			if !known {
				at.Kind, at.Message = vigil.MDS2UnknownQuestion, fmt.Sprintf("not a question of %s (answer %q not stored)", cat.Standard, clip(raw))
				res.Issues = append(res.Issues, at)
				continue
			}
			for _, j := range []int{lay.IDColumn, lay.AnswerColumn, lay.NoteColumn} {
				if j >= 0 && t.Formulas[[2]int{i, j}] {
					at.Kind, at.Message = vigil.MDS2Formula, fmt.Sprintf("cell %s holds a formula; its saved value was read, the formula ignored", cellName(j, i))
					res.Issues = append(res.Issues, at)
				}
			}
			e := vigil.MDS2Entry{QuestionID: id, Sheet: t.Sheet, Row: i + 1}
			switch q.Kind {
			case KindText:
				e.Text, e.Note = raw, note
			default:
				if raw == "" {
					e.Note = note
					break
				}
				a, trailing, ok := ParseAnswer(raw)
				if !ok {
					e.Text = raw
					at.Kind, at.Message = vigil.MDS2BadAnswer, fmt.Sprintf("answer %q is not Yes, No, N/A or See Note; kept as text", clip(raw))
					res.Issues = append(res.Issues, at)
				}
				e.Answer = a
				// "See Note 4" refers by a bare number; after another
				// answer a number is text ("No, 3 ports").
				t, more := resolveNote(trailing, defs, a == vigil.MDS2SeeNote)
				lost = append(more, lost...)
				e.Note = joinNotes(t, note)
			}
			if e.Answer == "" && e.Text == "" && e.Note == "" {
				// An unanswered row is the form's blank, not an answer; it
				// is reported below unless another row answers it.
				if _, ok := blank[id]; !ok {
					blank[id] = at
				}
				continue
			}
			if first, dup := seen[id]; dup {
				at.Kind = vigil.MDS2Duplicate
				at.Message = fmt.Sprintf("answered again (%q); the answer in %s row %d (%q) is kept", clip(e.Value()), first.Sheet, first.Row, clip(first.Value()))
				res.Issues = append(res.Issues, at)
				continue
			}
			seen[id] = e
			switch {
			case len(lost) > 0:
				at.Kind = vigil.MDS2NoteMissing
				at.Message = fmt.Sprintf("refers to %s, which the form does not give; the reference is kept as the note", strings.Join(lost, ", "))
				res.Issues = append(res.Issues, at)
			case e.Answer == vigil.MDS2SeeNote && e.Note == "":
				at.Kind, at.Message = vigil.MDS2NoteMissing, "answered See Note, but no note is given"
				res.Issues = append(res.Issues, at)
			case q.Kind == KindYesNo && e.Answer == "" && e.Text == "":
				at.Kind = vigil.MDS2Unanswered
				at.Message = fmt.Sprintf("no answer (Yes, No, N/A or See Note), only a note: %q", clip(e.Note))
				res.Issues = append(res.Issues, at)
			}
		}
	}
	if len(res.Layouts) == 0 {
		return nil, fmt.Errorf("no MDS2 question IDs (such as AUDT-2.8.1) found in any sheet: %w", vigil.ErrInvalid)
	}
	for _, q := range cat.Questions {
		if _, ok := seen[q.ID]; ok {
			continue
		}
		at, ok := blank[q.ID]
		if ok {
			at.Kind, at.Message = vigil.MDS2Unanswered, "no answer"
		} else {
			at = vigil.MDS2Issue{Kind: vigil.MDS2Unanswered, QuestionID: q.ID, Message: "not in the form"}
		}
		res.Issues = append(res.Issues, at)
	}
	for _, e := range seen {
		res.Entries = append(res.Entries, e)
	}
	SortEntries(cat, res.Entries)
	return res, nil
}

// SortEntries puts entries in form order.
func SortEntries(cat *Catalogue, es []vigil.MDS2Entry) {
	sort.SliceStable(es, func(a, b int) bool { return cat.Index(es[a].QuestionID) < cat.Index(es[b].QuestionID) })
}

// Missing lists the catalogue's questions that entries do not answer.
func Missing(cat *Catalogue, es []vigil.MDS2Entry) []string {
	have := make(map[string]bool, len(es))
	for _, e := range es {
		have[e.QuestionID] = true
	}
	var out []string
	for _, q := range cat.Questions {
		if !have[q.ID] {
			out = append(out, q.ID)
		}
	}
	return out
}

// noteHeader matches the header of a note column: "See note" and "Note #"
// of the HN 1-2019 form, and the headers manufacturers' variants use.
var noteHeader = regexp.MustCompile(`(?i)^\s*(see\s+notes?|notes?|note\s*(#|no\.?|number)|comments?|remarks?|explanation|details?|manufacturer'?s?\s+(notes?|comments?)|additional information)\b`)

// detect finds a table's layout, or false when it has no question IDs.
func detect(t Table) (Layout, bool) {
	lay := Layout{Sheet: t.Sheet, IDColumn: -1, AnswerColumn: -1, NoteColumn: -1, QuestionColumn: -1}
	idCount := map[int]int{}
	for _, row := range t.Rows {
		for j, c := range row {
			if _, ok := CanonicalID(c); ok {
				idCount[j]++
			}
		}
	}
	lay.IDColumn = argmax(idCount)
	if lay.IDColumn < 0 || idCount[lay.IDColumn] < minIDs {
		return lay, false
	}
	lay.Questions = idCount[lay.IDColumn]
	answers, length := map[int]int{}, map[int]int{}
	for _, row := range t.Rows {
		if _, ok := CanonicalID(cell(row, lay.IDColumn)); !ok {
			continue
		}
		for j, c := range row {
			if j == lay.IDColumn {
				continue
			}
			if _, _, ok := ParseAnswer(c); ok {
				answers[j]++
			}
			length[j] += len(c)
		}
	}
	lay.AnswerColumn = argmax(answers)
	// The note column is found by its header, in the rows without IDs:
	// header rows, repeated per section in some layouts.
	notes := map[int]int{}
	for _, row := range t.Rows {
		if _, ok := CanonicalID(cell(row, lay.IDColumn)); ok {
			continue
		}
		for j, c := range row {
			if j != lay.IDColumn && j != lay.AnswerColumn && len(c) < 60 && noteHeader.MatchString(c) {
				notes[j]++
			}
		}
	}
	lay.NoteColumn = argmax(notes)
	delete(length, lay.AnswerColumn)
	delete(length, lay.NoteColumn)
	lay.QuestionColumn = argmax(length)
	if lay.QuestionColumn >= 0 && filled(t, lay.IDColumn, lay.QuestionColumn)*2 < lay.Questions {
		// Every question has its text; a column filled on fewer than
		// half the rows is not the question column (it may be the notes).
		lay.QuestionColumn = -1
	}
	if lay.NoteColumn < 0 {
		lay.NoteColumn = noteColumnByContent(t, lay)
	}
	if lay.AnswerColumn < 0 {
		// A blank form: the answer column is the one right of the
		// question text.
		lay.AnswerColumn = max(lay.QuestionColumn, lay.IDColumn) + 1
	}
	return lay, true
}

// argmax is the key with the largest count, the smallest key on ties, -1
// for an empty map.
func argmax(m map[int]int) int {
	best, n := -1, 0
	for k, v := range m {
		if v > n || (v == n && v > 0 && k < best) {
			best, n = k, v
		}
	}
	return best
}

func cell(row []string, j int) string {
	if j < 0 || j >= len(row) {
		return ""
	}
	return row[j]
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "" || strings.EqualFold(a, b):
		return a
	default:
		return a + "; " + b
	}
}

// clip shortens text quoted in an issue.
func clip(s string) string {
	const n = 80
	if len(s) <= n {
		return s
	}
	return truncate(s, n) + "…"
}
