package mds2

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Notes in filled forms come three ways: as text in the note column, after
// the answer in its cell ("Yes, see IFU"), or as a reference ("Note 3",
// "See Note 3", a bare "3" under "Note #") to a numbered note written
// elsewhere: below the last section, on a sheet of its own, or in the note
// cell of the first question that uses it ("Note 3: ...").

// noteLabel is a numbered note's label at the start of a row, with or
// without its text after it: "Note 3", "Note #3:", "NOTE 3 text", "Note
// no. 3) text".
var noteLabel = regexp.MustCompile(`(?is)^\s*notes?\s*(?:#|no\.?|nr\.?|number)?\s*(\d{1,3})\s*(?:[:.)\-–—]\s*|\s+|$)(.*)$`)

// noteDefinition is a cell anywhere that labels its own text: "Note 3:
// text", "Note 3 - text".
var noteDefinition = regexp.MustCompile(`(?is)^\s*notes?\s*(?:#|no\.?|nr\.?|number)?\s*(\d{1,3})\s*[:.)\-–—]\s*(.+)$`)

// bareLabel is a note's number alone ("3", "3.", "(3)"), taken as a label
// only on a sheet named Notes.
var bareLabel = regexp.MustCompile(`^\s*\(?(\d{1,3})[.:)]?\s*$`)

// notesSheet names a sheet given over to the form's notes.
var notesSheet = regexp.MustCompile(`(?i)^\s*(manufacturer'?s?\s+)?notes?\b`)

// noteRefs is a note cell that only refers to numbered notes: "Note 3",
// "See note 3", "Notes 2, 5", "Note 2 and Note 5", "#3", or with bare
// numbers allowed, "3" and "2, 5".
var noteRefs = regexp.MustCompile(`(?i)^\s*(?:see\s+)?(?:notes?\s*(?:#|no\.?|nr\.?)?\s*|#\s*)?(\d{1,3}(?:\s*(?:,|;|&|/|and)\s*(?:notes?\s*(?:#|no\.?|nr\.?)?\s*|#\s*)?\d{1,3})*)\s*\.?\s*$`)

// namedRef tells a reference that names a note ("Note 3", "#3") from a
// bare number.
var namedRef = regexp.MustCompile(`(?i)(note|#)`)

var number = regexp.MustCompile(`\d{1,3}`)

// noteDefinitions collects the numbered notes a workbook gives: a row
// whose first cell is a label, with the text after it in the same cell or
// in the next non-empty cell ("Note 3: text", "Note 3 | text", "3 | text"
// on a Notes sheet), and a cell anywhere that labels its own text
// ("Note 3: text" in a question's note cell). The first definition of a
// number is kept.
func noteDefinitions(tables []Table) map[int]string {
	defs := map[int]string{}
	define := func(n string, text string) {
		i, err := strconv.Atoi(n)
		text = strings.TrimSpace(text)
		if err != nil || text == "" {
			return
		}
		if _, ok := defs[i]; !ok {
			defs[i] = text
		}
	}
	for _, t := range tables {
		onNotesSheet := notesSheet.MatchString(t.Sheet)
		for _, row := range t.Rows {
			first := true
			for j, c := range row {
				if strings.TrimSpace(c) == "" {
					continue
				}
				label := first && !hasQuestionID(row)
				first = false
				if noteRefs.MatchString(c) && !label {
					// "Note 3 and Note 5" refers; it defines nothing.
					continue
				}
				if m := noteDefinition.FindStringSubmatch(c); m != nil && !noteRefs.MatchString(c) {
					define(m[1], m[2])
					continue
				}
				if !label {
					continue
				}
				if m := noteLabel.FindStringSubmatch(c); m != nil {
					if m[2] == "" {
						m[2] = nextText(row, j)
					}
					define(m[1], m[2])
				} else if m := bareLabel.FindStringSubmatch(c); m != nil && onNotesSheet {
					define(m[1], nextText(row, j))
				}
			}
		}
	}
	return defs
}

// nextText is the first non-empty cell right of column j.
func nextText(row []string, j int) string {
	for _, c := range row[j+1:] {
		if s := strings.TrimSpace(c); s != "" {
			return s
		}
	}
	return ""
}

// resolveNote replaces a note that only refers to numbered notes by their
// text, joined by "; ", and returns the references it could not resolve
// ("Note 7"), in which case the note is kept as written. A bare number
// ("3") is a reference only when bare is true: in the note column, or
// after "See Note" in the answer cell.
func resolveNote(s string, defs map[int]string, bare bool) (string, []string) {
	m := noteRefs.FindStringSubmatch(s)
	if m == nil || (!bare && !namedRef.MatchString(s)) {
		return s, nil
	}
	var texts, lost []string
	for _, n := range number.FindAllString(m[1], -1) {
		i, _ := strconv.Atoi(n)
		if text, ok := defs[i]; ok {
			texts = append(texts, text)
		} else {
			lost = append(lost, "note "+n)
		}
	}
	if len(lost) > 0 {
		return s, lost
	}
	return strings.Join(texts, "; "), nil
}

// noteColumnByContent finds the note column of a sheet with no note
// header: of the columns other than the ID, answer and question columns,
// the one with the most cells in question rows that read as notes, if it
// has at least two different ones. Columns of codes (references to other
// standards, "AC-2", "A.9.2.1"), numbers, single answers and a name
// repeated on every row do not read as notes.
func noteColumnByContent(t Table, lay Layout) int {
	count := map[int]int{}
	distinct := map[int]map[string]bool{}
	for _, row := range t.Rows {
		if _, ok := CanonicalID(cell(row, lay.IDColumn)); !ok {
			continue
		}
		for j, c := range row {
			if j == lay.IDColumn || j == lay.AnswerColumn || j == lay.QuestionColumn || !readsAsNote(c) {
				continue
			}
			count[j]++
			if distinct[j] == nil {
				distinct[j] = map[string]bool{}
			}
			distinct[j][strings.ToLower(strings.TrimSpace(c))] = true
		}
	}
	for j := range count {
		if len(distinct[j]) < 2 {
			delete(count, j)
		}
	}
	return argmax(count)
}

// readsAsNote reports whether a cell reads as a note: a reference to a
// numbered note, or words with a lower-case run of three letters or more
// that are not a bare answer or question ID.
func readsAsNote(c string) bool {
	c = strings.TrimSpace(c)
	if c == "" {
		return false
	}
	if noteRefs.MatchString(c) && namedRef.MatchString(c) {
		return true
	}
	if _, ok := CanonicalID(c); ok {
		return false
	}
	if _, trailing, ok := ParseAnswer(c); ok && trailing == "" {
		return false
	}
	run := 0
	for _, r := range c {
		if unicode.IsLower(r) {
			run++
			if run >= 3 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// filled counts the rows with a question ID whose column j is not empty.
func filled(t Table, idColumn, j int) int {
	n := 0
	for _, row := range t.Rows {
		if _, ok := CanonicalID(cell(row, idColumn)); ok && strings.TrimSpace(cell(row, j)) != "" {
			n++
		}
	}
	return n
}
