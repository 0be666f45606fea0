package mds2_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vigil/vigil/internal/golden"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"

	"github.com/vigil/vigil"
	"github.com/vigil/vigil/internal/mds2"
	"github.com/vigil/vigil/internal/mds2/synth"
)

// Planted problems are reported where they are, in every layout.
func TestReadIssues(t *testing.T) {
	cat := mds2.LoadCatalogue()
	form := synth.Generate(cat, device(), 3)
	form.Extra = []synth.Row{
		{ID: "ZZZZ-9", Answer: "Yes"},
		{ID: "AUDT-2.8.1", Answer: "Maybe", Note: "ask service"},
		{ID: "SBOM-1", Answer: "No"},
		{ID: "SBOM-4", Answer: "Perhaps"},
	}
	for _, l := range synth.Layouts() {
		t.Run(l.Name, func(t *testing.T) {
			res, err := mds2.Read(t.Context(), cat, bytes.NewReader(write(t, cat, l, form)))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, i := range res.Issues {
				if i.Sheet == "" || i.Row == 0 {
					t.Errorf("issue without location: %+v", i)
				}
				got = append(got, string(i.Kind)+" "+i.QuestionID)
			}
			want := []string{"unknown_question ZZZZ-9", "bad_answer AUDT-2.8.1", "duplicate AUDT-2.8.1", "duplicate SBOM-1", "bad_answer SBOM-4", "duplicate SBOM-4"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
			// The first answer is kept; the rest of the form is intact.
			if diff := cmp.Diff(form.Entries, res.Entries, cmpopts.IgnoreFields(vigil.MDS2Entry{}, "Sheet", "Row")); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadLocations(t *testing.T) {
	cat := mds2.LoadCatalogue()
	form := synth.Generate(cat, device(), 1)
	res, err := mds2.Read(t.Context(), cat, bytes.NewReader(write(t, cat, synth.Layouts()[0], form)))
	if err != nil {
		t.Fatal(err)
	}
	// The official layout: title, standard, blank, header, then the DOC
	// section row; DOC-1 is on row 6.
	if e := res.Entries[0]; e.QuestionID != "DOC-1" || e.Sheet != mds2.SheetName || e.Row != 6 {
		t.Errorf("first entry at %s row %d: %+v", e.Sheet, e.Row, e)
	}
	want := []mds2.Layout{{Sheet: "MDS2", IDColumn: 0, AnswerColumn: 2, NoteColumn: 3, QuestionColumn: 1, Questions: 240}}
	if diff := cmp.Diff(want, res.Layouts); diff != "" {
		t.Errorf("layouts (-want +got):\n%s", diff)
	}
	res, err = mds2.Read(t.Context(), cat, bytes.NewReader(write(t, cat, synth.Layouts()[1], form)))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Layouts) != 2 || res.Layouts[0].IDColumn != 2 || res.Layouts[0].AnswerColumn != 3 || res.Layouts[0].NoteColumn != 4 {
		t.Errorf("columns variant layouts: %+v", res.Layouts)
	}
}

func TestReadFormula(t *testing.T) {
	cat := mds2.LoadCatalogue()
	f := excelize.NewFile()
	rows := [][]any{{"Question ID", "Question", "Answer", "Notes"}, {"SBOM-1", "SBOM?"}, {"SBOM-2", "", "No"}, {"SBOM-3", "", "No"}}
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", "A"+string(rune('1'+i)), &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellFormula("Sheet1", "C2", `IF(1=1,"Yes","No")`); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := mds2.Read(t.Context(), cat, &buf)
	if err != nil {
		t.Fatal(err)
	}
	// The formula has no saved value, so SBOM-1 is also unanswered; the
	// questions the three rows leave out are reported as not in the form.
	var got []string
	for _, i := range res.Issues {
		if i.Row != 0 {
			got = append(got, fmt.Sprintf("%s %s row %d", i.Kind, i.QuestionID, i.Row))
		}
	}
	if diff := cmp.Diff([]string{"formula SBOM-1 row 2", "unanswered SBOM-1 row 2"}, got); diff != "" {
		t.Errorf("issues (-want +got):\n%s", diff)
	}
	if n := len(res.Issues) - len(got); n != len(cat.Questions)-3 {
		t.Errorf("%d questions reported not in the form, want %d", n, len(cat.Questions)-3)
	}
}

// Hostile and broken files get a clear error, never a panic or a hang.
func TestReadHostile(t *testing.T) {
	cat := mds2.LoadCatalogue()
	bomb := func() []byte {
		// A sheet that expands far beyond the unzip limit.
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("[Content_Types].xml")
		w.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
		w, _ = zw.Create("xl/worksheets/sheet1.xml")
		w.Write(bytes.Repeat([]byte(" "), 80<<20))
		zw.Close()
		return buf.Bytes()
	}()
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"Empty", nil, "empty"},
		{"LegacyXLS", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, "legacy .xls"},
		{"NotAZip", []byte("PK\x03\x04garbage"), "workbook"},
		{"ZipBomb", bomb, "workbook"},
		{"NoIDs", []byte("a,b,c\n1,2,3\n"), "no MDS2 question IDs"},
		{"Binary", []byte{0xff, 0xfe, 0, 1, 2}, "not UTF-8"},
		{"BadCSV", []byte("SBOM-1,\"Yes\n"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mds2.Read(t.Context(), cat, bytes.NewReader(tt.in))
			if tt.want == "" {
				// Lenient CSV quoting reads it; anything but a panic will do.
				return
			}
			if !errors.Is(err, vigil.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want invalid with %q", err, tt.want)
			}
		})
	}
	t.Run("TooLarge", func(t *testing.T) {
		lim := mds2.DefaultLimits
		lim.MaxFileSize = 100
		_, err := mds2.ReadLimits(t.Context(), cat, strings.NewReader(strings.Repeat("x", 101)), lim)
		if !errors.Is(err, vigil.ErrInvalid) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("HugeSheet", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("Question ID,Answer\n")
		for range 20000 {
			b.WriteString("SBOM-1,Yes\n")
		}
		res, err := mds2.Read(t.Context(), cat, strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		var truncated, dups int
		for _, i := range res.Issues {
			switch i.Kind {
			case vigil.MDS2Truncated:
				truncated++
			case vigil.MDS2Duplicate:
				dups++
			}
		}
		if len(res.Issues) != mds2.MaxIssues+1 || truncated != 2 || dups != mds2.MaxIssues-1 {
			t.Errorf("%d issues: truncated %d, duplicates %d", len(res.Issues), truncated, dups)
		}
	})
}

func TestExportGolden(t *testing.T) {
	cat := mds2.LoadCatalogue()
	form := synth.Generate(cat, device(), 1)
	form.Entries[10].Note = "=HYPERLINK(\"http://evil\")"
	var buf bytes.Buffer
	if err := mds2.Export(&buf, cat, form.Entries, mds2.ExportInfo{Subject: "Acme Infusion Pump 3.0", Generated: "2026-01-15"}); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, *update, "export.golden", dumpXLSX(t, buf.Bytes()))
	// Read back, the export gives the same answers.
	res, err := mds2.Read(t.Context(), cat, bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(form.Entries, res.Entries, cmpopts.IgnoreFields(vigil.MDS2Entry{}, "Sheet", "Row")); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	// The note is text, not a formula.
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	axis := "D" + itoa(res.Entries[10].Row)
	if fm, _ := f.GetCellFormula(mds2.SheetName, axis); fm != "" {
		t.Errorf("%s holds formula %q", axis, fm)
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func candidates(cat *mds2.Catalogue) ([]string, [][]vigil.MDS2Entry) {
	names := []string{"Acme IP-3000", "Globex Flow 7", "Initech InfuSafe"}
	var forms [][]vigil.MDS2Entry
	for i, n := range names {
		d := device()
		d.Manufacturer, d.Name = strings.SplitN(n, " ", 2)[0], strings.SplitN(n, " ", 2)[1]
		forms = append(forms, synth.Generate(cat, d, uint64(10+i)).Entries)
	}
	return names, forms
}

func TestCompareGolden(t *testing.T) {
	cat := mds2.LoadCatalogue()
	names, forms := candidates(cat)
	c := mds2.Compare(cat, names, forms)
	var txt, csv, html, xlsx bytes.Buffer
	if err := c.WriteText(&txt, true); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteXLSX(&xlsx); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, *update, "compare.txt.golden", txt.Bytes())
	golden.Check(t, *update, "compare.csv.golden", csv.Bytes())
	golden.Check(t, *update, "compare.html.golden", html.Bytes())
	golden.Check(t, *update, "compare.xlsx.golden", dumpXLSX(t, xlsx.Bytes()))
}

func TestReportGolden(t *testing.T) {
	cat := mds2.LoadCatalogue()
	names, forms := candidates(cat)
	p := mds2.DefaultProfile(cat)
	var evs []mds2.CandidateEvaluation
	for i := range names {
		evs = append(evs, mds2.Evaluate(cat, p, names[i], forms[i]))
	}
	r := mds2.NewReport(p, evs, "2026-01-15")
	var txt, html bytes.Buffer
	if err := r.WriteText(&txt); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, *update, "report.txt.golden", txt.Bytes())
	golden.Check(t, *update, "report.html.golden", html.Bytes())
}

func TestDiff(t *testing.T) {
	cat := mds2.LoadCatalogue()
	from := []vigil.MDS2Entry{
		{QuestionID: "SBOM-1", Answer: vigil.MDS2No},
		{QuestionID: "CONN-2", Answer: vigil.MDS2Yes, Note: "443/tcp"},
		{QuestionID: "ALOF-1", Answer: vigil.MDS2Yes},
		{QuestionID: "PAUT-8", Answer: vigil.MDS2No},
	}
	to := []vigil.MDS2Entry{
		{QuestionID: "ALOF-1", Answer: vigil.MDS2Yes},
		{QuestionID: "SBOM-1", Answer: vigil.MDS2Yes},
		{QuestionID: "CONN-2", Answer: vigil.MDS2Yes, Note: "443/tcp, 104/tcp"},
		{QuestionID: "RMOT-1", Answer: vigil.MDS2No},
	}
	var got []string
	for _, c := range mds2.Diff(cat, from, to) {
		got = append(got, c.QuestionID+" "+string(c.Kind)+" "+c.From+">"+c.To)
	}
	want := []string{"CONN-2 note_changed Yes>Yes", "PAUT-8 removed No>", "SBOM-1 changed No>Yes", "RMOT-1 added >No"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diff (-want +got):\n%s", diff)
	}
}

// Text from imported files and profiles is escaped in HTML and defused in
// CSV.
func TestHostileText(t *testing.T) {
	cat := mds2.LoadCatalogue()
	evil := "<script>alert(1)</script>"
	es := []vigil.MDS2Entry{{QuestionID: "SBOM-1", Answer: vigil.MDS2Yes, Note: evil}, {QuestionID: "DOC-1", Text: "=cmd|' /C calc'!A0"}}
	c := mds2.Compare(cat, []string{evil}, [][]vigil.MDS2Entry{es})
	var html, csv, txt bytes.Buffer
	if err := c.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteText(&txt, false); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html.String(), "<script>") || !strings.Contains(html.String(), "&lt;script&gt;") {
		t.Errorf("HTML not escaped:\n%s", html.String())
	}
	if !strings.Contains(csv.String(), `'=cmd`) {
		t.Errorf("CSV formula not defused:\n%s", csv.String())
	}
	p := mds2.DefaultProfile(cat)
	r := mds2.NewReport(p, []mds2.CandidateEvaluation{mds2.Evaluate(cat, p, evil+"\x1b[31m", es)}, "")
	var rh, rt bytes.Buffer
	if err := r.WriteHTML(&rh); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteText(&rt); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(rh.String(), "<script>") {
		t.Error("report HTML not escaped")
	}
	if strings.Contains(rt.String(), "\x1b") {
		t.Error("report text passes terminal escapes")
	}
}
