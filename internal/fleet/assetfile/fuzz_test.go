package assetfile

import (
	"bytes"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil/vigil"
)

// fuzzRead checks what every accepted file must satisfy: no panic, and
// the assets it yields survive export → import unchanged.
func fuzzRead(t *testing.T, data []byte) {
	l := Limits{MaxBytes: 1 << 20, MaxRows: 200, MaxCols: 50, MaxCell: 4096}
	tab, err := Read(bytes.NewReader(data), Mapping{}, l)
	if err != nil {
		return
	}
	var assets []*vigil.Asset
	for _, r := range tab.Rows {
		if a, _ := tab.Asset(r, Mapping{}); a != nil {
			assets = append(assets, a)
		}
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, assets); err != nil {
		t.Fatalf("WriteCSV: %v", err)
	}
	again, err := Read(bytes.NewReader(b.Bytes()), Mapping{}, DefaultLimits())
	if err != nil {
		t.Fatalf("reading the export back: %v\n%s", err, b.String())
	}
	var got []*vigil.Asset
	for _, r := range again.Rows {
		a, probs := again.Asset(r, Mapping{})
		if len(probs) > 0 {
			t.Fatalf("export row %d: %v", r.Number, probs)
		}
		got = append(got, a)
	}
	if diff := cmp.Diff(assets, got); diff != "" {
		t.Fatalf("export → import (-want +got):\n%s", diff)
	}
}

func FuzzReadCSV(f *testing.F) {
	demo, err := os.ReadFile("testdata/st-elsewhere-cmms-export.csv")
	if err != nil {
		f.Fatal(err)
	}
	golden, err := os.ReadFile("testdata/st-elsewhere.export.csv.golden")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(demo)
	f.Add(golden)
	f.Add([]byte("asset_tag;model;manufacturer;criticality\nT1;M;A;monitoring\n"))
	f.Add([]byte("asset_tag,owner,manufacturer,model,criticality\nT1,'=1+1,A,M,monitoring\n"))
	f.Add([]byte("Asset Tag;Manufacturer;Model;Criticality\nBME-1;Dr\xe4gerwerk AG;Infinity Delta;monitoring\n")) // Windows-1252
	f.Fuzz(fuzzRead)
}

func FuzzReadXLSX(f *testing.F) {
	golden, err := os.ReadFile("testdata/st-elsewhere.export.csv.golden")
	if err != nil {
		f.Fatal(err)
	}
	tab, err := Read(bytes.NewReader(golden), Mapping{}, DefaultLimits())
	if err != nil {
		f.Fatal(err)
	}
	var assets []*vigil.Asset
	for _, r := range tab.Rows {
		if a, _ := tab.Asset(r, Mapping{}); a != nil {
			assets = append(assets, a)
		}
	}
	var b bytes.Buffer
	if err := WriteXLSX(&b, assets[:3]); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add(messyXLSX(f, true, true))
	f.Add(messyXLSX(f, false, false))
	f.Fuzz(fuzzRead)
}
