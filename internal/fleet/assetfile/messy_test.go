package assetfile

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// messyRow is one row of a generated CMMS export and what it must read as.
type messyRow struct {
	tag, maker, model string
	purchased         time.Time
	format            string // the date cell's number format: a built-in id or a custom code
	builtin           int
	formulaMaker      bool // the manufacturer cell is a formula with a cached value
	wantPurchased     string
}

// messyRows are real device makers as CMMS exports spell them, with date
// cells in the number formats Excel users pick.
var messyRows = []messyRow{
	{tag: "BME-1", maker: "Drägerwerk AG & Co. KGaA", model: "Infinity Delta", purchased: time.Date(2021, 3, 15, 0, 0, 0, 0, time.UTC), builtin: 14, wantPurchased: "2021-03-15"},
	{tag: "BME-2", maker: "Innokas Yhtymä Oy", model: "CMS8000", purchased: time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC), format: "dd.mm.yyyy", wantPurchased: "2019-12-31"},
	{tag: "BME-3", maker: "B. Braun Melsungen AG", model: "Space Infusion Pump", purchased: time.Date(2020, 2, 29, 0, 0, 0, 0, time.UTC), format: "mmm d, yyyy", wantPurchased: "2020-02-29"},
	{tag: "BME-4", maker: "Medtronic", model: "Valleylab FT10", purchased: time.Date(2018, 7, 4, 0, 0, 0, 0, time.UTC), builtin: 15, formulaMaker: true, wantPurchased: "2018-07-04"},
	{tag: "BME-5", maker: "Baxter", model: "Sigma Spectrum", purchased: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), format: "yyyy\"年\"m\"月\"d\"日\"", wantPurchased: "2022-01-01"},
}

// messyXLSX writes the rows as a real Excel workbook: date cells with
// built-in and custom formats, in the 1900 or 1904 date system, and a
// formula cell that carries its cached value (as Excel saves it) or not
// (as a generator that does not compute formulas saves it).
func messyXLSX(t testing.TB, date1904, cached bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sh = "Sheet1"
	if date1904 {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range []string{"Equipment ID", "Manufacturer", "Model", "Risk Class", "Purchase Date"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue(sh, cell, h)
	}
	for i, r := range messyRows {
		row := i + 2
		f.SetCellValue(sh, cellName(1, row), r.tag)
		f.SetCellValue(sh, cellName(3, row), r.model)
		f.SetCellValue(sh, cellName(4, row), "monitoring")
		f.SetCellValue(sh, cellName(2, row), r.maker)
		// The serial number in the workbook's own date system.
		serial := excelSerial(r.purchased, date1904)
		f.SetCellValue(sh, cellName(5, row), serial)
		var style excelize.Style
		if r.format != "" {
			style.CustomNumFmt = &r.format
		} else {
			style.NumFmt = r.builtin
		}
		id, err := f.NewStyle(&style)
		if err != nil {
			t.Fatal(err)
		}
		f.SetCellStyle(sh, cellName(5, row), cellName(5, row), id)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	// Excel saves a formula's text result inline, t="str" with the value
	// in <v>; excelize cannot write that, so the cell is rewritten.
	return rewriteZipEntry(t, b.Bytes(), "xl/worksheets/sheet1.xml", func(x string) string {
		cell := regexp.MustCompile(`<c r="B5"[^>]*>.*?</c>`)
		repl := `<c r="B5" t="str"><f>PROPER(&quot;medtronic&quot;)</f></c>`
		if cached {
			repl = `<c r="B5" t="str"><f>PROPER(&quot;medtronic&quot;)</f><v>Medtronic</v></c>`
		}
		if !cell.MatchString(x) {
			t.Fatal("no cell B5 in the worksheet")
		}
		return cell.ReplaceAllLiteralString(x, repl)
	})
}

func rewriteZipEntry(t testing.TB, data []byte, name string, edit func(string) string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			b = []byte(edit(string(b)))
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// excelSerial is the day number Excel stores for t: days since
// 1899-12-30 (the 1900 system, with its phantom 1900-02-29 folded in) or
// since 1904-01-01.
func excelSerial(t time.Time, date1904 bool) float64 {
	if date1904 {
		return t.Sub(time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)).Hours() / 24
	}
	return t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
}

func TestMessyXLSX(t *testing.T) {
	for _, tc := range []struct {
		name             string
		date1904, cached bool
		wantFormula      string
	}{
		{"1900", false, true, `formula =PROPER("medtronic"): read as its cached value "Medtronic"`},
		{"1904", true, true, `formula =PROPER("medtronic"): read as its cached value "Medtronic"`},
		{"FormulaWithoutCache", false, false, `formula =PROPER("medtronic") has no cached value`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := Read(bytes.NewReader(messyXLSX(t, tc.date1904, tc.cached)), Mapping{}, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if len(tab.Rows) != len(messyRows) {
				t.Fatalf("%d rows, want %d", len(tab.Rows), len(messyRows))
			}
			for i, want := range messyRows {
				a, probs := tab.Asset(tab.Rows[i], Mapping{})
				if want.formulaMaker && !tc.cached {
					if len(probs) != 1 || probs[0].Field != "manufacturer" {
						t.Errorf("row %d: %v, want the manufacturer missing", i+2, probs)
					}
					continue
				}
				if len(probs) > 0 {
					t.Errorf("row %d: %v", i+2, probs)
					continue
				}
				if got := a.PurchasedOn.String(); got != want.wantPurchased {
					t.Errorf("row %d (format %q %d): purchased %s, want %s", i+2, want.format, want.builtin, got, want.wantPurchased)
				}
				wantMaker := want.maker
				if want.formulaMaker && !tc.cached {
					wantMaker = ""
				}
				if tab.Rows[i].Cells["manufacturer"] != wantMaker {
					t.Errorf("row %d: manufacturer %q, want %q", i+2, tab.Rows[i].Cells["manufacturer"], wantMaker)
				}
			}
			if len(tab.Warnings) != 1 || !strings.HasPrefix(tab.Warnings[0].Message, tc.wantFormula) ||
				tab.Warnings[0].Row != 5 || tab.Warnings[0].Column != "Manufacturer" {
				t.Errorf("warnings %+v, want one on row 5 saying %s", tab.Warnings, tc.wantFormula)
			}
		})
	}
}

// TestEncodings: a CMMS export saved as Windows-1252 (Excel's "CSV" on a
// Western European Windows) is read, not refused, and says so.
func TestEncodings(t *testing.T) {
	text := "Asset Tag;Manufacturer;Model;Criticality;Department\n" +
		"BME-1;Drägerwerk AG & Co. KGaA;Infinity Delta;monitoring;Intensivstation Süd\n" +
		"BME-2;Innokas Yhtymä Oy;CMS8000;monitoring;Kardiologie – Ebene 3\n"
	enc, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, enc, wantEnc string }{{"Detected", "", "windows-1252"}, {"Declared", "windows-1252", "windows-1252"}} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := Read(strings.NewReader(enc), Mapping{Encoding: tc.enc}, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if tab.Encoding != tc.wantEnc || tab.Rows[0].Cells["manufacturer"] != "Drägerwerk AG & Co. KGaA" ||
				tab.Rows[1].Cells["unit"] != "Kardiologie – Ebene 3" {
				t.Errorf("read as %s: %+v", tab.Encoding, tab.Rows)
			}
		})
	}
	// Declared UTF-8, it is refused at its first line that is not.
	if _, err := Read(strings.NewReader(enc), Mapping{Encoding: "utf-8"}, DefaultLimits()); err == nil || !strings.Contains(err.Error(), "line 2 is not UTF-8") {
		t.Errorf("declared UTF-8: %v", err)
	}
}
