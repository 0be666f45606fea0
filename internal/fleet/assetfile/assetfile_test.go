package assetfile

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/vigil/vigil/internal/golden"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/vigil/vigil"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func demoMapping(t testing.TB) Mapping {
	t.Helper()
	raw, err := os.ReadFile("testdata/st-elsewhere-cmms-mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m Mapping
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func readAssets(t testing.TB, data []byte, m Mapping) ([]*vigil.Asset, []RowProblem) {
	t.Helper()
	tab, err := Read(bytes.NewReader(data), m, DefaultLimits())
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	var out []*vigil.Asset
	var probs []RowProblem
	for _, r := range tab.Rows {
		a, ps := tab.Asset(r, m)
		probs = append(probs, ps...)
		if a != nil {
			out = append(out, a)
		}
	}
	return out, probs
}

func TestReadDemoExport(t *testing.T) {
	data, err := os.ReadFile("testdata/st-elsewhere-cmms-export.csv")
	if err != nil {
		t.Fatal(err)
	}
	assets, probs := readAssets(t, data, demoMapping(t))
	if len(probs) != 0 {
		t.Fatalf("problems in the demo export: %v", probs)
	}
	js, err := json.MarshalIndent(assets, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, *update, "st-elsewhere.assets.json.golden", append(js, '\n'))
	var csvOut bytes.Buffer
	if err := WriteCSV(&csvOut, assets); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, *update, "st-elsewhere.export.csv.golden", csvOut.Bytes())
}

func TestRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/st-elsewhere-cmms-export.csv")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := readAssets(t, data, demoMapping(t))
	// Data that looks like a formula must survive the defusing.
	want[0].Owner = "=HYPERLINK(\"http://evil.example\",\"x\")"
	want[1].Unit = "+ICU"
	want[2].Building = "@North"
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer, []*vigil.Asset) error
	}{
		{"CSV", func(b *bytes.Buffer, as []*vigil.Asset) error { return WriteCSV(b, as) }},
		{"XLSX", func(b *bytes.Buffer, as []*vigil.Asset) error { return WriteXLSX(b, as) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, want); err != nil {
				t.Fatal(err)
			}
			if tc.name == "CSV" && !strings.Contains(b.String(), `"'=HYPERLINK(`) {
				t.Errorf("CSV export does not defuse a formula cell:\n%s", b.String())
			}
			got, probs := readAssets(t, b.Bytes(), Mapping{})
			if len(probs) != 0 {
				t.Fatalf("problems reading the export back: %v", probs)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("export → import (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRowProblems(t *testing.T) {
	const header = "Asset Tag,Serial,Manufacturer,Model,Version,Criticality,IP,MAC,Purchase Date,Warranty Until,PHI,Status\n"
	tests := []struct {
		name string
		row  string
		want []RowProblem
	}{
		{"OK", "T1,S1,Acme,IP-3000,3.0,life support,10.0.0.1,00:11:22:33:44:55,2024-01-01,2026-01-01,yes,active", nil},
		{"NoTagNoSerial", ",,Acme,IP-3000,3.0,monitoring,,,,,no,", []RowProblem{{Row: 2, Column: "Asset Tag", Field: "asset_tag", Message: "an asset needs an asset tag or a serial number"}}},
		{"BadIP", "T1,,Acme,IP-3000,3.0,monitoring,10.0.0.300,,,,no,", []RowProblem{{Row: 2, Column: "IP", Field: "ip", Message: `"10.0.0.300" is not an IPv4 or IPv6 address`}}},
		{"BadMAC", "T1,,Acme,IP-3000,3.0,monitoring,,00-11-22,,,no,", []RowProblem{{Row: 2, Column: "MAC", Field: "mac", Message: `"00-11-22" is not a MAC address (six hex pairs)`}}},
		{"BadCriticality", "T1,,Acme,IP-3000,3.0,vital,,,,,no,", []RowProblem{{Row: 2, Column: "Criticality", Field: "criticality",
			Message: `"vital" is not a criticality (one of [life_sustaining therapeutic diagnostic monitoring non_clinical]; map the file's values in the column mapping)`}}},
		{"BadDate", "T1,,Acme,IP-3000,3.0,monitoring,,,31/31/2024,,no,", []RowProblem{{Row: 2, Column: "Purchase Date", Field: "purchased_on", Message: `"31/31/2024" is not a date (expected e.g. 2024-03-31)`}}},
		{"WarrantyBeforePurchase", "T1,,Acme,IP-3000,3.0,monitoring,,,2024-01-01,2023-01-01,no,", []RowProblem{{Row: 2, Column: "Warranty Until", Field: "warranty_until", Message: "is before purchased_on"}}},
		{"BadBool", "T1,,Acme,IP-3000,3.0,monitoring,,,,,maybe,", []RowProblem{{Row: 2, Column: "PHI", Field: "phi", Message: `"maybe" is not yes or no`}}},
		{"BadStatus", "T1,,Acme,IP-3000,3.0,monitoring,,,,,no,stolen", []RowProblem{{Row: 2, Column: "Status", Field: "status", Message: `"stolen" is not a status (one of [in_service in_storage in_repair retired decommissioned])`}}},
		{"MissingModel", "T1,,Acme,,3.0,monitoring,,,,,no,", []RowProblem{{Row: 2, Column: "Model", Field: "model", Message: "is required"}}},
		{"ControlCharacter", "T1,,Acme\x1b[31m,IP-3000,3.0,monitoring,,,,,no,", []RowProblem{{Row: 2, Column: "Manufacturer", Field: "manufacturer", Message: "contains a control character"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := Read(strings.NewReader(header+tc.row+"\n"), Mapping{}, DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if len(tab.Rows) != 1 {
				t.Fatalf("%d rows, want 1", len(tab.Rows))
			}
			_, got := tab.Asset(tab.Rows[0], Mapping{})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// bomb returns an XLSX-looking zip whose one entry inflates from a few
// kilobytes to n bytes of zeros.
func bomb(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	zero := make([]byte, 1<<20)
	for i := 0; i < n>>20; i++ {
		if _, err := w.Write(zero); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestHostileFiles(t *testing.T) {
	small := Limits{MaxBytes: 4 << 20, MaxRows: 100, MaxCols: 50, MaxCell: 1024}
	manyRows := small
	manyRows.MaxRows, manyRows.MaxCell = 10_000_000, 8<<20
	var xlsx bytes.Buffer
	if err := WriteXLSX(&xlsx, []*vigil.Asset{{AssetTag: "T1", Manufacturer: "Acme", Model: "M", Criticality: vigil.CriticalityMonitoring, Status: vigil.AssetInService}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    []byte
		limits  Limits
		wantErr string
		tooBig  bool
	}{
		{"ZipBomb", bomb(t, 64<<20), small, "XLSX unpacks to more than", true},
		{"ZipBombRatio", bomb(t, 3<<20), DefaultLimits(), "decompression bomb", true},
		{"TruncatedXLSX", xlsx.Bytes()[:xlsx.Len()/2], DefaultLimits(), "XLSX", false},
		{"FileTooLarge", append([]byte("asset_tag,b\n"), bytes.Repeat([]byte("a,b\n"), 2<<20)...), manyRows, "larger than", true},
		{"LineTooLong", append([]byte("asset_tag,b\nT1,"), bytes.Repeat([]byte("x"), 3<<20)...), manyRows, "line 2 is longer than", true},
		{"HugeCell", []byte("asset_tag,model\nT1," + strings.Repeat("x", 2048) + "\n"), small, "cell of 2048 bytes", true},
		{"TooManyColumns", []byte("asset_tag" + strings.Repeat(",c", 60) + "\n"), small, "61 columns", true},
		{"TooManyRows", []byte("asset_tag\n" + strings.Repeat("T\n", 300)), small, "more than 100 rows", true},
		// UTF-8 for the first 64 KiB, then a byte that is not: refused at
		// its line (a file that is Windows-1252 from the start is read as
		// such, see TestEncodings).
		{"NotUTF8", []byte("asset_tag,model\n" + strings.Repeat("T1,x\n", 20000) + "T2,\xff\xfe\n"), manyRows, "line 20002 is not UTF-8", false},
		{"NUL", []byte("asset_tag,model\nT1,a\x00b\n"), small, "NUL", false},
		{"NoIdentifierColumn", []byte("model,manufacturer\nM,A\n"), small, "no asset tag or serial number column", false},
		{"DuplicateHeader", []byte("asset_tag,Asset Tag\nT,T\n"), small, "appears twice", false},
		{"BadQuote", []byte("asset_tag,model\n\"T1,M\n"), small, "CSV", false},
		{"Empty", nil, small, "no header row", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tc.data), Mapping{}, tc.limits)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
			}
			if errors.Is(err, ErrTooLarge) != tc.tooBig {
				t.Errorf("errors.Is(ErrTooLarge) = %v, want %v", !tc.tooBig, tc.tooBig)
			}
		})
	}
}

func TestMappingValidate(t *testing.T) {
	m := Mapping{Columns: map[string]string{"colour": "Colour", "model": ""}, Defaults: map[string]string{"size": "L"}}
	err := m.Validate()
	for _, want := range []string{`unknown field "colour"`, "columns.model: empty header", `defaults: unknown field "size"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to say %q", err, want)
		}
	}
	_, err = Read(strings.NewReader("asset_tag,model\nT,M\n"), Mapping{Columns: map[string]string{"model": "Model Number"}}, DefaultLimits())
	if err == nil || !strings.Contains(err.Error(), `model is mapped to column "Model Number", which the header row 1 lacks`) {
		t.Errorf("Read with a missing mapped column: %v", err)
	}
}
