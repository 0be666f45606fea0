package mds2_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/mds2"
	"github.com/vigil/vigil/internal/mds2/synth"
)

// notesByID maps every question of es to its note ("" when none), so that
// a diff shows a lost note and a note on the wrong question alike.
func notesByID(cat *mds2.Catalogue, es []vigil.MDS2Entry) map[string]string {
	m := make(map[string]string, len(cat.Questions))
	for _, q := range cat.Questions {
		m[q.ID] = ""
	}
	for _, e := range es {
		m[e.QuestionID] = e.Note
	}
	return m
}

func countNotes(es []vigil.MDS2Entry) (notes, seeNote int) {
	for _, e := range es {
		if e.Note != "" {
			notes++
		}
		if e.Answer == vigil.MDS2SeeNote {
			seeNote++
		}
	}
	return notes, seeNote
}

var noteRow = regexp.MustCompile(`(?i)^\s*notes?\s*\d`)

// withoutHeaders blanks every row that has neither a question ID nor a
// numbered note's label: the header and section rows that name the
// columns, so that the note column must be found by its content.
func withoutHeaders(tables []mds2.Table) []mds2.Table {
	out := make([]mds2.Table, len(tables))
	for i, t := range tables {
		t.Rows = append([][]string(nil), t.Rows...)
		for r, row := range t.Rows {
			keep := false
			for _, c := range row {
				if _, ok := mds2.CanonicalID(c); ok || noteRow.MatchString(c) {
					keep = true
					break
				}
			}
			if !keep {
				t.Rows[r] = nil
			}
		}
		out[i] = t
	}
	return out
}

// Every note lands on its question in every layout: the note column found
// by its header ("See note" in the HN 1-2019 layout) and, with the headers
// gone, by its content; numbered notes resolved; See Note answers carry
// their text.
func TestReadNotes(t *testing.T) {
	cat := mds2.LoadCatalogue()
	d := device()
	// A must of the default profile answered See Note, with the note shared
	// by another question so that the HN layout numbers it.
	d.Answers = map[string]string{
		"CSUP-11": "See Note, assessed monthly by the PSIRT; see Security Guide chapter 7",
		"CSUP-7":  "Yes, assessed monthly by the PSIRT; see Security Guide chapter 7",
	}
	form := synth.Generate(cat, d, 42)
	want := notesByID(cat, form.Entries)
	wantNotes, wantSeeNote := countNotes(form.Entries)
	if wantNotes < 20 || wantSeeNote < 3 {
		t.Fatalf("generated form has %d notes, %d See Note answers: too few to test", wantNotes, wantSeeNote)
	}
	for _, l := range synth.Layouts() {
		t.Run(l.Name, func(t *testing.T) {
			data := write(t, cat, l, form)
			_, tables, _, err := mds2.ReadTables(bytes.NewReader(data), mds2.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range []struct {
				name   string
				tables []mds2.Table
			}{{"by header", tables}, {"by content", withoutHeaders(tables)}} {
				res, err := mds2.Parse(cat, v.tables)
				if err != nil {
					t.Fatalf("%s: %v", v.name, err)
				}
				if diff := cmp.Diff(want, notesByID(cat, res.Entries)); diff != "" {
					t.Errorf("%s: notes (-want +got):\n%s", v.name, diff)
				}
				for _, i := range res.Issues {
					t.Errorf("%s: issue %v", v.name, i)
				}
				notes, seeNote := countNotes(res.Entries)
				t.Logf("%s, %s: %d notes on %d questions, %d See Note answers all with their note, note column %s",
					l.Name, v.name, notes, len(res.Entries), seeNote, noteColumns(res.Layouts))
			}
		})
	}
}

func noteColumns(ls []mds2.Layout) string {
	var s []string
	for _, l := range ls {
		if l.NoteColumn < 0 {
			s = append(s, l.Sheet+": none (notes in the answer cell)")
			continue
		}
		s = append(s, fmt.Sprintf("%s: %c", l.Sheet, 'A'+l.NoteColumn))
	}
	return strings.Join(s, ", ")
}

// The HN 1-2019 layout heads its note column "See note" and numbers shared
// notes; both kinds of note are in the generated workbook.
func TestReadNotesHN(t *testing.T) {
	cat := mds2.LoadCatalogue()
	form := fixtureForm(cat)
	data := write(t, cat, synth.Layout{Name: "hn2019", Write: synth.WriteHN}, form)
	_, tables, _, err := mds2.ReadTables(bytes.NewReader(data), mds2.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var header bool
	var refs, seeNoteRefs, texts int
	for _, row := range tables[0].Rows {
		if len(row) > 3 && row[0] == "Question ID" && row[3] == "See note" {
			header = true
		}
		if len(row) < 3 {
			continue
		}
		if _, ok := mds2.CanonicalID(row[0]); !ok {
			continue
		}
		switch {
		case strings.HasPrefix(row[2], "See Note ") && len(row[2]) <= len("See Note 999"):
			seeNoteRefs++
		case len(row) > 3 && strings.HasPrefix(row[3], "Note "):
			refs++
		case len(row) > 3 && row[3] != "":
			texts++
		}
	}
	if !header || refs == 0 || seeNoteRefs == 0 || texts == 0 {
		t.Fatalf("HN layout: header %v, %d note references, %d See Note N answers, %d notes as text", header, refs, seeNoteRefs, texts)
	}
	res, err := mds2.Read(t.Context(), cat, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []mds2.Layout{{Sheet: "MDS2 HN 1-2019", IDColumn: 0, AnswerColumn: 2, NoteColumn: 3, QuestionColumn: 1, Questions: 243}}
	if diff := cmp.Diff(want, res.Layouts); diff != "" {
		t.Errorf("layouts (-want +got):\n%s", diff)
	}
	t.Logf("hn2019: %d note references, %d See Note N answers, %d notes as text", refs, seeNoteRefs, texts)
}

func TestParseNotes(t *testing.T) {
	cat := mds2.LoadCatalogue()
	type sheet struct {
		name string
		rows [][]string
	}
	tests := []struct {
		name   string
		sheets []sheet
		want   map[string]string // question → answer | note
		issues []string          // kind question row
	}{
		{
			name: "numbered notes below the form",
			sheets: []sheet{{"MDS2", [][]string{
				{"Question ID", "Question", "", "See note"},
				{"SBOM-1", "SBOM available", "Yes", "Note 1"},
				{"SBOM-2", "SBOM details", "See Note 2", ""},
				{"SBOM-3", "SBOM format", "No", "Notes 1, 2"},
				{"SBOM-4", "SBOM location", "See note", "see note #2"},
				{},
				{"Notes:"},
				{"Note 1", "SPDX 2.3 on request"},
				{"Note 2: Components are listed in the IFU."},
			}}},
			want: map[string]string{
				"SBOM-1": "Yes | SPDX 2.3 on request",
				"SBOM-2": "See Note | Components are listed in the IFU.",
				"SBOM-3": "No | SPDX 2.3 on request; Components are listed in the IFU.",
				"SBOM-4": "See Note | Components are listed in the IFU.",
			},
		},
		{
			name: "bare numbers under Note # and a Notes sheet",
			sheets: []sheet{
				{"Form", [][]string{
					{"ID", "Question", "Response", "Note #"},
					{"SBOM-1", "SBOM available", "Yes", "1"},
					{"SBOM-2", "SBOM details", "No", "2"},
					{"SBOM-3", "SBOM format", "See Note", "1"},
				}},
				{"Notes", [][]string{{"#", "Note"}, {"1", "SPDX on request"}, {"2.", "not for this release"}}},
			},
			want: map[string]string{
				"SBOM-1": "Yes | SPDX on request",
				"SBOM-2": "No | not for this release",
				"SBOM-3": "See Note | SPDX on request",
			},
		},
		{
			name: "a note defined in the note cell of its first question",
			sheets: []sheet{{"MDS2", [][]string{
				{"Question ID", "Question", "Answer", "Notes"},
				{"SBOM-1", "SBOM available", "Yes", "Note 1: SPDX 2.3 on request"},
				{"SBOM-2", "SBOM details", "Yes", "Note 1"},
				{"SBOM-3", "SBOM format", "No", "Note 1 and Note 1"},
			}}},
			want: map[string]string{
				"SBOM-1": "Yes | Note 1: SPDX 2.3 on request",
				"SBOM-2": "Yes | SPDX 2.3 on request",
				"SBOM-3": "No | SPDX 2.3 on request; SPDX 2.3 on request",
			},
		},
		{
			name: "missing notes and a number that is not a reference",
			sheets: []sheet{{"MDS2", [][]string{
				{"Question ID", "Question", "Answer", "See note"},
				{"SBOM-1", "SBOM available", "See Note", ""},
				{"SBOM-2", "SBOM details", "Yes", "Note 7"},
				{"SBOM-3", "SBOM format", "See Note 4", ""},
				{"SBOM-4", "SBOM location", "No, 3", ""},
			}}},
			want: map[string]string{
				"SBOM-1": "See Note | ",
				"SBOM-2": "Yes | Note 7",
				"SBOM-3": "See Note | 4",
				"SBOM-4": "No | 3",
			},
			issues: []string{"note_missing SBOM-1 2", "note_missing SBOM-2 3", "note_missing SBOM-3 4"},
		},
		{
			name: "no header: the column that reads as notes",
			sheets: []sheet{{"Sheet1", [][]string{
				{"SBOM-1", "Is an SBOM available?", "Yes", "AC-2, SA-8", "J. Doe", "on request, SPDX 2.3"},
				{"SBOM-2", "Are components identified?", "See Note", "CM-8", "J. Doe", "listed in the IFU"},
				{"SBOM-3", "Is the format machine-readable?", "No", "CM-8", "J. Doe", ""},
				{"SBOM-4", "Where is it kept?", "Yes", "CM-8", "J. Doe", "Note 1"},
				{},
				{"Note 1", "customer portal"},
			}}},
			want: map[string]string{
				"SBOM-1": "Yes | on request, SPDX 2.3",
				"SBOM-2": "See Note | listed in the IFU",
				"SBOM-3": "No | ",
				"SBOM-4": "Yes | customer portal",
			},
		},
		{
			name: "blank rows and a note without an answer are unanswered",
			sheets: []sheet{{"MDS2", [][]string{
				{"Question ID", "Question", "Answer", "Notes"},
				{"SBOM-1", "SBOM available", "", ""},
				{"SBOM-2", "SBOM details", "Yes", ""},
				{"SBOM-3", "SBOM format", "", "ask the vendor"},
				{"SBOM-4", "SBOM location", "", ""},
				{"SBOM-4", "SBOM location", "No", ""},
			}}},
			want: map[string]string{
				"SBOM-2": "Yes | ",
				"SBOM-3": " | ask the vendor",
				"SBOM-4": "No | ",
			},
			issues: []string{"unanswered SBOM-3 4", "unanswered SBOM-1 2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tables []mds2.Table
			present := map[string]bool{}
			for _, s := range tt.sheets {
				tables = append(tables, mds2.Table{Sheet: s.name, Rows: s.rows})
				for _, r := range s.rows {
					if id, ok := mds2.CanonicalID(mds2Cell(r, 0)); ok {
						present[id] = true
					}
				}
			}
			res, err := mds2.Parse(cat, tables)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, e := range res.Entries {
				got[e.QuestionID] = e.Value() + " | " + e.Note
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			var issues []string
			absent := 0
			for _, i := range res.Issues {
				if i.Kind == vigil.MDS2Unanswered && i.Row == 0 {
					absent++
					continue
				}
				issues = append(issues, fmt.Sprintf("%s %s %d", i.Kind, i.QuestionID, i.Row))
			}
			if diff := cmp.Diff(tt.issues, issues); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
			if want := len(cat.Questions) - len(present); absent != want {
				t.Errorf("%d questions reported not in the form, want %d", absent, want)
			}
		})
	}
}

func mds2Cell(row []string, j int) string {
	if j < len(row) {
		return row[j]
	}
	return ""
}

// A question left blank is an import issue at its sheet and row in every
// layout, and one the form leaves out is an issue too.
func TestReadUnanswered(t *testing.T) {
	cat := mds2.LoadCatalogue()
	form := synth.Generate(cat, device(), 5)
	blank := map[string]bool{"SBOM-1": true, "AUDT-2.8.1": true, "RMOT-3": true}
	for i, e := range form.Entries {
		if blank[e.QuestionID] {
			form.Entries[i] = vigil.MDS2Entry{QuestionID: e.QuestionID}
		}
	}
	for _, l := range synth.Layouts() {
		t.Run(l.Name, func(t *testing.T) {
			data := write(t, cat, l, form)
			_, tables, _, err := mds2.ReadTables(bytes.NewReader(data), mds2.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			res, err := mds2.Parse(cat, tables)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, i := range res.Issues {
				if i.Kind != vigil.MDS2Unanswered {
					t.Errorf("issue %v", i)
					continue
				}
				got = append(got, i.QuestionID)
				// The issue points at the question's row.
				var row []string
				for _, tb := range tables {
					if tb.Sheet == i.Sheet && i.Row >= 1 && i.Row <= len(tb.Rows) {
						row = tb.Rows[i.Row-1]
					}
				}
				if !strings.Contains(strings.Join(row, "|"), strings.SplitN(i.QuestionID, "-", 2)[1]) {
					t.Errorf("%s: %s row %d is %q", i.QuestionID, i.Sheet, i.Row, row)
				}
			}
			if diff := cmp.Diff([]string{"AUDT-2.8.1", "SBOM-1", "RMOT-3"}, got); diff != "" {
				t.Errorf("unanswered (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"AUDT-2.8.1", "SBOM-1", "RMOT-3"}, mds2.Missing(cat, res.Entries)); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
		})
	}
	// A form that leaves the question out: an issue without a row.
	res, err := mds2.Read(t.Context(), cat, strings.NewReader("Question ID;Answer\nSBOM-1;Yes\nSBOM-2;No\nSBOM-3;N/A\n"))
	if err != nil {
		t.Fatal(err)
	}
	absent := 0
	for _, i := range res.Issues {
		if i.Kind != vigil.MDS2Unanswered || i.Row != 0 || i.Message != "not in the form" {
			t.Errorf("issue %v", i)
		}
		absent++
	}
	if absent != len(cat.Questions)-3 {
		t.Errorf("%d questions reported not in the form, want %d", absent, len(cat.Questions)-3)
	}
}

// An evaluation shows the note of a must answered See Note, read from the
// HN 1-2019 layout's "See note" column.
func TestEvaluateShowsNote(t *testing.T) {
	cat := mds2.LoadCatalogue()
	const note = "Vulnerabilities are assessed monthly by the PSIRT against the SBOM; updates are validated within 30 days of release of a fix by the third-party supplier (see Security Guide, chapter 7)"
	d := device()
	d.Answers = map[string]string{"CSUP-11": "See Note", "DOC-8": "See Note"}
	form := synth.Generate(cat, d, 42)
	for i, e := range form.Entries {
		if e.QuestionID == "CSUP-11" {
			form.Entries[i].Note = note
		}
	}
	res, err := mds2.Read(t.Context(), cat, bytes.NewReader(write(t, cat, synth.Layout{Name: "hn2019", Write: synth.WriteHN}, form)))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, i := range res.Issues {
		kinds = append(kinds, fmt.Sprintf("%s %s", i.Kind, i.QuestionID))
	}
	if diff := cmp.Diff([]string{"note_missing DOC-8"}, kinds); diff != "" {
		t.Errorf("issues (-want +got):\n%s", diff)
	}
	ev := mds2.Evaluate(cat, mds2.DefaultProfile(cat), "Pump", res.Entries)
	var buf bytes.Buffer
	if err := mds2.NewReport(mds2.DefaultProfile(cat), []mds2.CandidateEvaluation{ev}, "").WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"MUST CSUP-11    review: See Note (" + note + ")", "MUST DOC-8      review: See Note (no note given)"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
